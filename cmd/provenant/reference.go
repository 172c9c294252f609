package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// configReference renders the configuration reference of every command:
// each flag with its environment variable, default and meaning, as
// Markdown. docs/configuration.md is this output (see TestConfigurationReference).
func configReference(root *cobra.Command) string {
	var b strings.Builder
	b.WriteString(`# Configuration reference

Generated from the command definitions by ` + "`go test ./cmd/provenant -run TestConfigurationReference -update`" + `;
do not edit by hand.

Every flag can also be set with an environment variable: ` + "`PROVENANT_`" + ` followed by the
flag's name in upper case with dashes as underscores. A flag given on the command
line wins over the environment. Global flags apply to every command.

`)
	writeFlags := func(title string, fs *pflag.FlagSet) {
		var rows []string
		fs.VisitAll(func(f *pflag.Flag) {
			if f.Name == "help" {
				return
			}
			usage := strings.TrimSuffix(f.Usage, fmt.Sprintf(" (env %s)", envName(f.Name)))
			def := f.DefValue
			if def == "" {
				def = "—"
			} else {
				def = "`" + def + "`"
			}
			rows = append(rows, fmt.Sprintf("| `--%s` | `%s` | %s | %s |", f.Name, envName(f.Name), def, strings.ReplaceAll(usage, "|", `\|`)))
		})
		if len(rows) == 0 {
			return
		}
		if title != "" {
			b.WriteString(title + "\n\n")
		}
		fmt.Fprintf(&b, "| flag | environment | default | meaning |\n| --- | --- | --- | --- |\n%s\n\n", strings.Join(rows, "\n"))
	}
	writeFlags("## Global flags", root.PersistentFlags())
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			if sub.Hidden || sub.Name() == "help" || sub.Name() == "completion" {
				continue
			}
			if sub.Runnable() {
				fmt.Fprintf(&b, "## `%s`\n\n%s.\n\n", sub.CommandPath(), sub.Short)
				writeFlags("", sub.LocalFlags())
			}
			walk(sub)
		}
	}
	walk(root)
	return strings.TrimRight(b.String(), "\n") + "\n"
}
