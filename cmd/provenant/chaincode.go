package main

import (
	"os"

	"github.com/spf13/cobra"

	"github.com/provenant/provenant/chaincode/server"
)

func newChaincodeCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "chaincode",
		Short: "Serve the provenant chaincode as a service (what each organization's peer connects to)",
		Long: `Serve the provenant chaincode (docs/ledger.md) as a Fabric chaincode-as-a-service
gRPC server, configured by the environment: CHAINCODE_ID (the package ID),
CHAINCODE_SERVER_ADDRESS (host:port), and for TLS CHAINCODE_TLS_CERT,
CHAINCODE_TLS_KEY and CHAINCODE_TLS_CLIENT_CA_CERT (PEM files). The same server
is the separate binary provenant-chaincode, for its own container image.`,
		Args:               cobra.ArbitraryArgs, // the server checks its own
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if code := server.Run(cmd.Context(), args, os.LookupEnv, cmd.OutOrStdout(), cmd.ErrOrStderr()); code != 0 {
				return exitError{code: code}
			}
			return nil
		},
	}
}
