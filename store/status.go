package store

import "fmt"

// Status is where an event, or a batch, stands in the pipeline.
type Status string

// The statuses, with the string values stored in the database.
const (
	// StatusReceived: the event was ingested and waits for a proof.
	StatusReceived Status = "RECEIVED"
	// StatusProven: the event is a member of a proven batch that waits for its anchor.
	StatusProven Status = "PROVEN"
	// StatusAnchored: the event's batch is anchored on the ledger. Terminal.
	StatusAnchored Status = "ANCHORED"
	// StatusRejected: the event (or batch) was refused, with a reason. Terminal.
	StatusRejected Status = "REJECTED"
)

// Statuses lists every status in lifecycle order.
func Statuses() []Status {
	return []Status{StatusReceived, StatusProven, StatusAnchored, StatusRejected}
}

// Valid reports whether s is one of the defined statuses.
func (s Status) Valid() bool {
	switch s {
	case StatusReceived, StatusProven, StatusAnchored, StatusRejected:
		return true
	}
	return false
}

// String returns the stored value of s.
func (s Status) String() string { return string(s) }

// ParseStatus returns the Status named by v (RECEIVED, PROVEN, ANCHORED or REJECTED).
func ParseStatus(v string) (Status, error) {
	s := Status(v)
	if !s.Valid() {
		return "", invalidf("unknown status %q", v)
	}
	return s, nil
}

// CanTransitionTo reports whether an event may go from s to next. The lifecycle is:
//
//	RECEIVED -> PROVEN    (CreateBatch)
//	RECEIVED -> REJECTED  (RejectEvent)
//	PROVEN   -> ANCHORED  (RecordAnchor)
//	PROVEN   -> RECEIVED  (RejectBatch: the event waits for another batch)
//
// ANCHORED and REJECTED are terminal.
func (s Status) CanTransitionTo(next Status) bool {
	switch s {
	case StatusReceived:
		return next == StatusProven || next == StatusRejected
	case StatusProven:
		return next == StatusAnchored || next == StatusReceived
	}
	return false
}

// MarshalText implements encoding.TextMarshaler.
func (s Status) MarshalText() ([]byte, error) {
	if !s.Valid() {
		return nil, fmt.Errorf("store: marshal unknown status %q", string(s))
	}
	return []byte(s), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *Status) UnmarshalText(b []byte) error {
	v, err := ParseStatus(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}
