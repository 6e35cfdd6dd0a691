package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/azlogscan/azlogscan/corpus"
	"github.com/azlogscan/azlogscan/parser"
	"github.com/azlogscan/azlogscan/parser/decode"
	"github.com/klauspost/compress/zstd"
)

var update = flag.Bool("update", false, "rewrite the corpus golden files")

// azlogscan runs the command as a user would and returns stdout, stderr and
// the exit code.
func azlogscan(t *testing.T, stdin []byte, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, bytes.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), code
}

func docs(t *testing.T, out string) []map[string]any {
	t.Helper()
	var ds []map[string]any
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var d map[string]any
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatalf("output line is not JSON: %v\n%s", err, sc.Text())
		}
		ds = append(ds, d)
	}
	return ds
}

// get walks a dotted path through nested JSON objects.
func get(d map[string]any, path string) any {
	var v any = d
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		if x, ok := m[k]; ok {
			v = x
			continue
		}
		return m[path[strings.Index(path, k):]] // keys with dots, like "@timestamp"
	}
	return v
}

const seed = `2024-05-01T10:00:00.000Z INFO starting worker
2024-05-01T10:00:01.003Z ERROR token request failed: ClientSecretCredential authentication failed
POST https://login.microsoftonline.com/3c631bb7-a9f7-4343-a5ba-a615913/oauth2/v2.0/token
--------------------------------------------------------------------------------
RESPONSE 401 Unauthorized
--------------------------------------------------------------------------------
{
  "error": "invalid_client",
  "error_description": "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '86be4c01-505b-45e9-bfc0-9b825fd84'.\r\nTrace ID: 03da4b8e-5ffe-48ca-9754-aff4276f0100\r\nCorrelation ID: 7b12f9bb-2eef-42e3-ad75-eee69ec9088d\r\nTimestamp: 2022-03-02 18:25:26Z",
  "error_codes": [
    7000215
  ],
  "timestamp": "2022-03-02 18:25:26Z",
  "trace_id": "03da4b8e-5ffe-48ca-9754-aff4276f0100",
  "correlation_id": "7b12f9bb-2eef-42e3-ad75-eee69ec9088d",
  "error_uri": "https://login.microsoftonline.com/error?code=7000215"
}
--------------------------------------------------------------------------------
To troubleshoot, visit https://aka.ms/azsdk/go/identity/troubleshoot#client-secret
2024-05-01T10:00:02.000Z INFO retrying in 30s
`

// The "done when": the azidentity TROUBLESHOOTING example, piped in
// with surrounding lines, gives exactly one finding with all its fields.
func TestSeedExample(t *testing.T) {
	out, errOut, code := azlogscan(t, []byte(seed), "--format", "json")
	if code != exitFindings {
		t.Errorf("exit code %d, want %d; stderr: %s", code, exitFindings, errOut)
	}
	ds := docs(t, out)
	if len(ds) != 1 {
		t.Fatalf("%d findings, want 1:\n%s", len(ds), out)
	}
	d := ds[0]
	for path, want := range map[string]any{
		"azure.identity.credential":     "ClientSecretCredential",
		"azure.identity.trace_id":       "03da4b8e-5ffe-48ca-9754-aff4276f0100",
		"azure.identity.correlation_id": "7b12f9bb-2eef-42e3-ad75-eee69ec9088d",
		"azure.identity.tenant_id":      "3c631bb7-a9f7-4343-a5ba-a615913",
		"azure.identity.client_id":      "86be4c01-505b-45e9-bfc0-9b825fd84",
		"azure.identity.timestamp":      "2022-03-02 18:25:26Z",
		"azure.identity.sdk":            "go",
		"http.response.status_code":     401.0,
		"error.code":                    "invalid_client",
		"event.code":                    "AADSTS7000215",
		"event.outcome":                 "failure",
		"rule.id":                       "AADSTS7000215",
		"log.file.path":                 "-",
		"log.file.line":                 2.0,
		"@timestamp":                    "2024-05-01T10:00:01.003Z",
		"url.full":                      "https://login.microsoftonline.com/3c631bb7-a9f7-4343-a5ba-a615913/oauth2/v2.0/token",
		"azlogscan.action_by":           "app-developer",
	} {
		if got := get(d, path); got != want {
			t.Errorf("%s = %v, want %v", path, got, want)
		}
	}
	if codes, _ := get(d, "azure.identity.aadsts").([]any); len(codes) != 1 || codes[0] != "7000215" {
		t.Errorf("aadsts = %v", get(d, "azure.identity.aadsts"))
	}
	mit, _ := json.Marshal(get(d, "azlogscan.mitigation"))
	if m := strings.ToLower(string(mit)); !strings.Contains(m, "value") || !strings.Contains(m, "secret id") {
		t.Errorf("mitigation does not tell the secret value from the secret ID: %s", mit)
	}

	// The text report says the same to a person.
	text, _, _ := azlogscan(t, []byte(seed), "--color", "never")
	for _, want := range []string{"-:2", "ClientSecretCredential", "AADSTS7000215", "03da4b8e-5ffe-48ca-9754-aff4276f0100", "who acts", "fix:"} {
		if !strings.Contains(text, want) {
			t.Errorf("text output lacks %q:\n%s", want, text)
		}
	}
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func zst(b []byte) []byte {
	w, _ := zstd.NewWriter(nil)
	defer w.Close()
	return w.EncodeAll(b, nil)
}

// TestGolden runs every corpus case through the whole command and compares
// its JSON Lines with the reviewed golden file beside the case; gzip and
// zstd copies must give the same bytes. go test ./cmd/azlogscan -update
// rewrites the golden files (read the diff before committing it).
func TestGolden(t *testing.T) {
	cases, err := corpus.Cases()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			data, err := os.ReadFile(c.Log)
			if err != nil {
				t.Fatal(err)
			}
			out, errOut, code := azlogscan(t, data, "--format", "json")
			if code != exitOK && code != exitFindings {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			docs(t, out) // valid JSON Lines
			golden := strings.TrimSuffix(c.Log, ".log") + ".golden.jsonl"
			if *update {
				if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
			} else {
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test ./cmd/azlogscan -update)", err)
				}
				if out != string(want) {
					t.Errorf("output differs from %s (go test ./cmd/azlogscan -update rewrites it):\n got: %s\nwant: %s", filepath.Base(golden), out, want)
				}
			}
			for name, b := range map[string][]byte{"gzip": gz(data), "zstd": zst(data)} {
				got, _, _ := azlogscan(t, b, "--format", "json")
				if got != out {
					t.Errorf("%s copy gives different output", name)
				}
			}
		})
	}
}

func TestExitCodesAndDamagedInputs(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	clean := write("clean.log", []byte("2024-05-01 INFO all good\n2024-05-01 INFO token acquired\n"))
	failing := write("failing.log", []byte(seed))

	if _, _, code := azlogscan(t, nil, clean); code != exitOK {
		t.Errorf("clean log: exit %d, want 0", code)
	}
	if _, _, code := azlogscan(t, nil, "--format", "yaml", clean); code != exitUsage {
		t.Errorf("bad --format: exit %d, want %d", code, exitUsage)
	}
	if _, _, code := azlogscan(t, nil, "--no-such-flag"); code != exitUsage {
		t.Errorf("unknown flag: exit %d, want %d", code, exitUsage)
	}

	// A missing file among good ones: named on stderr, the others scanned.
	out, errOut, code := azlogscan(t, nil, "--format", "json", filepath.Join(dir, "gone.log"), failing)
	if code != exitInput {
		t.Errorf("missing file: exit %d, want %d", code, exitInput)
	}
	if !strings.Contains(errOut, "gone.log") {
		t.Errorf("stderr does not name the missing file: %q", errOut)
	}
	if n := len(docs(t, out)); n != 1 {
		t.Errorf("missing file: %d findings from the good file, want 1", n)
	}

	// A truncated gzip: the findings before the damage are kept.
	two := []byte(seed + strings.Repeat("2024-05-01 INFO filler line to make the stream longer\n", 20000) + seed)
	z := gz(two)
	trunc := write("trunc.log.gz", z[:len(z)*3/4])
	out, errOut, code = azlogscan(t, nil, "--format", "json", trunc, failing)
	if code != exitInput {
		t.Errorf("truncated gzip: exit %d, want %d", code, exitInput)
	}
	if !strings.Contains(errOut, "trunc.log.gz") {
		t.Errorf("stderr does not name the truncated file: %q", errOut)
	}
	ds := docs(t, out)
	if len(ds) != 2 || get(ds[0], "log.file.path") != trunc || get(ds[1], "log.file.path") != failing {
		t.Errorf("truncated gzip: want the finding before the damage, then the other file's; got %d findings:\n%s", len(ds), out)
	}
}

// TestBatchFolder: a folder mixing plain, gzip, multi-member gzip and
// extensionless zstd gives the findings of the same files uncompressed, in
// a stable order, and --summary adds up to the same total.
func TestBatchFolder(t *testing.T) {
	cases, err := corpus.Cases()
	if err != nil {
		t.Fatal(err)
	}
	plain, packed := t.TempDir(), t.TempDir()
	for i, c := range cases {
		data, _ := os.ReadFile(c.Log)
		name := strings.ReplaceAll(c.Name, "/", "_")
		os.WriteFile(filepath.Join(plain, name), data, 0o644)
		var b []byte
		switch i % 4 {
		case 0:
			b = data
		case 1:
			b = gz(data)
		case 2:
			half := len(data) / 2
			for half < len(data) && data[half] != '\n' {
				half++
			}
			b = append(gz(data[:half]), gz(data[half:])...) // cat a.gz b.gz
		case 3:
			b = zst(data)
		}
		os.MkdirAll(filepath.Join(packed, "sub"), 0o755)
		os.WriteFile(filepath.Join(packed, name), b, 0o644)
	}
	strip := func(out, dir string) string { return strings.ReplaceAll(out, dir, "DIR") }
	want, _, _ := azlogscan(t, nil, "--format", "json", plain)
	for _, jobs := range []string{"1", "2", "4"} {
		got, errOut, _ := azlogscan(t, nil, "--format", "json", "--jobs", jobs, packed)
		if strip(got, packed) != strip(want, plain) {
			t.Errorf("--jobs %s: compressed tree gives other findings than plain (stderr %s)", jobs, errOut)
		}
	}
	sum, _, _ := azlogscan(t, nil, "--summary", "--format", "json", packed)
	var s struct{ Findings int }
	if err := json.Unmarshal([]byte(sum), &s); err != nil {
		t.Fatalf("summary: %v\n%s", err, sum)
	}
	if s.Findings != len(docs(t, want)) || s.Findings == 0 {
		t.Errorf("summary findings = %d, want %d", s.Findings, len(docs(t, want)))
	}
}

// TestLivePipe: findings appear while the input is still open.
func TestLivePipe(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	outR, outW, _ := os.Pipe()
	done := make(chan int)
	go func() {
		done <- run(context.Background(), []string{"--format", "json", "--idle", "50ms"}, r, outW, &bytes.Buffer{})
		outW.Close()
	}()
	w.Write([]byte(seed))
	line := make(chan string, 1)
	go func() {
		b := bufio.NewReader(outR)
		s, _ := b.ReadString('\n')
		line <- s
	}()
	select {
	case s := <-line:
		if !strings.Contains(s, "AADSTS7000215") {
			t.Errorf("first output line: %s", s)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no finding while the pipe stayed open")
	}
	w.Close()
	if code := <-done; code != exitFindings {
		t.Errorf("exit %d", code)
	}
}

func TestExplainAndRules(t *testing.T) {
	out, _, code := azlogscan(t, nil, "explain", "AADSTS7000222")
	if code != 0 || !strings.Contains(out, "7000222") {
		t.Errorf("explain AADSTS7000222: exit %d\n%s", code, out)
	}
	out2, _, _ := azlogscan(t, nil, "explain", "7000222")
	if out2 != out {
		t.Errorf("explain 7000222 differs from explain AADSTS7000222")
	}
	if out, _, code := azlogscan(t, nil, "explain", "ManagedIdentityCredential"); code != 0 || !strings.Contains(out, "ManagedIdentityCredential") {
		t.Errorf("explain ManagedIdentityCredential: exit %d\n%s", code, out)
	}
	_, errOut, code := azlogscan(t, nil, "explain", "AADSTS9999999")
	if code != 1 || !strings.Contains(errOut, "https://login.microsoftonline.com/error?code=9999999") {
		t.Errorf("explain unknown code: exit %d, stderr %q", code, errOut)
	}
	out, _, code = azlogscan(t, nil, "rules", "--format", "json")
	if code != 0 {
		t.Fatalf("rules: exit %d", code)
	}
	n := 0
	for _, d := range docs(t, out) {
		n++
		for _, k := range []string{"id", "name", "category", "action_by", "description", "mitigation", "reference"} {
			if d[k] == nil || d[k] == "" {
				t.Errorf("rule %v lacks %s", d["id"], k)
			}
		}
	}
	if n < 400 {
		t.Errorf("%d rules", n)
	}
	// The JSON listing is itself a valid rules file.
	f := filepath.Join(t.TempDir(), "rules.jsonl")
	os.WriteFile(f, []byte(out), 0o644)
	if _, errOut, code := azlogscan(t, []byte(seed), "--rules", f); code != exitFindings {
		t.Errorf("--rules with the listing: exit %d: %s", code, errOut)
	}
	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	os.WriteFile(bad, []byte(`{"id":"X","name":"X","category":"c","action_by":"nobody","description":"d","mitigation":["m"],"reference":"r"}`+"\n"), 0o644)
	if _, errOut, code := azlogscan(t, []byte(seed), "--rules", bad); code != exitUsage || !strings.Contains(errOut, "bad.jsonl") {
		t.Errorf("bad rules file: exit %d, stderr %q", code, errOut)
	}
}

// TestHelp: --help (of the command and of each subcommand) prints its usage
// on stdout only, exit 0, so that `azlogscan --help | less` works; a bad
// flag is named on stderr with a pointer to --help, exit 2, never silently.
func TestHelp(t *testing.T) {
	out, errOut, code := azlogscan(t, nil, "--help")
	if code != 0 || !strings.Contains(out, "Exit status") || !strings.Contains(out, "--format") || errOut != "" {
		t.Errorf("--help: exit %d, stderr %q\n%s", code, errOut, out)
	}
	for _, sub := range []string{"explain", "rules", "es"} {
		out, errOut, code := azlogscan(t, nil, sub, "--help")
		if code != 0 || !strings.Contains(out, "Usage: azlogscan "+sub) || !strings.Contains(out, "--format") && sub != "es" || errOut != "" {
			t.Errorf("%s --help: exit %d, stderr %q, stdout %q", sub, code, errOut, out)
		}
	}
	for _, args := range [][]string{{"--bogus"}, {"explain", "--bogus", "AADSTS50020"}, {"rules", "--bogus"}, {"es", "--bogus", "setup"}} {
		out, errOut, code := azlogscan(t, nil, args...)
		if code != exitUsage || !strings.Contains(errOut, "unknown flag: --bogus") || !strings.Contains(errOut, "--help") || out != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
}

// TestVersion: --version names the binary, its Go release, its gzip decoder
// and the search kernel in use, on stdout, exit 0.
func TestVersion(t *testing.T) {
	out, errOut, code := azlogscan(t, nil, "--version")
	for _, want := range []string{"azlogscan ", runtime.Version(), "gzip decoder: " + decode.GzipDecoder, "zstd decoder: " + decode.ZstdDecoder, "search kernel: " + parser.SearchKernel()} {
		if !strings.Contains(out, want) {
			t.Errorf("--version: %q lacks %q", out, want)
		}
	}
	if code != exitOK || errOut != "" {
		t.Errorf("--version: exit %d, stderr %q", code, errOut)
	}
}

// TestProgressAndColor: progress goes to stderr only when asked or on a
// terminal; colour only when asked or on a terminal without NO_COLOR.
func TestProgressAndColor(t *testing.T) {
	big := []byte(strings.Repeat("2024-05-01 INFO noise line without anything in it at all\n", 400000) + seed)
	out, errOut, _ := azlogscan(t, big, "--format", "json")
	if errOut != "" {
		t.Errorf("stderr not a terminal, yet: %q", errOut)
	}
	if strings.Contains(out, "\x1b[") {
		t.Error("ANSI codes in JSON output")
	}
	_, errOut, _ = azlogscan(t, big, "--progress", "always")
	if !strings.Contains(errOut, "0/1 files") || !strings.Contains(errOut, "1 finding in 1 input") {
		t.Errorf("--progress always printed no progress and summary: %q", errOut)
	}
	text, _, _ := azlogscan(t, []byte(seed))
	if strings.Contains(text, "\x1b[") {
		t.Error("colour written to a non-terminal")
	}
	text, _, _ = azlogscan(t, []byte(seed), "--color", "always")
	if !strings.Contains(text, "\x1b[") {
		t.Error("--color always wrote no colour")
	}
}

// TestBenign: device-code polling is part of a normal sign-in; it is no
// finding unless --include-benign asks for it, and then it says so.
func TestBenign(t *testing.T) {
	poll := []byte(`2024-05-01 10:00:00 DEBUG msal: {"error":"authorization_pending","error_description":"AADSTS70016: OAuth 2.0 device flow error. Authorization is pending. Continue polling. Trace ID: 1b2c3d4e-0000-4000-8000-000000000001 Correlation ID: 1b2c3d4e-0000-4000-8000-000000000002 Timestamp: 2024-05-01 10:00:00Z","error_codes":[70016]}` + "\n")
	out, _, code := azlogscan(t, poll, "--format", "json")
	if code != exitOK || out != "" {
		t.Errorf("device-code polling reported: exit %d\n%s", code, out)
	}
	out, _, code = azlogscan(t, poll, "--format", "json", "--include-benign")
	ds := docs(t, out)
	if code != exitFindings || len(ds) != 1 || get(ds[0], "azlogscan.benign") != true {
		t.Errorf("--include-benign: exit %d\n%s", code, out)
	}
}
