package main

import (
	"github.com/azlogscan/azlogscan/parser"
	"github.com/azlogscan/azlogscan/parser/redact"
)

// Redaction is not optional: every record is redacted before anything is
// extracted from it, so no output (text, JSON, Elasticsearch, summary) can
// carry a secret the log held.
func init() { parser.SetRedactor(redactRecord) }

func redactRecord(t string) (string, []string) {
	if redact.Index([]byte(t)) < 0 {
		return t, nil
	}
	out, hits := redact.Bytes(nil, []byte(t))
	if len(hits) == 0 {
		return t, nil
	}
	kinds := make([]string, len(hits))
	for i, h := range hits {
		kinds[i] = h.Kind
	}
	return string(out), kinds
}

// redactErr renders an error for stderr without any secret it may quote
// (a URL with a SAS signature, a connection string).
func redactErr(err error) string { return redact.String(err.Error()) }
