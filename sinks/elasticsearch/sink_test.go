package elasticsearch

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/azlogscan/azlogscan/parser"
	"github.com/azlogscan/azlogscan/sinks"
)

func TestConfigFromEnv(t *testing.T) {
	t.Setenv(EnvURL, " https://a:9200 ,http://bob:s3cret@b:9200/es,")
	t.Setenv(EnvAPIKey, "")
	t.Setenv(EnvUsername, "")
	t.Setenv(EnvPassword, "")
	c := ConfigFromEnv(nil)
	if got, want := strings.Join(c.Addresses, " "), "https://a:9200 http://b:9200/es"; got != want {
		t.Errorf("Addresses = %q, want %q", got, want)
	}
	if c.Username != "bob" || c.Password != "s3cret" {
		t.Errorf("credentials from the URL: %q %q", c.Username, c.Password)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}

	t.Setenv(EnvAPIKey, "aWQ6a2V5")
	c = ConfigFromEnv([]string{"http://flag:9200"})
	if len(c.Addresses) != 1 || c.Addresses[0] != "http://flag:9200" || c.APIKey != "aWQ6a2V5" || c.Username != "" {
		t.Errorf("flag URLs win over the environment's, key from env: %+v", c)
	}
}

func TestValidate(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "ca.pem")
	os.WriteFile(notPEM, []byte("hello"), 0o600)
	ok := Config{Addresses: []string{"http://127.0.0.1:9200"}, DeadLetterPath: filepath.Join(dir, "dl.jsonl")}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid config: %v", err)
	}
	for _, tc := range []struct {
		name, field string
		mod         func(*Config)
	}{
		{"no address", "Addresses", func(c *Config) { c.Addresses = nil }},
		{"scheme", "Addresses", func(c *Config) { c.Addresses = []string{"ftp://x"} }},
		{"no host", "Addresses", func(c *Config) { c.Addresses = []string{"http://"} }},
		{"query", "Addresses", func(c *Config) { c.Addresses = []string{"http://x:9200/?pretty"} }},
		{"both credentials", EnvAPIKey, func(c *Config) { c.APIKey, c.Username, c.Password = "k", "u", "p" }},
		{"half basic", EnvUsername, func(c *Config) { c.Username = "u" }},
		{"upper index", "Index", func(c *Config) { c.Index = "Findings" }},
		{"bad index char", "Index", func(c *Config) { c.Index = "a*b" }},
		{"index starts with _", "Index", func(c *Config) { c.Index = "_x" }},
		{"missing CA", "CACertPath", func(c *Config) { c.CACertPath = filepath.Join(dir, "none.pem") }},
		{"CA not PEM", "CACertPath", func(c *Config) { c.CACertPath = notPEM }},
		{"dead-letter folder missing", "DeadLetterPath", func(c *Config) { c.DeadLetterPath = filepath.Join(dir, "no", "dl.jsonl") }},
		{"dead-letter is a folder", "DeadLetterPath", func(c *Config) { c.DeadLetterPath = dir }},
	} {
		c := ok
		tc.mod(&c)
		err := c.Validate()
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Field != tc.field {
			t.Errorf("%s: got %v, want a ConfigError on %s", tc.name, err, tc.field)
		}
	}
	// A password never shows in an error.
	c := ok
	c.Addresses = []string{"ftp://u:hunter2@x"}
	if err := c.Validate(); err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error shows the password or is missing: %v", err)
	}
}

func TestCheck(t *testing.T) {
	ctx := context.Background()
	check := func(t *testing.T, cfg Config) error {
		t.Helper()
		s, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close(ctx)
		return s.Check(ctx)
	}
	wantKind := func(t *testing.T, err error, kind Kind, url string) {
		t.Helper()
		var ce *CheckError
		if !errors.As(err, &ce) || ce.Kind != kind {
			t.Fatalf("got %v, want a CheckError of kind %q", err, kind)
		}
		if !strings.Contains(err.Error(), url) {
			t.Errorf("error %q does not name %s", err, url)
		}
	}

	t.Run("ok", func(t *testing.T) {
		f := newFakeES(t)
		s, err := New(testConfig(t, f.URL))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Check(ctx); err != nil {
			t.Fatal(err)
		}
		if s.ServerVersion() != "8.15.0" {
			t.Errorf("version %q", s.ServerVersion())
		}
		s.Close(ctx)
	})
	t.Run("refused", func(t *testing.T) {
		ln, _ := net.Listen("tcp", "127.0.0.1:0")
		addr := "http://" + ln.Addr().String()
		ln.Close()
		wantKind(t, check(t, testConfig(t, addr)), KindRefused, addr)
	})
	t.Run("401", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Elastic-Product", "Elasticsearch")
			w.Header().Set("WWW-Authenticate", `Basic realm="security"`)
			w.WriteHeader(401)
			fmt.Fprint(w, `{"error":{"type":"security_exception","reason":"unable to authenticate user [bob] for REST request [/]"},"status":401}`)
		}))
		defer srv.Close()
		cfg := testConfig(t, srv.URL)
		cfg.Username, cfg.Password = "bob", "wrong-password"
		err := check(t, cfg)
		wantKind(t, err, KindAuth, srv.URL)
		if !strings.Contains(err.Error(), "security_exception") || strings.Contains(err.Error(), "wrong-password") {
			t.Errorf("error %q: want the server's reason and no password", err)
		}
	})
	t.Run("not elasticsearch", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `<html>hello</html>`)
		}))
		defer srv.Close()
		wantKind(t, check(t, testConfig(t, srv.URL)), KindNotElasticsearch, srv.URL)
	})
	t.Run("tls unknown authority", func(t *testing.T) {
		srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
		defer srv.Close()
		wantKind(t, check(t, testConfig(t, srv.URL)), KindTLS, srv.URL)
	})
	t.Run("https to plain http", func(t *testing.T) {
		f := newFakeES(t)
		addr := strings.Replace(f.URL, "http://", "https://", 1)
		wantKind(t, check(t, testConfig(t, addr)), KindTLS, addr)
	})
	t.Run("tls with CA file", func(t *testing.T) {
		f := httptest.NewUnstartedServer(http.HandlerFunc((&fakeES{}).serve))
		f.StartTLS()
		defer f.Close()
		ca := filepath.Join(t.TempDir(), "ca.pem")
		writeCertPEM(t, ca, f)
		cfg := testConfig(t, f.URL)
		cfg.CACertPath = ca
		if err := check(t, cfg); err != nil {
			t.Fatalf("with the CA: %v", err)
		}
		cfg.CACertPath = ""
		cfg.InsecureSkipVerify = true
		if err := check(t, cfg); err != nil {
			t.Fatalf("with verification off: %v", err)
		}
	})
}

func TestWriteIndexesEverythingOnce(t *testing.T) {
	ctx := context.Background()
	f := newFakeES(t)
	cfg := testConfig(t, f.URL)
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	const n = 300
	writeTestFindings(t, s, n)
	if err := s.Close(ctx); err != nil {
		t.Fatal(err)
	}
	st := s.Stats()
	if st.Written != n || st.Indexed != n || st.Failed != 0 || st.Retried != 0 || st.Pending != 0 {
		t.Errorf("stats %+v", st)
	}
	if f.indexed() != n {
		t.Errorf("server has %d documents, want %d", f.indexed(), n)
	}
	if f.bulks < 2 {
		t.Errorf("%d bulk requests: FlushBytes not applied", f.bulks)
	}
	// The documents are AppendDocument's, under DocumentID's ids.
	fd := testFinding("app.log", 7)
	want := sinks.AppendDocument(nil, fd)
	if got := f.docs[DocumentID(fd)]; string(got) != string(want) {
		t.Errorf("document 7:\n got %s\nwant %s", got, want)
	}
	// The template was installed, named after the index, with one shard.
	var tpl struct {
		IndexPatterns []string `json:"index_patterns"`
		Template      struct {
			Settings struct {
				Shards int `json:"number_of_shards"`
			} `json:"settings"`
		} `json:"template"`
	}
	if err := json.Unmarshal(f.templates[DefaultIndex], &tpl); err != nil {
		t.Fatalf("template %s: %v", f.templates[DefaultIndex], err)
	}
	if len(tpl.IndexPatterns) != 1 || tpl.IndexPatterns[0] != DefaultIndex || tpl.Template.Settings.Shards != 1 {
		t.Errorf("template %+v", tpl)
	}
	if _, err := os.Stat(cfg.DeadLetterPath); !os.IsNotExist(err) {
		t.Errorf("dead-letter file created without failures: %v", err)
	}
}

func TestDocumentID(t *testing.T) {
	a, b := testFinding("a.log", 1), testFinding("a.log", 1)
	if DocumentID(a) != DocumentID(b) {
		t.Fatal("same finding, different ids")
	}
	b.Rule.Mitigation = []string{"Reworded by a newer rules database."}
	if DocumentID(a) != DocumentID(b) {
		t.Error("the rule text changed the id")
	}
	for name, mod := range map[string]func(*parser.Finding){
		"offset":  func(f *parser.Finding) { f.Offset++ },
		"file":    func(f *parser.Finding) { f.File = "b.log" },
		"message": func(f *parser.Finding) { f.Message += "!" },
		"time":    func(f *parser.Finding) { f.Time = f.Time.Add(time.Millisecond) },
	} {
		c := testFinding("a.log", 1)
		mod(c)
		if DocumentID(c) == DocumentID(a) {
			t.Errorf("%s changed, id did not", name)
		}
	}
	if len(DocumentID(a)) != 32 {
		t.Errorf("id %q", DocumentID(a))
	}
}

// Per-item 400s go to the dead-letter file with the server's reason, the
// others are indexed, and Close says how many were not.
func TestItem400DeadLettered(t *testing.T) {
	ctx := context.Background()
	f := newFakeES(t)
	bad := map[string]bool{}
	f.bulk = func(_ int, items []fakeItem) (int, []byte) {
		return 200, bulkResponse200(items, func(it fakeItem) (int, string) {
			if bad[it.ID] {
				return 400, "document_parsing_exception"
			}
			return 0, ""
		})
	}
	cfg := testConfig(t, f.URL)
	s, _ := New(cfg)
	const n = 100
	for i := range n {
		fd := testFinding("app.log", i)
		if i%10 == 3 {
			bad[DocumentID(fd)] = true
		}
	}
	writeTestFindings(t, s, n)
	err := s.Close(ctx)
	var ni *NotIndexedError
	if !errors.As(err, &ni) {
		t.Fatalf("Close: %v, want a NotIndexedError", err)
	}
	st := s.Stats()
	if st.Failed != 10 || st.Indexed != 90 || st.Retried != 0 || st.Lost != 0 {
		t.Errorf("stats %+v", st)
	}
	for _, want := range []string{"10 of 100 findings not indexed", cfg.DeadLetterPath, "document_parsing_exception"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Close's error %q lacks %q", err, want)
		}
	}
	dl := readDeadLetters(t, cfg.DeadLetterPath)
	if len(dl) != 10 {
		t.Fatalf("%d dead letters", len(dl))
	}
	for _, d := range dl {
		if !bad[d.ID] || d.Status != 400 || d.Error.Type != "document_parsing_exception" ||
			!strings.Contains(d.Error.Reason, "caused by illegal_argument_exception: deeper") || d.Attempts != 1 || d.Index != DefaultIndex {
			t.Errorf("dead letter %+v", d)
		}
		var doc map[string]any
		if err := json.Unmarshal(d.Document, &doc); err != nil || doc["message"] == nil {
			t.Errorf("dead letter document %s: %v", d.Document, err)
		}
	}
}

// Per-item 429s are retried until they succeed.
func TestItem429RetriedThenIndexed(t *testing.T) {
	ctx := context.Background()
	f := newFakeES(t)
	var mu sync.Mutex
	seen := map[string]int{}
	f.bulk = func(_ int, items []fakeItem) (int, []byte) {
		return 200, bulkResponse200(items, func(it fakeItem) (int, string) {
			mu.Lock()
			defer mu.Unlock()
			seen[it.ID]++
			if seen[it.ID] <= 2 {
				return 429, "es_rejected_execution_exception"
			}
			return 0, ""
		})
	}
	cfg := testConfig(t, f.URL)
	s, _ := New(cfg)
	const n = 50
	writeTestFindings(t, s, n)
	if err := s.Close(ctx); err != nil {
		t.Fatal(err)
	}
	st := s.Stats()
	if st.Indexed != n || st.Retried != 2*n || st.Failed != 0 {
		t.Errorf("stats %+v", st)
	}
	if f.indexed() != n {
		t.Errorf("server has %d", f.indexed())
	}
}

// Whole-request 503s are retried by the client and then per document.
func TestBulk503RetriedThenIndexed(t *testing.T) {
	ctx := context.Background()
	f := newFakeES(t)
	f.bulk = func(call int, items []fakeItem) (int, []byte) {
		if call <= 10 { // more than the client's own 3 retries of one request
			return 503, []byte(`{"error":{"type":"unavailable_shards_exception","reason":"primary shard is not active"},"status":503}`)
		}
		return 200, nil
	}
	cfg := testConfig(t, f.URL)
	cfg.Workers = 1
	s, _ := New(cfg)
	for i := range 20 {
		if err := s.Write(ctx, testFinding("app.log", i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); st.Indexed != 20 || st.Retried == 0 || st.Failed != 0 {
		t.Errorf("stats %+v", st)
	}
}

// Retries run out: the documents are dead-lettered with the last reason.
func TestRetriesExhausted(t *testing.T) {
	ctx := context.Background()
	f := newFakeES(t)
	f.bulk = func(int, []fakeItem) (int, []byte) {
		return 503, []byte(`{"error":{"type":"cluster_block_exception","reason":"blocked"},"status":503}`)
	}
	cfg := testConfig(t, f.URL)
	cfg.MaxRetries = 2
	s, _ := New(cfg)
	for i := range 5 {
		s.Write(ctx, testFinding("app.log", i))
	}
	err := s.Close(ctx)
	st := s.Stats()
	if err == nil || st.Failed != 5 || st.Indexed != 0 || st.Retried != 10 {
		t.Fatalf("Close: %v, stats %+v", err, st)
	}
	for _, d := range readDeadLetters(t, cfg.DeadLetterPath) {
		if d.Status != 503 || d.Attempts != 3 || !strings.Contains(d.Error.Reason, "gave up after 3 attempts") {
			t.Errorf("dead letter %+v", d)
		}
	}
}

// A server that drops documents without an item error (as ZincSearch does):
// the missing ones are retried, and dead-lettered if they never show.
func TestSilentDropsAreCaught(t *testing.T) {
	ctx := context.Background()
	for _, variant := range []string{"short items", "request-level error"} {
		t.Run(variant, func(t *testing.T) {
			f := newFakeES(t)
			var mu sync.Mutex
			poison := ""
			f.bulk = func(_ int, items []fakeItem) (int, []byte) {
				mu.Lock()
				defer mu.Unlock()
				// Report items up to the poison document, drop the rest silently.
				cut := len(items)
				for i, it := range items {
					if it.ID == poison {
						cut = i
						break
					}
				}
				resp := bulkResponse200(items[:cut], nil)
				if variant == "request-level error" && cut < len(items) {
					// Zinc: the failing document is reported created, a top-level error is added.
					resp = bulkResponse200(items[:cut+1], nil)
					resp = []byte(strings.Replace(string(resp), `{"took":3,`, `{"took":3,"error":"field [x] can't convert",`, 1))
				}
				return 200, resp
			}
			cfg := testConfig(t, f.URL)
			cfg.MaxRetries = 3
			s, _ := New(cfg)
			const n = 60
			poison = DocumentID(testFinding("app.log", 10))
			writeTestFindings(t, s, n)
			err := s.Close(ctx)
			st := s.Stats()
			dl := readDeadLetters(t, cfg.DeadLetterPath)
			if st.Indexed+st.Failed != n || int64(len(dl)) != st.Failed || st.Lost != 0 {
				t.Fatalf("stats %+v, %d dead letters", st, len(dl))
			}
			if err == nil || st.Failed == 0 {
				t.Fatalf("the poison document was counted as indexed: %v %+v", err, st)
			}
			found := false
			for _, d := range dl {
				found = found || d.ID == poison
				if d.Error.Type != TypeNoResult && d.Error.Type != TypeInconsistentResponse {
					t.Errorf("dead letter type %q", d.Error.Type)
				}
			}
			if !found {
				t.Error("the dropped document is not in the dead-letter file")
			}
			// The server really has every document counted as indexed.
			f.mu.Lock()
			has := len(f.docs)
			if variant == "request-level error" {
				delete(f.docs, poison) // reported created, but the stats must not count it
				has = len(f.docs)
			}
			f.mu.Unlock()
			if int64(has) < st.Indexed {
				t.Errorf("server has %d, stats say %d indexed", has, st.Indexed)
			}
		})
	}
}

func TestConnectionErrorsRetried(t *testing.T) {
	ctx := context.Background()
	// A server that resets the first few connections for _bulk.
	f := newFakeES(t)
	var mu sync.Mutex
	resets := 0
	inner := f.Config.Handler
	f.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/_bulk") {
			mu.Lock()
			resets++
			drop := resets <= 5
			mu.Unlock()
			if drop {
				conn, _, _ := w.(http.Hijacker).Hijack()
				conn.Close()
				return
			}
		}
		inner.ServeHTTP(w, r)
	})
	s, _ := New(testConfig(t, f.URL))
	for i := range 10 {
		s.Write(ctx, testFinding("app.log", i))
	}
	if err := s.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); st.Indexed != 10 {
		t.Errorf("stats %+v", st)
	}
}

// Write blocks while the unacknowledged documents exceed MaxPendingBytes.
func TestBackpressure(t *testing.T) {
	ctx := context.Background()
	f := newFakeES(t)
	release := make(chan struct{})
	f.bulk = func(int, []fakeItem) (int, []byte) {
		<-release
		return 200, nil
	}
	cfg := testConfig(t, f.URL)
	cfg.MaxPendingBytes = 8 << 10
	cfg.Workers = 1
	s, _ := New(cfg)
	written := 0
	for i := range 1000 {
		wctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		err := s.Write(wctx, testFinding("app.log", i))
		cancel()
		if errors.Is(err, context.DeadlineExceeded) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		written++
	}
	if written == 1000 || written == 0 {
		t.Fatalf("wrote %d findings without blocking", written)
	}
	if used := s.budget.used; used > cfg.MaxPendingBytes+2048 {
		t.Errorf("%d bytes pending, bound %d", used, cfg.MaxPendingBytes)
	}
	close(release)
	if err := s.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); st.Indexed != int64(written) || st.Written != int64(written) {
		t.Errorf("wrote %d, stats %+v", written, st)
	}
}

// Close's context ends while the server hangs: everything still under way is
// dead-lettered, so indexed + dead-lettered = written still holds.
func TestCloseDeadline(t *testing.T) {
	f := newFakeES(t)
	hang := make(chan struct{})
	defer close(hang)
	f.bulk = func(call int, items []fakeItem) (int, []byte) {
		if call > 1 {
			<-hang
		}
		return 200, nil
	}
	cfg := testConfig(t, f.URL)
	cfg.FlushBytes = 2048
	s, _ := New(cfg)
	written := int64(0)
	for i := range 40 {
		wctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		err := s.Write(wctx, testFinding("app.log", i))
		cancel()
		if err != nil {
			break // the indexer's queues are full: backpressure
		}
		written++
	}
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	err := s.Close(ctx)
	st := s.Stats()
	if err == nil || st.Written != written || st.Indexed+st.Failed != written || st.Failed == 0 || st.Pending != 0 {
		t.Fatalf("Close: %v; stats %+v", err, st)
	}
	if n := len(readDeadLetters(t, cfg.DeadLetterPath)); int64(n) != st.Failed {
		t.Errorf("%d dead letters, %d failed", n, st.Failed)
	}
}

// Every field AppendDocument can write is mapped explicitly by the template.
func TestTemplateMapsEveryField(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal(sinks.AppendDocument(nil, fullFinding()), &doc); err != nil {
		t.Fatal(err)
	}
	var leaves []string
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				walk(prefix+k+".", x)
			}
		case []any:
			for _, x := range v {
				walk(prefix, x)
			}
		default:
			leaves = append(leaves, strings.TrimSuffix(prefix, "."))
		}
	}
	walk("", doc)
	sort.Strings(leaves)

	var tpl struct {
		IndexPatterns []string `json:"index_patterns"`
		Template      struct {
			Settings map[string]any `json:"settings"`
			Mappings struct {
				Properties map[string]any `json:"properties"`
			} `json:"mappings"`
		} `json:"template"`
	}
	if err := json.Unmarshal(IndexTemplate("my-index"), &tpl); err != nil {
		t.Fatal(err)
	}
	if tpl.IndexPatterns[0] != "my-index" || tpl.Template.Settings["number_of_shards"] != float64(1) {
		t.Errorf("patterns %v settings %v", tpl.IndexPatterns, tpl.Template.Settings)
	}
	typeOf := func(path string) string {
		props := tpl.Template.Mappings.Properties
		parts := strings.Split(path, ".")
		for i, p := range parts {
			m, ok := props[p].(map[string]any)
			if !ok {
				return ""
			}
			if i == len(parts)-1 {
				s, _ := m["type"].(string)
				return s
			}
			props, _ = m["properties"].(map[string]any)
		}
		return ""
	}
	want := map[string]string{
		"@timestamp": "date", "event.code": "keyword", "azure.identity.credential": "keyword",
		"azure.identity.tenant_id": "keyword", "azure.identity.aadsts": "keyword", "message": "text",
		"error.message": "text", "rule.description": "text", "http.response.status_code": "long",
		"log.offset": "long", "log.file.line": "long", "azlogscan.signals": "keyword", "azure.identity.sdk": "keyword",
		"azure.identity.chain.credential": "keyword", "azlogscan.benign": "boolean",
	}
	if len(leaves) < 35 {
		t.Fatalf("full finding has only %d fields: %v", len(leaves), leaves)
	}
	for _, l := range leaves {
		typ := typeOf(l)
		if typ == "" {
			t.Errorf("field %s is not mapped", l)
		}
		if w, ok := want[l]; ok && w != typ {
			t.Errorf("field %s is %s, want %s", l, typ, w)
		}
	}
	m := Mappings()
	if !json.Valid(m) || !strings.Contains(string(m), `"properties"`) {
		t.Errorf("Mappings() = %.100s", m)
	}
}

func writeCertPEM(t *testing.T, path string, srv *httptest.Server) {
	t.Helper()
	b := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// lateBodyReader is a transport that, like net/http when it retries a request
// on another connection, sends a copy of the body (GetBody) and reads the
// request's own Body later, after RoundTrip has returned.
type lateBodyReader struct {
	wg   sync.WaitGroup
	mu   sync.Mutex
	late [][]byte // what each late read saw
	sent [][]byte // what was sent
}

func (l *lateBodyReader) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body == nil || req.GetBody == nil {
		return http.DefaultTransport.RoundTrip(req)
	}
	own := req.Body
	r2 := req.Clone(req.Context())
	r2.Body, _ = req.GetBody()
	sent, _ := io.ReadAll(r2.Body)
	r2.Body = io.NopCloser(bytes.NewReader(sent))
	res, err := http.DefaultTransport.RoundTrip(r2)
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		time.Sleep(2 * time.Millisecond)
		b, _ := io.ReadAll(own)
		own.Close()
		l.mu.Lock()
		l.late = append(l.late, b)
		l.sent = append(l.sent, sent)
		l.mu.Unlock()
	}()
	return res, err
}

// A request body read after the response is in (as net/http may) must not
// take documents from the next request: each document is sent exactly once,
// and none waits for Close to find it without a result.
func TestRequestBodyReadLate(t *testing.T) {
	ctx := context.Background()
	f := newFakeES(t)
	var received sync.Map // _id → times received
	f.bulk = func(_ int, items []fakeItem) (int, []byte) {
		for _, it := range items {
			n, _ := received.LoadOrStore(it.ID, new(atomic.Int64))
			n.(*atomic.Int64).Add(1)
		}
		return 0, nil
	}
	tr := &lateBodyReader{}
	cfg := testConfig(t, f.URL)
	cfg.Transport = tr
	cfg.FlushInterval = time.Hour
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	const n = 400
	writeTestFindings(t, s, n)
	if err := s.Close(ctx); err != nil {
		t.Fatal(err)
	}
	tr.wg.Wait()
	if st := s.Stats(); st.Indexed != n || st.Retried != 0 {
		t.Errorf("stats %+v, want %d indexed without retries", st, n)
	}
	if f.indexed() != n {
		t.Errorf("server has %d documents, want %d", f.indexed(), n)
	}
	twice := 0
	received.Range(func(_, v any) bool {
		if v.(*atomic.Int64).Load() > 1 {
			twice++
		}
		return true
	})
	if twice > 0 {
		t.Errorf("%d documents sent more than once", twice)
	}
	for i := range tr.late {
		if !bytes.Equal(tr.late[i], tr.sent[i]) {
			t.Errorf("request %d: a late read of its body saw %d bytes that differ from the %d sent", i, len(tr.late[i]), len(tr.sent[i]))
			break
		}
	}
}
