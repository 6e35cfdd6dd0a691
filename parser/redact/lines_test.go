package redact

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/azlogscan/azlogscan/benchmarks/loggen"
	"github.com/azlogscan/azlogscan/parser/internal/benchutil"
)

// appendLineHitsRef is the original AppendLineHits, kept as the reference the
// new one must equal: the first trigger of a line (found by triggerSet) sends
// the whole line through AppendHits.
func appendLineHitsRef(hits []Hit, src []byte) []Hit {
	for from := 0; from < len(src); {
		p, _ := triggerSet.Index(src, from)
		if p < 0 {
			break
		}
		ls := bytes.LastIndexByte(src[:p], '\n') + 1
		le := len(src)
		if i := bytes.IndexByte(src[p:], '\n'); i >= 0 {
			le = p + i
		}
		n := len(hits)
		hits = AppendHits(hits, src[ls:le])
		for i := n; i < len(hits); i++ {
			hits[i].Start += ls
			hits[i].End += ls
		}
		from = le + 1
	}
	return hits
}

// appendLineHitsNaive is the same definition without triggerSet: every line
// ('\n'-terminated; the last one may lack it) holding any trigger
// (bytes.Contains) goes through AppendHits.
func appendLineHitsNaive(hits []Hit, src []byte) []Hit {
	trigs := Triggers()
	for ls := 0; ls < len(src); {
		le := len(src)
		if i := bytes.IndexByte(src[ls:], '\n'); i >= 0 {
			le = ls + i
		}
		line := src[ls:le]
		for _, t := range trigs {
			if bytes.Contains(line, t) {
				n := len(hits)
				hits = AppendHits(hits, line)
				for i := n; i < len(hits); i++ {
					hits[i].Start += ls
					hits[i].End += ls
				}
				break
			}
		}
		ls = le + 1
	}
	return hits
}

// genBlocks is loggen's realistic mixed log (seed 1, 32 MiB), cut into blocks of
// about 1 MiB at newlines, as azlogscan's reader hands them to the secret search.
var genBlocks = sync.OnceValue(func() [][]byte {
	buf, _ := loggen.Bytes(loggen.Config{Seed: 1, Size: 32 << 20})
	return cutBlocks(buf, 1<<20)
})

// cutBlocks cuts buf into blocks of at least size bytes that end at a newline
// (a line longer than size makes a longer block).
func cutBlocks(buf []byte, size int) [][]byte {
	var blocks [][]byte
	for len(buf) > 0 {
		n := min(size, len(buf))
		if i := bytes.IndexByte(buf[n:], '\n'); i >= 0 {
			n += i + 1
		} else {
			n = len(buf)
		}
		blocks = append(blocks, buf[:n:n])
		buf = buf[n:]
	}
	return blocks
}

func benchLineHits(b *testing.B, f func([]Hit, []byte) []Hit) {
	blocks := genBlocks()
	total := 0
	for _, bl := range blocks {
		total += len(bl)
	}
	hits := make([]Hit, 0, 64)
	b.SetBytes(int64(total))
	b.ReportAllocs()
	b.ResetTimer()
	c0 := benchutil.CPUTime()
	found := 0
	for i := 0; i < b.N; i++ {
		found = 0
		for _, bl := range blocks {
			hits = f(hits[:0], bl)
			found += len(hits)
		}
	}
	benchutil.ReportCPU(b, c0, int64(total))
	b.ReportMetric(float64(found), "hits")
}

// BenchmarkAppendLineHits: the block-level secret search azlogscan runs on
// every input block, over loggen's realistic mixed log in 1 MiB blocks. "ref"
// is the original per-line algorithm, "search-only" the trigger search alone.
func BenchmarkAppendLineHits(b *testing.B) {
	b.Run("new", func(b *testing.B) { benchLineHits(b, AppendLineHits) })
	b.Run("ref", func(b *testing.B) { benchLineHits(b, appendLineHitsRef) })
	// The floor: the trigger search alone, stopping at every occurrence.
	b.Run("search-only", func(b *testing.B) {
		benchLineHits(b, func(hits []Hit, src []byte) []Hit {
			for from := 0; from < len(src); {
				p, _ := triggerSet.Index(src, from)
				if p < 0 {
					break
				}
				from = p + 1
			}
			return hits
		})
	})
}

// detectAt runs the detector(s) of trigger t at line[s:], as AppendHits does.
func detectAt(hits []Hit, line []byte, s int, t *trigger) []Hit {
	switch t.det {
	case detKey:
		return keyValue(hits, line, s, s+len(t.s))
	case detKeyPEM:
		hits = keyValue(hits, line, s, s+len(t.s))
		return pem(hits, line, s)
	case detJWT:
		return jwt(hits, line, s)
	case detShape:
		return entraSecret(hits, line, s)
	case detSAS:
		return sas(hits, line, s, t.s)
	}
	panic("unknown detector")
}

// checkLineHits checks AppendLineHits on src against the original algorithm
// and the triggerSet-free definition, and checks mayHit at every trigger
// occurrence against the detector run on the occurrence's line: never false
// when the detector finds something, and (but for PEM) never true when not.
func checkLineHits(t *testing.T, src []byte) {
	t.Helper()
	pre := []Hit{{Kind: "x", Start: -1, End: -1}} // hits are appended, not overwritten
	got := AppendLineHits(pre[:1:1], src)[1:]
	ref := appendLineHitsRef(nil, src)
	naive := appendLineHitsNaive(nil, src)
	if !equalHits(got, ref) {
		t.Fatalf("AppendLineHits differs from the original on %s:\n got %v\n ref %v", show(src), got, ref)
	}
	if !equalHits(ref, naive) {
		t.Fatalf("the original differs from the line-by-line definition on %s:\n ref %v\n naive %v", show(src), ref, naive)
	}
	var le lineEnd
	ls, e := 0, -1
	var first [256]bool
	for _, tr := range triggers {
		first[tr.s[0]] = true
	}
	for p := 0; p < len(src); p++ {
		if !first[src[p]] {
			continue
		}
		var tr *trigger
		for i := range triggers {
			if triggers[i].startsAt(src, p) {
				if tr != nil {
					t.Fatalf("two triggers at %d: %q %q", p, tr.s, triggers[i].s)
				}
				tr = &triggers[i]
			}
		}
		if tr == nil {
			continue
		}
		if p > e { // the line of src[p]
			ls = bytes.LastIndexByte(src[:p], '\n') + 1
			e = len(src)
			if i := bytes.IndexByte(src[p:], '\n'); i >= 0 {
				e = p + i
			}
		}
		found := len(detectAt(nil, src[ls:e], p-ls, tr)) > 0
		may := mayHit(src, p, tr, &le)
		if found && !may {
			t.Fatalf("mayHit rules out %q at %d, but its detector finds %v on the line %q", tr.s, p, detectAt(nil, src[ls:e], p-ls, tr), src[ls:e])
		}
		if may && !found && tr.det != detKeyPEM {
			t.Fatalf("mayHit accepts %q at %d, but its detector finds nothing on the line %q", tr.s, p, src[ls:e])
		}
	}
}

func equalHits(a, b []Hit) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func show(src []byte) string {
	if len(src) > 300 {
		return fmt.Sprintf("%q... (%d bytes)", src[:300], len(src))
	}
	return fmt.Sprintf("%q", src)
}

// No trigger is a prefix of another, so at most one starts at any position
// (triggerAt and mayHit rely on it).
func TestTriggersPrefixFree(t *testing.T) {
	for i, a := range triggers {
		for j, b := range triggers {
			if i != j && strings.HasPrefix(b.s, a.s) {
				t.Errorf("trigger %q is a prefix of %q", a.s, b.s)
			}
		}
		if strings.IndexByte(a.s, '\n') >= 0 {
			t.Errorf("trigger %q holds a newline", a.s)
		}
	}
	for i, w := range Triggers() {
		if string(w) != triggers[i].s {
			t.Errorf("Triggers()[%d] = %q, triggers[%d] = %q", i, w, i, triggers[i].s)
		}
	}
}

// The generated log as azlogscan reads it (1 MiB blocks at newlines), cut
// anywhere (blocks that start and end inside a line), and with the cases'
// inputs spliced in: into lines that hold false triggers, next to them, as
// whole lines, with CRLF line ends.
func TestAppendLineHitsGenerated(t *testing.T) {
	blocks := genBlocks()
	n := len(blocks)
	if testing.Short() {
		n = 4
	}
	all := 0
	for _, bl := range blocks[:n] {
		checkLineHits(t, bl)
		all += len(bl)
	}
	// Arbitrary cuts.
	buf, _ := loggen.Bytes(loggen.Config{Seed: 7, Size: 4 << 20})
	rnd := newRand(99)
	for off := 0; off < len(buf); {
		end := min(len(buf), off+1+rnd.n(256<<10))
		checkLineHits(t, buf[off:end])
		off = end
	}
	// Secrets spliced in.
	lines := bytes.SplitAfter(buf[:2<<20], []byte("\n"))
	var b []byte
	for i, l := range lines {
		switch rnd.n(40) {
		case 0: // a secret inside the line, at a random place
			c := cases[rnd.n(len(cases))].in
			k := rnd.n(len(l) + 1)
			b = append(append(append(b, l[:k]...), c...), l[k:]...)
		case 1: // a secret line before it
			b = append(append(append(b, cases[rnd.n(len(cases))].in...), '\n'), l...)
		case 2: // CRLF
			if bytes.HasSuffix(l, []byte("\n")) {
				l = append(l[:len(l)-1:len(l)-1], '\r', '\n')
			}
			b = append(b, l...)
		case 3: // a secret right after a false trigger of the line
			if p, _ := triggerSet.Index(l, 0); p >= 0 {
				c := cases[rnd.n(len(cases))].in
				b = append(append(append(b, l[:p]...), c...), l[p:]...)
				break
			}
			b = append(b, l...)
		default:
			b = append(b, l...)
		}
		if i%5000 == 4999 || i == len(lines)-1 {
			checkLineHits(t, b)
			if len(AppendLineHits(nil, b)) == 0 {
				t.Fatalf("no secret found in a block with secrets spliced in")
			}
			b = b[:0]
		}
	}
}

// The fuzz corpus in testdata, and each case with every combination of
// false-trigger neighbours, line ends and positions in the block.
func TestAppendLineHitsSeeds(t *testing.T) {
	files, err := filepath.Glob("testdata/fuzz/FuzzRedact/*")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fuzz seeds: %v", err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src, err := parseFuzzFile(data)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		checkLineHits(t, src)
	}
	neighbours := []string{"",
		"2024-05-01 INFO configuration reloaded keys=249",
		"ManagedIdentityCredential.GetToken() succeeded",
		"   Authorization: REDACTED",
		"ClientSecretCredential: token acquired for Microsoft.KeyVault",
		`{"level":"info","msg":"ok","refresh_token":null,"SECRET_NAME":"x","id_token":""}`,
		"PWD=/home/app",
		"password.",
		"Authorization: Bearer ",
		"-----BEGIN PRIVATE KEY-----",
		"-----END PRIVATE KEY-----",
		"eyJ", "Q~", "&sig", "KEY",
	}
	ends := []string{"\n", "\r\n", "\n\n"}
	for _, c := range cases {
		for i, nb := range neighbours {
			end := ends[i%len(ends)]
			for _, src := range []string{
				c.in,                             // alone, no newline
				c.in + end,                       // trailing newline
				nb + end + c.in,                  // after a line, at the block end
				c.in + end + nb,                  // before one
				nb + " " + c.in + " " + nb + end, // on the same line
				nb + c.in + nb,                   // glued to it
				nb + end + c.in + end + nb + end, // between two
			} {
				checkLineHits(t, []byte(src))
			}
		}
	}
}

// parseFuzzFile reads a "go test fuzz v1" file holding one []byte.
func parseFuzzFile(data []byte) ([]byte, error) {
	s := strings.TrimSpace(string(data))
	s, ok := strings.CutPrefix(s, "go test fuzz v1\n")
	if !ok {
		return nil, fmt.Errorf("not a fuzz file")
	}
	s, ok = strings.CutPrefix(s, "[]byte(")
	if !ok || !strings.HasSuffix(s, ")") {
		return nil, fmt.Errorf("not a []byte value")
	}
	v, err := strconv.Unquote(s[:len(s)-1])
	return []byte(v), err
}

// Inputs built against the checks at the trigger: the line start and end at
// every distance from a trigger, keys cut at maxKeyLen, long lines.
func TestAppendLineHitsAdversarial(t *testing.T) {
	var srcs []string
	// Each trigger with each byte a detector looks at before and after it.
	around := []string{"", "\n", "\r\n", "e", "1", "x", "%", `\u`, "[REDACTED:", "PRIVATE ", "-", ".", "_", "-----BEGIN ", "%2"}
	after := []string{"", "\n", "\r", "=", ":", " ", "\t", "\"", "'", `\"`, "&", "%3D", "%3a", `\u003d`, "]", "=>", ":=",
		"-----", "-----\nMIIE\n-----END", "_=x", "__: Bearer abc", "_.=x", ".", "-", "=x", "= x", ": Bearer ", ": Bearer x", ": Foo ", ": Foo x", "=\"x", "=\n", "s=1", "_x=1",
		"0123456789abcdef0123456789abcdefAB", ".eyJzdWIiOiIxMjMifQ", "hbGciOiJub25lIn0.eyJzdWIiOiIxMjMifQ", "=%2", "=%2\n", "=a%2", "=a%2B"}
	for _, tr := range triggers {
		for _, a := range around {
			for _, z := range after {
				for _, pre := range []string{"", "x\n", "client", "Abc1", "abcdefghij\n%\nA"} {
					srcs = append(srcs, pre+a+tr.s+z, pre+a+tr.s+z+"\n", a+tr.s+z+"\n"+tr.s+z)
				}
			}
		}
	}
	// Keys around maxKeyLen, and the line start at every distance behind a key.
	for n := 55; n <= 70; n++ {
		k := strings.Repeat("a", n)
		srcs = append(srcs, k+"_password=x", "x_password"+k[:n-60+10]+"=x", "\n"+k[:n-50]+"Password=y")
	}
	for _, tr := range triggers {
		for n := 40; n <= 62; n++ {
			k := tr.s + strings.Repeat("a", n)
			srcs = append(srcs, k+"_password=x", "\n"+k+"Password=y\n", " "+k+"_CLIENT_SECRET: z")
		}
	}
	for d := 0; d <= 12; d++ {
		pad := strings.Repeat("A", d)
		srcs = append(srcs, "%\n"+pad+"eyJhbGciOiJub25lIn0.eyJzdWIiOiIxMjMifQ",
			"[REDACTED:\n"+pad+"password=x", "x\n"+pad+tSecret, "PRIVATE \n"+pad+"KEY-----x")
	}
	// Long lines: false triggers by the thousand, a secret at the very end.
	long := strings.Repeat("configuration reloaded keys=249 GetToken() ", 5000)
	srcs = append(srcs,
		long+"client_secret="+tSecret,
		long+"\n"+long+"\r\npassword=hunter2\r\n"+long,
		strings.Repeat("Key", 200000)+"\npassword=x",
		strings.Repeat("password=", 50000),
		"password=\""+strings.Repeat("a", 100000),
		strings.Repeat("eyJ", 100000),
		strings.Repeat("-----BEGIN PRIVATE KEY-----", 20000),
		strings.Repeat("&sig=", 100000),
		strings.Repeat("x", 300000)+"key",
		"key"+strings.Repeat("x", 300000)+"\nAuthorization: Bearer abc",
		strings.Repeat(tKey, 3000)+"Key"+strings.Repeat(tKey, 3000),
	)
	for _, s := range srcs {
		checkLineHits(t, []byte(s))
	}
}

// AppendLineHits allocates nothing on log text with false triggers only.
func TestAppendLineHitsNoAlloc(t *testing.T) {
	bl := genBlocks()[0]
	hits := make([]Hit, 0, 16)
	if a := testing.AllocsPerRun(5, func() { hits = AppendLineHits(hits[:0], bl) }); a != 0 {
		t.Errorf("%v allocations per block", a)
	}
	line := []byte("2024-05-01 GetToken succeeded for ClientSecretCredential keys=3 Authorization: REDACTED\n")
	if a := testing.AllocsPerRun(100, func() { hits = AppendLineHits(nil, line) }); a != 0 || len(hits) != 0 {
		t.Errorf("%v allocations, hits %v", a, hits)
	}
}

type xorshift struct{ s uint64 }

func newRand(seed uint64) *xorshift { return &xorshift{seed} }

func (r *xorshift) n(k int) int {
	r.s ^= r.s << 13
	r.s ^= r.s >> 7
	r.s ^= r.s << 17
	return int(r.s % uint64(k))
}
