package parser

import (
	"strconv"
	"strings"
)

// Extraction works on normalized record text by key phrases, never by line
// positions: the SDKs say their messages are not contractual.

// findAADSTS returns every AADSTS code in t, digits only, in order, no
// repeats, including bare codes of "error_codes" arrays.
func findAADSTS(t string, into []string) []string {
	for i := 0; ; {
		j := strings.Index(t[i:], "AADSTS")
		if j < 0 {
			break
		}
		k := i + j + len("AADSTS")
		d := digitsAt(t, k)
		if len(d) >= 4 && len(d) <= 8 {
			into = addUnique(into, d)
		}
		i = k
	}
	for _, key := range []string{"error_codes", "errorCodes"} {
		for i := 0; ; {
			j := strings.Index(t[i:], key)
			if j < 0 {
				break
			}
			k := i + j + len(key)
			// skip quotes, colon, spaces, newlines and the bracket
			for k < len(t) && strings.IndexByte("\"': =\n\t[", t[k]) >= 0 {
				k++
			}
			for k < len(t) {
				d := digitsAt(t, k)
				if len(d) < 4 || len(d) > 8 {
					break
				}
				into = addUnique(into, d)
				k += len(d)
				for k < len(t) && strings.IndexByte(", \n\t", t[k]) >= 0 {
					k++
				}
			}
			i = k
		}
	}
	return into
}

func digitsAt(t string, k int) string {
	e := k
	for e < len(t) && t[e] >= '0' && t[e] <= '9' {
		e++
	}
	return t[k:e]
}

func addUnique(list []string, v string) []string {
	for _, x := range list {
		if x == v {
			return list
		}
	}
	return append(list, v)
}

// idAfter returns the identifier that follows the first occurrence of one of
// labels in t: quotes, colons, '=', spaces, line breaks and wrap markers are
// skipped; the identifier is a run of letters, digits and '-' ('.' too when
// dots is set, for domain names), with a trailing '…' kept when a document
// truncated it. Masks (***, XXX, <traceId>) and empty values give "".
//
// labels is searched in one pass first: only the labels present are looked
// at, in their order.
func idAfter(t string, dots bool, labels *phraseSet) string {
	name := ""  // a tenant's quoted display name, when no label gives an ID
	other := "" // an ID that is not a GUID, when no label gives a GUID
	found := labels.present(t)
	for n, label := range labels.phrases {
		if !found.has(n) {
			continue
		}
		for i := 0; ; {
			j := strings.Index(t[i:], label)
			if j < 0 {
				break
			}
			k := i + j + len(label)
			i = k
			// The label must end at a non-identifier character (so "trace_id"
			// does not match "trace_ids").
			if k < len(t) && isIDChar(t[k]) && isIDChar(label[len(label)-1]) {
				continue
			}
			for n := 0; k < len(t) && n < 12; n++ {
				c := t[k]
				if c == ' ' || c == '"' || c == '\'' || c == ':' || c == '=' || c == '\n' || c == '\t' {
					k++
					continue
				}
				if strings.HasPrefix(t[k:], "│") {
					k += len("│")
					continue
				}
				break
			}
			e := k
			if q, qs := quoteAt(t, label, i); dots && q != 0 {
				// A tenant named by its display name, quoted: "in the
				// directory 'Default Directory'".
				if c := strings.IndexByte(t[qs:min(len(t), qs+80)], q); c > 0 && strings.IndexByte(t[qs:qs+c], '\n') < 0 &&
					isIDChar(t[qs]) && (strings.IndexByte(t[qs:qs+c], ' ') > 0 || displayName(t[qs:qs+c]) && !plausibleID(t[qs:qs+c])) {
					// An ID another label gives wins over a name.
					if name == "" {
						name = t[qs : qs+c]
					}
					continue
				}
			}
			for e < len(t) && (isIDChar(t[e]) || dots && t[e] == '.' && e+1 < len(t) && isIDChar(t[e+1])) {
				e++
			}
			v := t[k:e]
			if strings.HasPrefix(t[e:], "…") {
				v = t[k : e+len("…")]
			}
			if plausibleID(v) && (dots || strings.ContainsAny(v, "0123456789")) {
				// (Trace, correlation and client IDs are GUIDs: a word
				// without digits is a placeholder, "CorrelationId".)
				if dots || isGUID(v) {
					return v
				}
				// Not a GUID: a masked one ("7dddddd-dddd-ddddd-dddd") in
				// the message, whose response body may still hold the
				// real one ("correlation_id":"<guid>").
				if other == "" {
					other = v
				}
			}
		}
	}
	if other != "" {
		return other
	}
	return name
}

// quoteAt returns the quote that opens the value after label (which ends
// at i in t), and where the value starts; 0 when the value is not quoted.
func quoteAt(t, label string, i int) (q byte, start int) {
	if q := label[len(label)-1]; q == '\'' || q == '"' {
		return q, i
	}
	if i+1 < len(t) && (t[i] == '\'' || t[i] == '"') {
		return t[i], i + 1
	}
	if i+2 < len(t) && t[i] == ' ' && (t[i+1] == '\'' || t[i+1] == '"') {
		return t[i+1], i + 2
	}
	return 0, 0
}

// tenantName reports a tenant named by its display name ("Default
// Directory", "Contoso"), which an ID or a domain found elsewhere replaces.
func tenantName(v string) bool {
	return strings.IndexByte(v, ' ') >= 0 || !plausibleID(v)
}

// displayName reports a directory's name as Entra quotes it ("in the
// directory 'Microsoft'"): a capitalized word, not a mask or a placeholder
// in the SDKs' examples ("Tenant 'xxxx'").
func displayName(v string) bool {
	if len(v) < 3 || v[0] < 'A' || v[0] > 'Z' {
		return false
	}
	for i := 1; i < len(v); i++ {
		if c := v[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return strings.ToLower(v) != "tenant" && strings.ToLower(v) != "tenantid"
}

func isIDChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

// plausibleID rejects masks and placeholders: an identifier must hold at
// least four hex digits, or be a domain-like name.
func plausibleID(v string) bool {
	if len(v) < 4 {
		return false
	}
	if tenantAlias(v) {
		return true // the multi-tenant authorities, as Entra and the SDKs name them
	}
	hex, same := 0, true
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' {
			hex++
		}
		if c != v[0] && c != '-' {
			same = false
		}
	}
	if same && len(v) > 0 && (v[0] == 'x' || v[0] == 'X' || v[0] == '*' || v[0] == '0') {
		return false
	}
	if strings.Count(v, "0") >= 32 {
		return false // 00000000-0000-0000-0000-000000000000: a default, not an id
	}
	return hex >= 4 || strings.IndexByte(v, '.') > 0
}

// tenantAlias reports the names Entra's multi-tenant authorities go by.
func tenantAlias[T string | []byte](v T) bool {
	return string(v) == "organizations" || string(v) == "common" || string(v) == "consumers"
}

// authorityHosts are Entra's sign-in hosts in the public and national
// clouds, without their common "login." prefix; the first segment of a path
// on them is the tenant (authority URLs, openid-configuration URLs, token
// endpoints).
var authorityHosts = []string{
	"microsoftonline.com", "microsoftonline.us", "chinacloudapi.cn",
	"partner.microsoftonline.cn", "windows.net", "microsoft.com",
}

// tenantFromAuthority returns the tenant of the first Entra authority URL in
// t whose first path segment is a tenant: a GUID, a domain name or an alias
// (https://login.microsoftonline.com/<tenant>, .../<tenant>/v2.0/.well-known/
// openid-configuration). Instance discovery (common/discovery), error pages
// and other paths name no tenant.
func tenantFromAuthority(t string) string {
	for i := 0; ; {
		j := strings.Index(t[i:], "login.")
		if j < 0 {
			return ""
		}
		k := i + j + len("login.")
		i = k
		if at := k - len("login."); at > 0 && (isIDChar(t[at-1]) || t[at-1] == '.') {
			continue // a longer host name
		}
		host := ""
		for _, h := range authorityHosts {
			if strings.HasPrefix(t[k:], h) {
				host = h
				break
			}
		}
		if host == "" {
			continue
		}
		k += len(host)
		if k < len(t) && t[k] == ':' { // a port, as urllib3 prints it
			for k++; k < len(t) && isDigit(t[k]); k++ {
			}
		}
		if k >= len(t) || t[k] != '/' {
			continue
		}
		k++
		e := k
		for e < len(t) && (isIDChar(t[e]) || t[e] == '.') {
			e++
		}
		seg := strings.TrimRight(t[k:e], ".")
		if e < len(t) && t[e] == '/' && strings.HasPrefix(t[e+1:], "discovery") {
			continue
		}
		if tenantAlias(seg) || isGUID(seg) || strings.IndexByte(seg, '.') > 0 && !strings.HasSuffix(seg, ".srf") && plausibleID(seg) {
			return seg
		}
	}
}

// isGUID reports a GUID written 8-4-4-4-12.
func isGUID[T string | []byte](v T) bool {
	if len(v) != 36 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// entraTimestamp finds Entra's "YYYY-MM-DD HH:MM:SSZ" after a Timestamp label
// or a "timestamp" key.
func entraTimestamp(t string) string {
	for _, label := range []string{"Timestamp:", "\"timestamp\"", "'timestamp'", "timestamp:", "Timestamp="} {
		for i := 0; ; {
			j := strings.Index(t[i:], label)
			if j < 0 {
				break
			}
			k := i + j + len(label)
			i = k
			for k < len(t) && (t[k] == ' ' || t[k] == '"' || t[k] == '\'' || t[k] == ':' || t[k] == '\n') {
				k++
			}
			if v := entraTime(t[k:]); v != "" {
				return v
			}
		}
	}
	return ""
}

// entraTime matches YYYY-MM-DD[ T]HH:MM:SS[.frac]Z at the start of s.
func entraTime(s string) string {
	if len(s) < 20 {
		return ""
	}
	for i, c := range []byte(s[:19]) {
		switch i {
		case 4, 7:
			if c != '-' {
				return ""
			}
		case 10:
			if c != ' ' && c != 'T' {
				return ""
			}
		case 13, 16:
			if c != ':' {
				return ""
			}
		default:
			if c < '0' || c > '9' {
				return ""
			}
		}
	}
	e := 19
	if s[e] == '.' {
		e++
		for e < len(s) && s[e] >= '0' && s[e] <= '9' {
			e++
		}
	}
	if e < len(s) && s[e] == 'Z' {
		return s[:e+1]
	}
	return ""
}

// oauthErrors are the OAuth 2.0 and MSAL error names Entra and the SDKs print.
var oauthErrors = []string{
	"invalid_client", "invalid_grant", "unauthorized_client", "invalid_request", "invalid_scope",
	"interaction_required", "temporarily_unavailable", "access_denied", "unsupported_grant_type",
	"invalid_resource", "consent_required", "login_required", "authorization_pending", "expired_token",
	"server_error", "invalid_token", "managed_identity_request_failed", "managed_identity_unreachable_network",
	"invalid_instance", "unknown_error", "invalid_tenant", "invalid_dpop_proof", "slow_down",
	"unknown_user_type", // ADAL and MSAL: user realm discovery returned neither managed nor federated
}

// armErrors are ARM and data-plane codes of authorization/authentication failures.
var armErrors = []string{
	"AuthorizationFailed", "LinkedAuthorizationFailed", "InvalidAuthenticationTokenTenant",
	"InvalidAuthenticationTokenAudience", "InvalidAuthenticationToken", "ExpiredAuthenticationToken",
	"AuthorizationPermissionMismatch", "KeyBasedAuthenticationNotPermitted", "ForbiddenByRbac",
	"ForbiddenByPolicy", "AuthenticationFailed", "InvalidAuthenticationInfo", "AuthorizationFailure",
	"MissingSubscriptionRegistration",
	"Authorization_RequestDenied", // Microsoft Graph: "Insufficient privileges to complete the operation."
	"NoAuthenticationInformation", // Storage: a request without credentials ("Server failed to authenticate the request")
	"LocalAuthDisabled",           // Service Bus, Event Hubs: a SAS token sent to a namespace whose local auth is disabled
	"AuthorizationRequiredError",  // Log Analytics, Application Insights query API: 401 "Valid authentication was not provided"
}

// errorCode returns the Entra error name, else an ARM/data-plane code.
func errorCode(t string) string {
	// A labelled value first: "error": "invalid_client", ERROR CODE: X, (X).
	best, bestAt := "", len(t)+1
	found := errorSet.present(t) // only these can have a wordIndex
	for n, e := range oauthErrors {
		if !found.has(n) {
			continue
		}
		if i := wordIndex(t, e); i >= 0 && i < bestAt {
			best, bestAt = e, i
		}
	}
	if best != "" {
		return best
	}
	if c := msalErrorCode(t); c != "" {
		return c
	}
	if c := msalJSErrorCode(t); c != "" {
		return c
	}
	if i := strings.Index(t, "ERROR CODE: "); i >= 0 {
		v := t[i+len("ERROR CODE: "):]
		e := 0
		for e < len(v) && isIDChar(v[e]) {
			e++
		}
		if e > 0 && v[:e] != "UNAVAILABLE" {
			return v[:e]
		}
	}
	for n, e := range armErrors {
		if !found.has(len(oauthErrors) + n) {
			continue
		}
		if i := wordIndex(t, e); i >= 0 && i < bestAt {
			best, bestAt = e, i
		}
	}
	if best == "" {
		best = autorestCode(t)
	}
	if best == "" {
		for _, m := range serviceMessages {
			if strings.Contains(t, m.message) {
				return m.code
			}
		}
	}
	return best
}

// serviceMessages are the fixed messages ARM and Azure Storage return with
// an authentication error code, for logs that print the message without the
// code (Node's ms-rest, Storage Explorer's RestError details).
var serviceMessages = []struct{ message, code string }{
	{"Server failed to authenticate the request", "AuthenticationFailed"},             // Storage
	{"The access token is from the wrong issuer", "InvalidAuthenticationTokenTenant"}, // ARM
	{"The access token expiry UTC time", "ExpiredAuthenticationToken"},                // ARM
}

// autorestCode returns the service error code go-autorest prints in its
// "Service returned an error. Status=403 Code="Forbidden" Message=..."
// (Terraform's azurerm provider, older Go SDKs), else "".
func autorestCode(t string) string {
	for i := 0; ; {
		j := strings.Index(t[i:], `Code="`)
		if j < 0 {
			return ""
		}
		k := i + j
		i = k + len(`Code="`)
		if k > 0 && isIDChar(t[k-1]) {
			continue // ErrorCode=", StatusCode="
		}
		v := t[i:]
		e := 0
		for e < len(v) && isIDChar(v[e]) {
			e++
		}
		if e > 0 && e < len(v) && v[e] == '"' {
			return v[:e]
		}
	}
}

// msalErrorCode returns the error code MSAL.NET writes on a line of its own,
// snake_case: its logger's ", ErrorCode: wam_no_account_for_id" (the line
// after "Exception type: ..."), and an MsalException's ToString(),
// "MsalServiceException:" then a tab and "ErrorCode: <code>".
func msalErrorCode(t string) string {
	for _, label := range []string{", ErrorCode: ", "\n\tErrorCode: "} {
		i := strings.Index(t, label)
		if i < 0 {
			continue
		}
		v := t[i+len(label):]
		e := 0
		for e < len(v) && (v[e] >= 'a' && v[e] <= 'z' || v[e] >= '0' && v[e] <= '9' || v[e] == '_') {
			e++
		}
		if e >= 3 && strings.IndexByte(v[:e], '_') > 0 && (e == len(v) || v[e] == '\n' || v[e] == ' ' || v[e] == '\r') {
			return v[:e]
		}
	}
	return ""
}

// msalJSErrors are the error classes of MSAL.js (msal-common, msal-node,
// msal-browser), whose message starts with their snake_case code:
// "ClientAuthError: invalid_client_credential: Client credential ...",
// "BrowserAuthError: interaction_in_progress: Interaction is ...".
var msalJSErrors = []string{
	"ClientAuthError", "ClientConfigurationError", "BrowserAuthError", "BrowserConfigurationAuthError",
	"InteractionRequiredAuthError", "NodeAuthError", "ManagedIdentityError", "NestedAppAuthError",
	"ServerError", "AuthError",
}

// msalJSErrorCode returns the code an MSAL.js error names right after its
// class, else "".
func msalJSErrorCode(t string) string {
	for i := 0; ; {
		j := strings.Index(t[i:], "Error: ")
		if j < 0 {
			return ""
		}
		k := i + j + len("Error")
		i = k + 2
		cls := ""
		for _, n := range msalJSErrors {
			if strings.HasSuffix(t[:k], n) && (k == len(n) || !isIDChar(t[k-len(n)-1])) {
				cls = n
				break
			}
		}
		if cls == "" {
			continue // "AggregateAuthenticationError: ", "Error: "
		}
		v := t[i:]
		e := 0
		for e < len(v) && (v[e] >= 'a' && v[e] <= 'z' || v[e] >= '0' && v[e] <= '9' || v[e] == '_') {
			e++
		}
		if e >= 3 && strings.IndexByte(v[:e], '_') > 0 && e < len(v) && v[e] == ':' {
			return v[:e]
		}
	}
}

// errorSet finds oauthErrors, then armErrors, in one pass.
var errorSet = newPhraseSet(append(append([]string(nil), oauthErrors...), armErrors...))

// wordIndex finds w in t where it is not part of a longer identifier.
func wordIndex(t, w string) int {
	for i := 0; ; {
		j := strings.Index(t[i:], w)
		if j < 0 {
			return -1
		}
		k := i + j
		e := k + len(w)
		if (k == 0 || !isIDChar(t[k-1])) && (e >= len(t) || !isIDChar(t[e]) && (t[e] != '.' || sentenceEnd(t[e+1:]))) {
			return k
		}
		i = e
	}
}

// sentenceEnd reports that the '.' before rest ends a sentence (a space,
// a line end or the text's end follows it), not a dotted name: a code at the
// end of a sentence ("Unauthorized: AuthorizationRequiredError. Valid ...")
// is a word, "invalid_request.json" is not.
func sentenceEnd(rest string) bool {
	return len(rest) == 0 || rest[0] == ' ' || rest[0] == '\n' || rest[0] == '\r'
}

// errorMessage returns the Entra error_description (or the ARM message), cut
// before the Trace ID trailer, on one line.
func errorMessage(t string, codes []string) string {
	var v string
	for _, key := range []string{`"error_description"`, `'error_description'`, `errorDescription`, `error_description:`} {
		if i := strings.Index(t, key); i >= 0 {
			v = quotedAfter(t[i+len(key):])
			if v != "" {
				break
			}
		}
	}
	if v == "" && len(codes) > 0 {
		if i := strings.Index(t, "AADSTS"+codes[0]); i >= 0 {
			v = t[i:]
			if e := strings.IndexByte(v, '\n'); e >= 0 {
				v = v[:e]
			}
		}
	}
	if v == "" {
		for _, key := range []string{`"message"`, `'message'`} {
			if i := strings.Index(t, key); i >= 0 {
				if v = quotedAfter(t[i+len(key):]); v != "" {
					break
				}
			}
		}
	}
	if v == "" {
		if i := strings.Index(t, "does not have authorization"); i >= 0 {
			s := strings.LastIndexByte(t[:i], '\n') + 1
			v = t[s:]
			if e := strings.IndexByte(v, '\n'); e >= 0 {
				v = v[:e]
			}
		}
	}
	for _, cut := range []string{"Trace ID:", "Trace Id:", " - Correlation ID:", "\r", "\n"} {
		if i := strings.Index(v, cut); i > 0 {
			v = v[:i]
		}
	}
	return clip(strings.TrimSpace(strings.TrimRight(strings.TrimSpace(v), `"',`)), 600)
}

// quotedAfter returns the string value after a key: skips ':' and spaces, then
// reads a '"' or '\” quoted value up to its closing quote (a quote followed by
// ',', '}', ')' or a line end).
func quotedAfter(s string) string {
	k := 0
	for k < len(s) && (s[k] == ' ' || s[k] == ':' || s[k] == '=' || s[k] == '\n' || s[k] == '\t') {
		k++
	}
	if k >= len(s) || (s[k] != '"' && s[k] != '\'') {
		return ""
	}
	q := s[k]
	s = s[k+1:]
	for i := 0; i < len(s); i++ {
		if s[i] == q {
			if i+1 >= len(s) || strings.IndexByte(",}) \n]", s[i+1]) >= 0 {
				return s[:i]
			}
		}
	}
	return s
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && n < len(s) && s[n]&0xc0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}

// httpStatus finds the status of the failed response, preferring 4xx/5xx.
var statusLabels = []string{
	"RESPONSE Status: ", "RESPONSE ", "Status: ", "Status code: ", "Status Code = '", "StatusCode: ",
	"statusCode: ", "status code was ", "status code ", "received HTTP status ", "cannot fetch token: ",
	"http error: ", "\"status\": ", "\"statusCode\":", "status_code=", "StatusCode=", "Status code ",
	"HTTP status ", "status: ", "Status Code: ", "HTTP/1.1\" ", "HTTP/2\" ", "(status code ",
	"Response status code: ", "HTTP StatusCode ", "resulted in a `",
	"rsp_status = ", // Rust reqsign (OpenDAL): "rsp_status = 401 Unauthorized, rsp_body = {...}"
	"status code: ", // MSAL.NET's managed identity errors: "Request failure status code: 404"
	"status-code: ", // azure-core-amqp (Java): "status-code: 401, status-description: ..."
	// Hadoop ABFS's AzureADAuthenticator (Spark, Databricks): "HTTP Error 401;
	// url='https://login.microsoftonline.com/.../oauth2/token' AADToken: ...";
	// IIS/HTTP.sys error pages: "HTTP Error 400. The request is badly formed."
	"HTTP Error ",
}

// statusLabelSet finds statusLabels in one pass.
var statusLabelSet = newPhraseSet(statusLabels)

func httpStatus(t string) int {
	best := 0
	bestAt := len(t) + 1
	found := statusLabelSet.present(t) // only these can be at a status
	for n, l := range statusLabels {
		if !found.has(n) {
			continue
		}
		for i := 0; ; {
			j := strings.Index(t[i:], l)
			if j < 0 {
				break
			}
			k := i + j + len(l)
			i = k
			if l[len(l)-1] == ':' && k < len(t) && t[k] == ' ' {
				k++ // pretty-printed JSON: "statusCode": 401
			}
			d := digitsAt(t, k)
			if len(d) != 3 {
				continue
			}
			n, _ := strconv.Atoi(d)
			if n >= 400 && n <= 599 && k < bestAt {
				best, bestAt = n, k
			}
			break
		}
	}
	if best == 0 {
		// "401 (Unauthorized)", "400 (BadRequest)": .NET HttpRequestException and Azure.Core.
		// "400 Client Error: Bad Request for url: ...": Python requests'
		// raise_for_status.
		for _, w := range []string{" (Unauthorized)", " (BadRequest)", " (Bad Request)", " (Forbidden)", " (NotFound)",
			" Client Error: ", " Server Error: "} {
			if i := strings.Index(t, w); i >= 3 {
				if d := t[i-3 : i]; isDigit(d[0]) && isDigit(d[1]) && isDigit(d[2]) && (i == 3 || !isDigit(t[i-4])) {
					best, _ = strconv.Atoi(d)
					break
				}
			}
		}
	}
	if best == 0 {
		best = namedStatus(t)
	}
	if best == 0 {
		best = statusBeforeBody(t)
	}
	if best == 0 {
		// "Status: BadRequest": a status by its HttpStatusCode name (MSAL.NET).
		if i := strings.Index(t, "Status: "); i >= 0 {
			v := t[i+len("Status: "):]
			for _, n := range statusNames {
				if strings.HasPrefix(v, n.name) && (len(v) == len(n.name) || !isIDChar(v[len(n.name)])) {
					best = n.code
					break
				}
			}
		}
	}
	if best == 0 {
		// .NET WebException "(401) Unauthorized"
		for _, w := range []string{"(400) Bad Request", "(401) Unauthorized", "(403) Forbidden", "(404) Not Found"} {
			if strings.Contains(t, w) {
				best, _ = strconv.Atoi(w[1:4])
				break
			}
		}
	}
	return best
}

// namedStatus finds a failed status written with its name, in the forms
// clients print it: .NET's "Forbidden (403)" (the Cosmos DB SDK's
// "Response status code does not indicate success: Forbidden (403)"), an
// HTTP status line "403 Forbidden" at a line's start or after "HTTP/1.1 "
// (curl, HTTP clients, error pages), and the Hadoop ABFS driver's
// 'Operation failed: "<message>", 403, GET, <url>'.
func namedStatus(t string) int {
	for _, n := range statusNames {
		if i := strings.Index(t, n.name); i >= 0 {
			d := t[i+len(n.name):]
			if len(d) >= 6 && d[0] == ' ' && d[1] == '(' && d[5] == ')' && statusAt(d[2:5]) == n.code {
				return n.code
			}
		}
	}
	for _, r := range statusPhrases {
		for i := 0; ; {
			j := strings.Index(t[i:], r.phrase)
			if j < 0 {
				break
			}
			k := i + j // the space before the phrase
			i = k + len(r.phrase)
			if k < 3 || statusAt(t[k-3:k]) != r.code {
				continue
			}
			if p := k - 3; p == 0 || t[p-1] == '\n' || strings.HasSuffix(t[:p], "HTTP/1.1 ") || strings.HasSuffix(t[:p], "HTTP/2 ") {
				if e := i; e == len(t) || t[e] == '\n' || t[e] == ' ' || t[e] == '\r' {
					return r.code
				}
			}
		}
	}
	if i := strings.Index(t, `Operation failed: "`); i >= 0 {
		v := t[i+len(`Operation failed: "`):]
		if e := strings.Index(v[:min(len(v), 600)], `", `); e >= 0 {
			d := v[e+3:]
			if len(d) > 4 && (d[0] == '4' || d[0] == '5') && isDigit(d[1]) && isDigit(d[2]) && d[3] == ',' {
				n, _ := strconv.Atoi(d[:3])
				return n
			}
		}
	}
	return 0
}

// statusBeforeBody finds a failed status that opens a line with a colon,
// the response body after it: "400: b'{"error":"invalid_grant",...' (the
// "<status>: <body>" of Python clients that raise with both, the body as
// bytes or text; inline-code backticks of an issue's paste allowed).
func statusBeforeBody(t string) int {
	for p := 0; p < len(t); {
		n := statusAt(t[p:min(len(t), p+3)])
		if n >= 400 && n <= 599 && strings.HasPrefix(t[p+3:], ": ") {
			v := strings.TrimLeft(t[p+5:], "`")
			v = strings.TrimPrefix(strings.TrimPrefix(v, "b'"), `b"`)
			if strings.HasPrefix(v, "{") && strings.Contains(v[:min(len(v), 40)], "error") {
				return n
			}
		}
		nl := strings.IndexByte(t[p:], '\n')
		if nl < 0 {
			break
		}
		p += nl + 1
	}
	return 0
}

// statusAt returns the number three digits spell, or 0.
func statusAt(d string) int {
	if len(d) != 3 || !isDigit(d[0]) || !isDigit(d[1]) || !isDigit(d[2]) {
		return 0
	}
	return int(d[0]-'0')*100 + int(d[1]-'0')*10 + int(d[2]-'0')
}

// statusPhrases are the reason phrases of failed HTTP responses, after
// their status and a space.
var statusPhrases = []struct {
	phrase string
	code   int
}{
	{" Bad Request", 400}, {" Unauthorized", 401}, {" Forbidden", 403}, {" Not Found", 404},
	{" Too Many Requests", 429}, {" Internal Server Error", 500}, {" Bad Gateway", 502},
	{" Service Unavailable", 503}, {" Gateway Timeout", 504},
}

// statusNames are .NET's HttpStatusCode names of failed responses.
var statusNames = []struct {
	name string
	code int
}{
	{"BadRequest", 400}, {"Unauthorized", 401}, {"Forbidden", 403}, {"NotFound", 404},
	{"TooManyRequests", 429}, {"InternalServerError", 500}, {"BadGateway", 502},
	{"ServiceUnavailable", 503}, {"GatewayTimeout", 504},
}

// urlKind ranks a URL: token endpoints first, then IMDS/managed identity
// endpoints, then ARM and data-plane resources. 0 means not a request URL.
func urlKind(u string) int {
	switch {
	case strings.Contains(u, "/oauth2/"):
		return 4
	case strings.Contains(u, "169.254.169.254") || strings.Contains(u, "/metadata/identity") || strings.Contains(u, "/msi/token") || strings.Contains(u, "identity/oauth2"):
		return 3
	case strings.Contains(u, "management.azure.com") || strings.Contains(u, "management.usgovcloudapi.net") || strings.Contains(u, "management.chinacloudapi.cn"):
		return 2
	case strings.Contains(u, "aka.ms/") || strings.Contains(u, "learn.microsoft.com") || strings.Contains(u, "docs.microsoft.com") ||
		strings.Contains(u, "/error?code=") || strings.Contains(u, "github.com") || strings.Contains(u, "go.microsoft.com"):
		return 0
	case strings.Contains(u, ".vault.azure.net") || strings.Contains(u, ".core.windows.net") || strings.Contains(u, ".azure.com"):
		return 1
	}
	return 0
}

// requestURL returns the best request URL in t, without query or fragment.
func requestURL(t string) string {
	best, bestKind := "", 0
	for i := 0; ; {
		j := strings.Index(t[i:], "http")
		if j < 0 {
			break
		}
		k := i + j
		i = k + 4
		rest := t[k:]
		if !strings.HasPrefix(rest, "https://") && !strings.HasPrefix(rest, "http://") {
			continue
		}
		e := 0
		for e < len(rest) && !strings.ContainsRune(" \t\n\"'<>`)|,\\", rune(rest[e])) {
			e++
		}
		u := rest[:e]
		if q := strings.IndexAny(u, "?#"); q >= 0 {
			u = u[:q]
		}
		u = strings.TrimRight(u, ".:;")
		if kind := urlKind(u); kind > bestKind {
			best, bestKind = u, kind
		}
		i = k + e
	}
	return best
}

// tenantFromURL returns the tenant segment of a token URL
// (https://login.microsoftonline.com/<tenant>/oauth2/...).
func tenantFromURL(u string) string {
	i := strings.Index(u, "/oauth2/")
	if i < 0 {
		return ""
	}
	p := u[:i]
	j := strings.LastIndexByte(p, '/')
	if j < 0 || j < len("https://") {
		return ""
	}
	seg := p[j+1:]
	if seg == "" || strings.EqualFold(seg, "adfs") {
		return ""
	}
	// The managed identity endpoints' paths are not an authority
	// ("http://169.254.169.254/metadata/identity/oauth2/token").
	if strings.HasSuffix(p, "/metadata/identity") {
		return ""
	}
	// A masked or template segment ("xxx-xxx-xxx-xx-xxx", "{tenant_id}",
	// "<tenant>") names no tenant.
	if !plausibleID(seg) || strings.ContainsAny(seg, "{}<>") {
		return ""
	}
	return seg // as written: common and organizations too
}

// queryValue returns the value of key in the query of the first URL holding it.
func queryValue(t, key string) string {
	for _, sep := range []string{"?" + key + "=", "&" + key + "="} {
		if i := strings.Index(t, sep); i >= 0 {
			v := t[i+len(sep):]
			e := 0
			for e < len(v) && isIDChar(v[e]) {
				e++
			}
			if plausibleID(v[:e]) {
				return v[:e]
			}
		}
	}
	return ""
}

// Labels before a trace, correlation, tenant or client id, in order of trust.
var (
	traceLabels = newPhraseSet([]string{
		"Trace ID:", "Trace Id:", "TraceId:", "trace_id", "traceId", "Trace ID :", "Request Id:", "Request ID:",
		"Trace+ID:+", // a form-encoded error_description (MSAL for iOS and macOS's MSALErrorDescriptionKey)
	})
	correlationLabels = newPhraseSet([]string{
		"Correlation ID:", "Correlation Id:", "correlation_id", "correlationId", "CorrelationId:", "Correlation ID :",
		"Correlation+ID:+",
	})
	tenantLabels = newPhraseSet([]string{
		"in the directory '", "in the directory ", "Tenant '", "tenant '", "for tenant \"", "for tenant '",
		"Domain: '", "\"tenant_id\"", "'tenant_id'", "tenantId: '", "\"tenantId\"", "-Tenant ", "AZURE_TENANT_ID=",
		"TenantId: ", "Tenant ID: ", "tenant_id=", "tenant ID ", "--tenant ", "-TenantId ", "tenant domain '",
	})
	clientLabels = newPhraseSet([]string{
		"app '", "Application with identifier", "application with identifier", "The client '",
		"application with ID '", "Application with ID '", "\"client_id\"", "'client_id'", "ClientId: '",
		"clientId: '", "\"clientId\"", "with client ID \"", "with client ID '", "AZURE_CLIENT_ID=",
		"Client ID: ", "client ID '", "ClientId=", "appid=", "app_id=", "app Id '", "appId '", "application id '",
		"Application '", "for application '",
		// AADSTS50011: "...reply URLs configured for the application:
		// '<id>'" (and the later "redirect URIs configured for the
		// application '<id>'").
		"configured for the application: '", "configured for the application '",
	})
)

// tenantBeforeDirectory returns the tenant Entra names between "in the" and
// "directory" without quotes, as AADSTS50034 does: "The user account X does
// not exist in the <tenant> directory." Only a GUID or a domain name counts:
// a display name there ("in the Default Directory directory") is not an ID.
func tenantBeforeDirectory(t string) string {
	for i := 0; ; {
		j := strings.Index(t[i:], " directory")
		if j < 0 {
			return ""
		}
		e := i + j
		i = e + len(" directory")
		s := e
		for s > 0 && (isIDChar(t[s-1]) || t[s-1] == '.') {
			s--
		}
		if s < len(" in the ") || t[s-len(" in the "):s] != " in the " {
			continue
		}
		if v := t[s:e]; isGUID(v) || strings.IndexByte(v, '.') > 0 && plausibleID(v) && !strings.HasSuffix(v, ".") {
			return v
		}
	}
}

// msalLogCorrelation returns the correlation ID of an MSAL.NET log line:
// "<True|False> MSAL <version> <SKU> ... [<time> - <correlation id>] <message>".
func msalLogCorrelation(t string) string {
	for i := 0; ; {
		j := strings.Index(t[i:], "MSAL ")
		if j < 0 {
			return ""
		}
		k := i + j + len("MSAL ")
		i = k
		if k >= len(t) || !isDigit(t[k]) {
			continue // "MSAL <version>"
		}
		line := t[k:]
		if e := strings.IndexByte(line, '\n'); e >= 0 {
			line = line[:e]
		}
		o := strings.IndexByte(line, '[')
		if o < 0 {
			continue
		}
		c := strings.IndexByte(line[o:], ']')
		if c < 0 {
			continue
		}
		in := line[o+1 : o+c]
		if d := strings.LastIndex(in, " - "); d >= 0 && isGUID(in[d+3:]) {
			return in[d+3:]
		}
	}
}

// credentialExclude are *Credential types that are not identity credentials.
var credentialExclude = map[string]bool{
	"TokenCredential": true, "PSCredential": true, "AzureCredential": true, "AzureKeyCredential": true,
	"AzureNamedKeyCredential": true, "AzureSasCredential": true, "StorageSharedKeyCredential": true,
	"NetworkCredential": true, "SqlCredential": true, "GetCredential": true, "SharedKeyCredential": true,
	"AccessTokenCredential": false, "UserCredential": true, "BasicCredential": true, "ServiceClientCredential": true,
	"BearerTokenCredential": true, "StaticTokenCredential": true, "TokenCredentials": true, "ICredential": true,
	"DefaultCredential": true, "SystemCredential": true, "AzureDevOpsCredential": true, "CachedCredential": true,
	"NewDefaultAzureCredential": true, "NewClientSecretCredential": true, "NewManagedIdentityCredential": true,
	"NewClientCertificateCredential": true, "NewWorkloadIdentityCredential": true, "NewAzureCLICredential": true,
	"NewChainedTokenCredential": true, "NewEnvironmentCredential": true, "NewClientAssertionCredential": true,
	"NewAzureDeveloperCLICredential": true, "NewAzurePipelinesCredential": true, "NewOnBehalfOfCredential": true,
	"NewUsernamePasswordCredential": true, "NewDeviceCodeCredential": true, "NewInteractiveBrowserCredential": true,
	"NewAzurePowerShellCredential": true,
}

// credentials returns the credential type names in t, in order, no repeats.
func credentials(t string) []string {
	var out []string
	for i := 0; ; {
		j := strings.Index(t[i:], "Credential")
		if j < 0 {
			break
		}
		k := i + j
		e := k + len("Credential")
		i = e
		if e < len(t) && (t[e] >= 'a' && t[e] <= 'z' || t[e] >= 'A' && t[e] <= 'Z' || t[e] >= '0' && t[e] <= '9') {
			continue // CredentialUnavailableError, DefaultAzureCredentialOptions
		}
		s := k
		for s > 0 && (t[s-1] >= 'a' && t[s-1] <= 'z' || t[s-1] >= 'A' && t[s-1] <= 'Z' || t[s-1] >= '0' && t[s-1] <= '9') {
			s--
		}
		if s == k || t[s] < 'A' || t[s] > 'Z' || (s > 0 && (t[s-1] == '_' || t[s-1] == '$')) {
			continue
		}
		name := t[s:e]
		if credentialExclude[name] || isFuncName(name) {
			continue
		}
		out = addUnique(out, name)
	}
	return out
}

// isFuncName reports function names that end in Credential
// (NewClientSecretCredential, AcquireTokenByCredential): stack frames, not types.
func isFuncName(name string) bool {
	for _, p := range []string{"New", "Acquire", "Get", "Create", "Build", "With", "Set", "Load", "Make", "Parse", "Handle", "Resolve", "From", "To", "Use", "Add", "Register"} {
		if strings.HasPrefix(name, p) && len(name) > len(p) && name[len(p)] >= 'A' && name[len(p)] <= 'Z' {
			return true
		}
	}
	return false
}

// memberName infers a chain member's credential from its message when the
// SDK did not print the type (.NET and JS print some members that way).
func memberName(msg string) string {
	if c := credentials(msg); len(c) > 0 {
		return c[0]
	}
	switch {
	case strings.Contains(msg, "Azure Developer CLI") || strings.Contains(msg, "azd "):
		return "AzureDeveloperCliCredential"
	case strings.Contains(msg, "Azure CLI") || strings.Contains(msg, "az login"):
		return "AzureCliCredential"
	case strings.Contains(msg, "PowerShell") || strings.Contains(msg, "Az.Account"):
		return "AzurePowerShellCredential"
	case strings.Contains(msg, "Visual Studio Code") || strings.Contains(msg, "Vs Code") || strings.Contains(msg, "VS Code") ||
		// Azure.Identity (.NET) 1.3-1.5: "Stored credentials not found. Need
		// to authenticate user in VSCode Azure Account."
		strings.Contains(msg, "VSCode"):
		return "VisualStudioCodeCredential"
	case strings.Contains(msg, "Visual Studio"):
		return "VisualStudioCredential"
	case strings.Contains(msg, "SharedTokenCache") || strings.Contains(msg, "Shared token cache"):
		return "SharedTokenCacheCredential"
	case strings.Contains(msg, "anaged identity") || strings.Contains(msg, "anaged Identity") || strings.Contains(msg, "IMDS"):
		return "ManagedIdentityCredential"
	case strings.Contains(msg, "nvironment variables"):
		return "EnvironmentCredential"
	case strings.Contains(msg, "orkload"):
		return "WorkloadIdentityCredential"
	case strings.Contains(msg, "IntelliJ"):
		return "IntelliJCredential"
	}
	return ""
}
