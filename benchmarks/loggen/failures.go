package loggen

import "bytes"

// Failure records: one authentication failure each, as one SDK prints it
// (formats from /work/shared/reference/log-formats.md), either as the SDK
// or application wrote it to a text log, or escaped inside one JSON (or
// logfmt) log record.

// Format names, as counted in Truth.ByFormat (an envelope adds "+<name>").
const (
	FmtGoBlock       = "go-block"         // azidentity AuthenticationFailedError (v1.8+ and pre-1.8 status line)
	FmtGoDAC         = "go-dac"           // azidentity DefaultAzureCredential aggregate
	FmtGoARM         = "go-arm-authz"     // azcore ResponseError, ERROR CODE: AuthorizationFailed
	FmtPyTraceback   = "python-traceback" // ClientAuthenticationError traceback
	FmtPyDAC         = "python-dac"       // DefaultAzureCredential failed to retrieve a token ...
	FmtDotnet        = "dotnet-exception" // AuthenticationFailedException, ---> inner, at frames
	FmtJSChain       = "js-chain"         // ChainedTokenCredential authentication failed. + CredentialUnavailableError lines
	FmtJSAuthError   = "js-auth-error"    // AuthenticationError: <error> Status code: ... More details: ...
	FmtJava          = "java-exception"   // ClientAuthenticationException + Caused by: MsalServiceException
	FmtMSALPythonRep = "msal-python-dict" // MSAL Python result dict repr
	FmtAzureCLI      = "azure-cli"        // ERROR: AADSTS...
)

var formatWeights = newWeighted(
	12, // go-block
	8,  // go-dac
	6,  // go-arm-authz
	10, // python-traceback
	6,  // python-dac
	10, // dotnet
	5,  // js-chain
	4,  // js-auth-error
	8,  // java
	5,  // msal-python-dict
	7,  // azure-cli
)

var formatNames = []string{FmtGoBlock, FmtGoDAC, FmtGoARM, FmtPyTraceback, FmtPyDAC, FmtDotnet, FmtJSChain, FmtJSAuthError, FmtJava, FmtMSALPythonRep, FmtAzureCLI}

// separators between the trailer lines of an error_description.
const (
	sepLiteral = iota // the 4 characters \r\n (inside a JSON or repr string), until mid-2023
	sepCRLF           // a real CR LF (the decoded string printed), until mid-2023
	sepSpace          // one space, since early 2024
)

// fail holds what one failure is about.
type fail struct {
	code          *aadCode
	cred          string
	tenant        string
	client        string
	user          string
	trace, corr   []byte
	ts            []byte // Entra timestamp, 2024-05-01 10:00:01Z
	iso           []byte // ISO time for %i
	newTrailer    bool   // spaces between the trailer lines (else CRLF)
	primary       string // truth code
	authzFailed   bool
	guidScratch   []byte
	sdk           string
	format        string
	envelope      string
	hasRecommends bool
}

func (g *Generator) newFail(c *aadCode) *fail {
	r := g.r
	f := &g.f
	*f = fail{code: c, trace: f.trace[:0], corr: f.corr[:0], ts: f.ts[:0], iso: f.iso[:0], guidScratch: f.guidScratch[:0]}
	f.tenant = pick(r, g.tenants)
	f.client = pick(r, g.clients)
	f.user = pick(r, usersUPN)
	f.trace = appendGUID(f.trace, r)
	f.corr = appendGUID(f.corr, r)
	f.ts = g.c.appendEntra(f.ts)
	f.iso = g.c.appendISO7(f.iso, r)
	f.newTrailer = r.chance(550)
	if c != nil {
		f.primary = "AADSTS" + c.code
	}
	return f
}

// appendText expands a code's description template.
func (g *Generator) appendText(dst []byte, f *fail) []byte {
	t := f.code.text
	for i := 0; i < len(t); i++ {
		if t[i] != '%' || i+1 == len(t) {
			dst = append(dst, t[i])
			continue
		}
		i++
		switch t[i] {
		case 'c':
			dst = append(dst, f.client...)
		case 't':
			dst = append(dst, f.tenant...)
		case 'g':
			dst = appendGUID(dst, g.r)
		case 'u':
			dst = append(dst, f.user...)
		case 'i':
			dst = append(dst, f.iso...)
		case 'r':
			dst = append(dst, resNames[int(f.trace[0])%len(resNames)]...)
		default:
			dst = append(dst, '%', t[i])
		}
	}
	return dst
}

// appendDesc appends the Entra error_description: AADSTS<code>: <text> and
// the Trace ID / Correlation ID / Timestamp trailer, separated per sep.
func (g *Generator) appendDesc(dst []byte, f *fail, sep int) []byte {
	if f.newTrailer {
		sep = sepSpace
	}
	var s string
	switch sep {
	case sepLiteral:
		s = `\r\n`
	case sepCRLF:
		s = "\r\n"
	default:
		s = " "
	}
	dst = append(dst, "AADSTS"...)
	dst = append(dst, f.code.code...)
	dst = append(dst, ": "...)
	dst = g.appendText(dst, f)
	dst = append(dst, s...)
	dst = append(dst, "Trace ID: "...)
	dst = append(dst, f.trace...)
	dst = append(dst, s...)
	dst = append(dst, "Correlation ID: "...)
	dst = append(dst, f.corr...)
	dst = append(dst, s...)
	dst = append(dst, "Timestamp: "...)
	return append(dst, f.ts...)
}

func (f *fail) appendCodes(dst []byte, sep string) []byte {
	dst = append(dst, f.code.code...)
	if f.code.extra != "" {
		dst = append(dst, sep...)
		dst = append(dst, f.code.extra...)
	}
	return dst
}

// appendEntraPretty appends Entra's error body as Go's json.Indent prints it.
func (g *Generator) appendEntraPretty(dst []byte, f *fail) []byte {
	dst = append(dst, "{\n  \"error\": \""...)
	dst = append(dst, f.code.err...)
	dst = append(dst, "\",\n  \"error_description\": \""...)
	dst = g.appendDesc(dst, f, sepLiteral)
	dst = append(dst, "\",\n  \"error_codes\": [\n    "...)
	dst = f.appendCodes(dst, ",\n    ")
	dst = append(dst, "\n  ],\n  \"timestamp\": \""...)
	dst = append(dst, f.ts...)
	dst = append(dst, "\",\n  \"trace_id\": \""...)
	dst = append(dst, f.trace...)
	dst = append(dst, "\",\n  \"correlation_id\": \""...)
	dst = append(dst, f.corr...)
	dst = append(dst, "\",\n  \"error_uri\": \"https://login.microsoftonline.com/error?code="...)
	dst = append(dst, f.code.code...)
	return append(dst, "\"\n}"...)
}

// appendEntraRaw appends Entra's error body on one line, as sent.
func (g *Generator) appendEntraRaw(dst []byte, f *fail) []byte {
	dst = append(dst, `{"error":"`...)
	dst = append(dst, f.code.err...)
	dst = append(dst, `","error_description":"`...)
	dst = g.appendDesc(dst, f, sepLiteral)
	dst = append(dst, `","error_codes":[`...)
	dst = f.appendCodes(dst, ",")
	dst = append(dst, `],"timestamp":"`...)
	dst = append(dst, f.ts...)
	dst = append(dst, `","trace_id":"`...)
	dst = append(dst, f.trace...)
	dst = append(dst, `","correlation_id":"`...)
	dst = append(dst, f.corr...)
	dst = append(dst, `","error_uri":"https://login.microsoftonline.com/error?code=`...)
	dst = append(dst, f.code.code...)
	return append(dst, `"}`...)
}

func (f *fail) appendTokenURL(dst []byte) []byte {
	dst = append(dst, "https://login.microsoftonline.com/"...)
	dst = append(dst, f.tenant...)
	return append(dst, "/oauth2/v2.0/token"...)
}

// goBlock: azidentity's AuthenticationFailedError.Error() (no final newline).
func (g *Generator) goBlock(dst []byte, f *fail) []byte {
	old := g.r.chance(250) // v1.2-v1.5: no ". <message>", "RESPONSE 401 Unauthorized"
	st, status := f.code.httpStatus()
	dst = append(dst, f.cred...)
	if old {
		dst = append(dst, " authentication failed\n"...)
	} else {
		dst = append(dst, " authentication failed. \n"...)
	}
	dst = append(dst, "POST "...)
	dst = f.appendTokenURL(dst)
	dst = append(dst, '\n')
	dst = append(dst, dashes80...)
	dst = append(dst, "\nRESPONSE "...)
	if !old {
		dst = appendInt(dst, st)
		dst = append(dst, ": "...)
	}
	dst = append(dst, status...)
	dst = append(dst, '\n')
	dst = append(dst, dashes80...)
	dst = append(dst, '\n')
	dst = g.appendEntraPretty(dst, f)
	dst = append(dst, '\n')
	dst = append(dst, dashes80...)
	dst = append(dst, "\nTo troubleshoot, visit https://aka.ms/azsdk/go/identity/troubleshoot#"...)
	return append(dst, goAnchor(f.cred)...)
}

// appendIndented appends src replacing each "\n" with "\n"+indent.
func appendIndented(dst, src []byte, indent string) []byte {
	for {
		i := bytes.IndexByte(src, '\n')
		if i < 0 {
			return append(dst, src...)
		}
		dst = append(dst, src[:i+1]...)
		dst = append(dst, indent...)
		src = src[i+1:]
	}
}

// goDAC: DefaultAzureCredential's chained error (v1.8+; no final newline).
func (g *Generator) goDAC(dst []byte, f *fail) []byte {
	dst = append(dst, "DefaultAzureCredential: failed to acquire a token.\nAttempted credentials:"...)
	if f.code.who == 'u' {
		f.cred = "AzureCLICredential"
		dst = append(dst, "\n\tEnvironmentCredential: missing environment variable AZURE_TENANT_ID"...)
		dst = append(dst, "\n\tWorkloadIdentityCredential: no client ID specified. Check pod configuration or set ClientID in the options"...)
		dst = append(dst, "\n\tManagedIdentityCredential: managed identity timed out. See https://aka.ms/azsdk/go/identity/troubleshoot#dac for more information"...)
		dst = append(dst, "\n\tAzureCLICredential: ERROR: "...)
		return g.appendDesc(dst, f, sepSpace)
	}
	if f.cred == "WorkloadIdentityCredential" {
		dst = append(dst, "\n\tEnvironmentCredential: missing environment variable AZURE_TENANT_ID"...)
	}
	g.scratch2 = g.goBlock(g.scratch2[:0], f)
	dst = append(dst, "\n\t"...)
	return appendIndented(dst, g.scratch2, "\t\t")
}

// goARM: azcore ResponseError for an ARM AuthorizationFailed (no final newline).
func (g *Generator) goARM(dst []byte, f *fail) []byte {
	r := g.r
	f.primary = "AuthorizationFailed"
	f.authzFailed = true
	sub := pick(r, g.subs)
	rg := pick(r, rgNames)
	scope := append(f.guidScratch[:0], "/subscriptions/"...)
	scope = append(scope, sub...)
	scope = append(scope, "/resourceGroups/"...)
	scope = append(scope, rg...)
	scope = append(scope, pick(r, armPaths)...)
	f.guidScratch = scope
	dst = append(dst, "GET https://management.azure.com"...)
	dst = append(dst, scope...)
	dst = append(dst, '\n')
	dst = append(dst, dashes80...)
	dst = append(dst, "\nRESPONSE 403: 403 Forbidden\nERROR CODE: AuthorizationFailed\n"...)
	dst = append(dst, dashes80...)
	dst = append(dst, "\n{\n  \"error\": {\n    \"code\": \"AuthorizationFailed\",\n    \"message\": \"The client '"...)
	dst = append(dst, f.client...)
	dst = append(dst, "' with object id '"...)
	dst = appendGUID(dst, r)
	dst = append(dst, "' does not have authorization to perform action '"...)
	dst = append(dst, pick(r, armActions)...)
	dst = append(dst, "' over scope '"...)
	dst = append(dst, scope...)
	dst = append(dst, "' or the scope is invalid. If access was recently granted, please refresh your credentials.\"\n  }\n}\n"...)
	return append(dst, dashes80...)
}

var pyAuthFrames = []string{
	"  File \"/app/app/storage.py\", line 41, in download\n    return blob.download_blob().readall()\n",
	"  File \"/usr/local/lib/python3.11/site-packages/azure/core/tracing/decorator.py\", line 94, in wrapper_use_tracer\n    return func(*args, **kwargs)\n",
	"  File \"/usr/local/lib/python3.11/site-packages/azure/core/pipeline/_base.py\", line 119, in send\n    self._sender.send(request)\n",
	"  File \"/usr/local/lib/python3.11/site-packages/azure/core/pipeline/policies/_authentication.py\", line 145, in on_request\n    self._request_token(*self._scopes)\n",
	"  File \"/usr/local/lib/python3.11/site-packages/azure/core/pipeline/policies/_authentication.py\", line 120, in _request_token\n    self._token = cast(SupportsTokenInfo, self._credential).get_token_info(*scopes, options=options)\n",
	"  File \"/usr/local/lib/python3.11/site-packages/azure/identity/_internal/get_token_mixin.py\", line 116, in get_token_info\n    return self._get_token_base(*scopes, options=options, base_method_name=\"get_token_info\")\n",
	"  File \"/usr/local/lib/python3.11/site-packages/azure/identity/_internal/get_token_mixin.py\", line 146, in _get_token_base\n    token = self._request_token(*scopes, options=token_request_options, **kwargs)\n",
}

var pyCredFiles = map[string]string{
	"ClientSecretCredential":       "  File \"/usr/local/lib/python3.11/site-packages/azure/identity/_internal/client_credential_base.py\", line 55, in _request_token\n    raise ClientAuthenticationError(message=\"Authentication failed: {}\".format(result.get(\"error_description\")))\n",
	"CertificateCredential":        "  File \"/usr/local/lib/python3.11/site-packages/azure/identity/_internal/client_credential_base.py\", line 55, in _request_token\n    raise ClientAuthenticationError(message=\"Authentication failed: {}\".format(result.get(\"error_description\")))\n",
	"WorkloadIdentityCredential":   "  File \"/usr/local/lib/python3.11/site-packages/azure/identity/_internal/client_credential_base.py\", line 55, in _request_token\n    raise ClientAuthenticationError(message=\"Authentication failed: {}\".format(result.get(\"error_description\")))\n",
	"AzureCliCredential":           "  File \"/usr/local/lib/python3.11/site-packages/azure/identity/_credentials/azure_cli.py\", line 268, in _run_command\n    raise ClientAuthenticationError(message=message) from ex\n",
	"UsernamePasswordCredential":   "  File \"/usr/local/lib/python3.11/site-packages/azure/identity/_internal/msal_credentials.py\", line 107, in _request_token\n    raise ClientAuthenticationError(message=\"Authentication failed: {}\".format(result.get(\"error_description\")))\n",
	"InteractiveBrowserCredential": "  File \"/usr/local/lib/python3.11/site-packages/azure/identity/_internal/interactive.py\", line 232, in _request_token\n    raise ClientAuthenticationError(message=\"Authentication failed: {}\".format(result.get(\"error_description\")))\n",
}

var pyUserCreds = []string{"AzureCliCredential", "AzureCliCredential", "UsernamePasswordCredential", "InteractiveBrowserCredential"}
var pyAppCreds = []string{"ClientSecretCredential", "ClientSecretCredential", "CertificateCredential", "WorkloadIdentityCredential"}

// pyTraceback: a ClientAuthenticationError traceback (ends with '\n').
func (g *Generator) pyTraceback(dst []byte, f *fail) []byte {
	r := g.r
	if f.code.who == 'u' {
		f.cred = pick(r, pyUserCreds)
	} else {
		f.cred = pick(r, pyAppCreds)
	}
	dst = append(dst, "Traceback (most recent call last):\n"...)
	start := r.intn(3)
	for _, fr := range pyAuthFrames[start:] {
		dst = append(dst, fr...)
	}
	dst = append(dst, pyCredFiles[f.cred]...)
	if r.chance(500) {
		dst = append(dst, "azure.core.exceptions."...)
	}
	dst = append(dst, "ClientAuthenticationError: "...)
	if f.cred == "AzureCliCredential" {
		dst = append(dst, "ERROR: "...)
		dst = g.appendDesc(dst, f, sepCRLF)
		dst = append(dst, "\nInteractive authentication is needed. Please run:\naz login --scope https://management.core.windows.net//.default\n"...)
		return dst
	}
	dst = append(dst, "Authentication failed: "...)
	dst = g.appendDesc(dst, f, sepCRLF)
	return append(dst, '\n')
}

// pyDAC: the chained credential's message (ends with '\n'); the caller
// presents it as a WARNING log record or as the last line of a traceback.
func (g *Generator) pyDAC(dst []byte, f *fail) []byte {
	dst = append(dst, "DefaultAzureCredential failed to retrieve a token from the included credentials.\nAttempted credentials:\n"...)
	if f.code.who == 'u' {
		f.cred = "AzureCliCredential"
		dst = append(dst, "\tEnvironmentCredential: EnvironmentCredential authentication unavailable. Environment variables are not fully configured.\nVisit https://aka.ms/azsdk/python/identity/environmentcredential/troubleshoot to troubleshoot this issue.\n"...)
		dst = append(dst, "\tManagedIdentityCredential: ManagedIdentityCredential authentication unavailable, no response from the IMDS endpoint.\n"...)
		dst = append(dst, "\tSharedTokenCacheCredential: SharedTokenCacheCredential authentication unavailable. No accounts were found in the cache.\n"...)
		dst = append(dst, "\tAzureCliCredential: ERROR: "...)
		dst = g.appendDesc(dst, f, sepSpace)
		dst = append(dst, '\n')
	} else {
		if f.cred == "WorkloadIdentityCredential" {
			dst = append(dst, "\tEnvironmentCredential: EnvironmentCredential authentication unavailable. Environment variables are not fully configured.\nVisit https://aka.ms/azsdk/python/identity/environmentcredential/troubleshoot to troubleshoot this issue.\n\tWorkloadIdentityCredential: Authentication failed: "...)
		} else {
			f.cred = "EnvironmentCredential"
			dst = append(dst, "\tEnvironmentCredential: Authentication failed: "...)
		}
		dst = g.appendDesc(dst, f, sepSpace)
		dst = append(dst, '\n')
	}
	return append(dst, "To mitigate this issue, please refer to the troubleshooting guidelines here at https://aka.ms/azsdk/python/identity/defaultazurecredential/troubleshoot.\n"...)
}

var netCredLower = map[string]string{
	"ClientSecretCredential":       "clientsecretcredential",
	"ClientCertificateCredential":  "clientcertificatecredential",
	"WorkloadIdentityCredential":   "workloadidentitycredential",
	"InteractiveBrowserCredential": "interactivebrowsercredential",
	"DeviceCodeCredential":         "devicecodecredential",
	"UsernamePasswordCredential":   "usernamepasswordcredential",
}

var netUserCreds = []string{"InteractiveBrowserCredential", "DeviceCodeCredential", "UsernamePasswordCredential"}

// dotnetException: AuthenticationFailedException.ToString() (ends with '\n').
func (g *Generator) dotnetException(dst []byte, f *fail) []byte {
	r := g.r
	ui := f.code.who == 'u'
	if ui {
		f.cred = pick(r, netUserCreds)
	}
	msal := "A configuration issue is preventing authentication - check the error message from the server for details. You can modify the configuration in the application registration portal. See https://aka.ms/msal-net-invalid-client for details.  Original exception: "
	inner := "MSAL.NetCore.4.61.3.0.MsalServiceException: \n\tErrorCode: "
	innerType := "Microsoft.Identity.Client.MsalServiceException: "
	if ui {
		msal = ""
		inner = "MSAL.NetCore.4.61.3.0.MsalUiRequiredException: \n\tErrorCode: "
		innerType = "Microsoft.Identity.Client.MsalUiRequiredException: "
	}
	dst = append(dst, "Azure.Identity.AuthenticationFailedException: "...)
	dst = append(dst, f.cred...)
	dst = append(dst, " authentication failed: "...)
	dst = append(dst, msal...)
	dst = g.appendDesc(dst, f, sepCRLF)
	dst = append(dst, "\nSee the troubleshooting guide for more information. https://aka.ms/azsdk/net/identity/"...)
	dst = append(dst, netCredLower[f.cred]...)
	dst = append(dst, "/troubleshoot\n ---> "...)
	dst = append(dst, inner...)
	dst = append(dst, f.code.err...)
	dst = append(dst, '\n')
	dst = append(dst, innerType...)
	dst = append(dst, msal...)
	dst = g.appendDesc(dst, f, sepCRLF)
	dst = append(dst, '\n')
	if ui {
		dst = append(dst, "   at Microsoft.Identity.Client.Internal.Requests.RequestBase.HandleTokenRefreshErrorAsync(MsalServiceException e, MsalAccessTokenCacheItem cachedAccessTokenItem)\n   at Microsoft.Identity.Client.Internal.Requests.UsernamePasswordRequest.ExecuteAsync(CancellationToken cancellationToken)\n"...)
	} else {
		dst = append(dst, "   at Microsoft.Identity.Client.Internal.Requests.RequestBase.HandleTokenRefreshErrorAsync(MsalServiceException e, MsalAccessTokenCacheItem cachedAccessTokenItem)\n   at Microsoft.Identity.Client.Internal.Requests.ClientCredentialRequest.ExecuteAsync(CancellationToken cancellationToken)\n"...)
	}
	dst = append(dst, "   at Microsoft.Identity.Client.Internal.Requests.RequestBase.RunAsync(CancellationToken cancellationToken)\n   at Microsoft.Identity.Client.ApiConfig.Executors.ConfidentialClientExecutor.ExecuteAsync(AcquireTokenCommonParameters commonParameters, AcquireTokenForClientParameters clientParameters, CancellationToken cancellationToken)\n   at Azure.Identity.AbstractAcquireTokenParameterBuilderExtensions.ExecuteAsync[T](AbstractAcquireTokenParameterBuilder`1 builder, Boolean async, CancellationToken cancellationToken)\n   at Azure.Identity.MsalConfidentialClient.AcquireTokenForClientCoreAsync(String[] scopes, String tenantId, String claims, Boolean enableCae, Boolean async, CancellationToken cancellationToken)\n"...)
	st, _ := f.code.httpStatus()
	dst = append(dst, "\tStatusCode: "...)
	dst = appendInt(dst, st)
	dst = append(dst, " \n\tResponseBody: "...)
	dst = g.appendEntraRaw(dst, f)
	dst = append(dst, " \n\tHeaders: Cache-Control: no-store, no-cache\nPragma: no-cache\nStrict-Transport-Security: max-age=31536000; includeSubDomains\nX-Content-Type-Options: nosniff\nx-ms-request-id: "...)
	dst = append(dst, f.trace...)
	dst = append(dst, "\n   --- End of inner exception stack trace ---\n   at Azure.Identity.CredentialDiagnosticScope.FailWrapAndThrow(Exception ex, String additionalMessage, Boolean isCredentialUnavailable)\n   at Azure.Identity."...)
	dst = append(dst, f.cred...)
	dst = append(dst, ".GetTokenImplAsync(Boolean async, TokenRequestContext requestContext, CancellationToken cancellationToken)\n   at Azure.Identity."...)
	dst = append(dst, f.cred...)
	dst = append(dst, ".GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)\n   at Azure.Core.Pipeline.BearerTokenAuthenticationPolicy.AccessTokenCache.GetHeaderValueFromCredentialAsync(TokenRequestContext context, Boolean async, CancellationToken cancellationToken)\n   at Contoso.Orders.Worker.ExecuteAsync(CancellationToken stoppingToken) in /src/Contoso.Orders/Worker.cs:line "...)
	dst = appendInt(dst, r.between(30, 200))
	return append(dst, '\n')
}

// jsChain: AggregateAuthenticationError's stack as console.error prints it (ends with '\n').
func (g *Generator) jsChain(dst []byte, f *fail) []byte {
	f.cred = "AzureCliCredential"
	dst = append(dst, "AggregateAuthenticationError: ChainedTokenCredential authentication failed.\n"...)
	dst = append(dst, "CredentialUnavailableError: EnvironmentCredential is unavailable. No underlying credential could be used. To troubleshoot, visit https://aka.ms/azsdk/js/identity/environmentcredential/troubleshoot.\n"...)
	dst = append(dst, "CredentialUnavailableError: WorkloadIdentityCredential: is unavailable. tenantId, clientId, and federatedTokenFilePath are required parameters. In DefaultAzureCredential and ManagedIdentityCredential, these can be provided as environment variables - \"AZURE_TENANT_ID\",\"AZURE_CLIENT_ID\",\"AZURE_FEDERATED_TOKEN_FILE\". See the troubleshooting guide for more information: https://aka.ms/azsdk/js/identity/workloadidentitycredential/troubleshoot\n"...)
	dst = append(dst, "CredentialUnavailableError: ManagedIdentityCredential: Authentication failed. Message Attempted to use the IMDS endpoint, but it is not available. To troubleshoot, visit https://aka.ms/azsdk/js/identity/managedidentitycredential/troubleshoot.\n"...)
	dst = append(dst, "CredentialUnavailableError: ERROR: "...)
	dst = g.appendDesc(dst, f, sepSpace)
	dst = append(dst, "\n    at ChainedTokenCredential.getTokenInternal (/app/node_modules/@azure/identity/dist/commonjs/credentials/chainedTokenCredential.js:83:19)\n    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)\n    at async ChainedTokenCredential.getToken (/app/node_modules/@azure/identity/dist/commonjs/credentials/chainedTokenCredential.js:52:37)\n    at async /app/node_modules/@azure/identity/dist/commonjs/util/tracing.js:20:20\n    at async Object.withSpan (/app/node_modules/@azure/core-tracing/dist/commonjs/tracingClient.js:48:28)\n    at async main (/app/src/index.js:14:17)\n"...)
	return dst
}

// jsAuthError: AuthenticationError from an MSAL-based credential, with
// util.inspect's property block (ends with '\n').
func (g *Generator) jsAuthError(dst []byte, f *fail) []byte {
	if f.cred == "WorkloadIdentityCredential" || f.cred == "ClientCertificateCredential" {
		f.cred = "ClientSecretCredential"
	}
	dst = append(dst, "AuthenticationError: "...)
	dst = append(dst, f.code.err...)
	dst = append(dst, " Status code: 400\nMore details:\nError(s): "...)
	dst = f.appendCodes(dst, ",")
	dst = append(dst, " - Timestamp: "...)
	dst = append(dst, f.ts...)
	dst = append(dst, " - Description: "...)
	dst = g.appendDesc(dst, f, sepSpace)
	dst = append(dst, " - Correlation ID: "...)
	dst = append(dst, f.corr...)
	dst = append(dst, " - Trace ID: "...)
	dst = append(dst, f.trace...)
	dst = append(dst, ",\n    at handleMsalError (/app/node_modules/@azure/identity/dist/commonjs/msal/utils.js:224:16)\n    at MsalClient.getTokenByClientSecret (/app/node_modules/@azure/identity/dist/commonjs/msal/nodeFlows/msalClient.js:283:52)\n    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)\n    at async ClientSecretCredential.getToken (/app/node_modules/@azure/identity/dist/commonjs/credentials/clientSecretCredential.js:59:20)\n    at async main (/app/src/index.js:14:17) {\n  statusCode: 400,\n  errorResponse: {\n    error: '"...)
	dst = append(dst, f.code.err...)
	dst = append(dst, "',\n    errorDescription: "...)
	// util.inspect quotes a string holding ' with double quotes
	q := byte('\'')
	if bytes.IndexByte([]byte(f.code.text), '\'') >= 0 {
		q = '"'
	}
	dst = append(dst, q)
	dst = g.appendDesc(dst, f, sepSpace)
	dst = append(dst, q, ',', '\n')
	dst = append(dst, "    correlationId: '"...)
	dst = append(dst, f.corr...)
	dst = append(dst, "',\n    errorCodes: [ "...)
	dst = f.appendCodes(dst, ", ")
	dst = append(dst, " ],\n    timestamp: '"...)
	dst = append(dst, f.ts...)
	dst = append(dst, "',\n    traceId: '"...)
	dst = append(dst, f.trace...)
	return append(dst, "'\n  }\n}\n"...)
}

var javaUserCreds = []string{"InteractiveBrowserCredential", "DeviceCodeCredential", "UsernamePasswordCredential"}

// javaException: ClientAuthenticationException with a Caused by: (ends with '\n').
func (g *Generator) javaException(dst []byte, f *fail) []byte {
	r := g.r
	cause := "com.microsoft.aad.msal4j.MsalServiceException: "
	if f.code.who == 'u' {
		f.cred = pick(r, javaUserCreds)
		cause = "com.microsoft.aad.msal4j.MsalInteractionRequiredException: "
	}
	dst = append(dst, "com.azure.core.exception.ClientAuthenticationException: "...)
	dst = g.appendDesc(dst, f, sepCRLF)
	dst = append(dst, "\n\tat com.azure.identity.implementation.IdentityClient.lambda$authenticateWithConfidentialClient$7(IdentityClient.java:412)\n\tat reactor.core.publisher.Mono.lambda$onErrorMap$28(Mono.java:3773)\n\tat reactor.core.publisher.FluxOnErrorResume$ResumeSubscriber.onError(FluxOnErrorResume.java:94)\n\tat reactor.core.publisher.MonoFlatMap$FlatMapMain.onError(MonoFlatMap.java:180)\n\tat com.azure.identity."...)
	dst = append(dst, f.cred...)
	dst = append(dst, ".getToken("...)
	dst = append(dst, f.cred...)
	dst = append(dst, ".java:95)\n\tat com.contoso.orders.TokenService.refresh(TokenService.java:"...)
	dst = appendInt(dst, r.between(30, 200))
	dst = append(dst, ")\n\tat java.base/java.lang.Thread.run(Thread.java:1583)\nCaused by: "...)
	dst = append(dst, cause...)
	dst = g.appendDesc(dst, f, sepCRLF)
	dst = append(dst, "\n\tat com.microsoft.aad.msal4j.MsalServiceExceptionFactory.fromHttpResponse(MsalServiceExceptionFactory.java:43)\n\tat com.microsoft.aad.msal4j.TokenRequestExecutor.createAuthenticationResultFromOauthHttpResponse(TokenRequestExecutor.java:181)\n\tat com.microsoft.aad.msal4j.TokenRequestExecutor.executeTokenRequest(TokenRequestExecutor.java:49)\n\tat com.microsoft.aad.msal4j.AbstractApplicationBase.acquireTokenCommon(AbstractApplicationBase.java:131)\n\t... "...)
	dst = appendInt(dst, r.between(8, 30))
	return append(dst, " more\n"...)
}

// msalPythonDict: the dict MSAL Python returns, printed with repr (no newline).
func (g *Generator) msalPythonDict(dst []byte, f *fail) []byte {
	dst = append(dst, "{'error': '"...)
	dst = append(dst, f.code.err...)
	dst = append(dst, "', 'error_description': "...)
	q := byte('\'')
	if bytes.IndexByte([]byte(f.code.text), '\'') >= 0 {
		q = '"'
	}
	dst = append(dst, q)
	dst = g.appendDesc(dst, f, sepLiteral)
	dst = append(dst, q)
	dst = append(dst, ", 'error_codes': ["...)
	dst = f.appendCodes(dst, ", ")
	dst = append(dst, "], 'timestamp': '"...)
	dst = append(dst, f.ts...)
	dst = append(dst, "', 'trace_id': '"...)
	dst = append(dst, f.trace...)
	dst = append(dst, "', 'correlation_id': '"...)
	dst = append(dst, f.corr...)
	dst = append(dst, "', 'error_uri': 'https://login.microsoftonline.com/error?code="...)
	dst = append(dst, f.code.code...)
	return append(dst, "'}"...)
}

// azureCLI: what az prints on stderr (ends with '\n'); prefix is put
// before every line (a CI runner's timestamp) when not empty.
func (g *Generator) azureCLI(dst []byte, f *fail, prefix []byte) []byte {
	dst = append(dst, prefix...)
	dst = append(dst, "ERROR: "...)
	dst = g.appendDesc(dst, f, sepSpace)
	dst = append(dst, '\n')
	if f.code.who == 'u' {
		f.hasRecommends = true
		dst = append(dst, prefix...)
		dst = append(dst, "Interactive authentication is needed. Please run:\n"...)
		dst = append(dst, prefix...)
		dst = append(dst, "az login --scope https://management.core.windows.net//.default\n"...)
	}
	return dst
}

// failure appends one failure record to dst, and returns it and the truth
// about it.
func (g *Generator) failure(dst []byte) ([]byte, *fail) {
	r := g.r
	format := formatNames[formatWeights.pick(r)]
	var f *fail
	if format == FmtGoARM {
		f = g.newFail(nil)
	} else {
		c := &codes[codeWeights.pick(r)]
		if format == FmtJSChain && c.who != 'u' {
			format = FmtJSAuthError
		} else if format == FmtJSAuthError && c.who == 'u' {
			format = FmtJSChain
		}
		f = g.newFail(c)
		f.cred = pick(r, appCreds)
	}
	f.format = format
	// one in three records is written by a structured logger: the whole
	// failure escaped inside one JSON (or logfmt) record.
	escaped := format != FmtAzureCLI && r.chance(333)
	g.body = g.body[:0]
	switch format {
	case FmtGoBlock:
		f.sdk = "go"
		g.body = g.goBlock(g.body, f)
	case FmtGoDAC:
		f.sdk = "go"
		g.body = g.goDAC(g.body, f)
	case FmtGoARM:
		f.sdk = "go"
		g.body = g.goARM(g.body, f)
	case FmtPyTraceback:
		f.sdk = "python"
		g.body = g.pyTraceback(g.body, f)
	case FmtPyDAC:
		f.sdk = "python"
		g.body = g.pyDAC(g.body, f)
	case FmtDotnet:
		f.sdk = "dotnet"
		g.body = g.dotnetException(g.body, f)
	case FmtJSChain:
		f.sdk = "js"
		g.body = g.jsChain(g.body, f)
	case FmtJSAuthError:
		f.sdk = "js"
		g.body = g.jsAuthError(g.body, f)
	case FmtJava:
		f.sdk = "java"
		g.body = g.javaException(g.body, f)
	case FmtMSALPythonRep:
		f.sdk = "msal"
		g.body = g.msalPythonDict(g.body, f)
	case FmtAzureCLI:
		f.sdk = "cli"
		var prefix []byte
		if r.chance(300) { // Azure Pipelines stamps every line
			prefix = g.c.appendISO7(nil, r)
			prefix = append(prefix, ' ')
		}
		g.body = g.azureCLI(g.body, f, prefix)
	}
	if escaped {
		return g.envelope(dst, f), f
	}
	return g.plainPresentation(dst, f), f
}

// plainPresentation writes the failure as a text log shows it: usually
// after the application's own log line.
func (g *Generator) plainPresentation(dst []byte, f *fail) []byte {
	r := g.r
	body := g.body
	switch f.sdk {
	case "go":
		if r.chance(500) {
			dst = append(dst, g.c.slash...)
			dst = append(dst, ' ')
		} else {
			dst = g.c.appendISO(dst)
			dst = append(dst, " ERROR [main] "...)
		}
		dst = append(dst, goWhat(f)...)
		dst = append(dst, ':', ' ')
		dst = append(dst, body...)
		return append(dst, '\n')
	case "python":
		if f.format == FmtPyDAC {
			if r.chance(500) {
				dst = append(dst, "WARNING:azure.identity._credentials.chained:"...)
				return append(dst, body...)
			}
			dst = g.c.appendPy(dst)
			dst = append(dst, " ERROR [app.worker] job failed\nTraceback (most recent call last):\n"...)
			for _, fr := range pyAuthFrames[3:5] {
				dst = append(dst, fr...)
			}
			dst = append(dst, "  File \"/usr/local/lib/python3.11/site-packages/azure/identity/_credentials/chained.py\", line 147, in get_token_info\n    raise ClientAuthenticationError(message=message)\nazure.core.exceptions.ClientAuthenticationError: "...)
			return append(dst, body...)
		}
		dst = g.c.appendPy(dst)
		dst = append(dst, " ERROR ["...)
		dst = append(dst, pick(r, loggersPy)...)
		dst = append(dst, "] unhandled error in job\n"...)
		return append(dst, body...)
	case "msal":
		dst = g.c.appendPy(dst)
		dst = append(dst, " ERROR [app.auth] acquire_token_for_client failed: "...)
		dst = append(dst, body...)
		return append(dst, '\n')
	case "dotnet":
		if r.chance(300) {
			dst = append(dst, "Unhandled exception. "...)
			return append(dst, body...)
		}
		// console formatter: the exception padded by six spaces
		dst = append(dst, "fail: Contoso.Orders.Worker[0]\n      Token acquisition failed\n      "...)
		dst = appendIndented(dst, body[:len(body)-1], "      ")
		return append(dst, '\n')
	case "js":
		dst = append(dst, '[')
		dst = g.c.appendISO(dst)
		dst = append(dst, "] ERROR token request failed: "...)
		return append(dst, body...)
	case "java":
		if r.chance(300) {
			dst = append(dst, "Exception in thread \"main\" "...)
			return append(dst, body...)
		}
		dst = g.c.appendSpaceMs(dst)
		dst = append(dst, " ERROR 1 --- [           main] c.c.orders.TokenService                  : Token acquisition failed\n"...)
		return append(dst, body...)
	}
	return append(dst, body...) // cli
}

// envelope writes the failure escaped inside one structured log record.
func (g *Generator) envelope(dst []byte, f *fail) []byte {
	r := g.r
	body := bytes.TrimSuffix(g.body, []byte("\n"))
	big := r.chance(100) // one in ten also carries a 100-400 KB field
	switch f.sdk {
	case "go":
		switch r.intn(3) {
		case 0:
			f.envelope = "slog"
			dst = append(dst, `{"time":"`...)
			dst = g.c.appendISO(dst)
			dst = append(dst, `","level":"ERROR","msg":"`...)
			dst = append(dst, goWhat(f)...)
			dst = append(dst, '"')
			if big {
				dst = append(dst, `,"batch":[`...)
				dst = g.appendItems(dst, r.between(100<<10, 400<<10))
				dst = append(dst, ']')
			}
			dst = append(dst, `,"err":"`...)
			dst = appendJSONEscaped(dst, body)
			return append(dst, "\"}\n"...)
		case 1:
			f.envelope = "zap"
			dst = append(dst, `{"level":"error","ts":`...)
			dst = g.c.appendUnixFrac(dst)
			dst = append(dst, `,"caller":"auth/token.go:57","msg":"`...)
			dst = append(dst, goWhat(f)...)
			dst = append(dst, '"')
			if big {
				dst = append(dst, `,"batch":[`...)
				dst = g.appendItems(dst, r.between(100<<10, 400<<10))
				dst = append(dst, ']')
			}
			dst = append(dst, `,"error":"`...)
			dst = appendJSONEscaped(dst, body)
			return append(dst, "\",\"stacktrace\":\"main.main\\n\\t/app/main.go:42\\nruntime.main\\n\\t/usr/local/go/src/runtime/proc.go:271\"}\n"...)
		default:
			f.envelope = "logrus"
			dst = append(dst, `time="`...)
			dst = append(dst, g.c.iso...)
			dst = append(dst, `Z" level=error msg="`...)
			dst = append(dst, goWhat(f)...)
			dst = append(dst, `" error="`...)
			dst = appendJSONEscaped(dst, body)
			return append(dst, "\"\n"...)
		}
	case "python", "msal":
		f.envelope = "python-json"
		dst = append(dst, `{"asctime": "`...)
		dst = g.c.appendPy(dst)
		dst = append(dst, `", "levelname": "ERROR", "name": "app.worker", "message": "`...)
		if f.format == FmtPyTraceback {
			dst = append(dst, `unhandled error in job"`...)
			if big {
				dst = append(dst, `, "batch": [`...)
				dst = g.appendItems(dst, r.between(100<<10, 400<<10))
				dst = append(dst, ']')
			}
			dst = append(dst, `, "exc_info": "`...)
			dst = appendJSONEscaped(dst, body)
			return append(dst, "\"}\n"...)
		}
		if f.format == FmtMSALPythonRep {
			dst = append(dst, "acquire_token_for_client failed: "...)
		}
		dst = appendJSONEscaped(dst, body)
		return append(dst, "\"}\n"...)
	case "dotnet":
		f.envelope = "serilog"
		dst = append(dst, `{"@t":"`...)
		dst = g.c.appendISO7(dst, r)
		dst = append(dst, `","@mt":"Token acquisition failed for {Resource}","@l":"Error","@x":"`...)
		dst = appendJSONEscaped(dst, body)
		dst = append(dst, `","Resource":"https://management.azure.com/"`...)
		if big {
			dst = append(dst, `,"Batch":[`...)
			dst = g.appendItems(dst, r.between(100<<10, 400<<10))
			dst = append(dst, ']')
		}
		return append(dst, ",\"SourceContext\":\"Contoso.Orders.Worker\"}\n"...)
	case "js":
		f.envelope = "pino"
		dst = append(dst, `{"level":50,"time":`...)
		dst = g.c.appendUnixMs(dst)
		dst = append(dst, `,"pid":1,"hostname":"`...)
		dst = append(dst, pick(r, g.pods)...)
		dst = append(dst, `","err":{"type":"`...)
		if f.format == FmtJSChain {
			dst = append(dst, "AggregateAuthenticationError"...)
		} else {
			dst = append(dst, "AuthenticationError"...)
		}
		dst = append(dst, `","stack":"`...)
		dst = appendJSONEscaped(dst, body)
		return append(dst, "\"},\"msg\":\"token request failed\"}\n"...)
	case "java":
		f.envelope = "logstash"
		dst = append(dst, `{"@timestamp":"`...)
		dst = g.c.appendISO(dst)
		dst = append(dst, `","@version":"1","message":"Token acquisition failed","logger_name":"com.contoso.orders.TokenService","thread_name":"main","level":"ERROR","level_value":40000,"stack_trace":"`...)
		dst = appendJSONEscaped(dst, body)
		return append(dst, "\"}\n"...)
	}
	return append(dst, g.body...)
}

func goWhat(f *fail) string {
	if f.authzFailed {
		return "failed to read resource"
	}
	return "failed to acquire token"
}
