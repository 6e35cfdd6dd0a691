package multi

// teddyScan is the AVX2 kernel of Index (multi_amd64.s).
//
//go:noescape
func teddyScan(p *byte, n int, tab *teddyTab) (off int, mask uint32)

func hasAVX2() bool

var useAVX2 = hasAVX2()
