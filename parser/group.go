package parser

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"unsafe"
)

// debugRecords (AZLOGSCAN_DEBUG_RECORDS=1) prints each parsed record's span,
// strength and identity on stderr: for developers tuning the grouping.
var debugRecords = os.Getenv("AZLOGSCAN_DEBUG_RECORDS") != ""

// A record is one parsed log record around a trigger hit; records of one
// failure (SDK log events, the error the app prints, its stack trace) are
// merged into one finding by the grouper.
type record struct {
	f        Finding
	strength strength
	chain    bool
	sig      string // the head line without digits: equal sigs are a repeat, not a second print
	lastLine int64
	weakOnly bool // every record merged into it was weak
	// movedOn: a chain member's quiet "unavailable", after which the SDK's
	// log shows the chain trying another credential (chainMovedOn).
	movedOn bool
	// The head (without digits) and the number of lines of the last
	// application-printed record merged into it.
	printSig   string
	printLines int64
	// example: a mention whose head introduces a sample of output
	// (isExampleIntro); the records that follow it at once are the sample.
	example bool
}

// Redactor, when set, redacts secrets in record text before anything is
// extracted from it, and reports what it found. parser/redact provides it;
// cmd/azlogscan installs it, so that no output can carry a secret.
type Redactor func(text string) (redacted string, kinds []string)

// redactor is the installed Redactor; see SetRedactor.
var redactor Redactor

// SetRedactor installs the function that removes secrets from every record
// before extraction. It must be called before any Scanner runs.
func SetRedactor(r Redactor) { redactor = r }

// grouper assembles records into findings.
type grouper struct {
	s        *Scanner
	cluster  []*record // pending, in order
	lastLine int64     // last line of the last record added
	ctxCred  []byte    // credential named by the SDK's recent log events
	ctxLine  int64     // where
	// The tenant and client of the token request the SDK's log events
	// named last (see noteIDs), and where.
	ctxTenant, ctxClient []byte
	ctxIDLine            int64
	// The last line of a sample of output that documentation introduced
	// (see record.example), or 0: a record that starts on the next line
	// goes on with the sample.
	sampleEnd int64
}

func (g *grouper) empty() bool   { return len(g.cluster) == 0 }
func (g *grouper) pending() bool { return len(g.cluster) > 0 }

// add parses a raw record and merges it into the pending cluster.
func (g *grouper) add(raw []byte, offset, line int64, long bool) {
	g.noteContext(raw, line)
	var r *record
	if failed, succeeded := fastWords.classes(raw); !failed && !psErrorPrefix(raw) {
		// Most hits are SDK chatter that names a credential without failing:
		// decide in one pass over the raw bytes, without normalizing or
		// allocating (fast.go).
		if !succeeded {
			if n := len(g.cluster); n > 0 && g.cluster[n-1].weakOnly {
				g.chainMovedOn(raw)
			}
			return
		}
		r = successRecord
	} else {
		r = parseRecord(raw, g.s.name, offset, line, g.s)
	}
	if debugRecords {
		fmt.Fprintf(os.Stderr, "record %d-%d strength=%d chain=%v cred=%s codes=%v trace=%s sig=%.60q\n", line, r.lastLine, r.strength, r.chain, r.f.Credential, r.f.AADSTS, r.f.TraceID, r.sig)
	}
	if g.sampleEnd > 0 {
		if line == g.sampleEnd+1 && r.strength != success {
			// The sample goes on: what it shows is no failure of this log.
			g.sampleEnd = line + int64(recordLines(raw)) - 1
			return
		}
		g.sampleEnd = 0
	}
	switch r.strength {
	case mention:
		if r.example {
			g.sampleEnd = line + int64(recordLines(raw)) - 1
		}
		return
	case success:
		// A chain that went on to succeed: its members' quiet failures were
		// part of the normal flow.
		kept := g.cluster[:0]
		for _, c := range g.cluster {
			if !c.weakOnly {
				kept = append(kept, c)
			}
		}
		g.cluster = kept
		return
	}
	if r.f.Credential == "" && len(g.ctxCred) > 0 && line-g.ctxLine <= mergeGap && !r.chain {
		r.f.Credential = string(g.ctxCred)
	}
	if g.ctxIDLine > 0 && line-g.ctxIDLine <= mergeGap && r.f.Authorization == nil && !r.chain {
		if (r.f.TenantID == "" || tenantName(r.f.TenantID)) && len(g.ctxTenant) > 0 {
			r.f.TenantID = string(g.ctxTenant)
		}
		if r.f.ClientID == "" && len(g.ctxClient) > 0 {
			r.f.ClientID = string(g.ctxClient)
		}
	}
	if len(g.cluster) > 0 && line-g.cluster[len(g.cluster)-1].lastLine > mergeGap {
		g.flush()
	}
	if len(g.cluster) == 0 {
		g.cluster = append(g.cluster, r)
		return
	}
	if r.chain {
		// The aggregate absorbs the members logged before it.
		kept := g.cluster[:0]
		var absorbed []*record
		for _, c := range g.cluster {
			member := c.f.Credential == "" || c.chain || inChain(r, c.f.Credential) || len(r.f.Chain) == 0
			// The same aggregate's head again, after one that was
			// reported with its members: the chain's next attempt, as for
			// any other head repeated (below), not a second print.
			again := c.chain && !c.weakOnly && c.sig == r.sig && len(c.f.Chain) > 0
			if again {
				kept = append(kept, c)
				continue
			}
			if c.weakOnly && member && !idsConflict(c, r) || compatible(r, c) && (c.chain || inChain(r, c.f.Credential) || line-c.lastLine <= 1) {
				absorbed = append(absorbed, c)
			} else {
				kept = append(kept, c)
			}
		}
		if len(kept) > 0 {
			g.cluster = kept
			g.flush()
		} else {
			g.cluster = g.cluster[:0]
		}
		var head *record
		for _, c := range absorbed {
			if head == nil {
				head = c
				head.chain = true
				continue
			}
			merge(head, c)
		}
		if head == nil {
			g.cluster = append(g.cluster, r)
			return
		}
		// Keep the aggregate's identity: its credential and chain.
		if r.f.Credential != "" {
			head.f.Credential = r.f.Credential
		}
		merge(head, r)
		head.f.Chain = r.f.Chain
		head.sig = r.sig
		head.f.Message = r.f.Message
		g.cluster = append(g.cluster, head)
		return
	}
	for i := len(g.cluster) - 1; i >= 0; i-- {
		c := g.cluster[i]
		if c.f.TraceID != "" && c.f.TraceID == r.f.TraceID {
			merge(c, r)
			return
		}
		if !compatible(c, r) {
			continue
		}
		// The same head again: the SDK's own retry events of one call while
		// only its log events are known; a new attempt once the failure has
		// been reported.
		if c.sig == r.sig && !(c.weakOnly && r.weakOnly) {
			continue
		}
		// Azure PowerShell's telemetry event for the cmdlet, which the
		// module writes (at -Debug) once the cmdlet's error record is out,
		// repeats that error: "Get-AzAccessToken : ..." then "DEBUG:
		// AzureQoSEvent: CommandName - Get-AzAccessToken; IsSuccess - False;
		// ... Exception - ...".
		if !c.weakOnly && r.weakOnly && qosEcho(c, r) {
			merge(c, r)
			return
		}
		// SDK log events come before the error the application prints:
		// after it, they belong to the next attempt.
		if !c.weakOnly && r.weakOnly && !(line-c.lastLine <= 1 && echoes(c, r)) {
			continue
		}
		// Two PowerShell error records of different cmdlets are two
		// failures, even on consecutive lines.
		if !c.weakOnly && !r.weakOnly && otherCmdlet(c, r) {
			continue
		}
		// Two errors the application printed are one failure only when they
		// follow each other at once (an exception and its message); a log
		// event joins the error it precedes or follows.
		if c.weakOnly || r.weakOnly || line-c.lastLine <= 1 {
			merge(c, r)
			return
		}
		// The message printed after its error (console.error(err), then
		// err.message) repeats the error's head without its stack, and may
		// begin with lines of its own ("undefined" and a blank line when
		// @azure/identity v1 left the aggregate's message undefined). A
		// retry prints the whole error again.
		if line-c.lastLine <= 3 && r.sig == c.printSig && r.lastLine-line+1 < c.printLines {
			merge(c, r)
			return
		}
	}
	// The rest of an exception a few lines on, cut off by lines the record
	// rules do not follow (the response headers MSAL.NET prints at the
	// start of a line): its stack trace names the credential again but no
	// code or id of its own.
	if last := g.cluster[len(g.cluster)-1]; line-last.lastLine <= 5 && isExceptionTail(r) && compatible(last, r) {
		merge(last, r)
		return
	}
	// An exception's tail whose head is not in the input (it starts at a
	// stack frame: ADAL's error dump cut above, "   at ...", "ErrorCode:
	// invalid_client") and, after at most a blank line, the error record
	// that printed the same exception (PowerShell's "Connect-AzAccount :
	// AADSTS...").
	if last := g.cluster[len(g.cluster)-1]; line-last.lastLine <= 2 && !r.weakOnly && !last.weakOnly &&
		startsAtFrame(last) && !startsAtFrame(r) && compatible(last, r) && len(last.f.AADSTS) == 0 && last.f.TraceID == "" {
		merge(last, r)
		last.f.Message = r.f.Message
		last.sig = r.sig
		return
	}
	// Advice that follows or precedes a failure ("Run Connect-AzAccount to
	// login", "please run az login") is part of it, not a second failure.
	if last := g.cluster[len(g.cluster)-1]; line-last.lastLine <= 3 && (isAdvice(r) != isAdvice(last)) && !idsConflict(last, r) {
		merge(last, r)
		if isAdvice(last) {
			last.f.Message = r.f.Message
		}
		return
	}
	allWeak := r.weakOnly
	for _, c := range g.cluster {
		allWeak = allWeak && c.weakOnly
	}
	if !allWeak {
		g.flush()
	}
	g.cluster = append(g.cluster, r)
}

// qosEcho reports r, Azure PowerShell's AzureQoSEvent, naming the cmdlet
// whose error record c is.
func qosEcho(c, r *record) bool {
	if !strings.Contains(r.sig, "AzureQoSEvent: CommandName - ") || !psErrorRecord(c.sig) {
		return false
	}
	name, _, _ := strings.Cut(strings.TrimSpace(c.sig), " : ")
	return strings.Contains(r.sig, "AzureQoSEvent: CommandName - "+name+";")
}

// otherCmdlet reports c and r, both PowerShell error records, of two
// different cmdlets.
func otherCmdlet(c, r *record) bool {
	if !psErrorRecord(c.sig) || !psErrorRecord(r.sig) {
		return false
	}
	a, _, _ := strings.Cut(strings.TrimSpace(c.sig), " : ")
	b, _, _ := strings.Cut(strings.TrimSpace(r.sig), " : ")
	return a != b
}

// echoes reports a log event that repeats the message of the error just
// printed (Python's "DEBUG:...: <Cred>.get_token failed: <message>" on the
// line after the traceback that raised it, as an interleaved stderr shows
// them): the same failure, not the next attempt's first event.
func echoes(c, r *record) bool {
	m := c.f.Message
	if i := strings.Index(m, ": "); i >= 0 && i < 120 {
		m = m[i+2:] // after the exception's class
	}
	if len(m) < 30 {
		return false
	}
	return strings.Contains(r.f.Message, m[:min(len(m), 60)])
}

// isExceptionTail reports a record that starts inside an exception's text
// (an HTTP header line, the end of an inner exception, a stack frame) and
// carries no code or id of its own.
func isExceptionTail(r *record) bool {
	f := &r.f
	if len(f.AADSTS) > 0 || f.TraceID != "" || f.CorrelationID != "" || f.ErrorCode != "" || len(f.Chain) > 0 {
		return false
	}
	h := strings.TrimSpace(r.sig)
	if strings.HasPrefix(h, "--- End of inner exception") || strings.HasPrefix(h, "at ") {
		return true
	}
	// "x-ms-request-id: ...", "Strict-Transport-Security: ...": a header name.
	name, _, ok := strings.Cut(h, ": ")
	if !ok || name == "" || !strings.Contains(name, "-") {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-') {
			return false
		}
	}
	return true
}

// startsAtFrame reports a record whose first line is a stack frame.
func startsAtFrame(r *record) bool {
	return strings.HasPrefix(strings.TrimSpace(r.sig), "at ")
}

// isAdvice reports a record that only tells the user to sign in again.
func isAdvice(r *record) bool {
	f := &r.f
	if len(f.AADSTS) > 0 || f.TraceID != "" || f.ErrorCode != "" || len(f.Signals) == 0 || len(f.Chain) > 0 {
		return false
	}
	for _, s := range f.Signals {
		switch s {
		case "cli-login-required", "powershell-login-required", "azd-login-required":
		default:
			return false
		}
	}
	return true
}

// noteContext remembers the credential an SDK's log names in a record
// ("azure:identity:info ClientSecretCredential => ..."), for a failure that
// follows without naming it (MSAL errors relayed by @azure/identity).
func (g *grouper) noteContext(raw []byte, line int64) {
	i, pipeline := azureLabel(raw)
	if pipeline {
		// The credential's own requests, which core-rest-pipeline logs at
		// length (instance discovery, metadata, the token request), keep
		// its context alive up to the failure that follows them.
		if len(g.ctxCred) > 0 && line-g.ctxLine <= mergeGap {
			g.ctxLine = line
		}
		const key = `"url": "`
		u := raw[:min(len(raw), 256)]
		if k := bytes.Index(u, []byte(key)); k >= 0 {
			u = raw[k+len(key):]
			if e := bytes.IndexAny(u[:min(len(u), 2048)], "\"\n"); e >= 0 {
				u = u[:e]
			}
			g.noteIDs(u, line)
		} else if g.ctxIDLine > 0 && line-g.ctxIDLine <= mergeGap {
			g.ctxIDLine = line
		}
		return
	}
	if i < 0 {
		return
	}
	rest := raw[i+len(identityLabel):]
	sp := bytes.IndexByte(rest, ' ')
	if sp < 0 {
		return
	}
	rest = rest[sp+1:]
	e := 0
	for e < len(rest) && (rest[e] >= 'a' && rest[e] <= 'z' || rest[e] >= 'A' && rest[e] <= 'Z') {
		e++
	}
	if e > len("Credential") && bytes.HasSuffix(rest[:e], []byte("Credential")) && !bytes.HasPrefix(rest[:e], []byte("Chained")) && !bytes.HasPrefix(rest[:e], []byte("Default")) {
		g.ctxCred = append(g.ctxCred[:0], rest[:e]...) // no allocation on noise
		g.ctxLine = line
	}
	// The events that name a token request's ids: v1/v2's "IdentityClient:
	// sending token request to [<url>]", v4's "ManagedIdentityCredential =>
	// <source> with clientId: <id>". Told by their start first: this runs
	// on every @azure/identity event.
	if bytes.HasPrefix(rest, []byte("IdentityClient: sending token request to [")) ||
		e == len("ManagedIdentityCredential") && bytes.HasPrefix(rest, []byte("ManagedIdentityCredential =>")) &&
			bytes.Contains(rest[:min(len(rest), 120)], []byte("lientId: ")) {
		if nl := bytes.IndexByte(rest, '\n'); nl >= 0 {
			rest = rest[:nl]
		}
		g.noteIDs(rest, line)
	}
}

// noteIDs remembers the tenant and client that an SDK log event names in a
// token request URL (https://login.microsoftonline.com/<tenant>/oauth2/...,
// ...&client_id=<id>) or as "clientId: <id>" (@azure/identity's managed
// identity events), for the failure of that request that follows without
// naming them. An event naming either replaces both; one naming neither
// (a masked URL) keeps the context alive.
func (g *grouper) noteIDs(b []byte, line int64) {
	var tenant []byte
	if t := tenantFromURL(string(b)); isGUID(t) || tenantAlias(t) || strings.IndexByte(t, '.') > 0 {
		tenant = []byte(t)
	}
	client := idAfterBytes(b, []byte("client_id="))
	if client == nil {
		client = idAfterBytes(b, []byte("lientId: "))
	}
	if tenant == nil && client == nil {
		if g.ctxIDLine > 0 && line-g.ctxIDLine <= mergeGap {
			g.ctxIDLine = line
		}
		return
	}
	g.ctxTenant = append(g.ctxTenant[:0], tenant...)
	g.ctxClient = append(g.ctxClient[:0], client...)
	g.ctxIDLine = line
}

// idAfterBytes returns the GUID that follows label in b, or nil.
func idAfterBytes(b, label []byte) []byte {
	i := bytes.Index(b, label)
	if i < 0 {
		return nil
	}
	v := b[i+len(label):]
	if len(v) < 36 || !isGUID(v[:36]) {
		return nil
	}
	return v[:36]
}

// identityLabel starts the @azure/identity log events noteContext reads.
const identityLabel = "azure:identity:"

// pipelineLabel starts @azure/core-rest-pipeline's log events.
const pipelineLabel = "azure:core-rest-pipeline:"

// contextLabel returns where identityLabel starts in raw if it starts in its
// first 65 bytes, else -1.
func contextLabel(raw []byte) int {
	i, _ := azureLabel(raw)
	return i
}

// azureLabel returns where identityLabel starts in raw if it starts in its
// first 65 bytes, else -1; pipeline reports that pipelineLabel starts there
// instead. It looks for the labels' rare 'z' (their second byte) first: it
// runs on every trigger hit.
func azureLabel(raw []byte) (i int, pipeline bool) {
	head := raw[:min(len(raw), 64+len(pipelineLabel))]
	for p := 1; p < len(head); {
		z := bytes.IndexByte(head[p:], 'z')
		if z < 0 || p+z > 64+1 {
			return -1, false
		}
		p += z
		if bytes.HasPrefix(head[p-1:], []byte("azure:")) {
			if bytes.HasPrefix(head[p-1+len("azure:"):], []byte(identityLabel[len("azure:"):])) {
				return p - 1, false
			}
			if bytes.HasPrefix(head[p-1+len("azure:"):], []byte(pipelineLabel[len("azure:"):])) {
				return -1, true
			}
		}
		p++
	}
	return -1, false
}

// compatible reports whether r may describe the same failure as c.
func compatible(c, r *record) bool {
	a, b := &c.f, &r.f
	if a.TraceID != "" && b.TraceID != "" {
		return a.TraceID == b.TraceID
	}
	if a.CorrelationID != "" && b.CorrelationID != "" && a.CorrelationID != b.CorrelationID {
		return false
	}
	if len(a.AADSTS) > 0 && len(b.AADSTS) > 0 && !overlap(a.AADSTS, b.AADSTS) {
		return false
	}
	if a.HTTPStatus != 0 && b.HTTPStatus != 0 && a.HTTPStatus != b.HTTPStatus {
		return false
	}
	if a.Credential != "" && b.Credential != "" && !sameCredential(a.Credential, b.Credential) &&
		!inChain(c, b.Credential) && !inChain(r, a.Credential) {
		return false
	}
	// Two clients named by their IDs; an ID cut at a mask ('500aefe7-****')
	// names none for certain.
	if a.ClientID != b.ClientID && isGUID(a.ClientID) && isGUID(b.ClientID) {
		return false
	}
	// Two tenants named by their IDs: two token requests (a tenant's domain
	// or alias and its ID may name the same one).
	if a.TenantID != b.TenantID && isGUID(a.TenantID) && isGUID(b.TenantID) && !strings.EqualFold(a.TenantID, b.TenantID) {
		return false
	}
	// An authorization failure (a token was had) and a token failure are
	// two failures, however close.
	if (a.Authorization != nil) != (b.Authorization != nil) {
		tokenFailure := func(f *Finding) bool { return len(f.AADSTS) > 0 || len(f.Chain) > 0 || f.Credential != "" }
		if a.Authorization != nil && tokenFailure(b) || b.Authorization != nil && tokenFailure(a) {
			return false
		}
	}
	return true
}

// idsConflict reports two records that name different failures by their ids.
func idsConflict(c, r *record) bool {
	a, b := &c.f, &r.f
	return a.TraceID != "" && b.TraceID != "" && a.TraceID != b.TraceID ||
		a.CorrelationID != "" && b.CorrelationID != "" && a.CorrelationID != b.CorrelationID
}

func sameCredential(a, b string) bool {
	return strings.EqualFold(a, b) || miInternal[a] && strings.EqualFold(b, "ManagedIdentityCredential") ||
		miInternal[b] && strings.EqualFold(a, "ManagedIdentityCredential")
}

// miInternal are the classes azure-identity (Python) uses inside
// ManagedIdentityCredential; its log names them, its error does not.
var miInternal = map[string]bool{
	"ImdsCredential": true, "AppServiceCredential": true, "CloudShellCredential": true, "AzureArcCredential": true,
	"ServiceFabricCredential": true, "AzureMLCredential": true, "MsiCredential": true, "TokenExchangeCredential": true,
}

func inChain(r *record, cred string) bool {
	if cred == "" {
		return false
	}
	for _, e := range r.f.Chain {
		if sameCredential(e.Credential, cred) {
			return true
		}
	}
	return false
}

func overlap(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}

// merge folds r into c: c keeps its position, empty fields are filled.
func merge(c, r *record) {
	a, b := &c.f, &r.f
	if a.Credential == "" || miInternal[a.Credential] && b.Credential != "" {
		a.Credential = b.Credential
	}
	for _, code := range b.AADSTS {
		a.AADSTS = addUnique(a.AADSTS, code)
	}
	fill := func(dst *string, src string) {
		if *dst == "" {
			*dst = src
		}
	}
	fill(&a.ErrorCode, b.ErrorCode)
	fill(&a.ErrorMessage, b.ErrorMessage)
	fill(&a.URL, b.URL)
	fill(&a.SDK, b.SDK)
	fill(&a.TraceID, b.TraceID)
	fill(&a.CorrelationID, b.CorrelationID)
	fill(&a.EntraTimestamp, b.EntraTimestamp)
	if a.TenantID == "" || tenantName(a.TenantID) && b.TenantID != "" && !tenantName(b.TenantID) {
		a.TenantID = b.TenantID
	}
	fill(&a.ClientID, b.ClientID)
	if a.HTTPStatus == 0 {
		a.HTTPStatus = b.HTTPStatus
	}
	if a.Time.IsZero() {
		a.Time = b.Time
	}
	if a.Authorization == nil {
		a.Authorization = b.Authorization
	}
	if len(a.Chain) == 0 {
		a.Chain = b.Chain
	}
	for _, s := range b.Signals {
		a.Signals = addUnique(a.Signals, s)
	}
	if c.weakOnly && !r.weakOnly {
		// The strong record says best what happened.
		a.Message = b.Message
	}
	if !r.weakOnly {
		c.printSig, c.printLines = r.sig, r.lastLine-r.f.Line+1
	}
	c.weakOnly = c.weakOnly && r.weakOnly
	c.chain = c.chain || r.chain
	if r.lastLine > c.lastLine {
		c.lastLine = r.lastLine
	}
	if len(a.AADSTS) > 0 && (strings.HasPrefix(a.Message, a.Credential) || a.Message == "") && a.ErrorMessage != "" && !strings.Contains(a.Message, "AADSTS") {
		a.Message = summary(a)
	}
}

// failureWords and successWords are the raw-byte forms of failurePhrases and
// successPhrases, for the fast path. Escaped records keep these words intact.
var failureWords, successWords = toBytes(failurePhrases), toBytes(successPhrases)

func toBytes(ss []string) [][]byte {
	out := make([][]byte, len(ss))
	for i, s := range ss {
		out[i] = []byte(s)
	}
	return out
}

func containsAny(b []byte, words [][]byte) bool {
	for _, w := range words {
		if bytes.Contains(b, w) {
			return true
		}
	}
	return false
}

// foldChainProgress turns a cluster of SDK log events only, one of which is
// a chained credential's ("DefaultAzureCredential: Attempted credential X is
// unavailable"), into one finding: a chain attempt whose end the log does not
// show. Its members are the credentials the events name.
func (g *grouper) foldChainProgress() {
	if len(g.cluster) < 2 {
		return
	}
	chainAt := -1
	for i, c := range g.cluster {
		if !c.weakOnly || c.f.TraceID != "" {
			return
		}
		if cr := c.f.Credential; chainAt < 0 && (strings.HasPrefix(cr, "Default") || strings.HasPrefix(cr, "Chained")) {
			chainAt = i
		}
	}
	if chainAt < 0 {
		return
	}
	head := g.cluster[0]
	chainName := g.cluster[chainAt].f.Credential
	var members []ChainEntry
	for _, c := range g.cluster {
		names := []string{c.f.Credential}
		if c.f.Credential == chainName {
			// "DefaultAzureCredential: Attempted credential X is unavailable."
			names = credentials(c.f.Message)
		}
		for _, cr := range names {
			if cr == "" || cr == chainName {
				continue
			}
			found := false
			for _, m := range members {
				found = found || sameCredential(m.Credential, cr)
			}
			if !found {
				members = append(members, ChainEntry{Credential: cr, Reason: clip(c.f.Message, 400), AADSTS: c.f.AADSTS})
			}
		}
		if c != head {
			merge(head, c)
		}
	}
	head.f.Credential = chainName
	head.chain = true
	if len(head.f.Chain) == 0 {
		head.f.Chain = members
	}
	g.cluster = g.cluster[:1]
}

// chainMovedOn marks the quiet "unavailable" events of chain members in the
// pending cluster when raw, an SDK log event that reports no failure, shows
// the chain trying another member (.NET's "[Informational] Azure-Identity:
// ManagedIdentityCredential.GetToken invoked.", @azure/identity's
// "azure:identity:info ManagedIdentityCredential => ..."): a credential that
// is not configured where the chain goes on to the next is a step of its
// normal flow. The chain's end, when the log shows it, is a finding of its
// own (the aggregate, which absorbs its members) or a success.
func (g *grouper) chainMovedOn(raw []byte) {
	head := raw
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	h := string(head[:min(len(head), 200)])
	if !isQuietLevel(h) && !isLogEvent(h) {
		return
	}
	names := credentials(h)
	if len(names) == 0 || strings.HasPrefix(names[0], "Default") || strings.HasPrefix(names[0], "Chained") {
		return
	}
	for _, c := range g.cluster {
		f := &c.f
		if c.weakOnly && !c.chain && f.Credential != "" && f.Credential != names[0] && len(f.AADSTS) == 0 &&
			f.TraceID == "" && f.HTTPStatus == 0 && reportsUnavailable(f.Message) {
			c.movedOn = true
		}
	}
}

// reportsUnavailable reports a credential's message that it is not
// configured or cannot run here (CredentialUnavailableException/Error),
// rather than that it tried and failed.
func reportsUnavailable(m string) bool {
	return strings.Contains(m, "CredentialUnavailable") || strings.Contains(m, "authentication unavailable") ||
		strings.Contains(m, " is unavailable")
}

// flush emits the pending cluster, in order.
func (g *grouper) flush() {
	g.foldChainProgress()
	for _, c := range g.cluster {
		if c.movedOn && c.weakOnly && !c.chain {
			continue // a step of a chain that went on (chainMovedOn)
		}
		f := c.f
		f.LastLine = c.lastLine
		if f.ErrorMessage != "" && !strings.Contains(f.Message, "AADSTS") && len(f.AADSTS) > 0 {
			f.Message = summary(&f)
		}
		g.s.out = append(g.s.out, &f)
	}
	g.cluster = g.cluster[:0]
}

// parseRecord extracts a record's fields; a mention or a success comes back
// with only its strength set.
func parseRecord(raw []byte, name string, offset, line int64, s *Scanner) *record {
	head := firstLine(raw)
	t := normalize(raw)
	if redactor != nil {
		var kinds []string
		t, kinds = redactor(t)
		if len(kinds) > 0 {
			s.stats.SecretsFound += int64(len(kinds))
			if !s.opt.NoSecretFindings {
				for _, k := range dedupe(kinds) {
					s.secret(k, offset, line, head)
				}
			}
		}
	}
	codes := findAADSTS(t, nil)
	chain := isChain(t)
	var headless []ChainEntry
	if !chain {
		if headless = headlessChain(t); len(headless) > 0 {
			chain = true
		}
	}
	st := classify(t, head, len(codes), chain)
	if st >= weak && len(codes) == 0 && !chain && onlyBareAADSTS(t) {
		st = mention // "AADSTS error descriptions": the word, no code
	}
	if st == mention || st == success {
		if st == mention && isExampleIntro(head) {
			return &record{strength: st, example: true}
		}
		return &record{strength: st}
	}
	nl := bytes.Count(raw, nlByte)
	if nl > 0 && raw[len(raw)-1] == '\n' {
		nl--
	}
	r := &record{strength: st, chain: chain, weakOnly: st == weak, lastLine: line + int64(nl)}
	f := &r.f
	f.File = name
	f.Offset = offset
	f.Line = line
	f.AADSTS = codes
	creds := credentials(t)
	if len(creds) > 0 {
		f.Credential = creds[0]
		if miInternal[f.Credential] {
			// azure-identity logs its internal class ("ImdsCredential.get_token
			// failed: ManagedIdentityCredential authentication unavailable"):
			// the public credential is the one its message names.
			for _, c := range creds[1:] {
				if c == "ManagedIdentityCredential" {
					f.Credential = c
					break
				}
			}
		}
	}
	if chain {
		f.Chain = headless
		if f.Chain == nil {
			f.Chain = chainMembers(t)
		}
		if f.Credential != "" && len(f.Chain) > 0 && sameCredential(f.Chain[0].Credential, f.Credential) {
			// The chain's own name was not printed before its members.
			f.Credential = ""
			for _, c := range creds {
				if strings.Contains(c, "Default") || strings.Contains(c, "Chained") {
					f.Credential = c
					break
				}
			}
		}
	}
	f.TraceID = idAfter(t, false, traceLabels)
	f.CorrelationID = idAfter(t, false, correlationLabels)
	if f.CorrelationID == "" {
		f.CorrelationID = msalLogCorrelation(t)
	}
	f.EntraTimestamp = entraTimestamp(t)
	f.ErrorCode = errorCode(t)
	f.ErrorMessage = errorMessage(t, codes)
	f.HTTPStatus = httpStatus(t)
	f.URL = requestURL(t)
	f.TenantID = tenantFromURL(f.URL)
	if f.TenantID == "" {
		f.TenantID = tenantFromURL(firstTokenURL(t))
	}
	if f.TenantID == "" {
		f.TenantID = idAfter(t, true, tenantLabels)
	}
	if f.TenantID == "" {
		f.TenantID = tenantFromAuthority(t)
	}
	if f.TenantID == "" {
		f.TenantID = tenantBeforeDirectory(t)
	}
	f.ClientID = idAfter(t, false, clientLabels)
	if f.ClientID == "" {
		f.ClientID = queryValue(t, "client_id")
	}
	if strings.Contains(t, "does not have authorization") || strings.Contains(t, "AuthorizationFailed") {
		f.Authorization = authorization(t)
	}
	f.Signals = signals(t, creds)
	f.SDK = guessSDK(t)
	f.Time = logTime(head)
	f.Message = clip(summaryLine(t, f), 300)
	r.sig = digitless(head)
	if st != weak {
		r.printSig, r.printLines = r.sig, r.lastLine-line+1
	}
	return r
}

// recordLines returns how many lines raw holds.
func recordLines(raw []byte) int {
	n := bytes.Count(raw, nlByte)
	if len(raw) > 0 && raw[len(raw)-1] != '\n' {
		n++
	}
	return n
}

// onlyBareAADSTS reports a record whose only trigger word is "AADSTS"
// without the digits of a code (prose about AADSTS errors); t holds no
// AADSTS code.
func onlyBareAADSTS(t string) bool {
	b := unsafe.Slice(unsafe.StringData(t), len(t)) // read only
	seen := false
	for p := firstTrigger(b, 0); p >= 0; p = firstTrigger(b, p+1) {
		if !bytes.HasPrefix(b[p:], []byte("AADSTS")) {
			return false
		}
		seen = true
	}
	return seen
}

func dedupe(k []string) []string {
	var out []string
	for _, x := range k {
		out = addUnique(out, x)
	}
	return out
}

// secret queues a "secret exposed in log" finding.
func (s *Scanner) secret(kind string, offset, line int64, head string) {
	f := &Finding{
		Kind:       KindSecretExposure,
		File:       s.name,
		Offset:     offset,
		Line:       line,
		SecretKind: kind,
		Message:    "secret exposed in log: " + article(kind) + " " + strings.ReplaceAll(kind, "_", " ") + " value was written to this log (redacted here)",
		Time:       logTime(head),
		Signals:    []string{"secret-exposed"},
	}
	s.out = append(s.out, f)
}

func article(word string) string {
	if word != "" && strings.IndexByte("aeiou", word[0]) >= 0 {
		return "an"
	}
	return "a"
}

func firstLine(raw []byte) string {
	if i := indexByte(raw, '\n'); i >= 0 {
		raw = raw[:i]
	}
	if len(raw) > 4096 {
		raw = raw[:4096]
	}
	return string(raw)
}

func firstTokenURL(t string) string {
	i := strings.Index(t, "/oauth2/")
	if i < 0 {
		return ""
	}
	s := strings.LastIndex(t[:i], "http")
	if s < 0 {
		return ""
	}
	return t[s : i+len("/oauth2/")]
}

func digitless(s string) string {
	var b strings.Builder
	for i := 0; i < len(s) && i < 300; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// authorization parses ARM's AuthorizationFailed message and Key Vault's
// "Caller is not authorized" message.
func authorization(t string) *Authorization {
	a := &Authorization{
		ClientID: quotedID(t, "The client '"),
		ObjectID: quotedID(t, "with object id '"),
		Action:   quotedValue(t, "perform action '"),
		Scope:    quotedValue(t, "over scope '"),
	}
	if a.Action == "" {
		a.Action = quotedValue(t, "Action: '")
	}
	if a.Scope == "" {
		a.Scope = quotedValue(t, "Resource: '")
	}
	if a.ObjectID == "" {
		a.ObjectID = queryLike(t, "oid=")
	}
	if a.ClientID == "" {
		a.ClientID = queryLike(t, "appid=")
	}
	if *a == (Authorization{}) {
		return nil
	}
	return a
}

func quotedID(t, label string) string {
	v := quotedValue(t, label)
	if strings.ContainsAny(v, " /") {
		return ""
	}
	return v
}

func quotedValue(t, label string) string {
	i := strings.Index(t, label)
	if i < 0 {
		return ""
	}
	v := t[i+len(label):]
	if e := strings.IndexAny(v, "'\n"); e >= 0 {
		v = v[:e]
	}
	return clip(v, 500)
}

func queryLike(t, key string) string {
	i := strings.Index(t, key)
	if i < 0 {
		return ""
	}
	v := t[i+len(key):]
	e := 0
	for e < len(v) && isIDChar(v[e]) {
		e++
	}
	return v[:e]
}

// summary is the message of a finding with an Entra error.
func summary(f *Finding) string {
	m := f.ErrorMessage
	if f.Credential != "" {
		m = f.Credential + " authentication failed: " + m
	}
	return clip(m, 300)
}

// summaryLine picks the line of t that best says what failed.
func summaryLine(t string, f *Finding) string {
	if f.ErrorMessage != "" && len(f.AADSTS) > 0 {
		return summary(f)
	}
	best := ""
	for _, l := range strings.Split(t, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || isDashes([]byte(l)) || strings.HasPrefix(l, "Traceback") || strings.HasPrefix(l, "File \"") || strings.HasPrefix(l, "at ") ||
			strings.HasPrefix(l, "raise ") {
			continue
		}
		if l[0] == '"' && (l[len(l)-1] == '{' || l[len(l)-1] == '[') {
			continue // a JSON key opening an object ("error": {): no sentence
		}
		for _, p := range []string{"authentication failed", "Authentication failed", "failed to", "unavailable", "Error:", "Exception:", "ERROR", "AADSTS", "does not have authorization", "not found", "timed out", "Please run", "failed", "error"} {
			if strings.Contains(l, p) {
				return stripLogPrefix(l)
			}
		}
		if best == "" {
			best = l
		}
	}
	return stripLogPrefix(best)
}

// stripLogPrefix drops a leading timestamp and level from a line.
func stripLogPrefix(l string) string {
	if len(l) > 0 && l[0] == '{' {
		for _, k := range []string{`"msg":"`, `"message":"`, `"msg": "`, `"message": "`, `"error":"`, `"error": "`} {
			if i := strings.Index(l, k); i >= 0 {
				v := l[i+len(k):]
				if e := strings.Index(v, `"`); e >= 0 {
					v = v[:e]
				}
				return v
			}
		}
		return l
	}
	if _, n := parseTimePrefix(l); n > 0 {
		l = strings.TrimLeft(l[n:], " ]\t")
	}
	return l
}
