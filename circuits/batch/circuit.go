package batch

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark/frontend"

	"github.com/provenant/provenant/circuits"
)

// Circuit is the batch circuit: N event slots, K supplier key slots and M
// origin certificate slots (see the package documentation for the
// statement). Its public inputs are BatchRoot, SupplierRoot and OriginRoot,
// in this order.
type Circuit struct {
	BatchRoot    frontend.Variable `gnark:",public"`
	SupplierRoot frontend.Variable `gnark:",public"`
	OriginRoot   frontend.Variable `gnark:",public"`

	Events  []Event
	Keys    []KeySlot
	Origins []OriginSlot
}

// Event is one event slot.
type Event struct {
	// Enabled is 1 for a slot that holds an event, 0 for an empty one.
	Enabled      frontend.Variable
	ClaimsDigest frontend.Variable
	EventTimeMs  frontend.Variable
	EventDigest  frontend.Variable
	Salt         frontend.Variable
	// Signature is the supplier's signature over the event's leaf, or the
	// dummy signature over 0 in an empty slot.
	Signature circuits.Signature
	// Key selects the key slot of the event's supplier: one-hot, all 0 in
	// an empty slot.
	Key []frontend.Variable
	// Origin selects the origin slot of an origin event: one-hot, all 0 for
	// other events. The event's facility and region are the slot's, and 0
	// when no slot is selected.
	Origin []frontend.Variable
}

// KeySlot is one supplier key and its supplier registry path.
type KeySlot struct {
	PublicKey circuits.Point
	// Preimage is the point whose eightfold is PublicKey, the witness that
	// the key is in the prime-order subgroup.
	Preimage circuits.Point
	Index    frontend.Variable
	Siblings [circuits.RegistryDepth]frontend.Variable
}

// OriginSlot is one origin certificate, the origin registry leaf
// H(Facility, Region, ValidFromMs, ValidUntilMs), and its path.
type OriginSlot struct {
	Facility     frontend.Variable
	Region       frontend.Variable
	ValidFromMs  frontend.Variable
	ValidUntilMs frontend.Variable
	Index        frontend.Variable
	Siblings     [circuits.RegistryDepth]frontend.Variable
}

// New returns the circuit of the default layout for n events, with its
// slices allocated, ready for frontend.Compile.
func New(n int) (*Circuit, error) { return DefaultLayout(n).New() }

// New returns the layout's circuit with its slices allocated.
func (l Layout) New() (*Circuit, error) {
	if err := l.Validate(); err != nil {
		return nil, err
	}
	c := &Circuit{
		Events:  make([]Event, l.Events),
		Keys:    make([]KeySlot, l.Keys),
		Origins: make([]OriginSlot, l.Origins),
	}
	for i := range c.Events {
		c.Events[i].Key = make([]frontend.Variable, l.Keys)
		c.Events[i].Origin = make([]frontend.Variable, l.Origins)
	}
	return c, nil
}

// Layout returns the circuit's layout, checking that its slices agree.
func (c *Circuit) Layout() (Layout, error) {
	l := Layout{Events: len(c.Events), Keys: len(c.Keys), Origins: len(c.Origins)}
	if err := l.Validate(); err != nil {
		return l, err
	}
	for i := range c.Events {
		if len(c.Events[i].Key) != l.Keys || len(c.Events[i].Origin) != l.Origins {
			return l, fmt.Errorf("batch circuit %s: event slot %d selects among %d keys and %d origins",
				l.ID(), i, len(c.Events[i].Key), len(c.Events[i].Origin))
		}
	}
	return l, nil
}

// Define declares the batch statement.
func (c *Circuit) Define(api frontend.API) error {
	if _, err := c.Layout(); err != nil {
		return err
	}
	h, err := circuits.NewHasher(api)
	if err != nil {
		return err
	}
	v, err := circuits.NewVerifier(api, h)
	if err != nil {
		return err
	}
	dummy, err := newDummy()
	if err != nil {
		return err
	}

	// How many events rely on each key and origin slot.
	keyUse := make([]frontend.Variable, len(c.Keys))
	for k := range keyUse {
		keyUse[k] = 0
	}
	originUse := make([]frontend.Variable, len(c.Origins))
	for m := range originUse {
		originUse[m] = 0
	}

	// 2^64 − 1, the upper end of a non-origin event's window.
	maxTime := new(big.Int).SetUint64(^uint64(0))
	leaves := make([]frontend.Variable, len(c.Events))
	for i := range c.Events {
		ev := &c.Events[i]

		// Enabled is boolean and the enabled slots are a prefix.
		api.AssertIsBoolean(ev.Enabled)
		if i > 0 {
			api.AssertIsEqual(api.Mul(ev.Enabled, api.Sub(1, c.Events[i-1].Enabled)), 0)
		}

		// The signing key: the selected key slot's, or the dummy key in an
		// empty slot (Σ Key = Enabled).
		var selected frontend.Variable = 0
		notEnabled := api.Sub(1, ev.Enabled)
		key := circuits.Point{X: api.Mul(notEnabled, dummy.x), Y: api.Mul(notEnabled, dummy.y)}
		for k := range c.Keys {
			s := ev.Key[k]
			api.AssertIsBoolean(s)
			selected = api.Add(selected, s)
			key.X = api.Add(key.X, api.Mul(s, c.Keys[k].PublicKey.X))
			key.Y = api.Add(key.Y, api.Mul(s, c.Keys[k].PublicKey.Y))
			keyUse[k] = api.Add(keyUse[k], s)
		}
		api.AssertIsEqual(selected, ev.Enabled)

		// The origin facts: the selected origin slot's, or all 0.
		var isOrigin, facility, region, from, until frontend.Variable = 0, 0, 0, 0, 0
		for m := range c.Origins {
			s, o := ev.Origin[m], &c.Origins[m]
			api.AssertIsBoolean(s)
			isOrigin = api.Add(isOrigin, s)
			facility = api.Add(facility, api.Mul(s, o.Facility))
			region = api.Add(region, api.Mul(s, o.Region))
			from = api.Add(from, api.Mul(s, o.ValidFromMs))
			until = api.Add(until, api.Mul(s, o.ValidUntilMs))
			originUse[m] = api.Add(originUse[m], s)
		}
		if len(c.Origins) > 0 {
			api.AssertIsBoolean(isOrigin)
		}
		// ValidFromMs ≤ EventTimeMs ≤ ValidUntilMs, with the window
		// [0, 2^64 − 1] for other events: both differences have 64 bits.
		until = api.Add(until, api.Mul(api.Sub(1, isOrigin), maxTime))
		api.ToBinary(api.Sub(ev.EventTimeMs, from), 64)
		api.ToBinary(api.Sub(until, ev.EventTimeMs), 64)

		claimsHash := h.Hash(ev.ClaimsDigest, ev.EventTimeMs, region)
		commitment := h.Hash(facility, ev.EventDigest, ev.Salt)
		leaf := api.Mul(ev.Enabled, h.Hash(claimsHash, commitment))
		v.AssertSignature(key, ev.Signature, leaf)
		leaves[i] = leaf
	}

	// Every key slot that an event relies on is a registered key of the
	// prime-order subgroup.
	for k := range c.Keys {
		ks := &c.Keys[k]
		v.AssertInSubgroup(ks.PublicKey, ks.Preimage)
		root := h.MerkleRoot(h.Hash(ks.PublicKey.X, ks.PublicKey.Y), ks.Index, ks.Siblings[:])
		api.AssertIsEqual(api.Mul(api.Sub(root, c.SupplierRoot), keyUse[k]), 0)
	}
	// Every origin slot that an event relies on is a certified origin.
	for m := range c.Origins {
		o := &c.Origins[m]
		api.ToBinary(o.ValidFromMs, 64)
		api.ToBinary(o.ValidUntilMs, 64)
		leaf := h.Hash(o.Facility, o.Region, o.ValidFromMs, o.ValidUntilMs)
		root := h.MerkleRoot(leaf, o.Index, o.Siblings[:])
		api.AssertIsEqual(api.Mul(api.Sub(root, c.OriginRoot), originUse[m]), 0)
	}

	// The batch tree over the slot leaves.
	for len(leaves) > 1 {
		next := make([]frontend.Variable, len(leaves)/2)
		for j := range next {
			next[j] = h.Compress(leaves[2*j], leaves[2*j+1])
		}
		leaves = next
	}
	api.AssertIsEqual(leaves[0], c.BatchRoot)
	return nil
}
