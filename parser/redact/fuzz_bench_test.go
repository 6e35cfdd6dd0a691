package redact

import (
	"bytes"
	"github.com/azlogscan/azlogscan/parser/internal/benchutil"
	"strings"
	"testing"
)

func FuzzRedact(f *testing.F) {
	for _, c := range cases {
		f.Add([]byte(c.in))
	}
	f.Add(benchutil.LogText(2<<10, 5))
	f.Add([]byte("INFO keys=249 GetToken()\r\nAuthorization: REDACTED\nclient_secret=" + tSecret + "\nx eyJ Q~ &sig KEY"))
	f.Fuzz(func(t *testing.T, src []byte) {
		// AppendLineHits equals the original per-line algorithm, and each
		// check at a trigger agrees with the trigger's detector.
		checkLineHits(t, src)

		out, hits := Bytes(nil, src)
		checkInvariants(t, src, out, hits)
		if Index(src) < 0 && len(hits) > 0 {
			t.Fatalf("hits %v without a trigger", hits)
		}
		if s := String(string(src)); s != string(out) {
			t.Fatalf("String and Bytes differ")
		}
		// AppendHits agrees with Bytes.
		h2 := AppendHits(nil, src)
		if len(h2) != len(hits) {
			t.Fatalf("AppendHits %v, Bytes %v", h2, hits)
		}
	})
}

// secretText is log text with a secret in about one line in 50.
func secretText(n int) []byte {
	noise := benchutil.LogText(n, 77)
	lines := bytes.SplitAfter(noise, []byte("\n"))
	var b bytes.Buffer
	for i, l := range lines {
		if i%50 == 25 {
			c := cases[i/50%len(cases)]
			b.WriteString(c.in)
			b.WriteByte('\n')
		}
		b.Write(l)
	}
	return b.Bytes()
}

func benchBytes(b *testing.B, text []byte, chunk int) {
	dst := make([]byte, 0, 2*len(text))
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	b.ResetTimer()
	c0 := benchutil.CPUTime()
	for i := 0; i < b.N; i++ {
		for off := 0; off < len(text); off += chunk {
			end := min(off+chunk, len(text))
			dst, _ = Bytes(dst[:0], text[off:end])
		}
	}
	benchutil.ReportCPU(b, c0, int64(len(text)))
}

// BenchmarkBytes: secret-free log text (whole 1 MiB blocks, 64 KiB records and 200-byte
// strings) and text with a secret in one line of 50.
func BenchmarkBytes(b *testing.B) {
	noise := benchutil.LogText(1<<20, 1)
	secrets := secretText(1 << 20)
	b.Run("noise/1MiB", func(b *testing.B) { benchBytes(b, noise, 1<<20) })
	b.Run("noise/64KiB", func(b *testing.B) { benchBytes(b, noise, 64<<10) })
	b.Run("noise/200B", func(b *testing.B) { benchBytes(b, noise, 200) })
	b.Run("secrets/1MiB", func(b *testing.B) { benchBytes(b, secrets, 1<<20) })
	b.Run("secrets/200B", func(b *testing.B) { benchBytes(b, secrets, 200) })
}

// BenchmarkIndex: the whole-buffer search a scanner would do, against bytes.Index over
// Triggers one by one.
func BenchmarkIndex(b *testing.B) {
	noise := benchutil.LogText(1<<20, 1)
	b.Run("Index", func(b *testing.B) {
		b.SetBytes(int64(len(noise)))
		b.ReportAllocs()
		c0 := benchutil.CPUTime()
		for i := 0; i < b.N; i++ {
			if Index(noise) >= 0 {
				b.Fatal("trigger in noise")
			}
		}
		benchutil.ReportCPU(b, c0, int64(len(noise)))
	})
	b.Run("bytes.Index×Triggers", func(b *testing.B) {
		trigs := Triggers()
		b.SetBytes(int64(len(noise)))
		b.ReportAllocs()
		c0 := benchutil.CPUTime()
		for i := 0; i < b.N; i++ {
			for _, t := range trigs {
				if bytes.Index(noise, t) >= 0 {
					b.Fatal("trigger in noise")
				}
			}
		}
		benchutil.ReportCPU(b, c0, int64(len(noise)))
	})
}

// BenchmarkPass: the cost of each search pass of Index on secret-free text (one per anchor
// byte or whole trigger), to choose which triggers a whole-buffer scanner can afford.
func BenchmarkPass(b *testing.B) {
	noise := benchutil.LogText(1<<20, 1)
	for _, g := range groups {
		var names []string
		for _, t := range g.trigs {
			names = append(names, t.s)
		}
		b.Run(strings.Join(names, ","), func(b *testing.B) {
			b.SetBytes(int64(len(noise)))
			c0 := benchutil.CPUTime()
			for i := 0; i < b.N; i++ {
				for k := 0; k < len(noise); {
					j := index(noise[k:], g.needle)
					if j < 0 {
						break
					}
					k += j + 1
				}
			}
			benchutil.ReportCPU(b, c0, int64(len(noise)))
		})
	}
}
