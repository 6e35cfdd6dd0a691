package parser_test

import (
	"bytes"
	"sync"
	"testing"

	"github.com/azlogscan/azlogscan/benchmarks/loggen"
	"github.com/azlogscan/azlogscan/parser"
)

// benchSize is the generated log each benchmark scans in memory.
const benchSize = 32 << 20

var (
	noiseOnce, mixedOnce sync.Once
	noiseBuf, mixedBuf   []byte
	mixedTruth           *loggen.Truth
)

func noiseLog() []byte {
	noiseOnce.Do(func() {
		// FailureEvery far beyond the size: noise only (SDK chatter included).
		noiseBuf, _ = loggen.Bytes(loggen.Config{Seed: 2, Size: benchSize, FailureEvery: 1 << 30})
	})
	return noiseBuf
}

func mixedLog() ([]byte, *loggen.Truth) {
	mixedOnce.Do(func() {
		mixedBuf, mixedTruth = loggen.Bytes(loggen.Config{Seed: 1, Size: benchSize})
	})
	return mixedBuf, mixedTruth
}

func benchScan(b *testing.B, buf []byte) int {
	s := parser.NewScanner(bytes.NewReader(buf), "bench", parser.Options{})
	n := 0
	for s.Scan() {
		n++
	}
	if err := s.Err(); err != nil {
		b.Fatal(err)
	}
	return n
}

// BenchmarkScanNoise scans generated noise without any failure: the cost of
// the bytes that make up nearly all of a real log. Allocations must stay at
// the scanner's fixed setup (its window), not grow with the input: allocs/op
// is reported, and "allocs/MiB" must be ~0.
func BenchmarkScanNoise(b *testing.B) {
	buf := noiseLog()
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	var found int
	for b.Loop() {
		found = benchScan(b, buf)
	}
	if found != 0 {
		b.Errorf("noise made %d findings, want 0", found)
	}
}

// BenchmarkScanMixed scans the generated mixed log (about one failure per
// 20,000 lines, every SDK format) and checks the count against the truth.
func BenchmarkScanMixed(b *testing.B) {
	buf, truth := mixedLog()
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	var found int
	for b.Loop() {
		found = benchScan(b, buf)
	}
	b.ReportMetric(float64(found), "findings")
	b.ReportMetric(float64(truth.Findings), "truth")
}

// TestNoiseAllocs checks that the noise costs no allocation per line: a
// scan of 32 MiB of noise allocates no more than a scan of 1 MiB of it (the
// scanner's fixed setup), give or take a few.
func TestNoiseAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 32 MiB")
	}
	buf := noiseLog()
	small := buf[:bytes.LastIndexByte(buf[:1<<20], '\n')+1]
	count := func(in []byte) float64 {
		return testing.AllocsPerRun(2, func() {
			s := parser.NewScanner(bytes.NewReader(in), "bench", parser.Options{})
			for s.Scan() {
			}
		})
	}
	a1, a32 := count(small), count(buf)
	lines := bytes.Count(buf, []byte{'\n'})
	t.Logf("allocations: %v for 1 MiB, %v for 32 MiB (%d lines)", a1, a32, lines)
	if a32 > a1+8 {
		t.Errorf("noise allocates: %v allocations for 32 MiB against %v for 1 MiB", a32, a1)
	}
}
