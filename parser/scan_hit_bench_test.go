package parser

import (
	"bytes"
	"os"
	"testing"

	"github.com/azlogscan/azlogscan/benchmarks/loggen"
)

// BenchmarkScanFile scans the log named by $AZLOGSCAN_BENCH_LOG (e.g. one of
// benchmarks/run.sh's, /tmp/azlogscan-bench/mixed-64MiB-seed1.log) in memory:
// real trigger-hit density, for profiling the per-hit work. It is skipped
// when the variable is unset.
func BenchmarkScanFile(b *testing.B) {
	name := os.Getenv("AZLOGSCAN_BENCH_LOG")
	if name == "" {
		b.Skip("AZLOGSCAN_BENCH_LOG is not set")
	}
	buf, err := os.ReadFile(name)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	var st Stats
	for b.Loop() {
		s := NewScanner(bytes.NewReader(buf), name, Options{})
		for s.Scan() {
		}
		if err := s.Err(); err != nil {
			b.Fatal(err)
		}
		st = s.Stats()
	}
	b.ReportMetric(float64(st.Records), "records")
	b.ReportMetric(float64(st.Findings), "findings")
}

// BenchmarkHits measures only the work per trigger hit, without the trigger
// search and the reads: the scanner's processHit steps (record bounds,
// grouping, classification, parsing) over every hit of a generated mixed
// log, or of $AZLOGSCAN_BENCH_LOG when set. It reports ns/hit. Its "lines"
// part does only the line counting (which also brings the bytes into the
// cache, as the scanner's reads and trigger search do): "all" minus "lines"
// is the cost of the rest.
func BenchmarkHits(b *testing.B) {
	var buf []byte
	if name := os.Getenv("AZLOGSCAN_BENCH_LOG"); name != "" {
		var err error
		if buf, err = os.ReadFile(name); err != nil {
			b.Fatal(err)
		}
	} else {
		buf, _ = loggen.Bytes(loggen.Config{Seed: 1, Size: 32 << 20})
	}
	var hits []int
	for p := 0; ; {
		h := firstTrigger(buf, p)
		if h < 0 {
			break
		}
		hits = append(hits, h)
		p = h + 1
	}
	for _, all := range []bool{true, false} {
		name := "lines"
		if all {
			name = "all"
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			records, findings := 0, 0
			for b.Loop() {
				records, findings = scanHits(buf, hits, all)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(hits)), "ns/hit")
			b.ReportMetric(float64(len(hits)), "hits")
			b.ReportMetric(float64(records), "records")
			b.ReportMetric(float64(findings), "findings")
		})
	}
}

// scanHits does what processHit does for each hit of buf (all), or only its
// line counting.
func scanHits(buf []byte, hits []int, all bool) (records, findings int) {
	s := &Scanner{name: "bench"}
	s.group.s = s
	lines := lineCounter{line: 1}
	done := 0
	for _, h := range hits {
		if h < done {
			continue
		}
		// The scanner's reads and trigger search have just passed over the
		// bytes up to h: count its lines (cache them) first.
		lines.at(buf, h)
		if !all {
			done = h + 1
			continue
		}
		start, long := recordStart(buf, h, done)
		end, _, _ := recordEnd(buf, start, h, long, true)
		line := lines.at(buf, start)
		s.group.add(buf[start:end], int64(start), line, long)
		s.group.lastLine = line + int64(bytes.Count(buf[start:end], nlByte))
		records++
		done = max(end, h+1)
		findings += len(s.out)
		clear(s.out)
		s.out = s.out[:0]
	}
	s.group.flush()
	return records, findings + len(s.out)
}
