package setup_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/provenant/provenant/prover/setup"
)

func TestDevRoundTrip(t *testing.T) {
	ctx := context.Background()
	log, buf := newLog(t)
	start := time.Now()
	k, err := setup.Dev(ctx, "test-v1", &squares{Rounds: testRounds}, setup.WithLogger(log))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("dev setup (compile + setup) at %d constraints: %v", k.CS.GetNbConstraints(), time.Since(start).Round(time.Millisecond))
	if k.Kind != setup.KindDevInsecure || !k.Insecure() {
		t.Errorf("kind %q, want %q", k.Kind, setup.KindDevInsecure)
	}
	proveAndVerify(t, k)

	dir := setup.NewDir(t.TempDir(), setup.WithLogger(log))
	hash, err := dir.Save(ctx, k)
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := k.Hash(); hash != want {
		t.Errorf("Save returned %s, Hash says %s", hash, want)
	}
	// Every log line says INSECURE.
	for _, line := range buf.lines() {
		if !strings.Contains(line, "INSECURE") || !strings.Contains(line, "insecure=true") || !strings.Contains(line, "level=WARN") {
			t.Errorf("log line does not say INSECURE as a warning with insecure=true: %s", line)
		}
	}
	keyDir := dir.KeyPath("test-v1", hash)
	for _, f := range []string{setup.VerifyingKeyFile, setup.ProvingKeyFile, setup.R1CSFile, setup.MetaFile, setup.InsecureFile} {
		if _, err := os.Stat(filepath.Join(keyDir, f)); err != nil {
			t.Errorf("key directory lacks %s: %v", f, err)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(keyDir, setup.InsecureFile)); !strings.Contains(string(b), "INSECURE") {
		t.Errorf("%s does not say INSECURE: %q", setup.InsecureFile, b)
	}
	var meta setup.Meta
	b, err := os.ReadFile(filepath.Join(keyDir, setup.MetaFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &meta); err != nil {
		t.Fatal(err)
	}
	if meta.Kind != setup.KindDevInsecure || !strings.Contains(meta.Warning, "INSECURE") || meta.CircuitID != "test-v1" ||
		meta.KeyHash != hash || meta.Constraints != k.CS.GetNbConstraints() || meta.PublicInputs != 2 || meta.Created.IsZero() {
		t.Errorf("meta.json: %s", b)
	}

	// Saving again changes nothing.
	if again, err := dir.Save(ctx, k); err != nil || again != hash {
		t.Errorf("second Save = %s, %v", again, err)
	}

	latest, err := dir.Latest("test-v1")
	if err != nil || latest.KeyHash != hash {
		t.Fatalf("Latest = %+v, %v", latest, err)
	}
	start = time.Now()
	loaded, err := dir.Load(ctx, "test-v1", hash)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("load: %v", time.Since(start).Round(time.Millisecond))
	if loaded.Kind != setup.KindDevInsecure || loaded.CircuitID != "test-v1" {
		t.Errorf("loaded %+v", loaded)
	}
	proveAndVerify(t, loaded)
}

func TestKeyStoreRefusesTamperedFiles(t *testing.T) {
	ctx := context.Background()
	k := mustDevKeys(t)
	dir := setup.NewDir(t.TempDir())
	hash, err := dir.Save(ctx, k)
	if err != nil {
		t.Fatal(err)
	}
	keyDir := dir.KeyPath("test-v1", hash)
	for _, name := range []string{setup.VerifyingKeyFile, setup.ProvingKeyFile, setup.R1CSFile} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(keyDir, name)
			orig, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			defer os.WriteFile(path, orig, 0o644)
			tampered := append([]byte(nil), orig...)
			tampered[len(tampered)/2] ^= 0x01
			if err := os.WriteFile(path, tampered, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err = dir.Load(ctx, "test-v1", hash)
			var ie *setup.IntegrityError
			if !errors.As(err, &ie) || ie.File != path {
				t.Fatalf("Load of a tampered %s = %v, want an IntegrityError naming it", name, err)
			}
		})
	}
	if _, err := dir.Load(ctx, "test-v1", hash); err != nil {
		t.Fatalf("Load after restoring the files: %v", err)
	}

	// Keys under another directory's hash: vk.bin does not hash to its name.
	other := strings.Repeat("ab", 32)
	if err := os.Rename(keyDir, dir.KeyPath("test-v1", other)); err != nil {
		t.Fatal(err)
	}
	if _, err := dir.Load(ctx, "test-v1", other); err == nil {
		t.Fatal("keys loaded from a directory whose name is not their hash")
	}

	for name, tc := range map[string][2]string{
		"unknown key":     {"test-v1", strings.Repeat("cd", 32)},
		"unknown circuit": {"nope", hash},
	} {
		if _, err := dir.Load(ctx, tc[0], tc[1]); !errors.Is(err, setup.ErrNotFound) {
			t.Errorf("%s: Load = %v, want ErrNotFound", name, err)
		}
	}
	for name, tc := range map[string][2]string{
		"path in circuit ID": {"../etc", hash},
		"short hash":         {"test-v1", "abcd"},
		"upper-case hash":    {"test-v1", strings.ToUpper(hash)},
	} {
		if _, err := dir.Load(ctx, tc[0], tc[1]); err == nil || errors.Is(err, setup.ErrNotFound) {
			t.Errorf("%s: Load = %v, want a refusal", name, err)
		}
	}
	if _, err := dir.Latest("other-circuit"); !errors.Is(err, setup.ErrNotFound) {
		t.Errorf("Latest of a circuit without keys = %v, want ErrNotFound", err)
	}
}
