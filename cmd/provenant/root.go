package main

import (
	"io"

	gnarklogger "github.com/consensys/gnark/logger"
	"github.com/spf13/cobra"
)

// envPrefix starts the name of every environment variable that sets a flag.
const envPrefix = "PROVENANT_"

func newRootCmd(stdout, stderr io.Writer, lookupEnv func(string) (string, bool)) *cobra.Command {
	root := &cobra.Command{
		Use:   "provenant",
		Short: "Supply-chain provenance attestation: EPCIS 2.0 events, zero-knowledge proofs, ledger anchors",
		Long: `Provenant proves facts about suppliers' private EPCIS 2.0 shipment data in zero
knowledge (certified origin, registered signer), anchors each batch proof on a
Hyperledger Fabric ledger, and lets buyers and auditors check it all.

Every flag can also be set with an environment variable PROVENANT_<FLAG>
(upper case, dashes as underscores, e.g. --store is PROVENANT_STORE); a flag
given on the command line wins over the environment.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			// gnark logs its own compile steps to standard output; Provenant's
			// progress logs (log/slog on standard error) say what matters.
			gnarklogger.Disable()
			return applyEnv(cmd, lookupEnv)
		},
	}
	var logs logFlags
	addLogFlags(root, &logs)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(
		newEPCISCmd(),
		newStoreCmd(&logs),
		newDevCmd(&logs),
		newDemoCmd(&logs),
		newSupplierCmd(),
		newRegistryCmd(&logs),
		newBrokerCmd(&logs),
		newIngestCmd(&logs),
		newProverCmd(&logs),
		newAnchorCmd(&logs),
		newAuditCmd(&logs),
		newNetworkCmd(&logs),
		newAPICmd(&logs),
		newChaincodeCmd(),
		newSetupCmd(&logs, circuitRegistry()),
		newVerifyCmd(&logs),
	)
	annotateEnv(root)
	return root
}
