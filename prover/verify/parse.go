package verify

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"strings"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend/groth16"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
)

// Bounds on the inputs this package decodes. Provenant's proofs have no
// commitments and three public inputs; the bounds leave room for any
// realistic circuit while keeping what a hostile input can cost small.
const (
	// MaxProofBytes bounds an encoded proof (164 bytes compressed, 324 raw,
	// 32 or 64 more per commitment).
	MaxProofBytes = 4 << 10
	// MaxVerifyingKeyBytes bounds an encoded verifying key (about 32 bytes
	// per public input compressed).
	MaxVerifyingKeyBytes = 1 << 20
	// MaxPublicInputs bounds the number of public inputs.
	MaxPublicInputs = 1 << 14
	// MaxPublicInputsBytes bounds an encoded list of public inputs, binary
	// or JSON.
	MaxPublicInputsBytes = 2 << 20
)

// ParseProof decodes a BN254 Groth16 proof written by gnark (WriteTo or
// WriteRawTo). The points must be on the curve and in the right subgroup;
// trailing bytes are refused.
func ParseProof(b []byte) (*groth16bn254.Proof, error) {
	if len(b) > MaxProofBytes {
		return nil, malformed("proof", "%d bytes, more than the %d allowed", len(b), MaxProofBytes)
	}
	s := scanner{b: b}
	s.g1()      // Ar
	s.g2()      // Bs
	s.g1()      // Krs
	s.g1Slice() // Commitments
	s.g1()      // CommitmentPok
	if err := s.end(); err != nil {
		return nil, &MalformedError{Input: "proof", Err: err}
	}
	var p groth16bn254.Proof
	if err := readAll(&p, b); err != nil {
		return nil, &MalformedError{Input: "proof", Err: err}
	}
	return &p, nil
}

// ParseVerifyingKey decodes a BN254 Groth16 verifying key written by gnark
// (WriteTo or WriteRawTo), checking every point and that the key's parts
// agree. Parse a key once and keep it: parsing costs about as much as a
// verification.
func ParseVerifyingKey(b []byte) (groth16.VerifyingKey, error) {
	if len(b) > MaxVerifyingKeyBytes {
		return nil, malformed("verifying key", "%d bytes, more than the %d allowed", len(b), MaxVerifyingKeyBytes)
	}
	s := scanner{b: b}
	s.g1() // α
	s.g1() // β
	s.g2() // β
	s.g2() // γ
	s.g1() // δ
	s.g2() // δ
	s.g1Slice()
	s.uint64Slices()
	if n := s.count(2 * 64); s.err == nil { // each commitment key: two G2 points
		for range n {
			s.g2()
			s.g2()
		}
	}
	if err := s.end(); err != nil {
		return nil, &MalformedError{Input: "verifying key", Err: err}
	}
	var vk groth16bn254.VerifyingKey
	if err := readAll(&vk, b); err != nil {
		return nil, &MalformedError{Input: "verifying key", Err: err}
	}
	if err := checkKeyShape(&vk); err != nil {
		return nil, err
	}
	return &vk, nil
}

// readAll decodes b into r, which must consume all of it.
func readAll(r io.ReaderFrom, b []byte) error {
	n, err := r.ReadFrom(bytes.NewReader(b))
	if err != nil {
		return err
	}
	if n != int64(len(b)) {
		return fmt.Errorf("decoded %d of %d bytes", n, len(b))
	}
	return nil
}

// EncodePublicInputs returns the public inputs as gnark encodes a public
// witness (witness.MarshalBinary): the number of public and of secret
// values (4 bytes each, big endian), then the vector: its length (4 bytes)
// and each element (32 bytes, big endian).
func EncodePublicInputs(inputs []fr.Element) []byte {
	b := make([]byte, 12, 12+fr.Bytes*len(inputs))
	binary.BigEndian.PutUint32(b[0:], uint32(len(inputs)))
	binary.BigEndian.PutUint32(b[8:], uint32(len(inputs)))
	for i := range inputs {
		v := inputs[i].Bytes()
		b = append(b, v[:]...)
	}
	return b
}

// ParsePublicInputs decodes public inputs in either of the encodings
// Provenant writes: gnark's binary public witness ([EncodePublicInputs]) or
// a JSON array of decimal strings (snarkjs public.json). Every value must
// be a canonical field element, less than the BN254 scalar field modulus.
func ParsePublicInputs(b []byte) ([]fr.Element, error) {
	if len(b) > MaxPublicInputsBytes {
		return nil, malformed("public inputs", "%d bytes, more than the %d allowed", len(b), MaxPublicInputsBytes)
	}
	if t := bytes.TrimSpace(b); len(t) > 0 && t[0] == '[' {
		return parsePublicJSON(t)
	}
	return parsePublicBinary(b)
}

func parsePublicBinary(b []byte) ([]fr.Element, error) {
	if len(b) < 12 {
		return nil, malformed("public inputs", "%d bytes, shorter than the 12-byte header", len(b))
	}
	nbPublic := binary.BigEndian.Uint32(b[0:])
	nbSecret := binary.BigEndian.Uint32(b[4:])
	n := binary.BigEndian.Uint32(b[8:])
	switch {
	case nbSecret != 0:
		return nil, malformed("public inputs", "the witness holds %d secret values: only a public witness may be given", nbSecret)
	case n != nbPublic:
		return nil, malformed("public inputs", "header says %d public values, vector holds %d", nbPublic, n)
	case n > MaxPublicInputs:
		return nil, malformed("public inputs", "%d values, more than the %d allowed", n, MaxPublicInputs)
	case len(b) != 12+fr.Bytes*int(n):
		return nil, malformed("public inputs", "%d bytes for %d values, want %d", len(b), n, 12+fr.Bytes*int(n))
	}
	out := make([]fr.Element, n)
	for i := range out {
		if err := out[i].SetBytesCanonical(b[12+fr.Bytes*i : 12+fr.Bytes*(i+1)]); err != nil {
			return nil, malformed("public inputs", "value %d: %v", i, err)
		}
	}
	return out, nil
}

func parsePublicJSON(b []byte) ([]fr.Element, error) {
	var values []json.RawMessage
	if err := json.Unmarshal(b, &values); err != nil {
		return nil, malformed("public inputs", "JSON: %v", err)
	}
	if len(values) > MaxPublicInputs {
		return nil, malformed("public inputs", "%d values, more than the %d allowed", len(values), MaxPublicInputs)
	}
	out := make([]fr.Element, len(values))
	for i, raw := range values {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, malformed("public inputs", "value %d: want a decimal string, got %s", i, raw)
		}
		v, err := ParseDecimal(s)
		if err != nil {
			return nil, malformed("public inputs", "value %d: %v", i, err)
		}
		out[i] = v
	}
	return out, nil
}

// ParseDecimal parses a canonical field element written in decimal, as
// snarkjs writes them: digits only, no sign, less than the modulus.
func ParseDecimal(s string) (fr.Element, error) {
	var e fr.Element
	if s == "" || len(s) > 78 || strings.TrimLeft(s, "0123456789") != "" {
		return e, fmt.Errorf("%q is not a decimal number below the field modulus", s)
	}
	var v big.Int
	v.SetString(s, 10)
	if v.Cmp(fr.Modulus()) >= 0 {
		return e, fmt.Errorf("%s is not less than the field modulus", s)
	}
	e.SetBigInt(&v)
	return e, nil
}

// scanner walks gnark's binary encoding of BN254 objects without decoding
// points, to check every length prefix against the bytes that remain before
// gnark's decoder allocates what the prefix says.
type scanner struct {
	b   []byte
	off int
	err error
}

// BN254 encoded sizes; the two most significant bits of a point's first
// byte say whether it is compressed.
const (
	g1Compressed   = 32
	g1Uncompressed = 64
	g2Compressed   = 64
	g2Uncompressed = 128
)

func (s *scanner) fail(format string, args ...any) {
	if s.err == nil {
		s.err = fmt.Errorf("at byte %d: %s", s.off, fmt.Sprintf(format, args...))
	}
}

func (s *scanner) skip(n int) {
	if s.err != nil {
		return
	}
	if n > len(s.b)-s.off {
		s.fail("truncated")
		return
	}
	s.off += n
}

func (s *scanner) point(compressed, uncompressed int) {
	if s.err != nil {
		return
	}
	if s.off >= len(s.b) {
		s.fail("truncated")
		return
	}
	if s.b[s.off]>>6 == 0 {
		s.skip(uncompressed)
	} else {
		s.skip(compressed)
	}
}

func (s *scanner) g1() { s.point(g1Compressed, g1Uncompressed) }
func (s *scanner) g2() { s.point(g2Compressed, g2Uncompressed) }

func (s *scanner) uint32() uint32 {
	if s.err != nil {
		return 0
	}
	if len(s.b)-s.off < 4 {
		s.fail("truncated")
		return 0
	}
	v := binary.BigEndian.Uint32(s.b[s.off:])
	s.off += 4
	return v
}

// count reads a length prefix and checks that that many items of at least
// minSize bytes each fit in what remains.
func (s *scanner) count(minSize int) int {
	n := s.uint32()
	if s.err != nil {
		return 0
	}
	if uint64(n)*uint64(minSize) > uint64(len(s.b)-s.off) {
		s.fail("length %d does not fit in the %d bytes left", n, len(s.b)-s.off)
		return 0
	}
	return int(n)
}

func (s *scanner) g1Slice() {
	for range s.count(g1Compressed) {
		s.g1()
	}
}

func (s *scanner) uint64Slices() {
	for range s.count(4) {
		s.skip(8 * s.count(8))
	}
}

func (s *scanner) end() error {
	if s.err == nil && s.off != len(s.b) {
		s.fail("%d trailing bytes", len(s.b)-s.off)
	}
	return s.err
}
