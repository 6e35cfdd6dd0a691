#include "textflag.h"
#include "go_asm.h"

// LOOKUP leaves in t1 and t2 the low- and high-nibble table entries (lo,
// hi) of the 32 bytes at SI+AX+off; Y7 holds 0x0f bytes.
#define LOOKUP(off, lo, hi, t1, t2) \
	VMOVDQU off(SI)(AX*1), t1; \
	VPSRLW  $4, t1, t2; \
	VPAND   Y7, t1, t1; \
	VPAND   Y7, t2, t2; \
	VPSHUFB t1, lo, t1; \
	VPSHUFB t2, hi, t2

// BLOCK leaves in acc the bucket bits of the 32 positions from SI+AX+o0:
// the AND of the eight lookups of the four fingerprint bytes (Y8-Y15).
#define BLOCK(o0, o1, o2, o3, acc, t1, t2) \
	LOOKUP(o0, Y8, Y9, t1, t2); \
	VPAND t1, t2, acc; \
	LOOKUP(o1, Y10, Y11, t1, t2); \
	VPAND t1, acc, acc; \
	VPAND t2, acc, acc; \
	LOOKUP(o2, Y12, Y13, t1, t2); \
	VPAND t1, acc, acc; \
	VPAND t2, acc, acc; \
	LOOKUP(o3, Y14, Y15, t1, t2); \
	VPAND t1, acc, acc; \
	VPAND t2, acc, acc

// func teddyScan(p *byte, n int, tab *teddyTab, out *[64]byte) (off int, mask uint32)
//
// For each block of 32 positions i, i+1, ..., i+31 (i = 0, 32, ... < n) it
// looks up, for every position and each of the four bytes p[i] ... p[i+3],
// the low and the high nibble in tab's eight 16-entry tables (repeated in
// both 128-bit lanes) and ANDs the eight results: a byte left non-zero is a
// position where some bucket's fingerprint may start. Returns the first
// block with such a position (off = its first position, mask = one bit per
// candidate position), or off = the end of the last block searched and
// mask = 0. At a block with candidates it also stores their bucket bits in
// out[0:32]. The caller guarantees that p[i+34] is readable for every block i.
TEXT ·teddyScan(SB), NOSPLIT, $0-44
	MOVQ    p+0(FP), SI
	MOVQ    n+8(FP), BX
	MOVQ    tab+16(FP), DI
	MOVQ    out+24(FP), R9
	VMOVDQU 0(DI), Y8
	VMOVDQU 32(DI), Y9
	VMOVDQU 64(DI), Y10
	VMOVDQU 96(DI), Y11
	VMOVDQU 128(DI), Y12
	VMOVDQU 160(DI), Y13
	VMOVDQU 192(DI), Y14
	VMOVDQU 224(DI), Y15
	VMOVDQU 256(DI), Y7
	XORQ    AX, AX

	// 64 positions per round while two blocks remain.
	LEAQ -32(BX), R8

loop64:
	CMPQ   AX, R8
	JGE    loop
	BLOCK(0, 1, 2, 3, Y0, Y1, Y2)
	BLOCK(32, 33, 34, 35, Y3, Y4, Y5)
	VPOR   Y0, Y3, Y6
	VPTEST Y6, Y6
	JNZ    found64
	ADDQ   $64, AX
	JMP    loop64

found64:
	VPTEST  Y0, Y0
	JNZ     found
	ADDQ    $32, AX
	VMOVDQA Y3, Y0
	JMP     found

loop:
	CMPQ   AX, BX
	JGE    none
	BLOCK(0, 1, 2, 3, Y0, Y1, Y2)
	VPTEST Y0, Y0
	JNZ    found
	ADDQ   $32, AX
	JMP    loop

found:
	VMOVDQU   Y0, 0(R9)
	VPXOR     Y1, Y1, Y1
	VPCMPEQB  Y1, Y0, Y0
	VPMOVMSKB Y0, DX
	NOTL      DX
	VZEROUPPER
	MOVQ      AX, off+32(FP)
	MOVL      DX, mask+40(FP)
	RET

none:
	VZEROUPPER
	MOVQ AX, off+32(FP)
	MOVL $0, mask+40(FP)
	RET

// LOOKUP512 is LOOKUP for the 64 bytes at SI+AX+off, with ZMM registers
// (tables repeated in all four 128-bit lanes; Z7 holds 0x0f bytes).
#define LOOKUP512(off, lo, hi, t1, t2) \
	VMOVDQU64 off(SI)(AX*1), t1; \
	VPSRLW    $4, t1, t2; \
	VPANDQ    Z7, t1, t1; \
	VPANDQ    Z7, t2, t2; \
	VPSHUFB   t1, lo, t1; \
	VPSHUFB   t2, hi, t2

// func teddyScan512(p *byte, n int, tab *teddyTab, out *[64]byte) (off int, mask uint64)
//
// teddyScan with AVX-512 (F and BW): blocks of 64 positions, bucket bits
// in out[0:64]. The caller
// guarantees that p[i+66] is readable for every block i.
TEXT ·teddyScan512(SB), NOSPLIT, $0-48
	MOVQ            p+0(FP), SI
	MOVQ            n+8(FP), BX
	MOVQ            tab+16(FP), DI
	MOVQ            out+24(FP), R9
	VBROADCASTI32X4 0(DI), Z8
	VBROADCASTI32X4 32(DI), Z9
	VBROADCASTI32X4 64(DI), Z10
	VBROADCASTI32X4 96(DI), Z11
	VBROADCASTI32X4 128(DI), Z12
	VBROADCASTI32X4 160(DI), Z13
	VBROADCASTI32X4 192(DI), Z14
	VBROADCASTI32X4 224(DI), Z15
	VBROADCASTI32X4 256(DI), Z7
	XORQ            AX, AX

loop512:
	CMPQ       AX, BX
	JGE        none512
	LOOKUP512(0, Z8, Z9, Z1, Z2)
	VPANDQ     Z1, Z2, Z0
	LOOKUP512(1, Z10, Z11, Z1, Z2)
	VPTERNLOGD $0x80, Z1, Z2, Z0
	LOOKUP512(2, Z12, Z13, Z1, Z2)
	VPTERNLOGD $0x80, Z1, Z2, Z0
	LOOKUP512(3, Z14, Z15, Z1, Z2)
	VPTERNLOGD $0x80, Z1, Z2, Z0
	VPTESTMB   Z0, Z0, K1
	KORTESTQ   K1, K1
	JNZ        found512
	ADDQ       $64, AX
	JMP        loop512

found512:
	VMOVDQU64  Z0, 0(R9)
	KMOVQ      K1, DX
	VZEROUPPER
	MOVQ       AX, off+32(FP)
	MOVQ       DX, mask+40(FP)
	RET

none512:
	VZEROUPPER
	MOVQ AX, off+32(FP)
	MOVQ $0, mask+40(FP)
	RET

// func hasAVX512() bool: AVX-512 F and BW, with the OS saving the opmask
// and ZMM state.
TEXT ·hasAVX512(SB), NOSPLIT, $0-1
	MOVL $1, AX
	XORL CX, CX
	CPUID
	ANDL $0x08000000, CX // OSXSAVE
	JZ   no512
	XORL CX, CX
	XGETBV
	ANDL $0xe6, AX
	CMPL AX, $0xe6
	JNE  no512
	MOVL $7, AX
	XORL CX, CX
	CPUID
	ANDL $0x40010000, BX // AVX512BW (30), AVX512F (16)
	CMPL BX, $0x40010000
	JNE  no512
	MOVB $1, ret+0(FP)
	RET

no512:
	MOVB $0, ret+0(FP)
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

// PAIR ANDs into Y0 (set A, tables in Y8-Y15) and into Y1 (set B, tables at
// DI) the lookups of fingerprint byte j: the 32 bytes at SI+AX+j, split
// into nibbles once for both sets (Y2 low, Y3 high; Y7 holds 0x0f bytes).
#define PAIR(j, alo, ahi) \
	VMOVDQU j(SI)(AX*1), Y2; \
	VPSRLW  $4, Y2, Y3; \
	VPAND   Y7, Y2, Y2; \
	VPAND   Y7, Y3, Y3; \
	VPSHUFB Y2, alo, Y4; \
	VPSHUFB Y3, ahi, Y5; \
	VPAND   Y4, Y5, Y4; \
	VPAND   Y4, Y0, Y0; \
	VMOVDQU (64*j)(DI), Y4; \
	VMOVDQU (64*j+32)(DI), Y5; \
	VPSHUFB Y2, Y4, Y4; \
	VPSHUFB Y3, Y5, Y5; \
	VPAND   Y4, Y5, Y4; \
	VPAND   Y4, Y1, Y1

// func teddyPair(p *byte, n int, ta, tb *teddyTab, res *pairCands) (off int, cnt int)
//
// teddyScan for two Sets at once over the same bytes: the four loads and
// their nibbles serve both. It goes on past blocks with candidates,
// recording each such block of 32 positions i (i = 0, 32, ... < n) in
// res: at entry k, the bucket bits of its positions for A (acc[k][0]) and
// for B (acc[k][1]), and in meta[k] i, A's candidate mask and B's. It
// returns when res is full (cnt = pairMax) or after the last block; off is
// the first position not searched. The caller guarantees that p[i+34] is
// readable for every block i.
TEXT ·teddyPair(SB), NOSPLIT, $0-56
	MOVQ    p+0(FP), SI
	MOVQ    n+8(FP), BX
	MOVQ    ta+16(FP), DX
	MOVQ    tb+24(FP), DI
	MOVQ    res+32(FP), R9
	VMOVDQU 0(DX), Y8
	VMOVDQU 32(DX), Y9
	VMOVDQU 64(DX), Y10
	VMOVDQU 96(DX), Y11
	VMOVDQU 128(DX), Y12
	VMOVDQU 160(DX), Y13
	VMOVDQU 192(DX), Y14
	VMOVDQU 224(DX), Y15
	VMOVDQU 256(DX), Y7
	LEAQ    (const_pairMax*64)(R9), R12 // meta
	XORQ    AX, AX
	XORQ    CX, CX
ploop:
	CMPQ    AX, BX
	JGE     pdone
	VMOVDQU 0(SI)(AX*1), Y2
	VPSRLW  $4, Y2, Y3
	VPAND   Y7, Y2, Y2
	VPAND   Y7, Y3, Y3
	VPSHUFB Y2, Y8, Y4
	VPSHUFB Y3, Y9, Y5
	VPAND   Y4, Y5, Y0
	VMOVDQU 0(DI), Y4
	VMOVDQU 32(DI), Y5
	VPSHUFB Y2, Y4, Y4
	VPSHUFB Y3, Y5, Y5
	VPAND   Y4, Y5, Y1
	PAIR(1, Y10, Y11)
	PAIR(2, Y12, Y13)
	PAIR(3, Y14, Y15)
	VPOR    Y0, Y1, Y6
	VPTEST  Y6, Y6
	JNZ     pfound
	ADDQ    $32, AX
	JMP     ploop
pfound:
	MOVQ      CX, DX
	SHLQ      $6, DX
	VMOVDQU   Y0, 0(R9)(DX*1)
	VMOVDQU   Y1, 32(R9)(DX*1)
	VPXOR     Y6, Y6, Y6
	VPCMPEQB  Y6, Y0, Y0
	VPMOVMSKB Y0, R10
	NOTL      R10
	VPCMPEQB  Y6, Y1, Y1
	VPMOVMSKB Y1, R11
	NOTL      R11
	MOVQ      CX, DX
	SHLQ      $4, DX
	MOVL      AX, 0(R12)(DX*1)
	MOVL      R10, 4(R12)(DX*1)
	MOVL      R11, 8(R12)(DX*1)
	INCQ      CX
	ADDQ      $32, AX
	CMPQ      CX, $const_pairMax
	JL        ploop
pdone:
	VZEROUPPER
	MOVQ AX, off+40(FP)
	MOVQ CX, cnt+48(FP)
	RET
