package parser

import (
	"bytes"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/azlogscan/azlogscan/benchmarks/loggen"
)

// The per-hit helpers (isContinuation, stripPrefix, isRequestLine,
// wordSet.classes) take shortcuts: lookups by first byte, a hash of four
// bytes. These tests compare each with its plain definition on every line of
// the corpus, on generated logs, and on random lines built from the words
// they look for.

// refStripPrefix is stripPrefix without the first-byte shortcut.
func refStripPrefix(l []byte) []byte {
	if n := len(l); n > 0 && l[n-1] == '\r' {
		l = l[:n-1]
	}
	for i := 0; i < 4 && len(l) > 0; i++ {
		switch {
		case l[0] == 0x1b:
			l = skipANSI(l)
		case bytes.HasPrefix(l, []byte("│")):
			l = l[len("│"):]
			if len(l) > 0 && l[0] == ' ' {
				l = l[1:]
			}
		case l[0] == '>' && (len(l) == 1 || l[1] == ' '):
			l = l[1:]
			if len(l) > 0 {
				l = l[1:]
			}
		case bytes.HasPrefix(l, []byte("##[")):
			if j := bytes.IndexByte(l, ']'); j > 0 {
				l = l[j+1:]
			} else {
				return l
			}
		case len(l) > 12 && l[0] == '[' && isDigit(l[1]) && string(l[5:6]) == "-" && string(l[8:9]) == "-" && string(l[11:12]) == "T":
			head := l[:min(len(l), 40)]
			if j := bytes.Index(head, []byte("] ")); j > 0 && bytes.IndexByte(head, ']') == j {
				l = l[j+2:]
			} else {
				return l
			}
		case len(l) >= 20 && isDigit(l[0]) && l[4] == '-' && l[10] == 'T' && refHclogLen(l) > 0:
			l = l[refHclogLen(l):]
		case len(l) >= 20 && isDigit(l[0]) && l[4] == '-' && l[10] == 'T' && bytes.IndexByte(l[:min(len(l), 40)], 'Z') > 0:
			z := bytes.IndexByte(l[:min(len(l), 40)], 'Z')
			if z+1 < len(l) && l[z+1] == ' ' {
				l = l[z+2:]
			} else {
				return l
			}
		default:
			return l
		}
	}
	return l
}

// refIsContinuation is isContinuation comparing every prefix in turn.
// refHclog is Terraform's prefix of a provider's lines: a timestamp, a
// level in brackets, "provider.<name>: ".
var refHclog = regexp.MustCompile(`^([^ ]{19,}) \[([^\]]*)\] provider\.([^ ]*?): `)

func refHclogLen(l []byte) int {
	m := refHclog.FindSubmatchIndex(l)
	if m == nil || m[3]-m[2] > 38 || m[5]-m[4] > 7 || m[7]-m[6] > 108 {
		return 0
	}
	return m[1]
}

// refCLIFrame is the Azure CLI's short traceback frame.
var refCLIFrame = regexp.MustCompile(`^[a-z].*\.py, ln [0-9]+, in `)

func refIsContinuation(line []byte) bool {
	l := refStripPrefix(line)
	if len(l) == 0 {
		return false
	}
	switch l[0] {
	case ' ', '\t':
		return len(trimSpace(l)) > 0
	case '}', ']':
		return true
	case '{':
		return len(trimSpace(l)) <= 2
	case '[':
		if len(trimSpace(l)) <= 2 {
			return true
		}
	case '"':
		return true
	case '-':
		if isDashes(trimSpace(l)) {
			return true
		}
	}
	for _, p := range continuationPrefixes {
		if bytes.HasPrefix(l, p) {
			return true
		}
	}
	return refCLIFrame.Match(l)
}

func refIsRequestLine(line []byte) bool {
	l := refStripPrefix(line)
	for _, m := range httpMethods {
		if bytes.HasPrefix(l, m) {
			return true
		}
	}
	return false
}

// refClasses is wordSet.classes by one bytes.Contains per word.
func refClasses(b []byte) (failure, success bool) {
	return containsAny(b, failureWords), containsAny(b, successWords)
}

// corpusLogs returns every log of the corpus (captured, threads, composed).
func corpusLogs(t *testing.T) [][]byte {
	t.Helper()
	var logs [][]byte
	err := filepath.WalkDir("../corpus", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == "gen") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, ".log") {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			logs = append(logs, data)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(logs) < 40 {
		t.Fatalf("only %d corpus logs", len(logs))
	}
	return logs
}

// testLines returns the lines of the corpus logs and of generated logs, and
// random lines made of the words the helpers look for.
func testLines(t *testing.T) [][]byte {
	t.Helper()
	var lines [][]byte
	add := func(data []byte) {
		for len(data) > 0 {
			i := bytes.IndexByte(data, '\n')
			if i < 0 {
				lines = append(lines, data)
				break
			}
			lines = append(lines, data[:i])
			data = data[i+1:]
		}
	}
	for _, data := range corpusLogs(t) {
		add(data)
	}
	gen, _ := loggen.Bytes(loggen.Config{Seed: 7, Size: 2 << 20, FailureEvery: 40})
	add(gen)

	// Random lines: wrappers, indentation, prefixes and words, cut anywhere.
	var parts []string
	for _, p := range continuationPrefixes {
		parts = append(parts, string(p))
	}
	for _, m := range httpMethods {
		parts = append(parts, string(m))
	}
	parts = append(parts, failurePhrases...)
	parts = append(parts, successPhrases...)
	parts = append(parts, "\x1b[31m", "\x1b", "│ ", "│", "> ", ">", "##[error]", "##[", "2023-10-31T13:16:24.4426289Z ", "[2020-10-26T14:42:21.328] ", "[2020-10-26T14:42:21.328]",
		"2023-10-31T13:16:24Z", "2024-11-13T09:02:15.569+0100 [DEBUG] provider.terraform-provider-azapi_v1.15.0.exe: ",
		"2024-11-13T09:02:15.569+0100", " [DEBUG]", " [TRACE-LONG]", " provider.x", ": ", "cli/core/commands/__init__.py", ".py, ln ",
		", in ", " ", "\t", "\r", "-", "----------", "{", "}", "[", "]", "\"", "x", "é", "\x00", "1")
	rng := rand.New(rand.NewPCG(1, 2))
	for range 50000 {
		var b []byte
		for n := rng.IntN(5); n >= 0; n-- {
			b = append(b, parts[rng.IntN(len(parts))]...)
		}
		if len(b) > 0 && rng.IntN(3) == 0 {
			b = b[:rng.IntN(len(b))] // a word cut short
		}
		if rng.IntN(3) == 0 {
			b = b[rng.IntN(len(b)+1):]
		}
		lines = append(lines, b)
	}
	return lines
}

func TestHitHelpersMatchDefinitions(t *testing.T) {
	lines := testLines(t)
	cont, req, fail, succ := 0, 0, 0, 0
	for _, l := range lines {
		if got, want := stripPrefix(l), refStripPrefix(l); !bytes.Equal(got, want) {
			t.Fatalf("stripPrefix(%q) = %q, want %q", l, got, want)
		}
		got, want := isContinuation(stripPrefix(l)), refIsContinuation(l)
		if got != want {
			t.Fatalf("isContinuation(%q) = %v, want %v", l, got, want)
		}
		if got {
			cont++
		}
		if got, want := isRequestLine(stripPrefix(l)), refIsRequestLine(l); got != want {
			t.Fatalf("isRequestLine(%q) = %v, want %v", l, got, want)
		} else if got {
			req++
		}
		f, s := fastWords.classes(l)
		rf, rs := refClasses(l)
		// On a failure word classes stops: its success answer is then partial.
		if f != rf || !f && s != rs {
			t.Fatalf("classes(%q) = %v, %v, want %v, %v", l, f, s, rf, rs)
		}
		if f {
			fail++
		} else if s {
			succ++
		}
	}
	t.Logf("%d lines: %d continuations, %d request lines, %d with a failure word, %d with only a success word", len(lines), cont, req, fail, succ)
	if cont == 0 || req == 0 || fail == 0 || succ == 0 || cont == len(lines) || fail == len(lines) {
		t.Fatal("the lines do not exercise both answers of every helper")
	}
}

// TestClassesWholeRecords runs classes over multi-line records, where words
// start at every alignment and end at the record's very end.
func TestClassesWholeRecords(t *testing.T) {
	lines := testLines(t)
	rng := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		var rec []byte
		for n := rng.IntN(8); n >= 0; n-- {
			rec = append(rec, lines[rng.IntN(len(lines))]...)
			rec = append(rec, '\n')
		}
		rec = rec[:rng.IntN(len(rec)+1)]
		f, s := fastWords.classes(rec)
		rf, rs := refClasses(rec)
		if f != rf || !f && s != rs {
			t.Fatalf("classes(%q) = %v, %v, want %v, %v", rec, f, s, rf, rs)
		}
	}
}

// BenchmarkClasses measures wordSet.classes on generated noise lines that
// hold a trigger (the records the fast path sees most).
func BenchmarkClasses(b *testing.B) {
	gen, _ := loggen.Bytes(loggen.Config{Seed: 2, Size: 8 << 20, FailureEvery: 1 << 30})
	var recs [][]byte
	n := 0
	for p := 0; ; {
		h := firstTrigger(gen, p)
		if h < 0 {
			break
		}
		s := bytes.LastIndexByte(gen[:h], '\n') + 1
		e := lineEnd(gen, h)
		recs = append(recs, gen[s:e])
		n += e - s
		p = e
	}
	b.SetBytes(int64(n))
	for b.Loop() {
		for _, r := range recs {
			fastWords.classes(r)
		}
	}
}

func TestLastNewline(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 100000 {
		b := make([]byte, rng.IntN(40))
		for i := range b {
			// Newlines, bytes next to '\n' (0x0b, 0x09) and high bytes, which
			// trip carries in careless zero-byte tests.
			b[i] = []byte{'\n', 0x0b, 0x09, 0x8a, 0x00, 0xff, 'a'}[rng.IntN(7)]
			if rng.IntN(4) > 0 && b[i] == '\n' {
				b[i] = 'x'
			}
		}
		if got, want := lastNewline(b), bytes.LastIndexByte(b, '\n'); got != want {
			t.Fatalf("lastNewline(%q) = %d, want %d", b, got, want)
		}
	}
	for _, l := range testLines(t) {
		if got, want := lastNewline(l), bytes.LastIndexByte(l, '\n'); got != want {
			t.Fatalf("lastNewline(%q) = %d, want %d", l, got, want)
		}
	}
}

func TestContextLabel(t *testing.T) {
	ref := func(raw []byte) int {
		i := bytes.Index(raw, []byte("azure:identity:"))
		if i > 64 {
			return -1
		}
		return i
	}
	rng := rand.New(rand.NewPCG(7, 8))
	parts := []string{"azure:identity:", "azure:identity", "zure:identity:", "z", "a", "azz", " ", "azure:identity:info ClientSecretCredential => x", "0123456789"}
	for range 100000 {
		var b []byte
		for n := rng.IntN(14); n >= 0; n-- {
			b = append(b, parts[rng.IntN(len(parts))]...)
		}
		if got, want := contextLabel(b), ref(b); got != want {
			t.Fatalf("contextLabel(%q) = %d, want %d", b, got, want)
		}
	}
}

// TestPhraseSets checks phraseSet.present against strings.Contains for the
// sets parseRecord uses, on corpus records (whole logs cut in pieces) and on
// random texts made of their phrases.
func TestPhraseSets(t *testing.T) {
	lines := testLines(t)
	sets := map[string]*phraseSet{"signalSet": signalSet, "errorSet": errorSet, "traceLabels": traceLabels,
		"correlationLabels": correlationLabels, "tenantLabels": tenantLabels, "clientLabels": clientLabels,
		"statusLabelSet": statusLabelSet, "chainHeadSet": chainHeadSet, "sdkMarkerSet": sdkMarkerSet,
		"small": newPhraseSet([]string{"", "ab", "abcd", "abcde", "bcdef", "zzzzzzzz", "é€"})}
	var parts []string
	for _, s := range sets {
		parts = append(parts, s.phrases...)
	}
	rng := rand.New(rand.NewPCG(9, 10))
	var texts []string
	for range 20000 {
		var b []byte
		for n := rng.IntN(6); n >= 0; n-- {
			if rng.IntN(2) == 0 {
				b = append(b, parts[rng.IntN(len(parts))]...)
			} else {
				b = append(b, lines[rng.IntN(len(lines))]...)
				b = append(b, '\n')
			}
		}
		b = b[rng.IntN(len(b)+1):]
		texts = append(texts, string(b))
	}
	hits := 0
	for name, s := range sets {
		for _, text := range texts {
			got := s.present(text)
			for i, p := range s.phrases {
				if want := strings.Contains(text, p); got.has(i) != want {
					t.Fatalf("%s.present(%q): phrase %q: %v, want %v", name, text, p, got.has(i), want)
				} else if want {
					hits++
				}
			}
		}
	}
	if hits == 0 {
		t.Fatal("no phrase found in any text")
	}
}

// FuzzHitHelpers compares the per-hit helpers with their plain definitions
// on any input.
func FuzzHitHelpers(f *testing.F) {
	f.Add([]byte("2023-10-31T13:16:24.4426289Z ##[error]│ > Attempted credentials:\r"))
	f.Add([]byte("azure:identity:info ClientSecretCredential => getToken() => SUCCESS\n   Authorization: REDACTED"))
	f.Add([]byte("\x1b[31mGET https://x\n\tat com.azure.Identity\nRESPONSE 401 Unauthorized: invalid_client Trace ID: 1234"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := stripPrefix(b), refStripPrefix(b); !bytes.Equal(got, want) {
			t.Fatalf("stripPrefix(%q) = %q, want %q", b, got, want)
		}
		if got, want := isContinuation(stripPrefix(b)), refIsContinuation(b); got != want {
			t.Fatalf("isContinuation(%q) = %v, want %v", b, got, want)
		}
		if got, want := isRequestLine(stripPrefix(b)), refIsRequestLine(b); got != want {
			t.Fatalf("isRequestLine(%q) = %v, want %v", b, got, want)
		}
		fail, succ := fastWords.classes(b)
		if rf, rs := refClasses(b); fail != rf || !fail && succ != rs {
			t.Fatalf("classes(%q) = %v, %v, want %v, %v", b, fail, succ, rf, rs)
		}
		if got, want := lastNewline(b), bytes.LastIndexByte(b, '\n'); got != want {
			t.Fatalf("lastNewline(%q) = %d, want %d", b, got, want)
		}
		at := bytes.Index(b, []byte(identityLabel))
		if at > 64 {
			at = -1
		}
		if got := contextLabel(b); got != at {
			t.Fatalf("contextLabel(%q) = %d, want %d", b, got, at)
		}
		var got, want strings.Builder
		writeClean(&got, b)
		refWriteClean(&want, b)
		if got.String() != want.String() {
			t.Fatalf("writeClean(%q) = %q, want %q", b, got.String(), want.String())
		}
		text := string(b)
		for _, set := range []*phraseSet{signalSet, errorSet, traceLabels, correlationLabels, tenantLabels, clientLabels,
			statusLabelSet, chainHeadSet, sdkMarkerSet} {
			found := set.present(text)
			for i, p := range set.phrases {
				if found.has(i) != strings.Contains(text, p) {
					t.Fatalf("present(%q): phrase %q: %v", text, p, found.has(i))
				}
			}
		}
	})
}

// refWriteClean is writeClean a byte at a time.
func refWriteClean(b *strings.Builder, line []byte) {
	for len(line) > 0 {
		c := line[0]
		if c < utf8.RuneSelf {
			if c != 0 {
				b.WriteByte(c)
			}
			line = line[1:]
			continue
		}
		r, size := utf8.DecodeRune(line)
		if r == utf8.RuneError && size == 1 {
			b.WriteString("\ufffd")
		} else {
			b.Write(line[:size])
		}
		line = line[size:]
	}
}

func TestWriteClean(t *testing.T) {
	lines := testLines(t)
	rng := rand.New(rand.NewPCG(11, 12))
	for range 20000 {
		b := make([]byte, rng.IntN(30))
		for i := range b {
			b[i] = []byte{0, 'a', ' ', 0x80, 0xc3, 0xa9, 0xe2, 0x94, 0x82, 0xff, '\n'}[rng.IntN(11)]
		}
		lines = append(lines, b)
	}
	for _, l := range lines {
		var got, want strings.Builder
		writeClean(&got, l)
		refWriteClean(&want, l)
		if got.String() != want.String() {
			t.Fatalf("writeClean(%q) = %q, want %q", l, got.String(), want.String())
		}
	}
}
