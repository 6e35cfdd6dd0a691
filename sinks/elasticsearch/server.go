package elasticsearch

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"syscall"
)

// Kind says why Check failed.
type Kind int

const (
	KindOther            Kind = iota
	KindRefused               // nothing listens at the host and port
	KindUnreachable           // DNS failure, no route, timeout
	KindTLS                   // certificate not trusted, wrong host name, TLS against plain HTTP
	KindAuth                  // 401 or 403
	KindNotElasticsearch      // the server answered, but not as Elasticsearch does
	KindHTTP                  // another error status
)

var kindText = [...]string{
	KindOther:            "request failed",
	KindRefused:          "connection refused (is the server running, and are the URL's host and port right?)",
	KindUnreachable:      "server unreachable",
	KindTLS:              "TLS failure (a private CA needs --es-ca-cert)",
	KindAuth:             "authentication failed (check ELASTICSEARCH_API_KEY, or ELASTICSEARCH_USERNAME and ELASTICSEARCH_PASSWORD)",
	KindNotElasticsearch: "not Elasticsearch",
	KindHTTP:             "error response",
}

func (k Kind) String() string { return kindText[k] }

// CheckError is Check's error: which URL, what kind of failure, the cause.
type CheckError struct {
	URL    string // the node URL, without password
	Kind   Kind
	Status int // HTTP status, when there was an answer
	Err    error
}

func (e *CheckError) Error() string {
	s := "elasticsearch at " + e.URL + ": " + e.Kind.String()
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *CheckError) Unwrap() error { return e.Err }

// Check asks the server who it is (GET /, the Info API) and returns a
// *CheckError naming the URL and the cause when the server cannot be used:
// connection refused, TLS failure, 401/403, not Elasticsearch. Call it before
// reading any input. It also performs the client's product check.
func (s *Sink) Check(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "/", nil)
	if err != nil {
		return err
	}
	res, err := s.es.Transport.Perform(req)
	where := s.cfg.Addresses[0]
	if req.URL.Host != "" {
		where = redactURL(req.URL)
	} else {
		where = redactURLString(where)
	}
	if err != nil {
		return &CheckError{URL: where, Kind: transportKind(err), Err: err}
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	switch {
	case res.StatusCode == http.StatusUnauthorized || res.StatusCode == http.StatusForbidden:
		res.Body = io.NopCloser(bytes.NewReader(body))
		he := newHTTPError(res)
		return &CheckError{URL: where, Kind: KindAuth, Status: res.StatusCode, Err: he}
	case res.StatusCode < 200 || res.StatusCode > 299:
		res.Body = io.NopCloser(bytes.NewReader(body))
		return &CheckError{URL: where, Kind: KindHTTP, Status: res.StatusCode, Err: newHTTPError(res)}
	}
	var info struct {
		Version struct {
			Number string `json:"number"`
		} `json:"version"`
	}
	if res.Header.Get("X-Elastic-Product") != "Elasticsearch" {
		return &CheckError{URL: where, Kind: KindNotElasticsearch, Status: res.StatusCode,
			Err: errors.New("the answer lacks the header X-Elastic-Product: Elasticsearch (a different server, Elasticsearch older than 7.14, or a proxy that drops the header)")}
	}
	if err := json.Unmarshal(body, &info); err != nil || info.Version.Number == "" {
		return &CheckError{URL: where, Kind: KindNotElasticsearch, Status: res.StatusCode,
			Err: errors.New("the answer to GET / is not Elasticsearch's Info document")}
	}
	s.version = info.Version.Number
	// The same request through the client, which records its product check.
	r, err := s.es.Info(s.es.Info.WithContext(ctx))
	if err != nil {
		return &CheckError{URL: where, Kind: transportKind(err), Err: err}
	}
	r.Body.Close()
	return nil
}

func transportKind(err error) Kind {
	var (
		dnsErr    *net.DNSError
		unknownCA x509.UnknownAuthorityError
		hostErr   x509.HostnameError
		invalid   x509.CertificateInvalidError
		verifyErr *tls.CertificateVerificationError
		recordErr tls.RecordHeaderError
		alertErr  tls.AlertError
		netErr    net.Error
	)
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return KindRefused
	case errors.As(err, &unknownCA), errors.As(err, &hostErr), errors.As(err, &invalid),
		errors.As(err, &verifyErr), errors.As(err, &recordErr), errors.As(err, &alertErr):
		return KindTLS
	case err.Error() == "http: server gave HTTP response to HTTPS client":
		// net/http's only report of this case is an unexported error value.
		return KindTLS
	case errors.As(err, &dnsErr), errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return KindUnreachable
	case errors.As(err, &netErr) && netErr.Timeout():
		return KindUnreachable
	}
	return KindOther
}

//go:embed template.json
var templateJSON []byte

// TemplatePriority is the index template's priority: above the built-in
// templates of Elasticsearch (100).
const TemplatePriority = 200

// IndexTemplate returns the body of the index template Setup installs for
// index: its pattern is exactly the index name, with one shard (exact terms
// aggregations) and explicit mappings for every field of the document.
func IndexTemplate(index string) []byte {
	var b bytes.Buffer
	pat, _ := json.Marshal([]string{index})
	fmt.Fprintf(&b, `{"index_patterns":%s,"priority":%d,"template":`,
		pat, TemplatePriority)
	b.Write(bytes.TrimSpace(templateJSON))
	b.WriteByte('}')
	return b.Bytes()
}

// Mappings returns the index mappings of the template (for an existing index).
func Mappings() []byte {
	var t struct {
		Mappings json.RawMessage `json:"mappings"`
	}
	if err := json.Unmarshal(templateJSON, &t); err != nil {
		panic("elasticsearch: template.json: " + err.Error())
	}
	return t.Mappings
}

// SetupError is Setup's error.
type SetupError struct {
	Step string // "put index template", "put mapping"
	Err  error
}

func (e *SetupError) Error() string { return "elasticsearch: " + e.Step + ": " + e.Err.Error() }
func (e *SetupError) Unwrap() error { return e.Err }

// Setup installs (or replaces with the same content: it is idempotent) the
// index template named after the index, so that the index is created with
// its mappings when the first document arrives. When the index exists
// already, the mappings are added to it; a field already mapped with another
// type is an error (the index was made without the template: reindex, or
// choose another index).
func (s *Sink) Setup(ctx context.Context) error {
	idx := s.cfg.Index
	res, err := s.es.Indices.PutIndexTemplate(idx, bytes.NewReader(IndexTemplate(idx)),
		s.es.Indices.PutIndexTemplate.WithContext(ctx))
	if err != nil {
		return &SetupError{Step: "put index template " + idx, Err: err}
	}
	if err := responseError(res.StatusCode, res.Body); err != nil {
		return &SetupError{Step: "put index template " + idx, Err: err}
	}
	res, err = s.es.Indices.Exists([]string{idx}, s.es.Indices.Exists.WithContext(ctx))
	if err != nil {
		return &SetupError{Step: "check index " + idx, Err: err}
	}
	res.Body.Close()
	if res.StatusCode == http.StatusOK {
		if err := s.extendMapping(ctx, idx); err != nil {
			return &SetupError{Step: "put mapping on existing index " + idx, Err: err}
		}
	}
	s.setupDone = true
	return nil
}

// extendMapping adds the fields of Mappings that an existing index lacks
// (only those). A field mapped already is left as it is: a different type
// there is the index's own history, which Elasticsearch cannot change.
func (s *Sink) extendMapping(ctx context.Context, idx string) error {
	res, err := s.es.Indices.GetMapping(s.es.Indices.GetMapping.WithIndex(idx), s.es.Indices.GetMapping.WithContext(ctx))
	if err != nil {
		return err
	}
	if res.IsError() {
		return responseError(res.StatusCode, res.Body)
	}
	var existing map[string]struct {
		Mappings mappingNode `json:"mappings"`
	}
	err = json.NewDecoder(res.Body).Decode(&existing)
	res.Body.Close()
	if err != nil {
		return fmt.Errorf("reading the mapping of %s: %w", idx, err)
	}
	var ours mappingNode
	if err := json.Unmarshal(Mappings(), &ours); err != nil {
		return err
	}
	have := map[string]bool{}
	for _, m := range existing {
		m.Mappings.leaves("", have)
	}
	var tree map[string]any
	if err := json.Unmarshal(Mappings(), &tree); err != nil {
		return err
	}
	props, _ := tree["properties"].(map[string]any)
	if !pruneMapped(props, "", have) {
		return nil
	}
	body, _ := json.Marshal(map[string]any{"properties": props})
	res, err = s.es.Indices.PutMapping([]string{idx}, bytes.NewReader(body), s.es.Indices.PutMapping.WithContext(ctx))
	if err != nil {
		return err
	}
	return responseError(res.StatusCode, res.Body)
}

// pruneMapped removes from props the fields in have, and objects left empty;
// it reports whether anything is left.
func pruneMapped(props map[string]any, prefix string, have map[string]bool) bool {
	for name, v := range props {
		node, _ := v.(map[string]any)
		if sub, ok := node["properties"].(map[string]any); ok {
			if !pruneMapped(sub, prefix+name+".", have) {
				delete(props, name)
			}
			continue
		}
		if have[prefix+name] {
			delete(props, name)
		}
	}
	return len(props) > 0
}

// mappingNode is one level of a mappings tree.
type mappingNode struct {
	Type       string                 `json:"type"`
	Properties map[string]mappingNode `json:"properties"`
}

func (n mappingNode) leaves(prefix string, out map[string]bool) {
	for name, c := range n.Properties {
		if c.Type != "" {
			out[prefix+name] = true
		}
		c.leaves(prefix+name+".", out)
	}
}

// responseError closes body and returns an *HTTPError for a status outside 2xx.
func responseError(status int, body io.ReadCloser) error {
	if status >= 200 && status <= 299 {
		io.Copy(io.Discard, io.LimitReader(body, 1<<20))
		body.Close()
		return nil
	}
	return newHTTPError(&http.Response{StatusCode: status, Body: body})
}
