package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/frontend"

	"github.com/provenant/provenant/circuits/batch"
	"github.com/provenant/provenant/prover/setup"
	"github.com/provenant/provenant/prover/verify"
)

// squares is a tiny circuit for the setup commands' tests: Y = f^20(X),
// f(v) = v² + 7, Y public.
type squares struct {
	X frontend.Variable
	Y frontend.Variable `gnark:",public"`
}

const squaresRounds = 20

func (c *squares) Define(api frontend.API) error {
	v := c.X
	for range squaresRounds {
		v = api.Add(api.Mul(v, v), 7)
	}
	api.AssertIsEqual(v, c.Y)
	return nil
}

func squaresAssignment(x uint64) (*squares, []fr.Element) {
	var v, seven fr.Element
	v.SetUint64(x)
	seven.SetUint64(7)
	for range squaresRounds {
		v.Square(&v).Add(&v, &seven)
	}
	return &squares{X: x, Y: v}, []fr.Element{v}
}

// runSetupCLI runs the command line with the setup commands knowing only
// the test circuit "test-v1".
func runSetupCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	root := newRootCmd(&stdout, &stderr, func(string) (string, bool) { return "", false })
	for _, c := range root.Commands() {
		if c.Name() == "setup" {
			root.RemoveCommand(c)
		}
	}
	cmd := newSetupCmd(&logFlags{format: "text", level: "info"}, setup.Registry{
		"test-v1": func() (frontend.Circuit, error) { return &squares{}, nil },
	})
	annotateEnv(cmd)
	root.AddCommand(cmd)
	root.SetArgs(args)
	code := 0
	if err := root.ExecuteContext(context.Background()); err != nil {
		var ee exitError
		if errors.As(err, &ee) {
			code = ee.code
		} else {
			stderr.WriteString("provenant: " + err.Error() + "\n")
			code = 1
		}
	}
	return code, stdout.String(), stderr.String()
}

var keyHashRE = regexp.MustCompile(`key hash ([0-9a-f]{64})`)

// proveWith proves the test statement for x with the stored keys and
// writes the proof and public inputs (gnark binary) into dir.
func proveWith(t *testing.T, keys, hash, dir string, x uint64) (proofFile, publicFile string) {
	t.Helper()
	k, err := setup.NewDir(keys).Load(context.Background(), "test-v1", hash)
	if err != nil {
		t.Fatal(err)
	}
	assignment, public := squaresAssignment(x)
	w, err := frontend.NewWitness(assignment, ecc.BN254.ScalarField())
	if err != nil {
		t.Fatal(err)
	}
	proof, err := groth16.Prove(k.CS, k.ProvingKey, w)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := proof.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	proofFile, publicFile = filepath.Join(dir, "proof.bin"), filepath.Join(dir, "public.bin")
	if err := os.WriteFile(proofFile, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(publicFile, verify.EncodePublicInputs(public), 0o644); err != nil {
		t.Fatal(err)
	}
	return proofFile, publicFile
}

func TestSetupDevExportVerify(t *testing.T) {
	dir := t.TempDir()
	keys := filepath.Join(dir, "keys")
	code, out, errOut := runSetupCLI(t, "setup", "dev", "--circuit", "test-v1", "--keys", keys)
	if code != 0 {
		t.Fatalf("setup dev exited %d: %s", code, errOut)
	}
	if !strings.Contains(out, "INSECURE") || !strings.Contains(errOut, "INSECURE") || !strings.Contains(errOut, "insecure=true") {
		t.Errorf("setup dev does not say INSECURE:\nstdout: %s\nstderr: %s", out, errOut)
	}
	m := keyHashRE.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no key hash in %q", out)
	}
	hash := m[1]

	snarkjsDir, sol := filepath.Join(dir, "snarkjs"), filepath.Join(dir, "Verifier.sol")
	code, out, errOut = runSetupCLI(t, "setup", "export", "--keys", keys, "--circuit", "test-v1", "--snarkjs", snarkjsDir, "--solidity", sol)
	if code != 0 {
		t.Fatalf("setup export exited %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "INSECURE") || !strings.Contains(out, hash) {
		t.Errorf("setup export output:\nstdout: %s\nstderr: %s", out, errOut)
	}
	for _, f := range []string{filepath.Join(snarkjsDir, setup.SnarkjsVerifyingKeyFile), sol} {
		if info, err := os.Stat(f); err != nil || info.Size() == 0 {
			t.Errorf("export did not write %s: %v", f, err)
		}
	}

	proofFile, publicFile := proveWith(t, keys, hash, dir, 3)
	exported := filepath.Join(dir, "snarkjs-proof")
	code, out, errOut = runSetupCLI(t, "verify", "proof", "--keys", keys, "--circuit", "test-v1", "--key-hash", hash,
		"--proof", proofFile, "--public", publicFile, "--snarkjs", exported)
	if code != 0 || !strings.Contains(out, "proof verifies") {
		t.Fatalf("verify proof exited %d:\n%s%s", code, out, errOut)
	}
	for _, f := range []string{setup.SnarkjsVerifyingKeyFile, setup.SnarkjsProofFile, setup.SnarkjsPublicFile} {
		if _, err := os.Stat(filepath.Join(exported, f)); err != nil {
			t.Errorf("verify --snarkjs did not write %s: %v", f, err)
		}
	}
	// snarkjs's public.json is accepted as public inputs too.
	code, _, errOut = runSetupCLI(t, "verify", "proof", "--keys", keys, "--circuit", "test-v1",
		"--proof", proofFile, "--public", filepath.Join(exported, setup.SnarkjsPublicFile))
	if code != 0 {
		t.Fatalf("verify proof with JSON public inputs exited %d: %s", code, errOut)
	}

	wrong := filepath.Join(dir, "wrong.json")
	os.WriteFile(wrong, []byte(`["12345"]`), 0o644)
	garbage := filepath.Join(dir, "garbage.bin")
	os.WriteFile(garbage, bytes.Repeat([]byte{0xab}, 164), 0o644)
	for name, tc := range map[string]struct {
		proof, public string
		code          int
		says          string
	}{
		"wrong public input": {proofFile, wrong, exitRejected, "REJECTED"},
		"garbage proof":      {garbage, publicFile, exitMalformed, "malformed proof"},
		"too many inputs":    {proofFile, filepath.Join(dir, "two.json"), exitMalformed, "public inputs"},
		"missing proof file": {filepath.Join(dir, "nope"), publicFile, 1, "no such file"},
	} {
		t.Run(name, func(t *testing.T) {
			os.WriteFile(filepath.Join(dir, "two.json"), []byte(`["1", "2"]`), 0o644)
			code, _, errOut := runSetupCLI(t, "verify", "proof", "--keys", keys, "--circuit", "test-v1", "--proof", tc.proof, "--public", tc.public)
			if code != tc.code || !strings.Contains(errOut, tc.says) {
				t.Errorf("exit %d, want %d; stderr: %s", code, tc.code, errOut)
			}
		})
	}

	code, _, errOut = runSetupCLI(t, "setup", "dev", "--circuit", "nope", "--keys", keys)
	if code == 0 || !strings.Contains(errOut, "test-v1") {
		t.Errorf("unknown circuit: exit %d, stderr %s", code, errOut)
	}
}

func TestSetupCeremonyCommands(t *testing.T) {
	dir := t.TempDir()
	cer, keys := filepath.Join(dir, "ceremony"), filepath.Join(dir, "keys")
	beacon1 := strings.Repeat("5a", 32)
	beacon2 := strings.Repeat("c3", 32)
	var published []string
	hashRE := regexp.MustCompile(`sha256 ([0-9a-f]{64})`)
	steps := [][]string{
		{"setup", "ceremony", "init", "--dir", cer, "--circuit", "test-v1"},
		{"setup", "ceremony", "contribute", "--dir", cer, "--phase", "1"},
		{"setup", "ceremony", "contribute", "--dir", cer, "--phase", "1"},
		{"setup", "ceremony", "seal", "--dir", cer, "--phase", "1", "--beacon", beacon1},
		{"setup", "ceremony", "contribute", "--dir", cer, "--phase", "2"},
		{"setup", "ceremony", "contribute", "--dir", cer, "--phase", "2"},
		{"setup", "ceremony", "seal", "--dir", cer, "--phase", "2", "--beacon", beacon2, "--keys", keys},
	}
	var out, errOut string
	var code int
	for _, args := range steps {
		code, out, errOut = runSetupCLI(t, args...)
		if code != 0 {
			t.Fatalf("%s exited %d: %s", strings.Join(args, " "), code, errOut)
		}
		if args[2] == "contribute" {
			m := hashRE.FindStringSubmatch(out)
			if m == nil || !strings.Contains(out, "Publish") {
				t.Fatalf("contribute printed no hash to publish: %s", out)
			}
			published = append(published, m[1])
		}
	}
	m := keyHashRE.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("seal printed no key hash: %s", out)
	}
	hash := m[1]

	code, out, errOut = runSetupCLI(t, "setup", "ceremony", "verify", "--dir", cer)
	if code != 0 {
		t.Fatalf("ceremony verify exited %d: %s", code, errOut)
	}
	for _, h := range append(published, hash) {
		if !strings.Contains(out, h) {
			t.Errorf("ceremony verify does not list %s:\n%s", h, out)
		}
	}

	proofFile, publicFile := proveWith(t, keys, hash, dir, 5)
	code, out, errOut = runSetupCLI(t, "verify", "proof", "--keys", keys, "--circuit", "test-v1", "--proof", proofFile, "--public", publicFile)
	if code != 0 || strings.Contains(errOut, "INSECURE") || !strings.Contains(out, "(ceremony)") {
		t.Fatalf("verify proof with the ceremony's keys: exit %d\n%s%s", code, out, errOut)
	}

	// A contribution altered after the fact is named by verify.
	f := filepath.Join(cer, "phase2", "0001.bin")
	b, _ := os.ReadFile(f)
	b[100] ^= 1
	os.WriteFile(f, b, 0o644)
	code, _, errOut = runSetupCLI(t, "setup", "ceremony", "verify", "--dir", cer)
	if code == 0 || !strings.Contains(errOut, "phase 2 contribution 1") {
		t.Fatalf("verify of a tampered ceremony: exit %d, stderr %s", code, errOut)
	}

	code, _, errOut = runSetupCLI(t, "setup", "ceremony", "contribute", "--dir", cer, "--phase", "3")
	if code == 0 || !strings.Contains(errOut, "--phase") {
		t.Errorf("phase 3: exit %d, stderr %s", code, errOut)
	}
	code, _, errOut = runSetupCLI(t, "setup", "ceremony", "seal", "--dir", cer, "--phase", "2", "--beacon", "xyz")
	if code == 0 || !strings.Contains(errOut, "--beacon") {
		t.Errorf("bad beacon: exit %d, stderr %s", code, errOut)
	}
}

// The command line knows the batch circuit of every size Provenant proves.
func TestCircuitRegistry(t *testing.T) {
	r := circuitRegistry()
	for _, n := range []int{1, 2, 8, 32, 128} {
		c, err := r.Circuit(batch.ID(n))
		if err != nil {
			t.Fatalf("N=%d: %v", n, err)
		}
		if _, ok := c.(*batch.Circuit); !ok {
			t.Fatalf("N=%d: %T", n, c)
		}
	}
	if len(r) != len(batch.Sizes()) {
		t.Errorf("registry has %v", r.IDs())
	}
}
