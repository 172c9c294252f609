package prover

import (
	"context"
	"fmt"

	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/backend/witness"
	"github.com/consensys/gnark/constraint"
)

// Backend proves a solved circuit with a Groth16 proving key.
type Backend interface {
	// Name names the backend in logs and metrics ("cpu", "gpu").
	Name() string
	// Prove returns a proof of the full witness.
	Prove(ctx context.Context, cs constraint.ConstraintSystem, pk groth16.ProvingKey, full witness.Witness) (groth16.Proof, error)
}

// CPU returns gnark's CPU prover, which uses every core.
func CPU() Backend { return cpuBackend{} }

type cpuBackend struct{}

func (cpuBackend) Name() string { return "cpu" }

func (cpuBackend) Prove(ctx context.Context, cs constraint.ConstraintSystem, pk groth16.ProvingKey, full witness.Witness) (groth16.Proof, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	proof, err := groth16.Prove(cs, pk, full)
	if err != nil {
		return nil, fmt.Errorf("cpu prove: %w", err)
	}
	return proof, nil
}
