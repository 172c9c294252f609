package fabricnet

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"
)

// Names of the organizations a network holds, for (*Network).Org.
const (
	Operator  = "Operator"
	Authority = "Authority"
)

// ChannelName is the one application channel.
const ChannelName = "provenance"

// Names of the processes of a network: log files are logs/<name>.log and PID
// files run/<name>.pid under Config.Dir.
const (
	ProcessOrderer            = "orderer"
	ProcessPeerOperator       = "peer-operator"
	ProcessPeerAuthority      = "peer-authority"
	ProcessChaincodeOperator  = "cc-operator"
	ProcessChaincodeAuthority = "cc-authority"
)

// processNames lists every process in start order.
func processNames() []string {
	return []string{ProcessOrderer, ProcessPeerOperator, ProcessPeerAuthority, ProcessChaincodeOperator, ProcessChaincodeAuthority}
}

// org is one peer organization.
type org struct {
	Name   string // Operator
	Key    string // operator: used in file and process names
	MSPID  string // OperatorMSP
	Domain string // operator.provenant.example
}

func peerOrgs() []org {
	return []org{
		{Name: Operator, Key: "operator", MSPID: "OperatorMSP", Domain: "operator.provenant.example"},
		{Name: Authority, Key: "authority", MSPID: "AuthorityMSP", Domain: "authority.provenant.example"},
	}
}

func orgByName(name string) (org, bool) {
	for _, o := range peerOrgs() {
		if o.Name == name || o.Key == name || o.MSPID == name {
			return o, true
		}
	}
	return org{}, false
}

const (
	ordererMSPID  = "OrdererMSP"
	ordererDomain = "orderer.provenant.example"
	ordererHost   = "orderer0." + ordererDomain
)

func (o org) peerHost() string         { return "peer0." + o.Domain }
func (o org) peerProcess() string      { return "peer-" + o.Key }
func (o org) chaincodeProcess() string { return "cc-" + o.Key }
func (o org) chaincodeHost() string    { return "cc." + o.Domain }
func (o org) admin() string            { return "Admin@" + o.Domain }
func (o org) user() string             { return "User1@" + o.Domain }
func (o org) tlsCAFile() string        { return "tlsca." + o.Domain + "-cert.pem" }
func (o org) String() string           { return o.Name }
func orgOfProcess(name string) (org, bool) {
	for _, o := range peerOrgs() {
		if name == o.peerProcess() || name == o.chaincodeProcess() {
			return o, true
		}
	}
	return org{}, false
}

// layout names every path under Dir.
type layout struct{ dir string }

func (l layout) stateFile() string    { return filepath.Join(l.dir, "network.json") }
func (l layout) lockFile() string     { return filepath.Join(l.dir, ".lock") }
func (l layout) cryptoConfig() string { return filepath.Join(l.dir, "crypto-config.yaml") }
func (l layout) crypto() string       { return filepath.Join(l.dir, "crypto") }
func (l layout) configtxDir() string  { return filepath.Join(l.dir, "configtx") }
func (l layout) genesisBlock() string { return filepath.Join(l.dir, "channel", ChannelName+".block") }
func (l layout) builderDir() string   { return filepath.Join(l.dir, "builder") }
func (l layout) logsDir() string      { return filepath.Join(l.dir, "logs") }
func (l layout) runDir() string       { return filepath.Join(l.dir, "run") }
func (l layout) logFile(name string) string {
	return filepath.Join(l.dir, "logs", name+".log")
}
func (l layout) pidFile(name string) string { return filepath.Join(l.dir, "run", name+".pid") }

// generated lists what creation writes, removed when a creation that did not
// finish is started over (logs are kept).
func (l layout) generated() []string {
	return []string{l.stateFile(), l.cryptoConfig(), l.crypto(), l.configtxDir(), filepath.Dir(l.genesisBlock()),
		l.builderDir(), l.ordererData(), filepath.Join(l.dir, "peers"), filepath.Join(l.dir, "chaincode"), l.runDir()}
}

func (l layout) ordererOrgDir() string {
	return filepath.Join(l.dir, "crypto", "ordererOrganizations", ordererDomain)
}
func (l layout) ordererNodeDir() string {
	return filepath.Join(l.ordererOrgDir(), "orderers", ordererHost)
}
func (l layout) ordererTLSCA() string {
	return filepath.Join(l.ordererOrgDir(), "tlsca", "tlsca."+ordererDomain+"-cert.pem")
}
func (l layout) ordererAdminTLS() string {
	return filepath.Join(l.ordererOrgDir(), "users", "Admin@"+ordererDomain, "tls")
}
func (l layout) ordererData() string { return filepath.Join(l.dir, "orderer") }

func (l layout) orgDir(o org) string {
	return filepath.Join(l.dir, "crypto", "peerOrganizations", o.Domain)
}
func (l layout) peerNodeDir(o org) string {
	return filepath.Join(l.orgDir(o), "peers", o.peerHost())
}
func (l layout) tlsCACert(o org) string { return filepath.Join(l.orgDir(o), "tlsca", o.tlsCAFile()) }
func (l layout) tlsCAKey(o org) string  { return filepath.Join(l.orgDir(o), "tlsca", "priv_sk") }
func (l layout) userMSP(o org, user string) string {
	return filepath.Join(l.orgDir(o), "users", user, "msp")
}
func (l layout) userCert(o org, user string) string {
	return filepath.Join(l.userMSP(o, user), "signcerts", user+"-cert.pem")
}
func (l layout) userKey(o org, user string) string {
	return filepath.Join(l.userMSP(o, user), "keystore", "priv_sk")
}
func (l layout) peerData(o org) string { return filepath.Join(l.dir, "peers", o.Key) }

// chaincodeDir holds an organization's chaincode package and the TLS
// material of its chaincode server.
func (l layout) chaincodeDir(o org) string { return filepath.Join(l.dir, "chaincode", o.Key) }
func (l layout) chaincodePackage(o org) string {
	return filepath.Join(l.chaincodeDir(o), "package.tar.gz")
}
func (l layout) ccServerCert(o org) string {
	return filepath.Join(l.chaincodeDir(o), "tls", "server.crt")
}
func (l layout) ccServerKey(o org) string {
	return filepath.Join(l.chaincodeDir(o), "tls", "server.key")
}
func (l layout) ccClientCA(o org) string {
	return filepath.Join(l.chaincodeDir(o), "tls", "client-ca.crt")
}
func (l layout) ccPeerCert(o org) string {
	return filepath.Join(l.chaincodeDir(o), "tls", "peer-client.crt")
}
func (l layout) ccPeerKey(o org) string {
	return filepath.Join(l.chaincodeDir(o), "tls", "peer-client.key")
}

// state is what network.json holds: everything a restart needs.
type state struct {
	// Complete is false until creation has finished; a Start that finds it
	// false starts the creation over.
	Complete     bool      `json:"complete"`
	Created      time.Time `json:"created"`
	FabricVer    string    `json:"fabricVersion"`
	BinDir       string    `json:"binDir"`
	SampleConfig string    `json:"sampleConfig"`
	Channel      string    `json:"channel"`
	BatchTimeout string    `json:"batchTimeout"`
	Chaincode    ccState   `json:"chaincode"`
	Ports        ports     `json:"ports"`
}

type ccState struct {
	Name       string            `json:"name"`
	Label      string            `json:"label"`
	Version    string            `json:"version"`
	Sequence   string            `json:"sequence"`
	Command    []string          `json:"command"`
	InitArgs   []string          `json:"initArgs"`
	PackageIDs map[string]string `json:"packageIDs"` // by org key
}

// ports are the 127.0.0.1 ports a network listens on.
type ports struct {
	Orderer           int                  `json:"orderer"`
	OrdererAdmin      int                  `json:"ordererAdmin"`
	OrdererOperations int                  `json:"ordererOperations"`
	Peers             map[string]peerPorts `json:"peers"`     // by org key
	Chaincode         map[string]int       `json:"chaincode"` // by org key
}

type peerPorts struct {
	Peer       int `json:"peer"`
	Chaincode  int `json:"chaincode"` // the peer's own chaincode listener (unused with ccaas, but bound)
	Operations int `json:"operations"`
}

func endpoint(port int) string { return fmt.Sprintf("127.0.0.1:%d", port) }

// freePorts picks distinct free ports on 127.0.0.1 by listening on port 0.
// They are free when chosen; a process that takes one before the network
// binds it makes that process fail to start, with the port in its log.
func freePorts(n int) ([]int, error) {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	out := make([]int, 0, n)
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("choose a free port: %w", err)
		}
		ls = append(ls, l)
		out = append(out, l.Addr().(*net.TCPAddr).Port)
	}
	return out, nil
}

func newPorts() (ports, error) {
	orgs := peerOrgs()
	p, err := freePorts(3 + 4*len(orgs))
	if err != nil {
		return ports{}, err
	}
	ps := ports{Orderer: p[0], OrdererAdmin: p[1], OrdererOperations: p[2],
		Peers: map[string]peerPorts{}, Chaincode: map[string]int{}}
	p = p[3:]
	for _, o := range orgs {
		ps.Peers[o.Key] = peerPorts{Peer: p[0], Chaincode: p[1], Operations: p[2]}
		ps.Chaincode[o.Key] = p[3]
		p = p[4:]
	}
	return ps, nil
}

// errNoState says that Dir holds no network.json.
var errNoState = errors.New("no network.json")

func readState(l layout) (state, error) {
	b, err := os.ReadFile(l.stateFile())
	if errors.Is(err, os.ErrNotExist) {
		return state{}, errNoState
	}
	if err != nil {
		return state{}, fmt.Errorf("read %s: %w", l.stateFile(), err)
	}
	var s state
	if err := json.Unmarshal(b, &s); err != nil {
		return state{}, fmt.Errorf("parse %s: %w", l.stateFile(), err)
	}
	return s, nil
}

func writeState(l layout, s state) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("encode network state: %w", err)
	}
	tmp := l.stateFile() + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, l.stateFile()); err != nil {
		return fmt.Errorf("write %s: %w", l.stateFile(), err)
	}
	return nil
}
