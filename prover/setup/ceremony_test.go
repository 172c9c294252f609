package setup_test

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"

	"github.com/provenant/provenant/prover/setup"
)

var (
	beacon1 = mustHex("9f1c2a7e55d0b3a4c6e8f001122334455667788990aabbccddeeff0011223344")
	beacon2 = mustHex("0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9")
)

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// ceremony runs a whole ceremony with two contributors per phase at the
// test circuit, once, and keeps its folder as a template for the tests.
var ceremony = sync.OnceValues(func() (*ceremonyRun, error) {
	return runCeremony(context.Background())
})

type ceremonyRun struct {
	dir     string
	keys    *setup.Keys
	timings []string
	hashes  []string // the contributions' hashes, as published
}

func runCeremony(ctx context.Context) (*ceremonyRun, error) {
	dir, err := os.MkdirTemp("", "provenant-ceremony-")
	if err != nil {
		return nil, err
	}
	run := &ceremonyRun{dir: dir}
	timed := func(what string, fn func() error) error {
		start := time.Now()
		if err := fn(); err != nil {
			return err
		}
		run.timings = append(run.timings, what+": "+time.Since(start).Round(time.Millisecond).String())
		return nil
	}
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &squares{Rounds: testRounds})
	if err != nil {
		return nil, err
	}
	if err := timed("init", func() error { _, err := setup.CeremonyInit(ctx, dir, "test-v1", cs); return err }); err != nil {
		return nil, err
	}
	contribute := func(p setup.Phase) func() error {
		return func() error {
			c, err := setup.Contribute(ctx, dir, p)
			if err == nil {
				run.hashes = append(run.hashes, c.Hash)
			}
			return err
		}
	}
	steps := []struct {
		name string
		fn   func() error
	}{
		{"phase 1 contribution 1", contribute(setup.Phase1)},
		{"phase 1 contribution 2", contribute(setup.Phase1)},
		{"phase 1 seal", func() error { _, err := setup.Phase1Seal(ctx, dir, beacon1); return err }},
		{"phase 2 contribution 1", contribute(setup.Phase2)},
		{"phase 2 contribution 2", contribute(setup.Phase2)},
		{"seal", func() (err error) { run.keys, err = setup.Seal(ctx, dir, beacon2); return err }},
	}
	for _, s := range steps {
		if err := timed(s.name, s.fn); err != nil {
			return nil, err
		}
	}
	if err := timed("verify all", func() error { _, err := setup.VerifyAll(ctx, dir); return err }); err != nil {
		return nil, err
	}
	return run, nil
}

func mustCeremony(t *testing.T) *ceremonyRun {
	t.Helper()
	run, err := ceremony()
	if err != nil {
		t.Fatal(err)
	}
	return run
}

func TestMain(m *testing.M) {
	code := m.Run()
	if run, err := ceremony(); err == nil && run != nil {
		os.RemoveAll(run.dir)
	}
	os.Exit(code)
}

func TestCeremonyEndToEnd(t *testing.T) {
	run := mustCeremony(t)
	for _, line := range run.timings {
		t.Log(line)
	}
	k := run.keys
	if k.Kind != setup.KindCeremony || k.Insecure() || k.Transcript == nil {
		t.Fatalf("sealed keys: kind %q, transcript %v", k.Kind, k.Transcript)
	}
	proveAndVerify(t, k)

	// The transcript records every published hash, chained.
	tr := k.Transcript
	var recorded []string
	for _, l := range []setup.PhaseLog{tr.Phase1, tr.Phase2} {
		prev := l.Initial
		for _, c := range l.Contributions {
			if c.Previous != prev {
				t.Errorf("phase %d contribution %d builds on %s, not %s", c.Phase, c.Index, c.Previous, prev)
			}
			prev = c.Hash
			recorded = append(recorded, c.Hash)
		}
	}
	if strings.Join(recorded, ",") != strings.Join(run.hashes, ",") {
		t.Errorf("transcript hashes %v, published %v", recorded, run.hashes)
	}
	hash, _ := k.Hash()
	if tr.Phase2.Sealed != hash || tr.Phase1.Beacon != hex.EncodeToString(beacon1) || tr.Phase2.Beacon != hex.EncodeToString(beacon2) {
		t.Errorf("transcript seals: %+v", tr)
	}

	// Saved, the keys say ceremony and carry the transcript.
	ctx := context.Background()
	dir := setup.NewDir(t.TempDir())
	if _, err := dir.Save(ctx, k); err != nil {
		t.Fatal(err)
	}
	meta, err := dir.Meta("test-v1", hash)
	if err != nil {
		t.Fatal(err)
	}
	if meta.Kind != setup.KindCeremony || meta.Warning != "" || meta.Ceremony == nil || len(meta.Ceremony.Phase2.Contributions) != 2 {
		t.Errorf("meta: %+v", meta)
	}
	if _, err := os.Stat(filepath.Join(dir.KeyPath("test-v1", hash), setup.InsecureFile)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ceremony keys marked insecure: %v", err)
	}
	loaded, err := dir.Load(ctx, "test-v1", hash)
	if err != nil {
		t.Fatal(err)
	}
	proveAndVerify(t, loaded)

	// Sealing again with the same beacon gives the same keys; another
	// beacon, or another contribution, is refused.
	work := copyCeremony(t, run.dir)
	again, err := setup.Seal(ctx, work, beacon2)
	if err != nil {
		t.Fatal(err)
	}
	if h, _ := again.Hash(); h != hash {
		t.Errorf("resealed key hash %s, want %s", h, hash)
	}
	if _, err := setup.Seal(ctx, work, beacon1); !errors.Is(err, setup.ErrSealed) {
		t.Errorf("Seal with another beacon = %v, want ErrSealed", err)
	}
	for _, p := range []setup.Phase{setup.Phase1, setup.Phase2} {
		if _, err := setup.Contribute(ctx, work, p); !errors.Is(err, setup.ErrSealed) {
			t.Errorf("Contribute to sealed phase %d = %v, want ErrSealed", p, err)
		}
	}
}

func TestCeremonyOrder(t *testing.T) {
	ctx := context.Background()
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &squares{Rounds: 10})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := setup.Contribute(ctx, dir, setup.Phase1); !errors.Is(err, setup.ErrNoCeremony) {
		t.Errorf("Contribute without init = %v, want ErrNoCeremony", err)
	}
	if _, err := setup.CeremonyInit(ctx, dir, "test-small", cs); err != nil {
		t.Fatal(err)
	}
	if _, err := setup.CeremonyInit(ctx, dir, "test-small", cs); !errors.Is(err, setup.ErrCeremonyExists) {
		t.Errorf("second init = %v, want ErrCeremonyExists", err)
	}
	if _, err := setup.Phase1Seal(ctx, dir, beacon1); !errors.Is(err, setup.ErrNotReady) {
		t.Errorf("sealing phase 1 without contributions = %v, want ErrNotReady", err)
	}
	if _, err := setup.Contribute(ctx, dir, setup.Phase2); !errors.Is(err, setup.ErrNotReady) {
		t.Errorf("phase 2 contribution before phase 1 is sealed = %v, want ErrNotReady", err)
	}
	if _, err := setup.Contribute(ctx, dir, setup.Phase1); err != nil {
		t.Fatal(err)
	}
	if _, err := setup.Phase1Seal(ctx, dir, []byte("short")); err == nil {
		t.Error("a 5-byte beacon was accepted")
	}
	if _, err := setup.Seal(ctx, dir, beacon2); !errors.Is(err, setup.ErrNotReady) {
		t.Errorf("Seal before phase 1 is sealed = %v, want ErrNotReady", err)
	}
	if _, err := setup.Phase1Seal(ctx, dir, beacon1); err != nil {
		t.Fatal(err)
	}
	if _, err := setup.Seal(ctx, dir, beacon2); !errors.Is(err, setup.ErrNotReady) {
		t.Errorf("Seal without phase 2 contributions = %v, want ErrNotReady", err)
	}
	tr, err := setup.VerifyAll(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Phase1.Contributions) != 1 || tr.Phase2.Initial == "" {
		t.Errorf("transcript %+v", tr)
	}
}

// A bad contribution is named by VerifyAll (and refused by the next step).
func TestCeremonyRejectsTampering(t *testing.T) {
	ctx := context.Background()
	run := mustCeremony(t)

	tests := []struct {
		name  string
		phase setup.Phase
		index int
		// tamper alters the ceremony folder.
		tamper func(t *testing.T, dir string)
	}{
		{"flipped byte", setup.Phase1, 2, func(t *testing.T, dir string) {
			flip(t, filepath.Join(dir, "phase1", "0002.bin"), 1000)
		}},
		{"flipped byte, transcript updated", setup.Phase1, 2, func(t *testing.T, dir string) {
			// Swap two valid points of [τⁱ]₁: the hash is recorded anew,
			// the proof of update no longer holds.
			path := filepath.Join(dir, "phase1", "0002.bin")
			b := readFile(t, path)
			off := 288 + 8 + 64 + 32 // update proofs, N, [β]₂, [τ¹]₁
			a := append([]byte(nil), b[off:off+32]...)
			copy(b[off:off+32], b[off+32:off+64])
			copy(b[off+32:off+64], a)
			writeFile(t, path, b)
			rehash(t, dir, setup.Phase1, 2)
		}},
		{"phase 2 contribution not built on the previous one", setup.Phase2, 2, func(t *testing.T, dir string) {
			// A contribution made on the initial state, slipped in as the
			// second one with a transcript to match.
			side := copyCeremony(t, dir)
			truncate(t, side, setup.Phase2, 0)
			if _, err := setup.Contribute(ctx, side, setup.Phase2); err != nil {
				t.Fatal(err)
			}
			writeFile(t, filepath.Join(dir, "phase2", "0002.bin"), readFile(t, filepath.Join(side, "phase2", "0001.bin")))
			rehash(t, dir, setup.Phase2, 2)
		}},
		{"phase 1 initial state replaced", setup.Phase1, 0, func(t *testing.T, dir string) {
			flip(t, filepath.Join(dir, "phase1", "0000.bin"), 500)
		}},
		{"huge length prefix, transcript updated", setup.Phase2, 1, func(t *testing.T, dir string) {
			// The length of the private-wire vector, after the commitment
			// count (2 bytes) and [δ]₁ (32): refused before any allocation.
			path := filepath.Join(dir, "phase2", "0001.bin")
			b := readFile(t, path)
			copy(b[34:38], []byte{0x7f, 0xff, 0xff, 0xff})
			writeFile(t, path, b)
			rehash(t, dir, setup.Phase2, 1)
		}},
		{"truncated", setup.Phase2, 1, func(t *testing.T, dir string) {
			path := filepath.Join(dir, "phase2", "0001.bin")
			b := readFile(t, path)
			writeFile(t, path, b[:len(b)-40])
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyCeremony(t, run.dir)
			tc.tamper(t, dir)
			_, err := setup.VerifyAll(ctx, dir)
			var ce *setup.ContributionError
			if !errors.As(err, &ce) {
				t.Fatalf("VerifyAll = %v, want a ContributionError", err)
			}
			if ce.Phase != tc.phase || ce.Index != tc.index {
				t.Fatalf("VerifyAll named phase %d contribution %d, want phase %d contribution %d: %v", ce.Phase, ce.Index, tc.phase, tc.index, err)
			}
			t.Log(err)
			// The next contribution refuses to build on a bad latest state.
			if tc.index > 0 {
				truncate(t, dir, tc.phase, tc.index)
				unseal(t, dir, tc.phase)
				if _, err := setup.Contribute(ctx, dir, tc.phase); !errors.As(err, &ce) {
					t.Errorf("Contribute on the bad state = %v, want a ContributionError", err)
				}
			}
		})
	}
}

func flip(t *testing.T, path string, at int) {
	t.Helper()
	b := readFile(t, path)
	b[at] ^= 0x01
	writeFile(t, path, b)
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// copyCeremony copies a ceremony folder to a new temporary one.
func copyCeremony(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	return dst
}

// editManifest applies edit to ceremony.json.
func editManifest(t *testing.T, dir string, edit func(*setup.Transcript)) {
	t.Helper()
	path := filepath.Join(dir, "ceremony.json")
	var tr setup.Transcript
	if err := json.Unmarshal(readFile(t, path), &tr); err != nil {
		t.Fatal(err)
	}
	edit(&tr)
	b, err := json.MarshalIndent(&tr, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, b)
}

func phaseLog(tr *setup.Transcript, p setup.Phase) *setup.PhaseLog {
	if p == setup.Phase1 {
		return &tr.Phase1
	}
	return &tr.Phase2
}

// rehash records the current hash of a contribution's file in the
// transcript, and as the next contribution's challenge.
func rehash(t *testing.T, dir string, p setup.Phase, index int) {
	t.Helper()
	sum := sha256Hex(readFile(t, filepath.Join(dir, "phase"+string(rune('0'+p)), "000"+string(rune('0'+index))+".bin")))
	editManifest(t, dir, func(tr *setup.Transcript) {
		l := phaseLog(tr, p)
		l.Contributions[index-1].Hash = sum
		if index < len(l.Contributions) {
			l.Contributions[index].Previous = sum
		}
	})
}

// truncate drops the phase's contributions after index (and everything
// that followed them).
func truncate(t *testing.T, dir string, p setup.Phase, index int) {
	t.Helper()
	editManifest(t, dir, func(tr *setup.Transcript) {
		l := phaseLog(tr, p)
		l.Contributions = l.Contributions[:index]
	})
	unseal(t, dir, p)
}

// unseal forgets the phase's seal, and phase 2 when phase 1 is unsealed.
func unseal(t *testing.T, dir string, p setup.Phase) {
	t.Helper()
	editManifest(t, dir, func(tr *setup.Transcript) {
		tr.Phase2.Beacon, tr.Phase2.Sealed = "", ""
		if p == setup.Phase1 {
			tr.Phase1.Beacon, tr.Phase1.Sealed = "", ""
			tr.Phase2 = setup.PhaseLog{}
		}
	})
}

// The evaluations Phase1Seal keeps for Seal are checked by both.
func TestCeremonyEvaluationsChecked(t *testing.T) {
	ctx := context.Background()
	dir := copyCeremony(t, mustCeremony(t).dir)
	flip(t, filepath.Join(dir, "phase2", "evaluations.bin"), 200)
	var ie *setup.IntegrityError
	if _, err := setup.Seal(ctx, dir, beacon2); !errors.As(err, &ie) {
		t.Errorf("Seal with altered evaluations = %v, want an IntegrityError", err)
	}
	if _, err := setup.VerifyAll(ctx, dir); !errors.As(err, &ie) {
		t.Errorf("VerifyAll with altered evaluations = %v, want an IntegrityError", err)
	}
}
