package redact

import (
	"bytes"

	"github.com/azlogscan/azlogscan/parser/internal/multi"
)

// triggerSet finds every trigger in one pass (AVX2 where the CPU has it).
var triggerSet = multi.New(Triggers())

// AppendLineHits is AppendHits for a whole block of log text where secrets
// are rare: one pass finds the lines holding a trigger word, and only those
// lines are run through the detectors. The hits are the same as
// AppendHits(hits, src) gives for secrets that do not span lines.
func AppendLineHits(hits []Hit, src []byte) []Hit {
	for from := 0; from < len(src); {
		p, _ := triggerSet.Index(src, from)
		if p < 0 {
			break
		}
		ls := bytes.LastIndexByte(src[:p], '\n') + 1
		le := len(src)
		if i := bytes.IndexByte(src[p:], '\n'); i >= 0 {
			le = p + i
		}
		n := len(hits)
		hits = AppendHits(hits, src[ls:le])
		for i := n; i < len(hits); i++ {
			hits[i].Start += ls
			hits[i].End += ls
		}
		from = le + 1
	}
	return hits
}
