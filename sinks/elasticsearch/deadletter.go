package elasticsearch

import (
	"encoding/json"
	"errors"
	"os"
	"sync"
	"time"
)

// DeadLetter is one line of the dead-letter file (JSON Lines): a document
// that was not indexed, with why. Feeding Document back to the _bulk API with
// ID as its _id indexes it without duplicates.
type DeadLetter struct {
	Time     time.Time       `json:"time"`             // when it was given up
	Index    string          `json:"index"`            // the target index
	ID       string          `json:"_id"`              // the document's _id
	Status   int             `json:"status,omitempty"` // the item's (or the response's) HTTP status; 0 when no answer
	Error    DeadLetterError `json:"error"`
	Attempts int             `json:"attempts"` // submissions made
	Document json.RawMessage `json:"document"` // the document, as sent
}

// DeadLetterError is the server's reason (or the transport's).
type DeadLetterError struct {
	Type   string `json:"type,omitempty"` // e.g. document_parsing_exception, connection_error
	Reason string `json:"reason"`
}

// deadLetters appends DeadLetters to a file it creates on first use.
type deadLetters struct {
	mu     sync.Mutex
	path   string
	f      *os.File
	failed error // the first error opening or writing the file
	closed bool
}

var errDeadLetterClosed = errors.New("dead-letter file already closed")

func (d *deadLetters) write(index string, e *entry, f failure) error {
	line, err := json.Marshal(DeadLetter{
		Time:     time.Now().UTC(),
		Index:    index,
		ID:       e.id,
		Status:   f.status,
		Error:    DeadLetterError{Type: f.typ, Reason: f.reason},
		Attempts: e.attempts,
		Document: e.doc,
	})
	if err != nil {
		return err
	}
	line = append(line, '\n')
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return errDeadLetterClosed
	}
	if d.failed != nil {
		return d.failed
	}
	if d.f == nil {
		d.f, err = os.OpenFile(d.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			d.failed = err
			return err
		}
	}
	if _, err := d.f.Write(line); err != nil {
		d.failed = err
		return err
	}
	return nil
}

// err is the first error the file gave.
func (d *deadLetters) err() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.failed
}

func (d *deadLetters) close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closed = true
	if d.f == nil {
		return nil
	}
	err := d.f.Sync()
	if cerr := d.f.Close(); err == nil {
		err = cerr
	}
	d.f = nil
	return err
}
