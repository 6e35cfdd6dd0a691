package elasticsearch

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Defaults of Config. They are part of the command's documentation.
const (
	// DefaultIndex is the index findings go to when Config.Index is empty.
	DefaultIndex = "azlogscan-findings"
	// DefaultDeadLetterPath is where documents that could not be indexed
	// go when Config.DeadLetterPath is empty: a JSON Lines file in the current
	// folder, created only when the first document fails, appended to after.
	DefaultDeadLetterPath = "azlogscan-dead-letter.jsonl"

	DefaultFlushBytes     = 1 << 20 // bytes of NDJSON per _bulk request
	DefaultFlushInterval  = 5 * time.Second
	DefaultMaxRetries     = 5                      // re-submissions of one document after retriable failures
	DefaultRetryBackoff   = 500 * time.Millisecond // first per-document backoff; doubles, capped at 30 s
	DefaultRequestTimeout = 60 * time.Second       // per HTTP request, until the response headers arrive
)

// Environment variables read by ConfigFromEnv. Credentials are read only from
// the environment, never from flags, which other users can see in ps.
const (
	EnvURL      = "ELASTICSEARCH_URL"      // comma-separated node URLs
	EnvAPIKey   = "ELASTICSEARCH_API_KEY"  // base64 "id:key", as Kibana shows it
	EnvUsername = "ELASTICSEARCH_USERNAME" // basic authentication, with EnvPassword
	EnvPassword = "ELASTICSEARCH_PASSWORD"
)

// Config configures a Sink. The zero value of every field but Addresses
// means its default.
type Config struct {
	// Addresses are the node URLs, e.g. "https://es.example.net:9200". A path
	// is kept as a prefix of every API path (a proxy, or Zinc's "/es").
	Addresses []string

	// APIKey (base64 "id:key") or Username and Password; not both.
	APIKey             string
	Username, Password string

	// CACertPath is a PEM file of the certificate authorities to trust instead
	// of the system's. InsecureSkipVerify turns TLS verification off.
	CACertPath         string
	InsecureSkipVerify bool

	// Index receives the findings; default DefaultIndex. Setup installs an
	// index template of the same name whose pattern is exactly this name.
	Index string

	// DeadLetterPath is the JSON Lines file for documents that were not
	// indexed; default DefaultDeadLetterPath.
	DeadLetterPath string

	FlushBytes    int           // _bulk request size; default DefaultFlushBytes
	FlushInterval time.Duration // flush at least this often; default DefaultFlushInterval
	Workers       int           // concurrent _bulk requests; default 2

	// MaxRetries is how many times one document is submitted again after a
	// retriable failure (429, 5xx, connection error, no result reported) before
	// it is dead-lettered; default DefaultMaxRetries, negative means none.
	// RetryBackoff is the first wait; it doubles per attempt, capped at 30 s.
	MaxRetries   int
	RetryBackoff time.Duration

	// MaxPendingBytes bounds the memory held by documents written but not yet
	// acknowledged by the server (they are kept to be retried or
	// dead-lettered); Write blocks above it. Default 4 × Workers × FlushBytes.
	MaxPendingBytes int

	// RequestTimeout bounds the wait for a response's headers; default
	// DefaultRequestTimeout.
	RequestTimeout time.Duration

	// SkipSetup leaves the index template alone on first use (for users
	// without the manage_index_templates privilege who installed it with
	// `azlogscan es setup` as another user).
	SkipSetup bool

	// Transport replaces the HTTP transport (tests). When set, CACertPath and
	// InsecureSkipVerify are ignored.
	Transport http.RoundTripper
}

// ConfigFromEnv returns a Config with the given node URLs (or, when there are
// none, those of ELASTICSEARCH_URL, comma-separated) and the credentials of
// ELASTICSEARCH_API_KEY or ELASTICSEARCH_USERNAME and ELASTICSEARCH_PASSWORD.
// Credentials written into a URL (http://user:pass@host) are moved into
// Username and Password when those are unset, so that no message shows them.
// The other fields are left to the caller (flags).
func ConfigFromEnv(urls []string) Config {
	var c Config
	if len(urls) == 0 {
		urls = strings.Split(os.Getenv(EnvURL), ",")
	}
	for _, u := range urls {
		if u = strings.TrimSpace(u); u != "" {
			c.Addresses = append(c.Addresses, u)
		}
	}
	c.APIKey = os.Getenv(EnvAPIKey)
	c.Username = os.Getenv(EnvUsername)
	c.Password = os.Getenv(EnvPassword)
	for i, a := range c.Addresses {
		u, err := url.Parse(a)
		if err != nil || u.User == nil {
			continue
		}
		if c.Username == "" && c.Password == "" && c.APIKey == "" {
			c.Username = u.User.Username()
			c.Password, _ = u.User.Password()
		}
		u.User = nil
		c.Addresses[i] = u.String()
	}
	return c
}

func (c Config) withDefaults() Config {
	if c.Index == "" {
		c.Index = DefaultIndex
	}
	if c.DeadLetterPath == "" {
		c.DeadLetterPath = DefaultDeadLetterPath
	}
	if c.FlushBytes <= 0 {
		c.FlushBytes = DefaultFlushBytes
	}
	if c.FlushInterval <= 0 {
		c.FlushInterval = DefaultFlushInterval
	}
	if c.Workers <= 0 {
		c.Workers = 2
	}
	if c.MaxRetries == 0 {
		c.MaxRetries = DefaultMaxRetries
	} else if c.MaxRetries < 0 {
		c.MaxRetries = 0
	}
	if c.RetryBackoff <= 0 {
		c.RetryBackoff = DefaultRetryBackoff
	}
	if c.MaxPendingBytes <= 0 {
		c.MaxPendingBytes = 4 * c.Workers * c.FlushBytes
	}
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = DefaultRequestTimeout
	}
	return c
}

// ConfigError is a Config that cannot work, found before any I/O.
type ConfigError struct {
	Field string // the Config field (or environment variable) at fault
	Err   error
}

func (e *ConfigError) Error() string { return "elasticsearch: " + e.Field + ": " + e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

// Validate reports the first problem of c that would make every request fail:
// no address, a malformed URL, half a credential, an index name Elasticsearch
// refuses, an unreadable CA file, a dead-letter folder that does not exist.
// It does no network I/O.
func (c Config) Validate() error {
	bad := func(field, format string, args ...any) error {
		return &ConfigError{Field: field, Err: fmt.Errorf(format, args...)}
	}
	if len(c.Addresses) == 0 {
		return bad("Addresses", "no Elasticsearch URL: give --es-url or set %s", EnvURL)
	}
	for _, a := range c.Addresses {
		u, err := url.Parse(a)
		if err != nil {
			return bad("Addresses", "%q is not a URL: %v", redactURLString(a), errors.Unwrap(err))
		}
		if u.Scheme != "http" && u.Scheme != "https" {
			return bad("Addresses", "%q: the scheme must be http or https", redactURL(u))
		}
		if u.Host == "" {
			return bad("Addresses", "%q has no host", redactURL(u))
		}
		if u.RawQuery != "" || u.Fragment != "" {
			return bad("Addresses", "%q: a node URL has no query or fragment", redactURL(u))
		}
	}
	if c.APIKey != "" && (c.Username != "" || c.Password != "") {
		return bad(EnvAPIKey, "set either an API key or a username and password, not both")
	}
	if (c.Username == "") != (c.Password == "") {
		return bad(EnvUsername, "%s and %s go together", EnvUsername, EnvPassword)
	}
	idx := c.Index
	if idx == "" {
		idx = DefaultIndex
	}
	if err := validIndexName(idx); err != nil {
		return bad("Index", "%q: %v", idx, err)
	}
	if c.CACertPath != "" && c.Transport == nil {
		pemBytes, err := os.ReadFile(c.CACertPath)
		if err != nil {
			return bad("CACertPath", "%v", err)
		}
		if !hasPEMCertificate(pemBytes) {
			return bad("CACertPath", "%s holds no PEM certificate", c.CACertPath)
		}
	}
	dl := c.DeadLetterPath
	if dl == "" {
		dl = DefaultDeadLetterPath
	}
	if fi, err := os.Stat(filepath.Dir(dl)); err != nil {
		return bad("DeadLetterPath", "%v", err)
	} else if !fi.IsDir() {
		return bad("DeadLetterPath", "%s is not a folder", filepath.Dir(dl))
	}
	if fi, err := os.Stat(dl); err == nil && fi.IsDir() {
		return bad("DeadLetterPath", "%s is a folder", dl)
	}
	if c.FlushBytes < 0 || c.Workers < 0 || c.MaxPendingBytes < 0 {
		return bad("FlushBytes", "sizes and counts cannot be negative")
	}
	return nil
}

func hasPEMCertificate(b []byte) bool {
	for {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			return false
		}
		if blk.Type == "CERTIFICATE" {
			if _, err := x509.ParseCertificate(blk.Bytes); err == nil {
				return true
			}
		}
	}
}

// validIndexName applies Elasticsearch's rules for index names.
func validIndexName(s string) error {
	switch {
	case s == "." || s == "..":
		return errors.New("not a valid index name")
	case len(s) > 255:
		return errors.New("longer than 255 bytes")
	case strings.ToLower(s) != s:
		return errors.New("index names are lowercase")
	case strings.IndexAny(s[:1], "-_+") == 0:
		return errors.New("an index name cannot start with -, _ or +")
	case strings.ContainsAny(s, `\/*?"<>| ,#:`):
		return errors.New(`an index name cannot contain \ / * ? " < > | space , # :`)
	}
	return nil
}

// redactURL returns u as a string without its password.
func redactURL(u *url.URL) string {
	if u.User == nil {
		return u.String()
	}
	v := *u
	v.User = url.User(u.User.Username())
	return v.String()
}

func redactURLString(s string) string {
	if u, err := url.Parse(s); err == nil {
		return redactURL(u)
	}
	if at := strings.LastIndex(s, "@"); at >= 0 {
		if scheme := strings.Index(s, "://"); scheme >= 0 && scheme < at {
			return s[:scheme+3] + "…" + s[at:]
		}
	}
	return s
}
