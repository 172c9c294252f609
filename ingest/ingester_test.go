package ingest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/provenant/provenant/broker"
	"github.com/provenant/provenant/claims"
	"github.com/provenant/provenant/ingest"
	"github.com/provenant/provenant/store"
	"github.com/provenant/provenant/store/sqlstore"
	"github.com/provenant/provenant/store/storetest"
	"github.com/provenant/provenant/supplier"
)

// pipeline is a broker, a SQLite store and an ingester running over TCP.
type pipeline struct {
	addr  string
	store *sqlstore.Store
}

// newPipeline starts a broker with the events and dead-letter topics of
// partitions partitions, and opens a SQLite store; no ingester yet.
func newPipeline(t *testing.T, ctx context.Context, partitions int32) *pipeline {
	t.Helper()
	b, err := broker.Start(ctx, "127.0.0.1:0", broker.WithTopics(partitions, supplier.Topic, ingest.DeadLetterTopic))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	st, err := sqlstore.Open(ctx, storetest.SQLiteURL(t), sqlstore.WithSealer(storetest.NewSealer(t)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &pipeline{addr: b.Addr(), store: st}
}

// run runs an ingester with cfg (brokers filled in) over st until the test
// ends.
func (p *pipeline) run(t *testing.T, ctx context.Context, cfg ingest.Config, st ingest.Store) {
	t.Helper()
	cfg.Brokers = []string{p.addr}
	in, err := ingest.New(cfg, st)
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
}

func startPipeline(t *testing.T, ctx context.Context, maxBytes int) *pipeline {
	t.Helper()
	p := newPipeline(t, ctx, 4)
	p.run(t, ctx, ingest.Config{MaxMessageBytes: maxBytes, SupplierCacheTTL: -1, BatchWait: 10 * time.Millisecond}, p.store)
	return p
}

func (p *pipeline) produce(t *testing.T, ctx context.Context, msgs ...kafka.Message) {
	t.Helper()
	w := &kafka.Writer{Addr: kafka.TCP(p.addr), Topic: supplier.Topic, RequiredAcks: kafka.RequireAll, BatchTimeout: 5 * time.Millisecond}
	defer w.Close()
	for i := range msgs {
		msgs[i].Topic = ""
	}
	if err := w.WriteMessages(ctx, msgs...); err != nil {
		t.Fatal(err)
	}
}

// deadLetters reads n messages from the dead-letter topic.
func (p *pipeline) deadLetters(t *testing.T, ctx context.Context, n int) []kafka.Message {
	t.Helper()
	r := kafka.NewReader(kafka.ReaderConfig{Brokers: []string{p.addr}, Topic: ingest.DeadLetterTopic, GroupID: "test-dlq-reader", StartOffset: kafka.FirstOffset, MaxWait: 100 * time.Millisecond})
	defer r.Close()
	var out []kafka.Message
	for len(out) < n {
		m, err := r.ReadMessage(ctx)
		if err != nil {
			t.Fatalf("read dead letters: got %d of %d: %v", len(out), n, err)
		}
		out = append(out, m)
	}
	return out
}

// waitCount waits until the store holds want events with status.
func (p *pipeline) waitCount(t *testing.T, ctx context.Context, status store.Status, want int64) {
	t.Helper()
	for {
		counts, err := p.store.CountEventsByStatus(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if counts[status] == want {
			return
		}
		if counts[status] > want {
			t.Fatalf("store holds %d %s events, want %d", counts[status], status, want)
		}
		select {
		case <-ctx.Done():
			t.Fatalf("store holds %d %s events, want %d: %v", counts[status], status, want, ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func headerValue(m kafka.Message, key string) string {
	for _, h := range m.Headers {
		if h.Key == key {
			return string(h.Value)
		}
	}
	return ""
}

func TestIngestStoresAndDeadLetters(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	const maxBytes = 64 << 10
	p := startPipeline(t, ctx, maxBytes)
	k, stranger := newKey(t), newKey(t)
	if _, err := p.store.AddSupplier(ctx, store.Supplier{PublicKey: k.Public().String(), Name: "test"}); err != nil {
		t.Fatal(err)
	}

	withID := func(doc []byte, secret string) []byte {
		doc = bytes.Replace(doc, []byte(`"type": "ObjectEvent",`), []byte(`"type": "ObjectEvent", "eventID": "urn:uuid:8a1c6f62-0d5c-4c39-9f57-3c8d8b0e4a11",`), 1)
		return bytes.Replace(doc, []byte("PO-500"), []byte(secret), 1)
	}
	good := signed(t, k, eventDoc(100, 5))
	first := signed(t, k, withID(eventDoc(500, 1), "PO-FIRST"))
	conflicting := signed(t, k, withID(eventDoc(500, 1), "PO-SECOND"))
	noHeader := signed(t, k, eventDoc(200, 1))
	noHeader.Headers = noHeader.Headers[:1]
	tampered := signed(t, k, eventDoc(300, 2))
	tampered.Value = bytes.Replace(tampered.Value, []byte("PO-301"), []byte("PO-999"), 1)
	oversize := signed(t, k, eventDoc(400, 1))
	oversize.Value = append(oversize.Value, bytes.Repeat([]byte(" "), maxBytes)...)
	malformed := signed(t, k, eventDoc(600, 1))
	malformed.Value = malformed.Value[:len(malformed.Value)/2]
	invalid := signed(t, k, eventDoc(700, 1))
	invalid.Value = bytes.Replace(invalid.Value, []byte(`"in_transit"`), []byte(`"teleported"`), 1)

	// In order: the first of two same-ID events must win.
	p.produce(t, ctx, good, first)
	p.waitCount(t, ctx, store.StatusReceived, 6)
	p.produce(t, ctx, good, conflicting, noHeader, tampered, oversize, malformed, invalid, signed(t, stranger, eventDoc(800, 1)))

	dead := p.deadLetters(t, ctx, 7)
	codes := map[ingest.Code]kafka.Message{}
	for _, m := range dead {
		reason := headerValue(m, ingest.HeaderError)
		code, _, _ := strings.Cut(reason, ":")
		codes[ingest.Code(code)] = m
		if headerValue(m, ingest.HeaderSource) == "" {
			t.Errorf("dead letter %q has no %s header", reason, ingest.HeaderSource)
		}
	}
	for _, tc := range []struct {
		code ingest.Code
		msg  kafka.Message
	}{
		{ingest.CodeConflict, conflicting},
		{ingest.CodeMissingHeader, noHeader},
		{ingest.CodeBadSignature, tampered},
		{ingest.CodeOversize, oversize},
		{ingest.CodeMalformed, malformed},
		{ingest.CodeInvalid, invalid},
		{ingest.CodeUnknownSupplier, kafka.Message{}},
	} {
		m, ok := codes[tc.code]
		if !ok {
			t.Errorf("no dead letter with code %s (got %v)", tc.code, codes)
			continue
		}
		if tc.msg.Value != nil && !bytes.Equal(m.Value, tc.msg.Value) {
			t.Errorf("%s: dead letter value differs from the original", tc.code)
		}
		if tc.msg.Value != nil && headerValue(m, supplier.HeaderSupplier) != headerValue(tc.msg, supplier.HeaderSupplier) {
			t.Errorf("%s: original headers not kept", tc.code)
		}
	}
	// The redelivered good message stored nothing new; the first same-ID
	// event kept its content.
	p.waitCount(t, ctx, store.StatusReceived, 6)
	e, err := p.store.GetEvent(ctx, "urn:uuid:8a1c6f62-0d5c-4c39-9f57-3c8d8b0e4a11")
	if err != nil {
		t.Fatal(err)
	}
	var priv claims.Private
	if err := json.Unmarshal(e.Private, &priv); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(priv.Event, []byte("PO-FIRST")) {
		t.Error("the conflicting event overwrote the stored one")
	}
	// Nothing of a rejected document is stored.
	// Event 0 of the tampered document is signed correctly, but the
	// document is rejected as a whole.
	evs, err := p.store.ListEventsByProduct(ctx, "https://id.gs1.org/01/04012345111118/21/300", store.Cursor{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 0 {
		t.Errorf("an event of a rejected document was stored: %v", evs[0].ID)
	}
}

// batchRecorder records how many groups (messages) each store call gets.
type batchRecorder struct {
	*sqlstore.Store
	mu     sync.Mutex
	groups []int
}

func (r *batchRecorder) InsertEventGroups(ctx context.Context, groups [][]store.Event) ([]error, error) {
	r.mu.Lock()
	r.groups = append(r.groups, len(groups))
	r.mu.Unlock()
	return r.Store.InsertEventGroups(ctx, groups)
}

func (r *batchRecorder) calls() []int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.groups)
}

// TestBatchBounds checks that a batch stops growing at BatchSize messages
// or at BatchBytes of values, whichever comes first, with every message
// waiting in the topic (so that an unbounded batch would take them all).
func TestBatchBounds(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	key := newKey(t)
	const n = 7
	msgs := make([]kafka.Message, n)
	minSize, maxSize := math.MaxInt, 0
	for i := range msgs {
		msgs[i] = signed(t, key, eventDoc(i, 1))
		minSize, maxSize = min(minSize, len(msgs[i].Value)), max(maxSize, len(msgs[i].Value))
	}
	if 3*minSize <= 2*maxSize+1 {
		t.Fatalf("message sizes %d…%d too uneven for the byte bound below", minSize, maxSize)
	}
	tests := []struct {
		name        string
		size, sum   int
		wantLargest int
	}{
		{"messages", 2, 0, 2},
		{"bytes", 0, 2*maxSize + 1, 3}, // three messages pass 2·max+1 bytes, two do not
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := newPipeline(t, ctx, 1)
			if _, err := p.store.AddSupplier(ctx, store.Supplier{PublicKey: key.Public().String()}); err != nil {
				t.Fatal(err)
			}
			p.produce(t, ctx, slices.Clone(msgs)...)
			rec := &batchRecorder{Store: p.store}
			p.run(t, ctx, ingest.Config{BatchSize: tc.size, BatchBytes: tc.sum, BatchWait: time.Second}, rec)
			for total := 0; total < n; {
				select {
				case <-ctx.Done():
					t.Fatalf("stored batches %v, want %d messages in all", rec.calls(), n)
				case <-time.After(20 * time.Millisecond):
				}
				total = 0
				for _, g := range rec.calls() {
					total += g
				}
			}
			calls := rec.calls()
			if largest := slices.Max(calls); largest != tc.wantLargest {
				t.Errorf("batches of %v messages, want none larger than %d and one of %d", calls, tc.wantLargest, tc.wantLargest)
			}
		})
	}
}
