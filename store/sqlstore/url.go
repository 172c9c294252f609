package sqlstore

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/provenant/provenant/store"
)

// target is a parsed database URL.
type target struct {
	dialect dialect
	// path is the SQLite database file, absolute.
	path string
	// pg is the PostgreSQL connection configuration.
	pg *pgx.ConnConfig
}

// parseURL parses a database URL: sqlite://PATH (relative, as in sqlite://./data/x.db, or
// absolute, as in sqlite:///var/lib/x.db) or postgres://… / postgresql://… in libpq URL
// form. Errors wrap store.ErrInvalid and never repeat a PostgreSQL password.
func parseURL(raw string) (target, error) {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return target{}, fmt.Errorf("%w: database URL must look like sqlite://PATH or postgres://HOST/DB", store.ErrInvalid)
	}
	switch strings.ToLower(scheme) {
	case "sqlite":
		return parseSQLitePath(rest)
	case "postgres", "postgresql":
		cfg, err := pgx.ParseConfig(raw) // pgx redacts the password in its errors
		if err != nil {
			return target{}, fmt.Errorf("%w: PostgreSQL URL: %v", store.ErrInvalid, err)
		}
		return target{dialect: dialectPostgres, pg: cfg}, nil
	}
	return target{}, fmt.Errorf("%w: unsupported database URL scheme %q (want sqlite, postgres or postgresql)", store.ErrInvalid, scheme)
}

func parseSQLitePath(p string) (target, error) {
	switch {
	case p == "":
		return target{}, fmt.Errorf("%w: sqlite URL has no path (want sqlite://./data/provenant.db or sqlite:///abs/path.db)", store.ErrInvalid)
	case strings.ContainsAny(p, "?#"):
		return target{}, fmt.Errorf("%w: sqlite URL %q: query strings and fragments are not supported", store.ErrInvalid, p)
	case p == ":memory:" || strings.HasPrefix(p, "file:"):
		return target{}, fmt.Errorf("%w: sqlite URL %q: only file paths are supported", store.ErrInvalid, p)
	case strings.HasSuffix(p, "/"):
		return target{}, fmt.Errorf("%w: sqlite URL %q names a directory, not a database file", store.ErrInvalid, p)
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return target{}, fmt.Errorf("%w: sqlite path %q: %v", store.ErrInvalid, p, err)
	}
	return target{dialect: dialectSQLite, path: abs}, nil
}
