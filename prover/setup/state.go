package setup

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark/backend/groth16/bn254/mpcsetup"
)

// Ceremony state files come from other participants: before gnark decodes
// one (its decoder allocates whatever a length prefix says), a scan checks
// its whole structure: every point compressed (as gnark writes them), every
// length prefix within the file's size, the domain size the ceremony's.
// The file's hash is taken in the same pass.

// Encoded sizes of compressed BN254 points.
const (
	g1Size = 32
	g2Size = 64
	// challengeSize is the length of a contribution's challenge (SHA-256).
	challengeSize = sha256.Size
)

// scan walks a state file without decoding its points.
type scan struct {
	r    *bufio.Reader
	left int64
	err  error
}

func (s *scan) fail(format string, args ...any) {
	if s.err == nil {
		s.err = fmt.Errorf(format, args...)
	}
}

func (s *scan) read(n int) []byte {
	if s.err != nil {
		return nil
	}
	if int64(n) > s.left {
		s.fail("truncated")
		return nil
	}
	b, err := s.r.Peek(n)
	if err != nil {
		s.fail("read: %v", err)
		return nil
	}
	s.r.Discard(n)
	s.left -= int64(n)
	return b
}

func (s *scan) skip(n int) {
	if s.err != nil {
		return
	}
	if int64(n) > s.left {
		s.fail("truncated")
		return
	}
	if _, err := s.r.Discard(n); err != nil {
		s.fail("read: %v", err)
		return
	}
	s.left -= int64(n)
}

func (s *scan) point(size int) {
	if s.err != nil {
		return
	}
	b, err := s.r.Peek(1)
	if err != nil || s.left < 1 {
		s.fail("truncated")
		return
	}
	if b[0]>>6 == 0 {
		s.fail("uncompressed point")
		return
	}
	s.skip(size)
}

func (s *scan) points(n uint64, size int) {
	if s.err != nil {
		return
	}
	if n > uint64(s.left)/uint64(size) {
		s.fail("%d points do not fit in the %d bytes left", n, s.left)
		return
	}
	for range n {
		s.point(size)
	}
}

func (s *scan) uint(size int) uint64 {
	b := s.read(size)
	if b == nil {
		return 0
	}
	var v uint64
	for _, c := range b {
		v = v<<8 | uint64(c)
	}
	return v
}

// slice scans a length-prefixed slice of points and returns its length.
func (s *scan) slice(size int) int {
	n := s.uint(4)
	s.points(n, size)
	return int(n)
}

// challenge scans the challenge that ends every state: none in an initial
// state, a SHA-256 in a contribution.
func (s *scan) challenge(contribution bool) {
	n := int(s.uint(1))
	want := 0
	if contribution {
		want = challengeSize
	}
	if s.err == nil && n != want {
		s.fail("challenge of %d bytes, want %d", n, want)
	}
	s.skip(n)
}

func (s *scan) end() error {
	if s.err == nil && s.left != 0 {
		s.fail("%d trailing bytes", s.left)
	}
	return s.err
}

// scanCommons scans the SRS commons (the part of a phase-1 state after the
// update proofs, and the sealed phase 1).
func (s *scan) commons(n uint64) {
	if got := s.uint(8); s.err == nil && got != n {
		s.fail("domain size %d, the ceremony's is %d", got, n)
		return
	}
	s.point(g2Size)         // [β]₂
	s.points(2*n-2, g1Size) // [τⁱ]₁, 1 ≤ i ≤ 2N-2
	s.points(n-1, g2Size)   // [τⁱ]₂, 1 ≤ i ≤ N-1
	s.points(2*n, g1Size)   // [βτⁱ]₁, [ατⁱ]₁
}

func (s *scan) updateProof() {
	s.point(g1Size)
	s.point(g2Size)
}

func scanPhase1(n uint64, contribution bool) func(*scan) {
	return func(s *scan) {
		s.updateProof() // τ
		s.updateProof() // α
		s.updateProof() // β
		s.commons(n)
		s.challenge(contribution)
	}
}

func scanCommons(n uint64) func(*scan) {
	return func(s *scan) { s.commons(n) }
}

// phase2Shape is the sizes of a phase-2 state's vectors, the same in every
// state of a ceremony.
type phase2Shape struct {
	pkk, z   int
	sigmaCKK []int
}

func (a phase2Shape) equal(b phase2Shape) bool {
	if a.pkk != b.pkk || a.z != b.z || len(a.sigmaCKK) != len(b.sigmaCKK) {
		return false
	}
	for i := range a.sigmaCKK {
		if a.sigmaCKK[i] != b.sigmaCKK[i] {
			return false
		}
	}
	return true
}

func scanPhase2(contribution bool, shape *phase2Shape) func(*scan) {
	return func(s *scan) {
		nbCommitments := int(s.uint(2))
		s.point(g1Size) // δ
		shape.pkk = s.slice(g1Size)
		shape.z = s.slice(g1Size)
		s.point(g2Size) // δ
		shape.sigmaCKK = nil
		for i := 0; i < nbCommitments && s.err == nil; i++ {
			shape.sigmaCKK = append(shape.sigmaCKK, s.slice(g1Size))
		}
		s.points(uint64(nbCommitments), g2Size) // σ
		s.updateProof()                         // δ
		for i := 0; i < nbCommitments && s.err == nil; i++ {
			s.updateProof() // σᵢ
		}
		s.challenge(contribution)
	}
}

// fullReader makes every Read fill its buffer unless the input ends: gnark
// reads a state's challenge with a single Read.
type fullReader struct{ r io.Reader }

func (f fullReader) Read(p []byte) (int, error) {
	n, err := io.ReadFull(f.r, p)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		err = io.EOF
	}
	return n, err
}

// readState scans the file at path with check, hashes it and, when want is
// not empty, compares the hash with it; then decodes it into v and checks
// that gnark would encode v to the same bytes, so that the file's hash is
// the state's hash (the challenge of the next contribution). It returns the
// hex SHA-256 of the file.
func readState(path string, check func(*scan), want string, v interface {
	io.ReaderFrom
	io.WriterTo
}) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return "", err
	}
	h := sha256.New()
	s := &scan{r: bufio.NewReaderSize(io.TeeReader(f, h), 1<<20), left: info.Size()}
	check(s)
	if err := s.end(); err != nil {
		return "", fmt.Errorf("%s: malformed state: %w", path, err)
	}
	got := hex.EncodeToString(h.Sum(nil))
	if want != "" && got != want {
		return got, &IntegrityError{File: path, Want: want, Got: got}
	}
	if v == nil {
		return got, nil
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return got, err
	}
	n, err := v.ReadFrom(fullReader{bufio.NewReaderSize(f, 1<<20)})
	if err != nil {
		return got, fmt.Errorf("%s: decode: %w", path, err)
	}
	if n != info.Size() {
		return got, fmt.Errorf("%s: decoded %d of %d bytes", path, n, info.Size())
	}
	if canonical, err := stateHash(v); err != nil {
		return got, err
	} else if canonical != got {
		return got, fmt.Errorf("%s: not in gnark's canonical encoding (re-encoded SHA-256 %s)", path, canonical)
	}
	return got, nil
}

// stateHash returns the hex SHA-256 of v's encoding: for a ceremony state,
// the hash the next contribution's challenge must equal.
func stateHash(v io.WriterTo) (string, error) {
	h := sha256.New()
	if _, err := v.WriteTo(h); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// writeState writes v to path through a temporary file and returns its hex
// SHA-256. Callers hold the ceremony lock and write only paths the
// transcript does not name yet: a file there is left by an interrupted
// step and is replaced.
func writeState(path string, v io.WriterTo) (string, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", err
	}
	tmp := path + ".tmp"
	os.Remove(tmp) // left by an interrupted step
	hash, err := writeFile(tmp, v.WriteTo)
	if err != nil {
		return "", err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return "", err
	}
	return hash, nil
}

// Decoded states; the readers check the domain size and shape.

func readPhase1(path string, n uint64, contribution bool, want string) (*mpcsetup.Phase1, string, error) {
	var p mpcsetup.Phase1
	hash, err := readState(path, scanPhase1(n, contribution), want, &p)
	return &p, hash, err
}

func readCommons(path string, n uint64, want string) (*mpcsetup.SrsCommons, error) {
	var c mpcsetup.SrsCommons
	_, err := readState(path, scanCommons(n), want, &c)
	return &c, err
}

func readPhase2(path string, contribution bool, want string, shape *phase2Shape) (*mpcsetup.Phase2, string, error) {
	var p mpcsetup.Phase2
	hash, err := readState(path, scanPhase2(contribution, shape), want, &p)
	return &p, hash, err
}

// evaluations encodes phase 2's evaluations (the circuit's polynomials at
// τ, which Initialize computes once and Seal needs again): recomputing them
// costs more than everything else in phase 2, so Phase1Seal keeps them in
// phase2/evaluations.bin.
type evaluations struct {
	*mpcsetup.Phase2Evaluations
}

// WriteTo writes A, B, VKK ([]G1), CKK (count, then each []G1), B ([]G2)
// and the committed indexes ([][]uint64), compressed.
func (e evaluations) WriteTo(w io.Writer) (int64, error) {
	enc := curve.NewEncoder(w)
	committed := make([][]uint64, len(e.PublicAndCommitmentCommitted))
	for i, s := range e.PublicAndCommitmentCommitted {
		for _, v := range s {
			committed[i] = append(committed[i], uint64(v))
		}
	}
	items := []any{e.G1.A, e.G1.B, e.G1.VKK, uint32(len(e.G1.CKK))}
	for _, s := range e.G1.CKK {
		items = append(items, s)
	}
	items = append(items, e.G2.B, committed)
	for _, v := range items {
		if err := enc.Encode(v); err != nil {
			return enc.BytesWritten(), err
		}
	}
	return enc.BytesWritten(), nil
}

// ReadFrom reads what WriteTo wrote.
func (e evaluations) ReadFrom(r io.Reader) (int64, error) {
	dec := curve.NewDecoder(r)
	var nbCKK uint32
	for _, v := range []any{&e.G1.A, &e.G1.B, &e.G1.VKK, &nbCKK} {
		if err := dec.Decode(v); err != nil {
			return dec.BytesRead(), err
		}
	}
	e.G1.CKK = make([][]curve.G1Affine, nbCKK)
	for i := range e.G1.CKK {
		if err := dec.Decode(&e.G1.CKK[i]); err != nil {
			return dec.BytesRead(), err
		}
	}
	var committed [][]uint64
	for _, v := range []any{&e.G2.B, &committed} {
		if err := dec.Decode(v); err != nil {
			return dec.BytesRead(), err
		}
	}
	e.PublicAndCommitmentCommitted = make([][]int, len(committed))
	for i, s := range committed {
		for _, v := range s {
			e.PublicAndCommitmentCommitted[i] = append(e.PublicAndCommitmentCommitted[i], int(v))
		}
	}
	return dec.BytesRead(), nil
}

// scanEvaluations checks the vectors' lengths: nWires points in A, B and
// B₂, fewer in the others.
func scanEvaluations(nWires int) func(*scan) {
	return func(s *scan) {
		exact := func(n int) {
			if s.err == nil && n != nWires {
				s.fail("vector of %d points, the circuit has %d wires", n, nWires)
			}
		}
		exact(s.slice(g1Size)) // A
		exact(s.slice(g1Size)) // B
		s.slice(g1Size)        // VKK
		nbCKK := s.uint(4)
		if s.err == nil && nbCKK > uint64(nWires) {
			s.fail("%d commitments", nbCKK)
		}
		for i := uint64(0); i < nbCKK && s.err == nil; i++ {
			s.slice(g1Size)
		}
		exact(s.slice(g2Size)) // B₂
		nbCommitted := s.uint(4)
		if s.err == nil && nbCommitted != nbCKK {
			s.fail("%d committed lists for %d commitments", nbCommitted, nbCKK)
		}
		for i := uint64(0); i < nbCommitted && s.err == nil; i++ {
			n := s.uint(4)
			if s.err == nil && n > uint64(s.left)/8 {
				s.fail("%d indexes do not fit in the %d bytes left", n, s.left)
				return
			}
			s.skip(int(8 * n))
		}
	}
}

func readEvaluations(path string, nWires int, want string) (*mpcsetup.Phase2Evaluations, error) {
	var e mpcsetup.Phase2Evaluations
	_, err := readState(path, scanEvaluations(nWires), want, evaluations{&e})
	return &e, err
}
