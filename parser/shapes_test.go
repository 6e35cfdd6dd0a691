package parser

import (
	"strings"
	"testing"
)

// Unit tests of the recognizers of log shapes and document shapes added for
// the corpus's sixth batch: each takes a short table of lines it must accept
// and lines it must not.

func TestRelativeTime(t *testing.T) {
	for _, c := range []struct {
		l    string
		rest string // what stripLine leaves; "" when the line is kept whole
	}{
		{"today at 12:29:34 PMDefaultAzureCredential failed", "DefaultAzureCredential failed"},
		{"today at 12:29:29 PM19:29:29 [DEBUG] [sender:55] sent", "19:29:29 [DEBUG] [sender:55] sent"},
		{"today at 9:05:01 AM\tEnvironmentCredential: unavailable", "\tEnvironmentCredential: unavailable"},
		{"yesterday at 11:59:59 PM Attempted credentials:", "Attempted credentials:"},
		{"today at 12:29 PM only minutes", ""},
		{"today at noon the token expired", ""},
		{"today at 12:29:34 XM not a meridiem", ""},
		{"time=\"2024-10-25T01:04:17Z\" level=error", ""},
		{"tomorrow at 12:29:34 PM not a viewer", ""},
	} {
		got := string(stripLine([]byte(c.l)))
		want := c.rest
		if want == "" {
			want = c.l
		}
		if got != want {
			t.Errorf("stripLine(%q) = %q, want %q", c.l, got, want)
		}
	}
}

func TestUnfoldYAML(t *testing.T) {
	folded := "  status:\n" +
		"    reason: 'adal: Refresh request failed. Status Code\n" +
		"      = ''400''. Response body: {\"error_description\":\"AADSTS70021: No matching\\r\\nTrace\n" +
		"      ID: d2d74827-6f99-4d1a-91ac-60e82a8b4a01\"}'\n" +
		"    state: pending\n"
	got := unfoldYAML(folded)
	if !strings.Contains(got, `Status Code = '400'. Response`) || !strings.Contains(got, `\r\nTrace ID: d2d74827`) ||
		!strings.Contains(got, "\n    state: pending") {
		t.Errorf("unfoldYAML did not join the folded value:\n%s", got)
	}
	for _, s := range []string{
		"    reason: 'closed on its line'\n      next: line\n",               // closed
		"    message: 'it''s closed'\n    other: x\n",                        // a doubled quote, closed
		"    reason: 'open at the end\n    sibling: not deeper\n",            // the next line is not deeper
		"ERROR: AADSTS50076: access 'abc' denied\n  at frame\n",              // not a key
		"Error: Client credential: 'x\n      deeper but its key has a space", // "Error: Client credential"
	} {
		if got := unfoldYAML(s); got != s {
			t.Errorf("unfoldYAML changed %q into %q", s, got)
		}
	}
}

func TestTestCode(t *testing.T) {
	for _, s := range []string{
		"+            catch (Exception ex)\n+            {\n+                Assert.AreEqual(ex.Message, \"AADSTS90014: The request body must contain 'client_id'.\\r\\nTrace ID: 290d2ab9-40f2-4716-92e2-4a72fc480000\");\n+                return;\n+            }\n+            Assert.Fail();",
		"+    assert.deepEqual(\n+      error.message,\n+      `ChainedTokenCredential authentication failed.\n+CredentialUnavailableError: unavailable.`\n+    );",
		"    with pytest.raises(ClientAuthenticationError):\n        credential.get_token(scope)\n    assert \"AADSTS7000215\" in str(excinfo.value)",
		"expect(err.message).toContain(\"AADSTS700016\");",
	} {
		if !testCode(s) {
			t.Errorf("testCode(%q) = false, want true", s)
		}
	}
	for _, s := range []string{
		// A log: the failure is not in code.
		"azure.core.exceptions.ClientAuthenticationError: Authentication failed: AADSTS7000215: Invalid client secret provided.",
		// pytest's report of a failed test: the "E" lines are the error.
		">       assert resp.ok\nE       azure.core.exceptions.ClientAuthenticationError: DefaultAzureCredential failed to retrieve a token from the included credentials.",
		// An assertion, but the failure is a log line after it.
		"Assert.IsTrue(ok);\nAADSTS50076: Due to a configuration change made by your administrator, you must use multi-factor authentication.",
		// Code without any assertion.
		"catch (Exception ex)\n{\n    throw new Exception(\"AADSTS50076\");\n}",
	} {
		if testCode(s) {
			t.Errorf("testCode(%q) = true, want false", s)
		}
	}
}

func TestVersionHeading(t *testing.T) {
	for _, h := range []string{"1.18.0 (2026-02-25)", "[0.0.6] - 2023-10-13", "v1.6.0", "1.18.0-beta.3 (2026-02-20)", "1.16.0-beta.1 (Unreleased)", "4.13.0"} {
		if !versionHeading([]byte(h)) {
			t.Errorf("versionHeading(%q) = false, want true", h)
		}
	}
	for _, h := range []string{"Error Message", "Describe the bug", "2. Steps", "1 failing test", "v2 of the API", "10.0.22631 build notes", "Release notes", "2024", "v2"} {
		if versionHeading([]byte(h)) {
			t.Errorf("versionHeading(%q) = true, want false", h)
		}
	}
}

func TestReleaseNotesRecords(t *testing.T) {
	notes := "## [0.0.6] - 2023-10-13\n\n### Fixed\n\n- Flow was broken with message 'AADSTS50027: JWT token is invalid or malformed'.\n\n### Added\n\n- Docs\n"
	h := strings.Index(notes, "AADSTS")
	start, _ := recordStart([]byte(notes), h, 0)
	if got := notes[start : strings.IndexByte(notes[start:], '\n')+start]; got != "### Fixed" {
		t.Errorf("release notes: record starts at %q, want the section heading", got)
	}
	sub := "# Breaking Changes\n\n## v1.6.0\n\n### Behavioral change to `DefaultAzureCredential`\n\nIt sends its first request to IMDS without the header.\nThis error response can appear in logs.\n\n## v1.5.0\n"
	p := strings.Index(sub, "### Behavioral")
	end, _, _ := recordEnd([]byte(sub), p, p, false, true)
	if got := sub[p:end]; !strings.HasSuffix(got, "appear in logs.\n\n") {
		t.Errorf("a release's subsection: record %q, want it up to the next heading", got)
	}
	// An issue form's heading is not release notes: the record starts at
	// the error.
	form := "### Error Message\n\n- AADSTS7000215: Invalid client secret provided.\n"
	h = strings.Index(form, "- AADSTS")
	if start, _ := recordStart([]byte(form), h, 0); start != h {
		t.Errorf("issue form: record starts at %d, want %d", start, h)
	}
	// Nor is a subsection whose heading above is not a version.
	doc := "## Troubleshooting\n\n### Client secret\n\nYou see AADSTS7000215: Invalid client secret provided.\n"
	p = strings.Index(doc, "### Client")
	if end, _, _ := recordEnd([]byte(doc), p, p, false, true); end != p+len("### Client secret\n") {
		t.Errorf("a document's subsection went on past its heading: %q", doc[p:end])
	}
}

func TestMsalJSErrorCode(t *testing.T) {
	for _, c := range []struct{ t, want string }{
		{"ClientAuthError: invalid_client_credential: Client credential (secret, certificate, or assertion) must not be empty", "invalid_client_credential"},
		{"Uncaught (in promise) BrowserAuthError: interaction_in_progress: Interaction is currently in progress.", "interaction_in_progress"},
		{"Detail: ClientAuthError: openid_config_error: Could not retrieve endpoints.", "openid_config_error"},
		{"AggregateAuthenticationError: ChainedTokenCredential authentication failed.", ""},
		{"ClientAuthError: Unexpected error: something", ""},
		{"ServerError: invalid client: no code", ""},
	} {
		if got := msalJSErrorCode(c.t); got != c.want {
			t.Errorf("msalJSErrorCode(%q) = %q, want %q", c.t, got, c.want)
		}
	}
}

func TestUnwrapLines(t *testing.T) {
	wrappedText := "        SharedTokenCacheCredential: SharedTokenCacheCredential authentication unavailable. No accounts were found in the\ncache.\n        AzureCliCredential: failed"
	if got := unwrapLines(wrappedText); !strings.Contains(got, "No accounts were found in the cache.") {
		t.Errorf("unwrapLines did not join the wrapped line: %q", got)
	}
	for _, s := range []string{
		"short line\ncache.",
		"2024-01-01 ERROR something failed at the end of a long enough line of a log that is a record\n2024-01-01 INFO next record",
		"DefaultAzureCredential failed to retrieve a token from the included credentials.\nAttempted credentials:",
	} {
		if got := unwrapLines(s); got != s {
			t.Errorf("unwrapLines(%q) = %q, want it unchanged", s, got)
		}
	}
}

func TestHeadlessChainUnnamedMember(t *testing.T) {
	text := "com.azure.identity.CredentialUnavailableException: EnvironmentCredential authentication unavailable. Environment variables are not fully configured.\n" +
		"Managed Identity authentication is not available.\n" +
		"SharedTokenCacheCredential authentication unavailable. No accounts were found in the cache.\n" +
		"AADSTS50078: Presented multi-factor authentication has expired. Trace ID: 98afbd93-8e22-4607-ad59-3c10d8a44800\n" +
		"AzureCliCredential authentication unavailable. Azure CLI not installed."
	chain := headlessChain(text)
	var names []string
	for _, e := range chain {
		names = append(names, e.Credential)
	}
	if got := strings.Join(names, ","); got != "EnvironmentCredential,ManagedIdentityCredential,SharedTokenCacheCredential,,AzureCliCredential" {
		t.Fatalf("chain = %q", got)
	}
	if len(chain[3].AADSTS) != 1 || chain[3].AADSTS[0] != "50078" {
		t.Errorf("the unnamed member's codes = %v", chain[3].AADSTS)
	}
	// An AADSTS line before any member is no member.
	if c := headlessChain("AADSTS50078: expired.\nEnvironmentCredential authentication unavailable.\nManaged Identity authentication is not available."); len(c) != 0 {
		t.Errorf("chain = %v, want none (two members)", c)
	}
}

// Unit tests of the seventh batch's recognizers.

// TestChainMovedOn: a chain member's quiet "unavailable" is dropped when the
// SDK's log then shows the chain trying another credential and nothing fails
// after it; it stays a finding when the log shows no such step, when the
// step names the same credential, or when the member's failure is more than
// "unavailable".
func TestChainMovedOn(t *testing.T) {
	const envUnavailable = "[Informational] Azure-Identity: EnvironmentCredential.GetToken was unable to retrieve an access token. Scopes: [ https://vault.azure.net/.default ] ParentRequestId: 1 Exception: Azure.Identity.CredentialUnavailableException (0x80131500): EnvironmentCredential authentication unavailable. Environment variables are not fully configured.\n"
	for _, c := range []struct {
		log  string
		want int
	}{
		{envUnavailable + "[Informational] Azure-Identity: ManagedIdentityCredential.GetToken invoked. Scopes: [ https://vault.azure.net/.default ] ParentRequestId: 1\n", 0},
		{"azure:identity:info EnvironmentCredential => getToken() => ERROR: EnvironmentCredential is unavailable. Environment variables are not fully configured.\n" +
			"azure:identity:info ManagedIdentityCredential => Using the endpoint and the secret coming form the environment variables: MSI_ENDPOINT=http://172.16.2.6:8081/msi/token and MSI_SECRET=[REDACTED].\n", 0},
		{envUnavailable, 1}, // no step after it: the log's end may be the chain's
		{envUnavailable + "[Informational] Azure-Identity: EnvironmentCredential.GetToken invoked. Scopes: [ https://vault.azure.net/.default ] ParentRequestId: 2\n", 1},  // the same credential again
		{envUnavailable + "some application line that names ManagedIdentityCredential\n", 1},                                                                               // not an SDK event
		{envUnavailable + "[Informational] Azure-Identity: DefaultAzureCredential.GetToken invoked. Scopes: [ https://vault.azure.net/.default ] ParentRequestId: 2\n", 1}, // the chain itself, not a member
		{"[Informational] Azure-Identity: ClientSecretCredential.GetToken was unable to retrieve an access token. Exception: Azure.Identity.AuthenticationFailedException: ClientSecretCredential authentication failed: AADSTS7000215: Invalid client secret provided.\n" +
			"[Informational] Azure-Identity: ManagedIdentityCredential.GetToken invoked. Scopes: [ https://vault.azure.net/.default ] ParentRequestId: 1\n", 1}, // failed, not unavailable
	} {
		s := NewScanner(strings.NewReader(c.log), "t.log", Options{})
		n := 0
		for s.Scan() {
			n++
		}
		if n != c.want {
			t.Errorf("%d findings, want %d, in:\n%s", n, c.want, c.log)
		}
	}
	for _, m := range []string{
		"EnvironmentCredential authentication unavailable. Environment variables are not fully configured.",
		"Azure.Identity.CredentialUnavailableException (0x80131500): no endpoint",
		"EnvironmentCredential => getToken() => ERROR: EnvironmentCredential is unavailable.",
	} {
		if !reportsUnavailable(m) {
			t.Errorf("reportsUnavailable(%q) = false", m)
		}
	}
	for _, m := range []string{
		"ClientSecretCredential authentication failed: AADSTS7000215: Invalid client secret provided.",
		"ManagedIdentityCredential authentication failed: Retry failed after 4 tries.",
		"ManagedIdentityCredential authentication failed: 503 Service Unavailable", // a server error, not a missing configuration
	} {
		if reportsUnavailable(m) {
			t.Errorf("reportsUnavailable(%q) = true", m)
		}
	}
}

// TestMemberNameVSCode: Azure.Identity (.NET) 1.3-1.5 names VS Code
// "VSCode" in VisualStudioCodeCredential's message.
func TestMemberNameVSCode(t *testing.T) {
	for _, c := range []struct{ msg, want string }{
		{"Stored credentials not found. Need to authenticate user in VSCode Azure Account.", "VisualStudioCodeCredential"},
		{"Failed to read Vs Code credentials from Linux Key Ring.", "VisualStudioCodeCredential"},
		{"Visual Studio Token provider can't be accessed at ***tokenprovider.json", "VisualStudioCredential"},
		{"Please run 'az login' to set up account", "AzureCliCredential"},
	} {
		if got := memberName(c.msg); got != c.want {
			t.Errorf("memberName(%q) = %q, want %q", c.msg, got, c.want)
		}
	}
}

// Recognizers added for the corpus's eighth batch.

// TestBareCodesInAppLogs: an application's own log line that reports a
// failure with a bare code (no "AADSTS<n>: description" after it, no trace
// ID) is a failure. A rule that took such codes for names in prose (it made
// four prose negatives pass) dropped all of these, so it was removed; the
// prose cases are known gaps.
func TestBareCodesInAppLogs(t *testing.T) {
	for _, c := range []struct{ line, code string }{
		{"2024-05-01T10:00:00Z ERROR auth failed error_code=AADSTS50126 user=bob", "AADSTS50126"},
		{`{"level":"error","ts":"2024-05-01T10:00:01Z","msg":"token request failed","error":"AADSTS700016"}`, "AADSTS700016"},
		{"2024-05-01 10:00:02 ERROR: Login failed with AADSTS50076 (MFA required)", "AADSTS50076"},
		{"[ERROR] MsalServiceException: AADSTS50126", "AADSTS50126"},
		{"ClientSecretCredential authentication failed: AADSTS7000215 Invalid client secret provided", "AADSTS7000215"},
	} {
		s := NewScanner(strings.NewReader(c.line+"\n"), "app.log", Options{})
		var codes []string
		for s.Scan() {
			codes = append(codes, s.Finding().Code())
		}
		if len(codes) != 1 || codes[0] != c.code {
			t.Errorf("%q: findings %v, want one %s", c.line, codes, c.code)
		}
	}
}

func TestConditionalAdvice(t *testing.T) {
	for _, c := range []struct {
		head string
		want bool
	}{
		{":heavy_exclamation_mark: :heavy_exclamation_mark:**If you are encountering `ERROR: AADSTS700024: x`, here are", true},
		{"> If the error happens after approximately 1 hour, use a service connection with Managed Identity", true},
		{"- If you see ManagedIdentityCredential authentication unavailable, check the pod", true},
		{"**If** the token expired, run az login", false}, // "If" is not followed by a space after the markup
		{"ERROR: If-Match header invalid for ManagedIdentityCredential", false},
		{"2024-01-01 ERROR If the IMDS endpoint is unreachable the credential fails", false},
		{"Iframe auth failed: AADSTS50058", false},
		{":not an emoji because of spaces: If x", false},
	} {
		if got := conditionalAdvice(c.head); got != c.want {
			t.Errorf("conditionalAdvice(%q) = %v, want %v", c.head, got, c.want)
		}
	}
	// As an example intro, it needs the colon that opens the sample.
	if !isExampleIntro("If MFA is required for the user, the above command fails with the following error message:") {
		t.Error("isExampleIntro rejected a conditional that introduces a sample")
	}
	if isExampleIntro("If MFA is required for the user, the above command fails.") {
		t.Error("isExampleIntro accepted a conditional without a colon")
	}
}

func TestStatusBeforeBody(t *testing.T) {
	for _, c := range []struct {
		t    string
		want int
	}{
		{"400: `b'{\"error\":\"invalid_grant\",\"error_description\":\"AADSTS700082: x", 400},
		{"request failed\n401: {\"error\":\"invalid_client\"}", 401},
		{`403: b"{\"error\": {\"code\": \"AuthorizationFailed\"}}"`, 403},
		{"400: Bad Request", 0},                                     // no body
		{"200: {\"error\":null}", 0},                                // not a failure
		{"line 400: {\"error\":\"x\"}", 0},                          // not at a line's start
		{"4000: {\"error\":\"x\"}", 0},                              // not a status
		{"404: {\"value\":[{\"name\":\"a\"},{\"name\":\"b\"}]}", 0}, // a body without an error near its start
	} {
		if got := statusBeforeBody(c.t); got != c.want {
			t.Errorf("statusBeforeBody(%q) = %d, want %d", c.t, got, c.want)
		}
	}
}

func TestIDPrefersGUID(t *testing.T) {
	msg := `Trace ID: cccc-cccccc-ccccc-ccc\r\nCorrelation ID: 7dddddd-dddd-ddddd-dddd\r\n","trace_id":"85b6b9fa-9664-4f28-86c7-f109cda89c00","correlation_id":"749be7b6-a551-44b2-9db3-83eb617c3303"}`
	if got := idAfter(msg, false, correlationLabels); got != "749be7b6-a551-44b2-9db3-83eb617c3303" {
		t.Errorf("correlation = %q, want the GUID of the body", got)
	}
	if got := idAfter("Correlation ID: 7dddddd-dddd-ddddd-dddd", false, correlationLabels); got != "7dddddd-dddd-ddddd-dddd" {
		t.Errorf("correlation = %q, want the only ID given", got)
	}
	enc := "Trace+ID:+981bb338-e650-4a8f-be17-b9485e5e3b00\nCorrelation+ID:+8b19818c-fac5-48f8-a2f1-010e4f69419d"
	if got := idAfter(enc, false, traceLabels); got != "981bb338-e650-4a8f-be17-b9485e5e3b00" {
		t.Errorf("form-encoded trace = %q", got)
	}
	if !isContinuation([]byte("Trace+ID:+981bb338-e650-4a8f-be17-b9485e5e3b00")) {
		t.Error("a form-encoded Trace ID line does not continue its record")
	}
}

func TestSignInDetailsStart(t *testing.T) {
	for _, c := range []struct {
		text string
		want string // the line the record starts at; "" when it stays at Message
	}{
		{"Request Id:  0d6c \n \nCorrelation Id:  3a5f \n\nTimestamp:  2024-04-01T18:01:26Z \n \nMessage:  AADSTS7000112: x", "Request Id:  0d6c "},
		{"Correlation Id: 3a5f\n\nMessage: AADSTS50020: x", "Correlation Id: 3a5f"},
		{"some prose line\n\nMessage: AADSTS50020: x", ""},
		{"Request Id: 1\nprose between\n\nMessage: AADSTS50020: x", ""},
	} {
		m := strings.Index(c.text, "Message:")
		got := signInDetailsStart([]byte(c.text), m, 0)
		if c.want == "" {
			if got >= 0 {
				t.Errorf("signInDetailsStart(%q) = %d, want -1", c.text, got)
			}
			continue
		}
		if got < 0 || !strings.HasPrefix(c.text[got:], c.want) {
			t.Errorf("signInDetailsStart(%q) = %d, want the start of %q", c.text, got, c.want)
		}
	}
}

// Batch 9: third-party tools' logs.

func TestCodeAtSentenceEnd(t *testing.T) {
	for _, c := range []struct {
		t, want string
	}{
		{"Azure Log Analytics: Unauthorized: AuthorizationRequiredError. Valid authentication was not provided", "AuthorizationRequiredError"},
		{"ERROR: AuthorizationFailed.", "AuthorizationFailed"},
		{"got AuthorizationFailed.\nnext line", "AuthorizationFailed"},
		{"see docs/AuthorizationFailed.md for details", ""},
		{"AuthorizationFailed.Scope is a property", ""},
	} {
		if got := errorCode(c.t); got != c.want {
			t.Errorf("errorCode(%q) = %q, want %q", c.t, got, c.want)
		}
	}
}

func TestRefusedStatusOverridesSuccess(t *testing.T) {
	for _, c := range []struct {
		head string
		want strength
	}{
		{"1. Successfully queried the Azure Monitor service. 2. Azure Log Analytics: Unauthorized: AuthorizationRequiredError. Valid authentication was not provided", strong},
		{"Successfully queried Key Vault after a Forbidden error", strong},
		{"Successfully acquired a token, no error", success},
	} {
		if got := classify(c.head, c.head, 0, false); got != c.want {
			t.Errorf("classify(%q) = %d, want %d", c.head, got, c.want)
		}
	}
}

func TestHTTPErrorStatus(t *testing.T) {
	for _, c := range []struct {
		t    string
		want int
	}{
		{"java.util.concurrent.ExecutionException: HTTP Error 401; url='https://login.microsoftonline.com/x/oauth2/token' AADToken: HTTP connection failed", 401},
		{"<hr><p>HTTP Error 400. The request is badly formed.</p>", 400},
		{"HTTP Error handling was improved in 2.0", 0},
	} {
		if got := httpStatus(c.t); got != c.want {
			t.Errorf("httpStatus(%q) = %d, want %d", c.t, got, c.want)
		}
	}
}

func TestStorageMessageContinuation(t *testing.T) {
	for _, c := range []struct {
		l    string
		want bool
	}{
		{"RequestId:10899e39-a01e-0156-2d39-d4b271000000", true},
		{"Time:2022-09-29T19:27:03.3840337Z", true},
		{"Time: spent 3s", false},
		{"Timeout waiting for the token", false},
	} {
		if got := isContinuation([]byte(c.l)); got != c.want {
			t.Errorf("isContinuation(%q) = %v, want %v", c.l, got, c.want)
		}
	}
}

func TestTenantFromURLPlaceholders(t *testing.T) {
	for _, c := range []struct{ u, want string }{
		{"https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/token", "72f988bf-86f1-41af-91ab-2d7cd011db47"},
		{"https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token", "contoso.onmicrosoft.com"},
		{"https://login.microsoftonline.com/common/oauth2/v2.0/token", "common"},
		{"https://login.microsoftonline.com/{tenant_id}/oauth2/token", ""},
		{"https://login.microsoftonline.com/xxx-xxx-xxx-xx-xxx/oauth2/token", ""},
		{"https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token", ""},
		{"https://login.microsoftonline.com/%7B{Tenant-ID]%7D/oauth2/token", ""},
	} {
		if got := tenantFromURL(c.u); got != c.want {
			t.Errorf("tenantFromURL(%q) = %q, want %q", c.u, got, c.want)
		}
	}
}

// TestTenantBeforeDirectory: AADSTS50034 names the tenant unquoted between
// "in the" and "directory"; only a GUID or a domain there is a tenant.
func TestTenantBeforeDirectory(t *testing.T) {
	for _, c := range []struct{ t, want string }{
		{"AADSTS50034: The user account {EmailHidden} does not exist in the 667d9ece-a83f-49d2-9b96-722ed643c25f directory. To sign into", "667d9ece-a83f-49d2-9b96-722ed643c25f"},
		{"AADSTS50034: The user account bob@contoso.com does not exist in the contoso.onmicrosoft.com directory.", "contoso.onmicrosoft.com"},
		{"does not exist in the Default Directory directory.", ""},
		{"does not exist in the Default directory.", ""},
		{"does not exist in the Facade directory.", ""},
		{"was not found in the directory 'Contoso'.", ""},
		{"the account must be added to the directory.", ""},
		{"copied 667d9ece-a83f-49d2-9b96-722ed643c25f directory listing", ""},
		{"in the xxxx-xxxx directory", ""},
	} {
		if got := tenantBeforeDirectory(c.t); got != c.want {
			t.Errorf("tenantBeforeDirectory(%q) = %q, want %q", c.t, got, c.want)
		}
	}
}

// TestClientOfReplyURLMismatch: AADSTS50011 names the application whose
// reply URLs did not match, with or without a colon.
func TestClientOfReplyURLMismatch(t *testing.T) {
	for _, c := range []struct{ t, want string }{
		{"AADSTS50011: The reply URL specified in the request does not match the reply URLs configured for the application: 'fb78d390-0c51-40cd-8e17-fdbfab77341b'.", "fb78d390-0c51-40cd-8e17-fdbfab77341b"},
		{"AADSTS50011: The redirect URI 'http://localhost:3000' specified in the request does not match the redirect URIs configured for the application '3c3a2f7e-1b5d-4e8a-9f0c-2d4b6a8c0e1f'.", "3c3a2f7e-1b5d-4e8a-9f0c-2d4b6a8c0e1f"},
		{"does not match the reply URLs configured for the application: '<client-id>'.", ""},
		{"the redirect URIs configured for the application in the portal", ""},
	} {
		if got := idAfter(c.t, false, clientLabels); got != c.want {
			t.Errorf("client of %q = %q, want %q", c.t, got, c.want)
		}
	}
}

// TestGuessSDKV8Frames: a Node or browser stack names anonymous functions
// "<anonymous>", which .NET's frames (same "   at " indent) never do.
func TestGuessSDKV8Frames(t *testing.T) {
	for _, c := range []struct{ t, want string }{
		{"LoginCacheError: Failed to get login account token from cache\n    at TeamsFxTokenCredential.<anonymous> (<REDACTED: user-file-path>:14:4224642)\n    at Generator.throw (<anonymous>)", "js"},
		{"Error: Forbidden\n    at IncomingMessage.<anonymous> (/app/node_modules/superagent/lib/node/parsers/json.js:16:7)", "js"},
		{"System.Exception: failed\n   at Azure.Core.Pipeline.HttpPipeline.<SendAsync>d__12.MoveNext()", "dotnet"},
		{"Unhandled exception\n   at Program.<Main>b__0_0(String s) in C:\\src\\Program.cs:line 12", "dotnet"},
	} {
		if got := guessSDK(c.t); got != c.want {
			t.Errorf("guessSDK(%q) = %q, want %q", c.t, got, c.want)
		}
	}
}

// TestPipelinesCommandsAreNoHeadings: Azure Pipelines' logging commands
// begin with "##" as markdown headings do, but are log lines.
func TestPipelinesCommandsAreNoHeadings(t *testing.T) {
	for _, c := range []struct {
		l    string
		want bool
	}{
		{"##[warning]Unable to acquire token for tenant 'Common'", false},
		{"##[error]AADSTS7000215: Invalid client secret provided.", false},
		{"##vso[task.logissue type=error]AADSTS700016: Application with identifier", false},
		{"##**[error]ClientSecretCredential: tenantId, clientId, and clientSecret are required parameters**.", false},
		{"## AADSTS7000215", true},
		{"## **AADSTS7000215**", true},
		{"### Error Message", true},
		{"+## Finding Relevant Information in Error Messages", true},
	} {
		if got := isDocLine(c.l); got != c.want {
			t.Errorf("isDocLine(%q) = %v, want %v", c.l, got, c.want)
		}
	}
}

func TestPowerShellErrorRecord(t *testing.T) {
	for _, c := range []struct {
		l    string
		want bool
	}{
		{"Apply-PnPProvisioningTemplate : AADSTS900382: Confidential Client is not supported in Cross Cloud request", true},
		{"Get-AADLicenseSku : AADSTS900382: Confidential Client is not supported in Cross Cloud request.", true},
		{"  Connect-AzAccount : ClientSecretCredential authentication failed", true},
		{"Get-AzAccessToken2 : message", true},
		{"get-AzAccessToken : message", false},    // a verb is capitalized
		{"Get-azAccessToken : message", false},    // so is a noun
		{"Get-Az-AccessToken : message", false},   // one hyphen
		{"Note : AADSTS900382 is listed", false},  // no Verb-Noun
		{"Get-AzAccessToken: message", false},     // PowerShell pads the colon
		{"Get-AzAccessToken : ", false},           // no message
		{"The Get-AzAccessToken : cmdlet", false}, // not at the start
		{"AADSTS900382 : Confidential Client", false},
	} {
		if got := psErrorRecord(c.l); got != c.want {
			t.Errorf("psErrorRecord(%q) = %v, want %v", c.l, got, c.want)
		}
		if got := psErrorPrefix([]byte(c.l + "\nnext line")); got != c.want {
			t.Errorf("psErrorPrefix(%q) = %v, want %v", c.l, got, c.want)
		}
	}
	// A bare code's description with no failure word is a failure when
	// PowerShell printed it as an error record, a mention otherwise.
	for _, c := range []struct {
		head string
		want strength
	}{
		{"Apply-PnPProvisioningTemplate : AADSTS900382: Confidential Client is not supported in Cross Cloud request", strong},
		{"AADSTS900382: Confidential Client is not supported in Cross Cloud request", mention},
	} {
		if got := classify(c.head, c.head, 1, false); got != c.want {
			t.Errorf("classify(%q) = %d, want %d", c.head, got, c.want)
		}
	}
}
