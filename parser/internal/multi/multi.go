// Package multi searches a buffer for the first occurrence of any of a few
// dozen short literal words, in one pass.
//
// bytes.Index runs a pass per word, and for a word that starts with a common
// lowercase letter ("redential", "key") it runs at 2 GB/s or less: its
// first-byte IndexByte stops every few bytes. A Set instead takes from each
// word a fingerprint of up to four consecutive bytes (its rarest, by a rough
// frequency table of log text) and puts the words in eight buckets. At every
// position it looks up the low and the high nibble of the four bytes there
// in eight 16-entry tables whose entries are bucket bits (the "Teddy" method
// of Hyperscan and of the Rust aho-corasick crate), 32 or 64 positions at a
// time with AVX2 byte shuffles; only where a bucket's bit survives all eight
// lookups are that bucket's words compared whole. The cost per byte does not
// grow with the number of words. Without AVX2 (or off amd64) it falls back
// to one bytes.Index per word.
package multi

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/bits"
	"slices"
	"strings"
	"sync"
)

// A Set is an immutable list of words to search for; it is safe for
// concurrent use.
type Set struct {
	words   [][]byte
	fp      []int    // offset of each word's fingerprint in the word
	pre     []uint64 // each word's first 8 bytes (little endian), 0 past its end
	preMask []uint64 // 0xff for each byte of pre that is the word's
	buckets [8][]int // word indices, ascending
	tab     teddyTab
	maxFP   int // largest fingerprint offset
	maxLen  int
}

// teddyTab is the kernel's table, read by teddyScan (multi_amd64.s): for
// fingerprint byte j (0 to 3), a low-nibble and a high-nibble table of
// bucket bits, each repeated in both 128-bit lanes; then 32 times 0x0f.
type teddyTab struct {
	m   [2 * fpLen][32]byte // lo0, hi0, lo1, hi1, ...
	nib [32]byte
}

// fpLen is the number of fingerprint bytes.
const fpLen = 4

// lowerRun is how much likelier a run of lowercase letters is in log text
// than its letters' frequencies make it.
const lowerRun = 30

// New returns a Set of words, each at least 2 and at most 64 bytes long.
func New(words [][]byte) *Set {
	s := &Set{words: words, fp: make([]int, len(words)), pre: make([]uint64, len(words)), preMask: make([]uint64, len(words))}
	for i, w := range words {
		if len(w) < 2 || len(w) > 64 {
			panic("multi: word length out of range: " + string(w))
		}
		for j := range min(8, len(w)) {
			s.pre[i] |= uint64(w[j]) << (8 * j)
			s.preMask[i] |= 0xff << (8 * j)
		}
		s.fp[i] = Fingerprint(w)
		s.maxFP = max(s.maxFP, s.fp[i])
		s.maxLen = max(s.maxLen, len(w))
	}
	s.assign()
	for j := range s.tab.nib {
		s.tab.nib[j] = 0x0f
	}
	return s
}

// Len is the length of word k.
func (s *Set) Len(k int) int { return len(s.words[k]) }

// MaxLen is the length of the longest word.
func (s *Set) MaxLen() int { return s.maxLen }

// freq is a rough probability of byte c in log text (freqOf, tabulated).
func freq(c byte) float64 { return freqTab[c] }

var freqTab = func() (t [256]float64) {
	for c := range t {
		t[c] = freqOf(byte(c))
	}
	return t
}()

// sums adds up the rows (or columns) of freqRow (or freqCol) in set.
func sums(set uint16, tab *[16][2]float64) (p, pl float64) {
	for ; set != 0; set &= set - 1 {
		i := bits.TrailingZeros16(set)
		p += tab[i][0]
		pl += tab[i][1]
	}
	return p, pl
}

// commonLogText holds words that fill authentication logs, where the
// byte frequencies make an uppercase run look rare ("Auth", "Cred"): no
// fingerprint is moved onto one of their four-byte runs.
const commonLogText = "Authentication Authorization authentication authorization Credential credential " +
	"Request Response request response Identity identity Microsoft Exception exception Error error " +
	"Failed failed Information Warning Debug Status Content-Type User-Agent application/json https:// " +
	"Connection connection Token token Client client"

// freqRow[h] and freqCol[l] sum freq over the bytes with high nibble h, or
// low nibble l: all of them, and the lowercase letters among them.
var freqRow, freqCol = func() (row, col [16][2]float64) {
	for c := range 256 {
		f, fl := freqTab[c], 0.0
		if c >= 'a' && c <= 'z' {
			fl = f
		}
		row[c>>4][0] += f
		row[c>>4][1] += fl
		col[c&15][0] += f
		col[c&15][1] += fl
	}
	return row, col
}()

// freqOf is a rough probability of byte c in log text: spaces, lowercase
// letters by English frequency, digits, punctuation, uppercase rarest.
func freqOf(c byte) float64 {
	const lower = "etaoinsrhldcumfpgwybvkxjqz" // most common first
	switch {
	case c == ' ':
		return 0.12
	case c >= 'a' && c <= 'z':
		return 0.07 * math.Pow(0.86, float64(bytes.IndexByte([]byte(lower), c)))
	case c >= '0' && c <= '9':
		return 0.015
	case c >= 'A' && c <= 'Z':
		return 0.006 * math.Pow(0.9, float64(bytes.IndexByte([]byte(lower), c+'a'-'A')))
	case c < 0x20 || c >= 0x7f:
		return 0.0005
	default:
		return 0.008
	}
}

// Fingerprint returns the offset of w's fingerprint: the fpLen consecutive
// bytes (all of w when shorter) least likely in log text. Letter frequencies
// alone would make a run of lowercase letters look rare; in logs it is
// often part of a common word ("log" in "logging", "wor" in "worker"), so a
// run without an uppercase letter, digit, space or punctuation counts as
// far likelier.
func Fingerprint(w []byte) int {
	best, bestP := 0, math.Inf(1)
	for o := 0; o+fpLen <= len(w) || o == 0; o++ {
		p, lower := 1.0, true
		for j := o; j < min(o+fpLen, len(w)); j++ {
			p *= freq(w[j])
			lower = lower && w[j] >= 'a' && w[j] <= 'z'
		}
		if lower {
			p *= lowerRun
		}
		if p < bestP {
			best, bestP = o, p
		}
	}
	return best
}

// assign puts each word in one of the eight buckets, greedily where its
// fingerprint adds the least to the buckets' estimated false-candidate
// rate (a bucket matches the product of its per-byte nibble sets), and
// fills the tables.
func (s *Set) assign() {
	type bucket struct{ lo, hi [fpLen]uint16 } // nibble sets per fingerprint byte
	var bs [8]bucket
	add := func(b bucket, w []byte, o int) bucket {
		for j := range fpLen {
			if o+j >= len(w) {
				b.lo[j], b.hi[j] = 0xffff, 0xffff // a short word: any byte
				continue
			}
			c := w[o+j]
			b.lo[j] |= 1 << (c & 15)
			b.hi[j] |= 1 << (c >> 4)
		}
		return b
	}
	rate := func(b bucket) float64 {
		all, lower := 1.0, 1.0
		for j := range fpLen {
			if b.lo[j] == 0 {
				return 0 // empty bucket
			}
			// The bytes both nibble sets accept: each high nibble in hi
			// with each low nibble in lo (few of each, but for a short
			// word's "any byte").
			p, pl := 0.0, 0.0
			switch {
			case b.lo[j] == 0xffff: // any low nibble (a short word): whole rows
				p, pl = sums(b.hi[j], &freqRow)
			case b.hi[j] == 0xffff: // any high nibble: whole columns
				p, pl = sums(b.lo[j], &freqCol)
			}
			if p > 0 {
				all *= p
				lower *= pl
				continue
			}
			for hs := b.hi[j]; hs != 0; hs &= hs - 1 {
				h := bits.TrailingZeros16(hs)
				for ls := b.lo[j]; ls != 0; ls &= ls - 1 {
					c := h<<4 | bits.TrailingZeros16(ls)
					p += freq(byte(c))
					if c >= 'a' && c <= 'z' {
						pl += freq(byte(c))
					}
				}
			}
			all *= p
			lower *= pl
		}
		return all + (lowerRun-1)*lower
	}
	// Likeliest fingerprints first, so the rare ones fill in around them.
	order := make([]int, len(s.words))
	for i := range order {
		order[i] = i
	}
	fpRate := make([]float64, len(s.words))
	for k := range fpRate {
		fpRate[k] = rate(add(bucket{}, s.words[k], s.fp[k]))
	}
	slices.SortStableFunc(order, func(a, b int) int {
		ra, rb := fpRate[a], fpRate[b]
		switch {
		case ra > rb:
			return -1
		case ra < rb:
			return 1
		}
		return 0
	})
	for _, k := range order {
		best, bestCost := 0, math.Inf(1)
		for b := range bs {
			cost := rate(add(bs[b], s.words[k], s.fp[k])) - rate(bs[b])
			if cost < bestCost {
				best, bestCost = b, cost
			}
		}
		bs[best] = add(bs[best], s.words[k], s.fp[k])
		s.buckets[best] = append(s.buckets[best], k)
	}
	// Then improve on the greedy choice: move one word at a time to another
	// bucket, or give it another fingerprint, while that lowers the sum of
	// the buckets' rates; a few rounds settle it.
	of := make([]int, len(s.words))
	for b, ks := range s.buckets {
		for _, k := range ks {
			of[k] = b
		}
	}
	build := func(b, skip int) bucket {
		var x bucket
		for _, k := range s.buckets[b] {
			if k != skip {
				x = add(x, s.words[k], s.fp[k])
			}
		}
		return x
	}
	for round := 0; round < 8; round++ {
		moved := false
		for k, w := range s.words {
			from := of[k]
			rest := build(from, k)
			var now [8]float64 // each bucket's rate without k
			for to := range bs {
				if to == from {
					now[to] = rate(rest)
				} else {
					now[to] = rate(bs[to])
				}
			}
			base := rate(bs[from]) - now[from] // what k costs where it is
			bestTo, bestO, bestGain := -1, 0, 1e-12*base
			for o := 0; o+fpLen <= len(w) || o == 0; o++ {
				if o != s.fp[k] && o+fpLen <= len(w) && strings.Contains(commonLogText, string(w[o:o+fpLen])) {
					continue // the frequency model does not know these are common
				}
				for to := range bs {
					x := bs[to]
					if to == from {
						x = rest
					}
					c := rate(add(x, w, o)) - now[to]
					if g := base - c; g > bestGain {
						bestTo, bestO, bestGain = to, o, g
					}
				}
			}
			if bestTo < 0 {
				continue
			}
			s.fp[k] = bestO
			if bestTo != from {
				s.buckets[from] = slices.DeleteFunc(s.buckets[from], func(x int) bool { return x == k })
				s.buckets[bestTo] = append(s.buckets[bestTo], k)
				of[k] = bestTo
			}
			bs[from] = build(from, -1)
			bs[bestTo] = build(bestTo, -1)
			moved = true
		}
		if !moved {
			break
		}
	}
	for b := range bs {
		slices.Sort(s.buckets[b])
		for j := range fpLen {
			for nib := range 16 {
				if bs[b].lo[j]&(1<<nib) != 0 {
					s.tab.m[2*j][nib] |= 1 << b
					s.tab.m[2*j][nib+16] |= 1 << b
				}
				if bs[b].hi[j]&(1<<nib) != 0 {
					s.tab.m[2*j+1][nib] |= 1 << b
					s.tab.m[2*j+1][nib+16] |= 1 << b
				}
			}
		}
	}
}

// bucketsAt returns the bucket bits of the fingerprints that may start at
// buf[i] (bytes past the end count as 0, which no table entry accepts
// unless a short word's bucket accepts anything there).
func (s *Set) bucketsAt(buf []byte, i int) uint8 {
	m := uint8(0xff)
	for j := range fpLen {
		var c byte
		if i+j < len(buf) {
			c = buf[i+j]
		}
		m &= s.tab.m[2*j][c&15] & s.tab.m[2*j+1][c>>4]
		if m == 0 {
			break
		}
	}
	return m
}

// wordAt reports whether word k, its fingerprint at buf[i], is there, starting
// at st, at or after from.
func (s *Set) wordAt(buf []byte, i, k, from int) (st int, ok bool) {
	st = i - s.fp[k]
	w := s.words[k]
	if st < from || st+len(w) > len(buf) {
		return st, false
	}
	// Most candidates differ in their first 8 bytes: one load tells.
	if st+8 <= len(buf) {
		if binary.LittleEndian.Uint64(buf[st:])&s.preMask[k] != s.pre[k] {
			return st, false
		}
		if len(w) <= 8 {
			return st, true
		}
	}
	return st, string(buf[st:st+len(w)]) == string(w)
}

// verify checks the words of buckets m whose fingerprint would be at
// buf[i], and improves (best, bestK): the earliest start at or after from,
// the lowest word index on a tie.
func (s *Set) verify(buf []byte, i, from int, m uint8, best, bestK int) (int, int) {
	for m != 0 {
		b := bits.TrailingZeros8(m)
		m &= m - 1
		for _, k := range s.buckets[b] {
			if st, ok := s.wordAt(buf, i, k, from); ok && (best < 0 || st < best || st == best && k < bestK) {
				best, bestK = st, k
			}
		}
	}
	return best, bestK
}

// kernel runs the widest kernel that can read from p on, over the
// positions below end, and returns the first block of them with
// candidates: its first position q, a mask with bit j set where q+j is a
// candidate, whose bucket bits are out[j], and its width (64 or 32). With no
// candidate, mask is 0 and q is the first position no kernel could read:
// the caller checks the rest one by one (bucketsAt).
func (s *Set) kernel(buf []byte, p, end int, out *[64]byte) (q int, mask uint64, width int) {
	if useAVX512 {
		// Blocks of 64 positions starting below vecEnd can load p[i+63+fpLen-1].
		if vecEnd := min(end, len(buf)-(64+fpLen-2)); p < vecEnd {
			off, m := teddyScan512(&buf[p], vecEnd-p, &s.tab, out)
			if m != 0 {
				return p + off, m, 64
			}
			p += off
		}
	}
	// Blocks of 32 positions starting below vecEnd can load p[i+31+fpLen-1].
	if vecEnd := min(end, len(buf)-(32+fpLen-2)); p < vecEnd {
		off, m := teddyScan(&buf[p], vecEnd-p, &s.tab, out)
		if m != 0 {
			return p + off, uint64(m), 32
		}
		p += off
	}
	return p, 0, 0
}

// Index returns the start of the first word that starts at or after from and
// ends within buf, and which word it is (the first in the Set's order when
// several start there); -1, -1 if there is none.
func (s *Set) Index(buf []byte, from int) (pos, word int) {
	if !useAVX2 || len(s.words) == 0 {
		return s.indexEach(buf, from)
	}
	if from < 0 {
		from = 0
	}
	best, bestK := -1, -1
	var out [64]byte // the kernel's bucket bits of a block's positions
	// Fingerprint positions are scanned from from up to end; once a word is
	// found, only fingerprints up to maxFP bytes past its start can belong
	// to a word that starts as early.
	end := len(buf)
	p := from
	for p < end {
		q, mask, width := s.kernel(buf, p, end, &out)
		if mask == 0 {
			p = q
			break
		}
		for mask != 0 {
			j := bits.TrailingZeros64(mask)
			i := q + j
			mask &= mask - 1
			if i >= end {
				break
			}
			if m := out[j]; m != 0 {
				best, bestK = s.verify(buf, i, from, m, best, bestK)
				if best >= 0 {
					end = min(end, best+s.maxFP+1)
				}
			}
		}
		p = q + width
	}
	// The tail, where a block would read past the end: position by position.
	for i := p; i < end; i++ {
		if m := s.bucketsAt(buf, i); m != 0 {
			best, bestK = s.verify(buf, i, from, m, best, bestK)
			if best >= 0 {
				end = min(end, best+s.maxFP+1)
			}
		}
	}
	return best, bestK
}

// A Match is where a word starts in a buffer, and which word it is.
type Match struct {
	Pos, Word int32
}

// AppendAll appends to dst every position in buf where a word starts and
// ends within buf, in increasing order, each with the first word in the
// Set's order that starts there: what calling Index from 0, then from each
// match's position plus one, would give, in one pass. buf must be shorter
// than 2 GiB.
func (s *Set) AppendAll(dst []Match, buf []byte) []Match {
	if !useAVX2 || len(s.words) == 0 {
		for p := 0; ; p++ {
			var k int
			if p, k = s.indexEach(buf, p); p < 0 {
				return dst
			}
			dst = append(dst, Match{int32(p), int32(k)})
		}
	}
	p := 0
	var out [64]byte // the kernel's bucket bits of a block's positions
	for p < len(buf) {
		q, mask, width := s.kernel(buf, p, len(buf), &out)
		if mask == 0 {
			p = q
			break
		}
		for ; mask != 0; mask &= mask - 1 {
			j := bits.TrailingZeros64(mask)
			dst = s.appendAt(dst, buf, q+j, out[j])
		}
		p = q + width
	}
	for ; p < len(buf); p++ {
		if m := s.bucketsAt(buf, p); m != 0 {
			dst = s.appendAt(dst, buf, p, m)
		}
	}
	return dst
}

// appendAt adds to dst the words of buckets m whose fingerprint is at
// buf[i], keeping dst in order of position and one match per position, the
// first word in the Set's order. Fingerprints are found in order, so a word lands at most
// maxFP positions before the end of dst.
func (s *Set) appendAt(dst []Match, buf []byte, i int, m uint8) []Match {
	for m != 0 {
		b := bits.TrailingZeros8(m)
		m &= m - 1
		for _, k := range s.buckets[b] {
			st, ok := s.wordAt(buf, i, k, 0)
			if !ok {
				continue
			}
			// Insert in order.
			j := len(dst)
			for j > 0 && int(dst[j-1].Pos) > st {
				j--
			}
			if j > 0 && int(dst[j-1].Pos) == st {
				if int(dst[j-1].Word) > k {
					dst[j-1].Word = int32(k)
				}
				continue
			}
			dst = append(dst, Match{})
			copy(dst[j+1:], dst[j:])
			dst[j] = Match{int32(st), int32(k)}
		}
	}
	return dst
}

// indexEach is Index by one bytes.Index per word.
func (s *Set) indexEach(buf []byte, from int) (pos, word int) {
	pos, word = -1, -1
	if from > len(buf) {
		return pos, word
	}
	for k, w := range s.words {
		if j := bytes.Index(buf[from:], w); j >= 0 && (pos < 0 || from+j < pos) {
			pos, word = from+j, k
		}
	}
	return pos, word
}

// pairMax is how many blocks with candidates teddyPair records before it
// returns to have them verified.
const pairMax = 64

// pairCands is where teddyPair records the blocks of 32 positions with
// candidates (multi_amd64.s relies on this layout).
type pairCands struct {
	acc  [pairMax][2][32]byte // bucket bits per position: of A, of B
	meta [pairMax]struct {
		off    uint32 // the block's first position
		ma, mb uint32 // its candidates for A and for B, a bit per position
		_      uint32
	}
}

// AppendPair is a.AppendAll(da, buf) and b.AppendAll(db, buf) in one pass
// over buf: with AVX2 (and without AVX-512, whose kernel is faster even
// twice) one kernel loads each byte once for both Sets, and returns only
// every pairMax blocks with candidates.
func AppendPair(a, b *Set, da, db []Match, buf []byte) ([]Match, []Match) {
	if !useAVX2 || useAVX512 || len(a.words) == 0 || len(b.words) == 0 || len(buf) > math.MaxInt32 {
		return a.AppendAll(da, buf), b.AppendAll(db, buf)
	}
	res := pairPool.Get().(*pairCands)
	defer pairPool.Put(res)
	p := 0
	// Blocks of 32 positions starting below vecEnd can load p[i+31+fpLen-1].
	if vecEnd := len(buf) - (32 + fpLen - 2); vecEnd > 0 {
		for p < vecEnd {
			off, cnt := teddyPair(&buf[p], vecEnd-p, &a.tab, &b.tab, res)
			for k := range cnt {
				m := &res.meta[k]
				q := p + int(m.off)
				for ma := m.ma; ma != 0; ma &= ma - 1 {
					j := bits.TrailingZeros32(ma)
					da = a.appendAt(da, buf, q+j, res.acc[k][0][j])
				}
				for mb := m.mb; mb != 0; mb &= mb - 1 {
					j := bits.TrailingZeros32(mb)
					db = b.appendAt(db, buf, q+j, res.acc[k][1][j])
				}
			}
			p += off
		}
	}
	for ; p < len(buf); p++ {
		if m := a.bucketsAt(buf, p); m != 0 {
			da = a.appendAt(da, buf, p, m)
		}
		if m := b.bucketsAt(buf, p); m != 0 {
			db = b.appendAt(db, buf, p, m)
		}
	}
	return da, db
}

var pairPool = sync.Pool{New: func() any { return new(pairCands) }}

// Kernel names the search kernel this machine uses: "avx-512", "avx2", or
// "generic" (one bytes.Index per word).
func Kernel() string {
	switch {
	case useAVX512:
		return "avx-512"
	case useAVX2:
		return "avx2"
	}
	return "generic"
}
