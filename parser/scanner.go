package parser

import (
	"bytes"
	"io"
	"time"
)

// Sizes of the scanner's bounded window. Memory use is about
// BlockSize + MaxRecord + MaxBack whatever the input's size or line length.
const (
	// BlockSize is how much is read at once.
	BlockSize = 1 << 20
	// MaxRecord bounds one record (a multi-line block, a JSON log line): a
	// longer one is cut there, and a hit inside a longer line is parsed from a
	// window around it.
	MaxRecord = 256 << 10
	// MaxBack bounds how far before a hit the scanner looks for the start of
	// its line or record.
	MaxBack = 64 << 10
	// maxRecordLines bounds the number of lines one record may span.
	maxRecordLines = 400
	// mergeGap is how many lines may separate two records of one failure.
	mergeGap = 40
)

// Options tune a Scanner. The zero value is ready to use.
type Options struct {
	// Idle, when positive, makes the scanner read in a goroutine and emit a
	// finding still being assembled once the input has been quiet this long,
	// so that a live pipe (tail -f) shows findings as they happen.
	Idle time.Duration
	// NoSecretFindings turns off the "secret exposed in log" findings.
	// Redaction itself cannot be turned off.
	NoSecretFindings bool
}

// Stats counts what a scan has seen.
type Stats struct {
	Bytes        int64 // bytes read
	Lines        int64 // lines read (newlines, plus a last unterminated line)
	Records      int64 // records parsed (around trigger hits)
	LongLines    int64 // lines longer than MaxRecord, parsed in windows
	CutRecords   int64 // records cut at MaxRecord or maxRecordLines
	Findings     int64 // findings emitted
	SecretsFound int64 // secret values redacted
}

// ReadError is an I/O or decoding error met while reading a named input. The
// findings before it have been delivered.
type ReadError struct {
	Name   string // log.file.path
	Offset int64  // bytes read successfully before the error
	Line   int64  // line reached (1-based)
	Err    error
}

func (e *ReadError) Error() string {
	return e.Name + ":" + itoa(e.Line) + ": read error after " + itoa(e.Offset) + " bytes: " + e.Err.Error()
}

func (e *ReadError) Unwrap() error { return e.Err }

// Scanner reads a log and yields its findings, in the shape of bufio.Scanner:
//
//	s := parser.NewScanner(r, "app.log", parser.Options{})
//	for s.Scan() {
//		f := s.Finding()
//		...
//	}
//	if err := s.Err(); err != nil { ... }
//
// The *Finding returned by Finding is valid until the next call to Scan; its
// strings do not alias the input buffer, so a caller may keep them, but must
// copy the Finding itself (or its slices) to keep it past the next Scan.
//
// Only an I/O error ends a scan early; a malformed record, binary data or an
// overlong line is skipped or parsed from a window and counted in Stats.
type Scanner struct {
	r    io.Reader
	name string
	opt  Options

	buf    []byte // window: buf[:end] holds input from offset base
	end    int
	base   int64 // input offset of buf[0]
	pos    int   // next byte to search
	eof    bool
	err    error // read error, reported once the window is drained
	rerr   error // terminal error for Err
	hits   hitCache
	lines  lineCounter
	group  grouper
	out    []*Finding // ready to hand out
	cur    *Finding
	stats  Stats
	chunks chan chunk // Idle mode
	carry  []byte     // Idle mode: the part of a chunk that did not fit
	idle   *time.Timer
	done   int // end of the last processed record: records never overlap
}

type chunk struct {
	b   []byte
	err error
}

// NewScanner returns a Scanner reading r; name is the log.file.path of its
// findings ("-" for standard input).
func NewScanner(r io.Reader, name string, opt Options) *Scanner {
	s := &Scanner{
		r:    r,
		name: name,
		opt:  opt,
		buf:  make([]byte, BlockSize+MaxRecord+MaxBack),
	}
	s.lines.line = 1
	s.group.s = s
	s.hits.reset()
	if opt.Idle > 0 {
		s.chunks = make(chan chunk, 1)
		go readChunks(r, s.chunks)
	}
	return s
}

func readChunks(r io.Reader, ch chan<- chunk) {
	for {
		b := make([]byte, 64<<10)
		n, err := r.Read(b)
		if n > 0 {
			ch <- chunk{b: b[:n]}
		}
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			ch <- chunk{err: err}
			close(ch)
			return
		}
	}
}

// Stats returns the counts so far.
func (s *Scanner) Stats() Stats { return s.stats }

// Finding returns the finding of the last successful Scan.
func (s *Scanner) Finding() *Finding { return s.cur }

// Err returns the I/O error that ended the scan, if any, as a *ReadError.
func (s *Scanner) Err() error { return s.rerr }

// Scan advances to the next finding, reading as much input as it needs.
func (s *Scanner) Scan() bool {
	for {
		if len(s.out) > 0 {
			s.cur = s.out[0]
			s.out[0] = nil
			s.out = s.out[1:]
			s.stats.Findings++
			return true
		}
		if s.rerr != nil || (s.eof && s.pos >= s.end && s.group.empty()) {
			s.cur = nil
			return false
		}
		if !s.step() {
			// Input ended (or failed): flush what is being assembled.
			s.group.flush()
			if len(s.out) == 0 {
				if s.err != nil && s.rerr == nil {
					s.rerr = &ReadError{Name: s.name, Offset: s.base + int64(s.end), Line: s.lines.at(s.buf, s.end), Err: s.err}
				}
				s.cur = nil
				return false
			}
		}
	}
}

// step processes the next hit in the window, or reads more input. It returns
// false when the input is exhausted and the window fully processed.
func (s *Scanner) step() bool {
	if s.pos < s.end {
		h := s.hits.next(s.buf[:s.end], s.pos)
		if h >= 0 {
			if s.processHit(h) {
				return true
			}
			// The record around h needs more input than the window holds.
		} else {
			// No hit in the rest of the window.
			if s.eof {
				s.pos = s.end
			} else {
				// Keep the last partial line: a trigger may straddle reads.
				s.pos = max(s.pos, s.end-maxTriggerLen)
			}
			if s.group.pending() && s.lines.at(s.buf, s.pos) > s.group.lastLine+mergeGap {
				s.group.flush()
			}
		}
	}
	if s.eof {
		return s.pos < s.end
	}
	return s.fill()
}

// fill makes room and reads more input; false at end of input.
func (s *Scanner) fill() bool {
	// Keep up to MaxBack before pos, from a line start and never before the
	// end of the last record, so that the start of a record can still be
	// found when its hit arrives in a later read.
	keep := max(s.done, s.pos-MaxBack)
	if keep < s.pos && keep != s.done {
		if i := bytes.IndexByte(s.buf[keep:s.pos], '\n'); i >= 0 {
			keep += i + 1
		}
	}
	if len(s.buf)-s.end >= BlockSize/2 {
		keep = 0 // room enough: move nothing (small reads stay O(n))
	}
	if keep > 0 {
		s.lines.at(s.buf, keep)
		n := copy(s.buf, s.buf[keep:s.end])
		s.base += int64(keep)
		s.end = n
		s.pos -= keep
		s.done = max(0, s.done-keep)
		s.lines.shift(keep)
		s.hits.shift(keep)
	}
	if s.end >= len(s.buf) {
		// Window full without a processable hit: should not happen (records are
		// bounded), but never loop: drop the oldest half.
		half := len(s.buf) / 2
		s.lines.at(s.buf, half)
		n := copy(s.buf, s.buf[half:s.end])
		s.base += int64(half)
		s.end = n
		s.pos = max(0, s.pos-half)
		s.done = max(0, s.done-half)
		s.lines.shift(half)
		s.hits.shift(half)
	}
	if s.chunks != nil {
		return s.fillChunks()
	}
	for {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		s.stats.Bytes += int64(n)
		if err != nil {
			s.eof = true
			if err != io.EOF {
				s.err = err
			}
			s.hits.reset()
			return s.pos < s.end || n > 0
		}
		if n > 0 {
			s.hits.grow()
			return true
		}
	}
}

// fillChunks is fill for Idle mode: it waits for the reader goroutine, and
// when the input stays quiet for Options.Idle, emits what is pending.
func (s *Scanner) fillChunks() bool {
	for {
		var c chunk
		var ok bool
		if len(s.carry) > 0 {
			c, ok = chunk{b: s.carry}, true
			s.carry = nil
		} else if s.group.pending() || s.pos < s.end {
			if s.idle == nil {
				s.idle = time.NewTimer(s.opt.Idle)
			} else {
				s.idle.Reset(s.opt.Idle)
			}
			select {
			case c, ok = <-s.chunks:
				s.idle.Stop()
			case <-s.idle.C:
				// Quiet: treat what we have as complete for now.
				s.quiet()
				if len(s.out) > 0 {
					return true
				}
				continue
			}
		} else {
			c, ok = <-s.chunks
		}
		if !ok {
			s.eof = true
			s.hits.reset()
			return s.pos < s.end
		}
		if c.err != nil {
			s.eof = true
			s.err = c.err
			s.hits.reset()
			return s.pos < s.end
		}
		if len(c.b) > len(s.buf)-s.end {
			// Larger than the room left: take what fits, keep the rest.
			n := copy(s.buf[s.end:], c.b)
			s.end += n
			s.stats.Bytes += int64(n)
			s.carry = c.b[n:]
			s.hits.grow()
			return true
		}
		s.end += copy(s.buf[s.end:], c.b)
		s.stats.Bytes += int64(len(c.b))
		s.hits.grow()
		return true
	}
}

// quiet handles a pause of a live input: the records in the window are parsed
// as if the input ended here, and what is pending is emitted.
func (s *Scanner) quiet() {
	s.eof = true
	s.hits.reset()
	for s.pos < s.end {
		h := s.hits.next(s.buf[:s.end], s.pos)
		if h < 0 {
			// Keep an unterminated last line for when more arrives.
			if nl := bytes.LastIndexByte(s.buf[s.pos:s.end], '\n'); nl >= 0 {
				s.pos += nl + 1
			}
			break
		}
		if !s.processHit(h) {
			break
		}
	}
	s.group.flush()
	s.eof = false
	s.hits.reset()
}

// processHit parses the record around the trigger at h. It returns false when
// the record may continue past the data read so far (the caller reads more).
func (s *Scanner) processHit(h int) bool {
	buf := s.buf[:s.end]
	start, long := recordStart(buf, h, s.done)
	end, complete, cut := recordEnd(buf, start, h, long, s.eof)
	if !complete {
		if s.end-start < MaxRecord+MaxBack && !s.eof {
			// Wait for more input; fill keeps from the line holding pos.
			s.pos = min(start, h)
			return false
		}
		cut = true
	}
	s.stats.Records++
	if long {
		s.stats.LongLines++
	}
	if cut {
		s.stats.CutRecords++
	}
	line := s.lines.at(buf, start)
	s.group.add(buf[start:end], s.base+int64(start), line, long)
	nl := bytes.Count(buf[start:end], nlByte)
	s.group.lastLine = line + int64(nl)
	if end <= h {
		end = h + 1
	}
	s.pos = end
	s.done = end
	return true
}

var nlByte = []byte{'\n'}

// lineCounter maps window positions to 1-based line numbers, counting
// newlines lazily and only forward.
type lineCounter struct {
	pos  int   // window position counted up to
	line int64 // line number at pos
}

func (c *lineCounter) at(buf []byte, p int) int64 {
	if p > c.pos {
		c.line += int64(bytes.Count(buf[c.pos:p], nlByte))
		c.pos = p
	} else if p < c.pos {
		return c.line - int64(bytes.Count(buf[p:c.pos], nlByte))
	}
	return c.line
}

func (c *lineCounter) shift(n int) { c.pos -= n }

func itoa(n int64) string {
	var b [20]byte
	i := len(b)
	neg := n < 0
	if neg {
		n = -n
	}
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}
