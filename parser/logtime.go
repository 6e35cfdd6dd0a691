package parser

import (
	"strconv"
	"strings"
	"time"
)

// logTime returns the log record's own timestamp from its first line: a
// leading date-time in the common layouts (RFC 3339, Python logging's
// "2006-01-02 15:04:05,000", Go's "2006/01/02 15:04:05"), or a JSON/logfmt
// time field. Times without a zone are taken as UTC; times without a year
// (syslog, klog) are not used.
func logTime(head string) time.Time {
	h := strings.TrimLeft(head, " \t[\ufeff")
	if t, n := parseTimePrefix(h); n > 0 {
		return t
	}
	for _, k := range []string{`"@timestamp":`, `"time":`, `"timestamp":`, `"ts":`, `"@t":`, `"Timestamp":`, `"date":`, `time=`, `ts=`, `"TimeGenerated":`, `"eventTime":`} {
		i := strings.Index(h, k)
		if i < 0 {
			continue
		}
		v := strings.TrimLeft(h[i+len(k):], " \"")
		if t, n := parseTimePrefix(v); n > 0 {
			return t
		}
		// zap's epoch seconds: "ts":1714557601.123
		e := 0
		for e < len(v) && (v[e] >= '0' && v[e] <= '9' || v[e] == '.') {
			e++
		}
		if e >= 10 {
			if f, err := strconv.ParseFloat(v[:e], 64); err == nil && f > 1e9 && f < 1e10 {
				sec := int64(f)
				return time.Unix(sec, int64((f-float64(sec))*1e9)).UTC().Round(time.Millisecond)
			}
		}
	}
	return time.Time{}
}

// parseTimePrefix parses a date-time at the start of s and returns it with
// the number of bytes it took.
func parseTimePrefix(s string) (time.Time, int) {
	if len(s) < 19 || !isDigit(s[0]) || !isDigit(s[3]) || (s[4] != '-' && s[4] != '/') {
		return time.Time{}, 0
	}
	sep := s[4]
	if s[7] != sep || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':' {
		return time.Time{}, 0
	}
	num := func(a, b int) (int, bool) {
		n := 0
		for i := a; i < b; i++ {
			if !isDigit(s[i]) {
				return 0, false
			}
			n = n*10 + int(s[i]-'0')
		}
		return n, true
	}
	y, ok1 := num(0, 4)
	mo, ok2 := num(5, 7)
	d, ok3 := num(8, 10)
	hh, ok4 := num(11, 13)
	mm, ok5 := num(14, 16)
	ss, ok6 := num(17, 19)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || mo < 1 || mo > 12 || d < 1 || d > 31 || hh > 23 || mm > 59 || ss > 60 {
		return time.Time{}, 0
	}
	n := 19
	ns := 0
	if n < len(s) && (s[n] == '.' || s[n] == ',') {
		n++
		scale := 100000000
		for n < len(s) && isDigit(s[n]) {
			ns += int(s[n]-'0') * scale
			scale /= 10
			n++
		}
	}
	loc := time.UTC
	if n < len(s) {
		switch c := s[n]; {
		case c == 'Z':
			n++
		case c == '+' || c == '-':
			if len(s) >= n+5 {
				oh, ok1 := num(n+1, n+3)
				j := n + 3
				if s[j] == ':' {
					j++
				}
				if len(s) >= j+2 {
					om, ok2 := num(j, j+2)
					if ok1 && ok2 {
						off := oh*3600 + om*60
						if c == '-' {
							off = -off
						}
						loc = time.FixedZone("", off)
						n = j + 2
					}
				}
			}
		case c == ' ' && n+3 < len(s) && (s[n+1] == '+' || s[n+1] == '-') && isDigit(s[n+2]):
			// "2006-01-02 15:04:05 +0000"
			if t, m := parseTimePrefix(s[:n] + s[n+1:]); m > 0 {
				return t, m + 1
			}
		}
	}
	return time.Date(y, time.Month(mo), d, hh, mm, ss, ns, loc), n
}
