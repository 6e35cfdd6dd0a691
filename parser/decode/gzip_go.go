//go:build !(isal && cgo)

package decode

import (
	"bufio"
	"io"
)

// GzipDecoder names the gzip decoder compiled in (`go build -tags isal` selects ISA-L: isal.go).
const GzipDecoder = "klauspost/compress"

// newGzipReader returns the gzip member reader of this build and what releases it (nothing here).
func newGzipReader(src io.Reader, bufSize int) (io.Reader, func()) {
	return &gzipReader{br: bufio.NewReaderSize(src, bufSize)}, nil
}
