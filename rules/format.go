package rules

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// AppendJSON appends r as one JSON Lines record (with its newline): the fields
// id, name, category, action_by, description, mitigation, reference, then
// benign when true and match when it has conditions. The output of a whole
// database is itself a valid rules file.
func (r *Rule) AppendJSON(b []byte) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	rr := *r
	if rr.Mitigation == nil {
		rr.Mitigation = []string{}
	}
	if err := enc.Encode(&rr); err != nil {
		// Only strings, bools, ints and slices of them: cannot fail.
		panic("rules: encoding rule " + r.ID + ": " + err.Error())
	}
	return append(b, buf.Bytes()...)
}

// FormatText writes r as a person reads it, for `azlogscan explain`.
func FormatText(w io.Writer, r *Rule) {
	var b strings.Builder
	fmt.Fprintf(&b, "%s  %s\n", r.ID, r.Name)
	fmt.Fprintf(&b, "  category:  %s\n", r.Category)
	fmt.Fprintf(&b, "  who acts:  %s\n", actionText(r.ActionBy))
	if r.Benign {
		b.WriteString("  benign:    yes, an interrupt that is part of a normal sign-in flow; no action needed unless it repeats\n")
	}
	if applies := matchText(&r.Match); applies != "" {
		fmt.Fprintf(&b, "  applies:   %s\n", applies)
	}
	b.WriteString("\n")
	b.WriteString(wrap(r.Description, "  ", 78))
	b.WriteString("\n  What to do:\n")
	for i, s := range r.Mitigation {
		prefix := "  " + strconv.Itoa(i+1) + ". "
		b.WriteString(wrapFirst(s, prefix, strings.Repeat(" ", len(prefix)), 78))
	}
	fmt.Fprintf(&b, "\n  Reference: %s\n", r.Reference)
	io.WriteString(w, b.String())
}

func actionText(a string) string {
	switch a {
	case ActionAppDeveloper:
		return "app-developer (fix the application's code or configuration)"
	case ActionAdmin:
		return "admin (a tenant or subscription administrator must change a setting)"
	case ActionUser:
		return "user (the signed-in person must act)"
	case ActionRetry:
		return "retry (transient; retry with backoff, escalate if it persists)"
	}
	return a
}

func matchText(m *Match) string {
	var parts []string
	add := func(name string, vals []string) {
		if len(vals) > 0 {
			parts = append(parts, name+" "+strings.Join(vals, " or "))
		}
	}
	codes := make([]string, len(m.AADSTS))
	for i, c := range m.AADSTS {
		codes[i] = "AADSTS" + c
	}
	add("code", codes)
	add("credential", m.Credential)
	add("signal", m.Signal)
	add("error", m.ErrorCode)
	if len(m.HTTPStatus) > 0 {
		s := make([]string, len(m.HTTPStatus))
		for i, v := range m.HTTPStatus {
			s[i] = strconv.Itoa(v)
		}
		add("status", s)
	}
	add("sdk", m.SDK)
	add("secret", m.SecretKind)
	return strings.Join(parts, ", ")
}

func wrap(s, indent string, width int) string { return wrapFirst(s, indent, indent, width) }

// wrapFirst wraps s at spaces to width columns; long words (URLs, commands)
// stay whole.
func wrapFirst(s, first, rest string, width int) string {
	var b strings.Builder
	line := first
	empty := true
	for _, word := range strings.Fields(s) {
		if !empty && len(line)+1+len(word) > width {
			b.WriteString(line)
			b.WriteByte('\n')
			line, empty = rest, true
		}
		if !empty {
			line += " "
		}
		line += word
		empty = false
	}
	b.WriteString(line)
	b.WriteByte('\n')
	return b.String()
}
