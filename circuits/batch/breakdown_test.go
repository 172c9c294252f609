package batch

import (
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"

	"github.com/provenant/provenant/circuits"
)

// The cost model of the package documentation: the constraints of a layout
// are perSlot·N − 187 + perKey·K + perOrigin·M + 3·N·K + 5·N·M (+ N when
// M ≥ 2, the check that an event selects at most one origin slot).
const (
	perSlot   = 5760 // an event slot, its batch-tree node included
	perKey    = 4157 // a supplier key slot
	perOrigin = 4637 // an origin certificate slot
)

func model(l Layout) int {
	n, k, m := l.Events, l.Keys, l.Origins
	c := perSlot*n - 187 + perKey*k + perOrigin*m + 3*n*k + 5*n*m
	if m >= 2 {
		c += n
	}
	return c
}

// TestCostModel checks the documented cost model against every pinned
// count.
func TestCostModel(t *testing.T) {
	for id, r := range readPinned(t) {
		if got := model(r.layout); got != r.constraints {
			t.Errorf("%s: model %d, pinned %d", id, got, r.constraints)
		}
	}
}

// part is a piece of the batch circuit compiled on its own.
type part struct {
	name string
	In   [8]frontend.Variable
	Sig  circuits.Signature
	Key  KeySlot
	Org  OriginSlot
}

func (p *part) Define(api frontend.API) error {
	h, err := circuits.NewHasher(api)
	if err != nil {
		return err
	}
	v, err := circuits.NewVerifier(api, h)
	if err != nil {
		return err
	}
	in := p.In
	var out frontend.Variable
	switch p.name {
	case "event: claims, commitment, leaf hashes":
		out = h.Hash(h.Hash(in[0], in[1], in[2]), h.Hash(in[3], in[4], in[5]))
	case "event: EdDSA (challenge hash included)":
		v.AssertSignature(circuits.Point{X: in[0], Y: in[1]}, p.Sig, in[2])
	case "event: validity window (2 × 64 bits)":
		api.ToBinary(api.Sub(in[0], in[1]), 64)
		api.ToBinary(api.Sub(in[2], in[0]), 64)
	case "key slot: subgroup check":
		v.AssertInSubgroup(p.Key.PublicKey, p.Key.Preimage)
	case "key slot: H(A) and depth-20 path":
		ks := &p.Key
		out = h.MerkleRoot(h.Hash(ks.PublicKey.X, ks.PublicKey.Y), ks.Index, ks.Siblings[:])
	case "origin slot: validity range checks":
		api.ToBinary(p.Org.ValidFromMs, 64)
		api.ToBinary(p.Org.ValidUntilMs, 64)
	case "origin slot: leaf and depth-20 path":
		o := &p.Org
		out = h.MerkleRoot(h.Hash(o.Facility, o.Region, o.ValidFromMs, o.ValidUntilMs), o.Index, o.Siblings[:])
	case "batch tree node":
		out = h.Compress(in[0], in[1])
	}
	if out != nil {
		api.AssertIsEqual(out, in[7]) // one constraint to keep it
	}
	return nil
}

// TestBreakdown logs where an event's constraints go (run with -v).
func TestBreakdown(t *testing.T) {
	for _, name := range []string{
		"event: claims, commitment, leaf hashes",
		"event: EdDSA (challenge hash included)",
		"event: validity window (2 × 64 bits)",
		"batch tree node",
		"key slot: subgroup check",
		"key slot: H(A) and depth-20 path",
		"origin slot: validity range checks",
		"origin slot: leaf and depth-20 path",
	} {
		cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &part{name: name})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		t.Logf("%-42s %6d", name, cs.GetNbConstraints())
	}
	for _, l := range []Layout{DefaultLayout(8), DefaultLayout(32), DefaultLayout(128)} {
		c := model(l)
		t.Logf("%s: %d constraints, %d per event: %d event slots, %d from key slots, %d from origin slots, %d selectors",
			l.ID(), c, c/l.Events, perSlot*l.Events-187, perKey*l.Keys, perOrigin*l.Origins,
			c-(perSlot*l.Events-187)-perKey*l.Keys-perOrigin*l.Origins)
	}
}
