package parser

import (
	"bytes"
	"encoding/binary"
	"strings"
	"unsafe"
)

// The fast path of grouper.add: most trigger hits are SDK chatter that names
// a credential without failing, and the grouper drops them unless their raw
// record holds a failure word (then it is parsed) or a success word (then it
// ends a pending chain). wordSet answers both in one pass over the record,
// without allocating, instead of one bytes.Contains per word.

// gramIndex finds a list of phrases in a text in one pass. A phrase of five
// bytes or more holds two four-byte grams at consecutive offsets k and k+1,
// so wherever it occurs, one of them lies at an even position of the text.
// Only the grams at even positions are looked up, in a table by their hash
// (one load, almost always zero on text without the phrases), and only on a
// hit are the phrases compared that have that gram, at the position it puts
// them. Each phrase's k is chosen to avoid the vocabulary of the lines the
// triggers hit (credential names, "Authentication", token calls, request
// dumps: noiseVocabulary), so that noise rarely leads to a compare. Shorter
// phrases are searched plainly.
type gramIndex struct {
	slot    [1 << gramBits]uint8 // 0, or 1 + an index in cands
	cands   [][]gramCand
	phrases []string
	short   []int // phrases shorter than 5 bytes
}

// gramCand is a phrase with a gram: the phrase starts delta bytes before it.
type gramCand struct {
	phrase uint8 // index in phrases
	delta  uint8
}

const (
	// gramBits is the size of the hash of a gram: the table of slots fits
	// the first-level cache.
	gramBits = 14
	// maxGramPhrases bounds the phrases of a gramIndex.
	maxGramPhrases = 256
)

// gramHash hashes four bytes (little-endian) to gramBits bits.
func gramHash(x uint32) uint32 { return (x * 0x9E3779B1) >> (32 - gramBits) }

// noiseVocabulary is what the lines that trigger hits are made of; phrases
// are indexed by grams that occur in it as little as they can.
const noiseVocabulary = "ClientSecretCredential ManagedIdentityCredential DefaultAzureCredential " +
	"EnvironmentCredential WorkloadIdentityCredential AzureCliCredential AzureCLICredential " +
	"ChainedTokenCredential credential credentials [Authentication] Authentication authentication " +
	"Authorization: Authorization authorization Unauthorized GetToken getToken get_token " +
	"Managed Identity managed identity IMDS RESPONSE Response Request Status: " +
	"x-ms-correlation-request-id User-Agent Content-Type"

func newGramIndex(phrases []string) *gramIndex {
	if len(phrases) > maxGramPhrases {
		panic("parser: too many phrases for a gramIndex")
	}
	g := &gramIndex{phrases: phrases}
	for i, p := range phrases {
		if len(p) < 5 {
			g.short = append(g.short, i)
			continue
		}
		k, best := 0, -1
		for o := 0; o+5 <= len(p) && o < 255; o++ {
			n := strings.Count(noiseVocabulary, p[o:o+4]) + strings.Count(noiseVocabulary, p[o+1:o+5])
			if best < 0 || n < best {
				k, best = o, n
			}
		}
		g.add(p[k:k+4], gramCand{uint8(i), uint8(k)})
		g.add(p[k+1:k+5], gramCand{uint8(i), uint8(k + 1)})
	}
	if len(g.cands) >= 256 {
		panic("parser: too many grams for a gramIndex")
	}
	return g
}

func (g *gramIndex) add(gram string, c gramCand) {
	h := gramHash(binary.LittleEndian.Uint32([]byte(gram)))
	if g.slot[h] == 0 {
		g.cands = append(g.cands, nil)
		g.slot[h] = uint8(len(g.cands))
	}
	g.cands[g.slot[h]-1] = append(g.cands[g.slot[h]-1], c)
}

// scan calls found with the index of each phrase that occurs in b, at least
// once per phrase found, until found returns true (stop). It does not
// allocate.
func (g *gramIndex) scan(b []byte, found func(phrase int) (stop bool)) {
	for _, i := range g.short {
		if bytes.Contains(b, []byte(g.phrases[i])) && found(i) {
			return
		}
	}
	j := 0
	// Eight bytes at a time: the grams at j, j+2 and j+4.
	for ; j+8 <= len(b); j += 6 {
		x := binary.LittleEndian.Uint64(b[j:])
		s0 := g.slot[gramHash(uint32(x))]
		s2 := g.slot[gramHash(uint32(x>>16))]
		s4 := g.slot[gramHash(uint32(x>>32))]
		if s0|s2|s4 == 0 {
			continue
		}
		if s0 != 0 && g.check(b, j, s0, found) || s2 != 0 && g.check(b, j+2, s2, found) ||
			s4 != 0 && g.check(b, j+4, s4, found) {
			return
		}
	}
	for ; j+4 <= len(b); j += 2 {
		if s := g.slot[gramHash(binary.LittleEndian.Uint32(b[j:]))]; s != 0 && g.check(b, j, s, found) {
			return
		}
	}
}

// check compares the phrases of slot s with b where the gram at j puts them;
// it reports whether found asked to stop.
func (g *gramIndex) check(b []byte, j int, s uint8, found func(int) bool) bool {
	for _, c := range g.cands[s-1] {
		p := j - int(c.delta)
		w := g.phrases[c.phrase]
		if p >= 0 && len(b)-p >= len(w) && string(b[p:p+len(w)]) == w && found(int(c.phrase)) {
			return true
		}
	}
	return false
}

// wordSet finds which of two word lists occur in a byte slice.
type wordSet struct {
	idx   *gramIndex
	class []uint8 // by word: classFailure or classSuccess
}

const (
	classFailure = 1
	classSuccess = 2
)

func newWordSet(failure, success [][]byte) *wordSet {
	s := &wordSet{}
	var words []string
	for _, w := range failure {
		words = append(words, string(w))
		s.class = append(s.class, classFailure)
	}
	for _, w := range success {
		words = append(words, string(w))
		s.class = append(s.class, classSuccess)
	}
	s.idx = newGramIndex(words)
	return s
}

// classes returns which lists have a word in b: failure (it stops at the
// first failure word) and success.
func (s *wordSet) classes(b []byte) (failure, success bool) {
	s.idx.scan(b, func(i int) bool {
		if s.class[i] == classFailure {
			failure = true
			return true
		}
		success = true
		return false
	})
	return failure, success
}

// fastWords is built from failureWords and successWords (group.go), which
// mirror classify.go's failurePhrases and successPhrases.
var fastWords = newWordSet(failureWords, successWords)

// successRecord is what a hit with a success word and no failure word
// amounts to; the grouper only reads it, so one value serves every such hit.
var successRecord = &record{strength: success}

// phraseSet tells which of a list of phrases occur in a text, in one pass
// (a gramIndex), for the phrase lists that parseRecord would otherwise
// search one by one (signalPhrases, the error codes, the id labels).
type phraseSet struct {
	*gramIndex
}

// phraseBits holds one bit per phrase of a phraseSet.
type phraseBits [maxGramPhrases / 64]uint64

func (b *phraseBits) has(i int) bool { return b[i>>6]&(1<<(i&63)) != 0 }

func newPhraseSet(phrases []string) *phraseSet { return &phraseSet{newGramIndex(phrases)} }

// present returns the set of phrases that occur in t: bit i is set exactly
// when strings.Contains(t, phrases[i]).
func (s *phraseSet) present(t string) phraseBits {
	var out phraseBits
	b := unsafe.Slice(unsafe.StringData(t), len(t)) // read only
	s.scan(b, func(i int) bool {
		out[i>>6] |= 1 << (i & 63)
		return false
	})
	return out
}
