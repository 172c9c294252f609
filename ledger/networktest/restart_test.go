package networktest_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"

	"github.com/provenant/provenant/ledger"
	"github.com/provenant/provenant/store"
)

// TestRestartsMidStream restarts a peer and then the orderer while the
// anchor service works through a backlog: anchoring resumes by itself and
// every batch is anchored exactly once.
func TestRestartsMidStream(t *testing.T) {
	f := newFixture(t)
	var batches []store.Batch
	for range 6 {
		batches = append(batches, f.prove(t))
	}
	a := f.anchorer(t, f.operator)
	ctx, stop := context.WithCancel(f.ctx)
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()

	waitAnchored(t, f, batches[:1])
	for _, name := range []string{"peer-authority", "orderer"} {
		if err := env.net.StopProcess(name); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Second) // anchoring fails meanwhile; the backlog waits
		if err := env.net.StartProcess(f.ctx, name); err != nil {
			t.Fatalf("restart %s: %v", name, err)
		}
	}
	waitAnchored(t, f, batches)
	stop()
	if err := <-done; err != nil {
		t.Errorf("Run = %v", err)
	}

	// Exactly one BatchAnchored event per batch, over the whole ledger.
	seen := anchorEvents(t, f, nil)
	for _, b := range batches {
		if seen[b.ID] != 1 {
			t.Errorf("batch %s anchored %d times, want once", b.ID, seen[b.ID])
		}
	}
}

func waitAnchored(t *testing.T, f *fixture, batches []store.Batch) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for _, b := range batches {
		for {
			got, err := f.st.GetBatch(f.ctx, b.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status == store.StatusAnchored {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("batch %s still %s", b.ID, got.Status)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// anchorEvents reads BatchAnchored events until it has seen every anchor
// the ledger lists, and counts them by batch ID.
func anchorEvents(t *testing.T, f *fixture, cp ledger.Checkpointer) map[string]int {
	t.Helper()
	want := 0
	for _, err := range f.operator.Anchors(f.ctx, 100) {
		if err != nil {
			t.Fatal(err)
		}
		want++
	}
	ctx, cancel := context.WithTimeout(f.ctx, time.Minute)
	defer cancel()
	events, err := f.operator.AnchorEvents(ctx, cp, 0)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for n := 0; n < want; n++ {
		select {
		case ev, ok := <-events:
			if !ok {
				t.Fatalf("event stream ended after %d of %d events", n, want)
			}
			if ev.Record.BatchID == "" || ev.TxID != ev.Record.TxID {
				t.Errorf("event %+v", ev)
			}
			seen[ev.Record.BatchID]++
			if cp != nil {
				if err := cp.CheckpointChaincodeEvent(ev.Raw); err != nil {
					t.Fatal(err)
				}
			}
		case <-ctx.Done():
			t.Fatalf("%d of %d events before the deadline", n, want)
		}
	}
	return seen
}

// TestAnchorEventsCheckpoint: after a restart from a checkpoint, events
// already processed are not delivered again, and new ones are.
func TestAnchorEventsCheckpoint(t *testing.T) {
	f := newFixture(t)
	path := filepath.Join(t.TempDir(), "checkpoint.json")
	cp, err := client.NewFileCheckpointer(path)
	if err != nil {
		t.Fatal(err)
	}
	anchorEvents(t, f, cp)
	cp.Close()

	b := f.prove(t)
	if res, err := f.anchorer(t, f.operator).AnchorOnce(f.ctx); err != nil || res.Anchored != 1 {
		t.Fatalf("AnchorOnce = %+v, %v", res, err)
	}
	cp, err = client.NewFileCheckpointer(path)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	ctx, cancel := context.WithTimeout(f.ctx, time.Minute)
	defer cancel()
	events, err := f.operator.AnchorEvents(ctx, cp, 0)
	if err != nil {
		t.Fatal(err)
	}
	ev := <-events
	if ev.Record.BatchID != b.ID {
		t.Fatalf("first event after the checkpoint is batch %q, want the new batch %s", ev.Record.BatchID, b.ID)
	}
}
