package bench

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"time"

	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/constraint/solver"
	fcs "github.com/consensys/gnark/frontend/cs"

	"github.com/provenant/provenant/circuits/batch"
	"github.com/provenant/provenant/field"
	"github.com/provenant/provenant/prover"
)

// Setup says how Run makes the proving key.
type Setup string

// The setups of Run.
const (
	// SetupDev is gnark's single-party Groth16 setup: real (if insecure)
	// keys, so that proofs can be verified; about 18 s at N = 8 on 2 cores.
	SetupDev Setup = "dev"
	// SetupDummy is gnark's dummy setup: a proving key that proves in the
	// same time, made in a fraction of the time, with no verifying key.
	SetupDummy Setup = "dummy"
)

// ParseSetup parses "dev" or "dummy".
func ParseSetup(s string) (Setup, error) {
	switch Setup(s) {
	case SetupDev, SetupDummy:
		return Setup(s), nil
	}
	return "", fmt.Errorf("setup %q: want dev or dummy", s)
}

// Config is what Run measures.
type Config struct {
	// Sizes are the batch sizes N, each proven with the default layout.
	Sizes []int
	// Setup makes the proving key of each size.
	Setup Setup
	// Batches is how many fresh random batches each size proves (at least
	// 1); every backend proves every one.
	Batches int
	// Rounds is how many timed proofs each backend makes per size, after
	// one untimed warm-up proof, cycling through the batches (at least 1).
	Rounds int
	// Verify verifies every proof on the CPU, and checks that a proof does
	// not verify for another batch's public inputs. It needs SetupDev.
	Verify bool
}

// ErrNotVerified reports a proof that did not verify on the CPU.
var ErrNotVerified = errors.New("proof does not verify on the CPU")

// Result is what Run measured for one size and backend.
type Result struct {
	// N is the batch size; Constraints its circuit's.
	N, Constraints int
	// Backend is the backend's name.
	Backend string
	// Setup made the proving key.
	Setup Setup
	// First is the warm-up proof's time, which includes moving the key to
	// the device on a GPU.
	First time.Duration
	// Times are the timed proofs' times.
	Times []time.Duration
	// Verified counts the proofs verified on the CPU (0 without Verify).
	Verified int
	// Solve is the mean time to solve one batch's witness on the CPU
	// (constraint system and hints, no proving), the same for every
	// backend at a size. gnark's ICICLE Prove solves inside its device
	// lock, so on a GPU this share of a proof is the CPU work that cannot
	// overlap with another batch's device work.
	Solve time.Duration
}

// Mean returns the mean of Times.
func (r Result) Mean() time.Duration {
	if len(r.Times) == 0 {
		return 0
	}
	var sum time.Duration
	for _, t := range r.Times {
		sum += t
	}
	return sum / time.Duration(len(r.Times))
}

// Min returns the shortest of Times.
func (r Result) Min() time.Duration {
	if len(r.Times) == 0 {
		return 0
	}
	return minDuration(r.Times)
}

func minDuration(ts []time.Duration) time.Duration {
	m := ts[0]
	for _, t := range ts[1:] {
		m = min(m, t)
	}
	return m
}

// EventsPerSecond returns N over the mean proving time.
func (r Result) EventsPerSecond() float64 {
	if m := r.Mean(); m > 0 {
		return float64(r.N) / m.Seconds()
	}
	return 0
}

// Run proves cfg.Batches fresh random batches of each size with every
// backend, verifying and timing as cfg says, logs its progress, and
// returns one result per size and backend, in that order. It stops at the
// first proof that does not verify (ErrNotVerified), returning the results
// of the backends that completed before it.
func Run(ctx context.Context, log *slog.Logger, cfg Config, backends []prover.Backend) ([]Result, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.Verify && cfg.Setup != SetupDev {
		return nil, fmt.Errorf("bench: verifying needs the dev setup; the %s setup makes no verifying key", cfg.Setup)
	}
	if _, err := ParseSetup(string(cfg.Setup)); err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	cfg.Batches, cfg.Rounds = max(1, cfg.Batches), max(1, cfg.Rounds)
	var results []Result
	for _, n := range cfg.Sizes {
		rs, err := runSize(ctx, log, cfg, n, backends)
		results = append(results, rs...)
		if err != nil {
			return results, fmt.Errorf("bench N=%d: %w", n, err)
		}
	}
	return results, nil
}

func runSize(ctx context.Context, log *slog.Logger, cfg Config, n int, backends []prover.Backend) ([]Result, error) {
	l := batch.DefaultLayout(n)
	start := time.Now()
	cs, err := l.Compile()
	if err != nil {
		return nil, err
	}
	log.Info("compiled", "circuit", l.ID(), "constraints", cs.GetNbConstraints(), "seconds", since(start))
	start = time.Now()
	var pk groth16.ProvingKey
	var vk groth16.VerifyingKey
	if cfg.Setup == SetupDev {
		pk, vk, err = groth16.Setup(cs)
	} else {
		pk, err = groth16.DummySetup(cs)
	}
	if err != nil {
		return nil, fmt.Errorf("%s setup: %w", cfg.Setup, err)
	}
	log.Info("setup done", "circuit", l.ID(), "setup", cfg.Setup, "seconds", since(start))
	start = time.Now()
	batches := make([]*Batch, cfg.Batches)
	for i := range batches {
		if batches[i], err = RandomBatch(l); err != nil {
			return nil, err
		}
	}
	log.Info("random batches made", "circuit", l.ID(), "batches", len(batches), "seconds", since(start))
	solve, err := solveTime(cs, batches)
	if err != nil {
		return nil, err
	}
	log.Info("witness solved on the CPU", "circuit", l.ID(), "mean_seconds", solve.Seconds())
	var results []Result
	for _, b := range backends {
		r, err := runBackend(ctx, log, cfg, l, cs, pk, vk, batches, b)
		r.Solve = solve
		if err != nil {
			return results, err
		}
		results = append(results, r)
	}
	return results, nil
}

func runBackend(ctx context.Context, log *slog.Logger, cfg Config, l batch.Layout, cs constraint.ConstraintSystem, pk groth16.ProvingKey, vk groth16.VerifyingKey, batches []*Batch, b prover.Backend) (Result, error) {
	r := Result{N: l.Events, Constraints: cs.GetNbConstraints(), Backend: b.Name(), Setup: cfg.Setup}
	prove := func(i int) (time.Duration, error) {
		bt := batches[i%len(batches)]
		start := time.Now()
		proof, err := b.Prove(ctx, cs, pk, bt.Full)
		d := time.Since(start)
		if err != nil {
			return d, fmt.Errorf("%s prove: %w", b.Name(), err)
		}
		if !cfg.Verify {
			return d, nil
		}
		if err := groth16.Verify(proof, vk, bt.Public); err != nil {
			return d, fmt.Errorf("%w: the %s backend's proof of batch %d (root %s): %w", ErrNotVerified, b.Name(), i%len(batches), field.Hex(bt.Root), err)
		}
		r.Verified++
		if len(batches) > 1 {
			other := batches[(i+1)%len(batches)]
			if groth16.Verify(proof, vk, other.Public) == nil {
				return d, fmt.Errorf("%w: the %s backend's proof of batch %d also verifies for batch %d's public inputs", ErrNotVerified, b.Name(), i%len(batches), (i+1)%len(batches))
			}
		}
		return d, nil
	}
	var err error
	if r.First, err = prove(0); err != nil {
		return r, err
	}
	log.Info("warm-up proof", "circuit", l.ID(), "backend", b.Name(), "seconds", r.First.Seconds())
	// Every batch is proven at least once, timed.
	rounds := max(cfg.Rounds, len(batches))
	for i := range rounds {
		if err := ctx.Err(); err != nil {
			return r, err
		}
		d, err := prove(i + 1)
		if err != nil {
			return r, err
		}
		r.Times = append(r.Times, d)
	}
	log.Info("timed", "circuit", l.ID(), "backend", b.Name(), "proofs", len(r.Times), "mean_seconds", r.Mean().Seconds(), "verified", r.Verified)
	return r, nil
}

// solveTime returns the mean time to solve each batch's witness on the CPU.
// The prover replaces the commitment hint of a circuit with commitments;
// here a random value stands in for it, which costs the same.
func solveTime(cs constraint.ConstraintSystem, batches []*Batch) (time.Duration, error) {
	commit := solver.OverrideHint(solver.GetHintID(fcs.Bsb22CommitmentComputePlaceholder),
		func(mod *big.Int, _ []*big.Int, out []*big.Int) error {
			v, err := rand.Int(rand.Reader, mod)
			out[0] = v
			return err
		})
	start := time.Now()
	for i, b := range batches {
		if _, err := cs.Solve(b.Full, commit); err != nil {
			return 0, fmt.Errorf("solve batch %d: %w", i, err)
		}
	}
	return time.Since(start) / time.Duration(len(batches)), nil
}

func since(t time.Time) float64 { return time.Since(t).Round(time.Millisecond).Seconds() }
