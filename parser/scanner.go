package parser

import "io"

// Scanner reads a log and yields its findings, in the shape of bufio.Scanner:
//
//	s := parser.NewScanner(r, "app.log")
//	for s.Scan() {
//		f := s.Finding()
//	}
//	if err := s.Err(); err != nil { ... }
//
// (implementation in progress)
type Scanner struct {
	r    io.Reader
	name string
	f    *Finding
	err  error
}

// NewScanner returns a Scanner reading r; name is the log.file.path of its findings.
func NewScanner(r io.Reader, name string) *Scanner { return &Scanner{r: r, name: name} }

// Scan advances to the next finding.
func (s *Scanner) Scan() bool { return false }

// Finding returns the finding of the last successful Scan.
func (s *Scanner) Finding() *Finding { return s.f }

// Err returns the first I/O error, if any.
func (s *Scanner) Err() error { return s.err }
