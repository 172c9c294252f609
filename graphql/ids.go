package graphql

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/provenant/provenant/store"
)

// Node kinds of global IDs.
const (
	kindEvent   = "Event"
	kindBatch   = "Batch"
	kindProduct = "Product"
	kindAnchor  = "Anchor"
)

// globalID makes the opaque ID of a node: base64 of "Kind:id".
func globalID(kind, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(kind + ":" + id))
}

// parseGlobalID reads an ID made by globalID.
func parseGlobalID(s string) (kind, id string, err error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return "", "", fmt.Errorf("not a node ID")
	}
	kind, id, ok := strings.Cut(string(b), ":")
	if !ok || id == "" {
		return "", "", fmt.Errorf("not a node ID")
	}
	return kind, id, nil
}

// eventCursor is the position after an event in a product's events.
type eventCursor struct {
	T  time.Time `json:"t"`
	ID string    `json:"id"`
}

func encodeEventCursor(e store.Event) string {
	b, _ := json.Marshal(eventCursor{T: e.EventTime.UTC(), ID: e.ID})
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeEventCursor(s string) (store.Cursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) > 1024 {
		return store.Cursor{}, fmt.Errorf("bad cursor")
	}
	var c eventCursor
	if err := json.Unmarshal(b, &c); err != nil || c.ID == "" {
		return store.Cursor{}, fmt.Errorf("bad cursor")
	}
	return store.Cursor{EventTime: c.T, ID: c.ID}, nil
}

// anchorCursor is the position after an anchor in the ledger's listing:
// the bookmark of the ledger page it came from and its index there.
type anchorCursor struct {
	Bookmark string `json:"b"`
	Index    int    `json:"i"`
}

func encodeAnchorCursor(c anchorCursor) string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeAnchorCursor(s string) (anchorCursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) > 4096 {
		return anchorCursor{}, fmt.Errorf("bad cursor")
	}
	var c anchorCursor
	if err := json.Unmarshal(b, &c); err != nil || c.Index < 0 {
		return anchorCursor{}, fmt.Errorf("bad cursor")
	}
	return c, nil
}
