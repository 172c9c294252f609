package fabricnet

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
)

// ErrRunning is returned by Start when processes of the network in Dir are
// already running; stop them first (Stop, StopDir), or use Open to talk to
// them.
var ErrRunning = errors.New("network already running")

// ErrNotCreated is returned by Open when Dir holds no network that finished
// its creation.
var ErrNotCreated = errors.New("no network in dir")

// Network is a Fabric network of native processes whose state lives in one
// folder. Its methods may be called from several goroutines.
type Network struct {
	cfg Config
	l   layout
	st  state
	log *slog.Logger

	mu    sync.Mutex
	procs map[string]*process // children started by this Network
}

// Start creates and starts the network in cfg.Dir when the folder holds none
// yet, or restarts the processes of the network it holds, keeping its
// ledgers. It returns once the orderer leads the channel, both peers have
// caught up with it and can plan endorsements of the chaincode through
// discovery (what a Fabric Gateway client needs), and each organization's
// chaincode answers Ping. Start refuses (ErrRunning) when processes of this
// network are running already. When Start fails it stops whatever it
// started.
func Start(ctx context.Context, cfg Config) (*Network, error) {
	begin := time.Now()
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	n := &Network{cfg: cfg, l: layout{dir: cfg.Dir}, log: cfg.Logger, procs: map[string]*process{}}
	if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("fabricnet: %w", err)
	}
	unlock, err := lockDir(n.l)
	if err != nil {
		return nil, err
	}
	defer unlock()

	var running []string
	for _, name := range processNames() {
		if pid := runningPID(n.l, name); pid != 0 {
			running = append(running, fmt.Sprintf("%s (pid %d)", name, pid))
		} else {
			os.Remove(n.l.pidFile(name))
		}
	}
	if len(running) > 0 {
		return nil, fmt.Errorf("fabricnet: start %s: %w: %s", cfg.Dir, ErrRunning, strings.Join(running, ", "))
	}

	st, err := readState(n.l)
	create := false
	switch {
	case errors.Is(err, errNoState):
		create = true
	case err != nil:
		return nil, fmt.Errorf("fabricnet: %w", err)
	case !st.Complete:
		n.log.Warn("fabricnet: the creation of this network did not finish; starting it over", "dir", cfg.Dir)
		for _, p := range n.l.generated() {
			if err := os.RemoveAll(p); err != nil {
				return nil, fmt.Errorf("fabricnet: remove unfinished network: %w", err)
			}
		}
		create = true
	}
	if !create {
		n.st = st
		if cfg.BinDir == "" && dirExists(st.BinDir) {
			n.cfg.BinDir = st.BinDir
		}
		if cfg.SampleConfig == "" && dirExists(st.SampleConfig) {
			n.cfg.SampleConfig = st.SampleConfig
		}
		if st.BatchTimeout != cfg.BatchTimeout.String() && cfg.BatchTimeout != defaultBatchTimeout {
			n.log.Warn("fabricnet: the batch timeout is fixed when the network is created; keeping it",
				"batch_timeout", st.BatchTimeout, "asked", cfg.BatchTimeout)
		}
	}
	if err := resolveTools(ctx, &n.cfg); err != nil {
		return nil, fmt.Errorf("fabricnet: %w", err)
	}
	command, err := n.chaincodeCommand()
	if err != nil {
		return nil, err
	}

	if create {
		n.log.Info("fabricnet: creating network", "dir", cfg.Dir, "bin", n.cfg.BinDir, "batch_timeout", cfg.BatchTimeout)
		err = n.create(ctx, command)
	} else {
		n.log.Info("fabricnet: restarting network", "dir", cfg.Dir, "created", st.Created.Format(time.RFC3339))
		n.st.Chaincode.Command = command
		if err = n.restart(ctx); err == nil {
			err = writeState(n.l, n.st)
		}
	}
	if err != nil {
		if stopErr := n.Stop(); stopErr != nil {
			n.log.Warn("fabricnet: stop after failed start", "err", stopErr)
		}
		return nil, fmt.Errorf("fabricnet: start %s: %w", cfg.Dir, err)
	}
	n.log.Info("fabricnet: network ready", "dir", cfg.Dir, "created", create, "elapsed", time.Since(begin).Round(time.Millisecond))
	return n, nil
}

// Open returns the network in cfg.Dir without starting anything, for a
// process that talks to a network another process started: Org, PeerCLI,
// Processes and Stop work on it. BinDir and SampleConfig default to those
// the network was created with.
func Open(ctx context.Context, cfg Config) (*Network, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	n := &Network{cfg: cfg, l: layout{dir: cfg.Dir}, log: cfg.Logger, procs: map[string]*process{}}
	st, err := readState(n.l)
	if errors.Is(err, errNoState) || (err == nil && !st.Complete) {
		return nil, fmt.Errorf("fabricnet: open %s: %w", cfg.Dir, ErrNotCreated)
	}
	if err != nil {
		return nil, fmt.Errorf("fabricnet: open %s: %w", cfg.Dir, err)
	}
	n.st = st
	if n.cfg.BinDir == "" && dirExists(st.BinDir) {
		n.cfg.BinDir = st.BinDir
	}
	if n.cfg.SampleConfig == "" && dirExists(st.SampleConfig) {
		n.cfg.SampleConfig = st.SampleConfig
	}
	if err := resolveTools(ctx, &n.cfg); err != nil {
		return nil, fmt.Errorf("fabricnet: open %s: %w", cfg.Dir, err)
	}
	return n, nil
}

func dirExists(p string) bool {
	st, err := os.Stat(p)
	return p != "" && err == nil && st.IsDir()
}

// lockDir takes an exclusive lock on Dir/.lock so that two Starts on one
// folder do not race; it fails at once when another holds it.
func lockDir(l layout) (func(), error) {
	f, err := os.OpenFile(l.lockFile(), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("fabricnet: lock %s: %w", l.dir, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("fabricnet: lock %s: another Start is using this folder: %w", l.dir, err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// chaincodeCommand is Config.Chaincode.Command with its executable made
// absolute, or the command the network was created with.
func (n *Network) chaincodeCommand() ([]string, error) {
	cmd := slices.Clone(n.cfg.Chaincode.Command)
	if len(cmd) == 0 {
		cmd = slices.Clone(n.st.Chaincode.Command)
	}
	if len(cmd) == 0 {
		return nil, errors.New("fabricnet: Config.Chaincode.Command is empty: the chaincode server's executable is required")
	}
	exe, err := exec.LookPath(cmd[0])
	if err != nil {
		return nil, fmt.Errorf("fabricnet: chaincode executable: %w", err)
	}
	if exe, err = filepath.Abs(exe); err != nil {
		return nil, fmt.Errorf("fabricnet: chaincode executable: %w", err)
	}
	cmd[0] = exe
	return cmd, nil
}

// restart starts every process of a network that was created before and
// waits until all serve.
func (n *Network) restart(ctx context.Context) error {
	for _, name := range processNames() {
		spec, err := n.spec(name)
		if err != nil {
			return err
		}
		if _, err := n.spawn(name, spec); err != nil {
			return err
		}
	}
	return n.step("wait until every process is ready", func() error {
		return parallel(
			func() error {
				// The peers catch up with the orderer, so it comes first.
				if err := n.ready(ctx, ProcessOrderer); err != nil {
					return err
				}
				return parallel(func() error { return n.ready(ctx, ProcessPeerOperator) },
					func() error { return n.ready(ctx, ProcessPeerAuthority) })
			},
			func() error { return n.chaincodeServing(ctx, peerOrgs()[0]) },
			func() error { return n.chaincodeServing(ctx, peerOrgs()[1]) },
		)
	}, func() error {
		return parallel(func() error { return n.chaincodeAnswers(ctx, peerOrgs()[0]) },
			func() error { return n.chaincodeAnswers(ctx, peerOrgs()[1]) })
	})
}

// step runs fns in order, logging the step's name and duration.
func (n *Network) step(name string, fns ...func() error) error {
	start := time.Now()
	n.log.Info("fabricnet: " + name)
	for _, fn := range fns {
		if err := fn(); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	n.log.Info("fabricnet: done: "+name, "elapsed", time.Since(start).Round(time.Millisecond))
	return nil
}

// parallel runs fns at once and joins their errors.
func parallel(fns ...func() error) error {
	errs := make([]error, len(fns))
	var wg sync.WaitGroup
	for i, fn := range fns {
		wg.Go(func() { errs[i] = fn() })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// Stop stops every process of the network, whether this Network started it
// or another process did (found through its PID file): SIGTERM, then SIGKILL
// after 10 s. It removes the PID files and keeps everything else.
func (n *Network) Stop() error {
	begin := time.Now()
	names := processNames()
	errs := make([]error, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Go(func() { errs[i] = n.stopProcess(name) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("fabricnet: stop %s: %w", n.l.dir, err)
	}
	n.log.Info("fabricnet: network stopped", "dir", n.l.dir, "elapsed", time.Since(begin).Round(time.Millisecond))
	return nil
}

// StopDir stops the processes of the network in dir, as Stop does, from a
// process other than the one that started them (e.g. a command line's
// `network down`). Only processes whose PID files name them and whose
// environment marks them as this network's are signalled.
func StopDir(dir string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("fabricnet: stop %s: %w", dir, err)
	}
	n := &Network{l: layout{dir: abs}, log: slog.New(slog.DiscardHandler), procs: map[string]*process{}}
	return n.Stop()
}

// StopProcess stops one process of the network (see the Process* names).
func (n *Network) StopProcess(name string) error {
	if !slices.Contains(processNames(), name) {
		return fmt.Errorf("fabricnet: stop process %q: no such process", name)
	}
	if err := n.stopProcess(name); err != nil {
		return fmt.Errorf("fabricnet: %w", err)
	}
	return nil
}

// StartProcess starts one stopped process of the network and waits until it
// serves again: the orderer leads the channel; a peer has caught up with the
// orderer and every peer can plan endorsements through discovery; a
// chaincode server answers Ping through its organization's peer.
func (n *Network) StartProcess(ctx context.Context, name string) error {
	if !slices.Contains(processNames(), name) {
		return fmt.Errorf("fabricnet: start process %q: no such process", name)
	}
	if pid := n.pid(name); pid != 0 {
		return fmt.Errorf("fabricnet: start process %s: %w (pid %d)", name, ErrRunning, pid)
	}
	begin := time.Now()
	spec, err := n.spec(name)
	if err != nil {
		return fmt.Errorf("fabricnet: %w", err)
	}
	if _, err := n.spawn(name, spec); err != nil {
		return fmt.Errorf("fabricnet: %w", err)
	}
	if err := n.ready(ctx, name); err != nil {
		return fmt.Errorf("fabricnet: %w", err)
	}
	if o, ok := orgOfProcess(name); ok && name == o.chaincodeProcess() {
		if err := n.chaincodeAnswers(ctx, o); err != nil {
			return fmt.Errorf("fabricnet: %w", err)
		}
	} else if ok {
		// The other peers must see the restarted one again.
		for _, other := range peerOrgs() {
			if other != o {
				if err := n.discoverable(ctx, other); err != nil {
					return fmt.Errorf("fabricnet: %w", err)
				}
			}
		}
	}
	n.log.Info("fabricnet: process ready", "process", name, "elapsed", time.Since(begin).Round(time.Millisecond))
	return nil
}

// Process is one process of the network.
type Process struct {
	Name    string // e.g. "orderer", "peer-operator", "cc-authority"
	PID     int    // 0 when not running
	LogFile string // Dir/logs/<name>.log
	PIDFile string // Dir/run/<name>.pid
}

// Processes lists every process of the network in start order.
func (n *Network) Processes() []Process {
	var out []Process
	for _, name := range processNames() {
		out = append(out, Process{Name: name, PID: n.pid(name), LogFile: n.l.logFile(name), PIDFile: n.l.pidFile(name)})
	}
	return out
}

// pid is name's PID when it is running, else 0.
func (n *Network) pid(name string) int {
	n.mu.Lock()
	p := n.procs[name]
	n.mu.Unlock()
	if p != nil {
		if p.exited() {
			return 0
		}
		return p.pid
	}
	return runningPID(n.l, name)
}

// Dir returns the folder that holds the network.
func (n *Network) Dir() string { return n.l.dir }

// Channel returns the name of the application channel, "provenance".
func (n *Network) Channel() string { return n.st.Channel }

// ChaincodeName returns the chaincode's name on the channel.
func (n *Network) ChaincodeName() string { return n.st.Chaincode.Name }

// PackageID returns the package ID of the chaincode installed on org's peer
// (each organization has its own package, hence its own ID).
func (n *Network) PackageID(org string) string {
	o, ok := orgByName(org)
	if !ok {
		return ""
	}
	return n.st.Chaincode.PackageIDs[o.Key]
}

// Org is what a client of one organization needs: its peer's endpoint and
// TLS, and the certificates and keys (PEM files) of its identities.
type Org struct {
	Name             string // "Operator" or "Authority"
	MSPID            string // e.g. "OperatorMSP"
	PeerEndpoint     string // 127.0.0.1:port
	PeerHostOverride string // TLS server name of the peer, e.g. "peer0.operator.provenant.example"
	TLSRootCert      string // the organization's TLS CA certificate, which the peer's certificate chains to
	UserCert         string // User1's signing certificate (role client)
	UserKey          string // User1's private key
	AdminCert        string // Admin's signing certificate (role admin)
	AdminKey         string // Admin's private key
	AdminMSPDir      string // Admin's MSP folder, for the peer CLI
}

// Org returns the facts of the organization named Operator or Authority
// (MSP IDs are accepted too); the zero Org for any other name.
func (n *Network) Org(name string) Org {
	o, ok := orgByName(name)
	if !ok {
		return Org{}
	}
	return Org{
		Name:             o.Name,
		MSPID:            o.MSPID,
		PeerEndpoint:     endpoint(n.st.Ports.Peers[o.Key].Peer),
		PeerHostOverride: o.peerHost(),
		TLSRootCert:      n.l.tlsCACert(o),
		UserCert:         n.l.userCert(o, o.user()),
		UserKey:          n.l.userKey(o, o.user()),
		AdminCert:        n.l.userCert(o, o.admin()),
		AdminKey:         n.l.userKey(o, o.admin()),
		AdminMSPDir:      n.l.userMSP(o, o.admin()),
	}
}

// OrdererNode is what a client needs to reach the orderer.
type OrdererNode struct {
	MSPID         string // "OrdererMSP"
	Endpoint      string // 127.0.0.1:port
	HostOverride  string // TLS server name, "orderer0.orderer.provenant.example"
	TLSRootCert   string // the orderer organization's TLS CA certificate
	AdminEndpoint string // channel participation API (osnadmin), 127.0.0.1:port
}

// Orderer returns the facts of the orderer.
func (n *Network) Orderer() OrdererNode {
	return OrdererNode{
		MSPID:         ordererMSPID,
		Endpoint:      endpoint(n.st.Ports.Orderer),
		HostOverride:  ordererHost,
		TLSRootCert:   n.l.ordererTLSCA(),
		AdminEndpoint: endpoint(n.st.Ports.OrdererAdmin),
	}
}
