package ledger

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hyperledger/fabric-gateway/pkg/client"

	"github.com/provenant/provenant/chaincode"
)

// EventBatchAnchored is the name of the chaincode event of an anchor.
const EventBatchAnchored = "BatchAnchored"

// AnchorEvent is a BatchAnchored chaincode event.
type AnchorEvent struct {
	Record      chaincode.AnchorRecord
	BlockNumber uint64
	TxID        string
	// Raw is the Gateway's event, to hand to a checkpointer once the event
	// is processed.
	Raw *client.ChaincodeEvent
}

// Checkpointer records how far event processing got; client.FileCheckpointer
// (client.NewFileCheckpointer) keeps it across restarts.
type Checkpointer interface {
	client.Checkpoint
	CheckpointChaincodeEvent(*client.ChaincodeEvent) error
}

// AnchorEvents delivers BatchAnchored events in ledger order, starting
// after the checkpoint when it holds a position, else at startBlock. Call
// cp.CheckpointChaincodeEvent(ev.Raw) after processing each event to resume
// there after a restart, without loss or repetition. The channel closes
// when ctx is done or the stream fails; an event with an unreadable payload
// is delivered with a zero Record.
func (c *Client) AnchorEvents(ctx context.Context, cp Checkpointer, startBlock uint64) (<-chan AnchorEvent, error) {
	opts := []client.ChaincodeEventsOption{client.WithStartBlock(startBlock)}
	if cp != nil {
		opts = append(opts, client.WithCheckpoint(cp))
	}
	events, err := c.network.ChaincodeEvents(ctx, c.cfg.Chaincode, opts...)
	if err != nil {
		return nil, fmt.Errorf("ledger: chaincode events: %w", wrap("ChaincodeEvents", "", err))
	}
	out := make(chan AnchorEvent)
	go func() {
		defer close(out)
		for ev := range events {
			if ev.EventName != EventBatchAnchored {
				if cp != nil {
					if err := cp.CheckpointChaincodeEvent(ev); err != nil {
						c.log.Error("ledger: checkpoint", "err", err)
					}
				}
				continue
			}
			ae := AnchorEvent{BlockNumber: ev.BlockNumber, TxID: ev.TransactionID, Raw: ev}
			if err := json.Unmarshal(ev.Payload, &ae.Record); err != nil {
				c.log.Error("ledger: unreadable BatchAnchored event", "tx_id", ev.TransactionID, "err", err)
			}
			select {
			case out <- ae:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}
