// Command testcc is a tiny chaincode server for the tests of package
// fabricnet: it runs as a service (shim.ChaincodeServer) with the
// environment fabricnet gives each organization's chaincode process, and
// offers Init(a, b), Ping, Put(k, v) and Get(k).
package main

import (
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
)

// Contract is the test contract.
type Contract struct {
	contractapi.Contract
}

// Init records the two MSP IDs under the key "config"; a second Init fails.
func (c *Contract) Init(ctx contractapi.TransactionContextInterface, operatorMSP, authorityMSP string) error {
	old, err := ctx.GetStub().GetState("config")
	if err != nil {
		return fmt.Errorf("INTERNAL: %w", err)
	}
	if old != nil {
		return errors.New("CONFLICT: already initialised")
	}
	return ctx.GetStub().PutState("config", []byte(operatorMSP+","+authorityMSP))
}

// Ping answers "pong" and writes nothing.
func (c *Contract) Ping(ctx contractapi.TransactionContextInterface) string { return "pong" }

// Put writes value under key.
func (c *Contract) Put(ctx contractapi.TransactionContextInterface, key, value string) error {
	return ctx.GetStub().PutState(key, []byte(value))
}

// Get reads the value under key.
func (c *Contract) Get(ctx contractapi.TransactionContextInterface, key string) (string, error) {
	v, err := ctx.GetStub().GetState(key)
	if err != nil {
		return "", fmt.Errorf("INTERNAL: %w", err)
	}
	if v == nil {
		return "", fmt.Errorf("NOT_FOUND: %s", key)
	}
	return string(v), nil
}

func main() {
	cc, err := contractapi.NewChaincode(&Contract{})
	if err != nil {
		log.Fatalf("testcc: %v", err)
	}
	read := func(env string) []byte {
		b, err := os.ReadFile(os.Getenv(env))
		if err != nil {
			log.Fatalf("testcc: %s: %v", env, err)
		}
		return b
	}
	server := &shim.ChaincodeServer{
		CCID:    os.Getenv("CHAINCODE_ID"),
		Address: os.Getenv("CHAINCODE_SERVER_ADDRESS"),
		CC:      cc,
		TLSProps: shim.TLSProperties{
			Cert:          read("CHAINCODE_TLS_CERT"),
			Key:           read("CHAINCODE_TLS_KEY"),
			ClientCACerts: read("CHAINCODE_TLS_CLIENT_CA_CERT"),
		},
	}
	log.Printf("testcc: serving %s on %s", server.CCID, server.Address)
	if err := server.Start(); err != nil {
		log.Fatalf("testcc: %v", err)
	}
}
