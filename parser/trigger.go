package parser

import (
	"bytes"

	"github.com/azlogscan/azlogscan/parser/internal/multi"
)

// triggers are the literal words that can start or mark an authentication
// failure record. The scanner searches whole buffers for them and parses only
// the records around a hit; a record without any of them is never seen, so
// each failure shape must contain at least one. Case-sensitive, and at most
// maxTriggerLen bytes.
var triggers = [][]byte{
	[]byte("AADSTS"),             // every Entra failure
	[]byte("redential"),          // credential type names, CredentialUnavailable*, "credentials"
	[]byte("uthoriz"),            // AuthorizationFailed, "does not have authorization", Unauthorized
	[]byte("IMDS"),               // managed identity endpoint failures
	[]byte("anaged "),            // "Managed Identity", "managed identity"
	[]byte("az login"),           // Azure CLI login required
	[]byte("Connect-AzAccount"),  // Azure PowerShell
	[]byte("dentity not found"),  // IMDS / pod identity body
	[]byte("auth login"),         // azd auth login
	[]byte("alServiceException"), // MsalServiceException, AdalServiceException
	[]byte("MsalUiRequired"),     // MSAL.NET interaction required
	[]byte("cquire token"),       // "Unable to acquire token for tenant", "Failed to acquire tokens"
	// ARM, Graph and data-plane error codes: InvalidAuthenticationToken,
	// InvalidAuthenticationTokenTenant, InvalidAuthenticationTokenAudience,
	// ExpiredAuthenticationToken.
	[]byte("AuthenticationToken"),
	[]byte("access policy"),           // Key Vault: "Caller was not found on any access policy."
	[]byte("RBAC permissions"),        // Cosmos DB: "does not have the required RBAC permissions"
	[]byte("MsalInteractionRequired"), // msal4j's MsalInteractionRequiredException
	[]byte("retrieve access token"),   // Azure PowerShell: "Cannot retrieve access token for resource"
	[]byte("ogin failed with"),        // azure/login: "Error: Login failed with ..."
	[]byte("msi_token"),               // msrestazure / Azure CLI managed identity: get_msi_token frames
	[]byte("OIDC Discovery"),          // MSAL Python: "OIDC Discovery endpoint rejects our request" / "is unavailable"
	// MSAL Python: "Unable to get authority configuration for <url>.
	// Authority would typically be in a format of https://login...".
	[]byte("typically be in a format"),
	// urllib3's connection failure to the managed identity endpoint
	// (IMDS, Azure Arc), with no other identifying word: "HTTPConnectionPool(
	// host='169.254.169.254', port=80): Max retries exceeded with url:
	// /metadata/identity/oauth2/token?..." (the Azure CLI, azure-identity).
	[]byte("with url: /metadata/identity"),
}

const maxTriggerLen = 32

// triggerSet searches for all triggers in one pass (parser/internal/multi).
var triggerSet = multi.New(triggers)

func init() {
	if triggerSet.MaxLen() > maxTriggerLen {
		panic("parser: a trigger is longer than maxTriggerLen")
	}
}

// firstTrigger returns the position of the first trigger that starts at or
// after from and ends within buf, or -1.
func firstTrigger(buf []byte, from int) int {
	p, _ := triggerSet.Index(buf, from)
	return p
}

// firstTriggerIndex is firstTrigger by one bytes.Index per trigger: what the
// tests compare it with.
func firstTriggerIndex(buf []byte, from int) int {
	best := -1
	for _, t := range triggers {
		if j := bytes.Index(buf[from:], t); j >= 0 && (best < 0 || from+j < best) {
			best = from + j
		}
	}
	return best
}

// hitCache holds the trigger positions of the window ahead of the scanner:
// those the read-ahead workers found in whole blocks (add), with their line
// numbers, and where they have none (the seams between blocks, a block split
// across window moves, the rest after the window was reset) those it
// searches itself, lazily.
type hitCache struct {
	q    []int   // trigger starts not yet passed, ascending: q[head:]
	ql   []int64 // the line of each, or 0 where not known
	head int
	// cov: every trigger that starts below cov, at or after the last query's
	// from, and ends within the window, is in q.
	cov int
}

func (c *hitCache) reset() {
	if c.q == nil {
		c.q, c.ql = make([]int, 0, 1024), make([]int64, 0, 1024)
	}
	c.q, c.ql, c.head, c.cov = c.q[:0], c.ql[:0], 0, 0
}

// shift moves the positions n bytes back, as the window does.
func (c *hitCache) shift(n int) {
	k := 0
	for i := c.head; i < len(c.q); i++ {
		if c.q[i] >= n {
			c.q[k], c.ql[k] = c.q[i]-n, c.ql[i]
			k++
		}
	}
	c.q, c.ql, c.head = c.q[:k], c.ql[:k], 0
	c.cov = max(0, c.cov-n)
}

// next returns the position of the first trigger at or after from that ends
// within buf, or -1; and its line, or 0 when not known.
func (c *hitCache) next(buf []byte, from int) (int, int64) {
	for c.head < len(c.q) && c.q[c.head] < from {
		c.head++
	}
	if c.head < len(c.q) {
		return c.q[c.head], c.ql[c.head]
	}
	c.q, c.ql, c.head = c.q[:0], c.ql[:0], 0
	s := max(from, c.cov)
	p := firstTrigger(buf, s)
	if p < 0 {
		// Only a trigger that does not fit yet may start at or after here.
		c.cov = max(s, len(buf)-triggerSet.MaxLen()+1)
		return -1, 0
	}
	c.q, c.ql = append(c.q, p), append(c.ql, 0)
	c.cov = p + 1
	return p, 0
}

// add takes the triggers a read-ahead worker found in a block now at
// buf[w0:] (the end of the window), whose first line is l0: those wholly
// inside it, at trig, with tline newlines before each in the block. It first
// searches what lies before w0 and is not covered yet (from from on), which
// takes in the triggers that straddle w0.
func (c *hitCache) add(buf []byte, w0 int, l0 int64, trig, tline []int32, from int) {
	if c.head < len(c.q) && c.q[len(c.q)-1] >= w0 || c.cov > w0 {
		return // cannot happen: cov stays within the window searched; search lazily
	}
	if c.head > 0 {
		k := copy(c.q, c.q[c.head:])
		copy(c.ql, c.ql[c.head:])
		c.q, c.ql, c.head = c.q[:k], c.ql[:k], 0
	}
	ml := triggerSet.MaxLen()
	lim := min(len(buf), w0+ml-1) // a trigger starting before w0 ends by here
	for s := max(c.cov, from); s < w0; {
		p := firstTrigger(buf[:lim], s)
		if p < 0 || p >= w0 {
			break
		}
		c.q = append(c.q, p)
		c.ql = append(c.ql, l0-int64(bytes.Count(buf[p:w0], nlByte)))
		s = p + 1
	}
	// Those in the block's last ml-1 bytes may be the start of a longer
	// trigger ending in the next block: the next add (or next) finds them.
	n := len(buf) - w0
	end := max(0, n-ml+1)
	for i, t := range trig {
		if int(t) >= end {
			break
		}
		if w0+int(t) >= from {
			c.q = append(c.q, w0+int(t))
			c.ql = append(c.ql, l0+int64(tline[i]))
		}
	}
	c.cov = w0 + end
}

// SearchKernel names the kernel of the trigger and secret search on this
// machine: "avx-512", "avx2" or "generic" (AZLOGSCAN_NOAVX512=1 turns AVX-512
// off).
func SearchKernel() string { return multi.Kernel() }
