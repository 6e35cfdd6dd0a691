//go:build !amd64

package parser

func pairScan(p *byte, n int, tab *pairEntry, k int) (off int, mask uint32) {
	panic("pairScan without AVX2")
}

const useAVX2 = false
