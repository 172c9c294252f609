// Package fabricnet creates, starts, restarts and stops a real Hyperledger
// Fabric v3.1.1 network made of native processes (no containers), for tests,
// development and the `provenant` command line.
//
// # The network
//
// Three organizations (docs/ledger.md): OrdererMSP runs one etcdraft orderer
// (orderer0.orderer.provenant.example), OperatorMSP and AuthorityMSP run one
// peer each (peer0.operator.provenant.example, peer0.authority.provenant.example)
// and have one client identity each (User1) besides their Admin. TLS is on
// everywhere. The one channel is `provenance` (capabilities: channel V3_0,
// application V2_5). The chaincode (Config.Chaincode, default name
// `provenant`) runs as a service: one server process per organization, so
// that each organization's peer talks to its own copy, which verifies
// independently. Each organization installs its own package (its own
// connection.json, hence its own package ID). The definition requires Init
// and the endorsement policy EndorsementPolicy,
// AND('OperatorMSP.peer','AuthorityMSP.peer'); once it is committed Start
// runs Init(Config.Chaincode.InitArgs) with both peers endorsing.
//
// Processes, by name:
//
//	orderer         .fabric/bin/orderer
//	peer-operator   .fabric/bin/peer node start
//	peer-authority  .fabric/bin/peer node start
//	cc-operator     Config.Chaincode.Command
//	cc-authority    Config.Chaincode.Command
//
// # The binaries
//
// `make fabric` (scripts/build-fabric.sh) builds peer, orderer, configtxgen,
// cryptogen and osnadmin of Fabric v3.1.1 into .fabric/bin from the tools
// module deploy/fabric; Fabric's sampleconfig folder (core.yaml,
// orderer.yaml; every process gets it as FABRIC_CFG_PATH and the rest through
// CORE_* and ORDERER_* variables) is read from the module cache. Start fails
// with ErrNoBinaries when either is missing.
//
// # Ports
//
// Every process listens on 127.0.0.1 only, on ports chosen free when the
// network is created and kept in network.json for its whole life: the
// orderer (gRPC, channel participation API for osnadmin, operations), each
// peer (gRPC, chaincode listener, operations), each chaincode server. Org and
// Orderer return the endpoints clients use; the operations endpoints serve
// Prometheus metrics at /metrics and /healthz. TLS certificates name
// 127.0.0.1 and localhost as well as their host names, so clients may dial
// 127.0.0.1 with or without a host name override. Should another program
// take one of these ports while the network is stopped, the process that
// needs it fails to start, and its log says "address already in use".
//
// # Layout of Dir
//
//	network.json          ports, package IDs, chaincode command, binaries: what a restart needs
//	crypto-config.yaml    cryptogen's input
//	crypto/               cryptogen's output: ordererOrganizations/, peerOrganizations/<domain>/
//	                      {ca,tlsca,msp,peers,users}; every private key is keystore/priv_sk,
//	                      the TLS CA's key tlsca/priv_sk
//	configtx/configtx.yaml
//	channel/provenance.block   the channel's genesis block
//	builder/bin/          the ccaas external builder: detect, build, release (shell scripts)
//	chaincode/<org>/      package.tar.gz and tls/: the server's certificate and key, the CA of
//	                      its clients, the client certificate and key its peer presents
//	orderer/              the orderer's ledger and Raft log
//	peers/<org>/          the peer's file system path (ledger, snapshots)
//	logs/<name>.log       each process's standard output and error, appended across restarts
//	run/<name>.pid        each running process's PID
//
// Where <org> is operator or authority. To follow a process, `tail -f
// Dir/logs/peer-operator.log`; each start appends a line beginning with
// "===== fabricnet:". The orderer and the peers log at INFO (gRPC at WARN).
// Errors of Start and StartProcess about a process are *ProcessError values,
// which carry the tail of its log.
//
// # Starting and restarting
//
// Start on a folder that holds no network creates one: about 3–5 s on two
// cores. Start on a folder that holds a stopped network restarts its
// processes on the kept state and ledgers (about 3 s). A creation that did
// not finish is started over. Start refuses a folder whose processes are
// running (ErrRunning): stop them, or use Open to talk to them. Start
// returns once the orderer leads the channel, both peers have caught up with
// it and can plan endorsements through discovery (so a Fabric Gateway client
// can submit at once), and each chaincode server answers Ping through its
// peer. Readiness is polled (TLS handshakes, Prometheus gauges, the discovery
// service, the peer CLI), never slept for.
//
// By default each process is killed when the process that started it dies
// (Pdeathsig: strictly, when the OS thread that started it exits, so do not
// call Start from a goroutine locked to its thread with
// runtime.LockOSThread), so a test that crashes leaks nothing. With
// Config.Detach the processes run in sessions of their own and outlive it;
// StopDir (or Open and Stop) stops them from another process. Stop signals
// each process SIGTERM, then SIGKILL after 10 s, and removes its PID file; a
// PID from a PID file is signalled only if that process's environment still
// holds FABRICNET_PROCESS=<Dir>#<name>.
//
// # The chaincode server
//
// Config.Chaincode.Command runs once per organization, in Dir/chaincode/<org>,
// with the caller's environment (less CORE_*, ORDERER_*, FABRIC_* and
// CHAINCODE_* variables) plus:
//
//	CHAINCODE_ID                  the organization's package ID, label:sha256
//	CHAINCODE_SERVER_ADDRESS      127.0.0.1:port to listen on
//	CHAINCODE_TLS_CERT            PEM file: the server's certificate, signed by the org's TLS CA
//	CHAINCODE_TLS_KEY             PEM file: its private key (PKCS #8)
//	CHAINCODE_TLS_CLIENT_CA_CERT  PEM file: the org's TLS CA, which the peer's client certificate chains to
//	CHAINCODE_MSPID               the organization's MSP ID
//
// and, for a server that calls fabric-contract-api-go's
// (*ContractChaincode).Start, the same under the names it reads:
// CORE_CHAINCODE_ID_NAME, CORE_PEER_TLS_ENABLED=true,
// CORE_TLS_CLIENT_CERT_FILE (the server's certificate),
// CORE_TLS_CLIENT_KEY_FILE (its key) and CORE_PEER_TLS_ROOTCERT_FILE (the
// client CA). The server must require client certificates (the peer
// presents one) and should exec rather than fork: Stop signals the PID it
// started. The chaincode must answer Ping without arguments; readiness
// checks query it.
//
// # Talking to the network
//
// Org(Operator) and Org(Authority) give a client its peer's endpoint, TLS
// server name and CA, and the PEM files of User1 and Admin. PeerCLI runs
// `peer` as an organization's Admin; OrdererArgs and EndorserArgs give the
// flags of commands that submit:
//
//	out, err := n.PeerCLI(ctx, fabricnet.Authority, "chaincode", "query",
//		"-C", n.Channel(), "-n", n.ChaincodeName(), "-c", `{"function":"Ping","Args":[]}`)
package fabricnet
