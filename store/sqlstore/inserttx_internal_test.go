package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/provenant/provenant/store"
	"github.com/provenant/provenant/store/storetest"
)

// TestInsertTxForeignKeys checks that SQLite's writer enforces foreign keys again after
// every transaction of inInsertTx (which runs without), whether it committed, failed, or
// had its context canceled.
func TestInsertTxForeignKeys(t *testing.T) {
	for _, tc := range []struct {
		name    string
		hook    func(cancel context.CancelFunc) error
		wantErr bool
	}{
		{"committed", func(context.CancelFunc) error { return nil }, false},
		{"failed", func(context.CancelFunc) error { return errors.New("injected") }, true},
		{"context canceled", func(cancel context.CancelFunc) error { cancel(); return nil }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := openInternal(t, storetest.SQLiteURL(t), storetest.NewSealer(t))
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			s.afterGroupsPlanned = func() error { return tc.hook(cancel) }
			_, err := s.InsertEventGroups(ctx, [][]store.Event{{groupEvent("a", `{"a":1}`)}})
			if (err != nil) != tc.wantErr {
				t.Fatalf("InsertEventGroups: %v, want error %v", err, tc.wantErr)
			}
			var on int
			if err := s.w.QueryRowContext(t.Context(), "PRAGMA foreign_keys").Scan(&on); err != nil || on != 1 {
				t.Errorf("writer's foreign_keys = %d, %v; want 1", on, err)
			}
			_, err = s.w.ExecContext(t.Context(),
				`INSERT INTO event_products (product, event_time, event_id) VALUES ('p', 't', 'no such event')`)
			if err == nil {
				t.Error("product row for a missing event inserted, want a foreign key error")
			}
		})
	}
}

// TestInsertPreparedIncomplete checks that insertPrepared fails, rather than reporting a
// conflict or dropping a row, when the database does not insert a row it was given: an
// event that breaks a CHECK constraint, and a product row twice. On SQLite INSERT OR
// IGNORE skips those rows (insertEventsQuery); on PostgreSQL the statement fails.
func TestInsertPreparedIncomplete(t *testing.T) {
	for _, db := range []struct {
		name string
		url  func(testing.TB) string
	}{{"sqlite", storetest.SQLiteURL}, {"postgres", storetest.PostgresURL}} {
		for _, tc := range []struct {
			name  string
			spoil func(p *preparedEvent)
		}{
			{"event breaks a CHECK", func(p *preparedEvent) { p.args[14] = "NOT A STATUS" }},
			{"product row twice", func(p *preparedEvent) { p.products = append(p.products, p.products[0]) }},
		} {
			t.Run(db.name+"/"+tc.name, func(t *testing.T) {
				s := openInternal(t, db.url(t), storetest.NewSealer(t))
				e := groupEvent("a", `{"a":1}`)
				p, err := s.prepareEvent(&e, s.now())
				if err != nil {
					t.Fatal(err)
				}
				tc.spoil(p)
				err = s.inInsertTx(t.Context(), func(tx *sql.Tx) error {
					results, err := s.insertPrepared(t.Context(), tx, []*preparedEvent{p})
					if err == nil {
						t.Errorf("insertPrepared = %+v, want an error", results)
					}
					return err
				})
				if err == nil {
					t.Fatal("inInsertTx committed")
				}
				checkPrivate(t, s, "a", "")
			})
		}
	}
}
