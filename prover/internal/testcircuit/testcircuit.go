// Package testcircuit holds the tiny circuit that the key, ceremony and
// verification tests of package prover share: it compiles and proves in
// milliseconds, so those tests exercise the real Groth16 machinery without
// the batch circuit's cost.
package testcircuit

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/frontend"
)

// Squares proves Y = f^Rounds(X) with f(v) = v² + 7, and Z = X + 1, with Y
// and Z public. Rounds sets its size (about one constraint per round) and
// tells two circuits apart.
type Squares struct {
	Rounds int `gnark:"-"`
	X      frontend.Variable
	Y      frontend.Variable `gnark:",public"`
	Z      frontend.Variable `gnark:",public"`
}

// Define implements frontend.Circuit.
func (c *Squares) Define(api frontend.API) error {
	v := c.X
	for range c.Rounds {
		v = api.Add(api.Mul(v, v), 7)
	}
	api.AssertIsEqual(v, c.Y)
	api.AssertIsEqual(api.Add(c.X, 1), c.Z)
	return nil
}

// Assignment returns the satisfying assignment for x and its public inputs
// (Y, Z).
func (c *Squares) Assignment(x uint64) (*Squares, []fr.Element) {
	var v, seven, X, Z fr.Element
	X.SetUint64(x)
	v.Set(&X)
	seven.SetUint64(7)
	for range c.Rounds {
		v.Square(&v).Add(&v, &seven)
	}
	Z.SetUint64(x + 1)
	return &Squares{Rounds: c.Rounds, X: X, Y: v, Z: Z}, []fr.Element{v, Z}
}
