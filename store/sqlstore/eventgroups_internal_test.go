package sqlstore

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/provenant/provenant/store"
	"github.com/provenant/provenant/store/storetest"
)

func groupEvent(id, private string) store.Event {
	return store.Event{
		ID:        id,
		Type:      "ObjectEvent",
		EventTime: time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC),
		Products:  []string{"urn:epc:id:sgtin:0614141.107346.2017"},
		Supplier:  strings.Repeat("5a", 32),
		Claims:    []byte(`{"eventID":"` + id + `"}`),
		Private:   []byte(private),
	}
}

func openInternal(t *testing.T, url string, sealer *store.Sealer) *Store {
	t.Helper()
	s, err := Open(t.Context(), url, WithSealer(sealer))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// checkGroups checks InsertEventGroups' errors: nil, or a conflict naming conflicts[i].
func checkGroups(t *testing.T, errs []error, err error, conflicts ...string) {
	t.Helper()
	if err != nil {
		t.Fatalf("InsertEventGroups: %v", err)
	}
	if len(errs) != len(conflicts) {
		t.Fatalf("%d errors, want %d", len(errs), len(conflicts))
	}
	for i, id := range conflicts {
		var ce *store.ConflictError
		if id == "" && errs[i] != nil || id != "" && (!errors.As(errs[i], &ce) || ce.EventID != id) {
			t.Errorf("group %d: %v, want conflict %q (none if empty)", i, errs[i], id)
		}
	}
}

func checkPrivate(t *testing.T, s *Store, id, want string) {
	t.Helper()
	e, err := s.GetEvent(t.Context(), id)
	switch {
	case want == "":
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("GetEvent(%s) = %v, want ErrNotFound", id, err)
		}
	case err != nil || string(e.Private) != want:
		t.Errorf("GetEvent(%s) = %s, %v; want %s", id, e.Private, err, want)
	}
}

// TestInsertEventGroupsPlans checks how many plans a call takes: one when no ID is
// stored or only repeats are, a second one when a stored ID has other content.
func TestInsertEventGroupsPlans(t *testing.T) {
	for _, tc := range []struct {
		name   string
		groups [][]store.Event
		errs   []string          // conflicting event of each group, "" for none
		want   map[string]string // private payload stored under each ID, "" for none
		plans  int
	}{
		{"new IDs", [][]store.Event{{groupEvent("a", `{"a":1}`)}, {groupEvent("b", `{"b":1}`)}},
			[]string{"", ""}, map[string]string{"a": `{"a":1}`, "b": `{"b":1}`}, 1},
		{"repeat", [][]store.Event{{groupEvent("x", `{"v":1}`), groupEvent("a", `{"a":1}`)}},
			[]string{""}, map[string]string{"a": `{"a":1}`}, 1},
		{"repeat and duplicate within the call", [][]store.Event{{groupEvent("a", `{"a":1}`)}, {groupEvent("a", `{"a":2}`), groupEvent("x", `{"v":1}`)}},
			[]string{"", "a"}, map[string]string{"a": `{"a":1}`}, 1},
		{"stored with other content", [][]store.Event{{groupEvent("a", `{"a":1}`), groupEvent("x", `{"v":2}`)}, {groupEvent("b", `{"b":1}`)}},
			[]string{"x", ""}, map[string]string{"a": "", "b": `{"b":1}`}, 2},
	} {
		for _, db := range []struct {
			name string
			url  func(testing.TB) string
		}{{"sqlite", storetest.SQLiteURL}, {"postgres", storetest.PostgresURL}} {
			t.Run(tc.name+"/"+db.name, func(t *testing.T) {
				s := openInternal(t, db.url(t), storetest.NewSealer(t))
				if _, err := s.InsertEvent(t.Context(), groupEvent("x", `{"v":1}`)); err != nil {
					t.Fatal(err)
				}
				planned := 0
				s.afterGroupsPlanned = func() error { planned++; return nil }
				errs, err := s.InsertEventGroups(t.Context(), tc.groups)
				checkGroups(t, errs, err, tc.errs...)
				if planned != tc.plans {
					t.Errorf("planned %d times, want %d", planned, tc.plans)
				}
				checkPrivate(t, s, "x", `{"v":1}`)
				for id, want := range tc.want {
					checkPrivate(t, s, id, want)
				}
			})
		}
	}
}

// TestInsertEventGroupsRetried fails the first run of the transaction as a deadlock
// victim would: the run that inTx makes again must give the same answer.
func TestInsertEventGroupsRetried(t *testing.T) {
	for _, tc := range []struct {
		name string
		url  func(testing.TB) string
	}{{"sqlite", storetest.SQLiteURL}, {"postgres", storetest.PostgresURL}} {
		t.Run(tc.name, func(t *testing.T) {
			s := openInternal(t, tc.url(t), storetest.NewSealer(t))
			if _, err := s.InsertEvent(t.Context(), groupEvent("x", `{"v":1}`)); err != nil {
				t.Fatal(err)
			}
			planned := 0
			s.afterGroupsPlanned = func() error {
				planned++
				if planned == 1 {
					return &pgconn.PgError{Code: "40P01", Message: "deadlock detected (injected)"}
				}
				return nil
			}
			errs, err := s.InsertEventGroups(t.Context(), [][]store.Event{
				{groupEvent("a", `{"a":1}`), groupEvent("b", `{"b":1}`)},
				{groupEvent("c", `{"c":1}`), groupEvent("x", `{"v":2}`)},
				{groupEvent("a", `{"a":1}`), groupEvent("d", `{"d":1}`)},
				{groupEvent("c", `{"c":2}`)},
			})
			checkGroups(t, errs, err, "", "x", "", "")
			// The injected failure, the retry's first plan (no ID assumed stored),
			// then the plan that knows x is stored with other content.
			if planned != 3 {
				t.Errorf("planned %d times, want 3 (one retry, then one plan anew)", planned)
			}
			for id, want := range map[string]string{"a": `{"a":1}`, "b": `{"b":1}`, "c": `{"c":2}`, "d": `{"d":1}`, "x": `{"v":1}`} {
				checkPrivate(t, s, id, want)
			}
		})
	}
}

// TestInsertEventGroupsStalePlan commits a conflicting event from another connection
// after InsertEventGroups has read what is stored and before it inserts, as a concurrent
// writer on PostgreSQL can: the groups with that event must be refused, wholly, and the
// others stored. The second plan is then failed as a serialization failure, so that
// transaction runs again from the start.
func TestInsertEventGroupsStalePlan(t *testing.T) {
	url := storetest.PostgresURL(t)
	sealer := storetest.NewSealer(t)
	s, other := openInternal(t, url, sealer), openInternal(t, url, sealer)
	planned := 0
	s.afterGroupsPlanned = func() error {
		planned++
		switch planned {
		case 1:
			_, err := other.InsertEvent(t.Context(), groupEvent("x", `{"other":true}`))
			return err
		case 2:
			return &pgconn.PgError{Code: "40001", Message: "serialization failure (injected)"}
		}
		return nil
	}
	errs, err := s.InsertEventGroups(t.Context(), [][]store.Event{
		{groupEvent("a", `{"a":1}`), groupEvent("x", `{"mine":true}`)},
		{groupEvent("b", `{"b":1}`)},
		{groupEvent("x", `{"mine":true}`), groupEvent("c", `{"c":1}`)},
		{groupEvent("x", `{"other":true}`), groupEvent("d", `{"d":1}`)},
	})
	checkGroups(t, errs, err, "x", "", "x", "")
	// A stale plan that assumes no ID is stored, then the next transaction's plan from
	// what is stored (x), failed, then the same again, which stores.
	if planned != 3 {
		t.Errorf("planned %d times, want 3 (a stale plan, then two plans that know x)", planned)
	}
	for id, want := range map[string]string{"a": "", "b": `{"b":1}`, "c": "", "d": `{"d":1}`, "x": `{"other":true}`} {
		checkPrivate(t, s, id, want)
	}
	products, err := s.ListEventsByProduct(t.Context(), "urn:epc:id:sgtin:0614141.107346.2017", store.Cursor{}, 0)
	if err != nil || len(products) != 3 {
		t.Errorf("ListEventsByProduct = %d events, %v; want b, d and x", len(products), err)
	}
}
