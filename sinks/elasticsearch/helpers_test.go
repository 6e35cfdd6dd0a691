package elasticsearch

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/azlogscan/azlogscan/parser"
)

// Test findings are built directly (the parser is written elsewhere).

var (
	testCodes       = []string{"7000215", "700016", "50126", "53003", "7000222"}
	testCredentials = []string{"ClientSecretCredential", "ManagedIdentityCredential", "DefaultAzureCredential", "AzureCLICredential"}
	testTenants     = []string{"72f988bf-86f1-41af-91ab-2d7cd011db47", "contoso.onmicrosoft.com", "11111111-2222-3333-4444-555555555555"}
)

// testFinding returns finding number i of a synthetic run over file: its
// code, credential and tenant cycle through the lists above.
func testFinding(file string, i int) *parser.Finding {
	code := testCodes[i%len(testCodes)]
	cred := testCredentials[i%len(testCredentials)]
	tenant := testTenants[i%len(testTenants)]
	f := &parser.Finding{
		Time:          time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second),
		Message:       fmt.Sprintf("%s authentication failed: AADSTS%s: failure number %d", cred, code, i),
		ErrorCode:     "invalid_client",
		ErrorMessage:  fmt.Sprintf("AADSTS%s: something went wrong.\nTrace ID: x", code),
		HTTPStatus:    401,
		URL:           "https://login.microsoftonline.com/" + tenant + "/oauth2/v2.0/token",
		File:          file,
		Offset:        int64(i) * 731,
		Line:          int64(i)*9 + 1,
		SDK:           "go",
		Credential:    cred,
		AADSTS:        []string{code},
		TraceID:       fmt.Sprintf("0000aaaa-0000-0000-0000-%012d", i),
		CorrelationID: fmt.Sprintf("1111bbbb-0000-0000-0000-%012d", i),
		TenantID:      tenant,
		ClientID:      "00001111-aaaa-2222-bbbb-3333cccc4444",
		Rule: parser.Rule{
			ID:          "AADSTS" + code,
			Name:        "Rule" + code,
			Category:    "credential",
			Description: "What AADSTS" + code + " means.",
			Reference:   "https://learn.microsoft.com/entra/identity-platform/reference-error-codes",
			Mitigation:  []string{"Do this.", "Then that."},
			ActionBy:    "app-developer",
		},
	}
	if cred == "DefaultAzureCredential" {
		f.Chain = []parser.ChainEntry{
			{Credential: "EnvironmentCredential", Reason: "environment variables are not fully configured"},
			{Credential: "ManagedIdentityCredential", Reason: "no response from the IMDS endpoint", AADSTS: []string{"500011"}},
		}
	}
	return f
}

// writeTestFindings writes testFinding 0 to n-1 through s.
func writeTestFindings(t *testing.T, s *Sink, n int) {
	t.Helper()
	for i := range n {
		if err := s.Write(context.Background(), testFinding("app.log", i)); err != nil {
			t.Fatal(err)
		}
	}
}

// fullFinding sets every field the document can have.
func fullFinding() *parser.Finding {
	f := testFinding("full.log", 2)
	f.EntraTimestamp = "2022-03-02 18:25:26Z"
	f.Authorization = &parser.Authorization{ClientID: "c", ObjectID: "o", Action: "Microsoft.Storage/read", Scope: "/subscriptions/x"}
	f.Signals = []string{"imds-unreachable"}
	f.Rule.Benign = true
	f.SecretKind = "jwt"
	return f
}

// fakeES answers as Elasticsearch 8 does, for the routes the sink uses. Bulk
// decides the _bulk answer; by default every item is created.
type fakeES struct {
	*httptest.Server
	mu        sync.Mutex
	templates map[string][]byte
	docs      map[string][]byte // _id → document, as indexed
	bulks     int
	// bulk returns the HTTP status and body for one _bulk request; nil = all created.
	bulk func(call int, items []fakeItem) (int, []byte)
}

type fakeItem struct {
	ID  string
	Doc []byte
}

func newFakeES(t *testing.T) *fakeES {
	f := &fakeES{templates: map[string][]byte{}, docs: map[string][]byte{}}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeES) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Elastic-Product", "Elasticsearch")
	w.Header().Set("Content-Type", "application/json")
	body, _ := io.ReadAll(r.Body)
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/":
		io.WriteString(w, `{"name":"fake","cluster_name":"test","version":{"number":"8.15.0","build_flavor":"default"},"tagline":"You Know, for Search"}`)
	case r.Method == http.MethodPut && strings.HasPrefix(r.URL.Path, "/_index_template/"):
		f.mu.Lock()
		f.templates[strings.TrimPrefix(r.URL.Path, "/_index_template/")] = body
		f.mu.Unlock()
		io.WriteString(w, `{"acknowledged":true}`)
	case r.Method == http.MethodHead:
		w.WriteHeader(http.StatusNotFound)
	case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/_bulk"):
		var items []fakeItem
		sc := bufio.NewScanner(bytes.NewReader(body))
		sc.Buffer(nil, 16<<20)
		for sc.Scan() {
			var meta map[string]struct {
				ID string `json:"_id"`
			}
			if err := json.Unmarshal(sc.Bytes(), &meta); err != nil {
				http.Error(w, `{"error":{"type":"parse_exception","reason":"bad action line"},"status":400}`, 400)
				return
			}
			sc.Scan()
			items = append(items, fakeItem{ID: meta["index"].ID, Doc: append([]byte(nil), sc.Bytes()...)})
		}
		f.mu.Lock()
		f.bulks++
		call := f.bulks
		hook := f.bulk
		f.mu.Unlock()
		status, resp := 0, []byte(nil)
		if hook != nil {
			status, resp = hook(call, items)
		}
		if resp == nil {
			status, resp = 200, bulkResponse200(items, nil)
		}
		// Record what the answer says was indexed.
		var parsed bulkResponse
		if status == 200 && json.Unmarshal(resp, &parsed) == nil {
			f.mu.Lock()
			for _, it := range parsed.Items {
				for _, v := range it {
					if v.Status < 300 {
						for _, in := range items {
							if in.ID == v.DocumentID {
								f.docs[in.ID] = in.Doc
							}
						}
					}
				}
			}
			f.mu.Unlock()
		}
		w.WriteHeader(status)
		w.Write(resp)
	default:
		http.Error(w, `{"error":"no route"}`, 404)
	}
}

// bulkResponse200 answers every item with created, except those for which
// fail returns an item (status, error type).
func bulkResponse200(items []fakeItem, fail func(fakeItem) (int, string)) []byte {
	var b strings.Builder
	errorsSeen := false
	b.WriteString(`{"took":3,"errors":ERRORS,"items":[`)
	for i, it := range items {
		if i > 0 {
			b.WriteByte(',')
		}
		status, typ := 201, ""
		if fail != nil {
			if s, t := fail(it); s != 0 {
				status, typ = s, t
			}
		}
		if status >= 300 {
			errorsSeen = true
			fmt.Fprintf(&b, `{"index":{"_index":"x","_id":%q,"status":%d,"error":{"type":%q,"reason":"reason for %s","caused_by":{"type":"illegal_argument_exception","reason":"deeper"}}}}`,
				it.ID, status, typ, typ)
		} else {
			fmt.Fprintf(&b, `{"index":{"_index":"x","_id":%q,"_version":1,"result":"created","status":201,"_seq_no":%d,"_primary_term":1}}`, it.ID, i)
		}
	}
	b.WriteString(`]}`)
	return []byte(strings.Replace(b.String(), "ERRORS", fmt.Sprint(errorsSeen), 1))
}

func (f *fakeES) indexed() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.docs)
}

func testConfig(t *testing.T, addr string) Config {
	return Config{
		Addresses:      []string{addr},
		DeadLetterPath: t.TempDir() + "/dead.jsonl",
		RetryBackoff:   10 * time.Millisecond,
		FlushBytes:     4096,
		FlushInterval:  50 * time.Millisecond,
	}
}

// readDeadLetters reads the dead-letter file; none when it does not exist.
func readDeadLetters(t *testing.T, path string) []DeadLetter {
	t.Helper()
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var out []DeadLetter
	for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		var d DeadLetter
		if err := json.Unmarshal(line, &d); err != nil {
			t.Fatalf("dead-letter line %q: %v", line, err)
		}
		out = append(out, d)
	}
	return out
}
