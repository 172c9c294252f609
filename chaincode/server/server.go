// Package server serves the provenant chaincode as a service
// (Fabric's chaincode-as-a-service): a gRPC server that the peers connect
// to, at the address in the chaincode package's connection.json, to run
// the contract of package chaincode.
//
// It is configured by the environment:
//
//	CHAINCODE_ID                  the chaincode's package ID, as the peer
//	                              computed it at install (required)
//	CHAINCODE_SERVER_ADDRESS      host:port to listen on (required)
//	CHAINCODE_TLS_CERT            the server's TLS certificate, PEM file
//	CHAINCODE_TLS_KEY             its private key, PEM file; TLS is on
//	                              when both are set
//	CHAINCODE_TLS_CLIENT_CA_CERT  CA certificates, PEM file: when set,
//	                              peers must present a client certificate
//	                              they sign (needs TLS)
//
// It logs to standard error (log/slog, JSON) and stops on SIGTERM or
// SIGINT.
package server

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"

	gnarklogger "github.com/consensys/gnark/logger"
	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/provenant/provenant/chaincode"
)

// The environment variables.
const (
	envID          = "CHAINCODE_ID"
	envAddress     = "CHAINCODE_SERVER_ADDRESS"
	envTLSCert     = "CHAINCODE_TLS_CERT"
	envTLSKey      = "CHAINCODE_TLS_KEY"
	envTLSClientCA = "CHAINCODE_TLS_CLIENT_CA_CERT"
)

const usage = `Usage: provenant-chaincode

Serves the provenant chaincode as a service (Fabric chaincode-as-a-service):
the peers connect to it to run the contract of docs/ledger.md.

Environment:
  CHAINCODE_ID                  the chaincode's package ID (required)
  CHAINCODE_SERVER_ADDRESS      host:port to listen on (required)
  CHAINCODE_TLS_CERT            TLS certificate, PEM file
  CHAINCODE_TLS_KEY             TLS private key, PEM file; TLS is on when
                                both are set
  CHAINCODE_TLS_CLIENT_CA_CERT  CA certificates, PEM file: when set, peers
                                must present a client certificate they sign

It logs to standard error and stops on SIGTERM or SIGINT.
`

// Run serves until ctx is done or the server fails, and returns the exit
// status: 0 after a stop, 1 on bad configuration or a failed server, 2 on
// bad usage.
func Run(ctx context.Context, args []string, lookupEnv func(string) (string, bool), stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("provenant-chaincode", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() { fmt.Fprint(flags.Output(), usage) }
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usage)
			return 0
		}
		return 2
	}
	if flags.NArg() > 0 {
		fmt.Fprintf(stderr, "provenant-chaincode: unexpected argument %q: the configuration is in the environment\n\n%s", flags.Arg(0), usage)
		return 2
	}
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	cfg, err := loadConfig(lookupEnv)
	if err != nil {
		log.Error("bad configuration", "error", err)
		return 1
	}
	// gnark logs each verification to standard output.
	gnarklogger.Disable()
	cc, err := contractapi.NewChaincode(chaincode.New())
	if err != nil {
		log.Error("build chaincode", "error", err)
		return 1
	}
	server := &shim.ChaincodeServer{CCID: cfg.id, Address: cfg.address, CC: cc, TLSProps: cfg.tls}
	log.Info("serving chaincode", "chaincode_id", cfg.id, "address", cfg.address,
		"tls", !cfg.tls.Disabled, "client_auth", cfg.tls.ClientCACerts != nil)
	done := make(chan error, 1)
	go func() { done <- server.Start() }()
	select {
	case err := <-done:
		log.Error("chaincode server stopped", "error", err)
		return 1
	case <-ctx.Done():
		// The server has no graceful stop; the peers see their streams
		// close, and a transaction in flight fails to endorse.
		log.Info("stopping", "cause", context.Cause(ctx))
		return 0
	}
}

// config is the server's configuration.
type config struct {
	id      string
	address string
	tls     shim.TLSProperties
}

// loadConfig reads and checks the configuration from the environment.
func loadConfig(lookupEnv func(string) (string, bool)) (config, error) {
	get := func(name string) string {
		v, _ := lookupEnv(name)
		return v
	}
	cfg := config{id: get(envID), address: get(envAddress), tls: shim.TLSProperties{Disabled: true}}
	if cfg.id == "" {
		return config{}, fmt.Errorf("%s is not set: want the chaincode's package ID (label:hash)", envID)
	}
	if cfg.address == "" {
		return config{}, fmt.Errorf("%s is not set: want host:port to listen on", envAddress)
	}
	if err := checkAddress(cfg.address); err != nil {
		return config{}, fmt.Errorf("%s: %w", envAddress, err)
	}
	certFile, keyFile, caFile := get(envTLSCert), get(envTLSKey), get(envTLSClientCA)
	switch {
	case certFile == "" && keyFile == "":
		if caFile != "" {
			return config{}, fmt.Errorf("%s is set but TLS is off: set %s and %s too", envTLSClientCA, envTLSCert, envTLSKey)
		}
		return cfg, nil
	case certFile == "":
		return config{}, fmt.Errorf("%s is set but %s is not: set both for TLS", envTLSKey, envTLSCert)
	case keyFile == "":
		return config{}, fmt.Errorf("%s is set but %s is not: set both for TLS", envTLSCert, envTLSKey)
	}
	cert, err := readFile(envTLSCert, certFile)
	if err != nil {
		return config{}, err
	}
	key, err := readFile(envTLSKey, keyFile)
	if err != nil {
		return config{}, err
	}
	if _, err := tls.X509KeyPair(cert, key); err != nil {
		return config{}, fmt.Errorf("%s and %s (%s, %s): %w", envTLSCert, envTLSKey, certFile, keyFile, err)
	}
	cfg.tls = shim.TLSProperties{Cert: cert, Key: key}
	if caFile != "" {
		ca, err := readFile(envTLSClientCA, caFile)
		if err != nil {
			return config{}, err
		}
		if !x509.NewCertPool().AppendCertsFromPEM(ca) {
			return config{}, fmt.Errorf("%s (%s): no PEM certificate in it", envTLSClientCA, caFile)
		}
		cfg.tls.ClientCACerts = ca
	}
	return cfg, nil
}

func checkAddress(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%q: want host:port: %w", addr, err)
	}
	if n, err := strconv.ParseUint(port, 10, 16); err != nil || strconv.FormatUint(n, 10) != port {
		return fmt.Errorf("%q: port %q is not a number from 0 to 65535", addr, port)
	}
	return nil
}

func readFile(env, path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", env, err)
	}
	return b, nil
}
