// Package sinks writes findings out: as text for people, as JSON Lines for
// programs, and (in sinks/elasticsearch) into an Elasticsearch index. All of
// them write the one document of AppendDocument.
package sinks

import (
	"context"

	"github.com/azlogscan/azlogscan/parser"
)

// Sink receives findings.
//
// Write is called from one goroutine at a time, in the order findings are to
// appear; the Finding and everything it points to belong to the caller and may
// be reused once Write returns, so a Sink that keeps a finding must copy what it
// needs (AppendDocument does). Write may block to apply backpressure. An error
// from Write means the finding was not accepted and is final for this sink.
//
// Close flushes whatever the sink buffers and releases its resources; after
// Close returns, every finding that Write accepted has either been delivered or
// been reported in Close's error. Close is called once; Write is not called
// after it.
type Sink interface {
	Write(ctx context.Context, f *parser.Finding) error
	Close(ctx context.Context) error
}
