package decode

import (
	"bytes"
	"errors"
	"github.com/azlogscan/azlogscan/parser/internal/benchutil"
	"io"
	"io/fs"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

func gz(t testing.TB, p []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write(p); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func zst(t testing.TB, p []byte, opts ...zstd.EOption) []byte {
	t.Helper()
	w, err := zstd.NewWriter(nil, opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	return w.EncodeAll(p, nil)
}

// readAll reads rc with 1 MiB reads, as the scanner does.
func readAll(rc io.Reader) ([]byte, error) {
	var out []byte
	buf := make([]byte, 1<<20)
	for {
		n, err := rc.Read(buf)
		out = append(out, buf[:n]...)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
	}
}

func decodeAll(t *testing.T, in []byte) ([]byte, Format, error) {
	t.Helper()
	rc, f, err := Open(bytes.NewReader(in))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer rc.Close()
	out, err := readAll(rc)
	return out, f, err
}

func TestFormats(t *testing.T) {
	text := benchutil.LogText(300<<10, 7)
	text2 := benchutil.LogText(200<<10, 8)
	both := append(append([]byte{}, text...), text2...)
	skippable := []byte{0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 'a', 'b', 'c'}
	cases := []struct {
		name   string
		in     []byte
		want   []byte
		format Format
	}{
		{"plain", text, text, Plain},
		{"empty", nil, nil, Plain},
		{"one byte", []byte{0x1f}, []byte{0x1f}, Plain},
		{"three bytes of zstd magic", []byte{0x28, 0xb5, 0x2f}, []byte{0x28, 0xb5, 0x2f}, Plain},
		{"plain starting like nothing known", []byte("\x1fhello"), []byte("\x1fhello"), Plain},
		{"gzip", gz(t, text), text, Gzip},
		{"gzip empty member", gz(t, nil), nil, Gzip},
		{"gzip multi-member (cat a.gz b.gz)", append(gz(t, text), gz(t, text2)...), both, Gzip},
		{"zstd", zst(t, text), text, Zstd},
		{"zstd multi-frame", append(zst(t, text), zst(t, text2)...), both, Zstd},
		{"zstd with leading skippable frame", append(append([]byte{}, skippable...), zst(t, text)...), text, Zstd},
		{"zstd empty frame", zst(t, nil), nil, Zstd},
		{"zstd only a skippable frame", skippable, nil, Zstd},
		{"zstd skippable frame between frames", append(append(zst(t, text), skippable...), zst(t, text2)...), both, Zstd},
		{"zstd with checksum", zst(t, text, zstd.WithEncoderCRC(true)), text, Zstd},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, f, err := decodeAll(t, c.in)
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if f != c.format {
				t.Errorf("format = %v, want %v", f, c.format)
			}
			if !bytes.Equal(out, c.want) {
				t.Errorf("got %d bytes, want %d (equal prefix %d)", len(out), len(c.want), commonPrefix(out, c.want))
			}
		})
	}
}

func commonPrefix(a, b []byte) int {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return i
}

// The same input read one byte at a time and through a reader that returns short reads.
func TestSmallReads(t *testing.T) {
	text := benchutil.LogText(64<<10, 3)
	for _, in := range [][]byte{text, gz(t, text), append(zst(t, text[:1000]), zst(t, text[1000:])...)} {
		for _, wrap := range []func(io.Reader) io.Reader{iotest.OneByteReader, iotest.HalfReader, iotest.DataErrReader} {
			rc, _, err := Open(wrap(bytes.NewReader(in)))
			if err != nil {
				t.Fatal(err)
			}
			out, err := readAll(rc)
			rc.Close()
			if err != nil || !bytes.Equal(out, text) {
				t.Fatalf("err=%v, got %d bytes want %d", err, len(out), len(text))
			}
			// And the caller reading one byte at a time.
			rc, _, _ = Open(wrap(bytes.NewReader(in)))
			out, err = io.ReadAll(iotest.OneByteReader(rc))
			rc.Close()
			if err != nil || !bytes.Equal(out, text) {
				t.Fatalf("one-byte caller: err=%v, got %d bytes want %d", err, len(out), len(text))
			}
		}
	}
}

// Reads of compressed input return full blocks, so that the scanner sees large buffers.
func TestLargeReads(t *testing.T) {
	text := benchutil.LogText(4<<20, 5)
	for _, in := range [][]byte{gz(t, text), zst(t, text)} {
		rc, f, _ := Open(bytes.NewReader(in))
		buf := make([]byte, 1<<20)
		n, err := rc.Read(buf)
		rc.Close()
		if err != nil || n != len(buf) {
			t.Errorf("%v: first Read = %d, %v; want a full 1 MiB block", f, n, err)
		}
	}
}

func TestTruncatedGzip(t *testing.T) {
	text := benchutil.LogText(2<<20, 11)
	full := gz(t, text)
	for _, cut := range []int{3, 10, 11, len(full) / 2, len(full) - 8, len(full) - 1} {
		out, f, err := decodeAll(t, full[:cut])
		if f != Gzip {
			t.Fatalf("format %v", f)
		}
		if !errors.Is(err, ErrCorrupt) {
			t.Fatalf("cut at %d: err = %v, want ErrCorrupt", cut, err)
		}
		if !bytes.Equal(out, text[:len(out)]) {
			t.Fatalf("cut at %d: delivered bytes differ from the original", cut)
		}
		if cut == len(full)/2 && len(out) < len(text)/3 {
			t.Errorf("cut in the middle delivered only %d of %d bytes", len(out), len(text))
		}
		var de *Error
		if !errors.As(err, &de) || de.Offset != int64(len(out)) || de.Format != Gzip {
			t.Fatalf("cut at %d: error %#v, delivered %d", cut, err, len(out))
		}
		if cut > 20 && !strings.Contains(err.Error(), "unexpected EOF in gzip stream after") {
			t.Errorf("cut at %d: message %q", cut, err)
		}
		t.Logf("cut at %d of %d: %d bytes delivered, %v", cut, len(full), len(out), err)
	}
}

func TestTruncatedSecondMember(t *testing.T) {
	a, b := benchutil.LogText(100<<10, 1), benchutil.LogText(100<<10, 2)
	gb := gz(t, b)
	in := append(gz(t, a), gb[:len(gb)/2]...)
	out, _, err := decodeAll(t, in)
	if !errors.Is(err, ErrCorrupt) || !bytes.HasPrefix(out, a) {
		t.Fatalf("err=%v, first member delivered: %v", err, bytes.HasPrefix(out, a))
	}
}

// A second member cut inside its header (after the flags announce a file name) is damage,
// not a clean end (gzip.Reader's own multistream mode takes it for EOF; found by FuzzOpen).
func TestTruncatedSecondMemberHeader(t *testing.T) {
	a := benchutil.LogText(10<<10, 1)
	hdr := []byte{0x1f, 0x8b, 8, 0x08, 0, 0, 0, 0, 0, 3, 'a', 'p', 'p'} // FNAME set, name cut
	out, _, err := decodeAll(t, append(gz(t, a), hdr...))
	if !errors.Is(err, ErrCorrupt) || !bytes.Equal(out, a) {
		t.Fatalf("err %v, %d of %d bytes", err, len(out), len(a))
	}
	// The same as the first member.
	_, _, err = decodeAll(t, hdr)
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("first member: err %v", err)
	}
}

func TestGzipChecksumMismatch(t *testing.T) {
	text := benchutil.LogText(100<<10, 4)
	in := gz(t, text)
	in[len(in)-6] ^= 0xff // inside the CRC-32 of the trailer
	out, _, err := decodeAll(t, in)
	if !errors.Is(err, ErrCorrupt) || !errors.Is(err, gzip.ErrChecksum) {
		t.Fatalf("err = %v", err)
	}
	if !bytes.Equal(out, text) {
		t.Errorf("bytes before the trailer not all delivered: %d of %d", len(out), len(text))
	}
	if !strings.Contains(err.Error(), "checksum") {
		t.Errorf("message %q does not say checksum", err)
	}
}

func TestGzipCorruptHeaderAndData(t *testing.T) {
	// Bad compression method in the header.
	in := gz(t, []byte("hello\n"))
	in[2] = 7
	_, f, err := decodeAll(t, in)
	if f != Gzip || !errors.Is(err, ErrCorrupt) || !errors.Is(err, gzip.ErrHeader) {
		t.Fatalf("format %v, err %v", f, err)
	}
	// Garbage after the header: a corrupt deflate stream.
	in = append(gz(t, nil)[:10], bytes.Repeat([]byte{0xff}, 100)...)
	_, _, err = decodeAll(t, in)
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("err %v", err)
	}
	// Trailing garbage after a good member.
	text := benchutil.LogText(10<<10, 9)
	in = append(gz(t, text), "garbage!!!!!"...)
	out, _, err := decodeAll(t, in)
	if !errors.Is(err, ErrCorrupt) || !bytes.Equal(out, text) {
		t.Fatalf("trailing garbage: err %v, %d of %d bytes", err, len(out), len(text))
	}
}

func TestCorruptZstd(t *testing.T) {
	text := benchutil.LogText(1<<20, 12)
	full := zst(t, text, zstd.WithEncoderCRC(true))
	t.Run("truncated", func(t *testing.T) {
		for _, cut := range []int{4, 7, len(full) / 2, len(full) - 1} {
			out, f, err := decodeAll(t, full[:cut])
			if f != Zstd || !errors.Is(err, ErrCorrupt) {
				t.Fatalf("cut %d: format %v err %v", cut, f, err)
			}
			if !bytes.Equal(out, text[:len(out)]) {
				t.Fatalf("cut %d: delivered bytes differ", cut)
			}
			t.Logf("cut at %d of %d: %d bytes delivered, %v", cut, len(full), len(out), err)
		}
	})
	t.Run("flipped bytes", func(t *testing.T) {
		for _, at := range []int{5, 100, len(full) / 2, len(full) - 2} {
			in := append([]byte{}, full...)
			in[at] ^= 0x55
			out, _, err := decodeAll(t, in)
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("flip at %d: err %v (got %d bytes)", at, err, len(out))
			}
			t.Logf("flip at %d: %d bytes delivered, %v", at, len(out), err)
		}
	})
	t.Run("garbage after frame", func(t *testing.T) {
		in := append(zst(t, text[:1000]), "not zstd at all"...)
		out, _, err := decodeAll(t, in)
		if !errors.Is(err, ErrCorrupt) || !bytes.Equal(out, text[:1000]) {
			t.Fatalf("err %v, %d bytes", err, len(out))
		}
	})
	t.Run("window too large", func(t *testing.T) {
		// Frame header: magic, descriptor 0 (window descriptor present, no FCS),
		// window descriptor 0xF8 = windowLog 41 (2 TiB): refused, not allocated.
		in := []byte{0x28, 0xb5, 0x2f, 0xfd, 0x00, 0xf8, 0x01, 0x00, 0x00}
		_, _, err := decodeAll(t, in)
		if !errors.Is(err, ErrCorrupt) {
			t.Fatalf("err %v", err)
		}
	})
}

var errDisk = &fs.PathError{Op: "read", Path: "/logs/app.log.gz", Err: errors.New("input/output error")}

// failingReader returns data, then an I/O error.
type failingReader struct {
	r   io.Reader
	err error
}

func (f *failingReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		return n, f.err
	}
	return n, err
}

func TestIOError(t *testing.T) {
	text := benchutil.LogText(1<<20, 13)
	for name, in := range map[string][]byte{"plain": text, "gzip": gz(t, text), "zstd": zst(t, text)} {
		t.Run(name, func(t *testing.T) {
			cut := in[:len(in)/2]
			rc, _, err := Open(&failingReader{r: bytes.NewReader(cut), err: errDisk})
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			out, err := readAll(rc)
			if err == nil || errors.Is(err, ErrCorrupt) {
				t.Fatalf("err = %v, want the I/O error and not ErrCorrupt", err)
			}
			var pe *fs.PathError
			if !errors.Is(err, errDisk) || !errors.As(err, &pe) {
				t.Fatalf("err = %v does not wrap the reader's error", err)
			}
			if !bytes.Equal(out, text[:len(out)]) || (name == "plain" && len(out) != len(cut)) {
				t.Fatalf("delivered bytes wrong (%d)", len(out))
			}
			t.Logf("%d bytes delivered, %v", len(out), err)
		})
	}
	// An error while sniffing is returned by Open.
	_, _, err := Open(iotest.ErrReader(errDisk))
	if !errors.Is(err, errDisk) {
		t.Fatalf("Open err = %v", err)
	}
}

func TestReadAfterErrorAndClose(t *testing.T) {
	full := gz(t, benchutil.LogText(10<<10, 1))
	rc, _, _ := Open(bytes.NewReader(full[:len(full)/2]))
	_, err := readAll(rc)
	if !errors.Is(err, ErrCorrupt) {
		t.Fatal(err)
	}
	if n, err2 := rc.Read(make([]byte, 10)); n != 0 || !errors.Is(err2, ErrCorrupt) {
		t.Fatalf("second read after error = %d, %v", n, err2)
	}
	if err := rc.Close(); err != nil {
		t.Fatal(err)
	}
	if err := rc.Close(); err != nil {
		t.Fatal("second Close:", err)
	}
	if _, err := rc.Read(make([]byte, 10)); err == nil {
		t.Fatal("read after Close succeeded")
	}
}

func TestOptions(t *testing.T) {
	text := benchutil.LogText(1<<20, 2)
	in := zst(t, text)
	for _, c := range []int{1, 2, 4} {
		rc, _, err := OpenWith(bytes.NewReader(in), Options{ZstdConcurrency: c})
		if err != nil {
			t.Fatal(err)
		}
		out, err := readAll(rc)
		rc.Close()
		if err != nil || !bytes.Equal(out, text) {
			t.Fatalf("concurrency %d: err %v", c, err)
		}
	}
	if _, _, err := OpenWith(bytes.NewReader(in), Options{ZstdConcurrency: -1}); err == nil {
		t.Fatal("negative concurrency accepted")
	}
	// A frame needing a larger window than allowed is refused.
	big := zst(t, text, zstd.WithWindowSize(1<<20), zstd.WithSingleSegment(false))
	rc, _, _ := OpenWith(bytes.NewReader(big), Options{ZstdMaxWindow: 64 << 10})
	_, err := readAll(rc)
	rc.Close()
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("window limit: err %v", err)
	}
}

func TestFormatString(t *testing.T) {
	if Plain.String() != "plain" || Gzip.String() != "gzip" || Zstd.String() != "zstd" || Format(9).String() != "Format(9)" {
		t.Fatal("Format.String")
	}
}
