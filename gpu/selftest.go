package gpu

import (
	"context"
	"fmt"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"

	"github.com/provenant/provenant/prover"
)

// selfTestCircuit proves Y = f^rounds(X) with f(v) = v² + X: a circuit that
// compiles, sets up and proves in milliseconds on the CPU.
type selfTestCircuit struct {
	X frontend.Variable
	Y frontend.Variable `gnark:",public"`
}

const selfTestRounds = 64

// Define implements frontend.Circuit.
func (c *selfTestCircuit) Define(api frontend.API) error {
	v := c.X
	for range selfTestRounds {
		v = api.Add(api.Mul(v, v), c.X)
	}
	api.AssertIsEqual(v, c.Y)
	return nil
}

// selfTest proves the self-test circuit with b and verifies the proof on
// the CPU, for a statement that holds and checks that it does not verify
// for one that does not.
func selfTest(ctx context.Context, b prover.Backend) error {
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &selfTestCircuit{})
	if err != nil {
		return fmt.Errorf("self-test: compile: %w", err)
	}
	pk, vk, err := groth16.Setup(cs)
	if err != nil {
		return fmt.Errorf("self-test: setup: %w", err)
	}
	var x, y fr.Element
	x.SetUint64(3)
	y.Set(&x)
	for range selfTestRounds {
		y.Square(&y).Add(&y, &x)
	}
	full, err := frontend.NewWitness(&selfTestCircuit{X: x, Y: y}, ecc.BN254.ScalarField())
	if err != nil {
		return fmt.Errorf("self-test: witness: %w", err)
	}
	public, err := full.Public()
	if err != nil {
		return fmt.Errorf("self-test: public witness: %w", err)
	}
	proof, err := b.Prove(ctx, cs, pk, full)
	if err != nil {
		return fmt.Errorf("%w: prove on the %s backend: %w", ErrSelfTest, b.Name(), err)
	}
	if err := groth16.Verify(proof, vk, public); err != nil {
		return fmt.Errorf("%w: the %s backend's proof does not verify on the CPU: %w", ErrSelfTest, b.Name(), err)
	}
	wrong, err := frontend.NewWitness(&selfTestCircuit{X: 0, Y: x}, ecc.BN254.ScalarField(), frontend.PublicOnly())
	if err != nil {
		return fmt.Errorf("self-test: public witness: %w", err)
	}
	if groth16.Verify(proof, vk, wrong) == nil {
		return fmt.Errorf("%w: the %s backend's proof verifies for a wrong public input", ErrSelfTest, b.Name())
	}
	return nil
}
