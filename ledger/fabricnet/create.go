package fabricnet

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// EndorsementPolicy is the chaincode's endorsement policy: both
// organizations' peers endorse every transaction.
const EndorsementPolicy = "AND('OperatorMSP.peer','AuthorityMSP.peer')"

// create makes a network from nothing in Dir: ports, crypto material,
// genesis block, processes, channel joins, and the chaincode deployed as a
// service, committed and initialised.
func (n *Network) create(ctx context.Context, command []string) error {
	ps, err := newPorts()
	if err != nil {
		return err
	}
	n.st = state{
		Created:      time.Now().UTC(),
		FabricVer:    FabricVersion,
		BinDir:       n.cfg.BinDir,
		SampleConfig: n.cfg.SampleConfig,
		Channel:      ChannelName,
		BatchTimeout: n.cfg.BatchTimeout.String(),
		Chaincode: ccState{
			Name:       n.cfg.Chaincode.Name,
			Label:      n.cfg.Chaincode.Label,
			Version:    chaincodeVersion,
			Sequence:   chaincodeSequence,
			Command:    command,
			InitArgs:   n.cfg.Chaincode.InitArgs,
			PackageIDs: map[string]string{},
		},
		Ports: ps,
	}
	if err := writeState(n.l, n.st); err != nil {
		return err
	}
	orgs := peerOrgs()
	perOrg := func(fn func(o org) error) error {
		fns := make([]func() error, len(orgs))
		for i, o := range orgs {
			fns[i] = func() error { return fn(o) }
		}
		return parallel(fns...)
	}

	if err := n.step("generate crypto material (cryptogen)", n.generateCrypto(ctx)); err != nil {
		return err
	}
	if err := n.step("write the channel's genesis block (configtxgen)", n.generateGenesis(ctx)); err != nil {
		return err
	}
	if err := n.step("package the chaincode and issue its TLS certificates", func() error {
		if err := writeBuilder(n.l.builderDir()); err != nil {
			return err
		}
		for _, o := range orgs {
			if err := n.prepareChaincode(o); err != nil {
				return err
			}
		}
		return writeState(n.l, n.st)
	}); err != nil {
		return err
	}

	if err := n.step("start the orderer, the peers and the chaincode servers", func() error {
		for _, dir := range []string{n.l.ordererData(), n.l.peerData(orgs[0]), n.l.peerData(orgs[1])} {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
		}
		for _, name := range processNames() {
			spec, err := n.spec(name)
			if err != nil {
				return err
			}
			if _, err := n.spawn(name, spec); err != nil {
				return err
			}
		}
		return nil
	}, func() error {
		return parallel(
			func() error { return n.ordererServing(ctx) },
			func() error { return perOrg(func(o org) error { return n.peerServing(ctx, o) }) },
			func() error { return perOrg(func(o org) error { return n.chaincodeServing(ctx, o) }) },
		)
	}); err != nil {
		return err
	}

	if err := n.step("join the orderer to channel "+ChannelName+" (osnadmin)", func() error {
		tls := n.l.ordererAdminTLS()
		_, err := n.runTool(ctx, "osnadmin", nil, "channel", "join", "--channelID", ChannelName,
			"--config-block", n.l.genesisBlock(), "-o", endpoint(n.st.Ports.OrdererAdmin),
			"--ca-file", n.l.ordererTLSCA(),
			"--client-cert", filepath.Join(tls, "client.crt"), "--client-key", filepath.Join(tls, "client.key"))
		return err
	}, func() error { return n.ordererLeads(ctx) }); err != nil {
		return err
	}

	if err := n.step("join the peers to the channel and install the chaincode packages", func() error {
		return perOrg(func(o org) error {
			if _, err := n.PeerCLI(ctx, o.Name, "channel", "join", "-b", n.l.genesisBlock()); err != nil {
				return fmt.Errorf("%s: join: %w", o.peerProcess(), err)
			}
			if _, err := n.PeerCLI(ctx, o.Name, "lifecycle", "chaincode", "install", n.l.chaincodePackage(o)); err != nil {
				return fmt.Errorf("%s: install: %w", o.peerProcess(), err)
			}
			return n.peerCaughtUp(ctx, o)
		})
	}); err != nil {
		return err
	}

	cc := n.st.Chaincode
	definition := []string{"--channelID", n.st.Channel, "--name", cc.Name, "--version", cc.Version,
		"--sequence", cc.Sequence, "--init-required", "--signature-policy", EndorsementPolicy, "--waitForEvent"}
	if err := n.step("approve the chaincode definition for each organization", func() error {
		return perOrg(func(o org) error {
			args := append([]string{"lifecycle", "chaincode", "approveformyorg", "--package-id", cc.PackageIDs[o.Key]}, definition...)
			if _, err := n.PeerCLI(ctx, o.Name, append(args, n.OrdererArgs()...)...); err != nil {
				return fmt.Errorf("%s: %w", o.MSPID, err)
			}
			return nil
		})
	}, func() error {
		// Both peers simulate the commit: each must hold both approvals.
		return perOrg(func(o org) error { return n.peerCaughtUp(ctx, o) })
	}); err != nil {
		return err
	}

	if err := n.step("commit the chaincode definition", func() error {
		args := append([]string{"lifecycle", "chaincode", "commit"}, definition...)
		args = append(append(args, n.OrdererArgs()...), n.EndorserArgs()...)
		_, err := n.PeerCLI(ctx, orgs[0].Name, args...)
		return err
	}); err != nil {
		return err
	}

	if err := n.step("initialise the chaincode (Init "+strings.Join(cc.InitArgs, ", ")+")", func() error {
		call, err := json.Marshal(map[string]any{"function": "Init", "Args": cc.InitArgs})
		if err != nil {
			return err
		}
		args := []string{"chaincode", "invoke", "-C", n.st.Channel, "-n", cc.Name, "--isInit", "-c", string(call), "--waitForEvent"}
		args = append(append(args, n.OrdererArgs()...), n.EndorserArgs()...)
		_, err = n.PeerCLI(ctx, orgs[0].Name, args...)
		return err
	}); err != nil {
		return err
	}

	if err := n.step("wait until each peer can plan endorsements (discovery)", func() error {
		return perOrg(func(o org) error { return n.discoverable(ctx, o) })
	}); err != nil {
		return err
	}

	n.st.Complete = true
	return writeState(n.l, n.st)
}

func (n *Network) generateCrypto(ctx context.Context) func() error {
	return func() error {
		data := map[string]any{"OrdererDomain": ordererDomain, "Orgs": peerOrgs()}
		if err := writeTemplate(n.l.cryptoConfig(), cryptoConfigTemplate, data); err != nil {
			return err
		}
		_, err := n.runTool(ctx, "cryptogen", nil, "generate", "--config="+n.l.cryptoConfig(), "--output="+n.l.crypto())
		return err
	}
}

func (n *Network) generateGenesis(ctx context.Context) func() error {
	return func() error {
		type orgData struct {
			Name, MSPID, MSPDir string
			PeerPort            int
		}
		var orgs []orgData
		for _, o := range peerOrgs() {
			orgs = append(orgs, orgData{Name: o.Name, MSPID: o.MSPID, MSPDir: filepath.Join(n.l.orgDir(o), "msp"),
				PeerPort: n.st.Ports.Peers[o.Key].Peer})
		}
		data := map[string]any{
			"OrdererMSPDir":   filepath.Join(n.l.ordererOrgDir(), "msp"),
			"OrdererEndpoint": endpoint(n.st.Ports.Orderer),
			"OrdererPort":     n.st.Ports.Orderer,
			"OrdererTLSCert":  filepath.Join(n.l.ordererNodeDir(), "tls", "server.crt"),
			"BatchTimeout":    n.cfg.BatchTimeout.String(),
			"Orgs":            orgs,
		}
		if err := writeTemplate(filepath.Join(n.l.configtxDir(), "configtx.yaml"), configtxTemplate, data); err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(n.l.genesisBlock()), 0o755); err != nil {
			return err
		}
		_, err := n.runTool(ctx, "configtxgen", []string{"FABRIC_CFG_PATH=" + n.l.configtxDir()},
			"-configPath", n.l.configtxDir(), "-profile", configtxProfile, "-channelID", ChannelName,
			"-outputBlock", n.l.genesisBlock())
		return err
	}
}

// prepareChaincode issues o's chaincode server certificate and the client
// certificate its peer presents to it, both signed by o's TLS CA, and writes
// o's ccaas package, whose connection.json carries them.
func (n *Network) prepareChaincode(o org) error {
	tlsCA, err := loadCA(n.l.tlsCACert(o), n.l.tlsCAKey(o))
	if err != nil {
		return fmt.Errorf("%s: %w", o.MSPID, err)
	}
	if err := tlsCA.issue(o.chaincodeHost(), []string{o.chaincodeHost(), "localhost"}, true,
		n.l.ccServerCert(o), n.l.ccServerKey(o)); err != nil {
		return err
	}
	if err := tlsCA.issue(o.peerHost(), nil, false, n.l.ccPeerCert(o), n.l.ccPeerKey(o)); err != nil {
		return err
	}
	if err := os.WriteFile(n.l.ccClientCA(o), tlsCA.certPEM, 0o644); err != nil {
		return fmt.Errorf("%s: %w", o.MSPID, err)
	}
	clientCert, err := os.ReadFile(n.l.ccPeerCert(o))
	if err != nil {
		return err
	}
	clientKey, err := os.ReadFile(n.l.ccPeerKey(o))
	if err != nil {
		return err
	}
	id, err := packageCCaaS(n.l.chaincodePackage(o), n.st.Chaincode.Label, connection{
		Address:            endpoint(n.st.Ports.Chaincode[o.Key]),
		DialTimeout:        "10s",
		TLSRequired:        true,
		ClientAuthRequired: true,
		ClientKey:          string(clientKey),
		ClientCert:         string(clientCert),
		RootCert:           string(tlsCA.certPEM),
	})
	if err != nil {
		return fmt.Errorf("%s: %w", o.MSPID, err)
	}
	n.st.Chaincode.PackageIDs[o.Key] = id
	n.log.Info("fabricnet: chaincode packaged", "org", o.MSPID, "package_id", id)
	return nil
}
