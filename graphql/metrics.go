package graphql

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the API's Prometheus metrics.
type Metrics struct {
	// Requests counts requests by outcome: "ok" or the first error's code.
	Requests *prometheus.CounterVec
	// Seconds observes the time to answer a request, by outcome.
	Seconds *prometheus.HistogramVec
}

// NewMetrics creates the metrics and registers them with reg, when not nil.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "provenant", Subsystem: "api", Name: "requests_total", Help: "GraphQL requests, by outcome (ok or an error code).",
		}, []string{"outcome"}),
		Seconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "provenant", Subsystem: "api", Name: "request_seconds", Help: "Time to answer a GraphQL request.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 14),
		}, []string{"outcome"}),
	}
	if reg != nil {
		reg.MustRegister(m.Requests, m.Seconds)
	}
	return m
}
