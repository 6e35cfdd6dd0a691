package parser

import (
	"bytes"
	"encoding/binary"
	"math/bits"
)

// recordStart returns where the record holding position h starts: the start
// of h's line, extended back over continuation lines to the record's head,
// never before floor. long reports a line too long to hold whole, for which a
// window around h is used.
func recordStart(buf []byte, h, floor int) (start int, long bool) {
	lo := max(floor, h-MaxBack)
	ls := lastNewline(buf[lo:h])
	if ls < 0 {
		if lo == floor {
			return floor, false
		}
		return max(floor, h-longWindowBack), true
	}
	start = lo + ls + 1
	// Walk back while the line we stand on is a continuation of the one above.
	for n := 0; n < maxRecordLines && start > floor; n++ {
		line := buf[start:lineEnd(buf, start)]
		l := stripLine(line)
		headers, request, desc, body, wrap := false, false, false, false, false
		if !isContinuation(l) {
			// Four heads that continue a particular line above; each is
			// told by one byte first (this runs on every trigger hit).
			switch {
			case len(l) > 10 && l[len(l)-1] == '{':
				headers = opensResponseHeaders(l)
				request = !headers && opensRequestDump(l)
			case len(l) > 6 && l[0] == 'A':
				desc = bytes.HasPrefix(l, []byte("AADSTS"))
			case len(l) > 10 && l[0] == '{' && l[1] == '"':
				body = true
			}
			if !headers && !request && !desc && !body {
				// The rest of a line a console broke at a space: its
				// head is above (see wrapped). Told by its first word
				// first.
				if !wrapHead(l) {
					break
				}
				wrap = true
			}
		}
		prev := lastNewline(buf[max(floor, start-MaxBack) : start-1])
		var ps int
		if prev < 0 {
			if max(floor, start-MaxBack) != floor {
				break
			}
			ps = floor
		} else {
			ps = max(floor, start-MaxBack) + prev + 1
		}
		if h-ps > MaxBack {
			break
		}
		if len(trimSpace(stripPrefix(buf[ps:max(ps, start-1)]))) == 0 {
			// A blank line above: the record starts here, unless this is
			// the sign-in page's "Message: AADSTS..." under its other
			// troubleshooting details, pasted with blank lines between.
			if len(l) > 16 && l[0] == 'M' && bytes.HasPrefix(l, signInMessage) {
				if s := signInDetailsStart(buf, start, floor); s >= 0 {
					start = s
				}
			}
			break
		}
		if wrap && !wrapped(buf[ps:start-1], l) ||
			headers && !bytes.Contains(buf[ps:start-1], responseStatusEvent) ||
			request && !bytes.Contains(buf[ps:start-1], tokenRequestEvent) ||
			desc && !isOAuthError(trimSpace(stripPrefix(buf[ps:start-1]))) ||
			body && !announcesBody(trimSpace(stripPrefix(buf[ps:start-1]))) {
			break
		}
		// A request line ("GET https://...") starts azcore's ResponseError
		// text: it continues only a line that announces it (the Go block's
		// "<Cred> authentication failed", an app's "...: ").
		if isRequestLine(l) && !announcesRequest(buf[ps:start-1]) {
			break
		}
		// Likewise azcore's "RESPONSE 401 ..." line, printed without its
		// request line by some tools (kubelogin, azd): it continues the
		// request, the dashes under it or a line that announces the error,
		// not a command line or an unrelated log event above it.
		if len(l) > 9 && l[0] == 'R' && bytes.HasPrefix(l, []byte("RESPONSE ")) && !announcesResponse(buf[ps:start-1]) {
			break
		}
		start = ps
	}
	if start-floor > 4 && buf[start] == '{' && start+1 < len(buf) && (buf[start+1] == '\n' || buf[start+1] == '\r') {
		start = bodyAfterStatus(buf, start, floor)
	}
	if start-floor > 14 && (buf[start-2] == '\n' || buf[start-2] == '\r' && buf[start-3] == '\n') {
		// A blank line above: documentation may introduce the sample
		// below it ("Consider the following error message:", "").
		b := start - 1 // the blank line's start
		if buf[start-2] == '\r' {
			b--
		}
		if hs := releaseNotesHeading(buf, b, floor); hs >= 0 {
			// Release notes: the record is the section under its heading,
			// which tells what it is (see isDocLine).
			return hs, false
		}
		if ps := prevLineStart(buf, b, floor); ps >= 0 {
			if l := trimSpace(stripPrefix(buf[ps : b-1])); len(l) > 12 && l[len(l)-1] == ':' && isExampleIntro(string(l)) {
				start = ps
			}
		}
	}
	// exchangeBefore, its quick test written out here (this runs on every
	// trigger hit).
	if e := start - 1; e-floor >= 17 {
		if buf[e-1] == '\r' {
			e--
		}
		if mayEndResponse(buf, e) {
			return responseStart(buf, start, e, floor), false
		}
	}
	return start, false
}

var signInMessage = []byte("Message: ")

// signInDetailsLabels open the troubleshooting details the Entra sign-in
// page shows above its "Message:" line.
var signInDetailsLabels = [][]byte{
	[]byte("Request Id:"), []byte("Correlation Id:"), []byte("Timestamp:"), []byte("Request ID:"), []byte("Correlation ID:"),
}

// signInDetailsStart returns the start of the first of the sign-in page's
// details ("Request Id:", "Correlation Id:", "Timestamp:") above the
// "Message:" line at s, when only those and blank lines are between them,
// else -1. Copied from the page, they come with a blank line after each.
func signInDetailsStart(buf []byte, s, floor int) int {
	found := -1
	for n := 0; n < 8 && s > floor; n++ {
		ps := prevLineStart(buf, s, floor)
		if ps < 0 {
			break
		}
		l := trimSpace(stripPrefix(buf[ps:max(ps, s-1)]))
		s = ps
		if len(l) == 0 {
			continue
		}
		ok := false
		for _, p := range signInDetailsLabels {
			if bytes.HasPrefix(l, p) {
				ok = true
				break
			}
		}
		if !ok {
			break
		}
		found = ps
	}
	return found
}

// releaseNotesHeading returns the start of the markdown heading of a
// release-notes section that the paragraph or bullet ending at the blank
// line b (its start) belongs to, else -1. Going up over paragraphs, bullets
// and blank lines, the first heading met must be a changelog section
// ("### Fixed", "### Bugs Fixed", "### Features Added", ...) or a version
// ("## 1.18.0 (2026-02-25)", "## [0.0.6] - 2023-10-13", "## v1.6.0"), or be
// a subsection whose own heading above is a version. Issue forms and other
// documents use other headings.
func releaseNotesHeading(buf []byte, b, floor int) int {
	nearest := -1
	for s, n := b, 0; n < 40; n++ {
		ps := prevLineStart(buf, s, floor)
		if ps < 0 {
			return -1
		}
		l := trimSpace(buf[ps:max(ps, s-1)])
		s = ps
		if len(l) == 0 || l[0] != '#' {
			if nearest >= 0 && len(l) > 0 {
				return -1 // text between the subsection and the heading above it
			}
			if len(l) > 0 && (isDigit(l[0]) || l[0] == '[' || l[0] == '{' || l[0] == '<' || l[0] == '|') {
				return -1 // a log record, a table: not the prose of release notes
			}
			continue
		}
		h := bytes.TrimLeft(l, "#")
		if len(h) == len(l) || len(h) == 0 || h[0] != ' ' {
			return -1
		}
		h = trimSpace(h)
		switch {
		case versionHeading(h):
			if nearest >= 0 {
				return nearest
			}
			return ps
		case nearest >= 0:
			return -1
		case changelogSection(h):
			return ps
		}
		nearest = ps // a subsection: its version heading may be above it
	}
	return -1
}

// releaseNotesSection reports a markdown heading line l (starting at p in
// buf) of release notes: a changelog section or a version (see
// releaseNotesHeading), or a subsection whose nearest heading above is a
// version.
func releaseNotesSection(buf []byte, p int, l []byte) bool {
	h := bytes.TrimLeft(trimSpace(l), "#")
	if len(h) == 0 || h[0] != ' ' {
		return false
	}
	h = trimSpace(h)
	if versionHeading(h) || changelogSection(h) {
		return true
	}
	for s, n := p, 0; n < 40; n++ {
		ps := prevLineStart(buf, s, 0)
		if ps < 0 {
			return false
		}
		u := trimSpace(buf[ps:max(ps, s-1)])
		s = ps
		if len(u) == 0 {
			continue
		}
		if u[0] != '#' {
			return false
		}
		u = bytes.TrimLeft(u, "#")
		return len(u) > 0 && u[0] == ' ' && versionHeading(trimSpace(u))
	}
	return false
}

// changelogSections are the section headings of release notes (Keep a
// Changelog's and the Azure SDKs').
var changelogSections = []string{
	"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security", "Features Added", "Breaking Changes",
	"Bugs Fixed", "Other Changes", "Bug Fixes", "Features", "New Features", "Fixes", "Fixes and improvements",
	"Dependency Updates", "Improvements", "Behavioral Changes",
}

func changelogSection(h []byte) bool {
	for _, s := range changelogSections {
		if string(h) == s {
			return true
		}
	}
	return false
}

// versionHeading reports a release's heading text: a version ("1.18.0",
// "[0.0.6]", "v1.6.0", "1.18.0-beta.3") with at most a date or
// "(Unreleased)" after it.
func versionHeading(h []byte) bool {
	if len(h) > 0 && h[0] == '[' {
		h = h[1:]
	}
	if len(h) > 0 && (h[0] == 'v' || h[0] == 'V') {
		h = h[1:]
	}
	i, dots := 0, 0
	for i < len(h) && (isDigit(h[i]) || h[i] == '.') {
		if h[i] == '.' {
			dots++
		}
		i++
	}
	if i == 0 || !isDigit(h[0]) || dots == 0 {
		return false
	}
	for i < len(h) && h[i] != ' ' {
		i++ // "-beta.3", "]"
	}
	rest := trimSpace(h[i:])
	if len(rest) == 0 {
		return true
	}
	rest = bytes.TrimLeft(rest, "-( ")
	return len(rest) >= 10 && isDigit(rest[0]) && rest[4] == '-' && rest[7] == '-' || bytes.HasPrefix(rest, []byte("Unreleased"))
}

// bodyAfterStatus returns where the HTTP response whose body starts at
// start (a line holding only "{") begins, when its status line, its headers
// and the blank line that ends them are printed above it, as raw HTTP dumps
// and error pages show a response ("403 Forbidden", "", "{"); else start.
func bodyAfterStatus(buf []byte, start, floor int) int {
	if e := lineEnd(buf, start); len(trimSpace(buf[start:e])) != 1 {
		return start
	}
	b := prevLineStart(buf, start, floor) // the blank line
	if b < 0 || len(trimSpace(stripPrefix(buf[b:start-1]))) != 0 {
		return start
	}
	for s, n := b, 0; n < 30; n++ {
		ps := prevLineStart(buf, s, floor)
		if ps < 0 {
			return start
		}
		l := trimSpace(stripPrefix(buf[ps : s-1]))
		if statusLine(l) {
			return ps
		}
		if i := bytes.IndexByte(l, ':'); i <= 0 || !isToken(l[:i]) {
			return start // not a header
		}
		s = ps
	}
	return start
}

// statusLine reports an HTTP status line of a failed response: "HTTP/1.1
// 403 Forbidden", or "403 Forbidden" as error pages print it.
func statusLine(l []byte) bool {
	if bytes.HasPrefix(l, []byte("HTTP/")) {
		if i := bytes.IndexByte(l, ' '); i > 0 {
			l = l[i+1:]
		}
	}
	return len(l) > 4 && (l[0] == '4' || l[0] == '5') && isDigit(l[1]) && isDigit(l[2]) && l[3] == ' ' && l[4] >= 'A' && l[4] <= 'Z'
}

// maxExchangeLines bounds how many lines of an HTTP response log
// exchangeBefore walks back over.
const maxExchangeLines = 60

// exchangeBefore returns where the failed HTTP response that an SDK's HTTP
// logging printed just above the record at start begins, or start when there
// is none. Failures are raised from the response logged last, so its status
// (and, where the log line names it, its URL) belongs to the record:
//   - @azure/core-rest-pipeline: "Response status code: 401", then
//     "Headers: {", the headers as JSON, "}";
//   - azure-core (Python) HttpLoggingPolicy: "Response status: 401", then
//     "Response headers:" and one indented line per header;
//   - urllib3 (Python) at DEBUG: `https://host:443 "POST /<tenant>/oauth2/v2.0/token HTTP/1.1" 401 675`.
//
// Only 4xx and 5xx responses are taken. It looks at the last bytes of the
// line above first: on noise it costs a few byte compares.
func exchangeBefore(buf []byte, start, floor int) int {
	e := start - 1 // end of the line above
	if e-floor < 17 {
		return start
	}
	if buf[e-1] == '\r' {
		e--
	}
	if !mayEndResponse(buf, e) {
		return start
	}
	return responseStart(buf, start, e, floor)
}

// responseStart is exchangeBefore past its quick test; e is the end of the
// line above start, without its CR.
func responseStart(buf []byte, start, e, floor int) int {
	switch last := buf[e-1]; {
	case last == '}':
		// A line holding only "}" closes core-rest-pipeline's headers.
		if e-1 != floor && buf[e-2] != '\n' {
			return start
		}
		s := e - 1
		for n := 0; n < maxExchangeLines && s > floor; n++ {
			ps := prevLineStart(buf, s, floor)
			if ps < 0 {
				return start
			}
			l := trimSpace(stripPrefix(buf[ps : s-1]))
			if opensResponseHeaders(l) {
				if ss := prevLineStart(buf, ps, floor); ss >= 0 && failedStatusAfter(buf[ss:ps-1], responseStatusEvent) {
					return ss
				}
				return start
			}
			if len(l) == 0 || l[0] != '"' {
				return start
			}
			s = ps
		}
	case last == '\'':
		// "    'Content-Length': '675'": azure-core's response headers.
		s := start
		for n := 0; n < maxExchangeLines && s > floor; n++ {
			ps := prevLineStart(buf, s, floor)
			if ps < 0 {
				return start
			}
			line := stripPrefix(buf[ps : s-1])
			if len(line) > 0 && (line[0] == ' ' || line[0] == '\t') {
				s = ps
				continue
			}
			if !bytes.Equal(trimSpace(line), []byte("Response headers:")) {
				return start
			}
			ss := prevLineStart(buf, ps, floor)
			if ss < 0 || !failedStatusAfter(buf[ss:ps-1], pythonStatusEvent) {
				return start
			}
			if us := prevLineStart(buf, ss, floor); us >= 0 && urllib3Failed(trimSpace(buf[us:ss-1])) {
				return us
			}
			return ss
		}
	case isDigit(last) || last == 'e':
		// Read the line's end backward before looking for its start.
		if urllib3Failed(buf[max(floor, e-64):e]) {
			if ps := prevLineStart(buf, start, floor); ps >= 0 {
				return ps
			}
		}
	}
	return start
}

// mayEndResponse tells from the last bytes of a line, which ends at e (and
// starts at least sixteen bytes further back), whether it can end one of the
// response logs exchangeBefore knows: "}" alone on its line, a quoted header
// value, or urllib3's `" 401 675` (a quote, a space and a 4 or a 5 where a
// status stands before a length of one to six digits or "None"). Line ends
// vary at random on noise: a few operations cost less than a mispredicted
// branch.
func mayEndResponse(buf []byte, e int) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	b := buf[e-12 : e]
	w := binary.LittleEndian.Uint64(b[4:])
	x := binary.LittleEndian.Uint64(b) // `" 4` starts in its first six bytes
	q, sp := x^('"'*ones), (x>>8)^(' '*ones)
	d := (x>>16 | ones) ^ ('5' * ones) // '4' and '5' differ in the low bit only
	m := (q - ones) &^ q & ((sp - ones) &^ sp) & ((d - ones) &^ d) & highs
	return w>>48 == 0x7d0a || byte(w>>56) == '\'' || m != 0
}

// pythonStatusEvent is how azure-core's HttpLoggingPolicy logs a status.
var pythonStatusEvent = []byte("Response status: ")

// prevLineStart returns where the line ending just before position s (a line
// start) begins, or -1 when it is not whole above floor.
func prevLineStart(buf []byte, s, floor int) int {
	if s-1 <= floor {
		return -1
	}
	lo := max(floor, s-1-MaxBack)
	i := lastNewline(buf[lo : s-1])
	if i < 0 {
		if lo != floor {
			return -1
		}
		return floor
	}
	return lo + i + 1
}

// failedStatusAfter reports a line holding label followed by a 4xx or 5xx
// status.
func failedStatusAfter(line, label []byte) bool {
	i := bytes.Index(line, label)
	if i < 0 {
		return false
	}
	d := line[i+len(label):]
	return len(d) >= 3 && (d[0] == '4' || d[0] == '5') && isDigit(d[1]) && isDigit(d[2]) && (len(d) == 3 || !isDigit(d[3]))
}

// urllib3Failed reports whether l ends as urllib3's response line for a 4xx
// or 5xx status: `... "POST /path HTTP/1.1" 401 675` (the length may be
// "None"). It reads l from its end.
func urllib3Failed(l []byte) bool {
	switch {
	case bytes.HasSuffix(l, []byte(" None")):
		l = l[:len(l)-len(" None")]
	default:
		j := len(l)
		for j > 0 && isDigit(l[j-1]) {
			j--
		}
		if j == len(l) || j == 0 || l[j-1] != ' ' {
			return false
		}
		l = l[:j-1]
	}
	n := len(l)
	if n < len(` HTTP/2" 401`) || l[n-4] != ' ' || l[n-5] != '"' || !(l[n-3] == '4' || l[n-3] == '5') || !isDigit(l[n-2]) || !isDigit(l[n-1]) {
		return false
	}
	v := l[:n-5] // ends with the protocol: HTTP/1.1, HTTP/1.0, HTTP/2
	i := bytes.LastIndexByte(v[max(0, len(v)-9):], ' ')
	return i >= 0 && bytes.HasPrefix(v[max(0, len(v)-9)+i:], []byte(" HTTP/"))
}

// @azure/core-rest-pipeline's logging policy logs a response as two events,
// "Response status code: 401" and then "Headers: {" with the headers as JSON
// on the lines below; the status belongs to the record the headers start.
var responseStatusEvent = []byte("Response status code: ")

// opensResponseHeaders reports the line of the second event; l is the line
// after stripPrefix. Only its end is looked at: it runs on every trigger hit.
func opensResponseHeaders(l []byte) bool {
	return len(l) > len("Headers: {") && l[len(l)-1] == '{' && bytes.HasSuffix(l, []byte("Headers: {"))
}

// @azure/identity's IdentityClient announces each token request it sends
// ("IdentityClient: sending token request to [<url>]", the URL unmasked),
// and core-rest-pipeline then logs it as "Request: {" with the request as
// JSON (the URL's query masked): one request, one record.
var tokenRequestEvent = []byte("sending token request to [")

// opensRequestDump reports core-rest-pipeline's "Request: {" line; l is the
// line after stripPrefix.
func opensRequestDump(l []byte) bool {
	return len(l) > len("Request: {") && l[len(l)-1] == '{' && bytes.HasSuffix(l, []byte("Request: {"))
}

// announcesBody reports a line after which a JSON body on the next line
// is the response it speaks of: MSAL Go's "http call(<url>)(POST) error:
// reply status code was 401:" (the body follows on its own line).
func announcesBody(l []byte) bool {
	return len(l) > 0 && l[len(l)-1] == ':' && bytes.Contains(l, []byte("status code"))
}

// isOAuthError reports a line that is only an OAuth error name: MSAL's
// result printed as its "error", then its "error_description" (AADSTS...)
// on the next line, as web apps show it.
func isOAuthError(l []byte) bool {
	for _, e := range oauthErrors {
		if string(l) == e {
			return true
		}
	}
	return false
}

var httpMethods = [][]byte{[]byte("GET http"), []byte("POST http"), []byte("PUT http"), []byte("PATCH http"), []byte("DELETE http"), []byte("HEAD http")}

// isRequestLine reports an unindented "METHOD http..." line; l is the line
// after stripPrefix.
func isRequestLine(l []byte) bool {
	if len(l) < len("GET http") {
		return false
	}
	switch l[0] {
	case 'G', 'P', 'D', 'H': // the methods' first letters
	default:
		return false
	}
	for _, m := range httpMethods {
		if bytes.HasPrefix(l, m) {
			return true
		}
	}
	return false
}

// announcesRequest reports a line after which a request line belongs to the
// same error.
func announcesRequest(prev []byte) bool {
	p := trimSpace(stripPrefix(prev))
	return bytes.Contains(p, []byte("authentication failed")) || bytes.HasSuffix(p, []byte(":")) ||
		bytes.HasSuffix(p, []byte("failed."))
}

// announcesResponse reports a line after which azcore's "RESPONSE <status>"
// line belongs to the same error: its request line, the dashes between
// them, or a line that announces the error.
func announcesResponse(prev []byte) bool {
	p := trimSpace(stripPrefix(prev))
	return isDashes(p) || isRequestLine(p) || announcesRequest(prev)
}

// lastNewline is bytes.LastIndexByte(b, '\n'), eight bytes at a time (the
// standard library's is a loop over single bytes, and recordStart looks back
// over a line or two on every trigger hit).
func lastNewline(b []byte) int {
	const (
		ones = 0x0101010101010101
		low7 = 0x7f7f7f7f7f7f7f7f
	)
	i := len(b)
	for i >= 8 {
		v := binary.LittleEndian.Uint64(b[i-8:]) ^ ('\n' * ones)
		// The top bit of each byte of z is set exactly where v has a zero
		// byte (no carry crosses bytes).
		z := ^((v&low7 + low7) | v | low7)
		if z != 0 {
			return i - 8 + (63-bits.LeadingZeros64(z))/8
		}
		i -= 8
	}
	for i--; i >= 0; i-- {
		if b[i] == '\n' {
			return i
		}
	}
	return -1
}

const (
	longWindowBack = 16 << 10
	longWindowFwd  = 48 << 10
)

func lineEnd(buf []byte, p int) int {
	if i := bytes.IndexByte(buf[p:], '\n'); i >= 0 {
		return p + i
	}
	return len(buf)
}

// recState is what recordEnd knows about the record so far.
type recState struct {
	attempted bool // after "Attempted credentials:": member lines follow, indented or not
	dashes    int  // lines of dashes seen (azidentity/azcore blocks)
	traceback bool // inside a Python traceback's frames
	headers   bool // after a "Headers:" line
	content   bool // the line above is "Content:" (Azure.Core's response body follows)
	// after an Azure.Core event source Request/Response line, whose headers
	// follow as "Name:value" lines
	coreHeaders bool
	depth       int // open JSON braces/brackets on lines of their own
	// after azure-identity's (Java) CredentialUnavailableException whose
	// message is its chain members' messages, one a line
	members bool
	// inside the quoted message of a PowerShell error record
	// (`Exception calling "X" with "N" argument(s): "<message>"`) that goes
	// on over several lines
	psQuote bool
	// in a JSON object on one line (a log record, an Entra body), inside
	// one of its strings at the end of the line seen last: a console or a
	// paste broke the line there, and the next line goes on with it
	jsonStr bool
	// the record is a section of release notes (its head is the
	// section's heading): every line up to the next heading belongs to it
	notes bool
	head  []byte // the record's first line, after stripPrefix
}

// recordEnd returns the end of the record starting at start (after the
// newline of its last line). complete is false when the record may go on past
// the data in buf; cut is true when it was cut at a bound.
func recordEnd(buf []byte, start, h int, long, eof bool) (end int, complete, cut bool) {
	if long {
		end = min(len(buf), h+longWindowFwd)
		if nl := bytes.IndexByte(buf[h:end], '\n'); nl >= 0 {
			return h + nl + 1, true, false
		}
		if end == len(buf) && !eof {
			return end, false, false
		}
		return end, true, true
	}
	var st recState
	var prevLine []byte
	jsMember := false // the line above is (in) a member of an AggregateAuthenticationError
	p := start
	first := true
	for n := 0; ; n++ {
		if p >= len(buf) {
			return p, eof, false
		}
		if p-start > MaxRecord || n >= maxRecordLines {
			return p, true, true
		}
		le := bytes.IndexByte(buf[p:], '\n')
		if le < 0 {
			if !eof {
				return p, false, false
			}
			le = len(buf) - p
		}
		line := buf[p : p+le]
		l := stripLine(line) // once per line, for every test below
		next := p + le + 1
		if next > len(buf) {
			next = len(buf)
		}
		if first || p <= h {
			// The head, and every line up to the hit, belong to the record.
			if first {
				st.head = l
				// A release-notes heading: its section is one record.
				st.notes = len(l) > 2 && l[0] == '#' && releaseNotesSection(buf, p, l)
			}
			jsMember = jsMemberLine(l)
			prevLine = line
			st.observe(line, l)
			first = false
			p = next
			continue
		}
		if st.notes {
			// The section goes on up to the next heading.
			if t := trimSpace(l); len(t) > 0 && t[0] == '#' {
				return p, true, false
			}
			prevLine = line
			p = next
			continue
		}
		if !st.inBody() && isRequestLine(l) && (n > 1 || !announcesRequest(prevLine)) {
			// A request line not announced by the line above starts another error.
			return p, true, false
		}
		cont := st.inBody() || isContinuation(l) || st.continues(l) || wrapped(prevLine, l) || boxed(prevLine) && boxed(line)
		if !cont && !st.members && isMemberMessage(l) && memberList(buf[start:p]) {
			cont, st.members = true, true
		}
		if !cont && !st.psQuote && psQuoteOpen(buf[start:p], st.head, l) {
			cont, st.psQuote = true, true // observe closes it at the line that ends with the quote
		}
		if !cont && len(l) > 1 && l[0] >= 'a' && l[0] <= 'z' {
			// The rest of an Entra description that a paste or an
			// exception's message broke off, wider than a console
			// (wrapped): the trailer follows it ("... Check to" / "make sure
			// you have the correct tenant ID. ..." / "Trace ID: ...").
			e := bytes.IndexByte(buf[next:], '\n')
			if e < 0 {
				// Only the next line's start is compared: wait for it.
				if !eof && len(buf)-next < 256 {
					return p, false, false
				}
				e = len(buf) - next
			}
			cont = bytes.HasPrefix(stripPrefix(buf[next:next+e]), []byte("Trace ID: "))
		}
		more := false // l goes on with a member's message
		if !cont && jsMember && len(trimSpace(l)) > 0 && bytes.Contains(st.head, aggregateError) && !bytes.Contains(l, aggregateError) && !isLogEvent(string(l)) {
			// @azure/identity's AggregateAuthenticationError: a member's
			// message may run over several lines that a paste left
			// unindented ("In DefaultAzureCredential and
			// ManagedIdentityCredential, these can be provided as
			// environment variables -", "More details:"); the record goes
			// on if another member's line follows within a few lines.
			var wait bool
			cont, wait = memberFollows(buf, next, eof)
			if wait {
				return p, false, false
			}
			more = cont
		}
		jsMember = more || jsMemberLine(l)
		if cont {
			st.observe(line, l)
			prevLine = line
			p = next
			continue
		}
		if len(trimSpace(l)) == 0 {
			// A blank line continues the record only if what follows does.
			q := next
			blanks := 1
			for q < len(buf) && blanks < 3 {
				e := bytes.IndexByte(buf[q:], '\n')
				if e < 0 {
					if !eof {
						return p, false, false
					}
					e = len(buf) - q
				}
				l := stripPrefix(buf[q : q+e])
				if len(trimSpace(l)) == 0 {
					blanks++
					q += e + 1
					continue
				}
				if isContinuation(l) || st.continues(l) {
					p = q
					goto next
				}
				break
			}
			if q >= len(buf) && !eof {
				return p, false, false
			}
			return p, true, false
		}
		return p, true, false
	next:
	}
}

// boxed reports a line inside Terraform's diagnostic box ("│ ..."): the
// lines of one box are one diagnostic, however a long member line wrapped.
func boxed(l []byte) bool { return bytes.HasPrefix(l, boxBar) }

var boxBar = []byte("│")

// aggregateError is the head of @azure/identity's chained-credential error.
var aggregateError = []byte("AggregateAuthenticationError")

// jsMemberHeads start the member lines of an AggregateAuthenticationError.
var jsMemberHeads = [][]byte{[]byte("CredentialUnavailableError: "), []byte("AuthenticationError: "), []byte("AuthenticationRequiredError: ")}

// memberFollows reports whether one of the few lines from p (up to a blank
// line) is a member line of an AggregateAuthenticationError, unindented;
// wait is true
// when the buffer ends before that is known.
// jsMemberLine reports a member line of an AggregateAuthenticationError,
// starting the line (l after stripPrefix).
func jsMemberLine(l []byte) bool {
	if len(l) == 0 || l[0] != 'C' && l[0] != 'A' {
		return false
	}
	for _, h := range jsMemberHeads {
		if bytes.HasPrefix(l, h) {
			return true
		}
	}
	return false
}

func memberFollows(buf []byte, p int, eof bool) (ok, wait bool) {
	for n := 0; n < 6; n++ {
		if p >= len(buf) {
			return false, !eof
		}
		e := bytes.IndexByte(buf[p:], '\n')
		if e < 0 {
			if !eof {
				return false, true
			}
			e = len(buf) - p
		}
		l := stripPrefix(buf[p : p+e])
		if len(trimSpace(l)) == 0 {
			return false, false
		}
		// At the line's start: the message's own list, not the indented
		// "errors: [" array util.inspect prints after frames.
		if jsMemberLine(l) {
			return true, false
		}
		p += e + 1
	}
	return false, false
}

func (st *recState) inBody() bool { return st.dashes == 2 || st.depth > 0 }

// observe updates the state with a line of the record; stripped is
// stripPrefix(line).
func (st *recState) observe(line, stripped []byte) {
	l := trimSpace(stripped)
	st.content = false
	if st.jsonStr {
		st.jsonStr = openString(l, true)
	} else if len(l) > 2 && l[0] == '{' && l[1] == '"' && l[len(l)-1] != '}' {
		// A JSON object that does not end on its line (a whole one, the
		// common case, is not scanned).
		st.jsonStr = openString(l, false)
	}
	if st.psQuote {
		st.psQuote = len(l) == 0 || l[len(l)-1] != '"'
	}
	switch {
	case isDashes(l):
		st.dashes++
	case bytes.HasPrefix(l, []byte("Traceback (most recent call last)")):
		st.traceback = true
	case len(l) < len(stripped) && bytes.HasPrefix(l, []byte(`File "`)):
		// An indented frame of a Python traceback whose first lines are
		// not in the record: the exception line ends it.
		st.traceback = true
	case bytes.Equal(l, []byte("Headers:")):
		st.headers = true
	case bytes.Equal(l, []byte("Content:")):
		st.content = true
	case bytes.HasSuffix(l, []byte("Attempted credentials:")):
		st.attempted = true
	case len(l) > 16 && l[0] == '[' && isCoreEvent(l):
		// "[Warning] Azure-Core: Error response [<id>] 401 Unauthorized (00.3s)"
		st.coreHeaders = bytes.Contains(l, []byte("esponse [")) || bytes.Contains(l, []byte("Request ["))
	}
	if n := len(l); n > 3 && l[n-1] == '{' && (l[n-2] == ':' || l[n-2] == ' ' && l[n-3] == ':') {
		// A message that goes on with a body it introduces ("Error
		// response received from the server: InternalError - :{", then
		// the body's lines, unindented, up to its "}"): MSAL.NET's
		// managed identity error, "Headers: {" dumps.
		st.depth++
	}
	if len(l) > 0 && len(l) <= 2 {
		switch l[0] {
		case '{', '[':
			st.depth++
		case '}', ']':
			if st.depth > 0 {
				st.depth--
			}
		}
	}
	if st.traceback && len(stripped) > 0 && stripped[0] != ' ' && stripped[0] != '\t' &&
		!bytes.HasPrefix(l, []byte("Traceback")) && bytes.IndexByte(l, ':') > 0 {
		// The exception line ends the frames.
		st.traceback = false
	}
}

// isCoreEvent reports Azure.Core's event source line as the console
// listener prints it: "[<level>] Azure-Core: ..."; l starts with '['.
func isCoreEvent(l []byte) bool {
	var level string // EventLevel names
	switch l[1] {
	case 'I':
		level = "[Informational] "
	case 'W':
		level = "[Warning] "
	case 'E':
		level = "[Error] "
	case 'V':
		level = "[Verbose] "
	case 'C':
		level = "[Critical] "
	case 'L':
		level = "[LogAlways] "
	default:
		return false
	}
	return len(l) > len(level) && l[2] == level[2] && bytes.HasPrefix(l, []byte(level)) && bytes.HasPrefix(l[len(level):], []byte("Azure-Core: "))
}

// continues reports lines that continue the record given its state; l is
// the line after stripPrefix.
func (st *recState) continues(l []byte) bool {
	if st.traceback {
		return true
	}
	if st.content && len(l) > 0 && l[0] == '{' {
		return true // the body, a JSON object on one line
	}
	if st.headers {
		if i := bytes.Index(l, []byte(": ")); i > 0 && isToken(l[:i]) {
			return true
		}
	}
	if st.coreHeaders {
		if i := bytes.IndexByte(l, ':'); i > 0 && isToken(l[:i]) {
			return true
		}
	}
	if (st.psQuote || st.jsonStr) && len(trimSpace(l)) > 0 {
		return true
	}
	if st.members && (isMemberMessage(l) || len(l) > 8 && l[0] == 'A' && bytes.HasPrefix(l, []byte("AADSTS")) && isDigit(l[6])) {
		// (A member whose message is Entra's error alone, its name not
		// printed.)
		return true
	}
	if st.attempted {
		// "AzureCLICredential: ..." after a wrapper stripped the tabs.
		if i := bytes.IndexByte(l, ':'); i > len("Credential") && bytes.HasSuffix(l[:i], []byte("Credential")) && isToken(l[:i]) {
			return true
		}
	}
	return false
}

// openString reports whether a JSON string is open at the end of l, given
// whether one was open at its start: an odd number of unescaped quotes
// toggles it.
func openString(l []byte, open bool) bool {
	for i := 0; i < len(l); i++ {
		switch l[i] {
		case '\\':
			i++
		case '"':
			open = !open
		}
	}
	return open
}

// wrapped reports a line that a console (or a paste) broke off the long
// line above it at a space: the line above ends inside a sentence (a word,
// a digit or a quote) and this one goes on with a lower-case word or a
// quoted value ("... Application with identifier" / "'3f88...' was not
// found ...", "... if the" / "application has not ..."). A log record's own
// head starts with a timestamp, a level ("info: ") or a capital, so it
// does not qualify. The line above is about as long as the console is
// wide: at least 72 bytes and at most maxConsoleWidth.
func wrapped(prev, l []byte) bool {
	// Told by the line's first byte first: it runs on the line that ends
	// each record, most often the next record's timestamp or level.
	if len(l) < 2 || !(l[0] >= 'a' && l[0] <= 'z' || l[0] == '\'' || isDigit(l[0])) {
		return false
	}
	prev = trimSpace(stripPrefix(prev))
	n := len(prev)
	if n < 72 || n > maxConsoleWidth {
		return false
	}
	if isDigit(l[0]) {
		// Entra's trailer broken in its timestamp: "Timestamp: 2023-11-14"
		// / "20:52:58Z".
		return prev[n-11] == ' ' && prev[n-6] == '-' && prev[n-3] == '-' && bytes.HasSuffix(prev[:n-10], []byte("Timestamp: "))
	}
	switch c := prev[n-1]; {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '\'':
	default:
		return false
	}
	if l[0] == '\'' {
		return true
	}
	i := 0
	for i < len(l) && l[i] >= 'a' && l[i] <= 'z' {
		i++
	}
	// A word's end: the console broke the line at a space, or inside a
	// word ("... Error validating crede" / "ntials. AADSTS80005: ...").
	return i < len(l) && (l[i] == ' ' || l[i] == '.' || l[i] == ',')
}

// wrapHead reports a line that may be the rest of a line above that a
// console wrapped: it starts with a lower-case word followed by a space, a
// period or a comma (not a logger's "name:" or "level:" head). Only then
// does recordStart look at the line above (wrapped).
func wrapHead(l []byte) bool {
	if len(l) < 2 || l[0] < 'a' || l[0] > 'z' {
		return false
	}
	i := 1
	for i < len(l) && l[i] >= 'a' && l[i] <= 'z' {
		i++
	}
	// (A sentence's period, not a host name's: "github.com/...".)
	return i < len(l) && (l[i] == ' ' || l[i] == ',' || l[i] == '.' && (i+1 == len(l) || l[i+1] == ' '))
}

// maxConsoleWidth bounds the width of the consoles wrapped assumes.
const maxConsoleWidth = 280

// psQuoteOpen reports a record whose first line opens the quoted message of
// PowerShell's MethodInvocationException (`Exception calling "Invoke" with
// "0" argument(s): "<message>"`) that no line of rec has closed yet: l goes
// on with the message; head is rec's first line after stripPrefix. It is
// asked only of a line that would end the record.
func psQuoteOpen(rec, head, l []byte) bool {
	// A line of prose goes on with the message; a log record's head (a
	// timestamp, a JSON object, a "[level]") does not: told by its first
	// byte before anything else.
	if len(l) == 0 || !(l[0] >= 'A' && l[0] <= 'Z' || l[0] >= 'a' && l[0] <= 'z' || l[0] == '\'' || l[0] == '"') {
		return false
	}
	if len(head) == 0 || head[0] == '{' {
		return false
	}
	i := psMessageStart(head)
	if i < 0 {
		return false
	}
	// Closed: a line of the message (the head's rest or a later line) ends
	// with the quote.
	if rest := trimSpace(head[i:]); len(rest) > 0 && rest[len(rest)-1] == '"' {
		return false
	}
	for p := lineEnd(rec, 0) + 1; p < len(rec); {
		e := lineEnd(rec, p)
		if m := trimSpace(stripPrefix(rec[p:e])); len(m) > 0 && m[len(m)-1] == '"' {
			return false
		}
		p = e + 1
	}
	return true
}

// psMessageStart returns where the quoted message of PowerShell's
// MethodInvocationException starts in l, else -1. The exception starts the
// error record's message, so only the start of the line is searched.
func psMessageStart(l []byte) int {
	h := l[:min(len(l), 100)]
	for p := 0; ; {
		i := bytes.IndexByte(h[p:], 'E')
		if i < 0 {
			return -1
		}
		p += i
		if bytes.HasPrefix(l[p:], []byte(`Exception calling "`)) {
			break
		}
		p++
	}
	j := bytes.Index(l[:min(len(l), 300)], []byte(`argument(s): "`))
	if j < 0 {
		return -1
	}
	return j + len(`argument(s): "`)
}

// memberList reports a record whose first line is azure-identity's (Java)
// CredentialUnavailableException with a chain member's message: the
// members' messages follow one a line (looked at only when a line that
// may be one ends the record).
func memberList(rec []byte) bool {
	head := rec[:lineEnd(rec, 0)]
	i := bytes.Index(head, unavailableException)
	return i >= 0 && isMemberMessage(trimSpace(head[i+len(unavailableException):]))
}

// unavailableException is azure-identity's (Java) exception type, as a
// stack trace's head prints it before the message.
var unavailableException = []byte("CredentialUnavailableException: ")

// memberPhrases start the messages of chain members that name their
// credential by its tool (azure-identity for Java prints them so, one a
// line, in DefaultAzureCredential's CredentialUnavailableException).
var memberPhrases = []string{
	"Managed Identity ", "IntelliJ ", "Azure PowerShell ", "Azure CLI ", "Azure Developer CLI ",
	"Visual Studio ", "Shared token cache ", "Failed to read Vs Code credentials",
	"Unable to execute PowerShell", "Az.Account module",
}

// isMemberMessage reports a line that is one chain member's message:
// "<Type>Credential authentication ..." or one of memberPhrases. It tells
// most lines by their first byte (it runs on the line that ends each record).
func isMemberMessage(l []byte) bool {
	if len(l) < 12 || l[0] < 'A' || l[0] > 'Z' {
		return false
	}
	for _, p := range memberPhrasesByFirst[l[0]] {
		if bytes.HasPrefix(l, p) {
			return true
		}
	}
	i := 1
	for i < len(l) && (l[i] >= 'a' && l[i] <= 'z' || l[i] >= 'A' && l[i] <= 'Z') {
		i++
	}
	return i > len("Credential") && bytes.HasSuffix(l[:i], []byte("Credential")) && bytes.HasPrefix(l[i:], []byte(" authentication"))
}

// memberPhrasesByFirst holds memberPhrases by their first byte.
var memberPhrasesByFirst = func() (t [256][][]byte) {
	for _, p := range memberPhrases {
		t[p[0]] = append(t[p[0]], []byte(p))
	}
	return t
}()

func isToken(b []byte) bool {
	for _, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func isDashes(l []byte) bool {
	if len(l) < 10 {
		return false
	}
	for _, c := range l {
		if c != '-' {
			return false
		}
	}
	return true
}

// continuationPrefixes start lines that belong to the record above them.
var continuationPrefixes = [][]byte{
	[]byte("RESPONSE "), []byte("ERROR CODE"), []byte("POST http"), []byte("GET http"),
	[]byte("PUT http"), []byte("PATCH http"), []byte("DELETE http"), []byte("HEAD http"),
	[]byte("To troubleshoot"), []byte("Attempted credentials:"), []byte("Trace ID:"),
	[]byte("Correlation ID:"), []byte("Correlation Id:"), []byte("Timestamp:"), []byte("Request Id:"),
	// The same lines of a form-encoded error_description, spaces as "+"
	// (MSAL for iOS and macOS prints it so in MSALErrorDescriptionKey).
	[]byte("Trace+ID:+"), []byte("Correlation+ID:+"),
	[]byte("See the troubleshooting guide"), []byte("To mitigate this issue"), []byte("Caused by:"),
	[]byte("---> "), []byte("--- End of"), []byte("Status:"), []byte("Content:"), []byte("Headers:"),
	[]byte("ErrorCode:"), []byte("StatusCode:"), []byte("ResponseBody:"), []byte("More details:"),
	[]byte("Visit https://"), []byte("Missing RawResponse"), []byte("Request information not available"),
	[]byte("Response contained no body"), []byte("Error reading response body"), []byte("Error Code:"),
	[]byte("Error Message:"), []byte("Error detail: "), []byte("- "), []byte("Interactive authentication is needed"),
	[]byte("Please explicitly log in"), []byte("az login"), []byte("At line:"), []byte("+ "),
	[]byte("Line |"), []byte("CredentialUnavailableError:"), []byte("AuthenticationError:"),
	[]byte("AuthenticationRequiredError:"), []byte("During handling of the above exception"),
	[]byte("The above exception was the direct cause"), []byte("Traceback (most recent call last)"),
	[]byte("Suppressed:"), []byte("Original exception:"), []byte("Inner exception"),
	[]byte("Microsoft.Identity.Client."), []byte("Azure.Identity."), []byte("Azure.RequestFailedException"),
	[]byte("com.azure."), []byte("com.microsoft.aad."), []byte("at "), []byte("..."),
	[]byte("Response: "), []byte("Response body:"), []byte("To re-authenticate"),
	[]byte("Please run"), []byte("Run the following command"), []byte("Message:"),
	[]byte("Description:"), []byte("errorCode:"), []byte("errorMessage:"), []byte("subError:"),
	[]byte("ManagedIdentityCredential:"), []byte("EnvironmentCredential:"), []byte("Error: "),
	// MSAL.NET's managed identity error, the last part of Azure.Identity's
	// exception message (after the response's headers and a blank line).
	[]byte("[Managed Identity] Error Code:"),
	// MSAL.NET's logger writes an exception as "Exception type: <type>",
	// then ", ErrorCode: <code>", "HTTP StatusCode <n>" and
	// "CorrelationId <id>", each on its own line.
	[]byte(", ErrorCode: "), []byte("HTTP StatusCode "), []byte("CorrelationId "),
	// Azure.Identity's event 3 ("<Cred>.GetToken was unable to retrieve an
	// access token. Scopes: [...] ParentRequestId: ..."), then its
	// exception on the next line.
	[]byte("Exception: "),
	// The rest of an ARM error as Azure PowerShell's error record prints it
	// ("ErrorCode: X", "ErrorMessage: ...", "ErrorTarget:", "StatusCode:",
	// "ReasonPhrase: Forbidden", "OperationID : <id>").
	[]byte("ErrorMessage:"), []byte("ErrorTarget:"), []byte("ReasonPhrase:"), []byte("OperationID :"),
	// The Hadoop ABFS driver's AbfsRestOperationException message: the
	// request line, then "StatusCode=403", "StatusDescription=...",
	// "ErrorCode=...", "ErrorMessage=...".
	[]byte("StatusCode="), []byte("StatusDescription="), []byte("ErrorCode="), []byte("ErrorMessage="),
	// Azure Storage's error message, as every Storage SDK prints it:
	// "<message>\nRequestId:<guid>\nTime:<ISO time>", then (.NET) "Status:".
	[]byte("RequestId:"), []byte("Time:2"),
}

// isContinuation reports whether a line, by its own shape, continues the
// record above it: indented, a block delimiter, a JSON body line, or a known
// continuation phrase of the SDKs' multi-line errors. l is the line after
// stripPrefix (recordEnd strips each line once for all its tests).
func isContinuation(l []byte) bool {
	if len(l) == 0 {
		return false
	}
	switch l[0] {
	case ' ', '\t':
		return len(trimSpace(l)) > 0
	case '}', ']':
		return true
	case '{', '[':
		if len(trimSpace(l)) <= 2 {
			return true // a body's opening brace, not a JSON log record
		}
		if l[0] == '{' {
			return false
		}
	case '"':
		return true
	case '-':
		if isDashes(trimSpace(l)) {
			return true
		}
	}
	for _, p := range continuationByFirst[l[0]] {
		if bytes.HasPrefix(l, p) {
			return true
		}
	}
	return l[0] >= 'a' && l[0] <= 'z' && isCLIFrame(l)
}

// isCLIFrame reports a Python traceback frame as the Azure CLI's
// autogenerated "Errors:" block prints it, unindented and shortened:
// "cli/core/commands/__init__.py, ln 608, in execute".
func isCLIFrame(l []byte) bool {
	for p := 0; ; {
		i := bytes.Index(l[p:], []byte(".py, ln "))
		if i < 0 {
			return false
		}
		j := p + i + len(".py, ln ")
		k := j
		for k < len(l) && isDigit(l[k]) {
			k++
		}
		if k > j && bytes.HasPrefix(l[k:], []byte(", in ")) {
			return true
		}
		p = j
	}
}

// continuationByFirst holds continuationPrefixes by their first byte: a line
// is compared only with the few that start as it does (isContinuation runs on
// every line around every trigger hit).
var continuationByFirst = func() (t [256][][]byte) {
	for _, p := range continuationPrefixes {
		t[p[0]] = append(t[p[0]], p)
	}
	return t
}()

// stripPrefix removes what wraps every line of some logs without being part
// of the record: ANSI colour codes, a carriage return, Terraform's box
// drawing, markdown quotes, Azure Pipelines' per-line timestamps and
// "##[error]" markers.
func stripPrefix(l []byte) []byte {
	if n := len(l); n > 0 && l[n-1] == '\r' {
		l = l[:n-1]
	}
	if len(l) == 0 || !wrapFirst[l[0]] {
		return l // the common case: no wrapper starts this way
	}
	for i := 0; i < 4 && len(l) > 0; i++ {
		switch {
		case l[0] == 0x1b:
			l = skipANSI(l)
		case bytes.HasPrefix(l, []byte("│")):
			l = l[len("│"):]
			if len(l) > 0 && l[0] == ' ' {
				l = l[1:]
			}
		case l[0] == '>' && (len(l) == 1 || l[1] == ' '):
			l = l[1:]
			if len(l) > 0 {
				l = l[1:]
			}
		case l[0] == '[' && len(l) > 12 && isDigit(l[1]) && l[5] == '-' && l[8] == '-' && l[11] == 'T':
			// "[2020-10-26T14:42:21.328] " (the Azure Functions host's
			// per-line local time)
			h := l[:min(len(l), 40)]
			j := bytes.IndexByte(h, ']')
			if j > 0 && j+1 < len(h) && h[j+1] == ' ' {
				l = l[j+2:]
			} else {
				return l
			}
		case bytes.HasPrefix(l, []byte("##[")):
			if j := bytes.IndexByte(l, ']'); j > 0 {
				l = l[j+1:]
			} else {
				return l
			}
		case len(l) >= 20 && isDigit(l[0]) && l[4] == '-' && l[10] == 'T':
			if n := hclogPlugin(l); n > 0 {
				// Terraform's log of a provider's output, one line each:
				// "2024-11-13T09:02:15.569+0100 [DEBUG] provider.terraform-provider-azapi_v1.15.0.exe: <line>".
				l = l[n:]
				continue
			}
			// 2023-10-31T13:16:24.4426289Z (per-line CI/kubectl timestamps)
			z := bytes.IndexByte(l[:min(len(l), 40)], 'Z')
			if z > 0 && z+1 < len(l) && l[z+1] == ' ' {
				l = l[z+2:]
			} else {
				return l
			}
		default:
			return l
		}
	}
	return l
}

// hclogPlugin returns the length of the prefix Terraform (hclog) puts before
// each line a provider plugin writes, "<timestamp> [<LEVEL>] provider.<name>: ",
// or 0.
func hclogPlugin(l []byte) int {
	i := bytes.Index(l[:min(len(l), 40)], []byte(" ["))
	if i < 19 || bytes.IndexByte(l[:i], ' ') >= 0 {
		return 0
	}
	j := bytes.IndexByte(l[i:min(len(l), i+10)], ']')
	if j < 0 {
		return 0
	}
	r := l[i+j+1:]
	if !bytes.HasPrefix(r, []byte(" provider.")) {
		return 0
	}
	k := bytes.Index(r[:min(len(r), 120)], []byte(": "))
	if k < 0 || bytes.IndexByte(r[1:k], ' ') >= 0 {
		return 0
	}
	return i + j + 1 + k + 2
}

// stripLine is stripPrefix, after a web log viewer's relative time before
// the line, copied from its time column with no separator ("today at
// 12:29:34 PM<line>", "yesterday at 9:05:01 AM<line>").
func stripLine(line []byte) []byte {
	if len(line) > 12 && (line[0] == 't' || line[0] == 'y') {
		if n := relativeTime(line); n > 0 {
			return stripPrefix(line[n:])
		}
	}
	return stripPrefix(line)
}

// relativeTime returns the length of a web log viewer's relative time at
// the start of l, "today at h:mm:ss AM" or "yesterday at hh:mm:ss PM" (and
// one space after it, if any), else 0.
func relativeTime(l []byte) int {
	var n int
	switch {
	case bytes.HasPrefix(l, []byte("today at ")):
		n = len("today at ")
	case bytes.HasPrefix(l, []byte("yesterday at ")):
		n = len("yesterday at ")
	default:
		return 0
	}
	// h:mm:ss or hh:mm:ss
	d := 0
	for n+d < len(l) && d < 2 && isDigit(l[n+d]) {
		d++
	}
	n += d
	if d == 0 || len(l) < n+9 || l[n] != ':' || !isDigit(l[n+1]) || !isDigit(l[n+2]) || l[n+3] != ':' ||
		!isDigit(l[n+4]) || !isDigit(l[n+5]) || l[n+6] != ' ' || l[n+8] != 'M' || l[n+7] != 'A' && l[n+7] != 'P' {
		return 0
	}
	n += 9
	if n < len(l) && l[n] == ' ' {
		n++
	}
	return n
}

// wrapFirst marks the first bytes of the wrappers stripPrefix removes.
var wrapFirst = func() (t [256]bool) {
	for _, c := range []byte{0x1b, "│"[0], '>', '#', '[', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'} {
		t[c] = true
	}
	return t
}()

func skipANSI(l []byte) []byte {
	for len(l) > 0 && l[0] == 0x1b {
		if len(l) > 1 && l[1] == '[' {
			i := 2
			for i < len(l) && (l[i] >= '0' && l[i] <= '9' || l[i] == ';') {
				i++
			}
			if i < len(l) {
				i++
			}
			l = l[i:]
		} else {
			l = l[1:]
		}
	}
	return l
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func trimSpace(b []byte) []byte {
	i, j := 0, len(b)
	for i < j && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r') {
		i++
	}
	for j > i && (b[j-1] == ' ' || b[j-1] == '\t' || b[j-1] == '\r') {
		j--
	}
	return b[i:j]
}
