//go:build !amd64

package multi

func teddyScan(p *byte, n int, tab *teddyTab, out *[64]byte) (off int, mask uint32) {
	panic("multi: teddyScan without AVX2")
}

func teddyScan512(p *byte, n int, tab *teddyTab, out *[64]byte) (off int, mask uint64) {
	panic("multi: teddyScan512 without AVX-512")
}

func teddyPair(p *byte, n int, ta, tb *teddyTab, res *pairCands) (off int, cnt int) {
	panic("multi: teddyPair without AVX2")
}

var (
	useAVX2   = false
	useAVX512 = false
)
