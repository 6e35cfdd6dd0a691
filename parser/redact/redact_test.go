package redact

import (
	"bytes"
	"fmt"
	"github.com/azlogscan/azlogscan/parser/internal/benchutil"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Realistic-looking but fake secrets.
const (
	tJWT      = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiIsImtpZCI6ImFiYyJ9.eyJhdWQiOiJodHRwczovL21hbmFnZW1lbnQuYXp1cmUuY29tIiwidGlkIjoiMSJ9.bm90LWEtcmVhbC1zaWduYXR1cmUtYnV0LWxvbmctZW5vdWdo_-x"
	tSecret   = "Abc8Q~k2Jx0_Zp.v9-WqYtL3mN7rS1uVb4oE6hGf" // 3 + 8 + Q~ + 34 = 40 chars
	tRefresh  = "0.AXEAq1hZbcd-ZXfGhIjKlMnOpQrStUvWxYz_0123456789AbCdEfGhIjKlMnOp"
	tSig      = "Xk2%2BpL9qR4%2FzT7vB1nM3cD5eF6gH8jK0lA%3D"
	tKey      = "Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYg=="
	tIdentity = "f3b1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
)

type tcase struct {
	name  string
	in    string
	want  string   // expected output
	kinds []string // expected hit kinds, in order
}

func R(kind string) string { return "[REDACTED:" + kind + "]" }

var cases = []tcase{
	// JWTs
	{"jwt bare", "token " + tJWT + " end", "token " + R("jwt") + " end", []string{"jwt"}},
	{"jwt access_token json", `{"token_type":"Bearer","access_token":"` + tJWT + `","expires_in":3599}`,
		`{"token_type":"Bearer","access_token":"` + R("jwt") + `","expires_in":3599}`, []string{"jwt"}},
	{"jwt id_token form", "id_token=" + tJWT + "&state=abc", "id_token=" + R("jwt") + "&state=abc", []string{"jwt"}},
	{"jwt unsigned two segments", "x eyJhbGciOiJub25lIn0.eyJzdWIiOiIxMjMifQ. y", "x " + R("jwt") + ". y", []string{"jwt"}},
	{"jwt after %20", "Authorization%3DBearer%20" + tJWT, "Authorization%3DBearer%20" + R("authorization_header"), []string{"authorization_header"}},
	{"jwt header only is no token", "header eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9 truncated", "", nil},
	{"jwt inside a word is not a jwt", "abceyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjMifQ", "", nil},
	// refresh tokens
	{"refresh_token json", `{"refresh_token":"` + tRefresh + `","foci":"1"}`, `{"refresh_token":"` + R("refresh_token") + `","foci":"1"}`, []string{"refresh_token"}},
	{"refresh_token form", "grant_type=refresh_token&refresh_token=" + tRefresh + "&client_id=04b07795-8ddb-461a-bbee-02f9e1bf7b46",
		"grant_type=refresh_token&refresh_token=" + R("refresh_token") + "&client_id=04b07795-8ddb-461a-bbee-02f9e1bf7b46", []string{"refresh_token"}},
	{"refreshToken camel", `refreshToken: '` + tRefresh + `'`, `refreshToken: '` + R("refresh_token") + `'`, []string{"refresh_token"}},
	// Entra client secrets
	{"secret shape bare", "using " + tSecret + " now", "using " + R("client_secret") + " now", []string{"client_secret"}},
	{"client_secret form", "client_id=11111111-2222-3333-4444-555555555555&client_secret=" + tSecret + "&grant_type=client_credentials&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default",
		"client_id=11111111-2222-3333-4444-555555555555&client_secret=" + R("client_secret") + "&grant_type=client_credentials&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default", []string{"client_secret"}},
	{"client_secret form not shaped", "client_secret=hunter2-not-entra&grant_type=client_credentials", "client_secret=" + R("client_secret") + "&grant_type=client_credentials", []string{"client_secret"}},
	{"client_secret json spaced", `{ "client_secret": "plain-old-secret" }`, `{ "client_secret": "` + R("client_secret") + `" }`, []string{"client_secret"}},
	{"ClientSecret=", "ClientSecret=abc123;TenantId=x", "ClientSecret=" + R("client_secret") + ";TenantId=x", []string{"client_secret"}},
	{"AZURE_CLIENT_SECRET env", "AZURE_CLIENT_ID=1\nAZURE_CLIENT_SECRET=" + tSecret + "\nHOME=/root", "AZURE_CLIENT_ID=1\nAZURE_CLIENT_SECRET=" + R("client_secret") + "\nHOME=/root", []string{"client_secret"}},
	{"clientSecret js object", `{ clientSecret: "s3cr3t!", tenantId: "t" }`, `{ clientSecret: "` + R("client_secret") + `", tenantId: "t" }`, []string{"client_secret"}},
	{"client_secret python repr", `{'client_secret': 'abc def'}`, `{'client_secret': '` + R("client_secret") + `'}`, []string{"client_secret"}},
	// client assertions
	{"client_assertion form", "client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=" + tJWT + "&scope=x",
		"client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=" + R("client_assertion") + "&scope=x", []string{"client_assertion"}},
	{"client_assertion opaque", "client_assertion=opaque-value-123&x=1", "client_assertion=" + R("client_assertion") + "&x=1", []string{"client_assertion"}},
	// passwords
	{"password form", "username=alice&password=P%40ssw0rd!&grant_type=password", "username=alice&password=" + R("password") + "&grant_type=password", []string{"password"}},
	{"password json", `{"username":"alice","password":"P@ss w0rd"}`, `{"username":"alice","password":"` + R("password") + `"}`, []string{"password"}},
	{"Password= connection string with space", "Server=tcp:db.database.windows.net,1433;User ID=app;Password=my pass word;Encrypt=True;",
		"Server=tcp:db.database.windows.net,1433;User ID=app;Password=" + R("password") + ";Encrypt=True;", []string{"password"}},
	{"pwd= odbc", "DRIVER={ODBC Driver 18};UID=sa;PWD=Secr3t!;", "DRIVER={ODBC Driver 18};UID=sa;PWD=" + R("password") + ";", []string{"password"}},
	{"Pwd= mixed", "Uid=sa;Pwd=abc", "Uid=sa;Pwd=" + R("password"), []string{"password"}},
	{"DB_PASSWORD env", "DB_PASSWORD=hunter2", "DB_PASSWORD=" + R("password"), []string{"password"}},
	{"adminPassword yaml", "adminPassword: hunter2", "adminPassword: " + R("password"), []string{"password"}},
	{"spring property", "spring.datasource.password=hunter2", "spring.datasource.password=" + R("password"), []string{"password"}},
	{"PWD path is a directory", "PWD=/home/app\nOLDPWD=/tmp", "", nil},
	// SAS signatures
	{"sas url", "GET https://acct.blob.core.windows.net/logs/a.txt?sv=2022-11-02&ss=b&srt=o&sp=r&se=2024-05-01T00:00:00Z&sig=" + tSig + " HTTP/1.1",
		"GET https://acct.blob.core.windows.net/logs/a.txt?sv=2022-11-02&ss=b&srt=o&sp=r&se=2024-05-01T00:00:00Z&sig=" + R("sas_signature") + " HTTP/1.1", []string{"sas_signature"}},
	{"sas sig in the middle", "https://a.queue.core.windows.net/q?se=2024&sig=" + tSig + "&sp=r", "https://a.queue.core.windows.net/q?se=2024&sig=" + R("sas_signature") + "&sp=r", []string{"sas_signature"}},
	{"sas &amp;", `<a href="https://a.blob.core.windows.net/c?sv=1&amp;sig=` + tSig + `&amp;se=2">`, `<a href="https://a.blob.core.windows.net/c?sv=1&amp;sig=` + R("sas_signature") + `&amp;se=2">`, []string{"sas_signature"}},
	{"sas url-encoded", "redirect=https%3A%2F%2Fa.blob.core.windows.net%2Fc%3Fsv%3D1%26sig%3D" + tSig + "%26se%3D2", "redirect=https%3A%2F%2Fa.blob.core.windows.net%2Fc%3Fsv%3D1%26sig%3D" + R("sas_signature") + "%26se%3D2", []string{"sas_signature"}},
	{"sas go json escaped", `{"url":"https://a.blob.core.windows.net/c?sv=1\u0026sig=` + tSig + `\u0026se=2"}`, `{"url":"https://a.blob.core.windows.net/c?sv=1\u0026sig=` + R("sas_signature") + `\u0026se=2"}`, []string{"sas_signature"}},
	{"sas service bus token", "SharedAccessSignature sr=sb%3A%2F%2Fns.servicebus.windows.net&sig=" + tSig + "&se=1714521600&skn=RootManageSharedAccessKey",
		"SharedAccessSignature sr=sb%3A%2F%2Fns.servicebus.windows.net&sig=" + R("sas_signature") + "&se=1714521600&skn=RootManageSharedAccessKey", []string{"sas_signature"}},
	{"azcore sanitized sig", "GET https://a.blob.core.windows.net/c?se=2024&sig=REDACTED&sp=r", "", nil},
	// Authorization headers
	{"bearer header", "Authorization: Bearer " + tJWT + "\r\nHost: management.azure.com", "Authorization: Bearer " + R("authorization_header") + "\r\nHost: management.azure.com", []string{"authorization_header"}},
	{"basic header", "authorization: Basic dXNlcjpwYXNzd29yZA==\n", "authorization: Basic " + R("authorization_header") + "\n", []string{"authorization_header"}},
	{"bearer opaque", "Authorization: Bearer opaque.token-value", "Authorization: Bearer " + R("authorization_header"), []string{"authorization_header"}},
	{"Authorization json", `{"headers":{"Authorization":"Bearer abc.def.ghi","Accept":"*/*"}}`, `{"headers":{"Authorization":"Bearer ` + R("authorization_header") + `","Accept":"*/*"}}`, []string{"authorization_header"}},
	{"authorization= form", "authorization=Bearer%20abcdef&x=1", "authorization=Bearer%20" + R("authorization_header") + "&x=1", []string{"authorization_header"}},
	{"Authorization SharedKey", "Authorization: SharedKey myaccount:ctzMq410TV3wS7upTBcunJTDLEJwMAZuFPfr0mrrA08=", "Authorization: SharedKey " + R("authorization_header"), []string{"authorization_header"}},
	{"go http.Header map", "map[Accept:[*/*] Authorization:[Bearer abc123] User-Agent:[x]]", "map[Accept:[*/*] Authorization:[Bearer " + R("authorization_header") + " User-Agent:[x]]", []string{"authorization_header"}},
	{"python headers dict", `{'Authorization': 'Bearer abc123', 'x-ms-client-request-id': '1'}`, `{'Authorization': 'Bearer ` + R("authorization_header") + `', 'x-ms-client-request-id': '1'}`, []string{"authorization_header"}},
	{"azcore redacted header", "   Authorization: REDACTED\n   User-Agent: azsdk-go-azidentity/v1.5.1", "", nil},
	{"WithAuthorization prose", "azure.BearerAuthorizer#WithAuthorization: Failed to refresh the Token for request to https://management.azure.com/", "", nil},
	{"authorization challenge parameter", `WWW-Authenticate: Bearer authorization="https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47", resource="https://vault.azure.net"`, "", nil},
	{"Authorization prose", "Authorization: failed for user", "", nil},
	{"AuthorizationFailed is no header", `"code": "AuthorizationFailed", "message": "does not have authorization to perform action"`, "", nil},
	// identity header
	{"X-IDENTITY-HEADER", "X-IDENTITY-HEADER: " + tIdentity + "\n", "X-IDENTITY-HEADER: " + R("identity_header") + "\n", []string{"identity_header"}},
	{"x-identity-header json", `{"x-identity-header":"` + tIdentity + `"}`, `{"x-identity-header":"` + R("identity_header") + `"}`, []string{"identity_header"}},
	{"IDENTITY_HEADER env", "IDENTITY_ENDPOINT=http://localhost:42356/msi/token\nIDENTITY_HEADER=" + tIdentity, "IDENTITY_ENDPOINT=http://localhost:42356/msi/token\nIDENTITY_HEADER=" + R("identity_header"), []string{"identity_header"}},
	{"X-Identity-Header", "X-Identity-Header: abc", "X-Identity-Header: " + R("identity_header"), []string{"identity_header"}},
	// storage keys
	{"AccountKey", "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=" + tKey + ";EndpointSuffix=core.windows.net",
		"DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=" + R("account_key") + ";EndpointSuffix=core.windows.net", []string{"account_key"}},
	{"SharedAccessKey", "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=" + tKey,
		"Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=" + R("account_key"), []string{"account_key"}},
	{"accountkey lower", "accountkey=" + tKey + ";", "accountkey=" + R("account_key") + ";", []string{"account_key"}},
	// PEM
	{"pem", "cert:\n-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----\ndone",
		"cert:\n-----BEGIN PRIVATE KEY-----\n" + R("private_key") + "\n-----END PRIVATE KEY-----\ndone", []string{"private_key"}},
	{"pem json escaped", `{"key":"-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n"}`,
		`{"key":"-----BEGIN RSA PRIVATE KEY-----\n` + R("private_key") + `\n-----END RSA PRIVATE KEY-----\n"}`, []string{"private_key"}},
	{"pem truncated", `"-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIIrYSSNQFaA2Hwf1duRSxKtLYX5C\nlf", "next": 1`,
		`"-----BEGIN EC PRIVATE KEY-----\n` + R("private_key") + `", "next": 1`, []string{"private_key"}},
	{"public key is fine", "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A\n-----END PUBLIC KEY-----", "", nil},
	// JSON-escaped (a log record inside a JSON string, and one level deeper)
	{"escaped json", `{"msg":"body: {\"client_id\":\"x\",\"client_secret\":\"s3cr3t\",\"scope\":\"y\"}"}`,
		`{"msg":"body: {\"client_id\":\"x\",\"client_secret\":\"` + R("client_secret") + `\",\"scope\":\"y\"}"}`, []string{"client_secret"}},
	{"double escaped json", `"{\\\"password\\\":\\\"hun\\\\\\\"ter2\\\"}"`, `"{\\\"password\\\":\\\"` + R("password") + `\\\"}"`, []string{"password"}},
	{"escaped quote inside value", `{"password":"a\"b c"}`, `{"password":"` + R("password") + `"}`, []string{"password"}},
	{"escaped newline ends header", `"msg":"Authorization: Bearer abc123\r\nHost: x"`, `"msg":"Authorization: Bearer ` + R("authorization_header") + `\r\nHost: x"`, []string{"authorization_header"}},
	{"unicode-escaped quotes", `\u0022client_secret\u0022:\u0022s3cr3t\u0022`, `\u0022client_secret\u0022:\u0022` + R("client_secret") + `\u0022`, []string{"client_secret"}},
	{"html quotes", `&quot;password&quot;: &quot;s3cr3t&quot;`, `&quot;password&quot;: &quot;` + R("password") + `&quot;`, []string{"password"}},
	// several secrets
	{"several", "client_secret=" + tSecret + "&password=x1 Authorization: Bearer " + tJWT,
		"client_secret=" + R("client_secret") + "&password=" + R("password") + " Authorization: Bearer " + R("authorization_header"), []string{"client_secret", "password", "authorization_header"}},
	// already masked or placeholders: not secrets, not hits
	{"masked values", `client_secret=*** password="" "password": null Password=<your-password>; pwd=${DB_PWD} AccountKey=[REDACTED]; refresh_token=REDACTED secret: XXXX`, "", nil},
	{"azcore partial mask", "client_secret=abcde**REDACTED**fghij", "", nil},
	{"own output", "client_secret=" + R("client_secret") + "&Authorization: Bearer " + R("authorization_header"), "", nil},
	// not secrets
	{"ids and codes", "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '26790ce1-d05c-4de7-ba73-51837152f0bc'.\r\nTrace ID: 0c3f1a5e-8d1f-4b0e-9a0b-1c2d3e4f5a6b\r\nCorrelation ID: 2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d\r\nTimestamp: 2024-05-01 10:00:01Z", "", nil},
	{"token url", "POST https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/token client_id=04b07795-8ddb-461a-bbee-02f9e1bf7b46&grant_type=client_credentials&scope=https%3A%2F%2Fmanagement.azure.com%2F.default", "", nil},
	{"prose", "Client is public so neither 'client_assertion' nor 'client_secret' should be presented. invalid username or password. ClientSecretCredential authentication failed", "", nil},
	{"url without sig", "https://acct.blob.core.windows.net/c/b?comp=list&restype=container&signature_version=2", "", nil},
	{"keys of other things", `{"key":"value","PartitionKey":"p1","RowKey":"r1","token_type":"Bearer","expires_in":3599}`, "", nil},
	{"claims object", `"claims": "{\"access_token\": {\"xms_cc\": {\"values\": [\"CP1\"]}}}"`, "", nil},
	{"GetToken", "ManagedIdentityCredential.GetToken() failed: TokenCredential returned", "", nil},
	// A PowerShell error record names the cmdlet that failed (azure-powershell#13527).
	{"cmdlet error record", "Get-AzAccessToken : Cannot retrieve access token for resource 'https://management.azure.com/';. Please ensure that you have provided the appropriate access tokens", "", nil},
	{"cmdlet-like key without the space", "X-AccessToken: " + tJWT, "X-AccessToken: " + R("jwt"), []string{"jwt"}},
}

func TestCases(t *testing.T) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want := c.want
			if want == "" {
				want = c.in
			}
			out, hits := Bytes(nil, []byte(c.in))
			if string(out) != want {
				t.Errorf("\n in: %s\ngot: %s\nwant: %s", c.in, out, want)
			}
			var kinds []string
			for _, h := range hits {
				kinds = append(kinds, h.Kind)
			}
			if strings.Join(kinds, ",") != strings.Join(c.kinds, ",") {
				t.Errorf("kinds %v, want %v (hits %v)", kinds, c.kinds, hits)
			}
			checkInvariants(t, []byte(c.in), out, hits)
			if got := String(c.in); got != want {
				t.Errorf("String differs from Bytes: %s", got)
			}
			if got, h := StringHits(c.in); got != want || len(h) != len(hits) {
				t.Errorf("StringHits differs from Bytes: %s %v", got, h)
			}
			// Every hit is found near a trigger, and Index sees one.
			if len(hits) > 0 && Index([]byte(c.in)) < 0 {
				t.Errorf("Index found no trigger")
			}
		})
	}
}

// checkInvariants: hits are ordered, disjoint, inside src; out is src with each hit replaced
// by its placeholder; no hit's value survives; redacting again changes nothing.
func checkInvariants(t *testing.T, src, out []byte, hits []Hit) {
	t.Helper()
	var rebuilt []byte
	var holes [][2]int // the placeholders' spans in the output
	last := 0
	for i, h := range hits {
		if h.Start < last || h.End <= h.Start || h.End > len(src) || (i > 0 && h.Start < hits[i-1].End) {
			t.Fatalf("bad hit %d %+v (previous end %d, len %d)", i, h, last, len(src))
		}
		if !validKind(h.Kind) {
			t.Fatalf("unknown kind %q", h.Kind)
		}
		rebuilt = append(rebuilt, src[last:h.Start]...)
		holes = append(holes, [2]int{len(rebuilt), len(rebuilt) + len(R(h.Kind))})
		rebuilt = append(rebuilt, R(h.Kind)...)
		last = h.End
	}
	rebuilt = append(rebuilt, src[last:]...)
	if !bytes.Equal(rebuilt, out) {
		t.Fatalf("output is not src with hits replaced:\n%q\n%q", out, rebuilt)
	}
	for _, h := range hits {
		v := src[h.Start:h.End]
		// An occurrence that overlaps a placeholder is made of kept text and
		// placeholder text ("Authorization:zation:[" gives
		// "Authorization:[REDACTED…"), not the value: the value survives only
		// whole in kept text, and then only where src holds it elsewhere too.
		for from := 0; ; {
			i := bytes.Index(out[from:], v)
			if i < 0 {
				break
			}
			i += from
			from = i + 1
			overlaps := false
			for _, hole := range holes {
				if i < hole[1] && i+len(v) > hole[0] {
					overlaps = true
					break
				}
			}
			if overlaps {
				continue
			}
			rest := append(append([]byte{}, src[:h.Start]...), append([]byte{0}, src[h.End:]...)...)
			if !bytes.Contains(rest, v) && !inPlaceholder(v) {
				t.Fatalf("value %q of hit %+v survives in output %q", v, h, out)
			}
			break
		}
	}
	again, hits2 := Bytes(nil, out)
	if !bytes.Equal(again, out) || len(hits2) != 0 {
		t.Fatalf("not idempotent:\n  src: %q\n once: %q\ntwice: %q\nhits: %v %v", src, out, again, hits, hits2)
	}
}

func inPlaceholder(v []byte) bool {
	for _, k := range Kinds() {
		if bytes.Contains([]byte(R(k)), v) {
			return true
		}
	}
	return false
}

func validKind(k string) bool {
	for _, x := range Kinds() {
		if x == k {
			return true
		}
	}
	return false
}

// Every hit lies around a trigger: the Triggers contract.
func TestTriggersNecessary(t *testing.T) {
	trigs := Triggers()
	for _, c := range cases {
		out, hits := Bytes(nil, []byte(c.in))
		_ = out
		if len(hits) == 0 {
			continue
		}
		found := false
		for _, tr := range trigs {
			if bytes.Contains([]byte(c.in), tr) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: hits without any trigger", c.name)
		}
	}
	if len(trigs) > 32 {
		t.Errorf("%d triggers: keep the list small", len(trigs))
	}
}

func TestIndex(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int
	}{
		{"", -1},
		{"nothing to see here", -1},
		{"a password", 6}, // "word"
		{"xx&sig=1 Token", 2},
		{"Token then &sig", 0},
		{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaauthorization", 30}, // anchored on 'z', 6 bytes in
	} {
		got := Index([]byte(c.in))
		want := c.want
		if got != want {
			t.Errorf("Index(%q) = %d, want %d", c.in, got, want)
		}
		// Cross-check with bytes.Index over Triggers.
		best := -1
		for _, tr := range Triggers() {
			if i := bytes.Index([]byte(c.in), tr); i >= 0 && (best < 0 || i < best) {
				best = i
			}
		}
		if got != best {
			t.Errorf("Index(%q) = %d, bytes.Index over Triggers = %d", c.in, got, best)
		}
	}
}

// The real corpus logs: every hit is printed for review, and none may be a GUID, a code or a
// timestamp.
func TestCorpusNoFalsePositives(t *testing.T) {
	files, _ := filepath.Glob("../../corpus/threads/*/*.log")
	if len(files) == 0 {
		t.Skip("no corpus")
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out, hits := Bytes(nil, src)
		for _, h := range hits {
			v := string(src[h.Start:h.End])
			t.Logf("%s: %s %q", filepath.Base(f), h.Kind, v)
			if isGUIDish(v) && h.Kind != KindIdentityHeader {
				t.Errorf("%s: GUID redacted as %s: %q", f, h.Kind, v)
			}
		}
		checkInvariants(t, src, out, hits)
		// AADSTS codes and Trace IDs survive.
		for _, kw := range []string{"AADSTS", "Trace ID", "Correlation ID"} {
			if bytes.Count(src, []byte(kw)) != bytes.Count(out, []byte(kw)) {
				t.Errorf("%s: %q lost", f, kw)
			}
		}
	}
}

func isGUIDish(v string) bool {
	if len(v) != 36 {
		return false
	}
	for i, c := range v {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if c != '-' {
				return false
			}
		} else if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
			return false
		}
	}
	return true
}

func TestNoAllocOnNoise(t *testing.T) {
	text := benchutil.LogText(64<<10, 9)
	dst := make([]byte, 0, len(text))
	allocs := testing.AllocsPerRun(20, func() {
		out, hits := Bytes(dst[:0], text)
		if len(out) != len(text) || hits != nil {
			t.Fatal("noise changed")
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per call on noise", allocs)
	}
	line := "2024-05-01T10:00:01Z INFO GetToken succeeded for TokenCredential key=value"
	if a := testing.AllocsPerRun(20, func() { _ = String(line) }); a != 0 {
		t.Errorf("String: %v allocations on a line with triggers but no secret", a)
	}
	if a := testing.AllocsPerRun(20, func() { _, _ = StringHits(line) }); a != 0 {
		t.Errorf("StringHits: %v allocations on a line with triggers but no secret", a)
	}
}

func TestLongInputs(t *testing.T) {
	// Pathological runs of triggers stay linear-ish and correct.
	for _, s := range []string{
		strings.Repeat("Key", 200000),
		strings.Repeat("password=", 50000),
		"password=\"" + strings.Repeat("a", 100000),
		strings.Repeat("eyJ", 100000),
		strings.Repeat("-----BEGIN PRIVATE KEY-----", 20000),
		strings.Repeat("&sig=", 100000),
	} {
		out, hits := Bytes(nil, []byte(s))
		checkInvariants(t, []byte(s), out, hits)
	}
}

// Random splices of the cases' inputs, joined by separators: overlapping and adjacent secrets,
// keys cut in half, unterminated quotes. The invariants (idempotence first) must hold.
func TestSplices(t *testing.T) {
	rnd := uint64(12345)
	next := func(n int) int {
		rnd ^= rnd << 13
		rnd ^= rnd >> 7
		rnd ^= rnd << 17
		return int(rnd % uint64(n))
	}
	seps := []string{"", "=", "\"", `\"`, "&", " ", ";", ":", "'", "\n", `\\\"`, "%3D", "[", "]"}
	for i := 0; i < 50000; i++ {
		var b []byte
		for k := 0; k < 2+next(3); k++ {
			in := cases[next(len(cases))].in
			from := next(len(in) + 1)
			to := from + next(len(in)-from+1)
			if next(2) == 0 {
				from = 0
			}
			b = append(b, in[from:to]...)
			b = append(b, seps[next(len(seps))]...)
		}
		out, hits := Bytes(nil, b)
		checkInvariants(t, b, out, hits)
	}
}

// AppendLineHits finds what AppendHits finds, line by line.
func TestAppendLineHitsMatchesAppendHits(t *testing.T) {
	var b bytes.Buffer
	for i := 0; i < 200; i++ {
		fmt.Fprintf(&b, "2024-05-01 INFO request %d ok Token refreshed for key rotation\n", i)
		if i%17 == 0 {
			b.WriteString(`POST /token client_secret=abc8Q~0123456789abcdefghijklmnopqrstuvwxyzAB&grant_type=client_credentials` + "\n")
		}
		if i%23 == 0 {
			b.WriteString(`GET https://st.blob.core.windows.net/c/b?sv=2021&sig=AbCdEf0123456789%2BxyzXYZ%3D&se=2024` + "\n")
		}
	}
	src := b.Bytes()
	want := AppendHits(nil, src)
	got := AppendLineHits(nil, src)
	if len(want) == 0 || len(got) != len(want) {
		t.Fatalf("AppendLineHits found %d, AppendHits %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("hit %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}
