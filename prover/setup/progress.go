package setup

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// Option configures the functions of this package.
type Option func(*config)

// WithLogger sends the progress of every step to l (default: nowhere).
func WithLogger(l *slog.Logger) Option {
	return func(c *config) {
		if l != nil {
			c.log = l
		}
	}
}

// WithProgressEvery sets how often a long step logs that it is still
// running (default 10 s).
func WithProgressEvery(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.every = d
		}
	}
}

type config struct {
	log   *slog.Logger
	level slog.Level
	// prefix starts every message (the INSECURE label of dev setups).
	prefix string
	every  time.Duration
}

func newConfig(opts []Option) config {
	c := config{log: slog.New(slog.DiscardHandler), level: slog.LevelInfo, every: 10 * time.Second}
	for _, o := range opts {
		o(&c)
	}
	return c
}

// insecure returns the configuration of a single-party setup: every line
// is a warning that says INSECURE and carries insecure=true.
func (c config) insecure() config {
	c.log = c.log.With("insecure", true)
	c.level = slog.LevelWarn
	c.prefix = "INSECURE dev keys (single-party setup, not for production): "
	return c
}

func (c config) logf(ctx context.Context, msg string, attrs ...any) {
	c.log.Log(ctx, c.level, c.prefix+msg, attrs...)
}

// step runs fn, logging when it starts and ends with the time it took, and
// every c.every in between. Cancelling ctx returns at once; the computation
// in progress (a gnark call cannot be interrupted) finishes in the
// background and its result is dropped. A panic in fn (gnark panics on
// some inputs) becomes an error.
func (c config) step(ctx context.Context, name string, fn func() error, attrs ...any) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	start := time.Now()
	c.logf(ctx, name, append([]any{"status", "started"}, attrs...)...)
	done := make(chan error, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- fmt.Errorf("%s: %v", name, r)
			}
		}()
		done <- fn()
	}()
	tick := time.NewTicker(c.every)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			elapsed := time.Since(start).Round(time.Millisecond)
			if err != nil {
				c.log.Log(ctx, max(c.level, slog.LevelWarn), c.prefix+name, append([]any{"status", "failed", "elapsed", elapsed, "err", err}, attrs...)...)
				return err
			}
			c.logf(ctx, name, append([]any{"status", "done", "elapsed", elapsed}, attrs...)...)
			return nil
		case <-tick.C:
			c.logf(ctx, name, append([]any{"status", "running", "elapsed", time.Since(start).Round(time.Second)}, attrs...)...)
		case <-ctx.Done():
			c.log.Log(ctx, max(c.level, slog.LevelWarn), c.prefix+name, append([]any{"status", "cancelled", "elapsed", time.Since(start).Round(time.Millisecond)}, attrs...)...)
			return ctx.Err()
		}
	}
}
