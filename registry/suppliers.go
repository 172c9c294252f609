package registry

import (
	"fmt"
	"slices"
	"strings"

	"github.com/provenant/provenant/field"
	"github.com/provenant/provenant/merkle"
	"github.com/provenant/provenant/supplier"
)

// SupplierLeaf returns the leaf of a supplier key in the supplier registry:
// H(x, y) of the key's affine coordinates. The coordinates are elements of
// the BN254 scalar field, as the circuits take them.
func SupplierLeaf(pub supplier.PublicKey) field.Element {
	x, y := pub.Point()
	var ex, ey field.Element
	ex.SetBytes(x[:]) // coordinates of a curve point are reduced
	ey.SetBytes(y[:])
	return field.Hash(ex, ey)
}

// Suppliers is the supplier registry: registered supplier keys in a Merkle
// tree of depth Depth, ordered by the hex of their public keys. It is
// immutable and safe for concurrent use.
type Suppliers struct {
	keys  []supplier.PublicKey // in leaf order
	index map[string]int       // public key hex to leaf index
	tree  *merkle.Tree
}

// NewSuppliers builds the supplier registry of keys, which it orders by
// public key hex and deduplicates.
func NewSuppliers(keys []supplier.PublicKey) (*Suppliers, error) {
	type keyHex struct {
		key supplier.PublicKey
		hex string
	}
	list := make([]keyHex, 0, len(keys))
	for i, k := range keys {
		if x, y := k.Point(); x == ([32]byte{}) && y == ([32]byte{}) {
			return nil, fmt.Errorf("supplier registry: key %d is the zero value, not a public key", i)
		}
		list = append(list, keyHex{k, k.String()})
	}
	slices.SortFunc(list, func(a, b keyHex) int { return strings.Compare(a.hex, b.hex) })
	list = slices.CompactFunc(list, func(a, b keyHex) bool { return a.hex == b.hex })
	if len(list) > MaxEntries {
		return nil, fmt.Errorf("supplier registry: %d keys, more than the %d a tree of depth %d holds", len(list), MaxEntries, Depth)
	}
	s := &Suppliers{keys: make([]supplier.PublicKey, len(list)), index: make(map[string]int, len(list))}
	leaves := make([]field.Element, len(list))
	for i, kh := range list {
		s.keys[i] = kh.key
		s.index[kh.hex] = i
	}
	parallel(len(list), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			leaves[i] = SupplierLeaf(list[i].key)
		}
	})
	tree, err := merkle.New(Depth, leaves)
	if err != nil {
		return nil, fmt.Errorf("supplier registry: %w", err)
	}
	s.tree = tree
	return s, nil
}

// Root returns the registry's Merkle root.
func (s *Suppliers) Root() field.Element { return s.tree.Root() }

// Len returns the number of registered keys.
func (s *Suppliers) Len() int { return len(s.keys) }

// Keys returns the registered keys in leaf order: key i is leaf i.
func (s *Suppliers) Keys() []supplier.PublicKey { return slices.Clone(s.keys) }

// Contains reports whether pub is registered.
func (s *Suppliers) Contains(pub supplier.PublicKey) bool {
	_, ok := s.index[pub.String()]
	return ok
}

// Path returns the Merkle path of pub's leaf, or an error wrapping
// ErrNotRegistered when pub is not registered.
func (s *Suppliers) Path(pub supplier.PublicKey) (merkle.Path, error) {
	i, ok := s.index[pub.String()]
	if !ok {
		return merkle.Path{}, fmt.Errorf("%w: %s", ErrNotRegistered, pub)
	}
	return s.tree.Path(uint64(i))
}

// Leaf returns pub's leaf when pub is registered, or an error wrapping
// ErrNotRegistered.
func (s *Suppliers) Leaf(pub supplier.PublicKey) (field.Element, error) {
	if !s.Contains(pub) {
		return field.Element{}, fmt.Errorf("%w: %s", ErrNotRegistered, pub)
	}
	return SupplierLeaf(pub), nil
}
