package loggen

import "time"

// clock is the simulated wall clock of the log. It only moves forward, in
// milliseconds; the text forms of the current second are cached, so a
// timestamp costs a few appends.
type clock struct {
	ms  int64 // Unix milliseconds
	sec int64 // second the caches below describe

	iso    []byte // 2024-05-01T10:00:01
	space  []byte // 2024-05-01 10:00:01
	nginx  []byte // 01/May/2024:10:00:01 +0000
	klog   []byte // 0501 10:00:01
	stamp  []byte // May  1 10:00:01
	unix   []byte // 1714557601
	slash  []byte // 2024/05/01 10:00:01
	httpTS []byte // Wed, 01 May 2024 10:00:01 GMT
}

func newClock(startMs int64) *clock {
	c := &clock{ms: startMs, sec: -1}
	c.refresh()
	return c
}

func (c *clock) advance(ms int) {
	c.ms += int64(ms)
	if c.ms/1000 != c.sec {
		c.refresh()
	}
}

func (c *clock) refresh() {
	c.sec = c.ms / 1000
	t := time.Unix(c.sec, 0).UTC()
	c.iso = t.AppendFormat(c.iso[:0], "2006-01-02T15:04:05")
	c.space = t.AppendFormat(c.space[:0], "2006-01-02 15:04:05")
	c.nginx = t.AppendFormat(c.nginx[:0], "02/Jan/2006:15:04:05 -0700")
	c.klog = t.AppendFormat(c.klog[:0], "0102 15:04:05")
	c.stamp = t.AppendFormat(c.stamp[:0], "Jan _2 15:04:05")
	c.unix = appendInt(c.unix[:0], int(c.sec))
	c.slash = t.AppendFormat(c.slash[:0], "2006/01/02 15:04:05")
	c.httpTS = t.AppendFormat(c.httpTS[:0], "Mon, 02 Jan 2006 15:04:05 GMT")
}

func (c *clock) milli() int { return int(c.ms % 1000) }

// appendISO appends 2024-05-01T10:00:01.003Z.
func (c *clock) appendISO(dst []byte) []byte {
	dst = append(dst, c.iso...)
	dst = append(dst, '.')
	dst = appendPad(dst, c.milli(), 3)
	return append(dst, 'Z')
}

// appendISO7 appends 2024-05-01T10:00:01.0030000Z (.NET round-trip form).
func (c *clock) appendISO7(dst []byte, r *rng) []byte {
	dst = append(dst, c.iso...)
	dst = append(dst, '.')
	dst = appendPad(dst, c.milli()*10000+r.intn(10000), 7)
	return append(dst, 'Z')
}

// appendISO9 appends 2024-05-01T10:00:01.003123456Z (Docker/CRI form).
func (c *clock) appendISO9(dst []byte, r *rng) []byte {
	dst = append(dst, c.iso...)
	dst = append(dst, '.')
	dst = appendPad(dst, c.milli()*1000000+r.intn(1000000), 9)
	return append(dst, 'Z')
}

// appendPy appends 2024-05-01 10:00:01,003 (Python logging asctime).
func (c *clock) appendPy(dst []byte) []byte {
	dst = append(dst, c.space...)
	dst = append(dst, ',')
	return appendPad(dst, c.milli(), 3)
}

// appendSpaceMs appends 2024-05-01 10:00:01.003 (logback, Spring Boot).
func (c *clock) appendSpaceMs(dst []byte) []byte {
	dst = append(dst, c.space...)
	dst = append(dst, '.')
	return appendPad(dst, c.milli(), 3)
}

// appendEntra appends 2024-05-01 10:00:01Z (Entra's error timestamp).
func (c *clock) appendEntra(dst []byte) []byte {
	dst = append(dst, c.space...)
	return append(dst, 'Z')
}

// appendUnixFrac appends 1714557601.003 (zap's ts).
func (c *clock) appendUnixFrac(dst []byte) []byte {
	dst = append(dst, c.unix...)
	dst = append(dst, '.')
	return appendPad(dst, c.milli(), 3)
}

// appendUnixMs appends 1714557601003 (pino's time).
func (c *clock) appendUnixMs(dst []byte) []byte {
	dst = append(dst, c.unix...)
	return appendPad(dst, c.milli(), 3)
}

// appendKlog appends 0501 10:00:01.003456.
func (c *clock) appendKlog(dst []byte, r *rng) []byte {
	dst = append(dst, c.klog...)
	dst = append(dst, '.')
	return appendPad(dst, c.milli()*1000+r.intn(1000), 6)
}

// appendStampMicro appends May  1 10:00:01.003456 (azcore's default listener).
func (c *clock) appendStampMicro(dst []byte, r *rng) []byte {
	dst = append(dst, c.stamp...)
	dst = append(dst, '.')
	return appendPad(dst, c.milli()*1000+r.intn(1000), 6)
}
