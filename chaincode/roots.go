package chaincode

import (
	"encoding/json"
	"fmt"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
)

// PublishRoot appends a registry root to the kind's history, for the
// Authority. kind is "suppliers" or "origins"; root is 64 lower-case hex
// digits, a reduced BN254 field element. Publishing the root that is
// already the kind's latest returns the latest record and writes nothing;
// publishing an older root again appends it again.
func (c *Contract) PublishRoot(ctx contractapi.TransactionContextInterface, kind, root string) (*RootRecord, error) {
	tx, err := authorize(ctx, "PublishRoot", authority)
	if err != nil {
		return nil, err
	}
	k, err := checkKind(kind)
	if err != nil {
		return nil, err
	}
	if _, err := parseElement(string(k)+" root", root); err != nil {
		return nil, err
	}
	stub := ctx.GetStub()
	latestKey, err := compositeKey(stub, objectRootLatest, kind)
	if err != nil {
		return nil, err
	}
	var latest RootRecord
	found, err := getJSON(stub, latestKey, &latest)
	if err != nil {
		return nil, err
	}
	if found && latest.Root == root {
		return &latest, nil
	}
	rec := RootRecord{
		Kind:      k,
		Root:      root,
		Seq:       latest.Seq + 1,
		Submitter: tx.submitter,
		TxID:      tx.txID,
		Timestamp: tx.timestamp,
	}
	seqKey, err := compositeKey(stub, objectRoot, kind, seqString(rec.Seq))
	if err != nil {
		return nil, err
	}
	idxKey, err := compositeKey(stub, objectRootIndex, kind, root)
	if err != nil {
		return nil, err
	}
	for _, key := range []string{seqKey, idxKey, latestKey} {
		if err := putJSON(stub, key, rec); err != nil {
			return nil, err
		}
	}
	return &rec, nil
}

// GetRoots returns the kind's published roots, oldest first.
func (c *Contract) GetRoots(ctx contractapi.TransactionContextInterface, kind string) ([]RootRecord, error) {
	if _, err := authorize(ctx, "GetRoots", anyone); err != nil {
		return nil, err
	}
	if _, err := checkKind(kind); err != nil {
		return nil, err
	}
	it, err := ctx.GetStub().GetStateByPartialCompositeKey(objectRoot, []string{kind})
	if err != nil {
		return nil, peerError("query %s roots: %w", kind, err)
	}
	defer it.Close()
	roots := []RootRecord{} // [] rather than null when there are none
	for it.HasNext() {
		kv, err := it.Next()
		if err != nil {
			return nil, peerError("query %s roots: %w", kind, err)
		}
		var rec RootRecord
		if err := json.Unmarshal(kv.GetValue(), &rec); err != nil {
			return nil, newError(CodeInternal, "the ledger's record %s does not decode: %w", printableKey(kv.GetKey()), err)
		}
		roots = append(roots, rec)
	}
	return roots, nil
}

// checkPublished returns UNPUBLISHED_ROOT unless root is in the kind's
// history.
func checkPublished(stub shim.ChaincodeStubInterface, kind RootKind, root string) error {
	k, err := compositeKey(stub, objectRootIndex, string(kind), root)
	if err != nil {
		return err
	}
	b, err := stub.GetState(k)
	if err != nil {
		return peerError("read state: %w", err)
	}
	if b == nil {
		return newError(CodeUnpublishedRoot, "%s root %s has not been published", kind, root)
	}
	return nil
}

// seqString writes a sequence number as 20 digits, so that keys sort in
// publication order.
func seqString(seq uint64) string { return fmt.Sprintf("%020d", seq) }
