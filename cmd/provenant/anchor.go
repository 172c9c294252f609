package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/provenant/provenant/audit"
	"github.com/provenant/provenant/services"
	"github.com/provenant/provenant/store"
)

// Default connection profiles, as `provenant network up --data ./data/fabric` writes them.
const (
	defaultOperatorProfile  = "./data/fabric/operator.json"
	defaultAuthorityProfile = "./data/fabric/authority.json"
)

func newAnchorCmd(logs *logFlags) *cobra.Command {
	var sf storeFlags
	cfg := services.AnchorConfig{}
	cmd := &cobra.Command{
		Use:   "anchor",
		Short: "Run the anchor service: anchor PROVEN batches on the Fabric ledger",
		Long: `Take PROVEN batches from the store, oldest first, and anchor each on the ledger
(chaincode provenant, which verifies the proof again on every endorsing peer),
as the Operator identity of the --ledger connection profile. Record the
transaction ID, block number and time in the store: the batch and its events
become ANCHORED.

Anchoring is idempotent: a batch already on the ledger with the same content is
recorded, not anchored again, so several anchor processes can share a store. A
batch waits while a registry root it was proven against is not yet published;
one the ledger refuses (bad proof) is rejected and its events are proven again.
While the ledger is unreachable the backlog waits in the store and drains when
it is back. Verifying keys from --keys are pinned on the ledger when missing.
Serves /metrics, /healthz and /readyz on --admin-addr.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, err := logs.logger(cmd)
			if err != nil {
				return err
			}
			cfg.Store = sf.config()
			return services.RunAnchor(cmd.Context(), log, cfg)
		},
	}
	addStoreFlags(cmd, &sf)
	cmd.Flags().StringVar(&cfg.Ledger, "ledger", defaultOperatorProfile, "ledger connection profile of the Operator (JSON; see docs/ledger.md)")
	cmd.Flags().StringVar(&cfg.KeysDir, "keys", "./data/keys", "key store whose verifying keys are pinned on the ledger when missing (empty: never)")
	cmd.Flags().DurationVar(&cfg.Anchor.Poll, "poll", time.Second, "pause when there is nothing to anchor")
	cmd.Flags().IntVar(&cfg.Anchor.Limit, "limit", 64, "batches taken per round")
	cmd.Flags().DurationVar(&cfg.Anchor.MaxBackoff, "max-backoff", 30*time.Second, "longest pause between rounds while the ledger fails")
	cmd.Flags().StringVar(&cfg.AdminAddr, "admin-addr", "127.0.0.1:9103", "address of /metrics, /healthz and /readyz")
	return cmd
}

func newAuditCmd(logs *logFlags) *cobra.Command {
	var sf storeFlags
	var profile, dataDir string
	var asJSON bool
	var cfg audit.Config
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Check every ledger anchor and the store against each other",
		Long: `Walk every anchor on the ledger and verify its proof here, against the
verifying key pinned on the ledger, with registry roots that must have been
published; then cross-check the store: every PROVEN batch (older than --grace)
and every ANCHORED one is on the ledger with the same root, proof and public
inputs; every anchor is known to the store; no batch root is anchored twice;
every member event still leads, from its claims, along its Merkle path to the
anchored root. Prints a report (--json for JSON) and exits with status 1 when
anything was found, 2 when the audit could not be completed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, err := logs.logger(cmd)
			if err != nil {
				return err
			}
			if dataDir != "" { // the dev system's store and ledger
				dev := services.DevConfig{DataDir: dataDir}
				sf.url, sf.keyFile, sf.createKey = dev.StoreURL(), dev.StoreKeyFile(), false
				profile = filepath.Join(dev.FabricDir(), "authority.json")
			}
			lc, err := services.DialLedger(log, profile)
			if err != nil {
				return err
			}
			defer lc.Close()
			var rep audit.Report
			err = withStore(cmd, logs, &sf, func(st store.Store) error {
				rep, err = audit.Run(cmd.Context(), st, lc, cfg)
				return err
			})
			if err != nil {
				fmt.Fprintf(cmd.ErrOrStderr(), "provenant: audit incomplete: %v\n", err)
				return exitError{code: 2}
			}
			out := cmd.OutOrStdout()
			if asJSON {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(rep); err != nil {
					return err
				}
			} else {
				fmt.Fprintf(out, "ledger anchors: %d (proofs verified here: %d)\nstore batches:  %d (member events checked: %d)\n",
					rep.Anchors, rep.Verified, rep.Batches, rep.Members)
				for _, f := range rep.Findings {
					fmt.Fprintf(out, "FINDING %-16s batch %s: %s\n", f.Check, f.BatchID, f.Detail)
				}
				if rep.OK() {
					fmt.Fprintln(out, "OK: no findings")
				} else {
					fmt.Fprintf(out, "%d finding(s)\n", len(rep.Findings))
				}
			}
			if !rep.OK() {
				return exitError{code: 1}
			}
			return nil
		},
	}
	addStoreFlags(cmd, &sf)
	cmd.Flags().StringVar(&profile, "ledger", defaultAuthorityProfile, "ledger connection profile (JSON; see docs/ledger.md)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	cmd.Flags().StringVar(&dataDir, "data", "", "audit the dev system in this folder (sets --store, --store-key and --ledger)")
	cmd.Flags().DurationVar(&cfg.Grace, "grace", 0, "leave PROVEN batches younger than this out of the not-anchored check")
	return cmd
}

func newPublishCmd(logs *logFlags) *cobra.Command {
	var sf storeFlags
	var profile string
	cmd := &cobra.Command{
		Use:   "publish suppliers|origins",
		Short: "Publish a registry's current root on the ledger (Authority)",
		Long: `Publish the current Merkle root of the supplier or origin registry on the
ledger, as the Authority identity of the --ledger connection profile, and record
the transaction on the store's snapshot. The chaincode keeps every root ever
published; a batch proven against any of them can be anchored. Publishing the
latest root again changes nothing.`,
		Args:      cobra.ExactArgs(1),
		ValidArgs: []string{string(store.RegistrySuppliers), string(store.RegistryOrigins)},
		RunE: func(cmd *cobra.Command, args []string) error {
			log, err := logs.logger(cmd)
			if err != nil {
				return err
			}
			lc, err := services.DialLedger(log, profile)
			if err != nil {
				return err
			}
			defer lc.Close()
			return withStore(cmd, logs, &sf, func(st store.Store) error {
				snap, rec, err := services.PublishRegistry(cmd.Context(), st, lc, store.RegistryKind(args[0]))
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s root %s published: seq %d, tx %s (snapshot %d)\n", rec.Kind, rec.Root, rec.Seq, rec.TxID, snap.ID)
				return nil
			})
		},
	}
	addStoreFlags(cmd, &sf)
	cmd.Flags().StringVar(&profile, "ledger", defaultAuthorityProfile, "ledger connection profile of the Authority (JSON; see docs/ledger.md)")
	return cmd
}
