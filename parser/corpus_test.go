package parser_test

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/azlogscan/azlogscan/corpus"
	"github.com/azlogscan/azlogscan/parser"
	"github.com/azlogscan/azlogscan/rules"
)

func scanAll(t testing.TB, r io.Reader, name string) []*parser.Finding {
	t.Helper()
	s := parser.NewScanner(r, name, parser.Options{})
	var out []*parser.Finding
	db := rules.Default()
	for s.Scan() {
		f := *s.Finding()
		// As the command does: benign interrupts of normal flows are not failures.
		if db.Enrich(&f); f.Rule.Benign {
			continue
		}
		out = append(out, &f)
	}
	if err := s.Err(); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return out
}

// TestCorpus checks every corpus case against its hand-written ground truth:
// read whole, one byte at a time, and with CRLF line ends.
func TestCorpus(t *testing.T) {
	cases, err := corpus.Cases()
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 40 {
		t.Fatalf("only %d corpus cases", len(cases))
	}
	gaps, err := corpus.KnownGaps()
	if err != nil {
		t.Fatal(err)
	}
	passed := 0
	defer func() {
		t.Logf("%d of %d corpus cases match their ground truth; %d are known gaps", passed, len(cases), len(gaps))
	}()
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			data, err := os.ReadFile(c.Log)
			if err != nil {
				t.Fatal(err)
			}
			found := scanAll(t, bytes.NewReader(data), c.Name)
			diffs := corpus.Check(c.Expect, found)
			if reason, known := gaps[c.Name]; known {
				// A known gap must still fail: when it is fixed, the list shrinks.
				if len(diffs) == 0 {
					t.Errorf("%s now matches its ground truth: remove it from corpus/known-gaps.txt (was: %s)", c.Name, reason)
				}
				return
			}
			for _, d := range diffs {
				t.Errorf("%s: %s", c.Name, d)
			}
			if t.Failed() {
				return
			}
			passed++
			same := func(how string, other []*parser.Finding) {
				if len(other) != len(found) {
					t.Errorf("%s: %s: %d findings, whole read %d", c.Name, how, len(other), len(found))
					return
				}
				for i := range found {
					a, b := found[i], other[i]
					if a.Line != b.Line || a.Code() != b.Code() || a.TraceID != b.TraceID || a.Credential != b.Credential {
						t.Errorf("%s: %s: finding %d differs: line %d %s %s, whole read line %d %s %s", c.Name, how, i, b.Line, b.Code(), b.Credential, a.Line, a.Code(), a.Credential)
					}
				}
			}
			same("one byte at a time", scanAll(t, iotest.OneByteReader(bytes.NewReader(data)), c.Name))
			crlf := bytes.ReplaceAll(bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n")), []byte("\n"), []byte("\r\n"))
			same("CRLF", scanAll(t, bytes.NewReader(crlf), c.Name))
		})
	}
}

var _ = strings.Contains
