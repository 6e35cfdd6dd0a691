package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/azlogscan/azlogscan/parser"
	"github.com/azlogscan/azlogscan/parser/decode"
	"github.com/azlogscan/azlogscan/rules"
	"github.com/azlogscan/azlogscan/sinks"
)

// input is one thing to scan: a file, or standard input.
type input struct {
	name string // as shown in log.file.path
	path string // "" for stdin
	size int64  // 0 if unknown
}

// job carries one input's findings from its worker to the writer, in order.
type job struct {
	in       input
	findings chan *parser.Finding
	err      error // set before findings is closed
	stats    parser.Stats
}

// counters are shared with the progress display.
type counters struct {
	bytes    atomic.Int64
	files    atomic.Int64
	findings atomic.Int64
}

func scan(ctx context.Context, o *options, paths []string, stdin io.Reader, stdout, stderr io.Writer) int {
	// Configuration first: nothing is read before it is valid. The built-in
	// rules are valid (their tests say so); they load while the first input
	// is read, and the first finding waits for them.
	db := &lazyDB{ready: make(chan struct{})}
	if o.rulesFile != "" {
		extra, err := rules.LoadFile(o.rulesFile)
		if err != nil {
			fmt.Fprintf(stderr, "azlogscan: %v\n", err)
			return exitUsage
		}
		db.db = rules.Default().With(extra)
		close(db.ready)
	} else {
		go func() {
			db.db = rules.Default()
			close(db.ready)
		}()
	}
	inputs, walkErrs := collectInputs(paths, o.include, o.exclude)
	for _, err := range walkErrs {
		fmt.Fprintf(stderr, "azlogscan: %v\n", redactErr(err))
	}
	if len(inputs) == 0 && len(walkErrs) > 0 {
		return exitInput
	}

	var out []sinks.Sink
	var es *esOutput
	if len(o.esURLs) > 0 {
		var err error
		es, err = openES(ctx, o)
		if err != nil {
			fmt.Fprintf(stderr, "azlogscan: %v\n", redactErr(err))
			return exitUsage
		}
		out = append(out, es.sink)
	}
	var summary *sinks.Summary
	if o.summary {
		summary = sinks.NewSummary(stdout, o.format == "json")
		out = append(out, summary)
	} else if es == nil || o.stdoutToo {
		if o.format == "json" {
			out = append(out, sinks.NewJSON(stdout))
		} else {
			color := o.color == "always" || o.color == "auto" && isTerminal(stdout) && os.Getenv("NO_COLOR") == ""
			out = append(out, sinks.NewText(stdout, color))
		}
	}

	var c counters
	var total int64
	for _, in := range inputs {
		total += in.size
	}
	showProgress := o.progress == "always" || o.progress == "auto" && isTerminal(stderr)
	var prog *progress
	if showProgress {
		prog = startProgress(stderr, &c, total, len(inputs))
	}

	jobs := make([]*job, len(inputs))
	for i, in := range inputs {
		jobs[i] = &job{in: in, findings: make(chan *parser.Finding, 256)}
	}
	// Workers take inputs in order; the writer drains them in the same order,
	// so output is deterministic whatever the scheduling. A worker ahead of
	// the writer blocks on its full channel: memory stays bounded.
	scanCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < min(o.jobs, len(jobs)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(jobs) {
					return
				}
				if scanCtx.Err() != nil {
					close(jobs[i].findings) // interrupted: open no more files
					continue
				}
				scanOne(scanCtx, jobs[i], stdin, db, o, &c)
			}
		}()
	}

	exit := exitOK
	if len(walkErrs) > 0 {
		exit = exitInput
	}
	var found int64
	var outErr error
	for _, j := range jobs {
		for f := range j.findings {
			found++
			for _, s := range out {
				if err := s.Write(ctx, f); err != nil && outErr == nil {
					outErr = err
					cancel()
				}
			}
		}
		if j.err != nil {
			if errors.Is(j.err, context.Canceled) {
				continue
			}
			prog.clear()
			fmt.Fprintf(stderr, "azlogscan: %v\n", redactErr(j.err))
			exit = exitInput
		}
	}
	wg.Wait()
	prog.stop()
	for _, s := range out {
		if err := s.Close(context.WithoutCancel(ctx)); err != nil && outErr == nil {
			outErr = err
		}
	}
	if es != nil {
		fmt.Fprintf(stderr, "azlogscan: elasticsearch %s\n", es.report())
	}
	if outErr != nil {
		fmt.Fprintf(stderr, "azlogscan: output: %v\n", redactErr(outErr))
		return exitOutput
	}
	if ctx.Err() != nil {
		fmt.Fprintf(stderr, "azlogscan: interrupted; %d findings written\n", found)
		return exitInterrupted
	}
	if showProgress || len(inputs) > 1 && !o.summary && o.format == "text" && isTerminal(stderr) {
		fmt.Fprintf(stderr, "azlogscan: %s in %s, %s\n", plural(found, "finding"), plural(int64(len(inputs)), "input"), humanBytes(c.bytes.Load()))
	}
	if exit != exitOK {
		return exit
	}
	if found > 0 {
		return exitFindings
	}
	return exitOK
}

// scanOne decodes and scans one input, sending its findings to j.findings.
// lazyDB is a rules database that may still be loading.
type lazyDB struct {
	ready chan struct{}
	db    *rules.DB
}

func (l *lazyDB) get() *rules.DB {
	<-l.ready
	return l.db
}

func scanOne(ctx context.Context, j *job, stdin io.Reader, db *lazyDB, o *options, c *counters) {
	defer close(j.findings)
	var r io.Reader
	live := false
	if j.in.path == "" {
		r = stdin
		if f, ok := stdin.(*os.File); ok {
			if fi, err := f.Stat(); err == nil && !fi.Mode().IsRegular() {
				live = true
			}
		}
	} else {
		f, err := os.Open(j.in.path)
		if err != nil {
			j.err = err
			return
		}
		defer f.Close()
		r = f
	}
	cr := &countingReader{r: r, n: &c.bytes}
	dec, format, err := decode.Open(cr)
	if err != nil {
		j.err = fmt.Errorf("%s: %w", j.in.name, err)
		return
	}
	defer dec.Close()
	opt := parser.Options{Context: ctx, NoSecretFindings: o.noSecrets, Decompressing: format != decode.Plain}
	if live && format == decode.Plain {
		opt.Idle = o.idle
	}
	s := parser.NewScanner(dec, j.in.name, opt)
	for s.Scan() {
		f := *s.Finding()
		db.get().Enrich(&f)
		if f.Rule.Benign && !o.benign {
			continue // part of a normal flow, not a failure
		}
		c.findings.Add(1)
		select {
		case j.findings <- &f:
		case <-ctx.Done():
			j.err = ctx.Err()
			return
		}
	}
	c.files.Add(1)
	j.stats = s.Stats()
	if err := s.Err(); err != nil {
		j.err = err
	}
}

type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// collectInputs expands paths: "-" is stdin, a folder is walked in lexical
// order (filtered by include/exclude globs on base names), a file is taken
// as is. Unreadable paths are returned as errors; the rest is kept.
func collectInputs(paths []string, include, exclude []string) ([]input, []error) {
	if len(paths) == 0 {
		return []input{{name: "-"}}, nil
	}
	var out []input
	var errs []error
	match := func(globs []string, name string) bool {
		for _, g := range globs {
			if ok, _ := filepath.Match(g, name); ok {
				return true
			}
		}
		return false
	}
	for _, p := range paths {
		if p == "-" {
			out = append(out, input{name: "-"})
			continue
		}
		fi, err := os.Stat(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !fi.IsDir() {
			out = append(out, input{name: p, path: p, size: fi.Size()})
			continue
		}
		var found []input
		err = filepath.WalkDir(p, func(q string, d fs.DirEntry, err error) error {
			if err != nil {
				errs = append(errs, err)
				if d != nil && d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if q != p && match(exclude, d.Name()) {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() || !d.Type().IsRegular() {
				return nil
			}
			if len(include) > 0 && !match(include, d.Name()) {
				return nil
			}
			var size int64
			if info, err := d.Info(); err == nil {
				size = info.Size()
			}
			found = append(found, input{name: q, path: q, size: size})
			return nil
		})
		if err != nil {
			errs = append(errs, err)
		}
		sort.Slice(found, func(i, j int) bool { return found[i].name < found[j].name })
		out = append(out, found...)
	}
	return out, errs
}

func plural(n int64, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// progress draws one status line on stderr while a scan runs.
type progress struct {
	w     io.Writer
	c     *counters
	total int64
	files int
	start time.Time
	done  chan struct{}
	mu    sync.Mutex
	wg    sync.WaitGroup
}

func startProgress(w io.Writer, c *counters, total int64, files int) *progress {
	p := &progress{w: w, c: c, total: total, files: files, start: time.Now(), done: make(chan struct{})}
	p.draw()
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-p.done:
				return
			case <-t.C:
				p.draw()
			}
		}
	}()
	return p
}

func (p *progress) draw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := p.c.bytes.Load()
	el := time.Since(p.start).Seconds()
	rate := float64(n) / max(el, 0.001)
	line := fmt.Sprintf("\r\x1b[K%s", humanBytes(n))
	if p.total > 0 {
		line += fmt.Sprintf(" of %s", humanBytes(p.total))
	}
	line += fmt.Sprintf(", %d/%d files, %d findings, %s/s", p.c.files.Load(), p.files, p.c.findings.Load(), humanBytes(int64(rate)))
	if p.total > n && rate > 0 {
		left := time.Duration(float64(p.total-n) / rate * float64(time.Second)).Round(time.Second)
		line += fmt.Sprintf(", %s left", left)
	}
	fmt.Fprint(p.w, line)
}

// clear erases the status line before another message.
func (p *progress) clear() {
	if p == nil {
		return
	}
	p.mu.Lock()
	fmt.Fprint(p.w, "\r\x1b[K")
	p.mu.Unlock()
}

func (p *progress) stop() {
	if p == nil {
		return
	}
	close(p.done)
	p.wg.Wait()
	p.clear()
}
