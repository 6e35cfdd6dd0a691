package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/azlogscan/azlogscan/benchmarks/loggen"
)

var (
	batchDirs  map[string]string // "plain", "gzip" -> folder of 8 files
	batchBytes int64             // uncompressed bytes in each folder
	batchWant  int
)

// batch writes 8 generated logs of 16 MiB, plain and gzip.
func batch(b *testing.B) {
	batchBytes, batchWant = 0, 0
	func() {
		root := b.TempDir() // removed when the benchmark ends
		batchDirs = map[string]string{"plain": filepath.Join(root, "plain"), "gzip": filepath.Join(root, "gzip")}
		for _, d := range batchDirs {
			os.MkdirAll(d, 0o755)
		}
		for i := range 8 {
			data, truth := loggen.Bytes(loggen.Config{Seed: uint64(i + 1), Size: 16 << 20})
			batchBytes += int64(len(data))
			batchWant += truth.Findings
			name := fmt.Sprintf("app-%d.log", i)
			os.WriteFile(filepath.Join(batchDirs["plain"], name), data, 0o644)
			os.WriteFile(filepath.Join(batchDirs["gzip"], name+".gz"), gz(data), 0o644)
		}
	}()
}

// BenchmarkBatchJobs scans the same 8 files with --jobs 1 and --jobs 2
// (files in parallel), plain and gzip: the speed-up of using both cores.
// MB/s is uncompressed bytes per second.
func BenchmarkBatchJobs(b *testing.B) {
	batch(b)
	for _, kind := range []string{"plain", "gzip"} {
		for _, jobs := range []string{"1", "2"} {
			b.Run(kind+"/jobs="+jobs, func(b *testing.B) {
				b.SetBytes(batchBytes)
				b.ReportAllocs()
				for b.Loop() {
					code := run(context.Background(), []string{"--summary", "--format", "json", "--progress", "never", "--jobs", jobs, batchDirs[kind]}, nil, io.Discard, io.Discard)
					if code != exitFindings {
						b.Fatalf("exit %d", code)
					}
				}
			})
		}
	}
}
