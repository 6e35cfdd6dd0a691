package rules

import (
	"bufio"
	"bytes"
	"errors"
	"io/fs"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/azlogscan/azlogscan/parser"
)

func TestEmbeddedLoadsStrictly(t *testing.T) {
	rules, err := loadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) < 450 {
		t.Fatalf("only %d rules embedded", len(rules))
	}
	seen := map[string]bool{}
	for _, r := range rules {
		if seen[r.ID] {
			t.Errorf("duplicate id %s", r.ID)
		}
		seen[r.ID] = true
	}
	for _, id := range []string{FallbackFailureID, FallbackSecretID} {
		if !seen[id] {
			t.Errorf("fallback rule %s missing", id)
		}
	}
	_ = Default() // must not panic
}

func TestChecklistCoverage(t *testing.T) {
	f, err := os.Open("testdata/checklist.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	db := Default()
	var total, covered int
	var missing []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		code := strings.TrimSpace(strings.SplitN(sc.Text(), "\t", 2)[0])
		if !isDigits(code) {
			continue // header
		}
		total++
		r, ok := db.Rule("AADSTS" + code)
		if ok && strings.TrimSpace(r.Description) != "" && len(r.Mitigation) > 0 && r.Mitigation[0] != "" &&
			strings.Contains(r.Reference, "error?code="+code) {
			covered++
		} else {
			missing = append(missing, code)
		}
	}
	if total < 400 {
		t.Fatalf("checklist has only %d codes", total)
	}
	if covered*100 < total*95 {
		t.Fatalf("%d of %d checklist codes covered (<95%%); missing: %v", covered, total, missing)
	}
	t.Logf("%d of %d checklist codes covered; missing: %v", covered, total, missing)
}

// Every troubleshooting-guide row (Go, Python, .NET, JS, Java azidentity
// guides) must have a rule that a finding of that shape reaches.
func TestTroubleshootingRows(t *testing.T) {
	db := Default()
	type row struct {
		name string
		f    parser.Finding
		want string // rule id
	}
	cli := "AzureCliCredential"
	rows := []row{
		{"ClientSecret 7000215", parser.Finding{Credential: "ClientSecretCredential", AADSTS: []string{"7000215"}}, "AADSTS7000215"},
		{"ClientSecret 7000222", parser.Finding{Credential: "ClientSecretCredential", AADSTS: []string{"7000222"}}, "AADSTS7000222"},
		{"ClientSecret 700016", parser.Finding{Credential: "ClientSecretCredential", AADSTS: []string{"700016"}}, "AADSTS700016-ClientSecretCredential"},
		{"ClientCertificate 700027", parser.Finding{Credential: "ClientCertificateCredential", AADSTS: []string{"700027"}}, "AADSTS700027-ClientCertificateCredential"},
		{"ClientCertificate 700016", parser.Finding{Credential: "ClientCertificateCredential", AADSTS: []string{"700016"}}, "AADSTS700016-ClientSecretCredential"},
		{"ClientAssertion 700021", parser.Finding{Credential: "ClientAssertionCredential", AADSTS: []string{"700021"}}, "AADSTS700021-ClientAssertionCredential"},
		{"ClientAssertion 700023", parser.Finding{Credential: "ClientAssertionCredential", AADSTS: []string{"700023"}}, "AADSTS700023-ClientAssertionCredential"},
		{"ClientAssertion 50027", parser.Finding{Credential: "ClientAssertionCredential", AADSTS: []string{"50027"}}, "AADSTS50027-ClientAssertionCredential"},
		{"UsernamePassword 50126", parser.Finding{Credential: "UsernamePasswordCredential", AADSTS: []string{"50126"}}, "AADSTS50126-UsernamePasswordCredential"},
		{"Environment not configured", parser.Finding{Credential: "EnvironmentCredential", Signals: []string{"environment-not-configured"}}, "environment-not-configured"},
		{"DAC all failed", parser.Finding{Credential: "DefaultAzureCredential"}, "DefaultAzureCredential"},
		{"DAC 401/403", parser.Finding{Credential: "DefaultAzureCredential", HTTPStatus: 403}, "DefaultAzureCredential-unauthorized-after-token"},
		{"DAC managed identity timed out", parser.Finding{Credential: "DefaultAzureCredential", Signals: []string{"imds-unreachable"}}, "imds-unreachable-DefaultAzureCredential"},
		{"MI VM not assigned", parser.Finding{Credential: "ManagedIdentityCredential", Signals: []string{"managed-identity-not-assigned"}, HTTPStatus: 400}, "managed-identity-not-assigned"},
		{"MI VM not assigned, IMDS body", parser.Finding{Credential: "ManagedIdentityCredential", ErrorCode: "invalid_request", Signals: []string{"managed-identity-not-assigned"}, HTTPStatus: 400}, "managed-identity-not-assigned"},
		{"MSAL UI required invalid_grant", parser.Finding{ErrorCode: "invalid_grant", Signals: []string{"interaction-required"}, HTTPStatus: 400}, "interaction-required"},
		{"invalid_grant alone", parser.Finding{ErrorCode: "invalid_grant", HTTPStatus: 400}, "invalid_grant"},
		{"ARM code over signal", parser.Finding{ErrorCode: "AuthorizationFailed", Signals: []string{"authorization-failed"}, HTTPStatus: 403}, "AuthorizationFailed"},
		{"MI VM gateway", parser.Finding{Credential: "ManagedIdentityCredential", Signals: []string{"managed-identity-unexpected-response"}, HTTPStatus: 502}, "managed-identity-gateway-error"},
		{"MI VM no response", parser.Finding{Credential: "ManagedIdentityCredential", Signals: []string{"imds-unreachable"}}, "imds-unreachable"},
		{"MI VM retries exhausted", parser.Finding{Credential: "ManagedIdentityCredential", Signals: []string{"managed-identity-unexpected-response"}}, "managed-identity-unexpected-response"},
		{"MI App Service unavailable", parser.Finding{Credential: "ManagedIdentityCredential", Signals: []string{"managed-identity-unavailable"}}, "managed-identity-unavailable"},
		{"MI AKS pod identity", parser.Finding{Credential: "ManagedIdentityCredential", Signals: []string{"managed-identity-not-assigned"}, HTTPStatus: 404}, "ManagedIdentityCredential-aks-pod-identity"},
		{"MI 700016", parser.Finding{Credential: "ManagedIdentityCredential", AADSTS: []string{"700016"}}, "AADSTS700016-ManagedIdentityCredential"},
		{"CLI not found", parser.Finding{Credential: cli, Signals: []string{"cli-not-found"}}, "cli-not-found"},
		{"CLI login", parser.Finding{Credential: "AzureCLICredential", Signals: []string{"cli-login-required"}}, "cli-login-required"},
		{"CLI MFA claims", parser.Finding{Credential: "AzureCLICredential", Signals: []string{"cli-mfa-claims"}}, "cli-mfa-claims"},
		{"CLI 50076", parser.Finding{Credential: "AzureCLICredential", AADSTS: []string{"50076"}}, "AADSTS50076-AzureCLICredential"},
		{"CLI 50079 other spelling", parser.Finding{Credential: cli, AADSTS: []string{"50079"}}, "AADSTS50076-AzureCLICredential"},
		{"CLI 700082", parser.Finding{Credential: cli, AADSTS: []string{"700082"}}, "AADSTS700082-AzureCLICredential"},
		{"azd not found", parser.Finding{Credential: "AzureDeveloperCLICredential", Signals: []string{"azd-not-found"}}, "azd-not-found"},
		{"azd login", parser.Finding{Credential: "AzureDeveloperCliCredential", Signals: []string{"azd-login-required"}}, "azd-login-required"},
		{"pwsh not found", parser.Finding{Credential: "AzurePowerShellCredential", Signals: []string{"powershell-not-found"}}, "powershell-not-found"},
		{"pwsh module", parser.Finding{Credential: "AzurePowerShellCredential", Signals: []string{"powershell-module-missing"}}, "powershell-module-missing"},
		{"pwsh login", parser.Finding{Credential: "AzurePowerShellCredential", Signals: []string{"powershell-login-required"}}, "powershell-login-required"},
		{"workload not configured", parser.Finding{Credential: "WorkloadIdentityCredential", Signals: []string{"workload-identity-not-configured"}}, "workload-identity-not-configured"},
		{"workload 70021", parser.Finding{Credential: "WorkloadIdentityCredential", AADSTS: []string{"70021"}}, "AADSTS70021-WorkloadIdentityCredential"},
		{"workload 700213", parser.Finding{Credential: "WorkloadIdentityCredential", AADSTS: []string{"700213"}}, "AADSTS70021-WorkloadIdentityCredential"},
		{"workload 700024", parser.Finding{Credential: "WorkloadIdentityCredential", AADSTS: []string{"700024"}}, "AADSTS700024-WorkloadIdentityCredential"},
		{"pipelines 900023", parser.Finding{Credential: "AzurePipelinesCredential", AADSTS: []string{"900023"}}, "AADSTS900023-AzurePipelinesCredential"},
		{"pipelines 700211", parser.Finding{Credential: "AzurePipelinesCredential", AADSTS: []string{"700211"}}, "AADSTS70021-AzurePipelinesCredential"},
		{"pipelines OIDC 401", parser.Finding{Credential: "AzurePipelinesCredential", HTTPStatus: 401}, "AzurePipelinesCredential-oidc-401"},
		{"pipelines OIDC missing", parser.Finding{Credential: "AzurePipelinesCredential", Signals: []string{"pipelines-oidc-missing"}}, "pipelines-oidc-missing"},
		{"VS unavailable", parser.Finding{Credential: "VisualStudioCredential", Signals: []string{"visual-studio-unavailable"}}, "visual-studio-unavailable"},
		{"VS 65001", parser.Finding{Credential: "VisualStudioCredential", AADSTS: []string{"65001"}}, "AADSTS65001-VisualStudioCredential"},
		{"VS 65002", parser.Finding{Credential: "VisualStudioCredential", AADSTS: []string{"65002"}}, "AADSTS65002-VisualStudioCredential"},
		{"VS Code", parser.Finding{Credential: "VisualStudioCodeCredential", Signals: []string{"visual-studio-unavailable"}}, "visual-studio-unavailable-VisualStudioCodeCredential"},
		{"WAM 50011", parser.Finding{Credential: "InteractiveBrowserCredential", AADSTS: []string{"50011"}}, "AADSTS50011-InteractiveBrowserCredential"},
		{"broker", parser.Finding{Credential: "InteractiveBrowserCredential", Signals: []string{"broker-error"}}, "broker-error"},
		{"multi-tenant", parser.Finding{Credential: "ClientSecretCredential", Signals: []string{"tenant-not-allowed"}}, "tenant-not-allowed"},
		{"invalid tenant id", parser.Finding{Signals: []string{"invalid-tenant-id"}}, "invalid-tenant-id"},
		{"token file", parser.Finding{Signals: []string{"token-file-missing"}}, "token-file-missing"},
		{"shared cache", parser.Finding{Signals: []string{"shared-token-cache-empty"}}, "shared-token-cache-empty"},
		{"interaction", parser.Finding{Signals: []string{"interaction-required"}}, "interaction-required"},
		{"authz signal", parser.Finding{Signals: []string{"authorization-failed"}}, "authorization-failed"},
		{"network", parser.Finding{Signals: []string{"network-error"}}, "network-error"},
		{"certificate", parser.Finding{Signals: []string{"certificate-error"}}, "certificate-error"},
		{"unavailable", parser.Finding{Signals: []string{"credential-unavailable"}}, "credential-unavailable"},
		{"MI proxy 403", parser.Finding{Credential: "ManagedIdentityCredential", Signals: []string{"managed-identity-unexpected-response"}, HTTPStatus: 403}, "managed-identity-proxy-403"},
	}
	for _, r := range rows {
		f := r.f
		db.Enrich(&f)
		if f.Rule.ID != r.want {
			t.Errorf("%s: rule %q, want %q", r.name, f.Rule.ID, r.want)
		}
	}
	// Host- and row-specific explain-only rules exist.
	for _, id := range []string{"ManagedIdentityCredential-vm", "ManagedIdentityCredential-app-service",
		"ManagedIdentityCredential-arc", "ManagedIdentityCredential-service-fabric", "ManagedIdentityCredential-cloud-shell",
		"AzurePipelinesCredential-service-connection-not-found", "EnvironmentCredential-pem-password",
		"DefaultAzureCredential-token-credentials-env", "ChainedTokenCredential", "OnBehalfOfCredential", "IntelliJCredential"} {
		if _, ok := db.Rule(id); !ok {
			t.Errorf("rule %s missing", id)
		}
	}
	// Every signal of the parser's vocabulary has a rule.
	for _, s := range []string{"imds-unreachable", "managed-identity-not-assigned", "managed-identity-unavailable",
		"managed-identity-unexpected-response", "cli-not-found", "cli-login-required", "cli-mfa-claims", "azd-not-found",
		"azd-login-required", "powershell-not-found", "powershell-module-missing", "powershell-login-required",
		"environment-not-configured", "workload-identity-not-configured", "token-file-missing", "pipelines-oidc-missing",
		"tenant-not-allowed", "invalid-tenant-id", "shared-token-cache-empty", "visual-studio-unavailable", "broker-error",
		"interaction-required", "authorization-failed", "network-error", "certificate-error", "credential-unavailable"} {
		f := parser.Finding{Signals: []string{s}}
		db.Enrich(&f)
		if f.Rule.ID != s {
			t.Errorf("signal %s: rule %q", s, f.Rule.ID)
		}
	}
	// Every secret kind has its rule.
	for _, k := range SecretKinds {
		f := parser.Finding{Kind: parser.KindSecretExposure, SecretKind: k}
		db.Enrich(&f)
		if f.Rule.ID != "secret-"+k || len(f.Rule.Mitigation) < 2 {
			t.Errorf("secret %s: rule %q", k, f.Rule.ID)
		}
	}
}

func TestEnrichPrecedence(t *testing.T) {
	db := Default()
	// Generic code rule without a credential.
	f := parser.Finding{AADSTS: []string{"700016"}}
	db.Enrich(&f)
	if f.Rule.ID != "AADSTS700016" {
		t.Errorf("generic: %q", f.Rule.ID)
	}
	// The code's rule beats a credential-only rule.
	f = parser.Finding{Credential: "ClientSecretCredential", AADSTS: []string{"7000222"}}
	db.Enrich(&f)
	if f.Rule.ID != "AADSTS7000222" || !strings.Contains(strings.Join(f.Rule.Mitigation, " "), "new") {
		t.Errorf("7000222: %q %v", f.Rule.ID, f.Rule.Mitigation)
	}
	// The first code decides.
	f = parser.Finding{AADSTS: []string{"50076", "50079"}}
	db.Enrich(&f)
	if f.Rule.ID != "AADSTS50076" {
		t.Errorf("first code: %q", f.Rule.ID)
	}
	// A chain member that carries the code selects the variant.
	f = parser.Finding{Credential: "DefaultAzureCredential", AADSTS: []string{"70021"}, Chain: []parser.ChainEntry{
		{Credential: "EnvironmentCredential"}, {Credential: "WorkloadIdentityCredential", AADSTS: []string{"70021"}},
		{Credential: "ManagedIdentityCredential"}}}
	db.Enrich(&f)
	if f.Rule.ID != "AADSTS70021-WorkloadIdentityCredential" {
		t.Errorf("chain: %q", f.Rule.ID)
	}
	// A chain member without the code does not select the variant.
	f = parser.Finding{Credential: "DefaultAzureCredential", AADSTS: []string{"700016"}, Chain: []parser.ChainEntry{
		{Credential: "ManagedIdentityCredential"}, {Credential: "ClientSecretCredential", AADSTS: []string{"700016"}}}}
	db.Enrich(&f)
	if f.Rule.ID != "AADSTS700016-ClientSecretCredential" {
		t.Errorf("chain member with code: %q", f.Rule.ID)
	}
	// Benign codes are flagged.
	for _, c := range []string{"50058", "50140", "50125", "16000", "81010", "81012", "70016"} {
		f = parser.Finding{AADSTS: []string{c}}
		db.Enrich(&f)
		if !f.Rule.Benign {
			t.Errorf("AADSTS%s not benign", c)
		}
	}
	// From a credential with no interactive step (an app, a managed
	// identity, a password flow) the same codes are failures.
	for _, cred := range []string{"WorkloadIdentityCredential", "ClientSecretCredential", "ManagedIdentityCredential", "UsernamePasswordCredential"} {
		f = parser.Finding{Credential: cred, AADSTS: []string{"50058"}}
		if db.Enrich(&f); f.Rule.Benign {
			t.Errorf("AADSTS50058 from %s is benign", cred)
		}
	}
	f = parser.Finding{Credential: "InteractiveBrowserCredential", AADSTS: []string{"50058"}}
	if db.Enrich(&f); !f.Rule.Benign {
		t.Error("AADSTS50058 from InteractiveBrowserCredential is not benign")
	}
	// Device authentication required ends a non-interactive sign-in
	// (Connect-AzAccount, a service principal): a failure, not an interrupt.
	f = parser.Finding{AADSTS: []string{"50097"}}
	if db.Enrich(&f); f.Rule.Benign {
		t.Error("AADSTS50097 is benign")
	}
	f = parser.Finding{ErrorCode: "authorization_pending", HTTPStatus: 400}
	db.Enrich(&f)
	if !f.Rule.Benign || f.Rule.ID != "authorization_pending" {
		t.Errorf("authorization_pending: %q benign=%v", f.Rule.ID, f.Rule.Benign)
	}
	// Entra error code beats a bare credential or status.
	f = parser.Finding{Credential: "ClientSecretCredential", ErrorCode: "invalid_client", HTTPStatus: 401}
	db.Enrich(&f)
	if f.Rule.ID != "invalid_client" {
		t.Errorf("invalid_client: %q", f.Rule.ID)
	}
	// Mitigation is not aliased for appends.
	f = parser.Finding{AADSTS: []string{"7000215"}}
	db.Enrich(&f)
	m := append(f.Rule.Mitigation, "x")
	r, _ := db.Rule("AADSTS7000215")
	if len(r.Mitigation) != len(m)-1 {
		t.Fatal("mitigation aliasing")
	}
	if !strings.Contains(strings.Join(r.Mitigation, " "), "VALUE") {
		t.Error("7000215 must say to use the secret value")
	}
}

func TestUnknownAADSTSFallback(t *testing.T) {
	db := Default()
	f := parser.Finding{Credential: "ClientSecretCredential", AADSTS: []string{"9999991"}}
	db.Enrich(&f)
	if f.Rule.ID != "AADSTS9999991" || f.Rule.Name != UnknownAADSTSName ||
		f.Rule.Reference != "https://login.microsoftonline.com/error?code=9999991" {
		t.Fatalf("fallback: %+v", f.Rule)
	}
	if !strings.Contains(strings.Join(f.Rule.Mitigation, " "), "error?code=9999991") {
		t.Errorf("fallback mitigation lacks the link: %v", f.Rule.Mitigation)
	}
	// A known second code wins over the fallback.
	f = parser.Finding{AADSTS: []string{"9999991", "50126"}}
	db.Enrich(&f)
	if f.Rule.ID != "AADSTS50126" {
		t.Errorf("second code: %q", f.Rule.ID)
	}
	// Nothing at all.
	f = parser.Finding{}
	db.Enrich(&f)
	if f.Rule.ID != FallbackFailureID {
		t.Errorf("empty finding: %q", f.Rule.ID)
	}
	f = parser.Finding{Kind: parser.KindSecretExposure, SecretKind: "mystery"}
	db.Enrich(&f)
	if f.Rule.ID != FallbackSecretID {
		t.Errorf("unknown secret: %q", f.Rule.ID)
	}
	rules, ok := db.Explain("AADSTS9999991")
	if ok || len(rules) != 1 || rules[0].Reference != "https://login.microsoftonline.com/error?code=9999991" {
		t.Errorf("explain unknown: %v %v", ok, rules)
	}
}

func TestAuthorizationFailed(t *testing.T) {
	db := Default()
	cases := []struct {
		action, role string
	}{
		{"Microsoft.Storage/storageAccounts/read", "Reader"},
		{"Microsoft.Storage/storageAccounts/write", "Contributor"},
		{"Microsoft.KeyVault/vaults/secrets/getSecret/action", "Key Vault Secrets User"},
		{"Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read", "Storage Blob Data Reader"},
		{"Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write", "Storage Blob Data Contributor"},
		{"Microsoft.Authorization/roleAssignments/write", "User Access Administrator"},
		{"Microsoft.Compute/virtualMachines/start/action", "Contributor"},
		{"weird", "a role that includes weird"},
	}
	for _, c := range cases {
		f := parser.Finding{ErrorCode: "AuthorizationFailed", HTTPStatus: 403, Authorization: &parser.Authorization{
			ClientID: "c0ffee00-0000-0000-0000-000000000001", ObjectID: "0b1ec700-0000-0000-0000-000000000002",
			Action: c.action, Scope: "/subscriptions/s/resourceGroups/rg"}}
		db.Enrich(&f)
		if f.Rule.ID != "AuthorizationFailed" {
			t.Fatalf("rule %q", f.Rule.ID)
		}
		want := `az role assignment create --assignee-object-id 0b1ec700-0000-0000-0000-000000000002 --assignee-principal-type ServicePrincipal --role "` +
			c.role + `" --scope "/subscriptions/s/resourceGroups/rg"`
		if !strings.Contains(f.Rule.Mitigation[0], want) {
			t.Errorf("%s:\n got %s\nwant %s", c.action, f.Rule.Mitigation[0], want)
		}
		r, _ := db.Rule("AuthorizationFailed")
		if len(f.Rule.Mitigation) <= len(r.Mitigation) {
			t.Errorf("rule mitigation not kept")
		}
	}
	// A user principal.
	cmd := RoleAssignmentCommand(&parser.Authorization{ClientID: "ann@contoso.com", ObjectID: "o", Action: "Microsoft.Web/sites/read", Scope: "/s"})
	if !strings.Contains(cmd, "--assignee-principal-type User") {
		t.Error(cmd)
	}
	// The rule itself is unchanged by Enrich.
	r, _ := db.Rule("AuthorizationFailed")
	if strings.Contains(r.Mitigation[0], "az role assignment create --assignee-object-id 0b1e") {
		t.Error("Enrich modified the database")
	}
}

func TestLoadErrors(t *testing.T) {
	good := `{"id":"X","name":"N","category":"c","action_by":"admin","description":"d","mitigation":["m"],"reference":"https://e"}`
	cases := []struct {
		name, in, want string
		is             error
	}{
		{"unknown field", good + "\n" + `{"id":"Y","name":"N","category":"c","action_by":"admin","description":"d","mitigation":["m"],"reference":"https://e","owner":"me"}`,
			`my.jsonl:2: rule "Y": field "owner": unknown field`, ErrUnknownField},
		{"unknown match field", `{"id":"Y","name":"N","category":"c","action_by":"admin","description":"d","mitigation":["m"],"reference":"https://e","match":{"code":["1"]}}`,
			`my.jsonl:1: rule "Y": field "match.code": unknown field`, ErrUnknownField},
		{"duplicate id", good + "\n\n" + good, `my.jsonl:3: rule "X": field "id": duplicate id: already defined on line 1`, ErrDuplicate},
		{"repeated key", `{"id":"Y","id":"Z","name":"N","category":"c","action_by":"admin","description":"d","mitigation":["m"],"reference":"https://e"}`,
			`field "id": duplicate field`, ErrDuplicate},
		{"bad action_by", strings.Replace(good, `"admin"`, `"ops"`, 1), `my.jsonl:1: rule "X": field "action_by": invalid value "ops": must be one of app-developer, admin, user, retry`, ErrInvalid},
		{"missing action_by", strings.Replace(good, `"action_by":"admin",`, ``, 1), `my.jsonl:1: rule "X": field "action_by": missing or empty`, ErrMissing},
		{"missing description", strings.Replace(good, `"d"`, `""`, 1), `field "description": missing`, ErrMissing},
		{"empty mitigation", strings.Replace(good, `["m"]`, `[]`, 1), `field "mitigation": missing`, ErrMissing},
		{"missing reference", strings.Replace(good, `,"reference":"https://e"`, ``, 1), `field "reference": missing`, ErrMissing},
		{"missing id", strings.Replace(good, `"id":"X",`, ``, 1), `my.jsonl:1: field "id": missing`, ErrMissing},
		{"bad aadsts", strings.Replace(good, `}`, `,"match":{"aadsts":["AADSTS50126"]}}`, 1), `field "match.aadsts": invalid value "AADSTS50126"`, ErrInvalid},
		{"bad sdk", strings.Replace(good, `}`, `,"match":{"sdk":["rust"]}}`, 1), `field "match.sdk"`, ErrInvalid},
		{"wrong type", strings.Replace(good, `["m"]`, `"m"`, 1), `my.jsonl:1: rule "X": field "mitigation": invalid value`, ErrInvalid},
		{"not json", "{nope", `my.jsonl:1: invalid value`, ErrInvalid},
	}
	for _, c := range cases {
		_, err := Load(strings.NewReader(c.in), "my.jsonl")
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s:\n got %s\nwant %s", c.name, err, c.want)
		}
		var le *LoadError
		if !errors.As(err, &le) || !errors.Is(err, c.is) {
			t.Errorf("%s: error %T does not wrap %v", c.name, err, c.is)
		}
	}
	rules, err := Load(strings.NewReader(good+"\r\n\n"), "ok.jsonl")
	if err != nil || len(rules) != 1 {
		t.Fatalf("good file: %v %v", rules, err)
	}
}

func TestWithOverrides(t *testing.T) {
	base := Default()
	extra, err := Load(strings.NewReader(
		`{"id":"AADSTS7000215","name":"OurSecret","category":"client-credential","action_by":"admin","description":"Call the platform team.","mitigation":["Open ticket in PLAT."],"reference":"https://wiki.example/secrets"}`+"\n"+
			`{"id":"our-mi-rule","name":"OurMI","category":"managed-identity","action_by":"admin","description":"d","mitigation":["m"],"reference":"https://wiki.example/mi","match":{"signal":["imds-unreachable"],"credential":["ManagedIdentityCredential"],"sdk":["go"]}}`+"\n"), "org.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	db := base.With(extra)
	f := parser.Finding{Credential: "ClientSecretCredential", AADSTS: []string{"7000215"}}
	db.Enrich(&f)
	if f.Rule.Name != "OurSecret" || f.Rule.Reference != "https://wiki.example/secrets" {
		t.Errorf("override: %+v", f.Rule)
	}
	if r, _ := base.Rule("AADSTS7000215"); r.Name == "OurSecret" {
		t.Error("With modified the base")
	}
	f = parser.Finding{SDK: "go", Credential: "ManagedIdentityCredential", Signals: []string{"imds-unreachable"}}
	db.Enrich(&f)
	if f.Rule.ID != "our-mi-rule" {
		t.Errorf("added rule: %q", f.Rule.ID)
	}
	if len(db.All()) != len(base.All())+1 {
		t.Errorf("All: %d vs %d", len(db.All()), len(base.All()))
	}
	// An override without match keeps the replaced rule's match.
	db2 := base.With([]Rule{{ID: "managed-identity-not-assigned", Name: "X", Category: "c", ActionBy: "admin",
		Description: "d", Mitigation: []string{"m"}, Reference: "https://x"}})
	f = parser.Finding{Signals: []string{"managed-identity-not-assigned"}}
	db2.Enrich(&f)
	if f.Rule.Name != "X" {
		t.Errorf("override keeps match: %q", f.Rule.Name)
	}
}

func TestExplain(t *testing.T) {
	db := Default()
	for _, q := range []string{"AADSTS7000222", "7000222", "aadsts7000222", " AADSTS7000222 "} {
		rules, ok := db.Explain(q)
		if !ok || rules[0].ID != "AADSTS7000222" {
			t.Errorf("%q: %v %v", q, ok, rules)
		}
	}
	rules, ok := db.Explain("700016")
	if !ok || rules[0].ID != "AADSTS700016" || len(rules) < 4 {
		t.Errorf("700016: %v", ids(rules))
	}
	rules, ok = db.Explain("ManagedIdentityCredential")
	if !ok || rules[0].ID != "ManagedIdentityCredential" {
		t.Fatalf("MI: %v", ids(rules))
	}
	got := strings.Join(ids(rules), " ")
	for _, want := range []string{"ManagedIdentityCredential-arc", "AADSTS700016-ManagedIdentityCredential", "ManagedIdentityCredential-aks-pod-identity"} {
		if !strings.Contains(got, want) {
			t.Errorf("MI explain lacks %s: %s", want, got)
		}
	}
	rules, ok = db.Explain("azureclicredential")
	if !ok || rules[0].ID != "AzureCLICredential" {
		t.Errorf("cli: %v", ids(rules))
	}
	for _, q := range []string{"imds-unreachable", "AuthorizationFailed", "InvalidAuthenticationTokenTenant", "ExpiredAuthenticationToken", "invalid_client", "jwt"} {
		if rules, ok := db.Explain(q); !ok || len(rules) == 0 {
			t.Errorf("%s: nothing", q)
		}
	}
	if _, ok := db.Explain("NoSuchThing"); ok {
		t.Error("NoSuchThing found")
	}
}

func ids(rules []Rule) []string {
	var s []string
	for _, r := range rules {
		s = append(s, r.ID)
	}
	return s
}

func TestJSONRoundTrip(t *testing.T) {
	db := Default()
	var b []byte
	all := db.All()
	for i := range all {
		b = all[i].AppendJSON(b)
	}
	back, err := Load(bytes.NewReader(b), "roundtrip.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != len(all) {
		t.Fatalf("%d rules back, want %d", len(back), len(all))
	}
	for i := range all {
		var x, y []byte
		if string(all[i].AppendJSON(x)) != string(back[i].AppendJSON(y)) {
			t.Fatalf("rule %s differs after round trip", all[i].ID)
		}
	}
	line := string(all[0].AppendJSON(nil))
	if !strings.HasPrefix(line, `{"id":`) || !strings.HasSuffix(line, "}\n") || strings.Count(line, "\n") != 1 {
		t.Errorf("line shape: %q", line)
	}
	for _, k := range []string{`"name":`, `"category":`, `"action_by":`, `"description":`, `"mitigation":[`, `"reference":`} {
		if !strings.Contains(line, k) {
			t.Errorf("missing %s in %s", k, line)
		}
	}
}

func TestFormatText(t *testing.T) {
	r, _ := Default().Rule("AADSTS7000215")
	var b bytes.Buffer
	FormatText(&b, &r)
	out := b.String()
	for _, want := range []string{"AADSTS7000215  InvalidClientSecret", "who acts:", "What to do:", "1. ", "Reference: https://login.microsoftonline.com/error?code=7000215"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
}

func BenchmarkEnrich(b *testing.B) {
	db := Default()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		f := parser.Finding{Credential: "ClientSecretCredential", AADSTS: []string{"7000215"}, ErrorCode: "invalid_client", HTTPStatus: 401}
		db.Enrich(&f)
	}
}

// TestEmbeddedStrict: the embedded files pass the strict Load that a user's
// --rules file goes through (no unknown or repeated key), and give the same
// rules as the quick load the command uses for them.
func TestEmbeddedStrict(t *testing.T) {
	names, err := fs.Glob(dataFS, "data/*.jsonl")
	if err != nil || len(names) == 0 {
		t.Fatalf("embedded files: %v %v", names, err)
	}
	for _, name := range names {
		b, err := fs.ReadFile(dataFS, name)
		if err != nil {
			t.Fatal(err)
		}
		strict, err := Load(bytes.NewReader(b), name)
		if err != nil {
			t.Fatalf("strict load: %v", err)
		}
		quick, err := loadTrusted(bytes.NewReader(b), name)
		if err != nil {
			t.Fatalf("quick load: %v", err)
		}
		if !reflect.DeepEqual(strict, quick) {
			t.Errorf("%s: the quick load differs from the strict one", name)
		}
	}
}

// BenchmarkLoadEmbedded measures what every run pays at start: loading and
// indexing the embedded rules (README: 4 ms; 21 ms with the strict Load).
func BenchmarkLoadEmbedded(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		rules, err := loadEmbedded()
		if err != nil {
			b.Fatal(err)
		}
		_ = build(rules, nil)
	}
}
