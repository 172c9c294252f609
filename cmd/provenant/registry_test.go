package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestRegistryOriginsAndRoots(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"PROVENANT_STORE": "sqlite://" + filepath.Join(dir, "p.db")}
	write := func(name, text string) string {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	rootLine := regexp.MustCompile(`(?m)^root: ([0-9a-f]{64})$`)

	// Nothing imported yet.
	code, out, errOut := runCLI(t, env, "registry", "origins", "list")
	if code != 0 || out != "" || !strings.Contains(errOut, "no origin registry yet") {
		t.Fatalf("list before import: exit %d, stdout %q, stderr %q", code, out, errOut)
	}

	// A file with problems imports nothing and lists them all.
	bad := write("bad.csv", "facility,region,valid_from,valid_until\n"+
		"4012345000055,DE,2026-01-01,2026-12-31\n"+
		"4012345000054,XK,2026-01-01,2026-12-31\n")
	code, _, errOut = runCLI(t, env, "registry", "origins", "import", bad)
	if code != 1 || !strings.Contains(errOut, "bad.csv:2: facility: ") || !strings.Contains(errOut, "bad.csv:3: region: ") ||
		!strings.Contains(errOut, "2 problems; nothing imported") {
		t.Fatalf("import of a bad file: exit %d, stderr:\n%s", code, errOut)
	}

	// An empty file does not wipe the registry.
	empty := write("empty.csv", "facility,region,valid_from,valid_until\n")
	code, _, errOut = runCLI(t, env, "registry", "origins", "import", empty)
	if code != 1 || !strings.Contains(errOut, "holds no entries") {
		t.Fatalf("import of an empty file: exit %d, stderr:\n%s", code, errOut)
	}

	good := write("origins.csv", "facility,region,valid_from,valid_until,certificate\n"+
		"urn:epc:id:sgln:4012345.00005.0,DE,2026-01-01,2026-12-31,BIO-DE-2026\n"+
		"0614141000012,PT,2025-03-01,2027-02-28,FT-PT-9\n")
	code, out, errOut = runCLI(t, env, "registry", "origins", "import", good)
	if code != 0 || !strings.Contains(out, "read 2 entries from "+good) || !strings.Contains(out, "origin registry: 2 entries") {
		t.Fatalf("import: exit %d, stdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	m := rootLine.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("import printed no root:\n%s", out)
	}
	root := m[1]

	code, out, _ = runCLI(t, env, "registry", "origins", "list")
	if code != 0 || !strings.Contains(out, "https://id.gs1.org/414/4012345000054  DE      2026-01-01T00:00:00.000Z  2026-12-31T23:59:59.999Z  BIO-DE-2026") {
		t.Errorf("list: exit %d:\n%s", code, out)
	}

	// The JSON listing imports back to the same registry.
	code, out, _ = runCLI(t, env, "registry", "origins", "list", "--format", "json")
	if code != 0 || !strings.HasPrefix(out, `{"format":"provenant-registry-origins/v1"`) {
		t.Fatalf("list --format json: exit %d:\n%s", code, out)
	}
	exported := write("exported.json", out)
	code, out, _ = runCLI(t, env, "registry", "origins", "import", exported)
	if code != 0 || !strings.Contains(out, "root: "+root) || !strings.Contains(out, "(unchanged)") {
		t.Errorf("re-import of the JSON listing: exit %d:\n%s", code, out)
	}

	// Merge adds to the registry.
	more := write("more.json", `[{"facility": "https://example.com/gln/4012345000061", "region": "AT", "valid_from": "2026-01-01", "valid_until": "2026-12-31"}]`)
	code, out, errOut = runCLI(t, env, "registry", "origins", "import", "--merge", more)
	if code != 0 || !strings.Contains(out, "read 1 entry from") || !strings.Contains(out, "origin registry: 3 entries") {
		t.Fatalf("merge: exit %d:\n%s\n%s", code, out, errOut)
	}
	merged := rootLine.FindStringSubmatch(out)
	if merged == nil || merged[1] == root {
		t.Fatalf("merge printed no new root:\n%s", out)
	}

	// A supplier, then the roots of both registries.
	code, pub, errOut := runCLI(t, nil, "supplier", "keygen", "--out", filepath.Join(dir, "supplier.key"))
	if code != 0 {
		t.Fatalf("keygen: %s", errOut)
	}
	if code, _, errOut := runCLI(t, env, "registry", "suppliers", "add", "--pubkey", strings.TrimSpace(pub)); code != 0 {
		t.Fatalf("suppliers add: %s", errOut)
	}
	code, out, errOut = runCLI(t, env, "registry", "roots")
	if code != 0 {
		t.Fatalf("roots: exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "REGISTRY") {
		t.Fatalf("roots:\n%s", out)
	}
	sup, ori := strings.Fields(lines[1]), strings.Fields(lines[2])
	if len(sup) != 6 || sup[0] != "suppliers" || sup[1] != "1" || len(sup[2]) != 64 || sup[5] != "-" {
		t.Errorf("suppliers row %q", lines[1])
	}
	if len(ori) != 6 || ori[0] != "origins" || ori[1] != "3" || ori[2] != merged[1] {
		t.Errorf("origins row %q, want root %s", lines[2], merged[1])
	}
	// Asking again saves no new supplier snapshot.
	_, again, _ := runCLI(t, env, "registry", "roots")
	if again != out {
		t.Errorf("roots changed without a change:\n%s\nthen\n%s", out, again)
	}
}
