package networktest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/provenant/provenant/graphql"
	"github.com/provenant/provenant/internal/pipelinetest"
)

// The API benchmarks serve the GraphQL API on the shared store and the real
// ledger and send it requests from 4 concurrent clients over HTTP; they
// report queries per second and the latency percentiles.
//
//	go test ./ledger/networktest -run '^$' -bench API -benchtime 400x

func BenchmarkAPIProduct50Events(b *testing.B) {
	f := newFixture(b)
	product := fmt.Sprintf("urn:epc:id:sgtin:4012345.033333.%d", nextSerial(1))
	for i := range 25 {
		pipelinetest.Ingest(b, f.ctx, f.st,
			pipelinetest.EventFor(b, f.supplier, product, 4000+2*i, "DE"),
			pipelinetest.EventFor(b, f.supplier, product, 4001+2*i, ""))
		pipelinetest.Prove(b, f.ctx, f.st, f.keys)
	}
	if _, err := f.anchorer(b, f.operator).AnchorOnce(f.ctx); err != nil {
		b.Fatal(err)
	}
	endpoint := startAPI(b, f, graphql.Limits{RatePerSecond: -1})
	query := `query($id: String!) { product(id: $id) { verified events(first: 50) { edges { node {
		eventID type action bizStep eventTime status claims { originRegion }
		batch { batchID root } inclusionPath { index } anchor { txID blockNumber } } } } } }`
	benchAPI(b, endpoint, query, map[string]any{"id": product}, func(data map[string]any) error {
		if n := len(get(data, "product", "events", "edges").([]any)); n != 50 {
			return fmt.Errorf("%d events, want 50", n)
		}
		return nil
	})
}

func BenchmarkAPIVerifyEvent(b *testing.B) {
	f := newFixture(b)
	batch := f.prove(b)
	if _, err := f.anchorer(b, f.operator).AnchorOnce(f.ctx); err != nil {
		b.Fatal(err)
	}
	ms, err := f.st.ListBatchMembers(f.ctx, batch.ID)
	if err != nil {
		b.Fatal(err)
	}
	endpoint := startAPI(b, f, graphql.Limits{RatePerSecond: -1})
	benchAPI(b, endpoint, verifyQuery, map[string]any{"id": ms[0].EventID}, func(data map[string]any) error {
		if get(data, "verifyEvent", "valid") != true {
			return fmt.Errorf("verifyEvent %v", data)
		}
		return nil
	})
}

// benchAPI runs the query with 1 client (latency) and with 4 (throughput).
func benchAPI(b *testing.B, endpoint, query string, vars map[string]any, check func(map[string]any) error) {
	for _, clients := range []int{1, 4} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) { benchClients(b, clients, endpoint, query, vars, check) })
	}
}

func benchClients(b *testing.B, clients int, endpoint, query string, vars map[string]any, check func(map[string]any) error) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	do := func() (time.Duration, error) {
		start := time.Now()
		resp, err := http.Post(endpoint, "application/json", bytes.NewReader(body))
		if err != nil {
			return 0, err
		}
		raw, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		took := time.Since(start)
		if err != nil {
			return 0, err
		}
		var out struct {
			Data   map[string]any `json:"data"`
			Errors []any          `json:"errors"`
		}
		if err := json.Unmarshal(raw, &out); err != nil || len(out.Errors) > 0 {
			return 0, fmt.Errorf("response %s: %v", raw, err)
		}
		return took, check(out.Data)
	}
	if _, err := do(); err != nil { // warm the caches (pinned key, roots)
		b.Fatal(err)
	}
	var mu sync.Mutex
	var lat []time.Duration
	var first error
	next := make(chan struct{}, b.N)
	for range b.N {
		next <- struct{}{}
	}
	close(next)
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			for range next {
				d, err := do()
				mu.Lock()
				if err != nil && first == nil {
					first = err
				}
				lat = append(lat, d)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if first != nil {
		b.Fatal(first)
	}
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "queries/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}
