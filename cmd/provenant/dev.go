package main

import (
	"github.com/spf13/cobra"

	"github.com/provenant/provenant/broker"
	"github.com/provenant/provenant/circuits/batch"
	"github.com/provenant/provenant/services"
)

func newDevCmd(logs *logFlags) *cobra.Command {
	cfg := services.DevConfig{}
	cmd := &cobra.Command{
		Use:   "dev",
		Short: "Run the whole system in one process on its embedded defaults",
		Long: `Run the whole Provenant pipeline in one process on embedded defaults: the
durable embedded Kafka-protocol broker, the SQLite store (private payloads
encrypted with a dev key created on first run), the ingest service and the
prover (INSECURE single-party dev keys, made once and kept under --data).
All state lives under --data; a second start resumes from it. Ctrl-C stops it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, err := logs.logger(cmd)
			if err != nil {
				return err
			}
			cfg.Out = cmd.OutOrStdout()
			return services.RunDev(cmd.Context(), log, cfg)
		},
	}
	cmd.Flags().StringVar(&cfg.DataDir, "data", "./data", "folder that holds all state")
	cmd.Flags().StringVar(&cfg.BrokerAddr, "broker-addr", broker.DefaultAddr, "address of the embedded Kafka-protocol broker")
	cmd.Flags().StringVar(&cfg.Circuit, "circuit", batch.ID(8), "batch circuit the prover uses (INSECURE dev keys are made once under --data)")
	cmd.Flags().StringVar(&cfg.AdminAddr, "admin-addr", "127.0.0.1:9100", "address of /metrics, /healthz and /readyz")
	return cmd
}
