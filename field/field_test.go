package field_test

import (
	"bytes"
	"crypto/sha256"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/provenant/provenant/field"
)

func TestDigestClearsTopBits(t *testing.T) {
	for _, in := range []string{"", "a", "urn:epc:id:sgtin:0614141.107346.2017", "ni:///sha-256;00"} {
		e := field.Digest([]byte(in))
		b := e.Bytes()
		sum := sha256.Sum256([]byte(in))
		sum[0] &= 0x1f
		if !bytes.Equal(b[:], sum[:]) {
			t.Errorf("Digest(%q) = %x, want %x (SHA-256 with 3 top bits cleared, not reduced)", in, b, sum)
		}
	}
}

func TestString(t *testing.T) {
	if e := field.String(""); !e.IsZero() {
		t.Errorf("String(\"\") = %s, want 0", e.String())
	}
	a, b := field.String("a"), field.String("b")
	if a.Equal(&b) {
		t.Error("String(a) == String(b)")
	}
}

func TestRegion(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    uint64
		wantErr bool
	}{
		{"", 0, false},
		{"DE", 0x4445, false},
		{"NZ", 0x4e5a, false},
		{"de", 0, true},
		{"DEU", 0, true},
		{"D", 0, true},
		{"4A", 0, true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			e, err := field.Region(tc.in)
			if (err != nil) != tc.wantErr {
				t.Fatalf("Region(%q) error = %v, want error %v", tc.in, err, tc.wantErr)
			}
			if err == nil && !e.Equal(ptr(field.Uint64(tc.want))) {
				t.Errorf("Region(%q) = %s, want %d", tc.in, e.String(), tc.want)
			}
		})
	}
}

func ptr(e field.Element) *field.Element { return &e }

func TestHashIsOrderAndLengthSensitive(t *testing.T) {
	one, two := field.Uint64(1), field.Uint64(2)
	h12 := field.Hash(one, two)
	h21 := field.Hash(two, one)
	h1 := field.Hash(one)
	h120 := field.Hash(one, two, field.Element{})
	if h12.Equal(&h21) || h12.Equal(&h1) || h12.Equal(&h120) {
		t.Error("Hash collides on reordered or extended inputs")
	}
	again := field.Hash(one, two)
	if !h12.Equal(&again) {
		t.Error("Hash is not deterministic")
	}
}

func TestParseRejectsNonCanonical(t *testing.T) {
	mod := fr.Modulus().Bytes() // r itself is not a canonical element
	if _, err := field.Parse(mod); err == nil {
		t.Error("Parse(r) succeeded, want an error")
	}
	if _, err := field.Parse([]byte{1, 2}); err == nil {
		t.Error("Parse of 2 bytes succeeded, want an error")
	}
	e := field.Uint64(42)
	b := e.Bytes()
	got, err := field.Parse(b[:])
	if err != nil || !got.Equal(&e) {
		t.Errorf("Parse round trip = %v, %v", got.String(), err)
	}
}

func TestCompressIsMerkleDamgardStep(t *testing.T) {
	a, b := field.Uint64(11), field.Uint64(22)
	md := field.Hash(a, b)
	steps := field.Compress(field.Compress(field.Element{}, a), b)
	if !md.Equal(&steps) {
		t.Errorf("H(a, b) = %s, Compress(Compress(0, a), b) = %s", md.String(), steps.String())
	}
	ab, ba := field.Compress(a, b), field.Compress(b, a)
	if ab.Equal(&ba) {
		t.Error("Compress is symmetric")
	}
}
