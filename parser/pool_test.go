package parser_test

import (
	"bytes"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"

	"github.com/azlogscan/azlogscan/corpus"
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

// TestBlocksInOrder: a few MiB of real SDK output (the corpus logs, one
// after the other) give the same findings, with the same lines and offsets,
// and the same line count, however the input arrives: whole 256 KiB blocks,
// blocks filled by many small reads, or small pieces passed on as they
// arrive (a live pipe). The read-ahead workers take turns and their blocks
// must come back in order, with every trigger near a block boundary found.
func TestBlocksInOrder(t *testing.T) {
	withSecretFinder(t)
	cases, err := corpus.Cases()
	if err != nil {
		t.Fatal(err)
	}
	var in []byte
	for len(in) < 4<<20 {
		for _, c := range cases {
			b, err := os.ReadFile(c.Log)
			if err != nil {
				t.Fatal(err)
			}
			in = append(in, b...)
			if len(in) > 0 && in[len(in)-1] != '\n' {
				in = append(in, '\n')
			}
		}
	}
	// Records longer than the room before a block's bytes (a 50 KiB stack
	// trace, a 90 KiB line), every 150 KiB or so: some straddle two blocks,
	// so that the scanner must keep more than that room and go back to
	// copying blocks into its own window.
	long := "2024-05-01T10:00:00Z ERROR Azure.Identity.AuthenticationFailedException: ClientSecretCredential authentication failed: AADSTS7000215: Invalid client secret provided. Trace ID: 03da4b8e-5ffe-48ca-9754-aff4276f0100\n" +
		strings.Repeat("   at Azure.Identity.CredentialDiagnosticScope.FailWrapAndThrow(Exception ex) in /src/Azure.Identity/CredentialDiagnosticScope.cs:line 42\n", 400) +
		`{"level":"error","blob":"` + strings.Repeat("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo", 2600) + `","msg":"ManagedIdentityCredential authentication failed: AADSTS700016: Application not found. Trace ID: 9d3b9a34-1b5b-4b44-9c2a-2f1f3c5e0d00"}` + "\n"
	var mixed []byte
	for i := 0; i < len(in); {
		j := min(len(in), i+150<<10+i%7919)
		if k := bytes.IndexByte(in[j:], '\n'); k >= 0 {
			j += k + 1
		} else {
			j = len(in)
		}
		mixed = append(append(mixed, in[i:j]...), long...)
		i = j
	}
	in = mixed
	type found struct {
		Line, Offset int64
		Code, Msg    string
	}
	scan := func(r io.Reader, opt parser.Options) ([]found, parser.Stats) {
		s := parser.NewScanner(r, "all.log", opt)
		var out []found
		for s.Scan() {
			f := s.Finding()
			out = append(out, found{f.Line, f.Offset, f.Code(), f.Message})
		}
		if err := s.Err(); err != nil {
			t.Fatal(err)
		}
		return out, s.Stats()
	}
	want, wst := scan(bytes.NewReader(in), parser.Options{})
	if len(want) < 500 {
		t.Fatalf("only %d findings in %d bytes of corpus logs", len(want), len(in))
	}
	if n := int64(bytes.Count(in, []byte{'\n'})); wst.Lines != n {
		t.Errorf("Stats.Lines = %d, want %d", wst.Lines, n)
	}
	for _, c := range []struct {
		name string
		r    io.Reader
		opt  parser.Options
	}{
		{"small reads", &oddReader{b: in}, parser.Options{}},
		{"live pieces", &oddReader{b: in, x: 7}, parser.Options{Idle: time.Hour}},
		{"one byte at a time", iotest.OneByteReader(bytes.NewReader(in[:256<<10])), parser.Options{}},
	} {
		got, st := scan(c.r, c.opt)
		if c.name == "one byte at a time" {
			want, wst = scan(bytes.NewReader(in[:256<<10]), parser.Options{})
		}
		if st.Lines != wst.Lines {
			t.Errorf("%s: %d lines, want %d", c.name, st.Lines, wst.Lines)
		}
		if len(got) != len(want) {
			t.Errorf("%s: %d findings, want %d", c.name, len(got), len(want))
		}
		for i := range min(len(got), len(want)) {
			if got[i] != want[i] {
				t.Errorf("%s: finding %d = %+v, want %+v", c.name, i, got[i], want[i])
				break
			}
		}
	}
}

// TestWorkersEnd: a scanner's read-ahead workers end with its input, so
// that a batch of many files leaves no goroutine behind.
func TestWorkersEnd(t *testing.T) {
	before := runtime.NumGoroutine()
	for i := range 200 {
		in := bytes.Repeat([]byte("2024-05-01T10:00:00Z INFO request served\n"), i*500)
		s := parser.NewScanner(bytes.NewReader(in), "x.log", parser.Options{})
		for s.Scan() {
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before+4 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before+4 {
		t.Errorf("%d goroutines after 200 scans, %d before", n, before)
	}
}
