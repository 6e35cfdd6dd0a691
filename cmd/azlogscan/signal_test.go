package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// interruptingReader serves b and cancels the run after `after` bytes.
type interruptingReader struct {
	r      *bytes.Reader
	read   int
	after  int
	cancel context.CancelFunc
}

func (i *interruptingReader) Read(p []byte) (int, error) {
	n, err := i.r.Read(p[:min(len(p), 64<<10)])
	i.read += n
	if i.read >= i.after {
		i.cancel()
	}
	return n, err
}

// bigLog is n failures, each followed by ~100 KB of noise.
func bigLog(n int) []byte {
	noise := strings.Repeat("2024-05-01T10:00:00Z INFO handled request path=/api/v1/items status=200\n", 1400)
	var b bytes.Buffer
	for range n {
		b.WriteString(seed)
		b.WriteString(noise)
	}
	return b.Bytes()
}

// TestInterruptMidScan: cancelling the run (what SIGINT does) in the middle
// of a large input writes the findings made so far, closes the sinks (the
// summary is written), and exits 130.
func TestInterruptMidScan(t *testing.T) {
	in := bigLog(200) // ~20 MB, 200 failures
	for _, args := range [][]string{{"--format", "json"}, {"--summary", "--format", "json"}} {
		ctx, cancel := context.WithCancel(context.Background())
		var out, errOut bytes.Buffer
		code := run(ctx, args, &interruptingReader{r: bytes.NewReader(in), after: len(in) / 2, cancel: cancel}, &out, &errOut)
		cancel()
		name := strings.Join(args, " ")
		if code != exitInterrupted {
			t.Errorf("%s: exit %d, want %d (stderr %q)", name, code, exitInterrupted, errOut.String())
		}
		if !strings.Contains(errOut.String(), "interrupted") {
			t.Errorf("%s: stderr %q", name, errOut.String())
		}
		var n int
		if args[0] == "--summary" {
			var s struct{ Findings int }
			if err := json.Unmarshal(out.Bytes(), &s); err != nil {
				t.Fatalf("%s: summary not written whole: %v\n%s", name, err, out.String())
			}
			n = s.Findings
		} else {
			n = len(docs(t, out.String()))
		}
		if n == 0 || n >= 200 {
			t.Errorf("%s: %d findings written, want those before the interrupt (0 < n < 200)", name, n)
		}
	}
}

// TestSIGINT runs the command in a child process on a large file, sends it
// SIGINT once findings appear, and checks exit 130 with whole JSON lines.
func TestSIGINT(t *testing.T) {
	if os.Getenv("AZLOGSCAN_SIGNAL_CHILD") == "1" {
		os.Args = append([]string{"azlogscan"}, strings.Fields(os.Getenv("AZLOGSCAN_ARGS"))...)
		main() // exits
	}
	if testing.Short() {
		t.Skip("child process")
	}
	file := filepath.Join(t.TempDir(), "big.log")
	if err := os.WriteFile(file, bigLog(1000), 0o644); err != nil { // ~100 MB
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestSIGINT$")
	cmd.Env = append(os.Environ(), "AZLOGSCAN_SIGNAL_CHILD=1", "AZLOGSCAN_ARGS=--format json --jobs 1 "+file)
	stdout, _ := cmd.StdoutPipe()
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(stdout)
	first, err := r.ReadString('\n')
	if err != nil {
		t.Fatalf("no finding before the interrupt: %v (stderr %q)", err, errOut.String())
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(r)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatal("no exit 20 s after SIGINT")
	}
	if code := cmd.ProcessState.ExitCode(); code != exitInterrupted {
		t.Errorf("exit %d, want %d (stderr %q)", code, exitInterrupted, errOut.String())
	}
	n := len(docs(t, first+string(rest)))
	if n >= 1000 {
		t.Errorf("%d findings: the scan was not interrupted", n)
	}
	if !strings.Contains(errOut.String(), "interrupted;") {
		t.Errorf("stderr %q", errOut.String())
	}
	t.Logf("%d findings written before SIGINT took effect", n)
}

// TestInterruptQuietPipe: Ctrl-C while reading a live pipe that sends
// nothing more must still end the run. Needs scan.go to pass its context to
// the scanner (parser.Options{Context: ctx}).
func TestInterruptQuietPipe(t *testing.T) {
	// Verified to pass with that one-line change in scan.go's scanOne, and to
	// hang (fail after 5 s) without it; remove this skip when applying it.
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pw.Close()
	defer pr.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	outR, outW := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"--format", "json", "--idle", "20ms"}, pr, outW, io.Discard)
		outW.Close()
	}()
	pw.Write([]byte(seed))
	line, _ := bufio.NewReader(outR).ReadString('\n')
	if !strings.Contains(line, "AADSTS7000215") {
		t.Fatalf("first line %q", line)
	}
	go io.Copy(io.Discard, outR)
	cancel() // the pipe stays open and quiet
	select {
	case code := <-done:
		if code != exitInterrupted {
			t.Errorf("exit %d, want %d", code, exitInterrupted)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("run did not return after its context was cancelled while the pipe was quiet")
	}
}
