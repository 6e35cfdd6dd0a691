package parser

import (
	"strings"
	"unicode/utf8"
)

// normalize turns a raw record into the text extraction reads: escapes of
// JSON/logfmt strings decoded (repeatedly, for errors escaped twice), CLIXML
// and ANSI colour codes removed, carriage returns dropped, per-line wrappers
// (Terraform boxes, markdown quotes, CI timestamps) stripped, and invalid
// UTF-8 replaced.
func normalize(raw []byte) string {
	var b strings.Builder
	b.Grow(len(raw))
	for len(raw) > 0 {
		i := indexByte(raw, '\n')
		var line []byte
		if i < 0 {
			line, raw = raw, nil
		} else {
			line, raw = raw[:i], raw[i+1:]
		}
		line = stripLine(line)
		writeClean(&b, line)
		if raw != nil {
			b.WriteByte('\n')
		}
	}
	s := b.String()
	if strings.Contains(s, ": '") && strings.IndexByte(s, '\n') >= 0 {
		s = unfoldYAML(s)
	}
	if strings.Contains(s, "_x00") {
		s = strings.NewReplacer("_x000D__x000A_", "\n", "_x000A_", "\n", "_x000D_", "", "_x001B_", "\x1b").Replace(s)
	}
	if strings.Contains(s, "](https://github.com/") {
		s = stripLineLinks(s)
	}
	for round := 0; round < 3 && hasEscapes(s); round++ {
		u := unescape(s)
		if u == s {
			break
		}
		s = u
	}
	if strings.IndexByte(s, 0x1b) >= 0 || strings.IndexByte(s, '\r') >= 0 {
		s = stripControls(s)
	}
	return s
}

// unfoldYAML undoes the folding of YAML's single-quoted scalars, as
// kubectl -o yaml prints a long status message: "reason: 'text" goes on
// over lines indented deeper than its key until the closing quote, each
// line break with its indentation standing for one space, and each quote
// in the text doubled. The value is put back on its key's line, its quotes
// undoubled; s is returned as it is when it holds none.
func unfoldYAML(s string) string {
	// Most texts with ": '" hold no open quote: found before copying.
	open := false
	for rest := s; rest != "" && !open; {
		var line string
		line, rest, _ = strings.Cut(rest, "\n")
		_, open = yamlQuoteOpen(line)
	}
	if !open {
		return s
	}
	orig := s
	var b strings.Builder
	b.Grow(len(s))
	changed := false
	for len(s) > 0 {
		line, rest, more := strings.Cut(s, "\n")
		s = rest
		indent, open := yamlQuoteOpen(line)
		if !open || !more {
			b.WriteString(line)
			if more {
				b.WriteByte('\n')
			}
			continue
		}
		// The value's lines: deeper than the key, up to the closing quote.
		v := line[strings.Index(line, ": '")+3:]
		joined := strings.ReplaceAll(v, "''", "'")
		n := 0
		for open && len(s) > 0 && n < 200 {
			next, r, _ := strings.Cut(s, "\n")
			t := strings.TrimLeft(next, " ")
			if len(next)-len(t) <= indent || t == "" {
				break
			}
			joined += " " + strings.ReplaceAll(t, "''", "'")
			open = !closesQuote(t)
			s = r
			n++
		}
		if n == 0 {
			b.WriteString(line)
			b.WriteByte('\n')
			continue
		}
		changed = true
		b.WriteString(line[:strings.Index(line, ": '")+3])
		b.WriteString(joined)
		if len(s) > 0 {
			b.WriteByte('\n')
		}
	}
	if !changed {
		return orig
	}
	return b.String()
}

// yamlQuoteOpen reports a line "<indent><key>: '<text>" whose single-quoted
// value is not closed on the line, with the key's indentation.
func yamlQuoteOpen(line string) (indent int, open bool) {
	t := strings.TrimLeft(line, " ")
	indent = len(line) - len(t)
	i := strings.Index(t, ": '")
	if i <= 0 {
		return 0, false
	}
	for j := 0; j < i; j++ {
		if c := t[j]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return 0, false
		}
	}
	return indent, !closesQuote(t[i+3:])
}

// closesQuote reports whether text inside a YAML single-quoted scalar
// holds its closing quote: a quote not doubled.
func closesQuote(t string) bool {
	for i := 0; i < len(t); i++ {
		if t[i] == '\'' {
			if i+1 < len(t) && t[i+1] == '\'' {
				i++
				continue
			}
			return true
		}
	}
	return false
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

// writeClean writes line with invalid UTF-8 replaced by U+FFFD and NUL bytes dropped.
func writeClean(b *strings.Builder, line []byte) {
	for len(line) > 0 {
		// A run of ASCII without NUL is written as it is, at once.
		i := 0
		for i < len(line) && line[i] < utf8.RuneSelf && line[i] != 0 {
			i++
		}
		if i > 0 {
			b.Write(line[:i])
			line = line[i:]
			continue
		}
		if line[0] == 0 {
			line = line[1:]
			continue
		}
		r, size := utf8.DecodeRune(line)
		if r == utf8.RuneError && size == 1 {
			b.WriteString("\ufffd")
		} else {
			b.Write(line[:size])
		}
		line = line[size:]
	}
}

func hasEscapes(s string) bool {
	return strings.Contains(s, `\n`) || strings.Contains(s, `\"`) || strings.Contains(s, `\u00`) ||
		strings.Contains(s, `\t`) || strings.Contains(s, `\r`) || strings.Contains(s, `\/`)
}

// unescape decodes one level of JSON-style backslash escapes. Unknown
// escapes are kept as written.
func unescape(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		n := s[i+1]
		switch n {
		case 'n':
			b.WriteByte('\n')
		case 'r':
			// dropped: CRLF inside descriptions becomes a line break
		case 't':
			b.WriteByte('\t')
		case '"', '/', '\'':
			b.WriteByte(n)
		case '\\':
			b.WriteByte('\\')
		case 'u':
			if i+5 < len(s) {
				if r, ok := hex4(s[i+2 : i+6]); ok {
					if r == 0 {
						r = utf8.RuneError
					}
					b.WriteRune(r)
					i += 5
					continue
				}
			}
			b.WriteByte('\\')
			b.WriteByte('u')
		default:
			b.WriteByte('\\')
			b.WriteByte(n)
		}
		i++
	}
	return b.String()
}

func hex4(s string) (rune, bool) {
	var r rune
	for i := 0; i < 4; i++ {
		c := s[i]
		var v byte
		switch {
		case c >= '0' && c <= '9':
			v = c - '0'
		case c >= 'a' && c <= 'f':
			v = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			v = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(v)
	}
	return r, true
}

// stripControls removes ANSI escape sequences and carriage returns.
func stripControls(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\r':
		case c == 0x1b:
			if i+1 < len(s) && s[i+1] == '[' {
				j := i + 2
				for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == ';' || s[j] == '?') {
					j++
				}
				i = j // skip the final letter too
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// stripLineLinks undoes what copying from GitHub Actions' web log does to
// digits it took for line numbers: "AADSTS700[21](https://github.com/<run>
// #step:5:21)1" is AADSTS700211. Only a link inside a word is undone (a
// letter or digit on both sides); its text, the digits, is kept.
func stripLineLinks(s string) string {
	const mid = "](https://github.com/"
	var b strings.Builder
	last := 0
	for i := 0; ; {
		j := strings.Index(s[i:], mid)
		if j < 0 {
			break
		}
		m := i + j
		i = m + len(mid)
		o := m
		for o > last && isDigit(s[o-1]) {
			o--
		}
		if o == m || o == 0 || s[o-1] != '[' || o-1 == 0 || !isIDChar(s[o-2]) {
			continue
		}
		e := strings.IndexAny(s[i:], ") \n")
		if e < 0 || s[i+e] != ')' || i+e+1 >= len(s) || !isIDChar(s[i+e+1]) {
			continue
		}
		b.WriteString(s[last : o-1])
		b.WriteString(s[o:m])
		last = i + e + 1
		i = last
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}
