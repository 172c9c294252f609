package fabricnet

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

// processLogSpec is the log level of the orderer and the peers: INFO, but
// gRPC's connection chatter only from WARN up.
const processLogSpec = "grpc=warn:info"

// logFormat is Fabric's default log format without colours, for log files.
const logFormat = "%{time:2006-01-02 15:04:05.000 MST} [%{module}] %{shortfunc} -> %{level:.4s} %{id:03x} %{message}"

// spec says how to run the process called name.
func (n *Network) spec(name string) (procSpec, error) {
	if name == ProcessOrderer {
		return n.ordererSpec(), nil
	}
	o, ok := orgOfProcess(name)
	if !ok {
		return procSpec{}, fmt.Errorf("no process %q", name)
	}
	if name == o.peerProcess() {
		return n.peerSpec(o), nil
	}
	return n.chaincodeSpec(o)
}

func (n *Network) ordererSpec() procSpec {
	node := n.l.ordererNodeDir()
	tls := filepath.Join(node, "tls")
	data := n.l.ordererData()
	p := n.st.Ports
	return procSpec{
		path: filepath.Join(n.cfg.BinDir, "orderer"),
		dir:  data,
		env: []string{
			"FABRIC_CFG_PATH=" + n.cfg.SampleConfig,
			"FABRIC_LOGGING_SPEC=" + processLogSpec,
			"FABRIC_LOGGING_FORMAT=" + logFormat,
			"ORDERER_GENERAL_LISTENADDRESS=127.0.0.1",
			"ORDERER_GENERAL_LISTENPORT=" + strconv.Itoa(p.Orderer),
			"ORDERER_GENERAL_LOCALMSPID=" + ordererMSPID,
			"ORDERER_GENERAL_LOCALMSPDIR=" + filepath.Join(node, "msp"),
			"ORDERER_GENERAL_TLS_ENABLED=true",
			"ORDERER_GENERAL_TLS_PRIVATEKEY=" + filepath.Join(tls, "server.key"),
			"ORDERER_GENERAL_TLS_CERTIFICATE=" + filepath.Join(tls, "server.crt"),
			"ORDERER_GENERAL_TLS_ROOTCAS=[" + filepath.Join(tls, "ca.crt") + "]",
			"ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE=" + filepath.Join(tls, "server.crt"),
			"ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY=" + filepath.Join(tls, "server.key"),
			"ORDERER_GENERAL_CLUSTER_ROOTCAS=[" + filepath.Join(tls, "ca.crt") + "]",
			"ORDERER_CHANNELPARTICIPATION_ENABLED=true",
			"ORDERER_ADMIN_LISTENADDRESS=" + endpoint(p.OrdererAdmin),
			"ORDERER_ADMIN_TLS_ENABLED=true",
			"ORDERER_ADMIN_TLS_PRIVATEKEY=" + filepath.Join(tls, "server.key"),
			"ORDERER_ADMIN_TLS_CERTIFICATE=" + filepath.Join(tls, "server.crt"),
			"ORDERER_ADMIN_TLS_ROOTCAS=[" + filepath.Join(tls, "ca.crt") + "]",
			"ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED=true",
			"ORDERER_ADMIN_TLS_CLIENTROOTCAS=[" + n.l.ordererTLSCA() + "]",
			"ORDERER_OPERATIONS_LISTENADDRESS=" + endpoint(p.OrdererOperations),
			"ORDERER_METRICS_PROVIDER=prometheus",
			"ORDERER_FILELEDGER_LOCATION=" + filepath.Join(data, "ledger"),
			"ORDERER_CONSENSUS_WALDIR=" + filepath.Join(data, "etcdraft", "wal"),
			"ORDERER_CONSENSUS_SNAPDIR=" + filepath.Join(data, "etcdraft", "snapshot"),
		},
	}
}

func (n *Network) peerSpec(o org) procSpec {
	node := n.l.peerNodeDir(o)
	tls := filepath.Join(node, "tls")
	data := n.l.peerData(o)
	p := n.st.Ports.Peers[o.Key]
	return procSpec{
		path: filepath.Join(n.cfg.BinDir, "peer"),
		args: []string{"node", "start"},
		dir:  data,
		env: []string{
			"FABRIC_CFG_PATH=" + n.cfg.SampleConfig,
			"FABRIC_LOGGING_SPEC=" + processLogSpec,
			"FABRIC_LOGGING_FORMAT=" + logFormat,
			"CORE_PEER_ID=" + o.peerHost(),
			"CORE_PEER_NETWORKID=provenant",
			"CORE_PEER_LISTENADDRESS=" + endpoint(p.Peer),
			"CORE_PEER_ADDRESS=" + endpoint(p.Peer),
			"CORE_PEER_CHAINCODELISTENADDRESS=" + endpoint(p.Chaincode),
			"CORE_PEER_CHAINCODEADDRESS=" + endpoint(p.Chaincode),
			"CORE_PEER_GOSSIP_BOOTSTRAP=" + endpoint(p.Peer),
			"CORE_PEER_GOSSIP_EXTERNALENDPOINT=" + endpoint(p.Peer),
			// Gossip tuned for a local network, so that each peer learns the
			// other organization's peer, and the chaincodes it has, within a
			// second or two (defaults: 25 s to retry an anchor peer, 4 s
			// between state publications).
			"CORE_PEER_GOSSIP_RECONNECTINTERVAL=1s",
			"CORE_PEER_GOSSIP_ALIVETIMEINTERVAL=1s",
			"CORE_PEER_GOSSIP_ALIVEEXPIRATIONTIMEOUT=5s",
			"CORE_PEER_GOSSIP_PUBLISHSTATEINFOINTERVAL=1s",
			"CORE_PEER_GOSSIP_REQUESTSTATEINFOINTERVAL=1s",
			"CORE_PEER_LOCALMSPID=" + o.MSPID,
			"CORE_PEER_MSPCONFIGPATH=" + filepath.Join(node, "msp"),
			"CORE_PEER_TLS_ENABLED=true",
			"CORE_PEER_TLS_CERT_FILE=" + filepath.Join(tls, "server.crt"),
			"CORE_PEER_TLS_KEY_FILE=" + filepath.Join(tls, "server.key"),
			"CORE_PEER_TLS_ROOTCERT_FILE=" + filepath.Join(tls, "ca.crt"),
			"CORE_PEER_FILESYSTEMPATH=" + data,
			"CORE_PEER_GATEWAY_ENABLED=true",
			"CORE_PEER_DELIVERYCLIENT_RECONNECTBACKOFFTHRESHOLD=2s",
			"CORE_LEDGER_SNAPSHOTS_ROOTDIR=" + filepath.Join(data, "snapshots"),
			"CORE_OPERATIONS_LISTENADDRESS=" + endpoint(p.Operations),
			"CORE_METRICS_PROVIDER=prometheus",
			"CORE_VM_ENDPOINT=",
			"CORE_CHAINCODE_EXTERNALBUILDERS=[{name: ccaas_builder, path: " + n.l.builderDir() + "}]",
		},
	}
}

// chaincodeSpec runs Config.Chaincode.Command for one organization. The
// environment names the package ID, the address and the TLS files in two
// vocabularies: CHAINCODE_* and the one contractapi's Start reads.
func (n *Network) chaincodeSpec(o org) (procSpec, error) {
	cmd := n.st.Chaincode.Command
	if len(cmd) == 0 {
		return procSpec{}, fmt.Errorf("start %s: no chaincode command", o.chaincodeProcess())
	}
	id := n.st.Chaincode.PackageIDs[o.Key]
	addr := endpoint(n.st.Ports.Chaincode[o.Key])
	return procSpec{
		path: cmd[0],
		args: cmd[1:],
		dir:  n.l.chaincodeDir(o),
		env: []string{
			"CHAINCODE_ID=" + id,
			"CHAINCODE_SERVER_ADDRESS=" + addr,
			"CHAINCODE_TLS_CERT=" + n.l.ccServerCert(o),
			"CHAINCODE_TLS_KEY=" + n.l.ccServerKey(o),
			"CHAINCODE_TLS_CLIENT_CA_CERT=" + n.l.ccClientCA(o),
			"CHAINCODE_MSPID=" + o.MSPID,
			// What fabric-contract-api-go's ContractChaincode.Start reads.
			"CORE_CHAINCODE_ID_NAME=" + id,
			"CORE_PEER_TLS_ENABLED=true",
			"CORE_TLS_CLIENT_CERT_FILE=" + n.l.ccServerCert(o),
			"CORE_TLS_CLIENT_KEY_FILE=" + n.l.ccServerKey(o),
			"CORE_PEER_TLS_ROOTCERT_FILE=" + n.l.ccClientCA(o),
		},
	}, nil
}

// ready waits until the process called name serves: the orderer leads the
// channel; a peer serves TLS, has caught up with the orderer and can plan
// endorsements through discovery; a chaincode server serves TLS to the
// peer's client certificate.
func (n *Network) ready(ctx context.Context, name string) error {
	switch name {
	case ProcessOrderer:
		return n.ordererLeads(ctx)
	}
	o, ok := orgOfProcess(name)
	if !ok {
		return fmt.Errorf("no process %q", name)
	}
	if name == o.chaincodeProcess() {
		return n.chaincodeServing(ctx, o)
	}
	if err := n.peerServing(ctx, o); err != nil {
		return err
	}
	if err := n.peerCaughtUp(ctx, o); err != nil {
		return err
	}
	return n.discoverable(ctx, o)
}

func (n *Network) ordererServing(ctx context.Context) error {
	return n.waitFor(ctx, ProcessOrderer, "serving TLS", func(ctx context.Context) error {
		return tlsProbe(ctx, endpoint(n.st.Ports.Orderer), ordererHost, n.l.ordererTLSCA(), "", "")
	})
}

func (n *Network) ordererLeads(ctx context.Context) error {
	return n.waitFor(ctx, ProcessOrderer, "leader of channel "+ChannelName, func(ctx context.Context) error {
		v, err := metric(ctx, endpoint(n.st.Ports.OrdererOperations), "consensus_etcdraft_is_leader", `channel="`+ChannelName+`"`)
		if err != nil {
			return err
		}
		if v != 1 {
			return fmt.Errorf("consensus_etcdraft_is_leader is %v", v)
		}
		return nil
	})
}

func (n *Network) peerServing(ctx context.Context, o org) error {
	return n.waitFor(ctx, o.peerProcess(), "serving TLS", func(ctx context.Context) error {
		return tlsProbe(ctx, endpoint(n.st.Ports.Peers[o.Key].Peer), o.peerHost(), n.l.tlsCACert(o), "", "")
	})
}

// peerCaughtUp waits until the peer's ledger is as high as the orderer's.
func (n *Network) peerCaughtUp(ctx context.Context, o org) error {
	label := `channel="` + ChannelName + `"`
	return n.waitFor(ctx, o.peerProcess(), "caught up with the orderer", func(ctx context.Context) error {
		want, err := metric(ctx, endpoint(n.st.Ports.OrdererOperations), "ledger_blockchain_height", label)
		if err != nil {
			return fmt.Errorf("orderer: %w", err)
		}
		got, err := metric(ctx, endpoint(n.st.Ports.Peers[o.Key].Operations), "ledger_blockchain_height", label)
		if err != nil {
			return err
		}
		if got < want {
			return fmt.Errorf("height %v, orderer's %v", got, want)
		}
		return nil
	})
}

func (n *Network) chaincodeServing(ctx context.Context, o org) error {
	return n.waitFor(ctx, o.chaincodeProcess(), "serving TLS", func(ctx context.Context) error {
		return tlsProbe(ctx, endpoint(n.st.Ports.Chaincode[o.Key]), "127.0.0.1", n.l.tlsCACert(o), n.l.ccPeerCert(o), n.l.ccPeerKey(o))
	})
}

// chaincodeAnswers waits until a query of Ping through o's peer succeeds,
// which proves the peer reaches its chaincode server.
func (n *Network) chaincodeAnswers(ctx context.Context, o org) error {
	return n.waitFor(ctx, o.chaincodeProcess(), "answering "+pingFunction+" through "+o.peerProcess(), func(ctx context.Context) error {
		_, err := n.PeerCLI(ctx, o.Name, "chaincode", "query", "-C", n.st.Channel, "-n", n.st.Chaincode.Name,
			"-c", `{"function":"`+pingFunction+`","Args":[]}`)
		return err
	})
}

// tail returns the last lines of s.
func tail(s string, lines int) string {
	parts := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(parts) > lines {
		parts = parts[len(parts)-lines:]
	}
	return strings.Join(parts, "\n")
}
