package services

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"

	"github.com/provenant/provenant/anchor"
	"github.com/provenant/provenant/ledger"
	"github.com/provenant/provenant/prover/setup"
	"github.com/provenant/provenant/store"
)

// AnchorConfig configures the anchor service.
type AnchorConfig struct {
	Store StoreConfig
	// Ledger is the connection profile of the Operator identity.
	Ledger string
	// KeysDir, when set, is a key store (see package prover/setup) whose
	// verifying keys the anchorer pins on the ledger when it lacks one.
	KeysDir   string
	Anchor    anchor.Config
	AdminAddr string
}

// DialLedger connects to the ledger with a connection profile.
func DialLedger(log *slog.Logger, profile string) (*ledger.Client, error) {
	cfg, err := ledger.LoadConfig(profile)
	if err != nil {
		return nil, err
	}
	return ledger.Dial(cfg, ledger.WithLogger(log.With("component", "ledger")))
}

// RunAnchor runs the anchor service until ctx is done.
func RunAnchor(ctx context.Context, log *slog.Logger, cfg AnchorConfig) error {
	st, err := OpenStore(ctx, log, cfg.Store)
	if err != nil {
		return err
	}
	defer st.Close()
	lc, err := DialLedger(log, cfg.Ledger)
	if err != nil {
		return err
	}
	defer lc.Close()
	admin, err := ListenAdmin(ctx, cfg.AdminAddr, map[string]Check{"store": st.Ping, "ledger": lc.Ping})
	if err != nil {
		return err
	}
	a, err := newAnchorer(st, lc, cfg.KeysDir, cfg.Anchor, log, admin)
	if err != nil {
		return err
	}
	log.Info("anchor admin endpoint", "addr", admin.Addr())
	return runGroup(ctx, a.Run, func(ctx context.Context) error { return admin.Serve(ctx, log) })
}

// newAnchorer builds the anchoring stage as every process runs it.
func newAnchorer(st store.Store, lc anchor.Ledger, keysDir string, cfg anchor.Config, log *slog.Logger, admin *Admin) (*anchor.Anchorer, error) {
	opts := []anchor.Option{anchor.WithLogger(log.With("service", "anchor")), anchor.WithMetrics(anchor.NewMetrics(admin.Registry))}
	if keysDir != "" {
		opts = append(opts, anchor.WithKeys(KeySource(keysDir)))
	}
	return anchor.New(st, lc, cfg, opts...)
}

// KeySource reads verifying keys from a key store, in the encoding the
// ledger pins (gnark's compressed WriteTo).
func KeySource(dir string) anchor.KeySource {
	return func(ctx context.Context, circuit, version string) ([]byte, error) {
		vk, _, err := setup.NewDir(dir).LoadVerifyingKey(circuit, version)
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		if _, err := vk.WriteTo(&buf); err != nil {
			return nil, fmt.Errorf("encode verifying key %s/%s: %w", circuit, version, err)
		}
		return buf.Bytes(), nil
	}
}
