package fabricnet

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// PeerCLI runs Fabric's peer command as org's Admin against org's peer
// (CORE_PEER_ADDRESS, CORE_PEER_LOCALMSPID, CORE_PEER_MSPCONFIGPATH, TLS on
// with the organization's TLS CA) and returns its standard output (query
// results; `peer chaincode invoke` logs its result on standard error, which
// is dropped on success). The
// environment also holds ORDERER_ADDRESS and ORDERER_CA, but the peer
// command reads the orderer only from flags: append OrdererArgs for commands
// that submit, and EndorserArgs to have both peers endorse, e.g.
//
//	args := append([]string{"chaincode", "invoke", "-C", n.Channel(), "-n", n.ChaincodeName(),
//		"-c", `{"function":"Put","Args":["k","v"]}`, "--waitForEvent"}, n.OrdererArgs()...)
//	out, err := n.PeerCLI(ctx, fabricnet.Operator, append(args, n.EndorserArgs()...)...)
//
// A failure's error holds the end of the command's standard error.
func (n *Network) PeerCLI(ctx context.Context, org string, args ...string) ([]byte, error) {
	o, ok := orgByName(org)
	if !ok {
		return nil, fmt.Errorf("fabricnet: peer CLI: no organization %q", org)
	}
	env := []string{
		"FABRIC_CFG_PATH=" + n.cfg.SampleConfig,
		"FABRIC_LOGGING_SPEC=" + processLogSpec,
		"FABRIC_LOGGING_FORMAT=" + logFormat,
		"CORE_PEER_LOCALMSPID=" + o.MSPID,
		"CORE_PEER_MSPCONFIGPATH=" + n.l.userMSP(o, o.admin()),
		"CORE_PEER_ADDRESS=" + endpoint(n.st.Ports.Peers[o.Key].Peer),
		"CORE_PEER_TLS_ENABLED=true",
		"CORE_PEER_TLS_ROOTCERT_FILE=" + n.l.tlsCACert(o),
		"ORDERER_ADDRESS=" + endpoint(n.st.Ports.Orderer),
		"ORDERER_CA=" + n.l.ordererTLSCA(),
	}
	return n.runTool(ctx, "peer", env, args...)
}

// OrdererArgs returns the peer command's flags that name the orderer and its
// TLS CA: -o, --tls, --cafile, --ordererTLSHostnameOverride.
func (n *Network) OrdererArgs() []string {
	return []string{"-o", endpoint(n.st.Ports.Orderer), "--tls", "--cafile", n.l.ordererTLSCA(),
		"--ordererTLSHostnameOverride", ordererHost}
}

// EndorserArgs returns the peer command's flags that send a proposal to both
// organizations' peers: --peerAddresses and --tlsRootCertFiles for each.
func (n *Network) EndorserArgs() []string {
	var args []string
	for _, o := range peerOrgs() {
		args = append(args, "--peerAddresses", endpoint(n.st.Ports.Peers[o.Key].Peer), "--tlsRootCertFiles", n.l.tlsCACert(o))
	}
	return args
}

// runTool runs one of the Fabric binaries to completion and returns its
// standard output.
func (n *Network) runTool(ctx context.Context, tool string, env []string, args ...string) ([]byte, error) {
	start := time.Now()
	cmd := exec.CommandContext(ctx, filepath.Join(n.cfg.BinDir, tool), args...)
	cmd.Env = childEnv(env)
	cmd.Dir = n.l.dir
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	err := cmd.Run()
	n.log.Debug("fabricnet: ran "+tool, "args", strings.Join(args, " "), "elapsed", time.Since(start).Round(time.Millisecond), "err", err)
	if err != nil {
		return stdout.Bytes(), fmt.Errorf("%s %s: %w\n%s", tool, summary(args), err, tail(stderr.String()+stdout.String(), 15))
	}
	return stdout.Bytes(), nil
}

// summary shortens a command line for an error message: the subcommands
// and flags, without long values such as file paths.
func summary(args []string) string {
	var out []string
	for _, a := range args {
		if len(a) > 60 {
			a = a[:57] + "..."
		}
		out = append(out, a)
		if len(out) == 6 {
			out = append(out, "...")
			break
		}
	}
	return strings.Join(out, " ")
}
