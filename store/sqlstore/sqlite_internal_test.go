package sqlstore

import (
	"database/sql"
	"path/filepath"
	"testing"
)

// TestSQLiteSettings checks the settings each SQLite connection gets: the
// writer's cache, checkpoint interval and memory map, the readers' memory
// map and read-only mode, and WAL with full sync.
func TestSQLiteSettings(t *testing.T) {
	s, err := Open(t.Context(), "sqlite://"+filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	pragma := func(t *testing.T, db *sql.DB, name string) int64 {
		t.Helper()
		var v int64
		if err := db.QueryRowContext(t.Context(), "PRAGMA "+name).Scan(&v); err != nil {
			t.Fatalf("PRAGMA %s: %v", name, err)
		}
		return v
	}
	var mode string
	if err := s.w.QueryRowContext(t.Context(), "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
	tests := []struct {
		conn string
		db   *sql.DB
		name string
		want int64
	}{
		{"writer", s.w, "cache_size", -sqliteCacheKiB},
		{"writer", s.w, "wal_autocheckpoint", sqliteAutoCheckpoint},
		{"writer", s.w, "mmap_size", sqliteMmapBytes},
		{"writer", s.w, "synchronous", 2}, // FULL
		{"writer", s.w, "query_only", 0},
		{"reader", s.r, "mmap_size", sqliteMmapBytes},
		{"reader", s.r, "query_only", 1},
	}
	for _, tc := range tests {
		t.Run(tc.conn+"/"+tc.name, func(t *testing.T) {
			if got := pragma(t, tc.db, tc.name); got != tc.want {
				t.Errorf("PRAGMA %s on the %s = %d, want %d", tc.name, tc.conn, got, tc.want)
			}
		})
	}
}
