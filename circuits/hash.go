package circuits

import (
	"fmt"

	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/permutation/poseidon2"
)

// Hasher computes H and the Merkle node hash inside a circuit, exactly as
// package field does natively: Poseidon2 with gnark-crypto's default BN254
// parameters (width 2), its 2-to-1 compression for Merkle nodes, and the
// Merkle–Damgård chain of compressions with initial value 0 for H.
type Hasher struct {
	api  frontend.API
	perm *poseidon2.Permutation
}

// NewHasher returns a Hasher for api. It fails when api's field is not the
// BN254 scalar field.
func NewHasher(api frontend.API) (*Hasher, error) {
	if err := checkField(api); err != nil {
		return nil, err
	}
	perm, err := poseidon2.NewPoseidon2(api)
	if err != nil {
		return nil, fmt.Errorf("circuits: poseidon2: %w", err)
	}
	return &Hasher{api: api, perm: perm}, nil
}

// Compress returns field.Compress(left, right): the Poseidon2 permutation of
// (left, right), then right added to the second output.
func (h *Hasher) Compress(left, right frontend.Variable) frontend.Variable {
	return h.perm.Compress(left, right)
}

// Hash returns H(elems...) = Compress(…Compress(Compress(0, e1), e2)…, en),
// field.Hash in the circuit. H() of nothing is 0.
func (h *Hasher) Hash(elems ...frontend.Variable) frontend.Variable {
	var state frontend.Variable = 0
	for _, e := range elems {
		state = h.Compress(state, e)
	}
	return state
}

// MerkleRoot returns the root that a path leads to from leaf, as
// merkle.RootFrom does: index is the leaf's index, constrained to
// len(siblings) bits, and siblings run from the leaf up.
func (h *Hasher) MerkleRoot(leaf, index frontend.Variable, siblings []frontend.Variable) frontend.Variable {
	return h.MerkleRootBits(leaf, h.api.ToBinary(index, len(siblings)), siblings)
}

// MerkleRootBits is MerkleRoot with the index given as little-endian bits,
// which the caller must have constrained to be boolean (api.ToBinary does).
// Bit d set means the node at height d is a right child.
func (h *Hasher) MerkleRootBits(leaf frontend.Variable, bits, siblings []frontend.Variable) frontend.Variable {
	if len(bits) != len(siblings) {
		panic(fmt.Sprintf("circuits: %d index bits for %d siblings", len(bits), len(siblings)))
	}
	api := h.api
	node := leaf
	for d, sib := range siblings {
		// left = bit ? sib : node (one constraint), right = the other one.
		left := api.Select(bits[d], sib, node)
		right := api.Sub(api.Add(node, sib), left)
		node = h.Compress(left, right)
	}
	return node
}

// Hash is NewHasher(api).Hash(elems...). It panics when api's field is not
// BN254's (frontend.Compile turns the panic into an error).
func Hash(api frontend.API, elems ...frontend.Variable) frontend.Variable {
	return mustHasher(api).Hash(elems...)
}

// Compress is NewHasher(api).Compress(left, right); it panics like Hash.
func Compress(api frontend.API, left, right frontend.Variable) frontend.Variable {
	return mustHasher(api).Compress(left, right)
}

// MerkleRoot is NewHasher(api).MerkleRoot(leaf, index, siblings); it panics
// like Hash.
func MerkleRoot(api frontend.API, leaf, index frontend.Variable, siblings []frontend.Variable) frontend.Variable {
	return mustHasher(api).MerkleRoot(leaf, index, siblings)
}

func mustHasher(api frontend.API) *Hasher {
	h, err := NewHasher(api)
	if err != nil {
		panic(err)
	}
	return h
}

// RegistryDepth is the depth of the supplier and origin registries' Merkle
// trees.
const RegistryDepth = 20
