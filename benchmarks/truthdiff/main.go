// Command truthdiff compares azlogscan's JSON Lines output with a
// generated log's ground truth, record by record:
//
//	azlogscan --format json /tmp/mixed.log > findings.jsonl
//	go run ./benchmarks/truthdiff /tmp/mixed.log.truth.json findings.jsonl
//
// A finding matches a failure record when its log.offset (or, without one,
// its log.file.line) falls inside the record. It prints the totals, then
// every missed record, every finding outside all records (a false
// positive), every record with more than one finding, and every match whose
// event.code differs from the truth's code. Exit status 0 when the output
// and the truth agree exactly, 1 when they differ, 2 on a usage or read error.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/azlogscan/azlogscan/benchmarks/loggen"
)

type doc struct {
	Message string `json:"message"`
	Event   struct {
		Code string `json:"code"`
	} `json:"event"`
	Log struct {
		Offset *int64 `json:"offset"`
		File   struct {
			Line int64 `json:"line"`
		} `json:"file"`
	} `json:"log"`
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	limit := 20
	if len(args) < 1 || len(args) > 2 {
		fmt.Fprintln(stderr, "usage: truthdiff TRUTH.json [FINDINGS.jsonl]   (findings from stdin when omitted)")
		return 2
	}
	truth, err := loggen.ReadTruth(args[0])
	if err != nil {
		fmt.Fprintln(stderr, "truthdiff:", err)
		return 2
	}
	in := stdin
	if len(args) == 2 {
		f, err := os.Open(args[1])
		if err != nil {
			fmt.Fprintln(stderr, "truthdiff:", err)
			return 2
		}
		defer f.Close()
		in = f
	}
	recs := truth.Records
	hits := make([][]doc, len(recs))
	var extra []doc
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	n := 0
	for sc.Scan() {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var d doc
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			fmt.Fprintf(stderr, "truthdiff: finding %d: %v\n", n+1, err)
			return 2
		}
		n++
		i := find(recs, d)
		if i < 0 {
			extra = append(extra, d)
			continue
		}
		hits[i] = append(hits[i], d)
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintln(stderr, "truthdiff:", err)
		return 2
	}

	var missed, dup, wrong []int
	for i := range recs {
		switch {
		case len(hits[i]) == 0:
			missed = append(missed, i)
		case len(hits[i]) > 1:
			dup = append(dup, i)
		}
		if len(hits[i]) > 0 && hits[i][0].Event.Code != recs[i].Code {
			wrong = append(wrong, i)
		}
	}
	fmt.Fprintf(stdout, "truth: %d failure records; output: %d findings; matched %d, missed %d, outside any record %d, records with several findings %d, wrong code %d\n",
		len(recs), n, len(recs)-len(missed), len(missed), len(extra), len(dup), len(wrong))
	show := func(title string, idx []int, f func(i int)) {
		if len(idx) == 0 {
			return
		}
		fmt.Fprintf(stdout, "%s:\n", title)
		for k, i := range idx {
			if k == limit {
				fmt.Fprintf(stdout, "  ... %d more\n", len(idx)-limit)
				break
			}
			f(i)
		}
	}
	show("missed", missed, func(i int) {
		r := recs[i]
		fmt.Fprintf(stdout, "  line %d (offset %d, %d lines): %s %s %s\n", r.Line, r.Offset, r.Lines, r.Format, r.Code, r.Credential)
	})
	show("records with several findings", dup, func(i int) {
		r := recs[i]
		fmt.Fprintf(stdout, "  line %d: %s %s: %d findings at lines", r.Line, r.Format, r.Code, len(hits[i]))
		for _, d := range hits[i] {
			fmt.Fprintf(stdout, " %d", d.Log.File.Line)
		}
		fmt.Fprintln(stdout)
	})
	show("wrong code", wrong, func(i int) {
		r := recs[i]
		fmt.Fprintf(stdout, "  line %d: %s: truth %s, output %s\n", r.Line, r.Format, r.Code, hits[i][0].Event.Code)
	})
	if len(extra) > 0 {
		sort.Slice(extra, func(a, b int) bool { return extra[a].Log.File.Line < extra[b].Log.File.Line })
		fmt.Fprintln(stdout, "outside any failure record (false positives):")
		for k, d := range extra {
			if k == limit {
				fmt.Fprintf(stdout, "  ... %d more\n", len(extra)-limit)
				break
			}
			msg := d.Message
			if len(msg) > 160 {
				msg = msg[:160] + "..."
			}
			fmt.Fprintf(stdout, "  line %d: %s: %s\n", d.Log.File.Line, d.Event.Code, msg)
		}
	}
	if len(missed)+len(extra)+len(dup)+len(wrong) > 0 {
		return 1
	}
	return 0
}

// find returns the index of the record holding the finding, or -1.
func find(recs []loggen.Record, d doc) int {
	if d.Log.Offset != nil {
		off := *d.Log.Offset
		i := sort.Search(len(recs), func(i int) bool { return recs[i].Offset+int64(recs[i].Length) > off })
		if i < len(recs) && recs[i].Offset <= off {
			return i
		}
		return -1
	}
	line := d.Log.File.Line
	i := sort.Search(len(recs), func(i int) bool { return recs[i].Line+int64(recs[i].Lines) > line })
	if i < len(recs) && recs[i].Line <= line {
		return i
	}
	return -1
}
