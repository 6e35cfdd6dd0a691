package sinks

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/azlogscan/azlogscan/parser"
)

// Summary aggregates findings instead of writing them: counts by code,
// credential, tenant and client app, first and last seen, and the first
// mitigation step of each code. It keeps counts, not findings, so its memory
// grows with the number of distinct groups only. The aggregate is written on
// Close.
type Summary struct {
	w      io.Writer
	json   bool
	total  int64
	byCode map[string]*group
	byCred map[string]*group
	byTen  map[string]*group
	byCli  map[string]*group
	first  time.Time
	last   time.Time
}

type group struct {
	key        string
	name       string // rule name, for codes
	count      int64
	first      time.Time
	last       time.Time
	mitigation string
	actionBy   string
}

var _ Sink = (*Summary)(nil)

// NewSummary returns a summary sink writing a table (or, with asJSON, one
// JSON object) to w on Close.
func NewSummary(w io.Writer, asJSON bool) *Summary {
	return &Summary{w: w, json: asJSON, byCode: map[string]*group{}, byCred: map[string]*group{},
		byTen: map[string]*group{}, byCli: map[string]*group{}}
}

// Total is the number of findings counted so far.
func (s *Summary) Total() int64 { return s.total }

// Write counts f.
func (s *Summary) Write(_ context.Context, f *parser.Finding) error {
	s.total++
	t := DocumentTime(f)
	if !t.IsZero() {
		if s.first.IsZero() || t.Before(s.first) {
			s.first = t
		}
		if t.After(s.last) {
			s.last = t
		}
	}
	code := f.Code()
	if f.Kind == parser.KindSecretExposure {
		code = "secret-exposed:" + f.SecretKind
	}
	g := count(s.byCode, code, t)
	if g.name == "" {
		g.name = f.Rule.Name
		if len(f.Rule.Mitigation) > 0 {
			g.mitigation = f.Rule.Mitigation[0]
		}
		g.actionBy = f.Rule.ActionBy
	}
	count(s.byCred, f.Credential, t)
	count(s.byTen, f.TenantID, t)
	count(s.byCli, f.ClientID, t)
	return nil
}

func count(m map[string]*group, key string, t time.Time) *group {
	if key == "" {
		key = "(unknown)"
	}
	g := m[key]
	if g == nil {
		if len(m) >= 100000 {
			key = "(other)"
			if g = m[key]; g == nil {
				g = &group{key: key}
				m[key] = g
			}
		} else {
			g = &group{key: key}
			m[key] = g
		}
	}
	g.count++
	if !t.IsZero() {
		if g.first.IsZero() || t.Before(g.first) {
			g.first = t
		}
		if t.After(g.last) {
			g.last = t
		}
	}
	return g
}

func sorted(m map[string]*group) []*group {
	out := make([]*group, 0, len(m))
	for _, g := range m {
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].count != out[j].count {
			return out[i].count > out[j].count
		}
		return out[i].key < out[j].key
	})
	return out
}

// Close writes the aggregate.
func (s *Summary) Close(context.Context) error {
	if s.json {
		return s.writeJSON()
	}
	return s.writeText()
}

func appendTime(b []byte, k string, t time.Time) []byte {
	if t.IsZero() {
		return b
	}
	b = append(b, ',')
	b = appendString(b, k)
	b = append(b, ':', '"')
	b = t.UTC().AppendFormat(b, "2006-01-02T15:04:05.000Z07:00")
	return append(b, '"')
}

func (s *Summary) writeJSON() error {
	b := []byte(`{"findings":`)
	b = strconv.AppendInt(b, s.total, 10)
	b = appendTime(b, "first_seen", s.first)
	b = appendTime(b, "last_seen", s.last)
	section := func(name, key string, m map[string]*group, codes bool) {
		b = append(b, ',')
		b = appendString(b, name)
		b = append(b, ":["...)
		for i, g := range sorted(m) {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, '{')
			b = appendString(b, key)
			b = append(b, ':')
			b = appendString(b, g.key)
			b = append(b, `,"count":`...)
			b = strconv.AppendInt(b, g.count, 10)
			b = appendTime(b, "first_seen", g.first)
			b = appendTime(b, "last_seen", g.last)
			if codes {
				if g.name != "" {
					b = append(b, `,"name":`...)
					b = appendString(b, g.name)
				}
				if g.actionBy != "" {
					b = append(b, `,"action_by":`...)
					b = appendString(b, g.actionBy)
				}
				if g.mitigation != "" {
					b = append(b, `,"mitigation":`...)
					b = appendString(b, g.mitigation)
				}
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	section("by_code", "code", s.byCode, true)
	section("by_credential", "credential", s.byCred, false)
	section("by_tenant", "tenant_id", s.byTen, false)
	section("by_client", "client_id", s.byCli, false)
	b = append(b, '}', '\n')
	_, err := s.w.Write(b)
	return err
}

func (s *Summary) writeText() error {
	w := bufio.NewWriter(s.w)
	fmt.Fprintf(w, "%d findings", s.total)
	if !s.first.IsZero() {
		fmt.Fprintf(w, ", first %s, last %s", s.first.UTC().Format(time.RFC3339), s.last.UTC().Format(time.RFC3339))
	}
	fmt.Fprintln(w)
	table := func(title string, m map[string]*group, codes bool) {
		if len(m) == 0 {
			return
		}
		fmt.Fprintf(w, "\n%s\n", title)
		for _, g := range sorted(m) {
			span := ""
			if !g.first.IsZero() {
				span = g.first.UTC().Format("2006-01-02 15:04") + " .. " + g.last.UTC().Format("2006-01-02 15:04")
			}
			name := g.key
			if codes && g.name != "" && g.name != g.key {
				name += " " + g.name
			}
			fmt.Fprintf(w, "  %7d  %-48s %s\n", g.count, name, span)
			if codes && g.mitigation != "" {
				who := ""
				if g.actionBy != "" {
					who = "[" + g.actionBy + "] "
				}
				fmt.Fprintf(w, "           %s%s\n", who, clipText(g.mitigation, 110))
			}
		}
	}
	table("by code", s.byCode, true)
	table("by credential", s.byCred, false)
	table("by tenant", s.byTen, false)
	table("by client app", s.byCli, false)
	return w.Flush()
}

func clipText(s string, n int) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
