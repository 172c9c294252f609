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
//
// The permutation is a width-2 specialisation of gnark-crypto's (see
// poseidon2.go), tested to be bit-identical to it.
package field

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
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

// Hash returns H(elems...): Poseidon2 in the Merkle–Damgård mode with a zero
// initial value, one compression per element, so Hash() = 0, Hash(a) =
// Compress(0, a) and Hash(a, b) = Compress(Compress(0, a), b).
//
// This is exactly what gnark-crypto's poseidon2.NewMerkleDamgardHasher
// returns when fed each element's 32-byte big-endian encoding (Bytes): it
// starts from a zero 32-byte state and, for each 32-byte block, reads state
// and block with SetBytesCanonical (which rejects, rather than reduces,
// values ≥ r) and sets the state to the compression's output encoding; Sum
// returns that state. Every Element built through fr's API is reduced, so
// each block is canonical and the byte round trips are the identity; Hash
// skips them and does not allocate.
func Hash(elems ...Element) Element {
	var state Element
	for i := range elems {
		state = p2.compress(state, elems[i])
	}
	return state
}

// Compress returns Poseidon2's 2-to-1 compression of left and right, the
// node hash of Provenant's Merkle trees: the second word of the width-2
// permutation of (left, right), plus right. It computes what gnark-crypto's
// poseidon2.NewDefaultPermutation().Compress computes on the elements'
// encodings, with a permutation specialised to width 2 (see permute). left
// and right must be reduced, as every Element built through fr's API is.
func Compress(left, right Element) Element {
	return p2.compress(left, right)
}

// Compress2 returns Compress(left1, right1) and Compress(left2, right2),
// computed together: the two permutations' multiplications are
// interleaved, which on one core costs about a fifth less than two calls of
// Compress (BenchmarkCompress2). Use it where two independent hashes are
// due at once.
func Compress2(left1, right1, left2, right2 Element) (Element, Element) {
	return p2.compress2(left1, right1, left2, right2)
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
