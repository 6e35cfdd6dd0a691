// Package multi searches a buffer for the first occurrence of any of a few
// short literal words, in one pass.
//
// bytes.Index runs a pass per word, and for a word that starts with a common
// lowercase letter ("redential", "anaged ") it runs at 2 GB/s or less: its
// first-byte IndexByte stops every few bytes. A Set instead compares, at
// every position, two bytes of each word (its two rarest, by a rough
// frequency order of log text), 32 positions at a time with AVX2, and checks
// the whole word only where both match: one pass for all words, about
// 5 GB/s for nine words. Without AVX2 (or off amd64) it falls back to one
// bytes.Index per word.
package multi

import (
	"bytes"
	"math/bits"
	"strings"
)

// A Set is an immutable list of words to search for; it is safe for
// concurrent use.
type Set struct {
	words  [][]byte
	tab    []pairEntry
	maxOff int // largest anchor offset
	maxLen int
}

// pairEntry is one word's two anchor bytes, broadcast, and their offsets in
// the word; the layout (96 bytes) is read by pairScan (multi_amd64.s).
type pairEntry struct {
	c1, c2 [32]byte
	o1, o2 int64
	_      [16]byte
}

// New returns a Set of words, each at least 2 and at most 64 bytes long.
func New(words [][]byte) *Set {
	s := &Set{words: words, tab: make([]pairEntry, len(words))}
	for i, w := range words {
		if len(w) < 2 || len(w) > 64 {
			panic("multi: word length out of range: " + string(w))
		}
		o1, o2 := Anchors(w)
		e := &s.tab[i]
		e.o1, e.o2 = int64(o1), int64(o2)
		for j := range e.c1 {
			e.c1[j], e.c2[j] = w[o1], w[o2]
		}
		s.maxOff = max(s.maxOff, o1, o2)
		s.maxLen = max(s.maxLen, len(w))
	}
	return s
}

// MaxLen is the length of the longest word.
func (s *Set) MaxLen() int { return s.maxLen }

// commonness ranks bytes by how often they occur in log text (higher is
// more common): spaces and lowercase letters by English frequency above
// digits and punctuation, uppercase letters rarer.
func commonness(c byte) int {
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

// Anchors returns the offsets of the two rarest bytes of w (on a tie, the
// pair farther apart), the bytes a Set compares before checking w whole.
func Anchors(w []byte) (o1, o2 int) {
	o1 = -1
	for i, c := range w {
		if o1 < 0 || commonness(c) <= commonness(w[o1]) {
			o1 = i
		}
	}
	o2 = -1
	for i, c := range w {
		if i != o1 && (o2 < 0 || commonness(c) < commonness(w[o2]) ||
			commonness(c) == commonness(w[o2]) && abs(i-o1) > abs(o2-o1)) {
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

// Index returns the start of the first word that starts at or after from and
// ends within buf, and which word it is; -1, -1 if there is none.
func (s *Set) Index(buf []byte, from int) (pos, word int) {
	if !useAVX2 || len(s.tab) == 0 {
		return s.indexEach(buf, from)
	}
	// Positions below n are examined 32 at a time; loads reach up to
	// n-1+maxOff+31 < len(buf).
	n := from
	if room := len(buf) - s.maxOff - 32; room > from {
		n = from + (room-from)/32*32
	}
	for p := from; p < n; {
		off, mask := pairScan(&buf[p], n-p, &s.tab[0], len(s.tab))
		if mask == 0 {
			break
		}
		q := p + off
		for mask != 0 {
			i := q + bits.TrailingZeros32(mask)
			mask &= mask - 1
			for k := range s.tab {
				e := &s.tab[k]
				if buf[i+int(e.o1)] == e.c1[0] && buf[i+int(e.o2)] == e.c2[0] && bytes.HasPrefix(buf[i:], s.words[k]) {
					return i, k
				}
			}
		}
		p = q + 32
	}
	// The tail, shorter than a block plus the largest anchor offset.
	return s.indexEach(buf, n)
}

// indexEach is Index by one bytes.Index per word.
func (s *Set) indexEach(buf []byte, from int) (pos, word int) {
	pos, word = -1, -1
	for k, w := range s.words {
		if j := bytes.Index(buf[from:], w); j >= 0 && (pos < 0 || from+j < pos) {
			pos, word = from+j, k
		}
	}
	return pos, word
}
