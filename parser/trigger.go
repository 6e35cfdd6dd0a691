package parser

import (
	"bytes"
	"math/bits"
	"strings"
)

// triggers are the literal words that can start or mark an authentication
// failure record. The scanner searches whole buffers for them and parses only
// the records around a hit; a record without any of them is never seen, so
// each failure shape must contain at least one. Case-sensitive, and at most
// maxTriggerLen bytes.
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

// The search for all triggers at once (when the CPU has AVX2) compares, at
// every position of the buffer, two bytes of each trigger (its two rarest, by
// a rough frequency order of log text) 32 positions at a time, and verifies
// the whole trigger only where both match: one pass over the buffer for all
// triggers, instead of one bytes.Index pass per trigger, which runs at 2 GB/s
// or less for a trigger that starts with a common lowercase letter.

// pairEntry is one trigger's two anchor bytes, broadcast, and their offsets
// in the trigger; the layout is read by pairScan (trigger_amd64.s).
type pairEntry struct {
	c1, c2 [32]byte
	o1, o2 int64
	_      [16]byte
}

var (
	pairTab    []pairEntry
	pairMaxOff int // largest anchor offset
)

func init() {
	pairTab = make([]pairEntry, len(triggers))
	for i, t := range triggers {
		if len(t) < 2 || len(t) > maxTriggerLen {
			panic("parser: trigger length out of range: " + string(t))
		}
		o1, o2 := anchors(t)
		e := &pairEntry{o1: int64(o1), o2: int64(o2)}
		for j := range e.c1 {
			e.c1[j], e.c2[j] = t[o1], t[o2]
		}
		pairTab[i] = *e
		pairMaxOff = max(pairMaxOff, o1, o2)
	}
}

// byteCommonness ranks bytes by how often they occur in log text (higher is
// more common): spaces and lowercase letters by English frequency above
// digits and punctuation, uppercase letters rarer.
func byteCommonness(c byte) int {
	const lower = "zqjxkvbpygfwmucldrhsnioate" // rarest first
	switch {
	case c == ' ':
		return 100
	case c >= 'a' && c <= 'z':
		return 60 + strings.IndexByte(lower, c)
	case c >= '0' && c <= '9':
		return 50
	case c >= 'A' && c <= 'Z':
		return 20 + strings.IndexByte(lower, c+'a'-'A')
	default:
		return 45
	}
}

// anchors picks the offsets of the two rarest bytes of t (the later offset
// on a tie, so that the pair is spread out).
func anchors(t []byte) (o1, o2 int) {
	o1 = -1
	for i, c := range t {
		if o1 < 0 || byteCommonness(c) <= byteCommonness(t[o1]) {
			o1 = i
		}
	}
	o2 = -1
	for i, c := range t {
		if i != o1 && (o2 < 0 || byteCommonness(c) < byteCommonness(t[o2]) ||
			byteCommonness(c) == byteCommonness(t[o2]) && abs(i-o1) > abs(o2-o1)) {
			o2 = i
		}
	}
	return o1, o2
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// firstTrigger returns the position of the first trigger that starts at or
// after from and ends within buf, or -1.
func firstTrigger(buf []byte, from int) int {
	if !useAVX2 {
		return firstTriggerIndex(buf, from)
	}
	// Positions below n are examined 32 at a time; loads reach up to
	// n-1+pairMaxOff+31 < len(buf).
	n := from
	if room := len(buf) - pairMaxOff - 32; room > from {
		n = from + (room-from)/32*32
	}
	for p := from; p < n; {
		off, mask := pairScan(&buf[p], n-p, &pairTab[0], len(pairTab))
		if mask == 0 {
			break
		}
		q := p + off
		for mask != 0 {
			i := q + bits.TrailingZeros32(mask)
			mask &= mask - 1
			for k := range pairTab {
				e := &pairTab[k]
				if buf[i+int(e.o1)] == e.c1[0] && buf[i+int(e.o2)] == e.c2[0] && bytes.HasPrefix(buf[i:], triggers[k]) {
					return i
				}
			}
		}
		p = q + 32
	}
	// The tail, shorter than a block plus the longest anchor offset.
	return firstTriggerIndex(buf, n)
}

// firstTriggerIndex is firstTrigger by one bytes.Index per trigger.
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

func (c *hitCache) grow() {}

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
