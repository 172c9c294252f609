package batch

import (
	"errors"
	"fmt"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr/poseidon2"
	edbn254 "github.com/consensys/gnark-crypto/ecc/bn254/twistededwards"
	"github.com/consensys/gnark-crypto/ecc/bn254/twistededwards/eddsa"
	"github.com/consensys/gnark/backend/witness"
	"github.com/consensys/gnark/frontend"

	"github.com/provenant/provenant/circuits"
	"github.com/provenant/provenant/field"
	"github.com/provenant/provenant/merkle"
	"github.com/provenant/provenant/supplier"
)

// Errors that Assign reports, wrapped in an *EventError, for an event that
// the circuit would reject.
var (
	// ErrBadSignature: the signature is malformed or does not verify.
	ErrBadSignature = errors.New("signature does not verify")
	// ErrUnknownSupplier: the supplier path does not lead from the key to
	// the supplier root.
	ErrUnknownSupplier = errors.New("supplier key not in the supplier registry")
	// ErrUncertifiedOrigin: the origin path does not lead from the origin
	// leaf to the origin root.
	ErrUncertifiedOrigin = errors.New("origin not in the origin registry")
	// ErrOutsideValidity: the event time is outside the certificate's
	// validity.
	ErrOutsideValidity = errors.New("event time outside the origin certificate's validity")
	// ErrInvalidEvent: the witness is malformed (a path of the wrong depth,
	// a facility without a region, no public key).
	ErrInvalidEvent = errors.New("invalid event witness")
)

// EventError reports the event slot that Assign rejected.
type EventError struct {
	Slot int
	Err  error
}

func (e *EventError) Error() string { return fmt.Sprintf("batch slot %d: %v", e.Slot, e.Err) }

func (e *EventError) Unwrap() error { return e.Err }

// EventWitness is what the prover knows of one event: the values its leaf
// commits to, its supplier's key and signature, and the registry paths.
type EventWitness struct {
	// Enabled reports whether the slot holds an event; the other fields of
	// a disabled slot are ignored.
	Enabled bool
	// ClaimsDigest is field.Digest of the canonical text of the claims.
	ClaimsDigest field.Element
	// EventTimeMs is the event time in Unix milliseconds.
	EventTimeMs uint64
	// Region is field.Region of the claimed origin region; 0 for an event
	// that claims none.
	Region field.Element
	// Facility is field.String of the origin facility; 0 for an event that
	// claims no origin region.
	Facility    field.Element
	EventDigest field.Element
	Salt        field.Element

	PublicKey supplier.PublicKey
	// Signature is the 64-byte signature over the leaf (supplier.Key.Sign).
	Signature []byte
	// SupplierPath leads from H(A.x, A.y) to the supplier root.
	SupplierPath merkle.Path

	// ValidFromMs and ValidUntilMs bound the origin certificate's validity,
	// in Unix milliseconds; OriginPath leads from OriginLeaf to the origin
	// root. All are ignored for an event without a region.
	ValidFromMs  uint64
	ValidUntilMs uint64
	OriginPath   merkle.Path
}

// NewEventWitness returns the witness of a signed event: its claims,
// commitment and signature. The registry paths and the certificate's
// validity are left for the caller.
func NewEventWitness(st supplier.Statement, pub supplier.PublicKey, sig supplier.EventSignature) (EventWitness, error) {
	region, err := field.Region(st.Claims.OriginRegion)
	if err != nil {
		return EventWitness{}, fmt.Errorf("event %s: %w", st.Claims.EventID, err)
	}
	ms := st.Claims.EventTime.UnixMilli()
	if ms < 0 {
		return EventWitness{}, fmt.Errorf("event %s: %w: event time before 1970", st.Claims.EventID, ErrInvalidEvent)
	}
	return EventWitness{
		Enabled:      true,
		ClaimsDigest: field.Digest([]byte(st.Claims.Text())),
		EventTimeMs:  uint64(ms),
		Region:       region,
		Facility:     field.String(st.Origin.Facility),
		EventDigest:  st.EventDigest,
		Salt:         sig.Salt,
		PublicKey:    pub,
		Signature:    sig.Signature,
	}, nil
}

// Leaf returns the event's leaf, H(claimsHash, commitment) with
// claimsHash = H(ClaimsDigest, EventTimeMs, Region) and
// commitment = H(Facility, EventDigest, Salt): the message its supplier
// signs and the batch tree's leaf.
func Leaf(claimsDigest field.Element, eventTimeMs uint64, region, facility, eventDigest, salt field.Element) field.Element {
	claimsHash := field.Hash(claimsDigest, field.Uint64(eventTimeMs), region)
	return field.Hash(claimsHash, field.Hash(facility, eventDigest, salt))
}

// Leaf returns the event's leaf.
func (e *EventWitness) Leaf() field.Element {
	return Leaf(e.ClaimsDigest, e.EventTimeMs, e.Region, e.Facility, e.EventDigest, e.Salt)
}

// OriginLeaf returns the origin registry leaf that the event relies on,
// H(Facility, Region, ValidFromMs, ValidUntilMs).
func (e *EventWitness) OriginLeaf() field.Element {
	return field.Hash(e.Facility, e.Region, field.Uint64(e.ValidFromMs), field.Uint64(e.ValidUntilMs))
}

// BatchWitness is what the prover knows of one batch: the registry roots
// it proves against and its events, in slot order.
type BatchWitness struct {
	SupplierRoot field.Element
	OriginRoot   field.Element
	// Events fill the first slots; the slots after them are empty.
	Events []EventWitness
}

// Assign assigns the default layout for n events; see Layout.Assign.
func Assign(n int, w BatchWitness) (*Circuit, field.Element, []merkle.Path, error) {
	return DefaultLayout(n).Assign(w)
}

// Assign returns the full assignment of the layout's circuit for w, the
// batch root (the public BatchRoot), and the path of every event of
// w.Events in the batch tree. It checks natively everything the circuit
// checks and reports an *EventError for an event the circuit would reject,
// or a *CapacityError for a batch with more events, distinct supplier keys
// or distinct origin certificates than the layout has slots.
func (l Layout) Assign(w BatchWitness) (*Circuit, field.Element, []merkle.Path, error) {
	return l.assign(w, true)
}

// assign is Assign; without check it skips the native checks, so that tests
// can build assignments that the circuit must reject.
func (l Layout) assign(w BatchWitness, check bool) (*Circuit, field.Element, []merkle.Path, error) {
	var zero field.Element
	c, err := l.New()
	if err != nil {
		return nil, zero, nil, err
	}
	if len(w.Events) > l.Events {
		return nil, zero, nil, &CapacityError{Layout: l, Resource: "events", Need: len(w.Events), Have: l.Events}
	}
	if check {
		if err := checkPrefix(w.Events); err != nil {
			return nil, zero, nil, err
		}
	}
	d, err := newDummy()
	if err != nil {
		return nil, zero, nil, err
	}

	// First pass: decode, check, and find the distinct keys and origins.
	type keyRef struct {
		x, y field.Element
		path merkle.Path
	}
	var keys []keyRef
	keyIndex := map[[2]field.Element]int{}
	var origins []*EventWitness
	originIndex := map[field.Element]int{}
	leaves := make([]field.Element, l.Events)
	slotKey := make([]int, len(w.Events))
	slotOrigin := make([]int, len(w.Events))
	sigs := make([]eddsa.Signature, len(w.Events))
	for i := range w.Events {
		e := &w.Events[i]
		if !e.Enabled {
			continue
		}
		fail := func(err error) error { return &EventError{Slot: i, Err: err} }
		x, y, err := keyPoint(e.PublicKey)
		if err != nil {
			return nil, zero, nil, fail(err)
		}
		if _, err := sigs[i].SetBytes(e.Signature); err != nil {
			return nil, zero, nil, fail(fmt.Errorf("%w: %v", ErrBadSignature, err))
		}
		if len(e.SupplierPath.Siblings) != circuits.RegistryDepth {
			return nil, zero, nil, fail(fmt.Errorf("%w: supplier path of depth %d, want %d", ErrInvalidEvent, len(e.SupplierPath.Siblings), circuits.RegistryDepth))
		}
		origin := !e.Region.IsZero()
		if origin && len(e.OriginPath.Siblings) != circuits.RegistryDepth {
			return nil, zero, nil, fail(fmt.Errorf("%w: origin path of depth %d, want %d", ErrInvalidEvent, len(e.OriginPath.Siblings), circuits.RegistryDepth))
		}
		leaves[i] = e.Leaf()
		if check {
			if err := checkEvent(e, x, y, leaves[i], w.SupplierRoot, w.OriginRoot); err != nil {
				return nil, zero, nil, fail(err)
			}
		}
		k, ok := keyIndex[[2]field.Element{x, y}]
		if !ok {
			k = len(keys)
			keyIndex[[2]field.Element{x, y}] = k
			keys = append(keys, keyRef{x: x, y: y, path: e.SupplierPath})
		}
		slotKey[i] = k
		slotOrigin[i] = -1
		if origin {
			ol := e.OriginLeaf()
			m, ok := originIndex[ol]
			if !ok {
				m = len(origins)
				originIndex[ol] = m
				origins = append(origins, e)
			}
			slotOrigin[i] = m
		}
	}
	if len(keys) > l.Keys {
		return nil, zero, nil, &CapacityError{Layout: l, Resource: "supplier keys", Need: len(keys), Have: l.Keys}
	}
	if len(origins) > l.Origins {
		return nil, zero, nil, &CapacityError{Layout: l, Resource: "origin certificates", Need: len(origins), Have: l.Origins}
	}

	// Key slots: the batch's keys, then the dummy key with an empty path.
	for k := range c.Keys {
		ks := &c.Keys[k]
		x, y, path := d.ax, d.ay, merkle.Path{Siblings: make([]field.Element, circuits.RegistryDepth)}
		if k < len(keys) {
			x, y, path = keys[k].x, keys[k].y, keys[k].path
		}
		px, py := circuits.SubgroupPreimage(x, y)
		ks.PublicKey = circuits.Point{X: x, Y: y}
		ks.Preimage = circuits.Point{X: px, Y: py}
		assignPath(&ks.Index, &ks.Siblings, path)
	}
	// Origin slots: the batch's certificates, then zeros.
	for m := range c.Origins {
		o := &c.Origins[m]
		if m < len(origins) {
			e := origins[m]
			o.Facility, o.Region = e.Facility, e.Region
			o.ValidFromMs, o.ValidUntilMs = e.ValidFromMs, e.ValidUntilMs
			assignPath(&o.Index, &o.Siblings, e.OriginPath)
			continue
		}
		o.Facility, o.Region, o.ValidFromMs, o.ValidUntilMs = 0, 0, 0, 0
		assignPath(&o.Index, &o.Siblings, merkle.Path{Siblings: make([]field.Element, circuits.RegistryDepth)})
	}

	// Event slots.
	for i := range c.Events {
		ev := &c.Events[i]
		for k := range ev.Key {
			ev.Key[k] = 0
		}
		for m := range ev.Origin {
			ev.Origin[m] = 0
		}
		if i >= len(w.Events) || !w.Events[i].Enabled {
			ev.Enabled, ev.ClaimsDigest, ev.EventTimeMs, ev.EventDigest, ev.Salt = 0, 0, 0, 0, 0
			ev.Signature = signature(&d.sig)
			continue
		}
		e := &w.Events[i]
		ev.Enabled = 1
		ev.ClaimsDigest, ev.EventTimeMs, ev.EventDigest, ev.Salt = e.ClaimsDigest, e.EventTimeMs, e.EventDigest, e.Salt
		ev.Signature = signature(&sigs[i])
		ev.Key[slotKey[i]] = 1
		if m := slotOrigin[i]; m >= 0 {
			ev.Origin[m] = 1
		}
	}

	tree, err := merkle.New(l.depth(), leaves)
	if err != nil {
		return nil, zero, nil, err
	}
	paths := make([]merkle.Path, len(w.Events))
	for i := range paths {
		if paths[i], err = tree.Path(uint64(i)); err != nil {
			return nil, zero, nil, err
		}
	}
	root := tree.Root()
	c.BatchRoot, c.SupplierRoot, c.OriginRoot = root, w.SupplierRoot, w.OriginRoot
	return c, root, paths, nil
}

// checkPrefix checks that the enabled events come first and that there is
// at least one.
func checkPrefix(events []EventWitness) error {
	n := 0
	for i := range events {
		if !events[i].Enabled {
			continue
		}
		if n != i {
			return &EventError{Slot: i, Err: fmt.Errorf("%w: enabled after an empty slot; enabled slots must come first", ErrInvalidEvent)}
		}
		n++
	}
	if n == 0 {
		return fmt.Errorf("batch: %w: no event", ErrInvalidEvent)
	}
	return nil
}

// checkEvent checks natively what the circuit checks of one event.
func checkEvent(e *EventWitness, x, y, leaf, supplierRoot, originRoot field.Element) error {
	pk := eddsa.PublicKey{A: edbn254.PointAffine{X: x, Y: y}}
	lb := leaf.Bytes()
	ok, err := pk.Verify(e.Signature, lb[:], poseidon2.NewMerkleDamgardHasher())
	if err != nil || !ok {
		return fmt.Errorf("%w under key %s", ErrBadSignature, e.PublicKey)
	}
	if err := merkle.Verify(supplierRoot, field.Hash(x, y), e.SupplierPath); err != nil {
		return fmt.Errorf("%w: key %s: %v", ErrUnknownSupplier, e.PublicKey, err)
	}
	if e.Region.IsZero() {
		if !e.Facility.IsZero() {
			return fmt.Errorf("%w: a facility without an origin region", ErrInvalidEvent)
		}
		return nil
	}
	if err := merkle.Verify(originRoot, e.OriginLeaf(), e.OriginPath); err != nil {
		return fmt.Errorf("%w: %v", ErrUncertifiedOrigin, err)
	}
	if e.EventTimeMs < e.ValidFromMs || e.EventTimeMs > e.ValidUntilMs {
		return fmt.Errorf("%w: %d not in [%d, %d]", ErrOutsideValidity, e.EventTimeMs, e.ValidFromMs, e.ValidUntilMs)
	}
	return nil
}

// keyPoint returns the affine coordinates of a supplier key, which must be
// a point of the prime-order subgroup other than the identity.
func keyPoint(pub supplier.PublicKey) (x, y field.Element, err error) {
	bx, by := pub.Point()
	x.SetBytes(bx[:])
	y.SetBytes(by[:])
	p := edbn254.PointAffine{X: x, Y: y}
	if !p.IsOnCurve() || p.IsZero() || !p.IsInSubGroup() {
		return x, y, fmt.Errorf("%w: public key %s is not a point of the prime-order subgroup", ErrInvalidEvent, pub)
	}
	return x, y, nil
}

func signature(s *eddsa.Signature) circuits.Signature {
	return circuits.Signature{
		R: circuits.Point{X: s.R.X, Y: s.R.Y},
		S: new(big.Int).SetBytes(s.S[:]),
	}
}

func assignPath(index *frontend.Variable, siblings *[circuits.RegistryDepth]frontend.Variable, p merkle.Path) {
	*index = p.Index
	for d := range siblings {
		siblings[d] = p.Siblings[d]
	}
}

// Witness returns the full witness of an assigned circuit.
func (c *Circuit) Witness() (witness.Witness, error) {
	return frontend.NewWitness(c, ecc.BN254.ScalarField())
}

// PublicWitness returns the public witness of a batch proof: the batch
// root and the two registry roots. It is the same for every layout.
func PublicWitness(batchRoot, supplierRoot, originRoot field.Element) (witness.Witness, error) {
	return frontend.NewWitness(&Circuit{BatchRoot: batchRoot, SupplierRoot: supplierRoot, OriginRoot: originRoot},
		ecc.BN254.ScalarField(), frontend.PublicOnly())
}
