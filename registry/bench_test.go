package registry_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/provenant/provenant/epcis"
	"github.com/provenant/provenant/registry"
)

// benchOrigins returns n entries: n/2 facilities with two periods each,
// in leaf order.
func benchOrigins(b testing.TB, n int) []registry.Origin {
	entries := make([]registry.Origin, 0, n)
	for i := 0; len(entries) < n; i++ {
		prefix := fmt.Sprintf("40%010d", i)
		d, err := epcis.GS1CheckDigit(prefix)
		if err != nil {
			b.Fatal(err)
		}
		f := fmt.Sprintf("https://id.gs1.org/414/%s%d", prefix, d)
		for y := 2025; y <= 2026 && len(entries) < n; y++ {
			entries = append(entries, registry.Origin{
				Facility:    f,
				Region:      "DE",
				ValidFrom:   time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC),
				ValidUntil:  time.Date(y, 12, 31, 23, 59, 59, 999_000_000, time.UTC),
				Certificate: fmt.Sprintf("C-%d-%d", i, y),
			})
		}
	}
	return entries
}

// BenchmarkOriginsRoot builds the origin registry of 10,000 entries: checks,
// ordering, leaves and the depth-20 tree.
func BenchmarkOriginsRoot(b *testing.B) {
	const n = 10_000
	entries := benchOrigins(b, n)
	b.ReportAllocs()
	for b.Loop() {
		reg, err := registry.NewOrigins(entries)
		if err != nil {
			b.Fatal(err)
		}
		_ = reg.Root()
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "entries/s")
}

// BenchmarkSuppliersRoot builds the supplier registry of 10,000 keys.
func BenchmarkSuppliersRoot(b *testing.B) {
	const n = 10_000
	keys := testKeys(b, 20, n)
	b.ReportAllocs()
	for b.Loop() {
		reg := mustSuppliers(b, keys)
		_ = reg.Root()
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "keys/s")
}
