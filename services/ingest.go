package services

import (
	"context"
	"log/slog"

	"github.com/provenant/provenant/ingest"
)

// IngestConfig configures the ingest service.
type IngestConfig struct {
	Store     StoreConfig
	Ingest    ingest.Config
	AdminAddr string
}

// RunIngest runs the ingest service until ctx is done: the Kafka consumer
// writing into the store, and its admin endpoint.
func RunIngest(ctx context.Context, log *slog.Logger, cfg IngestConfig) error {
	st, err := OpenStore(ctx, log, cfg.Store)
	if err != nil {
		return err
	}
	defer st.Close()
	admin, err := ListenAdmin(ctx, cfg.AdminAddr, map[string]Check{"store": st.Ping})
	if err != nil {
		return err
	}
	in, err := newIngester(cfg.Ingest, st, log, admin)
	if err != nil {
		return err
	}
	log.Info("ingest admin endpoint", "addr", admin.Addr())
	return runGroup(ctx, in.Run, func(ctx context.Context) error { return admin.Serve(ctx, log) })
}

// newIngester builds the ingest stage as every process runs it: logging
// as service=ingest, its metrics on the admin endpoint.
func newIngester(cfg ingest.Config, st ingest.Store, log *slog.Logger, admin *Admin) (*ingest.Ingester, error) {
	return ingest.New(cfg, st, ingest.WithLogger(log.With("service", "ingest")), ingest.WithMetrics(ingest.NewMetrics(admin.Registry)))
}
