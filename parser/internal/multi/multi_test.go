package multi

import (
	"bytes"
	"math/bits"
	"math/rand/v2"
	"os"
	"os/exec"
	"slices"
	"testing"

	"github.com/azlogscan/azlogscan/benchmarks/loggen"
)

var testWords = [][]byte{
	[]byte("AADSTS"), []byte("redential"), []byte("uthoriz"), []byte("IMDS"), []byte("anaged "),
	[]byte("az login"), []byte("Connect-AzAccount"), []byte("dentity not found"), []byte("auth login"),
}

// triggerWords are parser's triggers at the time of writing (21 words).
var triggerWords = words("AADSTS", "redential", "uthoriz", "IMDS", "anaged ", "az login", "Connect-AzAccount",
	"dentity not found", "auth login", "alServiceException", "MsalUiRequired", "cquire token", "AuthenticationToken",
	"access policy", "RBAC permissions", "MsalInteractionRequired", "retrieve access token", "ogin failed with",
	"msi_token", "OIDC Discovery", "typically be in a format")

// secretWords are parser/redact's triggers at the time of writing: many
// words, some of two bytes, several sharing letters in other cases.
var secretWords = words("yJ", "Q~", "_secret", "Secret", "SECRET", "word", "wd", "WORD", "WD", "_token",
	"Token", "_TOKEN", "_assertion", "Assertion", "_ASSERTION", "&sig", "?sig", ";sig", "%26sig",
	"uthorization", "UTHORIZATION", "y-h", "y-H", "y_h", "Y-H", "Y_H", "Key", "key", "KEY", `\u0026sig`)

func words(ws ...string) [][]byte {
	out := make([][]byte, len(ws))
	for i, w := range ws {
		out[i] = []byte(w)
	}
	return out
}

// TestIndex checks the AVX2 search against one bytes.Index per word, at
// every start, on text with words planted at random places (block edges,
// buffer ends, partial words, fingerprint bytes without the rest).
func TestIndex(t *testing.T) {
	if !useAVX2 {
		t.Skip("no AVX2: Index is indexEach")
	}
	t.Run("avx2", func(t *testing.T) {
		defer func(v bool) { useAVX512 = v }(useAVX512)
		useAVX512 = false
		testIndex(t)
	})
	t.Run("avx512", func(t *testing.T) {
		if !useAVX512 {
			t.Skip("no AVX-512")
		}
		testIndex(t)
	})
}

func testIndex(t *testing.T) {
	sets := [][][]byte{testWords, triggerWords, secretWords, words("yJ", "Q~"), words("ab"), words("aa", "aaa", "ba"),
		words("Secret", "secret", "SECRET", "Secrets")}
	for _, words := range sets {
		s := New(words)
		for b, ks := range s.buckets {
			for _, k := range ks {
				t.Logf("bucket %d: %-20q fingerprint at %d", b, words[k], s.fp[k])
			}
		}
		rng := rand.New(rand.NewPCG(1, 2))
		filler := []byte("the quick brown fox jumps over a lazy dog; Credential redentia uthori IMD AADST az logi zdy yQ~a Secre KEy y-_h &si aab ")
		for iter := 0; iter < 3000; iter++ {
			n := rng.IntN(700)
			buf := make([]byte, n)
			for i := range buf {
				buf[i] = filler[rng.IntN(len(filler))]
			}
			for k := rng.IntN(4); k > 0 && n > 0; k-- {
				w := words[rng.IntN(len(words))]
				if rng.IntN(3) == 0 {
					w = w[:rng.IntN(len(w))] // partial
				}
				copy(buf[rng.IntN(n):], w)
			}
			var want []Match
			for p := 0; ; p++ {
				var k int
				if p, k = s.indexEach(buf, p); p < 0 {
					break
				}
				want = append(want, Match{int32(p), int32(k)})
			}
			if got := s.AppendAll(nil, buf); !slices.Equal(got, want) {
				t.Fatalf("iter %d: AppendAll = %v, want %v in %q", iter, got, want, buf)
			}
			for from := 0; from <= n; from++ {
				gp, gw := s.Index(buf, from)
				wp, ww := s.indexEach(buf, from)
				if gp != wp || gw != ww {
					t.Fatalf("iter %d, from %d: got %d (word %d), want %d (word %d) in %q", iter, from, gp, gw, wp, ww, buf)
				}
			}
		}
	}
}

// BenchmarkIndex measures the search alone over 1 MiB of text holding none
// of the nine words, against one bytes.Index pass per word.
func BenchmarkIndex(b *testing.B) {
	buf := make([]byte, 1<<20)
	text := []byte("the quick brown fox jumps over a lazy dog while logging every request, response and retry; ")
	for i := range buf {
		buf[i] = text[i%len(text)]
	}
	s, sec := New(testWords), New(secretWords)
	for _, c := range []struct {
		name  string
		index func([]byte, int) (int, int)
	}{
		{"teddy", s.Index}, {"teddy-29-words", sec.Index}, {"bytes.Index", s.indexEach},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(buf)))
			for b.Loop() {
				if p, _ := c.index(buf, 0); p >= 0 {
					b.Fatal("hit")
				}
			}
		})
	}
	_ = bytes.Index
}

// TestNoAVX512Switch: AZLOGSCAN_NOAVX512=1 makes a process use the AVX2
// kernel (the switch the README gives for comparing the two, or for a CPU
// or emulator that mishandles AVX-512). The test runs itself with it set.
func TestNoAVX512Switch(t *testing.T) {
	if os.Getenv("AZLOGSCAN_NOAVX512") != "" {
		if useAVX512 {
			t.Fatal("AZLOGSCAN_NOAVX512 is set, and the AVX-512 kernel is in use")
		}
		return
	}
	if !useAVX512 {
		t.Skip("no AVX-512 here")
	}
	cmd := exec.Command(os.Args[0], "-test.run", "^TestNoAVX512Switch$", "-test.count", "1")
	cmd.Env = append(os.Environ(), "AZLOGSCAN_NOAVX512=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("with AZLOGSCAN_NOAVX512=1: %v\n%s", err, out)
	}
}

// TestAppendPair checks the two-Set kernel against one bytes.Index per word
// of each Set, on buffers long enough that the kernel fills its record of
// candidate blocks (pairMax) several times and returns in the middle.
func TestAppendPair(t *testing.T) {
	if !useAVX2 {
		t.Skip("no AVX2: AppendPair is two AppendAll")
	}
	defer func(v bool) { useAVX512 = v }(useAVX512)
	useAVX512 = false // AppendPair leaves AVX-512 machines to AppendAll
	pairs := [][2][][]byte{{triggerWords, secretWords}, {secretWords, testWords}, {words("yJ", "Q~"), words("ab")},
		{words("aa", "aaa", "ba"), words("Secret", "secret", "SECRET", "Secrets")}}
	all := func(s *Set, buf []byte) (want []Match) {
		for p := 0; ; p++ {
			var k int
			if p, k = s.indexEach(buf, p); p < 0 {
				return want
			}
			want = append(want, Match{int32(p), int32(k)})
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	filler := []byte("the quick brown fox jumps over a lazy dog; Credential redentia uthori IMD AADST az logi zdy yQ~a Secre KEy y-_h &si aab ")
	for _, pr := range pairs {
		a, b := New(pr[0]), New(pr[1])
		for iter := 0; iter < 1500; iter++ {
			n := rng.IntN(9000)
			if iter%100 == 0 {
				n = rng.IntN(40)
			}
			buf := make([]byte, n)
			for i := range buf {
				buf[i] = filler[rng.IntN(len(filler))]
			}
			for k := rng.IntN(40); k > 0 && n > 0; k-- {
				src := pr[rng.IntN(2)]
				w := src[rng.IntN(len(src))]
				if rng.IntN(3) == 0 {
					w = w[:rng.IntN(len(w))]
				}
				copy(buf[rng.IntN(n):], w)
			}
			ga, gb := AppendPair(a, b, nil, nil, buf)
			if wa := all(a, buf); !slices.Equal(ga, wa) {
				t.Fatalf("iter %d, n %d: A = %v, want %v", iter, n, ga, wa)
			}
			if wb := all(b, buf); !slices.Equal(gb, wb) {
				t.Fatalf("iter %d, n %d: B = %v, want %v", iter, n, gb, wb)
			}
		}
	}
}

// BenchmarkAppendPair searches 32 MiB of generated mixed log (the
// benchmarks' generator) for two word lists at once, in 512 KiB blocks as
// the scanner's workers do, and reports the Teddy candidates per MiB of each
// list: what the bucket assignment leaves to verify.
func BenchmarkAppendPair(b *testing.B) {
	buf, _ := loggen.Bytes(loggen.Config{Seed: 1, Size: 32 << 20})
	a, s := New(triggerWords), New(secretWords)
	cands := func(set *Set) float64 {
		var out [64]byte
		n := 0
		for p := 0; p < len(buf); {
			q, mask, width := set.kernel(buf, p, len(buf), &out)
			if mask == 0 {
				break
			}
			n += bits.OnesCount64(mask)
			p = q + width
		}
		return float64(n) / float64(len(buf)>>20)
	}
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	var da, db []Match
	for b.Loop() {
		for i := 0; i < len(buf); i += 512 << 10 {
			da, db = AppendPair(a, s, da[:0], db[:0], buf[i:min(len(buf), i+512<<10)])
		}
	}
	if useAVX2 {
		b.ReportMetric(cands(a), "candA/MiB")
		b.ReportMetric(cands(s), "candB/MiB")
	}
}
