package loggen

import "strings"

// Noise: the lines that carry no failure, in the styles real services
// write. Every function appends whole lines (ending in '\n') to dst.

const (
	stPlain = iota
	stLogfmt
	stSlog
	stZap
	stSerilog
	stKlog
	stK8sJSON
	stDocker
	stNginx
	stSpring
	stPython
	stDotnet
	stAzureSDK
	stAzcore
	stJavaTrace
	stPyTrace
	numStyles
)

// styleWeights in tenths of a percent of noise entries.
var styleWeights = newWeighted(
	140, // plain
	120, // logfmt
	100, // slog
	80,  // zap
	60,  // serilog
	60,  // klog
	40,  // k8s json
	40,  // docker json-file
	140, // nginx
	60,  // spring
	60,  // python
	30,  // .NET console (2 lines)
	40,  // Azure SDK lines that mention credentials and tokens, all successes
	8,   // azcore Request/Response/Retry block (about 20 lines)
	2,   // Java stack trace (not Azure)
	2,   // Python traceback (not Azure)
)

func (g *Generator) noise(dst []byte) []byte {
	r := g.r
	switch styleWeights.pick(r) {
	case stPlain:
		return g.plainLine(dst, &events[eventWeights.pick(r)])
	case stLogfmt:
		return g.logfmtLine(dst, &events[eventWeights.pick(r)])
	case stSlog:
		return g.slogLine(dst, &events[eventWeights.pick(r)])
	case stZap:
		return g.zapLine(dst, &events[eventWeights.pick(r)])
	case stSerilog:
		return g.serilogLine(dst, &events[eventWeights.pick(r)])
	case stKlog:
		return g.klogLine(dst, &events[eventWeights.pick(r)])
	case stK8sJSON:
		return g.k8sJSONLine(dst, &events[eventWeights.pick(r)])
	case stDocker:
		return g.dockerLine(dst, &events[eventWeights.pick(r)])
	case stNginx:
		return g.nginxLine(dst)
	case stSpring:
		return g.springLine(dst, &events[eventWeights.pick(r)])
	case stPython:
		return g.pythonLine(dst, &events[eventWeights.pick(r)])
	case stDotnet:
		return g.dotnetLine(dst, &events[eventWeights.pick(r)])
	case stAzureSDK:
		return g.azureSDKLine(dst)
	case stAzcore:
		return g.azcoreBlock(dst)
	case stJavaTrace:
		return g.javaTrace(dst)
	default:
		return g.pyTrace(dst)
	}
}

func isNumber(k fieldKind) bool {
	switch k {
	case fInt, fDur, fCount, fBytes, fStatus:
		return true
	}
	return false
}

// appendValue appends a field value, unquoted.
func (g *Generator) appendValue(dst []byte, k fieldKind) []byte {
	r := g.r
	switch k {
	case fInt:
		return appendInt(dst, r.between(1000, 9999999))
	case fDur:
		dst = appendInt(dst, r.intn(400))
		dst = append(dst, '.')
		return appendPad(dst, r.intn(1000), 3)
	case fGUID:
		return appendGUID(dst, r)
	case fPath:
		dst = append(dst, pick(r, httpPaths)...)
		if dst[len(dst)-1] == '/' {
			dst = appendInt(dst, r.between(1, 999999))
		}
		return dst
	case fCount:
		return appendInt(dst, r.intn(500))
	case fBytes:
		return appendInt(dst, r.between(100, 50000000))
	case fStatus:
		return appendInt(dst, pick(r, httpStatuses))
	case fRegion:
		return append(dst, pick(r, regions)...)
	case fQueue:
		return append(dst, pick(r, queues)...)
	case fCustomer:
		dst = append(dst, "cus_"...)
		return appendHex(dst, r, 14)
	case fHex:
		return appendHex(dst, r, 16)
	case fMethod:
		return append(dst, pick(r, httpMethods)...)
	}
	return dst
}

// appendKV appends key=value pairs separated by spaces (logfmt-ish).
func (g *Generator) appendKV(dst []byte, e *event) []byte {
	for _, f := range e.fields {
		dst = append(dst, ' ')
		dst = append(dst, f.name...)
		dst = append(dst, '=')
		dst = g.appendValue(dst, f.kind)
	}
	return dst
}

// appendJSONFields appends ,"key":value for each field.
func (g *Generator) appendJSONFields(dst []byte, e *event) []byte {
	for _, f := range e.fields {
		dst = append(dst, ',', '"')
		dst = append(dst, f.name...)
		dst = append(dst, '"', ':')
		if isNumber(f.kind) {
			dst = g.appendValue(dst, f.kind)
		} else {
			dst = append(dst, '"')
			dst = g.appendValue(dst, f.kind)
			dst = append(dst, '"')
		}
	}
	return dst
}

func levelWord(l byte, style int) string {
	switch style {
	case stPlain:
		switch l {
		case 'D':
			return "DEBUG"
		case 'W':
			return "WARN "
		case 'E':
			return "ERROR"
		}
		return "INFO "
	case stLogfmt, stZap:
		switch l {
		case 'D':
			return "debug"
		case 'W':
			return "warn"
		case 'E':
			return "error"
		}
		return "info"
	case stSlog, stPython:
		switch l {
		case 'D':
			return "DEBUG"
		case 'W':
			return "WARNING"[:4+3*b2i(style == stPython)]
		case 'E':
			return "ERROR"
		}
		return "INFO"
	case stSpring:
		switch l {
		case 'D':
			return "DEBUG"
		case 'W':
			return " WARN"
		case 'E':
			return "ERROR"
		}
		return " INFO"
	case stDotnet:
		switch l {
		case 'D':
			return "dbug"
		case 'W':
			return "warn"
		case 'E':
			return "fail"
		}
		return "info"
	}
	return "INFO"
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (g *Generator) plainLine(dst []byte, e *event) []byte {
	dst = g.c.appendISO(dst)
	dst = append(dst, ' ')
	dst = append(dst, levelWord(e.level, stPlain)...)
	dst = append(dst, " ["...)
	dst = append(dst, pick(g.r, threads)...)
	dst = append(dst, "] "...)
	dst = append(dst, e.msg...)
	dst = g.appendKV(dst, e)
	return append(dst, '\n')
}

func (g *Generator) logfmtLine(dst []byte, e *event) []byte {
	dst = append(dst, "time="...)
	dst = g.c.appendISO(dst)
	dst = append(dst, " level="...)
	dst = append(dst, levelWord(e.level, stLogfmt)...)
	dst = append(dst, ` msg="`...)
	dst = append(dst, e.msg...)
	dst = append(dst, '"')
	dst = g.appendKV(dst, e)
	dst = append(dst, " service="...)
	dst = append(dst, pick(g.r, resNames)...)
	return append(dst, '\n')
}

func (g *Generator) slogLine(dst []byte, e *event) []byte {
	dst = append(dst, `{"time":"`...)
	dst = g.c.appendISO(dst)
	dst = append(dst, `","level":"`...)
	dst = append(dst, levelWord(e.level, stSlog)...)
	dst = append(dst, `","msg":"`...)
	dst = append(dst, e.msg...)
	dst = append(dst, '"')
	dst = g.appendJSONFields(dst, e)
	return append(dst, "}\n"...)
}

func (g *Generator) zapLine(dst []byte, e *event) []byte {
	dst = append(dst, `{"level":"`...)
	dst = append(dst, levelWord(e.level, stZap)...)
	dst = append(dst, `","ts":`...)
	dst = g.c.appendUnixFrac(dst)
	dst = append(dst, `,"caller":"`...)
	dst = append(dst, pick(g.r, loggersGo)...)
	dst = append(dst, ':')
	dst = appendInt(dst, g.r.between(20, 400))
	dst = append(dst, `","msg":"`...)
	dst = append(dst, e.msg...)
	dst = append(dst, '"')
	dst = g.appendJSONFields(dst, e)
	return append(dst, "}\n"...)
}

func (g *Generator) serilogLine(dst []byte, e *event) []byte {
	dst = append(dst, `{"@t":"`...)
	dst = g.c.appendISO7(dst, g.r)
	dst = append(dst, `","@mt":"`...)
	dst = append(dst, e.msg...)
	dst = append(dst, " {"...)
	dst = append(dst, e.fields[0].name...)
	dst = append(dst, "}\""...)
	switch e.level {
	case 'D':
		dst = append(dst, `,"@l":"Debug"`...)
	case 'W':
		dst = append(dst, `,"@l":"Warning"`...)
	case 'E':
		dst = append(dst, `,"@l":"Error"`...)
	}
	dst = g.appendJSONFields(dst, e)
	dst = append(dst, `,"SourceContext":"`...)
	dst = append(dst, pick(g.r, dotnetCat)...)
	return append(dst, "\"}\n"...)
}

func (g *Generator) klogLine(dst []byte, e *event) []byte {
	switch e.level {
	case 'W':
		dst = append(dst, 'W')
	case 'E':
		dst = append(dst, 'E')
	default:
		dst = append(dst, 'I')
	}
	dst = g.c.appendKlog(dst, g.r)
	dst = append(dst, "       1 "...)
	src := pick(g.r, loggersGo)
	dst = append(dst, src[strings.LastIndexByte(src, '/')+1:]...)
	dst = append(dst, ':')
	dst = appendInt(dst, g.r.between(20, 400))
	dst = append(dst, `] "`...)
	dst = append(dst, e.msg...)
	dst = append(dst, '"')
	for _, f := range e.fields {
		dst = append(dst, ' ')
		dst = append(dst, f.name...)
		dst = append(dst, '=')
		if isNumber(f.kind) {
			dst = g.appendValue(dst, f.kind)
		} else {
			dst = append(dst, '"')
			dst = g.appendValue(dst, f.kind)
			dst = append(dst, '"')
		}
	}
	return append(dst, '\n')
}

func (g *Generator) k8sJSONLine(dst []byte, e *event) []byte {
	dst = append(dst, `{"ts":`...)
	dst = g.c.appendUnixMs(dst)
	dst = append(dst, '.')
	dst = appendPad(dst, g.r.intn(1000), 3)
	dst = append(dst, `,"caller":"`...)
	dst = append(dst, pick(g.r, loggersGo)...)
	dst = append(dst, ':')
	dst = appendInt(dst, g.r.between(20, 400))
	dst = append(dst, `","msg":"`...)
	dst = append(dst, e.msg...)
	dst = append(dst, `","v":`...)
	dst = appendInt(dst, g.r.intn(5))
	dst = g.appendJSONFields(dst, e)
	return append(dst, "}\n"...)
}

// dockerLine is a container runtime's json-file record holding one plain line.
func (g *Generator) dockerLine(dst []byte, e *event) []byte {
	g.scratch = g.plainLine(g.scratch[:0], e)
	dst = append(dst, `{"log":"`...)
	dst = appendJSONEscaped(dst, g.scratch)
	dst = append(dst, `","stream":"stdout","time":"`...)
	dst = g.c.appendISO9(dst, g.r)
	return append(dst, "\"}\n"...)
}

func (g *Generator) nginxLine(dst []byte) []byte {
	r := g.r
	dst = append(dst, "10."...)
	dst = appendInt(dst, r.intn(256))
	dst = append(dst, '.')
	dst = appendInt(dst, r.intn(256))
	dst = append(dst, '.')
	dst = appendInt(dst, r.intn(256))
	dst = append(dst, " - - ["...)
	dst = append(dst, g.c.nginx...)
	dst = append(dst, `] "`...)
	dst = append(dst, pick(r, httpMethods)...)
	dst = append(dst, ' ')
	dst = g.appendValue(dst, fPath)
	if r.chance(150) {
		dst = append(dst, "?page="...)
		dst = appendInt(dst, r.intn(50))
	}
	dst = append(dst, ` HTTP/1.1" `...)
	dst = appendInt(dst, pick(r, httpStatuses))
	dst = append(dst, ' ')
	dst = appendInt(dst, r.between(0, 90000))
	dst = append(dst, ` "-" "`...)
	dst = append(dst, pick(r, userAgents)...)
	dst = append(dst, `" `...)
	dst = appendInt(dst, r.intn(2))
	dst = append(dst, '.')
	dst = appendPad(dst, r.intn(1000), 3)
	return append(dst, '\n')
}

func (g *Generator) springLine(dst []byte, e *event) []byte {
	dst = g.c.appendSpaceMs(dst)
	dst = append(dst, ' ')
	dst = append(dst, levelWord(e.level, stSpring)...)
	dst = append(dst, " 1 --- ["...)
	t := pick(g.r, threads)
	for i := len(t); i < 15; i++ {
		dst = append(dst, ' ')
	}
	if len(t) > 15 {
		t = t[len(t)-15:]
	}
	dst = append(dst, t...)
	dst = append(dst, "] "...)
	l := pick(g.r, loggersJv)
	dst = append(dst, l...)
	for i := len(l); i < 40; i++ {
		dst = append(dst, ' ')
	}
	dst = append(dst, " : "...)
	dst = append(dst, e.msg...)
	dst = g.appendKV(dst, e)
	return append(dst, '\n')
}

func (g *Generator) pythonLine(dst []byte, e *event) []byte {
	if g.r.chance(300) { // logging.basicConfig default format
		dst = append(dst, levelWord(e.level, stPython)...)
		dst = append(dst, ':')
		dst = append(dst, pick(g.r, loggersPy)...)
		dst = append(dst, ':')
		dst = append(dst, e.msg...)
		dst = g.appendKV(dst, e)
		return append(dst, '\n')
	}
	dst = g.c.appendPy(dst)
	dst = append(dst, ' ')
	dst = append(dst, levelWord(e.level, stPython)...)
	dst = append(dst, " ["...)
	dst = append(dst, pick(g.r, loggersPy)...)
	dst = append(dst, "] "...)
	dst = append(dst, e.msg...)
	dst = g.appendKV(dst, e)
	return append(dst, '\n')
}

// dotnetLine is Microsoft.Extensions.Logging's simple console formatter.
func (g *Generator) dotnetLine(dst []byte, e *event) []byte {
	dst = append(dst, levelWord(e.level, stDotnet)...)
	dst = append(dst, ": "...)
	dst = append(dst, pick(g.r, dotnetCat)...)
	dst = append(dst, '[')
	dst = appendInt(dst, g.r.intn(3))
	dst = append(dst, "]\n      "...)
	dst = append(dst, e.msg...)
	dst = g.appendKV(dst, e)
	return append(dst, '\n')
}

var (
	goCreds  = []string{"ManagedIdentityCredential", "WorkloadIdentityCredential", "ClientSecretCredential", "AzureCLICredential", "DefaultAzureCredential", "ClientCertificateCredential"}
	pyCreds  = []string{"ManagedIdentityCredential", "WorkloadIdentityCredential", "ClientSecretCredential", "AzureCliCredential", "CertificateCredential", "EnvironmentCredential"}
	netCreds = []string{"ManagedIdentityCredential", "WorkloadIdentityCredential", "ClientSecretCredential", "AzureCliCredential", "DefaultAzureCredential", "VisualStudioCredential"}
)

// azureSDKLine: one of the many lines Azure SDKs log while everything works.
// They name credentials, tokens, scopes and token endpoints, and fail
// nothing; a scanner keyed on "Credential" or "token" meets them often.
func (g *Generator) azureSDKLine(dst []byte) []byte {
	r := g.r
	scope := pick(r, armScopes)
	switch r.intn(20) {
	case 0: // Go, azcore default listener (AZURE_SDK_GO_LOGGING=all)
		dst = append(dst, '[')
		dst = g.c.appendStampMicro(dst, r)
		dst = append(dst, "] Authentication: "...)
		dst = append(dst, pick(r, goCreds)...)
		dst = append(dst, `.GetToken() acquired a token for scope "`...)
		dst = append(dst, scope...)
		dst = append(dst, '"')
	case 1: // Go, hand-written listener
		dst = append(dst, "[Authentication] "...)
		dst = append(dst, pick(r, goCreds)...)
		dst = append(dst, `.GetToken() acquired a token for scope "`...)
		dst = append(dst, scope...)
		dst = append(dst, '"')
	case 2:
		dst = append(dst, "[Authentication] DefaultAzureCredential authenticated with "...)
		dst = append(dst, pick(r, goCreds[:4])...)
	case 3:
		dst = append(dst, "[Authentication] EnvironmentCredential will authenticate with ClientSecretCredential"...)
	case 4:
		dst = append(dst, `[Authentication] ManagedIdentityCredential will use IMDS managed identity with client ID "`...)
		dst = append(dst, pick(r, g.clients)...)
		dst = append(dst, '"')
	case 5: // JS @azure/logger
		dst = append(dst, "azure:identity:info "...)
		dst = append(dst, pick(r, goCreds[1:3])...)
		dst = append(dst, " => getToken() => SUCCESS. Scopes: "...)
		dst = append(dst, scope...)
		dst = append(dst, '.')
	case 6:
		dst = append(dst, "azure:identity:info ClientSecretCredential => getToken() => SUCCESS"...)
	case 7:
		dst = append(dst, "azure:identity:info EnvironmentCredential => Found the following environment variables: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET"...)
	case 8: // Python logging.basicConfig
		dst = append(dst, "INFO:azure.identity._credentials.chained:DefaultAzureCredential acquired a token from "...)
		dst = append(dst, pick(r, pyCreds)...)
	case 9:
		dst = append(dst, "INFO:azure.identity._internal.get_token_mixin:"...)
		dst = append(dst, pick(r, pyCreds)...)
		dst = append(dst, ".get_token succeeded"...)
	case 10:
		dst = append(dst, "INFO:azure.identity._credentials.environment:No environment configuration found."...)
	case 11:
		dst = append(dst, "DEBUG:msal.telemetry:Generate or reuse correlation_id: "...)
		dst = appendGUID(dst, r)
	case 12:
		dst = append(dst, "INFO:azure.core.pipeline.policies.http_logging_policy:Request URL: 'https://login.microsoftonline.com/"...)
		dst = append(dst, pick(r, g.tenants)...)
		dst = append(dst, "/oauth2/v2.0/token'"...)
	case 13: // .NET AzureEventSourceListener
		dst = append(dst, "[Informational] Azure-Identity: "...)
		dst = append(dst, pick(r, netCreds)...)
		dst = append(dst, ".GetToken succeeded. Scopes: [ "...)
		dst = append(dst, scope...)
		dst = append(dst, " ] ParentRequestId: "...)
		dst = appendGUID(dst, r)
		dst = append(dst, " ExpiresOn: "...)
		dst = append(dst, g.c.iso...)
		dst = append(dst, ".0000000+00:00"...)
	case 14:
		dst = append(dst, "[Informational] Azure-Identity: "...)
		dst = append(dst, pick(r, netCreds)...)
		dst = append(dst, ".GetToken invoked. Scopes: [ "...)
		dst = append(dst, scope...)
		dst = append(dst, " ] ParentRequestId: "...)
		dst = appendGUID(dst, r)
	case 15:
		dst = append(dst, "[Informational] Azure-Identity: DefaultAzureCredential credential selected: Azure.Identity."...)
		dst = append(dst, pick(r, netCreds[:4])...)
	case 16: // Java LoggingUtil through Spring Boot
		dst = g.c.appendSpaceMs(dst)
		dst = append(dst, "  INFO 1 --- [     parallel-1] c.azure.identity.ChainedTokenCredential  : Azure Identity => Attempted credential "...)
		dst = append(dst, pick(r, pyCreds[:4])...)
		dst = append(dst, " returns a token"...)
	case 17:
		dst = g.c.appendSpaceMs(dst)
		dst = append(dst, "  INFO 1 --- [     parallel-2] c.a.identity.ClientSecretCredential      : Azure Identity => getToken() result for scopes ["...)
		dst = append(dst, scope...)
		dst = append(dst, "]: SUCCESS"...)
	case 18: // MSAL.NET log line relayed by Azure.Identity
		dst = append(dst, "False MSAL 4.61.3.0 MSAL.NetCore .NET 8.0.4 Linux 5.15.0.1061 ["...)
		dst = g.c.appendEntra(dst)
		dst = append(dst, " - "...)
		dst = appendGUID(dst, r)
		dst = append(dst, "] Found a valid access token in the cache for client credential flow"...)
	default: // azure-cli --debug
		dst = append(dst, "DEBUG: urllib3.connectionpool: https://login.microsoftonline.com:443 \"POST /"...)
		dst = append(dst, pick(r, g.tenants)...)
		dst = append(dst, "/oauth2/v2.0/token HTTP/1.1\" 200 "...)
		dst = appendInt(dst, r.between(1500, 4000))
	}
	return append(dst, '\n')
}

// azcoreBlock: azcore's Request, Response and Retry log events of one
// successful call (AZURE_SDK_GO_LOGGING=all or a listener), including the
// 80-dash separator and a "RESPONSE Status:" line.
func (g *Generator) azcoreBlock(dst []byte) []byte {
	r := g.r
	prefix := func(dst []byte, ev string) []byte {
		if g.azcoreBracket {
			dst = append(dst, '[')
			dst = append(dst, ev...)
			return append(dst, "] "...)
		}
		dst = append(dst, '[')
		dst = g.c.appendStampMicro(dst, r)
		dst = append(dst, "] "...)
		dst = append(dst, ev...)
		return append(dst, ": "...)
	}
	g.azcoreBracket = r.chance(500)
	token := r.chance(250)
	var method, url []byte
	if token {
		method = []byte("POST")
		url = append(url, "https://login.microsoftonline.com/"...)
		url = append(url, pick(r, g.tenants)...)
		url = append(url, "/oauth2/v2.0/token"...)
	} else {
		method = []byte("GET")
		url = append(url, "https://management.azure.com/subscriptions/"...)
		url = append(url, pick(r, g.subs)...)
		url = append(url, "/resourceGroups/"...)
		url = append(url, pick(r, rgNames)...)
		url = append(url, pick(r, armPaths)...)
		url = append(url, "?api-version=2023-05-01"...)
	}
	ua := "azsdk-go-armresources/v1.2.0 (go1.22.2; linux)"
	if token {
		ua = "azsdk-go-azidentity/v1.7.0 (go1.22.2; linux)"
	}
	try := 1
	reqHeaders := func(dst []byte) []byte {
		dst = append(dst, "   "...)
		dst = append(dst, method...)
		dst = append(dst, ' ')
		dst = append(dst, url...)
		dst = append(dst, "\n   Accept: application/json\n"...)
		if !token {
			dst = append(dst, "   Authorization: REDACTED\n"...)
		} else {
			dst = append(dst, "   Content-Type: application/x-www-form-urlencoded\n"...)
		}
		dst = append(dst, "   User-Agent: "...)
		dst = append(dst, ua...)
		return append(dst, '\n')
	}
	dst = prefix(dst, "Request")
	dst = append(dst, "==> OUTGOING REQUEST (Try="...)
	dst = appendInt(dst, try)
	dst = append(dst, ")\n"...)
	dst = reqHeaders(dst)
	dst = prefix(dst, "Response")
	dst = append(dst, "==> REQUEST/RESPONSE (Try=1/"...)
	ms := r.between(8, 900)
	dst = appendInt(dst, ms)
	dst = append(dst, '.')
	dst = appendPad(dst, r.intn(1000), 3)
	dst = append(dst, "ms, OpTime="...)
	dst = appendInt(dst, ms)
	dst = append(dst, '.')
	dst = appendPad(dst, r.intn(1000), 3)
	dst = append(dst, "ms) -- RESPONSE RECEIVED\n"...)
	dst = reqHeaders(dst)
	dst = append(dst, "   "...)
	dst = append(dst, dashes80...)
	dst = append(dst, "\n   RESPONSE Status: 200 OK\n   Cache-Control: no-store, no-cache\n   Content-Type: application/json; charset=utf-8\n   Date: "...)
	dst = append(dst, g.c.httpTS...)
	dst = append(dst, '\n')
	if token {
		dst = append(dst, "   X-Ms-Request-Id: "...)
		dst = appendGUID(dst, r)
		dst = append(dst, "\n   X-Ms-Ests-Server: 2.1.17846.6 - WEULR1 ProdSlices\n"...)
	} else {
		dst = append(dst, "   X-Ms-Correlation-Request-Id: "...)
		dst = appendGUID(dst, r)
		dst = append(dst, "\n   X-Ms-Request-Id: "...)
		dst = appendGUID(dst, r)
		dst = append(dst, "\n   X-Ms-Ratelimit-Remaining-Subscription-Reads: "...)
		dst = appendInt(dst, r.between(11000, 11999))
		dst = append(dst, '\n')
	}
	dst = prefix(dst, "Retry")
	dst = append(dst, "response 200\n"...)
	dst = prefix(dst, "Retry")
	dst = append(dst, "exit due to non-retriable status code\n"...)
	if token {
		dst = prefix(dst, "Authentication")
		dst = append(dst, pick(r, goCreds[:3])...)
		dst = append(dst, `.GetToken() acquired a token for scope "`...)
		dst = append(dst, pick(r, armScopes)...)
		dst = append(dst, "\"\n"...)
	}
	return dst
}

const dashes80 = "--------------------------------------------------------------------------------"

// javaTrace: an ordinary Java exception with a cause, as logback prints it.
func (g *Generator) javaTrace(dst []byte) []byte {
	r := g.r
	dst = g.c.appendSpaceMs(dst)
	dst = append(dst, " ERROR 1 --- [nio-8080-exec-"...)
	dst = appendInt(dst, r.between(1, 9))
	dst = append(dst, "] o.a.c.c.C.[.[.[/].[dispatcherServlet]    : Servlet.service() for servlet [dispatcherServlet] threw exception\n"...)
	dst = append(dst, pick(r, javaExceptions)...)
	dst = append(dst, '\n')
	n := r.between(4, 12)
	for i := 0; i < n; i++ {
		dst = append(dst, pick(r, javaFrames)...)
		dst = appendInt(dst, r.between(30, 900))
		dst = append(dst, ")\n"...)
	}
	dst = append(dst, "Caused by: "...)
	dst = append(dst, pick(r, javaCauses)...)
	dst = append(dst, '\n')
	n = r.between(2, 6)
	for i := 0; i < n; i++ {
		dst = append(dst, pick(r, javaFrames)...)
		dst = appendInt(dst, r.between(30, 900))
		dst = append(dst, ")\n"...)
	}
	dst = append(dst, "\t... "...)
	dst = appendInt(dst, r.between(10, 60))
	return append(dst, " common frames omitted\n"...)
}

// pyTrace: an ordinary Python traceback, as logging.exception prints it.
func (g *Generator) pyTrace(dst []byte) []byte {
	r := g.r
	dst = g.c.appendPy(dst)
	dst = append(dst, " ERROR ["...)
	dst = append(dst, pick(r, loggersPy)...)
	dst = append(dst, "] task failed\nTraceback (most recent call last):\n"...)
	n := r.between(2, 5)
	for i := 0; i < n; i++ {
		f := pick(r, pyFrames)
		for j := 0; j < len(f); j++ {
			if f[j] == '%' {
				dst = appendInt(dst, r.between(10, 700))
			} else {
				dst = append(dst, f[j])
			}
		}
	}
	dst = append(dst, pick(r, pyErrors)...)
	return append(dst, '\n')
}

// longLine: a JSON record of 100-400 KB (a batch dump), cut from a
// pre-generated pool of array items so it costs a copy, not a render.
func (g *Generator) longLine(dst []byte) []byte {
	dst = append(dst, `{"time":"`...)
	dst = g.c.appendISO(dst)
	dst = append(dst, `","level":"INFO","msg":"inventory snapshot","service":"inventory","snapshot_id":"`...)
	dst = appendGUID(dst, g.r)
	dst = append(dst, `","items":[`...)
	dst = g.appendItems(dst, g.r.between(100<<10, 400<<10))
	return append(dst, "]}\n"...)
}

// appendItems appends comma-separated JSON objects from the pool, about n bytes.
func (g *Generator) appendItems(dst []byte, n int) []byte {
	starts := g.itemStarts
	// start early enough in the pool that n bytes (at most 512 KiB) follow
	i := g.r.intn(g.itemMaxStart)
	j := i + 1
	for j < len(starts)-1 && starts[j]-starts[i] < n {
		j++
	}
	// starts[k] is the offset of item k; items are separated by ','.
	return append(dst, g.itemPool[starts[i]:starts[j]-1]...)
}

func (g *Generator) buildItemPool() {
	r := g.r
	var p []byte
	starts := []int{0}
	for len(p) < 2<<20 {
		p = append(p, `{"sku":"SKU-`...)
		p = appendPad(p, r.intn(1000000), 6)
		p = append(p, `","qty":`...)
		p = appendInt(p, r.intn(5000))
		p = append(p, `,"warehouse":"`...)
		p = append(p, pick(r, regions[:6])...)
		p = append(p, `","price_cents":`...)
		p = appendInt(p, r.between(99, 250000))
		p = append(p, `,"updated":"2024-04-`...)
		p = appendPad(p, r.between(1, 30), 2)
		p = append(p, `","tags":["`...)
		p = append(p, pick(r, queues)...)
		p = append(p, `"]},`...)
		starts = append(starts, len(p))
	}
	g.itemPool, g.itemStarts = p, starts
	for g.itemMaxStart = len(starts) - 1; starts[g.itemMaxStart] > len(p)-(512<<10); g.itemMaxStart-- {
	}
}

// appendJSONEscaped appends s escaped for the inside of a JSON string.
func appendJSONEscaped(dst, s []byte) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		case '"':
			dst = append(dst, '\\', '"')
		case '\\':
			dst = append(dst, '\\', '\\')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hexdigits[c>>4], hexdigits[c&15])
		}
		start = i + 1
	}
	return append(dst, s[start:]...)
}
