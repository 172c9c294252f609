package storetest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/provenant/provenant/store"
)

// batchedCase is a call of a batched read: the IDs asked for, and those whose rows it
// should return.
type batchedCase struct {
	name string
	ids  []string
	want []string
}

// checkBatchedRead calls read with each case's IDs, as a subtest, and checks that it
// returns a map holding exactly the case's wanted IDs, each with the value single holds
// for it: what the single-row getter returns.
func checkBatchedRead[T any](t *testing.T, read func(ctx context.Context, ids []string) (map[string]T, error),
	single map[string]T, cases []batchedCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := read(t.Context(), tc.ids)
			if err != nil {
				t.Fatalf("read %q: %v", tc.ids, err)
			}
			want := make(map[string]T, len(tc.want))
			for _, id := range tc.want {
				v, ok := single[id]
				if !ok {
					t.Fatalf("the test has no single-row value for %q", id)
				}
				want[id] = v
			}
			if !reflect.DeepEqual(got, want) { // also tells a nil map from an empty one
				t.Errorf("read %q:\n got %+v\nwant %+v", tc.ids, got, want)
			}
		})
	}
}

// mapKeys returns the sorted keys of a batched read's map, whether the map is nil, and
// its error.
func mapKeys[T any](m map[string]T, err error) (keys []string, isNil bool, _ error) {
	return slices.Sorted(maps.Keys(m)), m == nil, err
}

// batchedRead is one of the batched reads, with its result reduced by mapKeys. events
// tells whether it takes event IDs rather than batch IDs.
type batchedRead struct {
	name   string
	events bool
	read   func(ctx context.Context, s store.Store, ids []string) (keys []string, isNil bool, err error)
}

var batchedReads = []batchedRead{
	{"GetBatches", false, func(ctx context.Context, s store.Store, ids []string) ([]string, bool, error) {
		return mapKeys(s.GetBatches(ctx, ids))
	}},
	{"GetAnchors", false, func(ctx context.Context, s store.Store, ids []string) ([]string, bool, error) {
		return mapKeys(s.GetAnchors(ctx, ids))
	}},
	{"GetBatchMembersByEvent", true, func(ctx context.Context, s store.Store, ids []string) ([]string, bool, error) {
		return mapKeys(s.GetBatchMembersByEvent(ctx, ids))
	}},
	{"GetEventsPublic", true, func(ctx context.Context, s store.Store, ids []string) ([]string, bool, error) {
		return mapKeys(s.GetEventsPublic(ctx, ids))
	}},
}

// batchWith returns testBatch(id, size) with a root, proof and public inputs of its own,
// so that batches read back cannot be mistaken for one another.
func batchWith(id string, size int) store.Batch {
	b := testBatch(id, size)
	b.Root = "0x" + strings.Repeat(fmt.Sprintf("%02x", len(id)*7+size), 32) + "-" + id
	b.Proof = []byte("proof of " + id)
	b.PublicInputs = []string{b.Root, "0x" + id}
	return b
}

func testGetBatches(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustInsert(t, s, newEvent("e1", 0, "p"), newEvent("e2", 0, "p"), newEvent("e3", 0, "p"), newEvent("e4", 0, "p"))
	b1 := batchWith("b1", 4)
	b1.CreatedAt = baseTime.Add(2 * time.Hour)
	b2 := batchWith("b2", 8)
	b2.PublicInputs = nil
	b3 := batchWith("b3", 2)
	b3.CircuitVersion = "2"
	for _, c := range []struct {
		b      store.Batch
		events []string
	}{{b1, []string{"e1", "e2"}}, {b2, []string{"e3"}}, {b3, []string{"e4"}}} {
		if err := s.CreateBatch(ctx, "", c.b, testMembers(c.events...)); err != nil {
			t.Fatalf("CreateBatch(%s): %v", c.b.ID, err)
		}
	}
	a := testAnchor("b2")
	a.BatchRoot = b2.Root
	if _, err := s.RecordAnchor(ctx, a); err != nil {
		t.Fatalf("RecordAnchor(b2): %v", err)
	}
	if err := s.RejectBatch(ctx, "b3", "ledger refused the proof"); err != nil {
		t.Fatalf("RejectBatch(b3): %v", err)
	}

	single := map[string]store.Batch{}
	for _, id := range []string{"b1", "b2", "b3"} {
		b, err := s.GetBatch(ctx, id)
		if err != nil {
			t.Fatalf("GetBatch(%s): %v", id, err)
		}
		single[id] = b
	}
	if single["b1"].Status != store.StatusProven || single["b2"].Status != store.StatusAnchored ||
		single["b3"].Status != store.StatusRejected || single["b3"].RejectReason == "" {
		t.Fatalf("batches %+v; want b1 PROVEN, b2 ANCHORED, b3 REJECTED with a reason", single)
	}
	checkBatchedRead(t, s.GetBatches, single, []batchedCase{
		{"all", []string{"b1", "b2", "b3"}, []string{"b1", "b2", "b3"}},
		{"one", []string{"b2"}, []string{"b2"}},
		{"unknown and repeated IDs", []string{"unknown", "b3", "b1", "b3", "also-unknown", "b1"}, []string{"b1", "b3"}},
		{"unknown only", []string{"unknown", "e1"}, nil},
	})
}

func testGetAnchors(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustInsert(t, s, newEvent("e1", 0, "p"), newEvent("e2", 0, "p"), newEvent("e3", 0, "p"), newEvent("e4", 0, "p"))
	for i, id := range []string{"b1", "b2", "b3", "b4"} {
		if err := s.CreateBatch(ctx, "", batchWith(id, 4), testMembers(fmt.Sprintf("e%d", i+1))); err != nil {
			t.Fatalf("CreateBatch(%s): %v", id, err)
		}
	}
	a1 := testAnchor("b1")
	a1.BatchRoot, a1.BlockNumber = batchWith("b1", 4).Root, 7
	a2 := store.Anchor{
		BatchID: "b2", TxID: "tx-of-b2", BlockNumber: 1<<63 - 1, Channel: "other-channel",
		BatchRoot: batchWith("b2", 4).Root, Timestamp: baseTime.Add(90 * time.Minute),
	}
	for _, a := range []store.Anchor{a1, a2} {
		if recorded, err := s.RecordAnchor(ctx, a); err != nil || !recorded {
			t.Fatalf("RecordAnchor(%s) = %v, %v; want true, nil", a.BatchID, recorded, err)
		}
	}
	if err := s.RejectBatch(ctx, "b4", "ledger refused the proof"); err != nil {
		t.Fatalf("RejectBatch(b4): %v", err)
	}

	single := map[string]store.Anchor{}
	for _, id := range []string{"b1", "b2"} {
		a, err := s.GetAnchor(ctx, id)
		if err != nil {
			t.Fatalf("GetAnchor(%s): %v", id, err)
		}
		single[id] = a
	}
	checkBatchedRead(t, s.GetAnchors, single, []batchedCase{
		{"all", []string{"b1", "b2", "b3", "b4"}, []string{"b1", "b2"}},
		{"one", []string{"b2"}, []string{"b2"}},
		{"unknown and repeated IDs", []string{"unknown", "b2", "b3", "b2", "b1"}, []string{"b1", "b2"}},
		{"unanchored only", []string{"b3", "b4", "unknown"}, nil},
	})
}

func testGetBatchMembersByEvent(t *testing.T, s store.Store) {
	ctx := t.Context()
	events := []string{"e1", "e2", "e3", "e4", "e5", "e6"}
	for _, id := range events {
		mustInsert(t, s, newEvent(id, 0, "p"))
	}
	// e1 and e2 leave the rejected b1; e2 is proven again in b2, with another index.
	createBatch(t, s, "b1", "e1", "e2")
	if err := s.RejectBatch(ctx, "b1", "ledger refused the proof"); err != nil {
		t.Fatalf("RejectBatch(b1): %v", err)
	}
	createBatch(t, s, "b2", "e3", "e2")
	createBatch(t, s, "b3", "e4")
	anchor(t, s, "b3")
	if err := s.RejectEvent(ctx, "", "e6", "bad signature"); err != nil {
		t.Fatalf("RejectEvent(e6): %v", err)
	}

	single := map[string]store.BatchMember{}
	for _, id := range events {
		m, err := s.GetBatchMember(ctx, id)
		switch {
		case err == nil:
			single[id] = m
		case !errors.Is(err, store.ErrNotFound):
			t.Fatalf("GetBatchMember(%s): %v", id, err)
		}
	}
	if got := slices.Sorted(maps.Keys(single)); !slices.Equal(got, []string{"e2", "e3", "e4"}) {
		t.Fatalf("events with a membership: %v, want e2, e3, e4", got)
	}
	if m := single["e2"]; m.BatchID != "b2" || m.Index != 1 {
		t.Fatalf("membership of e2 = %+v, want index 1 in b2", m)
	}
	checkBatchedRead(t, s.GetBatchMembersByEvent, single, []batchedCase{
		{"all", events, []string{"e2", "e3", "e4"}},
		{"one", []string{"e4"}, []string{"e4"}},
		{"unknown and repeated IDs", []string{"unknown", "e3", "e2", "e3", "b2"}, []string{"e2", "e3"}},
		{"rejected batch's former member", []string{"e1"}, nil},
		{"in no batch", []string{"e1", "e5", "e6", "unknown"}, nil},
	})
}

// publicEvents returns the events with ids as GetEvent returns them, less their private
// payloads, keyed by ID. It fails the test unless each has a private payload, which GetEvent
// opened.
func publicEvents(t *testing.T, s store.Store, ids ...string) map[string]store.Event {
	t.Helper()
	out := make(map[string]store.Event, len(ids))
	for _, id := range ids {
		e := mustGet(t, s, id)
		if e.Private == nil {
			t.Fatalf("GetEvent(%s) has no private payload", id)
		}
		e.Private = nil
		out[id] = e
	}
	return out
}

// withoutPrivate returns events with their private payloads removed.
func withoutPrivate(events []store.Event) []store.Event {
	out := slices.Clone(events)
	for i := range out {
		out[i].Private = nil
	}
	return out
}

func testGetEventsPublic(t *testing.T, s store.Store) {
	full := newEvent("urn:uuid:full", time.Minute, "urn:epc:id:sgtin:0614141.107346.2017", "urn:epc:class:lgtin:4012345.012345.998877")
	full.PrevEventID = "urn:uuid:previous"
	full.ReceivedAt = baseTime.Add(time.Hour)
	minimal := store.Event{
		ID: "ni:///sha-256;abc?ver=CBV2.0", Type: "AggregationEvent", EventTime: baseTime,
		Supplier: supplierKey, Claims: []byte(`{}`), Private: []byte(`{}`),
	}
	rejected := newEvent("urn:uuid:rejected", 2*time.Minute, "p")
	rejected.Status, rejected.RejectReason = store.StatusRejected, "signature does not verify"
	mustInsert(t, s, full, minimal, rejected, newEvent("proven", 0, "p"), newEvent("anchored", 0, "p"))
	createBatch(t, s, "b1", "proven")
	createBatch(t, s, "b2", "anchored")
	anchor(t, s, "b2")

	all := []string{full.ID, minimal.ID, rejected.ID, "proven", "anchored"}
	single := publicEvents(t, s, all...)
	checkBatchedRead(t, s.GetEventsPublic, single, []batchedCase{
		{"all", all, all},
		{"one", []string{"proven"}, []string{"proven"}},
		{"unknown and repeated IDs", []string{"unknown", "anchored", full.ID, "anchored", "b1"}, []string{"anchored", full.ID}},
		{"unknown only", []string{"unknown"}, nil},
	})
}

func testListEventsByProductPublic(t *testing.T, s store.Store) {
	ctx := t.Context()
	const product = "urn:epc:id:sgtin:0614141.107346.2017"
	var events []store.Event
	for i := range 12 {
		// Every three events share a time; times go backwards as IDs grow.
		events = append(events, newEvent(fmt.Sprintf("urn:uuid:ev-%02d", i), time.Duration(12-i/3)*time.Minute, product))
	}
	events = append(events, newEvent("only-other", time.Second, "urn:epc:id:sgtin:other"))
	rand.New(rand.NewPCG(3, 4)).Shuffle(len(events), func(i, j int) { events[i], events[j] = events[j], events[i] })
	mustInsert(t, s, events...)
	createBatch(t, s, "b1", "urn:uuid:ev-03", "urn:uuid:ev-07")
	if err := s.RejectEvent(ctx, "", "urn:uuid:ev-05", "bad signature"); err != nil {
		t.Fatal(err)
	}

	sealed, err := s.ListEventsByProduct(ctx, product, store.Cursor{}, 0)
	if err != nil || len(sealed) != 12 {
		t.Fatalf("ListEventsByProduct = %d events, %v; want 12", len(sealed), err)
	}
	for _, e := range sealed {
		if e.Private == nil {
			t.Fatalf("ListEventsByProduct on a store with a Sealer: event %s has no private payload", e.ID)
		}
	}
	public, err := s.ListEventsByProductPublic(ctx, product, store.Cursor{}, 0)
	if err != nil || !reflect.DeepEqual(public, withoutPrivate(sealed)) {
		t.Fatalf("ListEventsByProductPublic = %+v, %v;\nwant %+v", public, err, withoutPrivate(sealed))
	}
	for _, pageSize := range []int{1, 5, 12} {
		t.Run(fmt.Sprintf("page size %d", pageSize), func(t *testing.T) {
			got := listAll(t, pageSize, func(after store.Cursor, limit int) ([]store.Event, error) {
				return s.ListEventsByProductPublic(ctx, product, after, limit)
			})
			if want := eventIDs(sealed); !slices.Equal(got, want) {
				t.Errorf("events of product:\n got %v\nwant %v", got, want)
			}
		})
	}
	if got, err := s.ListEventsByProductPublic(ctx, "urn:epc:id:sgtin:unknown", store.Cursor{}, 10); err != nil || len(got) != 0 {
		t.Errorf("unknown product: %d events, %v; want none", len(got), err)
	}
	_, err = s.ListEventsByProductPublic(ctx, product, store.Cursor{ID: "x"}, 10)
	wantErr(t, "cursor without time", err, store.ErrInvalid)
}

// testBatchedReadsManyIDs asks for more IDs than one query of the store likely takes
// (sqlstore reads 500 per query), most of them unknown, with the known ones spread over
// the sorted list and the list shuffled.
func testBatchedReadsManyIDs(t *testing.T, s store.Store) {
	const n = 1200
	known := []int{7, 642, 1193}
	var wantEvents, wantBatches []string
	for _, i := range known {
		e, b := fmt.Sprintf("ev-%04d", i), fmt.Sprintf("b-%04d", i)
		mustInsert(t, s, newEvent(e, 0, "p"))
		createBatch(t, s, b, e)
		anchor(t, s, b)
		wantEvents, wantBatches = append(wantEvents, e), append(wantBatches, b)
	}
	var evIDs, batchIDs []string
	for i := range n {
		evIDs = append(evIDs, fmt.Sprintf("ev-%04d", i))
		batchIDs = append(batchIDs, fmt.Sprintf("b-%04d", i))
	}
	evIDs, batchIDs = append(evIDs, wantEvents...), append(batchIDs, wantBatches...) // repeats
	shuffle := rand.New(rand.NewPCG(5, 6)).Shuffle
	shuffle(len(evIDs), func(i, j int) { evIDs[i], evIDs[j] = evIDs[j], evIDs[i] })
	shuffle(len(batchIDs), func(i, j int) { batchIDs[i], batchIDs[j] = batchIDs[j], batchIDs[i] })

	for _, r := range batchedReads {
		t.Run(r.name, func(t *testing.T) {
			ids, want := batchIDs, wantBatches
			if r.events {
				ids, want = evIDs, wantEvents
			}
			got, isNil, err := r.read(t.Context(), s, ids)
			if err != nil || isNil || !slices.Equal(got, want) {
				t.Errorf("%d IDs: keys %v, nil map %v, error %v; want %v", len(ids), got, isNil, err, want)
			}
		})
	}
}

// testBatchedReadsNoIDs calls the batched reads without IDs, with a canceled context: they
// return an empty map without touching the database.
func testBatchedReadsNoIDs(t *testing.T, s store.Store) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	for _, r := range batchedReads {
		for _, ids := range [][]string{nil, {}} {
			t.Run(fmt.Sprintf("%s(%#v)", r.name, ids), func(t *testing.T) {
				got, isNil, err := r.read(ctx, s, ids)
				if err != nil || isNil || len(got) != 0 {
					t.Errorf("keys %v, nil map %v, error %v; want an empty map and no error", got, isNil, err)
				}
			})
		}
	}
}

func testBatchedReadsInvalid(t *testing.T, s store.Store) {
	mustInsert(t, s, newEvent("e1", 0, "p"))
	createBatch(t, s, "e1", "e1") // a batch with the same ID, so that every read finds e1
	anchor(t, s, "e1")
	tests := []struct {
		name string
		ids  []string
	}{
		{"empty ID", []string{"e1", ""}},
		{"ID too long", []string{"e1", strings.Repeat("x", store.MaxKeyLength+1)}},
		{"ID not UTF-8", []string{"e\xff", "e1"}},
		{"ID with NUL", []string{"e1", "e\x00"}},
	}
	for _, r := range batchedReads {
		for _, tc := range tests {
			t.Run(r.name+"/"+tc.name, func(t *testing.T) {
				got, isNil, err := r.read(t.Context(), s, tc.ids)
				if !errors.Is(err, store.ErrInvalid) || !isNil {
					t.Errorf("keys %v, nil map %v, error %v; want no map, ErrInvalid", got, isNil, err)
				}
			})
		}
		t.Run(r.name+"/longest ID", func(t *testing.T) {
			got, _, err := r.read(t.Context(), s, []string{"e1", strings.Repeat("x", store.MaxKeyLength)})
			if err != nil || !slices.Equal(got, []string{"e1"}) {
				t.Errorf("keys %v, error %v; want e1, nil", got, err)
			}
		})
	}
}

// Opener opens a store on one database: with sealer, or without a Sealer when sealer is
// nil.
type Opener func(sealer *store.Sealer) (store.Store, error)

// RunPublicReads runs the conformance suite of the reads that serve public data on stores
// opened without a Sealer, or with the wrong one: GetEventsPublic and
// ListEventsByProductPublic, which never read the sealed payloads, and the other reads
// that need no key. newDatabase is called once per subtest, possibly from parallel
// subtests, to make a new, empty database, and returns how to open stores on it; the
// subtest opens several, and RunPublicReads closes them when it ends.
func RunPublicReads(t *testing.T, newDatabase func(t *testing.T) Opener) {
	tests := []struct {
		name string
		fn   func(t *testing.T, writer, reader store.Store)
		// readerKey is how the reader is opened: without a Sealer, or with another key
		// than the writer's.
		readerKey bool
	}{
		{"WithoutSealer", testReadsWithoutSealer, false},
		{"WrongKey", testPublicReadsWrongKey, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			open := newDatabase(t)
			openStore := func(sealer *store.Sealer) store.Store {
				t.Helper()
				s, err := open(sealer)
				if err != nil {
					t.Fatalf("open: %v", err)
				}
				t.Cleanup(func() {
					if err := s.Close(); err != nil {
						t.Errorf("close: %v", err)
					}
				})
				return s
			}
			writer := openStore(NewSealer(t))
			var readerSealer *store.Sealer
			if tc.readerKey {
				readerSealer = NewSealer(t)
			}
			tc.fn(t, writer, openStore(readerSealer))
		})
	}
}

// publicFixture stores, through writer, events of product publicProduct in every status
// and a proven and an anchored batch, and returns the event IDs and the batch IDs.
func publicFixture(t *testing.T, writer store.Store) (events, batches []string) {
	t.Helper()
	events = []string{"e1", "e2", "e3", "e4", "e5"}
	for i, id := range events {
		mustInsert(t, writer, newEvent(id, time.Duration(i)*time.Second, publicProduct))
	}
	createBatch(t, writer, "b1", "e1", "e2")
	createBatch(t, writer, "b2", "e3")
	anchor(t, writer, "b2")
	if err := writer.RejectEvent(t.Context(), "", "e5", "bad signature"); err != nil {
		t.Fatal(err)
	}
	return events, []string{"b1", "b2"}
}

const publicProduct = "urn:epc:id:sgtin:0614141.107346.2017"

// testReadsWithoutSealer reads, through a store opened without a Sealer, what a store with
// one wrote: the same content, without private payloads.
func testReadsWithoutSealer(t *testing.T, writer, reader store.Store) {
	ctx := t.Context()
	events, batches := publicFixture(t, writer)
	want := publicEvents(t, writer, events...)
	asked := append(slices.Clone(events), "unknown")

	got, err := reader.GetEventsPublic(ctx, asked)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("GetEventsPublic = %+v, %v;\nwant %+v", got, err, want)
	}
	for _, id := range events {
		if e, err := reader.GetEvent(ctx, id); err != nil || !reflect.DeepEqual(e, want[id]) {
			t.Errorf("GetEvent(%s) = %+v, %v; want %+v", id, e, err, want[id])
		}
	}
	sealed, err := writer.ListEventsByProduct(ctx, publicProduct, store.Cursor{}, 0)
	if err != nil || len(sealed) != len(events) {
		t.Fatalf("ListEventsByProduct with the key = %d events, %v; want %d", len(sealed), err, len(events))
	}
	for name, list := range map[string]func(context.Context, string, store.Cursor, int) ([]store.Event, error){
		"ListEventsByProduct":       reader.ListEventsByProduct,
		"ListEventsByProductPublic": reader.ListEventsByProductPublic,
	} {
		if got, err := list(ctx, publicProduct, store.Cursor{}, 0); err != nil || !reflect.DeepEqual(got, withoutPrivate(sealed)) {
			t.Errorf("%s without a sealer = %+v, %v;\nwant %+v", name, got, err, withoutPrivate(sealed))
		}
	}

	wantBatches, err := writer.GetBatches(ctx, batches)
	if err != nil || len(wantBatches) != len(batches) {
		t.Fatalf("GetBatches with the key = %v, %v", wantBatches, err)
	}
	if got, err := reader.GetBatches(ctx, batches); err != nil || !reflect.DeepEqual(got, wantBatches) {
		t.Errorf("GetBatches without a sealer = %+v, %v; want %+v", got, err, wantBatches)
	}
	wantAnchors, err := writer.GetAnchors(ctx, batches)
	if err != nil || len(wantAnchors) != 1 {
		t.Fatalf("GetAnchors with the key = %v, %v", wantAnchors, err)
	}
	if got, err := reader.GetAnchors(ctx, batches); err != nil || !reflect.DeepEqual(got, wantAnchors) {
		t.Errorf("GetAnchors without a sealer = %+v, %v; want %+v", got, err, wantAnchors)
	}
	wantMembers, err := writer.GetBatchMembersByEvent(ctx, events)
	if err != nil || len(wantMembers) != 3 {
		t.Fatalf("GetBatchMembersByEvent with the key = %v, %v", wantMembers, err)
	}
	if got, err := reader.GetBatchMembersByEvent(ctx, events); err != nil || !reflect.DeepEqual(got, wantMembers) {
		t.Errorf("GetBatchMembersByEvent without a sealer = %+v, %v; want %+v", got, err, wantMembers)
	}
}

// testPublicReadsWrongKey reads through a store whose Sealer holds another key than the
// writer's: the reads that open payloads fail, the public reads, which do not read them,
// succeed.
func testPublicReadsWrongKey(t *testing.T, writer, reader store.Store) {
	ctx := t.Context()
	events, _ := publicFixture(t, writer)
	want := publicEvents(t, writer, events...)

	_, err := reader.GetEvent(ctx, "e1")
	wantErr(t, "GetEvent with the wrong key", err, store.ErrWrongKey)
	_, err = reader.ListEventsByProduct(ctx, publicProduct, store.Cursor{}, 0)
	wantErr(t, "ListEventsByProduct with the wrong key", err, store.ErrWrongKey)

	got, err := reader.GetEventsPublic(ctx, events)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("GetEventsPublic with the wrong key = %+v, %v;\nwant %+v", got, err, want)
	}
	list, err := reader.ListEventsByProductPublic(ctx, publicProduct, store.Cursor{}, 0)
	if err != nil || len(list) != len(events) {
		t.Fatalf("ListEventsByProductPublic with the wrong key = %d events, %v; want %d", len(list), err, len(events))
	}
	for _, e := range list {
		if !reflect.DeepEqual(e, want[e.ID]) {
			t.Errorf("ListEventsByProductPublic with the wrong key: %+v, want %+v", e, want[e.ID])
		}
	}
}
