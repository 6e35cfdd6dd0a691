// Command azlogscan finds Azure authentication failures in logs and says what
// they mean, who must act and how to fix them.
//
// It reads application logs or captured Azure SDK output (files, folders,
// gzip or zstd, or standard input), finds every authentication failure that
// any Azure SDK, MSAL, the Azure CLI or Azure PowerShell printed, and writes
// them as text, JSON Lines, a summary, or into Elasticsearch.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/pflag"
)

// Exit codes. Scripts may rely on them; the README lists them.
const (
	exitOK          = 0   // no finding
	exitFindings    = 1   // findings were reported
	exitUsage       = 2   // bad flags, arguments or configuration; nothing was read
	exitInput       = 3   // an input could not be read or decoded; the other inputs were scanned
	exitOutput      = 4   // output failed: stdout, or findings not indexed into Elasticsearch
	exitInterrupted = 130 // stopped by SIGINT/SIGTERM; what was found was written
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	growPipe(os.Stdin)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// usageError is a mistake in how azlogscan was called.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

const usageText = `azlogscan finds Azure authentication failures in logs and explains them.

Usage:
  azlogscan [flags] [PATH ...]          scan files, folders (walked), or stdin ("-" or no PATH)
  azlogscan explain CODE|CREDENTIAL     what a code or credential failure means and how to fix it
  azlogscan rules [--format json]       list the rules database
  azlogscan es setup                    create the Elasticsearch index template

It recognises the failures that Go azidentity/azcore, Python azure-identity,
.NET Azure.Identity, JavaScript @azure/identity, Java azure-identity, MSAL, the
Azure CLI and Azure PowerShell print: AADSTS errors, DefaultAzureCredential
chains, managed identity (IMDS) failures, ARM AuthorizationFailed, missing
CLI logins and more, in plain text, multi-line blocks or JSON log records.
Plain, gzip and zstd inputs are told apart by their first bytes.

Examples:
  azlogscan app.log                         readable report
  kubectl logs deploy/api | azlogscan       findings as they happen
  tail -f app.log | azlogscan --format json JSON Lines for programs
  azlogscan --summary /var/log/archive/     counts by code, credential, tenant, app
  ELASTICSEARCH_API_KEY=... azlogscan --es-url https://es:9200 logs/
  azlogscan explain AADSTS7000215

Flags:
`

const exitText = `
Exit status:
  0  no failure found          1  failures found
  2  usage or configuration    3  an input could not be read (the rest was scanned)
  4  output or Elasticsearch   130 interrupted (what was found was written)

Environment:
  ELASTICSEARCH_URL, ELASTICSEARCH_API_KEY, ELASTICSEARCH_USERNAME,
  ELASTICSEARCH_PASSWORD   Elasticsearch connection (credentials never go in flags)
  NO_COLOR                 no colours in text output
`

// options are the parsed flags of a scan.
type options struct {
	format       string
	summary      bool
	rulesFile    string
	include      []string
	exclude      []string
	jobs         int
	progress     string
	color        string
	idle         time.Duration
	esURLs       []string
	esIndex      string
	esCACert     string
	esInsecure   bool
	esDeadLetter string
	esSetup      bool
	stdoutToo    bool
	benign       bool
	noSecrets    bool
	version      bool
}

func newFlagSet(o *options, stderr io.Writer) *pflag.FlagSet {
	fs := pflag.NewFlagSet("azlogscan", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.SortFlags = false
	fs.StringVarP(&o.format, "format", "f", "text", "output `format`: text (for people) or json (JSON Lines, one document per finding)")
	fs.BoolVarP(&o.summary, "summary", "s", false, "print the aggregate instead of each finding: counts by code, credential, tenant, client app")
	fs.BoolVar(&o.benign, "include-benign", false, "also report benign interrupts of normal sign-in flows (device-code polling, KMSI, ...), marked informational")
	fs.BoolVar(&o.noSecrets, "no-secret-findings", false, "do not report secrets found in the log as findings (they are still redacted)")
	fs.StringVar(&o.rulesFile, "rules", "", "add or override rules from a JSON Lines `file` (same format as 'azlogscan rules --format json')")
	fs.StringSliceVar(&o.include, "include", nil, "in folders, scan only files whose name matches this `glob` (repeatable)")
	fs.StringSliceVar(&o.exclude, "exclude", nil, "in folders, skip files and folders whose name matches this `glob` (repeatable)")
	fs.IntVarP(&o.jobs, "jobs", "j", runtime.NumCPU(), "files to decode and scan at once")
	fs.StringVar(&o.progress, "progress", "auto", "progress on stderr: auto (only on a terminal), always, never")
	fs.StringVar(&o.color, "color", "auto", "colour text output: auto (terminal and no NO_COLOR), always, never")
	fs.DurationVar(&o.idle, "idle", 300*time.Millisecond, "on a live pipe, report a failure still being assembled after the input is quiet this long")
	fs.StringSliceVar(&o.esURLs, "es-url", nil, "send findings to Elasticsearch at this `URL` (repeatable; default $ELASTICSEARCH_URL)")
	fs.StringVar(&o.esIndex, "es-index", "azlogscan-findings", "Elasticsearch `index`")
	fs.StringVar(&o.esCACert, "es-ca-cert", "", "PEM `file` of the CA that signed the Elasticsearch certificate")
	fs.BoolVar(&o.esInsecure, "es-insecure-skip-verify", false, "do not verify the Elasticsearch TLS certificate (testing only)")
	fs.StringVar(&o.esDeadLetter, "es-dead-letter", "azlogscan-dead-letter.jsonl", "JSON Lines `file` for findings Elasticsearch refused (created only if needed)")
	fs.BoolVar(&o.stdoutToo, "stdout", false, "with Elasticsearch, also write findings to stdout")
	fs.BoolVar(&o.version, "version", false, "print the version, the gzip and zstd decoders and the search kernel, and exit")
	return fs
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "explain":
			return runExplain(args[1:], stdout, stderr)
		case "rules":
			return runRules(args[1:], stdout, stderr)
		case "es":
			return runES(ctx, args[1:], stdout, stderr)
		case "help":
			args = []string{"--help"}
		}
	}
	var o options
	fs := newFlagSet(&o, stderr)
	fs.Usage = func() {} // pflag calls it for --help only, which is printed on stdout below
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			fs.SetOutput(stdout)
			fmt.Fprint(stdout, usageText)
			fs.PrintDefaults()
			fmt.Fprint(stdout, exitText)
			return exitOK
		}
		fmt.Fprintf(stderr, "azlogscan: %v\nRun 'azlogscan --help' for usage.\n", err)
		return exitUsage
	}
	if o.version {
		printVersion(stdout)
		return exitOK
	}
	if err := o.validate(); err != nil {
		fmt.Fprintf(stderr, "azlogscan: %v\n", err)
		return exitUsage
	}
	return scan(ctx, &o, fs.Args(), stdin, stdout, stderr)
}

func (o *options) validate() error {
	switch o.format {
	case "text", "json":
	default:
		return &usageError{fmt.Sprintf("--format %q: want text or json", o.format)}
	}
	for _, v := range []struct{ name, val string }{{"--progress", o.progress}, {"--color", o.color}} {
		switch v.val {
		case "auto", "always", "never":
		default:
			return &usageError{fmt.Sprintf("%s %q: want auto, always or never", v.name, v.val)}
		}
	}
	if o.jobs < 1 {
		o.jobs = 1
	}
	if o.jobs > 64 {
		o.jobs = 64
	}
	if len(o.esURLs) == 0 {
		if env := os.Getenv("ELASTICSEARCH_URL"); env != "" {
			o.esURLs = strings.Split(env, ",")
		}
	}
	return nil
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
