package loggen

import "math/bits"

// rng is wyrand: tiny, fast and fixed, so the output for a seed never
// depends on the Go version (math/rand's sources are not promised to stay).
type rng struct{ s uint64 }

func newRNG(seed uint64) *rng {
	r := &rng{s: seed ^ 0x9e3779b97f4a7c15}
	r.next()
	return r
}

func (r *rng) next() uint64 {
	r.s += 0xa0761d6478bd642f
	hi, lo := bits.Mul64(r.s, r.s^0xe7037ed1a0b428db)
	return hi ^ lo
}

// intn returns a number in [0, n); n must be > 0 and < 2^32.
func (r *rng) intn(n int) int {
	return int(((r.next() >> 32) * uint64(n)) >> 32)
}

// between returns a number in [lo, hi].
func (r *rng) between(lo, hi int) int { return lo + r.intn(hi-lo+1) }

// chance reports true with probability p/1000.
func (r *rng) chance(perMille int) bool { return r.intn(1000) < perMille }

func pick[T any](r *rng, xs []T) T { return xs[r.intn(len(xs))] }

// weighted picks an index by integer weights (prefix sums precomputed).
type weighted struct {
	cum   []int
	total int
}

func newWeighted(ws ...int) weighted {
	w := weighted{cum: make([]int, len(ws))}
	for i, x := range ws {
		w.total += x
		w.cum[i] = w.total
	}
	return w
}

func (w *weighted) pick(r *rng) int {
	x := r.intn(w.total)
	for i, c := range w.cum {
		if x < c {
			return i
		}
	}
	return len(w.cum) - 1
}

const hexdigits = "0123456789abcdef"

// appendGUID appends a random lower-case GUID (8-4-4-4-12).
func appendGUID(dst []byte, r *rng) []byte {
	a, b := r.next(), r.next()
	var g [36]byte
	j := 0
	for i := 0; i < 32; i++ {
		if i == 8 || i == 12 || i == 16 || i == 20 {
			g[j] = '-'
			j++
		}
		var nib uint64
		if i < 16 {
			nib = (a >> (60 - 4*uint(i))) & 15
		} else {
			nib = (b >> (60 - 4*uint(i-16))) & 15
		}
		g[j] = hexdigits[nib]
		j++
	}
	return append(dst, g[:]...)
}

// appendHex appends n random lower-case hex digits.
func appendHex(dst []byte, r *rng, n int) []byte {
	for n > 0 {
		x := r.next()
		for k := 0; k < 16 && n > 0; k++ {
			dst = append(dst, hexdigits[x&15])
			x >>= 4
			n--
		}
	}
	return dst
}

func newGUID(r *rng) string { return string(appendGUID(nil, r)) }

// appendInt appends a non-negative decimal number.
func appendInt(dst []byte, v int) []byte {
	if v < 10 {
		return append(dst, byte('0'+v))
	}
	var b [20]byte
	i := len(b)
	for v > 0 {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return append(dst, b[i:]...)
}

// appendPad appends v with at least width digits, zero padded.
func appendPad(dst []byte, v, width int) []byte {
	var b [20]byte
	i := len(b)
	for v > 0 || width > 0 {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
		width--
	}
	return append(dst, b[i:]...)
}
