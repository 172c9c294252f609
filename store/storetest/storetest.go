// Package storetest is the conformance suite every store.Store implementation passes, and
// helpers that give tests a real database: a SQLite file or a fresh PostgreSQL database.
package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/provenant/provenant/store"
)

// Run runs the conformance suite, but for claims (RunClaims) and for stores opened without
// a Sealer (RunPublicReads). open is called once per
// subtest, possibly from parallel subtests, and must return a new, empty store opened with
// a Sealer; Run closes it when the subtest ends.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"Ping", testPing},
		{"Suppliers", testSuppliers},
		{"InsertAndGetEvent", testInsertAndGetEvent},
		{"InsertEventIdempotent", testInsertEventIdempotent},
		{"InsertEventConflict", testInsertEventConflict},
		{"InsertEventInvalid", testInsertEventInvalid},
		{"ConcurrentIdempotentInserts", testConcurrentIdempotentInserts},
		{"ConcurrentConflictingInserts", testConcurrentConflictingInserts},
		{"InsertEvents", testInsertEvents},
		{"ConcurrentInsertEvents", testConcurrentInsertEvents},
		{"InsertEventGroups", testInsertEventGroups},
		{"InsertEventGroupsRedelivery", testInsertEventGroupsRedelivery},
		{"InsertEventGroupsRepeatedID", testInsertEventGroupsRepeatedID},
		{"InsertEventGroupsEmpty", testInsertEventGroupsEmpty},
		{"ConcurrentInsertEventGroups", testConcurrentInsertEventGroups},
		{"ListEventsByProduct", testListEventsByProduct},
		{"ListEventsByStatus", testListEventsByStatus},
		{"RejectEvent", testRejectEvent},
		{"CreateBatch", testCreateBatch},
		{"CreateBatchAtomic", testCreateBatchAtomic},
		{"CreateBatchIdempotent", testCreateBatchIdempotent},
		{"ConcurrentOverlappingBatches", testConcurrentOverlappingBatches},
		{"RecordAnchor", testRecordAnchor},
		{"RejectBatch", testRejectBatch},
		{"GetBatches", testGetBatches},
		{"GetAnchors", testGetAnchors},
		{"GetBatchMembersByEvent", testGetBatchMembersByEvent},
		{"GetEventsPublic", testGetEventsPublic},
		{"ListEventsByProductPublic", testListEventsByProductPublic},
		{"BatchedReadsManyIDs", testBatchedReadsManyIDs},
		{"BatchedReadsNoIDs", testBatchedReadsNoIDs},
		{"BatchedReadsInvalid", testBatchedReadsInvalid},
		{"RegistrySnapshots", testRegistrySnapshots},
		{"CanceledContext", testCanceledContext},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("close: %v", err)
				}
			})
			tc.fn(t, s)
		})
	}
}

// baseTime has sub-millisecond digits, which the store drops.
var baseTime = time.Date(2026, 3, 14, 9, 26, 53, 589793238, time.UTC)

const supplierKey = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90"

// newEvent returns a valid RECEIVED event with the given ID, at baseTime plus offset,
// concerning products.
func newEvent(id string, offset time.Duration, products ...string) store.Event {
	return store.Event{
		ID:           id,
		HashID:       "ni:///sha-256;" + strings.Repeat("0a", 32) + "?ver=CBV2.0",
		Type:         "ObjectEvent",
		Action:       "OBSERVE",
		BizStep:      "shipping",
		Disposition:  "in_transit",
		EventTime:    baseTime.Add(offset),
		Products:     products,
		OriginRegion: "PT",
		PrevEventID:  "",
		Supplier:     supplierKey,
		Claims:       []byte(`{"eventID":"` + id + `","type":"ObjectEvent"}`),
		Private:      []byte(`{"readPoint":"urn:epc:id:sgln:0614141.00777.0","id":"` + id + `"}`),
		Topic:        "provenant.events.v1",
		Partition:    2,
		Offset:       4711,
	}
}

// stored returns e as the store gives it back: times truncated, status defaulted.
func stored(e store.Event) store.Event {
	e.EventTime = store.StoredTime(e.EventTime)
	if e.Status == "" {
		e.Status = store.StatusReceived
	}
	return e
}

// checkEvent compares got with want, ignoring the times the store sets, which must be set.
func checkEvent(t *testing.T, got, want store.Event) {
	t.Helper()
	if got.ReceivedAt.IsZero() || got.UpdatedAt.IsZero() {
		t.Errorf("event %q: ReceivedAt %v, UpdatedAt %v: want both set", got.ID, got.ReceivedAt, got.UpdatedAt)
	}
	if want.ReceivedAt.IsZero() {
		want.ReceivedAt = got.ReceivedAt
	} else {
		want.ReceivedAt = store.StoredTime(want.ReceivedAt)
	}
	want.UpdatedAt = got.UpdatedAt
	if !reflect.DeepEqual(got, want) {
		t.Errorf("event %q:\n got %+v\nwant %+v", want.ID, got, want)
	}
}

func mustInsert(t *testing.T, s store.Store, events ...store.Event) {
	t.Helper()
	for _, e := range events {
		if inserted, err := s.InsertEvent(t.Context(), e); err != nil || !inserted {
			t.Fatalf("InsertEvent(%q) = %v, %v; want true, nil", e.ID, inserted, err)
		}
	}
}

func mustGet(t *testing.T, s store.Store, id string) store.Event {
	t.Helper()
	e, err := s.GetEvent(t.Context(), id)
	if err != nil {
		t.Fatalf("GetEvent(%q): %v", id, err)
	}
	return e
}

func checkStatus(t *testing.T, s store.Store, id string, want store.Status, wantBatch string) {
	t.Helper()
	e := mustGet(t, s, id)
	if e.Status != want || e.BatchID != wantBatch {
		t.Errorf("event %q: status %s, batch %q; want %s, %q", id, e.Status, e.BatchID, want, wantBatch)
	}
}

func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: error %v, want %v", what, err, target)
	}
}

func testPing(t *testing.T, s store.Store) {
	if err := s.Ping(t.Context()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
}

func testSuppliers(t *testing.T, s store.Store) {
	ctx := t.Context()
	keyA, keyB := strings.Repeat("0a", 32), strings.Repeat("0b", 32)

	if added, err := s.AddSupplier(ctx, store.Supplier{PublicKey: keyB, Name: "Bravo Farms"}); err != nil || !added {
		t.Fatalf("AddSupplier(B) = %v, %v; want true, nil", added, err)
	}
	if added, err := s.AddSupplier(ctx, store.Supplier{PublicKey: keyA}); err != nil || !added {
		t.Fatalf("AddSupplier(A) = %v, %v; want true, nil", added, err)
	}
	if added, err := s.AddSupplier(ctx, store.Supplier{PublicKey: keyB}); err != nil || added {
		t.Fatalf("AddSupplier(B) again = %v, %v; want false, nil", added, err)
	}
	b, err := s.GetSupplier(ctx, keyB)
	if err != nil {
		t.Fatalf("GetSupplier(B): %v", err)
	}
	if b.Name != "Bravo Farms" || !b.Active() || b.AddedAt.IsZero() {
		t.Errorf("GetSupplier(B) = %+v; want active, named Bravo Farms, added time set", b)
	}
	if _, err := s.AddSupplier(ctx, store.Supplier{PublicKey: keyB, Name: "Bravo Farms Ltd"}); err != nil {
		t.Fatalf("AddSupplier(B, renamed): %v", err)
	}
	if b, _ := s.GetSupplier(ctx, keyB); b.Name != "Bravo Farms Ltd" {
		t.Errorf("name after re-adding with a new name = %q, want Bravo Farms Ltd", b.Name)
	}

	if err := s.RemoveSupplier(ctx, keyA); err != nil {
		t.Fatalf("RemoveSupplier(A): %v", err)
	}
	if err := s.RemoveSupplier(ctx, keyA); err != nil {
		t.Errorf("RemoveSupplier(A) again: %v, want nil", err)
	}
	wantErr(t, "RemoveSupplier(unknown)", s.RemoveSupplier(ctx, strings.Repeat("0c", 32)), store.ErrNotFound)
	_, err = s.GetSupplier(ctx, strings.Repeat("0c", 32))
	wantErr(t, "GetSupplier(unknown)", err, store.ErrNotFound)

	keys := func(list []store.Supplier) []string {
		var out []string
		for _, sup := range list {
			out = append(out, sup.PublicKey)
		}
		return out
	}
	active, err := s.ListSuppliers(ctx, false)
	if err != nil {
		t.Fatalf("ListSuppliers(active): %v", err)
	}
	if got := keys(active); !slices.Equal(got, []string{keyB}) {
		t.Errorf("active suppliers = %v, want [B]", got)
	}
	all, err := s.ListSuppliers(ctx, true)
	if err != nil {
		t.Fatalf("ListSuppliers(all): %v", err)
	}
	if got := keys(all); !slices.Equal(got, []string{keyA, keyB}) {
		t.Errorf("all suppliers = %v, want [A B] in key order", got)
	}
	if all[0].Active() || all[0].RemovedAt.IsZero() {
		t.Errorf("removed supplier A = %+v, want RemovedAt set", all[0])
	}

	if added, err := s.AddSupplier(ctx, store.Supplier{PublicKey: keyA}); err != nil || !added {
		t.Fatalf("AddSupplier(A) after removal = %v, %v; want true, nil", added, err)
	}
	if a, _ := s.GetSupplier(ctx, keyA); !a.Active() {
		t.Errorf("supplier A after re-adding = %+v, want active", a)
	}

	for _, bad := range []string{"", "xyz", "ABCD", "abc"} {
		_, err := s.AddSupplier(ctx, store.Supplier{PublicKey: bad})
		wantErr(t, fmt.Sprintf("AddSupplier(%q)", bad), err, store.ErrInvalid)
	}
}

func testInsertAndGetEvent(t *testing.T, s store.Store) {
	ctx := t.Context()
	full := newEvent("urn:uuid:0d9e7a40-2f4c-4c1e-9a57-1d2f3e4a5b6c", 0, "urn:epc:id:sgtin:0614141.107346.2017", "urn:epc:class:lgtin:4012345.012345.998877")
	full.PrevEventID = "urn:uuid:previous"
	full.ReceivedAt = baseTime.Add(time.Hour)

	minimal := store.Event{
		ID: "ni:///sha-256;abc?ver=CBV2.0", Type: "AggregationEvent", EventTime: baseTime,
		Supplier: supplierKey, Claims: []byte(`{}`),
	}
	rejected := newEvent("urn:uuid:rejected", time.Minute, "urn:epc:id:sgtin:1.2.3")
	rejected.Status, rejected.RejectReason = store.StatusRejected, "signature does not verify"

	for _, e := range []store.Event{full, minimal, rejected} {
		mustInsert(t, s, e)
		checkEvent(t, mustGet(t, s, e.ID), stored(e))
	}
	got := mustGet(t, s, full.ID)
	if !got.EventTime.Equal(baseTime.Truncate(time.Millisecond)) || got.EventTime.Location() != time.UTC {
		t.Errorf("event time = %v, want %v in UTC", got.EventTime, baseTime.Truncate(time.Millisecond))
	}
	_, err := s.GetEvent(ctx, "urn:uuid:unknown")
	wantErr(t, "GetEvent(unknown)", err, store.ErrNotFound)
}

func testInsertEventIdempotent(t *testing.T, s store.Store) {
	e := newEvent("urn:uuid:idempotent", 0, "p1")
	mustInsert(t, s, e)
	first := mustGet(t, s, e.ID)

	again := e
	again.Topic, again.Partition, again.Offset = "provenant.events.v1", 7, 99 // redelivered elsewhere
	again.ReceivedAt = baseTime.Add(24 * time.Hour)
	for i := range 3 {
		inserted, err := s.InsertEvent(t.Context(), again)
		if err != nil || inserted {
			t.Fatalf("repeat %d: InsertEvent = %v, %v; want false, nil", i, inserted, err)
		}
	}
	checkEvent(t, mustGet(t, s, e.ID), first)
}

func testInsertEventConflict(t *testing.T, s store.Store) {
	e := newEvent("urn:uuid:conflict", 0, "p1")
	mustInsert(t, s, e)
	want := mustGet(t, s, e.ID)

	tests := []struct {
		name   string
		change func(e *store.Event)
	}{
		{"claims", func(e *store.Event) { e.Claims = []byte(`{"eventID":"other"}`) }},
		{"private", func(e *store.Event) { e.Private = []byte(`{"readPoint":"elsewhere"}`) }},
		{"private removed", func(e *store.Event) { e.Private = nil }},
		{"supplier", func(e *store.Event) { e.Supplier = strings.Repeat("ff", 32) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			changed := e
			tc.change(&changed)
			inserted, err := s.InsertEvent(t.Context(), changed)
			if inserted {
				t.Errorf("InsertEvent reported inserted")
			}
			var conflict *store.ConflictError
			if !errors.As(err, &conflict) || conflict.EventID != e.ID || !errors.Is(err, store.ErrConflict) {
				t.Fatalf("InsertEvent error = %v, want *ConflictError for %q matching ErrConflict", err, e.ID)
			}
			checkEvent(t, mustGet(t, s, e.ID), want)
		})
	}
}

func testInsertEventInvalid(t *testing.T, s store.Store) {
	tests := []struct {
		name   string
		change func(e *store.Event)
	}{
		{"no ID", func(e *store.Event) { e.ID = "" }},
		{"ID too long", func(e *store.Event) { e.ID = strings.Repeat("x", store.MaxKeyLength+1) }},
		{"ID not UTF-8", func(e *store.Event) { e.ID = "urn:\xff" }},
		{"ID with NUL", func(e *store.Event) { e.ID = "urn:\x00" }},
		{"no type", func(e *store.Event) { e.Type = "" }},
		{"no event time", func(e *store.Event) { e.EventTime = time.Time{} }},
		{"event time year 10000", func(e *store.Event) { e.EventTime = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }},
		{"no supplier", func(e *store.Event) { e.Supplier = "" }},
		{"supplier not hex", func(e *store.Event) { e.Supplier = "not-hex" }},
		{"claims empty", func(e *store.Event) { e.Claims = nil }},
		{"claims not JSON", func(e *store.Event) { e.Claims = []byte(`{"a":`) }},
		{"claims not UTF-8", func(e *store.Event) { e.Claims = []byte("{\"a\":\"\xff\"}") }},
		{"partition out of range", func(e *store.Event) { e.Partition = 1 << 31 }},
		{"region lower case", func(e *store.Event) { e.OriginRegion = "pt" }},
		{"region three letters", func(e *store.Event) { e.OriginRegion = "PRT" }},
		{"empty product", func(e *store.Event) { e.Products = []string{"p1", ""} }},
		{"inserted as proven", func(e *store.Event) { e.Status = store.StatusProven }},
		{"unknown status", func(e *store.Event) { e.Status = "DONE" }},
		{"rejected without reason", func(e *store.Event) { e.Status = store.StatusRejected }},
		{"reason without rejection", func(e *store.Event) { e.RejectReason = "why" }},
		{"batch set", func(e *store.Event) { e.BatchID = "b1" }},
		{"negative offset", func(e *store.Event) { e.Offset = -1 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEvent("urn:uuid:invalid", 0, "p1")
			tc.change(&e)
			inserted, err := s.InsertEvent(t.Context(), e)
			if inserted || !errors.Is(err, store.ErrInvalid) {
				t.Errorf("InsertEvent = %v, %v; want false, ErrInvalid", inserted, err)
			}
		})
	}
	counts, err := s.CountEventsByStatus(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for st, n := range counts {
		if n != 0 {
			t.Errorf("%d %s events stored after invalid inserts, want none", n, st)
		}
	}
}

// concurrency is how many goroutines the concurrency tests run.
const concurrency = 16

func testConcurrentIdempotentInserts(t *testing.T, s store.Store) {
	e := newEvent("urn:uuid:concurrent-same", 0, "p1", "p2")
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		inserted int
		errs     []error
	)
	start := make(chan struct{})
	for range concurrency {
		wg.Go(func() {
			<-start
			ok, err := s.InsertEvent(t.Context(), e)
			mu.Lock()
			defer mu.Unlock()
			if ok {
				inserted++
			}
			if err != nil {
				errs = append(errs, err)
			}
		})
	}
	close(start)
	wg.Wait()
	if inserted != 1 || len(errs) != 0 {
		t.Fatalf("%d concurrent inserts of one event: %d inserted, errors %v; want 1 inserted, no errors", concurrency, inserted, errs)
	}
	checkEvent(t, mustGet(t, s, e.ID), stored(e))
	page, err := s.ListEventsByProduct(t.Context(), "p2", store.Cursor{}, 0)
	if err != nil || len(page) != 1 {
		t.Errorf("ListEventsByProduct(p2) = %d events, %v; want 1", len(page), err)
	}
}

func testConcurrentConflictingInserts(t *testing.T, s store.Store) {
	const id = "urn:uuid:concurrent-different"
	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		winners   []int
		conflicts int
		errs      []error
	)
	start := make(chan struct{})
	for i := range concurrency {
		wg.Go(func() {
			e := newEvent(id, 0, "p1")
			e.Private = fmt.Appendf(nil, `{"writer":%d}`, i)
			<-start
			ok, err := s.InsertEvent(t.Context(), e)
			mu.Lock()
			defer mu.Unlock()
			var conflict *store.ConflictError
			switch {
			case ok && err == nil:
				winners = append(winners, i)
			case errors.As(err, &conflict) && conflict.EventID == id:
				conflicts++
			default:
				errs = append(errs, fmt.Errorf("writer %d: %v, %w", i, ok, err))
			}
		})
	}
	close(start)
	wg.Wait()
	if len(winners) != 1 || conflicts != concurrency-1 || len(errs) != 0 {
		t.Fatalf("winners %v, %d conflicts, errors %v; want one winner and %d conflicts", winners, conflicts, errs, concurrency-1)
	}
	want := fmt.Appendf(nil, `{"writer":%d}`, winners[0])
	if got := mustGet(t, s, id).Private; !bytes.Equal(got, want) {
		t.Errorf("stored private payload %s, want the winner's %s", got, want)
	}
}

func testInsertEvents(t *testing.T, s store.Store) {
	ctx := t.Context()
	existing := newEvent("urn:uuid:batch-existing", 0, "p1")
	mustInsert(t, s, existing)

	conflicting := existing
	conflicting.Claims = []byte(`{"changed":true}`)
	invalid := newEvent("urn:uuid:batch-invalid", 0, "p1")
	invalid.Claims = []byte("not json")
	fresh1 := newEvent("urn:uuid:batch-new-1", time.Second, "p1")
	fresh2 := newEvent("urn:uuid:batch-new-2", 2*time.Second, "p1")
	fresh2Changed := fresh2
	fresh2Changed.Private = []byte(`{"other":1}`)

	events := []store.Event{fresh2, existing, conflicting, invalid, fresh1, fresh2, fresh2Changed}
	results, err := s.InsertEvents(ctx, events)
	if err != nil {
		t.Fatalf("InsertEvents: %v", err)
	}
	if len(results) != len(events) {
		t.Fatalf("InsertEvents returned %d results for %d events", len(results), len(events))
	}
	type want struct {
		inserted bool
		err      error
	}
	wants := []want{{true, nil}, {false, nil}, {false, store.ErrConflict}, {false, store.ErrInvalid},
		{true, nil}, {false, nil}, {false, store.ErrConflict}}
	for i, w := range wants {
		r := results[i]
		if r.Inserted != w.inserted || (w.err == nil) != (r.Err == nil) || (w.err != nil && !errors.Is(r.Err, w.err)) {
			t.Errorf("result %d (%s) = %+v, want inserted %v, error %v", i, events[i].ID, r, w.inserted, w.err)
		}
	}
	checkEvent(t, mustGet(t, s, fresh1.ID), stored(fresh1))
	checkEvent(t, mustGet(t, s, fresh2.ID), stored(fresh2))
	_, err = s.GetEvent(ctx, invalid.ID)
	wantErr(t, "GetEvent(invalid)", err, store.ErrNotFound)

	if results, err := s.InsertEvents(ctx, nil); err != nil || len(results) != 0 {
		t.Errorf("InsertEvents(nil) = %v, %v; want no results, nil", results, err)
	}
}

func testConcurrentInsertEvents(t *testing.T, s store.Store) {
	const n = 40
	events := make([]store.Event, n)
	for i := range events {
		events[i] = newEvent(fmt.Sprintf("urn:uuid:overlap-%03d", i), time.Duration(i)*time.Second, "p1")
	}
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		inserted = map[string]int{}
		errs     []error
	)
	for g := range 4 {
		wg.Go(func() {
			// Every goroutine inserts every event, in its own order.
			mine := slices.Clone(events)
			rand.New(rand.NewPCG(uint64(g), 1)).Shuffle(len(mine), func(i, j int) { mine[i], mine[j] = mine[j], mine[i] })
			results, err := s.InsertEvents(t.Context(), mine)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			for i, r := range results {
				if r.Err != nil {
					errs = append(errs, r.Err)
				}
				if r.Inserted {
					inserted[mine[i].ID]++
				}
			}
		})
	}
	wg.Wait()
	if len(errs) != 0 {
		t.Fatalf("errors: %v", errs)
	}
	for _, e := range events {
		if inserted[e.ID] != 1 {
			t.Errorf("event %s inserted %d times, want once", e.ID, inserted[e.ID])
		}
	}
}

// listAll pages through a listing with the given page size, passing each cursor through
// its string form, and returns the IDs.
func listAll(t *testing.T, pageSize int, list func(after store.Cursor, limit int) ([]store.Event, error)) []string {
	t.Helper()
	var ids []string
	var after store.Cursor
	for page := 0; ; page++ {
		if page > 100 {
			t.Fatal("pagination does not end")
		}
		events, err := list(after, pageSize)
		if err != nil {
			t.Fatalf("page %d: %v", page, err)
		}
		if len(events) > pageSize {
			t.Fatalf("page %d has %d events, more than the limit %d", page, len(events), pageSize)
		}
		for _, e := range events {
			ids = append(ids, e.ID)
		}
		if len(events) < pageSize {
			return ids
		}
		last := events[len(events)-1]
		token := last.Cursor().String()
		if after, err = store.ParseCursor(token); err != nil {
			t.Fatalf("ParseCursor(%q): %v", token, err)
		}
	}
}

func testListEventsByProduct(t *testing.T, s store.Store) {
	ctx := t.Context()
	const product, other = "urn:epc:id:sgtin:0614141.107346.2017", "urn:epc:id:sgtin:0614141.107346.2018"
	var events []store.Event
	for i := range 20 {
		// Times go backwards as IDs grow, and every three events share a time.
		events = append(events, newEvent(fmt.Sprintf("urn:uuid:ev-%02d", i), time.Duration(20-i/3)*time.Minute, product))
	}
	// Same time, IDs whose byte order differs from dictionary order: B < _ < a.
	for _, id := range []string{"ev-a", "ev-_", "ev-B"} {
		events = append(events, newEvent(id, 0, product, other, product))
	}
	// A different time, but the same millisecond once truncated.
	events = append(events, newEvent("ev-sub-ms", 100*time.Microsecond, product))
	events = append(events, newEvent("only-other", time.Second, other))
	shuffled := slices.Clone(events)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	mustInsert(t, s, shuffled...)

	var want []string
	sorted := slices.Clone(events)
	slices.SortFunc(sorted, func(a, b store.Event) int {
		if c := store.StoredTime(a.EventTime).Compare(store.StoredTime(b.EventTime)); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	for _, e := range sorted {
		if slices.Contains(e.Products, product) {
			want = append(want, e.ID)
		}
	}

	for _, pageSize := range []int{1, 4, 7, len(want), store.DefaultPageSize} {
		t.Run(fmt.Sprintf("page size %d", pageSize), func(t *testing.T) {
			got := listAll(t, pageSize, func(after store.Cursor, limit int) ([]store.Event, error) {
				return s.ListEventsByProduct(ctx, product, after, limit)
			})
			if !slices.Equal(got, want) {
				t.Errorf("events of product:\n got %v\nwant %v", got, want)
			}
		})
	}

	all, err := s.ListEventsByProduct(ctx, product, store.Cursor{}, 0)
	if err != nil || len(all) != len(want) {
		t.Fatalf("ListEventsByProduct(limit 0) = %d events, %v; want %d (the default page)", len(all), err, len(want))
	}
	checkEvent(t, all[0], stored(sorted[0]))

	got, err := s.ListEventsByProduct(ctx, other, store.Cursor{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	if ids := eventIDs(got); !slices.Equal(ids, []string{"ev-B", "ev-_", "ev-a", "only-other"}) {
		t.Errorf("events of the other product = %v", ids)
	}
	if got, err := s.ListEventsByProduct(ctx, "urn:epc:id:sgtin:unknown", store.Cursor{}, 10); err != nil || len(got) != 0 {
		t.Errorf("unknown product: %d events, %v; want none", len(got), err)
	}
	_, err = s.ListEventsByProduct(ctx, product, store.Cursor{ID: "x"}, 10)
	wantErr(t, "cursor without time", err, store.ErrInvalid)
}

func eventIDs(events []store.Event) []string {
	ids := make([]string, len(events))
	for i, e := range events {
		ids[i] = e.ID
	}
	return ids
}

func testListEventsByStatus(t *testing.T, s store.Store) {
	ctx := t.Context()
	var received []string
	for i := range 9 {
		e := newEvent(fmt.Sprintf("urn:uuid:status-%d", i), time.Duration(9-i)*time.Second, "p1")
		mustInsert(t, s, e)
		if i%3 == 0 {
			if err := s.RejectEvent(ctx, "", e.ID, "bad signature"); err != nil {
				t.Fatal(err)
			}
		} else {
			received = append([]string{e.ID}, received...) // earlier event time first
		}
	}
	got := listAll(t, 2, func(after store.Cursor, limit int) ([]store.Event, error) {
		return s.ListEventsByStatus(ctx, store.StatusReceived, after, limit)
	})
	if !slices.Equal(got, received) {
		t.Errorf("RECEIVED events = %v, want %v", got, received)
	}
	rejected, err := s.ListEventsByStatus(ctx, store.StatusRejected, store.Cursor{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if ids := eventIDs(rejected); !slices.Equal(ids, []string{"urn:uuid:status-6", "urn:uuid:status-3", "urn:uuid:status-0"}) {
		t.Errorf("REJECTED events = %v", ids)
	}
	for _, e := range rejected {
		if e.RejectReason != "bad signature" || e.Private == nil {
			t.Errorf("rejected event %s: reason %q, private %q", e.ID, e.RejectReason, e.Private)
		}
	}
	counts, err := s.CountEventsByStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[store.Status]int64{store.StatusReceived: 6, store.StatusRejected: 3, store.StatusProven: 0, store.StatusAnchored: 0}
	if !reflect.DeepEqual(counts, want) {
		t.Errorf("CountEventsByStatus = %v, want %v", counts, want)
	}
	_, err = s.ListEventsByStatus(ctx, "DONE", store.Cursor{}, 0)
	wantErr(t, "ListEventsByStatus(DONE)", err, store.ErrInvalid)
}

func testRejectEvent(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustInsert(t, s, newEvent("e1", 0, "p"), newEvent("e2", 0, "p"), newEvent("e3", 0, "p"))
	if err := s.RejectEvent(ctx, "", "e1", "supplier not registered"); err != nil {
		t.Fatalf("RejectEvent(RECEIVED): %v", err)
	}
	e := mustGet(t, s, "e1")
	if e.Status != store.StatusRejected || e.RejectReason != "supplier not registered" {
		t.Errorf("rejected event: status %s, reason %q", e.Status, e.RejectReason)
	}
	if err := s.RejectEvent(ctx, "", "e1", "another reason"); err != nil {
		t.Errorf("RejectEvent(REJECTED) = %v, want nil", err)
	}
	if e := mustGet(t, s, "e1"); e.RejectReason != "supplier not registered" {
		t.Errorf("reason after second rejection = %q, want the first", e.RejectReason)
	}

	createBatch(t, s, "b1", "e2")
	err := s.RejectEvent(ctx, "", "e2", "too late")
	var te *store.TransitionError
	if !errors.As(err, &te) || te.EventID != "e2" || te.From != store.StatusProven || te.To != store.StatusRejected {
		t.Errorf("RejectEvent(PROVEN) = %v, want TransitionError PROVEN -> REJECTED", err)
	}
	wantErr(t, "RejectEvent(PROVEN)", err, store.ErrInvalidTransition)
	anchor(t, s, "b1")
	wantErr(t, "RejectEvent(ANCHORED)", s.RejectEvent(ctx, "", "e2", "too late"), store.ErrInvalidTransition)
	checkStatus(t, s, "e2", store.StatusAnchored, "b1")

	wantErr(t, "RejectEvent(unknown)", s.RejectEvent(ctx, "", "nope", "x"), store.ErrNotFound)
	wantErr(t, "RejectEvent(no reason)", s.RejectEvent(ctx, "", "e3", ""), store.ErrInvalid)
	checkStatus(t, s, "e3", store.StatusReceived, "")

	for _, tc := range []struct {
		from, to store.Status
		ok       bool
	}{
		{store.StatusReceived, store.StatusProven, true},
		{store.StatusReceived, store.StatusRejected, true},
		{store.StatusProven, store.StatusAnchored, true},
		{store.StatusProven, store.StatusReceived, true},
		{store.StatusReceived, store.StatusAnchored, false},
		{store.StatusProven, store.StatusRejected, false},
		{store.StatusAnchored, store.StatusRejected, false},
		{store.StatusRejected, store.StatusReceived, false},
	} {
		if got := tc.from.CanTransitionTo(tc.to); got != tc.ok {
			t.Errorf("%s.CanTransitionTo(%s) = %v, want %v", tc.from, tc.to, got, tc.ok)
		}
	}
}

func testBatch(id string, size int) store.Batch {
	return store.Batch{
		ID: id, Circuit: "provenant-batch", CircuitVersion: "1", Size: size,
		Root:         "0x" + strings.Repeat("ab", 32),
		Proof:        []byte{0x01, 0x02, 0x03, 0x00, 0xff},
		PublicInputs: []string{"0x" + strings.Repeat("ab", 32), "0x0123", "0x0456"},
	}
}

func testMembers(eventIDs ...string) []store.BatchMember {
	members := make([]store.BatchMember, len(eventIDs))
	for i, id := range eventIDs {
		members[i] = store.BatchMember{
			EventID: id, Index: i, Leaf: fmt.Sprintf("0xleaf%d", i), BlindedCommitment: fmt.Sprintf("0xbc%d", i),
			MerklePath: []string{"0x01", "0x02", fmt.Sprintf("0x%02x", i)},
		}
	}
	return members
}

func createBatch(t *testing.T, s store.Store, batchID string, eventIDs ...string) store.Batch {
	t.Helper()
	b := testBatch(batchID, 4)
	if err := s.CreateBatch(t.Context(), "", b, testMembers(eventIDs...)); err != nil {
		t.Fatalf("CreateBatch(%s): %v", batchID, err)
	}
	return b
}

func testAnchor(batchID string) store.Anchor {
	return store.Anchor{
		BatchID: batchID, TxID: "tx-" + batchID, BlockNumber: 42, Channel: "provenance",
		BatchRoot: testBatch(batchID, 4).Root, Timestamp: baseTime.Add(time.Hour),
	}
}

func anchor(t *testing.T, s store.Store, batchID string) store.Anchor {
	t.Helper()
	a := testAnchor(batchID)
	if recorded, err := s.RecordAnchor(t.Context(), a); err != nil || !recorded {
		t.Fatalf("RecordAnchor(%s) = %v, %v; want true, nil", batchID, recorded, err)
	}
	return a
}

func testCreateBatch(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustInsert(t, s, newEvent("e1", 0, "p"), newEvent("e2", 0, "p"), newEvent("e3", 0, "p"))
	b := testBatch("batch-1", 4)
	b.CreatedAt = baseTime.Add(2 * time.Hour)
	members := testMembers("e2", "e1")
	if err := s.CreateBatch(ctx, "", b, members); err != nil {
		t.Fatalf("CreateBatch: %v", err)
	}
	got, err := s.GetBatch(ctx, b.ID)
	if err != nil {
		t.Fatalf("GetBatch: %v", err)
	}
	want := b
	want.CreatedAt, want.Status = store.StoredTime(b.CreatedAt), store.StatusProven
	if !reflect.DeepEqual(got, want) {
		t.Errorf("GetBatch:\n got %+v\nwant %+v", got, want)
	}
	checkStatus(t, s, "e1", store.StatusProven, b.ID)
	checkStatus(t, s, "e2", store.StatusProven, b.ID)
	checkStatus(t, s, "e3", store.StatusReceived, "")

	for i, m := range members {
		m.BatchID = b.ID
		got, err := s.GetBatchMember(ctx, m.EventID)
		if err != nil || !reflect.DeepEqual(got, m) {
			t.Errorf("GetBatchMember(%s) = %+v, %v; want %+v", m.EventID, got, err, m)
		}
		members[i] = m
	}
	list, err := s.ListBatchMembers(ctx, b.ID)
	if err != nil || !reflect.DeepEqual(list, members) {
		t.Errorf("ListBatchMembers = %+v, %v; want %+v", list, err, members)
	}
	proven, err := s.ListBatchesByStatus(ctx, store.StatusProven, 0)
	if err != nil || len(proven) != 1 || proven[0].ID != b.ID {
		t.Errorf("ListBatchesByStatus(PROVEN) = %v, %v; want [batch-1]", proven, err)
	}

	_, err = s.GetBatchMember(ctx, "e3")
	wantErr(t, "GetBatchMember(event in no batch)", err, store.ErrNotFound)
	_, err = s.GetBatchMember(ctx, "unknown")
	wantErr(t, "GetBatchMember(unknown)", err, store.ErrNotFound)
	_, err = s.GetBatch(ctx, "unknown")
	wantErr(t, "GetBatch(unknown)", err, store.ErrNotFound)
	_, err = s.ListBatchMembers(ctx, "unknown")
	wantErr(t, "ListBatchMembers(unknown)", err, store.ErrNotFound)
	_, err = s.ListBatchesByStatus(ctx, "DONE", 0)
	wantErr(t, "ListBatchesByStatus(DONE)", err, store.ErrInvalid)
}

func testCreateBatchAtomic(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustInsert(t, s, newEvent("r1", 0, "p"), newEvent("r2", 0, "p"), newEvent("rejected", 0, "p"), newEvent("proven", 0, "p"))
	if err := s.RejectEvent(ctx, "", "rejected", "bad"); err != nil {
		t.Fatal(err)
	}
	createBatch(t, s, "other", "proven")

	tests := []struct {
		name    string
		batch   store.Batch
		members []store.BatchMember
		want    error
	}{
		{"rejected member", testBatch("b", 4), testMembers("r1", "r2", "rejected"), store.ErrInvalidTransition},
		{"member in another batch", testBatch("b", 4), testMembers("r1", "proven", "r2"), store.ErrInvalidTransition},
		{"unknown member", testBatch("b", 4), testMembers("r1", "r2", "unknown"), store.ErrNotFound},
		{"no members", testBatch("b", 4), nil, store.ErrInvalid},
		{"more members than size", testBatch("b", 1), testMembers("r1", "r2"), store.ErrInvalid},
		{"repeated member", testBatch("b", 4), testMembers("r1", "r1"), store.ErrInvalid},
		{"index out of range", testBatch("b", 2), func() []store.BatchMember {
			m := testMembers("r1")
			m[0].Index = 2
			return m
		}(), store.ErrInvalid},
		{"no proof", func() store.Batch { b := testBatch("b", 4); b.Proof = nil; return b }(), testMembers("r1"), store.ErrInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := s.CreateBatch(ctx, "", tc.batch, tc.members)
			wantErr(t, "CreateBatch", err, tc.want)
			_, err = s.GetBatch(ctx, "b")
			wantErr(t, "GetBatch after failed CreateBatch", err, store.ErrNotFound)
			checkStatus(t, s, "r1", store.StatusReceived, "")
			checkStatus(t, s, "r2", store.StatusReceived, "")
			checkStatus(t, s, "rejected", store.StatusRejected, "")
			checkStatus(t, s, "proven", store.StatusProven, "other")
		})
	}
	var te *store.TransitionError
	err := s.CreateBatch(ctx, "", testBatch("b", 4), testMembers("r1", "rejected"))
	if !errors.As(err, &te) || te.EventID != "rejected" || te.BatchID != "b" || te.From != store.StatusRejected {
		t.Errorf("CreateBatch with a rejected member = %v, want TransitionError naming the event", err)
	}
}

func testCreateBatchIdempotent(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustInsert(t, s, newEvent("e1", 0, "p"), newEvent("e2", 0, "p"))
	b := createBatch(t, s, "b1", "e1")
	if err := s.CreateBatch(ctx, "", b, testMembers("e1")); err != nil {
		t.Errorf("CreateBatch again with the same content = %v, want nil", err)
	}
	changed := b
	changed.Root = "0xother"
	err := s.CreateBatch(ctx, "", changed, testMembers("e2"))
	var conflict *store.ConflictError
	if !errors.As(err, &conflict) || conflict.BatchID != "b1" || !errors.Is(err, store.ErrConflict) {
		t.Errorf("CreateBatch with different content = %v, want *ConflictError for b1", err)
	}
	checkStatus(t, s, "e2", store.StatusReceived, "")
	if got, _ := s.GetBatch(ctx, "b1"); got.Root != b.Root {
		t.Errorf("batch root after conflict = %s, want %s", got.Root, b.Root)
	}
}

func testConcurrentOverlappingBatches(t *testing.T, s store.Store) {
	for i := range 6 {
		mustInsert(t, s, newEvent(fmt.Sprintf("e%d", i), 0, "p"))
	}
	// Every batch shares e0 and e5 with every other, in opposite orders.
	groups := [][]string{{"e0", "e1", "e5"}, {"e5", "e2", "e0"}, {"e3", "e0", "e5"}, {"e5", "e4", "e0"}}
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		won    []int
		others []error
	)
	for i, g := range groups {
		wg.Go(func() {
			err := s.CreateBatch(t.Context(), "", testBatch(fmt.Sprintf("b%d", i), 4), testMembers(g...))
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				won = append(won, i)
			case !errors.Is(err, store.ErrInvalidTransition):
				others = append(others, err)
			}
		})
	}
	wg.Wait()
	if len(won) != 1 || len(others) != 0 {
		t.Fatalf("winning batches %v, unexpected errors %v; want exactly one winner", won, others)
	}
	winner := fmt.Sprintf("b%d", won[0])
	for _, id := range groups[won[0]] {
		checkStatus(t, s, id, store.StatusProven, winner)
	}
	proven, err := s.ListBatchesByStatus(t.Context(), store.StatusProven, 0)
	if err != nil || len(proven) != 1 {
		t.Errorf("proven batches = %v, %v; want only %s", proven, err, winner)
	}
}

func testRecordAnchor(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustInsert(t, s, newEvent("e1", 0, "p"), newEvent("e2", 0, "p"), newEvent("e3", 0, "p"))
	createBatch(t, s, "b1", "e1", "e2")
	a := testAnchor("b1")
	a.BlockNumber = 1<<63 - 1
	if recorded, err := s.RecordAnchor(ctx, a); err != nil || !recorded {
		t.Fatalf("RecordAnchor = %v, %v; want true, nil", recorded, err)
	}
	got, err := s.GetAnchor(ctx, "b1")
	want := a
	want.Timestamp = store.StoredTime(a.Timestamp)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("GetAnchor = %+v, %v; want %+v", got, err, want)
	}
	checkStatus(t, s, "e1", store.StatusAnchored, "b1")
	checkStatus(t, s, "e2", store.StatusAnchored, "b1")
	if b, _ := s.GetBatch(ctx, "b1"); b.Status != store.StatusAnchored {
		t.Errorf("batch status = %s, want ANCHORED", b.Status)
	}
	if recorded, err := s.RecordAnchor(ctx, a); err != nil || recorded {
		t.Errorf("RecordAnchor again = %v, %v; want false, nil", recorded, err)
	}
	other := a
	other.TxID = "tx-other"
	_, err = s.RecordAnchor(ctx, other)
	var conflict *store.ConflictError
	if !errors.As(err, &conflict) || conflict.BatchID != "b1" {
		t.Errorf("RecordAnchor with another transaction = %v, want *ConflictError for b1", err)
	}

	createBatch(t, s, "b2", "e3")
	wrongRoot := testAnchor("b2")
	wrongRoot.BatchRoot = "0xnot-the-root"
	_, err = s.RecordAnchor(ctx, wrongRoot)
	wantErr(t, "RecordAnchor with another root", err, store.ErrInvalid)
	checkStatus(t, s, "e3", store.StatusProven, "b2")
	_, err = s.GetAnchor(ctx, "b2")
	wantErr(t, "GetAnchor after refused anchor", err, store.ErrNotFound)

	_, err = s.RecordAnchor(ctx, testAnchor("unknown"))
	wantErr(t, "RecordAnchor(unknown batch)", err, store.ErrNotFound)
	tooBig := testAnchor("b2")
	tooBig.BlockNumber = 1 << 63
	_, err = s.RecordAnchor(ctx, tooBig)
	wantErr(t, "RecordAnchor(block number over int64)", err, store.ErrInvalid)
	anchored, err := s.ListBatchesByStatus(ctx, store.StatusAnchored, 10)
	if err != nil || len(anchored) != 1 || anchored[0].ID != "b1" {
		t.Errorf("ListBatchesByStatus(ANCHORED) = %v, %v; want [b1]", anchored, err)
	}
}

func testRejectBatch(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustInsert(t, s, newEvent("e1", 0, "p"), newEvent("e2", 0, "p"), newEvent("e3", 0, "p"))
	b1 := createBatch(t, s, "b1", "e1", "e2")
	if err := s.RejectBatch(ctx, "b1", "ledger refused the proof"); err != nil {
		t.Fatalf("RejectBatch: %v", err)
	}
	got, _ := s.GetBatch(ctx, "b1")
	if got.Status != store.StatusRejected || got.RejectReason != "ledger refused the proof" {
		t.Errorf("rejected batch: status %s, reason %q", got.Status, got.RejectReason)
	}
	checkStatus(t, s, "e1", store.StatusReceived, "")
	checkStatus(t, s, "e2", store.StatusReceived, "")
	_, err := s.GetBatchMember(ctx, "e1")
	wantErr(t, "GetBatchMember of a requeued event", err, store.ErrNotFound)
	if err := s.RejectBatch(ctx, "b1", "again"); err != nil {
		t.Errorf("RejectBatch again = %v, want nil", err)
	}
	wantErr(t, "CreateBatch reusing a rejected batch", s.CreateBatch(ctx, "", b1, testMembers("e1", "e2")), store.ErrInvalidTransition)
	_, err = s.RecordAnchor(ctx, testAnchor("b1"))
	wantErr(t, "RecordAnchor of a rejected batch", err, store.ErrInvalidTransition)

	createBatch(t, s, "b2", "e2", "e1", "e3")
	m, err := s.GetBatchMember(ctx, "e1")
	if err != nil || m.BatchID != "b2" || m.Index != 1 {
		t.Errorf("GetBatchMember after re-batching = %+v, %v; want index 1 in b2", m, err)
	}
	if old, err := s.ListBatchMembers(ctx, "b1"); err != nil || len(old) != 2 {
		t.Errorf("members of the rejected batch = %v, %v; want its 2 members kept", old, err)
	}
	anchor(t, s, "b2")
	wantErr(t, "RejectBatch(ANCHORED)", s.RejectBatch(ctx, "b2", "late"), store.ErrInvalidTransition)
	checkStatus(t, s, "e3", store.StatusAnchored, "b2")
	wantErr(t, "RejectBatch(unknown)", s.RejectBatch(ctx, "unknown", "x"), store.ErrNotFound)
	wantErr(t, "RejectBatch(no reason)", s.RejectBatch(ctx, "b2", ""), store.ErrInvalid)
}

func testRegistrySnapshots(t *testing.T, s store.Store) {
	ctx := t.Context()
	_, err := s.LatestRegistrySnapshot(ctx, store.RegistrySuppliers)
	wantErr(t, "LatestRegistrySnapshot(empty)", err, store.ErrNotFound)

	save := func(kind store.RegistryKind, root, data string) store.RegistrySnapshot {
		t.Helper()
		snap, err := s.SaveRegistrySnapshot(ctx, store.RegistrySnapshot{Kind: kind, Root: root, Data: []byte(data)})
		if err != nil {
			t.Fatalf("SaveRegistrySnapshot(%s, %s): %v", kind, root, err)
		}
		if snap.ID == 0 || snap.CreatedAt.IsZero() || snap.Kind != kind || snap.Root != root || string(snap.Data) != data {
			t.Fatalf("SaveRegistrySnapshot(%s, %s) = %+v", kind, root, snap)
		}
		return snap
	}
	s1 := save(store.RegistrySuppliers, "0x01", `{"keys":["a"]}`)
	if again := save(store.RegistrySuppliers, "0x01", `{"keys":["a"]}`); again.ID != s1.ID {
		t.Errorf("saving the latest snapshot again made %d, want %d returned", again.ID, s1.ID)
	}
	o1 := save(store.RegistryOrigins, "0x0a", `{"facilities":[]}`)
	s2 := save(store.RegistrySuppliers, "0x02", `{"keys":["a","b"]}`)
	s3 := save(store.RegistrySuppliers, "0x01", `{"keys":["a"]}`) // back to the first root
	if s3.ID == s1.ID || !(s1.ID < o1.ID && o1.ID < s2.ID && s2.ID < s3.ID) {
		t.Errorf("snapshot IDs %d %d %d %d, want increasing and a new one for a returning root", s1.ID, o1.ID, s2.ID, s3.ID)
	}
	latest, err := s.LatestRegistrySnapshot(ctx, store.RegistrySuppliers)
	if err != nil || !reflect.DeepEqual(latest, s3) {
		t.Errorf("LatestRegistrySnapshot = %+v, %v; want %+v", latest, err, s3)
	}
	history, err := s.ListRegistrySnapshots(ctx, store.RegistrySuppliers)
	if err != nil || !reflect.DeepEqual(history, []store.RegistrySnapshot{s1, s2, s3}) {
		t.Errorf("ListRegistrySnapshots(suppliers) = %+v, %v; want s1, s2, s3", history, err)
	}
	origins, err := s.ListRegistrySnapshots(ctx, store.RegistryOrigins)
	if err != nil || !reflect.DeepEqual(origins, []store.RegistrySnapshot{o1}) {
		t.Errorf("ListRegistrySnapshots(origins) = %+v, %v; want o1", origins, err)
	}

	if err := s.MarkRegistryPublished(ctx, s2.ID, "tx-publish"); err != nil {
		t.Fatalf("MarkRegistryPublished: %v", err)
	}
	if err := s.MarkRegistryPublished(ctx, s2.ID, "tx-publish"); err != nil {
		t.Errorf("MarkRegistryPublished again = %v, want nil", err)
	}
	err = s.MarkRegistryPublished(ctx, s2.ID, "tx-other")
	var conflict *store.ConflictError
	if !errors.As(err, &conflict) || conflict.SnapshotID != s2.ID {
		t.Errorf("MarkRegistryPublished with another transaction = %v, want *ConflictError for %d", err, s2.ID)
	}
	got, err := s.GetRegistrySnapshot(ctx, s2.ID)
	if err != nil || got.PublishedTx != "tx-publish" {
		t.Errorf("GetRegistrySnapshot = %+v, %v; want published in tx-publish", got, err)
	}
	wantErr(t, "MarkRegistryPublished(unknown)", s.MarkRegistryPublished(ctx, 1<<40, "tx"), store.ErrNotFound)
	_, err = s.GetRegistrySnapshot(ctx, 1<<40)
	wantErr(t, "GetRegistrySnapshot(unknown)", err, store.ErrNotFound)
	_, err = s.SaveRegistrySnapshot(ctx, store.RegistrySnapshot{Kind: "keys", Root: "0x01"})
	wantErr(t, "SaveRegistrySnapshot(unknown kind)", err, store.ErrInvalid)
	_, err = s.SaveRegistrySnapshot(ctx, store.RegistrySnapshot{Kind: store.RegistryOrigins})
	wantErr(t, "SaveRegistrySnapshot(no root)", err, store.ErrInvalid)
}

func testCanceledContext(t *testing.T, s store.Store) {
	mustInsert(t, s, newEvent("e1", 0, "p"))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := s.GetEvent(ctx, "e1")
	wantErr(t, "GetEvent", err, context.Canceled)
	_, err = s.InsertEvent(ctx, newEvent("e2", 0, "p"))
	wantErr(t, "InsertEvent", err, context.Canceled)
	_, err = s.GetEvent(t.Context(), "e2")
	wantErr(t, "GetEvent of the canceled insert", err, store.ErrNotFound)
	_, err = s.InsertEventGroups(ctx, [][]store.Event{{newEvent("e3", 0, "p")}, {newEvent("e4", 0, "p")}})
	wantErr(t, "InsertEventGroups", err, context.Canceled)
	_, err = s.GetEvent(t.Context(), "e3")
	wantErr(t, "GetEvent of the canceled group insert", err, store.ErrNotFound)
}
