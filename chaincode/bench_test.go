package chaincode

import (
	"errors"
	"testing"
)

// BenchmarkAnchorVerify measures AnchorBatch as an endorsing peer runs it
// once the verifying key is cached: the role and request checks, the
// ledger reads, the Groth16 verification, the record and the event. The
// state is the fake stub's, in memory; each transaction is rolled back.
func BenchmarkAnchorVerify(b *testing.B) {
	benchmarkAnchor(b, false)
}

// BenchmarkAnchorVerifyUncached is BenchmarkAnchorVerify in a fresh
// chaincode process each time: the key is parsed (and subgroup-checked)
// first.
func BenchmarkAnchorVerifyUncached(b *testing.B) {
	benchmarkAnchor(b, true)
}

func benchmarkAnchor(b *testing.B, fresh bool) {
	n := ready(b)
	req := toJSON(b, request(b, 1))
	rollback := errors.New("rollback")
	b.ReportAllocs()
	for b.Loop() {
		if fresh {
			n.cc = New()
		}
		if _, err := n.cc.AnchorBatch(n.begin(operatorMSP), req); err != nil {
			b.Fatal(err)
		}
		n.end(rollback)
	}
}

// BenchmarkParseAnchorRequest measures the syntax checks alone.
func BenchmarkParseAnchorRequest(b *testing.B) {
	req := []byte(toJSON(b, request(b, 1)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseAnchorRequest(req); err != nil {
			b.Fatal(err)
		}
	}
}
