//go:build libzstd && cgo

package decode

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os/exec"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/azlogscan/azlogscan/parser/internal/benchutil"
	"github.com/klauspost/compress/zstd"
)

// The libzstd build against the default one: the same decoder (decode.go) around the
// klauspost reader, built with zstd_go.go's options, fed the same bytes.
func openKlauspostZstd(t testing.TB, r io.Reader, o Options) io.ReadCloser {
	if o.ZstdMaxWindow == 0 {
		o.ZstdMaxWindow = DefaultZstdMaxWindow
	}
	src := &source{r: r}
	zr, err := zstd.NewReader(src,
		zstd.WithDecoderConcurrency(DefaultZstdConcurrency),
		zstd.WithDecoderMaxWindow(o.ZstdMaxWindow),
		zstd.WithDecoderLowmem(true))
	if err != nil {
		t.Fatal(err)
	}
	return &decoder{format: Zstd, src: src, dec: zr, close: zr.Close}
}

// zstdCLI compresses text with the zstd command line tool, reading it from stdin.
func zstdCLI(t testing.TB, text []byte, args ...string) []byte {
	t.Helper()
	if _, err := exec.LookPath("zstd"); err != nil {
		t.Fatal("the zstd command is needed (Debian: apt-get install zstd)")
	}
	cmd := exec.Command("zstd", append([]string{"-q", "-c"}, args...)...)
	cmd.Stdin = bytes.NewReader(text)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("zstd %v: %v %s", args, err, stderr.Bytes())
	}
	return out
}

// zstdStreaming compresses text with klauspost's streaming writer: no content size.
func zstdStreaming(t testing.TB, text []byte, opts ...zstd.EOption) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := zstd.NewWriter(&b, opts...)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(text)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func skippableFrame(n int) []byte {
	b := binary.LittleEndian.AppendUint32([]byte{0x5e, 0x2a, 0x4d, 0x18}, uint32(n))
	return append(b, bytes.Repeat([]byte{'s'}, n)...)
}

// rawFrame is a hand-made frame: a header with the descriptor fhd and the fields after it,
// then one raw last block holding content.
func rawFrame(fhd byte, fields []byte, content []byte) []byte {
	b := append([]byte{0x28, 0xb5, 0x2f, 0xfd, fhd}, fields...)
	h := uint32(len(content))<<3 | 1 // raw block, last
	b = append(b, byte(h), byte(h>>8), byte(h>>16))
	return append(b, content...)
}

// decodeBoth decodes in with this build's Open and the klauspost build's reader.
func decodeBoth(t *testing.T, in []byte, wrap func(io.Reader) io.Reader, readSize int, o Options) (got, ref decoded) {
	t.Helper()
	rc, f, err := OpenWith(wrap(bytes.NewReader(in)), o)
	if err != nil || f != Zstd {
		t.Fatalf("Open: %v, %v", f, err)
	}
	got = readDecoded(rc, readSize, Zstd)
	ref = readDecoded(openKlauspostZstd(t, wrap(bytes.NewReader(in)), o), readSize, Zstd)
	return got, ref
}

// compareZstd decodes in with both builds' readers (through wrap, reads of readSize) and
// checks: the same error class; the bytes delivered by one are a prefix of the other's, and
// libzstd delivers at least as many (klauspost holds a frame's last block until its checksum
// is verified; libzstd delivers it first); equal bytes when both succeed; when want is not
// nil, a prefix of want.
func compareZstd(t *testing.T, name string, in, want []byte, wrap func(io.Reader) io.Reader, readSize int, o Options) decoded {
	t.Helper()
	got, ref := decodeBoth(t, in, wrap, readSize, o)
	checkAgainstRef(t, name, got, ref, want)
	if len(got.out) < len(ref.out) {
		t.Fatalf("%s: %d bytes delivered, the klauspost build %d (%v, %v)", name, len(got.out), len(ref.out), got.err, ref.err)
	}
	return got
}

func zstreams(t *testing.T) []testStream {
	var ss streamList
	for _, text := range texts(3) {
		size := len(text)
		levels := []string{"-1", "-3", "-19"}
		if size > 1<<20 {
			levels = levels[:2] // -19 takes seconds on megabytes
		}
		for _, l := range levels {
			ss.add(fmt.Sprintf("%d bytes, zstd %s", size, l), zstdCLI(t, text, l), text)
		}
		ss.add(fmt.Sprintf("%d bytes, zstd -3 --no-check --stream-size (content size, no checksum)", size), zstdCLI(t, text, "-3", "--no-check", fmt.Sprintf("--stream-size=%d", size)), text)
		ss.add(fmt.Sprintf("%d bytes, klauspost, content size and checksum", size), zst(t, text, zstd.WithEncoderCRC(true)), text)
		ss.add(fmt.Sprintf("%d bytes, klauspost streaming, neither", size), zstdStreaming(t, text, zstd.WithEncoderCRC(false)), text)
		if size > 1<<20 {
			ss.add(fmt.Sprintf("%d bytes, zstd -T0 --long=27 (window 128 MiB, the limit)", size), zstdCLI(t, text, "-3", "-T0", "--long=27"), text)
		}
	}
	a, b := benchutil.LogText(200<<10, 21), benchutil.LogText(70<<10, 22)
	ab := append(append([]byte{}, a...), b...)
	empty := zst(t, nil)
	ss.add("two frames", append(zstdCLI(t, a, "-3"), zst(t, b)...), ab)
	ss.add("empty frames around and between", bytes.Join([][]byte{empty, zstdCLI(t, a, "-1"), empty, empty, zstdStreaming(t, b), empty}, nil), ab)
	ss.add("only empty frames", append(append([]byte{}, empty...), empty...), nil)
	ss.add("skippable frames leading, between, trailing", bytes.Join([][]byte{skippableFrame(3), zst(t, a), skippableFrame(0), skippableFrame(100), zst(t, b), skippableFrame(5)}, nil), ab)
	ss.add("only a skippable frame", skippableFrame(10), nil)
	ss.add("skippable frame of 70 KiB (more than the input buffer)", append(skippableFrame(70<<10), zst(t, a)...), a)
	var many, manyWant []byte
	for i := 0; i < 50; i++ {
		many = append(many, zst(t, a[i*100:i*100+i])...)
		manyWant = append(manyWant, a[i*100:i*100+i]...)
	}
	ss.add("50 small frames", many, manyWant)
	ss.add("1 KiB window: 200 blocks", zstdCLI(t, a, "-3", "--zstd=wlog=10"), a)
	noise := make([]byte, 300<<10)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range noise {
		noise[i] = byte(rng.Uint32())
	}
	ss.add("random bytes (raw blocks)", zst(t, noise), noise)
	ss.add("one byte repeated (RLE blocks)", zstdCLI(t, bytes.Repeat([]byte{'x'}, 1<<20), "-3"), bytes.Repeat([]byte{'x'}, 1<<20))
	ss.add("hand-made raw block, single segment", rawFrame(0x20, []byte{3}, []byte("abc")), []byte("abc"))

	bad := func(name string, in []byte, class string) {
		ss = append(ss, testStream{name: name, in: in, wantErr: class})
	}
	bad("trailing garbage", append(zst(t, a), "garbage!"...), "corrupt")
	bad("trailing zeros", append(zst(t, a), make([]byte, 512)...), "corrupt")
	bad("trailing 3 bytes", append(zst(t, a), 1, 2, 3), "unexpected EOF")
	bad("trailing half a skippable header", append(zst(t, a), skippableFrame(9)[:6]...), "unexpected EOF")
	bad("skippable frame longer than the stream", append(zst(t, a), skippableFrame(100)[:50]...), "unexpected EOF")
	m := zst(t, a, zstd.WithEncoderCRC(true))
	m[len(m)-1] ^= 1
	bad("checksum mismatch", m, "corrupt")
	bad("legacy zstd 0.7 magic after a frame", append(zst(t, a), 0x27, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0, 0, 0), "corrupt")
	bad("reserved bit in the frame header", rawFrame(0x28, []byte{3}, []byte("abc")), "corrupt")
	bad("dictionary ID", rawFrame(0x21, []byte{7, 3}, []byte("abc")), "corrupt")
	bad("content size 10, content 3 bytes", rawFrame(0x20, []byte{10}, []byte("abc")), "corrupt")
	bad("content size 2, content 3 bytes", rawFrame(0x20, []byte{2}, []byte("abc")), "corrupt")
	bad("window of 2 TiB", rawFrame(0, []byte{0xf8}, []byte("abc")), "corrupt")
	bad("zstd --long=28 (window 256 MiB)", zstdCLI(t, a, "-1", "--long=28"), "corrupt")
	return ss
}

// TestLibzstdDifferential decodes many streams with the libzstd and klauspost builds, with
// large, odd and one-byte reads of the decoded bytes and whole, halved and one-byte reads
// of the compressed ones.
func TestLibzstdDifferential(t *testing.T) {
	if ZstdDecoder != "libzstd" {
		t.Fatal(ZstdDecoder)
	}
	identity := func(r io.Reader) io.Reader { return r }
	for _, s := range zstreams(t) {
		check := func(how string, wrap func(io.Reader) io.Reader, readSize int, o Options) {
			name := s.name + ", " + how
			got := compareZstd(t, name, s.in, s.want, wrap, readSize, o)
			if s.want != nil && (got.class != "none" || len(got.out) != len(s.want)) {
				t.Fatalf("%s: %s (%v) after %d of %d bytes", name, got.class, got.err, len(got.out), len(s.want))
			}
			if s.want == nil && got.class != s.wantErr {
				t.Fatalf("%s: class %q (%v), want %q", name, got.class, got.err, s.wantErr)
			}
		}
		check("1 MiB reads", identity, 1<<20, Options{})
		check("1 MiB reads, 1 MiB input buffer", identity, 1<<20, Options{BufferSize: 1 << 20})
		check("reads of 4093", iotest.HalfReader, 4093, Options{})
		if len(s.in) < 300<<10 {
			check("one-byte input, reads of 7", iotest.OneByteReader, 7, Options{BufferSize: 1})
		}
		if len(s.want) < 100<<10 {
			check("reads of 1", iotest.DataErrReader, 1, Options{})
		}
	}
}

// zframe is one frame of a hand-assembled stream.
type zframe struct {
	in, out  []byte // compressed, decoded
	checksum bool   // a content checksum, which libzstd and klauspost verify
}

// smallZstdStream is skippable frames, frames with and without checksum and content size,
// frames of 1 KiB blocks, raw and RLE blocks and an empty frame: short enough to cut and
// damage at every byte.
func smallZstdStream(t *testing.T) (in, want []byte, frames []zframe) {
	text := benchutil.LogText(2500, 5)[:2500]
	rle := bytes.Repeat([]byte{'-'}, 300)
	frames = []zframe{
		{skippableFrame(3), nil, false},
		{zstdCLI(t, text[:2000], "-3", "--zstd=wlog=10"), text[:2000], true}, // 2 blocks, content size
		{zst(t, nil), nil, true},
		{zstdStreaming(t, rle, zstd.WithEncoderCRC(false)), rle, false},
		{skippableFrame(0), nil, false},
		{rawFrame(0x20, []byte{3}, text[2000:2003]), text[2000:2003], false},
		{zstdCLI(t, text[2003:], "-1", "--no-check"), text[2003:], false},
	}
	for _, f := range frames {
		in = append(in, f.in...)
		want = append(want, f.out...)
	}
	return in, want, frames
}

// TestLibzstdTruncated cuts the small stream at every byte: the bytes delivered are a
// prefix of the original and the error class is the klauspost build's (unexpected EOF, or
// none at the end of a frame), also when the input arrives one byte at a time.
func TestLibzstdTruncated(t *testing.T) {
	in, want, frames := smallZstdStream(t)
	ends := 0
	for cut := 4; cut <= len(in); cut++ {
		for _, wrap := range []func(io.Reader) io.Reader{iotest.DataErrReader, iotest.OneByteReader} {
			got := compareZstd(t, fmt.Sprintf("cut at %d of %d", cut, len(in)), in[:cut], want, wrap, 1<<20, Options{})
			switch got.class {
			case "none":
				ends++
			case "unexpected EOF":
			default:
				t.Fatalf("cut at %d: %s", cut, got.class)
			}
		}
	}
	if ends != 2*len(frames) {
		t.Errorf("%d cuts decode without an error, want the %d frame ends (twice)", ends, len(frames))
	}
}

// TestLibzstdFlipped changes every byte of the small stream in three ways and decodes it
// with both builds. They deliver the same bytes up to where the first stops, libzstd at
// least as many, and the bytes of the frames before the damaged one are the original's.
// Inside the damaged frame neither build can promise more: a changed literal decodes to a
// wrong byte, delivered before the frame's checksum fails (or for ever, without one). A
// success equals the original when the damaged frame has a checksum.
//
// The error class is the klauspost build's but for two differences, found here and allowed
// (examples in TestLibzstdDifferences):
//   - libzstd decodes without error some damage that klauspost's extra consistency checks
//     catch ("stream overrun", "short output block", "reserved bits not zero", a content
//     size that disagrees with a frame ending in an empty block);
//   - libzstd reports damage inside a block as corrupt where klauspost reports
//     io.ErrUnexpectedEOF (its bit reader ran out of the block; the stream is whole).
//
// Truncation of an undamaged stream, where the class matters most, has no difference
// (TestLibzstdTruncated).
func TestLibzstdFlipped(t *testing.T) {
	in, want, frames := smallZstdStream(t)
	counts, streams := map[string]int{}, 0
	for at := range in {
		// The frame that is damaged, and where its decoded bytes start.
		k, start, outStart := 0, 0, 0
		for start+len(frames[k].in) <= at {
			start += len(frames[k].in)
			outStart += len(frames[k].out)
			k++
		}
		for _, x := range []byte{0x01, 0x80, 0xff} {
			d := append([]byte{}, in...)
			d[at] ^= x
			if sniff(d[:4]) != Zstd {
				continue
			}
			streams++
			name := fmt.Sprintf("byte %d (frame %d) ^ %#x", at, k, x)
			got, ref := decodeBoth(t, d, iotest.HalfReader, 1<<20, Options{})
			short, long := got.out, ref.out
			if len(short) > len(long) {
				short, long = long, short
			}
			if !bytes.HasPrefix(long, short) {
				t.Fatalf("%s: delivered bytes differ from the klauspost build's at %d", name, commonPrefix(got.out, ref.out))
			}
			if len(got.out) < len(ref.out) {
				t.Fatalf("%s: %d bytes delivered, the klauspost build %d (%v, %v)", name, len(got.out), len(ref.out), got.err, ref.err)
			}
			if n := min(len(got.out), outStart); !bytes.Equal(got.out[:n], want[:n]) {
				t.Fatalf("%s: the frames before the damaged one are delivered wrong at %d", name, commonPrefix(got.out, want))
			}
			if got.class == "none" && frames[k].checksum && !bytes.Equal(got.out, want) {
				t.Fatalf("%s: success with a checksum, but %d bytes differ from the original at %d", name, len(got.out), commonPrefix(got.out, want))
			}
			switch c := got.class + " / " + ref.class; {
			case got.class == ref.class:
				if c == "none / none" && !bytes.Equal(got.out, ref.out) {
					t.Fatalf("%s: both succeed, %d and %d bytes", name, len(got.out), len(ref.out))
				}
			case c == "none / corrupt", c == "none / unexpected EOF", c == "corrupt / unexpected EOF":
			default:
				t.Fatalf("%s: error class %q (%v), the klauspost build %q (%v)", name, got.class, got.err, ref.class, ref.err)
			}
			counts[got.class+" / "+ref.class]++
			if !bytes.HasPrefix(want, got.out) {
				counts["libzstd delivered wrong bytes"]++
			}
			if !bytes.HasPrefix(want, ref.out) {
				counts["klauspost delivered wrong bytes"]++
			}
		}
	}
	t.Logf("%d damaged streams (classes: libzstd / klauspost): %v", streams, counts)
	if counts["corrupt / corrupt"] == 0 || counts["none / none"] == 0 || counts["unexpected EOF / unexpected EOF"] == 0 {
		t.Errorf("classes %v: expected damage found, harmless changes (skippable content) and lengths beyond the end", counts)
	}
}

// TestLibzstdDifferences pins the error classes where libzstd and klauspost differ on
// damaged input (TestLibzstdFlipped allows these and no others; truncation of undamaged
// streams has none): if a library changes, this says which difference went away.
func TestLibzstdDifferences(t *testing.T) {
	frame := zst(t, benchutil.LogText(2000, 5)[:2000], zstd.WithEncoderCRC(false)) // 830 bytes, klauspost v1.20
	if len(frame) != 830 {
		t.Fatalf("klauspost wrote %d bytes, not the 830 of v1.20.3: find the offsets again", len(frame))
	}
	flip := func(at int, x byte) []byte {
		d := append([]byte{}, frame...)
		d[at] ^= x
		return d
	}
	for _, c := range []struct {
		name, in, libzstd, klauspost string
	}{
		// Damage inside a block: klauspost's bit reader runs out of the block's bytes.
		{"literals damaged", string(flip(14, 0x01)), "corrupt", "unexpected EOF"},
		// Damage klauspost finds and libzstd does not check.
		{"reserved bits in a sequences header", string(flip(698, 0x01)), "none", "corrupt"},
		{"sequences damaged", string(flip(706, 0xff)), "none", "unexpected EOF"},
		// Content size 5, a raw block of 3 bytes, an empty last block: libzstd checks the
		// content size after a last block that has data only.
		{"content size and an empty last block", "\x28\xb5\x2f\xfd\x20\x05\x18\x00\x00abc\x01\x00\x00", "none", "corrupt"},
		// An RLE block of 394758 bytes in a frame of 12592, cut before its byte: klauspost
		// refuses the size at the block header, libzstd when it decodes the block.
		{"RLE block over the window, cut", "\x28\xb5\x2f\xfd\x64\x30\x30\x32\x30\x30", "unexpected EOF", "corrupt"},
	} {
		got, ref := decodeBoth(t, []byte(c.in), func(r io.Reader) io.Reader { return r }, 1<<20, Options{})
		if got.class != c.libzstd || ref.class != c.klauspost {
			t.Errorf("%s: libzstd %s (%v), klauspost %s (%v); want %s and %s", c.name, got.class, got.err, ref.class, ref.err, c.libzstd, c.klauspost)
		}
	}
}

// TestLibzstdWindowLimit: a frame whose window is over Options.ZstdMaxWindow is refused, in
// bytes as klauspost counts them (not only at powers of two), before libzstd allocates it,
// also when the whole frame is in the input and fits the caller's buffer (libzstd's
// single-pass shortcut skips its own check).
func TestLibzstdWindowLimit(t *testing.T) {
	wd := func(log, mantissa byte) []byte { return []byte{(log-10)<<3 | mantissa} } // window descriptor
	fcs4 := func(n uint32) []byte { return binary.LittleEndian.AppendUint32(nil, n) }
	abc := []byte("abc")
	fill := func(n int) []byte { return bytes.Repeat(abc, n/3+1)[:n] }
	cases := []struct {
		name  string
		limit uint64
		in    []byte
		ok    bool
	}{
		{"window = limit (64 KiB)", 64 << 10, rawFrame(0, wd(16, 0), abc), true},
		{"window 72 KiB > limit 64 KiB", 64 << 10, rawFrame(0, wd(16, 1), abc), false},
		{"window 96 KiB = limit 96 KiB", 96 << 10, rawFrame(0, wd(16, 4), abc), true},
		{"window 104 KiB > limit 96 KiB", 96 << 10, rawFrame(0, wd(16, 5), abc), false},
		{"window 96 KiB > limit 96 KiB - 1", 96<<10 - 1, rawFrame(0, wd(16, 4), abc), false},
		{"single segment, content size = limit", 64 << 10, rawFrame(0xa0, fcs4(64<<10), fill(64<<10)), true},
		{"single segment, content size > limit", 64 << 10, rawFrame(0xa0, fcs4(64<<10+1), fill(64<<10+1)), false},
		{"single segment, content size = limit 96 KiB", 96 << 10, rawFrame(0xa0, fcs4(96<<10), fill(96<<10)), true},
		{"single segment, content size > limit 96 KiB", 96 << 10, rawFrame(0xa0, fcs4(96<<10+1), fill(96<<10+1)), false},
		{"window 1 MiB, content size 3, limit 64 KiB", 64 << 10, rawFrame(0x80, append(wd(20, 0), fcs4(3)...), abc), false},
		{"window 1 MiB, content size 0, empty block, limit 64 KiB", 64 << 10, rawFrame(0x80, append(wd(20, 0), fcs4(0)...), nil), false},
	}
	for _, c := range cases {
		for _, bufSize := range []int{0, 1 << 20} {
			name := fmt.Sprintf("%s, input buffer %d", c.name, bufSize)
			o := Options{ZstdMaxWindow: c.limit, BufferSize: bufSize}
			got := compareZstd(t, name, c.in, nil, func(r io.Reader) io.Reader { return r }, 1<<20, o)
			if (got.class == "none") != c.ok || (!c.ok && got.class != "corrupt") {
				t.Fatalf("%s: %s (%v)", name, got.class, got.err)
			}
		}
	}

	// libzstd's own limit is the next power of two (2 MiB): a 1.75 MiB window under a limit of
	// 1.5 MiB is refused before libzstd sees the frame and allocates; 1.5 MiB is allocated.
	for _, c := range []struct {
		mantissa byte
		ok       bool
	}{{4, true}, {6, false}} {
		in := append(rawFrame(0, wd(20, c.mantissa), abc), zst(t, abc)...)
		rc, _, err := OpenWith(bytes.NewReader(in), Options{ZstdMaxWindow: 3 << 19})
		if err != nil {
			t.Fatal(err)
		}
		n, err := rc.Read(make([]byte, 100))
		mem := rc.(*decoder).dec.(*libzstdReader).memory()
		rc.Close()
		t.Logf("window %d KiB: %d bytes, %v; libzstd holds %d bytes", int(8+c.mantissa)*128, n, err, mem)
		if c.ok && (err != nil || n != 6 || mem < 3<<19) {
			t.Fatalf("window 1.5 MiB: %d bytes, %v, libzstd holds %d bytes", n, err, mem)
		}
		if !c.ok && (!errors.Is(err, ErrCorrupt) || mem > 256<<10 || !strings.Contains(err.Error(), "over the limit")) {
			t.Fatalf("window 1.75 MiB: %v, libzstd holds %d bytes", err, mem)
		}
	}

	// The same options are refused as by klauspost.
	for _, w := range []uint64{1023, 1<<42 + 1} {
		if _, _, err := OpenWith(bytes.NewReader(zst(t, abc)), Options{ZstdMaxWindow: w}); err == nil {
			t.Errorf("ZstdMaxWindow %d accepted", w)
		}
	}
}

// An error from libzstd comes after every byte decoded before it (ZSTD_decompressStream does
// not report the bytes it wrote in a call that fails): the first block (128 KiB) of a frame
// is delivered when the second block's header or its data is damaged, whatever the read size.
func TestLibzstdDeliversBeforeError(t *testing.T) {
	text := benchutil.LogText(300<<10, 9)
	in := zst(t, text, zstd.WithEncoderCRC(true))
	hs, _, err := frameHeader(in)
	if err != nil {
		t.Fatal(err)
	}
	b1 := int(binary.LittleEndian.Uint32(append(in[hs:hs+3:hs+3], 0)) >> 3) // first block's size
	second := hs + 3 + b1                                                   // second block's header
	for _, c := range []struct {
		name   string
		damage func(d []byte)
	}{
		{"header: reserved block type", func(d []byte) { d[second] |= 6 }},
		{"data", func(d []byte) { copy(d[second+3:second+100], bytes.Repeat([]byte{0xff}, 97)) }},
	} {
		d := append([]byte{}, in...)
		c.damage(d)
		for _, size := range []int{1 << 20, 100 << 10, 4093} {
			rc, _, _ := Open(bytes.NewReader(d))
			got := readDecoded(rc, size, Zstd)
			if got.class != "corrupt" || len(got.out) < 128<<10 || !bytes.HasPrefix(text, got.out) {
				t.Fatalf("%s, reads of %d: %s (%v) after %d bytes", c.name, size, got.class, got.err, len(got.out))
			}
			t.Logf("%s, reads of %d: %d bytes, %v", c.name, size, len(got.out), got.err)
		}
	}
}

// The messages name what libzstd found.
func TestLibzstdMessages(t *testing.T) {
	// A content size 1000 bytes short of the frame's (klauspost writes 4 bytes for it here).
	text := benchutil.LogText(100<<10, 3)
	short := zst(t, text)
	if short[4]&0xe3 != 0xa0 {
		t.Fatalf("frame header % x: not single segment with a 4-byte content size", short[:9])
	}
	binary.LittleEndian.PutUint32(short[5:], uint32(len(text)-1000))
	for _, c := range []struct {
		in   []byte
		want string
	}{
		{short, "libzstd: Destination buffer is too small (the frame decodes to more than its header's content size)"},
		{rawFrame(0x20, []byte{2}, []byte("abc")), "libzstd: Data corruption detected"},
		{append(zst(t, []byte("hello")), "garbage"...), "zstd: unknown frame magic number 0x62726167"},
		{rawFrame(0, []byte{0xf8}, nil), "zstd: the frame's window of 2199023255552 bytes is over the limit of 134217728 (Options.ZstdMaxWindow)"},
	} {
		_, _, err := decodeAll(t, c.in)
		if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v, want %q", err, c.want)
		}
	}
	in := zst(t, []byte(strings.Repeat("hello\n", 100)), zstd.WithEncoderCRC(true))
	in[len(in)-1] ^= 1
	_, _, err := decodeAll(t, in)
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "libzstd: Restored data doesn't match checksum") {
		t.Errorf("checksum: %v", err)
	}
}

// BenchmarkZstdDecoder compares the libzstd and klauspost builds' decoders on 64 MiB of log
// text (zstd level 3 with checksum), read in 1 MiB blocks: MB/s of decoded bytes, and for
// libzstd the C memory of a stream (its context and buffers, and the input buffer).
func BenchmarkZstdDecoder(b *testing.B) {
	text, _, zsd := benchData(b)
	for _, c := range []struct {
		name string
		open func(io.Reader) io.ReadCloser
	}{
		{"libzstd", func(r io.Reader) io.ReadCloser { rc, _, _ := Open(r); return rc }},
		{"klauspost", func(r io.Reader) io.ReadCloser { return openKlauspostZstd(b, r, Options{}) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			buf := make([]byte, 1<<20)
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			c0 := benchutil.CPUTime()
			for b.Loop() {
				rc := c.open(bytes.NewReader(zsd))
				n := drain(b, rc, buf)
				if d, ok := rc.(*decoder).dec.(*libzstdReader); ok {
					// C memory, which ReportAllocs does not see.
					b.ReportMetric(float64(d.memory()+len(d.in)), "C-B/op")
				}
				rc.Close()
				if n != len(text) {
					b.Fatalf("%d bytes, want %d", n, len(text))
				}
			}
			benchutil.ReportCPU(b, c0, int64(len(text)))
		})
	}
}
