package bench

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/consensys/gnark/backend/groth16"
	groth16_bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/backend/witness"
	"github.com/consensys/gnark/constraint"

	"github.com/provenant/provenant/circuits/batch"
	"github.com/provenant/provenant/prover"
)

func TestRandomBatch(t *testing.T) {
	for _, n := range []int{1, 2, 8, 32} {
		l := batch.DefaultLayout(n)
		a, err := RandomBatch(l)
		if err != nil {
			t.Fatalf("N=%d: %v", n, err)
		}
		b, err := RandomBatch(l)
		if err != nil {
			t.Fatalf("N=%d: %v", n, err)
		}
		if a.Root == b.Root {
			t.Errorf("N=%d: two random batches share the root %v", n, a.Root)
		}
	}
	if _, err := RandomBatch(batch.Layout{Events: 3, Keys: 1}); err == nil {
		t.Error("RandomBatch of an invalid layout succeeded")
	}
}

// forger proves on the CPU and breaks the proof.
type forger struct{}

func (forger) Name() string { return "forger" }

func (forger) Prove(ctx context.Context, cs constraint.ConstraintSystem, pk groth16.ProvingKey, full witness.Witness) (groth16.Proof, error) {
	proof, err := prover.CPU().Prove(ctx, cs, pk, full)
	if err != nil {
		return nil, err
	}
	p := proof.(*groth16_bn254.Proof)
	p.Krs.Neg(&p.Krs)
	return p, nil
}

// TestRun proves at N = 1 (about 16,000 constraints): the CPU's proofs of
// fresh batches verify, a broken backend's do not.
func TestRun(t *testing.T) {
	if testing.Short() {
		t.Skip("a dev setup and four proofs of the N=1 batch circuit")
	}
	cfg := Config{Sizes: []int{1}, Setup: SetupDev, Batches: 2, Rounds: 2, Verify: true}
	res, err := Run(context.Background(), nil, cfg, []prover.Backend{prover.CPU(), forger{}})
	if !errors.Is(err, ErrNotVerified) || !strings.Contains(err.Error(), "forger") {
		t.Fatalf("Run with a forger: %v, want ErrNotVerified naming it", err)
	}
	if len(res) != 1 || res[0].Backend != "cpu" || res[0].Verified != 3 || len(res[0].Times) != 2 || res[0].Constraints == 0 || res[0].Solve <= 0 {
		t.Errorf("results %+v, want the CPU's with 3 proofs verified and 2 timed", res)
	}
}

func TestRunNeedsDevSetupToVerify(t *testing.T) {
	_, err := Run(context.Background(), nil, Config{Sizes: []int{1}, Setup: SetupDummy, Verify: true}, []prover.Backend{prover.CPU()})
	if err == nil || !strings.Contains(err.Error(), "dev setup") {
		t.Errorf("Run(dummy, verify): %v", err)
	}
}

func TestWriteTable(t *testing.T) {
	s := time.Second
	res := []Result{
		{N: 32, Constraints: 510326, Backend: "cpu", Setup: SetupDummy, First: 6 * s, Times: []time.Duration{6 * s, 4 * s}, Solve: s / 8},
		{N: 32, Constraints: 510326, Backend: "gpu", Setup: SetupDummy, First: 2 * s, Times: []time.Duration{s / 4, s / 4}, Verified: 3, Solve: s / 8},
	}
	var b bytes.Buffer
	if err := WriteTable(&b, res); err != nil {
		t.Fatal(err)
	}
	want := `| 32 | 510326 | gpu | dummy | 2.000 | 0.250 | 0.250 | 2 | 128.0 | 20.0× | 0.125 | 3/3 |`
	if !strings.Contains(b.String(), want) {
		t.Errorf("table:\n%s\nwant a row\n%s", b.String(), want)
	}
	if !strings.Contains(b.String(), "| 32 | 510326 | cpu | dummy | 6.000 | 5.000 | 4.000 | 2 | 6.4 | — | 0.125 | — |") {
		t.Errorf("table:\n%s", b.String())
	}
}
