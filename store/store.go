package store

import (
	"context"
	"time"
)

// Store is the private event store: suppliers, events with their sealed payloads, batches,
// anchors and registry snapshots. Implementations are safe for concurrent use.
type Store interface {
	SupplierStore
	EventStore
	ClaimStore
	BatchStore
	RegistryStore

	// Ping checks that the database answers.
	Ping(ctx context.Context) error
	// Close releases the store's connections. Calls after Close fail.
	Close() error
}

// SupplierStore keeps the supplier keys known to the platform.
type SupplierStore interface {
	// AddSupplier adds s, or re-activates it when it was removed, and reports whether the
	// key was not active before. Adding an active supplier again changes nothing except
	// its Name, when one is given.
	AddSupplier(ctx context.Context, s Supplier) (added bool, err error)
	// RemoveSupplier marks the supplier removed. Removing a removed supplier is a no-op;
	// an unknown key is ErrNotFound.
	RemoveSupplier(ctx context.Context, publicKey string) error
	// GetSupplier returns the supplier with publicKey, active or removed, or ErrNotFound.
	GetSupplier(ctx context.Context, publicKey string) (Supplier, error)
	// ListSuppliers returns the active suppliers, and the removed ones too when
	// includeRemoved is set, ordered by public key.
	ListSuppliers(ctx context.Context, includeRemoved bool) ([]Supplier, error)
}

// EventStore keeps events and their status.
type EventStore interface {
	// InsertEvent stores e, sealing its private payload, and reports whether it was new.
	// Inserting the same ID again with the same claims, private payload and supplier
	// returns false and no error; with different content it returns a *ConflictError and
	// leaves the stored event unchanged. Invalid input is ErrInvalid; a store without a
	// Sealer returns ErrNoSealer.
	InsertEvent(ctx context.Context, e Event) (inserted bool, err error)
	// InsertEvents stores events in one transaction, with the semantics of InsertEvent for
	// each, and returns one result per event in order. Invalid and conflicting events are
	// reported in their results and do not stop the others; the error is for failures of
	// the whole call, in which case nothing is stored.
	InsertEvents(ctx context.Context, events []Event) ([]InsertResult, error)
	// InsertEventGroups stores each group of events all or nothing, in one transaction, and
	// returns one error per group: nil when every event of the group is stored (new, or already
	// stored with identical content), else the first reason the group was refused — a
	// *ConflictError naming the event, or an error wrapping ErrInvalid — in which case none of
	// the group's events is stored. The error return is for failures of the whole call, in
	// which case nothing at all is stored.
	//
	// Groups are decided in order: an ID may appear in several groups (a redelivered
	// message), and a later group's event is compared with the content stored before the
	// call or by an earlier accepted group of the call; an event of a refused group counts
	// for nothing. A group is checked for ErrInvalid before the database is touched, so it
	// is refused for an invalid event even when another of its events conflicts. An empty
	// group is stored trivially (nil). A store without a Sealer returns ErrNoSealer.
	InsertEventGroups(ctx context.Context, groups [][]Event) ([]error, error)
	// GetEvent returns the event with id, its private payload opened, or ErrNotFound.
	GetEvent(ctx context.Context, id string) (Event, error)
	// GetEventsPublic returns the events with ids, keyed by ID, as GetEvent returns them
	// but without their private payloads: the sealed payload is not even read, so Private
	// is nil, a payload that would not open (ErrWrongKey, ErrCorruptPayload) fails
	// nothing, and a store opened without a Sealer serves the call. Unknown IDs are left
	// out of the map, and a repeated ID is read once. No IDs is an empty map, returned
	// without touching the database. An ID that fails ValidateIDs is ErrInvalid.
	GetEventsPublic(ctx context.Context, ids []string) (map[string]Event, error)
	// ListEventsByProduct returns up to limit events that concern product, ordered by
	// event time then ID, starting after the cursor. It reads the sealed private payloads
	// and, when the store has a Sealer, opens them: a payload that fails to open
	// (ErrWrongKey, ErrCorruptPayload, naming the event) fails the call. A store without a
	// Sealer returns the events with a nil Private. Services that serve only public data
	// use ListEventsByProductPublic, which never reads the payloads.
	ListEventsByProduct(ctx context.Context, product string, after Cursor, limit int) ([]Event, error)
	// ListEventsByProductPublic is ListEventsByProduct without the private payloads: the
	// same events in the same order, with a nil Private, the sealed payloads not even
	// read, so that a payload that would not open fails nothing.
	ListEventsByProductPublic(ctx context.Context, product string, after Cursor, limit int) ([]Event, error)
	// ListEventsByStatus returns up to limit events with status, ordered by event time then
	// ID, starting after the cursor.
	ListEventsByStatus(ctx context.Context, status Status, after Cursor, limit int) ([]Event, error)
	// RejectEvent marks a RECEIVED event REJECTED with reason and drops its claim. owner is
	// the caller's claim owner (see ClaimStore): when another owner holds a live claim on
	// the event, RejectEvent is refused with a *ClaimError and changes nothing. An empty
	// owner skips the claim check. Rejecting a rejected event is a no-op that keeps the
	// first reason, whoever asks; an event in any other status is a *TransitionError; an
	// unknown ID is ErrNotFound.
	RejectEvent(ctx context.Context, owner, id, reason string) error
	// CountEventsByStatus returns how many events have each status; every status is
	// present in the map.
	CountEventsByStatus(ctx context.Context) (map[Status]int64, error)
}

// ClaimStore leases RECEIVED events to provers, so that provers sharing one database
// never prove the same event, and the events of a prover that stops mid-batch go back to
// the queue when its lease runs out. No coordinator is involved: the database decides
// (FOR UPDATE SKIP LOCKED on PostgreSQL, the single writer on SQLite).
//
// A claim leases an event to an owner, a name the prover picks that no other prover
// running at the same time uses (host name and process ID, say), until an expiry time on
// the store's clock: WithClock in sqlstore, time.Now by default, so replicas need
// synchronized clocks, and a lease should be several times longer than their skew. The
// lease is live until it expires. An expired lease is free for any owner to claim, but
// until another owner does, it still names its owner, which may renew it or finish the
// event.
//
// A prover claims events (ClaimEvents), renews its leases well before they expire while
// it proves them (RenewClaims), and ends each claim by storing the batch
// (BatchStore.CreateBatch) or rejecting the event (EventStore.RejectEvent) with its owner
// name, both of which drop the claim, or by giving the events back (ReleaseClaims).
// CreateBatch and RejectEvent refuse, with a *ClaimError, an event that another owner
// holds with a live lease. Only RECEIVED events are claimed. Claims are not part of
// Event, and claiming, renewing or releasing changes neither the event's status nor its
// UpdatedAt.
type ClaimStore interface {
	// ClaimEvents leases up to limit RECEIVED events that no live lease holds, oldest
	// (received time, then ID) first, to owner until now+lease, and returns them in that
	// order with their private payloads opened. Expired leases are free to take, the
	// owner's own included; events the owner holds with a live lease are not returned
	// again. It returns fewer events, or none, when no more are free. owner must pass
	// ValidateOwner, lease must be at least a millisecond and limit positive, else
	// ErrInvalid; a limit above MaxPageSize is lowered to it. A store without a Sealer
	// returns ErrNoSealer. A payload that fails to open (ErrWrongKey, ErrCorruptPayload,
	// naming the event) fails the call, and nothing is claimed.
	ClaimEvents(ctx context.Context, owner string, limit int, lease time.Duration) ([]Event, error)
	// RenewClaims extends owner's leases on the events to now+lease and returns the IDs it
	// still held, in the order given, without repeats: those whose lease names owner, live
	// or expired. A lease that expired and was taken by another owner is lost; events
	// proven or rejected since (their claims dropped), events owner never claimed and
	// unknown IDs are left out. owner and lease are checked as by ClaimEvents.
	RenewClaims(ctx context.Context, owner string, ids []string, lease time.Duration) ([]string, error)
	// ReleaseClaims drops owner's leases on the events, which become claimable at once.
	// Events owner does not hold, and unknown IDs, are left as they are. owner is checked
	// as by ClaimEvents.
	ReleaseClaims(ctx context.Context, owner string, ids []string) error
}

// BatchStore keeps proven batches, their members and their ledger anchors.
type BatchStore interface {
	// CreateBatch stores b with its members and marks every member event PROVEN in b, in
	// one transaction, dropping the members' claims. Every member event must be RECEIVED
	// (else *TransitionError, or ErrNotFound for an unknown event) and, unless owner is
	// empty, not held by a live claim of another owner (else *ClaimError; see ClaimStore);
	// nothing is stored unless all members pass. An empty owner skips the claim check.
	// Creating the same batch again is a no-op, whoever asks, unless it was rejected
	// (*TransitionError: a new batch needs a new ID); a different batch with the same ID is
	// a *ConflictError.
	CreateBatch(ctx context.Context, owner string, b Batch, members []BatchMember) error
	// GetBatch returns the batch with id, or ErrNotFound.
	GetBatch(ctx context.Context, id string) (Batch, error)
	// GetBatches returns the batches with ids, keyed by ID, as GetBatch returns them.
	// Unknown IDs are left out of the map, and a repeated ID is read once. No IDs is an
	// empty map, returned without touching the database. An ID that fails ValidateIDs is
	// ErrInvalid.
	GetBatches(ctx context.Context, ids []string) (map[string]Batch, error)
	// ListBatchesByStatus returns up to limit batches with status, oldest first.
	ListBatchesByStatus(ctx context.Context, status Status, limit int) ([]Batch, error)
	// ListBatchMembers returns the members of the batch, ordered by index, or ErrNotFound
	// for an unknown batch.
	ListBatchMembers(ctx context.Context, batchID string) ([]BatchMember, error)
	// GetBatchMember returns the event's membership in the batch it is currently proven
	// in, or ErrNotFound when the event is unknown or in no batch.
	GetBatchMember(ctx context.Context, eventID string) (BatchMember, error)
	// GetBatchMembersByEvent returns, keyed by event ID, the membership GetBatchMember
	// returns of each of the events that is currently proven in a batch (BatchID set).
	// Unknown events, and events in no batch (never proven, rejected, or returned to
	// RECEIVED by RejectBatch), are left out of the map, and a repeated ID is read once. No
	// IDs is an empty map, returned without touching the database. An ID that fails
	// ValidateIDs is ErrInvalid.
	GetBatchMembersByEvent(ctx context.Context, eventIDs []string) (map[string]BatchMember, error)
	// RejectBatch marks a PROVEN batch REJECTED with reason and returns its events to
	// RECEIVED, out of any batch, so that they are proven again. Rejecting a rejected batch
	// is a no-op; an anchored batch is a *TransitionError.
	RejectBatch(ctx context.Context, batchID, reason string) error
	// RecordAnchor stores a and marks the batch and its events ANCHORED, in one
	// transaction, and reports whether the anchor was new. Recording the same anchor
	// again returns false; a different anchor for the batch is a *ConflictError; a root
	// that differs from the batch root is ErrInvalid; a rejected batch is a
	// *TransitionError.
	RecordAnchor(ctx context.Context, a Anchor) (recorded bool, err error)
	// GetAnchor returns the anchor of the batch, or ErrNotFound.
	GetAnchor(ctx context.Context, batchID string) (Anchor, error)
	// GetAnchors returns the anchors of the batches, keyed by batch ID, as GetAnchor
	// returns them. Unknown and unanchored batches are left out of the map, and a repeated
	// ID is read once. No IDs is an empty map, returned without touching the database. An
	// ID that fails ValidateIDs is ErrInvalid.
	GetAnchors(ctx context.Context, batchIDs []string) (map[string]Anchor, error)
}

// RegistryStore keeps the history of registry snapshots.
type RegistryStore interface {
	// SaveRegistrySnapshot appends s to its kind's history and returns it with ID and
	// CreatedAt set. When the latest snapshot of the kind has the same root and data, it
	// returns that one instead of appending a copy.
	SaveRegistrySnapshot(ctx context.Context, s RegistrySnapshot) (RegistrySnapshot, error)
	// GetRegistrySnapshot returns the snapshot with id, or ErrNotFound.
	GetRegistrySnapshot(ctx context.Context, id int64) (RegistrySnapshot, error)
	// LatestRegistrySnapshot returns the kind's newest snapshot, or ErrNotFound.
	LatestRegistrySnapshot(ctx context.Context, kind RegistryKind) (RegistrySnapshot, error)
	// ListRegistrySnapshots returns the kind's snapshots, oldest first.
	ListRegistrySnapshots(ctx context.Context, kind RegistryKind) ([]RegistrySnapshot, error)
	// MarkRegistryPublished records that the snapshot's root was published in ledger
	// transaction txID. Marking it again with the same txID is a no-op; with another it is
	// a *ConflictError.
	MarkRegistryPublished(ctx context.Context, id int64, txID string) error
}
