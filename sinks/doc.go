package sinks

import (
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/azlogscan/azlogscan/parser"
)

// AppendDocument appends f as one JSON object (no newline) in the document
// schema of the README: ECS-aligned, with azure.identity.*, rule.* and
// azlogscan.* fields. Empty fields are left out; invalid UTF-8 is replaced by
// U+FFFD, so the output is always valid JSON.
func AppendDocument(b []byte, f *parser.Finding) []byte {
	b = append(b, '{')
	first := true
	key := func(k string) {
		if !first {
			b = append(b, ',')
		}
		first = false
		b = appendString(b, k)
		b = append(b, ':')
	}
	obj := func(k string) { key(k); b = append(b, '{'); first = true }
	end := func() { b = append(b, '}'); first = false }
	str := func(k, v string) {
		if v != "" {
			key(k)
			b = appendString(b, v)
		}
	}
	strs := func(k string, vs []string) {
		if len(vs) == 0 {
			return
		}
		key(k)
		b = append(b, '[')
		for i, v := range vs {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, v)
		}
		b = append(b, ']')
	}
	num := func(k string, v int64) {
		key(k)
		b = strconv.AppendInt(b, v, 10)
	}

	if ts := DocumentTime(f); !ts.IsZero() {
		key("@timestamp")
		b = append(b, '"')
		b = ts.UTC().AppendFormat(b, "2006-01-02T15:04:05.000Z07:00")
		b = append(b, '"')
	}
	str("message", f.Message)

	obj("event")
	if f.Kind == parser.KindSecretExposure {
		str("kind", "alert")
		strs("category", []string{"configuration"})
		strs("type", []string{"info"})
	} else {
		str("kind", "event")
		strs("category", []string{"authentication"})
		str("outcome", "failure")
	}
	str("code", f.Code())
	end()

	if f.ErrorCode != "" || f.ErrorMessage != "" {
		obj("error")
		str("code", f.ErrorCode)
		str("message", f.ErrorMessage)
		end()
	}
	if f.HTTPStatus != 0 {
		obj("http")
		obj("response")
		num("status_code", int64(f.HTTPStatus))
		end()
		end()
	}
	if f.URL != "" {
		obj("url")
		str("full", f.URL)
		end()
	}

	obj("log")
	obj("file")
	str("path", f.File)
	num("line", f.Line)
	end()
	num("offset", f.Offset)
	end()

	obj("azure")
	obj("identity")
	str("sdk", f.SDK)
	str("credential", f.Credential)
	if len(f.Chain) > 0 {
		key("chain")
		b = append(b, '[')
		for i := range f.Chain {
			if i > 0 {
				b = append(b, ',')
			}
			c := &f.Chain[i]
			b = append(b, '{')
			first = true
			str("credential", c.Credential)
			str("reason", c.Reason)
			strs("aadsts", c.AADSTS)
			b = append(b, '}')
			first = false
		}
		b = append(b, ']')
	}
	strs("aadsts", f.AADSTS)
	str("trace_id", f.TraceID)
	str("correlation_id", f.CorrelationID)
	str("timestamp", f.EntraTimestamp)
	str("tenant_id", f.TenantID)
	str("client_id", f.ClientID)
	if a := f.Authorization; a != nil {
		obj("authorization")
		str("client_id", a.ClientID)
		str("object_id", a.ObjectID)
		str("action", a.Action)
		str("scope", a.Scope)
		end()
	}
	end()
	end()

	r := &f.Rule
	if r.ID != "" {
		obj("rule")
		str("id", r.ID)
		str("name", r.Name)
		str("category", r.Category)
		str("description", r.Description)
		str("reference", r.Reference)
		end()
	}

	obj("azlogscan")
	strs("mitigation", r.Mitigation)
	str("action_by", r.ActionBy)
	strs("signals", f.Signals)
	if r.Benign {
		key("benign")
		b = append(b, "true"...)
	}
	if f.SecretKind != "" {
		obj("secret")
		str("kind", f.SecretKind)
		end()
	}
	end()

	return append(b, '}')
}

// DocumentTime is the document's @timestamp: the log record's time, else
// Entra's timestamp, else zero.
func DocumentTime(f *parser.Finding) time.Time {
	if !f.Time.IsZero() {
		return f.Time
	}
	if f.EntraTimestamp != "" {
		for _, layout := range []string{"2006-01-02 15:04:05Z", "2006-01-02T15:04:05Z", time.RFC3339Nano} {
			if t, err := time.Parse(layout, f.EntraTimestamp); err == nil {
				return t
			}
		}
	}
	return time.Time{}
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string, replacing invalid UTF-8 with U+FFFD
// and escaping control characters, so the result is always valid JSON.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, "\ufffd"...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
