package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// envName is the environment variable that sets the flag named name.
func envName(name string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// applyEnv sets every flag of cmd (its own and inherited) that was not
// given on the command line from its PROVENANT_<FLAG> variable, if set.
func applyEnv(cmd *cobra.Command, lookupEnv func(string) (string, bool)) error {
	var errs []string
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Changed || f.Name == "help" {
			return
		}
		name := envName(f.Name)
		v, ok := lookupEnv(name)
		if !ok {
			return
		}
		if err := cmd.Flags().Set(f.Name, v); err != nil {
			errs = append(errs, fmt.Sprintf("%s=%q: %v", name, v, err))
		}
	})
	if len(errs) > 0 {
		return fmt.Errorf("environment: %s", strings.Join(errs, "; "))
	}
	return nil
}

// annotateEnv appends the environment variable of each flag to its usage
// text, in cmd and all its subcommands, so --help documents both.
func annotateEnv(cmd *cobra.Command) {
	mark := func(f *pflag.Flag) {
		if f.Name == "help" || strings.Contains(f.Usage, envPrefix) {
			return
		}
		f.Usage += fmt.Sprintf(" (env %s)", envName(f.Name))
	}
	cmd.LocalFlags().VisitAll(mark)
	cmd.PersistentFlags().VisitAll(mark)
	for _, c := range cmd.Commands() {
		annotateEnv(c)
	}
}
