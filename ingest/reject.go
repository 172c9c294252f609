package ingest

import (
	"errors"
	"fmt"
)

// Code is a stable, machine-readable reason for rejecting a message; it
// starts the provenant-error header of a dead letter.
type Code string

// The reasons a message is rejected.
const (
	// CodeOversize: the message value exceeds the size limit.
	CodeOversize Code = "oversize"
	// CodeMissingHeader: the provenant-supplier or provenant-signature
	// header is absent or empty.
	CodeMissingHeader Code = "missing-header"
	// CodeMalformed: the value is not JSON, or not an EPCIS document or
	// event.
	CodeMalformed Code = "malformed"
	// CodeInvalid: the EPCIS 2.0 schema or a CBV rule is violated.
	CodeInvalid Code = "invalid"
	// CodeBadHeader: a header is present but unreadable (bad public key,
	// bad signature list, a count that differs from the events).
	CodeBadHeader Code = "bad-header"
	// CodeUnknownSupplier: the signing key is not in the supplier registry.
	CodeUnknownSupplier Code = "unknown-supplier"
	// CodeBadSignature: an event's signature does not verify.
	CodeBadSignature Code = "bad-signature"
	// CodeConflict: an event's identity is already stored with other
	// content.
	CodeConflict Code = "conflict"
)

// ErrRejected matches every *RejectError.
var ErrRejected = errors.New("message rejected")

// RejectError says why a message was rejected and, when one event is to
// blame, which.
type RejectError struct {
	Code Code
	// EventIndex is the 0-based index of the event to blame, or -1.
	EventIndex int
	// EventID is the identity of that event, when known.
	EventID string
	Err     error
}

func reject(code Code, err error) *RejectError {
	return &RejectError{Code: code, EventIndex: -1, Err: err}
}

func rejectEvent(code Code, index int, id string, err error) *RejectError {
	return &RejectError{Code: code, EventIndex: index, EventID: id, Err: err}
}

// Error returns "<code>: [event N (ID): ]<message>", the value of the
// provenant-error header.
func (e *RejectError) Error() string {
	switch {
	case e.EventIndex >= 0 && e.EventID != "":
		return fmt.Sprintf("%s: event %d (%s): %v", e.Code, e.EventIndex, e.EventID, e.Err)
	case e.EventIndex >= 0:
		return fmt.Sprintf("%s: event %d: %v", e.Code, e.EventIndex, e.Err)
	default:
		return fmt.Sprintf("%s: %v", e.Code, e.Err)
	}
}

// Unwrap returns the underlying error.
func (e *RejectError) Unwrap() error { return e.Err }

// Is reports whether target is ErrRejected.
func (e *RejectError) Is(target error) bool { return target == ErrRejected }
