package elasticsearch

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/elastic/go-elasticsearch/v8/esapi"
	"github.com/elastic/go-elasticsearch/v8/esutil"
)

// Error types the sink puts on bulk items whose result the server did not
// report in an Elasticsearch-shaped way. Both are retriable.
const (
	// TypeNoResult: the _bulk response listed no result for the document.
	TypeNoResult = "azlogscan_no_result"
	// TypeInconsistentResponse: the _bulk response carried a request-level
	// error beside its items, so none of its items is trusted.
	TypeInconsistentResponse = "azlogscan_inconsistent_bulk_response"
)

// HTTPError is a _bulk (or other) request the server answered with a status
// outside 2xx, after the client's own retries.
type HTTPError struct {
	Status int
	Type   string // Elasticsearch's error.type, when the body had one
	Reason string // error.reason, or the start of the body
}

func (e *HTTPError) Error() string {
	s := fmt.Sprintf("HTTP %d %s", e.Status, http.StatusText(e.Status))
	if e.Type != "" {
		s += ": " + e.Type
	}
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	return s
}

// newHTTPError reads (up to 64 KiB of) an error response's body.
func newHTTPError(res *http.Response) *HTTPError {
	e := &HTTPError{Status: res.StatusCode}
	if res.Body == nil {
		return e
	}
	body, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	_ = res.Body.Close()
	var es struct {
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal(body, &es) == nil && len(es.Error) > 0 {
		var obj struct {
			Type     string `json:"type"`
			Reason   string `json:"reason"`
			CausedBy *struct {
				Type   string `json:"type"`
				Reason string `json:"reason"`
			} `json:"caused_by"`
		}
		var str string
		switch {
		case json.Unmarshal(es.Error, &obj) == nil && (obj.Type != "" || obj.Reason != ""):
			e.Type, e.Reason = obj.Type, obj.Reason
			if c := obj.CausedBy; c != nil && (c.Type != "" || c.Reason != "") {
				e.Reason += " (caused by " + c.Type + ": " + c.Reason + ")"
			}
			return e
		case json.Unmarshal(es.Error, &str) == nil:
			e.Reason = str
			return e
		}
	}
	s := strings.TrimSpace(string(body))
	if len(s) > 512 {
		s = s[:512] + "…"
	}
	e.Reason = s
	return e
}

// bulkTransport sits between the BulkIndexer and the client. For a _bulk
// request it sends a private copy of the request body, keeps that copy to
// tell which documents the response leaves out, turns a non-2xx answer into
// an *HTTPError the item callbacks can classify, and hands the copy to
// bulkDecoder through the response body.
//
// Why a private copy: esutil's workers pass their reusable buffer itself as
// the request body and refill it as soon as the response is in. net/http may
// still be reading a request body after RoundTrip has returned (its contract
// allows that, for instance when a request is retried on another
// connection); reading the live buffer then drains the items the worker has
// just written, so the next request went out with some documents twice and
// others never, and those never got a result. Nothing but this transport
// reads the worker's buffer now, and only while the worker waits for it.
type bulkTransport struct {
	next esapi.Transport
}

func (t bulkTransport) Perform(req *http.Request) (*http.Response, error) {
	if !strings.HasSuffix(req.URL.Path, "/_bulk") || req.Body == nil || req.Body == http.NoBody {
		return t.next.Perform(req)
	}
	src := req.Body
	if req.GetBody != nil {
		if rc, err := req.GetBody(); err == nil {
			src = rc
		}
	}
	var sent []byte
	if req.ContentLength > 0 {
		sent = make([]byte, 0, req.ContentLength)
	}
	buf := bytes.NewBuffer(sent)
	_, err := buf.ReadFrom(src)
	if src != req.Body {
		_ = src.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("reading the bulk request body: %w", err)
	}
	sent = buf.Bytes()
	req.Body = io.NopCloser(bytes.NewReader(sent))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(sent)), nil }
	req.ContentLength = int64(len(sent))
	res, err := t.next.Perform(req)
	if err != nil {
		return nil, err
	}
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return nil, newHTTPError(res)
	}
	res.Body = &bulkBody{ReadCloser: res.Body, sent: sent}
	return res, nil
}

// bulkBody is a _bulk response body that remembers the request's body. The
// copy is not pooled: net/http may read it after the response is closed.
type bulkBody struct {
	io.ReadCloser
	sent []byte
}

// bulkDecoder decodes a _bulk response and makes its items line up with the
// request's, one per document, as the Elasticsearch contract says they do.
// When the server breaks the contract (fewer or more items than documents,
// or a request-level "error" beside errors:false, as ZincSearch answers when
// a document fails), the documents without a trustworthy result get a
// retriable failure instead of being counted as indexed or dropped silently.
type bulkDecoder struct{}

type bulkResponse struct {
	Took   int                                         `json:"took"`
	Errors bool                                        `json:"errors"`
	Items  []map[string]esutil.BulkIndexerResponseItem `json:"items"`
	Error  json.RawMessage                             `json:"error"`
}

func (bulkDecoder) UnmarshalFromReader(r io.Reader, blk *esutil.BulkIndexerResponse) error {
	var raw bulkResponse
	if err := json.NewDecoder(r).Decode(&raw); err != nil {
		return err
	}
	blk.Took, blk.HasErrors, blk.Items = raw.Took, raw.Errors, raw.Items
	body, ok := r.(*bulkBody)
	if !ok || len(body.sent) == 0 {
		return nil
	}
	ids := sentIDs(body.sent)
	inconsistent := len(raw.Error) > 0 && string(raw.Error) != "null"
	if !inconsistent && len(raw.Items) == len(ids) {
		return nil // the normal case: one item per document, in order
	}
	blk.HasErrors = true
	blk.Items = alignItems(raw, ids, inconsistent)
	return nil
}

// alignItems returns one item per sent document: the server's item for it
// (matched by _id), else a retriable failure.
func alignItems(raw bulkResponse, ids []string, inconsistent bool) []map[string]esutil.BulkIndexerResponseItem {
	out := make([]map[string]esutil.BulkIndexerResponseItem, len(ids))
	byID := make(map[string][]map[string]esutil.BulkIndexerResponseItem, len(raw.Items))
	if !inconsistent {
		for _, it := range raw.Items {
			for _, v := range it {
				byID[v.DocumentID] = append(byID[v.DocumentID], it)
			}
		}
	}
	serverErr := strings.Trim(string(raw.Error), `"`)
	for i, id := range ids {
		if q := byID[id]; len(q) > 0 {
			out[i] = q[0]
			byID[id] = q[1:]
			continue
		}
		var it esutil.BulkIndexerResponseItem
		it.DocumentID = id
		if inconsistent {
			it.Error.Type = TypeInconsistentResponse
			it.Error.Reason = "the bulk response reported a request-level error beside its items (" +
				serverErr + "); no result of that request is trusted"
		} else {
			it.Error.Type = TypeNoResult
			it.Error.Reason = fmt.Sprintf("the bulk response listed %d results for %d documents and none for this one",
				len(raw.Items), len(ids))
		}
		out[i] = map[string]esutil.BulkIndexerResponseItem{"index": it}
	}
	return out
}

// sentIDs returns the _id of every action in an NDJSON _bulk body written by
// esutil (one action line, then one document line, per item).
func sentIDs(body []byte) []string {
	var ids []string
	action := true
	for len(body) > 0 {
		line := body
		if nl := bytes.IndexByte(body, '\n'); nl >= 0 {
			line, body = body[:nl], body[nl+1:]
		} else {
			body = nil
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if action {
			ids = append(ids, actionID(line))
			// delete actions have no document line
			action = bytes.HasPrefix(bytes.TrimSpace(line), []byte(`{"delete"`))
			continue
		}
		action = true
	}
	return ids
}

func actionID(line []byte) string {
	const key = `"_id":`
	i := bytes.Index(line, []byte(key))
	if i < 0 {
		return ""
	}
	var id string
	dec := json.NewDecoder(bytes.NewReader(line[i+len(key):]))
	if dec.Decode(&id) != nil {
		return ""
	}
	return id
}
