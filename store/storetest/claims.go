package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/provenant/provenant/store"
)

// RunClaims runs the conformance suite of store.ClaimStore and of the claim checks of
// CreateBatch and RejectEvent. open is called once per subtest, possibly from parallel
// subtests, and must return a new, empty store opened with a Sealer and with now as its
// clock (the tests move it); RunClaims closes the store when the subtest ends.
func RunClaims(t *testing.T, open func(t *testing.T, now func() time.Time) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store, clock *Clock)
	}{
		{"ClaimOrder", testClaimOrder},
		{"ClaimInvalid", testClaimInvalid},
		{"ClaimOwners", testClaimOwners},
		{"ClaimExpiry", testClaimExpiry},
		{"RenewClaims", testRenewClaims},
		{"ReleaseClaims", testReleaseClaims},
		{"CreateBatchClaims", testCreateBatchClaims},
		{"RejectEventClaims", testRejectEventClaims},
		{"ConcurrentClaims", testConcurrentClaims},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			clock := NewClock(claimStart)
			s := open(t, clock.Now)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("close: %v", err)
				}
			})
			tc.fn(t, s, clock)
		})
	}
}

// claimStart is where the clock of the claim tests starts: after baseTime, so that events
// received at baseTime are older than those the store stamps.
var claimStart = time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC)

// receivedEvent returns newEvent(id) received at claimStart plus offset.
func receivedEvent(id string, offset time.Duration) store.Event {
	e := newEvent(id, 0, "p")
	e.ReceivedAt = claimStart.Add(offset)
	return e
}

// claim calls ClaimEvents, fails the test on an error, checks that the events are
// RECEIVED with their private payloads, and returns their IDs.
func claim(t *testing.T, s store.Store, owner string, limit int, lease time.Duration) []string {
	t.Helper()
	events, err := s.ClaimEvents(t.Context(), owner, limit, lease)
	if err != nil {
		t.Fatalf("ClaimEvents(%s, %d): %v", owner, limit, err)
	}
	if len(events) > limit {
		t.Fatalf("ClaimEvents(%s, %d) returned %d events", owner, limit, len(events))
	}
	for _, e := range events {
		if e.Status != store.StatusReceived || e.Private == nil {
			t.Errorf("claimed event %s: status %s, private %q; want RECEIVED with its payload", e.ID, e.Status, e.Private)
		}
	}
	return eventIDs(events)
}

// wantClaim claims and compares the IDs with want, in order.
func wantClaim(t *testing.T, s store.Store, owner string, limit int, lease time.Duration, want ...string) {
	t.Helper()
	if got := claim(t, s, owner, limit, lease); !slices.Equal(got, want) {
		t.Errorf("ClaimEvents(%s, %d) = %v, want %v", owner, limit, got, want)
	}
}

// wantRenew renews and compares the IDs returned with want, in order.
func wantRenew(t *testing.T, s store.Store, owner string, ids []string, lease time.Duration, want ...string) {
	t.Helper()
	got, err := s.RenewClaims(t.Context(), owner, ids, lease)
	if err != nil {
		t.Fatalf("RenewClaims(%s, %v): %v", owner, ids, err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("RenewClaims(%s, %v) = %v, want %v", owner, ids, got, want)
	}
}

func release(t *testing.T, s store.Store, owner string, ids ...string) {
	t.Helper()
	if err := s.ReleaseClaims(t.Context(), owner, ids); err != nil {
		t.Fatalf("ReleaseClaims(%s, %v): %v", owner, ids, err)
	}
}

// wantClaimError checks that err is a *ClaimError for the event, refusing owner because
// heldBy holds it, that matches ErrNotClaimed.
func wantClaimError(t *testing.T, what string, err error, eventID, owner, heldBy string) {
	t.Helper()
	var ce *store.ClaimError
	if !errors.As(err, &ce) || !errors.Is(err, store.ErrNotClaimed) || ce.EventID != eventID || ce.Owner != owner ||
		ce.HeldBy != heldBy || ce.Expires.IsZero() {
		t.Errorf("%s: error %v, want *ClaimError for %s held by %s, refusing %s, matching ErrNotClaimed", what, err, eventID, heldBy, owner)
	}
}

func testClaimOrder(t *testing.T, s store.Store, _ *Clock) {
	ctx := t.Context()
	events := []store.Event{
		receivedEvent("c", time.Second),
		receivedEvent("a", 2*time.Second),
		receivedEvent("b", time.Second), // same time as c: ID order
		receivedEvent("d", 0),
		receivedEvent("e", 1500*time.Microsecond), // 1ms once stored: after d, before b
		receivedEvent("rejected", -time.Hour),
		receivedEvent("proven", -time.Hour),
	}
	inserted := newEvent("inserted-rejected", 0, "p")
	inserted.Status, inserted.RejectReason, inserted.ReceivedAt = store.StatusRejected, "bad signature", claimStart.Add(-time.Hour)
	mustInsert(t, s, append(events, inserted)...)
	if err := s.RejectEvent(ctx, "", "rejected", "bad signature"); err != nil {
		t.Fatal(err)
	}
	createBatch(t, s, "b1", "proven")

	got, err := s.ClaimEvents(ctx, "prover-1", 3, time.Minute)
	if err != nil {
		t.Fatalf("ClaimEvents: %v", err)
	}
	if ids := eventIDs(got); !slices.Equal(ids, []string{"d", "e", "b"}) {
		t.Fatalf("ClaimEvents(limit 3) = %v, want [d e b]: oldest received first, then by ID", ids)
	}
	for _, e := range got {
		want := events[slices.IndexFunc(events, func(w store.Event) bool { return w.ID == e.ID })]
		checkEvent(t, e, stored(want))
	}
	// The owner's live claims are not returned again.
	wantClaim(t, s, "prover-1", 10, time.Minute, "c", "a")
	wantClaim(t, s, "prover-1", 10, time.Minute)
	wantClaim(t, s, "prover-2", 10, time.Minute)

	// Claims change neither status nor content.
	for _, e := range events[:5] {
		checkEvent(t, mustGet(t, s, e.ID), stored(e))
	}
	counts, err := s.CountEventsByStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if counts[store.StatusReceived] != 5 {
		t.Errorf("%d RECEIVED events after claiming, want 5", counts[store.StatusReceived])
	}
}

func testClaimInvalid(t *testing.T, s store.Store, _ *Clock) {
	ctx := t.Context()
	mustInsert(t, s, receivedEvent("e1", 0))
	for _, tc := range []struct {
		name  string
		owner string
		limit int
		lease time.Duration
	}{
		{"no owner", "", 1, time.Minute},
		{"owner with NUL", "prover\x00", 1, time.Minute},
		{"owner not UTF-8", "prover\xff", 1, time.Minute},
		{"zero limit", "prover", 0, time.Minute},
		{"negative limit", "prover", -1, time.Minute},
		{"zero lease", "prover", 1, 0},
		{"lease under a millisecond", "prover", 1, time.Microsecond},
		{"negative lease", "prover", 1, -time.Minute},
	} {
		_, err := s.ClaimEvents(ctx, tc.owner, tc.limit, tc.lease)
		wantErr(t, "ClaimEvents with "+tc.name, err, store.ErrInvalid)
		if tc.limit > 0 {
			_, err = s.RenewClaims(ctx, tc.owner, []string{"e1"}, tc.lease)
			wantErr(t, "RenewClaims with "+tc.name, err, store.ErrInvalid)
		}
	}
	wantErr(t, "ReleaseClaims with no owner", s.ReleaseClaims(ctx, "", []string{"e1"}), store.ErrInvalid)
	wantErr(t, "CreateBatch with an invalid owner",
		s.CreateBatch(ctx, "prover\x00", testBatch("b1", 4), testMembers("e1")), store.ErrInvalid)
	wantErr(t, "RejectEvent with an invalid owner", s.RejectEvent(ctx, "prover\x00", "e1", "bad"), store.ErrInvalid)
	checkStatus(t, s, "e1", store.StatusReceived, "")
	// Nothing was claimed by the refused calls.
	wantClaim(t, s, "prover", 1, time.Minute, "e1")

	// A limit over the largest page is lowered to it.
	many := make([]store.Event, store.MaxPageSize+1)
	for i := range many {
		many[i] = receivedEvent(fmt.Sprintf("many-%04d", i), time.Duration(i+1)*time.Millisecond)
	}
	insertAll(t, s, many...)
	if got := claim(t, s, "prover", store.MaxPageSize+5, time.Minute); len(got) != store.MaxPageSize || got[0] != "many-0000" {
		t.Errorf("ClaimEvents(limit %d) returned %d events from %v, want %d from many-0000", store.MaxPageSize+5, len(got), got[:min(1, len(got))], store.MaxPageSize)
	}
	wantClaim(t, s, "prover", 10, time.Minute, fmt.Sprintf("many-%04d", store.MaxPageSize))
}

// insertAll inserts new events in one call.
func insertAll(t *testing.T, s store.Store, events ...store.Event) {
	t.Helper()
	results, err := s.InsertEvents(t.Context(), events)
	if err != nil {
		t.Fatalf("InsertEvents: %v", err)
	}
	for i, r := range results {
		if !r.Inserted || r.Err != nil {
			t.Fatalf("InsertEvents(%s) = %+v", events[i].ID, r)
		}
	}
}

func testClaimOwners(t *testing.T, s store.Store, _ *Clock) {
	for i := range 7 {
		mustInsert(t, s, receivedEvent(fmt.Sprintf("e%d", i), time.Duration(i)*time.Second))
	}
	wantClaim(t, s, "prover-a", 3, time.Minute, "e0", "e1", "e2")
	wantClaim(t, s, "prover-b", 3, time.Minute, "e3", "e4", "e5")
	wantClaim(t, s, "prover-a", 3, time.Minute, "e6")
	wantClaim(t, s, "prover-b", 3, time.Minute)
	wantClaim(t, s, "prover-c", 3, time.Minute)
}

func testClaimExpiry(t *testing.T, s store.Store, clock *Clock) {
	mustInsert(t, s, receivedEvent("e1", 0), receivedEvent("e2", time.Second), receivedEvent("e3", 2*time.Second))
	wantClaim(t, s, "prover-a", 10, time.Minute, "e1", "e2", "e3")
	clock.Advance(time.Minute - time.Millisecond)
	wantClaim(t, s, "prover-b", 10, time.Minute) // live a millisecond more
	clock.Advance(time.Millisecond)
	wantClaim(t, s, "prover-b", 2, time.Minute, "e1", "e2") // expired: free to take
	wantRenew(t, s, "prover-a", []string{"e1", "e2", "e3"}, time.Minute, "e3")
	wantClaim(t, s, "prover-c", 10, time.Minute)

	// An owner may take its own expired claims again.
	clock.Advance(2 * time.Minute)
	wantClaim(t, s, "prover-b", 10, time.Minute, "e1", "e2", "e3")
}

func testRenewClaims(t *testing.T, s store.Store, clock *Clock) {
	for i := range 5 {
		mustInsert(t, s, receivedEvent(fmt.Sprintf("e%d", i), time.Duration(i)*time.Second))
	}
	wantClaim(t, s, "prover-a", 3, time.Minute, "e0", "e1", "e2") // until 1:00
	wantClaim(t, s, "prover-b", 1, time.Minute, "e3")             // until 1:00
	clock.Advance(50 * time.Second)
	// Given order, repeats once, other owners' and unknown events left out.
	wantRenew(t, s, "prover-a", []string{"e1", "e3", "e0", "unknown", "e1", "e4"}, time.Minute, "e1", "e0") // until 1:50
	wantRenew(t, s, "prover-a", nil, time.Minute)

	clock.Advance(20 * time.Second) // 1:10: e2 and e3 expired, e0 and e1 live
	wantClaim(t, s, "prover-c", 10, time.Minute, "e2", "e3", "e4")
	wantRenew(t, s, "prover-a", []string{"e0", "e1", "e2"}, time.Minute, "e0", "e1") // e2 lost; until 2:10
	wantRenew(t, s, "prover-b", []string{"e3"}, time.Minute)                         // lost

	// The renewed claims run a lease from the renewal: live at 2:09.
	clock.Advance(59 * time.Second)
	wantClaim(t, s, "prover-d", 10, time.Minute)

	// An expired claim nobody took is still the owner's to renew.
	clock.Advance(5 * time.Minute)
	wantRenew(t, s, "prover-a", []string{"e0"}, time.Minute, "e0")
	wantClaim(t, s, "prover-d", 10, time.Minute, "e1", "e2", "e3", "e4")

	// A proven event has no claim left to renew.
	if err := s.CreateBatch(t.Context(), "prover-a", testBatch("b1", 4), testMembers("e0")); err != nil {
		t.Fatalf("CreateBatch by the owner: %v", err)
	}
	wantRenew(t, s, "prover-a", []string{"e0"}, time.Minute)
}

func testReleaseClaims(t *testing.T, s store.Store, _ *Clock) {
	mustInsert(t, s, receivedEvent("e1", 0), receivedEvent("e2", time.Second), receivedEvent("e3", 2*time.Second))
	wantClaim(t, s, "prover-a", 10, time.Hour, "e1", "e2", "e3")
	wantClaim(t, s, "prover-b", 10, time.Hour)
	release(t, s, "prover-a", "e3", "unknown", "e1", "e3")
	wantClaim(t, s, "prover-b", 10, time.Hour, "e1", "e3") // at once, without the clock moving

	release(t, s, "prover-b", "e2") // prover-a's: left as it is
	release(t, s, "prover-a", "e1") // prover-b's now: left as it is
	release(t, s, "prover-a")       // nothing to release
	wantClaim(t, s, "prover-c", 10, time.Hour)
	wantRenew(t, s, "prover-a", []string{"e1", "e2", "e3"}, time.Hour, "e2")
	wantRenew(t, s, "prover-b", []string{"e1", "e2", "e3"}, time.Hour, "e1", "e3")
}

func testCreateBatchClaims(t *testing.T, s store.Store, clock *Clock) {
	ctx := t.Context()
	for i := range 6 {
		mustInsert(t, s, receivedEvent(fmt.Sprintf("e%d", i), time.Duration(i)*time.Second))
	}
	wantClaim(t, s, "prover-a", 2, time.Minute, "e0", "e1")

	// Another owner cannot batch an event prover-a holds; nothing is stored.
	err := s.CreateBatch(ctx, "prover-b", testBatch("b-stolen", 4), testMembers("e5", "e1"))
	wantClaimError(t, "CreateBatch by another owner", err, "e1", "prover-b", "prover-a")
	_, err = s.GetBatch(ctx, "b-stolen")
	wantErr(t, "GetBatch after a refused batch", err, store.ErrNotFound)
	for _, id := range []string{"e0", "e1", "e5"} {
		checkStatus(t, s, id, store.StatusReceived, "")
	}
	// An event nobody holds may be batched by anyone.
	if err := s.CreateBatch(ctx, "prover-b", testBatch("b-free", 4), testMembers("e5")); err != nil {
		t.Errorf("CreateBatch of an unclaimed event: %v", err)
	}
	checkStatus(t, s, "e5", store.StatusProven, "b-free")

	// The owner can, and the batch drops its claims: rejecting the batch requeues the
	// events free to claim at once.
	if err := s.CreateBatch(ctx, "prover-a", testBatch("b1", 4), testMembers("e1", "e0")); err != nil {
		t.Fatalf("CreateBatch by the owner: %v", err)
	}
	checkStatus(t, s, "e0", store.StatusProven, "b1")
	checkStatus(t, s, "e1", store.StatusProven, "b1")
	if err := s.CreateBatch(ctx, "prover-b", testBatch("b1", 4), testMembers("e1", "e0")); err != nil {
		t.Errorf("CreateBatch again by another owner = %v, want nil: a repeat is a no-op", err)
	}
	if err := s.RejectBatch(ctx, "b1", "ledger refused"); err != nil {
		t.Fatal(err)
	}
	wantClaim(t, s, "prover-c", 2, time.Minute, "e0", "e1")

	// An empty owner skips the check.
	if err := s.CreateBatch(ctx, "", testBatch("b-admin", 4), testMembers("e0")); err != nil {
		t.Errorf("CreateBatch without an owner of a claimed event: %v", err)
	}
	checkStatus(t, s, "e0", store.StatusProven, "b-admin")

	// A lease that ran out does not keep others from the event; the owner keeps it until
	// another owner takes it.
	wantClaim(t, s, "prover-a", 2, time.Minute, "e2", "e3")
	clock.Advance(time.Minute)
	if err := s.CreateBatch(ctx, "prover-b", testBatch("b-late", 4), testMembers("e1", "e2")); err != nil {
		t.Errorf("CreateBatch of events with expired claims: %v", err)
	}
	if err := s.CreateBatch(ctx, "prover-a", testBatch("b-own", 4), testMembers("e3")); err != nil {
		t.Errorf("CreateBatch by the owner of an expired claim nobody took: %v", err)
	}
	wantClaim(t, s, "prover-d", 10, time.Minute, "e4")
	// Members are checked in ID order, each for its status, then its claim.
	err = s.CreateBatch(ctx, "prover-a", testBatch("b-again", 4), testMembers("e3", "e4"))
	wantErr(t, "CreateBatch with a proven member", err, store.ErrInvalidTransition)
	err = s.CreateBatch(ctx, "prover-a", testBatch("b-again", 4), testMembers("e4"))
	wantClaimError(t, "CreateBatch of another owner's event", err, "e4", "prover-a", "prover-d")
}

func testRejectEventClaims(t *testing.T, s store.Store, clock *Clock) {
	ctx := t.Context()
	mustInsert(t, s, receivedEvent("e1", 0), receivedEvent("e2", time.Second), receivedEvent("e3", 2*time.Second))
	wantClaim(t, s, "prover-a", 3, time.Minute, "e1", "e2", "e3")

	err := s.RejectEvent(ctx, "prover-b", "e1", "not mine")
	wantClaimError(t, "RejectEvent by another owner", err, "e1", "prover-b", "prover-a")
	checkStatus(t, s, "e1", store.StatusReceived, "")

	if err := s.RejectEvent(ctx, "prover-a", "e1", "origin not certified"); err != nil {
		t.Fatalf("RejectEvent by the owner: %v", err)
	}
	if e := mustGet(t, s, "e1"); e.Status != store.StatusRejected || e.RejectReason != "origin not certified" {
		t.Errorf("rejected event: status %s, reason %q", e.Status, e.RejectReason)
	}
	if err := s.RejectEvent(ctx, "prover-b", "e1", "again"); err != nil {
		t.Errorf("RejectEvent of a rejected event by another owner = %v, want nil", err)
	}
	if e := mustGet(t, s, "e1"); e.RejectReason != "origin not certified" {
		t.Errorf("reason after a second rejection = %q, want the first", e.RejectReason)
	}
	wantRenew(t, s, "prover-a", []string{"e1", "e2"}, time.Minute, "e2") // the rejection dropped the claim

	if err := s.RejectEvent(ctx, "", "e2", "operator"); err != nil {
		t.Errorf("RejectEvent without an owner of a claimed event: %v", err)
	}
	checkStatus(t, s, "e2", store.StatusRejected, "")

	clock.Advance(time.Minute)
	if err := s.RejectEvent(ctx, "prover-b", "e3", "expired claim"); err != nil {
		t.Errorf("RejectEvent of an event whose claim expired: %v", err)
	}
	checkStatus(t, s, "e3", store.StatusRejected, "")
	wantErr(t, "RejectEvent(unknown) with an owner", s.RejectEvent(ctx, "prover-a", "unknown", "x"), store.ErrNotFound)
}

// testConcurrentClaims has owners claim and prove events at once, each with its own batch
// size, until none is left: each event is claimed exactly once, by one owner, and proven
// in that owner's batch. On PostgreSQL the claimers skip the rows the others have locked.
func testConcurrentClaims(t *testing.T, s store.Store, _ *Clock) {
	const total, owners = 500, 4
	events := make([]store.Event, total)
	for i := range events {
		events[i] = receivedEvent(fmt.Sprintf("urn:uuid:queue-%03d", i), time.Duration(i%50)*time.Millisecond)
	}
	insertAll(t, s, events...)

	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		claimed = map[string]string{} // event ID → owner
		batchOf = map[string]string{} // event ID → batch ID
		claims  int                   // events returned by all claims
		dupes   []string
		errs    []error
	)
	start := make(chan struct{})
	for o := range owners {
		owner := fmt.Sprintf("prover-%d", o)
		limit := 5 + 9*o // 5, 14, 23, 32
		wg.Go(func() {
			<-start
			for round := 0; ; round++ {
				got, err := s.ClaimEvents(t.Context(), owner, limit, time.Hour)
				if err != nil {
					mu.Lock()
					errs = append(errs, fmt.Errorf("%s round %d: claim: %w", owner, round, err))
					mu.Unlock()
					return
				}
				if len(got) == 0 {
					return
				}
				ids := eventIDs(got)
				batchID := fmt.Sprintf("%s-%d", owner, round)
				mu.Lock()
				claims += len(ids)
				for _, id := range ids {
					if prev, ok := claimed[id]; ok {
						dupes = append(dupes, fmt.Sprintf("%s by %s and %s", id, prev, owner))
					}
					claimed[id], batchOf[id] = owner, batchID
				}
				mu.Unlock()
				if err := s.CreateBatch(t.Context(), owner, testBatch(batchID, len(ids)), testMembers(ids...)); err != nil {
					mu.Lock()
					errs = append(errs, fmt.Errorf("%s round %d: create batch: %w", owner, round, err))
					mu.Unlock()
					return
				}
			}
		})
	}
	close(start)
	wg.Wait()
	if len(errs) != 0 || len(dupes) != 0 {
		t.Fatalf("errors %v; events claimed twice: %v", errs, dupes)
	}
	if len(claimed) != total || claims != total {
		t.Errorf("%d events claimed %d times in all, want all %d once", len(claimed), claims, total)
	}
	wantClaim(t, s, "prover-late", 10, time.Hour)
	counts, err := s.CountEventsByStatus(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if want := map[store.Status]int64{store.StatusProven: total, store.StatusReceived: 0, store.StatusAnchored: 0, store.StatusRejected: 0}; !reflect.DeepEqual(counts, want) {
		t.Errorf("CountEventsByStatus = %v, want %v", counts, want)
	}
	proven := listAll(t, store.MaxPageSize, func(after store.Cursor, limit int) ([]store.Event, error) {
		page, err := s.ListEventsByStatus(t.Context(), store.StatusProven, after, limit)
		for _, e := range page {
			if e.BatchID != batchOf[e.ID] {
				t.Errorf("event %s proven in %q, want %q of %s, its claimer", e.ID, e.BatchID, batchOf[e.ID], claimed[e.ID])
			}
		}
		return page, err
	})
	if len(proven) != total {
		t.Errorf("%d proven events listed, want %d", len(proven), total)
	}
}
