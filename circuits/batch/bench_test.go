package batch

import (
	"flag"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/consensys/gnark/backend/groth16"
)

var benchSizes = flag.String("bench-n", "8", "comma-separated batch sizes BenchmarkProve measures, e.g. 8,32,128")

// BenchmarkProve proves a full batch of the default layout for each size in
// -bench-n (default 8; 32 and 128 take minutes and gigabytes), with events
// from up to 3 keys and, for every other event, one of up to 2 origin
// certificates.
// Compilation, setup and witness building stay outside the timer. It
// reports seconds per event. N = 8 uses a real setup and also times
// verification; larger N use gnark's dummy setup, which proves in the same
// time (shared/notes/zk.md) but makes no verifying key.
func BenchmarkProve(b *testing.B) {
	for _, s := range strings.Split(*benchSizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			b.Fatalf("-bench-n %q: %v", *benchSizes, err)
		}
		b.Run("N="+strconv.Itoa(n), func(b *testing.B) { benchmarkProve(b, n) })
	}
}

func benchmarkProve(b *testing.B, n int) {
	l := DefaultLayout(n)
	f := newFixture(b)
	var events []EventWitness
	for i := range l.Events {
		var c *cert
		if i%2 == 0 {
			c = &f.certs[(i/2)%min(2, l.Origins)] // the third certificate is valid for two hours only
		}
		events = append(events, f.event(b, i%min(len(f.keys), l.Keys), c, t0.Add(time.Duration(i)*time.Minute)))
	}
	w := f.batch(events...)
	c, root, _, err := l.Assign(w)
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	cs, err := l.Compile()
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: %d constraints, compiled in %.1f s", l.ID(), cs.GetNbConstraints(), time.Since(start).Seconds())
	start = time.Now()
	var pk groth16.ProvingKey
	var vk groth16.VerifyingKey
	if n <= 8 {
		pk, vk, err = groth16.Setup(cs)
	} else {
		pk, err = groth16.DummySetup(cs)
	}
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("setup %.1f s", time.Since(start).Seconds())
	full, err := c.Witness()
	if err != nil {
		b.Fatal(err)
	}
	var proof groth16.Proof
	for b.Loop() {
		if proof, err = groth16.Prove(cs, pk, full); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N)/float64(l.Events), "s/event")
	b.ReportMetric(float64(b.N*l.Events)/b.Elapsed().Seconds(), "events/s")
	if vk == nil {
		return
	}
	pub, err := PublicWitness(root, w.SupplierRoot, w.OriginRoot)
	if err != nil {
		b.Fatal(err)
	}
	start = time.Now()
	const verifies = 20
	for range verifies {
		if err := groth16.Verify(proof, vk, pub); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("verify %.2f ms", time.Since(start).Seconds()*1000/verifies)
}
