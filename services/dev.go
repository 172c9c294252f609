package services

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"

	"github.com/provenant/provenant/broker"
	"github.com/provenant/provenant/ingest"
	"github.com/provenant/provenant/prover"
	"github.com/provenant/provenant/supplier"
)

// DevConfig configures the all-in-one development system.
type DevConfig struct {
	// DataDir holds all state: the store, its key, the broker's log.
	DataDir string
	// BrokerAddr is where the embedded Kafka-protocol broker listens.
	BrokerAddr string
	// AdminAddr serves /metrics, /healthz and /readyz.
	AdminAddr string
	// Circuit is the batch circuit the prover uses; its INSECURE dev keys
	// are made once and kept under DataDir/keys.
	Circuit string
	// Out receives the human-readable summary of where everything listens.
	Out io.Writer
}

// StoreURL returns the store URL of the development system.
func (c DevConfig) StoreURL() string {
	return "sqlite://" + filepath.Join(c.DataDir, "provenant.db")
}

// StoreKeyFile returns the store key file of the development system.
func (c DevConfig) StoreKeyFile() string { return filepath.Join(c.DataDir, "store.key") }

// RunDev runs the whole pipeline in one process on the embedded defaults
// until ctx is done: the durable embedded broker, the SQLite store, and the
// services built so far.
func RunDev(ctx context.Context, log *slog.Logger, cfg DevConfig) error {
	st, err := OpenStore(ctx, log, StoreConfig{URL: cfg.StoreURL(), KeyFile: cfg.StoreKeyFile(), CreateKey: true})
	if err != nil {
		return err
	}
	defer st.Close()

	b, err := broker.Start(ctx, cfg.BrokerAddr,
		broker.WithDataDir(filepath.Join(cfg.DataDir, "kafka")),
		broker.WithSyncWrites(),
		broker.WithTopics(broker.DefaultPartitions, supplier.Topic, ingest.DeadLetterTopic),
		broker.WithLogger(log))
	if err != nil {
		return err
	}
	defer b.Close()

	admin, err := ListenAdmin(ctx, cfg.AdminAddr, map[string]Check{"store": st.Ping})
	if err != nil {
		return err
	}
	in, err := newIngester(ingest.Config{Brokers: []string{b.Addr()}}, st, log, admin)
	if err != nil {
		return err
	}
	keys, err := LoadProverKeys(ctx, log, filepath.Join(cfg.DataDir, "keys"), cfg.Circuit, "", true)
	if err != nil {
		return err
	}
	p, err := newProver(st, keys, prover.Config{}, log, admin)
	if err != nil {
		return err
	}

	fmt.Fprintf(cfg.Out, `Provenant dev is running (Ctrl-C stops it).
  data        %[1]s
  store       %[2]s
  kafka       %[3]s  (events %[4]s, dead letters %[5]s)
  admin       http://%[6]s/metrics  /healthz  /readyz
  prover      %[7]s (INSECURE dev keys in %[1]s/keys)

Push an event as a supplier:
  provenant supplier keygen --out supplier.key
  provenant registry suppliers add --store %[2]s --pubkey <the printed key>
  provenant supplier push --key supplier.key --brokers %[3]s event.json
`, cfg.DataDir, cfg.StoreURL(), b.Addr(), supplier.Topic, ingest.DeadLetterTopic, admin.Addr(), keys.Layout.ID())
	log.Info("dev running", "broker", b.Addr(), "store", cfg.StoreURL(), "admin", admin.Addr())

	err = runGroup(ctx, in.Run, p.Run, func(ctx context.Context) error { return admin.Serve(ctx, log) })
	log.Info("dev stopped")
	return err
}
