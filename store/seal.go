package store

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// KeySize is the length in bytes of the store key.
const KeySize = 32

// Layout of a sealed payload: version ‖ key ID ‖ nonce ‖ AES-256-GCM ciphertext and tag.
const (
	sealVersion  byte = 1
	keyIDSize         = 4
	headerSize        = 1 + keyIDSize
	gcmNonceSize      = 12
	gcmTagSize        = 16
)

// HKDF-SHA256 info strings separating the keys derived from the store key.
const (
	infoSealKey   = "provenant/store/v1/seal-key"
	infoDigestKey = "provenant/store/v1/content-digest-key"
	infoKeyID     = "provenant/store/v1/key-id"
	digestDomain  = "provenant/store/v1/event-content"
)

// Sealer encrypts private payloads with AES-256-GCM and computes keyed content digests,
// both under keys derived from one 32-byte store key. A Sealer is safe for concurrent use.
type Sealer struct {
	aead      cipher.AEAD
	digestKey []byte
	keyID     [keyIDSize]byte
}

// NewSealer returns a Sealer for the 32-byte store key.
func NewSealer(key []byte) (*Sealer, error) {
	if len(key) != KeySize {
		return nil, invalidf("store key is %d bytes, want %d", len(key), KeySize)
	}
	sealKey, err := hkdf.Key(sha256.New, key, nil, infoSealKey, 32)
	if err != nil {
		return nil, fmt.Errorf("derive seal key: %w", err)
	}
	digestKey, err := hkdf.Key(sha256.New, key, nil, infoDigestKey, 32)
	if err != nil {
		return nil, fmt.Errorf("derive digest key: %w", err)
	}
	id, err := hkdf.Key(sha256.New, key, nil, infoKeyID, keyIDSize)
	if err != nil {
		return nil, fmt.Errorf("derive key ID: %w", err)
	}
	block, err := aes.NewCipher(sealKey)
	if err != nil {
		return nil, fmt.Errorf("seal cipher: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("seal cipher: %w", err)
	}
	s := &Sealer{aead: aead, digestKey: digestKey}
	copy(s.keyID[:], id)
	return s, nil
}

// KeyID returns a short public fingerprint of the store key (8 hex digits), written into
// every sealed payload so that a payload opened with the wrong key is reported as such.
func (s *Sealer) KeyID() string { return hex.EncodeToString(s.keyID[:]) }

// Seal encrypts plaintext for the event with eventID. The event ID is authenticated, so the
// result opens only for the same event ID.
func (s *Sealer) Seal(eventID string, plaintext []byte) []byte {
	out := make([]byte, headerSize+gcmNonceSize, headerSize+gcmNonceSize+len(plaintext)+gcmTagSize)
	out[0] = sealVersion
	copy(out[1:headerSize], s.keyID[:])
	nonce := out[headerSize:]
	rand.Read(nonce) // never fails (crypto/rand crashes the program instead)
	return s.aead.Seal(out, nonce, plaintext, sealAAD(out[:headerSize], eventID))
}

// Open decrypts a payload sealed for eventID. It returns an error wrapping ErrWrongKey
// when the payload was sealed under another key, and ErrCorruptPayload when it was
// altered, truncated, or sealed for another event.
func (s *Sealer) Open(eventID string, sealed []byte) ([]byte, error) {
	if len(sealed) < headerSize+gcmNonceSize+gcmTagSize {
		return nil, fmt.Errorf("%w: %d bytes is too short", ErrCorruptPayload, len(sealed))
	}
	if sealed[0] != sealVersion {
		return nil, fmt.Errorf("%w: unknown format version %d", ErrCorruptPayload, sealed[0])
	}
	if subtle.ConstantTimeCompare(sealed[1:headerSize], s.keyID[:]) != 1 {
		return nil, fmt.Errorf("%w: sealed under key %x, this store holds key %s",
			ErrWrongKey, sealed[1:headerSize], s.KeyID())
	}
	nonce := sealed[headerSize : headerSize+gcmNonceSize]
	plain, err := s.aead.Open(nil, nonce, sealed[headerSize+gcmNonceSize:], sealAAD(sealed[:headerSize], eventID))
	if err != nil {
		return nil, fmt.Errorf("%w: altered, or sealed for another event", ErrCorruptPayload)
	}
	if len(plain) == 0 {
		return nil, nil
	}
	return plain, nil
}

// sealAAD is the additional authenticated data of a sealed payload: its header, then the
// event ID.
func sealAAD(header []byte, eventID string) []byte {
	aad := make([]byte, 0, len(header)+len(eventID))
	return append(append(aad, header...), eventID...)
}

// ContentDigest returns the keyed digest that decides whether two writes of an event carry
// the same content: HMAC-SHA256, under a key derived from the store key, of the event ID,
// supplier, claims and private payload, each length-prefixed. Being keyed, it does not let
// someone holding the database guess private values by hashing candidates.
func (s *Sealer) ContentDigest(e *Event) []byte {
	m := hmac.New(sha256.New, s.digestKey)
	m.Write([]byte(digestDomain))
	for _, part := range [][]byte{[]byte(e.ID), []byte(e.Supplier), e.Claims, e.Private} {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(part)))
		m.Write(n[:])
		m.Write(part)
	}
	return m.Sum(nil)
}

// GenerateKey returns a new random store key.
func GenerateKey() []byte {
	key := make([]byte, KeySize)
	rand.Read(key) // never fails
	return key
}

// ParseKey reads a store key from the contents of a key file: exactly 32 raw bytes, or 64
// hex digits with optional surrounding white space.
func ParseKey(data []byte) ([]byte, error) {
	if len(data) == KeySize {
		return bytes.Clone(data), nil
	}
	text := bytes.TrimSpace(data)
	if len(text) != 2*KeySize {
		return nil, invalidf("store key must be %d raw bytes or %d hex digits, got %d bytes", KeySize, 2*KeySize, len(data))
	}
	key := make([]byte, KeySize)
	if _, err := hex.Decode(key, text); err != nil {
		return nil, invalidf("store key is not hex: %v", err)
	}
	return key, nil
}

// LoadKey reads the store key from the file at path (see ParseKey).
func LoadKey(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read store key: %w", err)
	}
	key, err := ParseKey(data)
	if err != nil {
		return nil, fmt.Errorf("store key file %s: %w", path, err)
	}
	return key, nil
}

// LoadOrCreateKey reads the store key from path, or, when the file does not exist, creates
// it with a new random key in hex, mode 0600, creating parent directories (mode 0700).
// Meant for development: in production, provision the key and use LoadKey. Concurrent
// callers agree on one key: the file appears atomically and is never overwritten.
func LoadOrCreateKey(path string) ([]byte, error) {
	key, err := LoadKey(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return key, err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create store key directory: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".provenant-key-*")
	if err != nil {
		return nil, fmt.Errorf("create store key: %w", err)
	}
	defer os.Remove(tmp.Name())
	key = GenerateKey()
	_, werr := tmp.WriteString(hex.EncodeToString(key) + "\n")
	if werr == nil {
		werr = tmp.Chmod(0o600)
	}
	if werr == nil {
		werr = tmp.Sync()
	}
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return nil, fmt.Errorf("write store key: %w", werr)
	}
	// Link, unlike rename, fails when path exists: a concurrent caller's key is kept.
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return LoadKey(path)
		}
		return nil, fmt.Errorf("install store key: %w", err)
	}
	return key, nil
}
