package store_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/provenant/provenant/store"
)

func newSealer(t *testing.T, key []byte) *store.Sealer {
	t.Helper()
	s, err := store.NewSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSealRoundTrip(t *testing.T) {
	s := newSealer(t, store.GenerateKey())
	for _, plain := range [][]byte{nil, []byte(`{}`), []byte(`{"readPoint":"urn:epc:id:sgln:0614141.00777.0"}`), bytes.Repeat([]byte{0xa5}, 1<<16)} {
		sealed := s.Seal("urn:uuid:e1", plain)
		if len(plain) > 0 && bytes.Contains(sealed, plain) {
			t.Errorf("sealed payload contains the plaintext")
		}
		got, err := s.Open("urn:uuid:e1", sealed)
		if err != nil || !bytes.Equal(got, plain) {
			t.Errorf("Open(Seal(%d bytes)) = %d bytes, %v", len(plain), len(got), err)
		}
	}
	a, b := s.Seal("e", []byte("same")), s.Seal("e", []byte("same"))
	if bytes.Equal(a, b) {
		t.Error("two seals of the same plaintext are equal: nonces are not random")
	}
}

func TestOpenRefusesTampering(t *testing.T) {
	key := store.GenerateKey()
	s := newSealer(t, key)
	sealed := s.Seal("urn:uuid:e1", []byte(`{"private":true}`))
	flip := func(i int) []byte {
		c := bytes.Clone(sealed)
		c[i] ^= 0x01
		return c
	}
	otherKey := bytes.Clone(key)
	otherKey[0] ^= 0xff

	tests := []struct {
		name    string
		sealer  *store.Sealer
		eventID string
		sealed  []byte
		want    error
	}{
		{"wrong event ID (AAD)", s, "urn:uuid:e2", sealed, store.ErrCorruptPayload},
		{"empty event ID", s, "", sealed, store.ErrCorruptPayload},
		{"wrong key", newSealer(t, otherKey), "urn:uuid:e1", sealed, store.ErrWrongKey},
		{"version byte", s, "urn:uuid:e1", flip(0), store.ErrCorruptPayload},
		{"key ID", s, "urn:uuid:e1", flip(1), store.ErrWrongKey},
		{"nonce", s, "urn:uuid:e1", flip(6), store.ErrCorruptPayload},
		{"ciphertext", s, "urn:uuid:e1", flip(20), store.ErrCorruptPayload},
		{"tag", s, "urn:uuid:e1", flip(len(sealed) - 1), store.ErrCorruptPayload},
		{"truncated", s, "urn:uuid:e1", sealed[:len(sealed)-1], store.ErrCorruptPayload},
		{"too short", s, "urn:uuid:e1", sealed[:10], store.ErrCorruptPayload},
		{"empty", s, "urn:uuid:e1", nil, store.ErrCorruptPayload},
		{"extended", s, "urn:uuid:e1", append(bytes.Clone(sealed), 0), store.ErrCorruptPayload},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.sealer.Open(tc.eventID, tc.sealed)
			if !errors.Is(err, tc.want) || got != nil {
				t.Errorf("Open = %q, %v; want nil, %v", got, err, tc.want)
			}
		})
	}
}

func TestWrongKeyErrorNamesKeys(t *testing.T) {
	a, b := newSealer(t, store.GenerateKey()), newSealer(t, store.GenerateKey())
	_, err := b.Open("e", a.Seal("e", []byte("x")))
	if err == nil || !strings.Contains(err.Error(), a.KeyID()) || !strings.Contains(err.Error(), b.KeyID()) {
		t.Errorf("error %v should name both key IDs %s and %s", err, a.KeyID(), b.KeyID())
	}
}

func TestNewSealerKeySize(t *testing.T) {
	for _, n := range []int{0, 16, 31, 33, 64} {
		if _, err := store.NewSealer(make([]byte, n)); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("NewSealer(%d-byte key) error = %v, want ErrInvalid", n, err)
		}
	}
}

func TestContentDigest(t *testing.T) {
	key := store.GenerateKey()
	s := newSealer(t, key)
	base := store.Event{ID: "e1", Supplier: "aa", Claims: []byte(`{"a":1}`), Private: []byte(`{"b":2}`)}
	d := s.ContentDigest(&base)
	if len(d) != 32 {
		t.Fatalf("digest is %d bytes, want 32", len(d))
	}
	if again := s.ContentDigest(&base); !bytes.Equal(d, again) {
		t.Error("digest is not deterministic")
	}
	same := base
	same.Topic, same.Offset, same.Products = "t", 9, []string{"p"} // not content
	if !bytes.Equal(d, s.ContentDigest(&same)) {
		t.Error("digest depends on fields other than ID, supplier, claims and private payload")
	}
	changes := map[string]func(e *store.Event){
		"ID":       func(e *store.Event) { e.ID = "e2" },
		"supplier": func(e *store.Event) { e.Supplier = "ab" },
		"claims":   func(e *store.Event) { e.Claims = []byte(`{"a":2}`) },
		"private":  func(e *store.Event) { e.Private = []byte(`{"b":3}`) },
		// Length prefixes keep field boundaries: moving bytes between fields changes the digest.
		"boundary": func(e *store.Event) { e.Claims, e.Private = []byte(`{"a":1}{`), []byte(`"b":2}`) },
	}
	for name, change := range changes {
		e := base
		change(&e)
		if bytes.Equal(d, s.ContentDigest(&e)) {
			t.Errorf("changing %s does not change the digest", name)
		}
	}
	otherKey := bytes.Clone(key)
	otherKey[31] ^= 1
	if bytes.Equal(d, newSealer(t, otherKey).ContentDigest(&base)) {
		t.Error("digest does not depend on the key")
	}
}

func TestParseKey(t *testing.T) {
	key := store.GenerateKey()
	hexKey := hex.EncodeToString(key)
	tests := []struct {
		name string
		data []byte
		ok   bool
	}{
		{"raw", key, true},
		{"hex", []byte(hexKey), true},
		{"hex with newline", []byte(hexKey + "\n"), true},
		{"upper-case hex", []byte(strings.ToUpper(hexKey) + "\r\n"), true},
		{"empty", nil, false},
		{"short hex", []byte(hexKey[:62]), false},
		{"long hex", []byte(hexKey + "00"), false},
		{"not hex", []byte(strings.Repeat("zz", 32)), false},
		{"31 raw bytes", key[:31], false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := store.ParseKey(tc.data)
			if tc.ok && (err != nil || !bytes.Equal(got, key)) {
				t.Errorf("ParseKey = %x, %v; want the key", got, err)
			}
			if !tc.ok && !errors.Is(err, store.ErrInvalid) {
				t.Errorf("ParseKey error = %v, want ErrInvalid", err)
			}
		})
	}
}

func TestLoadOrCreateKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secrets", "dev", "store.key")
	key, err := store.LoadOrCreateKey(path)
	if err != nil {
		t.Fatalf("LoadOrCreateKey (create): %v", err)
	}
	if len(key) != store.KeySize {
		t.Fatalf("created key is %d bytes", len(key))
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("key file mode %o, want 600", mode)
	}
	data, _ := os.ReadFile(path)
	if strings.TrimSpace(string(data)) != hex.EncodeToString(key) {
		t.Errorf("key file holds %q, want the key in hex", data)
	}
	again, err := store.LoadOrCreateKey(path)
	if err != nil || !bytes.Equal(again, key) {
		t.Errorf("LoadOrCreateKey (load) = %x, %v; want the created key", again, err)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("key directory holds %d entries, want only the key file", len(entries))
	}

	raw := filepath.Join(t.TempDir(), "raw.key")
	if err := os.WriteFile(raw, key, 0o600); err != nil {
		t.Fatal(err)
	}
	if got, err := store.LoadOrCreateKey(raw); err != nil || !bytes.Equal(got, key) {
		t.Errorf("LoadOrCreateKey(raw file) = %x, %v", got, err)
	}

	bad := filepath.Join(t.TempDir(), "bad.key")
	if err := os.WriteFile(bad, []byte("too short"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := store.LoadOrCreateKey(bad); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("LoadOrCreateKey(bad file) error = %v, want ErrInvalid", err)
	}
	if data, _ := os.ReadFile(bad); string(data) != "too short" {
		t.Error("LoadOrCreateKey overwrote a bad key file")
	}
	if _, err := store.LoadKey(filepath.Join(t.TempDir(), "missing.key")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("LoadKey(missing) error = %v, want ErrNotExist", err)
	}
}

func TestLoadOrCreateKeyConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.key")
	const n = 16
	keys := make([][]byte, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { keys[i], errs[i] = store.LoadOrCreateKey(path) })
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil || !bytes.Equal(keys[i], keys[0]) {
			t.Errorf("caller %d: %x, %v; want every caller to get the same key", i, keys[i], errs[i])
		}
	}
}
