package networktest_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/provenant/provenant/anchor"
	"github.com/provenant/provenant/circuits/batch"
	"github.com/provenant/provenant/internal/pipelinetest"
	"github.com/provenant/provenant/ledger"
	"github.com/provenant/provenant/ledger/fabricnet"
	"github.com/provenant/provenant/prover"
	"github.com/provenant/provenant/registry"
	"github.com/provenant/provenant/services"
	"github.com/provenant/provenant/store"
	"github.com/provenant/provenant/store/sqlstore"
	"github.com/provenant/provenant/supplier"
)

// env is the network every test of the package shares, and one store that
// mirrors it: the audit test expects the ledger and the store to agree, so
// every test anchors what it proves and undoes what it breaks.
var env struct {
	skip      string
	net       *fabricnet.Network
	operator  ledger.Config
	authority ledger.Config
	dbPath    string // the SQLite file of the store
	storeKey  []byte // the store's sealing key
	keyFile   string // the same key, hex, in a file
	binary    string // the provenant command, built by TestMain
	profiles  map[string]string
}

func TestMain(m *testing.M) {
	os.Exit(func() int {
		flag.Parse()
		if c, r := flag.Lookup("test.count"), flag.Lookup("test.run"); c != nil && r != nil &&
			c.Value.String() != "1" && r.Value.String() != "^$" {
			// One network and one store serve every test, and the tests read
			// what earlier ones left (TestAudit last of all), so a second
			// pass in the same process would fail for that alone. Benchmarks
			// alone (-run '^$') may repeat.
			fmt.Fprintf(os.Stderr, "networktest runs each test once per network (-count=1, not %s); to repeat the tests, run go test again\n", c.Value)
			return 2
		}
		root, err := fabricnet.ModuleRoot()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		if _, err := os.Stat(filepath.Join(root, ".fabric", "bin", "peer")); err != nil {
			env.skip = "Fabric binaries missing in <module root>/.fabric/bin: run `make fabric` to build them"
			return m.Run()
		}
		tmp, err := os.MkdirTemp("", "provenant-networktest-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(tmp)
		cc := filepath.Join(tmp, "provenant-chaincode")
		build := exec.Command("go", "build", "-o", cc, "./chaincode/cmd/provenant-chaincode")
		build.Dir, build.Stdout, build.Stderr = root, os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "build the chaincode server:", err)
			return 1
		}
		env.binary = filepath.Join(tmp, "provenant")
		build = exec.Command("go", "build", "-o", env.binary, "./cmd/provenant")
		build.Dir, build.Stdout, build.Stderr = root, os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "build the provenant command:", err)
			return 1
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		n, err := fabricnet.Start(ctx, fabricnet.Config{
			Dir:          filepath.Join(tmp, "fabric"),
			BatchTimeout: 50 * time.Millisecond,
			Chaincode:    fabricnet.Chaincode{Command: []string{cc}},
			Logger:       slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, "start the network:", err)
			return 1
		}
		defer func() {
			if err := n.Stop(); err != nil {
				fmt.Fprintln(os.Stderr, "stop the network:", err)
			}
		}()
		env.net = n
		env.operator = services.NetworkProfile(n, "Operator")
		env.authority = services.NetworkProfile(n, "Authority")
		env.dbPath = filepath.Join(tmp, "provenant.db")
		env.storeKey = store.GenerateKey()
		env.keyFile = filepath.Join(tmp, "store.key")
		if err := os.WriteFile(env.keyFile, []byte(hex.EncodeToString(env.storeKey)), 0o600); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		if env.profiles, err = services.WriteNetworkProfiles(n); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		code := m.Run()
		if code != 0 {
			keepLogs(filepath.Join(tmp, "fabric", "logs"))
		}
		return code
	}())
}

// keepLogs copies the Fabric processes' logs of a failed run out of the
// temporary folder that TestMain removes, and says where they are.
func keepLogs(dir string) {
	kept, err := os.MkdirTemp("", "provenant-networktest-logs-")
	if err == nil {
		err = os.CopyFS(kept, os.DirFS(dir))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "keep the Fabric logs:", err)
		return
	}
	fmt.Fprintln(os.Stderr, "the tests failed; the Fabric processes' logs are in", kept)
}

// fixture is what a test works with: the shared store, a client per
// organization, a registered supplier, and proving keys pinned on the
// ledger, with both registry roots published.
type fixture struct {
	ctx       context.Context
	st        store.Store
	operator  *ledger.Client
	authority *ledger.Client
	keys      prover.Keys
	supplier  *supplier.Key
}

var (
	keysOnce sync.Once
	keys     prover.Keys
	serialMu sync.Mutex
	serial   = 0
)

// nextSerial hands out product serial numbers, so that events of different
// tests never collide.
func nextSerial(n int) int {
	serialMu.Lock()
	defer serialMu.Unlock()
	s := serial
	serial += n
	return s
}

func testKeys(tb testing.TB) prover.Keys {
	keysOnce.Do(func() { keys = pipelinetest.Keys(tb, batch.Layout{Events: 2, Keys: 1, Origins: 1}) })
	return keys
}

func dial(tb testing.TB, cfg ledger.Config) *ledger.Client {
	tb.Helper()
	// Retries log at warn level: go test shows them only when the package
	// fails, where they tell which call kept failing and how.
	c, err := ledger.Dial(cfg, ledger.WithRetry(ledger.Retry{Attempts: 30, Base: 100 * time.Millisecond, Max: 2 * time.Second}),
		ledger.WithLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close() })
	return c
}

func openStore(tb testing.TB, ctx context.Context) store.Store {
	tb.Helper()
	sealer, err := store.NewSealer(env.storeKey)
	if err != nil {
		tb.Fatal(err)
	}
	st, err := sqlstore.Open(ctx, "sqlite://"+env.dbPath, sqlstore.WithSealer(sealer))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

var setupOnce sync.Once

func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	if env.skip != "" {
		tb.Skip(env.skip)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	tb.Cleanup(cancel)
	f := &fixture{ctx: ctx, st: openStore(tb, ctx), operator: dial(tb, env.operator), authority: dial(tb, env.authority), keys: testKeys(tb)}
	setupOnce.Do(func() {
		pipelinetest.Certify(tb, ctx, f.st)
	})
	f.supplier = pipelinetest.NewSupplier(tb, ctx, f.st)
	f.publish(tb)
	return f
}

// publish publishes both registries' current roots as the Authority.
func (f *fixture) publish(tb testing.TB) {
	tb.Helper()
	for _, kind := range []store.RegistryKind{store.RegistrySuppliers, store.RegistryOrigins} {
		if _, _, err := services.PublishRegistry(f.ctx, f.st, f.authority, kind); err != nil {
			tb.Fatalf("publish %s: %v", kind, err)
		}
	}
}

// prove stores two new events and proves them as one batch.
func (f *fixture) prove(tb testing.TB) store.Batch {
	tb.Helper()
	return pipelinetest.ProvenBatch(tb, f.ctx, f.st, f.keys, f.supplier, nextSerial(2), 2)
}

// keySource hands the anchorer the test keys' verifying key.
func (f *fixture) keySource() anchor.KeySource {
	return func(_ context.Context, circuit, version string) ([]byte, error) {
		if circuit != f.keys.Layout.ID() || version != f.keys.KeyHash {
			return nil, fmt.Errorf("no key %s/%s: %w", circuit, version, store.ErrNotFound)
		}
		var buf bytes.Buffer
		_, err := f.keys.VerifyingKey.WriteTo(&buf)
		return buf.Bytes(), err
	}
}

func (f *fixture) anchorer(tb testing.TB, lc *ledger.Client) *anchor.Anchorer {
	tb.Helper()
	a, err := anchor.New(f.st, lc, anchor.Config{Poll: 50 * time.Millisecond, MaxBackoff: time.Second},
		anchor.WithKeys(f.keySource()),
		anchor.WithLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))))
	if err != nil {
		tb.Fatal(err)
	}
	return a
}

// peerQuery evaluates a chaincode function with the peer CLI, as an
// organization's admin.
func peerQuery(t *testing.T, ctx context.Context, org, fn string, args ...string) []byte {
	t.Helper()
	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = fmt.Sprintf("%q", a)
	}
	call := fmt.Sprintf(`{"function":%q,"Args":[%s]}`, fn, strings.Join(quoted, ","))
	out, err := env.net.PeerCLI(ctx, org, "chaincode", "query", "-C", env.net.Channel(), "-n", env.net.ChaincodeName(), "-c", call)
	if err != nil {
		t.Fatalf("peer chaincode query %s: %v", fn, err)
	}
	return out
}

// importOrigins adds a certified facility to the origin registry, which
// gives it a new, unpublished root.
func importOrigins(t *testing.T, f *fixture, facility string) {
	t.Helper()
	o := registry.Origin{Facility: facility, Region: "FR",
		ValidFrom: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), ValidUntil: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC), Certificate: "CERT-" + facility}
	if _, _, err := registry.ImportOrigins(f.ctx, f.st, []registry.Origin{o}, true); err != nil {
		t.Fatal(err)
	}
}
