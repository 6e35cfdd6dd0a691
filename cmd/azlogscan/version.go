package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/azlogscan/azlogscan/parser"
	"github.com/azlogscan/azlogscan/parser/decode"
)

// printVersion writes what a bug report or a benchmark needs to know about
// this binary: its version (module version, or the commit it was built
// from), the Go release, and the parts chosen at build time (decoders:
// -tags isal, libzstd) and at run time (search kernel).
func printVersion(w io.Writer) {
	version, commit, modified := "devel", "", false
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	if len(commit) > 12 {
		commit = commit[:12]
	}
	if commit != "" {
		if modified {
			commit += "+changes"
		}
		commit = ", commit " + commit
	}
	fmt.Fprintf(w, "azlogscan %s (%s%s, %s/%s)\n", version, runtime.Version(), commit, runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(w, "gzip decoder: %s; zstd decoder: %s; search kernel: %s\n", decode.GzipDecoder, decode.ZstdDecoder, parser.SearchKernel())
}
