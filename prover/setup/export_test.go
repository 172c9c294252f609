package setup_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/provenant/provenant/prover/setup"
)

// toolsDir returns the repository's .tools folder, where
// scripts/ensure-snarkjs.sh installs snarkjs.
func toolsDir(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, ".tools")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("repository root (go.mod) not found")
		}
		dir = parent
	}
}

// snarkjs returns the path of the snarkjs command, failing the test when
// it is not installed.
func snarkjs(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(toolsDir(t), "node_modules", ".bin", "snarkjs")
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("snarkjs is not installed at %s: run `make tools` (scripts/ensure-snarkjs.sh installs snarkjs 0.7.6 with npm)", bin)
	}
	return bin
}

func runSnarkjs(t *testing.T, bin, dir string) (bool, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "groth16", "verify", setup.SnarkjsVerifyingKeyFile, setup.SnarkjsPublicFile, setup.SnarkjsProofFile)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("snarkjs: %v", ctx.Err())
	}
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatalf("snarkjs: %v", err)
	}
	return err == nil && strings.Contains(string(out), "OK!"), string(out)
}

// The ceremony's keys and a proof made with them, exported, verify in
// snarkjs; the same proof with a changed public input does not.
func TestSnarkjsVerifiesExport(t *testing.T) {
	bin := snarkjs(t)
	for name, keys := range map[string]func(*testing.T) *setup.Keys{
		"ceremony": func(t *testing.T) *setup.Keys { return mustCeremony(t).keys },
		"dev":      func(t *testing.T) *setup.Keys { return mustDevKeys(t) },
	} {
		t.Run(name, func(t *testing.T) {
			k := keys(t)
			proof, _, public := prove(t, k, 7)
			dir := t.TempDir()
			if err := setup.WriteSnarkjs(dir, k.VerifyingKey, proof, public); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			if ok, out := runSnarkjs(t, bin, dir); !ok {
				t.Fatalf("snarkjs rejects the exported proof:\n%s", out)
			}
			t.Logf("snarkjs groth16 verify: %v", time.Since(start).Round(time.Millisecond))

			var one fr.Element
			one.SetOne()
			tampered := append([]fr.Element(nil), public...)
			tampered[0].Add(&tampered[0], &one)
			b, _ := json.Marshal(setup.SnarkjsPublic(tampered))
			writeFile(t, filepath.Join(dir, setup.SnarkjsPublicFile), b)
			if ok, out := runSnarkjs(t, bin, dir); ok {
				t.Fatalf("snarkjs accepts the proof with a changed public input:\n%s", out)
			}
		})
	}
}

// vk_alphabeta_12 is e(α, β) as snarkjs's own library (ffjavascript)
// computes it.
func TestSnarkjsAlphaBeta(t *testing.T) {
	snarkjs(t)
	dir := t.TempDir()
	k := mustDevKeys(t)
	if err := setup.WriteSnarkjs(dir, k.VerifyingKey, nil, nil); err != nil {
		t.Fatal(err)
	}
	ffjs := filepath.Join(toolsDir(t), "node_modules", "ffjavascript", "main.js")
	script := `
import { buildBn128, utils } from ` + jsString(ffjs) + `;
import fs from "fs";
const vk = utils.unstringifyBigInts(JSON.parse(fs.readFileSync(process.argv[2])));
const curve = await buildBn128(true);
const ab = await curve.pairing(curve.G1.fromObject(vk.vk_alpha_1), curve.G2.fromObject(vk.vk_beta_2));
const same = JSON.stringify(utils.stringifyBigInts(curve.Gt.toObject(ab))) === JSON.stringify(utils.stringifyBigInts(vk.vk_alphabeta_12));
await curve.terminate();
console.log(same ? "same" : "different");
`
	cmd := exec.Command("node", "--input-type=module", "-", filepath.Join(dir, setup.SnarkjsVerifyingKeyFile))
	cmd.Stdin = strings.NewReader(script)
	out, err := cmd.CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "same" {
		t.Fatalf("vk_alphabeta_12 check: %v\n%s", err, out)
	}
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestExportSolidity(t *testing.T) {
	k := mustDevKeys(t)
	var b bytes.Buffer
	if err := setup.ExportSolidity(&b, k.VerifyingKey); err != nil {
		t.Fatal(err)
	}
	if s := b.String(); !strings.Contains(s, "pragma solidity") || !strings.Contains(s, "function verifyProof") {
		t.Fatalf("not a Solidity verifier:\n%.400s", s)
	}
}

func TestSnarkjsRefusesMismatch(t *testing.T) {
	k := mustDevKeys(t)
	proof, _, public := prove(t, k, 7)
	if err := setup.WriteSnarkjs(t.TempDir(), k.VerifyingKey, proof, public[:1]); err == nil {
		t.Fatal("exported a proof with too few public inputs")
	}
}
