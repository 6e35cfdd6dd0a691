// Package parser turns log bytes into authentication-failure findings.
//
// It knows the shapes that Azure SDKs, MSAL, the Azure CLI and Azure PowerShell
// print when authentication fails, and nothing about rules or outputs: a
// Finding leaves the parser with its identifying fields filled and its Rule
// fields empty; rules.DB.Enrich fills those.
package parser

import "time"

// Kind says what a finding reports.
type Kind uint8

const (
	// KindFailure is an authentication or authorization failure.
	KindFailure Kind = iota
	// KindSecretExposure reports that the log itself holds a secret
	// (a token, a client secret, a SAS signature, a password). It never
	// carries the value, only its kind and location.
	KindSecretExposure
)

// ChainEntry is one credential that a chained credential
// (DefaultAzureCredential, ChainedTokenCredential) tried.
type ChainEntry struct {
	Credential string   // e.g. "ManagedIdentityCredential"; may be empty when the SDK did not name it
	Reason     string   // the member's own message, first line, redacted
	AADSTS     []string // AADSTS codes in the member's message, digits only
}

// Rule is what the rules database says about a finding. The parser leaves it
// zero; rules.DB.Enrich fills it.
type Rule struct {
	ID          string   // rule.id, e.g. "AADSTS7000215" or "managed-identity-imds-unreachable"
	Name        string   // rule.name, e.g. "InvalidClientSecret"
	Category    string   // rule.category
	Description string   // rule.description: what it means
	Reference   string   // rule.reference: a link
	Mitigation  []string // azlogscan.mitigation: what to do, in order
	ActionBy    string   // azlogscan.action_by: app-developer | admin | user | retry
	Benign      bool     // an interrupt that is part of a normal flow
}

// Authorization holds what an ARM/data-plane AuthorizationFailed error says:
// who tried to do what, where.
type Authorization struct {
	ClientID string // "The client '<id>'"
	ObjectID string // "with object id '<oid>'"
	Action   string // "action '<action>'"
	Scope    string // "over scope '<scope>'"
}

// Finding is one authentication failure, as a person reading the log would
// count it. Every string is as written in the log (identifiers even when
// truncated or masked), already redacted of secrets.
type Finding struct {
	Kind Kind

	Time    time.Time // the log record's own timestamp; zero if the record had none
	Message string    // a one-line summary of the failure

	ErrorCode    string // Entra "error" (invalid_client) or ARM error code (AuthorizationFailed)
	ErrorMessage string // Entra error_description or ARM message, first line
	HTTPStatus   int    // status of the failed token/ARM response; 0 if unknown
	URL          string // request URL (token endpoint, IMDS, ARM), no query

	File   string // log.file.path; "-" for standard input
	Offset int64  // log.offset: byte offset of the record's first line in the decoded input
	Line   int64  // log.file.line: 1-based line number of the record's first line
	// LastLine is the last line of the records merged into this finding
	// (not part of the document: for tools that show the excerpt).
	LastLine int64

	SDK        string       // go | python | dotnet | js | java | cli | powershell | msal; "" if unknown
	Credential string       // the credential that failed (outermost)
	Chain      []ChainEntry // what a chained credential tried, in order

	AADSTS         []string // every AADSTS code in the record, digits only, in order, no repeats
	TraceID        string
	CorrelationID  string
	EntraTimestamp string // Entra's own timestamp, as written ("2022-03-02 18:25:26Z")
	TenantID       string
	ClientID       string

	Authorization *Authorization // ARM AuthorizationFailed details; nil when none

	// Signals are the stable identifiers of the non-code failures the record
	// shows (e.g. "imds-unreachable", "cli-not-found"); the rules database
	// matches on them. In order of appearance, no repeats.
	Signals []string

	// Secret exposure (Kind == KindSecretExposure).
	SecretKind string // e.g. "jwt", "client_secret", "sas_signature", "password"

	Rule Rule
}

// Code is the finding's primary code: the first AADSTS code ("AADSTS7000215"),
// else the error code, else the rule id.
func (f *Finding) Code() string {
	if len(f.AADSTS) > 0 {
		return "AADSTS" + f.AADSTS[0]
	}
	if f.ErrorCode != "" && f.Authorization != nil {
		return f.ErrorCode
	}
	if f.Rule.ID != "" {
		return f.Rule.ID
	}
	if f.ErrorCode != "" {
		return f.ErrorCode
	}
	if len(f.Signals) > 0 {
		return f.Signals[0]
	}
	return ""
}
