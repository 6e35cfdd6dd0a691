package elasticsearch

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	es "github.com/elastic/go-elasticsearch/v8"
	"github.com/elastic/go-elasticsearch/v8/esutil"

	"github.com/azlogscan/azlogscan/parser"
	"github.com/azlogscan/azlogscan/sinks"
)

// Sink sends findings to an Elasticsearch index through esutil.BulkIndexer.
//
// Every document is kept in memory until the server has acknowledged it, so
// that it can be submitted again after a retriable failure (429, 5xx,
// connection error, a result the server did not report) or, when it fails
// for good or the retries run out, written to the dead-letter file with the
// server's reason. That memory is bounded by Config.MaxPendingBytes: Write
// blocks above it, so a slow server slows the reading.
//
// Its methods are for one goroutine, as sinks.Sink says; Stats may be called
// from any goroutine.
type Sink struct {
	cfg  Config
	es   *es.Client
	dead deadLetters

	started   bool
	setupDone bool
	bi        esutil.BulkIndexer
	idBuf     []byte
	docBuf    []byte
	version   string // the server's version.number, after Check

	runCtx    context.Context // cancelled when Close gives up on retries
	runCancel context.CancelFunc
	retryMu   sync.Mutex
	retryQ    []*entry
	retryWake chan struct{}
	retryDone chan struct{}

	pendMu  sync.Mutex
	pending map[*entry]struct{}
	budget  budget

	closed atomic.Bool

	written, indexed, replaced, retried, failed, lost, rejected atomic.Int64

	errMu       sync.Mutex
	firstReason string
}

var _ sinks.Sink = (*Sink)(nil)

// Stats are a run's counts, for its summary.
type Stats struct {
	Written  int64 // findings Write accepted
	Indexed  int64 // acknowledged by the server
	Replaced int64 // of Indexed, documents that replaced one with the same _id (a rerun)
	Retried  int64 // submissions of a document again after a retriable failure
	Failed   int64 // not indexed, written to the dead-letter file
	Lost     int64 // not indexed and not in the dead-letter file (it could not be written)
	Pending  int64 // written, result not known yet (0 after Close)
}

// entry is one document on its way.
type entry struct {
	s        *Sink
	id       string
	doc      []byte
	attempts int // submissions so far
	due      time.Time
	done     atomic.Bool
}

// New returns a Sink for cfg. It validates cfg and does no network I/O:
// call Check before reading input, and Setup (or let the first Write do it).
func New(cfg Config) (*Sink, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	tr := cfg.Transport
	if tr == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.ResponseHeaderTimeout = cfg.RequestTimeout
		t.MaxIdleConnsPerHost = cfg.Workers + 2
		t.DialContext = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
		if cfg.CACertPath != "" || cfg.InsecureSkipVerify {
			tc := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: cfg.InsecureSkipVerify} //nolint:gosec // a named, documented opt-out
			if cfg.CACertPath != "" {
				pemBytes, err := os.ReadFile(cfg.CACertPath)
				if err != nil {
					return nil, &ConfigError{Field: "CACertPath", Err: err}
				}
				pool := x509.NewCertPool()
				if !pool.AppendCertsFromPEM(pemBytes) {
					return nil, &ConfigError{Field: "CACertPath", Err: fmt.Errorf("%s holds no PEM certificate", cfg.CACertPath)}
				}
				tc.RootCAs = pool
			}
			t.TLSClientConfig = tc
		}
		tr = t
	}
	client, err := es.NewClient(es.Config{
		Addresses:     cfg.Addresses,
		APIKey:        cfg.APIKey,
		Username:      cfg.Username,
		Password:      cfg.Password,
		Transport:     tr,
		RetryOnStatus: []int{429, 502, 503, 504},
		MaxRetries:    3,
		// Retrying cannot mend a certificate; anything else may be a restart.
		RetryOnError: func(_ *http.Request, err error) bool { return transportKind(err) != KindTLS },
		RetryBackoff: func(attempt int) time.Duration {
			return min(100*time.Millisecond<<(attempt-1), 2*time.Second)
		},
	})
	if err != nil {
		return nil, &ConfigError{Field: "Addresses", Err: err}
	}
	s := &Sink{
		cfg:       cfg,
		es:        client,
		dead:      deadLetters{path: cfg.DeadLetterPath},
		pending:   make(map[*entry]struct{}),
		retryWake: make(chan struct{}, 1),
		retryDone: make(chan struct{}),
	}
	s.budget.max = cfg.MaxPendingBytes
	s.runCtx, s.runCancel = context.WithCancel(context.Background())
	return s, nil
}

// Config returns the configuration in use, defaults filled in.
func (s *Sink) Config() Config { return s.cfg }

// ServerVersion is the version.number the server reported to Check.
func (s *Sink) ServerVersion() string { return s.version }

// Stats returns the counts so far.
func (s *Sink) Stats() Stats {
	s.pendMu.Lock()
	p := int64(len(s.pending))
	s.pendMu.Unlock()
	return Stats{
		Written:  s.written.Load(),
		Indexed:  s.indexed.Load(),
		Replaced: s.replaced.Load(),
		Retried:  s.retried.Load(),
		Failed:   s.failed.Load(),
		Lost:     s.lost.Load(),
		Pending:  p,
	}
}

// ErrClosed is returned by Write after Close.
var ErrClosed = errors.New("elasticsearch: sink is closed")

// Write queues f for indexing. It returns once the document is queued (not
// indexed); it blocks while the indexer's queues are full or the documents
// not yet acknowledged exceed Config.MaxPendingBytes. On the first call it
// installs the index template (unless Setup ran or Config.SkipSetup).
func (s *Sink) Write(ctx context.Context, f *parser.Finding) error {
	if s.closed.Load() {
		return ErrClosed
	}
	if err := s.start(ctx); err != nil {
		return err
	}
	// Encode into a reused buffer, then keep an exact-size copy: one
	// allocation per document, none for growing.
	s.docBuf = sinks.AppendDocument(s.docBuf[:0], f)
	doc := bytes.Clone(s.docBuf)
	e := &entry{s: s, id: s.documentID(f), doc: doc}
	if err := s.budget.acquire(ctx, len(doc)); err != nil {
		return err
	}
	s.pendMu.Lock()
	s.pending[e] = struct{}{}
	s.pendMu.Unlock()
	s.written.Add(1)
	if err := s.submit(ctx, e); err != nil {
		s.written.Add(-1)
		s.rejected.Add(1)
		s.pendMu.Lock()
		delete(s.pending, e)
		s.pendMu.Unlock()
		s.budget.release(len(doc))
		return fmt.Errorf("elasticsearch: finding not queued: %w", err)
	}
	return nil
}

// DocumentID is the _id of f's document: derived from what the finding is
// (the document without the rule enrichment, which includes log.file.path,
// log.offset and log.file.line), so that scanning the same input again
// overwrites the same documents instead of adding duplicates, even when a
// newer rules database words a mitigation differently. The file path counts
// as given: "logs/a.log" and "./logs/a.log" are different sources.
func DocumentID(f *parser.Finding) string {
	var s Sink
	return s.documentID(f)
}

func (s *Sink) documentID(f *parser.Finding) string {
	g := *f
	g.Rule = parser.Rule{}
	s.idBuf = sinks.AppendDocument(append(s.idBuf[:0], "azlogscan/v1\x00"...), &g)
	sum := sha256.Sum256(s.idBuf)
	return hex.EncodeToString(sum[:16])
}

// start runs Setup (on first use) and starts the indexer.
func (s *Sink) start(ctx context.Context) error {
	if s.started {
		return nil
	}
	if !s.setupDone && !s.cfg.SkipSetup {
		if err := s.Setup(ctx); err != nil {
			return err
		}
	}
	bi, err := esutil.NewBulkIndexer(esutil.BulkIndexerConfig{
		Client:        bulkTransport{next: s.es},
		Decoder:       bulkDecoder{},
		Index:         s.cfg.Index,
		NumWorkers:    s.cfg.Workers,
		FlushBytes:    s.cfg.FlushBytes,
		FlushInterval: s.cfg.FlushInterval,
	})
	if err != nil {
		return fmt.Errorf("elasticsearch: %w", err)
	}
	s.bi = bi
	s.started = true
	go s.retryLoop()
	return nil
}

func (s *Sink) submit(ctx context.Context, e *entry) error {
	e.attempts++
	return s.bi.Add(ctx, esutil.BulkIndexerItem{
		Action:     "index",
		DocumentID: e.id,
		Body:       bytes.NewReader(e.doc),
		OnSuccess:  e.onSuccess,
		OnFailure:  e.onFailure,
	})
}

// resolve marks e finished; false if it already was.
func (s *Sink) resolve(e *entry) bool {
	if !e.done.CompareAndSwap(false, true) {
		return false
	}
	s.pendMu.Lock()
	delete(s.pending, e)
	s.pendMu.Unlock()
	s.budget.release(len(e.doc))
	return true
}

func (e *entry) onSuccess(_ context.Context, _ esutil.BulkIndexerItem, res esutil.BulkIndexerResponseItem) {
	s := e.s
	if !s.resolve(e) {
		return
	}
	s.indexed.Add(1)
	if res.Result == "updated" {
		s.replaced.Add(1)
	}
}

// failure is why one submission of a document did not index it.
type failure struct {
	status    int
	typ       string
	reason    string
	retriable bool
}

func classify(res esutil.BulkIndexerResponseItem, err error) failure {
	if err != nil {
		var he *HTTPError
		if errors.As(err, &he) {
			return failure{status: he.Status, typ: he.Type, reason: err.Error(),
				retriable: he.Status == http.StatusTooManyRequests || he.Status >= 500}
		}
		// No answer: connection refused or reset, timeout, DNS, TLS.
		return failure{typ: "connection_error", reason: err.Error(), retriable: true}
	}
	f := failure{status: res.Status, typ: res.Error.Type, reason: res.Error.Reason}
	if c := res.Error.Cause; c.Type != "" || c.Reason != "" {
		f.reason += " (caused by " + c.Type + ": " + c.Reason + ")"
	}
	switch {
	case f.typ == TypeNoResult || f.typ == TypeInconsistentResponse:
		f.retriable = true
	case f.status == http.StatusTooManyRequests || f.status >= 500 || f.status == 0:
		f.retriable = true
	}
	return f
}

func (e *entry) onFailure(_ context.Context, _ esutil.BulkIndexerItem, res esutil.BulkIndexerResponseItem, err error) {
	s := e.s
	f := classify(res, err)
	if f.retriable && e.attempts <= s.cfg.MaxRetries && s.runCtx.Err() == nil {
		s.retried.Add(1)
		d := s.cfg.RetryBackoff << (e.attempts - 1)
		if d > 30*time.Second || d <= 0 {
			d = 30 * time.Second
		}
		d = d - d/4 + rand.N(d/2+1) // ±25 % jitter, so retries do not march in step
		e.due = time.Now().Add(d)
		s.retryMu.Lock()
		s.retryQ = append(s.retryQ, e)
		s.retryMu.Unlock()
		select {
		case s.retryWake <- struct{}{}:
		default:
		}
		return
	}
	if f.retriable {
		f.reason = fmt.Sprintf("gave up after %d attempts: %s", e.attempts, f.reason)
	}
	s.deadLetter(e, f)
}

// retryLoop submits documents again when their backoff has passed.
func (s *Sink) retryLoop() {
	defer close(s.retryDone)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	var due []*entry
	for {
		now := time.Now()
		var next time.Time
		due = due[:0]
		s.retryMu.Lock()
		keep := s.retryQ[:0]
		for _, e := range s.retryQ {
			if !e.due.After(now) {
				due = append(due, e)
				continue
			}
			keep = append(keep, e)
			if next.IsZero() || e.due.Before(next) {
				next = e.due
			}
		}
		clear(s.retryQ[len(keep):])
		s.retryQ = keep
		s.retryMu.Unlock()
		for i, e := range due {
			if err := s.submit(s.runCtx, e); err != nil {
				// Close gave up: the rest go back to the queue, which Close drains.
				s.retryMu.Lock()
				s.retryQ = append(s.retryQ, due[i:]...)
				s.retryMu.Unlock()
				return
			}
		}
		if len(due) > 0 {
			continue
		}
		var tick <-chan time.Time
		if !next.IsZero() {
			timer.Reset(time.Until(next))
			tick = timer.C
		}
		select {
		case <-s.retryWake:
		case <-tick:
		case <-s.runCtx.Done():
			return
		}
		timer.Stop()
	}
}

func (s *Sink) deadLetter(e *entry, f failure) {
	if !s.resolve(e) {
		return
	}
	s.errMu.Lock()
	if s.firstReason == "" {
		s.firstReason = f.reason
		if f.typ != "" && f.typ != "connection_error" {
			s.firstReason = f.typ + ": " + f.reason
		}
	}
	s.errMu.Unlock()
	if err := s.dead.write(s.cfg.Index, e, f); err != nil {
		s.lost.Add(1)
		return
	}
	s.failed.Add(1)
}

// NotIndexedError is Close's error when some findings were not indexed.
type NotIndexedError struct {
	Stats          Stats
	DeadLetterPath string
	FirstReason    string // the server's (or the transport's) reason for the first failure
	DeadLetterErr  error  // why the dead-letter file could not be written, if it could not
	Unreported     uint64 // documents the bulk indexer counted neither flushed nor failed
}

func (e *NotIndexedError) Error() string {
	st := e.Stats
	s := fmt.Sprintf("elasticsearch: %d of %d findings not indexed (%d indexed, %d retries)",
		st.Failed+st.Lost, st.Written, st.Indexed, st.Retried)
	if st.Failed > 0 {
		s += fmt.Sprintf("; %d written to the dead-letter file %s", st.Failed, e.DeadLetterPath)
	}
	if st.Lost > 0 {
		s += fmt.Sprintf("; %d could not be written there either", st.Lost)
		if e.DeadLetterErr != nil {
			s += " (" + e.DeadLetterErr.Error() + ")"
		}
	}
	if e.FirstReason != "" {
		s += "; first reason: " + e.FirstReason
	}
	return s
}

func (e *NotIndexedError) Unwrap() error { return e.DeadLetterErr }

// Close submits what is buffered, waits for every document's result
// (retrying as needed), and dead-letters the documents that were not indexed:
// those that failed for good, those whose retries ran out, those the server
// left without a result, and, if ctx ends first, those still under way
// (some of which the server may have indexed; the dead-letter file keeps
// their _id, so indexing them again is harmless). It returns a
// *NotIndexedError when any finding was not indexed.
func (s *Sink) Close(ctx context.Context) error {
	if s.closed.Swap(true) {
		return errors.New("elasticsearch: sink closed twice")
	}
	var unreported uint64
	if s.started {
		// Drive flushes until every document has its result; retries are
		// submitted by retryLoop meanwhile.
		lastPending, since := int64(-1), time.Now()
	wait:
		for {
			if err := s.bi.Flush(ctx); err != nil {
				break
			}
			p := s.Stats().Pending
			if p == 0 {
				break
			}
			if p != lastPending {
				lastPending, since = p, time.Now()
			} else if time.Since(since) > closeStall {
				// Flushed, nothing queued for retry, and still no result for
				// some documents: submit them again (their _id makes that
				// harmless), as often as a retriable failure would be; then
				// give up on them, and the code below dead-letters them.
				// A safety net: the one way this happened (a request body
				// read after its response, see bulkTransport) is closed.
				if !s.resubmitStalled() {
					break
				}
				since = time.Now()
			}
			select {
			case <-ctx.Done():
				break wait
			case <-time.After(20 * time.Millisecond):
			}
		}
		s.runCancel()
		<-s.retryDone
		s.retryMu.Lock()
		waiting := s.retryQ
		s.retryQ = nil
		s.retryMu.Unlock()
		for _, e := range waiting {
			s.deadLetter(e, failure{typ: "azlogscan_retry_abandoned",
				reason: fmt.Sprintf("not retried before the deadline (%d attempts): %v", e.attempts, context.Cause(ctx))})
		}
		biErr := s.bi.Close(ctx)
		st := s.bi.Stats()
		if accounted := st.NumFlushed + st.NumFailed + uint64(s.rejected.Load()); st.NumAdded > accounted {
			unreported = st.NumAdded - accounted
		}
		// Whatever is still pending had no result: dropped by the server
		// without an item error, or still under way when ctx ended.
		s.pendMu.Lock()
		left := make([]*entry, 0, len(s.pending))
		for e := range s.pending {
			left = append(left, e)
		}
		s.pendMu.Unlock()
		for _, e := range left {
			reason := fmt.Sprintf("no result reported for this document (bulk indexer: %d added, %d flushed, %d failed)",
				st.NumAdded, st.NumFlushed, st.NumFailed)
			if biErr != nil {
				reason = "result unknown when Close's context ended: " + biErr.Error()
			}
			s.deadLetter(e, failure{typ: TypeNoResult, reason: reason})
		}
	} else {
		s.runCancel()
	}
	dlErr := s.dead.close()
	_ = s.es.Close(context.Background())
	st := s.Stats()
	if st.Failed+st.Lost > 0 || dlErr != nil {
		s.errMu.Lock()
		reason := s.firstReason
		s.errMu.Unlock()
		if dlErr == nil {
			dlErr = s.dead.err()
		}
		return &NotIndexedError{Stats: st, DeadLetterPath: s.cfg.DeadLetterPath, FirstReason: reason,
			DeadLetterErr: dlErr, Unreported: unreported}
	}
	return nil
}

// closeStall is how long Close waits without any document getting its
// result before it acts on the ones still pending.
const closeStall = 5 * time.Second

// resubmitStalled submits again the pending documents that have no result
// and are not queued for retry; false when none may be retried any more.
func (s *Sink) resubmitStalled() bool {
	s.retryMu.Lock()
	queued := make(map[*entry]bool, len(s.retryQ))
	for _, e := range s.retryQ {
		queued[e] = true
	}
	s.retryMu.Unlock()
	s.pendMu.Lock()
	var stalled []*entry
	for e := range s.pending {
		if !queued[e] && e.attempts <= s.cfg.MaxRetries {
			stalled = append(stalled, e)
		}
	}
	s.pendMu.Unlock()
	if len(stalled) == 0 {
		return len(queued) > 0
	}
	for _, e := range stalled {
		s.retried.Add(1)
		if err := s.submit(s.runCtx, e); err != nil {
			return false
		}
	}
	return true
}

// budget bounds the bytes of documents not yet acknowledged.
type budget struct {
	mu      sync.Mutex
	used    int
	max     int
	waiters int
	changed chan struct{}
}

func (b *budget) acquire(ctx context.Context, n int) error {
	for {
		b.mu.Lock()
		if b.used == 0 || b.used+n <= b.max {
			b.used += n
			b.mu.Unlock()
			return nil
		}
		if b.changed == nil {
			b.changed = make(chan struct{})
		}
		ch := b.changed
		b.waiters++
		b.mu.Unlock()
		select {
		case <-ch:
			b.mu.Lock()
			b.waiters--
			b.mu.Unlock()
		case <-ctx.Done():
			b.mu.Lock()
			b.waiters--
			b.mu.Unlock()
			return ctx.Err()
		}
	}
}

func (b *budget) release(n int) {
	b.mu.Lock()
	b.used -= n
	if b.waiters > 0 && b.changed != nil {
		close(b.changed)
		b.changed = nil
	}
	b.mu.Unlock()
}
