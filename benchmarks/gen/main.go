// Command gen writes a deterministic, realistic mixed log with a known
// number of Azure authentication failures, and its ground truth.
//
//	go run ./benchmarks/gen -size 512MiB -seed 1 -o /tmp/mixed.log
//
// writes /tmp/mixed.log and /tmp/mixed.log.truth.json (total findings,
// counts by code, format and SDK, and every failure record's offset and
// line). With -o - the log goes to standard output and the truth to the
// -truth path, if any. Compression is left to pigz and zstd (see
// benchmarks/run.sh).
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/azlogscan/azlogscan/benchmarks/loggen"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	size := fs.String("size", "64MiB", "target size: bytes, or with a unit (KiB, MiB, GiB, KB, MB, GB)")
	seed := fs.Uint64("seed", 1, "seed; the same seed and size give the same bytes")
	out := fs.String("o", "", "output file (required; - for standard output)")
	truthPath := fs.String("truth", "", "ground truth file (default <o>.truth.json; none for -o - unless given)")
	every := fs.Int("every", 20000, "mean number of noise entries (about lines) between two failure records")
	longEvery := fs.String("long-every", "4MiB", "mean bytes between two 100-400 KB JSON lines; 0 disables")
	quiet := fs.Bool("q", false, "do not print the summary on stderr")
	version := fs.Bool("version", false, "print the generator's output version (the truth's \"generator\") and exit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *version {
		fmt.Fprintln(stdout, loggen.Version)
		return nil
	}
	if *out == "" || fs.NArg() > 0 {
		fs.Usage()
		return errors.New("-o is required and no arguments are taken")
	}
	n, err := parseSize(*size)
	if err != nil {
		return fmt.Errorf("-size: %w", err)
	}
	le, err := parseSize(*longEvery)
	if err != nil {
		return fmt.Errorf("-long-every: %w", err)
	}
	if le == 0 {
		le = -1
	}
	cfg := loggen.Config{Seed: *seed, Size: n, FailureEvery: *every, LongEvery: le}

	var w io.Writer = stdout
	var f *os.File
	if *out != "-" {
		f, err = os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
		if *truthPath == "" {
			*truthPath = *out + ".truth.json"
		}
	} else {
		w = bufio.NewWriterSize(stdout, 1<<20)
	}
	start := time.Now()
	t, err := loggen.Generate(w, cfg)
	if err != nil {
		return err
	}
	if bw, ok := w.(*bufio.Writer); ok {
		if err := bw.Flush(); err != nil {
			return err
		}
	}
	if f != nil {
		if err := f.Close(); err != nil {
			return err
		}
	}
	el := time.Since(start)
	if *truthPath != "" {
		if err := t.WriteFile(*truthPath); err != nil {
			return err
		}
	}
	if !*quiet {
		fmt.Fprintf(stderr, "gen: %d bytes, %d lines, %d failure records (%d lines with AADSTS), %d long lines in %.2fs (%.0f MB/s)\n",
			t.Bytes, t.Lines, t.Findings, t.AADSTSLines, t.LongLines, el.Seconds(), float64(t.Bytes)/1e6/el.Seconds())
		if *truthPath != "" {
			fmt.Fprintf(stderr, "gen: truth in %s\n", *truthPath)
		}
	}
	return nil
}

// parseSize reads 512MiB, 1GiB, 100MB, 4096, 64KiB, 1.5GiB.
func parseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	units := []struct {
		suffix string
		mult   float64
	}{
		{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30},
		{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9},
		{"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"B", 1},
	}
	mult := 1.0
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			mult = u.mult
			s = strings.TrimSuffix(s, u.suffix)
			break
		}
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return int64(v * mult), nil
}
