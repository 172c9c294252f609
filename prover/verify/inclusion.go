package verify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/provenant/provenant/claims"
	"github.com/provenant/provenant/field"
	"github.com/provenant/provenant/merkle"
	"github.com/provenant/provenant/store"
)

// MaxInclusionBytes bounds an encoded [Inclusion]; most of it is the
// event's product identifiers.
const MaxInclusionBytes = 4 << 20

// MaxPathLength bounds the number of siblings in an inclusion path.
const MaxPathLength = merkle.MaxDepth

// ErrNotProven reports an event that is in the store but in no proven
// batch: not yet proven, rejected, or returned to the queue by a rejected
// batch.
var ErrNotProven = errors.New("event not proven")

// Inclusion is what a buyer needs to check that an event's public claims
// are included in a batch root: the claims, the event's blinded commitment
// to its private part, and the Merkle path of its leaf. Field elements are
// the 64 hex digits of their 32-byte big-endian encoding, as
// registry.RootHex writes them (either case is accepted).
//
// An inclusion says nothing about the batch root itself: a buyer checks the
// batch's proof against it, and the ledger anchor, separately.
type Inclusion struct {
	Claims            claims.Claims `json:"claims"`
	BlindedCommitment string        `json:"blindedCommitment"`
	// Index is the leaf index in the batch tree.
	Index uint64 `json:"index"`
	// Path holds the siblings from the leaf level up to the root.
	Path      []string `json:"path"`
	BatchRoot string   `json:"batchRoot"`
}

// VerifyInclusion recomputes the event's leaf, H(claims hash, blinded
// commitment), and checks that the path at inc.Index leads from it to the
// batch root. It returns nil when it does, a [*MalformedError] when an
// element is not canonical hex, the path is longer than [MaxPathLength] or
// the claims cannot be hashed, and an error matching [ErrRejected]
// (errors.Is) that says which check failed otherwise.
func VerifyInclusion(inc Inclusion) error {
	root, err := field.ParseHex(inc.BatchRoot)
	if err != nil {
		return &MalformedError{Input: "batch root", Err: err}
	}
	commitment, err := field.ParseHex(inc.BlindedCommitment)
	if err != nil {
		return &MalformedError{Input: "blinded commitment", Err: err}
	}
	if len(inc.Path) > MaxPathLength {
		return malformed("Merkle path", "%d siblings, more than the %d allowed", len(inc.Path), MaxPathLength)
	}
	path := merkle.Path{Index: inc.Index, Siblings: make([]field.Element, len(inc.Path))}
	for i, s := range inc.Path {
		if path.Siblings[i], err = field.ParseHex(s); err != nil {
			return malformed("Merkle path", "sibling %d: %v", i, err)
		}
	}
	claimsHash, err := inc.Claims.Hash()
	if err != nil {
		return &MalformedError{Input: "claims", Err: err}
	}
	leaf := field.Hash(claimsHash, commitment)

	if depth := uint(len(path.Siblings)); inc.Index>>depth != 0 { // depth <= MaxPathLength < 64
		return rejectedf("event %q is not included: leaf index %d does not fit a path of depth %d", inc.Claims.EventID, inc.Index, depth)
	}
	if err := merkle.Verify(root, leaf, path); err != nil {
		return rejectedf("event %q is not included in batch root %s: its leaf %s, recomputed from the claims and the blinded commitment, leads along the path at index %d to %s: the claims, the commitment, the index or the path differ from what was proven",
			inc.Claims.EventID, field.Hex(root), field.Hex(leaf), inc.Index, field.Hex(merkle.RootFrom(leaf, path)))
	}
	return nil
}

// ParseInclusion decodes an [Inclusion] from JSON. It refuses, as a
// [*MalformedError], input larger than [MaxInclusionBytes], unknown fields
// (a field that is not hashed must not look verified) and trailing data.
// It checks the syntax only: [VerifyInclusion] checks the values.
func ParseInclusion(b []byte) (Inclusion, error) {
	if len(b) > MaxInclusionBytes {
		return Inclusion{}, malformed("inclusion", "%d bytes, more than the %d allowed", len(b), MaxInclusionBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var inc Inclusion
	if err := dec.Decode(&inc); err != nil {
		return Inclusion{}, malformed("inclusion", "JSON: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Inclusion{}, malformed("inclusion", "JSON: trailing data after the object")
	}
	return inc, nil
}

// InclusionFromStore builds the inclusion of a proven (or anchored) event
// from the store: its public claims, and its leaf's place in the batch it
// is proven in. An unknown event is store.ErrNotFound; an event in no
// proven batch is [ErrNotProven]. The result is not checked: pass it to
// [VerifyInclusion].
func InclusionFromStore(ctx context.Context, st store.Store, eventID string) (Inclusion, error) {
	e, err := st.GetEvent(ctx, eventID)
	if err != nil {
		return Inclusion{}, fmt.Errorf("event %q: %w", eventID, err)
	}
	switch e.Status {
	case store.StatusProven, store.StatusAnchored:
	case store.StatusRejected:
		return Inclusion{}, fmt.Errorf("event %q: %w: it was rejected: %s", eventID, ErrNotProven, e.RejectReason)
	default:
		return Inclusion{}, fmt.Errorf("event %q: %w yet (status %s)", eventID, ErrNotProven, e.Status)
	}
	var c claims.Claims
	if err := json.Unmarshal(e.Claims, &c); err != nil {
		return Inclusion{}, fmt.Errorf("event %q: stored claims: %w", eventID, err)
	}
	m, err := st.GetBatchMember(ctx, eventID)
	if errors.Is(err, store.ErrNotFound) {
		// Its batch was rejected since GetEvent.
		return Inclusion{}, fmt.Errorf("event %q: %w: in no batch", eventID, ErrNotProven)
	}
	if err != nil {
		return Inclusion{}, fmt.Errorf("event %q: batch member: %w", eventID, err)
	}
	if m.Index < 0 {
		return Inclusion{}, fmt.Errorf("event %q: stored leaf index %d is negative", eventID, m.Index)
	}
	b, err := st.GetBatch(ctx, m.BatchID)
	if err != nil {
		return Inclusion{}, fmt.Errorf("event %q: batch %q: %w", eventID, m.BatchID, err)
	}
	if b.Status == store.StatusRejected {
		return Inclusion{}, fmt.Errorf("event %q: %w: batch %s was rejected: %s", eventID, ErrNotProven, b.ID, b.RejectReason)
	}
	return Inclusion{
		Claims:            c,
		BlindedCommitment: m.BlindedCommitment,
		Index:             uint64(m.Index),
		Path:              append([]string{}, m.MerklePath...),
		BatchRoot:         b.Root,
	}, nil
}

// rejectedError is a failed inclusion check; it matches ErrRejected.
type rejectedError struct{ msg string }

func (e *rejectedError) Error() string        { return e.msg }
func (e *rejectedError) Is(target error) bool { return target == ErrRejected }

func rejectedf(format string, args ...any) error {
	return &rejectedError{msg: fmt.Sprintf(format, args...)}
}
