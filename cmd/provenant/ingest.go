package main

import (
	"log/slog"
	"os"
	"runtime/debug"
	"time"

	"github.com/spf13/cobra"

	"github.com/provenant/provenant/broker"
	"github.com/provenant/provenant/ingest"
	"github.com/provenant/provenant/services"
	"github.com/provenant/provenant/supplier"
)

func newIngestCmd(logs *logFlags) *cobra.Command {
	var sf storeFlags
	var brokers, admin string
	var gcPercent int
	var cfg ingest.Config
	cmd := &cobra.Command{
		Use:   "ingest",
		Short: "Run the ingest service: signed EPCIS events from Kafka into the store",
		Long: `Consume ` + supplier.Topic + ` as a member of a consumer group (run as many as
there are partitions to share the work), check every message (size, EPCIS 2.0
schema and CBV rules, signature header, supplier registry, each event's
signature), store its events idempotently and only then commit its offset.
Rejected messages go to ` + ingest.DeadLetterTopic + ` with the reason in the
` + ingest.HeaderError + ` header. Serves /metrics, /healthz and /readyz on --admin-addr.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, err := logs.logger(cmd)
			if err != nil {
				return err
			}
			cfg.Brokers = splitList(brokers)
			setGCPercent(cmd, log, gcPercent)
			return services.RunIngest(cmd.Context(), log, services.IngestConfig{Store: sf.config(), Ingest: cfg, AdminAddr: admin})
		},
	}
	addStoreFlags(cmd, &sf)
	cmd.Flags().StringVar(&brokers, "brokers", broker.DefaultAddr, "Kafka bootstrap brokers, comma-separated")
	cmd.Flags().StringVar(&cfg.GroupID, "group", ingest.DefaultGroupID, "consumer group")
	cmd.Flags().IntVar(&cfg.MaxMessageBytes, "max-message-bytes", ingest.DefaultMaxMessageBytes, "largest message value accepted")
	cmd.Flags().IntVar(&cfg.BatchSize, "batch-size", ingest.DefaultBatchSize, "most messages checked and stored together (one transaction)")
	cmd.Flags().IntVar(&cfg.BatchBytes, "batch-bytes", ingest.DefaultBatchBytes, "a batch stops growing once its message values reach this many bytes")
	cmd.Flags().DurationVar(&cfg.BatchWait, "batch-wait", 50*time.Millisecond, "how long to wait to fill a batch")
	cmd.Flags().IntVar(&cfg.Workers, "workers", 0, "messages checked in parallel (0: one per CPU)")
	cmd.Flags().StringVar(&admin, "admin-addr", "127.0.0.1:9101", "address of /metrics, /healthz and /readyz")
	cmd.Flags().IntVar(&gcPercent, "gc-percent", 400, "garbage collection target percentage (as GOGC): checking an event allocates tens of kilobytes and keeps little, so a higher target spends less CPU on collection; a GOGC variable wins over the default; -1 leaves the runtime's setting")
	return cmd
}

// setGCPercent applies --gc-percent: the flag when given, else GOGC when
// set, else the flag's default.
func setGCPercent(cmd *cobra.Command, log *slog.Logger, percent int) {
	if percent < 0 {
		return
	}
	if _, ok := os.LookupEnv("GOGC"); ok && !cmd.Flags().Changed("gc-percent") {
		return
	}
	old := debug.SetGCPercent(percent)
	log.Debug("garbage collection target set", "gc_percent", percent, "was", old)
}
