package ledger

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"google.golang.org/protobuf/proto"

	"github.com/provenant/provenant/chaincode"
	"github.com/provenant/provenant/store"
)

// Receipt says where a batch is anchored.
type Receipt struct {
	// Record is the anchor as the ledger holds it.
	Record chaincode.AnchorRecord
	// TxID, BlockNumber and Timestamp locate the anchoring transaction.
	TxID        string
	BlockNumber uint64
	Timestamp   time.Time
	// Existing is true when the batch was already anchored (by an earlier
	// try, or another anchor process) with the same content.
	Existing bool
}

// RequestFromBatch builds the anchoring request of a proven batch.
func RequestFromBatch(b store.Batch) chaincode.AnchorRequest {
	return chaincode.AnchorRequest{
		BatchID:        b.ID,
		Circuit:        b.Circuit,
		CircuitVersion: b.CircuitVersion,
		BatchRoot:      b.Root,
		Proof:          base64.StdEncoding.EncodeToString(b.Proof),
		PublicInputs:   slices.Clone(b.PublicInputs),
	}
}

// Anchor anchors a batch, idempotently: when the batch ID is already on the
// ledger with the same content the existing anchor is returned (Existing
// set); with other content the error is a *ConflictError. A refusal by the
// chaincode is an *Error (errors.Is ErrRejected, ErrForbidden).
func (c *Client) Anchor(ctx context.Context, req chaincode.AnchorRequest) (Receipt, error) {
	arg, err := json.Marshal(req)
	if err != nil {
		return Receipt{}, fmt.Errorf("ledger: anchor request: %w", err)
	}
	sub, err := c.submit(ctx, "AnchorBatch", string(arg))
	if errors.Is(err, ErrAlreadyAnchored) {
		return c.existing(ctx, req)
	}
	if err != nil {
		return Receipt{}, err
	}
	var rec chaincode.AnchorRecord
	if err := json.Unmarshal(sub.Result, &rec); err != nil {
		return Receipt{}, &Error{Op: "AnchorBatch", TxID: sub.TxID, Message: fmt.Sprintf("unreadable result: %v", err), Err: err}
	}
	ts, err := parseTimestamp(rec.Timestamp)
	if err != nil {
		return Receipt{}, &Error{Op: "AnchorBatch", TxID: sub.TxID, Message: err.Error(), Err: err}
	}
	return Receipt{Record: rec, TxID: sub.TxID, BlockNumber: sub.BlockNumber, Timestamp: ts}, nil
}

// existing resolves ALREADY_ANCHORED: the same content is success.
func (c *Client) existing(ctx context.Context, req chaincode.AnchorRequest) (Receipt, error) {
	rec, err := c.GetAnchor(ctx, req.BatchID)
	if err != nil {
		return Receipt{}, fmt.Errorf("ledger: batch %q is already anchored, but reading it back failed: %w", req.BatchID, err)
	}
	if f := differs(req, rec); f != "" {
		return Receipt{}, &ConflictError{BatchID: req.BatchID, Field: f, TxID: rec.TxID}
	}
	r, err := c.receipt(ctx, rec)
	if err != nil {
		return Receipt{}, err
	}
	r.Existing = true
	return r, nil
}

// receipt completes a ledger record with its block number.
func (c *Client) receipt(ctx context.Context, rec chaincode.AnchorRecord) (Receipt, error) {
	ts, err := parseTimestamp(rec.Timestamp)
	if err != nil {
		return Receipt{}, fmt.Errorf("ledger: anchor of %q: %w", rec.BatchID, err)
	}
	block, err := c.BlockOf(ctx, rec.TxID)
	if err != nil {
		return Receipt{}, err
	}
	return Receipt{Record: rec, TxID: rec.TxID, BlockNumber: block, Timestamp: ts}, nil
}

// differs names the first field in which the ledger's record differs from
// the request, or returns "".
func differs(req chaincode.AnchorRequest, rec chaincode.AnchorRecord) string {
	switch {
	case req.BatchRoot != rec.BatchRoot:
		return "batch root"
	case req.Circuit != rec.Circuit:
		return "circuit"
	case req.CircuitVersion != rec.CircuitVersion:
		return "circuit version"
	case req.Proof != rec.Proof:
		return "proof"
	case !slices.Equal(req.PublicInputs, rec.PublicInputs):
		return "public inputs"
	}
	return ""
}

// Differs names the first field in which an anchor on the ledger differs
// from a batch in the store, or returns "" when they agree.
func Differs(b store.Batch, rec chaincode.AnchorRecord) string {
	return differs(RequestFromBatch(b), rec)
}

// GetAnchor reads the anchor of a batch (ErrNotFound when there is none).
func (c *Client) GetAnchor(ctx context.Context, batchID string) (chaincode.AnchorRecord, error) {
	var rec chaincode.AnchorRecord
	return rec, c.evaluateJSON(ctx, &rec, "GetAnchor", batchID)
}

// Receipt reads the anchor of a batch with its block number.
func (c *Client) Receipt(ctx context.Context, batchID string) (Receipt, error) {
	rec, err := c.GetAnchor(ctx, batchID)
	if err != nil {
		return Receipt{}, err
	}
	return c.receipt(ctx, rec)
}

// ListAnchors reads one page of anchors (at most pageSize, 1–100), from
// bookmark ("" for the first page). The page's bookmark is "" on the last
// page.
func (c *Client) ListAnchors(ctx context.Context, pageSize int, bookmark string) (chaincode.AnchorPage, error) {
	var page chaincode.AnchorPage
	return page, c.evaluateJSON(ctx, &page, "ListAnchors", strconv.Itoa(pageSize), bookmark)
}

// Anchors iterates over every anchor on the ledger, a page at a time. The
// iteration stops at the first error, which it yields.
func (c *Client) Anchors(ctx context.Context, pageSize int) iter.Seq2[chaincode.AnchorRecord, error] {
	return func(yield func(chaincode.AnchorRecord, error) bool) {
		bookmark := ""
		for {
			page, err := c.ListAnchors(ctx, pageSize, bookmark)
			if err != nil {
				yield(chaincode.AnchorRecord{}, err)
				return
			}
			for _, a := range page.Anchors {
				if !yield(a, nil) {
					return
				}
			}
			if page.Bookmark == "" || len(page.Anchors) == 0 {
				return
			}
			bookmark = page.Bookmark
		}
	}
}

// VerifyAnchor asks the chaincode to verify an anchor's proof again.
func (c *Client) VerifyAnchor(ctx context.Context, batchID string) (chaincode.Verification, error) {
	var v chaincode.Verification
	return v, c.evaluateJSON(ctx, &v, "VerifyAnchor", batchID)
}

// Ping evaluates the chaincode's no-op function.
func (c *Client) Ping(ctx context.Context) error {
	_, err := c.evaluate(ctx, "Ping")
	return err
}

// BlockOf returns the number of the block that holds a transaction, read
// from the peer's ledger (system chaincode qscc).
func (c *Client) BlockOf(ctx context.Context, txID string) (uint64, error) {
	var raw []byte
	err := c.withRetry(ctx, "GetBlockByTxID", func(ctx context.Context) (string, error) {
		r, err := c.network.GetContract("qscc").EvaluateWithContext(ctx, "GetBlockByTxID",
			clientArgs(c.cfg.Channel, txID)...)
		raw = r
		return "", err
	})
	if err != nil {
		return 0, err
	}
	var block common.Block
	if err := proto.Unmarshal(raw, &block); err != nil || block.GetHeader() == nil {
		return 0, fmt.Errorf("ledger: block of tx %s: unreadable block (%v)", txID, err)
	}
	return block.GetHeader().GetNumber(), nil
}

func (c *Client) evaluateJSON(ctx context.Context, v any, fn string, args ...string) error {
	b, err := c.evaluate(ctx, fn, args...)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return &Error{Op: fn, Message: fmt.Sprintf("unreadable result: %v", err), Err: err}
	}
	return nil
}

func parseTimestamp(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("ledger timestamp %q: %w", s, err)
	}
	return t, nil
}
