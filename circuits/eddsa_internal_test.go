package circuits

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	edbn254 "github.com/consensys/gnark-crypto/ecc/bn254/twistededwards"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/test"
)

// mulCircuit asserts [K]P = Q (variable base) and [S]B = SB (fixed base).
type mulCircuit struct {
	P, Q  Point
	K     frontend.Variable
	S     frontend.Variable
	SB    Point
	fixed bool
}

func (c *mulCircuit) Define(api frontend.API) error {
	h, err := NewHasher(api)
	if err != nil {
		return err
	}
	v, err := NewVerifier(api, h)
	if err != nil {
		return err
	}
	q := v.scalarMul(c.P, api.ToBinary(c.K))
	api.AssertIsEqual(q.X, c.Q.X)
	api.AssertIsEqual(q.Y, c.Q.Y)
	sb := v.fixedBaseMul(api.ToBinary(c.S, ScalarBits))
	api.AssertIsEqual(sb.X, c.SB.X)
	api.AssertIsEqual(sb.Y, c.SB.Y)
	return nil
}

// exceptional reports whether the Montgomery chain of scalarMul meets an
// exception for the 254-bit scalar k: a partial scalar k_w ≡ 0,
// 2k_{w+1} ≡ ±d_w or 4k_{w+1} ≡ ±d_w (mod l).
func exceptional(k *big.Int) bool {
	l := edbn254.GetEdwardsCurve().Order
	n := 254
	c := make([]uint, n)
	for i := 0; i < n-1; i++ {
		c[i] = k.Bit(i + 1)
	}
	c[n-1] = 1
	acc := new(big.Int)
	for w := n/2 - 1; w >= 0; w-- {
		d := big.NewInt(int64(2*c[2*w]) + int64(4*c[2*w+1]) - 3)
		if w < n/2-1 {
			four := new(big.Int).Lsh(acc, 2)
			two := new(big.Int).Lsh(acc, 1)
			for _, m := range []*big.Int{two, four} {
				for _, t := range []*big.Int{d, new(big.Int).Neg(d)} {
					if new(big.Int).Sub(m, t).Mod(new(big.Int).Sub(m, t), &l).Sign() == 0 {
						return true
					}
				}
			}
			acc = four.Add(four, d)
		} else {
			acc.Set(d)
		}
		if new(big.Int).Mod(acc, &l).Sign() == 0 {
			return true
		}
	}
	return false
}

func TestScalarMulEdgeCases(t *testing.T) {
	params := edbn254.GetEdwardsCurve()
	var p edbn254.PointAffine
	p.ScalarMultiplicationBase(big.NewInt(123456789))
	r := fr.Modulus()
	l := &params.Order
	two251 := new(big.Int).Lsh(big.NewInt(1), ScalarBits)
	add := func(a *big.Int, b int64) *big.Int { return new(big.Int).Add(a, big.NewInt(b)) }
	mul := func(a *big.Int, b int64) *big.Int { return new(big.Int).Mul(a, big.NewInt(b)) }
	ks := []*big.Int{
		big.NewInt(0), big.NewInt(1), big.NewInt(2), big.NewInt(3), big.NewInt(4),
		add(l, -2), add(l, -1), l, add(l, 1), add(mul(l, 2), -1), mul(l, 3), add(mul(l, 7), 6),
		add(r, -1), add(r, -2),
		new(big.Int).Lsh(big.NewInt(1), 253), add(new(big.Int).Lsh(big.NewInt(1), 253), -1),
		add(two251, -1), add(two251, -2),
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 16 {
		var e fr.Element
		e.SetUint64(rng.Uint64())
		e.Exp(e, big.NewInt(65537))
		ks = append(ks, e.BigInt(new(big.Int)))
	}
	for _, k := range ks {
		var q, sb edbn254.PointAffine
		q.ScalarMultiplication(&p, k)
		s := new(big.Int).Mod(k, two251)
		sb.ScalarMultiplicationBase(s)
		w := &mulCircuit{
			P: Point{X: p.X, Y: p.Y}, Q: Point{X: q.X, Y: q.Y}, K: k,
			S: s, SB: Point{X: sb.X, Y: sb.Y},
		}
		err := test.IsSolved(&mulCircuit{}, w, ecc.BN254.ScalarField())
		if exceptional(k) {
			if err == nil {
				t.Errorf("k = %s: exceptional, solved", k)
			}
			continue
		}
		if err != nil {
			t.Errorf("k = %s: %v", k, err)
		}
		var wrong edbn254.PointAffine
		wrong.Add(&q, &p)
		w.Q = Point{X: wrong.X, Y: wrong.Y}
		if err := test.IsSolved(&mulCircuit{}, w, ecc.BN254.ScalarField()); err == nil {
			t.Errorf("k = %s: solved with [k+1]P", k)
		}
	}
	for _, k := range []*big.Int{add(l, -1), l, mul(l, 3), add(mul(l, 3), -1)} {
		if !exceptional(k) {
			t.Errorf("k = %s: want exceptional", k)
		}
	}
}

// eddsaPart compiles one part of AssertSignature.
type eddsaPart struct {
	A    Point
	Sig  Signature
	Msg  frontend.Variable
	part string
}

func (c *eddsaPart) Define(api frontend.API) error {
	h, err := NewHasher(api)
	if err != nil {
		return err
	}
	v, err := NewVerifier(api, h)
	if err != nil {
		return err
	}
	var out []frontend.Variable
	switch c.part {
	case "challenge hash":
		out = []frontend.Variable{h.Hash(c.Sig.R.X, c.Sig.R.Y, c.A.X, c.A.Y, c.Msg)}
	case "challenge bits (strict)":
		out = api.ToBinary(c.Msg)
	case "[h]A (Montgomery chain)":
		bits := make([]frontend.Variable, 254)
		for i := range bits {
			bits[i] = api.Add(c.Msg, i) // distinct non-constant stand-ins
		}
		p := v.scalarMul(c.A, bits)
		out = []frontend.Variable{p.X, p.Y}
	case "[S]B (fixed base, with S bits)":
		p := v.fixedBaseMul(api.ToBinary(c.Sig.S, ScalarBits))
		out = []frontend.Variable{p.X, p.Y}
	case "whole AssertSignature":
		v.AssertSignature(c.A, c.Sig, c.Msg)
	case "gnark std/signature/eddsa":
		return gnarkEdDSA(api, c)
	}
	// Keep the outputs alive with a single constraint.
	var sum frontend.Variable = 0
	for i, o := range out {
		sum = api.Add(sum, api.Mul(o, i+1))
	}
	if len(out) > 0 {
		api.AssertIsDifferent(sum, 0)
	}
	return nil
}

func TestEdDSABreakdown(t *testing.T) {
	for _, part := range []string{
		"challenge hash", "challenge bits (strict)", "[h]A (Montgomery chain)",
		"[S]B (fixed base, with S bits)", "whole AssertSignature", "gnark std/signature/eddsa",
	} {
		cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &eddsaPart{part: part})
		if err != nil {
			t.Fatalf("%s: %v", part, err)
		}
		commitments := len(cs.GetCommitments().CommitmentIndexes())
		if commitments != 0 && part != "gnark std/signature/eddsa" {
			t.Errorf("%s: %d commitments", part, commitments)
		}
		t.Logf("%-32s %6d constraints, %d commitments", part, cs.GetNbConstraints(), commitments)
	}
}
