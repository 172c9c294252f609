package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/provenant/provenant/epcis"
)

func newEPCISCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "epcis",
		Short: "Work with GS1 EPCIS 2.0 JSON-LD documents and events",
	}
	cmd.AddCommand(newEPCISHashCmd(), newEPCISValidateCmd())
	return cmd
}

func newEPCISHashCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "hash FILE...",
		Short: "Print the GS1 CBV 2.0 event hash ID of every event, one per line",
		Long: `Print the GS1 CBV 2.0 event hash ID (ni:///sha-256;<hex>?ver=CBV2.0) of every
event in the given EPCIS 2.0 JSON-LD files, one per line, in document order.
The hash is computed even for events that carry an eventID. Use "-" to read
standard input.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, files []string) error {
			out := cmd.OutOrStdout()
			failed := false
			for _, name := range files {
				data, err := readInput(cmd, name)
				if err != nil {
					fmt.Fprintln(cmd.ErrOrStderr(), err)
					failed = true
					continue
				}
				doc, err := epcis.Parse(name, data)
				if err != nil {
					printProblems(cmd.ErrOrStderr(), name, err)
					failed = true
					continue
				}
				for _, ev := range doc.Events {
					id, err := ev.HashID()
					if err != nil {
						fmt.Fprintf(cmd.ErrOrStderr(), "%s: event %d: %v\n", name, ev.Index, err)
						failed = true
						continue
					}
					fmt.Fprintln(out, id)
				}
			}
			if failed {
				return exitError{code: 1}
			}
			return nil
		},
	}
}

func newEPCISValidateCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "validate FILE...",
		Short: "Validate EPCIS 2.0 files against the JSON Schema and the CBV rules",
		Long: `Validate EPCIS 2.0 JSON-LD files against the embedded EPCIS 2.0 JSON Schema
and the CBV 2.0 rules that the schema cannot express. Exits 0 when every file is
valid; otherwise prints one line per problem (file, event index and ID, JSON
path, what is wrong) and exits 1. Use "-" to read standard input.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, files []string) error {
			v, err := epcis.NewValidator()
			if err != nil {
				return err
			}
			failed := false
			for _, name := range files {
				data, err := readInput(cmd, name)
				if err != nil {
					fmt.Fprintln(cmd.OutOrStdout(), err)
					failed = true
					continue
				}
				if _, err := v.Validate(name, data); err != nil {
					printProblems(cmd.OutOrStdout(), name, err)
					failed = true
				}
			}
			if failed {
				return exitError{code: 1}
			}
			return nil
		},
	}
}

// maxInput bounds what a command reads from standard input.
const maxInput = 64 << 20

// readInput reads a named file, or standard input for "-".
func readInput(cmd *cobra.Command, name string) ([]byte, error) {
	if name == "-" {
		data, err := io.ReadAll(io.LimitReader(cmd.InOrStdin(), maxInput))
		if err != nil {
			return nil, fmt.Errorf("-: %w", err)
		}
		return data, nil
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return data, nil
}

// printProblems writes one line per problem of a validation error, or the
// error itself when it is of another kind.
func printProblems(w io.Writer, name string, err error) {
	var verr *epcis.ValidationError
	if errors.As(err, &verr) {
		for _, p := range verr.Problems {
			fmt.Fprintln(w, p.String())
		}
		return
	}
	fmt.Fprintf(w, "%s: %v\n", name, err)
}
