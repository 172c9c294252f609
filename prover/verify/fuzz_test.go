package verify_test

import (
	"testing"

	"github.com/provenant/provenant/prover/verify"
)

// The parsers take bytes from outside the process: whatever they are
// given, they return an error or a value, never panic or allocate beyond
// their bounds.

func FuzzParseProof(f *testing.F) {
	a := mustFixture(f, fixtureA)
	proof, _ := a.prove(f, 3)
	f.Add(proof)
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := verify.ParseProof(b)
		if err == nil && p == nil {
			t.Fatal("nil proof without error")
		}
	})
}

func FuzzParseVerifyingKey(f *testing.F) {
	a := mustFixture(f, fixtureA)
	f.Add(vkBytes(f, a.vk, false))
	f.Add(vkBytes(f, a.vk, true))
	f.Fuzz(func(t *testing.T, b []byte) {
		vk, err := verify.ParseVerifyingKey(b)
		if err == nil && vk == nil {
			t.Fatal("nil key without error")
		}
	})
}

func FuzzParsePublicInputs(f *testing.F) {
	a := mustFixture(f, fixtureA)
	_, public := a.prove(f, 3)
	f.Add(verify.EncodePublicInputs(public))
	f.Add([]byte(`["1", "2"]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = verify.ParsePublicInputs(b)
	})
}
