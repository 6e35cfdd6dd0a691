package corpus

import (
	"fmt"
	"slices"
	"strings"

	"github.com/azlogscan/azlogscan/parser"
)

// Check compares the failures found in a case with its ground truth and
// returns one line per difference. Secret-exposure findings are compared
// only with expectations of kind "secret".
func Check(e *Expected, found []*parser.Finding) []string {
	var fails, secrets []*parser.Finding
	for _, f := range found {
		if f.Kind == parser.KindSecretExposure {
			secrets = append(secrets, f)
		} else {
			fails = append(fails, f)
		}
	}
	var wantFails, wantSecrets []ExpectFinding
	for _, w := range e.Findings {
		if w.Kind == "secret" {
			wantSecrets = append(wantSecrets, w)
		} else {
			wantFails = append(wantFails, w)
		}
	}
	var diffs []string
	if len(fails) != len(wantFails) {
		var lines []string
		for _, f := range fails {
			lines = append(lines, fmt.Sprintf("%d-%d %s", f.Line, f.LastLine, f.Code()))
		}
		diffs = append(diffs, fmt.Sprintf("found %d failures (%s), want %d", len(fails), strings.Join(lines, ", "), len(wantFails)))
	}
	for i := 0; i < len(fails) && i < len(wantFails); i++ {
		// The expected line must fall within this finding's records, or in
		// the lead-in between the previous finding and this one (SDK log
		// events about the same request that hold no trigger word).
		var after int64
		if i > 0 {
			after = max(fails[i-1].Line, fails[i-1].LastLine)
		}
		for _, d := range compare(&wantFails[i], fails[i], after) {
			diffs = append(diffs, fmt.Sprintf("finding %d (line %d): %s", i+1, wantFails[i].Line, d))
		}
	}
	if len(wantSecrets) > 0 {
		if len(secrets) < len(wantSecrets) {
			diffs = append(diffs, fmt.Sprintf("found %d secret exposures, want at least %d", len(secrets), len(wantSecrets)))
		}
		for _, w := range wantSecrets {
			ok := false
			for _, s := range secrets {
				if s.SecretKind == w.SecretKind && (w.Line == 0 || s.Line <= w.Line && w.Line <= max(s.Line, s.LastLine)) {
					ok = true
				}
			}
			if !ok {
				diffs = append(diffs, fmt.Sprintf("no %s exposure at line %d", w.SecretKind, w.Line))
			}
		}
	}
	return diffs
}

func compare(w *ExpectFinding, f *parser.Finding, after int64) []string {
	var d []string
	str := func(name, want, got string) {
		if want != "" && want != got {
			d = append(d, fmt.Sprintf("%s = %q, want %q", name, got, want))
		}
	}
	if w.Line != 0 && (w.Line <= after || w.Line > max(f.Line, f.LastLine)) {
		d = append(d, fmt.Sprintf("record spans lines %d-%d (previous finding ends at %d), want line %d in it or just before it", f.Line, f.LastLine, after, w.Line))
	}
	str("credential", w.Credential, f.Credential)
	if len(w.AADSTS) > 0 && !slices.Equal(w.AADSTS, f.AADSTS) {
		d = append(d, fmt.Sprintf("aadsts = %v, want %v", f.AADSTS, w.AADSTS))
	}
	str("error.code", w.ErrorCode, f.ErrorCode)
	if w.Status != 0 && w.Status != f.HTTPStatus {
		d = append(d, fmt.Sprintf("status = %d, want %d", f.HTTPStatus, w.Status))
	}
	str("trace_id", w.TraceID, f.TraceID)
	str("correlation_id", w.CorrelationID, f.CorrelationID)
	str("tenant_id", w.TenantID, f.TenantID)
	str("client_id", w.ClientID, f.ClientID)
	if len(w.Chain) > 0 {
		var got []string
		for _, c := range f.Chain {
			got = append(got, c.Credential)
		}
		if !slices.Equal(got, w.Chain) {
			d = append(d, fmt.Sprintf("chain = %v, want %v", got, w.Chain))
		}
	}
	for _, s := range w.Signals {
		if !slices.Contains(f.Signals, s) {
			d = append(d, fmt.Sprintf("signals = %v, want %s among them", f.Signals, s))
		}
	}
	return d
}
