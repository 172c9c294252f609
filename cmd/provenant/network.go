package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/provenant/provenant/ledger/fabricnet"
	"github.com/provenant/provenant/services"
)

func newNetworkCmd(logs *logFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "network",
		Short: "Run a Fabric network of native processes for development and tests",
		Long: `A Hyperledger Fabric v3.1.1 network of native processes (no containers): one
etcdraft orderer, a peer for each of the organizations Operator and Authority,
TLS everywhere, channel "provenance", and chaincode "provenant" run as a service
by each organization, endorsed by both. Its whole state lives under --data; a
restart keeps the ledger. The Fabric binaries come from "make fabric". See
docs/ledger.md.`,
	}
	cmd.AddCommand(newNetworkUpCmd(logs), newNetworkDownCmd(logs))
	return cmd
}

func newNetworkUpCmd(logs *logFlags) *cobra.Command {
	var dir, chaincode, bin string
	var batchTimeout time.Duration
	cmd := &cobra.Command{
		Use:   "up",
		Short: "Create or restart the network in the background",
		Long: `Create the network under --data (crypto material, channel, chaincode) or restart
the one it holds, leave its processes running in the background, and write the
ledger connection profiles operator.json and authority.json there. Stop it with
"provenant network down".`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, err := logs.logger(cmd)
			if err != nil {
				return err
			}
			command, err := services.ChaincodeCommand(chaincode)
			if err != nil {
				return err
			}
			n, err := fabricnet.Start(cmd.Context(), fabricnet.Config{
				Dir: dir, BinDir: bin, BatchTimeout: batchTimeout, Detach: true, Logger: log,
				Chaincode: fabricnet.Chaincode{Command: command},
			})
			if err != nil {
				return err
			}
			profiles, err := services.WriteNetworkProfiles(n)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "network up in %s (channel %s, chaincode %s)\n", n.Dir(), n.Channel(), n.ChaincodeName())
			for _, p := range n.Processes() {
				fmt.Fprintf(out, "  %-16s pid %d\n", p.Name, p.PID)
			}
			fmt.Fprintf(out, "ledger profiles: %s (anchor), %s (registry publish, audit)\n", profiles["Operator"], profiles["Authority"])
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "data", "./data/fabric", "folder holding the network's state")
	cmd.Flags().StringVar(&chaincode, "chaincode", "", "chaincode server executable (default: provenant-chaincode beside this binary)")
	cmd.Flags().StringVar(&bin, "fabric-bin", "", "folder of the Fabric binaries (default: .fabric/bin of the source tree, as make fabric builds them)")
	cmd.Flags().DurationVar(&batchTimeout, "batch-timeout", 250*time.Millisecond, "orderer batch timeout (fixed when the network is created)")
	return cmd
}

func newNetworkDownCmd(logs *logFlags) *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "down",
		Short: "Stop the network's processes, keeping its state",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := fabricnet.StopDir(dir); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "network in %s stopped\n", dir)
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "data", "./data/fabric", "folder holding the network's state")
	return cmd
}
