package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/provenant/provenant/services"
	"github.com/provenant/provenant/store"
)

func newStoreCmd(logs *logFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "store",
		Short: "Manage the private event store",
	}
	var sf storeFlags
	migrate := &cobra.Command{
		Use:   "migrate",
		Short: "Apply the store's schema migrations and report its state",
		Long: `Open the store, apply every pending schema migration (SQLite or PostgreSQL),
and print the number of events by status. Safe to run while services run.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, err := logs.logger(cmd)
			if err != nil {
				return err
			}
			st, err := services.OpenStore(cmd.Context(), log, sf.config())
			if err != nil {
				return err
			}
			defer st.Close()
			counts, err := st.CountEventsByStatus(cmd.Context())
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "store %s is up to date\n", sf.url)
			for _, s := range store.Statuses() {
				fmt.Fprintf(cmd.OutOrStdout(), "%-9s %d\n", s, counts[s])
			}
			return nil
		},
	}
	addStoreFlags(migrate, &sf)
	cmd.AddCommand(migrate)
	return cmd
}
