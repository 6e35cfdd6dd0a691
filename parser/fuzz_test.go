package parser_test

import (
	"bytes"
	"io"
	"os"
	"testing"
	"testing/iotest"

	"github.com/azlogscan/azlogscan/corpus"
	"github.com/azlogscan/azlogscan/parser"
)

// chunkReader returns at most n bytes per Read.
type chunkReader struct {
	b []byte
	n int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.b) == 0 {
		return 0, ioEOF
	}
	k := min(len(p), c.n, len(c.b))
	copy(p, c.b[:k])
	c.b = c.b[k:]
	return k, nil
}

// FuzzScanner: no panic on any input; every finding points inside the input;
// reading in chunks gives what reading whole gives.
func FuzzScanner(f *testing.F) {
	cases, _ := corpus.Cases()
	for i, c := range cases {
		if i%7 != 0 {
			continue
		}
		if b, err := os.ReadFile(c.Log); err == nil && len(b) < 8<<10 {
			f.Add(b, uint8(3))
		}
	}
	f.Add([]byte("AADSTS"), uint8(1))
	f.Add([]byte("x\xff\x00ClientSecretCredential authentication failed\r\nRESPONSE 401\n{\"error_codes\":[7000215]}"), uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, chunk uint8) {
		whole := scanAll(t, bytes.NewReader(data), "fuzz")
		lines := int64(bytes.Count(data, []byte{'\n'})) + 1
		for _, fd := range whole {
			if fd.Offset < 0 || fd.Offset > int64(len(data)) {
				t.Fatalf("offset %d outside input of %d bytes", fd.Offset, len(data))
			}
			if fd.Line < 1 || fd.Line > lines {
				t.Fatalf("line %d outside input of %d lines", fd.Line, lines)
			}
		}
		parts := scanAll(t, &chunkReader{b: data, n: int(chunk%64) + 1}, "fuzz")
		one := scanAll(t, iotest.OneByteReader(bytes.NewReader(data)), "fuzz")
		for _, other := range [][]*parser.Finding{parts, one} {
			if len(other) != len(whole) {
				t.Fatalf("chunked read: %d findings, whole read %d", len(other), len(whole))
			}
			for i := range whole {
				if other[i].Offset != whole[i].Offset || other[i].Code() != whole[i].Code() {
					t.Fatalf("chunked read: finding %d at %d %s, whole read at %d %s", i, other[i].Offset, other[i].Code(), whole[i].Offset, whole[i].Code())
				}
			}
		}
	})
}

var ioEOF = io.EOF
