package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// stmtCache holds prepared statements of the SQLite writer connection, by query text, for
// the multi-row inserts that ingest makes for every batch. SQLite compiles a statement
// afresh for every call that is not prepared, and a 512-row INSERT of events has about
// 10,000 placeholders: a few microseconds per row, in the store's serial stage.
//
// The statements are prepared when the store opens, for every row count that pow2Chunks
// makes: a transaction holds the writer's only connection, so nothing could be prepared
// on it meanwhile. PostgreSQL needs no such cache: pgx keeps prepared statements per
// connection itself.
type stmtCache struct {
	stmts map[string]*sql.Stmt // read-only once built
}

// cachedInserts returns the texts stmtCache prepares: the inserts of events and products
// for each power-of-two row count up to their limits.
func cachedInserts(d dialect) []string {
	var qs []string
	for n := 1; n <= eventsPerStatement; n *= 2 {
		qs = append(qs, insertEventsQuery(d, n))
	}
	for n := 1; n <= productsPerStatement; n *= 2 {
		qs = append(qs, insertProductsQuery(d, n))
	}
	return qs
}

func newStmtCache(ctx context.Context, db *sql.DB, queries []string) (*stmtCache, error) {
	c := &stmtCache{stmts: make(map[string]*sql.Stmt, len(queries))}
	for _, q := range queries {
		st, err := db.PrepareContext(ctx, q)
		if err != nil {
			c.close()
			return nil, fmt.Errorf("prepare insert: %w", err)
		}
		c.stmts[q] = st
	}
	return c, nil
}

// stmt returns query prepared for tx, or nil when it is not cached. On the writer's one
// connection, the transaction's statement runs the one prepared at open; it ends with the
// transaction, the prepared one stays.
func (c *stmtCache) stmt(ctx context.Context, tx *sql.Tx, query string) *sql.Stmt {
	st, ok := c.stmts[query]
	if !ok {
		return nil
	}
	return tx.StmtContext(ctx, st)
}

// close closes every statement.
func (c *stmtCache) close() error {
	var errs []error
	for _, st := range c.stmts {
		errs = append(errs, st.Close())
	}
	return errors.Join(errs...)
}

// txQuery runs query, already rebound, in tx: through the cached prepared statement on
// SQLite when there is one, else directly.
func (s *Store) txQuery(ctx context.Context, tx *sql.Tx, query string, args ...any) (*sql.Rows, error) {
	if s.stmts != nil {
		if st := s.stmts.stmt(ctx, tx, query); st != nil {
			return st.QueryContext(ctx, args...)
		}
	}
	return tx.QueryContext(ctx, query, args...)
}

// txExec is txQuery for a statement that returns no rows.
func (s *Store) txExec(ctx context.Context, tx *sql.Tx, query string, args ...any) (sql.Result, error) {
	if s.stmts != nil {
		if st := s.stmts.stmt(ctx, tx, query); st != nil {
			return st.ExecContext(ctx, args...)
		}
	}
	return tx.ExecContext(ctx, query, args...)
}

// pow2Chunks calls fn with consecutive slices of v, each as long as the largest power of
// two that is at most max (itself a power of two) and at most what is left: a few
// statement texts serve every length, so that stmtCache stays small.
func pow2Chunks[T any](v []T, max int, fn func([]T) error) error {
	for len(v) > 0 {
		n := max
		for n > len(v) {
			n >>= 1
		}
		if err := fn(v[:n]); err != nil {
			return err
		}
		v = v[n:]
	}
	return nil
}
