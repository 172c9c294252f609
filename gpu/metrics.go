package gpu

import "github.com/prometheus/client_golang/prometheus"

// newBackendInfo returns the provenant_prover_backend_info gauge: 1 for the
// backend the prover proves with, labelled with the --gpu mode and whether
// auto mode fell back to the CPU. Proving times are in
// provenant_prover_prove_seconds, labelled by the same backend name.
func newBackendInfo() *prometheus.GaugeVec {
	return prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Namespace: "provenant", Subsystem: "prover", Name: "backend_info",
		Help: "The backend that proves (1), the --gpu mode, and whether auto mode fell back to the CPU.",
	}, []string{"backend", "gpu", "fallback"})
}
