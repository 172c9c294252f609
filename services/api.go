package services

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/provenant/provenant/graphql"
)

// APIConfig configures the GraphQL API service.
type APIConfig struct {
	// StoreURL is the store; the API opens it without the encryption key.
	StoreURL string
	// Ledger is a ledger connection profile (any organization may read).
	Ledger string
	// Addr is the HTTP address (default 127.0.0.1:8080).
	Addr          string
	Limits        graphql.Limits
	Introspection bool
	AdminAddr     string

	metrics *graphql.Metrics
}

// RunAPI runs the API service until ctx is done.
func RunAPI(ctx context.Context, log *slog.Logger, cfg APIConfig) error {
	st, err := OpenPublicStore(ctx, log, cfg.StoreURL)
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
	cfg.metrics = graphql.NewMetrics(admin.Registry)
	srv, ln, err := ListenAPI(ctx, log, st, lc, cfg)
	if err != nil {
		return err
	}
	log.Info("GraphQL API", "url", "http://"+ln.Addr().String()+"/graphql", "admin", admin.Addr())
	return runGroup(ctx,
		func(ctx context.Context) error { return ServeHTTP(ctx, srv, ln) },
		func(ctx context.Context) error { return admin.Serve(ctx, log) })
}

// ListenAPI builds the API on a store and a ledger and listens on cfg.Addr.
func ListenAPI(ctx context.Context, log *slog.Logger, st graphql.Store, lc graphql.Ledger, cfg APIConfig) (*http.Server, net.Listener, error) {
	api, err := graphql.New(graphql.Config{Store: st, Ledger: lc, Limits: cfg.Limits, Introspection: cfg.Introspection, Logger: log.With("service", "api"), Metrics: cfg.metrics})
	if err != nil {
		return nil, nil, err
	}
	addr := cfg.Addr
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	var lcfg net.ListenConfig
	ln, err := lcfg.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, nil, fmt.Errorf("api: listen on %s: %w", addr, err)
	}
	srv := &http.Server{
		Handler:           api.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      cfg.Limits.Timeout + 30*time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    32 << 10,
	}
	return srv, ln, nil
}

// ServeHTTP serves srv on ln until ctx is done, then shuts it down
// gracefully.
func ServeHTTP(ctx context.Context, srv *http.Server, ln net.Listener) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(shutdown); err != nil {
			return err
		}
		if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	}
}
