// Package redact removes secrets from text before azlogscan outputs it: every string that
// leaves the program (text, JSON, Elasticsearch documents, summaries, error messages) passes
// through Bytes or String.
//
// A secret's value is replaced by "[REDACTED:<kind>]"; its key or label is kept, so the
// reader still sees what was there ("client_secret=[REDACTED:client_secret]",
// "Authorization: Bearer [REDACTED:authorization_header]"). Values that are already masked
// (azcore's "REDACTED", "***", "<secret>", "${VAR}", empty values, and this package's own
// placeholders) are left alone and not reported, so redacting twice changes nothing.
//
// Detection is literal and byte-level, no regular expressions: every secret this package
// finds contains one of the strings Triggers returns (case-sensitive). Text that contains none
// of them is copied unchanged after one IndexByte pass per distinct anchor byte, without
// allocating. Index finds the first trigger, for callers that search whole buffers.
package redact

import (
	"bytes"
	"unsafe"
)

// Hit is one redacted secret: its kind and its position in the source, [Start, End).
type Hit struct {
	Kind       string
	Start, End int
}

// The kinds of secret.
const (
	KindJWT                 = "jwt"                  // a JWT (access, ID or assertion token), or the value of access_token/id_token
	KindRefreshToken        = "refresh_token"        // the value of refresh_token / refreshToken
	KindClientSecret        = "client_secret"        // an Entra client secret: the xxx8Q~ shape, or client_secret / ClientSecret / AZURE_CLIENT_SECRET values
	KindClientAssertion     = "client_assertion"     // the value of client_assertion
	KindPassword            = "password"             // password / passwd / pwd values (forms, JSON, connection strings, env)
	KindSASSignature        = "sas_signature"        // the sig= of a shared access signature
	KindAuthorizationHeader = "authorization_header" // the credentials of an Authorization header (the scheme is kept)
	KindIdentityHeader      = "identity_header"      // X-IDENTITY-HEADER / IDENTITY_HEADER values (App Service managed identity)
	KindAccountKey          = "account_key"          // AccountKey= / SharedAccessKey= of connection strings
	KindPrivateKey          = "private_key"          // the body of a PEM "-----BEGIN ... PRIVATE KEY-----" block
)

// Kinds lists every kind, in a stable order.
func Kinds() []string {
	return []string{KindJWT, KindRefreshToken, KindClientSecret, KindClientAssertion, KindPassword,
		KindSASSignature, KindAuthorizationHeader, KindIdentityHeader, KindAccountKey, KindPrivateKey}
}

// A detector examines src at the position of a trigger and adds the hits it finds.
type detector uint8

const (
	detKey    detector = iota // a key=value secret whose key contains the trigger
	detJWT                    // "yJ" of "eyJ"
	detShape                  // "Q~" of an Entra client secret
	detSAS                    // "&sig", "?sig", ";sig", "%26sig", `\u0026sig`
	detKeyPEM                 // "KEY": a key=value key or "PRIVATE KEY-----"
)

type trigger struct {
	s      string
	anchor int // index in s of the byte searched with IndexByte, or -1: s is searched whole
	det    detector
}

// triggers: every secret found contains one of these. A trigger is searched either by an
// anchor byte that is rare in log text (upper case letters, '_'), one IndexByte pass shared by
// every trigger with that anchor, or, when its bytes are common, whole with bytes.Index (whose
// vectorized fallback copes with frequent first bytes). Measured on log text by
// BenchmarkIndex; see README.md.
var triggers = []trigger{
	{"yJ", 0, detJWT},
	{"Q~", -1, detShape},
	{"_secret", 0, detKey}, {"Secret", 0, detKey}, {"SECRET", 0, detKey},
	{"word", 0, detKey}, {"wd", 0, detKey}, {"WORD", 0, detKey}, {"WD", 0, detKey},
	{"_token", 0, detKey}, {"Token", 2, detKey}, {"_TOKEN", 0, detKey},
	{"_assertion", 0, detKey}, {"Assertion", 0, detKey}, {"_ASSERTION", 0, detKey},
	{"&sig", 0, detSAS}, {"?sig", 0, detSAS}, {";sig", 0, detSAS}, {"%26sig", 0, detSAS}, {`\u0026sig`, 0, detSAS},
	{"uthorization", 6, detKey}, {"UTHORIZATION", -1, detKey},
	{"y-h", 0, detKey}, {"y-H", 0, detKey}, {"y_h", 1, detKey}, {"Y-H", 0, detKey}, {"Y_H", 0, detKey},
	{"Key", 0, detKey}, {"key", 0, detKey}, {"KEY", 0, detKeyPEM},
}

// A group is one search pass: for needle (one anchor byte, or a whole trigger), then a check
// of each of its triggers around every occurrence.
type group struct {
	needle string
	trigs  []trigger
	next   [256]bool // the bytes that follow the anchor in the group's triggers
}

// maybe is the quick check at an anchor p: does the next byte fit any trigger of the group?
func (g *group) maybe(src []byte, p int) bool {
	return len(g.needle) > 1 || p+1 < len(src) && g.next[src[p+1]]
}

var groups = func() []group {
	var gs []group
outer:
	for _, t := range triggers {
		needle := t.s
		if t.anchor >= 0 {
			needle = t.s[t.anchor : t.anchor+1]
		}
		for i := range gs {
			if gs[i].needle == needle && t.anchor >= 0 {
				gs[i].trigs = append(gs[i].trigs, t)
				gs[i].next[t.s[t.anchor+1]] = true
				continue outer
			}
		}
		g := group{needle: needle, trigs: []trigger{t}}
		if t.anchor >= 0 {
			g.next[t.s[t.anchor+1]] = true
		}
		gs = append(gs, g)
	}
	return gs
}()

// Triggers returns the literal byte strings (case-sensitive) whose presence is necessary for
// any secret to be found: text containing none of them holds nothing Bytes would redact.
// Index searches for all of them faster than separate bytes.Index calls.
func Triggers() [][]byte {
	out := make([][]byte, len(triggers))
	for i, t := range triggers {
		out[i] = []byte(t.s)
	}
	return out
}

// at reports whether trigger t occurs in src with its group's needle at p; it returns its start.
func (t *trigger) at(src []byte, p int) (int, bool) {
	s := p - max(t.anchor, 0)
	if s < 0 || s+len(t.s) > len(src) {
		return 0, false
	}
	return s, string(src[s:s+len(t.s)]) == t.s
}

// Index returns the start of the first trigger in src, or -1 if there is none (and so no
// secret). It makes one pass per group of triggers and allocates nothing.
func Index(src []byte) int {
	best := -1
	for gi := range groups {
		g := &groups[gi]
		limit := len(src)
		if best >= 0 {
			limit = best + 16 // a trigger starting before best has its anchor before this
			if limit > len(src) {
				limit = len(src)
			}
		}
		for i := 0; i < limit; {
			j := index(src[i:limit], g.needle)
			if j < 0 {
				break
			}
			p := i + j
			if !g.maybe(src, p) {
				i = p + 1
				continue
			}
			found := false
			for ti := range g.trigs {
				if s, ok := g.trigs[ti].at(src, p); ok && (best < 0 || s < best) {
					best = s
					found = true
				}
			}
			if found {
				break
			}
			i = p + 1
		}
	}
	return best
}

func index(b []byte, needle string) int {
	if len(needle) == 1 {
		return bytes.IndexByte(b, needle[0])
	}
	return bytes.Index(b, unsafe.Slice(unsafe.StringData(needle), len(needle)))
}

// AppendHits appends the secrets found in src to hits, in order of position, without
// overlaps. It allocates only when it appends.
func AppendHits(hits []Hit, src []byte) []Hit {
	n0 := len(hits)
	for gi := range groups {
		g := &groups[gi]
		skip := 0 // end of the last hit this pass found: triggers inside it are not examined
		for i := 0; i < len(src); {
			j := index(src[i:], g.needle)
			if j < 0 {
				break
			}
			p := i + j
			if p < skip {
				i = skip
				continue
			}
			if !g.maybe(src, p) {
				i = p + 1
				continue
			}
			nh := len(hits)
			for ti := range g.trigs {
				t := &g.trigs[ti]
				s, ok := t.at(src, p)
				if !ok {
					continue
				}
				switch t.det {
				case detKey:
					hits = keyValue(hits, src, s, s+len(t.s))
				case detKeyPEM:
					hits = keyValue(hits, src, s, s+len(t.s))
					hits = pem(hits, src, s)
				case detJWT:
					hits = jwt(hits, src, s)
				case detShape:
					hits = entraSecret(hits, src, s)
				case detSAS:
					hits = sas(hits, src, s, t.s)
				}
			}
			for _, h := range hits[nh:] {
				skip = max(skip, h.End)
			}
			i = p + 1
		}
	}
	if len(hits)-n0 > 1 {
		hits = hits[:n0+merge(hits[n0:])]
	}
	return hits
}

// merge sorts hits by position and merges overlapping ones; it returns the new length.
func merge(h []Hit) int {
	for i := 1; i < len(h); i++ { // insertion sort: few hits
		for j := i; j > 0 && (h[j].Start < h[j-1].Start || h[j].Start == h[j-1].Start && h[j].End > h[j-1].End); j-- {
			h[j], h[j-1] = h[j-1], h[j]
		}
	}
	n := 0
	for i := 1; i < len(h); i++ {
		if h[i].Start < h[n].End {
			if h[i].End > h[n].End {
				h[n].End = h[i].End
			}
			if priority(h[i].Kind) > priority(h[n].Kind) {
				h[n].Kind = h[i].Kind
			}
			continue
		}
		n++
		h[n] = h[i]
	}
	return n + 1
}

// priority: a key names the secret better than its shape does.
func priority(kind string) int {
	switch kind {
	case KindJWT:
		return 1
	case KindClientSecret: // also the shape; a key-based client_secret wins anyway
		return 2
	}
	return 3
}

// Bytes appends src to dst with the value of every secret replaced by "[REDACTED:<kind>]",
// and returns the extended buffer and the hits (positions in src). When src contains no
// trigger it is one pass of IndexByte calls and a copy, with no allocation (if dst has room).
func Bytes(dst, src []byte) ([]byte, []Hit) {
	var buf [8]Hit
	hits := AppendHits(buf[:0], src)
	if len(hits) == 0 {
		return append(dst, src...), nil
	}
	last := 0
	for _, h := range hits {
		dst = append(dst, src[last:h.Start]...)
		dst = append(dst, "[REDACTED:"...)
		dst = append(dst, h.Kind...)
		dst = append(dst, ']')
		last = h.End
	}
	dst = append(dst, src[last:]...)
	out := make([]Hit, len(hits))
	copy(out, hits)
	return dst, out
}

// String returns s with its secrets redacted; s itself when it holds none (no allocation).
func String(s string) string {
	src := unsafe.Slice(unsafe.StringData(s), len(s))
	if Index(src) < 0 {
		return s
	}
	var buf [8]Hit
	hits := AppendHits(buf[:0], src)
	if len(hits) == 0 {
		return s
	}
	out, _ := Bytes(make([]byte, 0, len(s)+32), src)
	return string(out)
}

// StringHits is String that also returns the hits (positions in s). It does not allocate
// when s holds no secret.
func StringHits(s string) (string, []Hit) {
	src := unsafe.Slice(unsafe.StringData(s), len(s))
	if Index(src) < 0 {
		return s, nil
	}
	var buf [8]Hit
	if len(AppendHits(buf[:0], src)) == 0 {
		return s, nil
	}
	out, hits := Bytes(make([]byte, 0, len(s)+32), src)
	return string(out), hits
}
