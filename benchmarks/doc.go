// Package benchmarks measures azlogscan's scanner against the baselines the
// scanner must keep up with (a whole-buffer bytes.Index search, bufio.Scanner
// line splitting) on logs from benchmarks/loggen. See README.md and run.sh
// for the end-to-end comparison with rg, grep, cat, pigz and zstd.
package benchmarks
