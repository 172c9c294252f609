package supplier_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/provenant/provenant/epcis"
	"github.com/provenant/provenant/field"
	"github.com/provenant/provenant/supplier"
)

func mustKey(t testing.TB) *supplier.Key {
	t.Helper()
	k, err := supplier.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func readDoc(t testing.TB) (string, []byte, *epcis.Document) {
	t.Helper()
	name := filepath.Join("testdata", "two-events.json")
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := epcis.Parse(name, data)
	if err != nil {
		t.Fatal(err)
	}
	return name, data, doc
}

func TestSignVerify(t *testing.T) {
	k := mustKey(t)
	_, _, doc := readDoc(t)
	for i := range doc.Events {
		st, err := supplier.NewStatement(&doc.Events[i])
		if err != nil {
			t.Fatal(err)
		}
		sig, err := k.Sign(st, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := k.Public().Verify(st, sig); err != nil {
			t.Fatalf("event %d: valid signature rejected: %v", i, err)
		}
	}
}

func TestVerifyRejectsTampering(t *testing.T) {
	k := mustKey(t)
	_, _, doc := readDoc(t)
	st, err := supplier.NewStatement(&doc.Events[0])
	if err != nil {
		t.Fatal(err)
	}
	if st.Origin.Region != "DE" || st.Claims.OriginRegion != "DE" {
		t.Fatalf("origin = %+v, claims region %q; want DE", st.Origin, st.Claims.OriginRegion)
	}
	sig, err := k.Sign(st, nil)
	if err != nil {
		t.Fatal(err)
	}
	other := mustKey(t)

	cases := []struct {
		name   string
		key    supplier.PublicKey
		mutate func(st *supplier.Statement, sig *supplier.EventSignature)
	}{
		{"other key", other.Public(), func(*supplier.Statement, *supplier.EventSignature) {}},
		{"flipped signature bit", k.Public(), func(_ *supplier.Statement, s *supplier.EventSignature) {
			s.Signature = bytes.Clone(s.Signature)
			s.Signature[40] ^= 1
		}},
		{"other salt", k.Public(), func(_ *supplier.Statement, s *supplier.EventSignature) { s.Salt = field.Uint64(7) }},
		{"tampered event bytes", k.Public(), func(st *supplier.Statement, _ *supplier.EventSignature) {
			st.EventDigest = field.Digest([]byte(strings.Replace(string(doc.Events[0].Raw), "SECRET-77", "SECRET-78", 1)))
		}},
		{"claimed region", k.Public(), func(st *supplier.Statement, _ *supplier.EventSignature) { st.Claims.OriginRegion = "FR" }},
		{"origin facility", k.Public(), func(st *supplier.Statement, _ *supplier.EventSignature) {
			st.Origin.Facility = "https://id.gs1.org/414/4012345000092"
		}},
		{"event time", k.Public(), func(st *supplier.Statement, _ *supplier.EventSignature) {
			st.Claims.EventTime = st.Claims.EventTime.Add(1e6)
		}},
		{"product", k.Public(), func(st *supplier.Statement, _ *supplier.EventSignature) {
			st.Claims.Products = append([]string(nil), st.Claims.Products[1:]...)
		}},
		{"truncated signature", k.Public(), func(_ *supplier.Statement, s *supplier.EventSignature) { s.Signature = s.Signature[:63] }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st2, sig2 := st, sig
			st2.Claims.Products = append([]string(nil), st.Claims.Products...)
			tc.mutate(&st2, &sig2)
			err := tc.key.Verify(st2, sig2)
			if !errors.Is(err, supplier.ErrBadSignature) {
				t.Fatalf("Verify = %v, want ErrBadSignature", err)
			}
		})
	}
}

func TestSignMessageRoundTrip(t *testing.T) {
	k := mustKey(t)
	name, data, _ := readDoc(t)
	msg, err := k.SignMessage(name, data, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(msg.Value, data) {
		t.Error("message value differs from the input")
	}
	if msg.Key != "https://id.gs1.org/01/04012345111118/21/1001" {
		t.Errorf("message key = %q, want the first product as canonical Digital Link", msg.Key)
	}
	if len(msg.EventIDs) != 2 || !strings.HasPrefix(msg.EventIDs[0], "ni:///sha-256;") || msg.EventIDs[1] != "urn:uuid:5d1f5a8e-6c43-4b1e-9a7a-2f0c3e4d5b6a" {
		t.Errorf("event IDs = %q", msg.EventIDs)
	}
	hdr := map[string]string{}
	for _, h := range msg.Headers {
		hdr[h.Key] = h.Value
	}
	pub, err := supplier.ParsePublicKey(hdr[supplier.HeaderSupplier])
	if err != nil {
		t.Fatal(err)
	}
	sigs, err := supplier.DecodeSignatures(hdr[supplier.HeaderSignature])
	if err != nil {
		t.Fatal(err)
	}
	doc, err := epcis.Parse(name, msg.Value)
	if err != nil {
		t.Fatal(err)
	}
	if len(sigs) != len(doc.Events) {
		t.Fatalf("%d signatures for %d events", len(sigs), len(doc.Events))
	}
	for i := range doc.Events {
		st, err := supplier.NewStatement(&doc.Events[i])
		if err != nil {
			t.Fatal(err)
		}
		if err := pub.Verify(st, sigs[i]); err != nil {
			t.Errorf("event %d: %v", i, err)
		}
	}
	// Signatures bind to document order: swapped, they fail.
	st0, _ := supplier.NewStatement(&doc.Events[0])
	if err := pub.Verify(st0, sigs[1]); err == nil {
		t.Error("event 0 verified under event 1's signature")
	}
}

func TestDecodeSignaturesErrors(t *testing.T) {
	k := mustKey(t)
	_, _, doc := readDoc(t)
	st, _ := supplier.NewStatement(&doc.Events[1])
	sig, err := k.Sign(st, nil)
	if err != nil {
		t.Fatal(err)
	}
	good := supplier.EncodeSignatures([]supplier.EventSignature{sig})
	if _, err := supplier.DecodeSignatures(good); err != nil {
		t.Fatalf("good header rejected: %v", err)
	}
	sigHex, saltHex, _ := strings.Cut(strings.TrimPrefix(good, "v1;"), ":")
	for _, tc := range []struct{ name, value string }{
		{"empty", ""},
		{"other version", "v2;" + sigHex + ":" + saltHex},
		{"no entries", "v1"},
		{"no salt", "v1;" + sigHex},
		{"short signature", "v1;" + sigHex[:60] + ":" + saltHex},
		{"not hex", "v1;" + strings.Repeat("zz", 64) + ":" + saltHex},
		{"salt not canonical", "v1;" + sigHex + ":" + strings.Repeat("ff", 32)},
		{"salt short", "v1;" + sigHex + ":ab"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := supplier.DecodeSignatures(tc.value); err == nil {
				t.Fatal("DecodeSignatures succeeded, want an error")
			}
		})
	}
}

func TestKeyFile(t *testing.T) {
	k := mustKey(t)
	path := filepath.Join(t.TempDir(), "keys", "supplier.key")
	if err := supplier.WriteKeyFile(path, k); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", fi.Mode().Perm())
	}
	if err := supplier.WriteKeyFile(path, k); err == nil {
		t.Error("WriteKeyFile overwrote an existing key file")
	}
	back, err := supplier.ReadKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if back.Public().String() != k.Public().String() {
		t.Error("key read back differs")
	}

	// A key file whose public part does not match is refused.
	data, _ := os.ReadFile(path)
	wrong := strings.Replace(string(data), k.Public().String(), mustKey(t).Public().String(), 1)
	bad := filepath.Join(t.TempDir(), "bad.key")
	if err := os.WriteFile(bad, []byte(wrong), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := supplier.ReadKeyFile(bad); err == nil {
		t.Error("ReadKeyFile accepted a mismatched public key")
	}
}

func TestParsePublicKey(t *testing.T) {
	k := mustKey(t)
	if _, err := supplier.ParsePublicKey(k.Public().String()); err != nil {
		t.Fatalf("valid key rejected: %v", err)
	}
	for _, tc := range []struct{ name, in string }{
		{"empty", ""},
		{"not hex", "xyz"},
		{"short", "abcd"},
		{"not on curve", strings.Repeat("11", 32)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := supplier.ParsePublicKey(tc.in); err == nil {
				t.Fatal("ParsePublicKey succeeded, want an error")
			}
		})
	}
}
