package main

import "github.com/azlogscan/azlogscan/parser/redact"

// redactErr renders an error for stderr without any secret it may quote
// (a URL with a SAS signature, a connection string).
func redactErr(err error) string { return redact.String(err.Error()) }
