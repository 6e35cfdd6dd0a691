package parser

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/azlogscan/azlogscan/benchmarks/loggen"
)

// Tests of the rules that take a failure's status and identifiers from the
// SDK log events around it: the HTTP response logged just above a record
// (exchangeBefore), the token request's tenant and client (noteIDs), Entra
// authority URLs, MSAL.NET's log prefix and headless chain errors.

// TestMayEndResponseIsSound checks the quick test in front of
// responseStart: wherever responseStart finds a response above a line (in
// every corpus log, in generated logs, and in logs built from their lines),
// mayEndResponse must have let it look. It also checks that the test rejects
// most noise.
func TestMayEndResponseIsSound(t *testing.T) {
	var logs [][]byte
	for _, b := range corpusLogs(t) {
		logs = append(logs, b, bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n")))
	}
	gen, _ := loggen.Bytes(loggen.Config{Seed: 7, Size: 4 << 20})
	logs = append(logs, gen)
	// Lines of the corpus shuffled into new neighbours.
	lines := testLines(t)
	rng := rand.New(rand.NewPCG(8, 9))
	var mix []byte
	for range 50000 {
		mix = append(append(mix, lines[rng.IntN(len(lines))]...), '\n')
	}
	logs = append(logs, mix)

	moved, passed, total := 0, 0, 0
	for _, buf := range logs {
		for start := 0; start < len(buf); {
			e := start - 1
			if e >= 17 {
				if buf[e-1] == '\r' {
					e--
				}
				gate := mayEndResponse(buf, e)
				if gate {
					passed++
				}
				total++
				if s := responseStart(buf, start, e, 0); s != start {
					moved++
					if !gate {
						t.Fatalf("the quick test rejects the line above %q, which ends a response log", firstLine(buf[start:]))
					}
				}
			}
			nl := bytes.IndexByte(buf[start:], '\n')
			if nl < 0 {
				break
			}
			start += nl + 1
		}
	}
	t.Logf("%d lines: the quick test passes %d, a response log ends above %d", total, passed, moved)
	if moved == 0 {
		t.Fatal("no response log found above any line of the corpus")
	}
	if passed > total/20 {
		t.Fatalf("the quick test passes %d of %d lines", passed, total)
	}
}

func TestResponseBefore(t *testing.T) {
	for _, c := range []struct {
		name, log string
		want      int // line (0-based) the record starts at; the head is the last line
	}{
		{"js headers", "azure:core-rest-pipeline:info Response status code: 401\nazure:core-rest-pipeline:info Headers: {\n  \"x-ms-request-id\": \"a\",\n  \"content-length\": \"675\"\n}\nazure:identity:info ClientSecretCredential => getToken() => ERROR. invalid_client\n", 0},
		{"js 200", "azure:core-rest-pipeline:info Response status code: 200\nazure:core-rest-pipeline:info Headers: {\n  \"content-length\": \"675\"\n}\nazure:identity:info ClientSecretCredential => getToken() => ERROR. invalid_client\n", 4},
		{"python headers and urllib3", "DEBUG:urllib3.connectionpool:https://login.microsoftonline.com:443 \"POST /t/oauth2/v2.0/token HTTP/1.1\" 401 675\nINFO:azure.core.pipeline.policies.http_logging_policy:Response status: 401\nResponse headers:\n    'Content-Length': '675'\n    'Keep-Alive': 'REDACTED'\nWARNING:azure.identity._internal.get_token_mixin:ClientSecretCredential.get_token failed\n", 0},
		{"python 200", "INFO:azure.core.pipeline.policies.http_logging_policy:Response status: 200\nResponse headers:\n    'Content-Length': '675'\nWARNING: ClientSecretCredential.get_token failed\n", 3},
		{"urllib3 alone", "noise\nDEBUG:urllib3.connectionpool:https://login.microsoftonline.com:443 \"POST /t/oauth2/v2.0/token HTTP/1.1\" 400 793\n{'error': 'unauthorized_client'}\n", 1},
		{"urllib3 None", "noise\nDEBUG:urllib3.connectionpool:https://h:443 \"POST /t/oauth2/v2.0/token HTTP/1.1\" 401 None\n{'error': 'invalid_client'}\n", 1},
		{"urllib3 200", "noise\nDEBUG:urllib3.connectionpool:https://h:443 \"POST /t/oauth2/v2.0/token HTTP/1.1\" 200 793\n{'error': 'unauthorized_client'}\n", 2},
		{"apache access line", "noise\n10.0.0.1 - - [16/Jun/2024:01:33:50 +0000] \"POST /readyz HTTP/1.1\" 500 16417 \"-\" \"kube-probe/1.29\" 1.432\nAADSTS7000215: x\n", 2},
		{"json log line", "noise\n{\"level\":\"info\",\"msg\":\"ok\",\"status\":401}\nAADSTS7000215: x\n", 2},
	} {
		for _, crlf := range []bool{false, true} {
			log := c.log
			if crlf {
				log = strings.ReplaceAll(log, "\n", "\r\n")
			}
			buf := []byte(log)
			lines := bytes.SplitAfter(buf, []byte("\n"))
			head := 0
			for _, l := range lines[:len(lines)-2] { // the last element is empty
				head += len(l)
			}
			h := head + 2 // a hit inside the head line
			got, _ := recordStart(buf, h, 0)
			if want := len(bytes.Join(lines[:c.want], nil)); got != want {
				t.Errorf("%s (crlf %v): record starts at byte %d (%q), want %d", c.name, crlf, got, firstLine(buf[got:]), want)
			}
		}
	}
}

func TestUrllib3Failed(t *testing.T) {
	for l, want := range map[string]bool{
		`https://login.microsoftonline.com:443 "POST /t/oauth2/v2.0/token HTTP/1.1" 401 675`: true,
		`https://login.microsoftonline.com:443 "POST /t/oauth2/v2.0/token HTTP/1.1" 503 0`:   true,
		`https://h:443 "GET /x HTTP/1.1" 400 None`:                                           true,
		`https://h:443 "GET /x HTTP/1.1" 200 1753`:                                           false,
		`"POST /readyz HTTP/1.1" 500 16417 "-" "kube-probe/1.29" 1.432`:                      false,
		`"GET /x HTTP/1.1" 4011 5`:                                                           false,
		`status 401 675`:                                                                     false,
		`" 401 675`:                                                                          false,
	} {
		if got := urllib3Failed([]byte(l)); got != want {
			t.Errorf("urllib3Failed(%q) = %v, want %v", l, got, want)
		}
	}
}

func TestTenantFromAuthority(t *testing.T) {
	for text, want := range map[string]string{
		"authority: 'https://login.microsoftonline.com/8d1e2f3a-4b5c-4d6e-9f70-81a2b3c4d5e6',":                    "8d1e2f3a-4b5c-4d6e-9f70-81a2b3c4d5e6",
		"endpoints from: https://login.microsoftonline.com/b6a1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d/v2.0/.well-known": "b6a1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d",
		"https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token":                             "contoso.onmicrosoft.com",
		"https://login.microsoftonline.us/organizations/oauth2/v2.0/authorize":                                    "organizations",
		"https://login.microsoftonline.com/common/discovery/instance?api-version=1.1":                             "",
		"See https://login.microsoftonline.com/error?code=7000215":                                                "",
		"https://login.microsoftonline.com/your_tenant":                                                           "",
		"https://login.microsoftonline.com/{tenant}/oauth2":                                                       "",
		"https://notlogin.microsoftonline.com/8d1e2f3a-4b5c-4d6e-9f70-81a2b3c4d5e6":                               "",
		"https://login.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47":                                          "72f988bf-86f1-41af-91ab-2d7cd011db47",
	} {
		if got := tenantFromAuthority(text); got != want {
			t.Errorf("tenantFromAuthority(%q) = %q, want %q", text, got, want)
		}
	}
}

func TestMsalLogCorrelation(t *testing.T) {
	for text, want := range map[string]string{
		"False MSAL 4.56.0.0 MSAL.Desktop 4.8 or later Windows Server 2016 Standard [2024-03-19 15:54:38Z - 550bdc97-571e-4fed-a4bb-11f39d67f3b1] Exception type": "550bdc97-571e-4fed-a4bb-11f39d67f3b1",
		"(False) MSAL 2.3.1.0 MSAL.Xamarin.Android 22 [11/04/2018 21:32:46 - 1068f1c4-cf72-4d1f-8a63-51f40748a7c8] Exception":                                     "1068f1c4-cf72-4d1f-8a63-51f40748a7c8",
		"MSAL 4.56.0.0 [2024-03-19 15:54:38Z - not-a-guid] x":                  "",
		"MSAL Node [2024-03-19 - 550bdc97-571e-4fed-a4bb-11f39d67f3b1]":        "",
		"MSAL 4.56.0.0 no bracket\n[x - 550bdc97-571e-4fed-a4bb-11f39d67f3b1]": "",
	} {
		if got := msalLogCorrelation(text); got != want {
			t.Errorf("msalLogCorrelation(%q) = %q, want %q", text, got, want)
		}
	}
}

func TestHeadlessChain(t *testing.T) {
	java := "ERROR RetryPolicy - {\"exception\":\"EnvironmentCredential authentication unavailable. Environment variables are not fully configured.\n" +
		"Managed Identity authentication is not available.\n" +
		"SharedTokenCacheCredential authentication unavailable. No accounts were found in the cache.\n" +
		"Azure PowerShell authentication failed using defaultpowershell(pwsh) with following error: Unable to execute PowerShell.\n" +
		"Azure PowerShell authentication failed using powershell-core(powershell) with following error: Az.Account module with version >= 2.2.0 is not installed.\"}"
	var got []string
	for _, m := range headlessChain(java) {
		got = append(got, m.Credential)
	}
	if want := "EnvironmentCredential ManagedIdentityCredential SharedTokenCacheCredential AzurePowerShellCredential"; strings.Join(got, " ") != want {
		t.Errorf("headlessChain = %v, want %s", got, want)
	}
	for _, text := range []string{
		// Two members are not a chain's error.
		"EnvironmentCredential authentication unavailable.\nManaged Identity authentication is not available.\n",
		// Messages that do not start with their member.
		"- EnvironmentCredential authentication unavailable.\n- ManagedIdentityCredential authentication unavailable.\n- AzureCliCredential authentication unavailable.\n",
		"error: the service is unavailable\nretrying: the service is unavailable\nfailed: the service is unavailable\n",
	} {
		if m := headlessChain(text); m != nil {
			t.Errorf("headlessChain(%q) = %v, want none", text, m)
		}
	}
}

// TestRequestContext runs the scanner over @azure/identity's events around a
// token request that fails: the credential, tenant and client named by the
// events before the failure fill the finding, and a failure too far after
// them, or after another request, does not take them.
func TestRequestContext(t *testing.T) {
	const tenant = "8d1e2f3a-4b5c-4d6e-9f70-81a2b3c4d5e6"
	const client = "7e6d5c4b-3a29-4817-a6f5-e4d3c2b1a090"
	request := "azure:identity:info IdentityClient: sending token request to [https://login.microsoftonline.com/" + tenant + "/oauth2/v2.0/token?client_id=" + client + "]\n" +
		"azure:core-rest-pipeline:info Request: {\n  \"url\": \"https://login.microsoftonline.com/" + tenant + "/oauth2/v2.0/token\",\n  \"withCredentials\": false\n}\n"
	failure := "azure:identity:warning IdentityClient: authentication error. HTTP status: 401, AADSTS7000215: Invalid client secret provided.\n"
	scan := func(log string) []*Finding {
		s := NewScanner(strings.NewReader(log), "t", Options{})
		var out []*Finding
		for s.Scan() {
			f := *s.Finding()
			out = append(out, &f)
		}
		return out
	}
	f := scan(request + failure)
	if len(f) != 1 || f[0].TenantID != tenant || f[0].ClientID != client {
		t.Fatalf("after the request: %d findings, %+v", len(f), f)
	}
	far := request + strings.Repeat("noise\n", mergeGap+5) + failure
	if f := scan(far); len(f) != 1 || f[0].TenantID != "" || f[0].ClientID != "" {
		t.Errorf("far after the request: %+v", f[0])
	}
	other := request + "azure:core-rest-pipeline:info Request: {\n  \"url\": \"https://login.microsoftonline.com/b6a1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d/oauth2/v2.0/token\",\n  \"withCredentials\": false\n}\n" + failure
	if f := scan(other); len(f) != 1 || f[0].TenantID != "b6a1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d" || f[0].ClientID != "" {
		t.Errorf("after another request: %+v", f[0])
	}
}
