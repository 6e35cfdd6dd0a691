package main

// The fake cloud: one TLS server answering for login.microsoftonline.com and
// management.azure.com, one plain HTTP server answering for IMDS
// (169.254.169.254), and an http.Client whose dialer sends every connection to
// them. The SDK keeps the real URLs (and the TLS server name), so everything it
// prints shows the real hosts.

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

const (
	hostLogin = "login.microsoftonline.com"
	hostARM   = "management.azure.com"
	hostIMDS  = "169.254.169.254"
)

// IMDS reachability modes.
const (
	imdsRespond = "respond" // the plain server answers
	imdsRefuse  = "refuse"  // connect: connection refused
	imdsHang    = "hang"    // the dial never completes (packets dropped), until the context ends
)

// entraError is Entra ID's token endpoint error body, fields in Entra's order.
type entraError struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
	ErrorCodes       []int  `json:"error_codes"`
	Timestamp        string `json:"timestamp"`
	TraceID          string `json:"trace_id"`
	CorrelationID    string `json:"correlation_id"`
	ErrorURI         string `json:"error_uri"`
}

// stsFailure is one failing answer of the fake Entra ID.
type stsFailure struct {
	Status      int
	Error       string
	Code        int
	Text        string // the description after "AADSTS<code>: ", without the trailer
	Timestamp   string // Entra's format: 2006-01-02 15:04:05Z
	TraceID     string
	Correlation string
	CRLF        bool // the pre-2024 trailer separated by \r\n instead of spaces
}

func (f stsFailure) body() []byte {
	sep := " "
	if f.CRLF {
		sep = "\r\n"
	}
	desc := fmt.Sprintf("AADSTS%d: %s%sTrace ID: %s%sCorrelation ID: %s%sTimestamp: %s",
		f.Code, f.Text, sep, f.TraceID, sep, f.Correlation, sep, f.Timestamp)
	b, err := json.Marshal(entraError{
		Error: f.Error, ErrorDescription: desc, ErrorCodes: []int{f.Code},
		Timestamp: f.Timestamp, TraceID: f.TraceID, CorrelationID: f.Correlation,
		ErrorURI: "https://login.microsoftonline.com/error?code=" + strconv.Itoa(f.Code),
	})
	if err != nil {
		panic(err)
	}
	return b
}

// httpDate turns Entra's timestamp into an HTTP Date header value, so response
// headers are as deterministic as the body.
func httpDate(ts string) string {
	t, err := time.Parse("2006-01-02 15:04:05Z", ts)
	if err != nil {
		return ""
	}
	return t.UTC().Format(http.TimeFormat)
}

// cloudConfig is what a scenario makes the fake cloud do.
type cloudConfig struct {
	// TenantNotFound answers AADSTS90002 on the tenant's OpenID configuration.
	TenantNotFound map[string]stsFailure
	// Token answers, per tenant, consumed in order; when exhausted (or absent) the token is issued.
	Token map[string][]stsFailure
	// IMDS reachability and, when reachable, the answer to a token request.
	IMDS       string
	IMDSStatus int
	IMDSBody   string
	// ARM: status and body for every request to management.azure.com.
	ARMStatus  int
	ARMBody    string
	ARMHeaders map[string]string
	ARMDate    string
	// Date is the Date header of answers that have no time of their own.
	Date string
}

type fakeCloud struct {
	cfg  cloudConfig
	tls  *httptest.Server
	imds *httptest.Server
	mu   sync.Mutex
	seen map[string]int // token requests per tenant
}

func newFakeCloud(cfg cloudConfig) (*fakeCloud, error) {
	f := &fakeCloud{cfg: cfg, seen: map[string]int{}}
	cert, err := serverCert()
	if err != nil {
		return nil, err
	}
	f.tls = httptest.NewUnstartedServer(http.HandlerFunc(f.serveTLS))
	f.tls.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	f.tls.Config.ErrorLog = nil
	f.tls.StartTLS()
	f.imds = httptest.NewServer(http.HandlerFunc(f.serveIMDS))
	return f, nil
}

func (f *fakeCloud) Close() {
	f.tls.Close()
	f.imds.Close()
}

// serverCert makes a self-signed certificate for the real host names.
func serverCert() (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "fake azure"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{hostLogin, hostARM},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}

// timeoutError is what the net package reports when a dial's context expires.
type timeoutError struct{}

func (timeoutError) Error() string   { return "i/o timeout" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }
func (timeoutError) Is(err error) bool {
	return err == context.DeadlineExceeded
}

type canceledError struct{}

func (canceledError) Error() string     { return "operation was canceled" }
func (canceledError) Is(err error) bool { return err == context.Canceled }

// Client returns the http.Client the SDK uses as its policy.Transporter.
func (f *fakeCloud) Client() *http.Client {
	pool := x509.NewCertPool()
	pool.AddCert(f.tls.Certificate())
	var d net.Dialer
	tr := &http.Transport{
		TLSClientConfig:   &tls.Config{RootCAs: pool},
		ForceAttemptHTTP2: false,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, port, err := net.SplitHostPort(addr)
			if err != nil {
				return nil, err
			}
			switch host {
			case hostLogin, hostARM:
				return d.DialContext(ctx, network, f.tls.Listener.Addr().String())
			case hostIMDS:
				p, _ := strconv.Atoi(port)
				opErr := &net.OpError{Op: "dial", Net: network, Addr: &net.TCPAddr{IP: net.ParseIP(host), Port: p}}
				switch f.cfg.IMDS {
				case imdsRespond:
					return d.DialContext(ctx, network, f.imds.Listener.Addr().String())
				case imdsRefuse:
					opErr.Err = os.NewSyscallError("connect", syscall.ECONNREFUSED)
					return nil, opErr
				default: // hang: like a host where nothing answers on the link-local address
					select {
					case <-ctx.Done():
					case <-time.After(2 * time.Minute):
					}
					if ctx.Err() == context.Canceled {
						opErr.Err = canceledError{}
					} else {
						opErr.Err = timeoutError{}
					}
					return nil, opErr
				}
			}
			return nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}}
		},
	}
	return &http.Client{Transport: tr}
}

func (f *fakeCloud) writeJSON(w http.ResponseWriter, status int, date string, body []byte, extra map[string]string) {
	if date == "" {
		date = f.cfg.Date
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store, no-cache")
	if date != "" {
		h.Set("Date", date)
	}
	for k, v := range extra {
		h.Set(k, v)
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func (f *fakeCloud) serveTLS(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if host == hostARM {
		hdr := map[string]string{}
		for k, v := range f.cfg.ARMHeaders {
			hdr[k] = v
		}
		status := f.cfg.ARMStatus
		if status == 0 {
			status = http.StatusOK
		}
		f.writeJSON(w, status, f.cfg.ARMDate, []byte(f.cfg.ARMBody), hdr)
		return
	}
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/"), "/")
	switch {
	case len(parts) == 3 && parts[0] == "common" && parts[1] == "discovery" && parts[2] == "instance":
		ae, _ := url.Parse(r.URL.Query().Get("authorization_endpoint"))
		tenant := "common"
		if ae != nil {
			if p := strings.Split(strings.TrimPrefix(ae.Path, "/"), "/"); len(p) > 0 && p[0] != "" {
				tenant = p[0]
			}
		}
		body := fmt.Sprintf(`{"tenant_discovery_endpoint":"https://%[1]s/%[2]s/v2.0/.well-known/openid-configuration","api-version":"1.1","metadata":[{"preferred_network":"login.microsoftonline.com","preferred_cache":"login.windows.net","aliases":["login.microsoftonline.com","login.windows.net","login.microsoft.com","sts.windows.net"]}]}`, hostLogin, tenant)
		f.writeJSON(w, 200, "", []byte(body), nil)
	case len(parts) >= 4 && parts[1] == "v2.0" && parts[2] == ".well-known" && parts[3] == "openid-configuration":
		tenant := parts[0]
		if fail, ok := f.cfg.TenantNotFound[tenant]; ok {
			f.writeJSON(w, fail.Status, httpDate(fail.Timestamp), fail.body(), map[string]string{"x-ms-request-id": fail.TraceID})
			return
		}
		body := fmt.Sprintf(`{"token_endpoint":"https://%[1]s/%[2]s/oauth2/v2.0/token","token_endpoint_auth_methods_supported":["client_secret_post","private_key_jwt","client_secret_basic"],"jwks_uri":"https://%[1]s/%[2]s/discovery/v2.0/keys","response_modes_supported":["query","fragment","form_post"],"subject_types_supported":["pairwise"],"id_token_signing_alg_values_supported":["RS256"],"response_types_supported":["code","id_token","code id_token","id_token token"],"scopes_supported":["openid","profile","email","offline_access"],"issuer":"https://%[1]s/%[2]s/v2.0","request_uri_parameter_supported":false,"userinfo_endpoint":"https://graph.microsoft.com/oidc/userinfo","authorization_endpoint":"https://%[1]s/%[2]s/oauth2/v2.0/authorize","device_authorization_endpoint":"https://%[1]s/%[2]s/oauth2/v2.0/devicecode","http_logout_supported":true,"frontchannel_logout_supported":true,"end_session_endpoint":"https://%[1]s/%[2]s/oauth2/v2.0/logout","claims_supported":["sub","iss","cloud_instance_name","cloud_instance_host_name","cloud_graph_host_name","msgraph_host","aud","exp","iat","auth_time","acr","nonce","preferred_username","name","tid","ver","at_hash","c_hash","email"],"kerberos_endpoint":"https://%[1]s/%[2]s/kerberos","tenant_region_scope":"EU","cloud_instance_name":"microsoftonline.com","cloud_graph_host_name":"graph.windows.net","msgraph_host":"graph.microsoft.com","rbac_url":"https://pas.windows.net"}`, hostLogin, tenant)
		f.writeJSON(w, 200, "", []byte(body), nil)
	case len(parts) == 4 && parts[1] == "oauth2" && parts[2] == "v2.0" && parts[3] == "token" && r.Method == http.MethodPost:
		tenant := parts[0]
		f.mu.Lock()
		n := f.seen[tenant]
		f.seen[tenant]++
		f.mu.Unlock()
		if fails := f.cfg.Token[tenant]; n < len(fails) {
			fail := fails[n]
			f.writeJSON(w, fail.Status, httpDate(fail.Timestamp), fail.body(), map[string]string{
				"x-ms-request-id": fail.TraceID, "x-ms-ests-server": "2.1.17846.6 - NEULR2 ProdSlices",
			})
			return
		}
		tok := fakeJWT(tenant)
		f.writeJSON(w, 200, "", []byte(fmt.Sprintf(`{"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":%q}`, tok)), nil)
	default:
		f.writeJSON(w, 404, "", []byte(`{"error":"not_found"}`), nil)
	}
}

func (f *fakeCloud) serveIMDS(w http.ResponseWriter, r *http.Request) {
	hdr := map[string]string{"Server": "IMDS/150.870.65.1325"}
	if r.Header.Get("Metadata") != "true" {
		// what IMDS answers to azidentity's probe request
		f.writeJSON(w, 400, "", []byte(`{"error":"invalid_request","error_description":"Required metadata header not specified"}`), hdr)
		return
	}
	status := f.cfg.IMDSStatus
	if status == 0 {
		f.writeJSON(w, 200, "", []byte(fmt.Sprintf(`{"access_token":%q,"client_id":"","expires_in":"86399","expires_on":"%d","ext_expires_in":"86399","not_before":"%d","resource":"https://management.azure.com/","token_type":"Bearer"}`,
			fakeJWT("imds"), time.Now().Add(24*time.Hour).Unix(), time.Now().Unix())), hdr)
		return
	}
	f.writeJSON(w, status, "", []byte(f.cfg.IMDSBody), hdr)
}

// fakeJWT is a syntactically valid, unsigned access token.
func fakeJWT(sub string) string {
	enc := base64.RawURLEncoding.EncodeToString
	h := enc([]byte(`{"typ":"JWT","alg":"none"}`))
	p := enc([]byte(fmt.Sprintf(`{"aud":"https://management.azure.com","sub":%q,"exp":%d}`, sub, time.Now().Add(time.Hour).Unix())))
	return h + "." + p + "."
}
