package parser

import (
	"sort"
	"strings"
	"unsafe"
)

// signalPhrases map phrases of the SDKs' non-code failures to stable signal
// ids (the rules database matches on them). Checked in order; a phrase may
// require the credential context it is printed with.
var signalPhrases = []struct {
	phrase string
	signal string
}{
	{"managed identity timed out", "imds-unreachable"},
	{"IMDS token request timed out", "imds-unreachable"},
	{"no response from the IMDS endpoint", "imds-unreachable"},
	{"No response received from the managed identity endpoint", "imds-unreachable"},
	{"Connection to IMDS endpoint cannot be established", "imds-unreachable"},
	{"IMDS endpoint is not available", "imds-unreachable"},
	{"no managed identity endpoint found", "imds-unreachable"},
	{"No Managed Identity endpoint found", "imds-unreachable"},
	{"Multiple attempts failed to obtain a token from the managed identity endpoint", "imds-unreachable"},
	{"All Managed Identity sources are unavailable", "imds-unreachable"},
	{"MSI: Failed to acquire tokens after", "imds-unreachable"},
	{"was not detected", "imds-unreachable"},
	{"identity isn't assigned", "managed-identity-not-assigned"},
	{"identity has not been assigned", "managed-identity-not-assigned"},
	{"No identity has been assigned", "managed-identity-not-assigned"},
	{"no default identity is assigned", "managed-identity-not-assigned"},
	{"Identity not found", "managed-identity-not-assigned"},
	{"identity not found", "managed-identity-not-assigned"},
	{"failed to authenticate a system assigned identity", "managed-identity-not-assigned"},
	{"getting assigned identities for pod", "managed-identity-not-assigned"},
	{"there's no available identity", "managed-identity-not-assigned"},
	{"Attempted to use the IMDS endpoint, but it is not available", "imds-unreachable"},
	{"IMDS endpoint unavailable", "imds-unreachable"},
	{"IMDS endpoint is unavailable", "imds-unreachable"},
	{"No MSI credential available", "managed-identity-unavailable"},
	{"Managed Identity authentication is not available", "managed-identity-unavailable"},
	{"ManagedIdentityCredential authentication unavailable", "managed-identity-unavailable"},
	{"ManagedIdentityCredential is unavailable", "managed-identity-unavailable"},
	{"[Managed Identity] Authentication unavailable", "managed-identity-unavailable"},
	{"unexpected response to IMDS probe", "managed-identity-unexpected-response"},
	{"The error response was either empty or could not be parsed", "managed-identity-unexpected-response"},
	{"Azure CLI not found on path", "cli-not-found"},
	{"Azure CLI could not be found", "cli-not-found"},
	{"Azure CLI not installed", "cli-not-found"},
	{"'az' is not recognized", "cli-not-found"},
	{"az: command not found", "cli-not-found"},
	{"az: not found", "cli-not-found"},
	{`exec: "az": executable file not found`, "cli-not-found"}, // Go's os/exec, as Terraform's providers print it
	{"Azure Developer CLI not found", "azd-not-found"},
	{"Azure Developer CLI could not be found", "azd-not-found"},
	{"Azure Developer CLI couldn't be found", "azd-not-found"},
	{`exec: "azd": executable file not found`, "azd-not-found"},
	{"azd auth login", "azd-login-required"},
	{"multifactor authentication or additional claims", "cli-mfa-claims"},
	{"--claims-challenge", "cli-mfa-claims"},
	{"Please run 'az login'", "cli-login-required"},
	{"Please run \"az login\"", "cli-login-required"},
	{"please run 'az login'", "cli-login-required"},
	{"Please run: az login", "cli-login-required"},
	{"run 'az login'", "cli-login-required"},
	{"please run az login", "cli-login-required"},
	{"Please run az login", "cli-login-required"},
	{"To re-authenticate, please run", "cli-login-required"},
	{"Interactive authentication is needed. Please run", "cli-login-required"},
	{"Please explicitly log in with", "cli-login-required"},
	{"log-in with `az login`", "cli-login-required"}, // Terraform azurerm/go-azure-helpers: "... then log-in with `az login`."
	{"PowerShell is not installed", "powershell-not-found"},
	{"Unable to execute PowerShell", "powershell-not-found"},
	{`exec: "pwsh": executable file not found`, "powershell-not-found"},
	{"Az.Account module >= 2.2.0 is not installed", "powershell-module-missing"},
	{"Az.Accounts module", "powershell-module-missing"},
	{"Az.Account module with version", "powershell-module-missing"},
	{"run \"Connect-AzAccount\"", "powershell-login-required"},
	{"run 'Connect-AzAccount'", "powershell-login-required"},
	{"Run Connect-AzAccount", "powershell-login-required"},
	{"missing environment variable AZURE_", "environment-not-configured"},
	{"Environment variables are not fully configured", "environment-not-configured"},
	{"incomplete environment variable configuration", "environment-not-configured"},
	{"EnvironmentCredential is unavailable", "environment-not-configured"},
	{"no value for AZURE_", "environment-not-configured"},
	{"no client ID specified", "workload-identity-not-configured"},
	{"no token file specified", "workload-identity-not-configured"},
	{"no tenant ID specified", "workload-identity-not-configured"},
	{"workload options are not fully configured", "workload-identity-not-configured"},
	{"federatedTokenFilePath are required", "workload-identity-not-configured"},
	{"WorkloadIdentityCredential: is unavailable", "workload-identity-not-configured"},
	{"AZURE_FEDERATED_TOKEN_FILE", "token-file-missing"},
	{"SYSTEM_OIDCREQUESTURI", "pipelines-oidc-missing"},
	{"AdditionallyAllowedTenants", "tenant-not-allowed"},
	{"additionally_allowed_tenants", "tenant-not-allowed"},
	{"isn't configured to acquire tokens for tenant", "tenant-not-allowed"},
	{"invalid tenantID", "invalid-tenant-id"},
	{"Invalid tenant id provided", "invalid-tenant-id"},
	{"No accounts were found in the cache", "shared-token-cache-empty"},
	// (Not its every failure: "Token acquisition failed for user X" is a
	// silent request that needs the user, see interaction-required.)
	{"no accounts were found in the cache", "shared-token-cache-empty"}, // Azure.Identity 1.1
	{"Multiple accounts matching", "shared-token-cache-empty"},
	{"Multiple accounts were found in the cache", "shared-token-cache-empty"},
	{"Visual Studio Token provider", "visual-studio-unavailable"},
	{"Microsoft.Asal.TokenService", "visual-studio-unavailable"},
	{"VisualStudioCredential authentication unavailable", "visual-studio-unavailable"},
	{"VisualStudioCodeCredential", "visual-studio-unavailable"},
	{"Response_Status.Status_", "broker-error"},
	{"WAM Error", "broker-error"},
	{"AuthenticationRequiredError", "interaction-required"},
	{"interaction_required", "interaction-required"},
	{"MsalInteractionRequiredException", "interaction-required"}, // msal4j
	{"MsalUiRequiredException", "interaction-required"},          // MSAL.NET
	{"does not have authorization to perform action", "authorization-failed"},
	{"AuthorizationFailed", "authorization-failed"},
	{"does not have the required RBAC permissions", "authorization-failed"},     // Cosmos DB data plane
	{"not found on any access policy", "authorization-failed"},                  // Key Vault, access-policy mode
	{"does not have required RBAC permissions", "authorization-failed"},         // Cosmos DB data plane, substatus 5301
	{"cannot be authorized by AAD token", "authorization-failed"},               // Cosmos DB: a control-plane request sent to the data plane (5300)
	{"claim(s) are required to perform this operation", "authorization-failed"}, // Service Bus, Event Hubs: "'Send' claim(s) are required"
	{"connection refused", "network-error"},
	{"Connection refused", "network-error"},
	{"actively refused it", "network-error"}, // Windows: "No connection could be made because the target machine actively refused it"
	{"no such host", "network-error"},
	{"Failed to establish a new connection", "network-error"},
	{"ENOTFOUND", "network-error"},
	{"ECONNREFUSED", "network-error"},
	{"ETIMEDOUT", "network-error"},
	{"Name or service not known", "network-error"},
	{"i/o timeout", "network-error"},
	{"An error occurred while sending the request", "network-error"},
	{"TaskCanceledException", "network-error"},
	{"failed to read certificate file", "certificate-error"},
	{"Could not find certificate", "certificate-error"},
	{"unable to load certificate", "certificate-error"},
	{"authentication unavailable", "credential-unavailable"},
	{"CredentialUnavailableError", "credential-unavailable"},
	{"CredentialUnavailableException", "credential-unavailable"},
	{"is unavailable", "credential-unavailable"},
	{"credentialUnavailableError", "credential-unavailable"},
}

// signalSet finds signalPhrases in one pass.
var signalSet = func() *phraseSet {
	ps := make([]string, len(signalPhrases))
	for i, p := range signalPhrases {
		ps[i] = p.phrase
	}
	return newPhraseSet(ps)
}()

func signals(t string, creds []string) []string {
	var out []string
	// A phrase a console broke over two lines ("No accounts were found in
	// the" / "cache.") is read as the line above with its rest.
	t = unwrapLines(t)
	found := signalSet.present(t)
	for i, p := range signalPhrases {
		if found.has(i) {
			if p.signal == "credential-unavailable" && len(out) > 0 {
				continue
			}
			if p.signal == "token-file-missing" && !fileMissing(t) {
				continue
			}
			out = addUnique(out, p.signal)
		}
	}
	// The federated token file of workload identity, named by its usual path.
	if (strings.Contains(t, "azure-identity-token") || strings.Contains(t, "/var/run/secrets/azure/tokens") ||
		strings.Contains(t, "federated token file") || strings.Contains(t, "FederatedTokenFile")) && fileMissing(t) {
		out = addUnique(out, "token-file-missing")
	}
	// Go v1.12+ says "executable not found on path" for the CLI, azd and
	// PowerShell alike: the credential tells which.
	if strings.Contains(t, "executable not found on path") || strings.Contains(t, "executable file not found") {
		for _, c := range creds {
			switch {
			case strings.HasPrefix(c, "AzureCLI") || strings.HasPrefix(c, "AzureCli"):
				out = addUnique(out, "cli-not-found")
			case strings.HasPrefix(c, "AzureDeveloper"):
				out = addUnique(out, "azd-not-found")
			case strings.HasPrefix(c, "AzurePowerShell"):
				out = addUnique(out, "powershell-not-found")
			}
		}
	}
	if strings.Contains(t, "ManagedIdentityCredential") && (strings.Contains(t, "Failed to establish a new connection") ||
		strings.Contains(t, "connect: connection refused") || strings.Contains(t, "Connection refused") || strings.Contains(t, "ECONNREFUSED") ||
		strings.Contains(t, "actively refused it")) {
		out = addUnique(out, "imds-unreachable")
	}
	// azure-identity's managed identity answered by something other than
	// the endpoint (a proxy's or App Service's HTML page):
	// "ManagedIdentityCredential: Unexpected content type "text/html"".
	if strings.Contains(t, "Unexpected content type") && strings.Contains(t, "ManagedIdentityCredential") {
		out = addUnique(out, "managed-identity-unexpected-response")
	}
	if strings.Contains(t, "169.254.169.254") && (strings.Contains(t, "timeout") || strings.Contains(t, "Timeout") || strings.Contains(t, "timed out") ||
		strings.Contains(t, "unreachable") || strings.Contains(t, "no route to host") || strings.Contains(t, "No route to host") ||
		strings.Contains(t, "deadline exceeded") || strings.Contains(t, "onnection refused") || strings.Contains(t, "Failed to establish a new connection")) {
		out = addUnique(out, "imds-unreachable")
	}
	// The generic managed identity signal yields to a precise one.
	for _, precise := range []string{"imds-unreachable", "managed-identity-not-assigned"} {
		for _, x := range out {
			if x == precise {
				out = remove(out, "managed-identity-unavailable")
			}
		}
	}
	// credential-unavailable only when nothing more precise was found.
	if len(out) > 1 {
		for i, s := range out {
			if s == "credential-unavailable" {
				out = append(out[:i:i], out[i+1:]...)
				break
			}
		}
	}
	return out
}

// unwrapLines joins each line that a console (or a paste) broke off the
// line above it (see wrapped) to that line with a space; t is returned as it
// is when it holds none.
func unwrapLines(t string) string {
	b := unsafe.Slice(unsafe.StringData(t), len(t)) // read only
	var out []byte
	last, prev := 0, 0 // last: copied up to; prev: the line above's start
	for p := 0; p < len(b); {
		e := indexByte(b[p:], '\n')
		if e < 0 {
			break
		}
		next := p + e + 1
		if next < len(b) && wrapped(b[prev:p+e], b[next:next+lineLen(b[next:])]) {
			if out == nil {
				out = make([]byte, 0, len(b))
			}
			out = append(out, b[last:p+e]...)
			out = append(out, ' ')
			last = next
			p = next // the joined line is the line above for the next test
			continue
		}
		prev, p = next, next
	}
	if out == nil {
		return t
	}
	out = append(out, b[last:]...)
	return unsafe.String(unsafe.SliceData(out), len(out)) // out is not written again
}

func lineLen(b []byte) int {
	if e := indexByte(b, '\n'); e >= 0 {
		return e
	}
	return len(b)
}

func remove(list []string, v string) []string {
	for i, x := range list {
		if x == v {
			return append(list[:i:i], list[i+1:]...)
		}
	}
	return list
}

func fileMissing(t string) bool {
	return strings.Contains(t, "no such file") || strings.Contains(t, "not find") || strings.Contains(t, "does not exist") ||
		strings.Contains(t, "cannot find the file") || strings.Contains(t, "ENOENT")
}

// failurePhrases say that something failed. A record with an identifying
// word but none of these is a mention (documentation, help text) or a
// success, not a failure.
var failurePhrases = []string{
	"authentication failed", "Authentication failed", "failed to acquire a token", "failed to retrieve a token",
	"Exception", "Error", "ERROR", "error", "unavailable", "Unavailable", "failed", "Failed", "FAILED",
	"not found", "Not Found", "timed out", "unable", "Unable", "could not", "couldn't", "cannot", "can't",
	"denied", "Denied", "invalid", "Invalid", "does not have authorization", "Please run", "please run",
	"missing", "no value", "unexpected", "refused", "isn't", "not assigned", "not been assigned", "Unauthorized",
	"Forbidden", "expired", "RESPONSE 4", "RESPONSE 5", "not configured", "required", "is not installed",
	"no such", "Status: 4", "Status: 5", "Trace ID:", "Correlation ID:", "error_codes", "disabled", "blocked",
	"locked", "revoked", "not allowed", "not permitted", "does not exist", "must use", "Exception:",
	"not authorized", // Storage, Key Vault, Cosmos DB: "This request is not authorized to perform this operation"
}

// refusedStatus reports a line that names an HTTP refusal by its reason
// phrase ("Unauthorized", "Forbidden"): a line that reports one step's
// success and another's refusal ("1. Successfully queried the Azure Monitor
// service. 2. Azure Log Analytics: Unauthorized: ...", a data source's
// health check) reports a failure.
func refusedStatus(head string) bool {
	return strings.Contains(head, "Unauthorized") || strings.Contains(head, "Forbidden")
}

// successPhrases say that a token was acquired.
var successPhrases = []string{
	"acquired a token", "get_token succeeded", "get_token_info succeeded", "=> SUCCESS", ": SUCCESS",
	"returns a token", "GetToken succeeded", "authenticated with", "credential selected", "will use",
	"will authenticate with", "Successfully", "successfully",
}

type strength uint8

const (
	mention strength = iota // names a code or credential, reports no failure
	success                 // a token was acquired
	weak                    // a failure that may be part of a normal flow (a chain member at debug/info level)
	strong                  // a failure
)

// flowPhrases are SDK log lines about normal flow that mention failure
// words: construction warnings, silent-auth fallbacks, source probing.
var flowPhrases = []string{
	"Skipped createDefault", "Skipping createDefault", "Silent authentication failed, falling back",
	"falling back to", "Found the following environment variables", "No environment configuration found",
	"Pinging the Azure IMDS endpoint", "will use", "will authenticate with", "Using the MSAL provider",
	"MSAL Identity source", "to probe for availability", "Token Exchange: Unavailable",
	"Cloud Shell: Unavailable", "App Service: Unavailable", "Azure Arc: Unavailable", "Service Fabric: Unavailable",
	"Azure ML: Unavailable", "Fabric: Unavailable", "is not available in this environment",
	"getToken() => Using", "Probing IMDS endpoint for availability", "NewDefaultAzureCredential failed to initialize some credentials",
	"managed identity is unavailable because", ": Unavailable. The environment variable",
}

// classify decides what a record reports.
func classify(t, head string, nCodes int, isChain bool) strength {
	if nCodes == 0 && isCredentialObject(head) {
		return mention
	}
	if isExampleIntro(head) {
		return mention // documentation showing what an error looks like
	}
	if conditionalAdvice(head) {
		return mention
	}
	if nCodes == 0 && !isChain {
		for _, p := range flowPhrases {
			if strings.Contains(head, p) {
				return mention
			}
		}
	}
	if nCodes == 0 && !isChain && isSourceProbe(head) {
		return mention
	}
	failed := false
	for _, p := range failurePhrases {
		if strings.Contains(t, p) {
			failed = true
			break
		}
	}
	if !failed && psErrorRecord(head) {
		failed = true
	}
	if !failed {
		for _, p := range successPhrases {
			if strings.Contains(t, p) {
				return success
			}
		}
		return mention
	}
	if isDocLine(head) && !strings.Contains(t, "Trace ID") && !strings.Contains(t, "trace_id") {
		return mention
	}
	if onlyInComments(t) {
		return mention
	}
	if testCode(t) {
		return mention
	}
	// A success line that also says "error" (e.g. "no error") stays a success
	// when it carries no code and no failure verb.
	if nCodes == 0 && !isChain {
		for _, p := range successPhrases {
			if strings.Contains(head, p) && !strings.Contains(head, "fail") && !strings.Contains(head, "unavailable") && !strings.Contains(head, "ERROR") &&
				!refusedStatus(head) {
				return success
			}
		}
	}
	if nCodes == 0 && onlyHelpLink(t) {
		return mention
	}
	// A data-plane 401 that carries its challenge (WWW-Authenticate) and no
	// identity error is the normal first round of a bearer-token exchange.
	if nCodes == 0 && strings.Contains(t, "WWW-Authenticate") && len(credentials(t)) == 0 &&
		!strings.Contains(t, "invalid_token") && !strings.Contains(t, "InvalidAuthenticationToken") {
		return mention
	}
	if isChain {
		// Python's chained credentials log their aggregate only when every
		// credential failed, at WARNING, just before raising it: the end of
		// the chain, never a step in a flow that may still succeed.
		if strings.Contains(head, "failed to retrieve a token from the included credentials") && !isQuietLevel(head) {
			return strong
		}
		if isLogEvent(head) || isQuietLevel(head) {
			return weak
		}
		return strong
	}
	if isLogEvent(head) || isQuietLevel(head) {
		return weak
	}
	return strong
}

// isCredentialObject reports a record that is a credential object printed
// by console.log or util.inspect ("DefaultAzureCredential {", then its
// fields, among them UnavailableMessage): the object's state, not an error,
// which Node prints as "<Name>Error: <message>" and its stack.
func isCredentialObject(head string) bool {
	h := strings.TrimSpace(head)
	name, ok := strings.CutSuffix(h, " {")
	if !ok || !strings.HasSuffix(name, "Credential") || name[0] < 'A' || name[0] > 'Z' {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// isSourceProbe reports @azure/identity's info events about a managed
// identity source it probes and skips, which v1 words without the phrases of
// flowPhrases: "ManagedIdentityCredential - ArcMSI => The Azure Arc MSI is
// unavailable." (each source logs under "ManagedIdentityCredential - <source>").
func isSourceProbe(head string) bool {
	h := strings.TrimSpace(head)
	return strings.HasSuffix(h, "is unavailable.") && strings.Contains(h, "ManagedIdentityCredential - ") &&
		strings.Contains(h, " => ") && isQuietLevel(h)
}

// isLogEvent reports a line written by an SDK's own logger (as opposed to an
// error the application printed): such events precede the error itself, or
// belong to a chain that may still succeed.
func isLogEvent(head string) bool {
	h := head
	if len(h) > 200 {
		h = h[:200]
	}
	if strings.Contains(h, ": [Managed Identity]") {
		// MSAL.NET's message quoted in an exception's ("...authentication
		// failed: [Managed Identity] ..."), not its logger.
		h = strings.ReplaceAll(h, ": [Managed Identity]", ": ")
	}
	if strings.Contains(h, "azure.identity._exceptions.") {
		// The module of a raised exception's class, as a traceback's last
		// line names it: an error, not a logger's name.
		h = strings.ReplaceAll(h, "azure.identity._exceptions.", "")
	}
	if strings.Contains(h, "com.azure.identity.CredentialUnavailableException") || strings.Contains(h, "com.azure.identity.AuthenticationRequiredException") {
		// Likewise the package of azure-identity's (Java) exception
		// classes, as a stack trace's head prints it.
		h = strings.ReplaceAll(strings.ReplaceAll(h, "com.azure.identity.CredentialUnavailableException", "CredentialUnavailableException"),
			"com.azure.identity.AuthenticationRequiredException", "AuthenticationRequiredException")
	}
	for _, p := range []string{
		"azure:identity:", "azure:core", ":azure.identity", "azure.identity.", "[Authentication]", "Authentication: ",
		"Azure Identity =>", "Azure-Identity:", "Azure.Identity[", "c.a.identity.", "com.azure.identity.",
		"msal.", "MSAL ", "[Managed Identity]", "=> getToken()", ".get_token failed", ".get_token_info failed",
		"[Request]", "[Response]", "[Retry]", "[ResponseError]", "Response: ==>", "Request: ==>", "Retry: ",
		"==> REQUEST/RESPONSE", "==> OUTGOING REQUEST", "core-rest-pipeline", "http_logging_policy",
		"] ResponseError: ", "] Authentication: ", "] Response: ", "] Request: ", "] Retry: ",
		`"event":"Response`, `"event":"Request`, `"event":"Retry`, `"event":"Authentication`, `"event": "`,
		"event=Response", "event=Retry", "event=Authentication", "event=ResponseError",
		// azure-identity (Java) internals under a log4j/logback layout that
		// prints the class's short name.
		"IdentityClient: ", "CacheAccessor: ",
	} {
		if strings.Contains(h, p) {
			return true
		}
	}
	return false
}

// isDocLine reports text that quotes codes rather than reporting them:
// markdown tables and headings (also inside a diff), table cells of a
// debugger's watch window, code references with placeholders.
func isDocLine(head string) bool {
	h := strings.TrimSpace(head)
	if len(h) > 0 && (h[0] == '+' || h[0] == '-') && !strings.HasPrefix(h, "--") {
		h = strings.TrimSpace(h[1:]) // a diff line
	}
	switch {
	case strings.HasPrefix(h, "|") && strings.Count(h, "|") >= 2:
		return true
	case strings.Count(h, "|") >= 3 && !strings.Contains(h, "│"):
		return true
	case strings.HasPrefix(h, "#") && !pipelinesCommand(h):
		// A markdown heading; Azure Pipelines' logging commands
		// ("##[error]", "##[warning]", "##vso[task.logissue ...]") are
		// log lines.
		return true
	case strings.HasSuffix(h, " |") && strings.Contains(h[:len(h)-2], " | "):
		// A table row whose first cell was wrapped onto the line above.
		return true
	case strings.Contains(h, "{clientId}") || strings.Contains(h, "{tenant}") || strings.Contains(h, "<client-id>") || strings.Contains(h, "{tenantId}"):
		return true
	}
	// "AADSTS7000215 |": a code in a table cell.
	if i := strings.Index(h, "AADSTS"); i >= 0 {
		j := i + 6
		for j < len(h) && isDigit(h[j]) {
			j++
		}
		if rest := strings.TrimSpace(h[j:]); strings.HasPrefix(rest, "|") {
			return true
		}
	}
	return false
}

// pipelinesCommand reports a line that opens with an Azure Pipelines
// logging command ("##[error]", "##vso[task.logissue ...]"), also when an
// issue's reporter wrapped it in markdown emphasis ("##**[error]...**").
func pipelinesCommand(h string) bool {
	if !strings.HasPrefix(h, "##") {
		return false
	}
	r := strings.TrimLeft(h[2:], "*_")
	return strings.HasPrefix(r, "[") || strings.HasPrefix(r, "vso[")
}

// psErrorRecord reports a line in the form PowerShell prints an error
// record: the failing cmdlet's name, " : ", then the exception's message
// ("Get-AzAccessToken : AADSTS50076: ...", "Connect-PnPOnline : ..."). The
// line names no failure word when the message does not, yet PowerShell
// writes it only for an error.
func psErrorRecord(head string) bool {
	return psErrorPrefix(unsafe.Slice(unsafe.StringData(head), len(head)))
}

// psErrorPrefix is psErrorRecord on a raw record (its first line), without
// copying it: the fast path asks it of hits that have no failure word.
func psErrorPrefix(b []byte) bool {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	if len(b) < 8 || !isUpper(b[0]) {
		return false
	}
	// The verb: a capital, then lower-case letters, then the hyphen.
	j := 1
	for j < len(b) && b[j] >= 'a' && b[j] <= 'z' {
		j++
	}
	if j < 2 || j+2 >= len(b) || b[j] != '-' || !isUpper(b[j+1]) {
		return false
	}
	// The noun: a capital, then letters and digits, then " : " and a
	// message.
	k := j + 2
	for k < len(b) && k < 72 && (isUpper(b[k]) || b[k] >= 'a' && b[k] <= 'z' || isDigit(b[k])) {
		k++
	}
	return k-j-1 >= 2 && len(b) > k+3 && b[k] == ' ' && b[k+1] == ':' && b[k+2] == ' ' && b[k+3] != '\n' && b[k+3] != '\r'
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }

// exampleCues are the words with which documentation introduces a sample
// of output ("... now returns a string like this when ...:", "Consider the
// following error message:").
var exampleCues = []string{
	" like this", "for example", "For example", "an example", "Consider the following", "consider the following",
	"Example:", "example below", "sample output", "Sample output",
}

// isExampleIntro reports a line of prose that introduces a sample of
// output on the lines after it: it ends with a colon and says it shows an
// example. A log's own lines do not speak of examples.
func isExampleIntro(l string) bool {
	l = strings.TrimSpace(l)
	if len(l) < 12 || l[len(l)-1] != ':' {
		return false
	}
	for _, c := range exampleCues {
		if strings.Contains(l, c) {
			return true
		}
	}
	// "If MFA is required for the user, the above command fails with the
	// following error message:": a condition, then the output it gives.
	return strings.HasPrefix(proseStart(l), "If ")
}

// conditionalAdvice reports a sentence that tells what to do if an error occurs
// ("If you are encountering `ERROR: AADSTS700024: ...`, here are the
// workarounds", "> If the error happens after approximately 1 hour, use
// ..."): it begins with "If", as no SDK's or service's error line does.
func conditionalAdvice(head string) bool {
	return strings.HasPrefix(proseStart(head), "If ")
}

// proseStart returns l without the markdown that may open a sentence in an
// issue or a page: quote marks, list bullets, emphasis and emoji shortcodes
// (":warning:").
func proseStart(l string) string {
	for n := 0; n < 8; n++ {
		l = strings.TrimLeft(l, " \t")
		switch {
		case strings.HasPrefix(l, ">"), strings.HasPrefix(l, "*"), strings.HasPrefix(l, "_"), strings.HasPrefix(l, "- "):
			l = l[1:]
		case len(l) > 2 && l[0] == ':':
			e := strings.IndexByte(l[1:], ':')
			if e < 1 || e > 40 || strings.IndexByte(l[1:1+e], ' ') >= 0 {
				return l
			}
			l = l[e+2:]
		default:
			return l
		}
	}
	return l
}

// onlyInComments reports a record whose failure words are all in source
// code comments ("/// <exception cref="AuthenticationFailedException">Thrown
// when the authentication failed.</exception>"), as a code listing or a
// diff of one shows them (a diff's "+", "-" or " " before each line): code
// that documents a failure, not a log reporting one.
func onlyInComments(t string) bool {
	if !strings.Contains(t, "///") && !strings.Contains(t, "// ") && !strings.Contains(t, "/*") {
		return false
	}
	seen := false
	for _, l := range strings.Split(t, "\n") {
		failing := false
		for _, p := range failurePhrases {
			if strings.Contains(l, p) {
				failing = true
				break
			}
		}
		if !failing {
			continue
		}
		if len(l) > 0 && (l[0] == '+' || l[0] == '-') {
			l = l[1:]
		}
		l = strings.TrimSpace(l)
		if !strings.HasPrefix(l, "//") && !strings.HasPrefix(l, "/*") {
			return false
		}
		seen = true
	}
	return seen
}

// assertStarts begin the assertion statements of test frameworks (xUnit
// style, Node's assert, Jest/Chai/Go-style expect, Python's assert and
// unittest, XCTest).
var assertStarts = []string{
	"Assert.", "assert.", "assert ", "assert(", "assertEquals(", "assertThat(", "assertThrows(", "self.assert",
	"expect(", "Expect(", "XCTAssert", "require.",
}

// testCode reports a record that is test source code asserting an error
// (a code listing or a diff of one): an AADSTS code or a failure word
// appears only in assertion statements (their arguments, over several
// lines, and the string literals they open) and in lines shaped as code
// (ending with ";", "{", "}", "(" or ",", a try/catch/finally line, a
// Python "with"/"def" block's head). A log's own lines are not statements.
func testCode(t string) bool {
	if !strings.Contains(t, "ssert") && !strings.Contains(t, "xpect(") {
		return false
	}
	asserted := false
	depth := 0         // open parentheses of an assertion's argument list
	literal := byte(0) // the quote of a string literal open at the line's end (` or """)
	for rest := t; rest != ""; {
		l, r, _ := strings.Cut(rest, "\n")
		rest = r
		if len(l) > 0 && (l[0] == '+' || l[0] == '-') && !strings.HasPrefix(l, "--") && !strings.HasPrefix(l, "++") {
			l = l[1:] // a diff line
		}
		l = strings.TrimSpace(l)
		inside := depth > 0 || literal != 0
		assertion := false
		if !inside {
			for _, a := range assertStarts {
				if strings.HasPrefix(l, a) {
					assertion, asserted = true, true
					break
				}
			}
		}
		if inside || assertion {
			literal, depth = scanCode(l, literal, depth)
			if depth < 0 {
				depth = 0
			}
			continue
		}
		if !reportsFailure(l) {
			continue
		}
		if n := len(l); n > 0 && strings.IndexByte(";{}(,", l[n-1]) >= 0 {
			continue
		}
		if strings.HasPrefix(l, "catch") || strings.HasPrefix(l, "try") || strings.HasPrefix(l, "finally") || strings.HasPrefix(l, "except ") {
			continue
		}
		if strings.HasSuffix(l, ":") && (strings.HasPrefix(l, "with ") || strings.HasPrefix(l, "async with ") || strings.HasPrefix(l, "def ")) {
			continue // a Python block's head: "with pytest.raises(ClientAuthenticationError):"
		}
		return false
	}
	return asserted
}

// reportsFailure reports a line with an AADSTS code or a failure word.
func reportsFailure(l string) bool {
	if strings.Contains(l, "AADSTS") {
		return true
	}
	for _, p := range failurePhrases {
		if strings.Contains(l, p) {
			return true
		}
	}
	return false
}

// scanCode follows a line of code through its string literals and
// parentheses: it returns the literal still open at its end (a backtick
// template or a triple-quoted string, which may span lines) and the
// parenthesis depth after it.
func scanCode(l string, literal byte, depth int) (byte, int) {
	for i := 0; i < len(l); i++ {
		c := l[i]
		switch {
		case literal == '`':
			if c == '`' {
				literal = 0
			}
		case literal == '"':
			if strings.HasPrefix(l[i:], `"""`) {
				literal = 0
				i += 2
			}
		case c == '`':
			literal = '`'
		case strings.HasPrefix(l[i:], `"""`):
			literal = '"'
			i += 2
		case c == '"' || c == '\'':
			// A literal on one line: skip to its end.
			for i++; i < len(l) && l[i] != c; i++ {
				if l[i] == '\\' {
					i++
				}
			}
		case c == '(':
			depth++
		case c == ')':
			depth--
		}
	}
	return literal, depth
}

// onlyHelpLink reports a record whose only "error" is in an error page link.
func onlyHelpLink(t string) bool {
	if !strings.Contains(t, "error?code=") {
		return false
	}
	s := strings.ReplaceAll(t, "error?code=", "")
	for _, p := range failurePhrases {
		if strings.Contains(s, p) {
			return false
		}
	}
	return true
}

// isQuietLevel reports a record logged at DEBUG or INFO level: chain members
// are logged so while the chain goes on.
func isQuietLevel(head string) bool {
	h := head
	if len(h) > 120 {
		h = h[:120]
	}
	for _, p := range []string{
		"DEBUG", "[Informational]", "info:", "azure:identity:info", "level=info", "level=debug",
		`"level":"info"`, `"level":"debug"`, `"level":"INFO"`, `"level":"DEBUG"`, " INFO ", "INFO:", "[INFO]", " I ",
		"azure:identity:verbose", "[Verbose]", "dbug:", "trce:",
	} {
		if strings.Contains(h, p) {
			return true
		}
	}
	return false
}

// chainHeads are the phrases of chained credentials' aggregate errors.
var chainHeads = []string{
	"Attempted credentials:", "failed to retrieve a token from the included credentials",
	"ChainedTokenCredential authentication failed", "but failed to acquire a token for any of them",
	"DefaultAzureCredential failed to retrieve a token", "DefaultAzureCredential: failed to acquire a token",
	"DefaultAzureCredential authentication failed",
	"AggregateAuthenticationError", "ChainedTokenCredential => getToken() => ERROR",
	"DefaultAzureCredential.GetToken was unable", "ChainedTokenCredential.GetToken was unable",
	// Azure.Identity 1.0 (2019): "The DefaultAzureCredential failed due to
	// an unhandled exception: ", then one line per member.
	"DefaultAzureCredential failed due to an unhandled exception",
}

// chainHeadSet finds chainHeads in one pass.
var chainHeadSet = newPhraseSet(chainHeads)

func isChain(t string) bool {
	return chainHeadSet.present(t) != phraseBits{}
}

// chainMembers parses what a chained credential tried.
func chainMembers(t string) []ChainEntry {
	var out []ChainEntry
	lines := strings.Split(t, "\n")
	// Go and Python: "Attempted credentials:" then one indented line per member.
	for i, l := range lines {
		if !strings.Contains(l, "Attempted credentials:") {
			continue
		}
		indent := ""
		for _, m := range lines[i+1:] {
			if strings.TrimSpace(m) == "" {
				continue
			}
			lead := m[:len(m)-len(strings.TrimLeft(m, " \t"))]
			if lead == "" && indent == "" {
				// Members printed without indentation (a wrapper stripped it).
				if c := strings.IndexByte(m, ':'); c > 0 && strings.HasSuffix(m[:c], "Credential") && !strings.Contains(m[:c], " ") {
					out = append(out, member(m))
					continue
				}
			}
			if lead == "" {
				// Python prints a member's multi-line message unindented.
				if len(out) == 0 || strings.HasPrefix(m, "To mitigate") || strings.HasPrefix(m, "To troubleshoot") ||
					isLogEvent(m) || strings.HasPrefix(m, "Traceback") || strings.HasPrefix(m, "DefaultAzureCredential") {
					break
				}
				continue
			}
			if indent == "" {
				indent = lead
			}
			body := strings.TrimSpace(m)
			// A deeper line, or one indented otherwise than the members
			// (Terraform's "│  446: provider ..." under tab-indented
			// members), goes on with the member above.
			if lead != indent || strings.HasPrefix(body, "--------") || strings.HasPrefix(body, "{") || strings.HasPrefix(body, "}") || strings.HasPrefix(body, "\"") {
				if len(out) > 0 {
					last := &out[len(out)-1]
					last.AADSTS = findAADSTS(body, last.AADSTS)
				}
				continue
			}
			out = append(out, member(body))
		}
		if len(out) > 0 {
			return out
		}
	}
	// Azure.Identity (.NET) before 1.2: the members' messages in one
	// parenthesised run after the head, "... from the included credentials.
	// ( EnvironmentCredential authentication unavailable, ...
	// ManagedIdentityCredential not available, ... )": each member's message
	// starts with its type.
	if i := strings.Index(t, "included credentials. ( "); i >= 0 {
		run := t[i+len("included credentials. ( "):]
		if e := strings.IndexByte(run, '\n'); e >= 0 {
			run = run[:e]
		}
		run = strings.TrimSuffix(strings.TrimSpace(run), ")")
		var starts []int
		for _, n := range credentials(run) {
			if strings.Contains(n, "Default") || strings.Contains(n, "Chained") {
				continue
			}
			if k := strings.Index(run, n+" "); k >= 0 && (k == 0 || run[k-1] == ' ') {
				starts = append(starts, k)
			}
		}
		sort.Ints(starts)
		for j, k := range starts {
			e := len(run)
			if j+1 < len(starts) {
				e = starts[j+1]
			}
			out = append(out, member(strings.TrimSpace(run[k:e])))
		}
		if len(out) > 0 {
			return out
		}
	}
	// .NET: "- <message>" bullets after the aggregate head.
	// JS: "CredentialUnavailableError: <message>" lines.
	for _, l := range lines {
		b := strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(b, "- "):
			out = append(out, member(b[2:]))
		case strings.HasPrefix(b, "CredentialUnavailableError: "), strings.HasPrefix(b, "AuthenticationError: "),
			strings.HasPrefix(b, "AuthenticationRequiredError: "), strings.HasPrefix(b, "[CredentialUnavailableError: "),
			strings.HasPrefix(b, "Error: ") && memberName(b) != "":
			out = append(out, member(b[strings.IndexByte(b, ':')+2:]))
		}
	}
	if len(out) > 0 {
		return out
	}
	// .NET and early Java: "<Chain> authentication failed. ---> <Cred> authentication failed".
	for i := 0; ; {
		j := strings.Index(t[i:], "---> ")
		if j < 0 {
			break
		}
		k := i + j + len("---> ")
		i = k
		seg := t[k:]
		if e := strings.IndexByte(seg, '\n'); e >= 0 {
			seg = seg[:e]
		}
		if c := strings.Index(seg, ": "); c >= 0 && strings.Contains(seg[:c], "Exception") {
			seg = seg[c+2:]
		}
		if cs := credentials(seg); len(cs) > 0 && strings.HasPrefix(seg, cs[0]) && !strings.Contains(cs[0], "Default") && !strings.Contains(cs[0], "Chained") {
			e := member(seg)
			e.Credential = cs[0]
			out = append(out, e)
		}
	}
	if len(out) > 0 {
		return out
	}
	// .NET's event 3, "DefaultAzureCredential.GetToken was unable to retrieve
	// an access token. ... Exception: <Type> (0x80131500): <Cred>
	// authentication failed: ...": the member whose failure ended the chain.
	if i := strings.Index(t, ".GetToken was unable to retrieve"); i >= 0 {
		if j := strings.Index(t[i:], "Exception: "); j >= 0 {
			seg := t[i+j+len("Exception: "):]
			if e := strings.IndexByte(seg, '\n'); e >= 0 {
				seg = seg[:e]
			}
			if c := strings.Index(seg, "): "); c >= 0 && c < 120 {
				seg = seg[c+3:]
			} else if c := strings.Index(seg, ": "); c >= 0 && c < 120 {
				seg = seg[c+2:]
			}
			if cs := credentials(seg); len(cs) > 0 && strings.HasPrefix(seg, cs[0]) && !strings.Contains(cs[0], "Default") && !strings.Contains(cs[0], "Chained") {
				e := member(seg)
				e.Credential = cs[0]
				return []ChainEntry{e}
			}
		}
	}
	// Java: "Tried A, B, C but failed to acquire a token for any of them".
	if i := strings.Index(t, "Tried "); i >= 0 {
		if j := strings.Index(t[i:], " but failed"); j > 0 {
			for _, n := range strings.Split(t[i+len("Tried "):i+j], ",") {
				n = strings.TrimSpace(n)
				if strings.HasSuffix(n, "Credential") {
					out = append(out, ChainEntry{Credential: n})
				}
			}
		}
	}
	if len(out) > 0 {
		return out
	}
	// Early Azure.Identity (.NET) and azure-identity (Java): one member's
	// message a line, each starting with its type ("EnvironmentCredential is
	// unavailable ...", "ManagedIdentityCredential failed with ...").
	for _, l := range lines[1:] {
		b := strings.TrimSpace(l)
		if cs := credentials(b[:min(len(b), 60)]); len(cs) > 0 && strings.HasPrefix(b, cs[0]) && len(b) > len(cs[0]) &&
			(b[len(cs[0])] == ' ' || b[len(cs[0])] == ':') && !strings.Contains(cs[0], "Default") && !strings.Contains(cs[0], "Chained") {
			out = append(out, member(b))
		}
	}
	return out
}

// headlessChain returns the members of a chained credential's error that
// has no head of its own: azure-identity (Java) throws the
// CredentialUnavailableException of DefaultAzureCredential with its
// members' messages joined by "\r\n" ("EnvironmentCredential authentication
// unavailable. ...", "Managed Identity authentication is not available.",
// ...), and a logger may print only that ("exception":"<messages>"). Three
// or more consecutive lines that each report one member unavailable or
// failed make such an error; nil otherwise.
func headlessChain(t string) []ChainEntry {
	if strings.Count(t, "vailable")+strings.Count(t, "authentication failed") < 3 || strings.Count(t, "\n") < 2 {
		return nil
	}
	var out []ChainEntry
	for _, l := range strings.Split(t, "\n") {
		if i := strings.Index(l, `"exception":"`); i >= 0 {
			l = l[i+len(`"exception":"`):]
		} else if i := strings.Index(l, "CredentialUnavailableException: "); i >= 0 {
			l = l[i+len("CredentialUnavailableException: "):] // a stack trace's head
		}
		l = strings.TrimSpace(l)
		if len(out) > 0 && strings.HasPrefix(l, "AADSTS") && len(findAADSTS(l, nil)) > 0 {
			// A member whose message is Entra's error alone, without its
			// name (IntelliJCredential, SharedTokenCacheCredential in
			// azure-identity for Java): kept in its place, unnamed.
			out = append(out, ChainEntry{Reason: clip(l, 400), AADSTS: findAADSTS(l, nil)})
			continue
		}
		if !strings.Contains(l, "unavailable") && !strings.Contains(l, "not available") && !strings.Contains(l, "authentication failed") &&
			!strings.HasPrefix(l, "Failed to read Vs Code credentials") && !strings.HasPrefix(l, "Unable to execute PowerShell") {
			if len(out) >= 3 {
				break
			}
			out = out[:0]
			continue
		}
		m := member(l)
		if m.Credential == "" || !strings.HasPrefix(l, m.Credential) && !isMemberMessage(unsafe.Slice(unsafe.StringData(l), len(l))) {
			if len(out) >= 3 {
				break
			}
			out = out[:0]
			continue
		}
		if n := len(out); n > 0 && out[n-1].Credential == m.Credential {
			continue // one member's attempts (PowerShell tries pwsh, then powershell)
		}
		out = append(out, m)
	}
	if len(out) < 3 {
		return nil
	}
	return out
}

// member makes a chain entry from one member's message.
func member(msg string) ChainEntry {
	e := ChainEntry{}
	if i := strings.Index(msg, "Credential"); i > 0 {
		if c := credentials(msg[:min(len(msg), i+len("Credential")+1)]); len(c) > 0 && strings.HasPrefix(msg, c[0]) {
			e.Credential = c[0]
			rest := strings.TrimPrefix(msg, c[0])
			rest = strings.TrimLeft(rest, ": ")
			if rest != "" {
				msg = rest
			}
		}
	}
	if e.Credential == "" {
		e.Credential = memberName(msg)
	}
	e.Reason = clip(strings.TrimSpace(msg), 400)
	e.AADSTS = findAADSTS(msg, nil)
	return e
}

// guessSDK names the SDK that most likely printed t: that of the first of
// sdkMarkers in t.
func guessSDK(t string) string {
	found := sdkMarkerSet.present(t)
	for i, m := range sdkMarkers {
		if found.has(i) {
			return m.sdk
		}
	}
	return ""
}

// sdkMarkerSet finds sdkMarkers in one pass.
var sdkMarkerSet = func() *phraseSet {
	ms := make([]string, len(sdkMarkers))
	for i, m := range sdkMarkers {
		ms[i] = m.marker
	}
	return newPhraseSet(ms)
}()

// sdkMarkers are phrases that tell which SDK printed a record, by priority.
var sdkMarkers = []struct{ marker, sdk string }{
	{"aka.ms/azsdk/go/", "go"}, {"aka.ms/azsdk/python/", "python"}, {"aka.ms/azsdk/net/", "dotnet"},
	{"aka.ms/azsdk/js/", "js"}, {"aka.ms/azsdk/java/", "java"},
	{"azidentity", "go"}, {"azcore", "go"}, {"AzureCLICredential", "go"}, {"AzureDeveloperCLICredential", "go"},
	{"failed to acquire a token.\nAttempted credentials:", "go"}, {"authentication failed\nPOST ", "go"},
	{"RESPONSE 401: ", "go"}, {"RESPONSE 400: ", "go"}, {"RESPONSE 403: ", "go"},
	{"ERROR CODE: ", "go"}, {"http call(", "msal"},
	// Java's packages before Python's "azure.identity" (com.azure.identity)
	// and .NET's frames ("   at "), which Java traces contain too.
	{"com.azure.", "java"}, {"com.microsoft.aad.msal4j", "java"},
	{"Traceback (most recent call last)", "python"}, {"azure.core.exceptions", "python"},
	{"azure.identity", "python"}, {"ClientAuthenticationError", "python"}, {".get_token", "python"},
	{"failed to retrieve a token from the included credentials.\nAttempted credentials:", "python"},
	// V8's name for an anonymous function in a Node or browser stack
	// frame ("at Object.<anonymous> (", "at Generator.throw (<anonymous>)"),
	// before .NET's frames ("   at "), whose compiler-made names are
	// "<Method>b__0" or "<Method>d__30".
	{"<anonymous>", "js"},
	{"Azure.Identity", "dotnet"}, {"AuthenticationFailedException", "dotnet"}, {"CredentialUnavailableException", "dotnet"},
	{"Microsoft.Identity.Client", "dotnet"}, {"   at ", "dotnet"}, {"--- End of", "dotnet"},
	{"azure:identity", "js"}, {"CredentialUnavailableError", "js"}, {"@azure/", "js"}, {"AggregateAuthenticationError", "js"},
	{"Azure Identity =>", "java"}, {"c.a.identity.", "java"},
	{"msal4j", "java"}, {"MsalServiceException", "msal"}, {"ServerError: ", "msal"}, {"msal-node", "msal"},
	{"Connect-AzAccount", "powershell"}, {"Az.Accounts", "powershell"}, {"WARNING: Unable to acquire token", "powershell"},
	{"ERROR: AADSTS", "cli"}, {"az login", "cli"}, {"azure.cli", "cli"}, {"ERROR: ", "cli"},
}
