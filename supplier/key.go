package supplier

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/consensys/gnark-crypto/ecc/bn254/twistededwards/eddsa"
)

// keyFileKind names the format of a key file.
const keyFileKind = "provenant-supplier-key/v1"

// PublicKeySize is the size of an encoded public key.
const PublicKeySize = 32

// PublicKey is a supplier's public key.
type PublicKey struct {
	pk eddsa.PublicKey
}

// ParsePublicKey reads a public key from its hex encoding, rejecting points
// off the curve, outside the prime-order subgroup, or the identity.
func ParsePublicKey(s string) (PublicKey, error) {
	b, err := hex.DecodeString(strings.TrimSpace(s))
	if err != nil {
		return PublicKey{}, fmt.Errorf("supplier public key: %w", err)
	}
	if len(b) != PublicKeySize {
		return PublicKey{}, fmt.Errorf("supplier public key: %d bytes, want %d", len(b), PublicKeySize)
	}
	var pk PublicKey
	if _, err := pk.pk.SetBytes(b); err != nil {
		return PublicKey{}, fmt.Errorf("supplier public key: %w", err)
	}
	if pk.pk.A.IsZero() || !pk.pk.A.IsInSubGroup() {
		return PublicKey{}, errors.New("supplier public key: not a point of the prime-order subgroup")
	}
	return pk, nil
}

// String returns the hex encoding of the public key.
func (p PublicKey) String() string { return hex.EncodeToString(p.pk.Bytes()) }

// Point returns the affine coordinates of the public key, as the circuits
// take it.
func (p PublicKey) Point() (x, y [32]byte) {
	return p.pk.A.X.Bytes(), p.pk.A.Y.Bytes()
}

// Key is a supplier's private signing key.
type Key struct {
	sk *eddsa.PrivateKey
}

// GenerateKey returns a new key drawn from rand (crypto/rand.Reader when
// nil).
func GenerateKey(r io.Reader) (*Key, error) {
	if r == nil {
		r = rand.Reader
	}
	sk, err := eddsa.GenerateKey(r)
	if err != nil {
		return nil, fmt.Errorf("generate supplier key: %w", err)
	}
	return &Key{sk: sk}, nil
}

// Public returns the key's public key.
func (k *Key) Public() PublicKey { return PublicKey{pk: k.sk.PublicKey} }

type keyFile struct {
	Kind    string `json:"kind"`
	Public  string `json:"public"`
	Private string `json:"private"`
}

// WriteKeyFile writes k to path, readable by its owner only (mode 0600). It
// refuses to overwrite an existing file.
func WriteKeyFile(path string, k *Key) error {
	data, err := json.MarshalIndent(keyFile{
		Kind:    keyFileKind,
		Public:  k.Public().String(),
		Private: hex.EncodeToString(k.sk.Bytes()),
	}, "", "  ")
	if err != nil {
		return err
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("write key file: %w", err)
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("write key file: %w", err)
	}
	if _, err := f.Write(append(data, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("write key file %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write key file %s: %w", path, err)
	}
	return nil
}

// ReadKeyFile reads a key written by WriteKeyFile and checks that its
// public part matches its private part.
func ReadKeyFile(path string) (*Key, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read key file: %w", err)
	}
	var kf keyFile
	if err := json.Unmarshal(data, &kf); err != nil {
		return nil, fmt.Errorf("key file %s: %w", path, err)
	}
	if kf.Kind != keyFileKind {
		return nil, fmt.Errorf("key file %s: kind %q, want %q", path, kf.Kind, keyFileKind)
	}
	raw, err := hex.DecodeString(kf.Private)
	if err != nil {
		return nil, fmt.Errorf("key file %s: private key: %w", path, err)
	}
	sk := new(eddsa.PrivateKey)
	if _, err := sk.SetBytes(raw); err != nil {
		return nil, fmt.Errorf("key file %s: private key: %w", path, err)
	}
	k := &Key{sk: sk}
	if got := k.Public().String(); got != kf.Public {
		return nil, fmt.Errorf("key file %s: public key %s does not match the private key (%s)", path, kf.Public, got)
	}
	return k, nil
}
