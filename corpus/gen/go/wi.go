//go:build !azid_nowi

// WorkloadIdentityCredential exists from azidentity v1.3.0; run.sh builds older
// versions with -tags azid_nowi.

package main

import (
	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

func init() {
	register(&scenario{
		Name:  "workload-token-file-missing",
		Start: at("2024-12-02 19:44:08Z"),
		Env: map[string]string{
			"AZURE_TENANT_ID":            guid("workload-token-file-missing", "tenant"),
			"AZURE_CLIENT_ID":            guid("workload-token-file-missing", "client"),
			"AZURE_FEDERATED_TOKEN_FILE": "/var/run/secrets/azure/tokens/azure-identity-token",
			"AZURE_AUTHORITY_HOST":       "https://login.microsoftonline.com/",
		},
		Cloud: func(s *scenario) cloudConfig { return cloudConfig{} },
		Run: func(s *scenario, a *app) error {
			appStart(a, "k8s-operator")
			want := &expectFinding{Credential: "WorkloadIdentityCredential", Signals: []string{"token-file-missing"}}
			err := tokenOnce(a, func() (azcore.TokenCredential, error) {
				return azidentity.NewWorkloadIdentityCredential(&azidentity.WorkloadIdentityCredentialOptions{ClientOptions: a.copts()})
			}, want)
			appStop(a, true)
			return err
		},
	})
}
