package main

// The fake application: what it logs, how each log envelope renders it, and
// which lines start a finding.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	azlog "github.com/Azure/azure-sdk-for-go/sdk/azcore/log"
)

// guid derives a stable, distinct GUID per scenario and label.
func guid(scenario, label string) string {
	s := sha256.Sum256([]byte(scenario + "/" + label))
	s[6] = s[6]&0x0f | 0x40
	s[8] = s[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", s[0:4], s[4:6], s[6:8], s[8:10], s[10:16])
}

// expectFinding is one finding of the ground truth (corpus format, see /tmp/briefs/expect.md).
type expectFinding struct {
	Line          int      `json:"line"`
	Credential    string   `json:"credential,omitempty"`
	AADSTS        []string `json:"aadsts,omitempty"`
	ErrorCode     string   `json:"error_code,omitempty"`
	Status        int      `json:"status,omitempty"`
	TraceID       string   `json:"trace_id,omitempty"`
	CorrelationID string   `json:"correlation_id,omitempty"`
	TenantID      string   `json:"tenant_id,omitempty"`
	ClientID      string   `json:"client_id,omitempty"`
	Chain         []string `json:"chain,omitempty"`
	Signals       []string `json:"signals,omitempty"`
}

type expectFile struct {
	Source   string          `json:"source"`
	SDK      string          `json:"sdk"`
	Findings []expectFinding `json:"findings"`
}

const (
	kindApp = iota
	kindEvent
)

type entry struct {
	t       time.Time
	kind    int
	level   slog.Level
	event   string
	msg     string
	attrs   []any
	attempt int  // the failing operation this entry belongs to, 0 = none
	errLine bool // the application's print of the error
}

// app records everything the application and the SDK log, in order. In the
// default-listener mode (AZURE_SDK_GO_LOGGING=all) it logs to stderr instead,
// through the standard log package, and the SDK writes there itself.
type app struct {
	ctx      context.Context
	version  string
	scenario string
	httpc    *http.Client
	direct   bool // default-listener mode

	mu       sync.Mutex
	clock    time.Time
	lastReal time.Time
	entries  []entry
	attempt  int // current attempt number, 0 = not in an attempt
	pending  int // attempt waiting for its first matching event
	startOn  func(ev, msg string) bool
	attempts int
	findings map[int]expectFinding // by attempt
	order    []int
	markers  []string // by attempt-1
	anchors  map[int]string
}

func newApp(ctx context.Context, scenario, version string, start time.Time, direct bool) *app {
	a := &app{ctx: ctx, scenario: scenario, version: version, clock: start, direct: direct, findings: map[int]expectFinding{}, anchors: map[int]string{}}
	if direct {
		log.SetFlags(log.LstdFlags | log.Lmicroseconds)
		log.SetOutput(os.Stderr)
	} else {
		azlog.SetListener(func(ev azlog.Event, msg string) { a.event(string(ev), msg) })
	}
	return a
}

// tick advances the fake clock by a fixed step, or by the real time that passed
// when the SDK really waited (retry delays, timeouts), so the timestamps agree
// with the durations the SDK prints.
func (a *app) tick(d time.Duration) time.Time {
	now := time.Now()
	if gap := now.Sub(a.lastReal); !a.lastReal.IsZero() && gap > 100*time.Millisecond {
		d = gap.Round(time.Millisecond)
	}
	a.lastReal = now
	a.clock = a.clock.Add(d)
	return a.clock
}

// sleep advances the fake clock (the application waiting between operations).
func (a *app) sleep(d time.Duration) {
	a.mu.Lock()
	a.clock = a.clock.Add(d)
	a.mu.Unlock()
	if a.direct {
		time.Sleep(50 * time.Millisecond)
	}
}

func (a *app) event(ev, msg string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.pending != 0 && (a.startOn == nil || a.startOn(ev, msg)) {
		a.attempt, a.pending = a.pending, 0
	}
	a.entries = append(a.entries, entry{t: a.tick(1379 * time.Microsecond), kind: kindEvent, event: ev, msg: msg, attempt: a.attempt, level: slog.LevelDebug})
}

// kv renders key/value pairs the way the text envelopes show them.
func kv(attrs []any) string {
	var b strings.Builder
	for i := 0; i+1 < len(attrs); i += 2 {
		fmt.Fprintf(&b, " %v=%v", attrs[i], attrs[i+1])
	}
	return b.String()
}

func (a *app) info(msg string, attrs ...any) {
	if a.direct {
		log.Print(msg + kv(attrs))
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.entries = append(a.entries, entry{t: a.tick(2113 * time.Microsecond), kind: kindApp, level: slog.LevelInfo, msg: msg, attrs: attrs, attempt: a.attempt})
}

// begin logs the application's "about to call" line (the marker) and opens an
// operation; a finding (if it fails) starts at the first SDK event matching
// startOn (nil: the first event) or else at the error line.
func (a *app) begin(marker, anchor string) int {
	a.info(marker)
	a.mu.Lock()
	defer a.mu.Unlock()
	a.attempts++
	a.pending = a.attempts
	a.startOn = nil
	if anchor != "" {
		a.startOn = func(ev, msg string) bool {
			return (ev == "Retry" || ev == "Request") && strings.Contains(msg, anchor)
		}
	}
	a.markers = append(a.markers, marker)
	a.anchors[a.attempts] = anchor
	return a.attempts
}

func (a *app) end() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.attempt, a.pending, a.startOn = 0, 0, nil
}

// fail prints the error as the application does and records the expected finding.
func (a *app) fail(n int, prefix string, err error, want expectFinding) {
	a.mu.Lock()
	if a.pending == n {
		a.attempt, a.pending = n, 0
	}
	a.findings[n] = want
	a.order = append(a.order, n)
	a.mu.Unlock()
	if a.direct {
		log.Printf("%s: %v", prefix, err)
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.entries = append(a.entries, entry{t: a.tick(2113 * time.Microsecond), kind: kindApp, level: slog.LevelError, msg: prefix, attrs: []any{"err", err}, attempt: n, errLine: true})
}

// envelope renders the journal one way and returns the bytes and the finding lines.
func (a *app) render(env string) ([]byte, map[int]int) {
	var buf bytes.Buffer
	starts := map[int]int{}
	line := 1
	var h slog.Handler = slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})
	for _, e := range a.entries {
		if env == "printf" && e.kind == kindEvent {
			continue
		}
		ts := e.t.Format("2006/01/02 15:04:05.000000")
		before := buf.Len()
		switch env {
		case "printf", "listener":
			if e.kind == kindEvent {
				fmt.Fprintf(&buf, "%s [%s] %s\n", ts, e.event, e.msg)
			} else if e.errLine {
				fmt.Fprintf(&buf, "%s %s: %v\n", ts, e.msg, e.attrs[1])
			} else {
				fmt.Fprintf(&buf, "%s %s%s\n", ts, e.msg, kv(e.attrs))
			}
		case "slog":
			var r slog.Record
			if e.kind == kindEvent {
				r = slog.NewRecord(e.t, slog.LevelDebug, "azure sdk", 0)
				r.AddAttrs(slog.String("event", e.event), slog.String("detail", e.msg))
			} else {
				r = slog.NewRecord(e.t, e.level, e.msg, 0)
				args := e.attrs
				if e.errLine {
					args = []any{"err", e.attrs[1].(error).Error()}
				}
				r.Add(args...)
			}
			if err := h.Handle(context.Background(), r); err != nil {
				panic(err)
			}
		}
		if e.attempt != 0 {
			if _, ok := starts[e.attempt]; !ok && (env != "printf" || e.errLine) {
				starts[e.attempt] = line
			}
		}
		line += bytes.Count(buf.Bytes()[before:], []byte("\n"))
	}
	return buf.Bytes(), starts
}

// expectations returns the findings with their lines resolved by starts.
func (a *app) expectations(starts map[int]int) ([]expectFinding, error) {
	out := []expectFinding{}
	for _, n := range a.order {
		f := a.findings[n]
		l, ok := starts[n]
		if !ok {
			return nil, fmt.Errorf("attempt %d failed but left no line", n)
		}
		f.Line = l
		out = append(out, f)
	}
	return out, nil
}

func writeCase(dir, name, source string, log []byte, findings []expectFinding) error {
	if err := os.WriteFile(dir+"/"+name+".log", log, 0o644); err != nil {
		return err
	}
	b, err := json.MarshalIndent(expectFile{Source: source, SDK: "go", Findings: findings}, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(dir+"/"+name+".expect.json", append(b, '\n'), 0o644)
}
