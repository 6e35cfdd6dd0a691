package redact

import "bytes"

const (
	maxKeyLen   = 64       // longest key name considered
	maxValueLen = 16 << 10 // a quoted value without its closing quote is redacted this far at most
	maxPEMLen   = 64 << 10 // a PEM body is looked for this far
)

func isKeyChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-' || c == '.'
}
func isLower(c byte) bool { return 'a' <= c && c <= 'z' }
func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isB64URL(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-'
}
func isSpace(c byte) bool { return c == ' ' || c == '\t' }

// keyPatterns classify a key by the end of its normalized name (lower case, without '_', '-',
// '.'). boundary: the suffix must start a word of the key (AZURE_CLIENT_SECRET, clientSecret,
// x-identity-header), so that "invalidtoken" is no "id token" and "OLDPWD" no "pwd".
var keyPatterns = []struct {
	suffix   string
	kind     string
	boundary bool
}{
	{"clientsecret", KindClientSecret, true},
	{"password", KindPassword, false},
	{"passwd", KindPassword, false},
	{"pwd", KindPassword, true},
	{"refreshtoken", KindRefreshToken, true},
	{"accesstoken", KindJWT, true},
	{"idtoken", KindJWT, true},
	{"clientassertion", KindClientAssertion, true},
	{"authorization", KindAuthorizationHeader, true},
	{"identityheader", KindIdentityHeader, true},
	{"accountkey", KindAccountKey, true},
	{"sharedaccesskey", KindAccountKey, true},
}

// classify returns the kind of secret a key name holds, or "".
func classify(key []byte) string {
	var norm [maxKeyLen]byte
	var bound uint64 // bit i: a word starts at norm[i]
	n := 0
	for i, c := range key {
		if c == '_' || c == '-' || c == '.' {
			continue
		}
		if i == 0 || key[i-1] == '_' || key[i-1] == '-' || key[i-1] == '.' ||
			isUpper(c) && (isLower(key[i-1]) || isDigit(key[i-1])) ||
			isUpper(c) && isUpper(key[i-1]) && i+1 < len(key) && isLower(key[i+1]) ||
			!isDigit(c) && isDigit(key[i-1]) {
			bound |= 1 << n
		}
		if isUpper(c) {
			c += 'a' - 'A'
		}
		norm[n] = c
		n++
	}
	for _, p := range keyPatterns {
		s := n - len(p.suffix)
		if s < 0 || string(norm[s:n]) != p.suffix {
			continue
		}
		if p.boundary && bound&(1<<s) == 0 {
			continue
		}
		if p.kind == KindAuthorizationHeader {
			// Only the header itself, not WithAuthorization: or authorizationUrl.
			switch string(norm[:n]) {
			case "authorization", "proxyauthorization", "httpauthorization":
			default:
				continue
			}
		}
		return p.kind
	}
	return ""
}

// keyValue looks for a key containing src[ts:te] followed by a separator and a value.
func keyValue(hits []Hit, src []byte, ts, te int) []Hit {
	ks, ke, kind := keyAt(src, ts, te)
	if kind == "" {
		return hits
	}
	return keyValueHit(hits, src, ks, ke, kind)
}

// keyAt finds the key src[ks:ke] around src[ts:te] and the kind of secret it names ("" for
// none). It reads at most maxKeyLen+10 bytes before ts and maxKeyLen after te, and stops at
// any byte that is no key byte ('\n' included), so it gives the same answer on a line as on
// the block that holds it.
func keyAt(src []byte, ts, te int) (ks, ke int, kind string) {
	ks = ts
	for ks > 0 && ts-ks < maxKeyLen && isKeyChar(src[ks-1]) {
		ks--
	}
	ke = te
	for ke < len(src) && isKeyChar(src[ke]) {
		ke++
		if ke-ks > maxKeyLen {
			return 0, 0, ""
		}
	}
	// A key ends in a letter: "password." at the end of a sentence is no key.
	for ke > te && (src[ke-1] == '.' || src[ke-1] == '-') {
		ke--
	}
	if ke-ks > maxKeyLen {
		return 0, 0, ""
	}
	if ks >= 10 && string(src[ks-10:ks]) == "[REDACTED:" {
		return 0, 0, "" // our own placeholder names a kind: [REDACTED:client_secret]
	}
	return ks, ke, classify(src[ks:ke])
}

// keyValueHit parses the separator and value after the key src[ks:ke] of the given kind
// and adds the value as a hit, unless it is missing or masked.
func keyValueHit(hits []Hit, src []byte, ks, ke int, kind string) []Hit {
	if isCmdletRecord(src, ks, ke) {
		return hits
	}
	vs, ve, ok := value(src, ke, kind)
	if !ok {
		return hits
	}
	if kind == KindPassword && isPWDPath(src[ks:ke], src[vs:ve]) {
		return hits
	}
	return addHit(hits, src, kind, vs, ve)
}

// isCmdletRecord: "Get-AzAccessToken : Cannot retrieve access token for ..." is a PowerShell
// error record, the name of the cmdlet that failed and its message, not a key and its value: a
// Verb-Noun name, then a space before the colon.
func isCmdletRecord(src []byte, ks, ke int) bool {
	key := src[ks:ke]
	i := bytes.IndexByte(key, '-')
	if i < 2 || i+1 >= len(key) || !isUpper(key[0]) || !isUpper(key[i+1]) {
		return false
	}
	for _, c := range key[1:i] {
		if !isLower(c) {
			return false
		}
	}
	for _, c := range key[i+1:] {
		if !isUpper(c) && !isLower(c) && !isDigit(c) {
			return false
		}
	}
	j := ke
	for j < len(src) && isSpace(src[j]) {
		j++
	}
	return j > ke && j < len(src) && src[j] == ':'
}

// isPWDPath: PWD=/home/app in an environment dump is a directory, not a password.
func isPWDPath(key, v []byte) bool {
	return len(key) >= 3 && (string(key[len(key)-3:]) == "PWD" || string(key[len(key)-3:]) == "pwd") &&
		len(v) > 0 && (v[0] == '/' || v[0] == '~')
}

func addHit(hits []Hit, src []byte, kind string, vs, ve int) []Hit {
	if vs >= ve || masked(src[vs:ve]) {
		return hits
	}
	return append(hits, Hit{Kind: kind, Start: vs, End: ve})
}

// quoteToken reports a quote at src[i:]: plain (a run of backslashes, then " or '; esc is
// the number of backslashes) or encoded (\u0022, \u0027, &quot;, &#34;, &#39;, %22).
func quoteToken(src []byte, i int) (n int, q byte, esc int, encoded bool) {
	j := i
	for j < len(src) && src[j] == '\\' && j-i < 16 {
		j++
	}
	if j < len(src) && (src[j] == '"' || src[j] == '\'') {
		return j + 1 - i, src[j], j - i, false
	}
	rest := src[i:]
	for _, e := range [...]string{`\u0022`, `\u0027`, `&quot;`, `&#34;`, `&#39;`, `%22`} {
		if bytes.HasPrefix(rest, []byte(e)) {
			return len(e), e[0], 0, true
		}
	}
	return 0, 0, 0, false
}

// separator reports the length of a key/value separator at src[i:].
func separator(src []byte, i int) int {
	if i >= len(src) {
		return 0
	}
	switch src[i] {
	case '=':
		if i+1 < len(src) && src[i+1] == '>' {
			return 2 // Ruby, Perl
		}
		return 1
	case ':':
		if i+1 < len(src) && src[i+1] == '=' {
			return 2
		}
		return 1
	case '%':
		if i+2 < len(src) && src[i+1] == '3' && (src[i+2]|0x20 == 'd' || src[i+2]|0x20 == 'a') {
			return 3 // %3D, %3A
		}
	case '\\':
		if bytes.HasPrefix(src[i:], []byte(`\u003d`)) || bytes.HasPrefix(src[i:], []byte(`\u003D`)) {
			return 6
		}
	}
	return 0
}

// unquotedEnd returns the end of an unquoted value starting at i.
func unquotedEnd(src []byte, i int, encodedSep bool) int {
	j := i
	for ; j < len(src) && j-i < maxValueLen; j++ {
		switch src[j] {
		case ' ', '\t', '\r', '\n', '"', '\'', '&', ';', '<', '>', '\\', '`', '|':
			return j
		case '%':
			if encodedSep && j+2 < len(src) && src[j+1] == '2' && (src[j+2] == '6' || src[j+2] == '2' || src[j+2] == '0') {
				return j // %26, %22, %20 in a URL-encoded context
			}
		}
	}
	return j
}

// value parses the separator and value after a key ending at ke. It returns the value span.
func value(src []byte, ke int, kind string) (vs, ve int, ok bool) {
	j := ke
	if n, _, _, _ := quoteToken(src, j); n > 0 { // the key's closing quote
		j += n
	}
	if kind == KindAuthorizationHeader || kind == KindIdentityHeader {
		for j < len(src) && src[j] == ']' { // headers["Authorization"]
			j++
		}
	}
	for j < len(src) && isSpace(src[j]) {
		j++
	}
	sl := separator(src, j)
	if sl == 0 {
		return 0, 0, false
	}
	encodedSep := src[j] == '%' || src[j] == '\\'
	sep := src[j]
	j += sl
	for j < len(src) && isSpace(src[j]) {
		j++
	}
	if (kind == KindAuthorizationHeader || kind == KindIdentityHeader) && j < len(src) && src[j] == '[' &&
		!bytes.HasPrefix(src[j:], []byte("[REDACTED")) {
		j++ // Go's http.Header printed as a map: Authorization:[Bearer xyz]
	}
	n, q, esc, encoded := quoteToken(src, j)
	vs = j + n
	switch {
	case n > 0 && !encoded:
		ve = quotedEnd(src, vs, q, esc)
	case n > 0: // encoded quote: ends at the next escape
		ve = vs
		for ve < len(src) && ve-vs < maxValueLen {
			c := src[ve]
			if c == '\\' || c == '&' || c == '%' || c == '"' || c == '\'' || c == '\r' || c == '\n' || c == ' ' || c == '<' {
				break
			}
			ve++
		}
	default:
		if vs < len(src) && (src[vs] == '{' || src[vs] == '[') && !bytes.HasPrefix(src[vs:], []byte("[REDACTED")) {
			return 0, 0, false // a JSON object or array ("access_token": {"essential": true}), not a value
		}
		ve = unquotedEnd(src, vs, encodedSep)
		if (kind == KindPassword || kind == KindAccountKey) && sep == '=' {
			// Connection string: the value runs to the next ';' (it may hold spaces).
			if k := connStringEnd(src, vs); k > ve {
				ve = k
			}
		}
	}
	if kind == KindAuthorizationHeader {
		vs, ve = authCredentials(src, vs, ve, n == 0, encodedSep)
	}
	return vs, ve, true
}

// connStringEnd returns the index of the ';' ending a connection string value at i, or -1.
func connStringEnd(src []byte, i int) int {
	for j := i; j < len(src) && j-i < 256; j++ {
		switch src[j] {
		case ';':
			return j
		case '\r', '\n', '"', '\'', '&', '<', '\\':
			return -1
		}
	}
	return -1
}

// quotedEnd finds the quote closing a value opened by esc backslashes and q. A quote preceded
// by k backslashes closes it when k == esc, or when the extra backslashes are escaped
// backslashes at that nesting level ((k-esc) a multiple of 2(esc+1)). A line end also ends it.
func quotedEnd(src []byte, i int, q byte, esc int) int {
	for j := i; j < len(src); j++ {
		if j-i >= maxValueLen {
			return j
		}
		c := src[j]
		if c == '\n' || c == '\r' {
			return trimBackslashes(src, i, j)
		}
		if c != q {
			continue
		}
		k := 0
		for j-k-1 >= i && src[j-k-1] == '\\' {
			k++
		}
		if k == esc || k > esc && (k-esc)%(2*(esc+1)) == 0 {
			return j - esc
		}
	}
	return len(src)
}

func trimBackslashes(src []byte, i, j int) int {
	for j > i && src[j-1] == '\\' {
		j--
	}
	return j
}

// authCredentials keeps an authorization scheme ("Bearer ", "Basic ", "SharedKey ") out of
// the redacted span.
func authCredentials(src []byte, vs, ve int, unquoted, encodedSep bool) (int, int) {
	j := vs
	for j < ve && j-vs <= 32 && (isUpper(src[j]) || isLower(src[j]) || j > vs && (isDigit(src[j]) || src[j] == '-')) {
		j++
	}
	if bytes.HasPrefix(src[vs:ve], []byte("http:")) || bytes.HasPrefix(src[vs:ve], []byte("https:")) {
		return vs, vs // a URL: authorization="https://login..." in a WWW-Authenticate challenge
	}
	if j == vs || j-vs > 32 {
		return vs, ve
	}
	sp := 0
	switch {
	case j < len(src) && (src[j] == ' ' || src[j] == '+'):
		sp = 1
	case bytes.HasPrefix(src[j:], []byte("%20")):
		sp = 3
	}
	if sp == 0 || j+sp >= len(src) {
		return vs, ve
	}
	if !authScheme(src[vs:j]) {
		return vs, vs // prose ("Authorization: Failed to ..."): a credential has no space
	}
	cs := j + sp
	if unquoted {
		// The scheme ended the unquoted value at its space: the credentials follow.
		return cs, unquotedEnd(src, cs, encodedSep)
	}
	if cs >= ve {
		return vs, ve
	}
	return cs, ve
}

// authScheme reports the HTTP authentication schemes seen in Azure logs.
func authScheme(w []byte) bool {
	var low [24]byte
	if len(w) > len(low) {
		return false
	}
	for i, c := range w {
		if isUpper(c) {
			c += 'a' - 'A'
		}
		low[i] = c
	}
	switch string(low[:len(w)]) {
	case "bearer", "basic", "sharedkey", "sharedkeylite", "sharedaccesssignature", "digest", "negotiate",
		"ntlm", "pop", "dpop", "mac", "token", "hawk", "oauth", "signature", "aws4-hmac-sha256", "apikey":
		return true
	}
	return false
}

// masked reports values that are no secret: empty, already masked, placeholders, references.
func masked(v []byte) bool {
	if len(v) == 0 || bytes.HasPrefix(v, []byte("[REDACTED")) || bytes.Contains(v, []byte("REDACTED")) {
		return true
	}
	all := true
	for _, c := range v {
		if c != '*' && c != 'x' && c != 'X' && c != '.' && c != '#' && c != '?' {
			all = false
			break
		}
	}
	if all {
		return true
	}
	// <secret>, <client-secret>, [secret], {secret}: a word in brackets.
	if len(v) >= 3 && (v[0] == '<' && v[len(v)-1] == '>' || v[0] == '[' && v[len(v)-1] == ']' || v[0] == '{' && v[len(v)-1] == '}') {
		word := true
		for _, c := range v[1 : len(v)-1] {
			if !(isUpper(c) || isLower(c) || c == '_' || c == '-' || c == ' ' || c == '.') {
				word = false
				break
			}
		}
		if word {
			return true
		}
	}
	// References to where a secret lives: ${VAR}, $(VAR), {{ .Values.x }}, %VAR%, $VAR.
	if bytes.HasPrefix(v, []byte("${")) && v[len(v)-1] == '}' || bytes.HasPrefix(v, []byte("$(")) && v[len(v)-1] == ')' ||
		bytes.HasPrefix(v, []byte("{{")) && bytes.HasSuffix(v, []byte("}}")) ||
		len(v) > 2 && v[0] == '%' && v[len(v)-1] == '%' && isUpper(v[1]) {
		return true
	}
	if v[0] == '$' && len(v) > 1 {
		ref := true
		for _, c := range v[1:] {
			if !(isUpper(c) || c == '_' || isDigit(c)) {
				ref = false
				break
			}
		}
		if ref {
			return true
		}
	}
	if len(v) <= 9 {
		var low [9]byte
		for i, c := range v {
			if isUpper(c) {
				c += 'a' - 'A'
			}
			low[i] = c
		}
		switch string(low[:len(v)]) {
		case "null", "none", "nil", "undefined", "redacted", "hidden", "masked", "sanitized", "removed", "omitted", "filtered", "n/a", "true", "false", "bearer", "basic":
			return true
		}
	}
	return false
}

// jwt: "yJ" at s; a JWT starts with "eyJ" (base64url of `{"`) and has 2 to 5 segments.
func jwt(hits []Hit, src []byte, s int) []Hit {
	e := s - 1
	if e < 0 || src[e] != 'e' {
		return hits
	}
	if e > 0 && isB64URL(src[e-1]) {
		// Allowed after an escape: Bearer%20eyJ, \u0022eyJ.
		if !(e >= 3 && src[e-3] == '%') && !(e >= 6 && src[e-6] == '\\' && src[e-5] == 'u') {
			return hits
		}
	}
	j, end, segs := e, e, 0
	for segs < 5 {
		k := j
		for k < len(src) && isB64URL(src[k]) {
			k++
		}
		if k == j || segs == 0 && k-j < 10 || segs == 1 && k-j < 2 {
			break
		}
		segs++
		end = k
		if k >= len(src) || src[k] != '.' {
			break
		}
		j = k + 1
	}
	if segs < 2 {
		return hits
	}
	return addHit(hits, src, KindJWT, e, end)
}

func isSecretChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-' || c == '.' || c == '~'
}

// entraSecret: "Q~" at s of an Entra client secret, [3 chars][digit]Q~[31-34 chars].
func entraSecret(hits []Hit, src []byte, s int) []Hit {
	start := s - 4
	if start < 0 || !isDigit(src[s-1]) {
		return hits
	}
	for _, c := range src[start : s-1] {
		if !isSecretChar(c) {
			return hits
		}
	}
	if start > 0 && (isSecretChar(src[start-1]) || src[start-1] == '+' || src[start-1] == '/') {
		return hits
	}
	e := s + 2
	for e < len(src) && isSecretChar(src[e]) && e-(s+2) <= 34 {
		e++
	}
	n := e - (s + 2)
	if n < 31 || n > 34 || e < len(src) && (isSecretChar(src[e]) || src[e] == '+' || src[e] == '/') || nextToPlaceholder(src, start, e) {
		return hits
	}
	return addHit(hits, src, KindClientSecret, start, e)
}

// placeholderBack is how far before a run nextToPlaceholder reads: the
// longest placeholder, "[REDACTED:" and a kind.
const placeholderBack = 48

// nextToPlaceholder reports whether the run src[start:end] touches one of
// our own placeholders ("[REDACTED:jwt]") right before or after it. In the
// text before redaction the run went on into what the placeholder replaced,
// so its length there is unknown: taking it would make a second redaction
// find what the first did not (FuzzRedact: "0000Q~<31 chars>.eyJ..." became
// "0000Q~<31 chars>.[REDACTED:jwt]", an Entra secret's shape).
func nextToPlaceholder(src []byte, start, end int) bool {
	if bytes.HasPrefix(src[end:], []byte("[REDACTED:")) {
		return true
	}
	if start == 0 || src[start-1] != ']' {
		return false
	}
	lo := max(0, start-1-placeholderBack)
	i := bytes.LastIndex(src[lo:start-1], []byte("[REDACTED:"))
	return i >= 0 && bytes.IndexByte(src[lo+i:start-1], ']') < 0
}

// sas: a trigger ("&sig", "?sig", ";sig", "%26sig", "\u0026sig") at s; the value of sig= in a URL.
func sas(hits []Hit, src []byte, s int, t string) []Hit {
	j := s + len(t)
	sl := separator(src, j)
	if sl == 0 || src[j] == ':' || src[j] == '%' && src[j+2]|0x20 == 'a' {
		return hits
	}
	vs := j + sl
	ve := vs
loop:
	for ; ve < len(src) && ve-vs < 1024; ve++ {
		switch c := src[ve]; c {
		case ' ', '\t', '\r', '\n', '&', '"', '\'', '<', '>', '#', '\\', ';', ',', ')', ']', '}', '`', '|':
			break loop
		case '%': // %2B, %2F, %3D occur in a signature; other escapes end it
			if ve+2 < len(src) {
				e := string([]byte{src[ve+1], src[ve+2] | 0x20})
				if e == "2b" || e == "2f" || e == "3d" {
					continue
				}
			}
			break loop
		}
	}
	return addHit(hits, src, KindSASSignature, vs, ve)
}

// pem: "KEY" at s of "-----BEGIN ... PRIVATE KEY-----": the body up to "-----END" is the secret.
func pem(hits []Hit, src []byte, s int) []Hit {
	if s < 8 || string(src[s-8:s]) != "PRIVATE " || !bytes.HasPrefix(src[s+3:], []byte("-----")) {
		return hits
	}
	from := s - 64
	if from < 0 {
		from = 0
	}
	b := bytes.LastIndex(src[from:s], []byte("-----BEGIN "))
	if b < 0 || bytes.IndexByte(src[from+b:s], '\n') >= 0 {
		return hits // an END line, or no BEGIN on this line
	}
	// Only a key type may stand between BEGIN and "PRIVATE KEY-----"
	// ("RSA ", "EC ", "ENCRYPTED "), so that a later "PRIVATE KEY-----" on
	// the line is not taken for a header (and redacting stays idempotent).
	for _, c := range src[from+b+len("-----BEGIN ") : s-8] {
		if !(c >= 'A' && c <= 'Z' || c == ' ') {
			return hits
		}
	}
	bs := s + 8
	lim := min(len(src), bs+maxPEMLen)
	be := bytes.Index(src[bs:lim], []byte("-----END"))
	if be >= 0 {
		be += bs
	} else {
		be = bs
		for be < lim {
			c := src[be]
			if !(isB64URL(c) || c == '+' || c == '/' || c == '=' || c == '\\' || c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ':' || c == ',') {
				break
			}
			be++
		}
	}
	// Keep the line breaks (raw or escaped) around the body.
	for bs < be {
		if c := src[bs]; c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			bs++
		} else if c == '\\' && bs+1 < be && (src[bs+1] == 'n' || src[bs+1] == 'r') {
			bs += 2
		} else {
			break
		}
	}
	for be > bs {
		if c := src[be-1]; c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			be--
		} else if be-2 >= bs && src[be-2] == '\\' && (c == 'n' || c == 'r') {
			be -= 2
		} else if c == '\\' {
			be--
		} else {
			break
		}
	}
	return addHit(hits, src, KindPrivateKey, bs, be)
}
