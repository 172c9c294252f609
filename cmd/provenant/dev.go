package main

import (
	"time"

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
encrypted with a dev key created on first run), a native Fabric network
(Operator and Authority peers, one orderer; its binaries are built on first
use), the ingest service, the prover (INSECURE single-party dev keys, made once
and kept under --data), the anchor service and the GraphQL API. A demo origin
registry is imported on first start, and every registry change (a supplier
added with "provenant registry suppliers add") is published to the ledger as the
Authority within a second. All state lives under --data; a second start resumes
from it. Ctrl-C stops everything.`,
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
	cmd.Flags().StringVar(&cfg.APIAddr, "api-addr", "127.0.0.1:8080", "address of the GraphQL API")
	cmd.Flags().DurationVar(&cfg.MaxWait, "max-wait", 2*time.Second, "longest a partly filled batch waits for more events")
	cmd.Flags().DurationVar(&cfg.BatchTimeout, "batch-timeout", 100*time.Millisecond, "the Fabric orderer's batch timeout (fixed when the network is created)")
	return cmd
}
