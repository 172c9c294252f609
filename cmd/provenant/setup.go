package main

import (
	"context"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/consensys/gnark/frontend"
	"github.com/spf13/cobra"

	"github.com/provenant/provenant/circuits/batch"
	"github.com/provenant/provenant/prover/setup"
)

// defaultKeysDir is the key store of the commands that make or read keys.
const defaultKeysDir = "./data/keys"

// circuitRegistry returns the circuits the setup commands accept: the
// batch circuit of each size Provenant proves.
func circuitRegistry() setup.Registry {
	r := setup.Registry{}
	for _, n := range batch.Sizes() {
		r[batch.ID(n)] = func() (frontend.Circuit, error) { return batch.New(n) }
	}
	return r
}

func newSetupCmd(logs *logFlags, circuits setup.Registry) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "setup",
		Short: "Make, check and export the circuits' Groth16 keys",
		Long: `Make the Groth16 keys (BN254) of Provenant's circuits and keep them in a
content-addressed key store: <keys>/<circuit ID>/<key hash>/, the key hash being
the SHA-256 of the compressed verifying key (the value the ledger pins).

"setup dev" makes INSECURE single-party keys for development. Production keys
come from a multi-party ceremony ("setup ceremony"): sound as long as one
contributor destroyed their randomness.

Circuits: ` + strings.Join(circuits.IDs(), ", ") + `.`,
	}
	ceremony := &cobra.Command{
		Use:   "ceremony",
		Short: "Run a multi-party Groth16 setup ceremony in a folder",
		Long: `A multi-party ceremony (gnark's mpcsetup) kept as files in a folder that the
coordinator passes from contributor to contributor:

  1. coordinator:  provenant setup ceremony init --dir D --circuit ID
  2. each contributor in turn, on their own machine:
                   provenant setup ceremony contribute --dir D --phase 1
                   (publishes the printed sha256)
  3. coordinator:  provenant setup ceremony seal --dir D --phase 1 --beacon HEX
  4. each contributor in turn:
                   provenant setup ceremony contribute --dir D --phase 2
  5. coordinator:  provenant setup ceremony seal --dir D --phase 2 --beacon HEX --keys KEYS
  anyone, anytime: provenant setup ceremony verify --dir D

A beacon is public randomness revealed only after the phase's last contribution
(for instance a drand round announced in advance), given in hex.`,
	}
	ceremony.AddCommand(newCeremonyInitCmd(logs, circuits), newCeremonyContributeCmd(logs), newCeremonyVerifyCmd(logs), newCeremonySealCmd(logs))
	cmd.AddCommand(newSetupDevCmd(logs, circuits), ceremony, newSetupExportCmd(logs))
	return cmd
}

func newSetupDevCmd(logs *logFlags, circuits setup.Registry) *cobra.Command {
	var circuitID, keys string
	cmd := &cobra.Command{
		Use:   "dev --circuit ID [--keys DIR]",
		Short: "Make INSECURE single-party keys for development",
		Long: `Compile the circuit and make its keys with gnark's single-party Groth16 setup,
then save them into the key store and print the key hash. The keys are INSECURE:
whoever could read this process's memory can forge proofs. They are labelled so
in the logs, in meta.json (kind "dev-insecure") and by INSECURE-DEV-KEYS.txt.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, err := logs.logger(cmd)
			if err != nil {
				return err
			}
			circuit, err := circuits.Circuit(circuitID)
			if err != nil {
				return err
			}
			k, err := setup.Dev(cmd.Context(), circuitID, circuit, setup.WithLogger(log))
			if err != nil {
				return err
			}
			dir := setup.NewDir(keys, setup.WithLogger(log))
			hash, err := dir.Save(cmd.Context(), k)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "INSECURE dev keys for %s (single-party setup, not for production)\nkey hash %s\nsaved in %s\n",
				circuitID, hash, dir.KeyPath(circuitID, hash))
			return nil
		},
	}
	cmd.Flags().StringVar(&circuitID, "circuit", "", "circuit ID")
	cmd.Flags().StringVar(&keys, "keys", defaultKeysDir, "key store folder")
	return cmd
}

func newCeremonyInitCmd(logs *logFlags, circuits setup.Registry) *cobra.Command {
	var dir, circuitID string
	cmd := &cobra.Command{
		Use:   "init --dir DIR --circuit ID",
		Short: "Start a ceremony for a circuit in a new folder",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, err := logs.logger(cmd)
			if err != nil {
				return err
			}
			if dir == "" {
				return fmt.Errorf("--dir is required")
			}
			circuit, err := circuits.Circuit(circuitID)
			if err != nil {
				return err
			}
			cs, err := setup.Compile(cmd.Context(), circuitID, circuit, setup.WithLogger(log))
			if err != nil {
				return err
			}
			t, err := setup.CeremonyInit(cmd.Context(), dir, circuitID, cs, setup.WithLogger(log))
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "ceremony for %s in %s: %d constraints, domain size %d\nphase 1 initial state sha256 %s\n",
				circuitID, dir, t.Constraints, t.DomainSize, t.Phase1.Initial)
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "", "ceremony folder")
	cmd.Flags().StringVar(&circuitID, "circuit", "", "circuit ID")
	return cmd
}

func newCeremonyContributeCmd(logs *logFlags) *cobra.Command {
	var dir string
	var phase int
	cmd := &cobra.Command{
		Use:   "contribute --dir DIR --phase 1|2",
		Short: "Add your contribution to a ceremony phase and print its hash to publish",
		Long: `Check the latest state of the phase, contribute randomness (drawn from the
operating system by gnark in this process, used, and forgotten when it exits) and
write the next state. Publish the printed sha256 where the other participants
and auditors will see it: "setup ceremony verify" shows that your contribution
is in the chain.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, err := logs.logger(cmd)
			if err != nil {
				return err
			}
			if dir == "" {
				return fmt.Errorf("--dir is required")
			}
			p, err := parsePhase(phase)
			if err != nil {
				return err
			}
			c, err := setup.Contribute(cmd.Context(), dir, p, setup.WithLogger(log))
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "phase %d contribution %d written to %s\nsha256 %s\nPublish this hash.\n",
				c.Phase, c.Index, filepath.Join(dir, c.File), c.Hash)
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "", "ceremony folder")
	cmd.Flags().IntVar(&phase, "phase", 0, "phase to contribute to: 1 or 2")
	return cmd
}

func newCeremonyVerifyCmd(logs *logFlags) *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "verify --dir DIR",
		Short: "Verify every contribution of a ceremony from scratch",
		Long: `Recompute and check the whole ceremony: the circuit against its hash, every
contribution in order from the initial state, the sealed phase 1 and the sealed
keys. Prints every contribution's hash; on failure names the first bad
contribution and exits 1.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, err := logs.logger(cmd)
			if err != nil {
				return err
			}
			if dir == "" {
				return fmt.Errorf("--dir is required")
			}
			t, err := setup.VerifyAll(cmd.Context(), dir, setup.WithLogger(log))
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "ceremony for %s verified (%d constraints, domain size %d)\n", t.CircuitID, t.Constraints, t.DomainSize)
			for i, l := range []setup.PhaseLog{t.Phase1, t.Phase2} {
				if l.Initial == "" {
					continue
				}
				fmt.Fprintf(out, "phase %d initial        sha256 %s\n", i+1, l.Initial)
				for _, c := range l.Contributions {
					fmt.Fprintf(out, "phase %d contribution %d sha256 %s\n", c.Phase, c.Index, c.Hash)
				}
				if l.Beacon != "" {
					fmt.Fprintf(out, "phase %d sealed with beacon %s\n", i+1, l.Beacon)
				} else {
					fmt.Fprintf(out, "phase %d open\n", i+1)
				}
			}
			if t.Phase2.Sealed != "" {
				fmt.Fprintf(out, "key hash %s\n", t.Phase2.Sealed)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "", "ceremony folder")
	return cmd
}

func newCeremonySealCmd(logs *logFlags) *cobra.Command {
	var dir, beaconHex, keys string
	var phase int
	cmd := &cobra.Command{
		Use:   "seal --dir DIR --phase 1|2 --beacon HEX [--keys DIR]",
		Short: "Verify a phase's contributions and seal it with a public random beacon",
		Long: `Verify every contribution of the phase and apply the beacon, public randomness
revealed after its last contribution (hex, at least 16 bytes). Sealing phase 1
prepares phase 2 for the circuit; sealing phase 2 makes the keys and saves them,
with the ceremony's transcript, into the key store.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, err := logs.logger(cmd)
			if err != nil {
				return err
			}
			if dir == "" {
				return fmt.Errorf("--dir is required")
			}
			p, err := parsePhase(phase)
			if err != nil {
				return err
			}
			beacon, err := hex.DecodeString(strings.TrimPrefix(beaconHex, "0x"))
			if err != nil || beaconHex == "" {
				return fmt.Errorf("--beacon %q: want hex", beaconHex)
			}
			out := cmd.OutOrStdout()
			if p == setup.Phase1 {
				t, err := setup.Phase1Seal(cmd.Context(), dir, beacon, setup.WithLogger(log))
				if err != nil {
					return err
				}
				fmt.Fprintf(out, "phase 1 sealed after %d contributions\nphase 2 initial state sha256 %s\n", len(t.Phase1.Contributions), t.Phase2.Initial)
				return nil
			}
			return sealKeys(cmd.Context(), log, dir, beacon, keys, cmd)
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "", "ceremony folder")
	cmd.Flags().IntVar(&phase, "phase", 0, "phase to seal: 1 or 2")
	cmd.Flags().StringVar(&beaconHex, "beacon", "", "public random beacon, hex")
	cmd.Flags().StringVar(&keys, "keys", defaultKeysDir, "key store folder the sealed keys are saved into")
	return cmd
}

func sealKeys(ctx context.Context, log *slog.Logger, dir string, beacon []byte, keys string, cmd *cobra.Command) error {
	k, err := setup.Seal(ctx, dir, beacon, setup.WithLogger(log))
	if err != nil {
		return err
	}
	store := setup.NewDir(keys, setup.WithLogger(log))
	hash, err := store.Save(ctx, k)
	if err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "ceremony keys for %s (%d + %d contributions)\nkey hash %s\nsaved in %s\n",
		k.CircuitID, len(k.Transcript.Phase1.Contributions), len(k.Transcript.Phase2.Contributions), hash, store.KeyPath(k.CircuitID, hash))
	return nil
}

func parsePhase(p int) (setup.Phase, error) {
	switch p {
	case 1:
		return setup.Phase1, nil
	case 2:
		return setup.Phase2, nil
	}
	return 0, fmt.Errorf("--phase %d: want 1 or 2", p)
}

// keyFlags select one key pair of the key store.
type keyFlags struct {
	dir, circuit, hash string
}

func addKeyFlags(cmd *cobra.Command, f *keyFlags) {
	cmd.Flags().StringVar(&f.dir, "keys", defaultKeysDir, "key store folder")
	cmd.Flags().StringVar(&f.circuit, "circuit", "", "circuit ID")
	cmd.Flags().StringVar(&f.hash, "key-hash", "", "key hash, from setup dev or ceremony seal (default: the circuit's latest keys)")
}

// meta returns the selected key pair's metadata, warning on stderr when
// the keys are dev keys.
func (f *keyFlags) meta(cmd *cobra.Command, log *slog.Logger) (setup.Dir, setup.Meta, error) {
	dir := setup.NewDir(f.dir, setup.WithLogger(log))
	if f.circuit == "" {
		return dir, setup.Meta{}, fmt.Errorf("--circuit is required")
	}
	var m setup.Meta
	var err error
	if f.hash == "" {
		m, err = dir.Latest(f.circuit)
	} else {
		m, err = dir.Meta(f.circuit, f.hash)
	}
	if err != nil {
		return dir, m, err
	}
	if m.Kind != setup.KindCeremony {
		fmt.Fprintf(cmd.ErrOrStderr(), "WARNING: key %s of %s are INSECURE %s keys (single-party setup): for development only\n", m.KeyHash, m.CircuitID, m.Kind)
	}
	return dir, m, nil
}

func newSetupExportCmd(logs *logFlags) *cobra.Command {
	var kf keyFlags
	var snarkjsDir, solidity string
	cmd := &cobra.Command{
		Use:   "export --circuit ID [--key-hash HASH] [--snarkjs DIR] [--solidity FILE]",
		Short: "Export a verifying key for snarkjs or as a Solidity verifier",
		Long: `Write the verifying key of a circuit's keys (the latest, or --key-hash) as snarkjs's
verification_key.json into --snarkjs, and/or as a Solidity verifier contract
into --solidity.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, err := logs.logger(cmd)
			if err != nil {
				return err
			}
			if snarkjsDir == "" && solidity == "" {
				return fmt.Errorf("nothing to export: give --snarkjs and/or --solidity")
			}
			dir, m, err := kf.meta(cmd, log)
			if err != nil {
				return err
			}
			vk, _, err := dir.LoadVerifyingKey(m.CircuitID, m.KeyHash)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if snarkjsDir != "" {
				if err := setup.WriteSnarkjs(snarkjsDir, vk, nil, nil); err != nil {
					return err
				}
				fmt.Fprintf(out, "wrote %s\n", filepath.Join(snarkjsDir, setup.SnarkjsVerifyingKeyFile))
			}
			if solidity != "" {
				f, err := os.Create(solidity)
				if err != nil {
					return err
				}
				err = setup.ExportSolidity(f, vk)
				if cerr := f.Close(); err == nil {
					err = cerr
				}
				if err != nil {
					return fmt.Errorf("write %s: %w", solidity, err)
				}
				fmt.Fprintf(out, "wrote %s\n", solidity)
			}
			fmt.Fprintf(out, "circuit %s key hash %s (%s)\n", m.CircuitID, m.KeyHash, m.Kind)
			return nil
		},
	}
	addKeyFlags(cmd, &kf)
	cmd.Flags().StringVar(&snarkjsDir, "snarkjs", "", "folder to write verification_key.json into")
	cmd.Flags().StringVar(&solidity, "solidity", "", "file to write the Solidity verifier into")
	return cmd
}
