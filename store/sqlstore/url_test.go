package sqlstore

import (
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/provenant/provenant/store"
)

func TestParseURL(t *testing.T) {
	cwd, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		url     string
		dialect dialect
		path    string // SQLite file
		pg      string // PostgreSQL user@host:port/database
	}{
		{url: "sqlite://./data/provenant.db", dialect: dialectSQLite, path: filepath.Join(cwd, "data", "provenant.db")},
		{url: "sqlite://provenant.db", dialect: dialectSQLite, path: filepath.Join(cwd, "provenant.db")},
		{url: "sqlite://../up/x.db", dialect: dialectSQLite, path: filepath.Join(filepath.Dir(cwd), "up", "x.db")},
		{url: "sqlite:///var/lib/provenant/provenant.db", dialect: dialectSQLite, path: "/var/lib/provenant/provenant.db"},
		{url: "SQLite:///abs/with space.db", dialect: dialectSQLite, path: "/abs/with space.db"},
		{url: "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", dialect: dialectPostgres, pg: "postgres@127.0.0.1:5432/postgres"},
		{url: "postgresql://app:secret@db.internal/provenant", dialect: dialectPostgres, pg: "app@db.internal:5432/provenant"},
	}
	for _, tc := range tests {
		t.Run(tc.url, func(t *testing.T) {
			got, err := parseURL(tc.url)
			if err != nil {
				t.Fatalf("parseURL: %v", err)
			}
			if got.dialect != tc.dialect || got.path != tc.path {
				t.Errorf("parseURL = %v %q, want %v %q", got.dialect, got.path, tc.dialect, tc.path)
			}
			if tc.pg != "" {
				if pg := got.pg.User + "@" + got.pg.Host + ":" + strconv.Itoa(int(got.pg.Port)) + "/" + got.pg.Database; pg != tc.pg {
					t.Errorf("PostgreSQL target %s, want %s", pg, tc.pg)
				}
			}
		})
	}
}

func TestParseURLErrors(t *testing.T) {
	tests := []struct{ name, url, says string }{
		{"empty", "", "sqlite://PATH"},
		{"bare path", "./data/provenant.db", "sqlite://PATH"},
		{"unknown scheme", "mysql://localhost/db", `"mysql"`},
		{"sqlite without path", "sqlite://", "no path"},
		{"sqlite with query", "sqlite://x.db?mode=ro", "query"},
		{"sqlite with fragment", "sqlite://x.db#frag", "query"},
		{"sqlite in memory", "sqlite://:memory:", "only file paths"},
		{"sqlite URI", "sqlite://file:x.db", "only file paths"},
		{"sqlite directory", "sqlite:///tmp/dir/", "directory"},
		{"postgres bad port", "postgres://u:s3cret@localhost:notaport/db", "PostgreSQL URL"},
		{"postgres bad option", "postgres://u:s3cret@localhost/db?sslmode=sometimes", "PostgreSQL URL"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseURL(tc.url)
			if !errors.Is(err, store.ErrInvalid) || !strings.Contains(err.Error(), tc.says) {
				t.Errorf("parseURL(%q) error = %v; want ErrInvalid saying %q", tc.url, err, tc.says)
			}
			if err != nil && strings.Contains(err.Error(), "s3cret") {
				t.Errorf("error repeats the password: %v", err)
			}
		})
	}
}
