package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/provenant/provenant/store"
)

// receivedLiteral is the RECEIVED status as an SQL literal. The claim queries name it
// literally, not as a parameter, so that both databases can use the partial index
// events_claim_queue (WHERE status = 'RECEIVED').
const receivedLiteral = "'" + string(store.StatusReceived) + "'"

// freeClaim is the condition, on events, of an event no live lease holds at the time bound
// to its one parameter. A lease ends at claim_expires: it is live while now is before it.
const freeClaim = `(claim_expires IS NULL OR claim_expires <= ?)`

// claimPostgres leases the oldest free RECEIVED events. The CTE locks the rows it picks
// and skips those another transaction has locked, so that concurrent claimers take
// different events without waiting for each other; a row a concurrent claimer committed
// meanwhile is checked again once locked (READ COMMITTED), and left out when its new
// lease is live. MATERIALIZED keeps the locking subquery from being inlined and run more
// than once. Parameters: now, limit, owner, expiry.
const claimPostgres = `WITH picked AS MATERIALIZED (
		SELECT id FROM events
		WHERE status = ` + receivedLiteral + ` AND ` + freeClaim + `
		ORDER BY received_at, id LIMIT ?
		FOR UPDATE SKIP LOCKED)
	UPDATE events e SET claimed_by = ?, claim_expires = ?
	FROM picked WHERE e.id = picked.id
	RETURNING ` + eventColumns

// claimSQLite leases the oldest free RECEIVED events. The write transaction holds the
// database lock from its start, so no other claimer runs between the pick and the
// update. The planner is told the index: left to itself, it may read every RECEIVED
// event through events_status_time and sort them, which costs the whole backlog on each
// claim. SQLite's RETURNING takes no table alias. Parameters: owner, expiry, now, limit.
var claimSQLite = `UPDATE events SET claimed_by = ?, claim_expires = ?
	WHERE id IN (
		SELECT id FROM events INDEXED BY events_claim_queue
		WHERE status = ` + receivedLiteral + ` AND ` + freeClaim + `
		ORDER BY received_at, id LIMIT ?)
	RETURNING ` + strings.ReplaceAll(eventColumns, "e.", "")

// ClaimEvents leases up to limit RECEIVED events that no live lease holds, oldest
// (received time, then ID) first, to owner until now+lease, and returns them with their
// private payloads opened.
func (s *Store) ClaimEvents(ctx context.Context, owner string, limit int, lease time.Duration) ([]store.Event, error) {
	if s.sealer == nil {
		return nil, fmt.Errorf("claim events: %w", store.ErrNoSealer)
	}
	if err := checkClaimArgs(owner, lease); err != nil {
		return nil, fmt.Errorf("claim events for %q: %w", owner, err)
	}
	if limit < 1 {
		return nil, fmt.Errorf("claim events for %q: %w: limit %d is not positive", owner, store.ErrInvalid, limit)
	}
	limit = min(limit, store.MaxPageSize)
	now := s.now()
	nowArg, expires := s.dialect.timeArg(now), s.dialect.timeArg(now.Add(lease))
	query, args := claimSQLite, []any{owner, expires, nowArg, limit}
	if s.dialect == dialectPostgres {
		query, args = claimPostgres, []any{nowArg, limit, owner, expires}
	}
	var events []store.Event
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		events = events[:0]
		rows, err := tx.QueryContext(ctx, s.q(query), args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			e, err := s.scanEvent(rows)
			if err != nil {
				return err
			}
			events = append(events, e)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("claim events for %q: %w", owner, err)
	}
	// RETURNING gives the rows in no particular order.
	slices.SortFunc(events, func(a, b store.Event) int {
		if c := a.ReceivedAt.Compare(b.ReceivedAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	if len(events) > 0 {
		s.log.DebugContext(ctx, "claimed events", "owner", owner, "events", len(events), "lease", lease)
	}
	return events, nil
}

// RenewClaims extends owner's leases on the events to now+lease and returns the IDs it
// still held, in the order given.
func (s *Store) RenewClaims(ctx context.Context, owner string, ids []string, lease time.Duration) ([]string, error) {
	if err := checkClaimArgs(owner, lease); err != nil {
		return nil, fmt.Errorf("renew claims of %q: %w", owner, err)
	}
	// Sorted, so that concurrent statements lock rows in one order.
	sorted := uniqueStrings(ids)
	if len(sorted) == 0 {
		return nil, nil
	}
	expires := s.dialect.timeArg(s.now().Add(lease))
	held := make(map[string]bool, len(sorted))
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		clear(held)
		return chunks(sorted, idsPerStatement, func(chunk []string) error {
			args := make([]any, 0, 2+len(chunk))
			args = append(args, expires, owner)
			for _, id := range chunk {
				args = append(args, id)
			}
			rows, err := tx.QueryContext(ctx, s.q(`UPDATE events SET claim_expires = ?
				WHERE claimed_by = ? AND status = `+receivedLiteral+` AND id IN (`+placeholders(len(chunk))+`)
				RETURNING id`), args...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var id string
				if err := rows.Scan(&id); err != nil {
					return err
				}
				held[id] = true
			}
			return rows.Err()
		})
	})
	if err != nil {
		return nil, fmt.Errorf("renew claims of %q: %w", owner, err)
	}
	out := make([]string, 0, len(held))
	for _, id := range ids {
		if held[id] {
			out = append(out, id)
			delete(held, id) // once, however often it was asked for
		}
	}
	if lost := len(sorted) - len(out); lost > 0 {
		s.log.DebugContext(ctx, "claims not renewed", "owner", owner, "renewed", len(out), "not_held", lost)
	}
	return out, nil
}

// ReleaseClaims drops owner's leases on the events.
func (s *Store) ReleaseClaims(ctx context.Context, owner string, ids []string) error {
	if err := store.ValidateOwner(owner); err != nil {
		return fmt.Errorf("release claims of %q: %w", owner, err)
	}
	sorted := uniqueStrings(ids)
	if len(sorted) == 0 {
		return nil
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		return chunks(sorted, idsPerStatement, func(chunk []string) error {
			args := make([]any, 0, 1+len(chunk))
			args = append(args, owner)
			for _, id := range chunk {
				args = append(args, id)
			}
			_, err := tx.ExecContext(ctx, s.q(`UPDATE events SET claimed_by = NULL, claim_expires = NULL
				WHERE claimed_by = ? AND id IN (`+placeholders(len(chunk))+`)`), args...)
			return err
		})
	})
	if err != nil {
		return fmt.Errorf("release claims of %q: %w", owner, err)
	}
	return nil
}

// checkClaimArgs validates the owner and lease of ClaimEvents and RenewClaims.
func checkClaimArgs(owner string, lease time.Duration) error {
	if err := store.ValidateOwner(owner); err != nil {
		return err
	}
	return store.ValidateLease(lease)
}

// placeholders returns "?, ?, ?" for n parameters.
func placeholders(n int) string {
	return strings.Repeat("?, ", n-1) + "?"
}

// claimState is the claim columns of an event.
type claimState struct {
	heldBy  sql.NullString
	expires time.Time
}

// refuse returns the *store.ClaimError that keeps owner from changing event id at now, or
// nil: when owner is empty (no check), the event is not claimed, owner holds the claim, or
// the lease has expired.
func (c claimState) refuse(owner, id string, now time.Time) error {
	if owner == "" || !c.heldBy.Valid || c.heldBy.String == owner || !store.StoredTime(now).Before(c.expires) {
		return nil
	}
	return &store.ClaimError{EventID: id, Owner: owner, HeldBy: c.heldBy.String, Expires: c.expires}
}
