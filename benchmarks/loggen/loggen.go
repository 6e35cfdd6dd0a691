// Package loggen generates large, realistic, mixed application logs with a
// known number of Azure authentication failures in them, for azlogscan's
// benchmarks and end-to-end checks.
//
// The log is mostly noise in the styles services really write (plain lines,
// logfmt, JSON from slog/zap/Serilog/pino/Kubernetes, nginx access lines,
// Spring Boot and Python logging, .NET console logging, ordinary Java and
// Python stack traces, Azure SDK lines that name credentials and tokens while
// succeeding, azcore request/response dumps, and JSON records of 100-400 KB).
// Among the noise, at a known rate, it writes failure records in every SDK's
// format (see the Fmt* constants), either as printed or escaped inside one
// structured log record. Each failure record is one finding as DESIGN.md
// counts them; the Truth lists them all.
//
// Output is a pure function of the Config: same seed and size, same bytes.
package loggen

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"sort"
)

// Version names the generator's output scheme; it changes whenever the same
// Config would produce different bytes.
const Version = "loggen/1"

// Config says what to generate.
type Config struct {
	Seed uint64
	// Size is the target size in bytes. Output stops after the first record
	// that reaches it, so the result is Size plus at most one record.
	Size int64
	// FailureEvery is the mean number of noise entries (nearly all single
	// lines) between two failure records; 0 means 20000. Gaps are uniform in
	// [FailureEvery/2, 3*FailureEvery/2], so records never touch.
	FailureEvery int
	// LongEvery is the mean number of bytes between two long (100-400 KB)
	// JSON lines; 0 means 4 MiB, negative disables them.
	LongEvery int64
}

// Record locates one failure record in the output.
type Record struct {
	Offset int64  `json:"offset"` // byte offset of the record's first line
	Line   int64  `json:"line"`   // 1-based line number of its first line
	Length int    `json:"length"` // bytes, including the final newline
	Lines  int    `json:"lines"`  // number of lines it spans
	Format string `json:"format"` // e.g. "go-block", or "go-block+slog" when escaped in a JSON record
	SDK    string `json:"sdk"`    // go, python, dotnet, js, java, msal, cli
	Code   string `json:"code"`   // the finding's primary code: AADSTS<digits> or AuthorizationFailed
	// Credential is the outermost credential the record names as failing
	// (DefaultAzureCredential for a chain); "" when the record names none
	// (ARM errors, Python tracebacks, MSAL dicts, Azure CLI output).
	Credential string `json:"credential,omitempty"`
	TraceID    string `json:"trace_id,omitempty"`
}

// Truth is the ground truth of one generated log, written next to it as
// <log>.truth.json.
type Truth struct {
	Generator string `json:"generator"`
	Seed      uint64 `json:"seed"`
	Bytes     int64  `json:"bytes"`
	Lines     int64  `json:"lines"`
	// Findings is the number of failure records: what azlogscan must find.
	Findings int            `json:"findings"`
	ByCode   map[string]int `json:"by_code"`
	ByFormat map[string]int `json:"by_format"`
	BySDK    map[string]int `json:"by_sdk"`
	// AADSTSLines is the number of lines holding "AADSTS": what
	// `grep -c AADSTS` and `rg -c AADSTS` print (noise never holds it).
	AADSTSLines int64 `json:"aadsts_lines"`
	// LongLines is the number of noise lines of 100 KB or more.
	LongLines int      `json:"long_lines"`
	Records   []Record `json:"records"`
}

// WriteFile writes the truth as indented JSON.
func (t *Truth) WriteFile(path string) error {
	b, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// ReadTruth reads a truth file.
func ReadTruth(path string) (*Truth, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	t := new(Truth)
	if err := json.Unmarshal(b, t); err != nil {
		return nil, err
	}
	return t, nil
}

// SortedCodes returns the keys of ByCode, sorted.
func (t *Truth) SortedCodes() []string {
	keys := make([]string, 0, len(t.ByCode))
	for k := range t.ByCode {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Generator writes one log. Use Generate or Bytes.
type Generator struct {
	cfg Config
	r   *rng
	c   *clock
	w   io.Writer

	buf     []byte
	flushed int64 // bytes already written to w
	lines   int64 // newlines in flushed bytes and buf[:counted]
	counted int

	untilFailure int
	nextLong     int64

	truth Truth

	f        fail
	body     []byte
	scratch  []byte
	scratch2 []byte

	tenants, clients, subs, pods []string
	itemPool                     []byte
	itemStarts                   []int
	itemMaxStart                 int
	azcoreBracket                bool
}

const flushAt = 1 << 20

func newGenerator(cfg Config, w io.Writer) *Generator {
	if cfg.FailureEvery <= 0 {
		cfg.FailureEvery = 20000
	}
	if cfg.LongEvery == 0 {
		cfg.LongEvery = 4 << 20
	}
	g := &Generator{cfg: cfg, w: w, r: newRNG(cfg.Seed)}
	r := g.r
	// The log starts on a day chosen by the seed, in 2024.
	start := int64(1704067200000) + int64(r.intn(300))*86400000 + int64(r.intn(86400000))
	g.c = newClock(start)
	for i := 0; i < 6; i++ {
		g.tenants = append(g.tenants, newGUID(r))
		g.subs = append(g.subs, newGUID(r))
	}
	for i := 0; i < 20; i++ {
		g.clients = append(g.clients, newGUID(r))
	}
	for i := 0; i < 12; i++ {
		p := []byte(pick(r, resNames))
		p = append(p, '-')
		p = appendHex(p, r, 9)
		p = append(p, '-')
		p = appendHex(p, r, 5)
		g.pods = append(g.pods, string(p))
	}
	g.buildItemPool()
	g.buf = make([]byte, 0, flushAt+flushAt/2)
	g.truth = Truth{
		Generator: Version,
		Seed:      cfg.Seed,
		ByCode:    map[string]int{},
		ByFormat:  map[string]int{},
		BySDK:     map[string]int{},
		Records:   []Record{},
	}
	g.untilFailure = g.gap()
	g.scheduleLong()
	return g
}

func (g *Generator) gap() int {
	n := g.cfg.FailureEvery
	return n/2 + g.r.intn(n+1)
}

func (g *Generator) scheduleLong() {
	if g.cfg.LongEvery < 0 {
		g.nextLong = 1 << 62
		return
	}
	m := g.cfg.LongEvery
	g.nextLong = g.offset() + m/2 + int64(g.r.intn(int(min(m, 1<<31-1))+1))
}

func (g *Generator) offset() int64 { return g.flushed + int64(len(g.buf)) }

func (g *Generator) countLines() {
	g.lines += int64(bytes.Count(g.buf[g.counted:], []byte{'\n'}))
	g.counted = len(g.buf)
}

func (g *Generator) flush() error {
	g.countLines()
	if g.w != nil {
		if _, err := g.w.Write(g.buf); err != nil {
			return err
		}
	}
	g.flushed += int64(len(g.buf))
	g.buf = g.buf[:0]
	g.counted = 0
	return nil
}

// step appends one entry: noise, a long line or a failure record.
func (g *Generator) step() {
	g.c.advance(g.r.intn(4))
	if g.untilFailure > 0 {
		g.untilFailure--
		if g.offset() >= g.nextLong {
			g.buf = g.longLine(g.buf)
			g.truth.LongLines++
			g.scheduleLong()
			return
		}
		g.buf = g.noise(g.buf)
		return
	}
	g.untilFailure = g.gap()
	g.countLines()
	start := len(g.buf)
	var f *fail
	g.buf, f = g.failure(g.buf)
	rec := g.buf[start:]
	n, aad := 0, 0
	for len(rec) > 0 {
		i := bytes.IndexByte(rec, '\n')
		line := rec[:i]
		if bytes.Contains(line, []byte("AADSTS")) {
			aad++
		}
		n++
		rec = rec[i+1:]
	}
	format := f.format
	if f.envelope != "" {
		format += "+" + f.envelope
	}
	code := f.primary
	cred := f.cred
	switch f.format {
	case FmtGoDAC, FmtPyDAC:
		cred = "DefaultAzureCredential"
	case FmtJSChain:
		cred = "ChainedTokenCredential"
	case FmtGoARM, FmtPyTraceback, FmtMSALPythonRep, FmtAzureCLI:
		cred = "" // the record does not name one
	}
	var trace string
	if !f.authzFailed {
		trace = string(f.trace)
	}
	g.truth.Records = append(g.truth.Records, Record{
		Offset:     g.flushed + int64(start),
		Line:       g.lines + 1,
		Length:     len(g.buf) - start,
		Lines:      n,
		Format:     format,
		SDK:        f.sdk,
		Code:       code,
		Credential: cred,
		TraceID:    trace,
	})
	g.truth.Findings++
	g.truth.ByCode[code]++
	g.truth.ByFormat[format]++
	g.truth.BySDK[f.sdk]++
	g.truth.AADSTSLines += int64(aad)
}

func (g *Generator) run() (*Truth, error) {
	for g.offset() < g.cfg.Size {
		g.step()
		if len(g.buf) >= flushAt {
			if err := g.flush(); err != nil {
				return nil, err
			}
		}
	}
	if err := g.flush(); err != nil {
		return nil, err
	}
	g.truth.Bytes = g.flushed
	g.truth.Lines = g.lines
	return &g.truth, nil
}

// Generate writes a log of about cfg.Size bytes to w and returns its truth.
// Writes to w are of about 1 MiB.
func Generate(w io.Writer, cfg Config) (*Truth, error) {
	return newGenerator(cfg, w).run()
}

// Bytes returns a log of about cfg.Size bytes, held in memory, and its truth.
func Bytes(cfg Config) ([]byte, *Truth) {
	var b bytes.Buffer
	b.Grow(int(cfg.Size) + 1<<20)
	t, err := Generate(&b, cfg)
	if err != nil { // bytes.Buffer does not fail
		panic(err)
	}
	return b.Bytes(), t
}
