//go:build !(libzstd && cgo)

package decode

import (
	"io"

	"github.com/klauspost/compress/zstd"
)

// ZstdDecoder names the zstd decoder compiled in (`go build -tags libzstd` selects libzstd: libzstd.go).
const ZstdDecoder = "klauspost/compress"

// newZstdReader returns the zstd frame reader of this build and what releases it (its goroutines).
func newZstdReader(src io.Reader, o Options) (io.Reader, func(), error) {
	zr, err := zstd.NewReader(src,
		zstd.WithDecoderConcurrency(o.ZstdConcurrency),
		zstd.WithDecoderMaxWindow(o.ZstdMaxWindow),
		zstd.WithDecoderLowmem(true))
	if err != nil {
		return nil, nil, err
	}
	return zr, zr.Close, nil
}
