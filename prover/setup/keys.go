package setup

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"

	"github.com/provenant/provenant/prover/verify"
)

// Kind says how a key pair was made.
type Kind string

const (
	// KindDevInsecure keys come from a single-party setup whose secret
	// (toxic waste) was in one process's memory: anyone who had it can
	// forge proofs. For development and tests only.
	KindDevInsecure Kind = "dev-insecure"
	// KindCeremony keys come from a multi-party ceremony: they are sound
	// unless every contributor kept or leaked their randomness.
	KindCeremony Kind = "ceremony"
)

// Files of a key directory.
const (
	VerifyingKeyFile = "vk.bin"
	ProvingKeyFile   = "pk.bin"
	R1CSFile         = "r1cs.bin"
	MetaFile         = "meta.json"
	// InsecureFile marks a directory of dev keys.
	InsecureFile = "INSECURE-DEV-KEYS.txt"
)

const keysFormat = "provenant-groth16-keys-v1"

// Keys are a circuit's Groth16 proving and verifying keys (BN254) with its
// compiled constraint system, which the prover needs beside the proving
// key.
type Keys struct {
	CircuitID    string
	ProvingKey   groth16.ProvingKey
	VerifyingKey groth16.VerifyingKey
	CS           constraint.ConstraintSystem
	// Kind says how the keys were made.
	Kind Kind
	// Created is when the keys were made.
	Created time.Time
	// Transcript is the ceremony's record, for KindCeremony keys.
	Transcript *Transcript
}

// Insecure reports whether the keys come from a single-party setup.
func (k *Keys) Insecure() bool { return k.Kind != KindCeremony }

// Hash returns the key hash that names the keys: the hex SHA-256 of the
// verifying key's compressed encoding (VerifyingKey.WriteTo).
func (k *Keys) Hash() (string, error) { return VerifyingKeyHash(k.VerifyingKey) }

// VerifyingKeyHash returns the hex SHA-256 of vk's compressed encoding.
func VerifyingKeyHash(vk groth16.VerifyingKey) (string, error) {
	if vk == nil {
		return "", errors.New("no verifying key")
	}
	h := sha256.New()
	if _, err := vk.WriteTo(h); err != nil {
		return "", fmt.Errorf("encode verifying key: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Meta is a key directory's meta.json: what the keys are and how they were
// made.
type Meta struct {
	Format    string `json:"format"`
	CircuitID string `json:"circuit_id"`
	// KeyHash is the hex SHA-256 of vk.bin, also the directory's name.
	KeyHash      string    `json:"key_hash"`
	Kind         Kind      `json:"kind"`
	Warning      string    `json:"warning,omitempty"`
	Constraints  int       `json:"constraints"`
	PublicInputs int       `json:"public_inputs"`
	Created      time.Time `json:"created"`
	// Files holds the hex SHA-256 of pk.bin and r1cs.bin.
	Files map[string]string `json:"files"`
	// Ceremony is the transcript of a ceremony's keys: every
	// contribution's hash and the beacons.
	Ceremony *Transcript `json:"ceremony,omitempty"`
}

// ErrNotFound reports that a key store holds no such keys.
var ErrNotFound = errors.New("keys not found")

// IntegrityError reports a file whose SHA-256 is not the one recorded for
// it: the file was altered or replaced.
type IntegrityError struct {
	File      string
	Want, Got string
}

func (e *IntegrityError) Error() string {
	return fmt.Sprintf("%s: SHA-256 %s, recorded %s: the file was altered", e.File, e.Got, e.Want)
}

var idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`)

// CheckCircuitID reports whether id can name a circuit: 1 to 128 letters,
// digits, dots, dashes and underscores, not starting with a symbol.
func CheckCircuitID(id string) error {
	if !idPattern.MatchString(id) {
		return fmt.Errorf("circuit ID %q: want 1 to 128 of A-Z a-z 0-9 . _ -, starting with a letter or digit", id)
	}
	return nil
}

func checkKeyHash(h string) error {
	if b, err := hex.DecodeString(h); err != nil || len(b) != sha256.Size || hex.EncodeToString(b) != h {
		return fmt.Errorf("key hash %q: want 64 lower-case hex digits", h)
	}
	return nil
}

// Dir is a key store on disk, content-addressed: the keys of a circuit live
// in <dir>/<circuit ID>/<key hash>/ as vk.bin (compressed), pk.bin
// (uncompressed, fast to load), r1cs.bin and meta.json; dev keys also get
// INSECURE-DEV-KEYS.txt.
type Dir struct {
	path string
	cfg  config
}

// NewDir returns the key store rooted at path; Save creates it.
func NewDir(path string, opts ...Option) Dir { return Dir{path: path, cfg: newConfig(opts)} }

// Path returns the key store's root.
func (d Dir) Path() string { return d.path }

// KeyPath returns the directory of one key pair.
func (d Dir) KeyPath(circuitID, keyHash string) string {
	return filepath.Join(d.path, circuitID, keyHash)
}

// Save writes the keys into the store and returns their key hash. Saving
// keys already there changes nothing.
func (d Dir) Save(ctx context.Context, k *Keys) (string, error) {
	if err := CheckCircuitID(k.CircuitID); err != nil {
		return "", err
	}
	if k.ProvingKey == nil || k.VerifyingKey == nil || k.CS == nil {
		return "", errors.New("save keys: proving key, verifying key and constraint system are all needed")
	}
	if _, err := bn254R1CS(k.CS); err != nil {
		return "", fmt.Errorf("save keys: %w", err)
	}
	if k.ProvingKey.CurveID() != ecc.BN254 || k.VerifyingKey.CurveID() != ecc.BN254 {
		return "", errors.New("save keys: BN254 keys only")
	}
	if k.Kind != KindDevInsecure && k.Kind != KindCeremony {
		return "", fmt.Errorf("save keys: kind %q, want %q or %q", k.Kind, KindDevInsecure, KindCeremony)
	}
	var vk bytes.Buffer
	if _, err := k.VerifyingKey.WriteTo(&vk); err != nil {
		return "", fmt.Errorf("encode verifying key: %w", err)
	}
	sum := sha256.Sum256(vk.Bytes())
	hash := hex.EncodeToString(sum[:])
	final := d.KeyPath(k.CircuitID, hash)
	if _, err := os.Stat(filepath.Join(final, MetaFile)); err == nil {
		d.cfg.log.InfoContext(ctx, "keys already saved", "circuit_id", k.CircuitID, "key_hash", hash, "dir", final)
		return hash, nil
	}
	parent := filepath.Join(d.path, k.CircuitID)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(parent, ".saving-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)

	created := k.Created
	if created.IsZero() {
		created = time.Now()
	}
	meta := Meta{
		Format:       keysFormat,
		CircuitID:    k.CircuitID,
		KeyHash:      hash,
		Kind:         k.Kind,
		Constraints:  k.CS.GetNbConstraints(),
		PublicInputs: verify.NbPublicInputs(k.VerifyingKey),
		Created:      created.UTC(),
		Files:        map[string]string{},
		Ceremony:     k.Transcript,
	}
	cfg := d.cfg
	if k.Kind == KindDevInsecure {
		meta.Warning = insecureText
		cfg = cfg.insecure()
		if err := os.WriteFile(filepath.Join(tmp, InsecureFile), []byte(insecureText+"\n"), 0o644); err != nil {
			return "", err
		}
	}
	if err := os.WriteFile(filepath.Join(tmp, VerifyingKeyFile), vk.Bytes(), 0o644); err != nil {
		return "", err
	}
	err = cfg.step(ctx, "write keys", func() error {
		pkHash, err := writeFile(filepath.Join(tmp, ProvingKeyFile), k.ProvingKey.WriteRawTo)
		if err != nil {
			return err
		}
		csHash, err := writeFile(filepath.Join(tmp, R1CSFile), k.CS.WriteTo)
		if err != nil {
			return err
		}
		meta.Files[ProvingKeyFile], meta.Files[R1CSFile] = pkHash, csHash
		return nil
	}, "circuit_id", k.CircuitID, "key_hash", hash)
	if err != nil {
		return "", err
	}
	if err := writeJSON(filepath.Join(tmp, MetaFile), meta); err != nil {
		return "", err
	}
	if err := os.Chmod(tmp, 0o755); err != nil { // MkdirTemp makes it 0700
		return "", err
	}
	if err := os.Rename(tmp, final); err != nil {
		if _, statErr := os.Stat(filepath.Join(final, MetaFile)); statErr == nil {
			return hash, nil // saved meanwhile by another process
		}
		return "", fmt.Errorf("save keys: %w", err)
	}
	cfg.logf(ctx, "keys saved", "circuit_id", k.CircuitID, "key_hash", hash, "kind", k.Kind, "dir", final)
	return hash, nil
}

const insecureText = "INSECURE: these Groth16 keys come from a single-party setup (provenant setup dev). " +
	"Whoever held that process's memory can forge proofs that verify under them. " +
	"Use them for development and tests only; production keys come from a multi-party ceremony (provenant setup ceremony)."

// Meta reads the meta.json of one key pair.
func (d Dir) Meta(circuitID, keyHash string) (Meta, error) {
	if err := CheckCircuitID(circuitID); err != nil {
		return Meta{}, err
	}
	if err := checkKeyHash(keyHash); err != nil {
		return Meta{}, err
	}
	var m Meta
	b, err := os.ReadFile(filepath.Join(d.KeyPath(circuitID, keyHash), MetaFile))
	if errors.Is(err, fs.ErrNotExist) {
		return m, fmt.Errorf("%w: circuit %s, key %s in %s", ErrNotFound, circuitID, keyHash, d.path)
	}
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("%s: %w", MetaFile, err)
	}
	if m.Format != keysFormat || m.CircuitID != circuitID || m.KeyHash != keyHash {
		return m, fmt.Errorf("%s of %s/%s names format %q, circuit %q, key %q", MetaFile, circuitID, keyHash, m.Format, m.CircuitID, m.KeyHash)
	}
	return m, nil
}

// List returns the metadata of every key pair of the circuit, oldest
// first.
func (d Dir) List(circuitID string) ([]Meta, error) {
	if err := CheckCircuitID(circuitID); err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(filepath.Join(d.path, circuitID))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Meta
	for _, e := range entries {
		if !e.IsDir() || checkKeyHash(e.Name()) != nil {
			continue
		}
		m, err := d.Meta(circuitID, e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b Meta) int {
		if c := a.Created.Compare(b.Created); c != 0 {
			return c
		}
		return bytes.Compare([]byte(a.KeyHash), []byte(b.KeyHash))
	})
	return out, nil
}

// Latest returns the metadata of the circuit's most recently created keys.
func (d Dir) Latest(circuitID string) (Meta, error) {
	all, err := d.List(circuitID)
	if err != nil {
		return Meta{}, err
	}
	if len(all) == 0 {
		return Meta{}, fmt.Errorf("%w: no keys for circuit %s in %s", ErrNotFound, circuitID, d.path)
	}
	return all[len(all)-1], nil
}

// LoadVerifyingKey reads only the verifying key of one key pair, checking
// its hash: what a verifier needs.
func (d Dir) LoadVerifyingKey(circuitID, keyHash string) (groth16.VerifyingKey, Meta, error) {
	m, err := d.Meta(circuitID, keyHash)
	if err != nil {
		return nil, m, err
	}
	dir := d.KeyPath(circuitID, keyHash)
	b, err := readBounded(filepath.Join(dir, VerifyingKeyFile), verify.MaxVerifyingKeyBytes)
	if err != nil {
		return nil, m, err
	}
	sum := sha256.Sum256(b)
	if got := hex.EncodeToString(sum[:]); got != keyHash {
		return nil, m, &IntegrityError{File: filepath.Join(dir, VerifyingKeyFile), Want: keyHash, Got: got}
	}
	vk, err := verify.ParseVerifyingKey(b)
	if err != nil {
		return nil, m, fmt.Errorf("%s: %w", filepath.Join(dir, VerifyingKeyFile), err)
	}
	if m.Kind == KindDevInsecure {
		d.cfg.insecure().logf(context.Background(), "loaded verifying key", "circuit_id", circuitID, "key_hash", keyHash)
	}
	return vk, m, nil
}

// Load reads one key pair, refusing any file whose hash is not the one
// recorded: vk.bin must hash to keyHash, pk.bin and r1cs.bin to the hashes
// in meta.json.
func (d Dir) Load(ctx context.Context, circuitID, keyHash string) (*Keys, error) {
	vk, m, err := d.LoadVerifyingKey(circuitID, keyHash)
	if err != nil {
		return nil, err
	}
	dir := d.KeyPath(circuitID, keyHash)
	cfg := d.cfg
	if m.Kind == KindDevInsecure {
		cfg = cfg.insecure()
	}
	k := &Keys{CircuitID: circuitID, VerifyingKey: vk, Kind: m.Kind, Created: m.Created, Transcript: m.Ceremony,
		ProvingKey: groth16.NewProvingKey(ecc.BN254), CS: groth16.NewCS(ecc.BN254)}
	err = cfg.step(ctx, "load keys", func() error {
		// The hash check comes first, so the unchecked (fast) decoding of
		// the proving key only ever reads the bytes that were saved.
		if err := readChecked(filepath.Join(dir, ProvingKeyFile), m.Files[ProvingKeyFile], k.ProvingKey.UnsafeReadFrom); err != nil {
			return err
		}
		return readChecked(filepath.Join(dir, R1CSFile), m.Files[R1CSFile], k.CS.ReadFrom)
	}, "circuit_id", circuitID, "key_hash", keyHash)
	if err != nil {
		return nil, err
	}
	if k.CS.GetNbConstraints() != m.Constraints {
		return nil, fmt.Errorf("%s: %d constraints, meta.json says %d", filepath.Join(dir, R1CSFile), k.CS.GetNbConstraints(), m.Constraints)
	}
	return k, nil
}

// readChecked hashes the file, compares the hash with want, then decodes
// the file with read.
func readChecked(path, want string, read func(io.Reader) (int64, error)) error {
	if err := checkKeyHash(want); err != nil {
		return fmt.Errorf("%s: recorded hash: %w", path, err)
	}
	got, err := hashFile(path)
	if err != nil {
		return err
	}
	if got != want {
		return &IntegrityError{File: path, Want: want, Got: got}
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := read(bufio.NewReaderSize(f, 1<<20)); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func hashFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// writeFile creates path (it must not exist), writes it with write and
// returns the hex SHA-256 of what was written.
func writeFile(path string, write func(io.Writer) (int64, error)) (string, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	bw := bufio.NewWriterSize(io.MultiWriter(f, h), 1<<20)
	_, err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// writeJSON replaces path with v, indented, atomically.
func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// readBounded reads a file of at most limit bytes.
func readBounded(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, limit)
	}
	return b, nil
}
