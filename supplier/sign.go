package supplier

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr/poseidon2"
	"github.com/consensys/gnark-crypto/ecc/bn254/twistededwards"

	"github.com/provenant/provenant/claims"
	"github.com/provenant/provenant/epcis"
	"github.com/provenant/provenant/field"
)

// SignatureSize is the size of an encoded signature.
const SignatureSize = 64

// ErrBadSignature reports a signature that does not verify.
var ErrBadSignature = errors.New("signature does not verify")

// EventSignature is what a supplier sends for one event: the signature over
// the event's message and the salt that blinds it.
type EventSignature struct {
	Signature []byte
	Salt      field.Element
}

// Statement is what a signature commits to for one event: its public claims,
// its private origin facts, and the digest of its bytes.
type Statement struct {
	Claims      claims.Claims
	Origin      claims.Origin
	EventDigest field.Element
}

// NewStatement builds the statement of ev from its exact bytes (ev.Raw).
func NewStatement(ev *epcis.Event) (Statement, error) {
	c, o, err := claims.FromEvent(ev)
	if err != nil {
		return Statement{}, err
	}
	return Statement{Claims: c, Origin: o, EventDigest: field.Digest(ev.Raw)}, nil
}

// Commitment returns the blinded commitment to the event's private part:
// H(String(Facility), EventDigest, salt). Without the salt it reveals
// nothing of the facility or the event's bytes.
func (s Statement) Commitment(salt field.Element) field.Element {
	// H(a, b, c) = Compress(Compress(Compress(0, a), b), c) (package
	// field); most events are not origin events, and their first step,
	// Compress(0, String("")), is the same every time.
	var st field.Element
	if s.Origin.Facility == "" {
		st = emptyFacilityState()
	} else {
		st = field.Compress(field.Element{}, field.String(s.Origin.Facility))
	}
	st = field.Compress(st, s.EventDigest)
	return field.Compress(st, salt)
}

// emptyFacilityState is Compress(0, 0), the state of H after the facility
// of an event that is not an origin event. Computed once, never modified.
var emptyFacilityState = sync.OnceValue(func() field.Element {
	return field.Compress(field.Element{}, field.Element{})
})

// Message returns the field element a supplier signs: the event's leaf,
// H(claimsHash, Commitment(salt)), the same value that the batch proof
// places in its Merkle tree and that buyers recompute from the public
// claims and the blinded commitment.
func (s Statement) Message(salt field.Element) (field.Element, error) {
	ch, err := s.Claims.Hash()
	if err != nil {
		return field.Element{}, err
	}
	// H(ch, c), one Compress per element as in Commitment.
	return field.Compress(field.Compress(field.Element{}, ch), s.Commitment(salt)), nil
}

// messageAndPrefix returns Message(salt) and the state of the challenge
// hash after R and A, Compress(Compress(Compress(Compress(0, R.x), R.y),
// A.x), A.y), the part of h = H(R.x, R.y, A.x, A.y, m) that does not
// depend on m (see challenge). The two are independent chains of
// compressions; field.Compress2 runs them, and the chains of Message,
// side by side. With the challenge's last compression, Compress(prefix, m),
// which the caller makes, a verification's 12 compressions (13 for an
// origin event) take 7 (8) steps, 5 of them pairs.
func (s Statement) messageAndPrefix(salt field.Element, r, a *twistededwards.PointAffine) (m, prefix field.Element, err error) {
	in, err := s.Claims.HashInputs()
	if err != nil {
		return m, prefix, err
	}
	// h: the claims hash H(in[0], in[1], in[2]); k: the commitment
	// H(String(Facility), EventDigest, salt); p: the prefix.
	var zero, h, k, p field.Element
	if s.Origin.Facility == "" {
		h, k = field.Compress2(zero, in[0], emptyFacilityState(), s.EventDigest)
		h, k = field.Compress2(h, in[1], k, salt)
		h, p = field.Compress2(h, in[2], zero, r.X)
		m, p = field.Compress2(zero, h, p, r.Y) // m = Compress(0, claims hash)
		m, p = field.Compress2(m, k, p, a.X)
	} else {
		h, k = field.Compress2(zero, in[0], zero, field.String(s.Origin.Facility))
		h, k = field.Compress2(h, in[1], k, s.EventDigest)
		h, k = field.Compress2(h, in[2], k, salt)
		m, p = field.Compress2(zero, h, zero, r.X)
		m, p = field.Compress2(m, k, p, r.Y)
		p = field.Compress(p, a.X)
	}
	return m, field.Compress(p, a.Y), nil
}

// NewSalt draws a fresh salt from r (crypto/rand.Reader when nil).
func NewSalt(r io.Reader) (field.Element, error) {
	if r == nil {
		r = rand.Reader
	}
	var b [32]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return field.Element{}, fmt.Errorf("draw salt: %w", err)
	}
	return field.FromDigest(b), nil
}

// Sign signs the statement with a fresh salt drawn from r (crypto/rand
// when nil).
func (k *Key) Sign(s Statement, r io.Reader) (EventSignature, error) {
	salt, err := NewSalt(r)
	if err != nil {
		return EventSignature{}, err
	}
	m, err := s.Message(salt)
	if err != nil {
		return EventSignature{}, err
	}
	mb := m.Bytes()
	sig, err := k.sk.Sign(mb[:], poseidon2.NewMerkleDamgardHasher())
	if err != nil {
		return EventSignature{}, fmt.Errorf("sign event %s: %w", s.Claims.EventID, err)
	}
	return EventSignature{Signature: sig, Salt: salt}, nil
}

// String returns "<signature hex>:<salt hex>", the form the signature
// header carries.
func (s EventSignature) String() string {
	salt := s.Salt.Bytes()
	return hex.EncodeToString(s.Signature) + ":" + hex.EncodeToString(salt[:])
}
