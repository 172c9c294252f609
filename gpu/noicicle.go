//go:build !icicle

package gpu

import (
	"context"

	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/backend/witness"
	"github.com/consensys/gnark/constraint"
)

// Backend proves on a CUDA device through ICICLE. This binary was built
// without -tags icicle: New never returns one.
type Backend struct{}

// New returns ErrNotBuilt: this binary was built without -tags icicle.
func New(...Option) (*Backend, error) { return nil, ErrNotBuilt }

// Name returns "gpu".
func (*Backend) Name() string { return "gpu" }

// Prove returns ErrNotBuilt.
func (*Backend) Prove(context.Context, constraint.ConstraintSystem, groth16.ProvingKey, witness.Witness) (groth16.Proof, error) {
	return nil, ErrNotBuilt
}

// Close does nothing.
func (*Backend) Close() error { return nil }

// Built reports whether this binary holds the GPU backend (-tags icicle).
func Built() bool { return false }

func detect(config) (Device, error) { return Device{}, ErrNotBuilt }

func newBackend(Device, config) (*Backend, error) { return nil, ErrNotBuilt }
