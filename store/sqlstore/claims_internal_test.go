package sqlstore

import (
	"database/sql"
	"log/slog"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/stdlib"

	"github.com/provenant/provenant/store"
	"github.com/provenant/provenant/store/storetest"
)

// TestClaimsMigrationUpgrade upgrades a database at schema version 1 that holds events to
// the claims schema: they come out unclaimed and in the queue.
func TestClaimsMigrationUpgrade(t *testing.T) {
	for _, tc := range []struct {
		name string
		url  func(testing.TB) string
	}{{"sqlite", storetest.SQLiteURL}, {"postgres", storetest.PostgresURL}} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := t.Context()
			url := tc.url(t)
			target, err := parseURL(url)
			if err != nil {
				t.Fatal(err)
			}
			var db *sql.DB
			if target.dialect == dialectSQLite {
				db, err = sql.Open("sqlite", target.path)
				if err != nil {
					t.Fatal(err)
				}
			} else {
				db = stdlib.OpenDB(*target.pg)
			}
			defer db.Close()
			ms, err := loadMigrations(target.dialect)
			if err != nil {
				t.Fatal(err)
			}
			if err := applyMigration(ctx, db, target.dialect, ms[0], 1, slog.New(slog.DiscardHandler)); err != nil {
				t.Fatalf("apply version 1: %v", err)
			}
			sealer := storetest.NewSealer(t)
			v1 := &Store{dialect: target.dialect, sealer: sealer}
			received := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
			for i, id := range []string{"e2", "e1"} {
				e := groupEvent(id, `{"lot":"`+id+`"}`)
				e.ReceivedAt = received.Add(time.Duration(1-i) * time.Second) // e1 first
				p, err := v1.prepareEvent(&e, time.Now())
				if err != nil {
					t.Fatal(err)
				}
				if _, err := db.ExecContext(ctx, v1.q(insertEventsPrefix+valuesList(1, eventParams)), p.args...); err != nil {
					t.Fatalf("insert at version 1: %v", err)
				}
			}

			s := openInternal(t, url, sealer)
			var version int
			if err := db.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&version); err != nil || version != len(ms) {
				t.Fatalf("schema version after Open = %d, %v; want %d", version, err, len(ms))
			}
			events, err := s.ClaimEvents(ctx, "prover", 10, time.Minute)
			if err != nil || len(events) != 2 || events[0].ID != "e1" || string(events[1].Private) != `{"lot":"e2"}` {
				t.Fatalf("ClaimEvents after the upgrade = %+v, %v; want e1 and e2 with their payloads", events, err)
			}
			// The constraint added with the columns holds: a claim has both an owner and an
			// expiry.
			if _, err := db.ExecContext(ctx, v1.q(`UPDATE events SET claim_expires = NULL WHERE id = ?`), "e1"); err == nil {
				t.Error("an owner without an expiry was stored")
			}
			if err := s.CreateBatch(ctx, "prover", store.Batch{
				ID: "b1", Circuit: "c", CircuitVersion: "1", Size: 2, Root: "0x01", Proof: []byte{1},
			}, []store.BatchMember{{EventID: "e1", Leaf: "0x02", BlindedCommitment: "0x03"}}); err != nil {
				t.Fatalf("CreateBatch after the upgrade: %v", err)
			}
		})
	}
}
