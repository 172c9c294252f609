package bench

import (
	"crypto/rand"
	"fmt"
	"time"

	"github.com/consensys/gnark/backend/witness"

	"github.com/provenant/provenant/circuits"
	"github.com/provenant/provenant/circuits/batch"
	"github.com/provenant/provenant/claims"
	"github.com/provenant/provenant/field"
	"github.com/provenant/provenant/merkle"
	"github.com/provenant/provenant/registry"
	"github.com/provenant/provenant/supplier"
)

// Batch is a full batch of fresh events, assigned to a layout's circuit.
type Batch struct {
	// Full is the full witness, what a backend proves.
	Full witness.Witness
	// Public is the public witness: the batch, supplier and origin roots.
	Public witness.Witness
	// Root is the batch root.
	Root field.Element
}

// origin is an origin certificate of a random batch's origin registry.
type origin struct {
	registry.Origin
	index uint64
}

// RandomBatch returns a batch that fills every slot of l with a fresh
// event: signed by l.Keys fresh supplier keys in turn, every other event
// claiming one of l.Origins fresh certified origins, with fresh salts,
// against registries that also hold unrelated entries. It fails only if
// the layout is invalid or the events do not satisfy the circuit.
func RandomBatch(l batch.Layout) (*Batch, error) {
	if err := l.Validate(); err != nil {
		return nil, err
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	keys := make([]*supplier.Key, l.Keys)
	var supplierLeaves []field.Element
	for i := range l.Keys + 2 { // two unrelated keys first
		k, err := supplier.GenerateKey(nil)
		if err != nil {
			return nil, fmt.Errorf("random batch: %w", err)
		}
		if i >= 2 {
			keys[i-2] = k
		}
		supplierLeaves = append(supplierLeaves, registry.SupplierLeaf(k.Public()))
	}
	suppliers, err := merkle.New(circuits.RegistryDepth, supplierLeaves)
	if err != nil {
		return nil, fmt.Errorf("random batch: supplier registry: %w", err)
	}
	regions := []string{"DE", "FR", "KE", "BR", "VN", "CO"}
	origins := make([]origin, l.Origins)
	var originLeaves []field.Element
	for i := range l.Origins + 1 { // one unrelated certificate first
		o := registry.Origin{
			Facility:   fmt.Sprintf("https://id.gs1.org/414/%s", randomDigits(13)),
			Region:     regions[i%len(regions)],
			ValidFrom:  now.Add(-time.Duration(30+i) * 24 * time.Hour),
			ValidUntil: now.Add(time.Duration(30+i) * 24 * time.Hour),
		}
		leaf, err := registry.OriginLeaf(o)
		if err != nil {
			return nil, fmt.Errorf("random batch: %w", err)
		}
		if i >= 1 {
			origins[i-1] = origin{Origin: o, index: uint64(i)}
		}
		originLeaves = append(originLeaves, leaf)
	}
	originTree, err := merkle.New(circuits.RegistryDepth, originLeaves)
	if err != nil {
		return nil, fmt.Errorf("random batch: origin registry: %w", err)
	}
	w := batch.BatchWitness{SupplierRoot: suppliers.Root(), OriginRoot: originTree.Root()}
	for i := range l.Events {
		var o *origin
		if i%2 == 0 && l.Origins > 0 {
			o = &origins[(i/2)%l.Origins]
		}
		ki := i % l.Keys
		e, err := randomEvent(keys[ki], now.Add(-time.Duration(i)*time.Minute), o)
		if err != nil {
			return nil, err
		}
		if e.SupplierPath, err = suppliers.Path(uint64(2 + ki)); err != nil {
			return nil, fmt.Errorf("random batch: %w", err)
		}
		if o != nil {
			e.ValidFromMs, e.ValidUntilMs = uint64(o.ValidFrom.UnixMilli()), uint64(o.ValidUntil.UnixMilli())
			if e.OriginPath, err = originTree.Path(o.index); err != nil {
				return nil, fmt.Errorf("random batch: %w", err)
			}
		}
		w.Events = append(w.Events, e)
	}
	c, root, _, err := l.Assign(w)
	if err != nil {
		return nil, fmt.Errorf("random batch: %w", err)
	}
	full, err := c.Witness()
	if err != nil {
		return nil, fmt.Errorf("random batch: %w", err)
	}
	public, err := batch.PublicWitness(root, w.SupplierRoot, w.OriginRoot)
	if err != nil {
		return nil, fmt.Errorf("random batch: %w", err)
	}
	return &Batch{Full: full, Public: public, Root: root}, nil
}

// randomEvent returns a fresh event signed by k at time at, claiming
// origin o when o is not nil.
func randomEvent(k *supplier.Key, at time.Time, o *origin) (batch.EventWitness, error) {
	id := rand.Text()
	st := supplier.Statement{
		Claims: claims.Claims{
			EventID:   "urn:uuid:" + uuid(),
			Type:      "ObjectEvent",
			Action:    "OBSERVE",
			BizStep:   "https://ref.gs1.org/cbv/BizStep-shipping",
			EventTime: at,
			Products:  []string{"https://id.gs1.org/01/04012345111118/21/" + id},
		},
		EventDigest: field.Digest([]byte(`{"type":"ObjectEvent","id":"` + id + `"}`)),
	}
	if o != nil {
		st.Claims.Action = "ADD"
		st.Claims.BizStep = "https://ref.gs1.org/cbv/BizStep-commissioning"
		st.Claims.OriginRegion = o.Region
		st.Origin = claims.Origin{Facility: o.Facility, Region: o.Region}
	}
	sig, err := k.Sign(st, nil)
	if err != nil {
		return batch.EventWitness{}, fmt.Errorf("random batch: %w", err)
	}
	e, err := batch.NewEventWitness(st, k.Public(), sig)
	if err != nil {
		return batch.EventWitness{}, fmt.Errorf("random batch: %w", err)
	}
	return e, nil
}

// uuid returns a random version 4 UUID.
func uuid() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// randomDigits returns n random decimal digits.
func randomDigits(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	for i := range b {
		b[i] = '0' + b[i]%10
	}
	return string(b)
}
