package main

import (
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/provenant/provenant/services"
	"github.com/provenant/provenant/store"
	"github.com/provenant/provenant/supplier"
)

func newRegistryCmd(logs *logFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "registry",
		Short: "Manage the registries: supplier keys, certified origins",
	}
	suppliers := &cobra.Command{
		Use:   "suppliers",
		Short: "Manage the registered supplier keys",
	}
	suppliers.AddCommand(newSuppliersAddCmd(logs), newSuppliersRemoveCmd(logs), newSuppliersListCmd(logs))
	cmd.AddCommand(suppliers)
	return cmd
}

// withStore opens the store for the duration of fn.
func withStore(cmd *cobra.Command, logs *logFlags, sf *storeFlags, fn func(store.Store) error) error {
	log, err := logs.logger(cmd)
	if err != nil {
		return err
	}
	st, err := services.OpenStore(cmd.Context(), log, sf.config())
	if err != nil {
		return err
	}
	defer st.Close()
	return fn(st)
}

func newSuppliersAddCmd(logs *logFlags) *cobra.Command {
	var sf storeFlags
	var pubkey, name string
	cmd := &cobra.Command{
		Use:   "add --pubkey HEX [--name NAME]",
		Short: "Register a supplier key",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			pk, err := supplier.ParsePublicKey(pubkey)
			if err != nil {
				return err
			}
			return withStore(cmd, logs, &sf, func(st store.Store) error {
				added, err := st.AddSupplier(cmd.Context(), store.Supplier{PublicKey: pk.String(), Name: name})
				if err != nil {
					return err
				}
				if added {
					fmt.Fprintf(cmd.OutOrStdout(), "added supplier %s\n", pk)
				} else {
					fmt.Fprintf(cmd.OutOrStdout(), "supplier %s was already registered\n", pk)
				}
				return nil
			})
		},
	}
	addStoreFlags(cmd, &sf)
	cmd.Flags().StringVar(&pubkey, "pubkey", "", "the supplier's public key (hex, from supplier keygen)")
	cmd.Flags().StringVar(&name, "name", "", "a display name")
	return cmd
}

func newSuppliersRemoveCmd(logs *logFlags) *cobra.Command {
	var sf storeFlags
	var pubkey string
	cmd := &cobra.Command{
		Use:   "remove --pubkey HEX",
		Short: "Remove a supplier key: its new events are rejected",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			pk, err := supplier.ParsePublicKey(pubkey)
			if err != nil {
				return err
			}
			return withStore(cmd, logs, &sf, func(st store.Store) error {
				if err := st.RemoveSupplier(cmd.Context(), pk.String()); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "removed supplier %s\n", pk)
				return nil
			})
		},
	}
	addStoreFlags(cmd, &sf)
	cmd.Flags().StringVar(&pubkey, "pubkey", "", "the supplier's public key (hex)")
	return cmd
}

func newSuppliersListCmd(logs *logFlags) *cobra.Command {
	var sf storeFlags
	var all bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List registered supplier keys",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, logs, &sf, func(st store.Store) error {
				list, err := st.ListSuppliers(cmd.Context(), all)
				if err != nil {
					return err
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "PUBLIC KEY\tNAME\tADDED\tREMOVED")
				for _, s := range list {
					removed := "-"
					if !s.Active() {
						removed = s.RemovedAt.Format(time.RFC3339)
					}
					name := s.Name
					if name == "" {
						name = "-"
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", s.PublicKey, name, s.AddedAt.Format(time.RFC3339), removed)
				}
				return tw.Flush()
			})
		},
	}
	addStoreFlags(cmd, &sf)
	cmd.Flags().BoolVar(&all, "all", false, "include removed suppliers")
	return cmd
}
