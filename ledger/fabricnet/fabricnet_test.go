package fabricnet_test

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-gateway/pkg/hash"
	"github.com/hyperledger/fabric-gateway/pkg/identity"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"

	"github.com/provenant/provenant/ledger/fabricnet"
)

// testChaincode is the test chaincode server built by TestMain; empty when
// the Fabric binaries are missing.
var testChaincode string

func TestMain(m *testing.M) {
	if cc := os.Getenv(helperChaincodeEnv); cc != "" {
		testChaincode = cc // a helper process: the parent built it
		os.Exit(m.Run())
	}
	os.Exit(func() int {
		root, err := fabricnet.ModuleRoot()
		if err == nil {
			if _, err := os.Stat(filepath.Join(root, ".fabric", "bin", "peer")); err == nil {
				dir, err := os.MkdirTemp("", "fabricnet-testcc-")
				if err != nil {
					fmt.Fprintln(os.Stderr, err)
					return 1
				}
				defer os.RemoveAll(dir)
				testChaincode = filepath.Join(dir, "testcc")
				build := exec.Command("go", "build", "-o", testChaincode, "./internal/testcc")
				build.Stdout, build.Stderr = os.Stderr, os.Stderr
				if err := build.Run(); err != nil {
					fmt.Fprintln(os.Stderr, "build internal/testcc:", err)
					return 1
				}
			}
		}
		return m.Run()
	}())
}

func testConfig(t *testing.T, dir string) fabricnet.Config {
	t.Helper()
	if testChaincode == "" {
		t.Skip("Fabric binaries missing in <module root>/.fabric/bin: run `make fabric` to build them")
	}
	return fabricnet.Config{
		Dir:          dir,
		BatchTimeout: 50 * time.Millisecond,
		Chaincode:    fabricnet.Chaincode{Command: []string{testChaincode}},
		Logger:       slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelInfo})),
	}
}

// start starts the network and stops it when the test ends, whatever happens.
func startNetwork(t *testing.T, ctx context.Context, cfg fabricnet.Config) *fabricnet.Network {
	t.Helper()
	t.Cleanup(func() {
		if err := fabricnet.StopDir(cfg.Dir); err != nil {
			t.Errorf("cleanup: %v", err)
		}
	})
	n, err := fabricnet.Start(ctx, cfg)
	if errors.Is(err, fabricnet.ErrNoBinaries) {
		t.Skipf("%v", err)
	}
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	return n
}

func query(t *testing.T, ctx context.Context, n *fabricnet.Network, org, fn string, args ...string) string {
	t.Helper()
	out, err := n.PeerCLI(ctx, org, "chaincode", "query", "-C", n.Channel(), "-n", n.ChaincodeName(), "-c", call(fn, args...))
	if err != nil {
		t.Fatalf("query %s on %s: %v", fn, org, err)
	}
	return strings.TrimSpace(string(out))
}

func invoke(t *testing.T, ctx context.Context, n *fabricnet.Network, org, fn string, args ...string) {
	t.Helper()
	cli := append([]string{"chaincode", "invoke", "-C", n.Channel(), "-n", n.ChaincodeName(), "-c", call(fn, args...), "--waitForEvent"},
		n.OrdererArgs()...)
	if _, err := n.PeerCLI(ctx, org, append(cli, n.EndorserArgs()...)...); err != nil {
		t.Fatalf("invoke %s through %s: %v", fn, org, err)
	}
}

func call(fn string, args ...string) string {
	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = fmt.Sprintf("%q", a)
	}
	return fmt.Sprintf(`{"function":%q,"Args":[%s]}`, fn, strings.Join(quoted, ","))
}

func TestNetwork(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	cfg := testConfig(t, t.TempDir())

	begin := time.Now()
	n := startNetwork(t, ctx, cfg)
	t.Logf("TIMING network from nothing to ready: %s", time.Since(begin).Round(time.Millisecond))

	for _, p := range n.Processes() {
		if p.PID == 0 {
			t.Fatalf("process %s not running after Start", p.Name)
		}
	}

	t.Run("Ping", func(t *testing.T) {
		for _, org := range []string{fabricnet.Operator, fabricnet.Authority} {
			if got := query(t, ctx, n, org, "Ping"); got != "pong" {
				t.Errorf("Ping on %s = %q, want pong", org, got)
			}
		}
	})

	t.Run("PutGet", func(t *testing.T) {
		start := time.Now()
		invoke(t, ctx, n, fabricnet.Operator, "Put", "k1", "v1")
		t.Logf("TIMING invoke Put with both endorsers (peer CLI, --waitForEvent): %s", time.Since(start).Round(time.Millisecond))
		for _, org := range []string{fabricnet.Operator, fabricnet.Authority} {
			if got := query(t, ctx, n, org, "Get", "k1"); got != "v1" {
				t.Errorf("Get k1 on %s = %q, want v1", org, got)
			}
		}
	})

	t.Run("InitOnce", func(t *testing.T) {
		if got := query(t, ctx, n, fabricnet.Authority, "Get", "config"); got != "OperatorMSP,AuthorityMSP" {
			t.Errorf("config = %q, want the Init arguments", got)
		}
	})

	t.Run("StartWhileRunning", func(t *testing.T) {
		_, err := fabricnet.Start(ctx, cfg)
		if !errors.Is(err, fabricnet.ErrRunning) {
			t.Fatalf("Start on a running network: err = %v, want ErrRunning", err)
		}
	})

	t.Run("Open", func(t *testing.T) {
		o, err := fabricnet.Open(ctx, fabricnet.Config{Dir: cfg.Dir})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := o.Org(fabricnet.Authority), n.Org(fabricnet.Authority); got != want {
			t.Errorf("Open: Org = %+v, want %+v", got, want)
		}
		if got := query(t, ctx, o, fabricnet.Authority, "Get", "k1"); got != "v1" {
			t.Errorf("Get k1 through an opened network = %q", got)
		}
		if _, err := fabricnet.Open(ctx, fabricnet.Config{Dir: t.TempDir()}); !errors.Is(err, fabricnet.ErrNotCreated) {
			t.Errorf("Open on an empty dir: err = %v, want ErrNotCreated", err)
		}
	})

	t.Run("OrgFacts", func(t *testing.T) {
		for _, name := range []string{fabricnet.Operator, fabricnet.Authority} {
			org := n.Org(name)
			if org.MSPID != name+"MSP" || !strings.HasPrefix(org.PeerEndpoint, "127.0.0.1:") ||
				org.PeerHostOverride != "peer0."+strings.ToLower(name)+".provenant.example" {
				t.Errorf("Org(%s) = %+v", name, org)
			}
			for _, f := range []string{org.TLSRootCert, org.UserCert, org.UserKey, org.AdminCert, org.AdminKey} {
				if _, err := os.Stat(f); err != nil {
					t.Errorf("Org(%s): %v", name, err)
				}
			}
			if n.PackageID(name) == "" || !strings.HasPrefix(n.PackageID(name), "provenant:") {
				t.Errorf("PackageID(%s) = %q", name, n.PackageID(name))
			}
		}
		if n.PackageID(fabricnet.Operator) == n.PackageID(fabricnet.Authority) {
			t.Error("both organizations share one package ID; each should have its own connection.json")
		}
		if (n.Org("Nobody") != fabricnet.Org{}) {
			t.Error("Org of an unknown name is not the zero Org")
		}
	})

	t.Run("Gateway", func(t *testing.T) {
		// A fabric-gateway client of the Operator alone gets the Authority's
		// endorsement through discovery (anchor peers, gossip).
		contract := gatewayContract(t, n.Org(fabricnet.Operator), n)
		if got, err := contract.EvaluateTransaction("Ping"); err != nil || string(got) != "pong" {
			t.Fatalf("Evaluate Ping = %q, %v", got, err)
		}
		start := time.Now()
		if _, err := contract.SubmitTransaction("Put", "k-gw", "v-gw"); err != nil {
			t.Fatalf("Submit Put: %v", err)
		}
		t.Logf("TIMING gateway submit (endorse both, order, commit): %s", time.Since(start).Round(time.Millisecond))
		if got := query(t, ctx, n, fabricnet.Authority, "Get", "k-gw"); got != "v-gw" {
			t.Errorf("Get k-gw = %q", got)
		}
	})

	t.Run("RestartProcesses", func(t *testing.T) {
		for _, name := range []string{fabricnet.ProcessOrderer, fabricnet.ProcessPeerAuthority, fabricnet.ProcessChaincodeOperator} {
			old := pidOf(n, name)
			if err := n.StopProcess(name); err != nil {
				t.Fatalf("StopProcess(%s): %v", name, err)
			}
			if alive(old) {
				t.Fatalf("%s (pid %d) alive after StopProcess", name, old)
			}
			start := time.Now()
			if err := n.StartProcess(ctx, name); err != nil {
				t.Fatalf("StartProcess(%s): %v", name, err)
			}
			t.Logf("TIMING StartProcess(%s): %s", name, time.Since(start).Round(time.Millisecond))
			if err := n.StartProcess(ctx, name); !errors.Is(err, fabricnet.ErrRunning) {
				t.Errorf("StartProcess(%s) twice: err = %v, want ErrRunning", name, err)
			}
		}
		invoke(t, ctx, n, fabricnet.Authority, "Put", "k2", "v2")
		if got := query(t, ctx, n, fabricnet.Operator, "Get", "k2"); got != "v2" {
			t.Errorf("Get k2 = %q, want v2", got)
		}
	})

	var pids []int
	for _, p := range n.Processes() {
		pids = append(pids, p.PID)
	}
	begin = time.Now()
	if err := n.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	t.Logf("TIMING Stop: %s", time.Since(begin).Round(time.Millisecond))
	for i, p := range n.Processes() {
		if p.PID != 0 || alive(pids[i]) {
			t.Errorf("process %s (pid %d) alive after Stop", p.Name, pids[i])
		}
		if _, err := os.Stat(p.PIDFile); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("PID file %s left after Stop", p.PIDFile)
		}
	}

	begin = time.Now()
	n = startNetwork(t, ctx, cfg)
	t.Logf("TIMING restart of a stopped network to ready: %s", time.Since(begin).Round(time.Millisecond))
	for _, kv := range [][2]string{{"k1", "v1"}, {"k2", "v2"}, {"k-gw", "v-gw"}} {
		if got := query(t, ctx, n, fabricnet.Authority, "Get", kv[0]); got != kv[1] {
			t.Errorf("after restart, Get %s = %q, want %q", kv[0], got, kv[1])
		}
	}
	invoke(t, ctx, n, fabricnet.Operator, "Put", "k3", "v3")
	if got := query(t, ctx, n, fabricnet.Authority, "Get", "k3"); got != "v3" {
		t.Errorf("after restart, Get k3 = %q", got)
	}
	// Discovery is ready again too: a gateway client of the Authority alone
	// gets both endorsements at once.
	if _, err := gatewayContract(t, n.Org(fabricnet.Authority), n).SubmitTransaction("Put", "k4", "v4"); err != nil {
		t.Errorf("after restart, gateway Submit Put: %v", err)
	}

	// StopDir stops what another Network (here: another process) started.
	pids = pids[:0]
	for _, p := range n.Processes() {
		pids = append(pids, p.PID)
	}
	if err := fabricnet.StopDir(cfg.Dir); err != nil {
		t.Fatalf("StopDir: %v", err)
	}
	for i, pid := range pids {
		if alive(pid) {
			t.Errorf("process %d (pid %d) alive after StopDir", i, pid)
		}
	}
}

func pidOf(n *fabricnet.Network, name string) int {
	for _, p := range n.Processes() {
		if p.Name == name {
			return p.PID
		}
	}
	return 0
}

// alive reports whether pid is a live process (zombies count as gone).
func alive(pid int) bool {
	if pid <= 0 || syscall.Kill(pid, 0) != nil {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	i := strings.LastIndexByte(string(stat), ')')
	return i < 0 || i+2 >= len(stat) || stat[i+2] != 'Z'
}

func gatewayContract(t *testing.T, org fabricnet.Org, n *fabricnet.Network) *client.Contract {
	t.Helper()
	certPEM, err := os.ReadFile(org.UserCert)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := identity.CertificateFromPEM(certPEM)
	if err != nil {
		t.Fatal(err)
	}
	id, err := identity.NewX509Identity(org.MSPID, cert)
	if err != nil {
		t.Fatal(err)
	}
	keyPEM, err := os.ReadFile(org.UserKey)
	if err != nil {
		t.Fatal(err)
	}
	key, err := identity.PrivateKeyFromPEM(keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	sign, err := identity.NewPrivateKeySign(key)
	if err != nil {
		t.Fatal(err)
	}
	rootPEM, err := os.ReadFile(org.TLSRootCert)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(rootPEM)
	conn, err := grpc.NewClient(org.PeerEndpoint, grpc.WithTransportCredentials(credentials.NewClientTLSFromCert(roots, org.PeerHostOverride)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	gw, err := client.Connect(id, client.WithSign(sign), client.WithHash(hash.SHA256), client.WithClientConnection(conn),
		client.WithEvaluateTimeout(30*time.Second), client.WithSubmitTimeout(30*time.Second), client.WithCommitStatusTimeout(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { gw.Close() })
	return gw.GetNetwork(n.Channel()).GetContract(n.ChaincodeName())
}

func TestStartFailsCleanly(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cfg := testConfig(t, t.TempDir())
	t.Cleanup(func() { _ = fabricnet.StopDir(cfg.Dir) })

	bad := cfg
	bad.Chaincode.Command = []string{"/bin/sh", "-c", "echo chaincode refuses to start >&2; exit 3"}
	_, err := fabricnet.Start(ctx, bad)
	t.Logf("Start with a failing chaincode: %v", err)
	var pe *fabricnet.ProcessError
	if !errors.As(err, &pe) {
		t.Fatalf("Start with a failing chaincode: err = %v, want a *ProcessError", err)
	}
	if !strings.HasPrefix(pe.Process, "cc-") || !strings.Contains(pe.LogTail, "refuses to start") ||
		!strings.Contains(err.Error(), "refuses to start") {
		t.Errorf("ProcessError = %+v; want the chaincode process and the tail of its log", pe)
	}
	if pids := processesOf(t, cfg.Dir); len(pids) > 0 {
		t.Errorf("processes %v left running after a failed Start", pids)
	}
	if _, err := fabricnet.Open(ctx, fabricnet.Config{Dir: cfg.Dir}); !errors.Is(err, fabricnet.ErrNotCreated) {
		t.Errorf("Open after a failed creation: err = %v, want ErrNotCreated", err)
	}

	// The next Start creates the network over.
	n := startNetwork(t, ctx, cfg)
	if got := query(t, ctx, n, fabricnet.Operator, "Ping"); got != "pong" {
		t.Errorf("Ping = %q", got)
	}
	if err := n.Stop(); err != nil {
		t.Fatal(err)
	}
	if pids := processesOf(t, cfg.Dir); len(pids) > 0 {
		t.Errorf("processes %v left running after Stop", pids)
	}
}

// TestProcessLifetime starts networks from a separate process that then
// exits without stopping them, as a crashed test or a command line would.
func TestProcessLifetime(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cfg := testConfig(t, t.TempDir())
	t.Cleanup(func() { _ = fabricnet.StopDir(cfg.Dir) })

	t.Run("AttachedDieWithTheirParent", func(t *testing.T) {
		runHelper(t, cfg.Dir, false)
		deadline := time.Now().Add(10 * time.Second)
		for len(processesOf(t, cfg.Dir)) > 0 && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		if pids := processesOf(t, cfg.Dir); len(pids) > 0 {
			t.Fatalf("processes %v outlived the process that started them", pids)
		}
	})

	t.Run("DetachedOutliveTheirParent", func(t *testing.T) {
		runHelper(t, cfg.Dir, true) // a restart, after the kill above
		if pids := processesOf(t, cfg.Dir); len(pids) != 5 {
			t.Fatalf("running processes %v, want 5", pids)
		}
		n, err := fabricnet.Open(ctx, fabricnet.Config{Dir: cfg.Dir})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range n.Processes() {
			if p.PID == 0 {
				t.Errorf("Open: process %s not seen running", p.Name)
			}
		}
		if got := query(t, ctx, n, fabricnet.Authority, "Get", "config"); got != "OperatorMSP,AuthorityMSP" {
			t.Errorf("Get config = %q", got)
		}
		if err := fabricnet.StopDir(cfg.Dir); err != nil {
			t.Fatal(err)
		}
		if pids := processesOf(t, cfg.Dir); len(pids) > 0 {
			t.Errorf("processes %v left running after StopDir", pids)
		}
	})
}

const (
	helperDirEnv       = "FABRICNET_TEST_HELPER_DIR"
	helperDetachEnv    = "FABRICNET_TEST_HELPER_DETACH"
	helperChaincodeEnv = "FABRICNET_TEST_HELPER_CHAINCODE"
)

// TestHelperProcess is not a test: runHelper runs it in a process of its own
// to start a network and exit without stopping it.
func TestHelperProcess(t *testing.T) {
	dir := os.Getenv(helperDirEnv)
	if dir == "" {
		t.Skip("only run by runHelper")
	}
	cfg := testConfig(t, dir)
	cfg.Detach = os.Getenv(helperDetachEnv) == "1"
	if _, err := fabricnet.Start(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	// Return without Stop: the process exits with the network running.
}

func runHelper(t *testing.T, dir string, detach bool) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperDirEnv+"="+dir, helperChaincodeEnv+"="+testChaincode,
		fmt.Sprintf("%s=%d", helperDetachEnv, map[bool]int{false: 0, true: 1}[detach]))
	begin := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("helper process: %v\n%s", err, out)
	}
	t.Logf("TIMING helper process (detach=%v) started the network and exited: %s", detach, time.Since(begin).Round(time.Millisecond))
}

// processesOf lists the live processes whose environment marks them as the
// network's in dir (fabricnet sets FABRICNET_PROCESS=<dir>#<name>).
func processesOf(t *testing.T, dir string) []int {
	t.Helper()
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || !alive(pid) {
			continue
		}
		env, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		if err == nil && strings.Contains("\x00"+string(env), "\x00FABRICNET_PROCESS="+abs+"#") {
			pids = append(pids, pid)
		}
	}
	return pids
}
