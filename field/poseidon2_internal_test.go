package field

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

// Permute exposes the width-2 Poseidon2 permutation to the external tests.
var Permute = p2.permute

func limbsBig(x limbs) *big.Int {
	v := new(big.Int)
	for _, w := range []uint64{x.w3, x.w2, x.w1, x.w0} {
		v.Lsh(v, 64).Or(v, new(big.Int).SetUint64(w))
	}
	return v
}

func bigLimbs(t *testing.T, v *big.Int) limbs {
	t.Helper()
	if v.Sign() < 0 || v.BitLen() > 256 {
		t.Fatalf("%v does not fit in 256 bits", v)
	}
	var w [4]uint64
	for i := range w {
		w[i] = new(big.Int).Rsh(v, uint(64*i)).Uint64()
	}
	return limbs{w[0], w[1], w[2], w[3]}
}

// TestModulusLimbs checks the hard-coded limbs of r and 2r against fr, and
// the bound the lazy linear layers rely on: 4r < 2^256.
func TestModulusLimbs(t *testing.T) {
	r := fr.Modulus()
	tests := []struct {
		name string
		got  limbs
		want *big.Int
	}{
		{"r", limbs{r0, r1, r2, r3}, r},
		{"2r", limbs{r2x0, r2x1, r2x2, r2x3}, new(big.Int).Lsh(r, 1)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := limbsBig(tc.got); got.Cmp(tc.want) != 0 {
				t.Errorf("limbs = %#x, want %#x", got, tc.want)
			}
		})
	}
	if four := new(big.Int).Lsh(r, 2); four.BitLen() > 256 {
		t.Errorf("4r has %d bits, the lazy reductions need at most 256", four.BitLen())
	}
}

// TestReduce checks add and reduce2/reduce4 against big.Int arithmetic at
// the boundaries of their ranges.
func TestReduce(t *testing.T) {
	r := fr.Modulus()
	mul := func(k int64, d int64) *big.Int {
		v := new(big.Int).Mul(r, big.NewInt(k))
		return v.Add(v, big.NewInt(d))
	}
	tests := []struct {
		name   string
		x      *big.Int
		reduce func(limbs) limbs
	}{
		{"reduce2(0)", big.NewInt(0), limbs.reduce2},
		{"reduce2(r-1)", mul(1, -1), limbs.reduce2},
		{"reduce2(r)", mul(1, 0), limbs.reduce2},
		{"reduce2(2r-1)", mul(2, -1), limbs.reduce2},
		{"reduce4(0)", big.NewInt(0), limbs.reduce4},
		{"reduce4(r-1)", mul(1, -1), limbs.reduce4},
		{"reduce4(r)", mul(1, 0), limbs.reduce4},
		{"reduce4(2r-1)", mul(2, -1), limbs.reduce4},
		{"reduce4(2r)", mul(2, 0), limbs.reduce4},
		{"reduce4(3r-1)", mul(3, -1), limbs.reduce4},
		{"reduce4(3r)", mul(3, 0), limbs.reduce4},
		{"reduce4(4r-1)", mul(4, -1), limbs.reduce4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := limbsBig(tc.reduce(bigLimbs(t, tc.x)))
			if want := new(big.Int).Mod(tc.x, r); got.Cmp(want) != 0 {
				t.Errorf("got %#x, want %#x", got, want)
			}
		})
	}
	t.Run("add", func(t *testing.T) {
		a, b := mul(2, -1), mul(2, -3) // sum just below 4r
		got := limbsBig(bigLimbs(t, a).add(bigLimbs(t, b)))
		if want := new(big.Int).Add(a, b); got.Cmp(want) != 0 {
			t.Errorf("add = %#x, want %#x", got, want)
		}
	})
}
