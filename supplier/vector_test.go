package supplier_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/provenant/provenant/supplier"
)

var update = flag.Bool("update", false, "rewrite golden files")

// zeroReader yields an endless run of one byte value, for deterministic keys
// and salts in test vectors.
type zeroReader byte

func (z zeroReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(z)
	}
	return len(p), nil
}

// TestSigningVector pins every intermediate value of the signing scheme for
// a fixed key, event and salt, so that another implementation can check
// itself against testdata/vector.golden, and so that any change to the
// scheme is seen.
func TestSigningVector(t *testing.T) {
	k, err := supplier.GenerateKey(zeroReader(7))
	if err != nil {
		t.Fatal(err)
	}
	name, _, doc := readDoc(t)
	var b strings.Builder
	fmt.Fprintf(&b, "key seed: 32 bytes of 0x07 (gnark-crypto eddsa.GenerateKey)\npublic key: %s\nfile: %s\n", k.Public(), filepath.ToSlash(name))
	for i := range doc.Events {
		st, err := supplier.NewStatement(&doc.Events[i])
		if err != nil {
			t.Fatal(err)
		}
		sig, err := k.Sign(st, zeroReader(byte(0x40+i)))
		if err != nil {
			t.Fatal(err)
		}
		if err := k.Public().Verify(st, sig); err != nil {
			t.Fatal(err)
		}
		ch, _ := st.Claims.Hash()
		m, _ := st.Message(sig.Salt)
		cm := st.Commitment(sig.Salt)
		chb, mb, db, sb, cmb := ch.Bytes(), m.Bytes(), st.EventDigest.Bytes(), sig.Salt.Bytes(), cm.Bytes()
		fmt.Fprintf(&b, "\nevent %d\nclaims text:\n%sclaims hash: %s\norigin facility: %q\nevent digest: %s\nsalt: %s\nblinded commitment: %s\nleaf (signed message): %s\nsignature: %s\n",
			i, st.Claims.Text(), hex.EncodeToString(chb[:]), st.Origin.Facility, hex.EncodeToString(db[:]),
			hex.EncodeToString(sb[:]), hex.EncodeToString(cmb[:]), hex.EncodeToString(mb[:]), hex.EncodeToString(sig.Signature))
	}
	got := []byte(b.String())
	path := filepath.Join("testdata", "vector.golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("signing vector changed; if the scheme changed on purpose, run with -update and document it.\ngot:\n%s", got)
	}
}

// TestVectorVerifies checks the signatures pinned in testdata/vector.golden
// with PublicKey.Verify and with a Verifier: the fast verification accepts
// them, and rejects them for the other event.
func TestVectorVerifies(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "vector.golden"))
	if err != nil {
		t.Fatal(err)
	}
	var pubHex string
	var salts, sigs []string
	for _, line := range strings.Split(string(data), "\n") {
		k, v, _ := strings.Cut(line, ": ")
		switch k {
		case "public key":
			pubHex = v
		case "salt":
			salts = append(salts, v)
		case "signature":
			sigs = append(sigs, v)
		}
	}
	pub, err := supplier.ParsePublicKey(pubHex)
	if err != nil {
		t.Fatal(err)
	}
	v := pub.Verifier()
	if v.PublicKey() != pub {
		t.Fatal("Verifier.PublicKey differs from the key")
	}
	_, _, doc := readDoc(t)
	if len(sigs) != len(doc.Events) || len(salts) != len(doc.Events) {
		t.Fatalf("vector holds %d signatures and %d salts for %d events", len(sigs), len(salts), len(doc.Events))
	}
	header := "v1"
	for i := range sigs {
		header += ";" + sigs[i] + ":" + salts[i]
	}
	es, err := supplier.DecodeSignatures(header)
	if err != nil {
		t.Fatal(err)
	}
	for i := range doc.Events {
		st, err := supplier.NewStatement(&doc.Events[i])
		if err != nil {
			t.Fatal(err)
		}
		if err := pub.Verify(st, es[i]); err != nil {
			t.Errorf("event %d: PublicKey.Verify: %v", i, err)
		}
		if err := v.Verify(st, es[i]); err != nil {
			t.Errorf("event %d: Verifier.Verify: %v", i, err)
		}
		other := es[1-i]
		if err := v.Verify(st, other); !errors.Is(err, supplier.ErrBadSignature) {
			t.Errorf("event %d under the other event's signature: Verifier.Verify = %v", i, err)
		}
		if err := pub.Verify(st, other); !errors.Is(err, supplier.ErrBadSignature) {
			t.Errorf("event %d under the other event's signature: PublicKey.Verify = %v", i, err)
		}
	}
}
