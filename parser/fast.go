package parser

import "bytes"

// The fast path of grouper.add: most trigger hits are SDK chatter that names
// a credential without failing, and the grouper drops them unless their raw
// record holds a failure word (then it is parsed) or a success word (then it
// ends a pending chain). wordSet answers both in one pass over the record,
// without allocating, instead of one bytes.Contains per word.

// wordSet finds which of two word lists occur in a byte slice. A word of
// four bytes or more may start at position i only if the pair b[i], b[i+1]
// starts some word and the pair b[i+2], b[i+3] continues some word: two
// bitmaps of the 65,536 byte pairs answer that, and only then are the words
// with b[i]'s first byte compared. Shorter words are searched plainly.
type wordSet struct {
	head, tail [1 << 16 / 64]uint64
	byFirst    [256][]setWord
	short      []setWord
}

type setWord struct {
	w     string
	class uint8 // classFailure or classSuccess
}

const (
	classFailure = 1
	classSuccess = 2
)

func newWordSet(failure, success [][]byte) *wordSet {
	s := &wordSet{}
	add := func(words [][]byte, class uint8) {
		for _, w := range words {
			switch {
			case len(w) == 0:
			case len(w) < 4:
				s.short = append(s.short, setWord{string(w), class})
			default:
				h := uint16(w[0])<<8 | uint16(w[1])
				t := uint16(w[2])<<8 | uint16(w[3])
				s.head[h>>6] |= 1 << (h & 63)
				s.tail[t>>6] |= 1 << (t & 63)
				s.byFirst[w[0]] = append(s.byFirst[w[0]], setWord{string(w), class})
			}
		}
	}
	add(failure, classFailure)
	add(success, classSuccess)
	return s
}

// classes returns which lists have a word in b: failure (it stops at the
// first failure word) and success.
func (s *wordSet) classes(b []byte) (failure, success bool) {
	for _, sw := range s.short {
		if bytes.Contains(b, []byte(sw.w)) {
			if sw.class == classFailure {
				return true, success
			}
			success = true
		}
	}
	for i := 0; i+4 <= len(b); i++ {
		h := uint16(b[i])<<8 | uint16(b[i+1])
		if s.head[h>>6]&(1<<(h&63)) == 0 {
			continue
		}
		t := uint16(b[i+2])<<8 | uint16(b[i+3])
		if s.tail[t>>6]&(1<<(t&63)) == 0 {
			continue
		}
		rest := b[i:]
		for _, sw := range s.byFirst[b[i]] {
			if len(rest) >= len(sw.w) && string(rest[:len(sw.w)]) == sw.w {
				if sw.class == classFailure {
					return true, success
				}
				success = true
			}
		}
	}
	return false, success
}

// fastWords is built from failureWords and successWords (group.go), which
// mirror classify.go's failurePhrases and successPhrases.
var fastWords = newWordSet(failureWords, successWords)

// successRecord is what a hit with a success word and no failure word
// amounts to; the grouper only reads it, so one value serves every such hit.
var successRecord = &record{strength: success}
