package services

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/provenant/provenant/ledger"
	"github.com/provenant/provenant/ledger/fabricnet"
)

// The organizations of the native network, and the profile file each gets.
var networkOrgs = []string{"Operator", "Authority"}

// NetworkProfile returns the ledger connection profile of an organization's
// client identity (User1) on a native network.
func NetworkProfile(n *fabricnet.Network, org string) ledger.Config {
	o := n.Org(org)
	return ledger.Config{
		Endpoint:    o.PeerEndpoint,
		ServerName:  o.PeerHostOverride,
		TLSRootCert: o.TLSRootCert,
		MSPID:       o.MSPID,
		Cert:        o.UserCert,
		Key:         o.UserKey,
		Channel:     n.Channel(),
		Chaincode:   n.ChaincodeName(),
	}
}

// WriteNetworkProfiles writes <dir>/operator.json and <dir>/authority.json,
// the connection profiles of a native network's organizations, and returns
// their paths by organization.
func WriteNetworkProfiles(n *fabricnet.Network) (map[string]string, error) {
	paths := map[string]string{}
	for _, org := range networkOrgs {
		p := filepath.Join(n.Dir(), strings.ToLower(org)+".json")
		if err := ledger.WriteConfig(p, NetworkProfile(n, org)); err != nil {
			return nil, fmt.Errorf("ledger profile of %s: %w", org, err)
		}
		paths[org] = p
	}
	return paths, nil
}

// ChaincodeCommand is the chaincode server a native network runs: the
// given path, else provenant-chaincode beside the running executable.
func ChaincodeCommand(path string) ([]string, error) {
	if path == "" {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("chaincode server: %w", err)
		}
		path = filepath.Join(filepath.Dir(exe), "provenant-chaincode")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(abs); err != nil {
		return nil, fmt.Errorf("chaincode server %s: %w (build it with: make build)", abs, err)
	}
	return []string{abs}, nil
}
