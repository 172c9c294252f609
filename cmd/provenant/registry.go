package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/provenant/provenant/registry"
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
	origins := &cobra.Command{
		Use:   "origins",
		Short: "Manage the certified origin facilities",
		Long: `The origin registry lists the facilities certified to be in a region (ISO 3166-1
alpha-2) for a period. Its Merkle root is published on the ledger, and the batch
proofs show that every origin claim is backed by an entry, without revealing the
facility. Import replaces the registry (or merges into it) and saves a new
snapshot; see docs/registries.md for the file formats.`,
	}
	origins.AddCommand(newOriginsImportCmd(logs), newOriginsListCmd(logs))
	cmd.AddCommand(suppliers, origins, newRootsCmd(logs), newPublishCmd(logs))
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

func newOriginsImportCmd(logs *logFlags) *cobra.Command {
	var sf storeFlags
	var merge bool
	cmd := &cobra.Command{
		Use:   "import FILE [--merge]",
		Short: "Import certified origins from a CSV or JSON file, replacing or merging into the origin registry",
		Long: `Import reads origin entries from FILE ("-" for standard input), checks them all,
and saves the new origin registry as a snapshot; it prints the number of entries
and the new root. Without --merge the file replaces the registry; with --merge its
entries are added to those of the latest snapshot.

CSV needs a header row naming the columns, in any order:

    facility,region,valid_from,valid_until,certificate
    urn:epc:id:sgln:4012345.00005.0,DE,2026-01-01,2026-12-31,BIO-DE-2026

JSON is an array of objects with the same keys, or {"origins": [...]} (the output
of "registry origins list --format json"). A facility is a GLN, an SGLN URN or a
GS1 Digital Link URI; a region an ISO 3166-1 alpha-2 code; valid_from and
valid_until RFC 3339 times or dates (a date means 00:00:00.000 UTC as valid_from,
23:59:59.999 UTC as valid_until); the certificate, optional, is free text kept in
the snapshot but not in the root.

Every problem in the file is listed, with its line (CSV) or index (JSON) and
field, and nothing is imported until there are none.`,
		Example: `  provenant registry origins import certified.csv
  provenant registry origins import --merge new-certificates.json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := args[0]
			var in io.Reader = cmd.InOrStdin()
			if name == "-" {
				name = "stdin"
			} else {
				f, err := os.Open(name)
				if err != nil {
					return err
				}
				defer f.Close()
				in = f
			}
			entries, err := registry.ParseOrigins(name, in)
			if err != nil {
				return reportProblems(cmd, name, err)
			}
			if len(entries) == 0 && !merge {
				return fmt.Errorf("%s holds no entries; refusing to replace the origin registry with an empty one", name)
			}
			return withStore(cmd, logs, &sf, func(st store.Store) error {
				ctx := cmd.Context()
				before, err := st.LatestRegistrySnapshot(ctx, store.RegistryOrigins)
				if err != nil && !errors.Is(err, store.ErrNotFound) {
					return err
				}
				snap, reg, err := registry.ImportOrigins(ctx, st, entries, merge)
				if err != nil {
					return reportProblems(cmd, name, err)
				}
				out := cmd.OutOrStdout()
				fmt.Fprintf(out, "read %s from %s\n", entriesText(len(entries)), name)
				fmt.Fprintf(out, "origin registry: %s\n", entriesText(reg.Len()))
				fmt.Fprintf(out, "root: %s\n", snap.Root)
				if snap.ID == before.ID {
					fmt.Fprintf(out, "snapshot: %d (unchanged)\n", snap.ID)
				} else {
					fmt.Fprintf(out, "snapshot: %d\n", snap.ID)
				}
				return nil
			})
		},
	}
	addStoreFlags(cmd, &sf)
	cmd.Flags().BoolVar(&merge, "merge", false, "add the file's entries to the latest origin registry instead of replacing it")
	return cmd
}

func entriesText(n int) string {
	if n == 1 {
		return "1 entry"
	}
	return fmt.Sprintf("%d entries", n)
}

// reportProblems prints every problem of an origin import to stderr and
// returns an error that counts them; other errors it returns as they are.
func reportProblems(cmd *cobra.Command, name string, err error) error {
	var ps registry.Problems
	if !errors.As(err, &ps) {
		return err
	}
	for _, p := range ps {
		fmt.Fprintln(cmd.ErrOrStderr(), p.Error())
	}
	if len(ps) == 1 {
		return fmt.Errorf("%s: 1 problem; nothing imported", name)
	}
	return fmt.Errorf("%s: %d problems; nothing imported", name, len(ps))
}

func newOriginsListCmd(logs *logFlags) *cobra.Command {
	var sf storeFlags
	var format string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the entries of the latest origin registry",
		Long: `List prints the entries of the latest origin registry snapshot, in leaf order,
after checking that they rebuild the snapshot's root. --format json prints them
in the snapshot's own JSON form, which "registry origins import" reads back.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "table" && format != "json" {
				return fmt.Errorf("--format %q: want table or json", format)
			}
			return withStore(cmd, logs, &sf, func(st store.Store) error {
				snap, err := st.LatestRegistrySnapshot(cmd.Context(), store.RegistryOrigins)
				if errors.Is(err, store.ErrNotFound) {
					fmt.Fprintln(cmd.ErrOrStderr(), "no origin registry yet; import one with: provenant registry origins import FILE")
					return nil
				}
				if err != nil {
					return err
				}
				reg, err := registry.LoadOrigins(snap)
				if err != nil {
					return err
				}
				out := cmd.OutOrStdout()
				if format == "json" {
					data, err := registry.MarshalOrigins(reg)
					if err != nil {
						return err
					}
					_, err = fmt.Fprintf(out, "%s\n", data)
					return err
				}
				tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "FACILITY\tREGION\tVALID FROM\tVALID UNTIL\tCERTIFICATE")
				for _, o := range reg.Entries() {
					cert := o.Certificate
					if cert == "" {
						cert = "-"
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", o.Facility, o.Region,
						o.ValidFrom.Format(registry.TimeLayout), o.ValidUntil.Format(registry.TimeLayout), cert)
				}
				return tw.Flush()
			})
		},
	}
	addStoreFlags(cmd, &sf)
	cmd.Flags().StringVar(&format, "format", "table", "output format: table, or json (the snapshot's form, importable)")
	return cmd
}

func newRootsCmd(logs *logFlags) *cobra.Command {
	var sf storeFlags
	cmd := &cobra.Command{
		Use:   "roots",
		Short: "Show the latest root of each registry, its snapshot and where it was published",
		Long: `Roots prints, for each registry, the Merkle root the authority publishes on the
ledger: its number of entries, the root (64 hex digits), the snapshot that holds
it, when that was saved, and the ledger transaction that published it ("-" until
published).

The supplier registry's root is computed from the store's active suppliers and
saved as a new snapshot when it changed since the last one; the origin registry's
is that of the latest import, checked against its data.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, logs, &sf, func(st store.Store) error {
				ctx := cmd.Context()
				supSnap, sup, err := registry.SnapshotSuppliers(ctx, st)
				if err != nil {
					return err
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "REGISTRY\tENTRIES\tROOT\tSNAPSHOT\tCREATED\tPUBLISHED TX")
				row := func(snap store.RegistrySnapshot, entries int) {
					tx := snap.PublishedTx
					if tx == "" {
						tx = "-"
					}
					fmt.Fprintf(tw, "%s\t%d\t%s\t%d\t%s\t%s\n", snap.Kind, entries, snap.Root, snap.ID,
						snap.CreatedAt.UTC().Format(time.RFC3339), tx)
				}
				row(supSnap, sup.Len())
				oriSnap, err := st.LatestRegistrySnapshot(ctx, store.RegistryOrigins)
				switch {
				case errors.Is(err, store.ErrNotFound):
					fmt.Fprintf(tw, "%s\t-\t-\t-\t-\t-\n", store.RegistryOrigins)
				case err != nil:
					return err
				default:
					ori, err := registry.LoadOrigins(oriSnap)
					if err != nil {
						return err
					}
					row(oriSnap, ori.Len())
				}
				return tw.Flush()
			})
		},
	}
	addStoreFlags(cmd, &sf)
	return cmd
}
