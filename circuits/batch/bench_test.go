package batch

import (
	"testing"
	"time"

	"github.com/consensys/gnark/backend/groth16"
)

// BenchmarkProve proves a full batch of the default N = 8 layout (two
// supplier keys, one origin certificate); compilation, setup and witness
// building stay outside the timer. It reports seconds per event.
func BenchmarkProve(b *testing.B) {
	l := DefaultLayout(8)
	f := newFixture(b)
	de := &f.certs[0]
	var events []EventWitness
	for i := range l.Events {
		c := de
		if i%2 == 1 {
			c = nil
		}
		events = append(events, f.event(b, i%2, c, t0.Add(time.Duration(i)*time.Minute)))
	}
	w := f.batch(events...)
	c, root, _, err := l.Assign(w)
	if err != nil {
		b.Fatal(err)
	}
	cs, err := l.Compile()
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	pk, vk, err := groth16.Setup(cs)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: %d constraints, setup %.1f s", l.ID(), cs.GetNbConstraints(), time.Since(start).Seconds())
	full, err := c.Witness()
	if err != nil {
		b.Fatal(err)
	}
	pub, err := PublicWitness(root, w.SupplierRoot, w.OriginRoot)
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
	start = time.Now()
	const verifies = 20
	for range verifies {
		if err := groth16.Verify(proof, vk, pub); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("verify %.2f ms", time.Since(start).Seconds()*1000/verifies)
}
