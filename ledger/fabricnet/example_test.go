package fabricnet_test

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"os"
	"time"

	"github.com/provenant/provenant/ledger/fabricnet"
)

// Start a network (or restart the one in the folder), query the chaincode
// through the Authority's peer, and stop it.
func ExampleStart() {
	ctx := context.Background()
	n, err := fabricnet.Start(ctx, fabricnet.Config{
		Dir:          "data/fabric",
		BatchTimeout: 250 * time.Millisecond,
		Chaincode:    fabricnet.Chaincode{Command: []string{"bin/provenant-chaincode"}},
		Logger:       slog.New(slog.NewTextHandler(os.Stderr, nil)),
	})
	if err != nil {
		log.Fatal(err)
	}
	defer n.Stop()

	out, err := n.PeerCLI(ctx, fabricnet.Authority, "chaincode", "query", "-C", n.Channel(), "-n", n.ChaincodeName(),
		"-c", `{"function":"Ping","Args":[]}`)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s", out)

	operator := n.Org(fabricnet.Operator)
	fmt.Println(operator.MSPID, operator.PeerEndpoint, operator.PeerHostOverride)
}

// Stop, from another process, a network started with Config.Detach.
func ExampleStopDir() {
	if err := fabricnet.StopDir("data/fabric"); err != nil {
		log.Fatal(err)
	}
}
