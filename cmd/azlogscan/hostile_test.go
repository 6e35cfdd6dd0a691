package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// One value of every kind of secret the redactor knows, as logs print them.
var secretValues = map[string]string{
	"jwt":                  "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiIsImtpZCI6ImFiYyJ9.eyJhdWQiOiJodHRwczovL21hbmFnZW1lbnQuYXp1cmUuY29tIiwidGlkIjoiMSJ9.bm90LWEtcmVhbC1zaWduYXR1cmUtYnV0LWxvbmctZW5vdWdo_-x",
	"client_secret":        "Abc8Q~k2Jx0_Zp.v9-WqYtL3mN7rS1uVb4oE6hGf",
	"sas_signature":        "Xk2%2BpL9qR4%2FzT7vB1nM3cD5eF6gH8jK0lA%3D",
	"password":             "Tr0ub4dor&3-horse",
	"form_client_secret":   "form-secret-7f3a9c",
	"authorization_header": "opaque.bearer-token-value-91c2",
	"identity_header":      "f3b1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
	"account_key":          "Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYg==",
	"client_assertion":     "assertion-opaque-4e8d1b",
	"refresh_token":        "0.AXEAq1hZbcd-ZXfGhIjKlMnOpQrStUvWxYz_0123456789AbCdEfGhIjKlMnOp",
}

// secretLog holds each secret, on noise lines and inside failure records,
// next to three AADSTS failures.
func secretLog() string {
	v := secretValues
	return "2024-05-01T10:00:00Z INFO starting with token " + v["jwt"] + "\n" + // 1 jwt
		"2024-05-01T10:00:00Z DEBUG AZURE_CLIENT_SECRET=" + v["client_secret"] + "\n" + // 2
		"2024-05-01T10:00:00Z DEBUG GET https://acct.blob.core.windows.net/c/a.txt?sv=2022-11-02&sp=r&sig=" + v["sas_signature"] + " 200\n" + // 3
		"2024-05-01T10:00:00Z DEBUG db Server=tcp:db.database.windows.net,1433;User ID=app;Password=" + v["password"] + ";Encrypt=True;\n" + // 4
		"2024-05-01T10:00:00Z DEBUG storage DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=" + v["account_key"] + ";EndpointSuffix=core.windows.net\n" + // 5
		"2024-05-01T10:00:01.003Z ERROR ClientSecretCredential authentication failed\n" + // 6
		"POST https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/token\n" +
		"   Authorization: Bearer " + v["authorization_header"] + "\n" +
		"   Body: client_id=86be4c01-505b-45e9-bfc0-9b825fd84a1c&client_secret=" + v["form_client_secret"] + "&grant_type=client_credentials\n" +
		"--------------------------------------------------------------------------------\n" +
		"RESPONSE 401 Unauthorized\n" +
		"--------------------------------------------------------------------------------\n" +
		`{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.\r\nTrace ID: 03da4b8e-5ffe-48ca-9754-aff4276f0100\r\nCorrelation ID: 7b12f9bb-2eef-42e3-ad75-eee69ec9088d","error_codes":[7000215]}` + "\n" +
		"--------------------------------------------------------------------------------\n" +
		"2024-05-01T10:00:02Z INFO retrying\n" +
		"2024-05-01T10:00:03Z DEBUG IMDS request X-IDENTITY-HEADER: " + v["identity_header"] + "\n" +
		"2024-05-01T10:00:04Z ERROR AADSTS700027: Client assertion contains an invalid signature. request client_assertion=" + v["client_assertion"] + "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer Trace ID: 11111111-2222-3333-4444-555555555555\n" +
		"2024-05-01T10:00:05Z INFO ok\n" +
		`{"level":"error","time":"2024-05-01T10:00:06Z","msg":"AADSTS700082: The refresh token has expired due to inactivity.","request":"grant_type=refresh_token&refresh_token=` + v["refresh_token"] + `"}` + "\n"
}

// TestNoSecretInAnyOutput: no secret value reaches stdout in any format, nor
// stderr; every failure is still reported; every kind is reported exposed.
func TestNoSecretInAnyOutput(t *testing.T) {
	log := []byte(secretLog())
	dir := t.TempDir()
	file := filepath.Join(dir, "app.log")
	if err := os.WriteFile(file, log, 0o644); err != nil {
		t.Fatal(err)
	}
	// A path that itself holds a SAS signature, and does not exist.
	gone := filepath.Join(dir, "blob?sv=1&sig="+secretValues["sas_signature"])
	check := func(what, s string) {
		t.Helper()
		for kind, v := range secretValues {
			if strings.Contains(s, v) {
				t.Errorf("%s carries the %s value", what, kind)
			}
		}
	}
	for _, args := range [][]string{
		{"--format", "json"}, {"--format", "text", "--color", "always"}, {"--summary"}, {"--summary", "--format", "json"},
	} {
		out, errOut, code := azlogscan(t, nil, append(args, gone, file)...)
		name := strings.Join(args, " ")
		check(name+" stdout", out)
		check(name+" stderr", errOut)
		if code != exitInput || !strings.Contains(errOut, "blob?sv=1&sig=") {
			t.Errorf("%s: exit %d, stderr %q: want %d and the missing file named (redacted)", name, code, errOut, exitInput)
		}
	}

	out, _, _ := azlogscan(t, nil, "--format", "json", file)
	codes := map[string]bool{}
	kinds := map[string]int64{}
	for _, d := range docs(t, out) {
		if c, _ := get(d, "event.code").(string); strings.HasPrefix(c, "AADSTS") {
			codes[c] = true
		}
		if get(d, "event.kind") == "alert" || get(d, "secret") != nil || strings.Contains(strings.ToLower(get(d, "message").(string)), "secret exposed") {
			b, _ := json.Marshal(d)
			for kind := range secretValues {
				k := strings.TrimPrefix(kind, "form_")
				if strings.Contains(string(b), `"`+k+`"`) {
					kinds[k] = int64(get(d, "log.file.line").(float64))
				}
			}
		}
	}
	for _, c := range []string{"AADSTS7000215", "AADSTS700027", "AADSTS700082"} {
		if !codes[c] {
			t.Errorf("failure %s not reported:\n%s", c, out)
		}
	}
	for kind := range secretValues {
		if _, ok := kinds[strings.TrimPrefix(kind, "form_")]; !ok {
			t.Errorf("no exposure finding of kind %s", kind)
		}
	}
	// Noise lines are reported at their own line.
	for kind, line := range map[string]int64{"jwt": 1, "sas_signature": 3, "password": 4, "account_key": 5, "identity_header": 16} {
		if kinds[kind] != line {
			t.Errorf("%s exposure at line %d, want %d", kind, kinds[kind], line)
		}
	}
}

// TestHostileInputsCommand: a 50 MB line, binary garbage, invalid UTF-8 and
// NULs, an unterminated last line, a corrupt zstd among good files: valid
// JSON out, every failure outside the damage reported, the damaged file
// named, exit 3.
func TestHostileInputsCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 70 MB")
	}
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	long := []byte(`{"level":"error","blob":"`)
	long = append(long, bytes.Repeat([]byte("0123456789abcdef"), 50<<20/16)...)
	long = append(long, `","msg":"ClientSecretCredential authentication failed: AADSTS7000215: Invalid client secret provided. Trace ID: 03da4b8e-5ffe-48ca-9754-aff4276f0100"}`+"\n"...)
	bin := make([]byte, 20<<20)
	x := uint32(1)
	for i := range bin {
		x = x*1664525 + 1013904223
		bin[i] = byte(x >> 24)
	}
	bin = append(bin, "\n"+seed...)
	bad := strings.Replace(seed, "Invalid client secret", "Invalid\xff\xfe\x00 client secret", 1)
	noNL := strings.TrimSuffix(seed, "\n") // last line without newline
	z := zst([]byte(seed + seed))
	corrupt := append([]byte{}, z...)
	for i := len(corrupt) / 3; i < len(corrupt)*2/3; i++ {
		corrupt[i] ^= 0x5a
	}
	files := []string{
		write("a-long.log", long),
		write("b-binary.log", bin),
		write("c-badutf8.log", []byte(bad)),
		write("d-nonl.log", []byte(noNL)),
		write("e-corrupt", corrupt),
		write("f-good.log", []byte(seed)),
	}
	out, errOut, code := azlogscan(t, nil, append([]string{"--format", "json"}, files...)...)
	if code != exitInput {
		t.Errorf("exit %d, want %d", code, exitInput)
	}
	if !strings.Contains(errOut, "e-corrupt") || strings.Count(errOut, "azlogscan:") != 1 {
		t.Errorf("stderr should name the corrupt zstd file only: %q", errOut)
	}
	if !utf8.ValidString(out) {
		t.Errorf("output is not valid UTF-8")
	}
	per := map[string]int{}
	for _, d := range docs(t, out) {
		p, _ := get(d, "log.file.path").(string)
		per[filepath.Base(p)]++
		if filepath.Base(p) == "c-badutf8.log" {
			if m, _ := get(d, "error.message").(string); m != "" && !strings.Contains(m, "\uFFFD") {
				t.Errorf("bad bytes not replaced by U+FFFD: %q", m)
			}
		}
	}
	for _, f := range []string{"a-long.log", "b-binary.log", "c-badutf8.log", "d-nonl.log", "f-good.log"} {
		if per[f] != 1 {
			t.Errorf("%s: %d findings, want 1 (all: %v)", f, per[f], per)
		}
	}
}
