package ingest

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the ingest stage's Prometheus metrics.
type Metrics struct {
	// Consumed counts messages read from the events topic.
	Consumed prometheus.Counter
	// Stored counts events written to the store (new or identical again).
	Stored prometheus.Counter
	// Rejected counts messages sent to the dead-letter topic, by code.
	Rejected *prometheus.CounterVec
	// Lag is the consumer lag of this process's reader, in messages.
	Lag prometheus.Gauge
}

// NewMetrics creates the metrics and registers them with reg, when not nil.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Consumed: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "provenant", Subsystem: "ingest", Name: "messages_consumed_total",
			Help: "Messages read from the events topic.",
		}),
		Stored: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "provenant", Subsystem: "ingest", Name: "events_stored_total",
			Help: "Events written to the store, new or identical to a stored one.",
		}),
		Rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "provenant", Subsystem: "ingest", Name: "messages_rejected_total",
			Help: "Messages sent to the dead-letter topic, by reason code.",
		}, []string{"code"}),
		Lag: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "provenant", Subsystem: "ingest", Name: "consumer_lag_messages",
			Help: "Messages behind the end of the partitions this process reads.",
		}),
	}
	if reg != nil {
		reg.MustRegister(m.Consumed, m.Stored, m.Rejected, m.Lag)
	}
	return m
}
