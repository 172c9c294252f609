package field

import (
	"fmt"
	"math/bits"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr/poseidon2"
)

// Shape of gnark-crypto's default BN254 Poseidon2 instance, which H and
// Compress are defined by: state width t = 2, R_F = 6 full rounds (3 before
// and 3 after the partial rounds), R_P = 50 partial rounds, S-box x^5.
const (
	p2Width       = 2
	p2FullRounds  = 6
	p2HalfFull    = p2FullRounds / 2
	p2PartialRnds = 50
)

// p2Constants holds the round constants of the width-2 Poseidon2 permutation
// in fixed-size arrays, so that the permutation indexes them without slice
// headers or bounds checks.
//
// In the notation of the Poseidon2 paper (Grassi, Khovratovich, Schofnegger,
// eprint 2023/323), full round i adds the constant vector c_i to both state
// words; partial round i adds the scalar c_i to the first word only (the other
// words' constants are zero and not stored, as in gnark-crypto).
type p2Constants struct {
	first   [p2HalfFull][p2Width]Element // full rounds 0, 1, 2
	partial [p2PartialRnds]Element       // partial rounds 3 … 52
	last    [p2HalfFull][p2Width]Element // full rounds 53, 54, 55
}

// p2 is the one instance of the round constants, copied once, at package
// initialisation, from poseidon2.GetDefaultParameters(). It is never written
// afterwards: every use reads it, so it is safe for concurrent use.
var p2 = loadP2Constants()

// loadP2Constants copies gnark-crypto's default width-2 Poseidon2 round keys.
// It panics, at package initialisation and never on input, if gnark-crypto's
// default instance is no longer the width-2, 6 + 50 round one this package is
// specified with: hashing with other parameters would silently change every
// commitment, so a build with such a dependency must not run.
func loadP2Constants() *p2Constants {
	params := poseidon2.GetDefaultParameters()
	if params.Width != p2Width || params.NbFullRounds != p2FullRounds || params.NbPartialRounds != p2PartialRnds ||
		len(params.RoundKeys) != p2FullRounds+p2PartialRnds {
		panic(fmt.Sprintf("field: gnark-crypto's default Poseidon2 is %s, want width %d, %d full and %d partial rounds",
			params, p2Width, p2FullRounds, p2PartialRnds))
	}
	var c p2Constants
	for i := range p2HalfFull {
		first, last := params.RoundKeys[i], params.RoundKeys[p2HalfFull+p2PartialRnds+i]
		if len(first) != p2Width || len(last) != p2Width {
			panic("field: gnark-crypto's default Poseidon2 full-round keys are not 2 elements")
		}
		copy(c.first[i][:], first)
		copy(c.last[i][:], last)
	}
	for i := range p2PartialRnds {
		k := params.RoundKeys[p2HalfFull+i]
		if len(k) != 1 {
			panic("field: gnark-crypto's default Poseidon2 partial-round keys are not 1 element")
		}
		c.partial[i] = k[0]
	}
	return &c
}

// sbox5 sets z to x^5, the S-box of BN254 Poseidon2 (5 is the smallest d
// with gcd(d, r-1) = 1), with two squarings and one multiplication: x^2,
// x^4 = (x^2)^2, x^5 = x^4 · x.
func sbox5(z, x *Element) {
	var x4 Element
	x4.Square(x)
	x4.Square(&x4)
	z.Mul(&x4, x)
}

// The modulus r (called q in gnark-crypto) and 2r, in the little-endian
// 64-bit limbs of Element's Montgomery representation. r < 2^254, so any
// sum of four reduced elements is below 4r < 2^256 and fits in the four limbs
// without a carry out; TestModulusLimbs checks these against fr.
const (
	r0, r1, r2, r3         = 0x43e1f593f0000001, 0x2833e84879b97091, 0xb85045b68181585d, 0x30644e72e131a029
	r2x0, r2x1, r2x2, r2x3 = 0x87c3eb27e0000002, 0x5067d090f372e122, 0x70a08b6d0302b0ba, 0x60c89ce5c2634053
)

// limbs is a 256-bit integer (an element's Montgomery representation,
// possibly not yet reduced) as four little-endian words. Unlike Element, an
// array, a struct of four words is kept in registers by the Go compiler, so
// the linear layers below run without memory round trips; every method is
// small enough to be inlined.
type limbs struct{ w0, w1, w2, w3 uint64 }

// limbsOf returns e's words.
func limbsOf(e *Element) limbs { return limbs{e[0], e[1], e[2], e[3]} }

// element returns x as an Element; x must be reduced (below r).
func (x limbs) element() Element { return Element{x.w0, x.w1, x.w2, x.w3} }

// add returns x + y without reduction. Callers keep the sum below 2^256
// (see the bounds on r above), so there is no carry out.
func (x limbs) add(y limbs) limbs {
	var c uint64
	x.w0, c = bits.Add64(x.w0, y.w0, 0)
	x.w1, c = bits.Add64(x.w1, y.w1, c)
	x.w2, c = bits.Add64(x.w2, y.w2, c)
	x.w3, _ = bits.Add64(x.w3, y.w3, c)
	return x
}

// subIfGE returns x - m if x ≥ m, else x. The Go compiler selects the result
// with conditional moves, not a branch: gnark-crypto's Add branches on its
// comparison with r, which the processor mispredicts about half the time on
// the permutation's random-looking values.
func (x limbs) subIfGE(m0, m1, m2, m3 uint64) limbs {
	t0, b := bits.Sub64(x.w0, m0, 0)
	t1, b := bits.Sub64(x.w1, m1, b)
	t2, b := bits.Sub64(x.w2, m2, b)
	t3, b := bits.Sub64(x.w3, m3, b)
	if b == 0 { // x ≥ m; each assignment compiles to a conditional move
		x.w0, x.w1, x.w2, x.w3 = t0, t1, t2, t3
	}
	return x
}

// reduce2 reduces x from [0, 2r) to [0, r).
func (x limbs) reduce2() limbs { return x.subIfGE(r0, r1, r2, r3) }

// reduce4 reduces x from [0, 4r) to [0, r): subtracting 2r if x ≥ 2r leaves
// x < 2r, then subtracting r if x ≥ r leaves x < r.
func (x limbs) reduce4() limbs {
	return x.subIfGE(r2x0, r2x1, r2x2, r2x3).subIfGE(r0, r1, r2, r3)
}

// addMod sets z = x + y mod r for reduced x and y, like Element.Add.
func addMod(z, x, y *Element) {
	*z = limbsOf(x).add(limbsOf(y)).reduce2().element()
}

// permute applies the width-2 Poseidon2 permutation to the state (a, b) and
// returns the new state; it computes exactly what gnark-crypto's
// poseidon2.NewDefaultPermutation().Permutation computes on []Element{a, b}.
//
// The structure, as in the paper (section 5, with t = 2):
//
//   - The external linear layer M_E = circ(2, 1) = [[2, 1], [1, 2]] is
//     applied once to the input, before any round.
//   - R_F/2 = 3 full rounds: add the round constants to both words, apply
//     the S-box x^5 to both, multiply by M_E.
//   - R_P = 50 partial rounds: add the round constant to the first word,
//     apply the S-box to the first word only, multiply by the internal
//     matrix M_I = [[2, 1], [1, 3]] (that is, 1 + diag(1, 2)).
//   - R_F/2 = 3 more full rounds, as the first three.
//
// Every value is kept reduced modulo r between rounds, so the result is the
// canonical residue of the same field expression gnark-crypto evaluates, and
// the two are bit-identical whatever the order of additions and reductions
// inside a linear layer. The linear layers here add without reducing (all
// sums stay below 4r < 2^256) and reduce once per output word, branch-free:
//
//   - M_E(a, b) = (2a + b, a + 2b), each a sum below 3r.
//   - A partial round maps (a, b) to (2y + b, y + 3b) with y = (a + c)^5.
//     The next round's constant c' is folded into the first word, whose only
//     use is the next S-box input: x' = 2y + (b + c') and b' = y + 3b are both
//     below 4r. b + c' does not depend on y, so it is computed while the
//     S-box's multiplications are in flight, off the critical path.
func (c *p2Constants) permute(a, b Element) (Element, Element) {
	externalLayer(&a, &b)

	for i := range c.first {
		addMod(&a, &a, &c.first[i][0])
		addMod(&b, &b, &c.first[i][1])
		sbox5(&a, &a)
		sbox5(&b, &b)
		externalLayer(&a, &b)
	}

	// Partial rounds. x is the S-box input a + c_i; y its image.
	var x Element
	addMod(&x, &a, &c.partial[0])
	for i := 0; i < p2PartialRnds-1; i++ {
		partialRound(&x, &b, &c.partial[i+1])
	}
	// The last partial round, with no next constant to fold.
	var y Element
	sbox5(&y, &x)
	a, b = lastPartialLinear(&y, &b)

	for i := range c.last {
		addMod(&a, &a, &c.last[i][0])
		addMod(&b, &b, &c.last[i][1])
		sbox5(&a, &a)
		sbox5(&b, &b)
		externalLayer(&a, &b)
	}
	return a, b
}

// sbox5x2 sets z1 to x1^5 and z2 to x2^5, the multiplications of the two
// interleaved, so that the processor overlaps the independent chains.
func sbox5x2(z1, x1, z2, x2 *Element) {
	var a, b Element
	a.Square(x1)
	b.Square(x2)
	a.Square(&a)
	b.Square(&b)
	z1.Mul(&a, x1)
	z2.Mul(&b, x2)
}

// partialRound is one partial round of permute on (x, b), where x is the
// S-box input a + c; next is the next round's constant, folded into the new
// x as in permute.
func partialRound(x, b *Element, next *Element) {
	var y Element
	sbox5(&y, x)
	partialLinear(x, b, &y, next)
}

// partialLinear is the linear part of a partial round: given the S-box
// output y, it sets x to 2y + b + next and b to y + 3b (see permute).
func partialLinear(x, b, y, next *Element) {
	yl, bl := limbsOf(y), limbsOf(b)
	t := bl.add(limbsOf(next))                          // b + c', < 2r
	*x = yl.add(yl).add(t).reduce4().element()          // 2y + b + c', < 4r
	*b = bl.add(bl).add(bl).add(yl).reduce4().element() // y + 3b, < 4r
}

// permute2 applies the permutation to the states (a1, b1) and (a2, b2),
// exactly as two calls of permute, with the two states' multiplications
// interleaved: each S-box is a chain of three dependent multiplications,
// and the processor runs the other state's chain beside it.
func (c *p2Constants) permute2(a1, b1, a2, b2 Element) (Element, Element, Element, Element) {
	externalLayer(&a1, &b1)
	externalLayer(&a2, &b2)
	fullRounds2(&a1, &b1, &a2, &b2, &c.first)

	var x1, x2 Element
	addMod(&x1, &a1, &c.partial[0])
	addMod(&x2, &a2, &c.partial[0])
	for i := 0; i < p2PartialRnds-1; i++ {
		var y1, y2 Element
		sbox5x2(&y1, &x1, &y2, &x2)
		partialLinear(&x1, &b1, &y1, &c.partial[i+1])
		partialLinear(&x2, &b2, &y2, &c.partial[i+1])
	}
	var y1, y2 Element
	sbox5x2(&y1, &x1, &y2, &x2)
	a1, b1 = lastPartialLinear(&y1, &b1)
	a2, b2 = lastPartialLinear(&y2, &b2)

	fullRounds2(&a1, &b1, &a2, &b2, &c.last)
	return a1, b1, a2, b2
}

// fullRounds2 applies the full rounds with the round constants keys to the
// states (a1, b1) and (a2, b2), their S-boxes interleaved.
func fullRounds2(a1, b1, a2, b2 *Element, keys *[p2HalfFull][p2Width]Element) {
	for i := range keys {
		addMod(a1, a1, &keys[i][0])
		addMod(b1, b1, &keys[i][1])
		addMod(a2, a2, &keys[i][0])
		addMod(b2, b2, &keys[i][1])
		sbox5x2(a1, a1, a2, a2)
		sbox5x2(b1, b1, b2, b2)
		externalLayer(a1, b1)
		externalLayer(a2, b2)
	}
}

// lastPartialLinear is the linear part of the last partial round, with no
// next constant to fold: (2y + b, y + 3b).
func lastPartialLinear(y, b *Element) (Element, Element) {
	yl, bl := limbsOf(y), limbsOf(b)
	return yl.add(yl).add(bl).reduce4().element(), // 2y + b, < 3r
		bl.add(bl).add(bl).add(yl).reduce4().element() // y + 3b, < 4r
}

// externalLayer multiplies (a, b) by M_E = [[2, 1], [1, 2]]: (2a + b, a + 2b),
// each below 3r before its reduction.
func externalLayer(a, b *Element) {
	al, bl := limbsOf(a), limbsOf(b)
	*a = al.add(al).add(bl).reduce4().element() // 2a + b, < 3r
	*b = bl.add(bl).add(al).reduce4().element() // a + 2b, < 3r
}

// compress2 is compress of (left1, right1) and of (left2, right2), the two
// permutations interleaved (permute2).
func (c *p2Constants) compress2(left1, right1, left2, right2 Element) (Element, Element) {
	_, out1, _, out2 := c.permute2(left1, right1, left2, right2)
	addMod(&out1, &out1, &right1)
	addMod(&out2, &out2, &right2)
	return out1, out2
}

// compress is Poseidon2's 2-to-1 compression (the feed-forward of the
// permutation's second output word): Compress(l, r) = P(l, r)[1] + r.
func (c *p2Constants) compress(left, right Element) Element {
	_, out := c.permute(left, right)
	addMod(&out, &out, &right)
	return out
}
