// Command provenant-chaincode serves the provenant chaincode as a service
// (Fabric's chaincode-as-a-service), configured by the environment; see
// package chaincode/server. The same server is `provenant chaincode`.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/provenant/provenant/chaincode/server"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	code := server.Run(ctx, os.Args[1:], os.LookupEnv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
