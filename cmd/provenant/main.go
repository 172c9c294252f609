// Command provenant is the single binary of the Provenant supply-chain
// provenance platform: the services (ingest, prover, anchor, api), the
// all-in-one development system (dev), and the tools of suppliers and
// auditors. Run "provenant --help" for the commands.
//
// Every flag can also be set with an environment variable named
// PROVENANT_<FLAG>, upper case with dashes as underscores (--store is
// PROVENANT_STORE); a flag given on the command line wins.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.LookupEnv)
	stop()
	os.Exit(code)
}

// exitError ends the program with a given status after the command has
// already told the user what went wrong.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// run executes the command line args and returns the process exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, lookupEnv func(string) (string, bool)) int {
	root := newRootCmd(stdout, stderr, lookupEnv)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	var ee exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	fmt.Fprintf(stderr, "provenant: %v\n", err)
	return 1
}
