package rules

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"sync"

	"github.com/azlogscan/azlogscan/parser"
)

//go:embed data/*.jsonl
var dataFS embed.FS

// Ids of the rules Enrich falls back to; they must exist in the embedded data.
const (
	FallbackFailureID = "authentication-failure" // a failure no rule matches
	FallbackSecretID  = "secret-exposure"        // a secret of a kind no rule matches
	UnknownAADSTSName = "UnknownAADSTSCode"      // name of the synthesized rule for an AADSTS code without a rule
)

// DB is a loaded, indexed rules database. It is immutable and safe for
// concurrent use.
type DB struct {
	rules []Rule
	user  []bool         // rules[i] came from With (wins ties over embedded rules)
	byID  map[string]int // lower-cased id → index

	// Each rule is indexed under one anchor: its first non-empty condition in
	// the order aadsts, error_code, signal, secret_kind, credential,
	// http_status, sdk (a rule with no condition: by its id, see Match).
	aadsts    map[string][]int
	errorCode map[string][]int
	signal    map[string][]int
	secret    map[string][]int
	cred      map[string][]int // lower-cased
	status    map[int][]int
	sdk       map[string][]int

	match []Match // the effective match of each rule (implicit one for id-only rules)
}

var defaultDB = sync.OnceValue(func() *DB {
	rules, err := loadEmbedded()
	if err != nil {
		panic("rules: embedded data: " + err.Error())
	}
	return build(rules, nil)
})

// Default returns the embedded database. It is loaded once; embedded data that
// does not load is a programming error (the tests load it) and panics.
func Default() *DB { return defaultDB() }

func loadEmbedded() ([]Rule, error) {
	names, err := fs.Glob(dataFS, "data/*.jsonl") // sorted
	if err != nil {
		return nil, err
	}
	var all []Rule
	where := map[string]string{}
	for _, name := range names {
		f, err := dataFS.Open(name)
		if err != nil {
			return nil, err
		}
		rules, err := loadTrusted(f, "rules/"+name)
		f.Close()
		if err != nil {
			return nil, err
		}
		for _, r := range rules {
			if other, dup := where[r.ID]; dup {
				return nil, &LoadError{File: "rules/" + name, ID: r.ID, Field: "id",
					Err: fmt.Errorf("%w id: already defined in %s", ErrDuplicate, other)}
			}
			where[r.ID] = path.Base(name)
		}
		all = append(all, rules...)
	}
	return all, nil
}

// loadTrusted is Load for the embedded files, which TestEmbeddedStrict
// loads with Load itself: it decodes each line once and validates the rule,
// without Load's search for unknown and repeated keys, which takes most of
// its time (the database loads in 4 ms instead of 21: at every start, on one
// of the two cores the scan wants).
func loadTrusted(r io.Reader, name string) ([]Rule, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	var rules []Rule
	for lineNo := 1; len(data) > 0; lineNo++ {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var rule Rule
		if err := json.Unmarshal(line, &rule); err != nil {
			return nil, &LoadError{File: name, Line: lineNo, Err: fmt.Errorf("%w: %v", ErrInvalid, err)}
		}
		if field, err := validate(&rule); err != nil {
			return nil, &LoadError{File: name, Line: lineNo, ID: rule.ID, Field: field, Err: err}
		}
		rules = append(rules, rule)
	}
	return rules, nil
}

func build(rules []Rule, user []bool) *DB {
	db := &DB{
		rules:     rules,
		user:      user,
		byID:      make(map[string]int, len(rules)),
		aadsts:    map[string][]int{},
		errorCode: map[string][]int{},
		signal:    map[string][]int{},
		secret:    map[string][]int{},
		cred:      map[string][]int{},
		status:    map[int][]int{},
		sdk:       map[string][]int{},
		match:     make([]Match, len(rules)),
	}
	if db.user == nil {
		db.user = make([]bool, len(rules))
	}
	for i := range rules {
		r := &rules[i]
		db.byID[strings.ToLower(r.ID)] = i
		m := r.Match
		if m.IsZero() {
			if code, ok := strings.CutPrefix(r.ID, "AADSTS"); ok && isDigits(code) {
				m = Match{AADSTS: []string{code}}
			} else {
				// Matches by error code or by signal: index under both.
				db.errorCode[r.ID] = append(db.errorCode[r.ID], i)
				db.signal[r.ID] = append(db.signal[r.ID], i)
				db.match[i] = Match{}
				continue
			}
		}
		db.match[i] = m
		switch {
		case len(m.AADSTS) > 0:
			for _, v := range m.AADSTS {
				db.aadsts[v] = appendOnce(db.aadsts[v], i)
			}
		case len(m.ErrorCode) > 0:
			for _, v := range m.ErrorCode {
				db.errorCode[v] = appendOnce(db.errorCode[v], i)
			}
		case len(m.Signal) > 0:
			for _, v := range m.Signal {
				db.signal[v] = appendOnce(db.signal[v], i)
			}
		case len(m.SecretKind) > 0:
			for _, v := range m.SecretKind {
				db.secret[v] = appendOnce(db.secret[v], i)
			}
		case len(m.Credential) > 0:
			for _, v := range m.Credential {
				k := strings.ToLower(v)
				db.cred[k] = appendOnce(db.cred[k], i)
			}
		case len(m.HTTPStatus) > 0:
			for _, v := range m.HTTPStatus {
				db.status[v] = appendOnce(db.status[v], i)
			}
		case len(m.SDK) > 0:
			for _, v := range m.SDK {
				db.sdk[v] = appendOnce(db.sdk[v], i)
			}
		}
	}
	return db
}

// isOAuthCode reports an OAuth 2.0 error code (RFC 6749 §5.2 and its
// extensions: lower case words joined by underscores), not an ARM or
// data-plane code (AuthorizationFailed).
func isOAuthCode(code string) bool {
	if code == "" {
		return false
	}
	for i := 0; i < len(code); i++ {
		if c := code[i]; !(c >= 'a' && c <= 'z' || c == '_') {
			return false
		}
	}
	return true
}

func appendOnce(s []int, i int) []int {
	if len(s) > 0 && s[len(s)-1] == i {
		return s
	}
	return append(s, i)
}

// With returns a copy of db where extra rules are added, or replace the rule
// with the same id. A replacing rule without a match keeps the match of the
// rule it replaces (so an organisation can change a rule's text and links
// without restating when it applies). Among equally specific rules, rules
// given to With win over embedded ones. db itself is unchanged.
func (db *DB) With(extra []Rule) *DB {
	rules := make([]Rule, len(db.rules), len(db.rules)+len(extra))
	copy(rules, db.rules)
	user := make([]bool, len(db.user), len(db.user)+len(extra))
	copy(user, db.user)
	pos := make(map[string]int, len(rules))
	for i, r := range rules {
		pos[r.ID] = i
	}
	for _, r := range extra {
		if i, ok := pos[r.ID]; ok {
			if r.Match.IsZero() {
				r.Match = rules[i].Match
			}
			rules[i] = r
			user[i] = true
			continue
		}
		pos[r.ID] = len(rules)
		rules = append(rules, r)
		user = append(user, true)
	}
	return build(rules, user)
}

// All returns the rules in a stable order: the embedded files in name order,
// each in file order, then the rules added by With in the order given
// (a rule that replaced another keeps its place). The slice is a copy.
func (db *DB) All() []Rule {
	out := make([]Rule, len(db.rules))
	copy(out, db.rules)
	return out
}

// Rule returns the rule with the given id (case-insensitive).
func (db *DB) Rule(id string) (Rule, bool) {
	i, ok := db.byID[strings.ToLower(id)]
	if !ok {
		return Rule{}, false
	}
	return db.rules[i], true
}

// candidate is a matching rule and how it ranks.
type candidate struct {
	i        int
	codePos  int // position in f.AADSTS of the code the rule matched; noCode if none
	weight   int // sum of the weights of the rule's conditions
	conds    int
	credSpec bool
	// oauth: the rule's one condition is an OAuth error code
	// (invalid_grant, invalid_request): the class of a failure, which a
	// signal as specific, read from the message, explains better.
	oauth bool
}

const noCode = 1 << 30

// better reports whether a ranks before b: a rule that explains an earlier
// AADSTS code of the finding first (any code rule before any rule without a
// code), then the more specific rule (the weights of its conditions: aadsts 8;
// error_code, signal, secret_kind 4; credential 2; http_status, sdk 1), then
// more conditions, then credential-specific over generic, then rules from With
// over embedded ones, then the earlier rule.
func (db *DB) better(a, b candidate) bool {
	if a.codePos != b.codePos {
		return a.codePos < b.codePos
	}
	if a.weight != b.weight {
		return a.weight > b.weight
	}
	if a.conds != b.conds {
		return a.conds > b.conds
	}
	if a.oauth != b.oauth {
		return b.oauth
	}
	if a.credSpec != b.credSpec {
		return a.credSpec
	}
	if db.user[a.i] != db.user[b.i] {
		return db.user[a.i]
	}
	return a.i < b.i
}

// best returns the best matching rule for f, or -1.
func (db *DB) best(f *parser.Finding) (candidate, bool) {
	best := candidate{i: -1}
	consider := func(list []int) {
		for _, i := range list {
			c, ok := db.matches(i, f)
			if ok && (best.i < 0 || db.better(c, best)) {
				best = c
			}
		}
	}
	if f.Kind == parser.KindSecretExposure {
		consider(db.secret[f.SecretKind])
	} else {
		for _, code := range f.AADSTS {
			consider(db.aadsts[code])
		}
		if f.ErrorCode != "" {
			consider(db.errorCode[f.ErrorCode])
		}
		for _, s := range f.Signals {
			consider(db.signal[s])
		}
		if f.HTTPStatus != 0 {
			consider(db.status[f.HTTPStatus])
		}
		if f.SDK != "" {
			consider(db.sdk[f.SDK])
		}
	}
	if f.Credential != "" {
		consider(db.cred[lowerCred(f.Credential)])
	}
	for k := range f.Chain {
		if c := f.Chain[k].Credential; c != "" && !strings.EqualFold(c, f.Credential) {
			consider(db.cred[lowerCred(c)])
		}
	}
	return best, best.i >= 0
}

// matches checks every condition of rule i against f.
func (db *DB) matches(i int, f *parser.Finding) (candidate, bool) {
	m := &db.match[i]
	c := candidate{i: i, codePos: noCode}
	if m.IsZero() { // id-only rule that is not an AADSTS rule
		id := db.rules[i].ID
		if f.Kind == parser.KindSecretExposure {
			return c, false
		}
		if f.ErrorCode == id || contains(f.Signals, id) {
			c.conds, c.weight = 1, 4
			return c, true
		}
		return c, false
	}
	if (f.Kind == parser.KindSecretExposure) != (len(m.SecretKind) > 0) {
		return c, false
	}
	c.conds = m.conditions()
	c.weight = m.weight()
	c.oauth = c.conds == 1 && len(m.ErrorCode) > 0 && isOAuthCode(f.ErrorCode)
	matchedCode := ""
	if len(m.AADSTS) > 0 {
		for p, code := range f.AADSTS {
			if contains(m.AADSTS, code) {
				c.codePos, matchedCode = p, code
				break
			}
		}
		if matchedCode == "" {
			return c, false
		}
	}
	if len(m.ErrorCode) > 0 && !contains(m.ErrorCode, f.ErrorCode) {
		return c, false
	}
	if len(m.Signal) > 0 && !anyIn(f.Signals, m.Signal) {
		return c, false
	}
	if len(m.SecretKind) > 0 && !contains(m.SecretKind, f.SecretKind) {
		return c, false
	}
	if len(m.HTTPStatus) > 0 && !containsInt(m.HTTPStatus, f.HTTPStatus) {
		return c, false
	}
	if len(m.SDK) > 0 && !contains(m.SDK, f.SDK) {
		return c, false
	}
	if len(m.Credential) > 0 {
		if !credMatches(m.Credential, f, matchedCode) {
			return c, false
		}
		c.credSpec = true
	}
	return c, true
}

// credMatches: the finding's credential, or a member of its chain, is one of
// names. When the rule matched an AADSTS code, a chain member counts only if
// that code is in its own message (the member that failed with it).
func credMatches(names []string, f *parser.Finding, code string) bool {
	for _, n := range names {
		if strings.EqualFold(n, f.Credential) {
			return true
		}
	}
	for k := range f.Chain {
		e := &f.Chain[k]
		for _, n := range names {
			if strings.EqualFold(n, e.Credential) && (code == "" || contains(e.AADSTS, code)) {
				return true
			}
		}
	}
	return false
}

func anyIn(have, want []string) bool {
	for _, h := range have {
		if contains(want, h) {
			return true
		}
	}
	return false
}

func containsInt(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// knownCreds maps the usual spellings to their lower-case key without
// allocating on every finding.
var knownCreds = func() map[string]string {
	m := map[string]string{}
	for _, n := range []string{"AzureCLICredential", "AzureCliCredential", "AzureDeveloperCLICredential",
		"AzureDeveloperCliCredential", "AzurePipelinesCredential", "AzurePowerShellCredential",
		"AzurePowershellCredential", "BrokerCredential", "ChainedTokenCredential", "ClientAssertionCredential",
		"ClientCertificateCredential", "ClientSecretCredential", "DefaultAzureCredential", "DeviceCodeCredential",
		"EnvironmentCredential", "InteractiveBrowserCredential", "IntelliJCredential", "ManagedIdentityCredential",
		"OnBehalfOfCredential", "SharedTokenCacheCredential", "UsernamePasswordCredential",
		"VisualStudioCodeCredential", "VisualStudioCredential", "WorkloadIdentityCredential",
		"AuthorizationCodeCredential"} {
		m[n] = strings.ToLower(n)
	}
	return m
}()

func lowerCred(s string) string {
	if l, ok := knownCreds[s]; ok {
		return l
	}
	return strings.ToLower(s)
}

// Enrich fills f.Rule with the most specific matching rule (see better for the
// precedence). A finding with AADSTS codes none of which has a rule gets a
// rule synthesized for its first code that says so and links Entra's error
// page; a failure nothing matches gets the "authentication-failure" rule, an
// exposed secret of an unknown kind the "secret-exposure" rule. For ARM
// AuthorizationFailed and LinkedAuthorizationFailed, the mitigation starts
// with a ready `az role assignment create` command built from
// f.Authorization.
func (db *DB) Enrich(f *parser.Finding) {
	c, ok := db.best(f)
	var r *Rule
	switch {
	case f.Kind != parser.KindSecretExposure && len(f.AADSTS) > 0 && (!ok || c.codePos == noCode):
		u := UnknownAADSTS(f.AADSTS[0])
		if f.Credential != "" {
			u.Mitigation = append(u.Mitigation, fmt.Sprintf(
				"The failing credential is %s: run `azlogscan explain %s` for what commonly goes wrong with it.",
				f.Credential, f.Credential))
		}
		r = &u
	case ok:
		r = &db.rules[c.i]
	default:
		id := FallbackFailureID
		if f.Kind == parser.KindSecretExposure {
			id = FallbackSecretID
		}
		if i, ok := db.byID[id]; ok {
			r = &db.rules[i]
		} else {
			u := genericFallback(id)
			r = &u
		}
	}
	f.Rule = parser.Rule{
		ID:          r.ID,
		Name:        r.Name,
		Category:    r.Category,
		Description: r.Description,
		Reference:   r.Reference,
		Mitigation:  r.Mitigation[:len(r.Mitigation):len(r.Mitigation)], // appending copies
		ActionBy:    r.ActionBy,
		Benign:      r.Benign && !noPromptCredentials[f.Credential],
	}
	if f.Authorization != nil && (f.ErrorCode == "AuthorizationFailed" || f.ErrorCode == "LinkedAuthorizationFailed" ||
		r.ID == "AuthorizationFailed" || r.ID == "LinkedAuthorizationFailed") {
		steps := make([]string, 0, len(r.Mitigation)+2)
		steps = append(steps, RoleAssignmentSteps(f.Authorization)...)
		steps = append(steps, r.Mitigation...)
		f.Rule.Mitigation = steps
	}
}

// noPromptCredentials have no interactive step to fall back on: they sign
// in as an application or a managed identity, or with a user's password or
// token passed on (ROPC, on-behalf-of). The benign codes interrupt an
// interactive sign-in (a silent attempt, a prompt, device-code polling);
// from these credentials they are failures.
var noPromptCredentials = map[string]bool{
	"ClientSecretCredential": true, "ClientCertificateCredential": true, "ClientAssertionCredential": true,
	"WorkloadIdentityCredential": true, "ManagedIdentityCredential": true, "AzurePipelinesCredential": true,
	"EnvironmentCredential": true, "UsernamePasswordCredential": true, "OnBehalfOfCredential": true,
}

// UnknownAADSTS is the rule for an AADSTS code the database has no rule for.
func UnknownAADSTS(code string) Rule {
	link := "https://login.microsoftonline.com/error?code=" + code
	return Rule{
		ID:       "AADSTS" + code,
		Name:     UnknownAADSTSName,
		Category: "unknown",
		ActionBy: ActionAppDeveloper,
		Description: "Microsoft Entra ID rejected the request with AADSTS" + code +
			", a code azlogscan has no rule for. The error_description in the log states the reason in Entra's words.",
		Mitigation: []string{
			"Look the code up on Entra's error page: " + link + " (it shows the current description for the code).",
			"Search the code in the Microsoft Entra error code reference: https://learn.microsoft.com/entra/identity-platform/reference-error-codes",
			"If it stays unclear, open a support case with the Trace ID, Correlation ID and Timestamp from the error.",
		},
		Reference: link,
	}
}

func genericFallback(id string) Rule {
	return Rule{
		ID: id, Name: "AuthenticationFailure", Category: "other", ActionBy: ActionAppDeveloper,
		Description: "An Azure authentication failure that azlogscan has no specific rule for.",
		Mitigation:  []string{"Read the error message in the log; enable the SDK's logging for details."},
		Reference:   "https://learn.microsoft.com/entra/identity-platform/reference-error-codes",
	}
}

// Explain returns the rules relevant to query, for `azlogscan explain`:
//   - an AADSTS code ("AADSTS7000222", "aadsts7000222", "7000222"): the code's
//     own rule first, then its credential- or SDK-specific variants; for a code
//     without any rule it returns the synthesized UnknownAADSTSCode rule and false;
//   - a rule id, credential type name (either CLI spelling), signal, Entra or
//     ARM error code, secret kind or HTTP status: the rule with that id first,
//     then every rule whose match names it, the least specific first.
//
// The second result is false when nothing in the database is about query.
func (db *DB) Explain(query string) ([]Rule, bool) {
	q := strings.TrimSpace(query)
	if q == "" {
		return nil, false
	}
	var out []int
	add := func(i int) {
		for _, j := range out {
			if j == i {
				return
			}
		}
		out = append(out, i)
	}
	code := q
	if len(code) > 6 && strings.EqualFold(code[:6], "AADSTS") {
		code = code[6:]
	}
	if isDigits(code) && len(code) >= 5 { // AADSTS codes have 5 to 7 digits; 401 is an HTTP status
		if i, ok := db.byID["aadsts"+code]; ok {
			add(i)
		}
		db.addSorted(db.aadsts[code], add)
		if len(out) == 0 {
			return []Rule{UnknownAADSTS(code)}, false
		}
		return db.pick(out), true
	}
	if i, ok := db.byID[strings.ToLower(q)]; ok {
		add(i)
	}
	var related []int
	prefix := strings.ToLower(q) + "-"
	for i := range db.rules {
		m := &db.match[i]
		if m.IsZero() {
			// Explain-only rules about a credential or signal: "<query>-<topic>".
			if strings.HasPrefix(strings.ToLower(db.rules[i].ID), prefix) {
				related = append(related, i)
			}
			continue
		}
		if containsFold(m.Credential, q) || contains(m.Signal, q) || contains(m.ErrorCode, q) ||
			contains(m.SecretKind, q) || contains(m.SDK, q) || containsInt(m.HTTPStatus, atoi(q)) {
			related = append(related, i)
		}
	}
	db.addSorted(related, add)
	if len(out) == 0 {
		return nil, false
	}
	return db.pick(out), true
}

// addSorted adds the indices least specific first (fewest conditions), then
// in database order.
func (db *DB) addSorted(idx []int, add func(int)) {
	s := append([]int(nil), idx...)
	for a := 1; a < len(s); a++ {
		for b := a; b > 0; b-- {
			ca, cb := db.match[s[b]].conditions(), db.match[s[b-1]].conditions()
			if ca < cb || (ca == cb && s[b] < s[b-1]) {
				s[b], s[b-1] = s[b-1], s[b]
				continue
			}
			break
		}
	}
	for _, i := range s {
		add(i)
	}
}

func (db *DB) pick(idx []int) []Rule {
	out := make([]Rule, len(idx))
	for k, i := range idx {
		out[k] = db.rules[i]
	}
	return out
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

func atoi(s string) int {
	n := 0
	if len(s) != 3 || !isDigits(s) {
		return -1
	}
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}
