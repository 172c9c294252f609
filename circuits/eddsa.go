package circuits

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	edbn254 "github.com/consensys/gnark-crypto/ecc/bn254/twistededwards"
	tedwards "github.com/consensys/gnark-crypto/ecc/twistededwards"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/algebra/native/twistededwards"
)

// ScalarBits bounds the signature scalar S: the order l of the curve's
// prime-order subgroup is below 2^ScalarBits, and gnark-crypto only emits
// and accepts S < l.
const ScalarBits = 251

// fixedWindow is the window width of the fixed-base multiplication [S]B.
const fixedWindow = 3

// Point is a point of the twisted Edwards curve that gnark-crypto's
// ecc/bn254/twistededwards defines over BN254's scalar field
// (-x² + y² = 1 + d·x²·y², cofactor 8), in affine coordinates.
type Point = twistededwards.Point

// Signature is an EdDSA signature in the circuit: the point R and the
// scalar S, as gnark-crypto's bn254 twistededwards eddsa produces them.
type Signature struct {
	R Point
	S frontend.Variable
}

// Verifier checks supplier signatures and keys inside a circuit.
type Verifier struct {
	api    frontend.API
	curve  twistededwards.Curve
	hasher *Hasher
	// base is the fixed-base table of the generator B.
	base *baseTable
	// montA, montB are the coefficients of the Montgomery form.
	montA, montB *big.Int
}

// NewVerifier returns a Verifier that hashes challenges with h.
func NewVerifier(api frontend.API, h *Hasher) (*Verifier, error) {
	if err := checkField(api); err != nil {
		return nil, err
	}
	curve, err := twistededwards.NewEdCurve(api, tedwards.BN254)
	if err != nil {
		return nil, fmt.Errorf("circuits: twisted Edwards curve: %w", err)
	}
	base, err := newBaseTable()
	if err != nil {
		return nil, err
	}
	v := &Verifier{api: api, curve: curve, hasher: h, base: base}
	v.montA, v.montB = montgomery(api.Compiler().Field(), curve.Params())
	return v, nil
}

// AssertSignature asserts that sig is a valid EdDSA signature of msg under
// the public key a, the relation that gnark-crypto's Verify checks (with the
// Poseidon2 Merkle–Damgård hasher as challenge hash) for keys and R points of
// the prime-order subgroup:
//
//	R = [S]B − [h]A,  h = H(R.x, R.y, A.x, A.y, msg),  0 ≤ S < 2^ScalarBits.
//
// The check is exact (no cofactor): for a of the prime-order subgroup it
// holds iff gnark-crypto accepts the signature, except that S in [l, 2^251)
// is not rejected (a malleable S + l still proves the same signed message).
// R needs no curve check: it equals a point computed from B and a.
//
// a must be a point of the prime-order subgroup other than the identity
// (AssertInSubgroup). The check is unsatisfiable for the signatures whose
// challenge h falls into the negligible set of residues described at
// scalarMul; no honest signer meets one.
func (v *Verifier) AssertSignature(a Point, sig Signature, msg frontend.Variable) {
	api := v.api
	h := v.hasher.Hash(sig.R.X, sig.R.Y, a.X, a.Y, msg)
	// [h]A with h's canonical 254 bits (ToBinary checks h < r).
	ha := v.scalarMul(a, api.ToBinary(h))
	// [S]B, S < 2^251.
	sb := v.fixedBaseMul(api.ToBinary(sig.S, ScalarBits))
	// [S]B = R + [h]A.
	rhs := v.curve.Add(sig.R, ha)
	api.AssertIsEqual(sb.X, rhs.X)
	api.AssertIsEqual(sb.Y, rhs.Y)
}

// AssertInSubgroup asserts that a is a point of the prime-order subgroup
// other than the identity, given pre, a point with [8]pre = a: such a pre
// exists iff a is in the subgroup, since the curve's group has order 8·l.
// SubgroupPreimage computes pre natively.
func (v *Verifier) AssertInSubgroup(a, pre Point) {
	v.curve.AssertIsOnCurve(pre)
	p := pre
	for range 3 {
		p = v.curve.Double(p)
	}
	v.api.AssertIsEqual(p.X, a.X)
	v.api.AssertIsEqual(p.Y, a.Y)
	// In the subgroup only the identity (0, 1) has x = 0.
	v.api.AssertIsDifferent(a.X, 0)
}

// scalarMul returns [k]p for a point p of the prime-order subgroup other
// than the identity and k given as little-endian bits, by a left-to-right
// double-and-add over 2-bit windows of signed odd digits, in Montgomery
// coordinates (a doubling costs 4 constraints there, an addition 3, against
// 5 and 6 on the twisted Edwards curve).
//
// Digits: k' = k + 1 − k₀ is odd; with c_i = k_{i+1} and a top c = 1,
// k' = Σ (2c_i − 1)·2^i, so each pair (c₀, c₁) is the digit
// d = 2c₀ + 4c₁ − 3 ∈ {−3, −1, 1, 3}, whose point ±p or ±3p costs four
// constraints; [k]p = [k']p − (1 − k₀)·p, the correction made on the
// Edwards curve.
//
// Exceptions: the Montgomery formulas fail only when adding points of equal
// abscissa or doubling the identity, that is when a partial scalar k_w (the
// digits from window w up, processed top down) has k_w ≡ 0, or
// 2k_{w+1} ≡ ±d_w or 4k_{w+1} ≡ ±d_w (mod l) (montDoubleAdd forms
// 2·(2acc) + d·p). Every k_w is odd and |4k_{w+1}| < 4^(127−w), so for
// w ≥ 2 none can hold: there every step is fully determined by p and k.
// Only the last two windows' partial scalars can exceed l, and an exception
// there needs k to fall into one of a handful of residues modulo l ≈ 2^251
// (k ≡ 0 and k ≡ −1 among them). For those k the constraints are
// unsatisfiable or leave a step's result free; the EdDSA challenge is a
// hash output, which a prover cannot aim at such a residue (about 2^−247
// per try), so neither soundness nor honest provers are affected.
func (v *Verifier) scalarMul(p Point, bits []frontend.Variable) Point {
	api := v.api
	if len(bits)%2 != 0 {
		bits = append(bits, 0)
	}
	n := len(bits)
	digits := make([]frontend.Variable, n)
	copy(digits, bits[1:])
	digits[n-1] = 1

	m := v.toMontgomery(p)
	m3 := v.montAdd(v.montDouble(m), m)
	lookup := func(w int) Point {
		c0, c1 := digits[2*w], digits[2*w+1]
		// The sign is c₁ and negates v; the magnitude is 3 iff c₀ = c₁:
		// v = −v₃ + c₀(v₃ − v₁) + c₁(v₃ + v₁), u = u₃ + (c₀ ⊕ c₁)(u₁ − u₃).
		vv := api.Add(api.Neg(m3.Y), api.Mul(c0, api.Sub(m3.Y, m.Y)), api.Mul(c1, api.Add(m3.Y, m.Y)))
		xor := api.Sub(api.Add(c0, c1), api.Mul(2, c0, c1))
		u := api.Add(m3.X, api.Mul(xor, api.Sub(m.X, m3.X)))
		return Point{X: u, Y: vv}
	}
	windows := n / 2
	acc := lookup(windows - 1)
	for w := windows - 2; w >= 0; w-- {
		acc = v.montDoubleAdd(v.montDouble(acc), lookup(w))
	}
	res := v.fromMontgomery(acc)
	// Subtract p when k is even.
	even := api.Sub(1, bits[0])
	corr := Point{X: api.Mul(even, api.Neg(p.X)), Y: api.Add(1, api.Mul(even, api.Sub(p.Y, 1)))}
	return v.curve.Add(res, corr)
}

// The birational map between the twisted Edwards curve a·x² + y² = 1 +
// d·x²·y² and the Montgomery curve B·v² = u³ + A·u² + u, A = 2(a+d)/(a−d),
// B = 4/(a−d): u = (1+y)/(1−y), v = u/x. Points are (u, v) in Point's X, Y.

// toMontgomery maps p, which must not be the identity nor (0, −1).
func (v *Verifier) toMontgomery(p Point) Point {
	api := v.api
	u := api.DivUnchecked(api.Add(1, p.Y), api.Sub(1, p.Y))
	return Point{X: u, Y: api.DivUnchecked(u, p.X)}
}

// fromMontgomery maps a Montgomery point back: x = u/v, y = (u−1)/(u+1).
func (v *Verifier) fromMontgomery(m Point) Point {
	api := v.api
	return Point{X: api.DivUnchecked(m.X, m.Y), Y: api.DivUnchecked(api.Sub(m.X, 1), api.Add(m.X, 1))}
}

// montDouble returns 2p on the Montgomery curve: λ = (3u² + 2Au + 1)/(2Bv),
// u' = Bλ² − A − 2u, v' = λ(u − u') − v.
func (v *Verifier) montDouble(p Point) Point {
	api := v.api
	a, b := v.montA, v.montB
	uu := api.Mul(p.X, p.X)
	num := api.Add(api.Mul(uu, 3), api.Mul(p.X, new(big.Int).Lsh(a, 1)), 1)
	l := api.DivUnchecked(num, api.Mul(p.Y, new(big.Int).Lsh(b, 1)))
	u := api.Sub(api.Mul(api.Mul(l, l), b), a, p.X, p.X)
	return Point{X: u, Y: api.Sub(api.Mul(l, api.Sub(p.X, u)), p.Y)}
}

// montAdd returns p + q on the Montgomery curve for u_p ≠ u_q:
// λ = (v_q − v_p)/(u_q − u_p), u' = Bλ² − A − u_p − u_q, v' = λ(u_p − u') − v_p.
func (v *Verifier) montAdd(p, q Point) Point {
	api := v.api
	a, b := v.montA, v.montB
	l := api.DivUnchecked(api.Sub(q.Y, p.Y), api.Sub(q.X, p.X))
	u := api.Sub(api.Mul(api.Mul(l, l), b), a, p.X, q.X)
	return Point{X: u, Y: api.Sub(api.Mul(l, api.Sub(p.X, u)), p.Y)}
}

// montDoubleAdd returns 2p + q on the Montgomery curve without forming
// r = p + q's v: with λ₁ the slope of p, q and u_r = Bλ₁² − A − u_p − u_q,
// the slope of p, r is λ₂ = −λ₁ − 2v_p/(u_r − u_p). Five constraints; it
// needs u_p ≠ u_q and r ≠ ±p.
func (v *Verifier) montDoubleAdd(p, q Point) Point {
	api := v.api
	a, b := v.montA, v.montB
	l1 := api.DivUnchecked(api.Sub(q.Y, p.Y), api.Sub(q.X, p.X))
	ur := api.Sub(api.Mul(api.Mul(l1, l1), b), a, p.X, q.X)
	l2 := api.Sub(api.Neg(l1), api.DivUnchecked(api.Mul(p.Y, 2), api.Sub(ur, p.X)))
	u := api.Sub(api.Mul(api.Mul(l2, l2), b), a, p.X, ur)
	return Point{X: u, Y: api.Sub(api.Mul(l2, api.Sub(p.X, u)), p.Y)}
}

// montgomery returns the coefficients A and B of the curve's Montgomery
// form.
func montgomery(mod *big.Int, params *twistededwards.CurveParams) (a, b *big.Int) {
	amd := new(big.Int).Sub(params.A, params.D)
	amd.Mod(amd, mod)
	inv := new(big.Int).ModInverse(amd, mod)
	a = new(big.Int).Add(params.A, params.D)
	a.Lsh(a, 1).Mul(a, inv).Mod(a, mod)
	b = new(big.Int).Lsh(inv, 2)
	b.Mod(b, mod)
	return a, b
}

// fixedBaseMul returns [k]B for k given as ScalarBits little-endian bits,
// adding one entry of a constant table per 3-bit window: the entry is a
// linear combination of the window's bit products, so only the products
// and the additions cost constraints.
//
// All windows but the last add in Montgomery coordinates (3 constraints an
// addition) with offset digits: window j adds (v_j + 8)·8^j·B. Every partial
// sum s_j = Σ_{i<j} (v_i + 8)·8^i lies in (0, 2.15·8^j) and every entry in
// [8^(j+1), 15·8^j], and s_j + e_j < l, so no partial sum equals ± the entry
// it meets, whatever bits the prover picks: the incomplete formulas never
// meet their exceptions. The last window (which may add the identity) and
// the removal of the offset are complete twisted Edwards additions.
func (v *Verifier) fixedBaseMul(bits []frontend.Variable) Point {
	if len(bits) != ScalarBits {
		panic(fmt.Sprintf("circuits: %d-bit fixed-base scalar, want %d", len(bits), ScalarBits))
	}
	t := v.base
	window := func(j int) []frontend.Variable {
		return bits[j*fixedWindow : min(len(bits), (j+1)*fixedWindow)]
	}
	acc := v.constLookup(window(0), &t.mont[0])
	for j := 1; j < len(t.mont); j++ {
		acc = v.montAdd(acc, v.constLookup(window(j), &t.mont[j]))
	}
	res := v.fromMontgomery(acc)
	res = v.curve.Add(res, v.constLookup(window(len(t.mont)), &t.top))
	return v.curve.Add(res, Point{X: t.offset[0], Y: t.offset[1]})
}

// constLookup returns table[Σ bits[i]·2^i] as the multilinear interpolation
// of the constant table in the bits: one constraint per product of two or
// more bits.
func (v *Verifier) constLookup(bits []frontend.Variable, table *[1 << fixedWindow][2]*big.Int) Point {
	api := v.api
	mod := api.Compiler().Field()
	n := 1 << len(bits)
	// monomial[T] = Π_{i∈T} bits[i]
	monomial := make([]frontend.Variable, n)
	monomial[0] = 1
	for t := 1; t < n; t++ {
		top := 0
		for t>>(top+1) != 0 {
			top++
		}
		rest := t &^ (1 << top)
		if rest == 0 {
			monomial[t] = bits[top]
		} else {
			monomial[t] = api.Mul(monomial[rest], bits[top])
		}
	}
	var out [2]frontend.Variable
	for coord := range 2 {
		var sum frontend.Variable = 0
		for t := range n {
			// Möbius coefficient c_T = Σ_{U⊆T} (-1)^{|T|-|U|} table[U].
			coef := new(big.Int)
			for u := t; ; u = (u - 1) & t {
				if (popcount(t)-popcount(u))%2 == 0 {
					coef.Add(coef, table[u][coord])
				} else {
					coef.Sub(coef, table[u][coord])
				}
				if u == 0 {
					break
				}
			}
			coef.Mod(coef, mod)
			if coef.Sign() != 0 {
				sum = api.Add(sum, api.Mul(monomial[t], coef))
			}
		}
		out[coord] = sum
	}
	return Point{X: out[0], Y: out[1]}
}

func popcount(x int) int {
	n := 0
	for ; x != 0; x &= x - 1 {
		n++
	}
	return n
}

// baseTable is the fixed-base table of the generator B for ScalarBits-bit
// scalars in 3-bit windows.
type baseTable struct {
	// mont[j][v] = (v + 8)·8^j·B in Montgomery coordinates, for every window
	// but the last.
	mont [][1 << fixedWindow][2]*big.Int
	// top[v] = v·8^J·B on the Edwards curve, J the last window.
	top [1 << fixedWindow][2]*big.Int
	// offset = −Σ_{j<J} 8·8^j·B on the Edwards curve.
	offset [2]*big.Int
}

func newBaseTable() (*baseTable, error) {
	params := edbn254.GetEdwardsCurve()
	windows := (ScalarBits + fixedWindow - 1) / fixedWindow
	last := windows - 1
	// The offset-digit argument needs 15·(8^J − 1)/7 < l.
	bound := new(big.Int).Lsh(big.NewInt(1), uint(fixedWindow*last))
	bound.Sub(bound, big.NewInt(1)).Mul(bound, big.NewInt(15)).Div(bound, big.NewInt(7))
	if bound.Cmp(&params.Order) >= 0 {
		return nil, fmt.Errorf("circuits: fixed-base table: offset digits overflow the group order")
	}
	t := &baseTable{mont: make([][1 << fixedWindow][2]*big.Int, last)}
	mul := func(k *big.Int) edbn254.PointAffine {
		var p edbn254.PointAffine
		p.ScalarMultiplication(&params.Base, k)
		return p
	}
	edwards := func(p edbn254.PointAffine) [2]*big.Int {
		return [2]*big.Int{p.X.BigInt(new(big.Int)), p.Y.BigInt(new(big.Int))}
	}
	offset := new(big.Int)
	for j := range last {
		pow := new(big.Int).Lsh(big.NewInt(1), uint(fixedWindow*j))
		for e := range 1 << fixedWindow {
			p := mul(new(big.Int).Mul(pow, big.NewInt(int64(e+8))))
			// u = (1 + y)/(1 − y), v = u/x
			var one, num, den, u, w fr.Element
			one.SetOne()
			num.Add(&one, &p.Y)
			den.Sub(&one, &p.Y)
			den.Inverse(&den)
			u.Mul(&num, &den)
			w.Inverse(&p.X)
			w.Mul(&w, &u)
			t.mont[j][e] = [2]*big.Int{u.BigInt(new(big.Int)), w.BigInt(new(big.Int))}
		}
		offset.Add(offset, new(big.Int).Lsh(pow, 3))
	}
	pow := new(big.Int).Lsh(big.NewInt(1), uint(fixedWindow*last))
	for e := range 1 << fixedWindow {
		t.top[e] = edwards(mul(new(big.Int).Mul(pow, big.NewInt(int64(e)))))
	}
	offset.Neg(offset).Mod(offset, &params.Order)
	t.offset = edwards(mul(offset))
	return t, nil
}

// SubgroupPreimage returns the point pre with [8]pre = a for a point a of
// the prime-order subgroup, given as its affine coordinates: the witness
// that AssertInSubgroup takes.
func SubgroupPreimage(ax, ay fr.Element) (px, py fr.Element) {
	params := edbn254.GetEdwardsCurve()
	var inv8 big.Int
	inv8.ModInverse(big.NewInt(8), &params.Order)
	a := edbn254.PointAffine{X: ax, Y: ay}
	var pre edbn254.PointAffine
	pre.ScalarMultiplication(&a, &inv8)
	return pre.X, pre.Y
}

func checkField(api frontend.API) error {
	if api.Compiler().Field().Cmp(ecc.BN254.ScalarField()) != 0 {
		return fmt.Errorf("circuits: field %s is not BN254's scalar field", api.Compiler().Field())
	}
	return nil
}
