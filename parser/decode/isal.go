//go:build isal && cgo

package decode

// The gzip decoder of `go build -tags isal`: Intel's ISA-L (libisal, isal_inflate) decodes the
// deflate data and checks each member's trailer; this file reads the gzip headers itself.
//
// Why not ISA-L's own header parsing (crc_flag = ISAL_GZIP): in libisal 2.30 it checks FHCRC
// against the header bytes of the current call only, so a valid header with FHCRC that arrives
// in two reads fails with ISAL_INCORRECT_CHECKSUM (gzip -t accepts it). It also has no limit on
// the file name, where gzip.Reader refuses names over 511 bytes. Reading the header here keeps
// the errors of the default (klauspost) build exactly: the same checks in the same order.

/*
#cgo LDFLAGS: -lisal
#include <stdlib.h>
#include <isa-l/igzip_lib.h>

typedef struct {
	int ret;           // isal_inflate's result
	uint32_t in_used;  // compressed bytes consumed (ISA-L buffers partial input internally)
	uint32_t out_made; // decoded bytes written
	_Bool done;        // the member's deflate data and trailer are complete and verified
} azl_result;

// azl_new allocates an inflate state in C memory: it holds no Go pointer between calls.
static struct inflate_state *azl_new(void) {
	struct inflate_state *s = malloc(sizeof *s);
	if (s != NULL) {
		isal_inflate_init(s);
	}
	return s;
}

// azl_start prepares s for the deflate data of a member whose header was read: ISA-L computes
// the CRC-32 of the output and checks it and the length against the 8-byte trailer.
static void azl_start(struct inflate_state *s) {
	isal_inflate_reset(s);
	s->crc_flag = ISAL_GZIP_NO_HDR_VER;
}

// azl_inflate decodes from in to out, which are Go memory. It clears the state's pointers to
// them before returning, so that C keeps no Go pointer after the call (cgo pointer rules);
// ISA-L keeps the window and any partial input in its own buffers inside s.
static azl_result azl_inflate(struct inflate_state *s, uint8_t *in, uint32_t in_len, uint8_t *out, uint32_t out_len) {
	azl_result r;
	s->next_in = in;
	s->avail_in = in_len;
	s->next_out = out;
	s->avail_out = out_len;
	r.ret = isal_inflate(s);
	r.in_used = in_len - s->avail_in;
	r.out_made = out_len - s->avail_out;
	r.done = s->block_state == ISAL_BLOCK_FINISH;
	s->next_in = NULL;
	s->avail_in = 0;
	s->next_out = NULL;
	s->avail_out = 0;
	return r;
}
*/
import "C"

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"unsafe"
)

// GzipDecoder names the gzip decoder compiled in.
const GzipDecoder = "isa-l"

var (
	// errChecksum is gzip.ErrChecksum, which klauspost's gzip package returns too, so that
	// errors.Is(err, gzip.ErrChecksum) holds in both builds. ISA-L compares the CRC-32 and the
	// length in one test, so the message names both.
	errChecksum     = fmt.Errorf("%w (CRC-32 or length in the member's trailer)", gzip.ErrChecksum)
	errBadBlock     = errors.New("gzip: corrupt deflate data: invalid block")
	errBadSymbol    = errors.New("gzip: corrupt deflate data: invalid Huffman symbol")
	errBadLookback  = errors.New("gzip: corrupt deflate data: distance beyond the decoded data")
	errISALNoOutput = errors.New("gzip: ISA-L made no progress")
)

const (
	flagHdrCrc  = 1 << 1
	flagExtra   = 1 << 2
	flagName    = 1 << 3
	flagComment = 1 << 4
	// maxString is gzip.Reader's limit on FNAME and FCOMMENT, the zero byte included (its
	// 512-byte buffer; compress/gzip has the same): a longer one is a bad header.
	maxString = 512
	// maxChunk keeps lengths passed to C within uint32.
	maxChunk = 1 << 30
)

// isalReader decodes a series of gzip members (`cat a.gz b.gz`) into the caller's buffer.
type isalReader struct {
	src   io.Reader
	state *C.struct_inflate_state // C memory, released by free
	buf   []byte                  // compressed input; buf[r:w] is not consumed yet
	r, w  int
	err   error // the source's io.EOF or I/O error, reported once buf[r:w] is used up
	in    bool  // between a member's header and the end of its trailer
}

func newGzipReader(src io.Reader, bufSize int) (io.Reader, func()) {
	s := C.azl_new()
	if s == nil {
		panic("decode: cannot allocate the ISA-L inflate state")
	}
	g := &isalReader{src: src, state: s, buf: make([]byte, max(bufSize, 64))}
	return g, g.free
}

// free releases the C state; decoder.Close calls it once, and Read is refused afterwards.
func (g *isalReader) free() {
	if g.state != nil {
		C.free(unsafe.Pointer(g.state))
		g.state = nil
	}
}

func (g *isalReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if !g.in {
			if g.r == g.w && !g.more() {
				return n, g.err // io.EOF: a clean end between members
			}
			if err := g.readHeader(); err != nil {
				return n, err
			}
			C.azl_start(g.state)
			g.in = true
		}
		in, out := g.buf[g.r:g.w], p[n:]
		if len(out) > maxChunk {
			out = out[:maxChunk]
		}
		var inPtr *C.uint8_t
		if len(in) > 0 {
			inPtr = (*C.uint8_t)(unsafe.Pointer(&in[0]))
		}
		res := C.azl_inflate(g.state, inPtr, C.uint32_t(len(in)), (*C.uint8_t)(unsafe.Pointer(&out[0])), C.uint32_t(len(out)))
		g.r += int(res.in_used)
		n += int(res.out_made)
		if res.ret < 0 {
			return n, isalError(res.ret)
		}
		if res.done {
			g.in = false
			continue
		}
		if int(res.out_made) == len(out) {
			continue // out is full; more of the member is pending in ISA-L or the input
		}
		// Room was left in out: ISA-L used up its input (it buffers a partial symbol or
		// trailer itself) and needs more.
		if g.r < g.w {
			if res.in_used == 0 && res.out_made == 0 {
				return n, errISALNoOutput // never seen; guards against a loop without progress
			}
			continue
		}
		if !g.more() {
			return n, noEOF(g.err)
		}
	}
	return n, nil
}

// readHeader reads a member's header (RFC 1952 2.3) at buf[r:], with gzip.Reader's checks in
// its order, so that a damaged header gives the same error in both builds.
func (g *isalReader) readHeader() error {
	if err := g.need(10); err != nil {
		return err
	}
	h := g.buf[g.r : g.r+10]
	if h[0] != 0x1f || h[1] != 0x8b || h[2] != 8 {
		return gzip.ErrHeader
	}
	flg := h[3]
	crc := crc32.ChecksumIEEE(h)
	g.r += 10
	if flg&flagExtra != 0 {
		if err := g.need(2); err != nil {
			return err
		}
		xlen := int(binary.LittleEndian.Uint16(g.buf[g.r:]))
		crc = crc32.Update(crc, crc32.IEEETable, g.buf[g.r:g.r+2])
		g.r += 2
		for xlen > 0 { // up to 64 KiB: may be larger than buf
			if g.r == g.w && !g.more() {
				return noEOF(g.err)
			}
			k := min(xlen, g.w-g.r)
			crc = crc32.Update(crc, crc32.IEEETable, g.buf[g.r:g.r+k])
			g.r += k
			xlen -= k
		}
	}
	for _, f := range []byte{flagName, flagComment} {
		if flg&f == 0 {
			continue
		}
		for seen := 0; ; {
			if g.r == g.w && !g.more() {
				return noEOF(g.err)
			}
			b := g.buf[g.r:min(g.w, g.r+maxString-seen)]
			if i := bytes.IndexByte(b, 0); i >= 0 {
				crc = crc32.Update(crc, crc32.IEEETable, b[:i+1])
				g.r += i + 1
				break
			}
			crc = crc32.Update(crc, crc32.IEEETable, b)
			g.r += len(b)
			if seen += len(b); seen == maxString {
				return gzip.ErrHeader
			}
		}
	}
	if flg&flagHdrCrc != 0 {
		if err := g.need(2); err != nil {
			return err
		}
		if binary.LittleEndian.Uint16(g.buf[g.r:]) != uint16(crc) {
			return gzip.ErrHeader
		}
		g.r += 2
	}
	if flg>>5 != 0 { // reserved flags; gzip.Reader checks them last
		return gzip.ErrHeader
	}
	return nil
}

// need makes n <= len(buf) bytes available at buf[r:]. Inside a header a short input is
// truncation: io.ErrUnexpectedEOF.
func (g *isalReader) need(n int) error {
	for g.w-g.r < n {
		if !g.more() {
			return noEOF(g.err)
		}
	}
	return nil
}

// more reads the source once into buf after the unconsumed bytes (moved to the front). It
// returns false when nothing was read and nothing more will come (g.err says why).
func (g *isalReader) more() bool {
	if g.err != nil {
		return false
	}
	if g.r > 0 {
		g.w = copy(g.buf, g.buf[g.r:g.w])
		g.r = 0
	}
	for range 100 { // as bufio.Reader: a reader returning (0, nil) for ever is broken
		n, err := g.src.Read(g.buf[g.w:])
		g.w += n
		if err != nil {
			g.err = err // kept until the bytes read with it are used
		}
		if n > 0 {
			return true
		}
		if err != nil {
			return false
		}
	}
	g.err = io.ErrNoProgress
	return false
}

// noEOF turns the end of input inside a member into truncation.
func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

func isalError(ret C.int) error {
	switch ret {
	case C.ISAL_INCORRECT_CHECKSUM:
		return errChecksum
	case C.ISAL_INVALID_BLOCK:
		return errBadBlock
	case C.ISAL_INVALID_SYMBOL:
		return errBadSymbol
	case C.ISAL_INVALID_LOOKBACK:
		return errBadLookback
	}
	return fmt.Errorf("gzip: ISA-L inflate error %d", int(ret))
}
