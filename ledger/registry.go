package ledger

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"

	"github.com/provenant/provenant/chaincode"
)

// PublishRoot publishes a registry root (kind "suppliers" or "origins");
// only the Authority may. Publishing the latest root again changes
// nothing and returns its record.
func (c *Client) PublishRoot(ctx context.Context, kind, root string) (chaincode.RootRecord, error) {
	var rec chaincode.RootRecord
	sub, err := c.submit(ctx, "PublishRoot", kind, root)
	if err != nil {
		return rec, err
	}
	if err := json.Unmarshal(sub.Result, &rec); err != nil {
		return rec, &Error{Op: "PublishRoot", TxID: sub.TxID, Message: fmt.Sprintf("unreadable result: %v", err), Err: err}
	}
	return rec, nil
}

// Roots returns the history of a registry's published roots, oldest
// first.
func (c *Client) Roots(ctx context.Context, kind string) ([]chaincode.RootRecord, error) {
	var recs []chaincode.RootRecord
	return recs, c.evaluateJSON(ctx, &recs, "GetRoots", kind)
}

// RegisterVerifyingKey pins a circuit's verifying key (gnark's compressed
// encoding) under its version (the key's SHA-256, hex). Registering the
// same key again returns the existing record.
func (c *Client) RegisterVerifyingKey(ctx context.Context, circuit, version string, key []byte) (chaincode.VerifyingKeyRecord, error) {
	var rec chaincode.VerifyingKeyRecord
	sub, err := c.submit(ctx, "RegisterVerifyingKey", circuit, version, base64.StdEncoding.EncodeToString(key))
	if err != nil {
		return rec, err
	}
	if err := json.Unmarshal(sub.Result, &rec); err != nil {
		return rec, &Error{Op: "RegisterVerifyingKey", TxID: sub.TxID, Message: fmt.Sprintf("unreadable result: %v", err), Err: err}
	}
	return rec, nil
}

// VerifyingKey reads a pinned verifying key.
func (c *Client) VerifyingKey(ctx context.Context, circuit, version string) (chaincode.VerifyingKeyRecord, error) {
	var rec chaincode.VerifyingKeyRecord
	return rec, c.evaluateJSON(ctx, &rec, "GetVerifyingKey", circuit, version)
}
