package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/provenant/provenant/broker"
	"github.com/provenant/provenant/supplier"
)

func newSupplierCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "supplier",
		Short: "Supplier tools: keys, signing, pushing events to Kafka",
	}
	cmd.AddCommand(newSupplierKeygenCmd(), newSupplierSignCmd(), newSupplierPushCmd())
	return cmd
}

func newSupplierKeygenCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "keygen --out FILE",
		Short: "Create a supplier signing key",
		Long: `Create a new EdDSA key on BN254's twisted Edwards curve, write it to --out
(mode 0600; an existing file is never overwritten), and print the public key in
hex as the only line on standard output. Register that public key with
"provenant registry suppliers add --pubkey HEX".`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return fmt.Errorf("--out is required")
			}
			k, err := supplier.GenerateKey(nil)
			if err != nil {
				return err
			}
			if err := supplier.WriteKeyFile(out, k); err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), k.Public().String())
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "file to write the key to")
	return cmd
}

func newSupplierSignCmd() *cobra.Command {
	var keyFile, brokers, format string
	cmd := &cobra.Command{
		Use:   "sign --key FILE FILE",
		Short: "Sign an EPCIS file and print how any Kafka client sends it",
		Long: `Sign every event of an EPCIS 2.0 JSON-LD file (a document or one event) and
print what another Kafka client needs to send the same message: by default a kcat
command line (the file is the message value, unchanged); with --format json, an
object with the topic, key and headers.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			k, err := supplier.ReadKeyFile(keyFile)
			if err != nil {
				return err
			}
			data, err := readInput(cmd, args[0])
			if err != nil {
				return err
			}
			msg, err := k.SignMessage(args[0], data, nil)
			if err != nil {
				return err
			}
			switch format {
			case "kcat":
				fmt.Fprintln(cmd.OutOrStdout(), kcatCommand(brokers, msg, args[0]))
			case "json":
				headers := map[string]string{}
				for _, h := range msg.Headers {
					headers[h.Key] = h.Value
				}
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(map[string]any{"topic": supplier.Topic, "key": msg.Key, "headers": headers, "eventIDs": msg.EventIDs})
			default:
				return fmt.Errorf("--format %q: want kcat or json", format)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&keyFile, "key", "", "supplier key file (from supplier keygen)")
	cmd.Flags().StringVar(&brokers, "brokers", broker.DefaultAddr, "Kafka brokers to name in the kcat command, comma-separated")
	cmd.Flags().StringVar(&format, "format", "kcat", "output: kcat (a command line) or json")
	return cmd
}

// kcatCommand returns a kcat command line that produces msg with the file
// as its value.
func kcatCommand(brokers string, msg supplier.Message, file string) string {
	parts := []string{"kcat", "-P", "-b", shellQuote(brokers), "-t", supplier.Topic, "-k", shellQuote(msg.Key)}
	for _, h := range msg.Headers {
		parts = append(parts, "-H", shellQuote(h.Key+"="+h.Value))
	}
	parts = append(parts, shellQuote(file))
	return strings.Join(parts, " ")
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func newSupplierPushCmd() *cobra.Command {
	var keyFile, brokers, topic string
	cmd := &cobra.Command{
		Use:   "push --key FILE --brokers HOST:PORT FILE...",
		Short: "Sign EPCIS files and produce them to Kafka",
		Long: `Sign every event of each EPCIS 2.0 JSON-LD file and produce one message per
file to the events topic with kafka-go (batched, acks=all). Prints the identity of
every event pushed, one per line.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, files []string) error {
			k, err := supplier.ReadKeyFile(keyFile)
			if err != nil {
				return err
			}
			msgs := make([]supplier.Message, 0, len(files))
			for _, name := range files {
				data, err := readInput(cmd, name)
				if err != nil {
					return err
				}
				msg, err := k.SignMessage(name, data, nil)
				if err != nil {
					return err
				}
				msgs = append(msgs, msg)
			}
			p, err := supplier.NewPusher(splitList(brokers), topic)
			if err != nil {
				return err
			}
			if err := p.Push(cmd.Context(), msgs...); err != nil {
				p.Close()
				return err
			}
			if err := p.Close(); err != nil {
				return err
			}
			for _, m := range msgs {
				for _, id := range m.EventIDs {
					fmt.Fprintln(cmd.OutOrStdout(), id)
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&keyFile, "key", "", "supplier key file (from supplier keygen)")
	cmd.Flags().StringVar(&brokers, "brokers", broker.DefaultAddr, "Kafka bootstrap brokers, comma-separated")
	cmd.Flags().StringVar(&topic, "topic", supplier.Topic, "topic to produce to")
	return cmd
}

// splitList splits a comma-separated flag value, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
