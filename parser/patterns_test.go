package parser

import "testing"

// TestStripLineLinks: GitHub Actions' web-log links pasted inside a word are
// undone (their digits kept); links between words or to other hosts stay.
func TestStripLineLinks(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Error: : AADSTS700[21](https://github.com/o/r/actions/runs/1#step:5:21)1: No matching", "Error: : AADSTS700211: No matching"},
		{"Trace ID: 9[15](https://github.com/o/r/actions/runs/9/job/2#step:5:16)d52ba-4181", "Trace ID: 915d52ba-4181"},
		{"[19](https://github.com/o/r/actions/runs/1#step:2:20)\nnext", "[19](https://github.com/o/r/actions/runs/1#step:2:20)\nnext"},
		{"see [12](https://github.com/o/r) here", "see [12](https://github.com/o/r) here"},
		{"a[x](https://github.com/o/r)b", "a[x](https://github.com/o/r)b"},
		{"A[1](https://github.com/a)B and C[2](https://github.com/b)D", "A1B and C2D"},
	} {
		if got := stripLineLinks(c.in); got != c.want {
			t.Errorf("stripLineLinks(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestErrorCodeForms(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`autorest/azure: Service returned an error. Status=403 Code="Forbidden" Message="Access denied."`, "Forbidden"},
		{`Status=403 Code="Forbidden" Message="x" InnerError={"code":"ForbiddenByRbac"}`, "ForbiddenByRbac"},
		{`StatusCode="403"`, ""},
		{`"message": "Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly"`, "AuthenticationFailed"},
		{`The access token is from the wrong issuer 'https://sts.windows.net/x/'. It must match the tenant`, "InvalidAuthenticationTokenTenant"},
		{`Error type: ExpiredAuthenticationToken`, "ExpiredAuthenticationToken"},
		{`{'error': {'code': 'InvalidAuthenticationToken', 'message': 'CompactToken validation failed'}}`, "InvalidAuthenticationToken"},
	} {
		if got := errorCode(c.in); got != c.want {
			t.Errorf("errorCode(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestHTTPStatusByName(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int
	}{
		{"failed: [Managed Identity] ...\nStatus: BadRequest\nContent:", 400},
		{"Status: Unauthorized", 401},
		{"Status: BadRequestSomething", 0},
		{"Status: 403 (Forbidden)", 403},
	} {
		if got := httpStatus(c.in); got != c.want {
			t.Errorf("httpStatus(%q) = %d, want %d", c.in, got, c.want)
		}
	}
}

func TestOnlyBareAADSTS(t *testing.T) {
	for _, c := range []struct {
		in   string
		want bool
	}{
		{"take a look at the error page to find AADSTS error descriptions, fixes, and some suggested workarounds", true},
		{"AADSTS error: ClientSecretCredential authentication failed", false},
		{"nothing here", false},
	} {
		if got := onlyBareAADSTS(c.in); got != c.want {
			t.Errorf("onlyBareAADSTS(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

// TestRecordForms: records the new-case patterns make whole.
func TestRecordForms(t *testing.T) {
	for _, c := range []struct {
		name, log       string
		hit, start, end int // 0-based line numbers: of the hit, and of the record around it
	}{
		{"body after status code line",
			"FromAssertion(): http call(https://login.microsoftonline.com/t/oauth2/v2.0/token)(POST) error: reply status code was 401:\n" +
				`{"error":"invalid_client","error_description":"AADSTS70021: No matching federated identity record"}` + "\n", 1, 0, 1},
		{"JSON line after an unrelated colon",
			"Config:\n" + `{"error":"invalid_client","error_description":"AADSTS70021: x"}` + "\n", 1, 1, 1},
		{"traceback frames then the exception",
			"  File \"x.py\", line 1, in f\n    raise CredentialUnavailableError(message=m) from ex\n" +
				"azure.identity._exceptions.CredentialUnavailableError: ManagedIdentityCredential authentication unavailable.\nnext\n", 1, 0, 2},
	} {
		buf := []byte(c.log)
		lines := splitLines(buf)
		h := lines[c.hit]
		start, _ := recordStart(buf, h, 0)
		end, _, _ := recordEnd(buf, start, h, false, true)
		if start != lines[c.start] || end != lineAfter(buf, lines[c.end]) {
			t.Errorf("%s: record %q, want lines %d-%d", c.name, buf[start:end], c.start, c.end)
		}
	}
}

func splitLines(b []byte) []int {
	out := []int{0}
	for i, c := range b {
		if c == '\n' && i+1 < len(b) {
			out = append(out, i+1)
		}
	}
	return out
}

func lineAfter(b []byte, s int) int { return lineEnd(b, s) + 1 }

func TestHTTPStatusForms2(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int
	}{
		{"{\n  \"message\": \"Login failed\",\n  \"statusCode\": 401,\n", 401},
		{`source: Failed to get token, rsp_status = 401 Unauthorized, rsp_body = {}`, 401},
		{`400 Client Error: Bad Request for url: http://localhost:50342/oauth2/token`, 400},
		{`503 Server Error: Service Unavailable for url: http://x`, 503},
		{`"statusCode": 200,`, 0},
		{`Client Error: Bad Request`, 0},
	} {
		if got := httpStatus(c.in); got != c.want {
			t.Errorf("httpStatus(%q) = %d, want %d", c.in, got, c.want)
		}
	}
}

func TestLinePrefixes2(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`2024-11-13T09:02:15.569+0100 [DEBUG] provider.terraform-provider-azapi_v1.15.0.exe: RESPONSE 400 Bad Request`, "RESPONSE 400 Bad Request"},
		{`2024-11-13T09:02:15.569+0100 [DEBUG] provider.terraform-provider-azapi_v1.15.0.exe:   "error": "invalid_request",`, `  "error": "invalid_request",`},
		{`2024-11-13T09:02:15.569+0100 [DEBUG] provider.terraform-provider-azapi_v1.15.0.exe`, `2024-11-13T09:02:15.569+0100 [DEBUG] provider.terraform-provider-azapi_v1.15.0.exe`},
		{`2024-11-13T09:02:15.569+0100 [INFO] starting plugin: path=x`, `2024-11-13T09:02:15.569+0100 [INFO] starting plugin: path=x`},
		{`2023-10-31T13:16:24.4426289Z ##[error]boom`, "boom"},
	} {
		if got := string(stripPrefix([]byte(c.in))); got != c.want {
			t.Errorf("stripPrefix(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	for _, c := range []struct {
		in   string
		want bool
	}{
		{"cli/core/commands/__init__.py, ln 608, in execute", true},
		{"python3.6/site-packages/requests/models.py, ln 940, in raise_for_status", true},
		{"cli/core/commands/__init__.py, ln x, in execute", false},
		{"see main.py, line 4, in f", false},
	} {
		if got := isContinuation([]byte(c.in)); got != c.want {
			t.Errorf("isContinuation(%q) = %v, want %v", c.in, got, c.want)
		}
	}
	for _, c := range []struct {
		in   string
		want bool
	}{
		{"DefaultAzureCredential {", true},
		{"  VisualStudioCodeCredential {", true},
		{"DefaultAzureCredential: failed {", false},
		{"public class MyCredential {", false},
	} {
		if got := isCredentialObject(c.in); got != c.want {
			t.Errorf("isCredentialObject(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}
