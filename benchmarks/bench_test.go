package benchmarks

import (
	"bufio"
	"bytes"
	"sync"
	"testing"

	"github.com/azlogscan/azlogscan/benchmarks/loggen"
	"github.com/azlogscan/azlogscan/parser"
)

// benchSize is the in-memory log every benchmark reads: large enough to
// hold the usual number of failures (one per about 20,000 noise lines) and
// several 100-400 KB lines, small enough to generate in a fraction of a
// second.
const benchSize = 32 << 20

var (
	logOnce  sync.Once
	logBuf   []byte
	logTruth *loggen.Truth
)

func benchLog(b *testing.B) ([]byte, *loggen.Truth) {
	b.Helper()
	logOnce.Do(func() {
		logBuf, logTruth = loggen.Bytes(loggen.Config{Seed: 1, Size: benchSize})
	})
	return logBuf, logTruth
}

// BenchmarkScanner: the whole parser.Scanner over the mixed log, draining
// every finding. Besides MB/s and allocations it reports how many findings
// the scanner made per pass and how many the truth holds; a difference is
// a correctness problem, not a speed one.
func BenchmarkScanner(b *testing.B) {
	buf, truth := benchLog(b)
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	var found int
	for b.Loop() {
		found = 0
		s := parser.NewScanner(bytes.NewReader(buf), "bench", parser.Options{})
		for s.Scan() {
			if s.Finding() != nil {
				found++
			}
		}
		if err := s.Err(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(found), "findings")
	b.ReportMetric(float64(truth.Findings), "truth")
	if found != truth.Findings {
		b.Logf("scanner made %d findings, the truth has %d", found, truth.Findings)
	}
}

// BenchmarkScannerNoise: the scanner over noise only (the same generator
// with no failure in 32 MiB); what it costs to read bytes that hold nothing.
func BenchmarkScannerNoise(b *testing.B) {
	buf, _ := loggen.Bytes(loggen.Config{Seed: 2, Size: benchSize, FailureEvery: 1 << 30})
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		s := parser.NewScanner(bytes.NewReader(buf), "bench", parser.Options{})
		for s.Scan() {
		}
		if err := s.Err(); err != nil {
			b.Fatal(err)
		}
	}
}

// triggers: words of the kind the scanner's first stage looks for.
var triggers = [][]byte{
	[]byte("AADSTS"),
	[]byte("Credential"),
	[]byte("authentication failed"),
	[]byte("AuthorizationFailed"),
}

// BenchmarkBytesIndex is the speed of light for the first stage: search
// 1 MiB blocks of the log for trigger words with bytes.Index, counting hits
// and doing nothing else.
func BenchmarkBytesIndex(b *testing.B) {
	buf, truth := benchLog(b)
	for _, tc := range []struct {
		name  string
		words [][]byte
	}{
		{"AADSTS", triggers[:1]},
		{"4words", triggers},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(buf)))
			b.ReportAllocs()
			var hits int
			for b.Loop() {
				hits = 0
				for off := 0; off < len(buf); off += 1 << 20 {
					blk := buf[off:min(off+1<<20, len(buf))]
					for _, w := range tc.words {
						for rest := blk; ; {
							i := bytes.Index(rest, w)
							if i < 0 {
								break
							}
							hits++
							rest = rest[i+len(w):]
						}
					}
				}
			}
			b.ReportMetric(float64(hits), "hits")
			if tc.name == "AADSTS" && int64(hits) < truth.AADSTSLines {
				b.Errorf("%d AADSTS hits, fewer than the %d lines holding it", hits, truth.AADSTSLines)
			}
		})
	}
}

// BenchmarkLineSplit is the cost of looking at every line: bufio.Scanner
// with a buffer large enough for the longest line, counting lines.
func BenchmarkLineSplit(b *testing.B) {
	buf, truth := benchLog(b)
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	var lines int64
	for b.Loop() {
		lines = 0
		sc := bufio.NewScanner(bytes.NewReader(buf))
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			lines++
		}
		if err := sc.Err(); err != nil {
			b.Fatal(err)
		}
	}
	if lines != truth.Lines {
		b.Errorf("%d lines, the truth has %d", lines, truth.Lines)
	}
}

// BenchmarkCountNewlines is bytes.Count of '\n' over the buffer: the floor
// for anything that tracks line numbers.
func BenchmarkCountNewlines(b *testing.B) {
	buf, truth := benchLog(b)
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	var n int
	for b.Loop() {
		n = bytes.Count(buf, []byte{'\n'})
	}
	if int64(n) != truth.Lines {
		b.Errorf("%d newlines, the truth has %d lines", n, truth.Lines)
	}
}
