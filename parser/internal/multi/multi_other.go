//go:build !amd64

package multi

func pairScan(p *byte, n int, tab *pairEntry, k int) (off int, mask uint32) {
	panic("multi: pairScan without AVX2")
}

const useAVX2 = false
