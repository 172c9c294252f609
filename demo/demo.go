package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/provenant/provenant/ingest"
	"github.com/provenant/provenant/store"
	"github.com/provenant/provenant/supplier"
)

// Store is what a run needs of the store: registering its suppliers and,
// when it watches, reading its events back.
type Store interface {
	SupplierRegistry
	EventReader
}

// Config configures a run.
type Config struct {
	Feed FeedConfig
	// Brokers are the Kafka bootstrap addresses.
	Brokers []string
	// Topic is where events are pushed (supplier.Topic when empty);
	// DeadLetterTopic where ingest sends what it rejects
	// (ingest.DeadLetterTopic when empty).
	Topic, DeadLetterTopic string
	// KeysDir keeps the suppliers' key files, created on the first run and
	// reused after.
	KeysDir string
	// Store is where the suppliers are registered and the events followed.
	Store Store
	// Salts are drawn from here (crypto/rand when nil); see SeededSalts.
	Salts io.Reader
	// Watch follows the events until every one is ANCHORED or REJECTED and
	// every bad message is dead-lettered, or Timeout (10 minutes when 0)
	// passes, polling every Poll (1 s when 0).
	Watch   bool
	Timeout time.Duration
	Poll    time.Duration
	// Out receives the progress and the summary (nothing when nil).
	Out io.Writer
}

// ErrSurprise reports a run whose outcomes differ from the feed's
// expectations.
var ErrSurprise = errors.New("demo: unexpected outcomes")

// Run generates the feed, loads (or creates) the suppliers' keys,
// registers the suppliers, signs and pushes the feed and, when cfg.Watch is
// set, follows it through the pipeline; it ends with the summary tables.
// The error wraps ErrTimeout when the watch ran out of time, ErrSurprise
// when an outcome differs from the expected one; the result is returned
// with both.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	out := cfg.Out
	if out == nil {
		out = io.Discard
	}
	if len(cfg.Brokers) == 0 {
		return nil, errNoBrokers
	}
	if cfg.Store == nil {
		return nil, errors.New("demo: no store")
	}
	if cfg.Topic == "" {
		cfg.Topic = supplier.Topic
	}
	if cfg.DeadLetterTopic == "" {
		cfg.DeadLetterTopic = ingest.DeadLetterTopic
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Minute
	}
	if cfg.Poll <= 0 {
		cfg.Poll = time.Second
	}

	f, err := Generate(cfg.Feed)
	if err != nil {
		return nil, err
	}
	evs := f.Events()
	expectRejected := 0
	for _, e := range evs {
		if e.Expect == store.StatusRejected {
			expectRejected++
		}
	}
	fmt.Fprintf(out, "Demo feed, seed %d: %d suppliers send %d events in %d messages (lots from %s on);\n"+
		"  %d are origin claims that no certificate backs (the prover rejects them), and %d bad messages follow (ingest dead-letters them).\n",
		f.Seed, len(f.Suppliers), len(evs), len(f.Messages)-len(Faults()), f.Start.Format(time.DateOnly), expectRejected, len(Faults()))

	keys, created, err := LoadKeys(cfg.KeysDir, len(f.Suppliers))
	if err != nil {
		return nil, err
	}
	added, err := Register(ctx, cfg.Store, f.Suppliers, keys)
	if err != nil {
		return nil, err
	}
	res := &Result{Feed: f, Run: NewRunID(), Keys: make([]string, len(keys))}
	fmt.Fprintf(out, "Suppliers (keys in %s):\n", cfg.KeysDir)
	for i, k := range keys {
		res.Keys[i] = k.Public().String()
		key, reg := "key reused", "already registered"
		if created[i] {
			key = "key created"
		}
		if added[i] {
			reg = "registered"
		}
		fmt.Fprintf(out, "  %-26s %s  %s, %s\n", f.Suppliers[i].Name, res.Keys[i], key, reg)
	}

	stranger, err := supplier.GenerateKey(nil)
	if err != nil {
		return nil, err
	}
	msgs, err := Sign(f, keys, stranger, cfg.Salts)
	if err != nil {
		return nil, err
	}
	var dlq *DeadLetters
	if cfg.Watch {
		// Before pushing: where the dead letters of this run will start.
		if dlq, err = NewDeadLetters(ctx, cfg.Brokers, cfg.DeadLetterTopic, res.Run); err != nil {
			return nil, err
		}
	}
	fmt.Fprintf(out, "Pushing to %s (topic %s), run %s:\n", strings.Join(cfg.Brokers, ","), cfg.Topic, res.Run)
	if err := Push(ctx, cfg.Brokers, cfg.Topic, res.Run, f, msgs, out); err != nil {
		return nil, err
	}
	if !cfg.Watch {
		return res, res.WriteSummary(out)
	}

	fmt.Fprintf(out, "Watching the store and %s until every event is ANCHORED or REJECTED (at most %s):\n", cfg.DeadLetterTopic, cfg.Timeout)
	res.Watched, res.tracker = true, NewTracker(f, cfg.Store, dlq)
	res.Progress, err = Watch(ctx, res.tracker, out, cfg.Poll, cfg.Timeout)
	if serr := res.WriteSummary(out); err == nil {
		err = serr
	}
	if err == nil {
		if n := len(res.Surprises()); n > 0 {
			err = fmt.Errorf("%w: %d", ErrSurprise, n)
		}
	}
	return res, err
}
