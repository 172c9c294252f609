package store

import (
	"bytes"
	"math"
	"slices"
	"strconv"
	"time"
)

// Batch is a set of events proven together by one Groth16 proof.
type Batch struct {
	// ID identifies the batch; chosen by the prover.
	ID string
	// Circuit is the circuit ID the proof was made with.
	Circuit string
	// CircuitVersion is the circuit's version; with Circuit it names the verifying key
	// pinned on the ledger.
	CircuitVersion string
	// Size is the number of leaves the circuit proves; the batch has at most Size members
	// (the rest is padding).
	Size int
	// Root is the batch root: the Merkle root of the members' leaves.
	Root string
	// Proof is the serialized proof.
	Proof []byte
	// PublicInputs are the proof's public inputs, as the ledger expects them.
	PublicInputs []string
	// CreatedAt is when the batch was stored; set by the store when zero.
	CreatedAt time.Time
	// Status is PROVEN until RecordAnchor (ANCHORED) or RejectBatch (REJECTED); set by the
	// store.
	Status Status
	// RejectReason says why the batch was rejected; set by RejectBatch.
	RejectReason string
}

// Validate reports, as an error wrapping ErrInvalid, why the store would refuse to create
// b (without looking at its members).
func (b *Batch) Validate() error {
	if err := checkKey("batch ID", b.ID); err != nil {
		return err
	}
	if err := checkKey("batch circuit", b.Circuit); err != nil {
		return err
	}
	if err := checkKey("batch circuit version", b.CircuitVersion); err != nil {
		return err
	}
	if b.Size <= 0 || b.Size > math.MaxInt32 {
		return invalidf("batch size %d is out of range", b.Size)
	}
	if err := checkKey("batch root", b.Root); err != nil {
		return err
	}
	if len(b.Proof) == 0 {
		return invalidf("batch proof is empty")
	}
	for i, in := range b.PublicInputs {
		if err := checkText("batch public input "+strconv.Itoa(i), in); err != nil {
			return err
		}
	}
	return checkTime("batch created time", b.CreatedAt, false)
}

// SameContent reports whether b and o describe the same proven batch: equal ID, circuit,
// circuit version, size, root, proof and public inputs.
func (b *Batch) SameContent(o *Batch) bool {
	return b.ID == o.ID && b.Circuit == o.Circuit && b.CircuitVersion == o.CircuitVersion &&
		b.Size == o.Size && b.Root == o.Root && bytes.Equal(b.Proof, o.Proof) &&
		slices.Equal(b.PublicInputs, o.PublicInputs)
}

// BatchMember is one event's place in a batch: what a buyer needs to check that the event
// is included in the batch root.
type BatchMember struct {
	// BatchID is the batch; set by the store on reads, ignored by CreateBatch.
	BatchID string
	// EventID is the member event.
	EventID string
	// Index is the leaf index in the batch tree, from 0 to Size-1.
	Index int
	// Leaf is the event's leaf: H(public-claims hash, blinded commitment).
	Leaf string
	// BlindedCommitment is the event's blinded commitment to its private data.
	BlindedCommitment string
	// MerklePath is the sibling path from the leaf to the batch root, leaf level first.
	MerklePath []string
}

// ValidateMembers reports, as an error wrapping ErrInvalid, why members cannot be the
// members of b: none, more than b.Size, an index out of range or repeated, an event
// repeated, or an empty field.
func (b *Batch) ValidateMembers(members []BatchMember) error {
	if len(members) == 0 {
		return invalidf("batch %q has no members", b.ID)
	}
	if len(members) > b.Size {
		return invalidf("batch %q has %d members, more than its size %d", b.ID, len(members), b.Size)
	}
	indexes := make(map[int]bool, len(members))
	events := make(map[string]bool, len(members))
	for i := range members {
		m := &members[i]
		if err := checkKey("batch member event ID", m.EventID); err != nil {
			return err
		}
		if m.Index < 0 || m.Index >= b.Size {
			return invalidf("batch member %q index %d is outside 0 to %d", m.EventID, m.Index, b.Size-1)
		}
		if indexes[m.Index] {
			return invalidf("batch member index %d is used twice", m.Index)
		}
		if events[m.EventID] {
			return invalidf("batch member %q appears twice", m.EventID)
		}
		indexes[m.Index], events[m.EventID] = true, true
		if err := checkKey("batch member leaf", m.Leaf); err != nil {
			return err
		}
		if err := checkKey("batch member blinded commitment", m.BlindedCommitment); err != nil {
			return err
		}
		for _, p := range m.MerklePath {
			if err := checkText("batch member Merkle path", p); err != nil {
				return err
			}
		}
	}
	return nil
}

// Anchor is the ledger transaction that anchored a batch.
type Anchor struct {
	// BatchID is the anchored batch.
	BatchID string
	// TxID is the Fabric transaction ID.
	TxID string
	// BlockNumber is the block that holds the transaction.
	BlockNumber uint64
	// Channel is the Fabric channel.
	Channel string
	// BatchRoot is the batch root as anchored; it must equal the batch's Root.
	BatchRoot string
	// Timestamp is the transaction's timestamp on the ledger.
	Timestamp time.Time
}

// Validate reports, as an error wrapping ErrInvalid, why the store would refuse to record
// a.
func (a *Anchor) Validate() error {
	if err := checkKey("anchor batch ID", a.BatchID); err != nil {
		return err
	}
	if err := checkKey("anchor transaction ID", a.TxID); err != nil {
		return err
	}
	if err := checkKey("anchor channel", a.Channel); err != nil {
		return err
	}
	if err := checkKey("anchor batch root", a.BatchRoot); err != nil {
		return err
	}
	if a.BlockNumber > math.MaxInt64 {
		return invalidf("anchor block number %d is out of range", a.BlockNumber)
	}
	return checkTime("anchor timestamp", a.Timestamp, true)
}

// SameContent reports whether a and o record the same anchoring, comparing times as the
// store keeps them.
func (a *Anchor) SameContent(o *Anchor) bool {
	return a.BatchID == o.BatchID && a.TxID == o.TxID && a.BlockNumber == o.BlockNumber &&
		a.Channel == o.Channel && a.BatchRoot == o.BatchRoot &&
		StoredTime(a.Timestamp).Equal(StoredTime(o.Timestamp))
}
