package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/provenant/provenant/prover/setup"
	"github.com/provenant/provenant/prover/verify"
	"github.com/provenant/provenant/store"
)

func newVerifyCmd(logs *logFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Verify proofs and events' inclusion in batches",
	}
	cmd.AddCommand(newVerifyProofCmd(logs), newVerifyEventCmd(), newVerifyInclusionExportCmd(logs))
	return cmd
}

// Exit statuses of "verify proof" and "verify event".
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

func newVerifyEventCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "event FILE",
		Short: "Verify that an event's public claims are included in a batch root",
		Long: `Verify an event's inclusion (JSON, as "verify inclusion-export" writes it): recompute
the event's leaf from its public claims and its blinded commitment, and follow
its Merkle path to the batch root. This checks the claims against the batch root
only: verify the batch's proof ("verify proof", whose first public input is the
batch root) and its ledger anchor as well.

Exit status: 0 the event is included; 1 it is not (the claims, the commitment,
the index or the path differ from what was proven, or the root is another); 2
the file cannot be read or is malformed.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				fmt.Fprintf(cmd.ErrOrStderr(), "provenant: verify event takes one FILE, got %d arguments\n", len(args))
				return exitError{exitMalformed}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			file, stderr := args[0], cmd.ErrOrStderr()
			b, err := readLimited(file, verify.MaxInclusionBytes)
			if err != nil {
				fmt.Fprintf(stderr, "provenant: %v\n", err)
				return exitError{exitMalformed}
			}
			inc, err := verify.ParseInclusion(b)
			if err == nil {
				err = verify.VerifyInclusion(inc)
			}
			switch {
			case err == nil:
				fmt.Fprintf(cmd.OutOrStdout(), "event %s is included in batch root %s at leaf %d\n", inc.Claims.EventID, strings.ToLower(inc.BatchRoot), inc.Index)
				return nil
			case errors.Is(err, verify.ErrRejected):
				fmt.Fprintf(stderr, "provenant: %s: REJECTED: %v\n", file, err)
				return exitError{exitRejected}
			default:
				fmt.Fprintf(stderr, "provenant: %s: %v\n", file, err)
				return exitError{exitMalformed}
			}
		},
	}
}

func newVerifyInclusionExportCmd(logs *logFlags) *cobra.Command {
	var sf storeFlags
	var eventID string
	cmd := &cobra.Command{
		Use:   "inclusion-export --event ID",
		Short: "Print a proven event's inclusion in its batch, for \"verify event\"",
		Long: `Print, as JSON, what a buyer needs to check a proven event's inclusion in its
batch: its public claims, its blinded commitment, its leaf index and Merkle path,
and the batch root. Check it with "verify event FILE". An event not yet proven,
or rejected, has none.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if eventID == "" {
				return fmt.Errorf("--event is required")
			}
			return withStore(cmd, logs, &sf, func(st store.Store) error {
				inc, err := verify.InclusionFromStore(cmd.Context(), st, eventID)
				if err != nil {
					return err
				}
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(inc)
			})
		},
	}
	addStoreFlags(cmd, &sf)
	cmd.Flags().StringVar(&eventID, "event", "", "the event's identity (its eventID, else its hash ID)")
	return cmd
}
