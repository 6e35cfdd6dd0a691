package decode

import (
	"bytes"
	stdgzip "compress/gzip"
	"fmt"
	"github.com/azlogscan/azlogscan/parser/internal/benchutil"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// maxOutput bounds the decoded size of n input bytes: a zstd RLE block is 4 bytes for up to
// 128 KiB (32768:1); deflate stays below 1032:1; plain input is 1:1.
func maxOutput(n int) int { return 32768*n + 128<<10 }

func FuzzOpen(f *testing.F) {
	text := benchutil.LogText(4<<10, 1)
	f.Add([]byte(nil))
	f.Add([]byte{0x1f})
	f.Add(text)
	f.Add(gz(f, text))
	f.Add(append(gz(f, text[:100]), gz(f, text[100:])...))
	f.Add(gz(f, text)[:200])
	f.Add(zst(f, text))
	f.Add(zst(f, text, zstd.WithEncoderCRC(true))[:300])
	f.Add(append([]byte{0x50, 0x2a, 0x4d, 0x18, 1, 0, 0, 0, 'x'}, zst(f, text[:50])...))
	f.Add([]byte{0x28, 0xb5, 0x2f, 0xfd, 0x00, 0xf8, 0x01, 0x00, 0x00})
	f.Fuzz(func(t *testing.T, in []byte) {
		rc, format, err := Open(bytes.NewReader(in))
		if err != nil {
			t.Fatalf("Open on a bytes.Reader failed: %v", err)
		}
		limit := maxOutput(len(in))
		var out []byte
		var n int64
		if format == Zstd {
			// Only count: the bound is large (32768:1).
			n, err = io.Copy(io.Discard, io.LimitReader(rc, int64(limit)+1))
		} else {
			out, err = io.ReadAll(io.LimitReader(rc, int64(limit)+1))
			n = int64(len(out))
		}
		rc.Close()
		if n > int64(limit) {
			t.Fatalf("%d input bytes decoded to more than %d bytes", len(in), limit)
		}
		switch format {
		case Plain:
			if err != nil || !bytes.Equal(out, in) {
				t.Fatalf("plain input not passed through: err %v", err)
			}
		case Gzip:
			// Differential check against the standard library.
			zr, serr := stdgzip.NewReader(bytes.NewReader(in))
			var want []byte
			if serr == nil {
				want, serr = io.ReadAll(io.LimitReader(zr, int64(limit)+1))
			}
			if serr == nil && (err != nil || !bytes.Equal(out, want)) {
				t.Fatalf("compress/gzip decodes %d bytes without error; we got %d bytes, %v", len(want), len(out), err)
			}
			if err == nil && serr != nil {
				t.Fatalf("compress/gzip fails (%v) where we succeed", serr)
			}
		}
	})
}

var (
	benchOnce sync.Once
	benchText []byte
	benchGz   []byte
	benchZst  []byte
)

// benchData is about 64 MiB of realistic log text, compressed as gzip -6 and zstd -3 would.
func benchData(b *testing.B) ([]byte, []byte, []byte) {
	benchOnce.Do(func() {
		benchText = benchutil.LogText(64<<20, 42)
		benchGz = gz(b, benchText)
		benchZst = zst(b, benchText, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderCRC(true))
	})
	return benchText, benchGz, benchZst
}

func benchDecode(b *testing.B, in []byte, size int, o Options) {
	buf := make([]byte, 1<<20)
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	c0 := benchutil.CPUTime()
	defer func() { benchutil.ReportCPU(b, c0, int64(size)) }()
	for i := 0; i < b.N; i++ {
		rc, _, err := OpenWith(bytes.NewReader(in), o)
		if err != nil {
			b.Fatal(err)
		}
		n := drain(b, rc, buf)
		rc.Close()
		if n != size {
			b.Fatalf("decoded %d bytes, want %d", n, size)
		}
	}
}

// drain reads rc to its end with buf and returns the number of bytes read; an error other
// than io.EOF fails the benchmark.
func drain(b testing.TB, rc io.Reader, buf []byte) int {
	n := 0
	for {
		m, err := rc.Read(buf)
		n += m
		if err == io.EOF {
			return n
		}
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecode measures decoding speed in decoded bytes per second, reading 1 MiB blocks.
func BenchmarkDecode(b *testing.B) {
	text, gzd, zsd := benchData(b)
	b.Logf("text %d bytes, gzip %d (%.1f%%), zstd %d (%.1f%%)", len(text), len(gzd), 100*float64(len(gzd))/float64(len(text)), len(zsd), 100*float64(len(zsd))/float64(len(text)))
	b.Run("plain", func(b *testing.B) { benchDecode(b, text, len(text), Options{}) })
	b.Run("gzip", func(b *testing.B) { benchDecode(b, gzd, len(text), Options{}) })
	b.Run("zstd", func(b *testing.B) { benchDecode(b, zsd, len(text), Options{}) })
}

// BenchmarkZstdConcurrency compares zstd decoder concurrency (DefaultZstdConcurrency is chosen from it).
func BenchmarkZstdConcurrency(b *testing.B) {
	text, _, zsd := benchData(b)
	for _, c := range []int{1, 2, 4} {
		b.Run(fmt.Sprint(c), func(b *testing.B) { benchDecode(b, zsd, len(text), Options{ZstdConcurrency: c}) })
	}
}

// BenchmarkGzipBuffer compares the compressed read size of gzip decoding.
func BenchmarkGzipBuffer(b *testing.B) {
	text, gzd, _ := benchData(b)
	for _, s := range []int{4 << 10, 64 << 10, 256 << 10, 1 << 20} {
		b.Run(fmt.Sprintf("%dKiB", s>>10), func(b *testing.B) { benchDecode(b, gzd, len(text), Options{BufferSize: s}) })
	}
}

// BenchmarkDecodeFiles decodes the files listed in AZLOGSCAN_BENCH_FILES (comma separated),
// to compare with `pigz -dc` and `zstd -dc` on the same files (see README.md).
func BenchmarkDecodeFiles(b *testing.B) {
	list := os.Getenv("AZLOGSCAN_BENCH_FILES")
	if list == "" {
		b.Skip("AZLOGSCAN_BENCH_FILES not set")
	}
	for _, name := range strings.Split(list, ",") {
		in, err := os.ReadFile(name)
		if err != nil {
			b.Fatal(err)
		}
		rc, _, _ := Open(bytes.NewReader(in))
		size, err := io.Copy(io.Discard, rc)
		rc.Close()
		if err != nil {
			b.Fatal(err)
		}
		b.Run(filepath.Base(name), func(b *testing.B) { benchDecode(b, in, int(size), Options{}) })
	}
}

// TestWriteBenchData writes the benchmark text to $AZLOGSCAN_WRITE_BENCH_TEXT, for the
// command-line comparison in README.md.
func TestWriteBenchData(t *testing.T) {
	path := os.Getenv("AZLOGSCAN_WRITE_BENCH_TEXT")
	if path == "" {
		t.Skip("AZLOGSCAN_WRITE_BENCH_TEXT not set")
	}
	if err := os.WriteFile(path, benchutil.LogText(64<<20, 42), 0o644); err != nil {
		t.Fatal(err)
	}
}

var _ = gzip.NewReader
