package main

import (
	"crypto/sha1"
	_ "embed"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

const scope = "https://management.azure.com/.default"

//go:embed testcert.pem
var testCertPEM []byte

// scenario is one failure (or success) the generator injects.
type scenario struct {
	Name string
	// Env is added to the child's environment; "{{home}}" is replaced by its home directory.
	Env map[string]string
	// FakeAz puts an `az` on PATH that answers "Please run 'az login'".
	FakeAz bool
	// Start is the application's fake clock at its first line.
	Start time.Time
	Cloud func(s *scenario) cloudConfig
	Run   func(s *scenario, a *app) error
}

func (s *scenario) id(label string) string { return guid(s.Name, label) }

var scenarios []*scenario

func register(s *scenario) { scenarios = append(scenarios, s) }

func (a *app) copts() azcore.ClientOptions { return azcore.ClientOptions{Transport: a.httpc} }

// tokenOnce is one GetToken call as an application makes it. want == nil means it must succeed.
func tokenOnce(a *app, newCred func() (azcore.TokenCredential, error), want *expectFinding) error {
	n := a.begin(fmt.Sprintf("acquiring token for scope %s (attempt %d)", scope, a.attempts+1), "")
	cred, err := newCred()
	if err == nil {
		_, err = cred.GetToken(a.ctx, policy.TokenRequestOptions{Scopes: []string{scope}})
	}
	defer a.end()
	switch {
	case err != nil && want == nil:
		return fmt.Errorf("unexpected failure: %w", err)
	case err == nil && want != nil:
		return errors.New("expected a failure, got a token")
	case err != nil:
		a.fail(n, "token request failed", err, *want)
	default:
		a.info("token acquired", "expires_in", "3599s")
	}
	return nil
}

func appStart(a *app, name string) {
	a.info("starting "+name, "version", "2.4.1", "pid", 4127)
	a.info("loaded configuration", "path", "/etc/"+name+"/config.yaml")
	a.info("connecting to Azure Resource Manager", "endpoint", "https://management.azure.com")
}

func appStop(a *app, failed bool) {
	if failed {
		a.info("sync cycle aborted, next cycle in 5m0s")
	} else {
		a.info("sync cycle finished", "resources", 42)
	}
	a.info("health endpoint listening", "addr", ":8080")
}

func at(ts string) time.Time {
	t, err := time.Parse("2006-01-02 15:04:05Z", ts)
	if err != nil {
		panic(err)
	}
	return t.Add(-1200 * time.Millisecond)
}

func sts(s *scenario, status int, errName string, code int, text, ts string, crlf bool) stsFailure {
	return stsFailure{Status: status, Error: errName, Code: code, Text: text, Timestamp: ts,
		TraceID: s.id("trace"), Correlation: s.id("correlation"), CRLF: crlf}
}

// secretScenario: a ClientSecretCredential answered with one Entra error.
func secretScenario(name string, status int, errName string, code int, text func(s *scenario) string, ts string, crlf bool) *scenario {
	return &scenario{
		Name:  name,
		Start: at(ts),
		Cloud: func(s *scenario) cloudConfig {
			return cloudConfig{Token: map[string][]stsFailure{s.id("tenant"): {sts(s, status, errName, code, text(s), ts, crlf)}}}
		},
		Run: func(s *scenario, a *app) error {
			appStart(a, "inventory-sync")
			want := &expectFinding{Credential: "ClientSecretCredential", AADSTS: []string{fmt.Sprint(code)}, ErrorCode: errName,
				Status: status, TraceID: s.id("trace"), CorrelationID: s.id("correlation"), TenantID: s.id("tenant"), ClientID: s.id("client")}
			err := tokenOnce(a, func() (azcore.TokenCredential, error) {
				return azidentity.NewClientSecretCredential(s.id("tenant"), s.id("client"), "fake~secret.value-not-real_0123456789abc",
					&azidentity.ClientSecretCredentialOptions{ClientOptions: a.copts()})
			}, want)
			appStop(a, true)
			return err
		},
	}
}

func init() {
	register(secretScenario("secret-invalid", 401, "invalid_client", 7000215, func(s *scenario) string {
		return fmt.Sprintf("Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '%s'.", s.id("client"))
	}, "2022-03-02 18:25:26Z", true))

	register(secretScenario("app-not-found", 400, "unauthorized_client", 700016, func(s *scenario) string {
		return fmt.Sprintf("Application with identifier '%s' was not found in the directory 'Contoso Ltd'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.", s.id("client"))
	}, "2024-04-17 07:12:45Z", false))

	register(secretScenario("secret-expired", 401, "invalid_client", 7000222, func(s *scenario) string {
		return fmt.Sprintf("The provided client secret keys for app '%s' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.", s.id("client"))
	}, "2024-11-05 23:01:09Z", false))

	// AADSTS90002 comes from the tenant's OpenID configuration, before any token request.
	register(&scenario{
		Name:  "tenant-not-found",
		Start: at("2025-01-21 14:03:52Z"),
		Cloud: func(s *scenario) cloudConfig {
			return cloudConfig{TenantNotFound: map[string]stsFailure{s.id("tenant"): sts(s, 400, "invalid_tenant", 90002,
				fmt.Sprintf("Tenant '%s' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.", s.id("tenant")),
				"2025-01-21 14:03:52Z", false)}}
		},
		Run: func(s *scenario, a *app) error {
			appStart(a, "billing-export")
			want := &expectFinding{Credential: "ClientSecretCredential", AADSTS: []string{"90002"}, ErrorCode: "invalid_tenant", Status: 400,
				TraceID: s.id("trace"), CorrelationID: s.id("correlation"), TenantID: s.id("tenant")}
			err := tokenOnce(a, func() (azcore.TokenCredential, error) {
				return azidentity.NewClientSecretCredential(s.id("tenant"), s.id("client"), "fake~secret.value-not-real_0123456789abc",
					&azidentity.ClientSecretCredentialOptions{ClientOptions: a.copts()})
			}, want)
			appStop(a, true)
			return err
		},
	})

	register(&scenario{
		Name:  "cert-not-registered",
		Start: at("2023-02-08 11:47:30Z"),
		Cloud: func(s *scenario) cloudConfig {
			certs, _, err := azidentity.ParseCertificates(testCertPEM, nil)
			if err != nil {
				panic(err)
			}
			thumb := strings.ToUpper(fmt.Sprintf("%x", sha1.Sum(certs[0].Raw)))
			text := fmt.Sprintf("The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '%s', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '%s'. Review the documentation at https://docs.microsoft.com/en-us/graph/deployments to determine the corresponding service endpoint and https://docs.microsoft.com/en-us/graph/api/application-get?view=graph-rest-1.0&tabs=http to build a query request URL, such as 'https://graph.microsoft.com/beta/applications/%s']", thumb, s.id("client"), s.id("client"))
			return cloudConfig{Token: map[string][]stsFailure{s.id("tenant"): {sts(s, 401, "invalid_client", 700027, text, "2023-02-08 11:47:30Z", true)}}}
		},
		Run: func(s *scenario, a *app) error {
			appStart(a, "inventory-sync")
			want := &expectFinding{Credential: "ClientCertificateCredential", AADSTS: []string{"700027"}, ErrorCode: "invalid_client", Status: 401,
				TraceID: s.id("trace"), CorrelationID: s.id("correlation"), TenantID: s.id("tenant"), ClientID: s.id("client")}
			err := tokenOnce(a, func() (azcore.TokenCredential, error) {
				certs, key, err := azidentity.ParseCertificates(testCertPEM, nil)
				if err != nil {
					return nil, err
				}
				return azidentity.NewClientCertificateCredential(s.id("tenant"), s.id("client"), certs, key,
					&azidentity.ClientCertificateCredentialOptions{ClientOptions: a.copts()})
			}, want)
			appStop(a, true)
			return err
		},
	})

	// Two separate failing requests for the same application: two findings.
	register(&scenario{
		Name:  "secret-invalid-retry",
		Start: at("2023-06-12 08:15:02Z"),
		Cloud: func(s *scenario) cloudConfig {
			text := fmt.Sprintf("Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '%s'.", s.id("client"))
			first := sts(s, 401, "invalid_client", 7000215, text, "2023-06-12 08:15:02Z", true)
			second := first
			second.TraceID, second.Correlation, second.Timestamp = s.id("trace2"), s.id("correlation2"), "2023-06-12 08:15:34Z"
			return cloudConfig{Token: map[string][]stsFailure{s.id("tenant"): {first, second}}}
		},
		Run: func(s *scenario, a *app) error {
			appStart(a, "inventory-sync")
			cred, err := azidentity.NewClientSecretCredential(s.id("tenant"), s.id("client"), "fake~secret.value-not-real_0123456789abc",
				&azidentity.ClientSecretCredentialOptions{ClientOptions: a.copts()})
			if err != nil {
				return err
			}
			get := func() (azcore.TokenCredential, error) { return cred, nil }
			base := expectFinding{Credential: "ClientSecretCredential", AADSTS: []string{"7000215"}, ErrorCode: "invalid_client", Status: 401,
				TenantID: s.id("tenant"), ClientID: s.id("client")}
			w1, w2 := base, base
			w1.TraceID, w1.CorrelationID = s.id("trace"), s.id("correlation")
			w2.TraceID, w2.CorrelationID = s.id("trace2"), s.id("correlation2")
			if err := tokenOnce(a, get, &w1); err != nil {
				return err
			}
			a.info("retrying token request", "backoff", "30s")
			a.sleep(30 * time.Second)
			if err := tokenOnce(a, get, &w2); err != nil {
				return err
			}
			appStop(a, true)
			return nil
		},
	})

	register(&scenario{
		Name:  "success",
		Start: at("2024-09-30 06:00:01Z"),
		Cloud: func(s *scenario) cloudConfig {
			return cloudConfig{ARMStatus: 200, ARMBody: `{"value":[{"id":"/subscriptions/` + s.id("subscription") + `/resourceGroups/rg-inventory","name":"rg-inventory","type":"Microsoft.Resources/resourceGroups","location":"westeurope","properties":{"provisioningState":"Succeeded"}}]}`}
		},
		Run: func(s *scenario, a *app) error {
			appStart(a, "inventory-sync")
			err := tokenOnce(a, func() (azcore.TokenCredential, error) {
				return azidentity.NewClientSecretCredential(s.id("tenant"), s.id("client"), "fake~secret.value-not-real_0123456789abc",
					&azidentity.ClientSecretCredentialOptions{ClientOptions: a.copts()})
			}, nil)
			appStop(a, false)
			return err
		},
	})

	register(&scenario{
		Name:  "mi-identity-not-found",
		Start: at("2024-02-19 03:33:10Z"),
		Cloud: func(s *scenario) cloudConfig {
			return cloudConfig{IMDS: imdsRespond, IMDSStatus: 400, IMDSBody: `{"error":"invalid_request","error_description":"Identity not found"}`}
		},
		Run: func(s *scenario, a *app) error {
			appStart(a, "blob-archiver")
			want := &expectFinding{Credential: "ManagedIdentityCredential", ErrorCode: "invalid_request", Status: 400,
				Signals: []string{"managed-identity-not-assigned"}}
			err := tokenOnce(a, func() (azcore.TokenCredential, error) {
				return azidentity.NewManagedIdentityCredential(&azidentity.ManagedIdentityCredentialOptions{
					ClientOptions: a.copts(), ID: azidentity.ClientID(s.id("client"))})
			}, want)
			appStop(a, true)
			return err
		},
	})

	register(&scenario{
		Name:  "mi-imds-unreachable",
		Start: at("2024-02-19 04:10:00Z"),
		Cloud: func(s *scenario) cloudConfig { return cloudConfig{IMDS: imdsRefuse} },
		Run: func(s *scenario, a *app) error {
			appStart(a, "blob-archiver")
			want := &expectFinding{Credential: "ManagedIdentityCredential", Signals: []string{"imds-unreachable"}}
			err := tokenOnce(a, func() (azcore.TokenCredential, error) {
				return azidentity.NewManagedIdentityCredential(&azidentity.ManagedIdentityCredentialOptions{ClientOptions: a.copts()})
			}, want)
			appStop(a, true)
			return err
		},
	})

	register(&scenario{
		Name:  "dac-nothing-configured",
		Start: at("2024-07-08 16:20:45Z"),
		Cloud: func(s *scenario) cloudConfig { return cloudConfig{IMDS: imdsHang} },
		Run: func(s *scenario, a *app) error {
			appStart(a, "report-builder")
			want := &expectFinding{Credential: "DefaultAzureCredential", Chain: dacChain(a.version),
				Signals: dacNothingSignals(a.version)}
			err := tokenOnce(a, func() (azcore.TokenCredential, error) {
				return azidentity.NewDefaultAzureCredential(&azidentity.DefaultAzureCredentialOptions{ClientOptions: a.copts()})
			}, want)
			appStop(a, true)
			return err
		},
	})

	register(&scenario{
		Name:  "dac-env-bad-secret",
		Start: at("2025-03-03 10:41:27Z"),
		Env: map[string]string{
			"AZURE_TENANT_ID":     guid("dac-env-bad-secret", "tenant"),
			"AZURE_CLIENT_ID":     guid("dac-env-bad-secret", "client"),
			"AZURE_CLIENT_SECRET": "fake~secret.value-not-real_0123456789abc",
		},
		Cloud: func(s *scenario) cloudConfig {
			text := fmt.Sprintf("Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '%s'.", s.id("client"))
			return cloudConfig{IMDS: imdsHang, Token: map[string][]stsFailure{s.id("tenant"): {sts(s, 401, "invalid_client", 7000215, text, "2025-03-03 10:41:27Z", false)}}}
		},
		Run: func(s *scenario, a *app) error {
			appStart(a, "report-builder")
			want := &expectFinding{Credential: "DefaultAzureCredential", AADSTS: []string{"7000215"}, ErrorCode: "invalid_client", Status: 401,
				TraceID: s.id("trace"), CorrelationID: s.id("correlation"), TenantID: s.id("tenant"), ClientID: s.id("client"),
				Chain: dacEnvChain(a.version)}
			err := tokenOnce(a, func() (azcore.TokenCredential, error) {
				return azidentity.NewDefaultAzureCredential(&azidentity.DefaultAzureCredentialOptions{ClientOptions: a.copts()})
			}, want)
			appStop(a, true)
			return err
		},
	})

	register(&scenario{
		Name:   "cli-login-required",
		Start:  at("2024-10-14 09:05:33Z"),
		FakeAz: true,
		Cloud:  func(s *scenario) cloudConfig { return cloudConfig{} },
		Run: func(s *scenario, a *app) error {
			appStart(a, "deploy-tool")
			want := &expectFinding{Credential: "AzureCLICredential", Signals: []string{"cli-login-required"}}
			err := tokenOnce(a, func() (azcore.TokenCredential, error) {
				return azidentity.NewAzureCLICredential(nil)
			}, want)
			appStop(a, true)
			return err
		},
	})

	register(&scenario{
		Name:  "arm-authorization-failed",
		Start: at("2024-08-22 13:58:12Z"),
		Cloud: func(s *scenario) cloudConfig {
			return cloudConfig{
				ARMStatus: 403,
				ARMDate:   "Thu, 22 Aug 2024 13:58:12 GMT",
				ARMBody: fmt.Sprintf(`{"error":{"code":"AuthorizationFailed","message":"The client '%s' with object id '%s' does not have authorization to perform action 'Microsoft.Resources/subscriptions/resourcegroups/read' over scope '/subscriptions/%s' or the scope is invalid. If access was recently granted, please refresh your credentials."}}`,
					s.id("client"), s.id("object"), s.id("subscription")),
				ARMHeaders: map[string]string{
					"x-ms-failure-cause":          "gateway",
					"x-ms-request-id":             s.id("arm-request"),
					"x-ms-correlation-request-id": s.id("arm-request"),
					"x-ms-routing-request-id":     "WESTEUROPE:20240822T135812Z:" + s.id("arm-request"),
					"Strict-Transport-Security":   "max-age=31536000; includeSubDomains",
					"X-Content-Type-Options":      "nosniff",
					"X-Cache":                     "CONFIG_NOCACHE",
					"X-MSEdge-Ref":                "Ref A: 1F3D2C0B9A8E4D7F Ref B: AMS231032607029 Ref C: 2024-08-22T13:58:12Z",
					"x-ms-ratelimit-remaining-subscription-global-reads": "3749",
				},
			}
		},
		Run: func(s *scenario, a *app) error {
			appStart(a, "inventory-sync")
			cred, err := azidentity.NewClientSecretCredential(s.id("tenant"), s.id("client"), "fake~secret.value-not-real_0123456789abc",
				&azidentity.ClientSecretCredentialOptions{ClientOptions: a.copts()})
			if err != nil {
				return err
			}
			copts := policy.ClientOptions(a.copts())
			pl := runtime.NewPipeline("armresources", "v1.2.0", runtime.PipelineOptions{
				PerRetry: []policy.Policy{runtime.NewBearerTokenPolicy(cred, []string{scope}, nil)},
			}, &copts)
			sub := s.id("subscription")
			u := "https://management.azure.com/subscriptions/" + sub + "/resourcegroups?api-version=2021-04-01"
			n := a.begin("listing resource groups subscription="+sub, "management.azure.com")
			defer a.end()
			req, err := runtime.NewRequest(a.ctx, http.MethodGet, u)
			if err != nil {
				return err
			}
			req.Raw().Header.Set("Accept", "application/json")
			resp, err := pl.Do(req)
			if err != nil {
				return fmt.Errorf("unexpected transport error: %w", err)
			}
			if !runtime.HasStatusCode(resp, http.StatusOK) {
				err = runtime.NewResponseError(resp)
				a.fail(n, "listing resource groups failed", err, expectFinding{ErrorCode: "AuthorizationFailed", Status: 403,
					ClientID: s.id("client"), Signals: []string{"authorization-failed"}})
			} else {
				return errors.New("expected 403 from ARM")
			}
			appStop(a, true)
			return nil
		},
	})
}

// dacEnvChain: before v1.6.0 the chain's error is only the failed member's
// response block renamed DefaultAzureCredential, with no list of attempts; from
// v1.6.0 it lists "Attempted credentials", where the member is named by the
// credential EnvironmentCredential wraps.
func dacEnvChain(version string) []string {
	if versionLess(version, "1.6.0") {
		return nil
	}
	return []string{"ClientSecretCredential"}
}

// dacChain is what DefaultAzureCredential lists when no credential is usable,
// from default_azure_credential.go of each version.
func dacChain(version string) []string {
	c := []string{"EnvironmentCredential"}
	if !versionLess(version, "1.3.0") {
		c = append(c, "WorkloadIdentityCredential")
	}
	c = append(c, "ManagedIdentityCredential", "AzureCLICredential")
	if !versionLess(version, "1.5.0") {
		c = append(c, "AzureDeveloperCLICredential")
	}
	if !versionLess(version, "1.13.0") {
		c = append(c, "AzurePowerShellCredential")
	}
	return c
}

func dacNothingSignals(version string) []string {
	s := []string{"environment-not-configured"}
	if !versionLess(version, "1.3.0") {
		s = append(s, "workload-identity-not-configured")
	}
	s = append(s, "imds-unreachable", "cli-not-found")
	if !versionLess(version, "1.5.0") {
		s = append(s, "azd-not-found")
	}
	if !versionLess(version, "1.13.0") {
		s = append(s, "powershell-not-found")
	}
	return s
}

// versionLess compares dotted versions like 1.10.0 and 1.5.2.
func versionLess(a, b string) bool {
	pa, pb := strings.Split(strings.TrimPrefix(a, "v"), "."), strings.Split(strings.TrimPrefix(b, "v"), ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		var x, y int
		fmt.Sscan(pa[i], &x)
		fmt.Sscan(pb[i], &y)
		if x != y {
			return x < y
		}
	}
	return len(pa) < len(pb)
}
