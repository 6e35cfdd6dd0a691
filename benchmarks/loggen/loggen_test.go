package loggen

import (
	"bytes"
	"crypto/sha256"
	"io"
	"regexp"
	"strings"
	"testing"
)

func TestDeterministic(t *testing.T) {
	cfg := Config{Seed: 7, Size: 6 << 20, FailureEvery: 2000, LongEvery: 1 << 20}
	a, ta := Bytes(cfg)
	b, tb := Bytes(cfg)
	if !bytes.Equal(a, b) {
		t.Fatalf("same config, different bytes (%d vs %d)", len(a), len(b))
	}
	if ta.Findings != tb.Findings || ta.Lines != tb.Lines || ta.AADSTSLines != tb.AADSTSLines {
		t.Fatalf("same config, different truth: %+v vs %+v", ta, tb)
	}
	// Writing through a writer that takes small pieces changes nothing.
	var sb bytes.Buffer
	if _, err := Generate(smallWriter{&sb}, cfg); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, sb.Bytes()) {
		t.Fatal("output depends on the writer")
	}
	cfg.Seed = 8
	c, _ := Bytes(cfg)
	if sha256.Sum256(a) == sha256.Sum256(c) {
		t.Fatal("seeds 7 and 8 gave the same bytes")
	}
}

type smallWriter struct{ w io.Writer }

func (s smallWriter) Write(p []byte) (int, error) {
	for i := 0; i < len(p); i += 4093 {
		if _, err := s.w.Write(p[i:min(i+4093, len(p))]); err != nil {
			return i, err
		}
	}
	return len(p), nil
}

func TestSize(t *testing.T) {
	for _, size := range []int64{1, 1000, 3 << 20} {
		out, tr := Bytes(Config{Seed: 3, Size: size})
		if int64(len(out)) < size || int64(len(out)) > size+1<<20 {
			t.Errorf("size %d: got %d bytes", size, len(out))
		}
		if tr.Bytes != int64(len(out)) {
			t.Errorf("size %d: truth says %d bytes, output has %d", size, tr.Bytes, len(out))
		}
		if out[len(out)-1] != '\n' {
			t.Errorf("size %d: output does not end with a newline", size)
		}
	}
}

// Strings that only failure records contain: noise never holds them.
var failureMarkers = []string{
	"AADSTS", "authentication failed", "AuthorizationFailed", "failed to acquire a token",
	"failed to retrieve a token", "ClientAuthenticationError", "ClientAuthenticationException",
	"AuthenticationFailedException", "CredentialUnavailableError", "AuthenticationError",
	"RESPONSE 40", "'error': '", `"error": "invalid`, "Trace ID:", "error_codes",
}

var (
	traceRE = regexp.MustCompile(`Trace ID: ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})`)
	codeRE  = regexp.MustCompile(`AADSTS([0-9]{5,7})`)
)

// TestTruth checks the truth against the output by independent means.
func TestTruth(t *testing.T) {
	out, tr := Bytes(Config{Seed: 11, Size: 24 << 20, FailureEvery: 400, LongEvery: 1 << 20})
	if tr.Findings < 250 {
		t.Fatalf("only %d failure records; the test wants several hundred", tr.Findings)
	}
	if len(tr.Records) != tr.Findings {
		t.Fatalf("%d records, %d findings", len(tr.Records), tr.Findings)
	}
	for name, m := range map[string]map[string]int{"by_code": tr.ByCode, "by_format": tr.ByFormat, "by_sdk": tr.BySDK} {
		sum := 0
		for _, n := range m {
			sum += n
		}
		if sum != tr.Findings {
			t.Errorf("%s sums to %d, findings %d", name, sum, tr.Findings)
		}
	}
	if got := int64(bytes.Count(out, []byte{'\n'})); got != tr.Lines {
		t.Errorf("lines: truth %d, output %d", tr.Lines, got)
	}

	// The number of failures, counted without the truth's records: every
	// AADSTS failure carries a fresh trace ID after "Trace ID: ", every ARM
	// one "ERROR CODE: AuthorizationFailed" once.
	traces := map[string]bool{}
	for _, m := range traceRE.FindAllSubmatch(out, -1) {
		traces[string(m[1])] = true
	}
	arm := bytes.Count(out, []byte("ERROR CODE: AuthorizationFailed"))
	if len(traces)+arm != tr.Findings {
		t.Errorf("independent count: %d trace IDs + %d ARM errors = %d, truth says %d findings",
			len(traces), arm, len(traces)+arm, tr.Findings)
	}
	if tr.ByCode["AuthorizationFailed"] != arm {
		t.Errorf("AuthorizationFailed: truth %d, output %d", tr.ByCode["AuthorizationFailed"], arm)
	}

	// Lines holding AADSTS, as grep -c counts them.
	var aad int64
	for line := range bytes.Lines(out) {
		if bytes.Contains(line, []byte("AADSTS")) {
			aad++
		}
	}
	if aad != tr.AADSTSLines {
		t.Errorf("lines with AADSTS: truth %d, output %d", tr.AADSTSLines, aad)
	}

	// Each record is where the truth says, holds its code, and the noise
	// around the records holds no failure marker.
	var noise bytes.Buffer
	prev := int64(0)
	byCode := map[string]int{}
	for i, r := range tr.Records {
		if r.Offset < prev {
			t.Fatalf("record %d at %d overlaps the previous one (ends %d)", i, r.Offset, prev)
		}
		if r.Offset > 0 && out[r.Offset-1] != '\n' {
			t.Errorf("record %d does not start a line", i)
		}
		rec := out[r.Offset : r.Offset+int64(r.Length)]
		if rec[len(rec)-1] != '\n' {
			t.Errorf("record %d does not end a line", i)
		}
		if got := int64(bytes.Count(out[:r.Offset], []byte{'\n'})) + 1; got != r.Line {
			t.Errorf("record %d: line %d, truth says %d", i, got, r.Line)
		}
		if got := bytes.Count(rec, []byte{'\n'}); got != r.Lines {
			t.Errorf("record %d: %d lines, truth says %d", i, got, r.Lines)
		}
		code := r.Code
		if strings.HasPrefix(code, "AADSTS") {
			m := codeRE.FindSubmatch(rec)
			if m == nil || "AADSTS"+string(m[1]) != code {
				t.Errorf("record %d (%s): first code in the record is %q, truth says %s", i, r.Format, m, code)
			}
			if !bytes.Contains(rec, []byte("Trace ID: "+r.TraceID)) {
				t.Errorf("record %d (%s) lacks its trace ID %s", i, r.Format, r.TraceID)
			}
		} else if !bytes.Contains(rec, []byte(code)) {
			t.Errorf("record %d (%s) lacks %s", i, r.Format, code)
		}
		if r.Credential != "" && !bytes.Contains(rec, []byte(r.Credential)) {
			t.Errorf("record %d (%s) does not name %s", i, r.Format, r.Credential)
		}
		byCode[code]++
		noise.Write(out[prev:r.Offset])
		prev = r.Offset + int64(r.Length)
	}
	noise.Write(out[prev:])
	for code, n := range tr.ByCode {
		if byCode[code] != n {
			t.Errorf("%s: %d records, by_code says %d", code, byCode[code], n)
		}
	}
	for _, m := range failureMarkers {
		if i := bytes.Index(noise.Bytes(), []byte(m)); i >= 0 {
			lo := max(0, i-200)
			t.Errorf("noise holds %q: ...%s...", m, noise.Bytes()[lo:min(noise.Len(), i+200)])
		}
	}
	long := 0
	for line := range bytes.Lines(noise.Bytes()) {
		if len(line) >= 100<<10 {
			long++
		}
	}
	if long != tr.LongLines || long == 0 {
		t.Errorf("long noise lines: %d, truth says %d", long, tr.LongLines)
	}
}

// TestCoverage: every format and every envelope shows up, and the noise has
// the look-alikes the brief asks for.
func TestCoverage(t *testing.T) {
	out, tr := Bytes(Config{Seed: 5, Size: 24 << 20, FailureEvery: 300})
	for _, f := range formatNames {
		if tr.ByFormat[f] == 0 {
			t.Errorf("format %s never written as text", f)
		}
	}
	envs := map[string]bool{}
	for f := range tr.ByFormat {
		if i := strings.IndexByte(f, '+'); i >= 0 {
			envs[f[i+1:]] = true
		}
	}
	for _, e := range []string{"slog", "zap", "logrus", "python-json", "serilog", "pino", "logstash"} {
		if !envs[e] {
			t.Errorf("envelope %s never used", e)
		}
	}
	if len(tr.ByCode) < 30 {
		t.Errorf("only %d distinct codes", len(tr.ByCode))
	}
	for _, s := range []string{
		`ManagedIdentityCredential.GetToken() acquired a token for scope "https://management.azure.com/.default"`,
		"azure:identity:info ClientSecretCredential => getToken() => SUCCESS",
		"INFO:azure.identity._credentials.chained:DefaultAzureCredential acquired a token from AzureCliCredential",
		"Request: ==> OUTGOING REQUEST (Try=1)",
		"[Request] ==> OUTGOING REQUEST (Try=1)",
		"   RESPONSE Status: 200 OK",
		"\r\nTrace ID: ",   // old CRLF trailer, printed
		`\r\nTrace ID: `,   // old CRLF trailer, inside a JSON string
		`\\r\\nTrace ID: `, // ... escaped once more in a JSON log record
		"Caused by: com.microsoft.aad.msal4j.",
		" ---> MSAL.NetCore.",
		"\tat java.base/java.lang.Thread.run",
	} {
		if !bytes.Contains(out, []byte(s)) {
			t.Errorf("output never contains %q", s)
		}
	}
}

func BenchmarkGenerate(b *testing.B) {
	cfg := Config{Seed: 1, Size: 64 << 20}
	b.SetBytes(cfg.Size)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Generate(io.Discard, cfg); err != nil {
			b.Fatal(err)
		}
	}
}
