package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/provenant/provenant/prover/setup"
	"github.com/provenant/provenant/prover/verify"
)

func newVerifyCmd(logs *logFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Verify proofs",
	}
	cmd.AddCommand(newVerifyProofCmd(logs))
	return cmd
}

// Exit statuses of "verify proof".
const (
	exitRejected  = 1
	exitMalformed = 2
)

func newVerifyProofCmd(logs *logFlags) *cobra.Command {
	var kf keyFlags
	var proofFile, publicFile, snarkjsDir string
	cmd := &cobra.Command{
		Use:   "proof --circuit ID [--key-hash HASH] --proof FILE --public FILE",
		Short: "Verify a Groth16 proof against a circuit's verifying key",
		Long: `Verify a proof (gnark's binary encoding) against the verifying key of a circuit
in the key store (the latest keys, or --key) and the public inputs: gnark's
binary public witness, or a JSON array of decimal strings (snarkjs's
public.json). With --snarkjs, also write verification_key.json, proof.json and
public.json there, for "snarkjs groth16 verify".

Exit status: 0 the proof verifies; 1 it does not; 2 the proof, the public
inputs or the key is malformed or does not fit.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			quietGnark()
			log, err := logs.logger(cmd)
			if err != nil {
				return err
			}
			if proofFile == "" || publicFile == "" {
				return fmt.Errorf("--proof and --public are required")
			}
			dir, m, err := kf.meta(cmd, log)
			if err != nil {
				return err
			}
			vk, _, err := dir.LoadVerifyingKey(m.CircuitID, m.KeyHash)
			if err != nil {
				return err
			}
			proofBytes, err := readLimited(proofFile, verify.MaxProofBytes)
			if err != nil {
				return err
			}
			publicBytes, err := readLimited(publicFile, verify.MaxPublicInputsBytes)
			if err != nil {
				return err
			}
			stderr := cmd.ErrOrStderr()
			public, err := verify.ParsePublicInputs(publicBytes)
			if err != nil {
				fmt.Fprintf(stderr, "provenant: %s: %v\n", publicFile, err)
				return exitError{exitMalformed}
			}
			proof, err := verify.ParseProof(proofBytes)
			if err != nil {
				fmt.Fprintf(stderr, "provenant: %s: %v\n", proofFile, err)
				return exitError{exitMalformed}
			}
			if snarkjsDir != "" {
				if err := setup.WriteSnarkjs(snarkjsDir, vk, proof, public); err != nil {
					return err
				}
			}
			err = verify.Verify(vk, proof, public)
			switch {
			case err == nil:
				fmt.Fprintf(cmd.OutOrStdout(), "proof verifies: circuit %s, key %s (%s), %d public inputs\n", m.CircuitID, m.KeyHash, m.Kind, len(public))
				return nil
			case errors.Is(err, verify.ErrRejected):
				fmt.Fprintf(stderr, "provenant: proof REJECTED by circuit %s key %s: %v\n", m.CircuitID, m.KeyHash, err)
				return exitError{exitRejected}
			default:
				fmt.Fprintf(stderr, "provenant: %v\n", err)
				return exitError{exitMalformed}
			}
		},
	}
	addKeyFlags(cmd, &kf)
	cmd.Flags().StringVar(&proofFile, "proof", "", "proof file (gnark binary)")
	cmd.Flags().StringVar(&publicFile, "public", "", "public inputs file (gnark binary public witness or JSON decimal strings)")
	cmd.Flags().StringVar(&snarkjsDir, "snarkjs", "", "folder to also write the key, proof and public inputs into for snarkjs")
	return cmd
}

// readLimited reads a file of at most limit bytes.
func readLimited(path string, limit int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, int64(limit)+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(b) > limit {
		return nil, fmt.Errorf("%s: more than the %d bytes allowed", path, limit)
	}
	return b, nil
}
