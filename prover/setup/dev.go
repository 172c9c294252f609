package setup

import (
	"context"
	"fmt"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"
	csbn254 "github.com/consensys/gnark/constraint/bn254"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
)

// Compile compiles a circuit to a BN254 R1CS, the constraint system both
// setups and the prover work on.
func Compile(ctx context.Context, circuitID string, circuit frontend.Circuit, opts ...Option) (constraint.ConstraintSystem, error) {
	return newConfig(opts).compile(ctx, circuitID, circuit)
}

func (c config) compile(ctx context.Context, circuitID string, circuit frontend.Circuit) (constraint.ConstraintSystem, error) {
	if err := CheckCircuitID(circuitID); err != nil {
		return nil, err
	}
	var cs constraint.ConstraintSystem
	err := c.step(ctx, "compile circuit", func() error {
		var err error
		cs, err = frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, circuit)
		return err
	}, "circuit_id", circuitID)
	if err != nil {
		return nil, fmt.Errorf("compile %s: %w", circuitID, err)
	}
	_, _, nbPublic := cs.GetNbVariables()
	c.logf(ctx, "compiled", "circuit_id", circuitID, "constraints", cs.GetNbConstraints(), "public_inputs", nbPublic-1)
	return cs, nil
}

// Dev compiles the circuit and makes its keys with gnark's single-party
// Groth16 setup. The keys are INSECURE: the setup's secret was in this
// process's memory, and whoever could read it can forge proofs. Every log
// line says so (a warning with insecure=true), and so does everything Save
// writes for them (meta.json's kind "dev-insecure", INSECURE-DEV-KEYS.txt).
func Dev(ctx context.Context, circuitID string, circuit frontend.Circuit, opts ...Option) (*Keys, error) {
	c := newConfig(opts).insecure()
	cs, err := c.compile(ctx, circuitID, circuit)
	if err != nil {
		return nil, err
	}
	return c.devKeys(ctx, circuitID, cs)
}

// DevKeys is Dev for an already compiled constraint system.
func DevKeys(ctx context.Context, circuitID string, cs constraint.ConstraintSystem, opts ...Option) (*Keys, error) {
	if err := CheckCircuitID(circuitID); err != nil {
		return nil, err
	}
	return newConfig(opts).insecure().devKeys(ctx, circuitID, cs)
}

func (c config) devKeys(ctx context.Context, circuitID string, cs constraint.ConstraintSystem) (*Keys, error) {
	if _, err := bn254R1CS(cs); err != nil {
		return nil, fmt.Errorf("dev setup %s: %w", circuitID, err)
	}
	k := &Keys{CircuitID: circuitID, CS: cs, Kind: KindDevInsecure, Created: time.Now().UTC()}
	err := c.step(ctx, "groth16 setup", func() error {
		var err error
		k.ProvingKey, k.VerifyingKey, err = groth16.Setup(cs)
		return err
	}, "circuit_id", circuitID, "constraints", cs.GetNbConstraints())
	if err != nil {
		return nil, fmt.Errorf("dev setup %s: %w", circuitID, err)
	}
	return k, nil
}

// bn254R1CS returns cs as the BN254 R1CS that gnark's Groth16 backends and
// ceremony work on.
func bn254R1CS(cs constraint.ConstraintSystem) (*csbn254.R1CS, error) {
	r, ok := cs.(*csbn254.R1CS)
	if !ok || r == nil {
		return nil, fmt.Errorf("constraint system %T: want a BN254 R1CS", cs)
	}
	return r, nil
}
