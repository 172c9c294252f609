package storetest

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/provenant/provenant/store"
)

// groupWant is what InsertEventGroups should return for one group: nil, an error wrapping
// ErrInvalid, or a *ConflictError naming an event.
type groupWant struct {
	invalid  bool
	conflict string
}

var groupStored groupWant

func groupInvalid() groupWant           { return groupWant{invalid: true} }
func groupConflict(id string) groupWant { return groupWant{conflict: id} }
func (w groupWant) String() string {
	switch {
	case w.invalid:
		return "ErrInvalid"
	case w.conflict != "":
		return fmt.Sprintf("*ConflictError for %q", w.conflict)
	}
	return "nil"
}

// insertGroups calls InsertEventGroups and checks its errors against wants.
func insertGroups(t *testing.T, s store.Store, groups [][]store.Event, wants ...groupWant) {
	t.Helper()
	errs, err := s.InsertEventGroups(t.Context(), groups)
	if err != nil {
		t.Fatalf("InsertEventGroups: %v", err)
	}
	if len(errs) != len(wants) {
		t.Fatalf("InsertEventGroups returned %d errors for %d groups", len(errs), len(wants))
	}
	for i, w := range wants {
		if !groupErrIs(errs[i], w) {
			t.Errorf("group %d: error %v, want %v", i, errs[i], w)
		}
	}
}

func groupErrIs(err error, w groupWant) bool {
	var conflict *store.ConflictError
	switch {
	case w.invalid:
		return errors.Is(err, store.ErrInvalid) && !errors.Is(err, store.ErrConflict)
	case w.conflict != "":
		return errors.As(err, &conflict) && conflict.EventID == w.conflict && errors.Is(err, store.ErrConflict) &&
			!errors.Is(err, store.ErrInvalid)
	}
	return err == nil
}

// wantAbsent checks that none of the events is stored.
func wantAbsent(t *testing.T, s store.Store, ids ...string) {
	t.Helper()
	for _, id := range ids {
		_, err := s.GetEvent(t.Context(), id)
		wantErr(t, fmt.Sprintf("GetEvent(%q) of a refused group", id), err, store.ErrNotFound)
	}
}

// productEvents lists every event of product, in one page.
func productEvents(t *testing.T, s store.Store, product string) []string {
	t.Helper()
	return listAll(t, store.MaxPageSize, func(after store.Cursor, limit int) ([]store.Event, error) {
		return s.ListEventsByProduct(t.Context(), product, after, limit)
	})
}

// wantCount checks how many events are stored, in all.
func wantCount(t *testing.T, s store.Store, want int64) {
	t.Helper()
	counts, err := s.CountEventsByStatus(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, c := range counts {
		n += c
	}
	if n != want {
		t.Errorf("%d events stored (%v), want %d", n, counts, want)
	}
}

func testInsertEventGroups(t *testing.T, s store.Store) {
	const product = "urn:epc:id:sgtin:groups"
	ev := func(id string, sec int) store.Event {
		return newEvent("urn:uuid:group-"+id, time.Duration(sec)*time.Second, product)
	}
	id := func(short string) string { return "urn:uuid:group-" + short }
	existing := ev("existing", 0)
	mustInsert(t, s, existing)
	existingStored := mustGet(t, s, existing.ID)

	conflicting := existing
	conflicting.Claims = []byte(`{"changed":true}`)
	invalid := ev("c2", 0)
	invalid.Claims = []byte("not json")
	a2Changed := ev("a2", 2)
	a2Changed.Private = []byte(`{"other":1}`)
	b1Again := ev("b1", 10) // the ID of an event of refused group 1, with other content
	b1Again.Private = []byte(`{"second":true}`)
	h1Changed := ev("h1", 12)
	h1Changed.Supplier = strings.Repeat("ff", 32)
	noType := ev("i2", 14)
	noType.Type = ""

	groups := [][]store.Event{
		{ev("a1", 1), ev("a2", 2)},              // 0: new
		{ev("b1", 3), conflicting, ev("b2", 4)}, // 1: conflicts with a stored event
		{ev("c1", 5), invalid, ev("c3", 6)},     // 2: invalid
		{existing, ev("d1", 7)},                 // 3: a repeat and a new event
		{},                                      // 4: empty
		{ev("a1", 1), ev("e1", 8)},              // 5: repeats group 0's a1
		{ev("f1", 9), a2Changed},                // 6: conflicts with group 0's a2
		{b1Again},                               // 7: refused group 1 stored nothing
		{ev("g1", 11), ev("g1", 11)},            // 8: the same event twice
		{ev("h1", 12), h1Changed},               // 9: the same ID twice, different content
		{conflicting, ev("i1", 13), noType},     // 10: invalid is found before the conflict
	}
	wants := []groupWant{
		groupStored, groupConflict(existing.ID), groupInvalid(), groupStored, groupStored, groupStored,
		groupConflict(id("a2")), groupStored, groupStored, groupConflict(id("h1")), groupInvalid(),
	}
	insertGroups(t, s, groups, wants...)

	checkEvent(t, mustGet(t, s, existing.ID), existingStored)
	for _, e := range []store.Event{ev("a1", 1), ev("a2", 2), ev("d1", 7), ev("e1", 8), b1Again, ev("g1", 11)} {
		checkEvent(t, mustGet(t, s, e.ID), stored(e))
	}
	wantAbsent(t, s, id("b2"), id("c1"), id("c2"), id("c3"), id("f1"), id("h1"), id("i1"), id("i2"))
	// The product index holds the stored events, once each, and nothing of refused groups.
	wantIDs := []string{existing.ID, id("a1"), id("a2"), id("d1"), id("e1"), id("b1"), id("g1")}
	if got := productEvents(t, s, product); !slices.Equal(got, wantIDs) {
		t.Errorf("events of the product:\n got %v\nwant %v", got, wantIDs)
	}
	wantCount(t, s, int64(len(wantIDs)))
}

func testInsertEventGroupsRedelivery(t *testing.T, s store.Store) {
	// More events than one multi-row statement takes.
	const nGroups, size, product = 150, 4, "urn:epc:id:sgtin:redelivered"
	stale := newEvent("urn:uuid:redelivery-stale", -time.Second, product)
	mustInsert(t, s, stale)
	changed := stale
	changed.Claims = []byte(`{"changed":true}`)

	var (
		groups  [][]store.Event
		wants   []groupWant
		wantIDs = []string{stale.ID}
	)
	for g := range nGroups {
		var group []store.Event
		for i := range size {
			group = append(group, newEvent(fmt.Sprintf("urn:uuid:redelivery-%03d-%d", g, i), time.Duration(g)*time.Second, product))
		}
		if g == nGroups/2 {
			group[size/2] = changed
			wants = append(wants, groupConflict(stale.ID))
		} else {
			for _, e := range group {
				wantIDs = append(wantIDs, e.ID)
			}
			wants = append(wants, groupStored)
		}
		groups = append(groups, group)
	}
	insertGroups(t, s, groups, wants...)
	wantAbsent(t, s, groups[nGroups/2][0].ID)
	first := mustGet(t, s, groups[0][0].ID)

	// Redelivered from another partition, later: nothing changes.
	for _, group := range groups {
		for i := range group {
			if group[i].ID != stale.ID {
				group[i].Partition, group[i].Offset = 9, 1<<40
				group[i].ReceivedAt = baseTime.Add(48 * time.Hour)
			}
		}
	}
	for round := range 2 {
		t.Logf("redelivery %d", round+1)
		insertGroups(t, s, groups, wants...)
	}
	checkEvent(t, mustGet(t, s, first.ID), first)
	if got := productEvents(t, s, product); !slices.Equal(got, wantIDs) {
		t.Errorf("events of the product after redelivery: %d, want %d, once each", len(got), len(wantIDs))
	}
	wantCount(t, s, int64(len(wantIDs)))
}

func testInsertEventGroupsRepeatedID(t *testing.T, s store.Store) {
	const product = "urn:epc:id:sgtin:repeated"
	ev := func(id string) store.Event { return newEvent("urn:uuid:repeated-"+id, 0, product) }
	x := ev("x")
	xChanged := x
	xChanged.Private = []byte(`{"changed":true}`)
	invalid := ev("bad")
	invalid.EventTime = time.Time{}
	groups := [][]store.Event{
		{ev("q"), invalid},           // 0: invalid: q counts for nothing
		{x},                          // 1: first x
		{ev("y"), x},                 // 2: the same x again
		{ev("z"), xChanged, ev("w")}, // 3: another x
		{xChanged},                   // 4: another x, alone
		{x, x, ev("v")},              // 5: x, twice more
		{ev("q"), x},                 // 6: q, first stored here
	}
	insertGroups(t, s, groups, groupInvalid(), groupStored, groupStored, groupConflict(x.ID),
		groupConflict(x.ID), groupStored, groupStored)
	checkEvent(t, mustGet(t, s, x.ID), stored(x))
	wantAbsent(t, s, ev("z").ID, ev("w").ID, invalid.ID)
	want := []string{ev("q").ID, ev("v").ID, x.ID, ev("y").ID}
	if got := productEvents(t, s, product); !slices.Equal(got, want) {
		t.Errorf("events of the product = %v, want %v", got, want)
	}
	wantCount(t, s, int64(len(want)))
}

func testInsertEventGroupsEmpty(t *testing.T, s store.Store) {
	for _, groups := range [][][]store.Event{nil, {}} {
		if errs, err := s.InsertEventGroups(t.Context(), groups); err != nil || len(errs) != 0 {
			t.Errorf("InsertEventGroups(%#v) = %v, %v; want no errors", groups, errs, err)
		}
	}
	insertGroups(t, s, [][]store.Event{nil, {}}, groupStored, groupStored)
	// Only invalid groups: nothing to store.
	bad := newEvent("urn:uuid:empty-bad", 0, "p")
	bad.Supplier = "XYZ"
	insertGroups(t, s, [][]store.Event{{bad}, {newEvent("urn:uuid:empty-ok", 0, "p"), bad}}, groupInvalid(), groupInvalid())
	wantAbsent(t, s, bad.ID, "urn:uuid:empty-ok")
	wantCount(t, s, 0)
}

func testConcurrentInsertEventGroups(t *testing.T, s store.Store) {
	const (
		writers   = 8
		rounds    = 2
		shared    = 24
		contested = "urn:uuid:groups-contested"
	)
	sharedEvents := make([]store.Event, shared)
	sharedIDs := make([]string, shared)
	for i := range sharedEvents {
		sharedEvents[i] = newEvent(fmt.Sprintf("urn:uuid:groups-shared-%02d", i), time.Duration(i)*time.Second, "shared")
		sharedIDs[i] = sharedEvents[i].ID
	}
	own := func(w int) string { return fmt.Sprintf("urn:uuid:groups-own-%d", w) }

	type call struct {
		groups [][]store.Event
		errs   []error
		err    error
	}
	calls := make([][rounds]call, writers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			// Every writer has every shared event, in groups of up to three that start at
			// an offset of its own, so that groups overlap differently between writers,
			// and its own event in a group with its own version of the contested event.
			var groups [][]store.Event
			for i, n := 0, 1+w%3; i < shared; i, n = i+n, 3 {
				g := slices.Clone(sharedEvents[i:min(i+n, shared)])
				rng.Shuffle(len(g), func(a, b int) { g[a], g[b] = g[b], g[a] })
				groups = append(groups, g)
			}
			c := newEvent(contested, 0, "contested")
			c.Private = fmt.Appendf(nil, `{"writer":%d}`, w)
			groups = append(groups, []store.Event{newEvent(own(w), 0, "own"), c})
			rng.Shuffle(len(groups), func(a, b int) { groups[a], groups[b] = groups[b], groups[a] })
			<-start
			for r := range rounds {
				errs, err := s.InsertEventGroups(t.Context(), groups)
				calls[w][r] = call{groups, errs, err}
			}
		})
	}
	close(start)
	wg.Wait()

	var winners []int
	for w := range writers {
		won := make([]bool, rounds)
		for r, c := range calls[w] {
			if c.err != nil {
				t.Fatalf("writer %d, round %d: %v", w, r, c.err)
			}
			for i, g := range c.groups {
				err := c.errs[i]
				if !slices.ContainsFunc(g, func(e store.Event) bool { return e.ID == contested }) {
					if err != nil {
						t.Errorf("writer %d, round %d, group of shared events: %v", w, r, err)
					}
					continue
				}
				switch {
				case err == nil:
					won[r] = true
				case !groupErrIs(err, groupConflict(contested)):
					t.Errorf("writer %d, round %d, contested group: %v, want nil or a conflict", w, r, err)
				}
			}
		}
		if won[0] != won[1] {
			t.Errorf("writer %d: contested group stored %v in round 1, %v in round 2", w, won[0], won[1])
		}
		if won[0] {
			winners = append(winners, w)
		}
	}
	if len(winners) != 1 {
		t.Fatalf("writers whose contested group was stored: %v, want exactly one", winners)
	}
	winner := winners[0]
	if got, want := mustGet(t, s, contested).Private, fmt.Sprintf(`{"writer":%d}`, winner); string(got) != want {
		t.Errorf("contested event's payload %s, want the winner's %s", got, want)
	}
	for w := range writers {
		if w == winner {
			checkEvent(t, mustGet(t, s, own(w)), stored(newEvent(own(w), 0, "own")))
		} else {
			wantAbsent(t, s, own(w))
		}
	}
	if got := productEvents(t, s, "shared"); !slices.Equal(got, sharedIDs) {
		t.Errorf("shared events = %v, want each once: %v", got, sharedIDs)
	}
	if got := productEvents(t, s, "own"); !slices.Equal(got, []string{own(winner)}) {
		t.Errorf("own events = %v, want only the winner's", got)
	}
	wantCount(t, s, shared+2)
}
