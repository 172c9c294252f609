// Package anchor is the anchoring stage: it takes PROVEN batches from the
// store, anchors each on the ledger, and records the anchoring transaction
// (transaction ID, block number, time), which marks the batch and its
// events ANCHORED.
//
// Anchoring is idempotent end to end: the chaincode refuses a second anchor
// of a batch ID, the ledger client turns that refusal into success when the
// content is the same, and the store records the same anchor once. So a
// crash between the ledger commit and the store write, a lost answer, or
// two anchor processes working on the same backlog never anchor a batch
// twice. While the ledger is down the PROVEN batches wait in the store and
// drain by themselves when it is back.
package anchor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/provenant/provenant/chaincode"
	"github.com/provenant/provenant/ledger"
	"github.com/provenant/provenant/store"
)

// Ledger is what the anchorer needs of the ledger; *ledger.Client has it.
type Ledger interface {
	Anchor(ctx context.Context, req chaincode.AnchorRequest) (ledger.Receipt, error)
	RegisterVerifyingKey(ctx context.Context, circuit, version string, key []byte) (chaincode.VerifyingKeyRecord, error)
	Channel() string
}

// KeySource returns the verifying key (gnark's compressed encoding) of a
// circuit version, so that the anchorer can pin a key the ledger does not
// know yet. It returns an error wrapping store.ErrNotFound (or any error)
// when it has none.
type KeySource func(ctx context.Context, circuit, version string) ([]byte, error)

// Config tunes an Anchorer.
type Config struct {
	// Poll is the pause when there is nothing to anchor (default 1s).
	Poll time.Duration
	// Limit is the number of batches taken per round (default 64).
	Limit int
	// MaxBackoff bounds the pause after a failed round (default 30s).
	MaxBackoff time.Duration
}

func (c *Config) defaults() {
	if c.Poll <= 0 {
		c.Poll = time.Second
	}
	if c.Limit <= 0 {
		c.Limit = 64
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = 30 * time.Second
	}
}

// Anchorer anchors proven batches.
type Anchorer struct {
	st      store.Store
	ledger  Ledger
	keys    KeySource
	cfg     Config
	log     *slog.Logger
	metrics *Metrics
}

// Option configures an Anchorer.
type Option func(*Anchorer) error

// WithLogger sets the logger (default: discard).
func WithLogger(l *slog.Logger) Option {
	return func(a *Anchorer) error {
		if l == nil {
			return errors.New("nil logger")
		}
		a.log = l
		return nil
	}
}

// WithKeys lets the anchorer register verifying keys the ledger lacks.
func WithKeys(k KeySource) Option {
	return func(a *Anchorer) error { a.keys = k; return nil }
}

// WithMetrics sets the metrics to update.
func WithMetrics(m *Metrics) Option {
	return func(a *Anchorer) error {
		if m == nil {
			return errors.New("nil metrics")
		}
		a.metrics = m
		return nil
	}
}

// New returns an Anchorer.
func New(st store.Store, l Ledger, cfg Config, opts ...Option) (*Anchorer, error) {
	if st == nil || l == nil {
		return nil, errors.New("anchor: a store and a ledger are required")
	}
	cfg.defaults()
	a := &Anchorer{st: st, ledger: l, cfg: cfg, log: slog.New(slog.DiscardHandler), metrics: NewMetrics(nil)}
	for _, o := range opts {
		if err := o(a); err != nil {
			return nil, fmt.Errorf("anchor: %w", err)
		}
	}
	return a, nil
}

// Result sums up one round.
type Result struct {
	// Anchored counts batches anchored by this round, Existing those found
	// already anchored (same content), Waiting those left PROVEN because
	// a root they use is not yet published, Rejected those the ledger
	// refused for good (their events go back to be proven again).
	Anchored, Existing, Waiting, Rejected int
}

// AnchorOnce anchors the oldest PROVEN batches (up to Config.Limit). It
// stops at the first failure that is not the batch's own (the ledger is
// unavailable, the identity is not allowed, the store fails) and returns
// it; the batches stay PROVEN for the next round.
func (a *Anchorer) AnchorOnce(ctx context.Context) (Result, error) {
	var res Result
	batches, err := a.st.ListBatchesByStatus(ctx, store.StatusProven, a.cfg.Limit)
	if err != nil {
		return res, fmt.Errorf("anchor: list proven batches: %w", err)
	}
	a.metrics.Backlog.Set(float64(len(batches)))
	for _, b := range batches {
		if err := a.anchor(ctx, b, &res); err != nil {
			return res, err
		}
	}
	return res, nil
}

func (a *Anchorer) anchor(ctx context.Context, b store.Batch, res *Result) error {
	log := a.log.With("batch_id", b.ID, "circuit", b.Circuit)
	start := time.Now()
	req := ledger.RequestFromBatch(b)
	r, err := a.ledger.Anchor(ctx, req)
	var lerr *ledger.Error
	if errors.As(err, &lerr) && lerr.Code == chaincode.CodeUnknownCircuit && a.keys != nil {
		if err := a.register(ctx, b.Circuit, b.CircuitVersion); err != nil {
			return err
		}
		r, err = a.ledger.Anchor(ctx, req)
	}
	var conflict *ledger.ConflictError
	switch {
	case err == nil:
	case errors.As(err, &lerr) && lerr.Code == chaincode.CodeUnpublishedRoot:
		res.Waiting++
		a.metrics.Errors.WithLabelValues(string(lerr.Code)).Inc()
		log.Warn("batch waits: a registry root it was proven against is not published on the ledger", "err", err)
		return nil
	case errors.As(err, &conflict),
		errors.As(err, &lerr) && (lerr.Code == chaincode.CodeBadProof || lerr.Code == chaincode.CodeMalformed || lerr.Code == chaincode.CodeUnknownCircuit):
		code := string(chaincode.CodeConflict)
		if lerr != nil {
			code = string(lerr.Code)
		}
		a.metrics.Errors.WithLabelValues(code).Inc()
		reason := "ledger refused the anchor: " + err.Error()
		log.Error("ledger refused the batch; its events will be proven again", "err", err)
		if rerr := a.st.RejectBatch(ctx, b.ID, reason); rerr != nil {
			return fmt.Errorf("anchor: reject batch %q: %w", b.ID, rerr)
		}
		res.Rejected++
		return nil
	default:
		code := "unavailable"
		if lerr != nil && lerr.Code != "" {
			code = string(lerr.Code)
		}
		a.metrics.Errors.WithLabelValues(code).Inc()
		return fmt.Errorf("anchor: batch %q: %w", b.ID, err)
	}
	rec := store.Anchor{
		BatchID:     b.ID,
		TxID:        r.TxID,
		BlockNumber: r.BlockNumber,
		Channel:     a.ledger.Channel(),
		BatchRoot:   r.Record.BatchRoot,
		Timestamp:   r.Timestamp,
	}
	if _, err := a.st.RecordAnchor(ctx, rec); err != nil {
		return fmt.Errorf("anchor: record anchor of batch %q (tx %s): %w", b.ID, r.TxID, err)
	}
	if r.Existing {
		res.Existing++
		log.Info("batch was already anchored", "tx_id", r.TxID, "block", r.BlockNumber)
	} else {
		res.Anchored++
		a.metrics.Anchored.Inc()
		a.metrics.Seconds.Observe(time.Since(start).Seconds())
		log.Info("batch anchored", "tx_id", r.TxID, "block", r.BlockNumber, "took", time.Since(start).Round(time.Millisecond))
	}
	return nil
}

func (a *Anchorer) register(ctx context.Context, circuit, version string) error {
	key, err := a.keys(ctx, circuit, version)
	if err != nil {
		return fmt.Errorf("anchor: the ledger has no verifying key for %s/%s, and neither have we: %w", circuit, version, err)
	}
	rec, err := a.ledger.RegisterVerifyingKey(ctx, circuit, version, key)
	if err != nil {
		return fmt.Errorf("anchor: register verifying key %s/%s: %w", circuit, version, err)
	}
	a.log.Info("verifying key pinned on the ledger", "circuit", circuit, "version", version, "tx_id", rec.TxID)
	return nil
}

// Run anchors until ctx is done, pausing Config.Poll when idle and backing
// off (up to Config.MaxBackoff) while rounds fail.
func (a *Anchorer) Run(ctx context.Context) error {
	backoff := time.Duration(0)
	for {
		res, err := a.AnchorOnce(ctx)
		wait := a.cfg.Poll
		switch {
		case ctx.Err() != nil:
			return nil
		case err != nil:
			backoff = min(max(2*backoff, a.cfg.Poll), a.cfg.MaxBackoff)
			wait = backoff
			a.log.Warn("anchoring round failed; the backlog waits", "err", err, "retry_in", wait)
		default:
			backoff = 0
			if res.Anchored+res.Existing+res.Rejected > 0 {
				wait = 0
			}
		}
		if wait > 0 {
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(wait):
			}
		}
	}
}

// Metrics are the anchoring stage's Prometheus metrics.
type Metrics struct {
	// Anchored counts batches anchored.
	Anchored prometheus.Counter
	// Errors counts failed anchoring attempts by chaincode code (or
	// "unavailable").
	Errors *prometheus.CounterVec
	// Backlog is the number of PROVEN batches seen in the last round (at
	// most Config.Limit).
	Backlog prometheus.Gauge
	// Seconds observes the time to anchor one batch (endorse, order,
	// commit).
	Seconds prometheus.Histogram
}

// NewMetrics creates the metrics and registers them with reg, when not nil.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Anchored: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "provenant", Subsystem: "anchor", Name: "batches_total", Help: "Batches anchored on the ledger.",
		}),
		Errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "provenant", Subsystem: "anchor", Name: "errors_total", Help: "Failed anchoring attempts, by code.",
		}, []string{"code"}),
		Backlog: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "provenant", Subsystem: "anchor", Name: "backlog_batches", Help: "PROVEN batches waiting to be anchored (capped at the round size).",
		}),
		Seconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: "provenant", Subsystem: "anchor", Name: "anchor_seconds", Help: "Time to anchor one batch.",
			Buckets: prometheus.ExponentialBuckets(0.01, 2, 12),
		}),
	}
	if reg != nil {
		reg.MustRegister(m.Anchored, m.Errors, m.Backlog, m.Seconds)
	}
	return m
}
