package sqlstore

import (
	"errors"
	"log/slog"
	"time"

	"github.com/provenant/provenant/store"
)

// config holds what the options set.
type config struct {
	sealer       *store.Sealer
	logger       *slog.Logger
	maxOpenConns int
	busyTimeout  time.Duration
	now          func() time.Time
}

func defaultConfig() config {
	return config{
		logger:       slog.New(slog.DiscardHandler),
		maxOpenConns: 10,
		busyTimeout:  10 * time.Second,
		now:          time.Now,
	}
}

// Option configures Open.
type Option func(*config) error

// WithSealer sets the Sealer that seals and opens private payloads and computes content
// digests. Without one, the store reads events with a nil Private and refuses to insert
// (store.ErrNoSealer): services that only read public data need not hold the key.
func WithSealer(s *store.Sealer) Option {
	return func(c *config) error {
		if s == nil {
			return errors.New("WithSealer: nil sealer")
		}
		c.sealer = s
		return nil
	}
}

// WithLogger sets the logger for migrations and notable events. The default discards.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("WithLogger: nil logger")
		}
		c.logger = l
		return nil
	}
}

// WithMaxOpenConns sets the largest number of open connections: the pool on PostgreSQL,
// the readers on SQLite (which always writes through one connection). The default is 10.
func WithMaxOpenConns(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return errors.New("WithMaxOpenConns: need at least 1 connection")
		}
		c.maxOpenConns = n
		return nil
	}
}

// WithBusyTimeout sets how long SQLite waits for a lock held by another process before
// failing. The default is 10s. PostgreSQL ignores it.
func WithBusyTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d < time.Millisecond {
			return errors.New("WithBusyTimeout: timeout must be at least 1ms")
		}
		c.busyTimeout = d
		return nil
	}
}

// WithClock sets the clock that stamps received, updated and created times, and that
// starts and ends claims (store.ClaimStore). The default is time.Now.
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return errors.New("WithClock: nil clock")
		}
		c.now = now
		return nil
	}
}
