package prover

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"time"

	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"

	"github.com/provenant/provenant/circuits/batch"
	"github.com/provenant/provenant/field"
	"github.com/provenant/provenant/merkle"
	"github.com/provenant/provenant/registry"
	"github.com/provenant/provenant/store"
)

// Keys are what the prover proves with: the batch layout, its compiled
// constraint system and its Groth16 keys, named by the verifying key's
// content hash.
type Keys struct {
	Layout       batch.Layout
	CS           constraint.ConstraintSystem
	ProvingKey   groth16.ProvingKey
	VerifyingKey groth16.VerifyingKey
	// KeyHash is the hex SHA-256 of the verifying key; it is the batch's
	// circuit version, which the ledger pins.
	KeyHash string
}

// Store is what the prover needs of the store: events and their leases,
// batches, and the registry snapshots.
type Store = store.Store

// Config configures a Prover.
type Config struct {
	// Owner names this prover in the store's leases (hostname and PID when
	// empty).
	Owner string
	// MaxWait is how long a partly filled batch waits for more events,
	// counted from its oldest event's arrival (2 s when 0).
	MaxWait time.Duration
	// Lease is how long claimed events stay reserved (10 min when 0); a
	// prover that dies returns its events after this.
	Lease time.Duration
	// Poll is how often an idle prover looks for work (500 ms when 0).
	Poll time.Duration
}

func (c *Config) defaults() {
	if c.Owner == "" {
		host, _ := os.Hostname()
		c.Owner = host + "/" + strconv.Itoa(os.Getpid())
	}
	if c.MaxWait <= 0 {
		c.MaxWait = 2 * time.Second
	}
	if c.Lease <= 0 {
		c.Lease = 10 * time.Minute
	}
	if c.Poll <= 0 {
		c.Poll = 500 * time.Millisecond
	}
}

// Prover proves batches of events from a store.
type Prover struct {
	st      Store
	keys    Keys
	backend Backend
	cfg     Config
	log     *slog.Logger
	metrics *Metrics
}

// Option configures a Prover.
type Option func(*Prover) error

// WithLogger sets the logger.
func WithLogger(l *slog.Logger) Option {
	return func(p *Prover) error {
		p.log = l
		return nil
	}
}

// WithMetrics records the prover's metrics in m.
func WithMetrics(m *Metrics) Option {
	return func(p *Prover) error {
		p.metrics = m
		return nil
	}
}

// New returns a Prover.
func New(st Store, keys Keys, backend Backend, cfg Config, opts ...Option) (*Prover, error) {
	if err := keys.Layout.Validate(); err != nil {
		return nil, err
	}
	if keys.CS == nil || keys.ProvingKey == nil || keys.VerifyingKey == nil {
		return nil, errors.New("prover: keys incomplete")
	}
	cfg.defaults()
	p := &Prover{st: st, keys: keys, backend: backend, cfg: cfg, log: slog.New(slog.DiscardHandler)}
	for _, opt := range opts {
		if err := opt(p); err != nil {
			return nil, err
		}
	}
	if p.metrics == nil {
		p.metrics = NewMetrics(nil)
	}
	return p, nil
}

// Run proves batches until ctx is done.
func (p *Prover) Run(ctx context.Context) error {
	p.log.Info("prover started", "owner", p.cfg.Owner, "circuit", p.keys.Layout.ID(), "key", p.keys.KeyHash, "backend", p.backend.Name())
	for {
		res, err := p.ProveOnce(ctx)
		if ctx.Err() != nil {
			p.log.Info("prover stopped")
			return nil
		}
		if err != nil {
			p.log.Error("batch failed; its events return to the queue", "err", err)
		}
		if err != nil || res.Batch.ID == "" {
			select {
			case <-ctx.Done():
				p.log.Info("prover stopped")
				return nil
			case <-time.After(p.cfg.Poll):
			}
		}
	}
}

// Result is what one ProveOnce did.
type Result struct {
	// Batch is the proven batch; its ID is empty when nothing was proven.
	Batch store.Batch
	// Rejected maps the events rejected as unprovable to their reason.
	Rejected map[string]string
}

// ProveOnce leases events, proves one batch of them, and stores it. It
// returns an empty Result when there was nothing to prove.
func (p *Prover) ProveOnce(ctx context.Context) (Result, error) {
	res := Result{Rejected: map[string]string{}}
	events, err := p.claim(ctx)
	if err != nil || len(events) == 0 {
		return res, err
	}
	held := map[string]bool{}
	claimed := make([]string, len(events))
	for i, e := range events {
		held[e.ID] = true
		claimed[i] = e.ID
	}
	// Keep the leases alive while the batch is built and proven.
	renewCtx, stopRenew := context.WithCancel(ctx)
	defer stopRenew()
	go p.renew(renewCtx, claimed)
	// Whatever is still held when this returns goes back to the queue.
	defer func() {
		ids := make([]string, 0, len(held))
		for id := range held {
			ids = append(ids, id)
		}
		if len(ids) == 0 {
			return
		}
		if err := p.st.ReleaseClaims(context.WithoutCancel(ctx), p.cfg.Owner, ids); err != nil {
			p.log.Warn("release claims", "err", err, "events", len(ids))
		}
	}()

	supSnap, sups, err := registry.SnapshotSuppliers(ctx, p.st)
	if err != nil {
		return res, fmt.Errorf("supplier registry: %w", err)
	}
	origins, err := p.origins(ctx)
	if err != nil {
		return res, err
	}

	reject := func(e store.Event, reason error) error {
		if err := p.st.RejectEvent(ctx, p.cfg.Owner, e.ID, reason.Error()); err != nil {
			return fmt.Errorf("reject event %s: %w", e.ID, err)
		}
		delete(held, e.ID)
		res.Rejected[e.ID] = reason.Error()
		p.metrics.Rejected.Inc()
		p.log.Warn("event rejected", "event_id", e.ID, "reason", reason.Error())
		return nil
	}

	// Prepare every event; fit what the layout holds.
	var members []member
	keys, orgs := map[string]bool{}, map[string]bool{}
	for _, e := range events {
		m, err := prepare(e, sups, origins)
		var u *unprovable
		switch {
		case errors.As(err, &u):
			if err := reject(e, u); err != nil {
				return res, err
			}
			continue
		case err != nil:
			return res, err
		}
		newKey := !keys[m.keyID]
		newOrigin := m.originID != "" && !orgs[m.originID]
		if (newKey && len(keys) == p.keys.Layout.Keys) || (newOrigin && len(orgs) == p.keys.Layout.Origins) {
			continue // for a later batch: released by the deferred call
		}
		keys[m.keyID] = true
		if m.originID != "" {
			orgs[m.originID] = true
		}
		members = append(members, m)
	}

	// Assign; drop events the circuit would refuse, and try again.
	var (
		circuit             *batch.Circuit
		batchRoot           field.Element
		paths               []merkle.Path
		supRoot, originRoot = sups.Root(), origins.Root()
	)
	assigned := false
	for len(members) > 0 && !assigned {
		w := batch.BatchWitness{SupplierRoot: supRoot, OriginRoot: originRoot}
		for _, m := range members {
			w.Events = append(w.Events, m.witness)
		}
		c, br, ps, err := p.keys.Layout.Assign(w)
		var ee *batch.EventError
		switch {
		case errors.As(err, &ee) && ee.Slot < len(members):
			if err := reject(members[ee.Slot].event, ee.Err); err != nil {
				return res, err
			}
			members = append(members[:ee.Slot], members[ee.Slot+1:]...)
		case err != nil:
			return res, fmt.Errorf("assign witness: %w", err)
		default:
			circuit, batchRoot, paths, assigned = c, br, ps, true
		}
	}
	if !assigned {
		return res, nil
	}

	b, err := p.prove(ctx, circuit, batchRoot, supRoot, originRoot)
	if err != nil {
		return res, err
	}
	storeMembers := make([]store.BatchMember, len(members))
	for i, m := range members {
		sm := store.BatchMember{
			EventID:           m.event.ID,
			Index:             i,
			Leaf:              field.Hex(m.witness.Leaf()),
			BlindedCommitment: field.Hex(m.commitment),
		}
		for _, s := range paths[i].Siblings {
			sm.MerklePath = append(sm.MerklePath, field.Hex(s))
		}
		storeMembers[i] = sm
	}
	if err := p.st.CreateBatch(ctx, p.cfg.Owner, b, storeMembers); err != nil {
		return res, fmt.Errorf("store batch %s: %w", b.ID, err)
	}
	for _, m := range members {
		delete(held, m.event.ID)
	}
	p.metrics.Batches.Inc()
	p.metrics.Proven.Add(float64(len(members)))
	p.metrics.BatchSize.Observe(float64(len(members)))
	p.log.Info("batch proven", "batch_id", b.ID, "events", len(members), "circuit", b.Circuit,
		"supplier_snapshot", supSnap.ID, "rejected", len(res.Rejected))
	res.Batch = b
	return res, nil
}

// prove proves the assigned circuit, checks the proof against the
// verifying key, and returns the batch to store.
func (p *Prover) prove(ctx context.Context, c *batch.Circuit, batchRoot, supRoot, originRoot field.Element) (store.Batch, error) {
	full, err := c.Witness()
	if err != nil {
		return store.Batch{}, fmt.Errorf("witness: %w", err)
	}
	start := time.Now()
	proof, err := p.backend.Prove(ctx, p.keys.CS, p.keys.ProvingKey, full)
	if err != nil {
		return store.Batch{}, err
	}
	p.metrics.ProveSeconds.WithLabelValues(p.backend.Name()).Observe(time.Since(start).Seconds())
	public, err := batch.PublicWitness(batchRoot, supRoot, originRoot)
	if err != nil {
		return store.Batch{}, err
	}
	if err := groth16.Verify(proof, p.keys.VerifyingKey, public); err != nil {
		return store.Batch{}, fmt.Errorf("the %s backend produced a proof that does not verify: %w", p.backend.Name(), err)
	}
	var buf bytes.Buffer
	if _, err := proof.WriteTo(&buf); err != nil {
		return store.Batch{}, fmt.Errorf("encode proof: %w", err)
	}
	rootHex := field.Hex(batchRoot)
	return store.Batch{
		ID:             rootHex,
		Circuit:        p.keys.Layout.ID(),
		CircuitVersion: p.keys.KeyHash,
		Size:           p.keys.Layout.Events,
		Root:           rootHex,
		Proof:          buf.Bytes(),
		PublicInputs:   []string{rootHex, field.Hex(supRoot), field.Hex(originRoot)},
	}, nil
}

// renew extends the leases on ids every third of the lease until ctx is
// done. A lease lost anyway makes CreateBatch fail, so nothing is proven
// twice; the work is then redone.
func (p *Prover) renew(ctx context.Context, ids []string) {
	t := time.NewTicker(p.cfg.Lease / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			kept, err := p.st.RenewClaims(ctx, p.cfg.Owner, ids, p.cfg.Lease)
			if err != nil {
				p.log.Warn("renew claims", "err", err)
				continue
			}
			// Events rejected or given back since the claim are no longer
			// held; that is expected, so this is only a debug line.
			p.log.Debug("leases renewed", "held", len(kept), "claimed", len(ids))
		}
	}
}

// origins returns the latest origin registry, empty when none was imported.
func (p *Prover) origins(ctx context.Context) (*registry.Origins, error) {
	snap, err := p.st.LatestRegistrySnapshot(ctx, store.RegistryOrigins)
	if errors.Is(err, store.ErrNotFound) {
		return registry.NewOrigins(nil)
	}
	if err != nil {
		return nil, fmt.Errorf("origin registry: %w", err)
	}
	return registry.LoadOrigins(snap)
}

// claim leases up to a batch of events; a partly filled batch waits, up to
// MaxWait from its oldest event's arrival, for more.
func (p *Prover) claim(ctx context.Context) ([]store.Event, error) {
	n := p.keys.Layout.Events
	events, err := p.st.ClaimEvents(ctx, p.cfg.Owner, n, p.cfg.Lease)
	if err != nil || len(events) == 0 {
		return nil, err
	}
	oldest := events[0].ReceivedAt
	for _, e := range events {
		if e.ReceivedAt.Before(oldest) {
			oldest = e.ReceivedAt
		}
	}
	deadline := oldest.Add(p.cfg.MaxWait)
	for len(events) < n && time.Now().Before(deadline) {
		select {
		case <-ctx.Done():
			ids := make([]string, len(events))
			for i, e := range events {
				ids[i] = e.ID
			}
			_ = p.st.ReleaseClaims(context.WithoutCancel(ctx), p.cfg.Owner, ids)
			return nil, ctx.Err()
		case <-time.After(min(p.cfg.Poll, time.Until(deadline))):
		}
		more, err := p.st.ClaimEvents(ctx, p.cfg.Owner, n-len(events), p.cfg.Lease)
		if err != nil {
			// Prove what is held rather than drop it; the next batch claims again.
			p.log.Warn("claim more events for a partly filled batch", "err", err, "held", len(events))
			break
		}
		events = append(events, more...)
	}
	return events, nil
}
