package circuits_test

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr/poseidon2"
	edbn254 "github.com/consensys/gnark-crypto/ecc/bn254/twistededwards"
	"github.com/consensys/gnark-crypto/ecc/bn254/twistededwards/eddsa"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/test"

	"github.com/provenant/provenant/circuits"
	"github.com/provenant/provenant/field"
	"github.com/provenant/provenant/merkle"
)

// hashCircuit asserts Hash(In...) = Out.
type hashCircuit struct {
	In  []frontend.Variable
	Out frontend.Variable
}

func (c *hashCircuit) Define(api frontend.API) error {
	api.AssertIsEqual(circuits.Hash(api, c.In...), c.Out)
	return nil
}

// compressCircuit asserts Compress(L, R) = Out.
type compressCircuit struct{ L, R, Out frontend.Variable }

func (c *compressCircuit) Define(api frontend.API) error {
	api.AssertIsEqual(circuits.Compress(api, c.L, c.R), c.Out)
	return nil
}

// merkleCircuit asserts MerkleRoot(Leaf, Index, Siblings) = Root.
type merkleCircuit struct {
	Leaf, Index, Root frontend.Variable
	Siblings          []frontend.Variable
}

func (c *merkleCircuit) Define(api frontend.API) error {
	api.AssertIsEqual(circuits.MerkleRoot(api, c.Leaf, c.Index, c.Siblings), c.Root)
	return nil
}

// signatureCircuit asserts that Sig signs Msg under A, A in the subgroup.
type signatureCircuit struct {
	A, Pre circuits.Point
	Sig    circuits.Signature
	Msg    frontend.Variable
}

func (c *signatureCircuit) Define(api frontend.API) error {
	h, err := circuits.NewHasher(api)
	if err != nil {
		return err
	}
	v, err := circuits.NewVerifier(api, h)
	if err != nil {
		return err
	}
	v.AssertInSubgroup(c.A, c.Pre)
	v.AssertSignature(c.A, c.Sig, c.Msg)
	return nil
}

func elems(vals ...uint64) []field.Element {
	out := make([]field.Element, len(vals))
	for i, v := range vals {
		out[i] = field.Uint64(v)
	}
	return out
}

func vars(es []field.Element) []frontend.Variable {
	out := make([]frontend.Variable, len(es))
	for i := range es {
		out[i] = es[i]
	}
	return out
}

func mustSolve(t *testing.T, c, w frontend.Circuit) {
	t.Helper()
	if err := test.IsSolved(c, w, ecc.BN254.ScalarField()); err != nil {
		t.Fatalf("not solved: %v", err)
	}
}

func mustFail(t *testing.T, c, w frontend.Circuit) {
	t.Helper()
	if err := test.IsSolved(c, w, ecc.BN254.ScalarField()); err == nil {
		t.Fatal("solved, want failure")
	}
}

func TestHashMatchesNative(t *testing.T) {
	big := field.Digest([]byte("a large element"))
	inputs := [][]field.Element{
		nil,
		elems(0),
		elems(7),
		elems(1, 2),
		elems(1, 2, 3),
		{big, field.Uint64(1_700_000_000_000), field.Uint64(0x4445)},
		{big, big, big, big, big},
	}
	for _, in := range inputs {
		t.Run(fmt.Sprint(len(in)), func(t *testing.T) {
			want := field.Hash(in...)
			c := &hashCircuit{In: make([]frontend.Variable, len(in))}
			mustSolve(t, c, &hashCircuit{In: vars(in), Out: want})
			var wrong field.Element
			wrong.Add(&want, &field.Element{1})
			mustFail(t, c, &hashCircuit{In: vars(in), Out: wrong})
		})
	}
}

func TestCompressMatchesNative(t *testing.T) {
	for _, lr := range [][2]field.Element{
		{field.Uint64(0), field.Uint64(0)},
		{field.Uint64(1), field.Uint64(2)},
		{field.Digest([]byte("l")), field.Digest([]byte("r"))},
	} {
		want := field.Compress(lr[0], lr[1])
		mustSolve(t, &compressCircuit{}, &compressCircuit{L: lr[0], R: lr[1], Out: want})
		swapped := field.Compress(lr[1], lr[0])
		if !swapped.Equal(&want) {
			mustFail(t, &compressCircuit{}, &compressCircuit{L: lr[0], R: lr[1], Out: swapped})
		}
	}
}

func TestMerkleRootMatchesNative(t *testing.T) {
	leaves := make([]field.Element, 11)
	for i := range leaves {
		leaves[i] = field.Digest(fmt.Appendf(nil, "leaf %d", i))
	}
	for _, depth := range []int{4, 20} {
		tree, err := merkle.New(depth, leaves)
		if err != nil {
			t.Fatal(err)
		}
		for _, idx := range []uint64{0, 5, 10} {
			p, err := tree.Path(idx)
			if err != nil {
				t.Fatal(err)
			}
			c := &merkleCircuit{Siblings: make([]frontend.Variable, depth)}
			good := &merkleCircuit{Leaf: leaves[idx], Index: idx, Root: tree.Root(), Siblings: vars(p.Siblings)}
			mustSolve(t, c, good)

			bad := *good
			bad.Index = idx ^ 1
			mustFail(t, c, &bad)

			bad = *good
			bad.Siblings = vars(p.Siblings)
			bad.Siblings[depth-1] = field.Uint64(12345)
			mustFail(t, c, &bad)

			bad = *good
			bad.Index = uint64(1) << depth // does not fit the depth
			mustFail(t, c, &bad)
		}
	}
}

func TestSignature(t *testing.T) {
	seed := sha256.Sum256([]byte("circuits test key"))
	sk, err := eddsa.GenerateKey(bytes.NewReader(seed[:]))
	if err != nil {
		t.Fatal(err)
	}
	msg := field.Digest([]byte("a leaf"))
	mb := msg.Bytes()
	sigBytes, err := sk.Sign(mb[:], poseidon2.NewMerkleDamgardHasher())
	if err != nil {
		t.Fatal(err)
	}
	var sig eddsa.Signature
	if _, err := sig.SetBytes(sigBytes); err != nil {
		t.Fatal(err)
	}
	a := sk.PublicKey.A
	px, py := circuits.SubgroupPreimage(a.X, a.Y)
	good := &signatureCircuit{
		A:   circuits.Point{X: a.X, Y: a.Y},
		Pre: circuits.Point{X: px, Y: py},
		Sig: circuits.Signature{R: circuits.Point{X: sig.R.X, Y: sig.R.Y}, S: sig.S[:]},
		Msg: msg,
	}
	mustSolve(t, &signatureCircuit{}, good)

	t.Run("other message", func(t *testing.T) {
		bad := *good
		bad.Msg = field.Digest([]byte("another leaf"))
		mustFail(t, &signatureCircuit{}, &bad)
	})
	t.Run("other key", func(t *testing.T) {
		other, err := eddsa.GenerateKey(bytes.NewReader(make([]byte, 32)))
		if err != nil {
			t.Fatal(err)
		}
		b := other.PublicKey.A
		ox, oy := circuits.SubgroupPreimage(b.X, b.Y)
		bad := *good
		bad.A = circuits.Point{X: b.X, Y: b.Y}
		bad.Pre = circuits.Point{X: ox, Y: oy}
		mustFail(t, &signatureCircuit{}, &bad)
	})
	t.Run("S plus one", func(t *testing.T) {
		var s field.Element
		s.SetBytes(sig.S[:])
		s.Add(&s, &field.Element{1})
		bad := *good
		bad.Sig.S = s
		mustFail(t, &signatureCircuit{}, &bad)
	})
	t.Run("key off the subgroup", func(t *testing.T) {
		// a + T for the 2-torsion point T = (0, -1) is on the curve but not
		// in the subgroup; no preimage exists, try a's.
		var tp edbn254.PointAffine
		tp.X.SetZero()
		tp.Y.SetOne()
		tp.Y.Neg(&tp.Y)
		var shifted edbn254.PointAffine
		shifted.Add(&a, &tp)
		bad := *good
		bad.A = circuits.Point{X: shifted.X, Y: shifted.Y}
		mustFail(t, &signatureCircuit{}, &bad)
	})
}

func TestConstraintCosts(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    frontend.Circuit
	}{
		{"compress", &compressCircuit{}},
		{"hash-5", &hashCircuit{In: make([]frontend.Variable, 5)}},
		{"merkle-20", &merkleCircuit{Siblings: make([]frontend.Variable, 20)}},
		{"eddsa+subgroup", &signatureCircuit{}},
	} {
		cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, tc.c)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(cs.GetCommitments().CommitmentIndexes()); n != 0 {
			t.Errorf("%s: %d commitments, want none", tc.name, n)
		}
		t.Logf("%-16s %6d constraints", tc.name, cs.GetNbConstraints())
	}
}
