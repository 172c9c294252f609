// Package sqlstore implements store.Store over database/sql, on SQLite (modernc.org/sqlite,
// no cgo) for development and tests, and on PostgreSQL (pgx) for production. The schema
// is created and upgraded by versioned migrations when the store is opened.
package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/provenant/provenant/store"
)

var _ store.Store = (*Store)(nil)

// Store is a store.Store on SQLite or PostgreSQL. It is safe for concurrent use.
type Store struct {
	dialect dialect
	// w runs transactions and writes. On SQLite it is a single connection, so writers
	// queue in the process instead of contending for the file lock.
	w *sql.DB
	// r runs reads. On SQLite it is a pool of read-only connections (WAL lets them read
	// while the writer writes); on PostgreSQL it is w.
	r      *sql.DB
	sealer *store.Sealer
	log    *slog.Logger
	now    func() time.Time

	// afterGroupsPlanned, when set by a test, runs in InsertEventGroups' transaction each
	// time the groups are planned, before their events are inserted; an error it returns
	// fails the transaction attempt.
	afterGroupsPlanned func() error

	// stmts caches the writer's prepared inserts on SQLite; nil on PostgreSQL.
	stmts *stmtCache
}

// Open opens the database at rawURL and brings its schema up to date. rawURL is
// sqlite://PATH (sqlite://./data/provenant.db, relative to the working directory, or
// sqlite:///abs/path.db; missing parent directories are created) or a PostgreSQL URL
// (postgres://user@host:5432/db?sslmode=disable, or postgresql://…).
func Open(ctx context.Context, rawURL string, opts ...Option) (*Store, error) {
	cfg := defaultConfig()
	for _, opt := range opts {
		if err := opt(&cfg); err != nil {
			return nil, fmt.Errorf("sqlstore: %w", err)
		}
	}
	t, err := parseURL(rawURL)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: %w", err)
	}
	s := &Store{dialect: t.dialect, sealer: cfg.sealer, log: cfg.logger, now: cfg.now}
	switch t.dialect {
	case dialectSQLite:
		err = s.openSQLite(ctx, t.path, cfg)
	case dialectPostgres:
		err = s.openPostgres(ctx, t, cfg)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlstore: %w", err)
	}
	if err := migrate(ctx, s.w, s.dialect, s.log); err != nil {
		s.Close()
		return nil, fmt.Errorf("sqlstore: %w", err)
	}
	if t.dialect == dialectSQLite {
		// Statements are prepared on the schema the migrations made.
		if s.stmts, err = newStmtCache(ctx, s.w, cachedInserts(s.dialect)); err != nil {
			s.Close()
			return nil, fmt.Errorf("sqlstore: %w", err)
		}
		// Readers open after migrations: the first one may have just created the file.
		if err := s.r.PingContext(ctx); err != nil {
			s.Close()
			return nil, fmt.Errorf("sqlstore: open SQLite readers on %s: %w", t.path, err)
		}
	}
	return s, nil
}

// SQLite settings of the writer connection, the only one that writes.
// Measured with BenchmarkInsertEventGroupsAtScale (256 single-event groups
// per transaction into a store of 200,000 events with random IDs, as ingest
// writes): together they raise the rate from about 5,800–6,100 to 7,500
// events/s and cut the CPU per event by about a sixth (docs/measurements.md).
// At that size every insert lands on its own leaf page of the ID and
// product indexes, so reading, caching and writing pages is the cost.
const (
	// sqliteCacheKiB is the writer's page cache (SQLite's default is 2 MiB):
	// room for the index pages that inserts and the duplicate checks visit.
	sqliteCacheKiB = 64 << 10
	// sqliteAutoCheckpoint is the WAL size, in pages, that triggers a
	// checkpoint (default 1000): fewer checkpoints copy a page changed by
	// several transactions to the database once.
	sqliteAutoCheckpoint = 16384
	// sqliteMmapBytes maps the database file for reads on every connection,
	// instead of a read system call per page that is not cached.
	sqliteMmapBytes = 1 << 30
)

// Larger pages than SQLite's 4 KiB were measured too: 16 KiB pages help an
// empty store (fewer WAL frames for the same rows) and hurt a large one,
// where each random index insert then writes a 16 KiB frame.

func (s *Store) openSQLite(ctx context.Context, path string, cfg config) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return fmt.Errorf("create directory for SQLite database: %w", err)
	}
	busy := strconv.FormatInt(cfg.busyTimeout.Milliseconds(), 10)
	common := url.Values{"_busy_timeout": {busy}, "_foreign_keys": {"1"}}

	mmap := "mmap_size(" + strconv.Itoa(sqliteMmapBytes) + ")"
	wq := url.Values{
		"_journal_mode": {"WAL"}, "_synchronous": {"FULL"}, "_txlock": {"immediate"},
		"_pragma": {
			"cache_size(-" + strconv.Itoa(sqliteCacheKiB) + ")",
			"wal_autocheckpoint(" + strconv.Itoa(sqliteAutoCheckpoint) + ")",
			mmap,
		},
	}
	rq := url.Values{"_query_only": {"1"}, "_pragma": {mmap}}
	for k, v := range common {
		wq[k], rq[k] = v, v
	}
	w, err := sql.Open("sqlite", path+"?"+wq.Encode())
	if err != nil {
		return fmt.Errorf("open SQLite %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxIdleTime(0)
	w.SetConnMaxLifetime(0)
	if err := pingSQLite(ctx, w, cfg.busyTimeout); err != nil {
		w.Close()
		return fmt.Errorf("open SQLite %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", path+"?"+rq.Encode())
	if err != nil {
		w.Close()
		return fmt.Errorf("open SQLite %s: %w", path, err)
	}
	r.SetMaxOpenConns(cfg.maxOpenConns)
	r.SetMaxIdleConns(cfg.maxOpenConns)
	s.w, s.r = w, r
	s.log.Debug("opened SQLite store", "path", path)
	return nil
}

// pingSQLite opens the first connection, which switches a new database to
// WAL. SQLite answers SQLITE_BUSY at once, without the busy handler, when
// another process switches the same new file at the same moment: retry
// that for up to the busy timeout.
func pingSQLite(ctx context.Context, db *sql.DB, busyTimeout time.Duration) error {
	deadline := time.Now().Add(busyTimeout)
	for pause := 5 * time.Millisecond; ; pause = min(2*pause, 200*time.Millisecond) {
		err := db.PingContext(ctx)
		if err == nil || !strings.Contains(err.Error(), "SQLITE_BUSY") && !strings.Contains(err.Error(), "database is locked") || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pause):
		}
	}
}

func (s *Store) openPostgres(ctx context.Context, t target, cfg config) error {
	pg := t.pg
	if _, ok := pg.RuntimeParams["application_name"]; !ok {
		pg.RuntimeParams["application_name"] = "provenant"
	}
	db := stdlib.OpenDB(*pg)
	db.SetMaxOpenConns(cfg.maxOpenConns)
	db.SetMaxIdleConns(cfg.maxOpenConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	where := fmt.Sprintf("%s:%d/%s", pg.Host, pg.Port, pg.Database)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return fmt.Errorf("connect to PostgreSQL at %s: %w", where, err)
	}
	s.w, s.r = db, db
	s.log.Debug("opened PostgreSQL store", "database", where)
	return nil
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.w.PingContext(ctx); err != nil {
		return fmt.Errorf("ping: %w", err)
	}
	if s.r != s.w {
		if err := s.r.PingContext(ctx); err != nil {
			return fmt.Errorf("ping readers: %w", err)
		}
	}
	return nil
}

// Close closes the database connections.
func (s *Store) Close() error {
	var errS error
	if s.stmts != nil {
		errS = s.stmts.close()
	}
	var errR error
	if s.r != s.w {
		errR = s.r.Close()
	}
	return errors.Join(errS, s.w.Close(), errR)
}

// maxTxAttempts bounds how often a transaction that PostgreSQL aborted as a deadlock
// victim or serialization failure is run again.
const maxTxAttempts = 3

// inTx runs fn in a write transaction, committing when it returns nil. fn may run more
// than once on PostgreSQL (see maxTxAttempts), so it must not keep state across runs.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return s.retryTx(ctx, func() error { return runTx(ctx, s.w, fn) })
}

// inInsertTx is inTx for the transactions that insert new events and their product rows,
// and nothing else. On SQLite it runs them with foreign key enforcement off: a foreign
// key that is not deferred makes SQLite keep a statement journal for every multi-row
// statement (see insertEventsQuery), about a fifth of the store's time per event at
// 200,000 stored events. Nothing is lost: the events are inserted without a batch, and
// each product row names an event inserted before it in the same transaction. Every
// other transaction, and every other connection, keeps enforcement on.
func (s *Store) inInsertTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if s.dialect != dialectSQLite {
		return s.inTx(ctx, fn)
	}
	return s.retryTx(ctx, func() (err error) {
		conn, err := s.w.Conn(ctx)
		if err != nil {
			return fmt.Errorf("writer connection: %w", err)
		}
		defer conn.Close()
		// The pragma does nothing inside a transaction, so it is set on the connection
		// before the transaction begins, and checked back after it ends.
		if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
			return fmt.Errorf("foreign keys off: %w", err)
		}
		defer func() {
			if rerr := restoreForeignKeys(context.WithoutCancel(ctx), conn); rerr != nil {
				// A connection without enforcement must not serve other writes:
				// database/sql closes one whose Raw returns driver.ErrBadConn.
				_ = conn.Raw(func(any) error { return driver.ErrBadConn })
				err = errors.Join(err, rerr)
			}
		}()
		return runTx(ctx, conn, fn)
	})
}

// restoreForeignKeys turns SQLite's foreign key enforcement back on, on conn, and checks
// that it is on.
func restoreForeignKeys(ctx context.Context, conn *sql.Conn) error {
	var on int
	if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = ON"); err != nil {
		return fmt.Errorf("foreign keys on: %w", err)
	}
	if err := conn.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&on); err != nil {
		return fmt.Errorf("foreign keys on: %w", err)
	}
	if on != 1 {
		return errors.New("foreign keys on: still off after the transaction")
	}
	return nil
}

// retryTx calls run, which runs one transaction, again when PostgreSQL aborted it as a
// deadlock victim or serialization failure, up to maxTxAttempts times.
func (s *Store) retryTx(ctx context.Context, run func() error) error {
	for attempt := 1; ; attempt++ {
		err := run()
		if err == nil || attempt == maxTxAttempts || !retryable(err) {
			return err
		}
		s.log.DebugContext(ctx, "retrying transaction", "attempt", attempt, "error", err)
	}
}

// txBeginner is what runTx begins a transaction on: the writer pool, or one of its
// connections.
type txBeginner interface {
	BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error)
}

// runTx runs fn in a transaction begun on db, committing when fn returns nil and rolling
// back otherwise.
func runTx(ctx context.Context, db txBeginner, fn func(tx *sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// retryable reports whether err is a PostgreSQL deadlock or serialization failure, after
// which the whole transaction can run again.
func retryable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "40001" || pgErr.Code == "40P01")
}

// q rebinds a query for the store's dialect.
func (s *Store) q(query string) string { return s.dialect.rebind(query) }

// clampLimit applies store.DefaultPageSize and store.MaxPageSize.
func clampLimit(limit int) int {
	switch {
	case limit <= 0:
		return store.DefaultPageSize
	case limit > store.MaxPageSize:
		return store.MaxPageSize
	}
	return limit
}

// rowsAffected returns the rows an Exec changed.
func rowsAffected(res sql.Result) (int64, error) {
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("rows affected: %w", err)
	}
	return n, nil
}

// getByIDs runs query once per chunk of idsPerRead of ids, without repeats, and returns
// the rows read with scan, keyed by key. query selects the columns scan reads and ends in
// "IN (": each chunk's placeholders and the closing parenthesis are appended. No IDs is an
// empty map, without a query.
func getByIDs[T any](ctx context.Context, s *Store, query string, ids []string,
	scan func(rowScanner) (T, error), key func(*T) string) (map[string]T, error) {
	unique := uniqueStrings(ids) // sorted, without repeats
	out := make(map[string]T, len(unique))
	err := chunks(unique, idsPerRead, func(chunk []string) error {
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := s.r.QueryContext(ctx, s.q(query+placeholders(len(chunk))+`)`), args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			v, err := scan(rows)
			if err != nil {
				return err
			}
			out[key(&v)] = v
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// notFound wraps store.ErrNotFound, and passes other errors through, for a single-row
// query.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return store.ErrNotFound
	}
	return err
}
