package store

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Sentinel errors callers tell apart with errors.Is.
var (
	// ErrNotFound reports that the requested supplier, event, batch, batch member, anchor or
	// registry snapshot does not exist.
	ErrNotFound = errors.New("store: not found")

	// ErrConflict reports a write that would replace content already stored under the same
	// key. The concrete error is a *ConflictError.
	ErrConflict = errors.New("store: conflicting content")

	// ErrInvalid reports input the store refuses before touching the database: a missing
	// field, malformed JSON, text that is not UTF-8, an unknown status.
	ErrInvalid = errors.New("store: invalid input")

	// ErrInvalidTransition reports a status change the lifecycle does not allow, such as
	// rejecting an event that is already proven. The concrete error is a *TransitionError.
	ErrInvalidTransition = errors.New("store: invalid status transition")

	// ErrNoSealer reports an operation that needs the payload key on a store opened
	// without a Sealer.
	ErrNoSealer = errors.New("store: no sealer configured")

	// ErrWrongKey reports a sealed payload written under a different key than the one the
	// Sealer holds.
	ErrWrongKey = errors.New("store: payload sealed under a different key")

	// ErrCorruptPayload reports a sealed payload that fails authentication: it was altered,
	// truncated, or moved from another event's row.
	ErrCorruptPayload = errors.New("store: sealed payload failed authentication")

	// ErrNotClaimed reports a change to an event that another owner holds with a live
	// claim (see ClaimStore). The concrete error is a *ClaimError.
	ErrNotClaimed = errors.New("store: event claimed by another owner")
)

// ConflictError reports that a write was refused because different content is already
// stored under the same key. Exactly one of EventID, BatchID or SnapshotID is set. It
// matches ErrConflict with errors.Is.
type ConflictError struct {
	// EventID is the ID of an event stored with different claims, private payload or
	// supplier.
	EventID string
	// BatchID is the ID of a batch stored with different content, or of a batch already
	// anchored with a different anchor.
	BatchID string
	// SnapshotID is the ID of a registry snapshot already published in another
	// transaction.
	SnapshotID int64
}

// Error describes the conflicting record.
func (e *ConflictError) Error() string {
	switch {
	case e.EventID != "":
		return fmt.Sprintf("store: event %q already stored with different content", e.EventID)
	case e.BatchID != "":
		return fmt.Sprintf("store: batch %q already stored with different content", e.BatchID)
	case e.SnapshotID != 0:
		return "store: registry snapshot " + strconv.FormatInt(e.SnapshotID, 10) + " already published in another transaction"
	default:
		return ErrConflict.Error()
	}
}

// Is reports whether target is ErrConflict.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// TransitionError reports a status change refused by the lifecycle. It matches
// ErrInvalidTransition with errors.Is.
type TransitionError struct {
	// EventID is the event whose status could not change; empty for a batch.
	EventID string
	// BatchID is the batch whose status could not change, or the batch the event was
	// being added to.
	BatchID string
	// From is the current status.
	From Status
	// To is the refused target status.
	To Status
}

// Error describes the refused transition.
func (e *TransitionError) Error() string {
	if e.EventID != "" {
		return fmt.Sprintf("store: event %q cannot go from %s to %s", e.EventID, e.From, e.To)
	}
	return fmt.Sprintf("store: batch %q cannot go from %s to %s", e.BatchID, e.From, e.To)
}

// Is reports whether target is ErrInvalidTransition.
func (e *TransitionError) Is(target error) bool { return target == ErrInvalidTransition }

// ClaimError reports that CreateBatch or RejectEvent was refused because another owner
// holds a live claim on the event. It matches ErrNotClaimed with errors.Is.
type ClaimError struct {
	// EventID is the claimed event.
	EventID string
	// Owner is the owner whose change was refused.
	Owner string
	// HeldBy is the owner that holds the claim.
	HeldBy string
	// Expires is when HeldBy's claim runs out, on the store's clock.
	Expires time.Time
}

// Error describes the claim in the way.
func (e *ClaimError) Error() string {
	return fmt.Sprintf("store: event %q is claimed by %q until %s, not by %q",
		e.EventID, e.HeldBy, e.Expires.UTC().Format("2006-01-02T15:04:05.000Z"), e.Owner)
}

// Is reports whether target is ErrNotClaimed.
func (e *ClaimError) Is(target error) bool { return target == ErrNotClaimed }

// invalidf returns an error wrapping ErrInvalid with a formatted reason.
func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)
}
