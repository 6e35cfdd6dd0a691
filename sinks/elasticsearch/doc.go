// Package elasticsearch is azlogscan's Elasticsearch sink: it indexes every
// finding, as the document of sinks.AppendDocument, through go-elasticsearch
// v8's esutil.BulkIndexer. It is the only package that imports
// go-elasticsearch.
//
// Use:
//
//	cfg := elasticsearch.ConfigFromEnv(urls) // ELASTICSEARCH_URL, _API_KEY, _USERNAME, _PASSWORD
//	cfg.Index = "azlogscan-findings"          // the default (DefaultIndex)
//	s, err := elasticsearch.New(cfg)          // validates; no network I/O
//	err = s.Check(ctx)                        // Info(): refused, TLS, 401/403, not Elasticsearch
//	err = s.Setup(ctx)                        // index template; also done by the first Write
//	for … { err = s.Write(ctx, f) }           // blocks when the server is slow
//	err = s.Close(ctx)                        // *NotIndexedError if anything was not indexed
//	st := s.Stats()                           // Indexed, Retried, Failed (dead-lettered)
//
// Guarantees:
//
//   - Idempotent: a document's _id is DocumentID(f), derived from the finding
//     itself (source path, byte offset, line, content; not the rule text), and
//     the action is "index", so a rerun over the same input overwrites the
//     same documents.
//   - Nothing lost silently: every document stays in memory until the server
//     acknowledges it. Retriable failures (429, 5xx, connection errors, and a
//     result the server did not report) are retried with exponential backoff,
//     first by the client (whole requests: 429, 502, 503, 504, network
//     errors) and then per document (Config.MaxRetries); other failures and
//     exhausted retries go to the dead-letter file (DefaultDeadLetterPath,
//     JSON Lines of DeadLetter, created on first use and appended to) with the
//     server's reason. Close compares the indexer's added, flushed and failed
//     counts and dead-letters any document left without a result.
//   - Bounded memory: Write blocks while the unacknowledged documents exceed
//     Config.MaxPendingBytes (default 4 × Workers × FlushBytes = 8 MiB).
//
// The index template (IndexTemplate) is named after the index, matches
// exactly that index name, sets number_of_shards: 1 (exact terms
// aggregations) and maps every field: keyword for codes, ids, credential,
// sdk, signals and paths; date for @timestamp; text with a .keyword
// multi-field for message, error.message, rule.description and
// azure.identity.chain.reason; long for the status code, line and offset;
// azure.identity.chain is an object array (not nested, so Kibana can
// aggregate on chain.credential); azure.identity.timestamp is a keyword, as
// Entra wrote it, since its format varies.
package elasticsearch
