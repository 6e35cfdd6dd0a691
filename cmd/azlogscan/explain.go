package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/azlogscan/azlogscan/rules"
	"github.com/spf13/pflag"
)

// runExplain prints what the rules database says about a code, a credential
// or a signal. Exit 0 when it knows it, 1 when it does not (with the Entra
// error page link for an AADSTS code), 2 on usage errors.
func runExplain(args []string, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("explain", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.StringP("format", "f", "text", "output `format`: text or json")
	rulesFile := fs.String("rules", "", "add or override rules from a JSON Lines `file`")
	usage := func(w io.Writer) {
		fmt.Fprintln(w, "Usage: azlogscan explain [--format text|json] CODE|CREDENTIAL|SIGNAL ...\n\nExamples:\n  azlogscan explain AADSTS7000215\n  azlogscan explain 700016\n  azlogscan explain ManagedIdentityCredential\n  azlogscan explain AuthorizationFailed\n\nFlags:")
		printDefaults(fs, w, stderr)
	}
	if code, ok := parseFlags(fs, "explain", args, usage, stdout, stderr); !ok {
		return code
	}
	if fs.NArg() == 0 || (*format != "text" && *format != "json") {
		usage(stderr)
		return exitUsage
	}
	db, code := loadDB(*rulesFile, stderr)
	if db == nil {
		return code
	}
	exit := exitOK
	for i, q := range fs.Args() {
		found, ok := db.Explain(q)
		if !ok {
			exit = 1
			d := strings.TrimPrefix(strings.ToUpper(q), "AADSTS")
			if isAllDigits(d) {
				fmt.Fprintf(stderr, "azlogscan: no rule for AADSTS%s; Entra's page for it: https://login.microsoftonline.com/error?code=%s\n", d, d)
			} else {
				fmt.Fprintf(stderr, "azlogscan: no rule for %q (try an AADSTS code, a credential type such as ManagedIdentityCredential, or 'azlogscan rules')\n", q)
			}
			continue
		}
		for j := range found {
			if *format == "json" {
				b := found[j].AppendJSON(nil)
				if len(b) == 0 || b[len(b)-1] != '\n' {
					b = append(b, '\n')
				}
				stdout.Write(b)
				continue
			}
			if i > 0 || j > 0 {
				fmt.Fprintln(stdout)
			}
			rules.FormatText(stdout, &found[j])
		}
	}
	return exit
}

func isAllDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func loadDB(file string, stderr io.Writer) (*rules.DB, int) {
	db := rules.Default()
	if file != "" {
		extra, err := rules.LoadFile(file)
		if err != nil {
			fmt.Fprintf(stderr, "azlogscan: %v\n", err)
			return nil, exitUsage
		}
		db = db.With(extra)
	}
	return db, exitOK
}

// runRules lists the rules database: a table for people, or JSON Lines that
// is itself a valid --rules file.
func runRules(args []string, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("rules", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.StringP("format", "f", "text", "output `format`: text (one line per rule) or json (JSON Lines)")
	rulesFile := fs.String("rules", "", "add or override rules from a JSON Lines `file`")
	usage := func(w io.Writer) {
		fmt.Fprintln(w, "Usage: azlogscan rules [--format text|json] [--rules FILE]\n\nFlags:")
		printDefaults(fs, w, stderr)
	}
	if code, ok := parseFlags(fs, "rules", args, usage, stdout, stderr); !ok {
		return code
	}
	if *format != "text" && *format != "json" {
		usage(stderr)
		return exitUsage
	}
	db, code := loadDB(*rulesFile, stderr)
	if db == nil {
		return code
	}
	var b []byte
	for _, r := range db.All() {
		if *format == "json" {
			b = r.AppendJSON(b)
			if len(b) == 0 || b[len(b)-1] != '\n' {
				b = append(b, '\n')
			}
		} else {
			b = fmt.Appendf(b, "%-52s %-14s %-22s %s\n", r.ID, r.ActionBy, r.Category, r.Name)
		}
		if len(b) > 64<<10 {
			if _, err := stdout.Write(b); err != nil {
				return exitOutput
			}
			b = b[:0]
		}
	}
	if _, err := stdout.Write(b); err != nil {
		return exitOutput
	}
	return exitOK
}

// parseFlags parses a subcommand's flags. --help prints its usage on stdout
// (exit 0); a bad flag is reported on stderr with a pointer to --help (exit
// 2). ok is false when the caller should return code.
func parseFlags(fs *pflag.FlagSet, cmd string, args []string, usage func(io.Writer), stdout, stderr io.Writer) (code int, ok bool) {
	fs.Usage = func() {} // pflag calls it for --help only: usage is printed below
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			usage(stdout)
			return exitOK, false
		}
		fmt.Fprintf(stderr, "azlogscan %s: %v\nRun 'azlogscan %s --help' for usage.\n", cmd, err, cmd)
		return exitUsage, false
	}
	return 0, true
}

// printDefaults prints fs's flags on w, then sends its output back to def.
func printDefaults(fs *pflag.FlagSet, w, def io.Writer) {
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(def)
}
