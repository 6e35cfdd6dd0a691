// Package corpus holds real Azure authentication-failure logs with their
// ground truth, shared by the tests and benchmarks of every package.
//
// Each case is <name>.log with a hand-written <name>.expect.json (what a
// person reading the log counts as failures, and their fields) and, for the
// end-to-end tests of cmd/azlogscan, <name>.golden.jsonl. The folders:
// captured/ holds output of the real SDKs made by the generators in gen/;
// threads/ holds excerpts of public issue threads, each naming its source.
package corpus

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
)

// Expected is one case's ground truth.
type Expected struct {
	Source   string          `json:"source"`
	SDK      string          `json:"sdk"`
	Findings []ExpectFinding `json:"findings"`
	Note     string          `json:"note,omitempty"`
}

// ExpectFinding lists the fields a person reads off one failure; empty
// fields are not checked.
type ExpectFinding struct {
	Line          int64    `json:"line"`
	Credential    string   `json:"credential"`
	AADSTS        []string `json:"aadsts"`
	ErrorCode     string   `json:"error_code"`
	Status        int      `json:"status"`
	TraceID       string   `json:"trace_id"`
	CorrelationID string   `json:"correlation_id"`
	TenantID      string   `json:"tenant_id"`
	ClientID      string   `json:"client_id"`
	Chain         []string `json:"chain"`
	Signals       []string `json:"signals"`
	Kind          string   `json:"kind,omitempty"` // "secret" for an exposure finding
	SecretKind    string   `json:"secret_kind,omitempty"`
}

// Case is one corpus log.
type Case struct {
	Name   string // path relative to the corpus folder, without .log
	Log    string // absolute path of the .log
	Expect *Expected
}

// Dir returns the corpus folder.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(file)
}

// Cases returns every case with an expectation, in a stable order.
func Cases() ([]Case, error) {
	var out []Case
	root := Dir()
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "gen" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".log") {
			return nil
		}
		base := strings.TrimSuffix(p, ".log")
		b, err := os.ReadFile(base + ".expect.json")
		if err != nil {
			return nil // a log without ground truth is a sample, not a case
		}
		var e Expected
		if err := json.Unmarshal(b, &e); err != nil {
			return &os.PathError{Op: "parse", Path: base + ".expect.json", Err: err}
		}
		rel, _ := filepath.Rel(root, base)
		out = append(out, Case{Name: filepath.ToSlash(rel), Log: p, Expect: &e})
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, err
}

// KnownGaps returns the cases the parser does not yet get right, from
// known-gaps.txt ("name  # what is wrong"), so that the tests hold the rest
// to their ground truth and notice when a gap closes.
func KnownGaps() (map[string]string, error) {
	b, err := os.ReadFile(filepath.Join(Dir(), "known-gaps.txt"))
	if os.IsNotExist(err) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		name, reason, _ := strings.Cut(l, "#")
		out[strings.TrimSpace(name)] = strings.TrimSpace(reason)
	}
	return out, nil
}
