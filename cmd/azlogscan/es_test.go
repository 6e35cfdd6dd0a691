package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/azlogscan/azlogscan/corpus"
)

// esURL returns the test server's URL (without credentials) and sets the
// credentials in the environment, as a user would; it skips without one.
func esURL(t *testing.T) string {
	raw := os.Getenv("AZLOGSCAN_ES_TEST_URL")
	if raw == "" {
		t.Skip("no Elasticsearch-API test server: run `eval \"$(bash .ci/zinc.sh start)\"` first, or `bash .ci/test.sh`")
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if u.User != nil {
		pw, _ := u.User.Password()
		t.Setenv("ELASTICSEARCH_USERNAME", u.User.Username())
		t.Setenv("ELASTICSEARCH_PASSWORD", pw)
		u.User = nil
	}
	t.Setenv("ELASTICSEARCH_API_KEY", "")
	return u.String()
}

// search runs a query against the index and returns the decoded answer.
func search(t *testing.T, base, index string, q string) map[string]any {
	t.Helper()
	req, _ := http.NewRequest("POST", base+"/"+index+"/_search", strings.NewReader(q))
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth(os.Getenv("ELASTICSEARCH_USERNAME"), os.Getenv("ELASTICSEARCH_PASSWORD"))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	json.NewDecoder(res.Body).Decode(&out)
	return out
}

func total(r map[string]any) int {
	h, _ := r["hits"].(map[string]any)
	tt, _ := h["total"].(map[string]any)
	v, _ := tt["value"].(float64)
	return int(v)
}

// waitTotal polls until the index holds want documents (Zinc indexes
// asynchronously) and returns what it holds after a settle time.
func waitTotal(t *testing.T, base, index string, want int) int {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	n := -1
	for time.Now().Before(deadline) {
		n = total(search(t, base, index, `{"size":0,"track_total_hits":true}`))
		if n >= want {
			time.Sleep(2 * time.Second) // late duplicates would show now
			return total(search(t, base, index, `{"size":0,"track_total_hits":true}`))
		}
		time.Sleep(300 * time.Millisecond)
	}
	return n
}

// TestElasticsearchEndToEnd scans part of the corpus into a real
// Elasticsearch-API server, as a SIEM job would: every finding is there and
// queryable by code, credential and tenant; a second run adds nothing; the
// terms aggregation by code equals --summary.
func TestElasticsearchEndToEnd(t *testing.T) {
	base := esURL(t)
	cases, err := corpus.Cases()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for i, c := range cases {
		if i%5 != 0 {
			continue
		}
		b, _ := os.ReadFile(c.Log)
		os.WriteFile(dir+"/"+strings.ReplaceAll(c.Name, "/", "_")+".log", b, 0o644)
	}
	index := fmt.Sprintf("azlogscan-e2e-%d", time.Now().UnixNano())
	dead := dir + "/dead.jsonl"

	want, _, _ := azlogscan(t, nil, "--format", "json", dir)
	ds := docs(t, want)
	if len(ds) < 20 {
		t.Fatalf("only %d findings to index", len(ds))
	}
	sum, _, _ := azlogscan(t, nil, "--summary", "--format", "json", dir)

	_, errOut, code := azlogscan(t, nil, "--es-url", base, "--es-index", index, "--es-dead-letter", dead, dir)
	if code != exitFindings {
		t.Fatalf("first run: exit %d\n%s", code, errOut)
	}
	if !strings.Contains(errOut, fmt.Sprintf("%d indexed", len(ds))) {
		t.Errorf("first run reports: %s", errOut)
	}
	if n := waitTotal(t, base, index, len(ds)); n != len(ds) {
		t.Fatalf("index holds %d documents, want %d", n, len(ds))
	}

	// Queryable by code, credential and tenant.
	d := ds[0]
	for _, field := range []string{"event.code", "azure.identity.credential", "azure.identity.tenant_id"} {
		v, _ := get(d, field).(string)
		if v == "" {
			continue
		}
		want := 0
		for _, x := range ds {
			if get(x, field) == v {
				want++
			}
		}
		q := fmt.Sprintf(`{"size":0,"track_total_hits":true,"query":{"term":{%q:%q}}}`, field, v)
		if got := total(search(t, base, index, q)); got != want {
			t.Errorf("term %s=%s: %d documents, want %d", field, v, got, want)
		}
	}

	// The terms aggregation by code equals --summary's counts.
	var s struct {
		Findings int
		ByCode   []struct {
			Code  string
			Count int
		} `json:"by_code"`
	}
	json.Unmarshal([]byte(sum), &s)
	agg := search(t, base, index, `{"size":0,"aggs":{"codes":{"terms":{"field":"event.code","size":1000}}}}`)
	got := map[string]int{}
	if a, ok := agg["aggregations"].(map[string]any); ok {
		buckets, _ := a["codes"].(map[string]any)["buckets"].([]any)
		for _, b := range buckets {
			m := b.(map[string]any)
			got[fmt.Sprint(m["key"])] = int(m["doc_count"].(float64))
		}
	}
	for _, c := range s.ByCode {
		if got[c.Code] != c.Count {
			t.Errorf("code %s: aggregation %d, summary %d", c.Code, got[c.Code], c.Count)
		}
	}

	// A second run over the same files adds nothing.
	_, errOut, code = azlogscan(t, nil, "--es-url", base, "--es-index", index, "--es-dead-letter", dead, dir)
	if code != exitFindings {
		t.Fatalf("second run: exit %d\n%s", code, errOut)
	}
	if n := waitTotal(t, base, index, len(ds)); n != len(ds) {
		t.Errorf("after a rerun the index holds %d documents, want %d", n, len(ds))
	}
	if _, err := os.Stat(dead); err == nil {
		b, _ := os.ReadFile(dead)
		t.Errorf("dead letters written: %s", bytes.TrimSpace(b))
	}
}

// TestElasticsearchUnreachable: a clear error naming the URL, before any
// input is read, and the usage/configuration exit code.
func TestElasticsearchUnreachable(t *testing.T) {
	t.Setenv("ELASTICSEARCH_API_KEY", "")
	t.Setenv("ELASTICSEARCH_USERNAME", "")
	t.Setenv("ELASTICSEARCH_PASSWORD", "")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var out, errOut bytes.Buffer
	code := run(ctx, []string{"--es-url", "http://127.0.0.1:1"}, strings.NewReader(seed), &out, &errOut)
	if code != exitUsage {
		t.Errorf("exit %d, want %d", code, exitUsage)
	}
	if !strings.Contains(errOut.String(), "127.0.0.1:1") {
		t.Errorf("stderr does not name the URL: %q", errOut.String())
	}
	if out.Len() != 0 {
		t.Errorf("output written although the server was unreachable: %q", out.String())
	}
}
