package ledger

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/provenant/provenant/chaincode"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Errors that the chaincode's codes (docs/ledger.md) match with errors.Is.
var (
	// ErrNotFound: the ledger has no such anchor, key or root (NOT_FOUND).
	ErrNotFound = errors.New("not found on the ledger")
	// ErrForbidden: the caller's organization may not do this (FORBIDDEN).
	ErrForbidden = errors.New("forbidden by the chaincode's roles")
	// ErrRejected: the chaincode refused the input (MALFORMED,
	// UNKNOWN_CIRCUIT, UNPUBLISHED_ROOT, BAD_PROOF, CONFLICT,
	// NOT_INITIALIZED).
	ErrRejected = errors.New("rejected by the chaincode")
	// ErrAlreadyAnchored: the batch ID is taken (ALREADY_ANCHORED). Anchor
	// resolves it: callers see success or a *ConflictError.
	ErrAlreadyAnchored = errors.New("batch already anchored")
	// ErrUnavailable: the ledger could not be reached or did not answer in
	// time, after every retry. Worth trying again later.
	ErrUnavailable = errors.New("ledger unavailable")
)

// Error is a failed ledger call: the transaction function, the transaction
// ID when one was made, and the chaincode's code and message when the
// chaincode refused it. It unwraps to the Gateway's error.
type Error struct {
	// Op is the chaincode function.
	Op string
	// TxID is the transaction ID, when a proposal was made.
	TxID string
	// Code is the chaincode's error code, empty when the failure was not
	// the chaincode's answer (a network error, a commit failure).
	Code chaincode.Code
	// Message is the chaincode's message, or a description of the failure.
	Message string
	// Err is the underlying error.
	Err error
}

// Error implements error.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("ledger: ")
	b.WriteString(e.Op)
	if e.TxID != "" {
		fmt.Fprintf(&b, " (tx %s)", e.TxID)
	}
	b.WriteString(": ")
	if e.Code != "" {
		b.WriteString(string(e.Code))
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Is matches the sentinel errors by code.
func (e *Error) Is(target error) bool {
	switch e.Code {
	case chaincode.CodeNotFound:
		return target == ErrNotFound
	case chaincode.CodeForbidden:
		return target == ErrForbidden
	case chaincode.CodeAlreadyAnchored:
		return target == ErrAlreadyAnchored
	case "":
		return false
	default:
		return target == ErrRejected
	}
}

// ConflictError reports a batch ID that the ledger holds with other
// content than the one submitted.
type ConflictError struct {
	BatchID string
	// Field names the first field that differs.
	Field string
	// TxID is the transaction that anchored the ledger's version.
	TxID string
}

// Error implements error.
func (e *ConflictError) Error() string {
	return fmt.Sprintf("ledger: batch %q is anchored (tx %s) with a different %s", e.BatchID, e.TxID, e.Field)
}

// Is makes a ConflictError match ErrRejected.
func (e *ConflictError) Is(target error) bool { return target == ErrRejected }

// chaincodeError finds the chaincode's code and message in a Gateway
// error: in the per-peer details of its gRPC status, where the Gateway puts
// the chaincode's response message ("chaincode response 500,
// UNPUBLISHED_ROOT: …"), or in its text.
func chaincodeError(err error) (*chaincode.Error, bool) {
	var se interface{ GRPCStatus() *status.Status }
	if errors.As(err, &se) {
		if st := se.GRPCStatus(); st != nil {
			for _, d := range st.Details() {
				if ed, ok := d.(interface{ GetMessage() string }); ok {
					if e, found := chaincode.ParseMessage(ed.GetMessage()); found {
						return e, true
					}
				}
			}
		}
	}
	return chaincode.ParseError(err)
}

// transient reports whether a failed call is worth repeating: the peer or
// orderer was unavailable or slow, or the transaction lost an MVCC race.
// A chaincode refusal never is.
func transient(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) && !isGRPC(err) {
		return false
	}
	if _, ok := chaincodeError(err); ok {
		return false
	}
	var commitErr *client.CommitError
	if errors.As(err, &commitErr) {
		switch commitErr.Code {
		case peer.TxValidationCode_MVCC_READ_CONFLICT, peer.TxValidationCode_PHANTOM_READ_CONFLICT:
			return true
		}
		return false
	}
	var csErr *client.CommitStatusError
	if errors.As(err, &csErr) {
		return true
	}
	switch status.Code(err) {
	case codes.Unavailable, codes.DeadlineExceeded, codes.ResourceExhausted, codes.Aborted, codes.Canceled:
		return true
	}
	return false
}

func isGRPC(err error) bool {
	var se interface{ GRPCStatus() *status.Status }
	return errors.As(err, &se)
}

func txIDOf(err error) string {
	var te *client.TransactionError
	if errors.As(err, &te) {
		return te.TransactionID
	}
	var ce *client.CommitError
	if errors.As(err, &ce) {
		return ce.TransactionID
	}
	return ""
}

// wrap turns a Gateway error into an *Error.
func wrap(op, txID string, err error) error {
	if err == nil {
		return nil
	}
	if txID == "" {
		txID = txIDOf(err)
	}
	if ce, ok := chaincodeError(err); ok {
		return &Error{Op: op, TxID: txID, Code: ce.Code, Message: ce.Message, Err: err}
	}
	msg := err.Error()
	var se interface{ GRPCStatus() *status.Status }
	if errors.As(err, &se) && se.GRPCStatus() != nil {
		st := se.GRPCStatus()
		msg = fmt.Sprintf("%s: %s", st.Code(), st.Message())
		for _, d := range st.Details() {
			if ed, ok := d.(interface {
				GetAddress() string
				GetMessage() string
			}); ok {
				msg += fmt.Sprintf("; %s: %s", ed.GetAddress(), ed.GetMessage())
			}
		}
	}
	return &Error{Op: op, TxID: txID, Message: msg, Err: err}
}
