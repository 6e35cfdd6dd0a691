// Package rules is azlogscan's knowledge base: what an Azure authentication
// failure means, who must act, and what to do about it.
//
// The rules live in JSON Lines files embedded from data/ (one rule per line,
// the format is described in README.md) and are loaded strictly: unknown
// fields, duplicate ids and incomplete rules are errors that name the file,
// the line, the rule and the field. An organisation can add or override rules
// with its own file (Load, LoadFile, DB.With).
//
// DB.Enrich picks the most specific rule for a parser.Finding and fills its
// Rule; DB.Explain answers `azlogscan explain`; DB.All lists the database.
package rules

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// Who must act on a rule (action_by).
const (
	ActionAppDeveloper = "app-developer"
	ActionAdmin        = "admin"
	ActionUser         = "user"
	ActionRetry        = "retry"
)

var actionBy = []string{ActionAppDeveloper, ActionAdmin, ActionUser, ActionRetry}

// SDKs are the values a match's sdk list may hold (parser.Finding.SDK).
var SDKs = []string{"go", "python", "dotnet", "js", "java", "cli", "powershell", "msal"}

// SecretKinds are the values a match's secret_kind list may hold
// (parser.Finding.SecretKind).
var SecretKinds = []string{"jwt", "client_secret", "sas_signature", "password", "authorization_header",
	"identity_header", "account_key", "client_assertion", "refresh_token"}

// Rule is one entry of the knowledge base. Its JSON form is one line of a
// rules file.
type Rule struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Category    string   `json:"category"`
	ActionBy    string   `json:"action_by"`
	Description string   `json:"description"`
	Mitigation  []string `json:"mitigation"`
	Reference   string   `json:"reference"`
	Benign      bool     `json:"benign,omitempty"`
	Match       Match    `json:"match,omitzero"`
}

// Match says which findings a rule applies to. Every non-empty list is a
// condition, and all conditions must hold; a list holds when the finding has
// any of its values. A rule with an empty Match applies by its id only: a rule
// "AADSTS<n>" matches findings carrying AADSTS code n, any other id matches a
// finding whose error code or one of whose signals equals the id.
type Match struct {
	AADSTS     []string `json:"aadsts,omitempty"`      // digits: "7000215"
	Credential []string `json:"credential,omitempty"`  // credential type names, compared case-insensitively
	Signal     []string `json:"signal,omitempty"`      // parser signal ids: "imds-unreachable"
	ErrorCode  []string `json:"error_code,omitempty"`  // Entra "error" or ARM error code, exact
	HTTPStatus []int    `json:"http_status,omitempty"` // status of the failed response
	SDK        []string `json:"sdk,omitempty"`         // go | python | dotnet | js | java | cli | powershell | msal
	SecretKind []string `json:"secret_kind,omitempty"` // secret-exposure findings only
}

// IsZero reports whether m has no condition (the rule matches by id only).
func (m Match) IsZero() bool { return m.conditions() == 0 }

// conditions counts the non-empty lists.
func (m Match) conditions() int {
	n := 0
	for _, l := range [...]int{len(m.AADSTS), len(m.Credential), len(m.Signal), len(m.ErrorCode),
		len(m.HTTPStatus), len(m.SDK), len(m.SecretKind)} {
		if l > 0 {
			n++
		}
	}
	return n
}

// weight is the specificity of a match, the sum of its conditions' weights.
func (m Match) weight() int {
	w := 0
	for _, c := range [...]struct{ n, w int }{{len(m.AADSTS), 8}, {len(m.ErrorCode), 4}, {len(m.Signal), 4},
		{len(m.SecretKind), 4}, {len(m.Credential), 2}, {len(m.HTTPStatus), 1}, {len(m.SDK), 1}} {
		if c.n > 0 {
			w += c.w
		}
	}
	return w
}

// LoadError is a problem in a rules file, positioned as file:line.
type LoadError struct {
	File  string // the name given to Load
	Line  int    // 1-based; 0 when the error is not about one line
	ID    string // the rule's id, when known
	Field string // the JSON field, when known ("match.aadsts")
	Err   error
}

func (e *LoadError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(e.Line))
	}
	b.WriteString(": ")
	if e.ID != "" {
		fmt.Fprintf(&b, "rule %q: ", e.ID)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, "field %q: ", e.Field)
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *LoadError) Unwrap() error { return e.Err }

// Errors that LoadError wraps, for errors.Is.
var (
	ErrUnknownField = errors.New("unknown field")
	ErrDuplicate    = errors.New("duplicate")
	ErrMissing      = errors.New("missing or empty")
	ErrInvalid      = errors.New("invalid value")
)

var topFields = map[string]bool{"id": true, "name": true, "category": true, "action_by": true,
	"description": true, "mitigation": true, "reference": true, "benign": true, "match": true}

var matchFields = map[string]bool{"aadsts": true, "credential": true, "signal": true, "error_code": true,
	"http_status": true, "sdk": true, "secret_kind": true}

// maxLine bounds one rule line (a rule is a few KiB at most).
const maxLine = 1 << 20

// Load reads a rules file in JSON Lines form: one rule per line; blank lines
// are allowed. name is the file name used in errors. It rejects unknown
// fields, repeated fields, duplicate ids and incomplete rules; the error is a
// *LoadError naming the file, line, rule and field.
func Load(r io.Reader, name string) ([]Rule, error) {
	br := bufio.NewReader(r)
	var rules []Rule
	seen := map[string]int{} // id → line
	for lineNo := 1; ; lineNo++ {
		line, err := readLine(br)
		if err != nil && err != io.EOF {
			return nil, &LoadError{File: name, Line: lineNo, Err: err}
		}
		if len(bytes.TrimSpace(line)) > 0 {
			rule, lerr := parseRule(line)
			if lerr != nil {
				lerr.File, lerr.Line = name, lineNo
				return nil, lerr
			}
			if first, dup := seen[rule.ID]; dup {
				return nil, &LoadError{File: name, Line: lineNo, ID: rule.ID, Field: "id",
					Err: fmt.Errorf("%w id: already defined on line %d", ErrDuplicate, first)}
			}
			seen[rule.ID] = lineNo
			rules = append(rules, rule)
		}
		if err == io.EOF {
			return rules, nil
		}
	}
}

// LoadFile is Load on the named file.
func LoadFile(path string) ([]Rule, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Load(f, path)
}

func readLine(br *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		chunk, isPrefix, err := br.ReadLine()
		line = append(line, chunk...)
		if len(line) > maxLine {
			return nil, fmt.Errorf("line longer than %d bytes", maxLine)
		}
		if err != nil || !isPrefix {
			return line, err
		}
	}
}

// parseRule decodes and validates one line. The returned error has no
// position yet.
func parseRule(line []byte) (Rule, *LoadError) {
	var r Rule
	// The id first, so that every later error can name the rule.
	var head struct {
		ID json.RawMessage `json:"id"`
	}
	if err := json.Unmarshal(line, &head); err != nil {
		return r, &LoadError{Err: fmt.Errorf("%w: not a JSON object: %v", ErrInvalid, err)}
	}
	var id string
	_ = json.Unmarshal(head.ID, &id)

	if field, err := checkKeys(line); err != nil {
		return r, &LoadError{ID: id, Field: field, Err: err}
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		le := &LoadError{ID: id, Err: fmt.Errorf("%w: %v", ErrInvalid, err)}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			le.Field = te.Field
			le.Err = fmt.Errorf("%w: a JSON %s cannot be a %s", ErrInvalid, te.Value, te.Type)
		}
		return r, le
	}
	if dec.More() {
		return r, &LoadError{ID: id, Err: fmt.Errorf("%w: more than one JSON value on the line", ErrInvalid)}
	}
	if field, err := validate(&r); err != nil {
		return r, &LoadError{ID: r.ID, Field: field, Err: err}
	}
	return r, nil
}

// checkKeys walks the object's keys (and those of "match") to report unknown
// and repeated fields by name; encoding/json would silently keep the last of
// two equal keys.
func checkKeys(line []byte) (string, error) {
	return checkObject(line, "a rule must be a JSON object", topFields,
		"known: id, name, category, action_by, description, mitigation, reference, benign, match",
		func(key string, raw json.RawMessage) (string, error) {
			if key != "match" {
				return "", nil
			}
			f, err := checkObject(raw, "match must be an object", matchFields,
				"known: aadsts, credential, signal, error_code, http_status, sdk, secret_kind", nil)
			if err != nil {
				return "match." + f, err
			}
			return "", nil
		})
}

// checkObject checks that b is one JSON object whose keys are in known, each
// once, and calls nested (if any) with each key's raw value.
func checkObject(b []byte, notObject string, known map[string]bool, knownText string,
	nested func(key string, raw json.RawMessage) (string, error)) (string, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return "", fmt.Errorf("%w: %s", ErrInvalid, notObject)
	}
	seen := map[string]bool{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return "", fmt.Errorf("%w: %v", ErrInvalid, err)
		}
		key, _ := t.(string)
		if !known[key] {
			return key, fmt.Errorf("%w (%s)", ErrUnknownField, knownText)
		}
		if seen[key] {
			return key, fmt.Errorf("%w field", ErrDuplicate)
		}
		seen[key] = true
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return key, fmt.Errorf("%w: %v", ErrInvalid, err)
		}
		if nested != nil {
			if f, err := nested(key, raw); err != nil {
				return f, err
			}
		}
	}
	return "", nil
}

// validate checks that a decoded rule is complete and its values are known.
func validate(r *Rule) (string, error) {
	switch {
	case r.ID == "":
		return "id", ErrMissing
	case strings.ContainsAny(r.ID, " \t\r\n"):
		return "id", fmt.Errorf("%w: must not contain spaces", ErrInvalid)
	case strings.TrimSpace(r.Name) == "":
		return "name", ErrMissing
	case strings.TrimSpace(r.Category) == "":
		return "category", ErrMissing
	case r.ActionBy == "":
		return "action_by", fmt.Errorf("%w: must be one of %s", ErrMissing, strings.Join(actionBy, ", "))
	case !contains(actionBy, r.ActionBy):
		return "action_by", fmt.Errorf("%w %q: must be one of %s", ErrInvalid, r.ActionBy, strings.Join(actionBy, ", "))
	case strings.TrimSpace(r.Description) == "":
		return "description", ErrMissing
	case len(r.Mitigation) == 0:
		return "mitigation", fmt.Errorf("%w: at least one step is needed", ErrMissing)
	case r.Reference == "":
		return "reference", ErrMissing
	case !strings.HasPrefix(r.Reference, "https://") && !strings.HasPrefix(r.Reference, "http://"):
		return "reference", fmt.Errorf("%w %q: must be an http(s) link", ErrInvalid, r.Reference)
	}
	for i, s := range r.Mitigation {
		if strings.TrimSpace(s) == "" {
			return "mitigation", fmt.Errorf("%w: step %d is empty", ErrMissing, i+1)
		}
	}
	if f, err := validateMatch(&r.Match); err != nil {
		return "match." + f, err
	}
	if code, ok := strings.CutPrefix(r.ID, "AADSTS"); ok && r.Match.IsZero() && !isDigits(code) {
		return "id", fmt.Errorf("%w: an AADSTS id without a match must be AADSTS followed by digits", ErrInvalid)
	}
	return "", nil
}

func validateMatch(m *Match) (string, error) {
	for _, c := range m.AADSTS {
		if !isDigits(c) {
			return "aadsts", fmt.Errorf("%w %q: digits only, without the AADSTS prefix", ErrInvalid, c)
		}
	}
	lists := []struct {
		name  string
		vals  []string
		known []string
	}{
		{"credential", m.Credential, nil},
		{"signal", m.Signal, nil},
		{"error_code", m.ErrorCode, nil},
		{"sdk", m.SDK, SDKs},
		{"secret_kind", m.SecretKind, SecretKinds},
	}
	for _, l := range lists {
		for _, v := range l.vals {
			if strings.TrimSpace(v) == "" {
				return l.name, fmt.Errorf("%w: empty value", ErrInvalid)
			}
			if l.known != nil && !contains(l.known, v) {
				return l.name, fmt.Errorf("%w %q: must be one of %s", ErrInvalid, v, strings.Join(l.known, ", "))
			}
		}
	}
	for _, s := range m.HTTPStatus {
		if s < 100 || s > 599 {
			return "http_status", fmt.Errorf("%w %d: not an HTTP status", ErrInvalid, s)
		}
	}
	if len(m.SecretKind) > 0 && (len(m.AADSTS) > 0 || len(m.Signal) > 0 || len(m.ErrorCode) > 0 || len(m.HTTPStatus) > 0) {
		return "secret_kind", fmt.Errorf("%w: secret_kind applies to secret-exposure findings and cannot be combined with failure conditions", ErrInvalid)
	}
	return "", nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
