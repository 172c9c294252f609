package fabricnet

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"text/template"
)

// cryptoConfigTemplate is cryptogen's input: one orderer organization and two
// peer organizations, one node and one user each. Node OUs are on, so that
// policies can name the peer, client and admin roles. TLS certificates also
// name localhost and 127.0.0.1, the addresses every node is dialled at.
const cryptoConfigTemplate = `# Written by ledger/fabricnet; input of cryptogen.
OrdererOrgs:
  - Name: Orderer
    Domain: {{.OrdererDomain}}
    EnableNodeOUs: true
    Specs:
      - Hostname: orderer0
        SANS: [localhost, 127.0.0.1]
PeerOrgs:
{{- range .Orgs}}
  - Name: {{.Name}}
    Domain: {{.Domain}}
    EnableNodeOUs: true
    Template:
      Count: 1
      SANS: [localhost, 127.0.0.1]
    Users:
      Count: 1
{{- end}}
`

// configtxTemplate is configtxgen's input: the channel's genesis block, with
// an etcdraft orderer of one node and the two application organizations.
// Every path is absolute, since configtxgen resolves relative ones against
// FABRIC_CFG_PATH and expands no environment variables.
const configtxTemplate = `# Written by ledger/fabricnet; input of configtxgen.
Organizations:
  - &Orderer
    Name: OrdererMSP
    ID: OrdererMSP
    MSPDir: {{.OrdererMSPDir}}
    Policies:
      Readers:
        Type: Signature
        Rule: "OR('OrdererMSP.member')"
      Writers:
        Type: Signature
        Rule: "OR('OrdererMSP.member')"
      Admins:
        Type: Signature
        Rule: "OR('OrdererMSP.admin')"
    OrdererEndpoints:
      - {{.OrdererEndpoint}}
{{- range .Orgs}}
  - &{{.Name}}
    Name: {{.MSPID}}
    ID: {{.MSPID}}
    MSPDir: {{.MSPDir}}
    Policies:
      Readers:
        Type: Signature
        Rule: "OR('{{.MSPID}}.admin', '{{.MSPID}}.peer', '{{.MSPID}}.client')"
      Writers:
        Type: Signature
        Rule: "OR('{{.MSPID}}.admin', '{{.MSPID}}.client')"
      Admins:
        Type: Signature
        Rule: "OR('{{.MSPID}}.admin')"
      Endorsement:
        Type: Signature
        Rule: "OR('{{.MSPID}}.peer')"
    AnchorPeers:
      - Host: 127.0.0.1
        Port: {{.PeerPort}}
{{- end}}

Capabilities:
  Channel: &ChannelCapabilities
    V3_0: true
  Orderer: &OrdererCapabilities
    V2_0: true
  Application: &ApplicationCapabilities
    V2_5: true

Application: &ApplicationDefaults
  Organizations:
  Policies:
    Readers:
      Type: ImplicitMeta
      Rule: "ANY Readers"
    Writers:
      Type: ImplicitMeta
      Rule: "ANY Writers"
    Admins:
      Type: ImplicitMeta
      Rule: "MAJORITY Admins"
    LifecycleEndorsement:
      Type: ImplicitMeta
      Rule: "MAJORITY Endorsement"
    Endorsement:
      Type: ImplicitMeta
      Rule: "MAJORITY Endorsement"
  Capabilities:
    <<: *ApplicationCapabilities

Orderer: &OrdererDefaults
  OrdererType: etcdraft
  BatchTimeout: {{.BatchTimeout}}
  BatchSize:
    MaxMessageCount: 100
    AbsoluteMaxBytes: 10 MB
    PreferredMaxBytes: 2 MB
  EtcdRaft:
    Consenters:
      - Host: 127.0.0.1
        Port: {{.OrdererPort}}
        ClientTLSCert: {{.OrdererTLSCert}}
        ServerTLSCert: {{.OrdererTLSCert}}
    Options:
      TickInterval: 100ms
      ElectionTick: 10
      HeartbeatTick: 1
      MaxInflightBlocks: 5
      SnapshotIntervalSize: 16 MB
  Organizations:
  Policies:
    Readers:
      Type: ImplicitMeta
      Rule: "ANY Readers"
    Writers:
      Type: ImplicitMeta
      Rule: "ANY Writers"
    Admins:
      Type: ImplicitMeta
      Rule: "MAJORITY Admins"
    BlockValidation:
      Type: ImplicitMeta
      Rule: "ANY Writers"

Channel: &ChannelDefaults
  Policies:
    Readers:
      Type: ImplicitMeta
      Rule: "ANY Readers"
    Writers:
      Type: ImplicitMeta
      Rule: "ANY Writers"
    Admins:
      Type: ImplicitMeta
      Rule: "MAJORITY Admins"
  Capabilities:
    <<: *ChannelCapabilities

Profiles:
  Provenance:
    <<: *ChannelDefaults
    Orderer:
      <<: *OrdererDefaults
      Organizations:
        - *Orderer
      Capabilities: *OrdererCapabilities
    Application:
      <<: *ApplicationDefaults
      Organizations:
{{- range .Orgs}}
        - *{{.Name}}
{{- end}}
      Capabilities: *ApplicationCapabilities
`

// configtxProfile is the profile of configtxTemplate that makes the channel.
const configtxProfile = "Provenance"

// The ccaas external builder: three executables the peer runs when a
// chaincode package is installed. A package of type "ccaas" holds only a
// connection.json (address and TLS of the chaincode server); build and
// release hand it to the peer, which then dials the server.
const (
	builderDetect = `#!/bin/sh
# detect CHAINCODE_SOURCE_DIR CHAINCODE_METADATA_DIR: claim packages of type ccaas.
grep -Eq '"type"[[:space:]]*:[[:space:]]*"ccaas"' "$2/metadata.json"
`
	builderBuild = `#!/bin/sh
# build CHAINCODE_SOURCE_DIR CHAINCODE_METADATA_DIR BUILD_OUTPUT_DIR
set -e
if [ ! -f "$1/connection.json" ]; then
	echo "ccaas build: $1/connection.json not found" >&2
	exit 1
fi
cp "$1/connection.json" "$3/"
if [ -d "$1/META-INF" ]; then
	cp -R "$1/META-INF" "$3/"
fi
`
	builderRelease = `#!/bin/sh
# release BUILD_OUTPUT_DIR RELEASE_OUTPUT_DIR
set -e
mkdir -p "$2/chaincode/server"
cp "$1/connection.json" "$2/chaincode/server/"
if [ -d "$1/META-INF/statedb" ]; then
	mkdir -p "$2/statedb"
	cp -R "$1/META-INF/statedb/." "$2/statedb/"
fi
`
)

func writeTemplate(path, text string, data any) error {
	t, err := template.New(filepath.Base(path)).Option("missingkey=error").Parse(text)
	if err != nil {
		return fmt.Errorf("parse template of %s: %w", path, err)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return fmt.Errorf("render %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// writeBuilder writes the ccaas external builder under dir/bin.
func writeBuilder(dir string) error {
	bin := filepath.Join(dir, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		return fmt.Errorf("write external builder: %w", err)
	}
	for name, script := range map[string]string{"detect": builderDetect, "build": builderBuild, "release": builderRelease} {
		if err := os.WriteFile(filepath.Join(bin, name), []byte(script), 0o755); err != nil {
			return fmt.Errorf("write external builder: %w", err)
		}
	}
	return nil
}
