#include "textflag.h"

// func pairScan(p *byte, n int, tab *pairEntry, k int) (off int, mask uint32)
//
// For each block of 32 positions i, i+1, ..., i+31 (i = 0, 32, ... < n), and
// each of the k entries of tab, compares the 32 bytes at p+i+o1 with c1 and
// those at p+i+o2 with c2; a position where both match for some entry sets
// its bit in mask. Returns the first block with a bit set (off = its first
// position), or off = n and mask = 0. The caller guarantees that p[i+o+31]
// is readable for every block i and every offset o of tab.
TEXT ·pairScan(SB), NOSPLIT, $0-44
	MOVQ p+0(FP), SI
	MOVQ n+8(FP), BX
	MOVQ tab+16(FP), DI
	MOVQ k+24(FP), CX
	XORQ AX, AX

	// 128 positions per round while four blocks remain, then one block
	// at a time.
	LEAQ -96(BX), R13

loop128:
	CMPQ AX, R13
	JGE  loop
	VPXOR Y8, Y8, Y8
	VPXOR Y9, Y9, Y9
	VPXOR Y10, Y10, Y10
	VPXOR Y11, Y11, Y11
	MOVQ DI, R8
	MOVQ CX, R9
	LEAQ (SI)(AX*1), R12

inner128:
	MOVQ      64(R8), R10
	MOVQ      72(R8), R11
	VMOVDQU   (R8), Y6
	VMOVDQU   32(R8), Y7
	ADDQ      R12, R10
	ADDQ      R12, R11
	VPCMPEQB  (R10), Y6, Y0
	VPCMPEQB  (R11), Y7, Y1
	VPCMPEQB  32(R10), Y6, Y2
	VPCMPEQB  32(R11), Y7, Y3
	VPAND     Y0, Y1, Y1
	VPAND     Y2, Y3, Y3
	VPOR      Y1, Y8, Y8
	VPOR      Y3, Y9, Y9
	VPCMPEQB  64(R10), Y6, Y0
	VPCMPEQB  64(R11), Y7, Y1
	VPCMPEQB  96(R10), Y6, Y2
	VPCMPEQB  96(R11), Y7, Y3
	VPAND     Y0, Y1, Y1
	VPAND     Y2, Y3, Y3
	VPOR      Y1, Y10, Y10
	VPOR      Y3, Y11, Y11
	ADDQ      $96, R8
	DECQ      R9
	JNZ       inner128
	VPOR      Y8, Y9, Y6
	VPOR      Y10, Y11, Y7
	VPOR      Y6, Y7, Y6
	VPTEST    Y6, Y6
	JNZ       found128
	ADDQ      $128, AX
	JMP       loop128

found128:
	VPMOVMSKB Y8, DX
	TESTL     DX, DX
	JNZ       found
	ADDQ      $32, AX
	VPMOVMSKB Y9, DX
	TESTL     DX, DX
	JNZ       found
	ADDQ      $32, AX
	VPMOVMSKB Y10, DX
	TESTL     DX, DX
	JNZ       found
	ADDQ      $32, AX
	VPMOVMSKB Y11, DX
	JMP       found

loop:
	CMPQ AX, BX
	JGE  none
	VPXOR Y4, Y4, Y4
	MOVQ DI, R8
	MOVQ CX, R9
	LEAQ (SI)(AX*1), R12

inner:
	MOVQ      64(R8), R10
	MOVQ      72(R8), R11
	VMOVDQU   (R12)(R10*1), Y1
	VPCMPEQB  (R8), Y1, Y1
	VMOVDQU   (R12)(R11*1), Y2
	VPCMPEQB  32(R8), Y2, Y2
	VPAND     Y1, Y2, Y2
	VPOR      Y2, Y4, Y4
	ADDQ      $96, R8
	DECQ      R9
	JNZ       inner
	VPMOVMSKB Y4, DX
	TESTL     DX, DX
	JNZ       found
	ADDQ      $32, AX
	JMP       loop

found:
	VZEROUPPER
	MOVQ AX, off+32(FP)
	MOVL DX, mask+40(FP)
	RET

none:
	VZEROUPPER
	MOVQ BX, off+32(FP)
	MOVL $0, mask+40(FP)
	RET

// func hasAVX2() bool
TEXT ·hasAVX2(SB), NOSPLIT, $0-1
	MOVL $1, AX
	XORL CX, CX
	CPUID
	// OSXSAVE (bit 27) and AVX (bit 28) in ECX
	MOVL CX, R8
	ANDL $0x18000000, R8
	CMPL R8, $0x18000000
	JNE  no
	// the OS saves XMM and YMM state
	XORL CX, CX
	XGETBV
	ANDL $6, AX
	CMPL AX, $6
	JNE  no
	// AVX2: leaf 7, subleaf 0, EBX bit 5
	MOVL $7, AX
	XORL CX, CX
	CPUID
	SHRL $5, BX
	ANDL $1, BX
	MOVB BX, ret+0(FP)
	RET

no:
	MOVB $0, ret+0(FP)
	RET
