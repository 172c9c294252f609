package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/provenant/provenant/broker"
	"github.com/provenant/provenant/ingest"
	"github.com/provenant/provenant/supplier"
)

func newBrokerCmd(logs *logFlags) *cobra.Command {
	var addr, data string
	var partitions int32
	var sync bool
	cmd := &cobra.Command{
		Use:   "broker",
		Short: "Run the embedded Kafka-protocol broker (for development and tests)",
		Long: `Run the embedded Kafka-protocol broker (franz-go's kfake) on --addr, durable
under --data, with the events and dead-letter topics created. Any Kafka client
(kafka-go, kcat, …) talks to it over TCP. For production, point the services at a
Kafka cluster with --brokers instead.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, err := logs.logger(cmd)
			if err != nil {
				return err
			}
			opts := []broker.Option{
				broker.WithTopics(partitions, supplier.Topic, ingest.DeadLetterTopic),
				broker.WithLogger(log),
			}
			if data != "" {
				opts = append(opts, broker.WithDataDir(data))
				if sync {
					opts = append(opts, broker.WithSyncWrites())
				}
			}
			b, err := broker.Start(cmd.Context(), addr, opts...)
			if err != nil {
				return err
			}
			defer b.Close()
			fmt.Fprintf(cmd.OutOrStdout(), "broker listening on %s (topics %s, %s)\n", b.Addr(), supplier.Topic, ingest.DeadLetterTopic)
			log.Info("broker running", "addr", b.Addr(), "data", data)
			<-cmd.Context().Done()
			log.Info("broker stopping")
			return nil
		},
	}
	cmd.Flags().StringVar(&addr, "addr", broker.DefaultAddr, "address to listen on")
	cmd.Flags().StringVar(&data, "data", "./data/kafka", "folder that keeps topics and offsets across restarts (empty: in memory)")
	cmd.Flags().Int32Var(&partitions, "partitions", broker.DefaultPartitions, "partitions of the topics it creates")
	cmd.Flags().BoolVar(&sync, "sync", true, "fsync every produced batch before acknowledging it")
	return cmd
}
