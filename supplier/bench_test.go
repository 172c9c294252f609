package supplier_test

import (
	"testing"

	"github.com/provenant/provenant/supplier"
)

// benchStatement returns a key, the statement of the first event of
// testdata/two-events.json and its signature.
func benchStatement(b *testing.B) (*supplier.Key, supplier.Statement, supplier.EventSignature) {
	b.Helper()
	k := mustKey(b)
	_, _, doc := readDoc(b)
	st, err := supplier.NewStatement(&doc.Events[0])
	if err != nil {
		b.Fatal(err)
	}
	sig, err := k.Sign(st, nil)
	if err != nil {
		b.Fatal(err)
	}
	return k, st, sig
}

// BenchmarkVerify is PublicKey.Verify: the statement's message (its hash)
// and the signature check, with the key checked on every call.
func BenchmarkVerify(b *testing.B) {
	k, st, sig := benchStatement(b)
	pub := k.Public()
	for b.Loop() {
		if err := pub.Verify(st, sig); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMessage is the statement's part of Verify: the field hash that
// is signed.
func BenchmarkMessage(b *testing.B) {
	_, st, sig := benchStatement(b)
	for b.Loop() {
		if _, err := st.Message(sig.Salt); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifier is Verify through a Verifier, as ingest checks events.
func BenchmarkVerifier(b *testing.B) {
	k, st, sig := benchStatement(b)
	v := k.Public().Verifier()
	for b.Loop() {
		if err := v.Verify(st, sig); err != nil {
			b.Fatal(err)
		}
	}
}
