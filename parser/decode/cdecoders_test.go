//go:build (isal || libzstd) && cgo

package decode

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/azlogscan/azlogscan/parser/internal/benchutil"
)

// What the differential tests of the C decoders (isal_test.go, libzstd_test.go) share: they
// decode the same bytes with this build's Open and with the default build's klauspost reader,
// and compare what each delivered and how it ended.

// decoded is what a decoder delivered and how it ended.
type decoded struct {
	out   []byte
	class string // "none", "unexpected EOF", "corrupt", "I/O" or a description of a wrong error
	err   error
}

// readDecoded reads rc to the end with reads of size n and classifies the error, which must
// be an *Error of format f whose Offset is the number of bytes delivered.
func readDecoded(rc io.ReadCloser, n int, f Format) decoded {
	defer rc.Close()
	var out []byte
	buf := make([]byte, n)
	var err error
	for {
		var m int
		m, err = rc.Read(buf)
		out = append(out, buf[:m]...)
		if err != nil {
			break
		}
	}
	res := decoded{out: out, err: err}
	var de *Error
	switch {
	case err == io.EOF:
		res.class = "none"
	case !errors.As(err, &de) || de.Format != f || de.Offset != int64(len(out)):
		res.class = fmt.Sprintf("bad error %#v after %d bytes", err, len(out))
	case !de.Corrupt:
		res.class = "I/O"
	case errors.Is(err, io.ErrUnexpectedEOF):
		res.class = "unexpected EOF"
	case errors.Is(err, ErrCorrupt):
		res.class = "corrupt"
	default:
		res.class = fmt.Sprintf("bad error %v", err)
	}
	return res
}

// checkAgainstRef checks got (this build) against ref (the klauspost build) on the same
// stream: the same error class; the bytes one delivered are a prefix of the other's; equal
// bytes when both succeed; when want is not nil, got's bytes are a prefix of it.
func checkAgainstRef(t *testing.T, name string, got, ref decoded, want []byte) {
	t.Helper()
	if got.class != ref.class {
		t.Fatalf("%s: error class %q (%v), the klauspost build %q (%v); %d and %d bytes delivered", name, got.class, got.err, ref.class, ref.err, len(got.out), len(ref.out))
	}
	short, long := got.out, ref.out
	if len(short) > len(long) {
		short, long = long, short
	}
	if !bytes.HasPrefix(long, short) {
		t.Fatalf("%s: delivered bytes differ from the klauspost build's at %d", name, commonPrefix(got.out, ref.out))
	}
	if got.class == "none" && !bytes.Equal(got.out, ref.out) {
		t.Fatalf("%s: both succeed, %d and %d bytes", name, len(got.out), len(ref.out))
	}
	if want != nil && !bytes.HasPrefix(want, got.out) {
		t.Fatalf("%s: delivered bytes differ from the original at %d", name, commonPrefix(got.out, want))
	}
}

// testStream is a stream of a differential test and what it must give.
type testStream struct {
	name    string
	in      []byte
	want    []byte // the decoded bytes; nil: damaged on purpose
	wantErr string // the class expected for a damaged stream
}

// streamList collects the streams of a differential test.
type streamList []testStream

// add adds a stream that must decode to want (nil: to nothing).
func (l *streamList) add(name string, in, want []byte) {
	if want == nil {
		want = []byte{}
	}
	*l = append(*l, testStream{name: name, in: in, want: want})
}

// texts returns log texts of sizes from 0 bytes to a few MiB (the same sizes for a seed),
// for the streams of a differential test.
func texts(seed uint64) [][]byte {
	rng := rand.New(rand.NewPCG(seed, seed+1))
	var out [][]byte
	for i, size := range []int{0, 1, 100, 4093, 65536 + 17, 300 << 10, 2<<20 + rng.IntN(1<<20)} {
		if i >= 2 {
			size += rng.IntN(size)
		}
		out = append(out, benchutil.LogText(size, uint64(i))[:size])
	}
	return out
}
