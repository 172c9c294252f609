package prover

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the proving stage's Prometheus metrics.
type Metrics struct {
	// Batches counts proven batches.
	Batches prometheus.Counter
	// Proven counts events proven.
	Proven prometheus.Counter
	// Rejected counts events rejected as unprovable.
	Rejected prometheus.Counter
	// BatchSize observes the events per proven batch.
	BatchSize prometheus.Histogram
	// ProveSeconds observes the proving time of a batch, by backend.
	ProveSeconds *prometheus.HistogramVec
}

// NewMetrics creates the metrics and registers them with reg, when not nil.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Batches: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "provenant", Subsystem: "prover", Name: "batches_total", Help: "Batches proven.",
		}),
		Proven: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "provenant", Subsystem: "prover", Name: "events_proven_total", Help: "Events proven.",
		}),
		Rejected: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "provenant", Subsystem: "prover", Name: "events_rejected_total", Help: "Events rejected as unprovable.",
		}),
		BatchSize: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: "provenant", Subsystem: "prover", Name: "batch_events", Help: "Events per proven batch.",
			Buckets: []float64{1, 2, 4, 8, 16, 32, 64, 128},
		}),
		ProveSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "provenant", Subsystem: "prover", Name: "prove_seconds", Help: "Time to prove one batch.",
			Buckets: prometheus.ExponentialBuckets(0.05, 2, 12),
		}, []string{"backend"}),
	}
	if reg != nil {
		reg.MustRegister(m.Batches, m.Proven, m.Rejected, m.BatchSize, m.ProveSeconds)
	}
	return m
}
