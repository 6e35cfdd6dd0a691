package parser

import (
	"bytes"
	"context"
	"errors"
	"io"
	"sync"
	"time"

	"github.com/azlogscan/azlogscan/parser/internal/multi"
)

// Sizes of the scanner's bounded window. Memory use is about
// BlockSize + MaxRecord + MaxBack for the window, and ReadAhead for the
// read-ahead blocks, whatever the input's size or line length.
const (
	// BlockSize is how much the window holds beyond what it keeps of
	// records (it takes several read-ahead blocks between moves).
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
	// Context, when set, stops the scan once it is done: Scan returns
	// false after the findings of what was read, and Err returns a
	// *ReadError wrapping the context's error. It is checked between reads,
	// and ends a wait on a live input (Idle) at once.
	Context context.Context
	// NoSecretFindings turns off the "secret exposed in log" findings.
	// Redaction itself cannot be turned off.
	NoSecretFindings bool
	// Decompressing says that reading r decompresses. One goroutine then
	// does all the reading, so that the decoder's state stays in one core's
	// cache, and another searches the blocks it fills.
	Decompressing bool
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
	SecretLines  int64 // lines holding a secret (block-level search, see SetSecretFinder)
}

// A SecretHit is a secret a SecretFinder found: its kind (e.g. "jwt") and
// where its value starts in the block searched.
type SecretHit struct {
	Kind  string
	Start int
}

// SecretFinder appends to dst the secrets in block, in order of position.
// It must not retain block, must be safe for concurrent use, and should not
// allocate when block holds no secret: it runs over every byte of the input.
type SecretFinder func(dst []SecretHit, block []byte) []SecretHit

// secretFinder is the installed SecretFinder; see SetSecretFinder.
var secretFinder SecretFinder

// SetSecretFinder installs the function that searches every block of input,
// noise included, for secrets, so that a line holding a secret anywhere yields
// a KindSecretExposure finding (kind and file:line, never the value), at most
// one per line and kind, in order with the other findings. parser/redact
// provides it; cmd/azlogscan installs it. Without it only secrets inside
// failure records are reported (by the Redactor). It must be called before any
// Scanner runs.
func SetSecretFinder(f SecretFinder) { secretFinder = f }

// A WordAt is where one of the words given to SetSecretWords starts in a
// piece of input, and which word it is (its index in the list).
type WordAt = multi.Match

// SecretFinderAt is a SecretFinder that is also told where the words given
// with it to SetSecretWords occur in piece: every occurrence that starts and
// ends within piece, in order of position, each with the first word of the
// list that starts there. It must find what the SecretFinder would.
type SecretFinderAt func(dst []SecretHit, piece []byte, at []WordAt) []SecretHit

var (
	secretWords    *multi.Set // see SetSecretWords
	secretFinderAt SecretFinderAt
)

// SetSecretWords tells the read-ahead workers which literal words every
// secret the SecretFinder finds contains: they then search each block for
// them and for the triggers in one pass, and hand what they found to f
// instead of running the SecretFinder. Like SetSecretFinder, it must be
// called before any Scanner runs; the SecretFinder still searches what the
// workers cannot (the lines across blocks). A nil f removes the words.
func SetSecretWords(words [][]byte, f SecretFinderAt) {
	if f == nil {
		secretWords, secretFinderAt = nil, nil
		return
	}
	secretWords, secretFinderAt = multi.New(words), f
}

// Bounds of the block-level secret search on lines longer than MaxBack: a
// line is searched in pieces, each overlapping the previous by secretOverlap.
const (
	secretFwd     = 16 << 10
	secretOverlap = 256
)

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

	buf        []byte // window: buf[:end] holds input from offset base
	end        int
	base       int64 // input offset of buf[0]
	pos        int   // next byte to search
	eof        bool
	err        error // read error, reported once the window is drained
	rerr       error // terminal error for Err
	hits       hitCache
	lines      lineCounter
	lineEnd    int64 // the line at s.end: 1 + the newlines before it
	lastNL     bool  // the input read so far ends with a newline
	group      grouper
	out        []*Finding // ready to hand out
	cur        *Finding
	stats      Stats
	chunks     chan chunk  // from the read-ahead workers
	free       chan *block // spare blocks back to it
	carry      []byte      // the part of a chunk that did not fit
	held       *block      // the block carry is in, handed back once used
	own        []byte      // the scanner's own window buffer (windowPool)
	win        *block      // the block the window is in (makeRoom), or nil: own
	readerDone bool        // the read-ahead workers closed chunks
	idle       *time.Timer
	done       int // end of the last processed record: records never overlap

	// Block-level secret search (SetSecretFinder).
	sp       int         // window position searched for secrets up to
	slines   lineCounter // line numbers for the secret search
	secq     []*Finding  // line-level secret findings not yet handed out, by offset
	secLine  int64       // line of the last line-level secret finding
	secKinds []string    // kinds already reported on secLine
	seen     []seenSecret
	shits    []SecretHit // reused by scanSecrets
}

// seenSecret is a line-level secret finding, kept while a record may still
// cover it, so that the record's own finding for it is not made twice.
type seenSecret struct {
	offset int64 // of the secret
	kind   string
}

// block is one of the scanner's read-ahead buffers. A read-ahead worker
// fills b[:n] (all of it, or on a live input what has arrived), then
// searches it: for the triggers, and, when the scanner reports secrets, the
// complete lines in it, b[lo:hi], for secrets. The line that straddles two
// blocks, and lines too long to fit in one, are searched by the scanner.
type block struct {
	mem    []byte // blockPrefix bytes of room, then b
	b      []byte
	n      int
	lo, hi int           // the lines searched for secrets; hi == 0: none
	hits   []SecretHit   // the secrets found there; Start is a position in b
	trig   []int32       // where a trigger starts in b[:n] (and ends there too), ascending
	tline  []int32       // the newlines in b before each trig
	ms     []multi.Match // scratch for the trigger search
	sms    []multi.Match // the secret words (SetSecretWords) in b[:n]
	pms    []multi.Match // those of one piece, for secretFinderAt
	nl     int64         // the newlines in b[:n]
	ready  chan struct{}
}

// chunk is a block from the read-ahead workers, or their read error.
type chunk struct {
	blk *block
	err error
}

// readSize is how much a read-ahead worker reads into one block: small
// enough that the block is still in the worker's cache while it searches
// it, large enough that the hand-overs between goroutines stay few (256 KiB
// blocks were slower than 512 KiB and 1 MiB ones on a busy machine).
const readSize = 512 << 10

// blockPrefix is the room before a block's bytes: the scanner moves the
// bytes it keeps of its window there (makeRoom), usually MaxBack and the
// part of a line, and goes on in the block instead of copying the block.
const blockPrefix = MaxBack + 4<<10

// The window and the read-ahead buffers of finished scanners are reused: a
// batch of many small files does not allocate (and clear) megabytes each.
var (
	windowPool = sync.Pool{New: func() any { b := make([]byte, BlockSize+MaxRecord+MaxBack); return &b }}
	blockPool  = sync.Pool{New: func() any {
		mem := make([]byte, blockPrefix+readSize)
		return &block{
			mem:   mem,
			b:     mem[blockPrefix:],
			trig:  make([]int32, 0, 1024),
			tline: make([]int32, 0, 1024),
			ms:    make([]multi.Match, 0, 1024),
			sms:   make([]multi.Match, 0, 1024),
			pms:   make([]multi.Match, 0, 256),
			ready: make(chan struct{}, 1),
		}
	}}
)

// release hands the scanner's buffers back to the pools once the
// read-ahead workers have ended (one closed s.chunks) and the input is
// processed; a Scanner whose workers may still run keeps them.
func (s *Scanner) release() {
	if !s.readerDone || s.buf == nil {
		return
	}
	for {
		select {
		case b := <-s.free:
			blockPool.Put(b)
			continue
		default:
		}
		break
	}
	if s.win != nil {
		blockPool.Put(s.win)
		s.win = nil
	}
	w := s.own
	windowPool.Put(&w)
	s.buf, s.own = nil, nil
}

// Read-ahead: readWorkers goroutines take turns reading the input into
// blocks, in order, and each searches the block it read while the other
// reads the next one; the scanner parses what they hand over. A
// decompressing input (Options.Decompressing) has one reader, and another
// goroutine searches. readBlocks blocks circulate between them and the
// scanner.
const (
	readWorkers = 2
	readBlocks  = 5
	// ReadAhead is the memory of a Scanner's read-ahead blocks.
	ReadAhead = readBlocks * (blockPrefix + readSize)
)

// NewScanner returns a Scanner reading r; name is the log.file.path of its
// findings ("-" for standard input).
//
// The Scanner reads r in goroutines of its own, ahead of the parsing; they
// end at the end of r, at a read error, or when Options.Context is done.
// Reading stops being ahead if nobody calls Scan: a Scanner left before the
// end of its input (without a Context) keeps its goroutines, and r, until
// the program ends.
func NewScanner(r io.Reader, name string, opt Options) *Scanner {
	s := &Scanner{
		r:    r,
		name: name,
		opt:  opt,
		own:  *windowPool.Get().(*[]byte),
	}
	s.buf = s.own
	s.lines.line = 1
	s.slines.line = 1
	s.lineEnd = 1
	s.group.s = s
	s.hits.reset()
	s.chunks = make(chan chunk, readBlocks)
	s.free = make(chan *block, readBlocks)
	for range readBlocks {
		s.free <- blockPool.Get().(*block)
	}
	ra := &readAhead{
		r:      r,
		ch:     s.chunks,
		free:   s.free,
		turn:   make(chan struct{}, 1),
		stop:   make(chan struct{}),
		full:   opt.Idle <= 0, // a live input's blocks are passed on as soon as anything arrives
		search: secretFinder != nil && !opt.NoSecretFindings,
	}
	if opt.Context != nil {
		ra.done = opt.Context.Done()
	}
	ra.turn <- struct{}{}
	if opt.Decompressing {
		ra.toSearch = make(chan *block, readBlocks)
		go func() {
			ra.work()
			close(ra.toSearch)
		}()
		go func() {
			for blk := range ra.toSearch {
				blk.search(ra.search)
				blk.ready <- struct{}{}
			}
		}()
		return s
	}
	for range readWorkers {
		go ra.work()
	}
	return s
}

// readAhead is what the read-ahead workers share.
type readAhead struct {
	r        io.Reader
	ch       chan<- chunk    // blocks in input order, then a read error; closed at the end
	free     chan *block     // spare blocks, from the scanner
	turn     chan struct{}   // held while reading: one reader at a time, in order
	done     <-chan struct{} // Options.Context
	toSearch chan *block     // Decompressing: the one reader's blocks, to search
	full     bool            // wait for a block to be full (or the input to end)
	search   bool            // search the blocks' complete lines for secrets
	stop     chan struct{}   // closed with ch
	ended    bool            // ch is closed; guarded by turn
}

// work reads the next part of the input into a block and sends it on ch
// (both in its turn, so that blocks go out in input order), then searches
// it and marks it ready; until the input ends, fails, or done.
func (ra *readAhead) work() {
	for {
		var blk *block
		select {
		case blk = <-ra.free:
		case <-ra.stop:
			return
		case <-ra.done:
			ra.end()
			return
		}
		select {
		case <-ra.turn:
		case <-ra.stop:
			ra.free <- blk
			return
		case <-ra.done:
			ra.free <- blk
			ra.end()
			return
		}
		if ra.ended {
			ra.turn <- struct{}{}
			ra.free <- blk
			return
		}
		b := blk.b[:cap(blk.b)]
		n := 0
		var err error
		for n < len(b) && err == nil {
			var m int
			m, err = ra.r.Read(b[n:])
			n += m
			if !ra.full && n > 0 {
				break
			}
		}
		blk.n = n
		sent := false
		if n > 0 {
			select {
			case ra.ch <- chunk{blk: blk}:
				sent = true
			case <-ra.done:
				err = errDone
			}
		}
		if err != nil {
			if err != io.EOF && err != errDone {
				select {
				case ra.ch <- chunk{err: err}:
				case <-ra.done:
				}
			}
			ra.close()
		}
		ra.turn <- struct{}{}
		if !sent {
			ra.free <- blk
			return
		}
		if ra.toSearch != nil {
			ra.toSearch <- blk
		} else {
			blk.search(ra.search)
			blk.ready <- struct{}{}
		}
		if err != nil {
			return
		}
	}
}

// errDone stands for Options.Context being done in work.
var errDone = errors.New("done")

// end closes ch, unless a worker did.
func (ra *readAhead) end() {
	<-ra.turn
	if !ra.ended {
		ra.close()
	}
	ra.turn <- struct{}{}
}

// close ends the input, in a worker's turn: it closes ch, and stop so that
// the other worker, waiting for a block or its turn, ends too.
func (ra *readAhead) close() {
	ra.ended = true
	close(ra.ch)
	close(ra.stop)
}

// search finds the triggers in b[:n], and the secrets in its complete
// lines when secrets is set.
func (blk *block) search(secrets bool) {
	b := blk.b[:blk.n]
	blk.lo, blk.hi, blk.hits, blk.trig, blk.tline = 0, 0, blk.hits[:0], blk.trig[:0], blk.tline[:0]
	var nl, last int
	words := secrets && secretWords != nil
	if words {
		blk.ms, blk.sms = multi.AppendPair(triggerSet, secretWords, blk.ms[:0], blk.sms[:0], b)
	} else {
		blk.ms = triggerSet.AppendAll(blk.ms[:0], b)
	}
	for _, m := range blk.ms {
		p := int(m.Pos)
		nl += bytes.Count(b[last:p], nlByte)
		last = p
		blk.trig = append(blk.trig, int32(p))
		blk.tline = append(blk.tline, int32(nl))
	}
	blk.nl = int64(nl + bytes.Count(b[last:], nlByte))
	if secrets {
		first := bytes.IndexByte(b, '\n')
		last := bytes.LastIndexByte(b, '\n')
		if first >= 0 && last > first {
			blk.lo, blk.hi = first+1, last+1
			if words {
				blk.hits = blk.searchLinesAt(blk.hits, blk.b, blk.lo, blk.hi)
			} else {
				blk.hits, _ = searchLines(blk.hits, blk.b, blk.lo, blk.hi)
			}
		}
	}
}

// Stats returns the counts so far.
func (s *Scanner) Stats() Stats {
	st := s.stats
	st.Lines = s.lineEnd - 1
	if st.Bytes > 0 && !s.lastNL {
		st.Lines++
	}
	return st
}

// Finding returns the finding of the last successful Scan.
func (s *Scanner) Finding() *Finding { return s.cur }

// Err returns the I/O error that ended the scan, if any, as a *ReadError.
func (s *Scanner) Err() error { return s.rerr }

// Scan advances to the next finding, reading as much input as it needs.
func (s *Scanner) Scan() bool {
	for {
		if f := s.next(false); f != nil {
			s.cur = f
			s.stats.Findings++
			return true
		}
		if s.rerr != nil || (s.eof && s.pos >= s.end && s.group.empty()) {
			s.setErr()
			return s.last()
		}
		if !s.step() {
			// Input ended (or failed): flush what is being assembled.
			s.group.flush()
			if len(s.out) == 0 {
				s.setErr()
				return s.last()
			}
		}
	}
}

// setErr makes the read error that ended the input, if any, the scan's.
// It is set whatever findings are still to hand out: they came before it.
func (s *Scanner) setErr() {
	if s.err != nil && s.rerr == nil {
		s.rerr = &ReadError{Name: s.name, Offset: s.base + int64(s.end), Line: s.lineEnd, Err: s.err}
	}
}

// last hands out what is left at the end of the input.
func (s *Scanner) last() bool {
	if f := s.next(true); f != nil {
		s.cur = f
		s.stats.Findings++
		return true
	}
	s.cur = nil
	s.release()
	return false
}

// next returns the next finding ready to hand out, or nil. Line-level secret
// findings are merged by offset with the others: one is handed out once no
// finding still to come can start before it (final: none can).
func (s *Scanner) next(final bool) *Finding {
	if len(s.secq) > 0 {
		q := s.secq[0]
		if len(s.out) > 0 && q.Offset < s.out[0].Offset || len(s.out) == 0 && (final || q.Offset < s.bound()) {
			s.secq[0] = nil
			s.secq = s.secq[1:]
			return q
		}
	}
	if len(s.out) > 0 {
		f := s.out[0]
		s.out[0] = nil
		s.out = s.out[1:]
		return f
	}
	return nil
}

// bound is an offset before which no finding still to come starts: records
// are parsed in order from s.done, and the pending ones start at their own.
func (s *Scanner) bound() int64 {
	b := s.base + int64(s.done)
	for _, c := range s.group.cluster {
		b = min(b, c.f.Offset)
	}
	return b
}

// step processes the next hit in the window, or reads more input. It returns
// false when the input is exhausted and the window fully processed.
func (s *Scanner) step() bool {
	if s.pos < s.end {
		h, hl := s.hits.next(s.buf[:s.end], s.pos)
		if h >= 0 {
			if s.processHit(h, hl) {
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
			if s.group.pending() && s.lineAt(&s.lines, s.pos) > s.group.lastLine+mergeGap {
				s.group.flush()
			}
		}
	}
	if s.eof {
		return s.pos < s.end
	}
	ok := s.fill()
	s.scanSecrets(0)
	return ok
}

// fill makes room and reads more input; false at end of input.
func (s *Scanner) fill() bool { return s.fillChunks() }

// makeRoom makes room in the window for the next bytes: those of blk (read
// and searched) or, with blk nil, the rest of the held block. With room
// enough it moves nothing (small reads stay O(n)). Otherwise it keeps the
// window's tail, from up to MaxBack before pos (from a line start, never
// before the end of the last record, so that the start of a record can
// still be found when its hit arrives in a later read), and moves it
// either right before blk's bytes, where the scanner then goes on
// (swapped: blk is the window now and nothing else is copied), or to the
// front of the scanner's own window, into which the bytes are then copied.
func (s *Scanner) makeRoom(blk *block) (swapped bool) {
	if len(s.buf)-s.end >= BlockSize/2 {
		return false
	}
	keep := max(s.done, s.pos-MaxBack)
	if keep < s.pos && keep != s.done {
		if i := bytes.IndexByte(s.buf[keep:s.pos], '\n'); i >= 0 {
			keep += i + 1
		}
	}
	if keep > 0 {
		s.scanSecrets(keep) // nothing leaves the window unsearched
		s.anchorLines(keep)
	}
	if tail := s.end - keep; blk != nil && tail <= blockPrefix && tail <= blk.n {
		s.moveTail(keep, blk.mem[blockPrefix-tail:], blk)
		return true
	}
	if s.win != nil || keep > 0 {
		s.moveTail(keep, s.own, nil)
	}
	if s.end >= len(s.buf) {
		// Window full without a processable hit: should not happen (records are
		// bounded), but never loop: drop the oldest half.
		half := len(s.buf) / 2
		s.scanSecrets(half)
		s.anchorLines(half)
		s.moveTail(half, s.own, nil)
	}
	return false
}

// moveTail moves the window's bytes from keep on to the start of dst, which
// becomes the window: the scanner's own buffer (win nil), or the room
// before the bytes of block win. A block that was the window goes back to
// the read-ahead workers.
func (s *Scanner) moveTail(keep int, dst []byte, win *block) {
	n := copy(dst, s.buf[keep:s.end])
	if s.win != nil && s.win != win {
		s.free <- s.win
	}
	s.buf, s.win = dst, win
	s.sp = max(0, s.sp-keep) // a cut line may have left sp just before keep
	s.slines.shift(keep)
	s.base += int64(keep)
	s.end = n
	s.pos = max(0, s.pos-keep)
	s.done = max(0, s.done-keep)
	s.lines.shift(keep)
	s.hits.shift(keep)
}

// stopped reports whether Options.Context is done, and if so ends the input.
func (s *Scanner) stopped() bool {
	if s.opt.Context == nil || s.opt.Context.Err() == nil {
		return false
	}
	s.eof = true
	s.err = s.opt.Context.Err()
	s.hits.reset()
	return true
}

// fillChunks appends the next chunk from the read-ahead workers to the
// window. In Idle mode, when the input stays quiet for Options.Idle, it
// emits what is pending instead.
func (s *Scanner) fillChunks() bool {
	var done <-chan struct{}
	if s.opt.Context != nil {
		done = s.opt.Context.Done()
	}
	for {
		if s.stopped() {
			return s.pos < s.end
		}
		if len(s.carry) > 0 {
			blk := s.held
			s.makeRoom(nil)
			s.countLines(s.take(s.carry))
			if s.held == nil {
				s.free <- blk // split: its results are not used, the window is searched
			}
			return true
		}
		var c chunk
		var ok bool
		if s.opt.Idle > 0 && (s.group.pending() || s.pos < s.end) {
			if s.idle == nil {
				s.idle = time.NewTimer(s.opt.Idle)
			} else {
				s.idle.Reset(s.opt.Idle)
			}
			select {
			case <-done:
				s.idle.Stop()
				continue
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
			select {
			case <-done:
				continue
			case c, ok = <-s.chunks:
			}
		}
		if !ok {
			s.readerDone = true
			s.eof = true
			s.hits.reset()
			return s.pos < s.end
		}
		if c.err != nil {
			s.readerDone = true // it sends nothing after an error
			s.eof = true
			s.err = c.err
			s.hits.reset()
			return s.pos < s.end
		}
		<-c.blk.ready
		swapped := s.makeRoom(c.blk)
		w0, l0 := s.end, s.lineEnd
		var taken []byte
		if swapped {
			// The block's bytes follow the tail in the window already.
			taken = s.buf[s.end : s.end+c.blk.n]
			s.end += c.blk.n
			s.stats.Bytes += int64(c.blk.n)
			s.lastNL = taken[len(taken)-1] == '\n'
		} else {
			s.held = c.blk
			taken = s.take(c.blk.b[:c.blk.n])
		}
		if s.held == nil {
			// All of it is in the window: take the workers' results.
			s.lineEnd += c.blk.nl
			s.hits.add(s.buf[:s.end], w0, l0, c.blk.trig, c.blk.tline, s.pos)
			if s.lines.pos < w0 {
				s.lines.anchor(w0, l0)
			}
			if s.slines.pos < w0 {
				s.slines.anchor(w0, l0)
			}
		} else {
			s.countLines(taken)
		}
		if s.held == nil && c.blk.hi > 0 && w0+c.blk.lo >= s.sp {
			// All of it is in the window: search the lines before the
			// block's own (the one straddling the previous block), then
			// take the block's results.
			s.searchTo(w0 + c.blk.lo)
			for _, h := range c.blk.hits {
				s.secretAt(s.buf[:s.end], w0+h.Start, h.Kind)
			}
			s.sp = w0 + c.blk.hi
		}
		if s.held == nil && !swapped {
			s.free <- c.blk
		}
		return true
	}
}

// take copies what fits of b (the rest of the held chunk) into the window,
// keeps the rest as carry, and hands the chunk's buffer back once it is all
// copied.
func (s *Scanner) take(b []byte) []byte {
	n := copy(s.buf[s.end:], b)
	s.end += n
	s.stats.Bytes += int64(n)
	if n > 0 {
		s.lastNL = b[n-1] == '\n'
	}
	s.carry = b[n:]
	if len(s.carry) == 0 {
		s.carry = nil
		s.held = nil // fillChunks hands it back once it used its results
	}
	return b[:n]
}

// countLines adds the newlines of b, just taken into the window, to
// s.lineEnd: for the part of a block the workers' count does not cover.
func (s *Scanner) countLines(b []byte) {
	s.lineEnd += int64(bytes.Count(b, nlByte))
}

// lineAt returns the line at window position p, counting from where c is or
// back from the window's end, whichever is nearer, and leaves c at p.
func (s *Scanner) lineAt(c *lineCounter, p int) int64 {
	var l int64
	if d := p - c.pos; d >= 0 && d <= s.end-p || d < 0 && -d <= s.end-p {
		l = c.at(s.buf, p)
	} else {
		l = s.lineEnd - int64(bytes.Count(s.buf[p:s.end], nlByte))
	}
	c.anchor(p, l)
	return l
}

// anchorLines puts both line counters at window position p, before the
// window drops what lies before p.
func (s *Scanner) anchorLines(p int) {
	l := s.lineAt(&s.lines, p)
	s.slines.anchor(p, l)
}

// quiet handles a pause of a live input: the records in the window are parsed
// as if the input ended here, and what is pending is emitted.
func (s *Scanner) quiet() {
	s.eof = true
	s.hits.reset()
	s.scanSecrets(0)
	for s.pos < s.end {
		h, hl := s.hits.next(s.buf[:s.end], s.pos)
		if h < 0 {
			// Keep an unterminated last line for when more arrives.
			if nl := bytes.LastIndexByte(s.buf[s.pos:s.end], '\n'); nl >= 0 {
				s.pos += nl + 1
			}
			break
		}
		if !s.processHit(h, hl) {
			break
		}
	}
	s.group.flush()
	// A live input shows its secret findings now, not at its end.
	for _, q := range s.secq {
		s.out = append(s.out, q)
	}
	clear(s.secq)
	s.secq = s.secq[:0]
	s.eof = false
	s.hits.reset()
}

// processHit parses the record around the trigger at h. It returns false when
// the record may continue past the data read so far (the caller reads more).
func (s *Scanner) processHit(h int, hl int64) bool {
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
	if hl > 0 {
		s.lines.anchor(h, hl)
	}
	line := s.lines.at(buf, start)
	n0 := len(s.out)
	s.group.add(buf[start:end], s.base+int64(start), line, long)
	if secretFinder != nil && !s.opt.NoSecretFindings && hasSecretFinding(s.out[n0:]) {
		// The record reported a secret: drop it where the block-level
		// search reports the same kind on one of its lines.
		s.scanSecrets(end)
		s.dropSeenSecrets(n0, s.base+int64(start), s.base+int64(end))
	}
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

// anchor sets the counter: line l is at window position p.
func (c *lineCounter) anchor(p int, l int64) { c.pos, c.line = p, l }

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

// scanSecrets runs the installed SecretFinder over the window from s.sp: over
// whole lines, and over the start of a line too long to wait for (in pieces
// of secretFwd, overlapping). It searches at least up to force. Each line
// holding a secret yields one KindSecretExposure finding per kind.
func (s *Scanner) scanSecrets(force int) {
	if secretFinder == nil || s.opt.NoSecretFindings {
		return
	}
	limit, cut := s.secretLimit(force)
	if s.sp >= limit {
		return
	}
	var last int
	s.shits, last = searchLines(s.shits[:0], s.buf, s.sp, limit)
	s.sp = limit
	if cut {
		// Search the end of the last piece again with what follows it: a
		// secret may straddle the cut.
		s.sp = max(last+1, limit-secretOverlap)
	}
	s.applySecrets()
}

// searchTo searches the complete lines from s.sp up to limit (a line start).
func (s *Scanner) searchTo(limit int) {
	if s.sp >= limit {
		return
	}
	s.shits, _ = searchLines(s.shits[:0], s.buf, s.sp, limit)
	s.sp = limit
	s.applySecrets()
}

// secretLimit is how far scanSecrets searches: to the last complete line
// (the whole window at the end of input, the start of a line too long to
// wait for), or at least up to force; cut says that limit is inside a line.
func (s *Scanner) secretLimit(force int) (limit int, cut bool) {
	buf := s.buf[:s.end]
	if s.eof {
		return s.end, false
	}
	limit = s.sp
	if nl := bytes.LastIndexByte(buf[s.sp:], '\n'); nl >= 0 {
		limit = s.sp + nl + 1
	}
	if s.end-limit > MaxBack && s.end-secretFwd > limit {
		// A long line: search its start now, keep the rest for later.
		limit, cut = s.end-secretFwd, true
	}
	if force > limit {
		limit, cut = force, force < s.end && buf[force-1] != '\n'
	}
	return limit, cut
}

// searchLines runs the SecretFinder over buf[from:limit] in pieces of at
// most secretFwd, each ending at a line end where one is in reach (so that
// a hit's line is found by a bounded step back). The hits' Start are
// positions in buf; last is where the last piece starts.
func searchLines(hits []SecretHit, buf []byte, from, limit int) (_ []SecretHit, last int) {
	for from < limit {
		e := min(limit, from+secretFwd)
		if e < limit {
			if nl := bytes.LastIndexByte(buf[from:e], '\n'); nl > 0 {
				e = from + nl + 1
			}
		}
		n := len(hits)
		hits = secretFinder(hits, buf[from:e])
		for i := n; i < len(hits); i++ {
			hits[i].Start += from
		}
		last, from = from, e
	}
	return hits, last
}

// searchLinesAt is searchLines for a block whose secret words were found
// (blk.sms): the same pieces, each given to secretFinderAt with the words
// that start and end within it.
func (blk *block) searchLinesAt(hits []SecretHit, buf []byte, from, limit int) []SecretHit {
	ms := blk.sms
	for from < limit {
		e := min(limit, from+secretFwd)
		if e < limit {
			if nl := bytes.LastIndexByte(buf[from:e], '\n'); nl > 0 {
				e = from + nl + 1
			}
		}
		for len(ms) > 0 && int(ms[0].Pos) < from {
			ms = ms[1:]
		}
		blk.pms = blk.pms[:0]
		for len(ms) > 0 && int(ms[0].Pos) < e {
			if m := ms[0]; int(m.Pos)+secretWords.Len(int(m.Word)) <= e {
				blk.pms = append(blk.pms, multi.Match{Pos: m.Pos - int32(from), Word: m.Word})
			}
			ms = ms[1:]
		}
		n := len(hits)
		hits = secretFinderAt(hits, buf[from:e], blk.pms)
		for i := n; i < len(hits); i++ {
			hits[i].Start += from
		}
		from = e
	}
	return hits
}

// applySecrets records the hits of the last search, and forgets the
// secrets no record still to come can cover (records start at s.done or
// later).
func (s *Scanner) applySecrets() {
	from := s.base + int64(s.done)
	seen := s.seen[:0]
	for _, x := range s.seen {
		if x.offset >= from {
			seen = append(seen, x)
		}
	}
	s.seen = seen
	buf := s.buf[:s.end]
	for _, h := range s.shits {
		s.secretAt(buf, h.Start, h.Kind)
	}
	s.shits = s.shits[:0]
}

// hasSecretFinding reports whether fs holds a secret-exposure finding.
func hasSecretFinding(fs []*Finding) bool {
	for _, f := range fs {
		if f.Kind == KindSecretExposure {
			return true
		}
	}
	return false
}

// secretAt records a secret of kind at window position p.
func (s *Scanner) secretAt(buf []byte, p int, kind string) {
	line := s.lineAt(&s.slines, p)
	if line != s.secLine {
		s.secLine = line
		s.secKinds = s.secKinds[:0]
	}
	for _, k := range s.secKinds {
		if k == kind {
			return
		}
	}
	s.secKinds = append(s.secKinds, kind)
	s.stats.SecretLines++
	// The line's start, if it is in the window and not too far back.
	lo := max(0, p-MaxBack)
	ls := lo
	if i := bytes.LastIndexByte(buf[lo:p], '\n'); i >= 0 {
		ls = lo + i + 1
	} else if lo > 0 {
		ls = p // a long line: point at the secret itself
	}
	s.seen = append(s.seen, seenSecret{offset: s.base + int64(p), kind: kind})
	// Scanner.secret (group.go) words the finding; take it from s.out.
	n := len(s.out)
	s.secret(kind, s.base+int64(ls), line, firstLine(buf[ls:min(len(buf), ls+4096)]))
	if len(s.out) > n {
		s.secq = append(s.secq, s.out[len(s.out)-1])
		s.out[len(s.out)-1] = nil
		s.out = s.out[:len(s.out)-1]
	}
}

// dropSeenSecrets removes, among the findings queued from index n0 on, the
// record-level secret findings of the record at [start, end) whose kind the
// block-level search already reported on one of the record's lines.
func (s *Scanner) dropSeenSecrets(n0 int, start, end int64) {
	seen := s.seen[:0]
	for _, x := range s.seen {
		if x.offset >= start {
			seen = append(seen, x)
		}
	}
	s.seen = seen
	kept := s.out[:n0]
	for _, f := range s.out[n0:] {
		if f.Kind == KindSecretExposure && f.Offset == start && s.seenIn(f.SecretKind, start, end) {
			continue
		}
		kept = append(kept, f)
	}
	clear(s.out[len(kept):])
	s.out = kept
}

func (s *Scanner) seenIn(kind string, start, end int64) bool {
	for _, x := range s.seen {
		if x.kind == kind && x.offset >= start && x.offset < end {
			return true
		}
	}
	return false
}
