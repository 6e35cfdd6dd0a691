package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/azlogscan/azlogscan/benchmarks/loggen"
)

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{
		"512MiB": 512 << 20, "1GiB": 1 << 30, "100MB": 100e6, "4096": 4096, "64K": 64 << 10, "1.5GiB": 3 << 29, "0": 0,
	} {
		got, err := parseSize(in)
		if err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "MiB", "-1", "12XB"} {
		if _, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q): no error", in)
		}
	}
}

func TestRunWritesLogAndTruth(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "m.log")
	var stderr bytes.Buffer
	if err := run([]string{"-size", "2MiB", "-seed", "4", "-every", "300", "-o", out}, &bytes.Buffer{}, &stderr); err != nil {
		t.Fatal(err, stderr.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := loggen.ReadTruth(out + ".truth.json")
	if err != nil {
		t.Fatal(err)
	}
	want, wantTruth := loggen.Bytes(loggen.Config{Seed: 4, Size: 2 << 20, FailureEvery: 300, LongEvery: 4 << 20})
	if !bytes.Equal(b, want) {
		t.Error("gen's file differs from loggen.Bytes with the same config")
	}
	if tr.Findings != wantTruth.Findings || tr.Findings == 0 || tr.Bytes != int64(len(b)) {
		t.Errorf("truth file: %d findings, %d bytes; want %d findings, %d bytes", tr.Findings, tr.Bytes, wantTruth.Findings, len(b))
	}
	if !strings.Contains(stderr.String(), "failure records") {
		t.Errorf("no summary on stderr: %q", stderr.String())
	}

	var stdout bytes.Buffer
	if err := run([]string{"-version"}, &stdout, &stderr); err != nil || strings.TrimSpace(stdout.String()) != loggen.Version {
		t.Errorf("-version printed %q, %v", stdout.String(), err)
	}
	if err := run([]string{"-size", "1KiB"}, &stdout, &stderr); err == nil {
		t.Error("no error without -o")
	}
}
