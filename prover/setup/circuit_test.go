package setup_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/frontend"

	"github.com/provenant/provenant/prover/internal/testcircuit"
	"github.com/provenant/provenant/prover/setup"
	"github.com/provenant/provenant/prover/verify"
)

// squares is the shared tiny test circuit.
type squares = testcircuit.Squares

const testRounds = 300

// prove proves the statement for x with the keys and returns the proof,
// encoded, and the public inputs.
func prove(t testing.TB, k *setup.Keys, x uint64) (groth16.Proof, []byte, []fr.Element) {
	t.Helper()
	assignment, public := (&testcircuit.Squares{Rounds: testRounds}).Assignment(x)
	w, err := frontend.NewWitness(assignment, ecc.BN254.ScalarField())
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	proof, err := groth16.Prove(k.CS, k.ProvingKey, w)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("prove: %v", time.Since(start).Round(time.Millisecond))
	var b bytes.Buffer
	if _, err := proof.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return proof, b.Bytes(), public
}

// proveAndVerify checks that the keys prove and verify a true statement and
// reject a false one.
func proveAndVerify(t *testing.T, k *setup.Keys) {
	t.Helper()
	_, proof, public := prove(t, k, 42)
	start := time.Now()
	if err := verify.VerifyProof(k.VerifyingKey, proof, public); err != nil {
		t.Fatalf("VerifyProof: %v", err)
	}
	t.Logf("verify: %v", time.Since(start).Round(time.Microsecond))
	public[0].SetUint64(1)
	if err := verify.VerifyProof(k.VerifyingKey, proof, public); err == nil {
		t.Fatal("a proof verified with a wrong public input")
	}
}

// devKeys are dev keys of the test circuit, made once.
var devKeys = sync.OnceValues(func() (*setup.Keys, error) {
	return setup.Dev(context.Background(), "test-v1", &testcircuit.Squares{Rounds: testRounds})
})

func mustDevKeys(t testing.TB) *setup.Keys {
	t.Helper()
	k, err := devKeys()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// logBuffer collects log lines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) lines() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Split(strings.TrimSpace(l.b.String()), "\n")
}

func newLog(t *testing.T) (*slog.Logger, *logBuffer) {
	var buf logBuffer
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("log:\n%s", strings.Join(buf.lines(), "\n"))
		}
	})
	return slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})), &buf
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
