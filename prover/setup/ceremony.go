package setup

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/backend/groth16/bn254/mpcsetup"
	"github.com/consensys/gnark/constraint"
	csbn254 "github.com/consensys/gnark/constraint/bn254"
)

// A ceremony folder holds a multi-party Groth16 setup (gnark's
// backend/groth16/bn254/mpcsetup) as files, so that contributors can take
// turns on it, each on their own machine:
//
//	ceremony.json          the transcript: circuit, domain size, every state's SHA-256, beacons
//	r1cs.bin               the compiled circuit
//	phase1/0000.bin        phase 1 (powers of τ) initial state
//	phase1/0001.bin …      phase 1 contributions, in order
//	phase1/sealed.bin      phase 1 sealed with its beacon: the SRS commons
//	phase2/0000.bin        phase 2 (circuit-specific) initial state
//	phase2/evaluations.bin the circuit's polynomials at τ, kept for the final seal
//	phase2/0001.bin …      phase 2 contributions, in order
//	ceremony.lock          held while a step writes the folder
//
// A state's hash is the SHA-256 of its file; each contribution's challenge
// is the hash of the state it builds on, so the hashes chain. Each
// contributor publishes the hash Contribute returns; anyone can then check
// with VerifyAll that the folder's chain contains their contribution.

// Phase is a ceremony phase: 1 (powers of τ, for any circuit of the domain
// size) or 2 (specific to the circuit).
type Phase int

// The ceremony's phases.
const (
	Phase1 Phase = 1
	Phase2 Phase = 2
)

const (
	ceremonyFormat = "provenant-groth16-ceremony-v1"
	manifestFile   = "ceremony.json"
	lockFile       = "ceremony.lock"
	sealedFile     = "phase1/sealed.bin"
	evalsFile      = "phase2/evaluations.bin"
	// MinBeaconBytes is the shortest beacon accepted.
	MinBeaconBytes = 16
	// maxDomain bounds the domain size a ceremony folder may declare.
	maxDomain = 1 << 28
)

// Errors a ceremony step returns when the folder is not in the state the
// step needs.
var (
	ErrCeremonyExists = errors.New("a ceremony already exists there")
	ErrNoCeremony     = errors.New("no ceremony there")
	ErrSealed         = errors.New("phase already sealed")
	ErrNotReady       = errors.New("ceremony not ready for this step")
	ErrBusy           = errors.New("ceremony folder busy")
)

// Transcript is a ceremony's record, kept in ceremony.json and copied into
// the meta.json of the keys it produces.
type Transcript struct {
	Format       string    `json:"format"`
	CircuitID    string    `json:"circuit_id"`
	Constraints  int       `json:"constraints"`
	PublicInputs int       `json:"public_inputs"`
	DomainSize   uint64    `json:"domain_size"`
	R1CS         string    `json:"r1cs_sha256"`
	Gnark        string    `json:"gnark,omitempty"`
	Created      time.Time `json:"created"`
	Phase1       PhaseLog  `json:"phase1"`
	Phase2       PhaseLog  `json:"phase2"`
}

// PhaseLog records one phase.
type PhaseLog struct {
	// Initial is the SHA-256 of the initial state (anyone can recompute
	// it: phase 1 from the domain size, phase 2 from phase 1 and the
	// circuit).
	Initial       string         `json:"initial_sha256,omitempty"`
	Contributions []Contribution `json:"contributions"`
	// Beacon is the public random value (hex) that sealed the phase.
	Beacon string `json:"beacon,omitempty"`
	// Sealed is, for phase 1, the SHA-256 of phase1/sealed.bin; for phase
	// 2, the key hash of the keys.
	Sealed   string    `json:"sealed,omitempty"`
	SealedAt time.Time `json:"sealed_at,omitzero"`
	// Evaluations is, for phase 2, the SHA-256 of phase2/evaluations.bin,
	// the circuit's polynomials at τ that Seal needs.
	Evaluations string `json:"evaluations_sha256,omitempty"`
}

// Contribution is one participant's contribution.
type Contribution struct {
	Phase Phase `json:"phase"`
	Index int   `json:"index"`
	// File is the state file, relative to the ceremony folder.
	File string `json:"file"`
	// Hash is the SHA-256 of the file: the value the contributor
	// publishes.
	Hash string `json:"sha256"`
	// Previous is the SHA-256 of the state it builds on (its challenge).
	Previous string    `json:"previous_sha256"`
	Created  time.Time `json:"created"`
	// Elapsed is how long the contribution took.
	Elapsed time.Duration `json:"elapsed_ns"`
}

// ContributionError reports a contribution (or initial state, Index 0)
// that does not verify: the first bad one of the chain.
type ContributionError struct {
	Phase Phase
	Index int
	File  string
	Hash  string
	Err   error
}

func (e *ContributionError) Error() string {
	what := fmt.Sprintf("contribution %d", e.Index)
	if e.Index == 0 {
		what = "initial state"
	}
	return fmt.Sprintf("phase %d %s (%s, sha256 %s) is invalid: %v", e.Phase, what, e.File, e.Hash, e.Err)
}

// Unwrap returns the cause.
func (e *ContributionError) Unwrap() error { return e.Err }

func (t *Transcript) phase(p Phase) *PhaseLog {
	if p == Phase1 {
		return &t.Phase1
	}
	return &t.Phase2
}

// stateHash returns the hash of state i of a phase (0: the initial one).
func (l *PhaseLog) stateHash(i int) string {
	if i == 0 {
		return l.Initial
	}
	return l.Contributions[i-1].Hash
}

func statePath(p Phase, i int) string {
	return filepath.Join(fmt.Sprintf("phase%d", p), fmt.Sprintf("%04d.bin", i))
}

// domainSize returns the FFT domain a circuit's ceremony works on.
func domainSize(nbConstraints int) uint64 {
	return max(2, ecc.NextPowerOfTwo(uint64(nbConstraints)))
}

func gnarkVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, d := range info.Deps {
			if d.Path == "github.com/consensys/gnark" {
				return d.Version
			}
		}
	}
	return ""
}

// lockExisting takes the lock of an existing ceremony folder.
func lockExisting(dir string) (func(), error) {
	if _, err := os.Stat(filepath.Join(dir, manifestFile)); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s has no %s (run ceremony init)", ErrNoCeremony, dir, manifestFile)
	}
	return lockCeremony(dir)
}

func readManifest(dir string) (*Transcript, error) {
	b, err := readBounded(filepath.Join(dir, manifestFile), 16<<20)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s has no %s (run ceremony init)", ErrNoCeremony, dir, manifestFile)
	}
	if err != nil {
		return nil, err
	}
	var t Transcript
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("%s: %w", manifestFile, err)
	}
	switch {
	case t.Format != ceremonyFormat:
		return nil, fmt.Errorf("%s: format %q, want %q", manifestFile, t.Format, ceremonyFormat)
	case CheckCircuitID(t.CircuitID) != nil:
		return nil, fmt.Errorf("%s: %w", manifestFile, CheckCircuitID(t.CircuitID))
	case t.DomainSize < 2 || t.DomainSize > maxDomain || t.DomainSize&(t.DomainSize-1) != 0:
		return nil, fmt.Errorf("%s: domain size %d, want a power of two from 2 to %d", manifestFile, t.DomainSize, maxDomain)
	}
	for _, p := range []Phase{Phase1, Phase2} {
		for i, c := range t.phase(p).Contributions {
			if c.Phase != p || c.Index != i+1 || c.File != statePath(p, i+1) {
				return nil, fmt.Errorf("%s: phase %d entry %d names phase %d contribution %d, file %s", manifestFile, p, i+1, c.Phase, c.Index, c.File)
			}
		}
	}
	return &t, nil
}

// CeremonyInit starts a ceremony for the compiled circuit in dir (created
// if needed): it writes the circuit, the phase-1 initial state and
// ceremony.json.
func CeremonyInit(ctx context.Context, dir, circuitID string, cs constraint.ConstraintSystem, opts ...Option) (*Transcript, error) {
	c := newConfig(opts)
	if err := CheckCircuitID(circuitID); err != nil {
		return nil, err
	}
	r1cs, err := bn254R1CS(cs)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	unlock, err := lockCeremony(dir)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if _, err := os.Stat(filepath.Join(dir, manifestFile)); err == nil {
		return nil, fmt.Errorf("%w: %s", ErrCeremonyExists, dir)
	}
	_, _, nbPublic := r1cs.GetNbVariables()
	t := &Transcript{
		Format:       ceremonyFormat,
		CircuitID:    circuitID,
		Constraints:  r1cs.GetNbConstraints(),
		PublicInputs: nbPublic - 1,
		DomainSize:   domainSize(r1cs.GetNbConstraints()),
		Gnark:        gnarkVersion(),
		Created:      time.Now().UTC(),
	}
	// Leftovers of an interrupted init.
	os.Remove(filepath.Join(dir, R1CSFile))
	os.Remove(filepath.Join(dir, statePath(Phase1, 0)))
	if t.R1CS, err = writeState(filepath.Join(dir, R1CSFile), r1cs); err != nil {
		return nil, err
	}
	err = c.step(ctx, "ceremony init: phase 1 initial state", func() error {
		p := mpcsetup.NewPhase1(t.DomainSize)
		h, err := writeState(filepath.Join(dir, statePath(Phase1, 0)), p)
		t.Phase1.Initial = h
		return err
	}, "circuit_id", circuitID, "constraints", t.Constraints, "domain_size", t.DomainSize)
	if err != nil {
		return nil, err
	}
	if err := writeJSON(filepath.Join(dir, manifestFile), t); err != nil {
		return nil, err
	}
	c.logf(ctx, "ceremony initialized", "dir", dir, "circuit_id", circuitID, "domain_size", t.DomainSize, "phase1_initial_sha256", t.Phase1.Initial)
	return t, nil
}

// Contribute adds a contribution to the latest state of the phase: it
// checks that state (its hash, and its proof against the state before),
// contributes randomness that gnark draws from crypto/rand in this process
// and forgets, and writes the next state. The contributor publishes the
// returned Contribution's Hash.
func Contribute(ctx context.Context, dir string, phase Phase, opts ...Option) (*Contribution, error) {
	c := newConfig(opts)
	if phase != Phase1 && phase != Phase2 {
		return nil, fmt.Errorf("phase %d: want 1 or 2", phase)
	}
	unlock, err := lockExisting(dir)
	if err != nil {
		return nil, err
	}
	defer unlock()
	t, err := readManifest(dir)
	if err != nil {
		return nil, err
	}
	record := t.phase(phase)
	switch {
	case record.Beacon != "":
		return nil, fmt.Errorf("%w: phase %d of %s", ErrSealed, phase, dir)
	case phase == Phase2 && t.Phase1.Beacon == "":
		return nil, fmt.Errorf("%w: phase 1 is not sealed yet (seal phase 1 first)", ErrNotReady)
	}
	k := len(record.Contributions)
	attrs := []any{"circuit_id", t.CircuitID, "phase", int(phase), "index", k + 1}

	ch, err := newChain(dir, t, phase)
	if err != nil {
		return nil, err
	}
	var latest ceremonyState
	err = c.step(ctx, fmt.Sprintf("check phase %d state %d", phase, k), func() error {
		st, err := ch.read(k)
		if err != nil {
			return ch.bad(k, err)
		}
		switch {
		case k > 0:
			prev, err := ch.read(k - 1)
			if err != nil {
				return ch.bad(k-1, err)
			}
			if err := verifyLink(prev, st); err != nil {
				return ch.bad(k, err)
			}
		case phase == Phase1:
			// The initial state is cheap to recompute.
			if h, err := stateHash(mpcsetup.NewPhase1(t.DomainSize)); err != nil || h != record.Initial {
				return ch.bad(0, fmt.Errorf("not the initial state of domain size %d", t.DomainSize))
			}
		}
		latest = st
		return nil
	}, attrs...)
	if err != nil {
		return nil, err
	}

	start := time.Now()
	if err := c.step(ctx, fmt.Sprintf("contribute to phase %d", phase), func() error {
		latest.Contribute()
		return nil
	}, attrs...); err != nil {
		return nil, err
	}
	elapsed := time.Since(start)
	prevHash := record.stateHash(k)
	if got := hex.EncodeToString(challengeOf(latest)); got != prevHash {
		return nil, fmt.Errorf("contribution's challenge %s is not the hash %s of the state it builds on", got, prevHash)
	}
	rel := statePath(phase, k+1)
	hash, err := writeState(filepath.Join(dir, rel), latest)
	if err != nil {
		return nil, err
	}
	contribution := Contribution{Phase: phase, Index: k + 1, File: rel, Hash: hash, Previous: prevHash, Created: time.Now().UTC(), Elapsed: elapsed}
	record.Contributions = append(record.Contributions, contribution)
	if err := writeJSON(filepath.Join(dir, manifestFile), t); err != nil {
		return nil, err
	}
	c.logf(ctx, "contribution written: publish its sha256", append(attrs, "file", rel, "sha256", hash, "previous_sha256", prevHash)...)
	return &contribution, nil
}

// Phase1Seal verifies every phase-1 contribution, applies the beacon (a
// public random value revealed after the last contribution, such as a
// future drand round) to get the SRS commons, and prepares phase 2 for the
// ceremony's circuit.
func Phase1Seal(ctx context.Context, dir string, beacon []byte, opts ...Option) (*Transcript, error) {
	c := newConfig(opts)
	if err := checkBeacon(beacon); err != nil {
		return nil, err
	}
	unlock, err := lockExisting(dir)
	if err != nil {
		return nil, err
	}
	defer unlock()
	t, err := readManifest(dir)
	if err != nil {
		return nil, err
	}
	switch {
	case t.Phase1.Beacon != "":
		return nil, fmt.Errorf("%w: phase 1 of %s", ErrSealed, dir)
	case len(t.Phase1.Contributions) == 0:
		return nil, fmt.Errorf("%w: phase 1 has no contribution yet", ErrNotReady)
	}
	r1cs, err := c.readR1CS(ctx, dir, t)
	if err != nil {
		return nil, err
	}
	last, err := c.verifyChain(ctx, dir, t, Phase1, mpcsetup.NewPhase1(t.DomainSize))
	if err != nil {
		return nil, err
	}
	var commons mpcsetup.SrsCommons
	err = c.step(ctx, "seal phase 1 with the beacon", func() error {
		commons = last.(*mpcsetup.Phase1).Seal(beacon)
		h, err := writeState(filepath.Join(dir, sealedFile), &commons)
		t.Phase1.Sealed = h
		return err
	}, "circuit_id", t.CircuitID)
	if err != nil {
		return nil, err
	}
	err = c.step(ctx, "phase 2 initial state", func() error {
		var p mpcsetup.Phase2
		evals := p.Initialize(r1cs, &commons)
		h, err := writeState(filepath.Join(dir, statePath(Phase2, 0)), &p)
		if err != nil {
			return err
		}
		e, err := writeState(filepath.Join(dir, evalsFile), evaluations{&evals})
		t.Phase2.Initial, t.Phase2.Evaluations = h, e
		return err
	}, "circuit_id", t.CircuitID, "constraints", t.Constraints)
	if err != nil {
		return nil, err
	}
	t.Phase1.Beacon = hex.EncodeToString(beacon)
	t.Phase1.SealedAt = time.Now().UTC()
	if err := writeJSON(filepath.Join(dir, manifestFile), t); err != nil {
		return nil, err
	}
	c.logf(ctx, "phase 1 sealed; phase 2 open", "circuit_id", t.CircuitID, "contributions", len(t.Phase1.Contributions),
		"sealed_sha256", t.Phase1.Sealed, "phase2_initial_sha256", t.Phase2.Initial)
	return t, nil
}

// Seal verifies every phase-2 contribution, applies the beacon and returns
// the ceremony's keys, with the transcript. Sealing again with the same
// beacon recomputes the same keys; another beacon is refused.
func Seal(ctx context.Context, dir string, beacon []byte, opts ...Option) (*Keys, error) {
	c := newConfig(opts)
	if err := checkBeacon(beacon); err != nil {
		return nil, err
	}
	unlock, err := lockExisting(dir)
	if err != nil {
		return nil, err
	}
	defer unlock()
	t, err := readManifest(dir)
	if err != nil {
		return nil, err
	}
	switch {
	case t.Phase1.Beacon == "":
		return nil, fmt.Errorf("%w: phase 1 is not sealed yet", ErrNotReady)
	case len(t.Phase2.Contributions) == 0:
		return nil, fmt.Errorf("%w: phase 2 has no contribution yet", ErrNotReady)
	case t.Phase2.Beacon != "" && t.Phase2.Beacon != hex.EncodeToString(beacon):
		return nil, fmt.Errorf("%w: phase 2 of %s, with beacon %s", ErrSealed, dir, t.Phase2.Beacon)
	}
	r1cs, err := c.readR1CS(ctx, dir, t)
	if err != nil {
		return nil, err
	}
	commons, err := readCommons(filepath.Join(dir, sealedFile), t.DomainSize, t.Phase1.Sealed)
	if err != nil {
		return nil, err
	}
	keys, err := c.sealPhase2(ctx, dir, t, r1cs, commons, beacon)
	if err != nil {
		return nil, err
	}
	hash, err := keys.Hash()
	if err != nil {
		return nil, err
	}
	if t.Phase2.Beacon != "" {
		if hash != t.Phase2.Sealed {
			return nil, fmt.Errorf("resealed keys %s differ from the recorded %s", hash, t.Phase2.Sealed)
		}
		return keys, nil
	}
	t.Phase2.Beacon = hex.EncodeToString(beacon)
	t.Phase2.Sealed = hash
	t.Phase2.SealedAt = time.Now().UTC()
	if err := writeJSON(filepath.Join(dir, manifestFile), t); err != nil {
		return nil, err
	}
	keys.Transcript = t
	c.logf(ctx, "ceremony sealed", "circuit_id", t.CircuitID, "key_hash", hash,
		"phase1_contributions", len(t.Phase1.Contributions), "phase2_contributions", len(t.Phase2.Contributions))
	return keys, nil
}

// sealPhase2 verifies the phase-2 chain from the initial state and seals
// it with the beacon, using the evaluations Phase1Seal kept (checked
// against their hash; VerifyAll recomputes them).
func (c config) sealPhase2(ctx context.Context, dir string, t *Transcript, r1cs *csbn254.R1CS, commons *mpcsetup.SrsCommons, beacon []byte) (*Keys, error) {
	var initial ceremonyState
	var evals *mpcsetup.Phase2Evaluations
	if err := c.step(ctx, "read phase 2 initial state and evaluations", func() error {
		ch, err := newChain(dir, t, Phase2)
		if err != nil {
			return err
		}
		if initial, err = ch.read(0); err != nil {
			return ch.bad(0, err)
		}
		nbInternal, nbSecret, nbPublic := r1cs.GetNbVariables()
		evals, err = readEvaluations(filepath.Join(dir, evalsFile), nbInternal+nbSecret+nbPublic, t.Phase2.Evaluations)
		return err
	}, "circuit_id", t.CircuitID); err != nil {
		return nil, err
	}
	last, err := c.verifyChain(ctx, dir, t, Phase2, initial)
	if err != nil {
		return nil, err
	}
	keys := &Keys{CircuitID: t.CircuitID, CS: r1cs, Kind: KindCeremony, Created: time.Now().UTC(), Transcript: t}
	err = c.step(ctx, "seal phase 2 with the beacon", func() error {
		keys.ProvingKey, keys.VerifyingKey = last.(*mpcsetup.Phase2).Seal(commons, evals, beacon)
		return nil
	}, "circuit_id", t.CircuitID)
	if err != nil {
		return nil, err
	}
	return keys, nil
}

// VerifyAll checks a whole ceremony folder from scratch: the circuit
// against its hash; every contribution of each phase, in order, from the
// recomputed initial state; the sealed phase 1 and phase 2 initial state
// against their recomputation; and the sealed keys' hash. It returns the
// transcript when everything holds, or a *ContributionError naming the
// first bad contribution. Run it on a folder no step is writing.
func VerifyAll(ctx context.Context, dir string, opts ...Option) (*Transcript, error) {
	c := newConfig(opts)
	t, err := readManifest(dir)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	r1cs, err := c.readR1CS(ctx, dir, t)
	if err != nil {
		return nil, err
	}
	last, err := c.verifyChain(ctx, dir, t, Phase1, mpcsetup.NewPhase1(t.DomainSize))
	if err != nil {
		return nil, err
	}
	if t.Phase1.Beacon == "" {
		if t.Phase2.Initial != "" || len(t.Phase2.Contributions) > 0 {
			return nil, fmt.Errorf("%s: phase 2 started before phase 1 was sealed", manifestFile)
		}
		c.logf(ctx, "ceremony verified: phase 1 open", "circuit_id", t.CircuitID, "phase1_contributions", len(t.Phase1.Contributions), "elapsed", time.Since(start).Round(time.Millisecond))
		return t, nil
	}
	beacon, err := hex.DecodeString(t.Phase1.Beacon)
	if err != nil {
		return nil, fmt.Errorf("%s: phase 1 beacon: %w", manifestFile, err)
	}
	var commons mpcsetup.SrsCommons
	err = c.step(ctx, "seal phase 1 (recomputed)", func() error {
		commons = last.(*mpcsetup.Phase1).Seal(beacon)
		return checkRecomputed(dir, sealedFile, &commons, t.Phase1.Sealed)
	}, "circuit_id", t.CircuitID)
	if err != nil {
		return nil, err
	}
	var initial mpcsetup.Phase2
	var evals mpcsetup.Phase2Evaluations
	err = c.step(ctx, "phase 2 initial state (recomputed)", func() error {
		evals = initial.Initialize(r1cs, &commons)
		return checkRecomputed(dir, evalsFile, evaluations{&evals}, t.Phase2.Evaluations)
	}, "circuit_id", t.CircuitID)
	if err != nil {
		return nil, err
	}
	last, err = c.verifyChain(ctx, dir, t, Phase2, &initial)
	if err != nil {
		return nil, err
	}
	if t.Phase2.Beacon == "" {
		c.logf(ctx, "ceremony verified: phase 2 open", "circuit_id", t.CircuitID, "phase1_contributions", len(t.Phase1.Contributions),
			"phase2_contributions", len(t.Phase2.Contributions), "elapsed", time.Since(start).Round(time.Millisecond))
		return t, nil
	}
	if beacon, err = hex.DecodeString(t.Phase2.Beacon); err != nil {
		return nil, fmt.Errorf("%s: phase 2 beacon: %w", manifestFile, err)
	}
	var vk groth16.VerifyingKey
	err = c.step(ctx, "seal phase 2 (recomputed)", func() error {
		_, vk = last.(*mpcsetup.Phase2).Seal(&commons, &evals, beacon)
		return nil
	}, "circuit_id", t.CircuitID)
	if err != nil {
		return nil, err
	}
	hash, err := VerifyingKeyHash(vk)
	if err != nil {
		return nil, err
	}
	if hash != t.Phase2.Sealed {
		return nil, fmt.Errorf("the sealed keys' hash is %s, %s records %s", hash, manifestFile, t.Phase2.Sealed)
	}
	c.logf(ctx, "ceremony verified: sealed", "circuit_id", t.CircuitID, "key_hash", hash, "phase1_contributions", len(t.Phase1.Contributions),
		"phase2_contributions", len(t.Phase2.Contributions), "elapsed", time.Since(start).Round(time.Millisecond))
	return t, nil
}

// checkRecomputed checks that a recomputed state has the recorded hash and
// that the file holds it.
func checkRecomputed(dir, rel string, v io.WriterTo, recorded string) error {
	h, err := stateHash(v)
	if err != nil {
		return err
	}
	if h != recorded {
		return fmt.Errorf("%s: recomputed SHA-256 %s, %s records %s", rel, h, manifestFile, recorded)
	}
	got, err := hashFile(filepath.Join(dir, rel))
	if err != nil {
		return err
	}
	if got != h {
		return &IntegrityError{File: filepath.Join(dir, rel), Want: h, Got: got}
	}
	return nil
}

func checkBeacon(beacon []byte) error {
	if len(beacon) < MinBeaconBytes {
		return fmt.Errorf("beacon of %d bytes: want at least %d bytes of public randomness revealed after the last contribution", len(beacon), MinBeaconBytes)
	}
	return nil
}

// readR1CS reads the ceremony's circuit, checking it against the
// transcript.
func (c config) readR1CS(ctx context.Context, dir string, t *Transcript) (*csbn254.R1CS, error) {
	cs := groth16.NewCS(ecc.BN254)
	err := c.step(ctx, "read circuit", func() error {
		return readChecked(filepath.Join(dir, R1CSFile), t.R1CS, cs.ReadFrom)
	}, "circuit_id", t.CircuitID)
	if err != nil {
		return nil, err
	}
	r1cs, err := bn254R1CS(cs)
	if err != nil {
		return nil, err
	}
	if n := r1cs.GetNbConstraints(); n != t.Constraints || domainSize(n) != t.DomainSize {
		return nil, fmt.Errorf("%s: %d constraints (domain %d), %s records %d (domain %d)", R1CSFile, n, domainSize(n), manifestFile, t.Constraints, t.DomainSize)
	}
	return r1cs, nil
}

// ceremonyState is a phase-1 or phase-2 state.
type ceremonyState interface {
	io.ReaderFrom
	io.WriterTo
	Contribute()
}

func challengeOf(s ceremonyState) []byte {
	switch p := s.(type) {
	case *mpcsetup.Phase1:
		return p.Challenge
	case *mpcsetup.Phase2:
		return p.Challenge
	}
	return nil
}

// verifyLink checks next's proofs of update against prev.
func verifyLink(prev, next ceremonyState) error {
	switch p := prev.(type) {
	case *mpcsetup.Phase1:
		return p.Verify(next.(*mpcsetup.Phase1))
	case *mpcsetup.Phase2:
		return p.Verify(next.(*mpcsetup.Phase2))
	}
	return fmt.Errorf("state %T", prev)
}

// chain reads the states of one phase of a ceremony folder.
type chain struct {
	dir   string
	t     *Transcript
	phase Phase
	// shape is the phase-2 initial state's, which every phase-2 state must
	// have.
	shape phase2Shape
}

func newChain(dir string, t *Transcript, phase Phase) (*chain, error) {
	ch := &chain{dir: dir, t: t, phase: phase}
	if phase == Phase2 {
		if _, err := readState(ch.path(0), scanPhase2(false, &ch.shape), t.Phase2.Initial, nil); err != nil {
			return nil, ch.bad(0, err)
		}
	}
	return ch, nil
}

func (ch *chain) log() *PhaseLog    { return ch.t.phase(ch.phase) }
func (ch *chain) path(i int) string { return filepath.Join(ch.dir, statePath(ch.phase, i)) }

func (ch *chain) bad(i int, err error) error {
	var ce *ContributionError
	if errors.As(err, &ce) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return &ContributionError{Phase: ch.phase, Index: i, File: statePath(ch.phase, i), Hash: ch.log().stateHash(i), Err: err}
}

// read decodes state i, checking its hash against the transcript and, for
// a contribution, that its challenge is the hash of the state before.
func (ch *chain) read(i int) (ceremonyState, error) {
	want := ch.log().stateHash(i)
	var st ceremonyState
	switch ch.phase {
	case Phase1:
		p, _, err := readPhase1(ch.path(i), ch.t.DomainSize, i > 0, want)
		if err != nil {
			return nil, err
		}
		st = p
	default:
		var shape phase2Shape
		p, _, err := readPhase2(ch.path(i), i > 0, want, &shape)
		if err != nil {
			return nil, err
		}
		if !shape.equal(ch.shape) {
			return nil, errors.New("its vector sizes are not the initial state's")
		}
		st = p
	}
	if i > 0 {
		prev := ch.log().stateHash(i - 1)
		if got := hex.EncodeToString(challengeOf(st)); got != prev || ch.log().Contributions[i-1].Previous != prev {
			return nil, fmt.Errorf("it builds on the state with hash %s, not on state %d (%s)", got, i-1, prev)
		}
	}
	return st, nil
}

// verifyChain checks every contribution of the phase in order, starting
// from the recomputed initial state, and returns the last state.
func (c config) verifyChain(ctx context.Context, dir string, t *Transcript, phase Phase, initial ceremonyState) (ceremonyState, error) {
	ch, err := newChain(dir, t, phase)
	if err != nil {
		return nil, err
	}
	if err := checkRecomputed(dir, statePath(phase, 0), initial, ch.log().Initial); err != nil {
		return nil, ch.bad(0, err)
	}
	prev := initial
	for i := 1; i <= len(ch.log().Contributions); i++ {
		var next ceremonyState
		err := c.step(ctx, fmt.Sprintf("verify phase %d contribution %d", phase, i), func() error {
			var err error
			if next, err = ch.read(i); err != nil {
				return err
			}
			return verifyLink(prev, next)
		}, "circuit_id", t.CircuitID, "sha256", ch.log().stateHash(i))
		if err != nil {
			return nil, ch.bad(i, err)
		}
		prev = next
	}
	return prev, nil
}
