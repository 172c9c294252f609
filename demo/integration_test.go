package demo_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/provenant/provenant/broker"
	"github.com/provenant/provenant/claims"
	"github.com/provenant/provenant/demo"
	"github.com/provenant/provenant/ingest"
	"github.com/provenant/provenant/registry"
	"github.com/provenant/provenant/services"
	"github.com/provenant/provenant/store"
	"github.com/provenant/provenant/store/sqlstore"
	"github.com/provenant/provenant/store/storetest"
	"github.com/provenant/provenant/supplier"
)

// startPipeline starts the embedded broker, a SQLite store and an ingester
// reading the events topic into the store, all stopped when the test ends.
func startPipeline(t *testing.T, ctx context.Context) (string, *sqlstore.Store) {
	t.Helper()
	b, err := broker.Start(ctx, "127.0.0.1:0", broker.WithTopics(broker.DefaultPartitions, supplier.Topic, ingest.DeadLetterTopic))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	st, err := sqlstore.Open(ctx, storetest.SQLiteURL(t), sqlstore.WithSealer(storetest.NewSealer(t)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	in, err := ingest.New(ingest.Config{Brokers: []string{b.Addr()}, SupplierCacheTTL: -1, BatchWait: 10 * time.Millisecond}, st)
	if err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- in.Run(runCtx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("ingester: %v", err)
		}
	})
	return b.Addr(), st
}

// writeDeadLetter writes a message to the dead-letter topic as if ingest
// had rejected it, tagged as message index of run.
func writeDeadLetter(t *testing.T, ctx context.Context, addr, run string, index int) {
	t.Helper()
	w := &kafka.Writer{Addr: kafka.TCP(addr), Topic: ingest.DeadLetterTopic, RequiredAcks: kafka.RequireAll, BatchTimeout: 5 * time.Millisecond}
	defer w.Close()
	err := w.WriteMessages(ctx, kafka.Message{Value: []byte("{}"), Headers: []kafka.Header{
		{Key: demo.HeaderRun, Value: []byte(run)},
		{Key: demo.HeaderMessage, Value: []byte(fmt.Sprint(index))},
		{Key: ingest.HeaderError, Value: []byte("conflict: planted by the test")},
	}})
	if err != nil {
		t.Fatal(err)
	}
}

// TestPushToIngest pushes a small feed through the embedded broker to a
// running ingester: every good event is stored RECEIVED under its
// supplier's key, every bad message is dead-lettered with its fault's code,
// and nothing else of the run's is.
func TestPushToIngest(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	addr, st := startPipeline(t, ctx)
	brokers := []string{addr}

	f := generate(t, demo.FeedConfig{Suppliers: 2, Events: 14, Seed: 21})
	keys, _, err := demo.LoadKeys(t.TempDir(), len(f.Suppliers))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Register(ctx, st, f.Suppliers, keys); err != nil {
		t.Fatal(err)
	}
	msgs, err := demo.Sign(f, keys, newKeys(t, 1)[0], nil)
	if err != nil {
		t.Fatal(err)
	}
	run := demo.NewRunID()
	// A dead letter from before the run, and one of another run, must not
	// count: message 0 is a good one.
	writeDeadLetter(t, ctx, addr, run, 0)
	dlq, err := demo.NewDeadLetters(ctx, brokers, "", run)
	if err != nil {
		t.Fatal(err)
	}
	writeDeadLetter(t, ctx, addr, "another-run", 0)

	var out bytes.Buffer
	if err := demo.Push(ctx, brokers, "", run, f, msgs, &out); err != nil {
		t.Fatal(err)
	}
	for _, p := range f.Suppliers {
		if !strings.Contains(out.String(), p.Name) {
			t.Errorf("push output does not name %s:\n%s", p.Name, out.String())
		}
	}

	tr := demo.NewTracker(f, st, dlq)
	var p demo.Progress
	for {
		if p, err = tr.Poll(ctx); err != nil {
			t.Fatal(err)
		}
		if p.Received == p.Events && p.BadDeadLettered == p.Bad {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("progress %s: %v", p, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
	if p.Events != 14 || p.Bad != len(demo.Faults()) || p.DeadLetters != p.Bad || p.Lost != 0 || p.Done() {
		t.Errorf("progress %+v", p)
	}
	for i := range f.Messages {
		m := &f.Messages[i]
		d, dead := tr.DeadLetter(i)
		switch {
		case m.Fault == demo.FaultNone && dead:
			t.Errorf("%s was dead-lettered: %s", m.Name, d.Reason)
		case m.Fault != demo.FaultNone && (!dead || d.Code != m.Fault.Code()):
			t.Errorf("%s: dead letter %+v, want code %s", m.Name, d, m.Fault.Code())
		}
		for _, e := range m.Events {
			got, ok := tr.Event(e.ID)
			if !ok || got.Status != store.StatusReceived || got.Supplier != keys[m.Supplier].Public().String() || got.OriginRegion != e.OriginRegion {
				t.Errorf("%s event %s: stored %v as %+v", m.Name, e.ID, ok, got)
			}
		}
	}
	counts, err := st.CountEventsByStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if counts[store.StatusReceived] != 14 {
		t.Errorf("store counts %v, want 14 RECEIVED", counts)
	}
}

// finishFakely plays prover and anchor service without proofs until ctx
// ends: it rejects the RECEIVED events whose origin claim the demo origin
// registry does not back, as the prover does, and marks the others
// ANCHORED in a fake batch.
func finishFakely(t *testing.T, ctx context.Context, st store.Store) {
	origins, err := registry.NewOrigins(services.DemoFacilities())
	if err != nil {
		t.Error(err)
		return
	}
	for n := 1; ; n++ {
		select {
		case <-ctx.Done():
			return
		case <-time.After(50 * time.Millisecond):
		}
		evs, err := st.ListEventsByStatus(ctx, store.StatusReceived, store.Cursor{}, store.MaxPageSize)
		if err != nil {
			if ctx.Err() == nil {
				t.Error(err)
			}
			return
		}
		var members []store.BatchMember
		for _, e := range evs {
			if e.OriginRegion != "" {
				var priv claims.Private
				if err := json.Unmarshal(e.Private, &priv); err != nil {
					t.Error(err)
					return
				}
				if _, _, err := origins.FindClaim(priv.OriginFacility, e.OriginRegion, e.EventTime); err != nil {
					if err := st.RejectEvent(ctx, "", e.ID, "origin not certified: "+err.Error()); err != nil && ctx.Err() == nil {
						t.Error(err)
					}
					continue
				}
			}
			members = append(members, store.BatchMember{EventID: e.ID, Index: len(members), Leaf: "00", BlindedCommitment: "00"})
		}
		if len(members) == 0 {
			continue
		}
		b := store.Batch{ID: fmt.Sprintf("fake-%d", n), Circuit: "fake", CircuitVersion: "1", Size: len(members), Root: fmt.Sprintf("root-%d", n), Proof: []byte{1}}
		if err := st.CreateBatch(ctx, "", b, members); err != nil {
			if ctx.Err() == nil {
				t.Error(err)
			}
			return
		}
		if _, err := st.RecordAnchor(ctx, store.Anchor{BatchID: b.ID, TxID: fmt.Sprintf("tx-%d", n), BlockNumber: uint64(n), Channel: "fake", BatchRoot: b.Root, Timestamp: time.Now()}); err != nil {
			if ctx.Err() == nil {
				t.Error(err)
			}
			return
		}
	}
}

// TestRun runs the whole demo against a pipeline whose prover and anchor
// service are faked: it ends when every event is settled and every bad
// message dead-lettered, with no surprises; a second run of the same seed
// is a no-op for the store.
func TestRun(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	addr, st := startPipeline(t, ctx)
	fakeCtx, stopFake := context.WithCancel(ctx)
	fakeDone := make(chan struct{})
	go func() {
		defer close(fakeDone)
		finishFakely(t, fakeCtx, st)
	}()
	defer func() {
		stopFake()
		<-fakeDone
	}()

	keysDir := t.TempDir()
	const seed = 4
	for round := range 2 {
		var out bytes.Buffer
		res, err := demo.Run(ctx, demo.Config{
			Feed:    demo.FeedConfig{Suppliers: 3, Events: 24, Seed: seed},
			Brokers: []string{addr},
			KeysDir: keysDir,
			Store:   st,
			Salts:   demo.SeededSalts(seed),
			Watch:   true,
			Poll:    50 * time.Millisecond,
			Timeout: 60 * time.Second,
			Out:     &out,
		})
		if err != nil {
			t.Fatalf("round %d: %v\n%s", round, err, out.String())
		}
		p := res.Progress
		if !p.Done() || p.Events != 24 || p.Anchored+p.Rejected != 24 || p.Rejected != 3 || p.BadDeadLettered != len(demo.Faults()) {
			t.Errorf("round %d: progress %+v", round, p)
		}
		if s := res.Surprises(); len(s) > 0 {
			t.Errorf("round %d: surprises %v", round, s)
		}
		text := out.String()
		for _, want := range []string{"All 28 outcomes as expected", "21 events anchored, 3 origin claims rejected", "ANCHORED", "REJECTED", "unknown-supplier", "missing-header", "malformed", "invalid",
			map[bool]string{true: "key created, registered", false: "key reused, already registered"}[round == 0]} {
			if !strings.Contains(text, want) {
				t.Errorf("round %d: the output lacks %q:\n%s", round, want, text)
			}
		}
		if t.Failed() {
			t.Logf("round %d output:\n%s", round, text)
		}
	}
	counts, err := st.CountEventsByStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n := counts[store.StatusAnchored] + counts[store.StatusRejected]; n != 24 || counts[store.StatusReceived] != 0 {
		t.Errorf("store counts %v, want the 24 events of one feed, settled", counts)
	}
}

// TestRunTimesOut checks that a run whose events are never proven ends at
// its timeout with the summary of where they stand.
func TestRunTimesOut(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	addr, st := startPipeline(t, ctx)
	var out bytes.Buffer
	res, err := demo.Run(ctx, demo.Config{
		Feed:    demo.FeedConfig{Suppliers: 1, Events: 3, Seed: 1},
		Brokers: []string{addr},
		KeysDir: t.TempDir(),
		Store:   st,
		Watch:   true,
		Poll:    50 * time.Millisecond,
		Timeout: 2 * time.Second,
		Out:     &out,
	})
	if !errors.Is(err, demo.ErrTimeout) {
		t.Fatalf("Run: %v, want a timeout\n%s", err, out.String())
	}
	if res == nil || res.Progress.Settled() != 0 || len(res.Surprises()) != 0 {
		t.Errorf("result %+v", res)
	}
	if !strings.Contains(out.String(), "PENDING") || !strings.Contains(out.String(), "still on their way") {
		t.Errorf("the output lacks the pending events:\n%s", out.String())
	}
}
