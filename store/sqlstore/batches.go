package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/provenant/provenant/store"
)

const batchColumns = `id, circuit, circuit_version, size, root, proof, public_inputs, status,
	reject_reason, created_at`

const memberColumns = `m.batch_id, m.event_id, m.idx, m.leaf, m.blinded_commitment, m.merkle_path`

const anchorColumns = `batch_id, tx_id, block_number, channel, batch_root, tx_timestamp`

func scanBatch(row rowScanner) (store.Batch, error) {
	var b store.Batch
	var status string
	err := row.Scan(&b.ID, &b.Circuit, &b.CircuitVersion, &b.Size, &b.Root, &b.Proof,
		stringsCol{&b.PublicInputs}, &status, &b.RejectReason, timeCol{&b.CreatedAt})
	b.Status = store.Status(status)
	return b, err
}

func scanMember(row rowScanner) (store.BatchMember, error) {
	var m store.BatchMember
	err := row.Scan(&m.BatchID, &m.EventID, &m.Index, &m.Leaf, &m.BlindedCommitment, stringsCol{&m.MerklePath})
	return m, err
}

func scanAnchor(row rowScanner) (store.Anchor, error) {
	var a store.Anchor
	var block int64
	err := row.Scan(&a.BatchID, &a.TxID, &block, &a.Channel, &a.BatchRoot, timeCol{&a.Timestamp})
	a.BlockNumber = uint64(block) // the column is checked non-negative
	return a, err
}

// CreateBatch stores b with its members and marks every member event PROVEN in b, all in
// one transaction, dropping the members' claims; it fails without storing anything unless
// every member event is RECEIVED and, when owner is not empty, not held by another
// owner's live claim. Creating the same batch again is a no-op.
func (s *Store) CreateBatch(ctx context.Context, owner string, b store.Batch, members []store.BatchMember) error {
	if owner != "" {
		if err := store.ValidateOwner(owner); err != nil {
			return fmt.Errorf("create batch %q: %w", b.ID, err)
		}
	}
	if err := b.Validate(); err != nil {
		return fmt.Errorf("create batch %q: %w", b.ID, err)
	}
	if err := b.ValidateMembers(members); err != nil {
		return fmt.Errorf("create batch %q: %w", b.ID, err)
	}
	publicInputs, err := stringsArg(b.PublicInputs)
	if err != nil {
		return fmt.Errorf("create batch %q: %w", b.ID, err)
	}
	memberArgs := make([]any, 0, memberParams*len(members))
	for i := range members {
		m := &members[i]
		path, err := stringsArg(m.MerklePath)
		if err != nil {
			return fmt.Errorf("create batch %q: %w", b.ID, err)
		}
		memberArgs = append(memberArgs, b.ID, m.Index, m.EventID, m.Leaf, m.BlindedCommitment, path)
	}
	// Lock events in ID order, so that concurrent batches cannot deadlock.
	eventIDs := make([]string, len(members))
	for i := range members {
		eventIDs[i] = members[i].EventID
	}
	slices.Sort(eventIDs)

	now := s.now()
	created := b.CreatedAt
	if created.IsZero() {
		created = now
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`INSERT INTO batches (id, circuit, circuit_version, size, root,
			proof, public_inputs, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO NOTHING`),
			b.ID, b.Circuit, b.CircuitVersion, b.Size, b.Root, b.Proof, publicInputs,
			string(store.StatusProven), s.dialect.timeArg(created), s.dialect.timeArg(now))
		if err != nil {
			return err
		}
		n, err := rowsAffected(res)
		if err != nil {
			return err
		}
		if n == 0 {
			stored, err := scanBatch(tx.QueryRowContext(ctx, s.q(`SELECT `+batchColumns+` FROM batches WHERE id = ?`), b.ID))
			if err != nil {
				return fmt.Errorf("read stored batch: %w", err)
			}
			if !stored.SameContent(&b) {
				return &store.ConflictError{BatchID: b.ID}
			}
			if stored.Status == store.StatusRejected { // its events left it; a new batch needs a new ID
				return &store.TransitionError{BatchID: b.ID, From: stored.Status, To: store.StatusProven}
			}
			return nil
		}
		if err := s.lockMembers(ctx, tx, owner, b.ID, eventIDs, now); err != nil {
			return err
		}
		// Every member is locked, RECEIVED and free for owner: mark them all.
		nowArg := s.dialect.timeArg(now)
		err = chunks(eventIDs, idsPerStatement, func(chunk []string) error {
			args := make([]any, 0, 4+len(chunk))
			args = append(args, string(store.StatusProven), b.ID, nowArg, string(store.StatusReceived))
			for _, id := range chunk {
				args = append(args, id)
			}
			res, err := tx.ExecContext(ctx, s.q(`UPDATE events SET status = ?, batch_id = ?, updated_at = ?,
				claimed_by = NULL, claim_expires = NULL
				WHERE status = ? AND id IN (`+placeholders(len(chunk))+`)`), args...)
			if err != nil {
				return fmt.Errorf("mark events proven: %w", err)
			}
			if n, err := rowsAffected(res); err != nil {
				return err
			} else if n != int64(len(chunk)) {
				return fmt.Errorf("mark events proven: %d of %d locked events changed", n, len(chunk))
			}
			return nil
		})
		if err != nil {
			return err
		}
		return chunks(memberArgs, memberParams*eventsPerStatement, func(chunk []any) error {
			_, err := tx.ExecContext(ctx, s.q(`INSERT INTO batch_members (batch_id, idx, event_id, leaf,
				blinded_commitment, merkle_path) VALUES `+valuesList(len(chunk)/memberParams, memberParams)), chunk...)
			if err != nil {
				return fmt.Errorf("add members: %w", err)
			}
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("create batch %q: %w", b.ID, err)
	}
	s.log.InfoContext(ctx, "created batch", "batch_id", b.ID, "members", len(members), "owner", owner)
	return nil
}

// memberParams is the number of parameters of one batch_members row.
const memberParams = 6

// lockMembers locks the member events of batchID in tx, in the order of eventIDs (sorted),
// and explains why the first that cannot be proven by owner at now cannot: ErrNotFound, a
// *store.TransitionError when it is not RECEIVED, a *store.ClaimError when another owner
// holds it with a live lease.
func (s *Store) lockMembers(ctx context.Context, tx *sql.Tx, owner, batchID string, eventIDs []string, now time.Time) error {
	type state struct {
		status string
		claim  claimState
	}
	states := make(map[string]state, len(eventIDs))
	err := chunks(eventIDs, idsPerStatement, func(chunk []string) error {
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := tx.QueryContext(ctx, s.q(`SELECT id, status, claimed_by, claim_expires FROM events
			WHERE id IN (`+placeholders(len(chunk))+`) ORDER BY id`+s.dialect.forUpdate()), args...)
		if err != nil {
			return fmt.Errorf("lock member events: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			var st state
			if err := rows.Scan(&id, &st.status, &st.claim.heldBy, timeCol{&st.claim.expires}); err != nil {
				return fmt.Errorf("lock member events: %w", err)
			}
			states[id] = st
		}
		return rows.Err()
	})
	if err != nil {
		return err
	}
	for _, id := range eventIDs {
		st, ok := states[id]
		switch {
		case !ok:
			return fmt.Errorf("event %q: %w", id, store.ErrNotFound)
		case store.Status(st.status) != store.StatusReceived:
			return &store.TransitionError{EventID: id, BatchID: batchID, From: store.Status(st.status), To: store.StatusProven}
		}
		if err := st.claim.refuse(owner, id, now); err != nil {
			return err
		}
	}
	return nil
}

// GetBatch returns the batch with id.
func (s *Store) GetBatch(ctx context.Context, id string) (store.Batch, error) {
	b, err := scanBatch(s.r.QueryRowContext(ctx, s.q(`SELECT `+batchColumns+` FROM batches WHERE id = ?`), id))
	if err != nil {
		return store.Batch{}, fmt.Errorf("get batch %q: %w", id, notFound(err))
	}
	return b, nil
}

// GetBatches returns the batches with ids that exist, keyed by ID.
func (s *Store) GetBatches(ctx context.Context, ids []string) (map[string]store.Batch, error) {
	if err := store.ValidateIDs("batch ID", ids); err != nil {
		return nil, fmt.Errorf("get %d batches: %w", len(ids), err)
	}
	batches, err := getByIDs(ctx, s, `SELECT `+batchColumns+` FROM batches WHERE id IN (`, ids,
		scanBatch, func(b *store.Batch) string { return b.ID })
	if err != nil {
		return nil, fmt.Errorf("get %d batches: %w", len(ids), err)
	}
	return batches, nil
}

// ListBatchesByStatus returns up to limit batches with status, oldest first.
func (s *Store) ListBatchesByStatus(ctx context.Context, status store.Status, limit int) ([]store.Batch, error) {
	if !status.Valid() {
		return nil, fmt.Errorf("list %s batches: %w: unknown status", status, store.ErrInvalid)
	}
	rows, err := s.r.QueryContext(ctx, s.q(`SELECT `+batchColumns+` FROM batches WHERE status = ?
		ORDER BY created_at, id LIMIT ?`), string(status), clampLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("list %s batches: %w", status, err)
	}
	defer rows.Close()
	var out []store.Batch
	for rows.Next() {
		b, err := scanBatch(rows)
		if err != nil {
			return nil, fmt.Errorf("list %s batches: %w", status, err)
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list %s batches: %w", status, err)
	}
	return out, nil
}

// ListBatchMembers returns the members of the batch, ordered by index.
func (s *Store) ListBatchMembers(ctx context.Context, batchID string) ([]store.BatchMember, error) {
	rows, err := s.r.QueryContext(ctx, s.q(`SELECT `+memberColumns+` FROM batch_members m
		WHERE m.batch_id = ? ORDER BY m.idx`), batchID)
	if err != nil {
		return nil, fmt.Errorf("list members of batch %q: %w", batchID, err)
	}
	defer rows.Close()
	var out []store.BatchMember
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return nil, fmt.Errorf("list members of batch %q: %w", batchID, err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list members of batch %q: %w", batchID, err)
	}
	if len(out) == 0 { // every batch has members: the batch is unknown
		return nil, fmt.Errorf("list members of batch %q: %w", batchID, store.ErrNotFound)
	}
	return out, nil
}

// GetBatchMember returns the event's membership in the batch it is currently proven in.
func (s *Store) GetBatchMember(ctx context.Context, eventID string) (store.BatchMember, error) {
	m, err := scanMember(s.r.QueryRowContext(ctx, s.q(`SELECT `+memberColumns+` FROM events e
		JOIN batch_members m ON m.batch_id = e.batch_id AND m.event_id = e.id WHERE e.id = ?`), eventID))
	if err != nil {
		return store.BatchMember{}, fmt.Errorf("get batch member %q: %w", eventID, notFound(err))
	}
	return m, nil
}

// GetBatchMembersByEvent returns the membership of each of the events that is currently
// proven in a batch, keyed by event ID.
func (s *Store) GetBatchMembersByEvent(ctx context.Context, eventIDs []string) (map[string]store.BatchMember, error) {
	if err := store.ValidateIDs("event ID", eventIDs); err != nil {
		return nil, fmt.Errorf("get batch members of %d events: %w", len(eventIDs), err)
	}
	members, err := getByIDs(ctx, s, `SELECT `+memberColumns+` FROM events e
		JOIN batch_members m ON m.batch_id = e.batch_id AND m.event_id = e.id WHERE e.id IN (`, eventIDs,
		scanMember, func(m *store.BatchMember) string { return m.EventID })
	if err != nil {
		return nil, fmt.Errorf("get batch members of %d events: %w", len(eventIDs), err)
	}
	return members, nil
}

// lockBatch reads the batch's root and status in tx, locking the row on PostgreSQL.
func (s *Store) lockBatch(ctx context.Context, tx *sql.Tx, batchID string) (root string, status store.Status, err error) {
	var st string
	err = tx.QueryRowContext(ctx, s.q(`SELECT root, status FROM batches WHERE id = ?`+s.dialect.forUpdate()), batchID).
		Scan(&root, &st)
	return root, store.Status(st), notFound(err)
}

// RejectBatch marks a PROVEN batch REJECTED and returns its events to RECEIVED, out of any
// batch.
func (s *Store) RejectBatch(ctx context.Context, batchID, reason string) error {
	if err := store.ValidateReason(reason); err != nil {
		return fmt.Errorf("reject batch %q: %w", batchID, err)
	}
	var requeued int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		requeued = 0
		_, status, err := s.lockBatch(ctx, tx, batchID)
		if err != nil {
			return err
		}
		switch status {
		case store.StatusRejected:
			return nil
		case store.StatusProven:
		default:
			return &store.TransitionError{BatchID: batchID, From: status, To: store.StatusRejected}
		}
		now := s.dialect.timeArg(s.now())
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE batches SET status = ?, reject_reason = ?, updated_at = ?
			WHERE id = ?`), string(store.StatusRejected), reason, now, batchID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, s.q(`UPDATE events SET status = ?, batch_id = NULL, updated_at = ?,
			claimed_by = NULL, claim_expires = NULL
			WHERE batch_id = ? AND status = ?`),
			string(store.StatusReceived), now, batchID, string(store.StatusProven))
		if err != nil {
			return err
		}
		requeued, err = rowsAffected(res)
		return err
	})
	if err != nil {
		return fmt.Errorf("reject batch %q: %w", batchID, err)
	}
	if requeued > 0 {
		s.log.InfoContext(ctx, "rejected batch", "batch_id", batchID, "reason", reason, "requeued_events", requeued)
	}
	return nil
}

// RecordAnchor stores a and marks the batch and its events ANCHORED, in one transaction,
// and reports whether the anchor was new.
func (s *Store) RecordAnchor(ctx context.Context, a store.Anchor) (bool, error) {
	if err := a.Validate(); err != nil {
		return false, fmt.Errorf("record anchor of batch %q: %w", a.BatchID, err)
	}
	var recorded bool
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		recorded = false
		root, status, err := s.lockBatch(ctx, tx, a.BatchID)
		if err != nil {
			return err
		}
		stored, err := scanAnchor(tx.QueryRowContext(ctx, s.q(`SELECT `+anchorColumns+` FROM anchors WHERE batch_id = ?`), a.BatchID))
		switch {
		case err == nil && stored.SameContent(&a):
			return nil
		case err == nil:
			return &store.ConflictError{BatchID: a.BatchID}
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("read stored anchor: %w", err)
		}
		if a.BatchRoot != root {
			return fmt.Errorf("%w: anchored root %s differs from batch root %s", store.ErrInvalid, a.BatchRoot, root)
		}
		if status != store.StatusProven {
			return &store.TransitionError{BatchID: a.BatchID, From: status, To: store.StatusAnchored}
		}
		now := s.dialect.timeArg(s.now())
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO anchors (batch_id, tx_id, block_number, channel,
			batch_root, tx_timestamp, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)`),
			a.BatchID, a.TxID, int64(a.BlockNumber), a.Channel, a.BatchRoot, s.dialect.timeArg(a.Timestamp), now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE batches SET status = ?, updated_at = ? WHERE id = ?`),
			string(store.StatusAnchored), now, a.BatchID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE events SET status = ?, updated_at = ? WHERE batch_id = ? AND status = ?`),
			string(store.StatusAnchored), now, a.BatchID, string(store.StatusProven)); err != nil {
			return err
		}
		recorded = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("record anchor of batch %q: %w", a.BatchID, err)
	}
	if recorded {
		s.log.InfoContext(ctx, "recorded anchor", "batch_id", a.BatchID, "tx_id", a.TxID, "block", a.BlockNumber)
	}
	return recorded, nil
}

// GetAnchor returns the anchor of the batch.
func (s *Store) GetAnchor(ctx context.Context, batchID string) (store.Anchor, error) {
	a, err := scanAnchor(s.r.QueryRowContext(ctx, s.q(`SELECT `+anchorColumns+` FROM anchors WHERE batch_id = ?`), batchID))
	if err != nil {
		return store.Anchor{}, fmt.Errorf("get anchor of batch %q: %w", batchID, notFound(err))
	}
	return a, nil
}

// GetAnchors returns the anchors of the batches that are anchored, keyed by batch ID.
func (s *Store) GetAnchors(ctx context.Context, batchIDs []string) (map[string]store.Anchor, error) {
	if err := store.ValidateIDs("batch ID", batchIDs); err != nil {
		return nil, fmt.Errorf("get anchors of %d batches: %w", len(batchIDs), err)
	}
	anchors, err := getByIDs(ctx, s, `SELECT `+anchorColumns+` FROM anchors WHERE batch_id IN (`, batchIDs,
		scanAnchor, func(a *store.Anchor) string { return a.BatchID })
	if err != nil {
		return nil, fmt.Errorf("get anchors of %d batches: %w", len(batchIDs), err)
	}
	return anchors, nil
}
