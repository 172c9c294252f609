package chaincode

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
)

// AnchorBatch anchors a proven batch, for the Operator. request is an
// AnchorRequest's JSON. The checks, in order: the caller is the Operator;
// the request is well formed (ParseAnchorRequest); a verifying key is
// registered under its circuit and version (UNKNOWN_CIRCUIT); public input
// 1 is a published supplier root and public input 2 a published origin
// root, any in the history (UNPUBLISHED_ROOT); the batch ID is not
// anchored yet (ALREADY_ANCHORED, whatever either request holds); the
// proof verifies (BAD_PROOF). It stores the AnchorRecord and emits it as
// the event BatchAnchored.
func (c *Contract) AnchorBatch(ctx contractapi.TransactionContextInterface, request string) (*AnchorRecord, error) {
	tx, err := authorize(ctx, "AnchorBatch", operator)
	if err != nil {
		return nil, err
	}
	in, err := parseAnchorRequest([]byte(request))
	if err != nil {
		return nil, err
	}
	stub := ctx.GetStub()
	req := in.req
	vk, err := c.verifyingKey(stub, req.Circuit, req.CircuitVersion)
	if err != nil {
		return nil, err
	}
	if err := checkRoots(stub, req); err != nil {
		return nil, err
	}
	k, err := compositeKey(stub, objectAnchor, req.BatchID)
	if err != nil {
		return nil, err
	}
	var existing AnchorRecord
	found, err := getJSON(stub, k, &existing)
	if err != nil {
		return nil, err
	}
	if found {
		return nil, newError(CodeAlreadyAnchored, "batch %s is anchored already (tx %s)", req.BatchID, existing.TxID)
	}
	if err := verifyProof(vk, in.proof, in.public, req.Circuit, req.CircuitVersion); err != nil {
		return nil, err
	}
	rec := AnchorRecord{
		AnchorRequest: req,
		Submitter:     tx.submitter,
		TxID:          tx.txID,
		Timestamp:     tx.timestamp,
	}
	b, err := json.Marshal(rec)
	if err != nil {
		return nil, newError(CodeInternal, "encode record: %w", err)
	}
	if err := stub.PutState(k, b); err != nil {
		return nil, peerError("write state: %w", err)
	}
	if err := stub.SetEvent(EventBatchAnchored, b); err != nil {
		return nil, peerError("set event: %w", err)
	}
	return &rec, nil
}

// checkRoots checks that the request's supplier and origin roots were
// published.
func checkRoots(stub shim.ChaincodeStubInterface, req AnchorRequest) error {
	if err := checkPublished(stub, RootSuppliers, req.PublicInputs[1]); err != nil {
		return err
	}
	return checkPublished(stub, RootOrigins, req.PublicInputs[2])
}

// GetAnchor returns the anchor of a batch, or NOT_FOUND.
func (c *Contract) GetAnchor(ctx contractapi.TransactionContextInterface, batchID string) (*AnchorRecord, error) {
	if _, err := authorize(ctx, "GetAnchor", anyone); err != nil {
		return nil, err
	}
	rec, _, err := getAnchor(ctx.GetStub(), batchID)
	return rec, err
}

// getAnchor reads an anchor and also returns its stored bytes.
func getAnchor(stub shim.ChaincodeStubInterface, batchID string) (*AnchorRecord, []byte, error) {
	if err := checkBatchID(batchID); err != nil {
		return nil, nil, err
	}
	k, err := compositeKey(stub, objectAnchor, batchID)
	if err != nil {
		return nil, nil, err
	}
	b, err := stub.GetState(k)
	if err != nil {
		return nil, nil, peerError("read state: %w", err)
	}
	if b == nil {
		return nil, nil, newError(CodeNotFound, "batch %s is not anchored", batchID)
	}
	var rec AnchorRecord
	if err := json.Unmarshal(b, &rec); err != nil {
		return nil, b, newError(CodeInternal, "the ledger's anchor of batch %s does not decode: %w", batchID, err)
	}
	return &rec, b, nil
}

// ListAnchors returns a page of anchors in batch ID order: pageSize (1 to
// 100) of them from bookmark, "" for the first page. The page's bookmark
// continues the listing; it is "" on the last page.
func (c *Contract) ListAnchors(ctx contractapi.TransactionContextInterface, pageSize, bookmark string) (*AnchorPage, error) {
	if _, err := authorize(ctx, "ListAnchors", anyone); err != nil {
		return nil, err
	}
	n, err := parsePageSize(pageSize)
	if err != nil {
		return nil, err
	}
	if err := checkBookmark(bookmark); err != nil {
		return nil, err
	}
	stub := ctx.GetStub()
	it, meta, err := stub.GetStateByPartialCompositeKeyWithPagination(objectAnchor, []string{}, n, bookmark)
	if err != nil {
		return nil, peerError("query anchors: %w", err)
	}
	defer it.Close()
	page := &AnchorPage{Anchors: []AnchorRecord{}}
	for it.HasNext() {
		kv, err := it.Next()
		if err != nil {
			return nil, peerError("query anchors: %w", err)
		}
		if object, _, err := stub.SplitCompositeKey(kv.GetKey()); err != nil || object != objectAnchor {
			return nil, newError(CodeMalformed, "bookmark %.80q: not one ListAnchors returned", bookmark)
		}
		var rec AnchorRecord
		if err := json.Unmarshal(kv.GetValue(), &rec); err != nil {
			return nil, newError(CodeInternal, "the ledger's record %s does not decode: %w", printableKey(kv.GetKey()), err)
		}
		page.Anchors = append(page.Anchors, rec)
	}
	// LevelDB's bookmark is "" after the last key; CouchDB's never is, but
	// a short page is the last.
	if meta != nil && len(page.Anchors) == int(n) {
		page.Bookmark = meta.GetBookmark()
	}
	return page, nil
}

// VerifyAnchor checks an anchored batch again, now: its stored request is
// well formed, its key is registered, its roots are published and its
// proof verifies. A batch that is not anchored is NOT_FOUND; otherwise the
// Verification says whether the anchor is valid and, when it is not, which
// check failed ("CODE: message", as AnchorBatch would have refused it).
func (c *Contract) VerifyAnchor(ctx contractapi.TransactionContextInterface, batchID string) (*Verification, error) {
	if _, err := authorize(ctx, "VerifyAnchor", anyone); err != nil {
		return nil, err
	}
	stub := ctx.GetStub()
	rec, b, err := getAnchor(stub, batchID)
	if b == nil {
		return nil, err
	}
	if err == nil {
		err = c.recheck(stub, *rec)
	}
	if e, ok := errors.AsType[*Error](err); ok && e.peer {
		return nil, err // the peer failed, not the anchor
	}
	if err != nil {
		return &Verification{BatchID: batchID, Detail: err.Error()}, nil
	}
	return &Verification{
		BatchID: batchID,
		Valid:   true,
		Detail:  fmt.Sprintf("proof verifies against %s / %s", rec.Circuit, rec.CircuitVersion),
	}, nil
}

// recheck runs AnchorBatch's checks, but the caller's and the duplicate's,
// on a stored anchor.
func (c *Contract) recheck(stub shim.ChaincodeStubInterface, rec AnchorRecord) error {
	in, err := rec.AnchorRequest.check()
	if err != nil {
		return err
	}
	vk, err := c.verifyingKey(stub, rec.Circuit, rec.CircuitVersion)
	if err != nil {
		return err
	}
	if err := checkRoots(stub, rec.AnchorRequest); err != nil {
		return err
	}
	return verifyProof(vk, in.proof, in.public, rec.Circuit, rec.CircuitVersion)
}
