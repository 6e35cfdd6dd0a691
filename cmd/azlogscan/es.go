package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/azlogscan/azlogscan/sinks/elasticsearch"
	"github.com/spf13/pflag"
)

// esOutput is the Elasticsearch sink of a scan.
type esOutput struct {
	sink *elasticsearch.Sink
}

func (e *esOutput) report() string {
	st := e.sink.Stats()
	s := fmt.Sprintf("%d indexed (%d replaced an earlier copy), %d retried, %d failed", st.Indexed, st.Replaced, st.Retried, st.Failed)
	if st.Failed > 0 {
		s += " (see " + e.sink.Config().DeadLetterPath + ")"
	}
	if st.Lost > 0 {
		s += fmt.Sprintf(", %d lost", st.Lost)
	}
	return s
}

func esConfig(o *options) elasticsearch.Config {
	cfg := elasticsearch.ConfigFromEnv(o.esURLs)
	cfg.Index = o.esIndex
	cfg.CACertPath = o.esCACert
	cfg.InsecureSkipVerify = o.esInsecure
	cfg.DeadLetterPath = o.esDeadLetter
	return cfg
}

// openES validates the configuration, connects and checks the server, and
// sets up the index template, all before any input is read.
func openES(ctx context.Context, o *options) (*esOutput, error) {
	cfg := esConfig(o)
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	s, err := elasticsearch.New(cfg)
	if err != nil {
		return nil, err
	}
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := s.Check(cctx); err != nil {
		return nil, err
	}
	if err := s.Setup(cctx); err != nil {
		return nil, err
	}
	return &esOutput{sink: s}, nil
}

// runES handles "azlogscan es setup".
func runES(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var o options
	fs := pflag.NewFlagSet("es", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringSliceVar(&o.esURLs, "es-url", nil, "Elasticsearch `URL` (repeatable; default $ELASTICSEARCH_URL)")
	fs.StringVar(&o.esIndex, "es-index", elasticsearch.DefaultIndex, "Elasticsearch `index`")
	fs.StringVar(&o.esCACert, "es-ca-cert", "", "PEM `file` of the CA that signed the Elasticsearch certificate")
	fs.BoolVar(&o.esInsecure, "es-insecure-skip-verify", false, "do not verify the Elasticsearch TLS certificate (testing only)")
	usage := func(w io.Writer) {
		fmt.Fprintln(w, "Usage: azlogscan es setup [--es-url URL] [--es-index NAME]\n\nCreates (or updates) the index template with explicit mappings for every\nfield of the findings, so that dashboards chart them correctly. Idempotent.\nCredentials come from ELASTICSEARCH_API_KEY or ELASTICSEARCH_USERNAME and\nELASTICSEARCH_PASSWORD.\n\nFlags:")
		printDefaults(fs, w, stderr)
	}
	if code, ok := parseFlags(fs, "es", args, usage, stdout, stderr); !ok {
		return code
	}
	if fs.NArg() != 1 || fs.Arg(0) != "setup" {
		usage(stderr)
		return exitUsage
	}
	if len(o.esURLs) == 0 {
		if env := os.Getenv("ELASTICSEARCH_URL"); env != "" {
			o.esURLs = strings.Split(env, ",")
		}
	}
	if len(o.esURLs) == 0 {
		fmt.Fprintln(stderr, "azlogscan: es setup needs --es-url or ELASTICSEARCH_URL")
		return exitUsage
	}
	es, err := openES(ctx, &o)
	if err != nil {
		fmt.Fprintf(stderr, "azlogscan: %v\n", redactErr(err))
		return exitOutput
	}
	es.sink.Close(ctx)
	fmt.Fprintf(stdout, "index template for %q is in place on %s\n", o.esIndex, strings.Join(o.esURLs, ", "))
	return exitOK
}
