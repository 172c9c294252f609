package networktest_test

import (
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/provenant/provenant/chaincode"
	"github.com/provenant/provenant/ledger"
)

// The benchmarks compare anchoring (endorsement by both organizations,
// each verifying the Groth16 proof, then ordering and commit) with the
// chaincode's no-op Ping on the same network: the ratio is the cost of the
// verification and the state writes. Each anchor reuses one proven batch
// under a new batch ID, so that proving stays out of the measurement; the
// chaincode verifies the proof in full every time.
//
//	go test ./ledger/networktest -run '^$' -bench . -benchtime 40x

func BenchmarkSubmitPing(b *testing.B) {
	f := newFixture(b)
	b.ResetTimer()
	for b.Loop() {
		if _, err := f.operator.Submit(f.ctx, "Ping"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSubmitAnchor(b *testing.B) {
	f, req := benchRequest(b)
	b.ResetTimer()
	i := 0
	for b.Loop() {
		req.BatchID = fmt.Sprintf("bench-%d-%d", time.Now().UnixNano(), i)
		i++
		if _, err := f.operator.Anchor(f.ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSubmitAnchorParallel keeps 16 anchors in flight: throughput
// rather than latency (the orderer cuts blocks of many transactions).
func BenchmarkSubmitAnchorParallel(b *testing.B) {
	benchParallel(b, func(f *fixture, req anchorReq, i int64) error {
		req.BatchID = fmt.Sprintf("benchp-%d-%d", time.Now().UnixNano(), i)
		_, err := f.operator.Anchor(f.ctx, req)
		return err
	})
}

func BenchmarkSubmitPingParallel(b *testing.B) {
	benchParallel(b, func(f *fixture, _ anchorReq, _ int64) error {
		_, err := f.operator.Submit(f.ctx, "Ping")
		return err
	})
}

type anchorReq = chaincode.AnchorRequest

func benchParallel(b *testing.B, op func(*fixture, anchorReq, int64) error) {
	f, req := benchRequest(b)
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	b.ResetTimer()
	start := time.Now()
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					return
				}
				r := req
				r.PublicInputs = append([]string(nil), req.PublicInputs...)
				if err := op(f, r, i); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "tx/s")
	select {
	case err := <-errs:
		b.Fatal(err)
	default:
	}
}

// benchRequest proves one batch, pins its key and returns its request.
func benchRequest(b *testing.B) (*fixture, chaincode.AnchorRequest) {
	b.Helper()
	f := newFixture(b)
	batch := f.prove(b)
	key, err := f.keySource()(f.ctx, batch.Circuit, batch.CircuitVersion)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := f.operator.RegisterVerifyingKey(f.ctx, batch.Circuit, batch.CircuitVersion, key); err != nil {
		b.Fatal(err)
	}
	req := ledger.RequestFromBatch(batch)
	if _, err := json.Marshal(req); err != nil {
		b.Fatal(err)
	}
	return f, req
}
