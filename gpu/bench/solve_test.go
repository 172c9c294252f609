package bench

import (
	"flag"
	"testing"

	"github.com/provenant/provenant/circuits/batch"
)

var solveN = flag.Int("solve.n", 8, "batch size N that BenchmarkSolve solves")

// BenchmarkSolve solves one random batch's witness of the default layout at
// -solve.n on the CPU, the part of a GPU proof that gnark's ICICLE prover
// does on the host before the device works (docs/gpu.md: at N = 512 more
// than half of each proof on the H100 machine). With -cpuprofile it shows
// where that time goes:
//
//	go test ./gpu/bench -run '^$' -bench Solve -solve.n 32 -cpuprofile cpu.out
func BenchmarkSolve(b *testing.B) {
	l := batch.DefaultLayout(*solveN)
	cs, err := l.Compile()
	if err != nil {
		b.Fatal(err)
	}
	bt, err := RandomBatch(l)
	if err != nil {
		b.Fatal(err)
	}
	batches := []*Batch{bt}
	for b.Loop() {
		if _, err := solveTime(cs, batches); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N)/float64(l.Events)*1e3, "ms/event")
}
