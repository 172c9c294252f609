package sqlstore

import (
	"slices"
	"testing"

	"github.com/provenant/provenant/store/storetest"
)

// TestPow2Chunks checks that the chunks cover the input in order, each a power of two
// no larger than the limit, so that every insert finds its statement in the cache.
func TestPow2Chunks(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 7, 511, 512, 513, 1000, 1024, 1025, 5000} {
		v := make([]int, n)
		for i := range v {
			v[i] = i
		}
		var got []int
		err := pow2Chunks(v, eventsPerStatement, func(c []int) error {
			if len(c) == 0 || len(c) > eventsPerStatement || len(c)&(len(c)-1) != 0 {
				t.Errorf("n=%d: chunk of %d", n, len(c))
			}
			got = append(got, c...)
			return nil
		})
		if err != nil || !slices.Equal(got, v) {
			t.Errorf("n=%d: chunks cover %d items, %v", n, len(got), err)
		}
	}
}

// TestStmtCache checks that an SQLite store prepares every insert text that
// insertPrepared can ask for, and that a store still works for texts it has not
// prepared.
func TestStmtCache(t *testing.T) {
	s := openInternal(t, storetest.SQLiteURL(t), storetest.NewSealer(t))
	if s.stmts == nil {
		t.Fatal("SQLite store without a statement cache")
	}
	for _, n := range []int{1, 3, 100, 700, 2500, 5000} {
		for _, kind := range []struct {
			limit int
			query func(d dialect, rows int) string
		}{{eventsPerStatement, insertEventsQuery}, {productsPerStatement, insertProductsQuery}} {
			_ = pow2Chunks(make([]struct{}, n), kind.limit, func(c []struct{}) error {
				if q := kind.query(s.dialect, len(c)); s.stmts.stmts[q] == nil {
					t.Errorf("not prepared: %.60s… (%d rows)", q, len(c))
				}
				return nil
			})
		}
	}
	if got, want := len(s.stmts.stmts), len(cachedInserts(s.dialect)); got != want {
		t.Errorf("%d statements prepared, want %d", got, want)
	}
	tx, err := s.w.BeginTx(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	rows, err := s.txQuery(t.Context(), tx, "SELECT count(*) FROM events")
	if err != nil {
		t.Fatalf("uncached query: %v", err)
	}
	rows.Close()
}
