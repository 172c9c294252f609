package supplier

// Signature verification, fast path.
//
// gnark-crypto's eddsa.PublicKey.Verify (the reference, kept below as
// verifyReference) accepts a signature (R, S) by key A over message M when
//
//  1. A is a non-identity point of the prime-order subgroup;
//  2. the encoding of R is canonical enough (0 < y < p), S is in (0, ℓ),
//     R decodes to a point of the prime-order subgroup;
//  3. [8][S]B == [8](R + [h]A), h = H(R.x, R.y, A.x, A.y, M) as an integer.
//
// Here B, A and R all lie in the subgroup of prime order ℓ, where [8] is
// injective (ℓ is odd), so 3 is [S]B == R + [h]A, that is
// [S]B - [h mod ℓ]A == R. Its left side is always in the subgroup, so it
// can only equal a decoded R that is in the subgroup: the subgroup check of
// R in 2 follows from the equation and need not be made apart. The fast
// path checks 1 (once per Verifier), 2 without that subgroup check, and
// [S]B - [h]A == R in extended coordinates with fixed-base tables for B
// (per process) and A (per Verifier), no doubling and no inversion. It
// accepts exactly when the reference does; when it rejects, the reference
// runs to report the very error it always reported (rejects are rare, and
// this keeps every message, and every decision, as they were).

import (
	"fmt"
	"sync"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr/poseidon2"
	"github.com/consensys/gnark-crypto/ecc/bn254/twistededwards"

	"github.com/provenant/provenant/field"
)

// Window widths of the fixed-base tables: the base point's, built once
// per process (32 windows × 128 points, 384 KiB; 32 additions per
// multiplication), and each Verifier's (63 windows × 8 points, 47 KiB;
// 63 additions).
const (
	baseWindow = 8
	keyWindow  = 4
)

// baseTable returns the fixed-base table of the curve's base point B. It is
// built once per process, on first use, and never modified after: the
// sync.OnceValue holds an immutable value, safe for concurrent use, not
// mutable package state.
var baseTable = sync.OnceValue(func() *fixedBaseTable {
	b := twistededwards.GetEdwardsCurve().Base
	return newFixedBaseTable(&b, baseWindow)
})

// Verifier is a public key prepared for checking many signatures: the key
// is checked once, and a table of its multiples, built on the first
// Verify, makes each check about three times cheaper than
// PublicKey.Verify. A Verifier is safe for concurrent use; keep one per
// key (it holds about 50 KB once used).
type Verifier struct {
	pub   PublicKey
	valid bool                   // pub is a non-identity point of the prime-order subgroup
	table func() *fixedBaseTable // of pub, built once
}

// Verifier returns p prepared for verifying many signatures.
func (p PublicKey) Verifier() *Verifier {
	a := p.pk.A
	v := &Verifier{pub: p, valid: validKeyPoint(&a)}
	v.table = sync.OnceValue(func() *fixedBaseTable { return newFixedBaseTable(&a, keyWindow) })
	return v
}

// PublicKey returns the key v verifies for.
func (v *Verifier) PublicKey() PublicKey { return v.pub }

// Verify checks that sig is the key's signature over the statement, exactly
// as PublicKey.Verify does, with the same errors.
func (v *Verifier) Verify(s Statement, sig EventSignature) error {
	return v.pub.verify(s, sig, func(ps *parsedSignature, h *scalar) bool {
		return v.valid && verifyParsed(&v.pub.pk.A, v.table(), ps, h)
	})
}

// Verify checks that sig is p's signature over the statement. It returns an
// error wrapping ErrBadSignature when it is not. To check many signatures
// of one key, use a Verifier.
func (p PublicKey) Verify(s Statement, sig EventSignature) error {
	return p.verify(s, sig, func(ps *parsedSignature, h *scalar) bool {
		return validKeyPoint(&p.pk.A) && verifyParsed(&p.pk.A, nil, ps, h)
	})
}

// verify is Verify with the check of the parsed signature against the
// challenge h given as fast, which with parseSignature must accept exactly
// the signatures the reference accepts; when they do not accept, the
// reference decides and names the error.
func (p PublicKey) verify(s Statement, sig EventSignature, fast func(ps *parsedSignature, h *scalar) bool) error {
	if len(sig.Signature) != SignatureSize {
		return fmt.Errorf("event %s: %w: %d bytes, want %d", s.Claims.EventID, ErrBadSignature, len(sig.Signature), SignatureSize)
	}
	var m field.Element
	ps, parsed := parseSignature(sig.Signature)
	if parsed {
		// The message and the challenge's first four compressions
		// together (messageAndPrefix), then the last one.
		var prefix field.Element
		var err error
		if m, prefix, err = s.messageAndPrefix(sig.Salt, &ps.R, &p.pk.A); err != nil {
			return err
		}
		h := challengeScalar(field.Compress(prefix, m))
		if fast(&ps, &h) {
			return nil
		}
	} else {
		var err error
		if m, err = s.Message(sig.Salt); err != nil {
			return err
		}
	}
	mb := m.Bytes()
	ok, err := verifyReference(p, sig.Signature, mb[:])
	if err != nil {
		return fmt.Errorf("event %s: %w: %v", s.Claims.EventID, ErrBadSignature, err)
	}
	if !ok {
		return fmt.Errorf("event %s: %w under key %s", s.Claims.EventID, ErrBadSignature, p)
	}
	return nil
}

// verifyReference is gnark-crypto's EdDSA verification, the definition of
// which signatures are valid.
func verifyReference(p PublicKey, sig, msg []byte) (bool, error) {
	return p.pk.Verify(sig, msg, poseidon2.NewMerkleDamgardHasher())
}

// validKeyPoint is gnark-crypto's check of a public key point: not the
// identity, and in the prime-order subgroup (which includes on the curve).
func validKeyPoint(a *twistededwards.PointAffine) bool {
	return !a.IsZero() && a.IsInSubGroup()
}

// parsedSignature is a signature that passed every check of gnark-crypto's
// eddsa.Signature.SetBytes but the subgroup check of R, which the
// verification equation implies (see the top of this file).
type parsedSignature struct {
	R twistededwards.PointAffine
	S scalar
}

// parseSignature reads R (compressed, 32 bytes) then S (big-endian, 32
// bytes) with the checks of eddsa.Signature.SetBytes: 0 < y(R) < p, 0 < S < ℓ,
// R decoded as gnark-crypto decodes it, on the curve.
func parseSignature(b []byte) (sig parsedSignature, ok bool) {
	if len(b) != SignatureSize {
		return sig, false
	}
	// y(R) is little-endian, the top bit being the sign of x.
	var y [32]byte
	for i := range 32 {
		y[31-i] = b[i]
	}
	y[0] &= 0x7f
	var ye fr.Element
	if ye.SetBytesCanonical(y[:]) != nil || ye.IsZero() {
		return sig, false
	}
	var sb [32]byte
	copy(sb[:], b[32:])
	sig.S = scalarFromBytes(&sb)
	if sig.S.isZero() || !sig.S.lessThanOrder() {
		return sig, false
	}
	if _, err := sig.R.SetBytes(b[:32]); err != nil || !sig.R.IsOnCurve() {
		return sig, false
	}
	return sig, true
}

// challenge returns h = H(R.x, R.y, A.x, A.y, m) mod ℓ. The reference
// writes the 32-byte encodings of the five elements to gnark-crypto's
// Poseidon2 Merkle–Damgård hasher, whose every block is one Compress of
// the state and the block's element (field.Compress), from a zero state,
// and reads the final state as a big-endian integer: the same value.
func challenge(r, a *twistededwards.PointAffine, m *field.Element) scalar {
	var st field.Element
	for _, e := range [...]*field.Element{&r.X, &r.Y, &a.X, &a.Y, m} {
		st = field.Compress(st, *e)
	}
	return challengeScalar(st)
}

// challengeScalar returns the final state st of the challenge hash as a
// scalar: its big-endian encoding as an integer, mod ℓ.
func challengeScalar(st field.Element) scalar {
	b := st.Bytes()
	h := scalarFromBytes(&b)
	h.reduce()
	return h
}

// verifyFast reports whether sig is a valid signature over the 32-byte
// encoding of m by the key point a, which must be a valid key point
// (validKeyPoint), with ta its table (nil to multiply without one).
func verifyFast(a *twistededwards.PointAffine, ta *fixedBaseTable, sigBytes []byte, m *field.Element) bool {
	sig, ok := parseSignature(sigBytes)
	if !ok {
		return false
	}
	h := challenge(&sig.R, a, m)
	return verifyParsed(a, ta, &sig, &h)
}

// verifyParsed reports whether [S]B - [h]A == R for the parsed signature
// (R, S) and the challenge h, by the key point a (valid, as for verifyFast)
// with ta its table (nil to multiply without one).
func verifyParsed(a *twistededwards.PointAffine, ta *fixedBaseTable, sig *parsedSignature, h *scalar) bool {
	// acc = [S]B - [h]A
	var acc extPoint
	if ta != nil {
		// All table entries first, then the additions (see gathered).
		var g gathered
		ta.gather(&g, h, true)
		baseTable().gather(&g, &sig.S, false)
		acc.setIdentity()
		g.addTo(&acc)
	} else {
		acc = negMulVar(a, h)
		baseTable().addMul(&acc, &sig.S, false)
	}
	return acc.equalAffine(&sig.R)
}
