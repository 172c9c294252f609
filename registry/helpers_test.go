package registry_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/provenant/provenant/epcis"
	"github.com/provenant/provenant/registry"
	"github.com/provenant/provenant/supplier"
)

// gln returns the GLN of a 12-digit prefix, its check digit appended.
func gln(t testing.TB, prefix string) string {
	t.Helper()
	d, err := epcis.GS1CheckDigit(prefix)
	if err != nil || len(prefix) != 12 {
		t.Fatalf("gln(%q): %v", prefix, err)
	}
	return fmt.Sprintf("%s%d", prefix, d)
}

// facility returns the canonical facility of a 12-digit GLN prefix.
func facility(t testing.TB, prefix string) string {
	return epcis.DigitalLinkHost + "/414/" + gln(t, prefix)
}

// day returns midnight UTC of a date.
func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// endOfDay returns the last millisecond of a date.
func endOfDay(y int, m time.Month, d int) time.Time {
	return day(y, m, d).AddDate(0, 0, 1).Add(-time.Millisecond)
}

// testKeys returns n distinct supplier keys drawn from a seeded generator.
func testKeys(t testing.TB, seed uint64, n int) []supplier.PublicKey {
	t.Helper()
	r := rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8)})
	keys := make([]supplier.PublicKey, n)
	for i := range keys {
		k, err := supplier.GenerateKey(r)
		if err != nil {
			t.Fatal(err)
		}
		keys[i] = k.Public()
	}
	return keys
}

// testOrigins returns a set of entries: three facilities, one with two
// periods and a gap, one with two overlapping certificates of one region.
func testOrigins(t testing.TB) []registry.Origin {
	t.Helper()
	return []registry.Origin{
		{Facility: facility(t, "401234500005"), Region: "DE", ValidFrom: day(2025, 1, 1), ValidUntil: endOfDay(2025, 6, 30), Certificate: "BIO-DE-1"},
		{Facility: facility(t, "401234500005"), Region: "DE", ValidFrom: day(2026, 1, 1), ValidUntil: endOfDay(2026, 12, 31), Certificate: "BIO-DE-2"},
		{Facility: facility(t, "061414100001"), Region: "PT", ValidFrom: day(2024, 3, 1), ValidUntil: endOfDay(2027, 2, 28), Certificate: "FT-PT-9"},
		{Facility: facility(t, "061414100001"), Region: "PT", ValidFrom: day(2025, 1, 1), ValidUntil: endOfDay(2025, 12, 31), Certificate: "ORG-PT-3"},
		{Facility: facility(t, "761234500001") + "/254/7", Region: "CH", ValidFrom: day(2020, 1, 1), ValidUntil: endOfDay(2030, 12, 31)},
	}
}

// mustOrigins builds the origin registry of entries.
func mustOrigins(t testing.TB, entries []registry.Origin) *registry.Origins {
	t.Helper()
	reg, err := registry.NewOrigins(entries)
	if err != nil {
		t.Fatalf("NewOrigins: %v", err)
	}
	return reg
}

// mustSuppliers builds the supplier registry of keys.
func mustSuppliers(t testing.TB, keys []supplier.PublicKey) *registry.Suppliers {
	t.Helper()
	reg, err := registry.NewSuppliers(keys)
	if err != nil {
		t.Fatalf("NewSuppliers: %v", err)
	}
	return reg
}
