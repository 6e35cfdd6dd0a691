package parser

import "bytes"

// triggers are the literal words that can start or mark an authentication
// failure record. The scanner searches whole buffers for them and parses only
// the records around a hit; a record without any of them is never seen, so
// each failure shape must contain at least one. Case-sensitive, and short, so
// that a pass of bytes.Index over a buffer stays fast.
var triggers = [][]byte{
	[]byte("AADSTS"),            // every Entra failure
	[]byte("redential"),         // credential type names, CredentialUnavailable*, "credentials"
	[]byte("uthoriz"),           // AuthorizationFailed, "does not have authorization", Unauthorized
	[]byte("IMDS"),              // managed identity endpoint failures
	[]byte("anaged "),           // "Managed Identity", "managed identity"
	[]byte("az login"),          // Azure CLI login required
	[]byte("Connect-AzAccount"), // Azure PowerShell
	[]byte("dentity not found"), // IMDS / pod identity body
	[]byte("auth login"),        // azd auth login
}

const maxTriggerLen = 32

// hitCache remembers, for each trigger, the next position where it occurs, so
// that each trigger's search is one linear pass over the input.
type hitCache struct {
	pos  []int // next occurrence at or after the last query, -1 if none below upto
	upto []int // searched up to here
}

func (c *hitCache) reset() {
	if c.pos == nil {
		c.pos = make([]int, len(triggers))
		c.upto = make([]int, len(triggers))
	}
	for i := range c.pos {
		c.pos[i] = -1
		c.upto[i] = 0
	}
}

func (c *hitCache) grow() {}

func (c *hitCache) shift(n int) {
	for i := range c.pos {
		if c.pos[i] >= 0 {
			c.pos[i] -= n
			if c.pos[i] < 0 {
				c.pos[i] = -1
				c.upto[i] = 0
			}
		}
		c.upto[i] = max(0, c.upto[i]-n)
	}
}

// next returns the position of the first trigger at or after from, or -1.
func (c *hitCache) next(buf []byte, from int) int {
	best := -1
	for i, t := range triggers {
		p := c.pos[i]
		if p < from {
			if p >= 0 || c.upto[i] < len(buf) {
				s := from
				if p < 0 {
					s = max(from, c.upto[i]-len(t)+1)
				}
				if j := bytes.Index(buf[s:], t); j >= 0 {
					p = s + j
				} else {
					p = -1
				}
				c.pos[i] = p
				c.upto[i] = len(buf)
			}
		}
		if p >= from && (best < 0 || p < best) {
			best = p
		}
	}
	return best
}
