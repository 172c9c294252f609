package registry_test

import (
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/provenant/provenant/field"
	"github.com/provenant/provenant/merkle"
	"github.com/provenant/provenant/registry"
	"github.com/provenant/provenant/supplier"
)

func TestSuppliersPathsVerify(t *testing.T) {
	keys := testKeys(t, 1, 9)
	reg := mustSuppliers(t, keys)
	if reg.Len() != len(keys) {
		t.Fatalf("Len = %d, want %d", reg.Len(), len(keys))
	}
	root := reg.Root()
	for _, k := range keys {
		path, err := reg.Path(k)
		if err != nil {
			t.Fatalf("Path(%s): %v", k, err)
		}
		if len(path.Siblings) != registry.Depth {
			t.Errorf("Path(%s) has %d siblings, want %d", k, len(path.Siblings), registry.Depth)
		}
		leaf, err := reg.Leaf(k)
		if err != nil {
			t.Fatalf("Leaf(%s): %v", k, err)
		}
		if want := registry.SupplierLeaf(k); !leaf.Equal(&want) {
			t.Errorf("Leaf(%s) differs from SupplierLeaf", k)
		}
		if err := merkle.Verify(root, leaf, path); err != nil {
			t.Errorf("path of %s does not verify: %v", k, err)
		}
		if got := reg.Keys()[path.Index]; got.String() != k.String() {
			t.Errorf("Keys()[%d] = %s, want %s", path.Index, got, k)
		}
	}
}

func TestSuppliersOrderedByPublicKey(t *testing.T) {
	keys := testKeys(t, 2, 12)
	reg := mustSuppliers(t, keys)
	got := make([]string, 0, reg.Len())
	for _, k := range reg.Keys() {
		got = append(got, k.String())
	}
	if !slices.IsSorted(got) {
		t.Errorf("Keys() not ordered by public key hex: %v", got)
	}
	// The same keys in another order, and repeated, give the same root.
	shuffled := slices.Clone(keys)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	shuffled = append(shuffled, keys[3], keys[0])
	again := mustSuppliers(t, shuffled)
	if a, b := reg.Root(), again.Root(); !a.Equal(&b) || again.Len() != len(keys) {
		t.Errorf("shuffled and repeated keys: root %s, %d keys; want %s, %d",
			registry.RootHex(b), again.Len(), registry.RootHex(a), len(keys))
	}
}

func TestSupplierLeafIsHashOfCoordinates(t *testing.T) {
	for _, k := range testKeys(t, 3, 3) {
		x, y := k.Point()
		ex, err := field.Parse(x[:])
		if err != nil {
			t.Fatal(err)
		}
		ey, err := field.Parse(y[:])
		if err != nil {
			t.Fatal(err)
		}
		want := field.Hash(ex, ey)
		if got := registry.SupplierLeaf(k); !got.Equal(&want) {
			t.Errorf("SupplierLeaf(%s) = %s, want H(x, y) = %s", k, registry.RootHex(got), registry.RootHex(want))
		}
	}
}

func TestSuppliersRejects(t *testing.T) {
	keys := testKeys(t, 4, 6)
	reg := mustSuppliers(t, keys)
	root := reg.Root()
	member := keys[2]
	path, err := reg.Path(member)
	if err != nil {
		t.Fatal(err)
	}
	leaf := registry.SupplierLeaf(member)

	removed := mustSuppliers(t, slices.Delete(slices.Clone(keys), 2, 3))
	other := mustSuppliers(t, testKeys(t, 5, 6))
	outsider := testKeys(t, 6, 1)[0]

	tampered := merkle.Path{Index: path.Index, Siblings: slices.Clone(path.Siblings)}
	tampered.Siblings[0] = field.Uint64(7)
	moved := merkle.Path{Index: path.Index ^ 1, Siblings: path.Siblings}

	tests := []struct {
		name string
		err  func() error
		want error
	}{
		{"tampered path", func() error { return merkle.Verify(root, leaf, tampered) }, merkle.ErrBadPath},
		{"path with another index", func() error { return merkle.Verify(root, leaf, moved) }, merkle.ErrBadPath},
		{"another root", func() error { return merkle.Verify(other.Root(), leaf, path) }, merkle.ErrBadPath},
		{"another key's leaf", func() error { return merkle.Verify(root, registry.SupplierLeaf(keys[1]), path) }, merkle.ErrBadPath},
		{"removed supplier: Path", func() error { _, err := removed.Path(member); return err }, registry.ErrNotRegistered},
		{"removed supplier: Leaf", func() error { _, err := removed.Leaf(member); return err }, registry.ErrNotRegistered},
		{"removed supplier: old path", func() error { return merkle.Verify(removed.Root(), leaf, path) }, merkle.ErrBadPath},
		{"unregistered key", func() error { _, err := reg.Path(outsider); return err }, registry.ErrNotRegistered},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.err()
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
		})
	}
	if removed.Contains(member) || !reg.Contains(member) {
		t.Errorf("Contains: removed registry %v, full registry %v", removed.Contains(member), reg.Contains(member))
	}
	_, err = removed.Path(member)
	if !strings.Contains(err.Error(), member.String()) {
		t.Errorf("error %q does not name the key", err)
	}
}

func TestSuppliersRefuseZeroKey(t *testing.T) {
	_, err := registry.NewSuppliers([]supplier.PublicKey{testKeys(t, 7, 1)[0], {}})
	if err == nil || !strings.Contains(err.Error(), "key 1") {
		t.Errorf("NewSuppliers with a zero key = %v, want an error naming key 1", err)
	}
}
