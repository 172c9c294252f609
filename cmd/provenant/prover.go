package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/provenant/provenant/circuits/batch"
	"github.com/provenant/provenant/services"
)

func newProverCmd(logs *logFlags) *cobra.Command {
	var sf storeFlags
	cfg := services.ProverConfig{}
	cmd := &cobra.Command{
		Use:   "prover",
		Short: "Run the prover service: batch Groth16 proofs of RECEIVED events",
		Long: `Lease RECEIVED events from the store (many provers can share one PostgreSQL
store: leases use FOR UPDATE SKIP LOCKED), group them into batches of the
circuit's size, or fewer after --max-wait, prove each batch with Groth16 on the
CPU, and store the proof with every member's leaf, blinded commitment and Merkle
path (status PROVEN). Events that cannot be proven (supplier no longer
registered, origin not certified at the event's time) are REJECTED with the
reason. Keys come from --keys (see "provenant setup"). Serves /metrics, /healthz
and /readyz on --admin-addr.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, err := logs.logger(cmd)
			if err != nil {
				return err
			}
			cfg.Store = sf.config()
			return services.RunProver(cmd.Context(), log, cfg)
		},
	}
	addStoreFlags(cmd, &sf)
	cmd.Flags().StringVar(&cfg.KeysDir, "keys", "./data/keys", "key store folder")
	cmd.Flags().StringVar(&cfg.Circuit, "circuit", batch.ID(8), "batch circuit ID ("+batch.ID(1)+" … "+batch.ID(128)+")")
	cmd.Flags().StringVar(&cfg.KeyHash, "key-hash", "", "key hash to prove with (default: the newest keys of the circuit)")
	cmd.Flags().BoolVar(&cfg.DevSetup, "dev-setup", false, "make INSECURE single-party keys when the key store has none (development only)")
	cmd.Flags().StringVar(&cfg.Prover.Owner, "owner", "", "name of this prover in the store's leases (default host/pid)")
	cmd.Flags().DurationVar(&cfg.Prover.MaxWait, "max-wait", 2*time.Second, "longest a partly filled batch waits for more events")
	cmd.Flags().DurationVar(&cfg.Prover.Lease, "lease", 10*time.Minute, "how long leased events stay reserved; a crashed prover's events return after it")
	cmd.Flags().StringVar(&cfg.AdminAddr, "admin-addr", "127.0.0.1:9102", "address of /metrics, /healthz and /readyz")
	return cmd
}
