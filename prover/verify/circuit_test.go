package verify_test

import (
	"bytes"
	"sync"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/backend/witness"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"

	"github.com/provenant/provenant/prover/internal/testcircuit"
)

// squares is the shared tiny test circuit.
type squares = testcircuit.Squares

type fixture struct {
	cs  constraint.ConstraintSystem
	pk  groth16.ProvingKey
	vk  groth16.VerifyingKey
	def *squares
}

// Two circuits with the same public inputs, set up once for all tests.
var (
	fixtureA = sync.OnceValues(func() (*fixture, error) { return build(200) })
	fixtureB = sync.OnceValues(func() (*fixture, error) { return build(201) })
)

func build(rounds int) (*fixture, error) {
	def := &testcircuit.Squares{Rounds: rounds}
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, def)
	if err != nil {
		return nil, err
	}
	pk, vk, err := groth16.Setup(cs)
	if err != nil {
		return nil, err
	}
	return &fixture{cs: cs, pk: pk, vk: vk, def: def}, nil
}

func mustFixture(t testing.TB, f func() (*fixture, error)) *fixture {
	t.Helper()
	fx, err := f()
	if err != nil {
		t.Fatal(err)
	}
	return fx
}

// prove returns a proof for x, encoded compressed, and its public inputs.
func (f *fixture) prove(t testing.TB, x uint64) ([]byte, []fr.Element) {
	t.Helper()
	assignment, public := f.def.Assignment(x)
	w, err := frontend.NewWitness(assignment, ecc.BN254.ScalarField())
	if err != nil {
		t.Fatal(err)
	}
	proof, err := groth16.Prove(f.cs, f.pk, w)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := proof.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), public
}

func (f *fixture) publicWitness(t testing.TB, x uint64) witness.Witness {
	t.Helper()
	assignment, _ := f.def.Assignment(x)
	w, err := frontend.NewWitness(assignment, ecc.BN254.ScalarField(), frontend.PublicOnly())
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func vkBytes(t testing.TB, vk groth16.VerifyingKey, raw bool) []byte {
	t.Helper()
	var b bytes.Buffer
	var err error
	if raw {
		_, err = vk.WriteRawTo(&b)
	} else {
		_, err = vk.WriteTo(&b)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
