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

// hitCache remembers the next trigger position found, so that the search is
// one linear pass over the input however the scanner queries it.
type hitCache struct {
	pos  int // next occurrence at or after the last query, -1 if none below upto
	upto int // searched up to here
}

func (c *hitCache) reset() {
	c.pos = -1
	c.upto = 0
}

func (c *hitCache) shift(n int) {
	if c.pos >= 0 {
		c.pos -= n
		if c.pos < 0 {
			c.pos = -1
			c.upto = 0
		}
	}
	c.upto = max(0, c.upto-n)
}

// next returns the position of the first trigger at or after from, or -1.
func (c *hitCache) next(buf []byte, from int) int {
	p := c.pos
	if p < from && (p >= 0 || c.upto < len(buf)) {
		s := from
		if p < 0 {
			// Nothing below upto: only a trigger straddling it is new.
			s = max(from, c.upto-maxTriggerLen+1)
		}
		p = firstTrigger(buf, s)
		c.pos = p
		c.upto = len(buf)
	}
	if p >= from {
		return p
	}
	return -1
}
