package store

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Page sizes for the listing methods.
const (
	// DefaultPageSize is the page size used when a listing is given a limit of zero or less.
	DefaultPageSize = 100
	// MaxPageSize is the largest page a listing returns; larger limits are lowered to it.
	MaxPageSize = 1000
)

// Event is one EPCIS event as the store keeps it: the public claims in clear, the private
// payload sealed, and where the event stands in the pipeline.
type Event struct {
	// ID is the EPCIS event identity: the eventID when the supplier gave one, else the GS1
	// CBV 2.0 hash ID.
	ID string
	// HashID is the GS1 CBV 2.0 event hash ID (ni:///sha-256;…?ver=CBV2.0).
	HashID string
	// Type is the EPCIS event type, such as ObjectEvent or TransformationEvent.
	Type string
	// Action is the EPCIS action (ADD, OBSERVE, DELETE); empty for types without one.
	Action string
	// BizStep is the CBV business step.
	BizStep string
	// Disposition is the CBV disposition.
	Disposition string
	// EventTime is when the event happened; the store keeps it in UTC to the millisecond.
	EventTime time.Time
	// Products lists the product identifiers the event concerns (EPCs, classes, parents,
	// children, inputs, outputs), in the order given.
	Products []string
	// OriginRegion is the claimed ISO 3166-1 alpha-2 origin region for origin events, or
	// empty.
	OriginRegion string
	// PrevEventID is the ID of the previous event of the same product, or empty.
	PrevEventID string
	// Supplier is the signing supplier's public key, lower-case hex.
	Supplier string
	// Claims is the canonical public-claims JSON, stored in clear.
	Claims []byte
	// Private is the private payload (JSON). It is stored only sealed, and is nil on reads
	// from a store opened without a Sealer and on the public reads (GetEventsPublic,
	// ListEventsByProductPublic).
	Private []byte
	// Status is where the event stands. On insert it may be empty (RECEIVED), RECEIVED or
	// REJECTED.
	Status Status
	// RejectReason says why the event was rejected; set only when Status is REJECTED.
	RejectReason string
	// BatchID is the batch the event is proven in; empty until it is proven. Set by
	// CreateBatch, never on insert.
	BatchID string
	// ReceivedAt is when the event was ingested; the store sets it when zero on insert.
	ReceivedAt time.Time
	// UpdatedAt is when the row last changed; set by the store.
	UpdatedAt time.Time
	// Topic is the Kafka topic the event was read from; empty when it did not come from
	// Kafka, in which case Partition and Offset are ignored.
	Topic string
	// Partition is the Kafka partition the event was read from.
	Partition int
	// Offset is the Kafka offset of the message that carried the event.
	Offset int64
}

// Validate reports, as an error wrapping ErrInvalid, the first reason the store would
// refuse to insert e.
func (e *Event) Validate() error {
	if err := checkKey("event ID", e.ID); err != nil {
		return err
	}
	if err := checkKey("event type", e.Type); err != nil {
		return err
	}
	if err := checkHexKey("event supplier", e.Supplier); err != nil {
		return err
	}
	for _, f := range []struct{ name, v string }{
		{"event hash ID", e.HashID},
		{"event action", e.Action},
		{"event bizStep", e.BizStep},
		{"event disposition", e.Disposition},
		{"event previous event ID", e.PrevEventID},
		{"event topic", e.Topic},
	} {
		if len(f.v) > MaxKeyLength {
			return invalidf("%s is %d bytes, longer than %d", f.name, len(f.v), MaxKeyLength)
		}
		if err := checkText(f.name, f.v); err != nil {
			return err
		}
	}
	if err := checkTime("event time", e.EventTime, true); err != nil {
		return err
	}
	if err := checkTime("event received time", e.ReceivedAt, false); err != nil {
		return err
	}
	for i, p := range e.Products {
		if err := checkKey("event product "+strconv.Itoa(i), p); err != nil {
			return err
		}
	}
	if r := e.OriginRegion; r != "" && (len(r) != 2 || !isUpperASCII(r[0]) || !isUpperASCII(r[1])) {
		return invalidf("event origin region %q is not an ISO 3166-1 alpha-2 code", r)
	}
	if len(e.Claims) == 0 || !json.Valid(e.Claims) || !utf8.Valid(e.Claims) {
		return invalidf("event claims are not valid UTF-8 JSON")
	}
	switch e.Status {
	case "", StatusReceived:
		if e.RejectReason != "" {
			return invalidf("event reject reason set on a %s event", StatusReceived)
		}
	case StatusRejected:
		if err := ValidateReason(e.RejectReason); err != nil {
			return err
		}
	default:
		return invalidf("event cannot be inserted as %q", string(e.Status))
	}
	if e.BatchID != "" {
		return invalidf("event batch ID is set by CreateBatch, not on insert")
	}
	if e.Topic != "" && (e.Partition < 0 || e.Partition > math.MaxInt32 || e.Offset < 0) {
		return invalidf("event Kafka partition %d or offset %d is out of range", e.Partition, e.Offset)
	}
	return nil
}

func isUpperASCII(c byte) bool { return c >= 'A' && c <= 'Z' }

// Cursor marks a position in a listing ordered by event time, then event ID. The zero
// Cursor is the start.
type Cursor struct {
	// EventTime is the event time of the last event seen.
	EventTime time.Time
	// ID is the ID of the last event seen.
	ID string
}

// Cursor returns the position just after e, to pass as the next page's cursor.
func (e *Event) Cursor() Cursor { return Cursor{EventTime: StoredTime(e.EventTime), ID: e.ID} }

// IsZero reports whether c is the start of a listing.
func (c Cursor) IsZero() bool { return c.EventTime.IsZero() && c.ID == "" }

// String encodes c as an opaque URL-safe token; the zero Cursor encodes as "".
func (c Cursor) String() string {
	if c.IsZero() {
		return ""
	}
	raw := strconv.FormatInt(StoredTime(c.EventTime).UnixMilli(), 10) + ":" + c.ID
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// ParseCursor decodes a token made by Cursor.String; "" is the zero Cursor.
func ParseCursor(token string) (Cursor, error) {
	if token == "" {
		return Cursor{}, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return Cursor{}, invalidf("malformed cursor: %v", err)
	}
	ms, id, ok := strings.Cut(string(raw), ":")
	if !ok || id == "" {
		return Cursor{}, invalidf("malformed cursor")
	}
	n, err := strconv.ParseInt(ms, 10, 64)
	if err != nil {
		return Cursor{}, invalidf("malformed cursor time: %v", err)
	}
	c := Cursor{EventTime: time.UnixMilli(n).UTC(), ID: id}
	if err := checkTime("cursor time", c.EventTime, true); err != nil {
		return Cursor{}, err
	}
	if err := checkKey("cursor event ID", c.ID); err != nil {
		return Cursor{}, err
	}
	return c, nil
}

// Validate reports, as an error wrapping ErrInvalid, why c cannot be used as a cursor: a
// non-zero cursor needs both a time and an ID.
func (c Cursor) Validate() error {
	if c.IsZero() {
		return nil
	}
	if err := checkTime("cursor time", c.EventTime, true); err != nil {
		return err
	}
	return checkKey("cursor event ID", c.ID)
}

// InsertResult is the outcome of one event in InsertEvents.
type InsertResult struct {
	// Inserted is true when the event was new and is now stored.
	Inserted bool
	// Err is why the event was not stored: an error wrapping ErrInvalid, or a
	// *ConflictError. It is nil both for new events and for exact repeats.
	Err error
}
