package main

import (
	"github.com/azlogscan/azlogscan/parser"
	"github.com/azlogscan/azlogscan/parser/redact"
)

// Redaction is not optional: every record is redacted before anything is
// extracted from it, so no output (text, JSON, Elasticsearch, summary) can
// carry a secret the log held. Every block of input, noise included, is
// also searched for secrets, so that a line holding one anywhere is reported
// as a "secret exposed in log" finding (kind and place, never the value).
func init() {
	parser.SetRedactor(redactRecord)
	parser.SetSecretFinder(findSecrets)
	parser.SetSecretWords(redact.Triggers(), findSecretsAt)
}

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

// findSecrets is the parser's block-level secret search: one pass finds the
// lines holding a trigger word, and only those run through redact's
// detectors; it allocates only when it finds a secret.
func findSecrets(dst []parser.SecretHit, block []byte) []parser.SecretHit {
	return appendSecretHits(dst, redact.AppendLineHits(nil, block))
}

// findSecretsAt is findSecrets for a block whose trigger words the parser
// found already (in the same pass as its own).
func findSecretsAt(dst []parser.SecretHit, block []byte, at []parser.WordAt) []parser.SecretHit {
	return appendSecretHits(dst, redact.AppendLineHitsAt(nil, block, at))
}

// appendSecretHits appends redact's hits to dst as the parser's.
func appendSecretHits(dst []parser.SecretHit, hits []redact.Hit) []parser.SecretHit {
	for _, h := range hits {
		dst = append(dst, parser.SecretHit{Kind: h.Kind, Start: h.Start})
	}
	return dst
}

// redactErr renders an error for stderr without any secret it may quote
// (a URL with a SAS signature, a connection string).
func redactErr(err error) string { return redact.String(err.Error()) }
