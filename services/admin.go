package services

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Admin is a service's operational HTTP endpoint: /metrics (Prometheus),
// /healthz and /readyz.
type Admin struct {
	// Registry collects the service's metrics; the Go runtime and process
	// collectors are registered already.
	Registry *prometheus.Registry
	ln       net.Listener
	health   *Health
}

// ListenAdmin binds addr for the admin endpoint; the checks decide
// readiness.
func ListenAdmin(ctx context.Context, addr string, checks map[string]Check) (*Admin, error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("admin endpoint: %w", err)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return &Admin{Registry: reg, ln: ln, health: NewHealth(checks)}, nil
}

// Addr returns the address the endpoint listens on.
func (a *Admin) Addr() string { return a.ln.Addr().String() }

// Serve serves the endpoint until ctx is done.
func (a *Admin) Serve(ctx context.Context, log *slog.Logger) error {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(a.Registry, promhttp.HandlerOpts{Registry: a.Registry}))
	mux.Handle("/healthz", a.health)
	mux.Handle("/readyz", a.health)
	err := ServeHTTP(ctx, &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}, a.ln)
	if err != nil {
		log.Warn("admin endpoint", "addr", a.ln.Addr().String(), "err", err)
	}
	return err
}
