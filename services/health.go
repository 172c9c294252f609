package services

import (
	"context"
	"encoding/json"
	"net/http"
	"sort"
	"time"
)

// Check reports whether one dependency of a service is usable; a nil error
// means ready.
type Check func(ctx context.Context) error

// Health serves the liveness and readiness endpoints of a service:
// /healthz answers 200 while the process runs, /readyz answers 200 only
// when every check passes and 503 with the failing checks otherwise.
type Health struct {
	checks  map[string]Check
	timeout time.Duration
}

// NewHealth returns a Health that runs the named checks on every /readyz.
func NewHealth(checks map[string]Check) *Health {
	return &Health{checks: checks, timeout: 2 * time.Second}
}

// ServeHTTP implements http.Handler for /healthz and /readyz.
func (h *Health) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/healthz":
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	case "/readyz":
		failures := h.Ready(r.Context())
		if len(failures) > 0 {
			writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "unavailable", "failures": failures})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	default:
		http.NotFound(w, r)
	}
}

// Ready runs every check and returns the failures by check name.
func (h *Health) Ready(ctx context.Context) map[string]string {
	ctx, cancel := context.WithTimeout(ctx, h.timeout)
	defer cancel()
	names := make([]string, 0, len(h.checks))
	for name := range h.checks {
		names = append(names, name)
	}
	sort.Strings(names)
	failures := map[string]string{}
	for _, name := range names {
		if err := h.checks[name](ctx); err != nil {
			failures[name] = err.Error()
		}
	}
	return failures
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
