package redact

import (
	"bytes"
	"sync"

	"github.com/azlogscan/azlogscan/parser/internal/multi"
)

// triggerSet finds every trigger in one pass (AVX2 where the CPU has it).
var triggerSet = multi.New(Triggers())

// AppendLineHits is AppendHits for a whole block of log text where secrets
// are rare. The hits are exactly those of running AppendHits on every line
// of src ('\n'-terminated, the last one possibly not) that holds a trigger,
// with positions in src; so the same as AppendHits(hits, src) gives for
// secrets that do not span lines.
//
// In log text the triggers are common and secrets are not ("keys=249",
// "GetToken()", "Authorization: REDACTED", "ClientSecretCredential"), so a
// line is not run through every detector for its first trigger. Instead
// each trigger occurrence runs only its own detector (see mayHit), reading
// just the bytes around it; a line goes through AppendHits only once one of
// its triggers yields a hit. That is exact: AppendHits only reports what a
// detector finds at one of the line's trigger occurrences.
func AppendLineHits(hits []Hit, src []byte) []Hit {
	ms := matchPool.Get().(*[]multi.Match)
	*ms = triggerSet.AppendAll((*ms)[:0], src)
	hits = AppendLineHitsAt(hits, src, *ms)
	matchPool.Put(ms)
	return hits
}

// AppendLineHitsAt is AppendLineHits given where the triggers are in src:
// ms must be every occurrence of Triggers() that starts and ends within
// src, in order of position, each with the index of the first trigger that
// starts there (what a search of src for Triggers() gives).
func AppendLineHitsAt(hits []Hit, src []byte, ms []multi.Match) []Hit {
	var le lineEnd
	from := 0
	for _, m := range ms {
		p, k := int(m.Pos), int(m.Word)
		if p < from {
			continue
		}
		if !mayHit(src, p, triggerAt(src, p, k), &le) {
			continue
		}
		ls := bytes.LastIndexByte(src[:p], '\n') + 1
		e := le.at(src, p)
		n := len(hits)
		hits = AppendHits(hits, src[ls:e])
		for i := n; i < len(hits); i++ {
			hits[i].Start += ls
			hits[i].End += ls
		}
		from = e + 1
	}
	return hits
}

// matchPool holds AppendLineHits' lists of trigger positions.
var matchPool = sync.Pool{New: func() any { m := make([]multi.Match, 0, 256); return &m }}

// triggerAt returns the trigger that starts at src[p:]; k is the index in
// triggers (= Triggers()) the search reported for it. No trigger is a prefix
// of another, so there is exactly one (TestTriggersPrefixFree).
func triggerAt(src []byte, p, k int) *trigger {
	if k >= 0 && k < len(triggers) && triggers[k].startsAt(src, p) {
		return &triggers[k]
	}
	for i := range triggers {
		if triggers[i].startsAt(src, p) {
			return &triggers[i]
		}
	}
	return nil // not reached: the search reports trigger positions only
}

func (t *trigger) startsAt(src []byte, p int) bool {
	return len(src)-p >= len(t.s) && string(src[p:p+len(t.s)]) == t.s
}

// lineEnd caches the end (the '\n', or len(src)) of the line of the last
// trigger that needed it: triggers come in increasing order, so a trigger
// before the cached end is on that line.
type lineEnd struct {
	end   int
	valid bool
}

// at returns the end of the line holding src[p].
func (l *lineEnd) at(src []byte, p int) int {
	if !l.valid || p >= l.end {
		l.valid = true
		l.end = len(src)
		if i := bytes.IndexByte(src[p:], '\n'); i >= 0 {
			l.end = p + i
		}
	}
	return l.end
}

// mayHit reports whether the detector of trigger t, which starts at src[p:],
// finds a secret when AppendHits runs on the line holding p. A false answer
// is exact (AppendHits on that line gets no hit from this occurrence); a
// true one is exact too except for the PEM body, which is left to AppendHits.
//
// Each detector runs on the bytes it can read: src itself where it reads up
// to the first '\n' at most, src[:line end] where its result depends on
// where the line ends, and a window that starts at the line start or far
// enough back that the detector does not reach its start. Before that, the
// checks a detector makes first are made inline, without a call. The reasons
// are given case by case; the differential tests in lines_test.go check them.
func mayHit(src []byte, p int, t *trigger, le *lineEnd) bool {
	if t == nil {
		return true
	}
	var probe [1]Hit // a detector adds at most one hit
	switch t.det {
	case detKey:
		return keyMayHit(src, p, p+len(t.s), le)
	case detKeyPEM:
		// pem needs "PRIVATE " right before KEY on the same line and "-----"
		// after it (a '\n' in src[p-8:p] makes the comparison fail, as the
		// line start does in AppendHits). Then AppendHits decides.
		if p >= 8 && string(src[p-8:p]) == "PRIVATE " && bytes.HasPrefix(src[p+3:], []byte("-----")) {
			return true
		}
		return keyMayHit(src, p, p+len(t.s), le)
	case detJWT:
		// jwt wants 'e' before "yJ", then reads back at most 6 bytes before
		// that 'e' (e >= 3, e >= 6 guard the reads) and forward over
		// base64url bytes and '.', which stops at '\n' as at the line end.
		if p == 0 || src[p-1] != 'e' {
			return false
		}
		lo := windowStart(src, p, 8)
		return len(jwt(probe[:0], src[lo:], p-lo)) > 0
	case detShape:
		// entraSecret wants a digit before "Q~", then reads back to p-5
		// (start < 0, start > 0 guard it) and forward over secret bytes, and
		// tests src[e] against secret bytes, '+' and '/': '\n' is none of
		// them, as the line end is none. nextToPlaceholder reads on from e
		// (no '\n' in a placeholder) and back from p-5 within the line.
		if p == 0 || !isDigit(src[p-1]) {
			return false
		}
		lo := windowStart(src, p, 8+placeholderBack) // nextToPlaceholder reads back from p-5
		return len(entraSecret(probe[:0], src[lo:], p-lo)) > 0
	case detSAS:
		// sas reads forward only: separator and its `j+1 < len`, `j+2 < len`
		// guards see a '\n' where the line would end (no separator byte), and
		// the value stops at '\n' (and at a '%' without two escape bytes
		// after it, which a '\n' among them is not).
		return len(sas(probe[:0], src, p, t.s)) > 0
	}
	return true
}

// windowStart returns max(the start of the line holding src[p], p-back).
func windowStart(src []byte, p, back int) int {
	lo := max(0, p-back)
	if i := bytes.LastIndexByte(src[lo:p], '\n'); i >= 0 {
		lo += i + 1
	}
	return lo
}

// keyLast: the last bytes, in either case, of the key suffixes classify knows.
var keyLast = func() (t [256]bool) {
	for _, p := range keyPatterns {
		c := p.suffix[len(p.suffix)-1]
		t[c] = true
		if isLower(c) {
			t[c-'a'+'A'] = true
		}
	}
	return t
}()

// keyMayHit is keyValue for the key trigger src[ts:te] on its line.
func keyMayHit(src []byte, ts, te int, le *lineEnd) bool {
	// First, cheaply, the byte after the key: keyAt extends the key over
	// key bytes (giving up beyond maxKeyLen; its start is at or before ts),
	// and value needs a quote (`\`, '"', '\'', or encoded: '&', '%'), ']'
	// (headers), a space or a separator ('=', ':', '%', `\`) right there.
	// If keyAt trims a trailing '.' or '-' (the line end, like '\n', is no
	// key byte), value starts at that '.' or '-' and fails.
	e := te
	for e < len(src) && isKeyChar(src[e]) {
		e++
		if e-ts > maxKeyLen {
			return false
		}
	}
	if e > te && (src[e-1] == '.' || src[e-1] == '-') || e == len(src) {
		return false
	}
	switch src[e] {
	case '"', '\'', '\\', '&', '%', ']', ' ', '\t', '=', ':':
	default:
		return false // '\n' too: the line ends with the key
	}
	// classify matches the key's end, without '_', '-' and '.', case
	// ignored, against keyPatterns: its last letter must end one of them.
	for j := e - 1; j >= ts; j-- {
		if c := src[j]; c != '_' && c != '-' && c != '.' {
			if !keyLast[c] {
				return false // "keys=249", "ClientSecretCredential "
			}
			break
		}
	}
	// keyAt reads no further than the first byte that is no key byte on
	// either side (the line start cannot be misread as "[REDACTED:", which
	// ends in ':'), so it gives the same key on src as on the line.
	ks, ke, kind := keyAt(src, ts, te)
	if kind == "" {
		return false
	}
	// The value ends at the line end or earlier: parse it within the line.
	var probe [1]Hit
	return len(keyValueHit(probe[:0], src[:le.at(src, ts)], ks, ke, kind)) > 0
}
