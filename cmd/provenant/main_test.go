package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// runCLI runs the command line with the given environment and returns its
// exit status, standard output and standard error.
func runCLI(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	lookup := func(k string) (string, bool) {
		v, ok := env[k]
		return v, ok
	}
	code := run(context.Background(), args, &stdout, &stderr, lookup)
	return code, stdout.String(), stderr.String()
}

// conformanceDir returns the shared fixtures folder, or skips.
func conformanceDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("PROVENANT_CONFORMANCE_DIR")
	if dir == "" {
		t.Skip("PROVENANT_CONFORMANCE_DIR not set: the shared conformance fixtures are needed (make test sets it)")
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join("..", "..", dir)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("conformance fixtures not found at %s: %v", dir, err)
	}
	return dir
}

func TestEveryCommandHasHelp(t *testing.T) {
	root := newRootCmd(&bytes.Buffer{}, &bytes.Buffer{}, func(string) (string, bool) { return "", false })
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		path := strings.Fields(c.CommandPath())[1:]
		t.Run(strings.Join(append([]string{"provenant"}, path...), " "), func(t *testing.T) {
			if c.Short == "" {
				t.Errorf("%q has no short description", c.CommandPath())
			}
			code, out, errOut := runCLI(t, nil, append(path, "--help")...)
			if code != 0 {
				t.Fatalf("--help exited %d: %s", code, errOut)
			}
			if !strings.Contains(out, "Usage:") {
				t.Errorf("--help printed no usage:\n%s", out)
			}
			// Every flag documents its environment variable.
			c.LocalFlags().VisitAll(func(f *pflag.Flag) {
				if f.Name != "help" && !strings.Contains(f.Usage, envName(f.Name)) {
					t.Errorf("flag --%s does not name %s", f.Name, envName(f.Name))
				}
			})
		})
		for _, sub := range c.Commands() {
			if !sub.Hidden && sub.Name() != "completion" && sub.Name() != "help" {
				walk(sub)
			}
		}
	}
	walk(root)
}

func TestEnvironmentSetsFlags(t *testing.T) {
	dir := t.TempDir()
	url := "sqlite://" + filepath.Join(dir, "env.db")
	// The store URL comes only from the environment.
	code, out, errOut := runCLI(t, map[string]string{"PROVENANT_STORE": url}, "store", "migrate")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, url) {
		t.Errorf("output does not name the store from PROVENANT_STORE:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "env.db")); err != nil {
		t.Errorf("store not created where PROVENANT_STORE points: %v", err)
	}
	// A flag on the command line wins over the environment.
	flagURL := "sqlite://" + filepath.Join(dir, "flag.db")
	code, out, _ = runCLI(t, map[string]string{"PROVENANT_STORE": url}, "store", "migrate", "--store", flagURL)
	if code != 0 || !strings.Contains(out, flagURL) {
		t.Errorf("flag did not win over the environment (exit %d):\n%s", code, out)
	}
	// A bad value in the environment is an error that names the variable.
	code, _, errOut = runCLI(t, map[string]string{"PROVENANT_STORE_KEY_CREATE": "maybe"}, "store", "migrate", "--store", flagURL)
	if code == 0 || !strings.Contains(errOut, "PROVENANT_STORE_KEY_CREATE") {
		t.Errorf("bad environment value: exit %d, stderr %q", code, errOut)
	}
}

func TestEPCISHashMatchesVectors(t *testing.T) {
	dir := filepath.Join(conformanceDir(t), "eventhash")
	files, err := filepath.Glob(filepath.Join(dir, "*.jsonld"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no vectors in %s: %v", dir, err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			want, err := os.ReadFile(strings.TrimSuffix(f, ".jsonld") + ".hashes")
			if err != nil {
				t.Skipf("no .hashes file: %v", err)
			}
			code, out, errOut := runCLI(t, nil, "epcis", "hash", f)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if got, want := strings.Fields(out), strings.Fields(string(want)); strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("hashes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

func TestEPCISValidate(t *testing.T) {
	base := filepath.Join(conformanceDir(t), "openepcis", "capture")
	valid, _ := filepath.Glob(filepath.Join(base, "Events", "*.json"))
	invalid, _ := filepath.Glob(filepath.Join(base, "Invalid", "*.json"))
	if len(valid) == 0 || len(invalid) == 0 {
		t.Fatalf("fixtures missing under %s", base)
	}
	code, out, errOut := runCLI(t, nil, append([]string{"epcis", "validate"}, valid...)...)
	if code != 0 {
		t.Fatalf("valid events: exit %d\n%s%s", code, out, errOut)
	}
	if out != "" {
		t.Errorf("valid events printed problems:\n%s", out)
	}
	for _, f := range invalid {
		t.Run(filepath.Base(f), func(t *testing.T) {
			code, out, _ := runCLI(t, nil, "epcis", "validate", f)
			if code != 1 {
				t.Fatalf("exit %d, want 1", code)
			}
			lines := strings.Split(strings.TrimSpace(out), "\n")
			for _, l := range lines {
				if !strings.HasPrefix(l, f+": ") {
					t.Errorf("problem line does not start with the file name: %q", l)
				}
			}
		})
	}
	code, out, _ = runCLI(t, nil, "epcis", "validate", filepath.Join(t.TempDir(), "absent.json"))
	if code != 1 || !strings.Contains(out, "absent.json") {
		t.Errorf("missing file: exit %d, output %q", code, out)
	}
}
