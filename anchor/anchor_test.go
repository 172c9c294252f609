package anchor_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/provenant/provenant/anchor"
	"github.com/provenant/provenant/chaincode"
	"github.com/provenant/provenant/circuits/batch"
	"github.com/provenant/provenant/internal/pipelinetest"
	"github.com/provenant/provenant/ledger"
	"github.com/provenant/provenant/prover"
	"github.com/provenant/provenant/store"
)

// fakeLedger stands in for the ledger client in these unit tests of the
// anchorer's logic; the anchorer is tested against a real Fabric network
// in package ledger/networktest.
type fakeLedger struct {
	mu       sync.Mutex
	anchored map[string]chaincode.AnchorRecord
	keys     map[string][]byte
	fail     map[string]error // batch ID -> error to return
	down     bool
	calls    int
}

func newFake() *fakeLedger {
	return &fakeLedger{anchored: map[string]chaincode.AnchorRecord{}, keys: map[string][]byte{}, fail: map[string]error{}}
}

func (f *fakeLedger) Channel() string { return "provenance" }

func (f *fakeLedger) Anchor(_ context.Context, req chaincode.AnchorRequest) (ledger.Receipt, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.down {
		return ledger.Receipt{}, fmt.Errorf("%w: connection refused", ledger.ErrUnavailable)
	}
	if err := f.fail[req.BatchID]; err != nil {
		return ledger.Receipt{}, err
	}
	if _, ok := f.keys[req.Circuit+"/"+req.CircuitVersion]; !ok {
		return ledger.Receipt{}, &ledger.Error{Op: "AnchorBatch", Code: chaincode.CodeUnknownCircuit, Message: "no key"}
	}
	if rec, ok := f.anchored[req.BatchID]; ok {
		ts, _ := time.Parse(time.RFC3339Nano, rec.Timestamp)
		return ledger.Receipt{Record: rec, TxID: rec.TxID, BlockNumber: 7, Timestamp: ts, Existing: true}, nil
	}
	rec := chaincode.AnchorRecord{AnchorRequest: req, TxID: fmt.Sprintf("tx-%d", len(f.anchored)), Timestamp: time.Now().UTC().Format(time.RFC3339Nano)}
	f.anchored[req.BatchID] = rec
	return ledger.Receipt{Record: rec, TxID: rec.TxID, BlockNumber: uint64(len(f.anchored)), Timestamp: time.Now()}, nil
}

func (f *fakeLedger) RegisterVerifyingKey(_ context.Context, circuit, version string, key []byte) (chaincode.VerifyingKeyRecord, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.keys[circuit+"/"+version] = key
	return chaincode.VerifyingKeyRecord{Circuit: circuit, Version: version, Key: base64.StdEncoding.EncodeToString(key), TxID: "tx-key"}, nil
}

var (
	keysOnce sync.Once
	keys     prover.Keys
)

func testKeys(t *testing.T) prover.Keys {
	keysOnce.Do(func() { keys = pipelinetest.Keys(t, batch.Layout{Events: 2, Keys: 1, Origins: 1}) })
	return keys
}

// setup returns a store holding n proven batches.
func setup(t *testing.T, n int) (context.Context, store.Store, []store.Batch) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	st := pipelinetest.OpenSQLite(t, ctx)
	k := pipelinetest.NewSupplier(t, ctx, st)
	pipelinetest.Certify(t, ctx, st)
	var batches []store.Batch
	for i := range n {
		batches = append(batches, pipelinetest.ProvenBatch(t, ctx, st, testKeys(t), k, 10*i, 2))
	}
	return ctx, st, batches
}

func status(t *testing.T, ctx context.Context, st store.Store, id string) store.Status {
	t.Helper()
	b, err := st.GetBatch(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return b.Status
}

func TestAnchorOnce(t *testing.T) {
	ctx, st, batches := setup(t, 2)
	fake := newFake()
	registered := 0
	keySource := func(_ context.Context, circuit, version string) ([]byte, error) {
		registered++
		return []byte("key of " + circuit), nil
	}
	a, err := anchor.New(st, fake, anchor.Config{}, anchor.WithKeys(keySource))
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.AnchorOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Anchored != 2 || registered != 1 {
		t.Fatalf("result %+v, keys registered %d; want 2 anchored after registering the key once", res, registered)
	}
	for _, b := range batches {
		if s := status(t, ctx, st, b.ID); s != store.StatusAnchored {
			t.Errorf("batch %s is %s, want ANCHORED", b.ID, s)
		}
		an, err := st.GetAnchor(ctx, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if an.TxID != fake.anchored[b.ID].TxID || an.BatchRoot != b.Root || an.Channel != "provenance" || an.BlockNumber == 0 {
			t.Errorf("recorded anchor %+v does not match the ledger's %+v", an, fake.anchored[b.ID])
		}
	}
	// Nothing left: no ledger call.
	calls := fake.calls
	if res, err := a.AnchorOnce(ctx); err != nil || res != (anchor.Result{}) || fake.calls != calls {
		t.Errorf("second round = %+v, %v, %d ledger calls; want nothing", res, err, fake.calls-calls)
	}
}

func TestAnchorOnceWithoutKeySource(t *testing.T) {
	ctx, st, batches := setup(t, 1)
	a, _ := anchor.New(st, newFake(), anchor.Config{})
	res, err := a.AnchorOnce(ctx)
	// UNKNOWN_CIRCUIT with no key to pin: the ledger refuses the batch for
	// good, its events go back to be proven.
	if err != nil || res.Rejected != 1 {
		t.Fatalf("AnchorOnce = %+v, %v; want the batch rejected", res, err)
	}
	if s := status(t, ctx, st, batches[0].ID); s != store.StatusRejected {
		t.Errorf("batch is %s, want REJECTED", s)
	}
}

func TestAnchorOutcomes(t *testing.T) {
	ctx, st, batches := setup(t, 3)
	fake := newFake()
	k := testKeys(t)
	fake.keys[k.Layout.ID()+"/"+k.KeyHash] = []byte("k")
	waiting, refused, ok := batches[0], batches[1], batches[2]
	fake.fail[waiting.ID] = &ledger.Error{Op: "AnchorBatch", Code: chaincode.CodeUnpublishedRoot, Message: "origin root not published"}
	fake.fail[refused.ID] = &ledger.Error{Op: "AnchorBatch", Code: chaincode.CodeBadProof, Message: "does not verify"}
	a, _ := anchor.New(st, fake, anchor.Config{})
	res, err := a.AnchorOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res != (anchor.Result{Anchored: 1, Waiting: 1, Rejected: 1}) {
		t.Fatalf("result %+v", res)
	}
	if s := status(t, ctx, st, waiting.ID); s != store.StatusProven {
		t.Errorf("batch waiting for a root is %s, want PROVEN", s)
	}
	b, _ := st.GetBatch(ctx, refused.ID)
	if b.Status != store.StatusRejected || !strings.Contains(b.RejectReason, "BAD_PROOF") {
		t.Errorf("refused batch is %s (%q), want REJECTED naming BAD_PROOF", b.Status, b.RejectReason)
	}
	if s := status(t, ctx, st, ok.ID); s != store.StatusAnchored {
		t.Errorf("batch is %s, want ANCHORED", s)
	}

	// The root gets published: the waiting batch goes through.
	delete(fake.fail, waiting.ID)
	if res, err := a.AnchorOnce(ctx); err != nil || res.Anchored != 1 {
		t.Fatalf("after publication: %+v, %v", res, err)
	}
}

func TestAnchorBacklogSurvivesOutage(t *testing.T) {
	ctx, st, batches := setup(t, 2)
	fake := newFake()
	k := testKeys(t)
	fake.keys[k.Layout.ID()+"/"+k.KeyHash] = []byte("k")
	fake.down = true
	a, _ := anchor.New(st, fake, anchor.Config{Poll: 10 * time.Millisecond, MaxBackoff: 20 * time.Millisecond})
	if _, err := a.AnchorOnce(ctx); !errors.Is(err, ledger.ErrUnavailable) {
		t.Fatalf("AnchorOnce with the ledger down = %v, want ErrUnavailable", err)
	}
	for _, b := range batches {
		if s := status(t, ctx, st, b.ID); s != store.StatusProven {
			t.Fatalf("batch is %s during the outage, want PROVEN", s)
		}
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- a.Run(runCtx) }()
	time.Sleep(50 * time.Millisecond)
	fake.mu.Lock()
	fake.down = false
	fake.mu.Unlock()
	deadline := time.Now().Add(30 * time.Second)
	for _, b := range batches {
		for status(t, ctx, st, b.ID) != store.StatusAnchored {
			if time.Now().After(deadline) {
				t.Fatalf("backlog did not drain: batch %s still %s", b.ID, status(t, ctx, st, b.ID))
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	stop()
	if err := <-done; err != nil {
		t.Errorf("Run = %v", err)
	}
}

func TestAnchorExistingIsRecordedOnce(t *testing.T) {
	ctx, st, batches := setup(t, 1)
	fake := newFake()
	k := testKeys(t)
	fake.keys[k.Layout.ID()+"/"+k.KeyHash] = []byte("k")
	// Another anchor process got there first.
	req := ledger.RequestFromBatch(batches[0])
	if _, err := fake.Anchor(ctx, req); err != nil {
		t.Fatal(err)
	}
	a, _ := anchor.New(st, fake, anchor.Config{})
	res, err := a.AnchorOnce(ctx)
	if err != nil || res != (anchor.Result{Existing: 1}) {
		t.Fatalf("AnchorOnce = %+v, %v; want the existing anchor recorded", res, err)
	}
	an, err := st.GetAnchor(ctx, batches[0].ID)
	if err != nil || an.TxID != fake.anchored[batches[0].ID].TxID {
		t.Errorf("recorded %+v, %v; want the first anchor's tx", an, err)
	}
}
