package chaincode

import (
	"errors"
	"fmt"
	"strings"
)

// Code is the stable code that starts every error the chaincode returns
// (docs/ledger.md): the part of a failure a client branches on.
type Code string

// The chaincode's error codes.
const (
	// CodeMalformed: an argument is missing, too large or not in its
	// format (hex, base64, JSON, charset).
	CodeMalformed Code = "MALFORMED"
	// CodeForbidden: the caller's organization may not call the function.
	CodeForbidden Code = "FORBIDDEN"
	// CodeNotInitialized: Init has not run, so no organization has a role.
	CodeNotInitialized Code = "NOT_INITIALIZED"
	// CodeNotFound: the ledger holds no such anchor or verifying key.
	CodeNotFound Code = "NOT_FOUND"
	// CodeUnknownCircuit: no verifying key is registered under the
	// request's circuit and version.
	CodeUnknownCircuit Code = "UNKNOWN_CIRCUIT"
	// CodeUnpublishedRoot: a public input is not a registry root the
	// Authority published.
	CodeUnpublishedRoot Code = "UNPUBLISHED_ROOT"
	// CodeAlreadyAnchored: the batch ID is anchored already, whatever the
	// content of either request.
	CodeAlreadyAnchored Code = "ALREADY_ANCHORED"
	// CodeConflict: the request contradicts what the ledger holds (another
	// key under a registered version, a second Init).
	CodeConflict Code = "CONFLICT"
	// CodeBadProof: the proof does not decode or does not verify against
	// the registered key and the public inputs.
	CodeBadProof Code = "BAD_PROOF"
	// CodeInternal: the peer failed (state access) or the ledger holds a
	// record the chaincode cannot read.
	CodeInternal Code = "INTERNAL"
)

// Codes returns every error code, in the order docs/ledger.md lists them.
func Codes() []Code {
	return []Code{
		CodeMalformed, CodeForbidden, CodeNotInitialized, CodeNotFound, CodeUnknownCircuit,
		CodeUnpublishedRoot, CodeAlreadyAnchored, CodeConflict, CodeBadProof, CodeInternal,
	}
}

// Error is an error the chaincode returns: a code and a readable message.
// Its text, what the peer hands back to the client as the chaincode's
// response message, is "CODE: message".
type Error struct {
	Code    Code
	Message string
	cause   error
	// peer marks a failure of the peer (state access), not of the input
	// or of what the ledger holds.
	peer bool
}

// Error returns "CODE: message".
func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// Unwrap returns the cause, if the error was made from one (inside the
// chaincode only: a parsed error has none).
func (e *Error) Unwrap() error { return e.cause }

// newError returns an *Error whose message is format applied to args; a %w
// verb makes its operand the error's cause.
func newError(code Code, format string, args ...any) *Error {
	err := fmt.Errorf(format, args...)
	return &Error{Code: code, Message: err.Error(), cause: errors.Unwrap(err)}
}

// peerError returns an INTERNAL error for a failed call to the peer.
func peerError(format string, args ...any) *Error {
	e := newError(CodeInternal, format, args...)
	e.peer = true
	return e
}

// ParseError recovers the chaincode's error from err: the *Error itself
// when err wraps one (errors.As), otherwise the code and message found in
// err's text by [ParseMessage]. The Fabric Gateway puts the chaincode's
// message in the details of its error (client.EndorseError.Details(), each
// detail's Message), not in its text: pass those to [ParseMessage].
func ParseError(err error) (*Error, bool) {
	if err == nil {
		return nil, false
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return e, true
	}
	return ParseMessage(err.Error())
}

// ParseMessage finds the chaincode's error in a message that may carry
// prefixes added on the way to the client, such as "chaincode response
// 500, " or "evaluate call to endorser returned error: ": the first code
// that starts a word and is followed by ": ". The message is everything
// after that.
func ParseMessage(msg string) (*Error, bool) {
	i, code := findCode(msg)
	if i < 0 {
		return nil, false
	}
	return &Error{Code: code, Message: msg[i+len(code)+2:]}, true
}

// CodeOf returns the code of the chaincode error in msg, found as
// [ParseMessage] finds it, or "" and false when msg holds none.
func CodeOf(msg string) (Code, bool) {
	i, code := findCode(msg)
	return code, i >= 0
}

// findCode returns the index and the code of the first "CODE: " in msg
// that starts a word, or -1.
func findCode(msg string) (int, Code) {
	for i := 0; i < len(msg); i++ {
		c := msg[i]
		if c < 'A' || c > 'Z' || (i > 0 && isCodeByte(msg[i-1])) {
			continue
		}
		for _, code := range Codes() {
			if strings.HasPrefix(msg[i:], string(code)+": ") {
				return i, code
			}
		}
	}
	return -1, ""
}

func isCodeByte(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_'
}
