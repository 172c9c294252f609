package networktest_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/provenant/provenant/anchor"
	"github.com/provenant/provenant/chaincode"
	"github.com/provenant/provenant/field"
	"github.com/provenant/provenant/ledger"
	"github.com/provenant/provenant/store"
)

func TestAnchorAndReadBack(t *testing.T) {
	f := newFixture(t)
	b := f.prove(t)
	res, err := f.anchorer(t, f.operator).AnchorOnce(f.ctx)
	if err != nil || res.Anchored != 1 {
		t.Fatalf("AnchorOnce = %+v, %v; want one batch anchored", res, err)
	}

	// The store records the ledger transaction; batch and events are ANCHORED.
	an, err := f.st.GetAnchor(f.ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if an.TxID == "" || an.BlockNumber == 0 || an.Channel != "provenance" || an.BatchRoot != b.Root || an.Timestamp.IsZero() {
		t.Errorf("recorded anchor %+v", an)
	}
	members, err := f.st.ListBatchMembers(f.ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range members {
		e, err := f.st.GetEvent(f.ctx, m.EventID)
		if err != nil || e.Status != store.StatusAnchored {
			t.Errorf("event %s: %s, %v; want ANCHORED", m.EventID, e.Status, err)
		}
	}

	// The peer CLI, as the Authority's admin, reads the same anchor back.
	var rec chaincode.AnchorRecord
	if err := json.Unmarshal(peerQuery(t, f.ctx, "Authority", "GetAnchor", b.ID), &rec); err != nil {
		t.Fatal(err)
	}
	if rec.TxID != an.TxID || rec.BatchRoot != b.Root || rec.Submitter.MSPID != "OperatorMSP" || ledger.Differs(b, rec) != "" {
		t.Errorf("peer CLI reads %+v; store has tx %s root %s", rec, an.TxID, b.Root)
	}
	block, err := f.authority.BlockOf(f.ctx, rec.TxID)
	if err != nil || block != an.BlockNumber {
		t.Errorf("BlockOf = %d, %v; store has block %d", block, err, an.BlockNumber)
	}

	// The chaincode verifies it again on request.
	v, err := f.authority.VerifyAnchor(f.ctx, b.ID)
	if err != nil || !v.Valid {
		t.Errorf("VerifyAnchor = %+v, %v", v, err)
	}

	// Anchoring again is idempotent: the same content is the same anchor...
	r, err := f.operator.Anchor(f.ctx, ledger.RequestFromBatch(b))
	if err != nil || !r.Existing || r.TxID != an.TxID || r.BlockNumber != an.BlockNumber {
		t.Errorf("second Anchor = %+v, %v; want the existing anchor", r, err)
	}
	// ...other content under the same batch ID is a conflict.
	other := ledger.RequestFromBatch(b)
	p, _ := base64.StdEncoding.DecodeString(other.Proof)
	p[len(p)/2] ^= 1
	other.Proof = base64.StdEncoding.EncodeToString(p)
	var conflict *ledger.ConflictError
	if _, err := f.operator.Anchor(f.ctx, other); !errors.As(err, &conflict) || conflict.Field != "proof" || conflict.TxID != an.TxID {
		t.Errorf("Anchor with other content = %v, want a *ConflictError on the proof", err)
	}
	raw, _ := json.Marshal(other)
	if _, err := f.operator.Submit(f.ctx, "AnchorBatch", string(raw)); !isCode(err, chaincode.CodeAlreadyAnchored) {
		t.Errorf("raw AnchorBatch of a taken batch ID = %v, want ALREADY_ANCHORED", err)
	}
}

func isCode(err error, code chaincode.Code) bool {
	var e *ledger.Error
	return errors.As(err, &e) && e.Code == code
}

// TestChaincodeRefusals submits, through the peers, everything the
// chaincode must refuse, and checks that nothing of it reaches the ledger.
func TestChaincodeRefusals(t *testing.T) {
	f := newFixture(t)
	b := f.prove(t)
	// The key must be pinned, so that only the checks under test fail.
	key, err := f.keySource()(f.ctx, b.Circuit, b.CircuitVersion)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.operator.RegisterVerifyingKey(f.ctx, b.Circuit, b.CircuitVersion, key); err != nil {
		t.Fatal(err)
	}
	good := ledger.RequestFromBatch(b)
	other := field.Hex(field.Uint64(uint64(time.Now().UnixNano()))) // a root nobody published or proved
	proof, _ := base64.StdEncoding.DecodeString(good.Proof)

	tests := []struct {
		name   string
		client *ledger.Client
		mutate func(*chaincode.AnchorRequest)
		code   chaincode.Code
	}{
		{"tampered proof", f.operator, func(r *chaincode.AnchorRequest) {
			p := append([]byte(nil), proof...)
			p[len(p)/2] ^= 1
			r.Proof = base64.StdEncoding.EncodeToString(p)
		}, chaincode.CodeBadProof},
		{"proof of another batch", f.operator, func(r *chaincode.AnchorRequest) {
			r.BatchID, r.BatchRoot, r.PublicInputs[0] = other, other, other
		}, chaincode.CodeBadProof},
		{"public input 0 is not the batch root", f.operator, func(r *chaincode.AnchorRequest) { r.PublicInputs[0] = other }, chaincode.CodeMalformed},
		{"unknown circuit", f.operator, func(r *chaincode.AnchorRequest) { r.Circuit = "provenant-batch-v1-n999-k1-m1" }, chaincode.CodeUnknownCircuit},
		{"unregistered key version", f.operator, func(r *chaincode.AnchorRequest) { r.CircuitVersion = strings.Repeat("ab", 32) }, chaincode.CodeUnknownCircuit},
		{"unpublished origin root", f.operator, func(r *chaincode.AnchorRequest) { r.PublicInputs[2] = other }, chaincode.CodeUnpublishedRoot},
		{"unpublished supplier root", f.operator, func(r *chaincode.AnchorRequest) { r.PublicInputs[1] = other }, chaincode.CodeUnpublishedRoot},
		{"authority anchoring", f.authority, func(*chaincode.AnchorRequest) {}, chaincode.CodeForbidden},
		{"bad batch ID", f.operator, func(r *chaincode.AnchorRequest) { r.BatchID = "no spaces/slashes" }, chaincode.CodeMalformed},
		{"oversize proof", f.operator, func(r *chaincode.AnchorRequest) { r.Proof = strings.Repeat("A", 12000) }, chaincode.CodeMalformed},
		{"non-reduced field element", f.operator, func(r *chaincode.AnchorRequest) { r.PublicInputs[1] = strings.Repeat("f", 64) }, chaincode.CodeMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := good
			req.PublicInputs = append([]string(nil), good.PublicInputs...)
			tt.mutate(&req)
			_, err := tt.client.Anchor(f.ctx, req)
			if !isCode(err, tt.code) {
				t.Fatalf("Anchor = %v, want %s", err, tt.code)
			}
			if errors.Is(err, ledger.ErrUnavailable) {
				t.Errorf("a refusal was retried as unavailable: %v", err)
			}
		})
	}

	raw := []struct {
		name   string
		client *ledger.Client
		fn     string
		args   []string
		code   chaincode.Code
	}{
		{"operator publishing a root", f.operator, "PublishRoot", []string{"suppliers", good.PublicInputs[1]}, chaincode.CodeForbidden},
		{"authority registering a key", f.authority, "RegisterVerifyingKey", []string{b.Circuit, b.CircuitVersion, base64.StdEncoding.EncodeToString(key)}, chaincode.CodeForbidden},
		{"malformed JSON", f.operator, "AnchorBatch", []string{`{"batchID": "x",`}, chaincode.CodeMalformed},
		{"unknown JSON field", f.operator, "AnchorBatch", []string{`{"batchID":"x","extra":1}`}, chaincode.CodeMalformed},
		{"oversize request", f.operator, "AnchorBatch", []string{`{"batchID":"` + strings.Repeat("x", 20000) + `"}`}, chaincode.CodeMalformed},
		{"missing argument", f.operator, "AnchorBatch", nil, chaincode.CodeMalformed},
		{"root not hex", f.authority, "PublishRoot", []string{"suppliers", "zz"}, chaincode.CodeMalformed},
		{"unknown registry", f.authority, "PublishRoot", []string{"bogus", good.PublicInputs[1]}, chaincode.CodeMalformed},
		{"version not the key's hash", f.operator, "RegisterVerifyingKey", []string{b.Circuit, strings.Repeat("cd", 32), base64.StdEncoding.EncodeToString(key)}, chaincode.CodeMalformed},
		{"second Init", f.operator, "Init", []string{"OperatorMSP", "AuthorityMSP"}, chaincode.CodeConflict},
	}
	for _, tt := range raw {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.client.Submit(f.ctx, tt.fn, tt.args...)
			if !isCode(err, tt.code) && !(tt.args == nil && err != nil) {
				t.Fatalf("%s = %v, want %s", tt.fn, err, tt.code)
			}
		})
	}

	// Nothing reached the ledger: the batch is not anchored, and then is,
	// as it should be.
	if _, err := f.operator.GetAnchor(f.ctx, b.ID); !errors.Is(err, ledger.ErrNotFound) {
		t.Fatalf("GetAnchor after refusals = %v, want ErrNotFound", err)
	}
	if _, err := f.operator.GetAnchor(f.ctx, other); !errors.Is(err, ledger.ErrNotFound) {
		t.Fatalf("GetAnchor(%s) = %v, want ErrNotFound", other, err)
	}
	if res, err := f.anchorer(t, f.operator).AnchorOnce(f.ctx); err != nil || res.Anchored != 1 {
		t.Fatalf("AnchorOnce = %+v, %v", res, err)
	}
}

// TestUnpublishedRootWaits: a batch proven against a new origin registry
// waits, PROVEN, until the Authority publishes its root.
func TestUnpublishedRootWaits(t *testing.T) {
	f := newFixture(t)
	importOrigins(t, f, "urn:epc:id:sgln:4012345.00009.0")
	b := f.prove(t)
	a := f.anchorer(t, f.operator)
	res, err := a.AnchorOnce(f.ctx)
	if err != nil || res.Waiting != 1 || res.Anchored != 0 {
		t.Fatalf("AnchorOnce before publication = %+v, %v; want the batch waiting", res, err)
	}
	if got, _ := f.st.GetBatch(f.ctx, b.ID); got.Status != store.StatusProven {
		t.Fatalf("batch is %s, want PROVEN", got.Status)
	}
	f.publish(t)
	if res, err := a.AnchorOnce(f.ctx); err != nil || res.Anchored != 1 {
		t.Fatalf("AnchorOnce after publication = %+v, %v", res, err)
	}
	roots, err := f.authority.Roots(f.ctx, "origins")
	if err != nil || len(roots) < 2 {
		t.Fatalf("origin root history %v, %v; want every publication kept", roots, err)
	}
	for i, r := range roots {
		if r.Seq != uint64(i+1) || r.Submitter.MSPID != "AuthorityMSP" {
			t.Errorf("root %d: %+v", i, r)
		}
	}
}

// TestTwoAnchorers: two anchor services on one store race for the same
// batches; each batch is anchored once.
func TestTwoAnchorers(t *testing.T) {
	f := newFixture(t)
	var batches []store.Batch
	for range 4 {
		batches = append(batches, f.prove(t))
	}
	second := dial(t, env.operator)
	var wg sync.WaitGroup
	results := make([]anchor.Result, 2)
	errs := make([]error, 2)
	for i, lc := range []*ledger.Client{f.operator, second} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = f.anchorer(t, lc).AnchorOnce(f.ctx)
		}()
	}
	wg.Wait()
	for i := range errs {
		if errs[i] != nil {
			t.Fatalf("anchorer %d: %v", i, errs[i])
		}
	}
	if n := results[0].Anchored + results[1].Anchored; n != len(batches) {
		t.Errorf("new anchors %d (%+v, %+v), want %d: each batch once", n, results[0], results[1], len(batches))
	}
	for _, b := range batches {
		an, err := f.st.GetAnchor(f.ctx, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		rec, err := f.operator.GetAnchor(f.ctx, b.ID)
		if err != nil || rec.TxID != an.TxID {
			t.Errorf("batch %s: ledger tx %s (%v), store tx %s", b.ID, rec.TxID, err, an.TxID)
		}
	}
}
