package sqlstore

import (
	"cmp"
	"context"
	"crypto/hmac"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/provenant/provenant/store"
)

// InsertEventGroups stores each group of events all or nothing, in one transaction, and
// returns one error per group: nil when the whole group is stored, else the first reason
// it was refused (an error wrapping store.ErrInvalid, or a *store.ConflictError), in which
// case none of its events is stored. The returned error means nothing was stored.
//
// It takes a fixed number of statements per call, not per group. Inside the transaction
// it decides every group in memory (planGroups), first assuming that none of their IDs is
// stored yet, and inserts the new events of the accepted groups with insertPrepared, sorted
// by ID as InsertEvents does, so that concurrent writers take their row locks in one order.
// A stored ID with the same content is a repeat and changes nothing. A stored ID with other
// content, whether stored before the call or, on PostgreSQL, by a concurrent transaction
// that committed meanwhile, makes insertPrepared report a conflict: the transaction is
// then rolled back and run again, planned this time from the digests stored under the
// groups' IDs, read at its start (READ COMMITTED: the new transaction sees the row). The
// events table only grows, so every new plan knows more IDs than the last, and the loop
// ends. Rolling the whole transaction back, rather than to a savepoint, is what lets the
// inserts run without SQLite's statement journals (inInsertTx); a conflict is rare.
func (s *Store) InsertEventGroups(ctx context.Context, groups [][]store.Event) ([]error, error) {
	if s.sealer == nil {
		return nil, fmt.Errorf("insert event groups: %w", store.ErrNoSealer)
	}
	errs := make([]error, len(groups))
	prepared := make([]preparedGroup, 0, len(groups))
	now := s.now()
	for g, events := range groups {
		ps, err := s.prepareGroup(events, now)
		if err != nil {
			errs[g] = err
			continue
		}
		if len(ps) > 0 {
			prepared = append(prepared, preparedGroup{at: g, events: ps})
		}
	}
	if len(prepared) == 0 {
		return errs, nil
	}

	var refused []error
	known := -1 // IDs the last plan knew were stored; -1 before the first read
	for {
		err := s.inInsertTx(ctx, func(tx *sql.Tx) error {
			var err error
			refused, known, err = s.insertGroups(ctx, tx, prepared, known)
			return err
		})
		if errors.Is(err, errStalePlan) {
			s.log.DebugContext(ctx, "event groups met a stored ID with other content; planning again", "known_ids", known)
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("insert %d event groups: %w", len(groups), err)
		}
		break
	}
	for j, g := range prepared {
		if refused[j] != nil {
			errs[g.at] = refused[j]
			s.log.DebugContext(ctx, "event group refused", "group", g.at, "error", refused[j])
		}
	}
	return errs, nil
}

// preparedGroup is a group of InsertEventGroups with every event prepared.
type preparedGroup struct {
	at     int              // index in the caller's slice
	events []*preparedEvent // in the caller's order
}

// prepareGroup prepares every event of a group, or returns the error of the first
// invalid one.
func (s *Store) prepareGroup(events []store.Event, now time.Time) ([]*preparedEvent, error) {
	ps := make([]*preparedEvent, len(events))
	for i := range events {
		p, err := s.prepareEvent(&events[i], now)
		if err != nil {
			return nil, fmt.Errorf("insert event %q: %w", events[i].ID, err)
		}
		ps[i] = p
	}
	return ps, nil
}

// errStalePlan fails a transaction of InsertEventGroups whose plan met a stored ID with
// other content, so that it is rolled back and planned again from what is stored.
var errStalePlan = errors.New("plan of event groups is stale")

// insertGroups stores the groups it accepts, in tx, and returns one error per group (nil
// for the accepted ones) and how many of the groups' IDs the plan knew were stored.
//
// known < 0 is the first try: the plan assumes that none of the IDs is stored, which is
// what ingest sees almost always; a repeat with the same content does not upset it, and
// one with other content shows up as a conflict from insertPrepared, as a concurrent
// writer's does, and fails tx with errStalePlan. Reading the stored digests first would
// cost a lookup per event on every call. known >= 0 is a try after a stale plan: the plan
// is made from the digests stored under the groups' IDs, read first; they must be more
// than known. It keeps no state between calls, so that inTx may run it again.
func (s *Store) insertGroups(ctx context.Context, tx *sql.Tx, groups []preparedGroup, known int) ([]error, int, error) {
	stored := map[string][]byte{}
	if known >= 0 {
		var err error
		if stored, err = s.storedDigests(ctx, tx, eventPerID(groups)); err != nil {
			return nil, known, err
		}
		if len(stored) <= known {
			// Cannot happen under READ COMMITTED; under a stricter isolation the insert
			// fails with a serialization error instead, which inTx retries.
			return nil, known, errors.New("events inserted concurrently are not visible to the transaction")
		}
	}
	refused, fresh := planGroups(groups, stored)
	if s.afterGroupsPlanned != nil {
		if err := s.afterGroupsPlanned(); err != nil {
			return nil, known, err
		}
	}
	if len(fresh) == 0 {
		return refused, len(stored), nil
	}
	results, err := s.insertPrepared(ctx, tx, fresh)
	if err != nil {
		return nil, known, err
	}
	// An event inserted meanwhile with the same content is stored as wanted; with other
	// content, the plan is stale.
	if slices.ContainsFunc(results, func(r store.InsertResult) bool { return r.Err != nil }) {
		return nil, len(stored), errStalePlan
	}
	return refused, len(stored), nil
}

// eventPerID returns one event of the groups per ID, to read what is stored under it.
func eventPerID(groups []preparedGroup) []*preparedEvent {
	var out []*preparedEvent
	seen := make(map[string]bool)
	for _, g := range groups {
		for _, p := range g.events {
			if !seen[p.id] {
				seen[p.id] = true
				out = append(out, p)
			}
		}
	}
	return out
}

// planGroups decides the groups in order from the digests stored under their IDs: a group
// is refused, with a *store.ConflictError naming its first such event, when one of its
// events differs from the content stored, from an earlier accepted group's, or from an
// earlier event of its own with the same ID. It returns one error per group and the events
// to insert: one per ID not stored, from accepted groups, sorted by ID.
func planGroups(groups []preparedGroup, stored map[string][]byte) ([]error, []*preparedEvent) {
	refused := make([]error, len(groups))
	accepted := make(map[string]*preparedEvent) // new IDs of the groups accepted so far
	var added []string                          // IDs the current group added to accepted
	for j, g := range groups {
		added = added[:0]
		for _, p := range g.events {
			digest, ok := stored[p.id]
			if !ok {
				if first, dup := accepted[p.id]; dup {
					digest, ok = first.digest, true
				}
			}
			if !ok {
				accepted[p.id] = p
				added = append(added, p.id)
				continue
			}
			if !hmac.Equal(digest, p.digest) {
				refused[j] = fmt.Errorf("insert event %q: %w", p.id, &store.ConflictError{EventID: p.id})
				for _, id := range added {
					delete(accepted, id)
				}
				break
			}
		}
	}
	fresh := make([]*preparedEvent, 0, len(accepted))
	for _, p := range accepted {
		fresh = append(fresh, p)
	}
	slices.SortFunc(fresh, func(a, b *preparedEvent) int { return cmp.Compare(a.id, b.id) })
	return refused, fresh
}
