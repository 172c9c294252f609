package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestConfigurationReference(t *testing.T) {
	root := newRootCmd(&bytes.Buffer{}, &bytes.Buffer{}, func(string) (string, bool) { return "", false })
	got := configReference(root)
	path := filepath.Join("..", "..", "docs", "configuration.md")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("%s is out of date with the commands' flags; run go test ./cmd/provenant -run TestConfigurationReference -update", path)
	}
}
