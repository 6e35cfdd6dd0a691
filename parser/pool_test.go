package parser_test

import (
	"bytes"
	"os"
	"sync"
	"testing"

	"github.com/azlogscan/azlogscan/parser"
)

// Scanners reuse the buffers of finished ones: many scans one after the
// other and side by side all see their own input whole.
func TestBuffersReused(t *testing.T) {
	log, err := os.ReadFile("../corpus/captured/go/dac-env-bad-secret-printf-v1.15.0.log")
	if err != nil {
		t.Fatal(err)
	}
	scan := func(in []byte) []string {
		s := parser.NewScanner(bytes.NewReader(in), "x.log", parser.Options{})
		var out []string
		for s.Scan() {
			f := s.Finding()
			out = append(out, f.Code()+" "+f.Message)
		}
		if err := s.Err(); err != nil {
			t.Error(err)
		}
		return out
	}
	want := scan(log)
	if len(want) == 0 {
		t.Fatal("no finding in the sample")
	}
	var wg sync.WaitGroup
	for g := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 40 {
				in := log
				if (i+g)%3 == 0 {
					in = []byte("noise only\n")
				}
				got := scan(in)
				if &in[0] == &log[0] && (len(got) != len(want) || got[0] != want[0]) {
					t.Errorf("scan %d: %q, want %q", i, got, want)
					return
				}
				if &in[0] != &log[0] && len(got) != 0 {
					t.Errorf("scan %d of noise: %q", i, got)
					return
				}
			}
		}()
	}
	wg.Wait()
}
