package epcis

import (
	"encoding/json"
	"testing"
)

// BenchmarkHashID hashes a realistic ObjectEvent: EPC URNs, a quantity, a
// business transaction, two sensor readings and user extensions.
func BenchmarkHashID(b *testing.B) {
	ctx := testHashContext(b)
	event := json.RawMessage(testHashEvent)
	if _, err := HashID(event, ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(event)))
	for b.Loop() {
		if _, err := HashID(event, ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "hashIDs/s")
}

// BenchmarkNormalizeEPC converts an SGTIN URN to its Digital Link.
func BenchmarkNormalizeEPC(b *testing.B) {
	for b.Loop() {
		NormalizeEPC("urn:epc:id:sgtin:4012345.011111.987")
	}
}
