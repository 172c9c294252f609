package chaincode

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	"github.com/hyperledger/fabric-contract-api-go/v2/metadata"
)

// Name is the contract's name; it is also the chaincode's default contract,
// so its functions are called by their names alone ("AnchorBatch") or as
// "provenant:AnchorBatch".
const Name = "provenant"

// EventBatchAnchored is the chaincode event AnchorBatch emits; its payload
// is the AnchorRecord's JSON.
const EventBatchAnchored = "BatchAnchored"

// Contract is the provenant chaincode's contract: its exported methods
// with a transaction context are the transactions of docs/ledger.md. Make
// it with [New]; one Contract serves every transaction of the chaincode
// process, concurrently.
type Contract struct {
	contractapi.Contract
	keys *keyCache
}

// New returns the contract, with an empty verifying key cache.
func New() *Contract {
	return &Contract{
		Contract: contractapi.Contract{
			Name: Name,
			Info: metadata.InfoMetadata{
				Title:       "provenant",
				Description: "Anchors Groth16-proven batches of supply-chain events, re-verifying each proof against a registered verifying key and published registry roots.",
				Version:     "1",
			},
		},
		keys: newKeyCache(),
	}
}

// GetEvaluateTransactions names the functions that only read the ledger,
// for the contract's metadata.
func (c *Contract) GetEvaluateTransactions() []string {
	return []string{"Ping", "GetVerifyingKey", "GetRoots", "GetAnchor", "ListAnchors", "VerifyAnchor"}
}

// Ping returns "pong" and touches nothing: the baseline of the benchmarks.
func (c *Contract) Ping(ctx contractapi.TransactionContextInterface) string {
	return "pong"
}

// World state keys (docs/ledger.md).
const (
	keyConfig        = "config"
	objectVK         = "vk"         // (circuit, version) → VerifyingKeyRecord
	objectRoot       = "root"       // (kind, seq) → RootRecord
	objectRootIndex  = "rootidx"    // (kind, root) → RootRecord, its latest publication
	objectRootLatest = "rootlatest" // (kind) → RootRecord, the kind's latest
	objectAnchor     = "anchor"     // (batch ID) → AnchorRecord
)

// txInfo is what every record says about the transaction that wrote it.
type txInfo struct {
	submitter Submitter
	txID      string
	timestamp string
}

// transaction returns the caller and the transaction's ID and timestamp.
func transaction(ctx contractapi.TransactionContextInterface, mspID string) (txInfo, error) {
	stub := ctx.GetStub()
	id, err := callerID(ctx)
	if err != nil {
		return txInfo{}, err
	}
	ts, err := stub.GetTxTimestamp()
	if err != nil {
		return txInfo{}, peerError("transaction timestamp: %w", err)
	}
	if ts == nil {
		return txInfo{}, peerError("transaction timestamp: none")
	}
	return txInfo{
		submitter: Submitter{MSPID: mspID, ID: id},
		txID:      stub.GetTxID(),
		timestamp: time.Unix(ts.GetSeconds(), int64(ts.GetNanos())).UTC().Format(time.RFC3339Nano),
	}, nil
}

// callerMSP returns the caller's MSP ID.
func callerMSP(ctx contractapi.TransactionContextInterface) (mspID string, err error) {
	ci := ctx.GetClientIdentity()
	if ci == nil {
		return "", newError(CodeForbidden, "the caller has no identity")
	}
	// contractapi hands a nil *cid.ClientID on when the creator could not
	// be read; its methods then panic.
	defer func() {
		if recover() != nil {
			mspID, err = "", newError(CodeForbidden, "the caller's identity cannot be read")
		}
	}()
	mspID, err = ci.GetMSPID()
	if err != nil || mspID == "" {
		return "", newError(CodeForbidden, "the caller's MSP ID cannot be read: %v", err)
	}
	return mspID, nil
}

// callerID returns the caller's X.509 identity,
// "x509::<subject DN>::<issuer DN>" (cid's GetID, decoded).
func callerID(ctx contractapi.TransactionContextInterface) (id string, err error) {
	ci := ctx.GetClientIdentity()
	if ci == nil {
		return "", newError(CodeForbidden, "the caller has no identity")
	}
	defer func() {
		if recover() != nil {
			id, err = "", newError(CodeForbidden, "the caller's identity cannot be read")
		}
	}()
	enc, err := ci.GetID()
	if err != nil {
		return "", newError(CodeForbidden, "the caller has no X.509 identity: %w", err)
	}
	b, err := base64.StdEncoding.DecodeString(enc)
	if err != nil || !strings.HasPrefix(string(b), "x509::") {
		return enc, nil // not what cid makes: keep it as it is
	}
	return string(b), nil
}

// config is the roles, bound by Init.
type config struct {
	OperatorMSP  string `json:"operatorMSP"`
	AuthorityMSP string `json:"authorityMSP"`
	TxID         string `json:"txID"`
	Timestamp    string `json:"timestamp"`
}

// Init binds the roles to MSP IDs, once: the Operator, which registers
// verifying keys and anchors batches, and the Authority, which publishes
// registry roots. The caller must belong to one of them. A second Init is
// a CONFLICT.
func (c *Contract) Init(ctx contractapi.TransactionContextInterface, operatorMSP, authorityMSP string) error {
	stub := ctx.GetStub()
	existing, err := loadConfig(stub)
	if err != nil {
		return err
	}
	if existing != nil {
		return newError(CodeConflict, "already initialized (tx %s): the Operator is %s, the Authority %s", existing.TxID, existing.OperatorMSP, existing.AuthorityMSP)
	}
	if err := checkMSPID("operator MSP", operatorMSP); err != nil {
		return err
	}
	if err := checkMSPID("authority MSP", authorityMSP); err != nil {
		return err
	}
	if operatorMSP == authorityMSP {
		return newError(CodeMalformed, "the Operator and the Authority are both %s: want two organizations", operatorMSP)
	}
	mspID, err := callerMSP(ctx)
	if err != nil {
		return err
	}
	if mspID != operatorMSP && mspID != authorityMSP {
		return newError(CodeForbidden, "Init is for %s or %s; the caller is of %s", operatorMSP, authorityMSP, mspID)
	}
	tx, err := transaction(ctx, mspID)
	if err != nil {
		return err
	}
	return putJSON(stub, keyConfig, config{OperatorMSP: operatorMSP, AuthorityMSP: authorityMSP, TxID: tx.txID, Timestamp: tx.timestamp})
}

// loadConfig returns the roles, or nil before Init.
func loadConfig(stub shim.ChaincodeStubInterface) (*config, error) {
	var cfg config
	found, err := getJSON(stub, keyConfig, &cfg)
	if err != nil || !found {
		return nil, err
	}
	return &cfg, nil
}

// role names what a function needs of its caller.
type role int

const (
	anyone role = iota
	operator
	authority
)

// authorize checks that Init has run and that the caller has the role fn
// needs, and returns the transaction's details.
func authorize(ctx contractapi.TransactionContextInterface, fn string, r role) (txInfo, error) {
	cfg, err := loadConfig(ctx.GetStub())
	if err != nil {
		return txInfo{}, err
	}
	if cfg == nil {
		return txInfo{}, newError(CodeNotInitialized, "%s: the chaincode's Init has not run", fn)
	}
	if r == anyone {
		return txInfo{}, nil
	}
	mspID, err := callerMSP(ctx)
	if err != nil {
		return txInfo{}, err
	}
	want, name := cfg.OperatorMSP, "the Operator"
	if r == authority {
		want, name = cfg.AuthorityMSP, "the Authority"
	}
	if mspID != want {
		return txInfo{}, newError(CodeForbidden, "%s is for %s, %s; the caller is of %s", fn, name, want, mspID)
	}
	return transaction(ctx, mspID)
}

// compositeKey returns the state key of an object.
func compositeKey(stub shim.ChaincodeStubInterface, object string, attrs ...string) (string, error) {
	k, err := stub.CreateCompositeKey(object, attrs)
	if err != nil {
		return "", peerError("state key %s: %w", object, err)
	}
	return k, nil
}

// getJSON reads the value of key into v; it reports false when there is
// none.
func getJSON(stub shim.ChaincodeStubInterface, key string, v any) (bool, error) {
	b, err := stub.GetState(key)
	if err != nil {
		return false, peerError("read state: %w", err)
	}
	if b == nil {
		return false, nil
	}
	if err := json.Unmarshal(b, v); err != nil {
		return false, newError(CodeInternal, "the ledger's record %s does not decode: %w", printableKey(key), err)
	}
	return true, nil
}

// putJSON writes v as JSON under key.
func putJSON(stub shim.ChaincodeStubInterface, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return newError(CodeInternal, "encode record: %w", err)
	}
	if err := stub.PutState(key, b); err != nil {
		return peerError("write state: %w", err)
	}
	return nil
}

// printableKey shows a composite key with its separators as slashes.
func printableKey(k string) string {
	return strings.Trim(strings.ReplaceAll(k, "\x00", "/"), "/")
}
