package loggen

// aadCode is one Entra (AAD STS) failure the generator can inject.
//
// text is the error_description after "AADSTS<code>: " with placeholders:
// %c client ID, %t tenant ID, %g a fresh GUID, %u a user principal name,
// %i an ISO time, %r a resource app name. who says which credentials can
// plausibly meet it: 'a' an application (secret, certificate, federated),
// 'u' a user (Azure CLI, browser, device code, username/password).
type aadCode struct {
	code   string // digits
	extra  string // a second code in the same description (old combined form), digits; "" if none
	err    string // OAuth error name
	who    byte
	weight int
	text   string
}

// codes: about forty of the AADSTS failures most often seen in application
// logs (wording from Entra's error pages and public issue threads), weighted
// so the common ones (bad or expired secrets, unknown app, wrong tenant,
// federation mismatches, expired refresh tokens, MFA) dominate.
var codes = []aadCode{
	{"7000215", "", "invalid_client", 'a', 14, "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '%c'."},
	{"7000222", "", "invalid_client", 'a', 9, "The provided client secret keys for app '%c' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds."},
	{"700016", "", "unauthorized_client", 'a', 10, "Application with identifier '%c' was not found in the directory '%t'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant."},
	{"90002", "", "invalid_request", 'a', 6, "Tenant '%t' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant."},
	{"70021", "", "invalid_request", 'a', 7, "No matching federated identity record found for presented assertion. Assertion Issuer: 'https://oidc.prod-aks.azure.com/%g/'. Assertion Subject: 'system:serviceaccount:default:workload-identity-sa'. Assertion Audience: 'api://AzureADTokenExchange'. https://learn.microsoft.com/entra/workload-id/workload-identity-federation"},
	{"700213", "", "invalid_request", 'a', 3, "No matching federated identity record found for presented assertion subject 'repo:contoso/orders:environment:production'. Check your federated identity credential Subject, Audience and Issuer against the presented assertion. https://learn.microsoft.com/entra/workload-id/workload-identity-federation"},
	{"700024", "", "invalid_client", 'a', 4, "Client assertion is not within its valid time range. Current time: %i, assertion valid from 2024-04-30T09:12:44.0000000Z, expiry time of assertion 2024-04-30T10:12:44.0000000Z. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials ."},
	{"700027", "", "invalid_client", 'a', 4, "The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '9F2A1C0B7E4D3A6B5C8D9E0F1A2B3C4D5E6F7A8B', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '%c'. Review the documentation at https://docs.microsoft.com/en-us/graph/deployments to determine the corresponding service endpoint and https://docs.microsoft.com/en-us/graph/api/application-get?view=graph-rest-1.0&tabs=http to build a query request URL, such as 'https://graph.microsoft.com/beta/applications/%c']"},
	{"7000218", "", "invalid_client", 'a', 3, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."},
	{"7000112", "", "unauthorized_client", 'a', 2, "Application '%c'(%r) is disabled."},
	{"500011", "", "invalid_resource", 'a', 4, "The resource principal named https://vault.azure.net was not found in the tenant named %r. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant."},
	{"70011", "", "invalid_scope", 'a', 4, "The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope https://management.azure.com/user_impersonation is not valid."},
	{"900023", "", "invalid_request", 'a', 2, "Specified tenant identifier '%t-prod' is neither a valid DNS name, nor a valid external domain."},
	{"90014", "", "invalid_request", 'a', 2, "The required field 'client_id' is missing from the credential. Ensure that you have all the necessary parameters for the login request."},
	{"50012", "", "invalid_client", 'a', 2, "Client assertion audience claim does not match Realm issuer. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials ."},
	{"70002", "50012", "invalid_client", 'a', 2, "Error validating credentials. AADSTS50012: Invalid client secret is provided."},
	{"1002016", "", "invalid_request", 'a', 1, "You are using TLS version 1.0, 1.1 and/or 3DES cipher which are deprecated to improve the security posture of Azure AD. Your TenantID is: %t. Please refer to https://go.microsoft.com/fwlink/?linkid=2161187 and conduct needed actions to remediate the issue. For further questions, please contact your administrator."},
	{"7000229", "", "invalid_client", 'a', 1, "The client application %c is missing service principal in the tenant %t. See instructions here: https://go.microsoft.com/fwlink/?linkid=2225119"},
	{"65001", "", "invalid_grant", 'a', 3, "The user or administrator has not consented to use the application with ID '%c' named '%r'. Send an interactive authorization request for this user and resource."},
	{"50105", "", "invalid_grant", 'u', 2, "Your administrator has configured the application %r ('%c') to block users unless they are specifically granted ('assigned') access to the application. The signed in user '%u' is blocked because they are not a direct member of a group with access, nor had access directly assigned by an administrator. Please contact your administrator to assign access to this application."},
	{"700082", "", "invalid_grant", 'u', 8, "The refresh token has expired due to inactivity. The token was issued on 2024-01-10T08:12:44.1234567Z and was inactive for 90.00:00:00."},
	{"50173", "", "invalid_grant", 'u', 5, "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '2024-03-02T11:40:12.7654321Z' and the TokensValidFrom date (before which tokens are not valid) for this user is '2024-04-28T07:03:55.0000000Z'."},
	{"70043", "", "invalid_grant", 'u', 4, "The refresh token has expired or is invalid due to sign-in frequency checks by conditional access. The token was issued on 2024-04-29T06:30:02.0000000Z and the maximum allowed lifetime for this request is 43200."},
	{"50076", "", "interaction_required", 'u', 8, "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '797f4846-ba00-4fd7-ba43-dac1f8f63013'."},
	{"50079", "", "interaction_required", 'u', 3, "Due to a configuration change made by your administrator, or because you moved to a new location, you must enroll in multi-factor authentication to access '797f4846-ba00-4fd7-ba43-dac1f8f63013'."},
	{"53003", "", "interaction_required", 'u', 4, "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance."},
	{"530003", "", "interaction_required", 'u', 2, "Your device is required to be managed to access this resource."},
	{"50097", "", "interaction_required", 'u', 1, "Device authentication is required."},
	{"50158", "", "interaction_required", 'u', 1, "External security challenge not satisfied. User will be redirected to another page or authentication provider to satisfy additional authentication challenges."},
	{"50126", "", "invalid_grant", 'u', 4, "Error validating credentials due to invalid username or password."},
	{"50034", "", "invalid_grant", 'u', 2, "The user account %u does not exist in the %t directory. To sign into this application, the account must be added to the directory."},
	{"50053", "", "invalid_grant", 'u', 2, "Your account is locked because you've tried to sign in too many times with an incorrect user ID or password."},
	{"50055", "", "invalid_grant", 'u', 2, "The password is expired."},
	{"50057", "", "invalid_grant", 'u', 2, "The user account is disabled."},
	{"50020", "", "invalid_request", 'u', 2, "User account '%u' from identity provider 'live.com' does not exist in tenant '%r' and cannot access the application '%c'(%r) in that tenant. The account needs to be added as an external user in the tenant first. Sign out and sign in again with a different Azure Active Directory user account."},
	{"50058", "", "interaction_required", 'u', 1, "A silent sign-in request was sent but no user is signed in."},
	{"50059", "", "invalid_request", 'u', 1, "No tenant-identifying information found in either the request or implied by any provided credentials."},
	{"50132", "", "interaction_required", 'u', 2, "The session is not valid due to password expiration or recent password change."},
	{"70000", "", "invalid_grant", 'u', 2, "The provided value for the 'assertion' is not valid. The assertion has expired."},
	{"700003", "", "invalid_grant", 'u', 1, "Device object was not found in the tenant '%t' directory."},
	{"50011", "", "invalid_request", 'u', 1, "The redirect URI 'https://localhost:5001/signin-oidc' specified in the request does not match the redirect URIs configured for the application '%c'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this."},
}

var codeWeights = func() weighted {
	ws := make([]int, len(codes))
	for i, c := range codes {
		ws[i] = c.weight
	}
	return newWeighted(ws...)
}()

// httpStatus is what the token endpoint answers with for an OAuth error.
func (c *aadCode) httpStatus() (int, string) {
	if c.err == "invalid_client" {
		return 401, "401 Unauthorized"
	}
	return 400, "400 Bad Request"
}

// anchor is the azidentity troubleshooting anchor for a credential.
func goAnchor(cred string) string {
	switch cred {
	case "ClientSecretCredential":
		return "client-secret"
	case "ClientCertificateCredential":
		return "client-cert"
	case "WorkloadIdentityCredential":
		return "workload"
	case "ManagedIdentityCredential":
		return "managed-id"
	case "AzureCLICredential":
		return "azure-cli"
	}
	return "client-secret"
}
