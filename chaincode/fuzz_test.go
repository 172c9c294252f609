package chaincode

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// AnchorBatch takes its request from outside the process: whatever it is
// given, it answers a record or an *Error with a known code, and never
// panics. A request ParseAnchorRequest refuses, it refuses with the same
// error; one it accepts, it anchors as given or refuses for what is on the
// ledger.
func FuzzAnchorBatch(f *testing.F) {
	n := ready(f)
	valid := toJSON(f, request(f, 1))
	f.Add(valid)
	f.Add(toJSON(f, requestFor(f, "x", batchRoot(2), unpublished, originRoot)))
	f.Add(strings.Replace(valid, `"batchID":"batch-001"`, `"batchID":"b\u0000"`, 1))
	f.Add(strings.Replace(valid, `"publicInputs":[`, `"publicInputs":["00",`, 1))
	f.Add(strings.Replace(valid, `{`, `{"batchID":"a",`, 1))
	f.Add(`{"batchID":"b","proof":"AAAA","publicInputs":[]}`)
	f.Add(`{}`)
	f.Add(`null`)
	f.Add(`[]`)
	f.Add("")
	f.Fuzz(func(t *testing.T, request string) {
		parsed, parseErr := ParseAnchorRequest([]byte(request))
		rec, err := n.cc.AnchorBatch(n.begin(operatorMSP), request)
		n.end(errors.New("roll back: every request is anchored afresh"))
		if err == nil {
			if parseErr != nil || rec == nil || !equalRequest(rec.AnchorRequest, parsed) {
				t.Fatalf("anchored %+v; ParseAnchorRequest: %+v, %v", rec, parsed, parseErr)
			}
			return
		}
		var e *Error
		if !errors.As(err, &e) || !slices.Contains(Codes(), e.Code) {
			t.Fatalf("error %T %v: want a *Error with a known code", err, err)
		}
		if parseErr != nil && err.Error() != parseErr.Error() {
			t.Fatalf("AnchorBatch: %v; ParseAnchorRequest: %v", err, parseErr)
		}
		if parseErr == nil && e.Code == CodeMalformed {
			t.Fatalf("AnchorBatch: %v, but ParseAnchorRequest accepted it", err)
		}
	})
}
