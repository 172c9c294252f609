package main

import (
	"log/slog"
	"runtime/debug"
	"testing"

	"github.com/spf13/cobra"
)

func TestSetGCPercent(t *testing.T) {
	before := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(before) })
	for _, tc := range []struct {
		name  string
		gogc  string // "" leaves GOGC unset
		args  []string
		flag  int
		start int
		want  int
	}{
		{name: "default", flag: 400, start: 100, want: 400},
		{name: "GOGC wins over the default", gogc: "150", flag: 400, start: 150, want: 150},
		{name: "the flag wins over GOGC", gogc: "150", args: []string{"--gc-percent", "300"}, start: 150, want: 300},
		{name: "-1 leaves the runtime's", args: []string{"--gc-percent", "-1"}, start: 120, want: 120},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.gogc != "" {
				t.Setenv("GOGC", tc.gogc)
			}
			debug.SetGCPercent(tc.start)
			cmd := &cobra.Command{}
			p := cmd.Flags().Int("gc-percent", tc.flag, "")
			if err := cmd.Flags().Parse(tc.args); err != nil {
				t.Fatal(err)
			}
			setGCPercent(cmd, slog.New(slog.DiscardHandler), *p)
			if got := debug.SetGCPercent(tc.start); got != tc.want {
				t.Errorf("GC percent = %d, want %d", got, tc.want)
			}
		})
	}
}
