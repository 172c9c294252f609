package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/provenant/provenant/store"
)

// PostgresEnv names the environment variable with the URL of the PostgreSQL server tests
// use. Set it to "skip" to skip PostgreSQL tests.
const PostgresEnv = "PROVENANT_TEST_POSTGRES"

// DefaultPostgresURL is the test server used when PostgresEnv is unset: the local server
// with trust authentication.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// SQLiteURL returns a sqlite:// URL for a new database file in a temporary directory
// removed after the test.
func SQLiteURL(tb testing.TB) string {
	tb.Helper()
	return "sqlite://" + filepath.Join(tb.TempDir(), "provenant.db")
}

// PostgresURL creates a database with a random name on the test server (PostgresEnv) and
// returns its URL; the database is dropped after the test. The test is skipped when
// PostgresEnv is "skip", and fails, saying how to start the server, when it does not
// answer.
func PostgresURL(tb testing.TB) string {
	tb.Helper()
	admin := os.Getenv(PostgresEnv)
	switch admin {
	case "skip":
		tb.Skipf("PostgreSQL tests skipped: %s=skip", PostgresEnv)
	case "":
		admin = DefaultPostgresURL
	}
	u, err := url.Parse(admin)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		tb.Fatalf("%s must be a postgres:// URL", PostgresEnv)
	}
	cfg, err := pgx.ParseConfig(admin)
	if err != nil {
		tb.Fatalf("%s: %v", PostgresEnv, err)
	}
	db := stdlib.OpenDB(*cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		tb.Fatalf("PostgreSQL test server not reachable at %s:%d: %v\n"+
			"Start it (`make test` starts it), point %s at a running server, or set %s=skip to skip the PostgreSQL tests.",
			cfg.Host, cfg.Port, err, PostgresEnv, PostgresEnv)
	}
	var suffix [8]byte
	rand.Read(suffix[:])
	name := "provenant_test_" + hex.EncodeToString(suffix[:])
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		db.Close()
		tb.Fatalf("create test database: %v", err)
	}
	tb.Cleanup(func() {
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			tb.Errorf("drop test database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}

// NewSealer returns a Sealer with a new random key.
func NewSealer(tb testing.TB) *store.Sealer {
	tb.Helper()
	s, err := store.NewSealer(store.GenerateKey())
	if err != nil {
		tb.Fatal(err)
	}
	return s
}
