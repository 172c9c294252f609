package chaincode

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/consensys/gnark/backend/groth16"
	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/provenant/provenant/field"
	"github.com/provenant/provenant/prover/setup"
	"github.com/provenant/provenant/prover/verify"
)

// RegisterVerifyingKey pins a Groth16 verifying key on the ledger under
// (circuit, version), for the Operator. key is the base64 of the key's
// compressed encoding (gnark's WriteTo) and version its hex SHA-256
// (setup.VerifyingKeyHash), so a version names exactly one key. The pair
// is immutable: registering the same key again returns the existing
// record and writes nothing; another key is a CONFLICT.
func (c *Contract) RegisterVerifyingKey(ctx contractapi.TransactionContextInterface, circuit, version, key string) (*VerifyingKeyRecord, error) {
	tx, err := authorize(ctx, "RegisterVerifyingKey", operator)
	if err != nil {
		return nil, err
	}
	if err := checkCircuit(circuit); err != nil {
		return nil, err
	}
	if err := checkVersion(version); err != nil {
		return nil, err
	}
	raw, err := decodeBase64("verifying key", key, MaxVerifyingKeyBytes)
	if err != nil {
		return nil, err
	}
	stub := ctx.GetStub()
	k, err := compositeKey(stub, objectVK, circuit, version)
	if err != nil {
		return nil, err
	}
	var existing VerifyingKeyRecord
	found, err := getJSON(stub, k, &existing)
	if err != nil {
		return nil, err
	}
	if found {
		if existing.Key != key {
			return nil, newError(CodeConflict, "circuit %s version %s is registered (tx %s) with another key", circuit, version, existing.TxID)
		}
		return &existing, nil
	}
	vk, err := c.parseKey(version, raw)
	if err != nil {
		return nil, newError(CodeMalformed, "verifying key for circuit %s: %w", circuit, err)
	}
	rec := VerifyingKeyRecord{
		Circuit:   circuit,
		Version:   version,
		Key:       key,
		Submitter: tx.submitter,
		TxID:      tx.txID,
		Timestamp: tx.timestamp,
	}
	if err := putJSON(stub, k, rec); err != nil {
		return nil, err
	}
	// The version is the key's hash: the parsed key is this version's
	// whether or not the transaction commits.
	c.keys.put(keyID{circuit, version}, vk)
	return &rec, nil
}

// GetVerifyingKey returns the key registered under (circuit, version), or
// NOT_FOUND.
func (c *Contract) GetVerifyingKey(ctx contractapi.TransactionContextInterface, circuit, version string) (*VerifyingKeyRecord, error) {
	if _, err := authorize(ctx, "GetVerifyingKey", anyone); err != nil {
		return nil, err
	}
	if err := checkCircuit(circuit); err != nil {
		return nil, err
	}
	if err := checkVersion(version); err != nil {
		return nil, err
	}
	rec, found, err := getVerifyingKey(ctx.GetStub(), circuit, version)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, newError(CodeNotFound, "no verifying key is registered for circuit %s version %s", circuit, version)
	}
	return &rec, nil
}

func getVerifyingKey(stub shim.ChaincodeStubInterface, circuit, version string) (VerifyingKeyRecord, bool, error) {
	k, err := compositeKey(stub, objectVK, circuit, version)
	if err != nil {
		return VerifyingKeyRecord{}, false, err
	}
	var rec VerifyingKeyRecord
	found, err := getJSON(stub, k, &rec)
	return rec, found, err
}

// verifyingKey returns the parsed key registered under (circuit,
// version): from the cache, or read from the ledger, parsed and cached. A
// key that is not registered is UNKNOWN_CIRCUIT. The ledger is read either
// way, so that the read is part of the transaction's read set.
func (c *Contract) verifyingKey(stub shim.ChaincodeStubInterface, circuit, version string) (groth16.VerifyingKey, error) {
	k, err := compositeKey(stub, objectVK, circuit, version)
	if err != nil {
		return nil, err
	}
	b, err := stub.GetState(k)
	if err != nil {
		return nil, peerError("read state: %w", err)
	}
	if b == nil {
		return nil, newError(CodeUnknownCircuit, "no verifying key is registered for circuit %s version %s", circuit, version)
	}
	id := keyID{circuit, version}
	if vk, ok := c.keys.get(id); ok {
		return vk, nil
	}
	var rec VerifyingKeyRecord
	if err := json.Unmarshal(b, &rec); err != nil {
		return nil, newError(CodeInternal, "the ledger's verifying key record for circuit %s version %s does not decode: %w", circuit, version, err)
	}
	raw, err := base64.StdEncoding.DecodeString(rec.Key)
	if err != nil {
		return nil, newError(CodeInternal, "the ledger's verifying key for circuit %s version %s: base64: %w", circuit, version, err)
	}
	vk, err := c.parseKey(version, raw)
	if err != nil {
		return nil, newError(CodeInternal, "the ledger's verifying key for circuit %s version %s: %w", circuit, version, err)
	}
	c.keys.put(id, vk)
	return vk, nil
}

// parseKey parses and checks a verifying key: a BN254 Groth16 key in its
// compressed encoding, for three public inputs, whose hash is version.
func (c *Contract) parseKey(version string, raw []byte) (groth16.VerifyingKey, error) {
	c.keys.parses.Add(1)
	vk, err := verify.ParseVerifyingKey(raw)
	if err != nil {
		return nil, err
	}
	var enc bytes.Buffer
	if _, err := vk.WriteTo(&enc); err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}
	if !bytes.Equal(enc.Bytes(), raw) {
		return nil, errors.New("not gnark's compressed encoding (WriteTo)")
	}
	if n := verify.NbPublicInputs(vk); n != NbPublicInputs {
		return nil, fmt.Errorf("%d public inputs, want %d (batch root, supplier root, origin root)", n, NbPublicInputs)
	}
	hash, err := setup.VerifyingKeyHash(vk)
	if err != nil {
		return nil, err
	}
	if hash != version {
		return nil, fmt.Errorf("its hash is %s, not the version %s", hash, version)
	}
	return vk, nil
}

// verifyProof checks a proof against a key and public inputs.
func verifyProof(vk groth16.VerifyingKey, proof []byte, public []field.Element, circuit, version string) error {
	p, err := verify.ParseProof(proof)
	if err != nil {
		return newError(CodeBadProof, "the proof does not decode: %w", err)
	}
	if err := verify.Verify(vk, p, public); err != nil {
		if errors.Is(err, verify.ErrRejected) {
			return newError(CodeBadProof, "the proof does not verify against circuit %s version %s and the public inputs: %w", circuit, version, err)
		}
		return newError(CodeBadProof, "the proof does not fit circuit %s version %s: %w", circuit, version, err)
	}
	return nil
}

// keyID names a verifying key.
type keyID struct{ circuit, version string }

// maxCachedKeys bounds the key cache; there are a handful of circuits.
const maxCachedKeys = 64

// keyCache holds the parsed verifying keys of one chaincode process. A
// version is its key's hash, so an entry never goes stale.
type keyCache struct {
	mu   sync.Mutex
	keys map[keyID]groth16.VerifyingKey
	// parses counts the keys parsed, for tests.
	parses atomic.Int64
}

func newKeyCache() *keyCache {
	return &keyCache{keys: make(map[keyID]groth16.VerifyingKey)}
}

func (kc *keyCache) get(id keyID) (groth16.VerifyingKey, bool) {
	kc.mu.Lock()
	defer kc.mu.Unlock()
	vk, ok := kc.keys[id]
	return vk, ok
}

func (kc *keyCache) put(id keyID, vk groth16.VerifyingKey) {
	kc.mu.Lock()
	defer kc.mu.Unlock()
	if _, ok := kc.keys[id]; !ok && len(kc.keys) >= maxCachedKeys {
		for old := range kc.keys { // evict any one
			delete(kc.keys, old)
			break
		}
	}
	kc.keys[id] = vk
}
