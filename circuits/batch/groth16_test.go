package batch

import (
	"bytes"
	"testing"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"

	"github.com/provenant/provenant/field"
)

// TestGroth16 proves an N = 1 batch for real and checks that the proof
// verifies only against its own public inputs, bytes and verifying key.
func TestGroth16(t *testing.T) {
	if testing.Short() {
		t.Skip("Groth16 setup and proving in -short mode")
	}
	f := newFixture(t)
	l := DefaultLayout(1)
	w := f.batch(f.event(t, 0, &f.certs[0], t0))
	c, root, _, err := l.Assign(w)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := l.Compile()
	if err != nil {
		t.Fatal(err)
	}
	if n := len(cs.GetCommitments().CommitmentIndexes()); n != 0 {
		t.Fatalf("%d Groth16 commitments, want none (snarkjs could not verify)", n)
	}
	if got := cs.GetNbPublicVariables(); got != 4 { // the constant 1 and three inputs
		t.Fatalf("%d public variables, want 4", got)
	}
	start := time.Now()
	pk, vk, err := groth16.Setup(cs)
	if err != nil {
		t.Fatal(err)
	}
	setup := time.Since(start)
	full, err := c.Witness()
	if err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	proof, err := groth16.Prove(cs, pk, full)
	if err != nil {
		t.Fatal(err)
	}
	prove := time.Since(start)
	pub, err := PublicWitness(root, w.SupplierRoot, w.OriginRoot)
	if err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	if err := groth16.Verify(proof, vk, pub); err != nil {
		t.Fatalf("valid proof rejected: %v", err)
	}
	t.Logf("%s: %d constraints, setup %v, prove %v, verify %v", l.ID(), cs.GetNbConstraints(),
		setup.Round(time.Millisecond), prove.Round(time.Millisecond), time.Since(start).Round(time.Microsecond))
	// PublicWitness is the public part of the full witness.
	fromFull, err := full.Public()
	if err != nil {
		t.Fatal(err)
	}
	a, _ := fromFull.MarshalBinary()
	b, _ := pub.MarshalBinary()
	if !bytes.Equal(a, b) {
		t.Fatal("PublicWitness differs from the full witness's public part")
	}

	t.Run("wrong public input", func(t *testing.T) {
		one := field.Uint64(1)
		for i, roots := range [][3]field.Element{
			{one, w.SupplierRoot, w.OriginRoot},
			{root, one, w.OriginRoot},
			{root, w.SupplierRoot, one},
		} {
			bad, err := PublicWitness(roots[0], roots[1], roots[2])
			if err != nil {
				t.Fatal(err)
			}
			if groth16.Verify(proof, vk, bad) == nil {
				t.Errorf("input %d changed: proof verifies", i)
			}
		}
	})
	t.Run("tampered proof", func(t *testing.T) {
		var buf bytes.Buffer
		if _, err := proof.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		enc := buf.Bytes()
		for _, pos := range []int{0, 5, 31, 40, 64, 100, 127, len(enc) - 1} {
			tampered := bytes.Clone(enc)
			tampered[pos] ^= 0x01
			p := groth16.NewProof(ecc.BN254)
			if _, err := p.ReadFrom(bytes.NewReader(tampered)); err != nil {
				continue // rejected while decoding
			}
			if groth16.Verify(p, vk, pub) == nil {
				t.Errorf("byte %d flipped: proof verifies", pos)
			}
		}
	})
	t.Run("other circuit's key", func(t *testing.T) {
		cs2, err := DefaultLayout(2).Compile()
		if err != nil {
			t.Fatal(err)
		}
		_, vk2, err := groth16.Setup(cs2)
		if err != nil {
			t.Fatal(err)
		}
		if groth16.Verify(proof, vk2, pub) == nil {
			t.Error("N = 1 proof verifies under the N = 2 key")
		}
		// And another setup of the same circuit.
		_, vk1, err := groth16.Setup(cs)
		if err != nil {
			t.Fatal(err)
		}
		if groth16.Verify(proof, vk1, pub) == nil {
			t.Error("proof verifies under another setup's key")
		}
	})
}
