package supplier

// Fast arithmetic on gnark-crypto's twisted Edwards curve over BN254's
// scalar field (ecc/bn254/twistededwards: a = -1, d a non-square, so the
// addition formulas below are complete: they hold for every pair of curve
// points, the identity and equal points included, and never divide by zero).
// It serves signature verification only: every value it handles is public,
// so nothing here is constant-time.

import (
	"math/bits"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/twistededwards"
)

// The order ℓ of the curve's prime-order subgroup (251 bits), as
// little-endian 64-bit limbs; scalars below are reduced below it.
const (
	order0 = 0x677297dc392126f1
	order1 = 0xab3eedb83920ee0a
	order2 = 0x370a08b6d0302b0b
	order3 = 0x060c89ce5c263405
)

// scalarBits bounds every scalar the fixed-base tables take: below ℓ < 2^251.
const scalarBits = 251

// scalar is a non-negative integer below 2^256 as little-endian limbs.
type scalar [4]uint64

// scalarFromBytes reads a 32-byte big-endian integer.
func scalarFromBytes(b *[32]byte) scalar {
	var s scalar
	for i := range 4 {
		j := 32 - 8*(i+1)
		s[i] = uint64(b[j])<<56 | uint64(b[j+1])<<48 | uint64(b[j+2])<<40 | uint64(b[j+3])<<32 |
			uint64(b[j+4])<<24 | uint64(b[j+5])<<16 | uint64(b[j+6])<<8 | uint64(b[j+7])
	}
	return s
}

// isZero reports whether s is 0.
func (s *scalar) isZero() bool { return s[0]|s[1]|s[2]|s[3] == 0 }

// subOrder sets s to s - ℓ when s ≥ ℓ and reports whether it did.
func (s *scalar) subOrder() bool {
	var t scalar
	var borrow uint64
	t[0], borrow = bits.Sub64(s[0], order0, 0)
	t[1], borrow = bits.Sub64(s[1], order1, borrow)
	t[2], borrow = bits.Sub64(s[2], order2, borrow)
	t[3], borrow = bits.Sub64(s[3], order3, borrow)
	if borrow != 0 {
		return false
	}
	*s = t
	return true
}

// lessThanOrder reports whether s < ℓ.
func (s *scalar) lessThanOrder() bool {
	t := *s
	return !t.subOrder()
}

// reduce sets s to s mod ℓ. Its callers pass values below the base field's
// modulus p < 8ℓ: at most 7 subtractions.
func (s *scalar) reduce() {
	for s.subOrder() {
	}
}

// signedDigits writes s < 2^scalarBits in radix 2^w with digits in
// [-2^(w-1), 2^(w-1)], least significant first: s = Σ digits[i]·2^(w·i).
// len(digits) must be windows(w).
func (s *scalar) signedDigits(w uint, digits []int32) {
	mask := uint64(1)<<w - 1
	half := int32(1) << (w - 1)
	var carry int32
	for i := range digits {
		pos := uint(i) * w
		limb, off := pos/64, pos%64
		v := s[limb] >> off
		if off+w > 64 && limb+1 < 4 {
			v |= s[limb+1] << (64 - off)
		}
		d := int32(v&mask) + carry
		carry = 0
		if d > half && i+1 < len(digits) {
			// The last digit is never recoded: it is at most 2^(w-1),
			// see windows.
			d -= int32(1) << w
			carry = 1
		}
		digits[i] = d
	}
}

// windows returns how many radix-2^w signed digits a scalar below 2^251
// takes: enough that the top digit, at most 2^(251-w(n-1)) with the carry,
// stays within 2^(w-1), the table's largest entry.
func windows(w uint) int {
	return int((scalarBits + w) / w) // ⌈(scalarBits+1)/w⌉
}

// extPoint is a point in extended coordinates (X:Y:Z:T): x = X/Z, y = Y/Z,
// x·y = T/Z.
type extPoint struct {
	X, Y, Z, T fr.Element
}

// nielsPoint is an affine point prepared for mixed addition: y+x, y-x and
// 2d·x·y.
type nielsPoint struct {
	YplusX, YminusX, XY2D fr.Element
}

// cachedPoint is a point in extended coordinates prepared for addition:
// Y+X, Y-X, 2Z and 2d·T.
type cachedPoint struct {
	YplusX, YminusX, Z2, T2D fr.Element
}

func (p *extPoint) setIdentity() {
	p.X.SetZero()
	p.Y.SetOne()
	p.Z.SetOne()
	p.T.SetZero()
}

func (p *extPoint) fromAffine(a *twistededwards.PointAffine) {
	p.X = a.X
	p.Y = a.Y
	p.Z.SetOne()
	p.T.Mul(&a.X, &a.Y)
}

// cached returns p prepared for addition; d2 is 2d.
func (p *extPoint) cached(d2 *fr.Element) cachedPoint {
	var c cachedPoint
	c.YplusX.Add(&p.Y, &p.X)
	c.YminusX.Sub(&p.Y, &p.X)
	c.Z2.Double(&p.Z)
	c.T2D.Mul(&p.T, d2)
	return c
}

// addCached sets p to p + q (add-2008-hwcd-3, a = -1: 8M).
func (p *extPoint) addCached(q *cachedPoint) {
	var a, b, c, d, e, f, g, h fr.Element
	a.Sub(&p.Y, &p.X)
	a.Mul(&a, &q.YminusX)
	b.Add(&p.Y, &p.X)
	b.Mul(&b, &q.YplusX)
	c.Mul(&p.T, &q.T2D)
	d.Mul(&p.Z, &q.Z2)
	e.Sub(&b, &a)
	f.Sub(&d, &c)
	g.Add(&d, &c)
	h.Add(&b, &a)
	p.X.Mul(&e, &f)
	p.Y.Mul(&g, &h)
	p.T.Mul(&e, &h)
	p.Z.Mul(&f, &g)
}

// subCached sets p to p - q.
func (p *extPoint) subCached(q *cachedPoint) {
	var a, b, c, d, e, f, g, h fr.Element
	a.Sub(&p.Y, &p.X)
	a.Mul(&a, &q.YplusX)
	b.Add(&p.Y, &p.X)
	b.Mul(&b, &q.YminusX)
	c.Mul(&p.T, &q.T2D)
	d.Mul(&p.Z, &q.Z2)
	e.Sub(&b, &a)
	f.Add(&d, &c)
	g.Sub(&d, &c)
	h.Add(&b, &a)
	p.X.Mul(&e, &f)
	p.Y.Mul(&g, &h)
	p.T.Mul(&e, &h)
	p.Z.Mul(&f, &g)
}

// addNiels sets p to p + q (madd-2008-hwcd-3, a = -1: 7M).
func (p *extPoint) addNiels(q *nielsPoint) {
	var a, b, c, d, e, f, g, h fr.Element
	a.Sub(&p.Y, &p.X)
	a.Mul(&a, &q.YminusX)
	b.Add(&p.Y, &p.X)
	b.Mul(&b, &q.YplusX)
	c.Mul(&p.T, &q.XY2D)
	d.Double(&p.Z)
	e.Sub(&b, &a)
	f.Sub(&d, &c)
	g.Add(&d, &c)
	h.Add(&b, &a)
	p.X.Mul(&e, &f)
	p.Y.Mul(&g, &h)
	p.T.Mul(&e, &h)
	p.Z.Mul(&f, &g)
}

// subNiels sets p to p - q: -q = (-x, y) swaps y+x with y-x and negates
// 2d·x·y.
func (p *extPoint) subNiels(q *nielsPoint) {
	var a, b, c, d, e, f, g, h fr.Element
	a.Sub(&p.Y, &p.X)
	a.Mul(&a, &q.YplusX)
	b.Add(&p.Y, &p.X)
	b.Mul(&b, &q.YminusX)
	c.Mul(&p.T, &q.XY2D)
	d.Double(&p.Z)
	e.Sub(&b, &a)
	f.Add(&d, &c)
	g.Sub(&d, &c)
	h.Add(&b, &a)
	p.X.Mul(&e, &f)
	p.Y.Mul(&g, &h)
	p.T.Mul(&e, &h)
	p.Z.Mul(&f, &g)
}

// double sets p to 2p (dbl-2008-hwcd, a = -1: 4M + 4S). It does not read
// p.T; with withT false it leaves T unset (saving 1M), for a doubling that
// only another doubling follows.
func (p *extPoint) double(withT bool) {
	var a, b, c, e, f, g, h fr.Element
	a.Square(&p.X)
	b.Square(&p.Y)
	c.Square(&p.Z)
	c.Double(&c)
	e.Add(&p.X, &p.Y)
	e.Square(&e)
	e.Sub(&e, &a)
	e.Sub(&e, &b)
	g.Sub(&b, &a) // D + B with D = a·A = -A
	f.Sub(&g, &c)
	h.Neg(&a)
	h.Sub(&h, &b) // D - B
	p.X.Mul(&e, &f)
	p.Y.Mul(&g, &h)
	if withT {
		p.T.Mul(&e, &h)
	}
	p.Z.Mul(&f, &g)
}

// equalAffine reports whether p is the affine point a: X = x·Z, Y = y·Z
// (Z is never 0 on this complete curve).
func (p *extPoint) equalAffine(a *twistededwards.PointAffine) bool {
	var t fr.Element
	t.Mul(&a.X, &p.Z)
	if !t.Equal(&p.X) {
		return false
	}
	t.Mul(&a.Y, &p.Z)
	return t.Equal(&p.Y)
}

// toNiels converts points in extended coordinates to the affine prepared
// form, with one field inversion for them all.
func toNiels(pts []extPoint, d2 *fr.Element) []nielsPoint {
	zs := make([]fr.Element, len(pts))
	for i := range pts {
		zs[i] = pts[i].Z
	}
	zinv := fr.BatchInvert(zs)
	out := make([]nielsPoint, len(pts))
	for i := range pts {
		var x, y fr.Element
		x.Mul(&pts[i].X, &zinv[i])
		y.Mul(&pts[i].Y, &zinv[i])
		out[i].YplusX.Add(&y, &x)
		out[i].YminusX.Sub(&y, &x)
		out[i].XY2D.Mul(&x, &y)
		out[i].XY2D.Mul(&out[i].XY2D, d2)
	}
	return out
}

// fixedBaseTable holds, for a point P and a window width w, the multiples
// j·2^(w·i)·P for j = 1…2^(w-1) and every window i, so that [s]P for a
// scalar s < 2^251 costs one mixed addition per signed radix-2^w digit of s
// and no doubling. It is immutable once built, so that one table serves
// any number of goroutines.
type fixedBaseTable struct {
	w       uint
	entries []nielsPoint // window i, multiple j at i·2^(w-1) + j-1
}

// newFixedBaseTable builds the table of p for window width w (2…8).
func newFixedBaseTable(p *twistededwards.PointAffine, w uint) *fixedBaseTable {
	curve := twistededwards.GetEdwardsCurve()
	var d2 fr.Element
	d2.Double(&curve.D)
	n, per := windows(w), 1<<(w-1)
	pts := make([]extPoint, n*per)
	var base extPoint
	base.fromAffine(p)
	for i := range n {
		row := pts[i*per : (i+1)*per]
		bc := base.cached(&d2)
		row[0] = base
		for j := 1; j < per; j++ {
			row[j] = row[j-1]
			row[j].addCached(&bc)
		}
		// The next window's base: 2^w·base = 2·(2^(w-1)·base).
		base = row[per-1]
		base.double(true)
	}
	return &fixedBaseTable{w: w, entries: toNiels(pts, &d2)}
}

// addMul sets acc to acc + [s]P (or acc - [s]P when neg), s < 2^251.
func (t *fixedBaseTable) addMul(acc *extPoint, s *scalar, neg bool) {
	var g gathered
	t.gather(&g, s, neg)
	g.addTo(acc)
}

// gathered holds the table entries that multiplications add, copied out of
// their tables before any addition: a table (tens or hundreds of KB) is
// often out of the caches when a signature comes, and loading all its
// entries first lets their cache misses overlap, where loading each just
// before its addition would wait for them one after the other.
type gathered struct {
	n       int
	entries [scalarBits/2 + 1]nielsPoint
	neg     [scalarBits/2 + 1]bool
}

// gather appends the entries that add [s]P (-[s]P when neg) to g.
func (t *fixedBaseTable) gather(g *gathered, s *scalar, neg bool) {
	var buf [scalarBits/2 + 1]int32
	digits := buf[:windows(t.w)]
	s.signedDigits(t.w, digits)
	per := 1 << (t.w - 1)
	for i, d := range digits {
		if d == 0 {
			continue
		}
		j := int(d)
		if d < 0 {
			j = -j
		}
		g.entries[g.n] = t.entries[i*per+j-1]
		g.neg[g.n] = (d < 0) != neg
		g.n++
	}
}

// addTo adds the gathered entries to acc.
func (g *gathered) addTo(acc *extPoint) {
	for i := range g.n {
		if g.neg[i] {
			acc.subNiels(&g.entries[i])
		} else {
			acc.addNiels(&g.entries[i])
		}
	}
}

// varBaseWidth is the window width of variable-base multiplications.
const varBaseWidth = 4

// negMulVar returns -[s]P for a point P met once (no table kept),
// s < 2^251: signed radix-16 digits, 4 doublings and one addition each.
func negMulVar(p *twistededwards.PointAffine, s *scalar) extPoint {
	curve := twistededwards.GetEdwardsCurve()
	var d2 fr.Element
	d2.Double(&curve.D)
	const per = 1 << (varBaseWidth - 1)
	// Multiples 1…8 of -P, as cached points.
	var neg twistededwards.PointAffine
	neg.Neg(p)
	var mult [per]cachedPoint
	var q, np extPoint
	np.fromAffine(&neg)
	q = np
	mult[0] = np.cached(&d2)
	for j := 1; j < per; j++ {
		q.addCached(&mult[0])
		mult[j] = q.cached(&d2)
	}
	var buf [scalarBits/varBaseWidth + 1]int32
	digits := buf[:windows(varBaseWidth)]
	s.signedDigits(varBaseWidth, digits)
	var acc extPoint
	acc.setIdentity()
	for i := len(digits) - 1; i >= 0; i-- {
		if i != len(digits)-1 {
			for k := range varBaseWidth {
				acc.double(k == varBaseWidth-1)
			}
		}
		switch d := digits[i]; {
		case d > 0:
			acc.addCached(&mult[d-1])
		case d < 0:
			acc.subCached(&mult[-d-1])
		}
	}
	return acc
}
