package fabricnet

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Module is the module path of the repository that holds this package; its
// root is where the default BinDir (.fabric/bin) and the tools module
// (deploy/fabric) are found.
const Module = "github.com/provenant/provenant"

// FabricVersion is the Hyperledger Fabric release whose binaries the network runs.
const FabricVersion = "3.1.1"

// fabricModule is the Go module of Fabric's sources, pinned by deploy/fabric.
const fabricModule = "github.com/hyperledger/fabric"

// Config says where a network lives and how it is run. Only Dir is required
// (and Chaincode.Command when the network is created).
type Config struct {
	// Dir is the folder that holds the network's whole state: crypto material,
	// configuration, ledgers, logs and PID files (see the package doc).
	Dir string
	// BinDir holds the Fabric binaries (peer, orderer, configtxgen, cryptogen,
	// osnadmin). Default: the folder the network was created with, else
	// <module root>/.fabric/bin, the module root being found by walking up
	// from the working directory to the go.mod of Module.
	BinDir string
	// SampleConfig is Fabric's sampleconfig folder (core.yaml, orderer.yaml),
	// given to every Fabric process as FABRIC_CFG_PATH. Default: the folder
	// the network was created with, else the one in the module cache of the
	// Fabric version pinned by <module root>/deploy/fabric (`go list -m`).
	SampleConfig string
	// BatchTimeout is the orderer's batch timeout, which bounds the latency
	// of a submit. Default 250ms. It is written into the channel's genesis
	// block, so it only applies when the network is created.
	BatchTimeout time.Duration
	// Chaincode is the chaincode deployed as a service, one server process
	// per organization.
	Chaincode Chaincode
	// Timeout bounds the wait for each process to become ready. Default 90s.
	Timeout time.Duration
	// Logger receives progress, one record per step. Default: discard.
	Logger *slog.Logger
	// Detach leaves the processes running when the calling process exits
	// (each in a session of its own), for a command line that starts a
	// network in the background. When false, every process is killed by the
	// kernel when the calling process dies (Pdeathsig), so that a crashed
	// test leaks nothing.
	Detach bool
}

// Chaincode describes the chaincode and the command that runs its server.
// Name, Label and InitArgs only apply when the network is created; a restart
// keeps those it was created with.
type Chaincode struct {
	// Name is the chaincode's name on the channel. Default "provenant".
	Name string
	// Label is the package label, the prefix of its package ID. Default Name.
	Label string
	// Command is the chaincode server's executable and its arguments. It is
	// started once per organization; see the package doc for its
	// environment. Required when the network is created; on a restart the
	// command the network was created with is used when Command is empty.
	Command []string
	// InitArgs are the arguments of the Init transaction run once after the
	// chaincode definition is committed. Default ["OperatorMSP", "AuthorityMSP"].
	InitArgs []string
}

const (
	defaultBatchTimeout = 250 * time.Millisecond
	defaultTimeout      = 90 * time.Second
	defaultChaincode    = "provenant"
	chaincodeVersion    = "1.0"
	chaincodeSequence   = "1"
	// pingFunction is what readiness checks query; the chaincode must
	// answer it without arguments (docs/ledger.md).
	pingFunction = "Ping"
)

// ErrNoBinaries says that the Fabric binaries or the sampleconfig folder are
// missing; `make fabric` builds them.
var ErrNoBinaries = errors.New("fabric binaries not found (run `make fabric`)")

func (c Config) withDefaults() (Config, error) {
	if c.Dir == "" {
		return c, errors.New("fabricnet: Config.Dir is empty")
	}
	dir, err := filepath.Abs(c.Dir)
	if err != nil {
		return c, fmt.Errorf("fabricnet: dir %s: %w", c.Dir, err)
	}
	c.Dir = dir
	if c.BatchTimeout <= 0 {
		c.BatchTimeout = defaultBatchTimeout
	}
	if c.Timeout <= 0 {
		c.Timeout = defaultTimeout
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Chaincode.Name == "" {
		c.Chaincode.Name = defaultChaincode
	}
	if c.Chaincode.Label == "" {
		c.Chaincode.Label = c.Chaincode.Name
	}
	if len(c.Chaincode.InitArgs) == 0 {
		c.Chaincode.InitArgs = []string{"OperatorMSP", "AuthorityMSP"}
	}
	return c, nil
}

// resolveTools fills BinDir and SampleConfig when empty and checks that
// both hold what the network needs.
func resolveTools(ctx context.Context, c *Config) error {
	var root string
	if c.BinDir == "" || c.SampleConfig == "" {
		r, err := ModuleRoot()
		if err != nil {
			return fmt.Errorf("%w: %w", ErrNoBinaries, err)
		}
		root = r
	}
	if c.BinDir == "" {
		c.BinDir = filepath.Join(root, ".fabric", "bin")
	}
	for _, tool := range []string{"peer", "orderer", "configtxgen", "cryptogen", "osnadmin"} {
		if _, err := os.Stat(filepath.Join(c.BinDir, tool)); err != nil {
			return fmt.Errorf("%w: %s", ErrNoBinaries, filepath.Join(c.BinDir, tool))
		}
	}
	if c.SampleConfig == "" {
		dir, err := SampleConfigDir(ctx, root)
		if err != nil {
			return err
		}
		c.SampleConfig = dir
	}
	for _, f := range []string{"core.yaml", "orderer.yaml"} {
		if _, err := os.Stat(filepath.Join(c.SampleConfig, f)); err != nil {
			return fmt.Errorf("%w: sampleconfig %s", ErrNoBinaries, filepath.Join(c.SampleConfig, f))
		}
	}
	return nil
}

// ModuleRoot walks up from the working directory to the folder whose go.mod
// declares Module.
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("find module root: %w", err)
	}
	for {
		if f, err := os.Open(filepath.Join(dir, "go.mod")); err == nil {
			mod := modulePath(f)
			f.Close()
			if mod == Module {
				return dir, nil
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("find module root: no go.mod of %s above the working directory", Module)
		}
		dir = parent
	}
}

func modulePath(r io.Reader) string {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`)
		}
	}
	return ""
}

// SampleConfigDir returns Fabric's sampleconfig folder in the module cache,
// for the Fabric version pinned by the tools module <root>/deploy/fabric.
func SampleConfigDir(ctx context.Context, root string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", "list", "-m", "-f", "{{.Dir}}", fabricModule)
	cmd.Dir = filepath.Join(root, "deploy", "fabric")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%w: go list -m %s in %s: %w: %s", ErrNoBinaries, fabricModule, cmd.Dir, err, strings.TrimSpace(stderr.String()))
	}
	dir := strings.TrimSpace(string(out))
	if dir == "" {
		return "", fmt.Errorf("%w: module %s is not in the module cache", ErrNoBinaries, fabricModule)
	}
	return filepath.Join(dir, "sampleconfig"), nil
}
