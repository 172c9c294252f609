package ledger

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/provenant/provenant/chaincode"
)

// endorseFailure is what the Gateway returns when a peer's chaincode
// refuses a proposal: an Aborted status whose details carry each peer's
// chaincode response.
func endorseFailure(t *testing.T, msg string) error {
	t.Helper()
	st, err := status.New(codes.Aborted, "failed to endorse transaction, see attached details for more info").
		WithDetails(&gateway.ErrorDetail{Address: "peer0.operator:7051", MspId: "OperatorMSP", Message: msg})
	if err != nil {
		t.Fatal(err)
	}
	return st.Err()
}

func TestWrapChaincodeRefusal(t *testing.T) {
	tests := []struct {
		name     string
		err      error
		code     chaincode.Code
		sentinel error
	}{
		{"detail", endorseFailure(t, "chaincode response 500, UNPUBLISHED_ROOT: supplier root 1a is not published"), chaincode.CodeUnpublishedRoot, ErrRejected},
		{"not found in text", status.Error(codes.Unknown, "evaluate call to endorser returned error: chaincode response 500, NOT_FOUND: no anchor for batch \"b\""), chaincode.CodeNotFound, ErrNotFound},
		{"forbidden", endorseFailure(t, "chaincode response 500, FORBIDDEN: AuthorityMSP may not anchor"), chaincode.CodeForbidden, ErrForbidden},
		{"already anchored", endorseFailure(t, "chaincode response 500, ALREADY_ANCHORED: batch \"b\""), chaincode.CodeAlreadyAnchored, ErrAlreadyAnchored},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if transient(tt.err) {
				t.Error("a chaincode refusal is classified transient")
			}
			err := wrap("AnchorBatch", "tx1", tt.err)
			var e *Error
			if !errors.As(err, &e) || e.Code != tt.code || e.TxID != "tx1" {
				t.Fatalf("wrap = %#v, want code %s and tx1", err, tt.code)
			}
			if !errors.Is(err, tt.sentinel) {
				t.Errorf("%v does not match %v", err, tt.sentinel)
			}
			if errors.Is(err, ErrUnavailable) {
				t.Errorf("%v matches ErrUnavailable", err)
			}
			if !errors.Is(err, tt.err) {
				t.Error("the Gateway error is not unwrapped")
			}
		})
	}
}

func TestTransient(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"unavailable", status.Error(codes.Unavailable, "connection refused"), true},
		{"deadline", status.Error(codes.DeadlineExceeded, "timeout"), true},
		{"aborted without a chaincode answer", status.Error(codes.Aborted, "failed to endorse"), true},
		{"mvcc", &client.CommitError{TransactionID: "t", Code: peer.TxValidationCode_MVCC_READ_CONFLICT}, true},
		{"policy failure", &client.CommitError{TransactionID: "t", Code: peer.TxValidationCode_ENDORSEMENT_POLICY_FAILURE}, false},
		{"chaincode refusal", endorseFailure(t, "chaincode response 500, BAD_PROOF: no"), false},
		{"canceled", context.Canceled, false},
		{"plain", fmt.Errorf("boom"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := transient(tt.err); got != tt.want {
				t.Errorf("transient(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

func TestWrapNetworkFailureNamesPeers(t *testing.T) {
	st, _ := status.New(codes.Unavailable, "endorsement failed").
		WithDetails(&gateway.ErrorDetail{Address: "peer0.authority:9051", MspId: "AuthorityMSP", Message: "connection refused"})
	err := wrap("AnchorBatch", "", st.Err())
	var e *Error
	if !errors.As(err, &e) || e.Code != "" {
		t.Fatalf("wrap = %#v", err)
	}
	if want := "peer0.authority:9051: connection refused"; !strings.Contains(e.Error(), want) {
		t.Errorf("%q does not name the failing peer (%q)", e.Error(), want)
	}
}

func TestDiffers(t *testing.T) {
	req := chaincode.AnchorRequest{BatchID: "b", Circuit: "c", CircuitVersion: "v", BatchRoot: "r", Proof: "cHJvb2Y=", PublicInputs: []string{"r", "s", "o"}}
	rec := chaincode.AnchorRecord{AnchorRequest: req, TxID: "t"}
	if f := differs(req, rec); f != "" {
		t.Fatalf("same content differs in %s", f)
	}
	for _, tt := range []struct {
		field  string
		mutate func(*chaincode.AnchorRecord)
	}{
		{"batch root", func(r *chaincode.AnchorRecord) { r.BatchRoot = "x" }},
		{"proof", func(r *chaincode.AnchorRecord) { r.Proof = "eA==" }},
		{"public inputs", func(r *chaincode.AnchorRecord) { r.PublicInputs = []string{"r", "x", "o"} }},
		{"circuit version", func(r *chaincode.AnchorRecord) { r.CircuitVersion = "w" }},
	} {
		r := rec
		r.PublicInputs = append([]string(nil), rec.PublicInputs...)
		tt.mutate(&r)
		if f := differs(req, r); f != tt.field {
			t.Errorf("differs = %q, want %q", f, tt.field)
		}
	}
}
