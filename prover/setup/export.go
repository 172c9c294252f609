package setup

import (
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fp"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend/groth16"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
)

// Exports for verifiers outside Go: snarkjs (`snarkjs groth16 verify
// verification_key.json public.json proof.json`) and Solidity. snarkjs
// knows nothing of gnark's Pedersen commitments: keys and proofs with
// commitments are refused.

// Names of the files snarkjs reads.
const (
	SnarkjsVerifyingKeyFile = "verification_key.json"
	SnarkjsProofFile        = "proof.json"
	SnarkjsPublicFile       = "public.json"
)

// ErrCommitments reports a key or proof with Pedersen commitments, which
// snarkjs cannot verify.
var ErrCommitments = errors.New("gnark Pedersen commitments (api.Commit, range checks, lookups) cannot be verified by snarkjs")

// SnarkjsVerifyingKey is snarkjs's verification_key.json for Groth16 on
// BN254 ("bn128" to snarkjs): G1 points as [x, y, "1"], G2 points as
// [[x.A0, x.A1], [y.A0, y.A1], ["1", "0"]], decimal strings.
type SnarkjsVerifyingKey struct {
	Protocol string    `json:"protocol"`
	Curve    string    `json:"curve"`
	NPublic  int       `json:"nPublic"`
	Alpha1   snarkjsG1 `json:"vk_alpha_1"`
	Beta2    snarkjsG2 `json:"vk_beta_2"`
	Gamma2   snarkjsG2 `json:"vk_gamma_2"`
	Delta2   snarkjsG2 `json:"vk_delta_2"`
	// AlphaBeta12 is e(α, β), which snarkjs's zkey export writes and its
	// verifier does not read.
	AlphaBeta12 snarkjsGT   `json:"vk_alphabeta_12"`
	IC          []snarkjsG1 `json:"IC"`
}

// SnarkjsProof is snarkjs's proof.json.
type SnarkjsProof struct {
	A        snarkjsG1 `json:"pi_a"`
	B        snarkjsG2 `json:"pi_b"`
	C        snarkjsG1 `json:"pi_c"`
	Protocol string    `json:"protocol"`
	Curve    string    `json:"curve"`
}

type (
	snarkjsG1 [3]string
	snarkjsG2 [3][2]string
	snarkjsGT [2][3][2]string
)

func fpString(e *fp.Element) string {
	var v big.Int
	return e.BigInt(&v).String()
}

func g1(p *curve.G1Affine) snarkjsG1 {
	if p.IsInfinity() {
		return snarkjsG1{"0", "1", "0"}
	}
	return snarkjsG1{fpString(&p.X), fpString(&p.Y), "1"}
}

func g2(p *curve.G2Affine) snarkjsG2 {
	if p.IsInfinity() {
		return snarkjsG2{{"0", "0"}, {"1", "0"}, {"0", "0"}}
	}
	return snarkjsG2{
		{fpString(&p.X.A0), fpString(&p.X.A1)},
		{fpString(&p.Y.A0), fpString(&p.Y.A1)},
		{"1", "0"},
	}
}

func gt(e *curve.GT) snarkjsGT {
	var out snarkjsGT
	for i, c := range [2]*[3][2]*fp.Element{
		{{&e.C0.B0.A0, &e.C0.B0.A1}, {&e.C0.B1.A0, &e.C0.B1.A1}, {&e.C0.B2.A0, &e.C0.B2.A1}},
		{{&e.C1.B0.A0, &e.C1.B0.A1}, {&e.C1.B1.A0, &e.C1.B1.A1}, {&e.C1.B2.A0, &e.C1.B2.A1}},
	} {
		for j := range c {
			out[i][j] = [2]string{fpString(c[j][0]), fpString(c[j][1])}
		}
	}
	return out
}

// SnarkjsVerifyingKeyOf converts a BN254 Groth16 verifying key.
func SnarkjsVerifyingKeyOf(vk groth16.VerifyingKey) (*SnarkjsVerifyingKey, error) {
	key, ok := vk.(*groth16bn254.VerifyingKey)
	if !ok || key == nil {
		return nil, fmt.Errorf("verifying key %T: want BN254 Groth16", vk)
	}
	if len(key.PublicAndCommitmentCommitted) > 0 || len(key.CommitmentKeys) > 0 {
		return nil, ErrCommitments
	}
	if len(key.G1.K) == 0 {
		return nil, errors.New("verifying key without K points")
	}
	alphaBeta, err := curve.Pair([]curve.G1Affine{key.G1.Alpha}, []curve.G2Affine{key.G2.Beta})
	if err != nil {
		return nil, err
	}
	out := &SnarkjsVerifyingKey{
		Protocol:    "groth16",
		Curve:       "bn128",
		NPublic:     len(key.G1.K) - 1,
		Alpha1:      g1(&key.G1.Alpha),
		Beta2:       g2(&key.G2.Beta),
		Gamma2:      g2(&key.G2.Gamma),
		Delta2:      g2(&key.G2.Delta),
		AlphaBeta12: gt(&alphaBeta),
	}
	for i := range key.G1.K {
		out.IC = append(out.IC, g1(&key.G1.K[i]))
	}
	return out, nil
}

// SnarkjsProofOf converts a BN254 Groth16 proof: pi_a = Ar, pi_b = Bs,
// pi_c = Krs.
func SnarkjsProofOf(proof groth16.Proof) (*SnarkjsProof, error) {
	p, ok := proof.(*groth16bn254.Proof)
	if !ok || p == nil {
		return nil, fmt.Errorf("proof %T: want BN254 Groth16", proof)
	}
	if len(p.Commitments) > 0 {
		return nil, ErrCommitments
	}
	return &SnarkjsProof{A: g1(&p.Ar), B: g2(&p.Bs), C: g1(&p.Krs), Protocol: "groth16", Curve: "bn128"}, nil
}

// SnarkjsPublic returns public inputs as snarkjs's public.json holds them:
// decimal strings.
func SnarkjsPublic(inputs []fr.Element) []string {
	out := make([]string, len(inputs))
	for i := range inputs {
		out[i] = inputs[i].String()
	}
	return out
}

// WriteSnarkjs writes verification_key.json into dir (created if needed)
// and, when proof is not nil, proof.json and public.json.
func WriteSnarkjs(dir string, vk groth16.VerifyingKey, proof groth16.Proof, public []fr.Element) error {
	key, err := SnarkjsVerifyingKeyOf(vk)
	if err != nil {
		return err
	}
	if proof != nil {
		if n := len(key.IC) - 1; n != len(public) {
			return fmt.Errorf("%d public inputs, the key has %d", len(public), n)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := writeJSON(filepath.Join(dir, SnarkjsVerifyingKeyFile), key); err != nil {
		return err
	}
	if proof == nil {
		return nil
	}
	p, err := SnarkjsProofOf(proof)
	if err != nil {
		return err
	}
	if err := writeJSON(filepath.Join(dir, SnarkjsProofFile), p); err != nil {
		return err
	}
	return writeJSON(filepath.Join(dir, SnarkjsPublicFile), SnarkjsPublic(public))
}

// ExportSolidity writes a Solidity contract that verifies proofs under vk
// (gnark's generator).
func ExportSolidity(w io.Writer, vk groth16.VerifyingKey) error {
	if vk == nil {
		return errors.New("no verifying key")
	}
	return vk.ExportSolidity(w)
}
