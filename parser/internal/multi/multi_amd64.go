package multi

// pairScan is the AVX2 kernel of Index (multi_amd64.s).
//
//go:noescape
func pairScan(p *byte, n int, tab *pairEntry, k int) (off int, mask uint32)

func hasAVX2() bool

var useAVX2 = hasAVX2()
