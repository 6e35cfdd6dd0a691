package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/azlogscan/azlogscan/benchmarks/loggen"
)

func writeTruth(t *testing.T) string {
	t.Helper()
	tr := &loggen.Truth{Findings: 3, Records: []loggen.Record{
		{Offset: 100, Line: 10, Length: 50, Lines: 3, Format: "go-block", Code: "AADSTS7000215"},
		{Offset: 1000, Line: 40, Length: 80, Lines: 5, Format: "azure-cli", Code: "AADSTS50076"},
		{Offset: 5000, Line: 90, Length: 20, Lines: 1, Format: "go-arm-authz", Code: "AuthorizationFailed"},
	}}
	p := filepath.Join(t.TempDir(), "t.json")
	if err := tr.WriteFile(p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestExactMatch(t *testing.T) {
	p := writeTruth(t)
	in := `{"event":{"code":"AADSTS7000215"},"log":{"offset":120,"file":{"line":11}}}
{"event":{"code":"AADSTS50076"},"log":{"offset":1000,"file":{"line":40}}}
{"event":{"code":"AuthorizationFailed"},"log":{"file":{"line":90}}}
`
	var out, errb bytes.Buffer
	if rc := run([]string{p}, strings.NewReader(in), &out, &errb); rc != 0 {
		t.Fatalf("rc %d: %s%s", rc, out.String(), errb.String())
	}
}

func TestDifferences(t *testing.T) {
	p := writeTruth(t)
	in := `{"event":{"code":"AADSTS7000215"},"log":{"offset":100,"file":{"line":10}}}
{"event":{"code":"AADSTS7000215"},"log":{"offset":149,"file":{"line":12}}}
{"event":{"code":"AADSTS70011"},"log":{"offset":1079,"file":{"line":44}}}
{"event":{"code":"AADSTS50012"},"message":"noise","log":{"offset":150,"file":{"line":13}}}
`
	var out, errb bytes.Buffer
	if rc := run([]string{p}, strings.NewReader(in), &out, &errb); rc != 1 {
		t.Fatalf("rc %d, want 1: %s%s", rc, out.String(), errb.String())
	}
	for _, want := range []string{
		"matched 2, missed 1, outside any record 1, records with several findings 1, wrong code 1",
		"line 90 (offset 5000, 1 lines): go-arm-authz AuthorizationFailed",
		"line 10: go-block AADSTS7000215: 2 findings at lines 10 12",
		"line 40: azure-cli: truth AADSTS50076, output AADSTS70011",
		"line 13: AADSTS50012: noise",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
