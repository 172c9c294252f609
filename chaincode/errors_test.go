package chaincode

import (
	"errors"
	"fmt"
	"testing"
)

func TestErrorText(t *testing.T) {
	for _, code := range Codes() {
		e := newError(code, "batch %s: %w", "b1", errors.New("cause"))
		if got, want := e.Error(), string(code)+": batch b1: cause"; got != want {
			t.Errorf("Error() = %q, want %q", got, want)
		}
		if e.Unwrap() == nil || e.Unwrap().Error() != "cause" {
			t.Errorf("Unwrap() = %v", e.Unwrap())
		}
		back, ok := ParseMessage(e.Error())
		if !ok || back.Code != code || back.Message != e.Message {
			t.Errorf("ParseMessage(%q) = %+v, %v", e.Error(), back, ok)
		}
	}
}

func TestParseMessage(t *testing.T) {
	cases := []struct {
		msg     string
		code    Code
		message string
	}{
		{"MALFORMED: batch ID \"\"", CodeMalformed, "batch ID \"\""},
		{"chaincode response 500, UNPUBLISHED_ROOT: supplier root 1a2b has not been published", CodeUnpublishedRoot, "supplier root 1a2b has not been published"},
		{"evaluate call to endorser returned error: chaincode response 500, NOT_FOUND: batch b is not anchored", CodeNotFound, "batch b is not anchored"},
		{"rpc error: code = Aborted desc = failed to endorse transaction: ALREADY_ANCHORED: batch b is anchored already (tx 1)", CodeAlreadyAnchored, "batch b is anchored already (tx 1)"},
		{"transaction returned with failure: BAD_PROOF: the proof does not verify", CodeBadProof, "the proof does not verify"},
		{"(FORBIDDEN: AnchorBatch is for the Operator)", CodeForbidden, "AnchorBatch is for the Operator)"},
		{"x:CONFLICT: another key", CodeConflict, "another key"},
		// The first code wins; a code inside the message stays in it.
		{"INTERNAL: read state: NOT_FOUND: x", CodeInternal, "read state: NOT_FOUND: x"},
		// Not at the start of a word.
		{"XMALFORMED: y; NOT_INITIALIZED: Init has not run", CodeNotInitialized, "Init has not run"},
		{"NOT_FOUND:", "", ""},
		{"NOT_FOUND x", "", ""},
		{"not_found: x", "", ""},
		{"MALFORMEDX: x", "", ""},
		{"Function Anchor not found in contract provenant", "", ""},
		{"", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.msg, func(t *testing.T) {
			e, ok := ParseMessage(tc.msg)
			code, codeOK := CodeOf(tc.msg)
			if tc.code == "" {
				if ok || codeOK || code != "" {
					t.Fatalf("found %+v in %q", e, tc.msg)
				}
				return
			}
			if !ok || e.Code != tc.code || e.Message != tc.message || !codeOK || code != tc.code {
				t.Fatalf("ParseMessage = %+v, %v; CodeOf = %q, %v; want %s %q", e, ok, code, codeOK, tc.code, tc.message)
			}
		})
	}
}

func TestParseError(t *testing.T) {
	inner := newError(CodeForbidden, "no")
	if e, ok := ParseError(fmt.Errorf("submit: %w", inner)); !ok || e != inner {
		t.Errorf("wrapped *Error: %+v, %v", e, ok)
	}
	if e, ok := ParseError(errors.New("endorse: chaincode response 500, CONFLICT: already initialized")); !ok || e.Code != CodeConflict || e.Message != "already initialized" {
		t.Errorf("from text: %+v, %v", e, ok)
	}
	if _, ok := ParseError(errors.New("connection refused")); ok {
		t.Error("found a code in a network error")
	}
	if _, ok := ParseError(nil); ok {
		t.Error("found a code in nil")
	}
}
