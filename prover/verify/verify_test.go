package verify_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend/groth16"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"

	"github.com/provenant/provenant/prover/verify"
)

func TestVerifyProof(t *testing.T) {
	a := mustFixture(t, fixtureA)
	b := mustFixture(t, fixtureB)
	proof, public := a.prove(t, 3)
	_, otherPublic := a.prove(t, 4)

	raw := func() []byte {
		p, err := verify.ParseProof(proof)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := p.WriteRawTo(&buf); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}()
	flipped := func(i int) []byte {
		c := bytes.Clone(proof)
		c[i] ^= 0x01
		return c
	}
	swapped := []fr.Element{public[1], public[0]}
	changed := []fr.Element{public[0], public[1]}
	changed[1].SetUint64(5)

	var big fr.Element
	big.SetUint64(1)
	tests := []struct {
		name   string
		vk     groth16.VerifyingKey
		proof  []byte
		public []fr.Element
		want   error // nil, verify.ErrMalformed or verify.ErrRejected
	}{
		{"valid", a.vk, proof, public, nil},
		{"valid raw encoding", a.vk, raw, public, nil},
		{"wrong public input", a.vk, proof, changed, verify.ErrRejected},
		{"public inputs swapped", a.vk, proof, swapped, verify.ErrRejected},
		{"another statement's inputs", a.vk, proof, otherPublic, verify.ErrRejected},
		{"another circuit's key", b.vk, proof, public, verify.ErrRejected},
		{"too few public inputs", a.vk, proof, public[:1], verify.ErrMalformed},
		{"too many public inputs", a.vk, proof, append(append([]fr.Element{}, public...), big), verify.ErrMalformed},
		{"empty proof", a.vk, nil, public, verify.ErrMalformed},
		{"truncated proof", a.vk, proof[:len(proof)-1], public, verify.ErrMalformed},
		{"trailing bytes", a.vk, append(bytes.Clone(proof), 0), public, verify.ErrMalformed},
		{"oversized proof", a.vk, make([]byte, verify.MaxProofBytes+1), public, verify.ErrMalformed},
		{"nil key", nil, proof, public, verify.ErrMalformed},
	}
	// Flipped bits in each point: off the curve (malformed) or another
	// point (rejected), never accepted.
	for _, i := range []int{5, 40, 70, 100, 131} {
		tests = append(tests, struct {
			name   string
			vk     groth16.VerifyingKey
			proof  []byte
			public []fr.Element
			want   error
		}{"tampered byte " + string(rune('0'+i/100)) + string(rune('0'+i/10%10)) + string(rune('0'+i%10)), a.vk, flipped(i), public, errAny})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := verify.VerifyProof(tc.vk, tc.proof, tc.public)
			switch {
			case tc.want == nil && err != nil:
				t.Fatalf("VerifyProof: %v", err)
			case tc.want == errAny:
				if !errors.Is(err, verify.ErrMalformed) && !errors.Is(err, verify.ErrRejected) {
					t.Fatalf("VerifyProof = %v, want malformed or rejected", err)
				}
			case tc.want != nil && !errors.Is(err, tc.want):
				t.Fatalf("VerifyProof = %v, want %v", err, tc.want)
			}
			if errors.Is(err, verify.ErrMalformed) {
				var me *verify.MalformedError
				if !errors.As(err, &me) || me.Input == "" {
					t.Errorf("%v is not a *MalformedError naming its input", err)
				}
			}
		})
	}
}

var errAny = errors.New("malformed or rejected")

func TestVerifyProofDoesNotTouchInputs(t *testing.T) {
	a := mustFixture(t, fixtureA)
	proof, public := a.prove(t, 9)
	// Spare capacity gnark's verifier could append into.
	in := make([]fr.Element, len(public), len(public)+4)
	copy(in, public)
	full := in[:cap(in)]
	if err := verify.VerifyProof(a.vk, proof, in); err != nil {
		t.Fatal(err)
	}
	for i := len(public); i < cap(in); i++ {
		if !full[i].IsZero() {
			t.Fatalf("VerifyProof wrote into the caller's spare capacity at %d", i)
		}
	}
}

// A length prefix claiming four billion commitments must be refused before
// anything is allocated for them.
func TestParseProofHugeLength(t *testing.T) {
	a := mustFixture(t, fixtureA)
	proof, _ := a.prove(t, 3)
	c := bytes.Clone(proof)
	// Ar (32) | Bs (64) | Krs (32) | len(Commitments) (4) | ...
	binary.BigEndian.PutUint32(c[128:], 0xffffffff)
	_, err := verify.ParseProof(c)
	if !errors.Is(err, verify.ErrMalformed) {
		t.Fatalf("ParseProof = %v, want malformed", err)
	}
}

func TestParseVerifyingKey(t *testing.T) {
	a := mustFixture(t, fixtureA)
	proof, public := a.prove(t, 11)
	for _, raw := range []bool{false, true} {
		b := vkBytes(t, a.vk, raw)
		vk, err := verify.ParseVerifyingKey(b)
		if err != nil {
			t.Fatalf("raw=%v: %v", raw, err)
		}
		if got := verify.NbPublicInputs(vk); got != 2 {
			t.Errorf("NbPublicInputs = %d, want 2", got)
		}
		if err := verify.VerifyProof(vk, proof, public); err != nil {
			t.Errorf("raw=%v: proof does not verify under the parsed key: %v", raw, err)
		}
	}

	good := vkBytes(t, a.vk, false)
	hugeK := bytes.Clone(good)
	// α (32) | β (32) | β₂ (64) | γ₂ (64) | δ (32) | δ₂ (64) | len(K) (4)
	binary.BigEndian.PutUint32(hugeK[288:], 0x7fffffff)
	tests := map[string][]byte{
		"empty":         nil,
		"truncated":     good[:len(good)-3],
		"trailing":      append(bytes.Clone(good), 1, 2),
		"huge K length": hugeK,
		"oversized":     make([]byte, verify.MaxVerifyingKeyBytes+1),
		"x above the modulus": func() []byte {
			c := bytes.Clone(good)
			c[0] |= 0x3f // keep the compression flag
			for i := 1; i < 32; i++ {
				c[i] = 0xff
			}
			return c
		}(),
	}
	for name, b := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := verify.ParseVerifyingKey(b); !errors.Is(err, verify.ErrMalformed) {
				t.Fatalf("ParseVerifyingKey = %v, want malformed", err)
			}
		})
	}
}

func TestVerifyRejectsOtherCurves(t *testing.T) {
	a := mustFixture(t, fixtureA)
	proof, public := a.prove(t, 3)
	vk := groth16.NewVerifyingKey(ecc.BLS12_381)
	if err := verify.VerifyProof(vk, proof, public); !errors.Is(err, verify.ErrMalformed) {
		t.Fatalf("VerifyProof with a BLS12-381 key = %v, want malformed", err)
	}
	var p groth16bn254.Proof
	if err := verify.Verify(a.vk, &p, public); err == nil {
		t.Fatal("the zero proof verified")
	}
}

func TestPublicInputs(t *testing.T) {
	a := mustFixture(t, fixtureA)
	_, public := a.prove(t, 5)
	gnark, err := a.publicWitness(t, 5).MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if enc := verify.EncodePublicInputs(public); !bytes.Equal(enc, gnark) {
		t.Fatalf("EncodePublicInputs differs from gnark's public witness:\n got %x\nwant %x", enc, gnark)
	}
	got, err := verify.ParsePublicInputs(gnark)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || !got[0].Equal(&public[0]) || !got[1].Equal(&public[1]) {
		t.Fatalf("ParsePublicInputs = %v, want %v", got, public)
	}
	js := []byte(`["` + public[0].String() + `", "` + public[1].String() + `"]`)
	got, err = verify.ParsePublicInputs(js)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || !got[0].Equal(&public[0]) || !got[1].Equal(&public[1]) {
		t.Fatalf("ParsePublicInputs(JSON) = %v, want %v", got, public)
	}

	modulus := fr.Modulus().String()
	nonCanonical := bytes.Clone(gnark)
	copy(nonCanonical[12:], fr.Modulus().FillBytes(make([]byte, 32)))
	secret := bytes.Clone(gnark)
	binary.BigEndian.PutUint32(secret[4:], 1)
	bad := map[string][]byte{
		"short header":      gnark[:8],
		"truncated":         gnark[:len(gnark)-1],
		"secret values":     secret,
		"non-canonical":     nonCanonical,
		"JSON modulus":      []byte(`["` + modulus + `"]`),
		"JSON negative":     []byte(`["-1"]`),
		"JSON hex":          []byte(`["0x01"]`),
		"JSON number":       []byte(`[1]`),
		"JSON empty string": []byte(`[""]`),
		"JSON not an array": []byte(`[`),
		"oversized":         make([]byte, verify.MaxPublicInputsBytes+1),
		"huge count":        append([]byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff}, make([]byte, 64)...),
	}
	for name, b := range bad {
		t.Run(name, func(t *testing.T) {
			if _, err := verify.ParsePublicInputs(b); !errors.Is(err, verify.ErrMalformed) {
				t.Fatalf("ParsePublicInputs = %v, want malformed", err)
			}
		})
	}
}
