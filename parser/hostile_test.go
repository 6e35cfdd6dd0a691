package parser_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/azlogscan/azlogscan/parser"
	"github.com/azlogscan/azlogscan/parser/redact"
)

// failureJSON is the end of a JSON log record whose message is an Entra
// failure; it closes the "blob" string a longLine opens.
const failureJSON = `","msg":"ClientSecretCredential authentication failed. POST https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/token RESPONSE 401 Unauthorized {\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid client secret provided. Trace ID: 03da4b8e-5ffe-48ca-9754-aff4276f0100 Correlation ID: 7b12f9bb-2eef-42e3-ad75-eee69ec9088d\",\"error_codes\":[7000215]}"}` + "\n"

// longLine generates, without holding it, one JSON record of about n bytes
// whose failure is at its very end, then a short line.
type longLine struct {
	head, tail string
	n, off     int64 // filler bytes, read so far
	pat        []byte
}

func newLongLine(n int64) *longLine {
	return &longLine{
		head: `{"level":"error","time":"2024-05-01T10:00:01Z","blob":"`,
		tail: failureJSON + "2024-05-01T10:00:02Z INFO next line\n",
		n:    n,
		pat:  []byte("0123456789abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ/+=.,;"),
	}
}

func (l *longLine) Read(p []byte) (int, error) {
	total := int64(len(l.head)) + l.n + int64(len(l.tail))
	if l.off >= total {
		return 0, io.EOF
	}
	k := 0
	for k < len(p) && l.off < total {
		switch {
		case l.off < int64(len(l.head)):
			c := copy(p[k:], l.head[l.off:])
			k += c
			l.off += int64(c)
		case l.off < int64(len(l.head))+l.n:
			i := l.off - int64(len(l.head))
			c := int(min(int64(len(p)-k), l.n-i))
			for j := 0; j < c; j++ {
				p[k+j] = l.pat[(i+int64(j))%int64(len(l.pat))]
			}
			k += c
			l.off += int64(c)
		default:
			c := copy(p[k:], l.tail[l.off-int64(len(l.head))-l.n:])
			k += c
			l.off += int64(c)
		}
	}
	return k, nil
}

// scanCounting scans r and returns the findings, the scan's stats and the
// bytes the scan allocated (runtime.MemStats.TotalAlloc: an upper bound of
// how much the heap can have grown during it).
func scanCounting(t testing.TB, r io.Reader) ([]*parser.Finding, parser.Stats, uint64) {
	t.Helper()
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	s := parser.NewScanner(r, "long.log", parser.Options{})
	var out []*parser.Finding
	for s.Scan() {
		f := *s.Finding()
		out = append(out, &f)
	}
	runtime.ReadMemStats(&m1)
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	return out, s.Stats(), m1.TotalAlloc - m0.TotalAlloc
}

// scanBound is what a scan may allocate whatever its input: the window
// (BlockSize+MaxRecord+MaxBack), the read-ahead blocks (ReadAhead) and the
// findings' strings, with room.
const scanBound = parser.BlockSize + parser.MaxRecord + parser.MaxBack + parser.ReadAhead + 1<<20

// TestFiftyMegabyteLine: a failure at the end of a 50 MB JSON record is
// reported from its window, and the scan allocates no more than its bound:
// the line is never held whole.
func TestFiftyMegabyteLine(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 50 MB")
	}
	found, st, alloc := scanCounting(t, newLongLine(50<<20))
	t.Logf("50 MB line: %d findings, %d long lines, %d bytes allocated", len(found), st.LongLines, alloc)
	if len(found) != 1 || found[0].Code() != "AADSTS7000215" || found[0].Line != 1 {
		for _, f := range found {
			t.Logf("finding: line %d %s %q", f.Line, f.Code(), f.Message)
		}
		t.Fatalf("want one AADSTS7000215 finding on line 1, got %d", len(found))
	}
	if f := found[0]; f.TraceID != "03da4b8e-5ffe-48ca-9754-aff4276f0100" || f.Offset < 50<<20-parser.MaxBack {
		t.Errorf("trace %q offset %d: want the trace ID, and the offset of the window near the end", f.TraceID, f.Offset)
	}
	if st.LongLines == 0 {
		t.Errorf("the line was not counted as long")
	}
	if st.Bytes != int64(newLongLine(50<<20).lenTotal()) {
		t.Errorf("read %d bytes, want all", st.Bytes)
	}
	if alloc > scanBound {
		t.Errorf("scan of a 50 MB line allocated %d bytes, bound %d: memory grows with the line", alloc, scanBound)
	}
}

func (l *longLine) lenTotal() int64 { return int64(len(l.head)) + l.n + int64(len(l.tail)) }

// BenchmarkLongLine: bytes allocated per scan (B/op) stay flat as the line
// grows past the window; only the time grows.
func BenchmarkLongLine(b *testing.B) {
	for _, mb := range []int64{1, 8, 50} {
		b.Run(fmt.Sprintf("%dMB", mb), func(b *testing.B) {
			l := newLongLine(mb << 20)
			b.SetBytes(l.lenTotal())
			b.ReportAllocs()
			var peak uint64
			for b.Loop() {
				found, _, alloc := scanCounting(b, newLongLine(mb<<20))
				if len(found) != 1 {
					b.Fatalf("%d findings", len(found))
				}
				peak = max(peak, alloc)
			}
			b.ReportMetric(float64(peak), "max-alloc-B/scan")
		})
	}
}

// garbage returns n deterministic random bytes (NULs, invalid UTF-8, some
// newlines) with no trigger word in them.
func garbage(n int, newlines bool) []byte {
	r := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, n)
	for i := range b {
		c := byte(r.Uint32())
		if !newlines && c == '\n' {
			c = 0
		}
		b[i] = c
	}
	return b
}

const blockFailure = `2024-05-01T10:00:01.003Z ERROR ClientSecretCredential authentication failed
POST https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/token
--------------------------------------------------------------------------------
RESPONSE 401 Unauthorized
--------------------------------------------------------------------------------
{
  "error": "invalid_client",
  "error_description": "AADSTS7000215: Invalid client secret provided.\r\nTrace ID: 03da4b8e-5ffe-48ca-9754-aff4276f0100\r\nCorrelation ID: 7b12f9bb-2eef-42e3-ad75-eee69ec9088d",
  "error_codes": [7000215]
}
--------------------------------------------------------------------------------
`

// TestBinaryGarbage: 20 MB of binary (10 MB without any newline, 10 MB
// with) do not hide the failure after them, nor shift its line number.
func TestBinaryGarbage(t *testing.T) {
	if testing.Short() {
		t.Skip("20 MB")
	}
	in := append(garbage(10<<20, false), garbage(10<<20, true)...)
	if i := bytes.Index(in, []byte("AADSTS")); i >= 0 {
		t.Fatalf("garbage holds a trigger at %d", i)
	}
	in = append(in, "\n"+blockFailure+"2024-05-01T10:00:02Z INFO after\n"...)
	wantLine := int64(bytes.Count(in[:len(in)-len(blockFailure)-len("2024-05-01T10:00:02Z INFO after\n")], []byte{'\n'})) + 1
	found, _, alloc := scanCounting(t, bytes.NewReader(in))
	var fails []*parser.Finding
	for _, f := range found {
		if f.Code() == "AADSTS7000215" {
			fails = append(fails, f)
		}
	}
	if len(fails) != 1 || fails[0].Line != wantLine || fails[0].Credential != "ClientSecretCredential" {
		for _, f := range found {
			t.Logf("finding: line %d %s %q", f.Line, f.Code(), f.Message)
		}
		t.Fatalf("want the failure once at line %d, got %d matching of %d findings", wantLine, len(fails), len(found))
	}
	if alloc > scanBound+8<<20 {
		t.Errorf("allocated %d bytes", alloc)
	}
}

// TestInvalidUTF8AndNUL: a failure record with invalid UTF-8 and NUL bytes
// inside is reported, and its strings are valid UTF-8 (U+FFFD in place of
// the bad bytes), so every output can encode it.
func TestInvalidUTF8AndNUL(t *testing.T) {
	rec := strings.Replace(blockFailure, "Invalid client secret", "Invalid\xff\xfe client\x00 secret \xc3(", 1)
	rec = strings.Replace(rec, "authentication failed", "authentication failed \x00\x80\xbf", 1)
	found := scanAll(t, strings.NewReader("x\xff\x00y\n"+rec), "bad.log")
	if len(found) != 1 || found[0].Code() != "AADSTS7000215" {
		t.Fatalf("want 1 AADSTS7000215 finding, got %d", len(found))
	}
	f := found[0]
	for name, v := range map[string]string{"message": f.Message, "error.message": f.ErrorMessage, "credential": f.Credential} {
		if !utf8Valid(v) {
			t.Errorf("%s is not valid UTF-8: %q", name, v)
		}
	}
	if f.TraceID != "03da4b8e-5ffe-48ca-9754-aff4276f0100" {
		t.Errorf("trace ID %q", f.TraceID)
	}
	if f.ErrorMessage != "" && !strings.Contains(f.ErrorMessage, "\uFFFD") {
		t.Errorf("error message lost the bad bytes instead of replacing them: %q", f.ErrorMessage)
	}
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "?") == s }

// TestLastLineWithoutNewline: a failure on the last line, unterminated, is
// reported, read whole or one byte at a time.
func TestLastLineWithoutNewline(t *testing.T) {
	in := "2024-05-01T10:00:00Z INFO start\n" + strings.TrimSuffix(failureJSON[3:], "\n")
	in = `{"level":"error","blob":"x` + in[len("2024-05-01T10:00:00Z INFO start\n"):]
	in = "2024-05-01T10:00:00Z INFO start\n" + in
	for name, r := range map[string]io.Reader{
		"whole":    strings.NewReader(in),
		"one byte": iotest.OneByteReader(strings.NewReader(in)),
	} {
		found := scanAll(t, r, "tail.log")
		if len(found) != 1 || found[0].Code() != "AADSTS7000215" || found[0].Line != 2 {
			t.Errorf("%s: want AADSTS7000215 on line 2, got %d findings", name, len(found))
		}
	}
}

// withSecretFinder installs a redact-based finder and redactor, as
// cmd/azlogscan does, for the duration of a test.
func withSecretFinder(t testing.TB) {
	parser.SetSecretFinder(func(dst []parser.SecretHit, b []byte) []parser.SecretHit {
		for _, h := range redact.AppendHits(nil, b) {
			dst = append(dst, parser.SecretHit{Kind: h.Kind, Start: h.Start})
		}
		return dst
	})
	parser.SetRedactor(func(s string) (string, []string) {
		out, hits := redact.StringHits(s)
		var kinds []string
		for _, h := range hits {
			kinds = append(kinds, h.Kind)
		}
		return out, kinds
	})
	t.Cleanup(func() { parser.SetSecretFinder(nil); parser.SetRedactor(nil) })
}

const (
	tJWT = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiIsImtpZCI6ImFiYyJ9.eyJhdWQiOiJodHRwczovL21hbmFnZW1lbnQuYXp1cmUuY29tIiwidGlkIjoiMSJ9.bm90LWEtcmVhbC1zaWduYXR1cmUtYnV0LWxvbmctZW5vdWdo_-x"
	tSig = "Xk2%2BpL9qR4%2FzT7vB1nM3cD5eF6gH8jK0lA%3D"
)

type secretAt struct {
	line int64
	kind string
}

func secretFindings(found []*parser.Finding) []secretAt {
	var out []secretAt
	for _, f := range found {
		if f.Kind == parser.KindSecretExposure {
			out = append(out, secretAt{f.Line, f.SecretKind})
		}
	}
	return out
}

// TestSecretOnNoiseLines: a secret on a line outside any failure record is
// reported by kind and line, once per line and kind, in offset order with
// the failures; a secret inside a record is reported once, not twice.
func TestSecretOnNoiseLines(t *testing.T) {
	withSecretFinder(t)
	in := "2024-05-01T10:00:00Z INFO start\n" + // 1
		"2024-05-01T10:00:00Z DEBUG GET https://a.blob.core.windows.net/c?sv=1&sig=" + tSig + " 200\n" + // 2: sas
		"2024-05-01T10:00:00Z DEBUG token " + tJWT + " and again " + tJWT + "\n" + // 3: jwt once
		"2024-05-01T10:00:00Z DEBUG token " + tJWT + " url ?sig=" + tSig + "\n" + // 4: jwt and sas
		blockFailure + // 5-15
		"2024-05-01T10:00:01Z DEBUG body client_id=1&client_secret=plain-secret-value&grant_type=client_credentials\n" + // 16
		"2024-05-01T10:00:02Z INFO done\n"
	want := []secretAt{{2, "sas_signature"}, {3, "jwt"}, {4, "jwt"}, {4, "sas_signature"}, {16, "client_secret"}}
	for name, r := range map[string]io.Reader{
		"whole":    strings.NewReader(in),
		"one byte": iotest.OneByteReader(strings.NewReader(in)),
	} {
		found := scanAll(t, r, "noise.log")
		got := secretFindings(found)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: secret findings %v, want %v", name, got, want)
		}
		var last int64 = -1
		fails := 0
		for _, f := range found {
			if f.Offset < last {
				t.Errorf("%s: findings out of order: offset %d after %d", name, f.Offset, last)
			}
			last = f.Offset
			if f.Kind == parser.KindFailure {
				fails++
			}
			for _, v := range []string{tJWT, tSig, "plain-secret-value"} {
				if strings.Contains(f.Message, v) {
					t.Errorf("%s: finding carries a secret: %q", name, f.Message)
				}
			}
		}
		if fails != 1 {
			t.Errorf("%s: %d failures, want 1", name, fails)
		}
	}

	// Inside a failure record: one finding per kind, at the secret's line.
	rec := strings.Replace(blockFailure, "RESPONSE 401 Unauthorized", "Authorization: Bearer "+tJWT+"\nRESPONSE 401 Unauthorized", 1)
	found := scanAll(t, strings.NewReader(rec), "rec.log")
	if got := secretFindings(found); len(got) != 1 || got[0].kind != "authorization_header" || got[0].line != 4 {
		t.Errorf("secret in a record: %v, want one authorization_header at line 4", got)
	}

	// Turned off: none.
	s := parser.NewScanner(strings.NewReader(in), "off.log", parser.Options{NoSecretFindings: true})
	for s.Scan() {
		if s.Finding().Kind == parser.KindSecretExposure {
			t.Errorf("NoSecretFindings: got a secret finding at line %d", s.Finding().Line)
		}
	}
}

// TestSecretInLongLine: a secret in the middle of a 20 MB line, and one
// straddling the pieces the long line is searched in, are found.
func TestSecretInLongLine(t *testing.T) {
	withSecretFinder(t)
	filler := bytes.Repeat([]byte("abcdefgh "), 20<<20/9)
	in := append([]byte("2024-05-01 INFO "), filler[:10<<20]...)
	in = append(in, " refresh_token=0.AXEAq1hZbcd-ZXfGhIjKlMnOpQrStUvWxYz_0123456789AbCdEfGhIjKlMnOp "...)
	in = append(in, filler[:10<<20]...)
	in = append(in, "\n2024-05-01 INFO next X-IDENTITY-HEADER: f3b1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d\n"...)
	found := scanAll(t, bytes.NewReader(in), "long.log")
	got := secretFindings(found)
	if fmt.Sprint(got) != fmt.Sprint([]secretAt{{1, "refresh_token"}, {2, "identity_header"}}) {
		t.Errorf("got %v", got)
	}
	// Every position of a JWT relative to the long line's search pieces.
	for shift := 0; shift < 70000; shift += 997 {
		in := append(bytes.Repeat([]byte("x"), 1<<20+shift), (" " + tJWT + " \n")...)
		if got := secretFindings(scanAll(t, bytes.NewReader(in), "s.log")); len(got) != 1 || got[0].kind != "jwt" {
			t.Fatalf("shift %d: %v", shift, got)
		}
	}
}

// BenchmarkSecretSearchNoise: the cost of the block-level secret search on
// noise (compare with BenchmarkScanNoise, which runs without it).
func BenchmarkSecretSearchNoise(b *testing.B) {
	buf := noiseLog()
	for _, on := range []bool{false, true} {
		b.Run(fmt.Sprintf("finder=%v", on), func(b *testing.B) {
			if on {
				withSecretFinder(b)
			}
			b.SetBytes(int64(len(buf)))
			b.ReportAllocs()
			for b.Loop() {
				benchScan(b, buf)
			}
		})
	}
}

// TestReadErrorAfterPendingFailure: a read error right after a failure still
// being assembled ends the scan with that failure and the error, not as if
// the input had ended cleanly.
func TestReadErrorAfterPendingFailure(t *testing.T) {
	boom := errors.New("unexpected EOF in gzip member")
	s := parser.NewScanner(io.MultiReader(strings.NewReader(blockFailure), iotest.ErrReader(boom)), "t.gz", parser.Options{})
	n := 0
	for s.Scan() {
		n++
	}
	var re *parser.ReadError
	if n != 1 || !errors.As(s.Err(), &re) || !errors.Is(s.Err(), boom) || re.Name != "t.gz" {
		t.Errorf("%d findings, err %v: want 1 and a *ReadError wrapping the read error", n, s.Err())
	}
}

// TestContextStopsLiveWait: a scan waiting on a live input that sends
// nothing more stops when its context is done, after the findings read.
func TestContextStopsLiveWait(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	ctx, cancel := context.WithCancel(context.Background())
	s := parser.NewScanner(pr, "-", parser.Options{Idle: 20 * time.Millisecond, Context: ctx})
	go pw.Write([]byte(blockFailure + "2024-05-01T10:00:02Z INFO after\n"))
	done := make(chan int)
	go func() {
		n := 0
		for s.Scan() {
			n++
			cancel() // Ctrl-C after the first finding
		}
		done <- n
	}()
	select {
	case n := <-done:
		if n != 1 || !errors.Is(s.Err(), context.Canceled) {
			t.Errorf("%d findings, err %v: want 1 and context.Canceled", n, s.Err())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("scan of a quiet live input did not stop when its context was cancelled")
	}
}

// TestSecretsAroundLongLines: lines longer than MaxBack, holding a secret,
// between short lines holding one, read whole and as a live input in
// pieces: no panic (a window cut inside a long line once left the search
// position before the window's start), and every short line's secret is
// reported on its line in both modes.
func TestSecretsAroundLongLines(t *testing.T) {
	withSecretFinder(t)
	var b strings.Builder
	var want []secretAt
	line := int64(0)
	for i := range 24 {
		line++
		fmt.Fprintf(&b, "2024-05-01T10:00:00Z DEBUG big %s token %s %s\n",
			strings.Repeat("x", 70_000+i*9_001), tJWT, strings.Repeat("y", (i*7_919)%90_000))
		line++
		fmt.Fprintf(&b, "2024-05-01T10:00:00Z DEBUG GET https://a.blob.core.windows.net/c?sv=1&sig=%s 200\n", tSig)
		want = append(want, secretAt{line, "sas_signature"})
	}
	in := b.String()
	for name, opt := range map[string]parser.Options{"whole": {}, "live": {Idle: time.Millisecond}} {
		var r io.Reader = &chunkReader{b: []byte(in), n: 64 << 10}
		if opt.Idle > 0 {
			r = &pausingReader{r: r} // quiet spells: the scanner acts on a partial window
		}
		s := parser.NewScanner(r, "long.log", opt)
		var got []secretAt
		for s.Scan() {
			if f := s.Finding(); f.Kind == parser.KindSecretExposure && f.SecretKind == "sas_signature" {
				got = append(got, secretAt{f.Line, f.SecretKind})
			}
		}
		if err := s.Err(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: sas findings %v, want %v", name, got, want)
		}
	}
}

// pausingReader pauses a few milliseconds before every third read.
type pausingReader struct {
	r io.Reader
	n int
}

func (p *pausingReader) Read(b []byte) (int, error) {
	if p.n++; p.n%3 == 0 {
		time.Sleep(3 * time.Millisecond)
	}
	return p.r.Read(b)
}

// TestPythonChainFailureThenSuccess: Python's chained credential logs its
// aggregate (at WARNING) only when every credential failed; a token that
// another credential or a later call acquires a few lines on does not make
// that failure part of a normal flow.
func TestPythonChainFailureThenSuccess(t *testing.T) {
	in := "WARNING:azure.identity._credentials.chained:DefaultAzureCredential failed to retrieve a token from the included credentials.\n" +
		"Attempted credentials:\n" +
		"\tEnvironmentCredential: Authentication failed: AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'. Trace ID: 45cb3e62-8cb5-f646-172e-4a31a9194f81 Correlation ID: 3868a6b4-75d5-43f0-7ffd-5e585ad9c2b9 Timestamp: 2024-06-16 01:39:49Z\n" +
		"To mitigate this issue, please refer to the troubleshooting guidelines here at https://aka.ms/azsdk/python/identity/defaultazurecredential/troubleshoot.\n" +
		"2024-06-16 01:39:49.470 INFO request completed\n" +
		"2024-06-16 01:39:49.478  INFO 1 --- [     parallel-2] c.a.identity.ClientSecretCredential      : Azure Identity => getToken() result for scopes [https://storage.azure.com/.default]: SUCCESS\n"
	found := scanAll(t, strings.NewReader(in), "py.log")
	if len(found) != 1 || found[0].Code() != "AADSTS7000218" || found[0].Credential != "DefaultAzureCredential" || found[0].Line != 1 {
		var got []string
		for _, f := range found {
			got = append(got, fmt.Sprintf("%s %s line %d", f.Code(), f.Credential, f.Line))
		}
		t.Errorf("findings %q, want AADSTS7000218 DefaultAzureCredential on line 1", got)
	}
}

// TestExceptionTailAfterHeaders: MSAL.NET prints the response headers of a
// failed token request at the start of lines inside the exception; the
// stack trace after them is the same failure, not a second one.
func TestExceptionTailAfterHeaders(t *testing.T) {
	found := scanAll(t, strings.NewReader(dotnetHeadersException), "dotnet.log")
	if len(found) != 1 || found[0].Code() != "AADSTS700082" || found[0].Line != 1 {
		var got []string
		for _, f := range found {
			got = append(got, fmt.Sprintf("%s %s line %d", f.Code(), f.Credential, f.Line))
		}
		t.Errorf("findings %q, want one AADSTS700082 on line 1", got)
	}
}

// dotnetHeadersException is benchmarks/loggen's MSAL.NET exception (seed 1).
const dotnetHeadersException = "Unhandled exception. Azure.Identity.AuthenticationFailedException: DeviceCodeCredential authentication failed: AADSTS700082: The refresh token has expired due to inactivity. The token was issued on 2024-01-10T08:12:44.1234567Z and was inactive for 90.00:00:00.\n" +
	"Trace ID: 0da6c1b0-d417-4970-5f46-4efdade04ff0\n" +
	"Correlation ID: b784b77c-96ca-7281-6464-8a8bbeb7ce59\n" +
	"Timestamp: 2024-06-16 02:22:17Z\n" +
	"See the troubleshooting guide for more information. https://aka.ms/azsdk/net/identity/devicecodecredential/troubleshoot\n" +
	" ---> MSAL.NetCore.4.61.3.0.MsalUiRequiredException: \n" +
	"\tErrorCode: invalid_grant\n" +
	"Microsoft.Identity.Client.MsalUiRequiredException: AADSTS700082: The refresh token has expired due to inactivity. The token was issued on 2024-01-10T08:12:44.1234567Z and was inactive for 90.00:00:00.\n" +
	"Trace ID: 0da6c1b0-d417-4970-5f46-4efdade04ff0\n" +
	"Correlation ID: b784b77c-96ca-7281-6464-8a8bbeb7ce59\n" +
	"Timestamp: 2024-06-16 02:22:17Z\n" +
	"   at Microsoft.Identity.Client.Internal.Requests.RequestBase.HandleTokenRefreshErrorAsync(MsalServiceException e, MsalAccessTokenCacheItem cachedAccessTokenItem)\n" +
	"   at Microsoft.Identity.Client.Internal.Requests.UsernamePasswordRequest.ExecuteAsync(CancellationToken cancellationToken)\n" +
	"   at Microsoft.Identity.Client.Internal.Requests.RequestBase.RunAsync(CancellationToken cancellationToken)\n" +
	"   at Microsoft.Identity.Client.ApiConfig.Executors.ConfidentialClientExecutor.ExecuteAsync(AcquireTokenCommonParameters commonParameters, AcquireTokenForClientParameters clientParameters, CancellationToken cancellationToken)\n" +
	"   at Azure.Identity.AbstractAcquireTokenParameterBuilderExtensions.ExecuteAsync[T](AbstractAcquireTokenParameterBuilder`1 builder, Boolean async, CancellationToken cancellationToken)\n" +
	"   at Azure.Identity.MsalConfidentialClient.AcquireTokenForClientCoreAsync(String[] scopes, String tenantId, String claims, Boolean enableCae, Boolean async, CancellationToken cancellationToken)\n" +
	"\tStatusCode: 400 \n" +
	"\tResponseBody: {\"error\":\"invalid_grant\",\"error_description\":\"AADSTS700082: The refresh token has expired due to inactivity. The token was issued on 2024-01-10T08:12:44.1234567Z and was inactive for 90.00:00:00.\\r\\nTrace ID: 0da6c1b0-d417-4970-5f46-4efdade04ff0\\r\\nCorrelation ID: b784b77c-96ca-7281-6464-8a8bbeb7ce59\\r\\nTimestamp: 2024-06-16 02:22:17Z\",\"error_codes\":[700082],\"timestamp\":\"2024-06-16 02:22:17Z\",\"trace_id\":\"0da6c1b0-d417-4970-5f46-4efdade04ff0\",\"correlation_id\":\"b784b77c-96ca-7281-6464-8a8bbeb7ce59\",\"error_uri\":\"https://login.microsoftonline.com/error?code=700082\"} \n" +
	"\tHeaders: Cache-Control: no-store, no-cache\n" +
	"Pragma: no-cache\n" +
	"Strict-Transport-Security: max-age=31536000; includeSubDomains\n" +
	"X-Content-Type-Options: nosniff\n" +
	"x-ms-request-id: 0da6c1b0-d417-4970-5f46-4efdade04ff0\n" +
	"   --- End of inner exception stack trace ---\n" +
	"   at Azure.Identity.CredentialDiagnosticScope.FailWrapAndThrow(Exception ex, String additionalMessage, Boolean isCredentialUnavailable)\n" +
	"   at Azure.Identity.DeviceCodeCredential.GetTokenImplAsync(Boolean async, TokenRequestContext requestContext, CancellationToken cancellationToken)\n" +
	"   at Azure.Identity.DeviceCodeCredential.GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)\n" +
	"   at Azure.Core.Pipeline.BearerTokenAuthenticationPolicy.AccessTokenCache.GetHeaderValueFromCredentialAsync(TokenRequestContext context, Boolean async, CancellationToken cancellationToken)\n" +
	"   at Contoso.Orders.Worker.ExecuteAsync(CancellationToken stoppingToken) in /src/Contoso.Orders/Worker.cs:line 112\n"

// TestSecretSearchAcrossBlocks: the secrets found are the same whether the
// input arrives in whole blocks (a file: the read-ahead workers search every
// block's complete lines) or in small odd-sized pieces passed on as they
// arrive (a live pipe: the scanner searches the many lines that straddle
// two pieces), with secrets on both sides of every boundary.
func TestSecretSearchAcrossBlocks(t *testing.T) {
	withSecretFinder(t)
	var b strings.Builder
	for i := 0; b.Len() < 3<<20; i++ {
		switch i % 5 {
		case 0:
			fmt.Fprintf(&b, "2024-05-01T10:00:00Z DEBUG token %s n=%d\n", tJWT, i)
		case 2:
			fmt.Fprintf(&b, "2024-05-01T10:00:00Z DEBUG GET https://a.blob.core.windows.net/c?sv=1&sig=%s %d\n", tSig, i)
		default:
			fmt.Fprintf(&b, "2024-05-01T10:00:00Z INFO request %d served%s\n", i, strings.Repeat(" ", i%97))
		}
	}
	in := b.String()
	whole := scanSecrets(t, strings.NewReader(in), parser.Options{})
	pieces := scanSecrets(t, &oddReader{b: []byte(in)}, parser.Options{Idle: time.Hour})
	if want := strings.Count(in, tJWT) + strings.Count(in, tSig); len(whole) != want {
		t.Errorf("whole blocks: %d secret findings, want %d", len(whole), want)
	}
	if !reflect.DeepEqual(whole, pieces) {
		t.Errorf("whole blocks and pieces differ: %d and %d findings", len(whole), len(pieces))
	}
}

// scanSecrets scans r and returns its secret-exposure findings.
func scanSecrets(t *testing.T, r io.Reader, opt parser.Options) []secretAt {
	t.Helper()
	s := parser.NewScanner(r, "s.log", opt)
	var got []secretAt
	for s.Scan() {
		if f := s.Finding(); f.Kind == parser.KindSecretExposure {
			got = append(got, secretAt{f.Line, f.SecretKind})
		}
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	return got
}

// oddReader returns pieces of 1 to 9000 bytes, of pseudo-random size.
type oddReader struct {
	b []byte
	x uint32
}

func (r *oddReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	r.x = r.x*1664525 + 1013904223
	n := copy(p, r.b[:min(len(r.b), 1+int(r.x>>8)%9000)])
	r.b = r.b[n:]
	return n, nil
}

// TestSecretWordsFinder: with SetSecretWords (as cmd/azlogscan installs it),
// the read-ahead workers find the secret words in the same pass as the
// triggers and hand them to the finder; the secrets found must be exactly
// those the finder alone finds, on the corpus logs and on secrets planted
// next to every block boundary of a file.
func TestSecretWordsFinder(t *testing.T) {
	withSecretFinder(t)
	var b bytes.Buffer
	err := filepath.WalkDir("../corpus", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".log") {
			data, err := os.ReadFile(p)
			b.Write(data)
			return err
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; b.Len() < 6<<20; i++ {
		switch i % 4 {
		case 0:
			fmt.Fprintf(&b, "DEBUG token %s n=%d\n", tJWT, i)
		case 1:
			fmt.Fprintf(&b, "GET https://a.blob.core.windows.net/c?sv=1&sig=%s %d%s\n", tSig, i, strings.Repeat(" ", i%113))
		case 2:
			fmt.Fprintf(&b, "client_secret=abc%d~def.ghi Password: hunter%d api-key: k%dxyzxyzxyz\n", i, i, i)
		default:
			fmt.Fprintf(&b, "INFO getToken() keys=%d Token acquired word%d\n", i, i)
		}
	}
	in := b.Bytes()
	alone := scanSecrets(t, bytes.NewReader(in), parser.Options{})
	parser.SetSecretWords(redact.Triggers(), func(dst []parser.SecretHit, piece []byte, at []parser.WordAt) []parser.SecretHit {
		for _, h := range redact.AppendLineHitsAt(nil, piece, at) {
			dst = append(dst, parser.SecretHit{Kind: h.Kind, Start: h.Start})
		}
		return dst
	})
	defer parser.SetSecretWords(nil, nil)
	words := scanSecrets(t, bytes.NewReader(in), parser.Options{})
	if len(alone) < 5000 {
		t.Fatalf("only %d secret findings: the input should hold thousands", len(alone))
	}
	if !reflect.DeepEqual(alone, words) {
		t.Errorf("the finder alone found %d secrets, with the secret words %d", len(alone), len(words))
		for i := range min(len(alone), len(words)) {
			if alone[i] != words[i] {
				t.Fatalf("first difference: %v against %v", alone[i], words[i])
			}
		}
	}
}
