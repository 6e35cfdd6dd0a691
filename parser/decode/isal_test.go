//go:build isal && cgo

package decode

import (
	"bufio"
	"bytes"
	stdgzip "compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/azlogscan/azlogscan/parser/internal/benchutil"
	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"
)

// The ISA-L build against the default one: the same decoder (decode.go) around the klauspost
// member reader (gzipReader), fed the same bytes.
func openKlauspost(r io.Reader) io.ReadCloser {
	src := &source{r: r}
	return &decoder{format: Gzip, src: src, dec: &gzipReader{br: bufio.NewReaderSize(src, DefaultBufferSize)}}
}

// hdr describes a hand-made gzip header: gzip.Writer cannot write FHCRC or reserved flags.
type hdr struct {
	extra, name, comment []byte // written when not nil (name and comment get their zero byte)
	hcrc                 bool
	badHcrc              bool
	reserved             byte // FLG bits 5-7
}

// member compresses text as one gzip member with header h, raw deflate at level.
func member(t testing.TB, text []byte, level int, h hdr) []byte {
	t.Helper()
	b := []byte{0x1f, 0x8b, 8, h.reserved << 5, 1, 2, 3, 4, 0, 3}
	if h.extra != nil {
		b[3] |= flagExtra
		b = binary.LittleEndian.AppendUint16(b, uint16(len(h.extra)))
		b = append(b, h.extra...)
	}
	if h.name != nil {
		b[3] |= flagName
		b = append(append(b, h.name...), 0)
	}
	if h.comment != nil {
		b[3] |= flagComment
		b = append(append(b, h.comment...), 0)
	}
	if h.hcrc || h.badHcrc {
		b[3] |= flagHdrCrc
		c := uint16(crc32.ChecksumIEEE(b))
		if h.badHcrc {
			c++
		}
		b = binary.LittleEndian.AppendUint16(b, c)
	}
	var z bytes.Buffer
	w, err := flate.NewWriter(&z, level)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(text)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	b = append(b, z.Bytes()...)
	b = binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(text))
	return binary.LittleEndian.AppendUint32(b, uint32(len(text)))
}

// gzLevel is gz with a compression level (klauspost's gzip.Writer).
func gzLevel(t testing.TB, text []byte, level int) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := gzip.NewWriterLevel(&b, level)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(text)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// stdGz compresses with the standard library's writer, with a file name.
func stdGz(t testing.TB, text []byte, level int) []byte {
	t.Helper()
	var b bytes.Buffer
	w, _ := stdgzip.NewWriterLevel(&b, level)
	w.Name = "app.log"
	w.Write(text)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// compare decodes in with both builds' readers (through reader wrap and with reads of size
// readSize) and checks: the same error class; the delivered bytes of one are a prefix of the
// other's (deflate decoding is deterministic up to where a decoder stops); when want is not
// nil, the delivered bytes are a prefix of want.
func compare(t *testing.T, name string, in, want []byte, wrap func(io.Reader) io.Reader, readSize int) decoded {
	t.Helper()
	rc, f, err := Open(wrap(bytes.NewReader(in)))
	if err != nil || f != Gzip {
		t.Fatalf("%s: Open: %v, %v", name, f, err)
	}
	got := readDecoded(rc, readSize, Gzip)
	ref := readDecoded(openKlauspost(wrap(bytes.NewReader(in))), readSize, Gzip)
	checkAgainstRef(t, name, got, ref, want)
	return got
}

// stdDecode is compress/gzip's reading of in (multistream).
func stdDecode(in []byte) ([]byte, error) {
	zr, err := stdgzip.NewReader(bytes.NewReader(in))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}

func streams(t *testing.T) []testStream {
	var ss streamList
	for _, text := range texts(1) {
		size := len(text)
		for _, level := range []int{1, 6, 9} {
			ss.add(fmt.Sprintf("%d bytes, level %d", size, level), gzLevel(t, text, level), text)
		}
		if size < 1<<20 {
			ss.add(fmt.Sprintf("%d bytes, stored", size), gzLevel(t, text, gzip.NoCompression), text)
			ss.add(fmt.Sprintf("%d bytes, Huffman only", size), gzLevel(t, text, gzip.HuffmanOnly), text)
			ss.add(fmt.Sprintf("%d bytes, compress/gzip", size), stdGz(t, text, 6), text)
		}
	}
	a, b := benchutil.LogText(200<<10, 21), benchutil.LogText(70<<10, 22)
	ab := append(append([]byte{}, a...), b...)
	empty := gzLevel(t, nil, 6)
	ss.add("two members", append(gzLevel(t, a, 1), gzLevel(t, b, 9)...), ab)
	ss.add("empty members around and between", bytes.Join([][]byte{empty, gzLevel(t, a, 6), empty, empty, gzLevel(t, b, 6), empty}, nil), ab)
	ss.add("only empty members", append(append([]byte{}, empty...), empty...), nil)
	var many []byte
	for i := 0; i < 50; i++ {
		many = append(many, member(t, a[i*100:i*100+i], 6, hdr{name: []byte("part")})...)
	}
	var manyWant []byte
	for i := 0; i < 50; i++ {
		manyWant = append(manyWant, a[i*100:i*100+i]...)
	}
	ss.add("50 small members", many, manyWant)
	full := hdr{extra: []byte("AZ\x04\x00abcd"), name: []byte("app-\xe9t\xe9.log"), comment: []byte("rotated"), hcrc: true}
	ss.add("header with FEXTRA, FNAME (Latin-1), FCOMMENT, FHCRC", member(t, a, 6, full), a)
	ss.add("FHCRC only", member(t, a, 6, hdr{hcrc: true}), a)
	ss.add("FEXTRA of 65535 bytes (more than the input buffer)", member(t, a, 6, hdr{extra: bytes.Repeat([]byte{7}, 65535), hcrc: true}), a)
	ss.add("file name of 511 bytes (gzip.Reader's limit)", member(t, a, 6, hdr{name: bytes.Repeat([]byte{'n'}, 511), comment: bytes.Repeat([]byte{'c'}, 511)}), a)
	ss.add("members with all header fields", append(member(t, a, 1, full), member(t, b, 9, full)...), ab)
	bad := func(name string, in []byte, class string) {
		ss = append(ss, testStream{name: name, in: in, wantErr: class})
	}
	bad("file name of 512 bytes", member(t, a, 6, hdr{name: bytes.Repeat([]byte{'n'}, 512)}), "corrupt")
	bad("comment of 600 bytes", member(t, a, 6, hdr{comment: bytes.Repeat([]byte{'c'}, 600)}), "corrupt")
	bad("wrong FHCRC", member(t, a, 6, hdr{name: []byte("x"), badHcrc: true}), "corrupt")
	bad("reserved flag", member(t, a, 6, hdr{reserved: 4}), "corrupt")
	bad("second member with a reserved flag", append(gzLevel(t, a, 6), member(t, b, 6, hdr{reserved: 1})...), "corrupt")
	bad("trailing zeros", append(gzLevel(t, a, 6), make([]byte, 512)...), "corrupt")
	bad("trailing 3 bytes", append(gzLevel(t, a, 6), 1, 2, 3), "unexpected EOF")
	m := gzLevel(t, a, 6)
	m[len(m)-2] ^= 1 // ISIZE
	bad("wrong length in the trailer", m, "corrupt")
	return ss
}

// TestISALDifferential decodes many streams with the ISA-L and klauspost builds, with large,
// odd and one-byte reads of the decoded bytes and whole, halved and one-byte reads of the
// compressed ones (every header, block and trailer split between two reads).
func TestISALDifferential(t *testing.T) {
	if GzipDecoder != "isa-l" {
		t.Fatal(GzipDecoder)
	}
	identity := func(r io.Reader) io.Reader { return r }
	for _, s := range streams(t) {
		if s.want != nil {
			std, err := stdDecode(s.in)
			if err != nil || !bytes.Equal(std, s.want) {
				t.Fatalf("%s: compress/gzip: %v, %d of %d bytes", s.name, err, len(std), len(s.want))
			}
		}
		check := func(how string, wrap func(io.Reader) io.Reader, readSize int) {
			name := s.name + ", " + how
			got := compare(t, name, s.in, s.want, wrap, readSize)
			if s.want != nil && (got.class != "none" || len(got.out) != len(s.want)) {
				t.Fatalf("%s: %s after %d of %d bytes", name, got.class, len(got.out), len(s.want))
			}
			if s.want == nil && got.class != s.wantErr {
				t.Fatalf("%s: class %q, want %q", name, got.class, s.wantErr)
			}
		}
		check("1 MiB reads", identity, 1<<20)
		check("reads of 4093", iotest.HalfReader, 4093)
		if len(s.in) < 300<<10 {
			check("one-byte input, reads of 7", iotest.OneByteReader, 7)
		}
	}
}

// smallStream is a few members with every header field, a stored block and an empty member:
// short enough to cut and damage at every byte.
func smallStream(t *testing.T) (in, want []byte) {
	text := benchutil.LogText(3000, 5)
	full := hdr{extra: []byte("ex"), name: []byte("a.log"), comment: []byte("c"), hcrc: true}
	in = bytes.Join([][]byte{
		member(t, text[:2000], 6, full),
		member(t, nil, 6, hdr{name: []byte("empty")}),
		member(t, text[2000:2300], flate.NoCompression, hdr{}),
		gzLevel(t, text[2300:], 9),
	}, nil)
	return in, text
}

// TestISALTruncated cuts the small stream at every byte: the bytes delivered are a prefix of
// the original, and the error class is the klauspost build's (unexpected EOF, or none at the
// end of a member), also when the input arrives one byte at a time.
func TestISALTruncated(t *testing.T) {
	in, want := smallStream(t)
	ends := 0
	for cut := 2; cut <= len(in); cut++ {
		for _, wrap := range []func(io.Reader) io.Reader{iotest.DataErrReader, iotest.OneByteReader} {
			got := compare(t, fmt.Sprintf("cut at %d of %d", cut, len(in)), in[:cut], want, wrap, 1<<20)
			switch got.class {
			case "none":
				ends++
			case "unexpected EOF":
			default:
				t.Fatalf("cut at %d: %s", cut, got.class)
			}
		}
	}
	if ends != 2*4 {
		t.Errorf("%d cuts decode without an error, want the 4 member ends (twice)", ends)
	}
}

// TestISALFlipped changes every byte of the small stream in three ways: the error class
// (none, corrupt, unexpected EOF) is the klauspost build's, and so are the bytes delivered
// up to where the first decoder stops.
func TestISALFlipped(t *testing.T) {
	in, _ := smallStream(t)
	counts := map[string]int{}
	for at := range in {
		for _, x := range []byte{0x01, 0x80, 0xff} {
			d := append([]byte{}, in...)
			d[at] ^= x
			if at < 2 {
				continue // no longer gzip
			}
			got := compare(t, fmt.Sprintf("byte %d ^ %#x", at, x), d, nil, iotest.HalfReader, 1<<20)
			counts[got.class]++
		}
	}
	t.Logf("%d damaged streams: %v", 3*(len(in)-2), counts)
	if counts["corrupt"] == 0 || counts["none"] == 0 {
		t.Errorf("classes %v: expected both damage found and harmless changes (MTIME, names)", counts)
	}
}

// The messages name what ISA-L found.
func TestISALMessages(t *testing.T) {
	in := gz(t, []byte(strings.Repeat("hello\n", 100)))
	in[len(in)-6] ^= 0xff
	_, _, err := decodeAll(t, in)
	if !errors.Is(err, gzip.ErrChecksum) || !strings.Contains(err.Error(), "gzip: invalid checksum (CRC-32 or length") {
		t.Fatalf("checksum: %v", err)
	}
	// A stored block whose length and its complement disagree.
	in = append([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3}, 1, 5, 0, 0, 0, 'h', 'e', 'l', 'l', 'o')
	_, _, err = decodeAll(t, in)
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "invalid block") {
		t.Fatalf("stored block: %v", err)
	}
}

// BenchmarkGzipDecoder compares the ISA-L and klauspost builds' decoders on 64 MiB of log
// text (gzip level 6), read in 1 MiB blocks: MB/s of decoded bytes.
func BenchmarkGzipDecoder(b *testing.B) {
	text, gzd, _ := benchData(b)
	for _, c := range []struct {
		name string
		open func(io.Reader) io.ReadCloser
	}{
		{"isa-l", func(r io.Reader) io.ReadCloser { rc, _, _ := Open(r); return rc }},
		{"klauspost", openKlauspost},
	} {
		b.Run(c.name, func(b *testing.B) {
			buf := make([]byte, 1<<20)
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			c0 := benchutil.CPUTime()
			for b.Loop() {
				rc := c.open(bytes.NewReader(gzd))
				n := drain(b, rc, buf)
				rc.Close()
				if n != len(text) {
					b.Fatalf("%d bytes, want %d", n, len(text))
				}
			}
			benchutil.ReportCPU(b, c0, int64(len(text)))
		})
	}
}
