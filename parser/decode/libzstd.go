//go:build libzstd && cgo

package decode

// The zstd decoder of `go build -tags libzstd`: the reference C library (libzstd,
// ZSTD_decompressStream) in place of klauspost/compress/zstd, with the same behaviour
// (README.md). Three things are done here rather than left to libzstd, each for a reason
// given where it is done:
//
//   - each frame's header is checked in Go before libzstd sees it (magic number, window);
//   - input is passed to libzstd at most one block at a time, and output waiting in libzstd
//     is flushed by a call without input, so that an error never comes from a call that has
//     written decoded bytes (ZSTD_decompressStream does not report them when it fails);
//   - the compressed input is read into C memory.

/*
#cgo LDFLAGS: -lzstd
#include <stdlib.h>
#include <zstd.h>
#include <zstd_errors.h>

typedef struct {
	size_t ret;      // ZSTD_decompressStream's result: an error code, 0 at the end of a frame, else the input size it wants next
	size_t in_used;  // compressed bytes consumed
	size_t out_made; // decoded bytes written
} azl_zres;

// azl_zstd_new creates a decoding context that refuses frames whose window is over
// 2^window_log bytes (clamped to what libzstd can decode at all: 2 GiB on 64-bit systems).
static ZSTD_DStream *azl_zstd_new(int window_log) {
	ZSTD_DStream *ds = ZSTD_createDStream();
	if (ds == NULL) {
		return NULL;
	}
	ZSTD_bounds b = ZSTD_dParam_getBounds(ZSTD_d_windowLogMax);
	if (window_log > b.upperBound) {
		window_log = b.upperBound;
	}
	if (ZSTD_isError(ZSTD_DCtx_setParameter(ds, ZSTD_d_windowLogMax, window_log))) {
		ZSTD_freeDStream(ds);
		return NULL;
	}
	return ds;
}

// azl_zstd_decode runs ZSTD_decompressStream once. The buffer descriptions live on this
// stack frame only; in is C memory, out is Go memory or NULL (see libzstdReader.Read).
static azl_zres azl_zstd_decode(ZSTD_DStream *ds, const void *in, size_t in_len, void *out, size_t out_len) {
	ZSTD_inBuffer i = {in, in_len, 0};
	ZSTD_outBuffer o = {out, out_len, 0};
	azl_zres r;
	r.ret = ZSTD_decompressStream(ds, &o, &i);
	r.in_used = i.pos;
	r.out_made = o.pos;
	return r;
}
*/
import "C"

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"unsafe"
)

// ZstdDecoder names the zstd decoder compiled in.
const ZstdDecoder = "libzstd"

// blockHeaderSize is the size of a zstd block header (RFC 8878 3.1.1.2).
const blockHeaderSize = 3

var errZstdNoProgress = errors.New("libzstd made no progress") // never seen; guards against a loop

// libzstdReader decodes a series of zstd frames (skippable ones included) into the caller's buffer.
type libzstdReader struct {
	src io.Reader
	ds  *C.ZSTD_DStream
	// in is the compressed input, in C memory: libzstd keeps pointers into the input it
	// decodes from (the literals of a block read in place) in its context after the call,
	// which cgo forbids for Go memory. in[r:w] is read and not yet passed to libzstd.
	in        []byte
	r, w      int
	err       error  // the source's io.EOF or I/O error, reported once in[r:w] is used up
	maxWindow uint64 // Options.ZstdMaxWindow
	want      int    // libzstd's last result: the input it wants next; 0 between frames
	flush     bool   // the last call filled the output: libzstd may hold decoded bytes
}

// newZstdReader returns the libzstd frame reader and what frees its C memory (decoder.Close).
// Options.ZstdConcurrency is ignored: libzstd decodes in the calling goroutine.
func newZstdReader(src io.Reader, o Options) (io.Reader, func(), error) {
	// klauspost's WithDecoderMaxWindow range, so that the same options are refused.
	if o.ZstdMaxWindow < 1<<10 || o.ZstdMaxWindow > 1<<41+7<<38 {
		return nil, nil, errors.New("decode: ZstdMaxWindow must be between 1 KiB and 3.75 TiB")
	}
	// libzstd's own limit is a power of two: rounded up, so that it never refuses what the
	// exact check in frameStart accepts (it is a second guard, not the check).
	ds := C.azl_zstd_new(C.int(bits.Len64(o.ZstdMaxWindow - 1)))
	if ds == nil {
		panic("decode: cannot create a libzstd decoding context")
	}
	size := max(o.BufferSize, 64) // room for any frame header (at most 18 bytes)
	buf := C.malloc(C.size_t(size))
	if buf == nil {
		C.ZSTD_freeDStream(ds)
		panic("decode: cannot allocate the libzstd input buffer")
	}
	z := &libzstdReader{src: src, ds: ds, in: unsafe.Slice((*byte)(buf), size), maxWindow: o.ZstdMaxWindow}
	return z, z.free, nil
}

// free releases the C memory; decoder.Close calls it once, and Read is refused afterwards.
func (z *libzstdReader) free() {
	if z.ds != nil {
		C.ZSTD_freeDStream(z.ds)
		C.free(unsafe.Pointer(unsafe.SliceData(z.in)))
		z.ds, z.in = nil, nil
	}
}

func (z *libzstdReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		var in, out []byte
		switch {
		case z.flush:
			// Output only: with no input libzstd cannot fail, so the bytes it held are
			// delivered even if the next block is damaged.
			out = p[n:]
		case z.want == 0:
			// A frame starts: its header alone, and no output. libzstd records the output
			// buffer at a frame start (for a mode not used here): NULL, not a Go pointer.
			// And given the header only, it cannot take its single-pass shortcut, which
			// skips the window check, for a frame that is all in the input.
			size, err := z.frameStart()
			if err != nil {
				return n, err // io.EOF here: the end of the last frame
			}
			in = z.in[z.r : z.r+size]
		default:
			if z.r == z.w && !z.more() {
				return n, zstdTruncated(z.err) // inside a frame
			}
			// At most what libzstd wants. When a block comes next, what it wants includes
			// the next block's header, whose damage would be reported before the block's
			// bytes: that header is passed in the next call.
			k := z.want
			if k > blockHeaderSize {
				k -= blockHeaderSize
			}
			in = z.in[z.r:min(z.w, z.r+k)]
			out = p[n:]
		}
		res := z.decode(in, out)
		if C.ZSTD_isError(res.ret) != 0 {
			return n, libzstdError(res.ret)
		}
		if len(in) > 0 && res.in_used == 0 && res.out_made == 0 {
			return n, errZstdNoProgress
		}
		z.r += int(res.in_used)
		n += int(res.out_made)
		z.want = int(res.ret)
		// At the end of a frame (0) libzstd has delivered everything.
		z.flush = len(out) > 0 && int(res.out_made) == len(out) && z.want != 0
	}
	return n, nil
}

// libzstdError names libzstd's error. One name is misleading when decoding a stream (the
// buffer is libzstd's): it says why.
func libzstdError(code C.size_t) error {
	name := C.GoString(C.ZSTD_getErrorName(code))
	if C.ZSTD_getErrorCode(code) == C.ZSTD_error_dstSize_tooSmall {
		return fmt.Errorf("libzstd: %s (the frame decodes to more than its header's content size)", name)
	}
	return fmt.Errorf("libzstd: %s", name)
}

// memory is what libzstd allocated for this stream (tests, README).
func (z *libzstdReader) memory() int { return int(C.ZSTD_sizeof_DStream(z.ds)) }

// decode runs ZSTD_decompressStream on in (C memory) and out (Go memory, or nothing).
func (z *libzstdReader) decode(in, out []byte) C.azl_zres {
	var inPtr, outPtr unsafe.Pointer
	if len(in) > 0 {
		inPtr = unsafe.Pointer(&in[0])
	}
	if len(out) > 0 {
		outPtr = unsafe.Pointer(&out[0])
	}
	return C.azl_zstd_decode(z.ds, inPtr, C.size_t(len(in)), outPtr, C.size_t(len(out)))
}

// frameStart reads the next frame's header into in[r:] and checks it before libzstd sees
// it; it returns the header's size, or io.EOF (or the source's error) between frames.
// The checks are klauspost's, in its order: only zstd and skippable frames (libzstd may
// also decode the legacy formats of zstd 0.5-0.7), the reserved bit, and the window limit
// in bytes (ZSTD_d_windowLogMax takes powers of two, and libzstd's single-pass shortcut for
// a frame that is all in the input skips it).
func (z *libzstdReader) frameStart() (int, error) {
	for {
		h := z.in[z.r:z.w]
		size, window, err := frameHeader(h)
		switch {
		case err != nil:
			return 0, err
		case size <= len(h):
			if window > z.maxWindow {
				return 0, fmt.Errorf("zstd: the frame's window of %d bytes is over the limit of %d (Options.ZstdMaxWindow)", window, z.maxWindow)
			}
			return size, nil
		case !z.more():
			if len(h) == 0 {
				return 0, z.err
			}
			return 0, zstdTruncated(z.err) // a header cut short
		}
	}
}

// frameHeader reads a frame header (RFC 8878 3.1.1.1; for a skippable frame, its magic
// number and length). It returns the header's size (more than len(h): not all there yet)
// and the window the frame needs: the window descriptor's, or the content size of a
// single-segment frame, at least 1 KiB, as klauspost and libzstd count it.
func frameHeader(h []byte) (size int, window uint64, err error) {
	if len(h) < 4 {
		return 4, 0, nil
	}
	magic := binary.LittleEndian.Uint32(h)
	if magic&^0xf == 0x184d2a50 {
		return 8, 0, nil
	}
	if magic != 0xfd2fb528 {
		return 0, 0, fmt.Errorf("zstd: unknown frame magic number %#08x", magic)
	}
	if len(h) < 5 {
		return 5, 0, nil
	}
	fhd := h[4]
	if fhd&0x08 != 0 {
		// Refused as soon as seen, as klauspost does (libzstd would wait for the whole header).
		return 0, 0, errors.New("zstd: reserved bit set in the frame header")
	}
	single := fhd&0x20 != 0
	dictLen := [4]int{0, 1, 2, 4}[fhd&3]
	fcsLen := [4]int{0, 2, 4, 8}[fhd>>6]
	if single && fcsLen == 0 {
		fcsLen = 1
	}
	size = 5 + dictLen + fcsLen
	if !single {
		size++ // the window descriptor
	}
	if len(h) < size {
		return size, 0, nil
	}
	if !single {
		wd := h[5]
		base := uint64(1) << (10 + wd>>3)
		return size, base + base/8*uint64(wd&7), nil
	}
	var fcs uint64
	switch b := h[5+dictLen : size]; len(b) {
	case 1:
		fcs = uint64(b[0])
	case 2:
		fcs = uint64(binary.LittleEndian.Uint16(b)) + 256
	case 4:
		fcs = uint64(binary.LittleEndian.Uint32(b))
	case 8:
		fcs = binary.LittleEndian.Uint64(b)
	}
	return size, max(fcs, 1<<10), nil
}

// more reads the source once into in after the unpassed bytes (moved to the front). It
// returns false when nothing was read and nothing more will come (z.err says why).
func (z *libzstdReader) more() bool {
	if z.err != nil {
		return false
	}
	if z.r > 0 {
		z.w = copy(z.in, z.in[z.r:z.w])
		z.r = 0
	}
	for range 100 { // as bufio.Reader: a reader returning (0, nil) for ever is broken
		n, err := z.src.Read(z.in[z.w:])
		z.w += n
		if err != nil {
			z.err = err // kept until the bytes read with it are used
		}
		if n > 0 {
			return true
		}
		if err != nil {
			return false
		}
	}
	z.err = io.ErrNoProgress
	return false
}

// zstdTruncated turns the end of input inside a frame into truncation.
func zstdTruncated(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
