//go:build !unix

package main

import (
	"errors"
	"os"
	"os/exec"
)

// replace runs prog as a child where exec is not available, and reports
// its exit status.
func replace(prog string, argv, env []string) error {
	cmd := exec.Command(prog, argv[1:]...)
	cmd.Env = env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exitError(exit.ExitCode())
	}
	if err == nil {
		os.Exit(0)
	}
	return err
}
