package sinks

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/azlogscan/azlogscan/parser"
)

// JSON writes one document per finding as JSON Lines. Each line is written
// whole and flushed at once, so a reader of a live pipe sees findings as they
// happen.
type JSON struct {
	w   *bufio.Writer
	buf []byte
}

var _ Sink = (*JSON)(nil)

// NewJSON returns a JSON Lines sink writing to w.
func NewJSON(w io.Writer) *JSON { return &JSON{w: bufio.NewWriterSize(w, 64<<10)} }

// Write writes f as one line.
func (j *JSON) Write(_ context.Context, f *parser.Finding) error {
	j.buf = AppendDocument(j.buf[:0], f)
	j.buf = append(j.buf, '\n')
	if _, err := j.w.Write(j.buf); err != nil {
		return err
	}
	return j.w.Flush()
}

// Close flushes.
func (j *JSON) Close(context.Context) error { return j.w.Flush() }

// Text writes a readable block per finding.
type Text struct {
	w     *bufio.Writer
	color bool
	n     int
}

var _ Sink = (*Text)(nil)

// NewText returns a sink writing blocks for people to w; color adds ANSI
// colours (the caller decides: a terminal, and NO_COLOR unset).
func NewText(w io.Writer, color bool) *Text {
	return &Text{w: bufio.NewWriterSize(w, 64<<10), color: color}
}

func (t *Text) paint(code, s string) string {
	if !t.color || s == "" {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

// Write writes f as a block of lines.
func (t *Text) Write(_ context.Context, f *parser.Finding) error {
	w := t.w
	if t.n > 0 {
		w.WriteByte('\n')
	}
	t.n++
	loc := f.File + ":" + strconv.FormatInt(f.Line, 10)
	head := []string{t.paint("1", loc)}
	if ts := DocumentTime(f); !ts.IsZero() {
		head = append(head, ts.UTC().Format("2006-01-02T15:04:05Z"))
	}
	if f.Kind == parser.KindSecretExposure {
		head = append(head, t.paint("1;35", "SECRET EXPOSED"), f.SecretKind)
	} else {
		if f.Credential != "" {
			head = append(head, t.paint("1;36", f.Credential))
		}
		code := f.Code()
		if f.Rule.Name != "" && f.Rule.Name != code {
			code += " " + f.Rule.Name
		}
		sev := "1;31"
		if f.Rule.Benign {
			sev = "33"
			code += " (informational)"
		}
		head = append(head, t.paint(sev, code))
	}
	fmt.Fprintln(w, strings.Join(head, "  "))
	var detail []string
	if f.ErrorCode != "" && f.ErrorCode != f.Code() {
		detail = append(detail, f.ErrorCode)
	}
	if f.HTTPStatus != 0 {
		detail = append(detail, "HTTP "+strconv.Itoa(f.HTTPStatus))
	}
	if f.SDK != "" {
		detail = append(detail, "sdk "+f.SDK)
	}
	if f.Message != "" {
		msg := f.Message
		if len(detail) > 0 {
			msg += t.paint("2", "  ("+strings.Join(detail, ", ")+")")
		}
		field(w, "", msg)
	}
	for _, c := range f.Chain {
		s := c.Credential
		if s == "" {
			s = "?"
		}
		if c.Reason != "" {
			s += ": " + firstLineOf(c.Reason)
		}
		field(w, "tried", s)
	}
	r := &f.Rule
	if r.Description != "" {
		field(w, "meaning", r.Description)
	}
	if r.ActionBy != "" {
		field(w, "who acts", r.ActionBy)
	}
	for i, m := range r.Mitigation {
		label := ""
		if i == 0 {
			label = "fix"
		}
		field(w, label, strconv.Itoa(i+1)+". "+m)
	}
	var ids []string
	for _, kv := range [][2]string{
		{"trace", f.TraceID}, {"correlation", f.CorrelationID}, {"tenant", f.TenantID},
		{"client", f.ClientID}, {"entra time", f.EntraTimestamp},
	} {
		if kv[1] != "" {
			ids = append(ids, kv[0]+" "+kv[1])
		}
	}
	if a := f.Authorization; a != nil {
		for _, kv := range [][2]string{{"object", a.ObjectID}, {"action", a.Action}, {"scope", a.Scope}} {
			if kv[1] != "" {
				ids = append(ids, kv[0]+" "+kv[1])
			}
		}
	}
	if len(ids) > 0 {
		field(w, "ids", strings.Join(ids, "  "))
	}
	if f.URL != "" {
		field(w, "url", f.URL)
	}
	if r.Reference != "" {
		field(w, "more", r.Reference)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return nil
}

func field(w *bufio.Writer, label, value string) {
	if label != "" {
		label += ":"
	}
	fmt.Fprintf(w, "  %-10s %s\n", label, value)
}

func firstLineOf(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// Close flushes.
func (t *Text) Close(context.Context) error { return t.w.Flush() }
