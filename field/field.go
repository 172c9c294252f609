// Package field encodes Provenant's values as elements of the BN254 scalar
// field and defines H, the field-friendly hash used on both sides of the
// circuits: Poseidon2 (gnark-crypto's default BN254 parameters, width 2, 6
// full and 50 partial rounds) in the Merkle–Damgård mode over 32-byte
// big-endian elements, with a zero initial value.
//
// The encodings, which another implementation must reproduce exactly:
//
//   - Digest(b): SHA-256 of b, the 3 most significant bits cleared, read as a
//     big-endian integer (always < 2^253 < r, so no reduction happens).
//   - String(s): Digest of the UTF-8 bytes of s; the empty string is 0.
//   - Uint64(n): n itself.
//   - Region(cc): an ISO 3166-1 alpha-2 code, upper case, as the big-endian
//     integer of its two ASCII bytes ("DE" = 0x4445 = 17477); none is 0.
//
// Merkle trees use Compress, Poseidon2's 2-to-1 compression function
// (permute (left, right), then add right to the second output), one
// permutation per node; H(a, b) is Compress(Compress(0, a), b).
package field

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr/poseidon2"
)

// Element is an element of the BN254 scalar field.
type Element = fr.Element

// Bytes is the size of an encoded element.
const Bytes = fr.Bytes

// Digest returns SHA-256(b) with its 3 most significant bits cleared, as an
// element.
func Digest(b []byte) Element {
	sum := sha256.Sum256(b)
	return FromDigest(sum)
}

// FromDigest returns a 32-byte digest with its 3 most significant bits
// cleared, as an element.
func FromDigest(d [32]byte) Element {
	d[0] &= 0x1f
	var e Element
	e.SetBytes(d[:])
	return e
}

// String returns the element encoding s: Digest of its bytes, or 0 for the
// empty string.
func String(s string) Element {
	if s == "" {
		return Element{}
	}
	return Digest([]byte(s))
}

// Uint64 returns n as an element.
func Uint64(n uint64) Element {
	var e Element
	e.SetUint64(n)
	return e
}

// Region returns the element encoding an ISO 3166-1 alpha-2 code, or 0 for
// the empty code.
func Region(code string) (Element, error) {
	if code == "" {
		return Element{}, nil
	}
	if len(code) != 2 || code[0] < 'A' || code[0] > 'Z' || code[1] < 'A' || code[1] > 'Z' {
		return Element{}, fmt.Errorf("region %q: want an ISO 3166-1 alpha-2 code (two upper-case letters)", code)
	}
	return Uint64(uint64(code[0])<<8 | uint64(code[1])), nil
}

// Hash returns H(elems...): Poseidon2 Merkle–Damgård over the elements'
// 32-byte big-endian encodings.
func Hash(elems ...Element) Element {
	h := poseidon2.NewMerkleDamgardHasher()
	for i := range elems {
		b := elems[i].Bytes()
		h.Write(b[:]) // never fails for canonical 32-byte blocks
	}
	var out Element
	out.SetBytes(h.Sum(nil))
	return out
}

// Compress returns Poseidon2's 2-to-1 compression of left and right, the
// node hash of Provenant's Merkle trees.
func Compress(left, right Element) Element {
	x := [2]Element{left, right}
	perm := poseidon2.NewDefaultPermutation()
	if err := perm.Permutation(x[:]); err != nil {
		panic(err) // width 2 is fixed by NewDefaultPermutation; unreachable
	}
	var out Element
	out.Add(&x[1], &right)
	return out
}

// Parse reads an element from its canonical 32-byte big-endian encoding,
// rejecting values that are not reduced modulo the field order.
func Parse(b []byte) (Element, error) {
	var e Element
	if len(b) != Bytes {
		return e, fmt.Errorf("field element: %d bytes, want %d", len(b), Bytes)
	}
	if err := e.SetBytesCanonical(b); err != nil {
		return e, fmt.Errorf("field element: %w", err)
	}
	return e, nil
}

// Hex returns the text form of an element used in stores, APIs and on the
// ledger: the 64 lower-case hex digits of its 32-byte big-endian encoding,
// without 0x.
func Hex(e Element) string {
	b := e.Bytes()
	return hex.EncodeToString(b[:])
}

// ParseHex reads an element written by Hex (either case), rejecting values
// that are not reduced modulo the field order.
func ParseHex(s string) (Element, error) {
	if len(s) != 2*Bytes {
		return Element{}, fmt.Errorf("field element %.70q: %d characters, want %d hex digits", s, len(s), 2*Bytes)
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return Element{}, fmt.Errorf("field element %q: %w", s, err)
	}
	return Parse(b)
}
