package demo_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"slices"
	"sync"
	"testing"

	"github.com/segmentio/kafka-go"

	"github.com/provenant/provenant/demo"
	"github.com/provenant/provenant/epcis"
	"github.com/provenant/provenant/ingest"
	"github.com/provenant/provenant/store"
	"github.com/provenant/provenant/supplier"
)

func newKeys(t testing.TB, n int) []*supplier.Key {
	t.Helper()
	keys := make([]*supplier.Key, n)
	for i := range keys {
		k, err := supplier.GenerateKey(nil)
		if err != nil {
			t.Fatal(err)
		}
		keys[i] = k
	}
	return keys
}

func headerOf(m supplier.Message, key string) string {
	for _, h := range m.Headers {
		if h.Key == key {
			return h.Value
		}
	}
	return ""
}

// TestSignedEventsVerify checks that every event of every good message is
// signed by its supplier's key, and that each bad message carries what its
// fault says.
func TestSignedEventsVerify(t *testing.T) {
	f := generate(t, demo.FeedConfig{Suppliers: 3, Events: 24, Seed: 5})
	keys, stranger := newKeys(t, 3), newKeys(t, 1)[0]
	msgs, err := demo.Sign(f, keys, stranger, nil)
	if err != nil {
		t.Fatal(err)
	}
	verify := func(name string, value []byte, m supplier.Message, pub supplier.PublicKey) {
		t.Helper()
		if got := headerOf(m, supplier.HeaderSupplier); got != pub.String() {
			t.Errorf("%s: supplier header %s, want %s", name, got, pub)
		}
		sigs, err := supplier.DecodeSignatures(headerOf(m, supplier.HeaderSignature))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		doc, err := epcis.Parse(name, value)
		if err != nil {
			t.Fatal(err)
		}
		if len(sigs) != len(doc.Events) {
			t.Fatalf("%s: %d signatures for %d events", name, len(sigs), len(doc.Events))
		}
		for i := range doc.Events {
			st, err := supplier.NewStatement(&doc.Events[i])
			if err != nil {
				t.Fatal(err)
			}
			if err := pub.Verify(st, sigs[i]); err != nil {
				t.Errorf("%s event %d: %v", name, i, err)
			}
		}
	}
	for i, m := range msgs {
		fm := &f.Messages[i]
		switch fm.Fault {
		case demo.FaultNone:
			if !bytes.Equal(m.Value, fm.Value) || !slices.Equal(m.EventIDs, fm.EventIDs()) {
				t.Errorf("%s: the signed message changed the value or the events", fm.Name)
			}
			verify(fm.Name, m.Value, m, keys[fm.Supplier].Public())
		case demo.FaultMalformed:
			verify(fm.Name, fm.Signed, m, keys[fm.Supplier].Public())
			if !bytes.Equal(m.Value, fm.Value) {
				t.Errorf("%s: value is not the cut document", fm.Name)
			}
		case demo.FaultInvalid:
			verify(fm.Name, m.Value, m, keys[fm.Supplier].Public())
		case demo.FaultUnsigned:
			if headerOf(m, supplier.HeaderSignature) != "" || headerOf(m, supplier.HeaderSupplier) != keys[fm.Supplier].Public().String() {
				t.Errorf("%s: headers %v, want the supplier header only", fm.Name, m.Headers)
			}
		case demo.FaultUnknownKey:
			verify(fm.Name, m.Value, m, stranger.Public())
		}
		if m.Key == "" {
			t.Errorf("%s: no message key", fm.Name)
		}
	}
}

// TestSignIsDeterministic checks that the same feed, keys and seeded salts
// give the same messages, so that re-running a seed is a no-op for the
// store.
func TestSignIsDeterministic(t *testing.T) {
	cfg := demo.FeedConfig{Suppliers: 2, Events: 12, Seed: 11}
	keys, stranger := newKeys(t, 2), newKeys(t, 1)[0]
	a, err := demo.Sign(generate(t, cfg), keys, stranger, demo.SeededSalts(cfg.Seed))
	if err != nil {
		t.Fatal(err)
	}
	b, err := demo.Sign(generate(t, cfg), keys, stranger, demo.SeededSalts(cfg.Seed))
	if err != nil {
		t.Fatal(err)
	}
	for i := range a {
		if a[i].Key != b[i].Key || !bytes.Equal(a[i].Value, b[i].Value) || !slices.Equal(a[i].Headers, b[i].Headers) {
			t.Fatalf("message %d differs between two signings of one seed", i)
		}
	}
}

// memRegistry is an in-memory supplier registry.
type memRegistry struct {
	mu   sync.Mutex
	sups map[string]store.Supplier
}

func (r *memRegistry) AddSupplier(_ context.Context, s store.Supplier) (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.sups == nil {
		r.sups = map[string]store.Supplier{}
	}
	_, had := r.sups[s.PublicKey]
	r.sups[s.PublicKey] = s
	return !had, nil
}

func (r *memRegistry) GetSupplier(_ context.Context, key string) (store.Supplier, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s, ok := r.sups[key]
	if !ok {
		return store.Supplier{}, store.ErrNotFound
	}
	return s, nil
}

// TestIngestVerdicts runs every message of a feed through ingest's checks
// (without Kafka): the good ones yield their events, the bad ones the
// rejection code of their fault.
func TestIngestVerdicts(t *testing.T) {
	ctx := context.Background()
	f := generate(t, demo.FeedConfig{Suppliers: 3, Events: 30, Seed: 8})
	dir := t.TempDir()
	keys, created, err := demo.LoadKeys(dir, 3)
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(created, false) {
		t.Errorf("created %v, want every key created", created)
	}
	reg := &memRegistry{}
	for round := range 2 {
		added, err := demo.Register(ctx, reg, f.Suppliers, keys)
		if err != nil {
			t.Fatal(err)
		}
		if want := round == 0; slices.Contains(added, !want) {
			t.Errorf("round %d: added %v, want all %v", round, added, want)
		}
	}
	msgs, err := demo.Sign(f, keys, newKeys(t, 1)[0], nil)
	if err != nil {
		t.Fatal(err)
	}
	proc, err := ingest.NewProcessor(reg, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range msgs {
		km := kafka.Message{Topic: supplier.Topic, Key: []byte(m.Key), Value: m.Value}
		for _, h := range m.Headers {
			km.Headers = append(km.Headers, kafka.Header{Key: h.Key, Value: []byte(h.Value)})
		}
		evs, err := proc.Process(ctx, km)
		fm := &f.Messages[i]
		if fm.Fault == demo.FaultNone {
			if err != nil {
				t.Errorf("%s: %v", fm.Name, err)
				continue
			}
			for j, e := range evs {
				want := fm.Events[j]
				if e.ID != want.ID || e.Type != want.Type || e.OriginRegion != want.OriginRegion || e.Supplier != keys[fm.Supplier].Public().String() {
					t.Errorf("%s event %d: stored as %s %s %q by %s, want %s %s %q", fm.Name, j, e.ID, e.Type, e.OriginRegion, e.Supplier, want.ID, want.Type, want.OriginRegion)
				}
			}
			continue
		}
		var rej *ingest.RejectError
		if !errors.As(err, &rej) || rej.Code != fm.Fault.Code() {
			t.Errorf("%s: ingest says %v, want code %s", fm.Name, err, fm.Fault.Code())
		}
	}

	// A second run reuses the keys.
	again, created, err := demo.LoadKeys(dir, 4)
	if err != nil {
		t.Fatal(err)
	}
	for i, k := range keys {
		if again[i].Public().String() != k.Public().String() || created[i] {
			t.Errorf("key %d was not reused", i)
		}
	}
	if !created[3] {
		t.Error("the fourth key was not created")
	}
	if info, err := os.Stat(demo.KeyFile(dir, 3)); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("key file: %v, %v", info, err)
	}
}
