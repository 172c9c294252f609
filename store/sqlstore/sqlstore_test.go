package sqlstore_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver for raw access

	"github.com/provenant/provenant/store"
	"github.com/provenant/provenant/store/sqlstore"
	"github.com/provenant/provenant/store/storetest"
)

// backend is a database the tests run against.
type backend struct {
	name string
	// newURL returns the URL of a new, empty database, removed after the test.
	newURL func(testing.TB) string
}

func backends() []backend {
	return []backend{
		{"sqlite", storetest.SQLiteURL},
		{"postgres", storetest.PostgresURL},
	}
}

// forEachBackend runs fn as a subtest per backend, with a new database's URL.
func forEachBackend(t *testing.T, fn func(t *testing.T, url string)) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) { fn(t, b.newURL(t)) })
	}
}

// open opens url and closes the store after the test.
func open(tb testing.TB, url string, opts ...sqlstore.Option) *sqlstore.Store {
	tb.Helper()
	s, err := sqlstore.Open(context.Background(), url, opts...)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return s
}

// rawDB opens the database behind a store URL directly, for the checks that look under
// the store.
func rawDB(tb testing.TB, url string) *sql.DB {
	tb.Helper()
	var db *sql.DB
	var err error
	if path, ok := strings.CutPrefix(url, "sqlite://"); ok {
		db, err = sql.Open("sqlite", path)
	} else {
		db, err = sql.Open("pgx", url)
	}
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func event(id, private string) store.Event {
	return store.Event{
		ID:        id,
		Type:      "ObjectEvent",
		Action:    "OBSERVE",
		EventTime: time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC),
		Products:  []string{"urn:epc:id:sgtin:0614141.107346.2017"},
		Supplier:  strings.Repeat("5a", 32),
		Claims:    []byte(`{"eventID":"` + id + `","note":"PUBLIC-CLAIM-MARKER"}`),
		Private:   []byte(private),
	}
}

func TestConformance(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			storetest.Run(t, func(t *testing.T) store.Store {
				s, err := sqlstore.Open(t.Context(), b.newURL(t), sqlstore.WithSealer(storetest.NewSealer(t)))
				if err != nil {
					t.Fatalf("Open: %v", err)
				}
				return s
			})
		})
	}
}

func TestClaimsConformance(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			storetest.RunClaims(t, func(t *testing.T, now func() time.Time) store.Store {
				s, err := sqlstore.Open(t.Context(), b.newURL(t), sqlstore.WithSealer(storetest.NewSealer(t)), sqlstore.WithClock(now))
				if err != nil {
					t.Fatalf("Open: %v", err)
				}
				return s
			})
		})
	}
}

func TestPublicReadsConformance(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			storetest.RunPublicReads(t, func(t *testing.T) storetest.Opener {
				url := b.newURL(t)
				return func(sealer *store.Sealer) (store.Store, error) {
					var opts []sqlstore.Option
					if sealer != nil {
						opts = append(opts, sqlstore.WithSealer(sealer))
					}
					s, err := sqlstore.Open(t.Context(), url, opts...)
					if err != nil {
						return nil, err
					}
					return s, nil
				}
			})
		})
	}
}

func TestMigrationsRerunIsNoOp(t *testing.T) {
	forEachBackend(t, func(t *testing.T, url string) {
		ctx := t.Context()
		sealer := storetest.NewSealer(t)
		s := open(t, url, sqlstore.WithSealer(sealer))
		if _, err := s.InsertEvent(ctx, event("e1", `{"x":1}`)); err != nil {
			t.Fatal(err)
		}
		db := rawDB(t, url)
		type row struct {
			version   int
			appliedAt string
		}
		readVersions := func() []row {
			t.Helper()
			rows, err := db.QueryContext(ctx, `SELECT version, CAST(applied_at AS TEXT) FROM schema_migrations ORDER BY version`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var out []row
			for rows.Next() {
				var r row
				if err := rows.Scan(&r.version, &r.appliedAt); err != nil {
					t.Fatal(err)
				}
				out = append(out, r)
			}
			return out
		}
		before := readVersions()
		if len(before) == 0 || before[0].version != 1 {
			t.Fatalf("schema_migrations = %v, want version 1 recorded", before)
		}
		for range 2 {
			again := open(t, url, sqlstore.WithSealer(sealer))
			if _, err := again.GetEvent(ctx, "e1"); err != nil {
				t.Fatalf("GetEvent after reopening: %v", err)
			}
		}
		if after := readVersions(); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Errorf("schema_migrations changed by reopening: %v, then %v", before, after)
		}
	})
}

func TestConcurrentOpen(t *testing.T) {
	forEachBackend(t, func(t *testing.T, url string) {
		const n = 8
		var wg sync.WaitGroup
		errs := make([]error, n)
		stores := make([]*sqlstore.Store, n)
		for i := range n {
			wg.Go(func() { stores[i], errs[i] = sqlstore.Open(t.Context(), url) })
		}
		wg.Wait()
		for i := range n {
			if errs[i] != nil {
				t.Errorf("Open %d: %v", i, errs[i])
				continue
			}
			stores[i].Close()
		}
		var count, latest int
		if err := rawDB(t, url).QueryRowContext(t.Context(), `SELECT COUNT(*), MAX(version) FROM schema_migrations`).
			Scan(&count, &latest); err != nil {
			t.Fatal(err)
		}
		if count != latest || count < 2 {
			t.Errorf("schema_migrations has %d rows up to version %d after %d concurrent opens, want one per version, at least 2", count, latest, n)
		}
	})
}

func TestSchemaNewerThanProgram(t *testing.T) {
	forEachBackend(t, func(t *testing.T, url string) {
		open(t, url)
		if _, err := rawDB(t, url).ExecContext(t.Context(),
			`INSERT INTO schema_migrations (version, applied_at) VALUES (999, CURRENT_TIMESTAMP)`); err != nil {
			t.Fatal(err)
		}
		s, err := sqlstore.Open(t.Context(), url)
		if err == nil {
			s.Close()
			t.Fatal("Open of a database migrated by a newer program succeeded")
		}
		if !strings.Contains(err.Error(), "newer") {
			t.Errorf("Open error = %v, want it to say the schema is newer", err)
		}
	})
}

// TestPrivatePayloadNotInDatabase looks under the store for a distinctive private value:
// in the SQLite database and WAL files, and in every column of every PostgreSQL table.
func TestPrivatePayloadNotInDatabase(t *testing.T) {
	secret := "PRIVATE-" + rand.Text()
	secrets := []string{secret, secret + "-CONFLICT", secret + "-BATCH"}
	insert := func(t *testing.T, s *sqlstore.Store) {
		t.Helper()
		ctx := t.Context()
		private := `{"readPoint":"urn:epc:id:sgln:0614141.00777.0","sensor":"` + secrets[0] + `"}`
		if _, err := s.InsertEvent(ctx, event("e1", private)); err != nil {
			t.Fatal(err)
		}
		_, err := s.InsertEvent(ctx, event("e1", `{"sensor":"`+secrets[1]+`"}`))
		if !errors.Is(err, store.ErrConflict) {
			t.Fatalf("conflicting insert: %v, want ErrConflict", err)
		}
		if _, err := s.InsertEvents(ctx, []store.Event{event("e2", `{"sensor":"`+secrets[2]+`"}`)}); err != nil {
			t.Fatal(err)
		}
		got, err := s.GetEvent(ctx, "e1")
		if err != nil || string(got.Private) != private {
			t.Fatalf("GetEvent = %q, %v; want the private payload back", got.Private, err)
		}
	}
	// check fails the test if a secret appears in haystack, in clear or in hex (how
	// PostgreSQL prints bytea), and if the public marker does not, which would mean the
	// scan saw nothing.
	check := func(t *testing.T, where string, haystack []byte) {
		t.Helper()
		lower := bytes.ToLower(haystack)
		for _, s := range secrets {
			if bytes.Contains(haystack, []byte(s)) || bytes.Contains(lower, []byte(hex.EncodeToString([]byte(s)))) {
				t.Errorf("%s contains the private value %q", where, s)
			}
		}
		if !bytes.Contains(haystack, []byte("PUBLIC-CLAIM-MARKER")) {
			t.Errorf("%s does not contain the public claims either: the scan read nothing useful", where)
		}
	}

	t.Run("sqlite", func(t *testing.T) {
		url := storetest.SQLiteURL(t)
		path := strings.TrimPrefix(url, "sqlite://")
		s, err := sqlstore.Open(t.Context(), url, sqlstore.WithSealer(storetest.NewSealer(t)))
		if err != nil {
			t.Fatal(err)
		}
		insert(t, s)
		files := func() []byte {
			var all []byte
			for _, p := range []string{path, path + "-wal", path + "-shm"} {
				b, err := os.ReadFile(p)
				if err != nil && !errors.Is(err, os.ErrNotExist) {
					t.Fatal(err)
				}
				all = append(all, b...)
			}
			return all
		}
		if _, err := os.Stat(path + "-wal"); err != nil {
			t.Errorf("no WAL file while the store is open: %v", err)
		}
		check(t, "the SQLite files of the open store", files())
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		check(t, "the SQLite files after close", files())
	})

	t.Run("postgres", func(t *testing.T) {
		url := storetest.PostgresURL(t)
		insert(t, open(t, url, sqlstore.WithSealer(storetest.NewSealer(t))))
		db := rawDB(t, url)
		rows, err := db.QueryContext(t.Context(), `SELECT table_name FROM information_schema.tables
			WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`)
		if err != nil {
			t.Fatal(err)
		}
		var tables []string
		for rows.Next() {
			var name string
			if err := rows.Scan(&name); err != nil {
				t.Fatal(err)
			}
			tables = append(tables, name)
		}
		rows.Close()
		if len(tables) < 7 {
			t.Fatalf("found tables %v, want the store's tables", tables)
		}
		var dump bytes.Buffer
		for _, table := range tables {
			// A whole-row cast to text prints every column, bytea in hex.
			rows, err := db.QueryContext(t.Context(), fmt.Sprintf(`SELECT t::text FROM %q t`, table))
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var line string
				if err := rows.Scan(&line); err != nil {
					t.Fatal(err)
				}
				dump.WriteString(line + "\n")
			}
			rows.Close()
		}
		check(t, "the PostgreSQL tables", dump.Bytes())
	})
}

func TestWrongKey(t *testing.T) {
	forEachBackend(t, func(t *testing.T, url string) {
		ctx := t.Context()
		right := storetest.NewSealer(t)
		s := open(t, url, sqlstore.WithSealer(right))
		for _, id := range []string{"e1", "e2"} {
			if _, err := s.InsertEvent(ctx, event(id, `{"private":"`+id+`"}`)); err != nil {
				t.Fatal(err)
			}
		}
		wrong := open(t, url, sqlstore.WithSealer(storetest.NewSealer(t)))
		_, err := wrong.GetEvent(ctx, "e1")
		if !errors.Is(err, store.ErrWrongKey) || !strings.Contains(err.Error(), right.KeyID()) {
			t.Errorf("GetEvent with the wrong key = %v, want ErrWrongKey naming key %s", err, right.KeyID())
		}
		_, err = wrong.ListEventsByProduct(ctx, "urn:epc:id:sgtin:0614141.107346.2017", store.Cursor{}, 0)
		wantIs(t, "ListEventsByProduct with the wrong key", err, store.ErrWrongKey)

		// A payload moved to another event's row does not open.
		if _, err := rawDB(t, url).ExecContext(ctx,
			`UPDATE events SET private_sealed = (SELECT private_sealed FROM events WHERE id = 'e1') WHERE id = 'e2'`); err != nil {
			t.Fatal(err)
		}
		_, err = s.GetEvent(ctx, "e2")
		wantIs(t, "GetEvent of a moved payload", err, store.ErrCorruptPayload)
		if e, err := s.GetEvent(ctx, "e1"); err != nil || string(e.Private) != `{"private":"e1"}` {
			t.Errorf("GetEvent with the right key = %q, %v", e.Private, err)
		}
	})
}

func TestWithoutSealer(t *testing.T) {
	forEachBackend(t, func(t *testing.T, url string) {
		ctx := t.Context()
		if _, err := open(t, url, sqlstore.WithSealer(storetest.NewSealer(t))).InsertEvent(ctx, event("e1", `{"a":1}`)); err != nil {
			t.Fatal(err)
		}
		reader := open(t, url)
		e, err := reader.GetEvent(ctx, "e1")
		if err != nil || e.Private != nil || string(e.Claims) != string(event("e1", "").Claims) {
			t.Errorf("GetEvent without a sealer = %+v, %v; want the public fields and no private payload", e, err)
		}
		_, err = reader.InsertEvent(ctx, event("e2", `{}`))
		wantIs(t, "InsertEvent without a sealer", err, store.ErrNoSealer)
		_, err = reader.InsertEvents(ctx, []store.Event{event("e2", `{}`)})
		wantIs(t, "InsertEvents without a sealer", err, store.ErrNoSealer)
		_, err = reader.InsertEventGroups(ctx, [][]store.Event{{event("e2", `{}`)}})
		wantIs(t, "InsertEventGroups without a sealer", err, store.ErrNoSealer)
		_, err = reader.ClaimEvents(ctx, "prover", 10, time.Minute)
		wantIs(t, "ClaimEvents without a sealer", err, store.ErrNoSealer)
		// Claims are bookkeeping that needs no key: renewing and releasing work.
		if ids, err := reader.RenewClaims(ctx, "prover", []string{"e1"}, time.Minute); err != nil || len(ids) != 0 {
			t.Errorf("RenewClaims without a sealer = %v, %v; want nothing held, nil", ids, err)
		}
		if err := reader.ReleaseClaims(ctx, "prover", []string{"e1"}); err != nil {
			t.Errorf("ReleaseClaims without a sealer: %v", err)
		}
	})
}

func TestOpenSQLitePaths(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	tests := []struct {
		url  string
		file string
	}{
		{"sqlite://./data/nested/provenant.db", filepath.Join(dir, "data", "nested", "provenant.db")},
		{"sqlite://plain.db", filepath.Join(dir, "plain.db")},
		{"sqlite://" + filepath.Join(dir, "abs", "dir", "x.db"), filepath.Join(dir, "abs", "dir", "x.db")},
	}
	for _, tc := range tests {
		t.Run(tc.url, func(t *testing.T) {
			s := open(t, tc.url)
			if err := s.Ping(t.Context()); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(tc.file); err != nil {
				t.Errorf("database file: %v", err)
			}
		})
	}
}

func TestOpenErrors(t *testing.T) {
	blocked := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocked, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		url     string
		opts    []sqlstore.Option
		invalid bool   // the error wraps store.ErrInvalid
		says    string // the error contains this
	}{
		{"empty", "", nil, true, "sqlite://"},
		{"unknown scheme", "mysql://localhost/db", nil, true, "mysql"},
		{"sqlite without path", "sqlite://", nil, true, "no path"},
		{"parent is a file", "sqlite://" + filepath.Join(blocked, "x.db"), nil, false, "directory"},
		{"unreachable postgres", "postgres://u:hunter2@127.0.0.1:1/db?sslmode=disable&connect_timeout=2", nil, false, "connect to PostgreSQL at 127.0.0.1:1/db"},
		{"nil sealer", "sqlite://" + filepath.Join(t.TempDir(), "x.db"), []sqlstore.Option{sqlstore.WithSealer(nil)}, false, "nil sealer"},
		{"zero connections", "sqlite://" + filepath.Join(t.TempDir(), "x.db"), []sqlstore.Option{sqlstore.WithMaxOpenConns(0)}, false, "at least 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := sqlstore.Open(t.Context(), tc.url, tc.opts...)
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			if errors.Is(err, store.ErrInvalid) != tc.invalid || !strings.Contains(err.Error(), tc.says) {
				t.Errorf("Open error = %v; want ErrInvalid %v, containing %q", err, tc.invalid, tc.says)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("Open error repeats the password: %v", err)
			}
		})
	}
}

func wantIs(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: error %v, want %v", what, err, target)
	}
}
