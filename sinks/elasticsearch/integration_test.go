package elasticsearch

// Integration tests against a real Elasticsearch-API server (ZincSearch, see
// ../../.ci/zinc.sh). They run when AZLOGSCAN_ES_TEST_URL is set:
//
//	eval "$(bash .ci/zinc.sh start)"
//	go test ./sinks/elasticsearch/ -run Integration -bench BulkIndex -benchtime 20000x
//	bash .ci/zinc.sh stop
//
// ZincSearch indexes asynchronously, so the tests poll _search (size 0,
// track_total_hits) until the expected count appears, and, as it cannot
// delete an index, every test writes to an index of its own.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/azlogscan/azlogscan/parser"
	"github.com/azlogscan/azlogscan/sinks"
)

const envTestURL = "AZLOGSCAN_ES_TEST_URL"

func integrationURL(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv(envTestURL)
	if u == "" {
		tb.Skipf("integration test against a real server: set %s, e.g. `eval \"$(bash .ci/zinc.sh start)\"` "+
			"(builds and starts ZincSearch on 127.0.0.1 and prints the variable), then `bash .ci/zinc.sh stop`", envTestURL)
	}
	return u
}

var nonIndexChars = regexp.MustCompile(`[^a-z0-9]+`)

// uniqueIndex is a fresh index name for tb (Zinc cannot delete indexes).
func uniqueIndex(tb testing.TB) string {
	name := nonIndexChars.ReplaceAllString(strings.ToLower(tb.Name()), "-")
	return fmt.Sprintf("azlogscan-test-%s-%d", strings.Trim(name, "-"), time.Now().UnixNano())
}

// esServer is a test's view of the server: plain HTTP requests, so that the
// assertions do not go through the code under test.
type esServer struct {
	base string // URL with credentials, no trailing slash
}

func (e esServer) do(tb testing.TB, method, path string, body any) (int, []byte) {
	tb.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, e.base+path, rd)
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, out
}

type searchResult struct {
	Hits struct {
		Total struct {
			Value int `json:"value"`
		} `json:"total"`
		Hits []struct {
			ID     string         `json:"_id"`
			Source map[string]any `json:"_source"`
		} `json:"hits"`
	} `json:"hits"`
	Aggregations map[string]struct {
		Buckets []struct {
			Key      any `json:"key"`
			DocCount int `json:"doc_count"`
		} `json:"buckets"`
	} `json:"aggregations"`
}

func (e esServer) search(tb testing.TB, index string, body map[string]any) searchResult {
	tb.Helper()
	status, out := e.do(tb, http.MethodPost, "/"+index+"/_search", body)
	if status != 200 {
		tb.Fatalf("search %s: %d %s", index, status, out)
	}
	var r searchResult
	if err := json.Unmarshal(out, &r); err != nil {
		tb.Fatalf("search answer %s: %v", out, err)
	}
	return r
}

func (e esServer) count(tb testing.TB, index string, query map[string]any) int {
	tb.Helper()
	if query == nil {
		query = map[string]any{"match_all": map[string]any{}}
	}
	return e.search(tb, index, map[string]any{"size": 0, "track_total_hits": true, "query": query}).Hits.Total.Value
}

// waitCount polls until the index holds want documents matching query.
func (e esServer) waitCount(tb testing.TB, index string, query map[string]any, want int, timeout time.Duration) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	got := -1
	for time.Now().Before(deadline) {
		if got = e.count(tb, index, query); got == want {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	tb.Fatalf("index %s: %d documents match %v after %s, want %d", index, got, query, timeout, want)
}

// waitAtLeast polls until the index holds at least want documents.
func (e esServer) waitAtLeast(tb testing.TB, index string, want int, timeout time.Duration) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	got := -1
	for time.Now().Before(deadline) {
		if got = e.count(tb, index, nil); got >= want {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	tb.Fatalf("index %s: %d documents after %s, want at least %d", index, got, timeout, want)
}

func term(field, value string) map[string]any {
	return map[string]any{"term": map[string]any{field: value}}
}

func integrationConfig(tb testing.TB, rawURL, index string) Config {
	cfg := ConfigFromEnv([]string{rawURL})
	cfg.Index = index
	cfg.DeadLetterPath = filepath.Join(tb.TempDir(), "dead.jsonl")
	return cfg
}

// writeAll writes findings through a new sink and closes it.
func writeAll(tb testing.TB, cfg Config, fs []*parser.Finding) (Stats, error) {
	tb.Helper()
	ctx := context.Background()
	s, err := New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	if err := s.Check(ctx); err != nil {
		tb.Fatal(err)
	}
	for _, f := range fs {
		if err := s.Write(ctx, f); err != nil {
			tb.Fatal(err)
		}
	}
	err = s.Close(ctx)
	return s.Stats(), err
}

func TestIntegrationIndexQueryRerun(t *testing.T) {
	raw := integrationURL(t)
	srv := esServer{base: strings.TrimSuffix(raw, "/")}
	index := uniqueIndex(t)
	const n = 500
	var fs []*parser.Finding
	byCode := map[string]int{}
	byCred := map[string]int{}
	byTenant := map[string]int{}
	for i := range n {
		f := testFinding("logs/app.log", i)
		fs = append(fs, f)
		byCode[f.Code()]++
		byCred[f.Credential]++
		byTenant[f.TenantID]++
	}
	cfg := integrationConfig(t, raw, index)
	cfg.FlushBytes = 64 << 10 // several _bulk requests
	st, err := writeAll(t, cfg, fs)
	if err != nil || st.Indexed != n || st.Failed != 0 || st.Written != n {
		t.Fatalf("first run: %v, stats %+v", err, st)
	}
	srv.waitCount(t, index, nil, n, 60*time.Second)

	// Queryable by code, credential and tenant, with the expected counts.
	for code, want := range byCode {
		if got := srv.count(t, index, term("event.code", code)); got != want {
			t.Errorf("event.code %s: %d, want %d", code, got, want)
		}
	}
	for cred, want := range byCred {
		if got := srv.count(t, index, term("azure.identity.credential", cred)); got != want {
			t.Errorf("credential %s: %d, want %d", cred, got, want)
		}
	}
	for tenant, want := range byTenant {
		if got := srv.count(t, index, term("azure.identity.tenant_id", tenant)); got != want {
			t.Errorf("tenant %s: %d, want %d", tenant, got, want)
		}
	}
	if got, want := srv.count(t, index, term("azure.identity.aadsts", "7000215")), byCode["AADSTS7000215"]; got != want {
		t.Errorf("aadsts 7000215: %d, want %d", got, want)
	}

	// The stored document has the finding's fields.
	f := fs[42]
	r := srv.search(t, index, map[string]any{"size": 1, "query": term("_id", DocumentID(f))})
	if len(r.Hits.Hits) != 1 {
		t.Fatalf("document 42 by _id: %+v", r.Hits)
	}
	src := r.Hits.Hits[0].Source
	get := func(path string) any {
		var v any = src
		for _, p := range strings.Split(path, ".") {
			m, _ := v.(map[string]any)
			v = m[p]
		}
		return v
	}
	for path, want := range map[string]any{
		"message":                   f.Message,
		"event.code":                f.Code(),
		"azure.identity.trace_id":   f.TraceID,
		"azure.identity.tenant_id":  f.TenantID,
		"log.offset":                float64(f.Offset),
		"log.file.path":             f.File,
		"http.response.status_code": float64(401),
		"rule.id":                   f.Rule.ID,
	} {
		if got := get(path); got != want {
			t.Errorf("document 42 %s = %v, want %v", path, got, want)
		}
	}

	// A terms aggregation by code gives the counts a --summary would.
	agg := srv.search(t, index, map[string]any{
		"size": 0, "query": map[string]any{"match_all": map[string]any{}},
		"aggs": map[string]any{"codes": map[string]any{"terms": map[string]any{"field": "event.code", "size": 50}}},
	})
	got := map[string]int{}
	for _, b := range agg.Aggregations["codes"].Buckets {
		got[fmt.Sprint(b.Key)] = b.DocCount
	}
	if fmt.Sprint(got) != fmt.Sprint(byCode) {
		t.Errorf("terms by event.code: %v, want %v", got, byCode)
	}

	// A second run over the same findings adds nothing: same ids, overwritten.
	st2, err := writeAll(t, cfg, fs)
	if err != nil || st2.Indexed != n {
		t.Fatalf("second run: %v, stats %+v", err, st2)
	}
	// Indexing is asynchronous: the count must stay at n while the rerun lands.
	for range 30 {
		if c := srv.count(t, index, nil); c != n {
			t.Fatalf("after the rerun the index holds %d documents, want %d", c, n)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestIntegrationSetupIdempotentAndErrors(t *testing.T) {
	raw := integrationURL(t)
	ctx := context.Background()
	index := uniqueIndex(t)
	s, err := New(integrationConfig(t, raw, index))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Check(ctx); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := s.Setup(ctx); err != nil {
			t.Fatalf("Setup: %v", err)
		}
	}
	if err := s.Close(ctx); err != nil {
		t.Fatal(err)
	}
	// Setup on the existing index (made by the template): nothing to add.
	st, err := writeAll(t, integrationConfig(t, raw, index), []*parser.Finding{testFinding("a.log", 1)})
	if err != nil || st.Indexed != 1 {
		t.Fatalf("write: %v %+v", err, st)
	}
	st, err = writeAll(t, integrationConfig(t, raw, index), []*parser.Finding{testFinding("a.log", 2)})
	if err != nil || st.Indexed != 1 {
		t.Fatalf("write to the existing index: %v %+v", err, st)
	}

	// Wrong password. Elasticsearch answers GET / with 401, and Check says
	// so (see TestCheck); ZincSearch serves GET /es/ without authentication,
	// so there the 401 comes from Setup.
	cfg := integrationConfig(t, raw, index)
	cfg.Password = "not-the-password"
	s, _ = New(cfg)
	err = s.Check(ctx)
	var ce *CheckError
	if err != nil && (!errors.As(err, &ce) || ce.Kind != KindAuth) {
		t.Errorf("wrong password, Check: %v", err)
	}
	if err == nil {
		err = s.Setup(ctx)
		var he *HTTPError
		if !errors.As(err, &he) || he.Status != http.StatusUnauthorized {
			t.Errorf("wrong password, Setup: %v", err)
		}
	}
	if err == nil || strings.Contains(err.Error(), "not-the-password") {
		t.Errorf("wrong password: %v", err)
	}
	s.Close(ctx)
}

// zincInstance is a private ZincSearch the test can stop and start again.
type zincInstance struct {
	bin, data, port, password string
	cmd                       *exec.Cmd
}

func startPrivateZinc(t *testing.T) *zincInstance {
	bin := os.Getenv("AZLOGSCAN_ZINC_BIN")
	if bin == "" {
		t.Skip("fault test: set AZLOGSCAN_ZINC_BIN (printed by `bash .ci/zinc.sh start`) to start a private ZincSearch")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	z := &zincInstance{bin: bin, data: t.TempDir(), port: port, password: fmt.Sprintf("Pw%d", time.Now().UnixNano())}
	z.start(t)
	t.Cleanup(func() { z.stop(t) })
	return z
}

func (z *zincInstance) url() string {
	return "http://admin:" + url.PathEscape(z.password) + "@127.0.0.1:" + z.port + "/es"
}

func (z *zincInstance) start(t *testing.T) {
	cmd := exec.Command(z.bin)
	cmd.Dir = z.data
	cmd.Env = append(os.Environ(), "GIN_MODE=release", "ZINC_SERVER_ADDRESS=127.0.0.1", "ZINC_SERVER_PORT="+z.port,
		"ZINC_DATA_PATH="+z.data, "ZINC_FIRST_ADMIN_USER=admin", "ZINC_FIRST_ADMIN_PASSWORD="+z.password,
		"ZINC_TELEMETRY=false", "ZINC_SENTRY=false", "ZINC_PROFILER=false", "ZINC_ICE_COMPRESSOR=snappy")
	logf, err := os.OpenFile(filepath.Join(z.data, "zinc.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	z.cmd = cmd
	for range 300 {
		if res, err := http.Get("http://127.0.0.1:" + z.port + "/es/"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("private ZincSearch did not start; see %s/zinc.log", z.data)
}

// stop ends the server with SIGTERM (twice if it hangs in "Index closing").
func (z *zincInstance) stop(t *testing.T) {
	if z.cmd == nil {
		return
	}
	done := make(chan struct{})
	go func() { z.cmd.Wait(); close(done) }()
	z.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		z.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(3 * time.Second):
			z.cmd.Process.Kill()
			<-done
		}
	}
	z.cmd = nil
}

// The server stops in the middle of a run and starts again: every finding
// ends up indexed or in the dead-letter file, and Close's error says how many
// were not indexed.
func TestIntegrationServerRestart(t *testing.T) {
	integrationURL(t)
	z := startPrivateZinc(t)
	srv := esServer{base: z.url()}
	index := uniqueIndex(t)
	cfg := integrationConfig(t, z.url(), index)
	cfg.FlushBytes = 64 << 10
	cfg.FlushInterval = 100 * time.Millisecond
	cfg.MaxRetries = 1
	cfg.RetryBackoff = 200 * time.Millisecond
	ctx := context.Background()
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Check(ctx); err != nil {
		t.Fatal(err)
	}
	var all []*parser.Finding
	write := func(from, to int) {
		for i := from; i < to; i++ {
			f := testFinding("restart.log", i)
			all = append(all, f)
			if err := s.Write(ctx, f); err != nil {
				t.Fatal(err)
			}
		}
	}
	waitResolved := func(d time.Duration) {
		deadline := time.Now().Add(d)
		for s.Stats().Pending > 0 && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
	}

	write(0, 300) // server up
	waitResolved(30 * time.Second)
	z.stop(t)
	write(300, 600) // server down: retried, then dead-lettered
	waitResolved(60 * time.Second)
	if st := s.Stats(); st.Pending != 0 || st.Failed < 300 {
		t.Fatalf("while the server was down: %+v", st)
	}
	write(600, 700) // still down, but back within the retry window
	time.Sleep(300 * time.Millisecond)
	z.start(t)
	write(700, 1000) // server up again

	cctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	err = s.Close(cctx)
	st := s.Stats()
	t.Logf("stats %+v", st)
	if st.Written != 1000 || st.Indexed+st.Failed != st.Written || st.Lost != 0 || st.Pending != 0 {
		t.Fatalf("indexed + dead-lettered != written: %+v", st)
	}
	if st.Retried == 0 || st.Indexed < 300 {
		t.Errorf("stats %+v", st)
	}
	var ni *NotIndexedError
	if !errors.As(err, &ni) || !strings.Contains(err.Error(), fmt.Sprintf("%d of 1000 findings not indexed", st.Failed)) ||
		!strings.Contains(err.Error(), cfg.DeadLetterPath) {
		t.Fatalf("Close: %v", err)
	}
	dl := readDeadLetters(t, cfg.DeadLetterPath)
	if int64(len(dl)) != st.Failed {
		t.Fatalf("%d dead letters, %d failed", len(dl), st.Failed)
	}

	// Every finding is in the server or in the dead-letter file.
	srv.waitCount(t, index, nil, int(st.Indexed), 60*time.Second)
	r := srv.search(t, index, map[string]any{"size": 2000, "_source": false, "query": map[string]any{"match_all": map[string]any{}}})
	have := map[string]bool{}
	for _, h := range r.Hits.Hits {
		have[h.ID] = true
	}
	for _, d := range dl {
		have[d.ID] = true
	}
	missing := 0
	for _, f := range all {
		if !have[DocumentID(f)] {
			missing++
		}
	}
	if missing > 0 {
		t.Errorf("%d findings neither indexed nor dead-lettered", missing)
	}
}

// Documents the server cannot convert: an index made beforehand maps
// error.code as a number, and every tenth finding has an error code. Such
// documents end up in the dead-letter file; no document is counted as indexed
// that the server does not have. (ZincSearch reports such a document as
// created, drops the rest of its _bulk request and adds a request-level
// "error"; Elasticsearch answers the item with a 400.)
func TestIntegrationUnconvertibleDocuments(t *testing.T) {
	raw := integrationURL(t)
	srv := esServer{base: strings.TrimSuffix(raw, "/")}
	index := uniqueIndex(t)
	status, out := srv.do(t, http.MethodPut, "/"+index, map[string]any{
		"settings": map[string]any{"number_of_shards": 1},
		"mappings": map[string]any{"properties": map[string]any{
			"error": map[string]any{"properties": map[string]any{"code": map[string]any{"type": "long"}}},
		}},
	})
	if status != 200 {
		t.Fatalf("create index: %d %s", status, out)
	}
	const n = 200
	var fs []*parser.Finding
	bad := map[string]bool{}
	for i := range n {
		f := testFinding("bad.log", i)
		f.ErrorCode = ""
		if i%10 == 5 {
			f.ErrorCode = "invalid_client"
			bad[DocumentID(f)] = true
		}
		fs = append(fs, f)
	}
	cfg := integrationConfig(t, raw, index)
	cfg.FlushBytes = 16 << 10
	cfg.RetryBackoff = 50 * time.Millisecond
	st, err := writeAll(t, cfg, fs) // Setup adds the missing fields, keeps error.code a number
	t.Logf("stats %+v; Close: %v", st, err)
	if st.Indexed+st.Failed != n || st.Lost != 0 || st.Failed < int64(len(bad)) {
		t.Fatalf("stats %+v", st)
	}
	var ni *NotIndexedError
	if !errors.As(err, &ni) {
		t.Fatalf("Close: %v", err)
	}
	dl := readDeadLetters(t, cfg.DeadLetterPath)
	inDL := map[string]bool{}
	for _, d := range dl {
		inDL[d.ID] = true
	}
	for id := range bad {
		if !inDL[id] {
			t.Errorf("unconvertible document %s not dead-lettered", id)
		}
	}
	// At least the indexed ones; documents sent before an unconvertible one in
	// the same request may be there too, though dead-lettered (Zinc's answer
	// cannot tell which).
	srv.waitAtLeast(t, index, int(st.Indexed), 30*time.Second)
	time.Sleep(time.Second)
	r := srv.search(t, index, map[string]any{"size": 1000, "_source": false, "query": map[string]any{"match_all": map[string]any{}}})
	have := map[string]bool{}
	for _, h := range r.Hits.Hits {
		have[h.ID] = true
		if bad[h.ID] {
			t.Errorf("unconvertible document %s is in the index", h.ID)
		}
	}
	if int64(len(have)) < st.Indexed {
		t.Errorf("the server has %d documents, %d counted as indexed", len(have), st.Indexed)
	}
	for _, f := range fs {
		if id := DocumentID(f); !have[id] && !inDL[id] {
			t.Errorf("finding %s neither indexed nor dead-lettered", id)
		}
	}
}

// BenchmarkBulkIndex measures documents per second into the local server,
// until Close returns (all acknowledged).
func BenchmarkBulkIndex(b *testing.B) {
	raw := integrationURL(b)
	pool := make([]*parser.Finding, 1000)
	size := 0
	for i := range pool {
		pool[i] = testFinding("bench.log", i)
		size += len(sinks.AppendDocument(nil, pool[i]))
	}
	cfg := integrationConfig(b, raw, uniqueIndex(b))
	ctx := context.Background()
	s, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Check(ctx); err != nil {
		b.Fatal(err)
	}
	if err := s.Setup(ctx); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(size / len(pool)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f := *pool[i%len(pool)]
		f.Offset = int64(i) * 1000 // a distinct finding, a distinct _id
		if err := s.Write(ctx, &f); err != nil {
			b.Fatal(err)
		}
	}
	if err := s.Close(ctx); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "docs/s")
	if st := s.Stats(); st.Indexed != int64(b.N) {
		b.Fatalf("stats %+v", st)
	}
}
