// Package verify checks Provenant's Groth16 proofs (BN254, gnark encoding):
// the library behind buyers', auditors' and the CLI's verification. Every
// parser here bounds its input before decoding it, so bytes from outside
// the process can neither exhaust memory nor panic the caller, and every
// failure is typed: a [*MalformedError] for input that cannot be decoded or
// does not fit the key, [ErrRejected] for a well-formed proof that does not
// verify.
package verify

import (
	"errors"
	"fmt"
	"slices"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend/groth16"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
)

// ErrRejected reports a well-formed proof that does not verify against the
// key and public inputs: a false statement, a forged or altered proof, or
// another circuit's key.
var ErrRejected = errors.New("proof rejected")

// ErrMalformed is matched (errors.Is) by every [*MalformedError].
var ErrMalformed = errors.New("malformed input")

// MalformedError reports an input that cannot be decoded, is larger than
// the bounds of this package allow, or does not fit the verifying key (a
// wrong number of public inputs, another curve).
type MalformedError struct {
	// Input names what was malformed: "proof", "verifying key" or
	// "public inputs".
	Input string
	Err   error
}

func (e *MalformedError) Error() string { return fmt.Sprintf("malformed %s: %v", e.Input, e.Err) }

// Unwrap returns the cause.
func (e *MalformedError) Unwrap() error { return e.Err }

// Is reports whether target is ErrMalformed.
func (e *MalformedError) Is(target error) bool { return target == ErrMalformed }

func malformed(input string, format string, args ...any) error {
	return &MalformedError{Input: input, Err: fmt.Errorf(format, args...)}
}

// VerifyProof checks a Groth16 proof, encoded as gnark writes it (WriteTo,
// compressed, or WriteRawTo), against the verifying key and the public
// inputs in the circuit's order. It returns nil when the proof verifies, a
// [*MalformedError] when the proof bytes, the key or the number of public
// inputs is wrong, and an error wrapping [ErrRejected] when the proof does
// not verify.
func VerifyProof(vk groth16.VerifyingKey, proof []byte, publicInputs []fr.Element) error {
	key, err := bn254Key(vk)
	if err != nil {
		return err
	}
	p, err := ParseProof(proof)
	if err != nil {
		return err
	}
	return verify(key, p, publicInputs)
}

// Verify checks an already decoded proof; see [VerifyProof].
func Verify(vk groth16.VerifyingKey, proof groth16.Proof, publicInputs []fr.Element) error {
	key, err := bn254Key(vk)
	if err != nil {
		return err
	}
	p, ok := proof.(*groth16bn254.Proof)
	if !ok || p == nil {
		return malformed("proof", "%T is not a BN254 Groth16 proof", proof)
	}
	return verify(key, p, publicInputs)
}

func verify(vk *groth16bn254.VerifyingKey, p *groth16bn254.Proof, publicInputs []fr.Element) error {
	if want := NbPublicInputs(vk); len(publicInputs) != want {
		return malformed("public inputs", "%d public inputs, the key expects %d", len(publicInputs), want)
	}
	if got, want := len(p.Commitments), len(vk.PublicAndCommitmentCommitted); got != want {
		return malformed("proof", "%d commitments, the key expects %d", got, want)
	}
	// gnark appends to the slice it is given: hand it a copy of its own.
	if err := groth16bn254.Verify(p, vk, slices.Clone(publicInputs)); err != nil {
		return fmt.Errorf("%w: %v", ErrRejected, err)
	}
	return nil
}

// NbPublicInputs returns the number of public inputs a proof under vk has,
// not counting the constant 1 wire or commitments. It returns -1 for a key
// that is not a BN254 Groth16 key.
func NbPublicInputs(vk groth16.VerifyingKey) int {
	key, ok := vk.(*groth16bn254.VerifyingKey)
	if !ok || key == nil {
		return -1
	}
	return len(key.G1.K) - 1 - len(key.PublicAndCommitmentCommitted)
}

func bn254Key(vk groth16.VerifyingKey) (*groth16bn254.VerifyingKey, error) {
	key, ok := vk.(*groth16bn254.VerifyingKey)
	if !ok || key == nil {
		return nil, malformed("verifying key", "%T is not a BN254 Groth16 verifying key", vk)
	}
	if err := checkKeyShape(key); err != nil {
		return nil, err
	}
	return key, nil
}

// checkKeyShape rejects keys whose parts disagree, which gnark's verifier
// would index out of range on.
func checkKeyShape(vk *groth16bn254.VerifyingKey) error {
	nbCommitments := len(vk.PublicAndCommitmentCommitted)
	if len(vk.CommitmentKeys) != nbCommitments {
		return malformed("verifying key", "%d commitment keys for %d commitments", len(vk.CommitmentKeys), nbCommitments)
	}
	nbPublic := len(vk.G1.K) - 1 - nbCommitments
	if nbPublic < 0 {
		return malformed("verifying key", "%d K points for %d commitments", len(vk.G1.K), nbCommitments)
	}
	for i, committed := range vk.PublicAndCommitmentCommitted {
		for _, idx := range committed {
			// Indexes past the public inputs name earlier commitments.
			if idx < 1 || idx > nbPublic+i {
				return malformed("verifying key", "commitment %d commits to public value %d of %d", i, idx, nbPublic+i)
			}
		}
	}
	return nil
}
