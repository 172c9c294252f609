package supplier

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"math/big"
	mrand "math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr/poseidon2"
	"github.com/consensys/gnark-crypto/ecc/bn254/twistededwards"

	"github.com/provenant/provenant/field"
)

// The fast verification must take exactly the reference's decisions. These
// tests compare the two on valid signatures, on every kind of tampering,
// on crafted points (identity, small order, off the curve, outside the
// subgroup) and, in FuzzVerifyAgreement, on arbitrary bytes.

// curveParams returns the twisted Edwards curve's parameters (a copy).
func curveParams() twistededwards.CurveParams { return twistededwards.GetEdwardsCurve() }

func TestCurveConstants(t *testing.T) {
	curve := curveParams()
	o := scalar{order0, order1, order2, order3}
	var want big.Int
	want.Set(&curve.Order)
	if got := scalarBig(&o); got.Cmp(&want) != 0 {
		t.Fatalf("order limbs = %v, want %v", got, &want)
	}
	if want.BitLen() != scalarBits {
		t.Fatalf("ℓ has %d bits, want %d", want.BitLen(), scalarBits)
	}
	// p < 8ℓ: reduce never loops more than 7 times.
	var p8 big.Int
	if p8.Mul(&want, big.NewInt(8)).Cmp(fr.Modulus()) <= 0 {
		t.Fatal("p ≥ 8ℓ")
	}
	// a = -1 (a square) and d a non-square: the formulas are complete.
	var minusOne fr.Element
	minusOne.SetOne().Neg(&minusOne)
	if !curve.A.Equal(&minusOne) || curve.A.Legendre() != 1 || curve.D.Legendre() != -1 {
		t.Fatal("the curve is not a = -1 with d a non-square")
	}
	var eight fr.Element
	eight.SetUint64(8)
	if !curve.Cofactor.Equal(&eight) {
		t.Fatal("cofactor is not 8")
	}
}

func scalarBig(s *scalar) *big.Int {
	var b [32]byte
	for i := range 4 {
		binary.BigEndian.PutUint64(b[24-8*i:], s[i])
	}
	return new(big.Int).SetBytes(b[:])
}

func scalarOf(b *big.Int) scalar {
	var buf [32]byte
	b.FillBytes(buf[:])
	return scalarFromBytes(&buf)
}

// edgeScalars are scalars below ℓ where the recoding is most likely to
// go wrong: 0, 1, small, ℓ-1, runs of the half digit, the top bits.
func edgeScalars() []*big.Int {
	curve := curveParams()
	one := big.NewInt(1)
	ell := new(big.Int).Set(&curve.Order)
	out := []*big.Int{big.NewInt(0), one, big.NewInt(7), big.NewInt(8), big.NewInt(9), big.NewInt(15), big.NewInt(16),
		big.NewInt(127), big.NewInt(128), big.NewInt(129), big.NewInt(255), big.NewInt(256),
		new(big.Int).Sub(ell, one), new(big.Int).Sub(ell, big.NewInt(8)), new(big.Int).Rsh(ell, 1),
		new(big.Int).Lsh(one, 250), new(big.Int).Sub(new(big.Int).Lsh(one, 250), one)}
	for _, nib := range []string{"8", "7", "f", "80", "7f", "ff", "88", "10"} {
		s, _ := new(big.Int).SetString(string(bytes.Repeat([]byte(nib), 64/len(nib))), 16)
		s.Mod(s, ell)
		out = append(out, s)
	}
	return out
}

func randScalar(t testing.TB, r *mrand.Rand) *big.Int {
	curve := curveParams()
	t.Helper()
	var b [32]byte
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	s := new(big.Int).SetBytes(b[:])
	return s.Mod(s, &curve.Order)
}

func TestSignedDigits(t *testing.T) {
	r := mrand.New(mrand.NewPCG(1, 2))
	scalars := edgeScalars()
	for range 200 {
		scalars = append(scalars, randScalar(t, r))
	}
	// Every scalar below 2^251, not only below ℓ.
	scalars = append(scalars, new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), scalarBits), big.NewInt(1)))
	for w := uint(2); w <= 8; w++ {
		digits := make([]int32, windows(w))
		for _, sb := range scalars {
			s := scalarOf(sb)
			s.signedDigits(w, digits)
			sum := new(big.Int)
			for i := len(digits) - 1; i >= 0; i-- {
				if d := digits[i]; d > 1<<(w-1) || d < -(1<<(w-1)) {
					t.Fatalf("w=%d s=%x: digit %d = %d out of range", w, sb, i, d)
				}
				sum.Lsh(sum, w).Add(sum, big.NewInt(int64(digits[i])))
			}
			if sum.Cmp(sb) != 0 {
				t.Fatalf("w=%d: digits of %x sum to %x", w, sb, sum)
			}
		}
	}
}

func TestScalarReduce(t *testing.T) {
	curve := curveParams()
	r := mrand.New(mrand.NewPCG(3, 4))
	p := fr.Modulus()
	vals := []*big.Int{big.NewInt(0), new(big.Int).Set(&curve.Order), new(big.Int).Sub(p, big.NewInt(1)),
		new(big.Int).Mul(&curve.Order, big.NewInt(7)), new(big.Int).Sub(new(big.Int).Mul(&curve.Order, big.NewInt(7)), big.NewInt(1))}
	for range 500 {
		var b [32]byte
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		v := new(big.Int).SetBytes(b[:])
		vals = append(vals, v.Mod(v, p))
	}
	for _, v := range vals {
		s := scalarOf(v)
		s.reduce()
		if want := new(big.Int).Mod(v, &curve.Order); scalarBig(&s).Cmp(want) != 0 {
			t.Fatalf("reduce(%x) = %x, want %x", v, scalarBig(&s), want)
		}
		s = scalarOf(v)
		if s.lessThanOrder() != (v.Cmp(&curve.Order) < 0) {
			t.Fatalf("lessThanOrder(%x) wrong", v)
		}
	}
}

func toAffine(p *extPoint) twistededwards.PointAffine {
	var a twistededwards.PointAffine
	var zinv fr.Element
	zinv.Inverse(&p.Z)
	a.X.Mul(&p.X, &zinv)
	a.Y.Mul(&p.Y, &zinv)
	return a
}

// randPoint returns a random point of the prime-order subgroup.
func randPoint(t testing.TB, r *mrand.Rand) twistededwards.PointAffine {
	var p twistededwards.PointAffine
	p.ScalarMultiplicationBase(randScalar(t, r))
	return p
}

func TestFixedBaseMatchesReference(t *testing.T) {
	curve := curveParams()
	r := mrand.New(mrand.NewPCG(5, 6))
	points := []twistededwards.PointAffine{curve.Base, randPoint(t, r), randPoint(t, r)}
	scalars := edgeScalars()
	for range 30 {
		scalars = append(scalars, randScalar(t, r))
	}
	for pi, p := range points {
		for _, w := range []uint{keyWindow, baseWindow, 5} {
			var tab *fixedBaseTable
			if pi == 0 && w == baseWindow {
				tab = baseTable()
			} else {
				tab = newFixedBaseTable(&p, w)
			}
			for _, sb := range scalars {
				var want twistededwards.PointAffine
				want.ScalarMultiplication(&p, sb)
				s := scalarOf(sb)
				var acc extPoint
				acc.setIdentity()
				tab.addMul(&acc, &s, false)
				if got := toAffine(&acc); !got.Equal(&want) {
					t.Fatalf("point %d, w=%d: [%x]P differs", pi, w, sb)
				}
				acc.setIdentity()
				tab.addMul(&acc, &s, true)
				want.Neg(&want)
				if got := toAffine(&acc); !got.Equal(&want) {
					t.Fatalf("point %d, w=%d: -[%x]P differs", pi, w, sb)
				}
			}
		}
		for _, sb := range scalars {
			var want twistededwards.PointAffine
			want.ScalarMultiplication(&p, sb)
			want.Neg(&want)
			s := scalarOf(sb)
			acc := negMulVar(&p, &s)
			if got := toAffine(&acc); !got.Equal(&want) {
				t.Fatalf("point %d: negMulVar(%x) differs", pi, sb)
			}
			// The accumulator carries a valid T for the additions after.
			bt := baseTable()
			bt.addMul(&acc, &scalar{1}, false)
			var b twistededwards.PointAffine
			b.Add(&want, &curve.Base)
			if got := toAffine(&acc); !got.Equal(&b) {
				t.Fatalf("point %d: negMulVar(%x) + B differs", pi, sb)
			}
		}
	}
}

// Small-order points: the identity, (0, -1) of order 2, the two points of
// order 4 with y = 0, and points of order 8.
func smallOrderPoints(t testing.TB) []twistededwards.PointAffine {
	curve := curveParams()
	t.Helper()
	var pts []twistededwards.PointAffine
	var id, o2 twistededwards.PointAffine
	id.Y.SetOne()
	o2.Y.SetOne()
	o2.Y.Neg(&o2.Y)
	pts = append(pts, id, o2)
	// x² = 1/a = -1 for y = 0.
	var x fr.Element
	x.SetOne().Neg(&x)
	if x.Sqrt(&x) == nil {
		t.Fatal("-1 has no square root")
	}
	var o4 twistededwards.PointAffine
	o4.X = x
	pts = append(pts, o4)
	o4.X.Neg(&x)
	pts = append(pts, o4)
	// Order 8: for a random curve point P, [ℓ]P has order dividing 8.
	r := mrand.New(mrand.NewPCG(7, 8))
	for len(pts) < 8 {
		var y fr.Element
		y.SetUint64(r.Uint64())
		var p twistededwards.PointAffine
		yb := y.Bytes()
		var enc [32]byte
		for i := range 32 {
			enc[i] = yb[31-i]
		}
		if _, err := p.SetBytes(enc[:]); err != nil || !p.IsOnCurve() {
			continue
		}
		var q twistededwards.PointAffine
		q.ScalarMultiplication(&p, &curve.Order)
		var q4 twistededwards.PointAffine
		q4.ScalarMultiplication(&q, big.NewInt(4))
		if !q4.IsZero() { // q has order 8
			pts = append(pts, q)
		}
	}
	for _, p := range pts {
		if !p.IsOnCurve() {
			t.Fatalf("small-order point %v not on the curve", p)
		}
	}
	return pts
}

// signRaw signs msg with scalar a (key point A = [a]B) and nonce r: R =
// [r]B (or rPoint when not nil), S = r + h·a mod ℓ. It lets the tests craft
// signatures that Key.Sign never makes.
func signRaw(a *big.Int, A *twistededwards.PointAffine, r *big.Int, rPoint *twistededwards.PointAffine, msg []byte) []byte {
	curve := curveParams()
	var R twistededwards.PointAffine
	if rPoint != nil {
		R = *rPoint
	} else {
		R.ScalarMultiplicationBase(r)
	}
	hf := poseidon2.NewMerkleDamgardHasher()
	rx, ry, ax, ay := R.X.Bytes(), R.Y.Bytes(), A.X.Bytes(), A.Y.Bytes()
	for _, b := range [][]byte{rx[:], ry[:], ax[:], ay[:], msg} {
		hf.Write(b)
	}
	h := new(big.Int).SetBytes(hf.Sum(nil))
	s := new(big.Int).Mul(h, a)
	s.Add(s, r).Mod(s, &curve.Order)
	out := make([]byte, 64)
	rb := R.Bytes()
	copy(out, rb[:])
	s.FillBytes(out[32:])
	return out
}

// keyScalar returns k's secret scalar.
func keyScalar(k *Key) *big.Int {
	return new(big.Int).SetBytes(k.sk.Bytes()[32:64])
}

// decisions returns the reference's decision on sig over the encoding of
// m, msg, and the fast path's, with and without a table.
func decisions(t testing.TB, pub PublicKey, v *Verifier, sig, msg []byte) (ref, fastNoTable, fastTable bool) {
	t.Helper()
	ok, err := verifyReference(pub, sig, msg)
	ref = ok && err == nil
	var m fr.Element
	if err := m.SetBytesCanonical(msg); err != nil {
		t.Fatalf("message %x is not an encoded element", msg)
	}
	a := &pub.pk.A
	if validKeyPoint(a) {
		fastNoTable = verifyFast(a, nil, sig, &m)
	}
	if v.valid {
		fastTable = verifyFast(&v.pub.pk.A, v.table(), sig, &m)
	}
	return ref, fastNoTable, fastTable
}

// checkAgree checks that the reference and both fast paths take the same
// decision on sig over msg (an encoded element), and that it is want
// (when not nil).
func checkAgree(t testing.TB, what string, pub PublicKey, v *Verifier, sig, msg []byte, want *bool) {
	t.Helper()
	ref, f1, f2 := decisions(t, pub, v, sig, msg)
	if ref != f1 || ref != f2 {
		t.Fatalf("%s: reference %v, fast %v, fast with table %v", what, ref, f1, f2)
	}
	if want != nil && ref != *want {
		t.Fatalf("%s: reference decided %v, the test expected %v", what, ref, *want)
	}
}

// expect returns &b, a decision the reference must take.
func expect(b bool) *bool { return &b }

func randMsg(r *mrand.Rand) []byte {
	var m fr.Element
	m.SetUint64(r.Uint64())
	var x fr.Element
	x.SetUint64(r.Uint64())
	m.Mul(&m, &x).Mul(&m, &x)
	b := m.Bytes()
	return b[:]
}

func TestFastVerifyAgreesOnRandomKeys(t *testing.T) {
	r := mrand.New(mrand.NewPCG(9, 10))
	n := 64
	if testing.Short() {
		n = 8
	}
	keys := make([]*Key, n)
	for i := range keys {
		k, err := GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		keys[i] = k
	}
	for i, k := range keys {
		pub := k.Public()
		v := pub.Verifier()
		other := keys[(i+1)%len(keys)].Public()
		ov := other.Verifier()
		for j := range 4 {
			msg := randMsg(r)
			sig, err := k.sk.Sign(msg, poseidon2.NewMerkleDamgardHasher())
			if err != nil {
				t.Fatal(err)
			}
			name := fmt.Sprintf("key %d sig %d", i, j)
			checkAgree(t, name+" valid", pub, v, sig, msg, expect(true))
			checkAgree(t, name+" wrong key", other, ov, sig, msg, expect(false))
			msg2 := bytes.Clone(msg)
			msg2[31] ^= 1
			checkAgree(t, name+" message changed", pub, v, sig, msg2, expect(false))
			// Flip bits of R and S: the sign bit of R, the top bits of
			// S, and random others.
			flips := []int{255, 254, 263, 259, 256, 511}
			for range 16 {
				flips = append(flips, r.IntN(512))
			}
			for _, bit := range flips {
				bad := bytes.Clone(sig)
				bad[bit/8] ^= 1 << (bit % 8)
				checkAgree(t, fmt.Sprintf("%s bit %d flipped", name, bit), pub, v, bad, msg, expect(false))
			}
		}
	}
}

func TestFastVerifyAgreesOnCraftedSignatures(t *testing.T) {
	curve := curveParams()
	r := mrand.New(mrand.NewPCG(11, 12))
	k, err := GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	a := keyScalar(k)
	pub := k.Public()
	A := pub.pk.A
	v := pub.Verifier()
	msg := randMsg(r)
	good := signRaw(a, &A, randScalar(t, r), nil, msg)
	checkAgree(t, "raw signature", pub, v, good, msg, expect(true))

	ell := new(big.Int).Set(&curve.Order)
	S := new(big.Int).SetBytes(good[32:])
	withS := func(s *big.Int) []byte {
		out := bytes.Clone(good)
		var buf [32]byte
		s.FillBytes(buf[:])
		copy(out[32:], buf[:])
		return out
	}
	checkAgree(t, "S + ℓ", pub, v, withS(new(big.Int).Add(S, ell)), msg, expect(false))
	checkAgree(t, "S = ℓ", pub, v, withS(ell), msg, expect(false))
	checkAgree(t, "S = 0", pub, v, withS(big.NewInt(0)), msg, expect(false))
	checkAgree(t, "S = 2^256-1", pub, v, withS(new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))), msg, expect(false))
	checkAgree(t, "S + 1", pub, v, withS(new(big.Int).Add(S, big.NewInt(1))), msg, expect(false))

	// y(R) ≥ p: y + p still fits in 255 bits.
	{
		rb := bytes.Clone(good[:32])
		sign := rb[31] & 0x80
		rb[31] &= 0x7f
		le := make([]byte, 32)
		for i := range 32 {
			le[31-i] = rb[i]
		}
		y := new(big.Int).SetBytes(le)
		y.Add(y, fr.Modulus())
		if y.BitLen() <= 255 {
			var be [32]byte
			y.FillBytes(be[:])
			bad := bytes.Clone(good)
			for i := range 32 {
				bad[i] = be[31-i]
			}
			bad[31] |= sign
			checkAgree(t, "y(R) + p", pub, v, bad, msg, expect(false))
		}
	}
	// y(R) = p and p - 1, with and without the sign bit.
	for _, y := range []*big.Int{fr.Modulus(), new(big.Int).Sub(fr.Modulus(), big.NewInt(1))} {
		for _, sign := range []byte{0, 0x80} {
			var be [32]byte
			y.FillBytes(be[:])
			bad := bytes.Clone(good)
			for i := range 32 {
				bad[i] = be[31-i]
			}
			bad[31] |= sign
			checkAgree(t, fmt.Sprintf("y(R) = %x, sign %x", y, sign), pub, v, bad, msg, expect(false))
		}
	}
	// R = 0 encoding, R off the curve.
	zeroR := bytes.Clone(good)
	clear(zeroR[:32])
	checkAgree(t, "y(R) = 0", pub, v, zeroR, msg, expect(false))
	offCurve := 0
	for i := range 200 {
		bad := bytes.Clone(good)
		binary.LittleEndian.PutUint64(bad[:8], uint64(i)+2)
		clear(bad[8:32])
		var p twistededwards.PointAffine
		p.SetBytes(bad[:32])
		if !p.IsOnCurve() {
			offCurve++
		}
		checkAgree(t, fmt.Sprintf("R with y = %d", i+2), pub, v, bad, msg, expect(false))
	}
	if offCurve == 0 {
		t.Fatal("no R off the curve was tried")
	}

	// R = identity, and R of small order, with S matching the equation
	// S·B = R + h·A as far as the prime-order part goes: the reference
	// accepts the identity (in both of its encodings) and rejects the others.
	small := smallOrderPoints(t)
	for i, T := range small {
		sig := signRaw(a, &A, big.NewInt(0), &T, msg)
		want := expect(T.IsZero())
		checkAgree(t, fmt.Sprintf("R = small-order point %d", i), pub, v, sig, msg, want)
		if T.IsZero() {
			alt := bytes.Clone(sig)
			alt[31] |= 0x80 // x = 0 with the sign bit: also the identity
			checkAgree(t, "R = identity, sign bit set", pub, v, alt, msg, expect(true))
		}
		// R + T for a valid R: on the curve, outside the subgroup.
		nonce := randScalar(t, r)
		var R twistededwards.PointAffine
		R.ScalarMultiplicationBase(nonce)
		R.Add(&R, &T)
		sig = signRaw(a, &A, nonce, &R, msg)
		want = expect(T.IsZero())
		checkAgree(t, fmt.Sprintf("R + small-order point %d", i), pub, v, sig, msg, want)
	}

	// Keys that are not valid: identity, small order, outside the
	// subgroup, off the curve, the zero value. The reference rejects them
	// all; PublicKey.Verify and a Verifier must too.
	for i, T := range small {
		var bad PublicKey
		bad.pk.A = T
		checkBadKey(t, fmt.Sprintf("key = small-order point %d", i), bad, a, msg)
		if !T.IsZero() {
			bad.pk.A.Add(&A, &T)
			checkBadKey(t, fmt.Sprintf("key + small-order point %d", i), bad, a, msg)
		}
	}
	var zero PublicKey
	checkBadKey(t, "zero PublicKey", zero, a, msg)
	var off PublicKey
	off.pk.A = A
	off.pk.A.X.Add(&off.pk.A.X, &fr.Element{1})
	checkBadKey(t, "key off the curve", off, a, msg)
}

// checkBadKey checks that a signature made with the key point of bad (as
// if its secret were a) is rejected by the reference, and that neither
// fast path takes the key: PublicKey.Verify and Verifier.Verify then leave
// the decision and the error to the reference.
func checkBadKey(t *testing.T, what string, bad PublicKey, a *big.Int, msg []byte) {
	t.Helper()
	sig := signRaw(a, &bad.pk.A, big.NewInt(12345), nil, msg)
	if ok, err := verifyReference(bad, sig, msg); ok && err == nil {
		t.Fatalf("%s: the reference accepts", what)
	}
	if validKeyPoint(&bad.pk.A) {
		t.Fatalf("%s: validKeyPoint takes the key", what)
	}
	if bad.Verifier().valid {
		t.Fatalf("%s: Verifier takes the key as valid", what)
	}
}

// TestChallengeMatchesHasher checks challenge against the reference's way
// of computing h: gnark-crypto's Merkle–Damgård hasher over the bytes.
func TestChallengeMatchesHasher(t *testing.T) {
	curve := curveParams()
	r := mrand.New(mrand.NewPCG(19, 20))
	for i := range 200 {
		R, A := randPoint(t, r), randPoint(t, r)
		var m fr.Element
		m.SetBytes(randMsg(r))
		if i == 0 {
			m.SetZero()
		}
		hf := poseidon2.NewMerkleDamgardHasher()
		rx, ry, ax, ay, mb := R.X.Bytes(), R.Y.Bytes(), A.X.Bytes(), A.Y.Bytes(), m.Bytes()
		for _, b := range [][]byte{rx[:], ry[:], ax[:], ay[:], mb[:]} {
			if _, err := hf.Write(b); err != nil {
				t.Fatal(err)
			}
		}
		want := new(big.Int).SetBytes(hf.Sum(nil))
		want.Mod(want, &curve.Order)
		h := challenge(&R, &A, &m)
		if got := scalarBig(&h); got.Cmp(want) != 0 {
			t.Fatalf("challenge = %x, want %x", got, want)
		}
	}
}

// TestStatementHashes checks Commitment, Message and messageAndPrefix,
// computed with field.Compress and field.Compress2 step by step, against
// their definitions with field.Hash.
func TestStatementHashes(t *testing.T) {
	r := mrand.New(mrand.NewPCG(21, 22))
	for i := range 100 {
		var st Statement
		if i%2 == 1 {
			st.Origin.Facility = fmt.Sprintf("https://id.gs1.org/414/40123450000%02d", i)
		}
		st.EventDigest.SetBytes(randMsg(r))
		st.Claims.EventID = fmt.Sprintf("urn:uuid:%d", i)
		st.Claims.Type = "ObjectEvent"
		st.Claims.EventTime = time.Date(2026, 11, 20, 6, 15, i, 0, time.UTC)
		var salt fr.Element
		salt.SetBytes(randMsg(r))
		want := field.Hash(field.String(st.Origin.Facility), st.EventDigest, salt)
		if got := st.Commitment(salt); !got.Equal(&want) {
			t.Fatalf("facility %q: Commitment differs from field.Hash", st.Origin.Facility)
		}
		ch, err := st.Claims.Hash()
		if err != nil {
			t.Fatal(err)
		}
		wantM := field.Hash(ch, want)
		m, err := st.Message(salt)
		if err != nil {
			t.Fatal(err)
		}
		if !m.Equal(&wantM) {
			t.Fatalf("facility %q: Message differs from field.Hash", st.Origin.Facility)
		}
		// messageAndPrefix: the same message, and the challenge's state
		// after R and A, computed side by side.
		R, A := randPoint(t, r), randPoint(t, r)
		pm, prefix, err := st.messageAndPrefix(salt, &R, &A)
		if err != nil {
			t.Fatal(err)
		}
		if !pm.Equal(&m) {
			t.Fatalf("facility %q: messageAndPrefix's message differs from Message", st.Origin.Facility)
		}
		if want := field.Hash(R.X, R.Y, A.X, A.Y); !prefix.Equal(&want) {
			t.Fatalf("facility %q: messageAndPrefix's prefix differs from field.Hash(R.x, R.y, A.x, A.y)", st.Origin.Facility)
		}
		h, wantH := challengeScalar(field.Compress(prefix, pm)), challenge(&R, &A, &m)
		if h != wantH {
			t.Fatalf("facility %q: challenge from the prefix differs from challenge", st.Origin.Facility)
		}
	}
}

func TestVerifierConcurrent(t *testing.T) {
	k, err := GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	v := k.Public().Verifier()
	r := mrand.New(mrand.NewPCG(13, 14))
	type item struct{ sig, msg []byte }
	items := make([]item, 16)
	for i := range items {
		msg := randMsg(r)
		sig, err := k.sk.Sign(msg, poseidon2.NewMerkleDamgardHasher())
		if err != nil {
			t.Fatal(err)
		}
		items[i] = item{sig, msg}
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range items {
				it := items[(i+g)%len(items)]
				var m fr.Element
				m.SetBytes(it.msg)
				if !verifyFast(&v.pub.pk.A, v.table(), it.sig, &m) {
					t.Errorf("goroutine %d: valid signature rejected", g)
				}
			}
		}()
	}
	wg.Wait()
}

// FuzzVerifyAgreement compares the fast and the reference decisions on
// arbitrary signature bytes and messages, for a fixed key, starting from
// valid signatures.
func FuzzVerifyAgreement(f *testing.F) {
	k, err := GenerateKey(zeroSeed(3))
	if err != nil {
		f.Fatal(err)
	}
	pub := k.Public()
	v := pub.Verifier()
	r := mrand.New(mrand.NewPCG(15, 16))
	for range 4 {
		msg := randMsg(r)
		sig, err := k.sk.Sign(msg, poseidon2.NewMerkleDamgardHasher())
		if err != nil {
			f.Fatal(err)
		}
		f.Add(sig, msg)
	}
	f.Add(make([]byte, 64), make([]byte, 32))
	f.Add(bytes.Repeat([]byte{0xff}, 64), bytes.Repeat([]byte{0xff}, 32))
	f.Fuzz(func(t *testing.T, sig, msg []byte) {
		if len(sig) != SignatureSize || len(msg) != 32 {
			// Lengths Verify never passes on; keep the fuzzer on the
			// interesting part.
			return
		}
		// Verify signs the encoding of an element: reduce msg to one.
		var m fr.Element
		m.SetBytes(msg)
		mb := m.Bytes()
		checkAgree(t, fmt.Sprintf("sig %x msg %x", sig, mb), pub, v, sig, mb[:], nil)
	})
}

// zeroSeed yields an endless run of one byte value.
type zeroSeed byte

func (z zeroSeed) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(z)
	}
	return len(p), nil
}

// BenchmarkSignature times the signature check alone (no statement hash):
// gnark-crypto's Verify, the fast path without a table (PublicKey.Verify)
// and with the Verifier's table.
func BenchmarkSignature(b *testing.B) {
	curve := curveParams()
	k, err := GenerateKey(zeroSeed(5))
	if err != nil {
		b.Fatal(err)
	}
	pub := k.Public()
	msg := randMsg(mrand.New(mrand.NewPCG(17, 18)))
	sig, err := k.sk.Sign(msg, poseidon2.NewMerkleDamgardHasher())
	if err != nil {
		b.Fatal(err)
	}
	b.Run("reference", func(b *testing.B) {
		for b.Loop() {
			if ok, err := verifyReference(pub, sig, msg); !ok || err != nil {
				b.Fatal(ok, err)
			}
		}
	})
	var m fr.Element
	m.SetBytes(msg)
	b.Run("fast", func(b *testing.B) {
		a := &pub.pk.A
		for b.Loop() {
			if !validKeyPoint(a) || !verifyFast(a, nil, sig, &m) {
				b.Fatal("rejected")
			}
		}
	})
	b.Run("verifier", func(b *testing.B) {
		v := pub.Verifier()
		v.table()
		for b.Loop() {
			if !verifyFast(&v.pub.pk.A, v.table(), sig, &m) {
				b.Fatal("rejected")
			}
		}
	})
	b.Run("parse", func(b *testing.B) {
		for b.Loop() {
			if _, ok := parseSignature(sig); !ok {
				b.Fatal("not parsed")
			}
		}
	})
	b.Run("challenge", func(b *testing.B) {
		ps, _ := parseSignature(sig)
		for b.Loop() {
			challenge(&ps.R, &pub.pk.A, &m)
		}
	})
	b.Run("key-table", func(b *testing.B) {
		for b.Loop() {
			newFixedBaseTable(&pub.pk.A, keyWindow)
		}
	})
	b.Run("base-table", func(b *testing.B) {
		for b.Loop() {
			newFixedBaseTable(&curve.Base, baseWindow)
		}
	})
}

// oldVerify is PublicKey.Verify as it was before the fast path, word for
// word: Verify and Verifier.Verify must return what it returns.
func oldVerify(p PublicKey, s Statement, sig EventSignature) error {
	if len(sig.Signature) != SignatureSize {
		return fmt.Errorf("event %s: %w: %d bytes, want %d", s.Claims.EventID, ErrBadSignature, len(sig.Signature), SignatureSize)
	}
	m, err := s.Message(sig.Salt)
	if err != nil {
		return err
	}
	mb := m.Bytes()
	ok, err := p.pk.Verify(sig.Signature, mb[:], poseidon2.NewMerkleDamgardHasher())
	if err != nil {
		return fmt.Errorf("event %s: %w: %v", s.Claims.EventID, ErrBadSignature, err)
	}
	if !ok {
		return fmt.Errorf("event %s: %w under key %s", s.Claims.EventID, ErrBadSignature, p)
	}
	return nil
}

func errText(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// TestVerifyErrorsUnchanged checks that Verify and Verifier.Verify return
// exactly the errors of the old Verify (they reach ingest's dead letters),
// for valid signatures and for every kind of bad one.
func TestVerifyErrorsUnchanged(t *testing.T) {
	curve := curveParams()
	r := mrand.New(mrand.NewPCG(23, 24))
	k, err := GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	a := keyScalar(k)
	pub := k.Public()
	v := pub.Verifier()
	other, err := GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	var st Statement
	st.Claims.EventID = "urn:uuid:5d1f5a8e-6c43-4b1e-9a7a-2f0c3e4d5b6a"
	st.Claims.Type = "ObjectEvent"
	st.Claims.EventTime = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	st.EventDigest.SetBytes(randMsg(r))
	good, err := k.Sign(st, nil)
	if err != nil {
		t.Fatal(err)
	}
	m, err := st.Message(good.Salt)
	if err != nil {
		t.Fatal(err)
	}
	mb := m.Bytes()
	withSig := func(b []byte) EventSignature { return EventSignature{Signature: b, Salt: good.Salt} }
	flip := func(i int) EventSignature {
		b := bytes.Clone(good.Signature)
		b[i/8] ^= 1 << (i % 8)
		return withSig(b)
	}
	bigS := bytes.Clone(good.Signature)
	curve.Order.FillBytes(bigS[32:])
	zeroS := bytes.Clone(good.Signature)
	clear(zeroS[32:])
	small := smallOrderPoints(t)
	var o2 = small[1]
	smallR := signRaw(a, &pub.pk.A, big.NewInt(0), &o2, mb[:])
	idR := signRaw(a, &pub.pk.A, big.NewInt(0), &small[0], mb[:])
	offCurve := bytes.Clone(good.Signature)
	binary.LittleEndian.PutUint64(offCurve[:8], 5)
	clear(offCurve[8:32])

	cases := []struct {
		name string
		key  PublicKey
		sig  EventSignature
		st   Statement
	}{
		{"valid", pub, good, st},
		{"other key", other.Public(), good, st},
		{"other salt", pub, EventSignature{Signature: good.Signature, Salt: field.Uint64(7)}, st},
		{"short", pub, withSig(good.Signature[:63]), st},
		{"bit of R", pub, flip(3), st},
		{"sign bit of R", pub, flip(255), st},
		{"bit of S", pub, flip(300), st},
		{"top bit of S", pub, flip(256), st},
		{"S = ℓ", pub, withSig(bigS), st},
		{"S = 0", pub, withSig(zeroS), st},
		{"R of order 2", pub, withSig(smallR), st},
		{"R = identity, valid", pub, withSig(idR), st},
		{"R off the curve", pub, withSig(offCurve), st},
		{"zero key", PublicKey{}, good, st},
		{"invalid claims", pub, good, Statement{Claims: st.Claims, EventDigest: st.EventDigest, Origin: st.Origin}},
	}
	cases[len(cases)-1].st.Claims.EventTime = time.Time{}
	for _, tc := range cases {
		want := errText(oldVerify(tc.key, tc.st, tc.sig))
		if got := errText(tc.key.Verify(tc.st, tc.sig)); got != want {
			t.Errorf("%s: Verify = %s, want %s", tc.name, got, want)
		}
		if got := errText(tc.key.Verifier().Verify(tc.st, tc.sig)); got != want {
			t.Errorf("%s: Verifier.Verify = %s, want %s", tc.name, got, want)
		}
		if got := errText(v.Verify(tc.st, tc.sig)); tc.key == pub && got != want {
			t.Errorf("%s: shared Verifier.Verify = %s, want %s", tc.name, got, want)
		}
		t.Logf("%s: %s", tc.name, want)
	}
}
