package multi

import "os"

// teddyScan is the AVX2 kernel of Index (multi_amd64.s).
//
//go:noescape
func teddyScan(p *byte, n int, tab *teddyTab, out *[64]byte) (off int, mask uint32)

// teddyScan512 is the AVX-512 kernel: 64 positions per block.
//
//go:noescape
func teddyScan512(p *byte, n int, tab *teddyTab, out *[64]byte) (off int, mask uint64)

func hasAVX2() bool

func hasAVX512() bool

var (
	useAVX2   = hasAVX2()
	useAVX512 = useAVX2 && hasAVX512() && os.Getenv("AZLOGSCAN_NOAVX512") == ""
)

// teddyPair is the AVX2 kernel of AppendPair: two Sets in one pass.
//
//go:noescape
func teddyPair(p *byte, n int, ta, tb *teddyTab, res *pairCands) (off int, cnt int)
