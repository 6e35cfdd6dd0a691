//go:build !amd64

package multi

func teddyScan(p *byte, n int, tab *teddyTab) (off int, mask uint32) {
	panic("multi: teddyScan without AVX2")
}

const useAVX2 = false
