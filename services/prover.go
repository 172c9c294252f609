package services

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/provenant/provenant/circuits/batch"
	"github.com/provenant/provenant/gpu"
	"github.com/provenant/provenant/prover"
	"github.com/provenant/provenant/prover/setup"
)

// ProverConfig configures the prover service.
type ProverConfig struct {
	Store StoreConfig
	// KeysDir is the key store (see package prover/setup).
	KeysDir string
	// Circuit is the batch circuit ID (batch.ID(8) when empty).
	Circuit string
	// KeyHash picks a key pair; the newest for the circuit when empty.
	KeyHash string
	// DevSetup makes INSECURE dev keys when the key store has none.
	DevSetup bool
	// GPU chooses the proving backend (see gpu.Select); off when empty.
	GPU       gpu.Mode
	Prover    prover.Config
	AdminAddr string
}

// LoadProverKeys loads the keys of a batch circuit from a key store,
// making INSECURE dev keys first when allowed and none exist.
func LoadProverKeys(ctx context.Context, log *slog.Logger, dir, circuitID, keyHash string, devSetup bool) (prover.Keys, error) {
	if circuitID == "" {
		circuitID = batch.ID(8)
	}
	layout, err := batch.ParseID(circuitID)
	if err != nil {
		return prover.Keys{}, err
	}
	keys := setup.NewDir(dir, setup.WithLogger(log))
	if keyHash == "" {
		meta, err := keys.Latest(circuitID)
		switch {
		case errors.Is(err, setup.ErrNotFound) && devSetup:
			log.Warn("INSECURE: no keys for the circuit; making single-party dev keys", "circuit_id", circuitID, "insecure", true)
			circuit, err := layout.New()
			if err != nil {
				return prover.Keys{}, err
			}
			k, err := setup.Dev(ctx, circuitID, circuit, setup.WithLogger(log))
			if err != nil {
				return prover.Keys{}, err
			}
			if keyHash, err = keys.Save(ctx, k); err != nil {
				return prover.Keys{}, err
			}
		case err != nil:
			return prover.Keys{}, fmt.Errorf("%w (make keys with: provenant setup dev --circuit %s --keys %s, or a ceremony)", err, circuitID, dir)
		default:
			keyHash = meta.KeyHash
		}
	}
	k, err := keys.Load(ctx, circuitID, keyHash)
	if err != nil {
		return prover.Keys{}, err
	}
	if k.Insecure() {
		log.Warn("INSECURE: proving with single-party dev keys; proofs can be forged by whoever ran the setup", "circuit_id", circuitID, "key", keyHash, "insecure", true)
	}
	return prover.Keys{Layout: layout, CS: k.CS, ProvingKey: k.ProvingKey, VerifyingKey: k.VerifyingKey, KeyHash: keyHash}, nil
}

// RunProver runs the prover service until ctx is done.
func RunProver(ctx context.Context, log *slog.Logger, cfg ProverConfig) error {
	st, err := OpenStore(ctx, log, cfg.Store)
	if err != nil {
		return err
	}
	defer st.Close()
	keys, err := LoadProverKeys(ctx, log, cfg.KeysDir, cfg.Circuit, cfg.KeyHash, cfg.DevSetup)
	if err != nil {
		return err
	}
	admin, err := ListenAdmin(ctx, cfg.AdminAddr, map[string]Check{"store": st.Ping})
	if err != nil {
		return err
	}
	mode := cfg.GPU
	if mode == "" {
		mode = gpu.ModeOff
	}
	backend, err := gpu.Select(ctx, mode, log.With("service", "prover"), gpu.WithMetrics(admin.Registry))
	if err != nil {
		return err
	}
	if c, ok := backend.(interface{ Close() error }); ok {
		defer c.Close()
	}
	p, err := newProverOn(backend, st, keys, cfg.Prover, log, admin)
	if err != nil {
		return err
	}
	log.Info("prover admin endpoint", "addr", admin.Addr())
	return runGroup(ctx, p.Run, func(ctx context.Context) error { return admin.Serve(ctx, log) })
}

// newProver builds the proving stage on the CPU backend.
func newProver(st prover.Store, keys prover.Keys, cfg prover.Config, log *slog.Logger, admin *Admin) (*prover.Prover, error) {
	return newProverOn(prover.CPU(), st, keys, cfg, log, admin)
}

// newProverOn builds the proving stage as every process runs it, on
// backend: logging as service=prover, its metrics on the admin endpoint.
func newProverOn(backend prover.Backend, st prover.Store, keys prover.Keys, cfg prover.Config, log *slog.Logger, admin *Admin) (*prover.Prover, error) {
	return prover.New(st, keys, backend, cfg, prover.WithLogger(log.With("service", "prover")), prover.WithMetrics(prover.NewMetrics(admin.Registry)))
}
