// Package merkle builds Provenant's Merkle trees over BN254 field elements:
// fixed depth, leaves in index order, empty leaves 0, and every node
// field.Compress(left, right). The registries (depth 20) and the batch trees
// (depth log2 N) use it, and the circuits check the same paths.
package merkle

import (
	"errors"
	"fmt"

	"github.com/provenant/provenant/field"
)

// MaxDepth bounds the depth of a tree.
const MaxDepth = 32

// ErrBadPath reports a path that does not lead from the leaf to the root.
var ErrBadPath = errors.New("merkle: path does not lead to the root")

// Tree is a fixed-depth Merkle tree. Only the nodes above non-empty leaves
// are stored; the rest are the precomputed roots of empty subtrees.
type Tree struct {
	depth int
	// levels[0] are the leaves; levels[d] holds the nodes at height d that
	// cover at least one given leaf.
	levels [][]field.Element
	// zeros[d] is the root of an empty subtree of height d.
	zeros []field.Element
}

// Path is the authentication path of one leaf: its index and the sibling
// at every level, from the leaf up.
type Path struct {
	Index    uint64
	Siblings []field.Element
}

// New builds a tree of the given depth over leaves (at indices 0..len-1).
func New(depth int, leaves []field.Element) (*Tree, error) {
	if depth < 0 || depth > MaxDepth {
		return nil, fmt.Errorf("merkle: depth %d, want 0..%d", depth, MaxDepth)
	}
	if uint64(len(leaves)) > uint64(1)<<depth {
		return nil, fmt.Errorf("merkle: %d leaves do not fit a tree of depth %d", len(leaves), depth)
	}
	t := &Tree{depth: depth, levels: make([][]field.Element, depth+1), zeros: Zeros(depth)}
	t.levels[0] = append([]field.Element(nil), leaves...)
	for d := 1; d <= depth; d++ {
		below := t.levels[d-1]
		level := make([]field.Element, (len(below)+1)/2)
		for i := range level {
			left := below[2*i]
			right := t.zeros[d-1]
			if 2*i+1 < len(below) {
				right = below[2*i+1]
			}
			level[i] = field.Compress(left, right)
		}
		t.levels[d] = level
	}
	return t, nil
}

// Zeros returns the roots of empty subtrees of heights 0..depth.
func Zeros(depth int) []field.Element {
	z := make([]field.Element, depth+1)
	for d := 1; d <= depth; d++ {
		z[d] = field.Compress(z[d-1], z[d-1])
	}
	return z
}

// Depth returns the depth of the tree.
func (t *Tree) Depth() int { return t.depth }

// Len returns the number of leaves given.
func (t *Tree) Len() int { return len(t.levels[0]) }

// Root returns the root.
func (t *Tree) Root() field.Element {
	if top := t.levels[t.depth]; len(top) > 0 {
		return top[0]
	}
	return t.zeros[t.depth]
}

// Path returns the authentication path of the leaf at index.
func (t *Tree) Path(index uint64) (Path, error) {
	if index >= uint64(t.Len()) {
		return Path{}, fmt.Errorf("merkle: leaf %d of %d", index, t.Len())
	}
	p := Path{Index: index, Siblings: make([]field.Element, t.depth)}
	i := index
	for d := 0; d < t.depth; d++ {
		sib := i ^ 1
		if sib < uint64(len(t.levels[d])) {
			p.Siblings[d] = t.levels[d][sib]
		} else {
			p.Siblings[d] = t.zeros[d]
		}
		i >>= 1
	}
	return p, nil
}

// RootFrom returns the root that path leads to from leaf.
func RootFrom(leaf field.Element, p Path) field.Element {
	node := leaf
	for d, sib := range p.Siblings {
		if p.Index>>uint(d)&1 == 0 {
			node = field.Compress(node, sib)
		} else {
			node = field.Compress(sib, node)
		}
	}
	return node
}

// Verify checks that p leads from leaf to root; it returns an error wrapping
// ErrBadPath when it does not.
func Verify(root, leaf field.Element, p Path) error {
	if len(p.Siblings) > MaxDepth || (len(p.Siblings) < 64 && p.Index>>uint(len(p.Siblings)) != 0) {
		return fmt.Errorf("%w: index %d does not fit depth %d", ErrBadPath, p.Index, len(p.Siblings))
	}
	got := RootFrom(leaf, p)
	if !got.Equal(&root) {
		return ErrBadPath
	}
	return nil
}
