// Package decode opens a log stream that may be plain text, gzip or zstd, telling them apart by
// their first bytes (never by a file name), and returns the decoded bytes.
//
//	rc, format, err := decode.Open(f)
//	if err != nil { ... }           // only an I/O error while sniffing, or a bad option
//	defer rc.Close()
//	n, err := rc.Read(buf)          // decoded bytes
//
// Errors while decoding come in two kinds, told apart with errors.Is:
//
//   - damage in the compressed data (truncated stream, bad header, checksum mismatch, corrupt
//     block): the error wraps ErrCorrupt, and every byte decoded before the damage has been
//     delivered first;
//   - an I/O error of the underlying reader: the error wraps that reader's error (errors.Is and
//     errors.As reach it) and not ErrCorrupt.
//
// Both are *Error values carrying the format and how many decoded bytes were delivered before.
// For plain input, the underlying reader's errors are returned unchanged.
package decode

import (
	"bufio"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/gzip"
)

// Format is the encoding of a stream, as told by its first bytes.
type Format int

const (
	Plain Format = iota // anything that is neither gzip nor zstd
	Gzip                // RFC 1952, one or more members
	Zstd                // RFC 8878, one or more frames, skippable frames allowed
)

func (f Format) String() string {
	switch f {
	case Plain:
		return "plain"
	case Gzip:
		return "gzip"
	case Zstd:
		return "zstd"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// ErrCorrupt is wrapped by every error that reports damaged compressed input.
var ErrCorrupt = errors.New("corrupt compressed input")

// Error reports a failure while decoding, after Offset decoded bytes were delivered.
type Error struct {
	Format  Format
	Offset  int64 // decoded bytes delivered before the failure
	Corrupt bool  // damaged input (wraps ErrCorrupt); false: an I/O error of the underlying reader
	Err     error // the cause
}

func (e *Error) Error() string {
	if !e.Corrupt {
		return fmt.Sprintf("%s: read error after %d decoded bytes: %v", e.Format, e.Offset, e.Err)
	}
	if errors.Is(e.Err, io.ErrUnexpectedEOF) {
		return fmt.Sprintf("unexpected EOF in %s stream after %d bytes (truncated file?)", e.Format, e.Offset)
	}
	return fmt.Sprintf("corrupt %s stream after %d bytes: %v", e.Format, e.Offset, e.Err)
}

// Unwrap returns ErrCorrupt (for damage) and the cause.
func (e *Error) Unwrap() []error {
	if e.Corrupt {
		return []error{ErrCorrupt, e.Err}
	}
	return []error{e.Err}
}

// Options tune Open. The zero value means the defaults.
type Options struct {
	// ZstdConcurrency is the number of zstd blocks decoded ahead in other goroutines.
	// 0 means DefaultZstdConcurrency; 1 means synchronous decoding (no goroutines).
	// Ignored by libzstd (-tags libzstd), which always decodes synchronously.
	ZstdConcurrency int
	// ZstdMaxWindow refuses zstd frames whose window is larger (memory bound on hostile input).
	// 0 means DefaultZstdMaxWindow.
	ZstdMaxWindow uint64
	// BufferSize is the read size used on the compressed input (gzip, and zstd with -tags
	// libzstd, read through a buffer of this size; plain input is never buffered). 0 means
	// DefaultBufferSize.
	BufferSize int
}

const (
	// DefaultZstdConcurrency was chosen by BenchmarkZstdConcurrency (see README.md): on the
	// 2-core machine, synchronous decoding (1) was as fast as 2 or 4 in wall-clock time and
	// used 25-45% less CPU per byte; parallelism belongs to files decoded side by side.
	DefaultZstdConcurrency = 1
	// DefaultZstdMaxWindow matches the zstd command line's default limit (--memory=128MB,
	// windowLog 27): every frame zstd writes without --long=28+ decodes.
	DefaultZstdMaxWindow = 128 << 20
	// DefaultBufferSize is the compressed read size for gzip: 4 KiB to 1 MiB measured the
	// same speed (BenchmarkGzipBuffer); 64 KiB keeps read calls few and memory per file small.
	DefaultBufferSize = 64 << 10
)

// Open sniffs the first bytes of r and returns a reader of the decoded bytes and the format.
// Close releases the decoder's resources (zstd goroutines); it does not close r.
// The only errors Open itself returns are I/O errors of r while sniffing the first 4 bytes
// and invalid options; damage is reported by Read. Empty input is Plain and reads as EOF.
func Open(r io.Reader) (io.ReadCloser, Format, error) {
	return OpenWith(r, Options{})
}

// OpenWith is Open with options.
func OpenWith(r io.Reader, o Options) (io.ReadCloser, Format, error) {
	if o.ZstdConcurrency < 0 {
		return nil, Plain, errors.New("decode: ZstdConcurrency must be >= 0")
	}
	if o.ZstdConcurrency == 0 {
		o.ZstdConcurrency = DefaultZstdConcurrency
	}
	if o.ZstdMaxWindow == 0 {
		o.ZstdMaxWindow = DefaultZstdMaxWindow
	}
	if o.BufferSize <= 0 {
		o.BufferSize = DefaultBufferSize
	}

	var magic [4]byte
	n, err := io.ReadFull(r, magic[:])
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, Plain, err
	}
	head := magic[:n]
	format := sniff(head)
	if format == Plain {
		return &plainReader{head: head, r: r, eof: err != nil}, Plain, nil
	}

	src := &source{r: r, head: head}
	d := &decoder{format: format, src: src}
	switch format {
	case Gzip:
		d.dec, d.close = newGzipReader(src, o.BufferSize) // gzip_go.go, or isal.go with -tags isal
	case Zstd:
		var err error
		d.dec, d.close, err = newZstdReader(src, o) // zstd_go.go, or libzstd.go with -tags libzstd
		if err != nil {
			return nil, Zstd, err
		}
	}
	return d, format, nil
}

// gzipReader decodes a series of gzip members (`cat a.gz b.gz`). It starts each member
// itself instead of using gzip.Reader's multistream mode, which takes a next member truncated
// inside its header (file name, comment) for a clean end of input.
type gzipReader struct {
	br *bufio.Reader
	zr *gzip.Reader
	in bool // inside a member
}

func (g *gzipReader) Read(p []byte) (int, error) {
	for {
		if !g.in {
			if _, err := g.br.Peek(1); err != nil {
				return 0, err // io.EOF: a clean end between members
			}
			var err error
			if g.zr == nil {
				g.zr, err = gzip.NewReader(g.br)
			} else {
				err = g.zr.Reset(g.br)
			}
			if err == io.EOF {
				err = io.ErrUnexpectedEOF // bytes were there: a truncated header
			}
			if err != nil {
				return 0, err
			}
			g.zr.Multistream(false)
			g.in = true
		}
		n, err := g.zr.Read(p)
		if err == io.EOF {
			g.in = false
			if n > 0 {
				return n, nil
			}
			continue
		}
		return n, err
	}
}

// sniff tells the format from up to 4 leading bytes.
func sniff(b []byte) Format {
	if len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b {
		return Gzip
	}
	if len(b) >= 4 {
		if b[0] == 0x28 && b[1] == 0xb5 && b[2] == 0x2f && b[3] == 0xfd {
			return Zstd
		}
		// Skippable frame: magic 0x184D2A5?, little endian (used by pzstd and seekable zstd).
		if b[0]&0xf0 == 0x50 && b[1] == 0x2a && b[2] == 0x4d && b[3] == 0x18 {
			return Zstd
		}
	}
	return Plain
}

// plainReader returns the sniffed bytes, then reads r directly into the caller's buffer.
type plainReader struct {
	head []byte
	r    io.Reader
	eof  bool // r already reported EOF while sniffing
}

func (p *plainReader) Read(b []byte) (int, error) {
	if len(p.head) > 0 {
		n := copy(b, p.head)
		p.head = p.head[n:]
		if len(p.head) > 0 || n == len(b) {
			return n, nil
		}
		if p.eof {
			return n, io.EOF
		}
		m, err := p.r.Read(b[n:])
		return n + m, err
	}
	if p.eof {
		return 0, io.EOF
	}
	return p.r.Read(b)
}

func (p *plainReader) Close() error { return nil }

// source is the compressed input: the sniffed bytes, then r. It remembers r's first error
// other than io.EOF, so that a decoder error caused by it is reported as an I/O error.
type source struct {
	r    io.Reader
	head []byte
	err  error
}

func (s *source) Read(b []byte) (int, error) {
	if len(s.head) > 0 {
		n := copy(b, s.head)
		s.head = s.head[n:]
		return n, nil
	}
	n, err := s.r.Read(b)
	if err != nil && err != io.EOF && s.err == nil {
		s.err = err
	}
	return n, err
}

// decoder wraps a gzip or zstd reader: it fills the caller's buffer, counts the bytes
// delivered, classifies errors, and delivers all decoded bytes before an error.
type decoder struct {
	format  Format
	src     *source
	dec     io.Reader
	close   func()
	n       int64 // decoded bytes delivered
	err     error // sticky error, returned once the bytes before it are delivered
	closed  bool
	pending error // error to return on the next Read (after a short read)
}

func (d *decoder) Read(b []byte) (int, error) {
	if d.closed {
		return 0, errors.New("decode: read after Close")
	}
	if d.pending != nil {
		err := d.pending
		d.pending = nil
		d.err = err
		return 0, err
	}
	if d.err != nil {
		return 0, d.err
	}
	n := 0
	var err error
	for n < len(b) && err == nil {
		var m int
		m, err = d.dec.Read(b[n:])
		n += m
	}
	d.n += int64(n)
	if err == nil {
		return n, nil
	}
	if err != io.EOF {
		err = d.wrap(err)
	}
	if n > 0 {
		// Deliver the bytes now, the error on the next call.
		d.pending = err
		return n, nil
	}
	d.err = err
	return 0, err
}

// wrap classifies a decoder error.
func (d *decoder) wrap(err error) error {
	if d.src.err != nil {
		return &Error{Format: d.format, Offset: d.n, Err: d.src.err}
	}
	return &Error{Format: d.format, Offset: d.n, Corrupt: true, Err: err}
}

// Close releases the decoder; it does not close the underlying reader.
func (d *decoder) Close() error {
	if !d.closed {
		d.closed = true
		if d.close != nil {
			d.close()
		}
	}
	return nil
}
