package sqlstore

import (
	"cmp"
	"context"
	"crypto/hmac"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/provenant/provenant/store"
)

// eventColumns are the columns scanEvent reads, from events aliased as e.
const eventColumns = `e.id, e.hash_id, e.type, e.action, e.biz_step, e.disposition, e.event_time,
	e.products, e.origin_region, e.prev_event_id, e.supplier, e.claims, e.private_sealed, e.status,
	e.reject_reason, e.batch_id, e.received_at, e.updated_at, e.kafka_topic, e.kafka_partition,
	e.kafka_offset`

// publicEventColumns are the columns scanPublicEvent reads: eventColumns without the
// sealed private payload, which public reads never fetch.
const publicEventColumns = `e.id, e.hash_id, e.type, e.action, e.biz_step, e.disposition, e.event_time,
	e.products, e.origin_region, e.prev_event_id, e.supplier, e.claims, e.status,
	e.reject_reason, e.batch_id, e.received_at, e.updated_at, e.kafka_topic, e.kafka_partition,
	e.kafka_offset`

// insertEventsPrefix starts a multi-row INSERT into events; eventParams placeholders per
// event follow.
const insertEventsPrefix = `INSERT INTO events (id, hash_id, type, action, biz_step, disposition,
	event_time, products, origin_region, prev_event_id, supplier, claims, private_sealed,
	content_digest, status, reject_reason, received_at, updated_at, kafka_topic, kafka_partition,
	kafka_offset) VALUES `

const eventParams = 21

// Rows per multi-row statement, keeping the parameters of one statement well under the
// limits of SQLite (32766) and PostgreSQL (65535). The inserts of events and products
// take powers of two up to these (pow2Chunks), so that their statements can be cached.
const (
	eventsPerStatement   = 512
	productsPerStatement = 2048
	idsPerStatement      = 5000
)

// idsPerRead is how many keys one query of the batched reads (GetBatches, GetAnchors,
// GetBatchMembersByEvent, GetEventsPublic) looks up. Far below the parameter limits, it
// keeps each query and its result (whole rows: proofs, claims) modest, while thousands of
// keys still take only a few queries.
const idsPerRead = 500

// preparedEvent is an event validated, sealed and encoded, ready to insert. Preparing
// happens before the transaction, so a retried transaction does not redo it.
type preparedEvent struct {
	at        int // index in the caller's slice
	id        string
	eventTime any
	products  []string // without repeats
	digest    []byte
	args      []any
}

func (s *Store) prepareEvent(e *store.Event, now time.Time) (*preparedEvent, error) {
	if err := e.Validate(); err != nil {
		return nil, err
	}
	status := e.Status
	if status == "" {
		status = store.StatusReceived
	}
	received := e.ReceivedAt
	if received.IsZero() {
		received = now
	}
	products, err := stringsArg(e.Products)
	if err != nil {
		return nil, err
	}
	var topic, partition, offset any
	if e.Topic != "" {
		topic, partition, offset = e.Topic, int64(e.Partition), e.Offset
	}
	p := &preparedEvent{
		id:        e.ID,
		eventTime: s.dialect.timeArg(e.EventTime),
		products:  uniqueStrings(e.Products),
		digest:    s.sealer.ContentDigest(e),
	}
	p.args = []any{
		e.ID, e.HashID, e.Type, e.Action, e.BizStep, e.Disposition,
		p.eventTime, products, e.OriginRegion, e.PrevEventID, e.Supplier, string(e.Claims),
		s.sealer.Seal(e.ID, e.Private), p.digest, string(status), e.RejectReason,
		s.dialect.timeArg(received), s.dialect.timeArg(now), topic, partition, offset,
	}
	return p, nil
}

func uniqueStrings(v []string) []string {
	out := slices.Clone(v)
	slices.Sort(out)
	return slices.Compact(out)
}

// insertEventsQuery inserts rows events, skipping the IDs stored, and returns the IDs
// inserted; the text is bound for d.
//
// On SQLite it is INSERT OR IGNORE rather than ON CONFLICT DO NOTHING, so that no
// constraint of the statement can abort it halfway. SQLite keeps a statement journal
// (a copy of every stored page the statement changes, spilled to a temporary file past
// 64 KiB) only for statements that can abort halfway inside a transaction: NOT NULL,
// CHECK and uniqueness constraints with the default ABORT, and foreign keys that are not
// deferred (see inInsertTx). The writers of events never go on with a transaction after
// a failed statement, so they need no such journal. OR IGNORE would also skip a row
// that breaks NOT NULL or CHECK; insertPrepared fails when an event is neither inserted
// nor stored, so such a row cannot pass unseen (prepareEvent's validation makes it
// unreachable).
func insertEventsQuery(d dialect, rows int) string {
	if d == dialectSQLite {
		return "INSERT OR IGNORE" + strings.TrimPrefix(insertEventsPrefix, "INSERT") +
			valuesList(rows, eventParams) + ` RETURNING id`
	}
	return d.rebind(insertEventsPrefix + valuesList(rows, eventParams) + ` ON CONFLICT (id) DO NOTHING RETURNING id`)
}

// insertProductsQuery inserts rows rows of the product index; the text is bound for d.
// On SQLite it is INSERT OR IGNORE for the reason insertEventsQuery gives; insertPrepared
// checks that every row was inserted.
func insertProductsQuery(d dialect, rows int) string {
	verb := "INSERT"
	if d == dialectSQLite {
		verb = "INSERT OR IGNORE"
	}
	return d.rebind(verb + ` INTO event_products (product, event_time, event_id) VALUES ` + valuesList(rows, 3))
}

// valuesList returns "(?, ?), (?, ?)" for rows rows of width placeholders.
func valuesList(rows, width int) string {
	row := "(" + strings.Repeat("?, ", width-1) + "?)"
	return strings.Repeat(row+", ", rows-1) + row
}

// chunks calls fn with consecutive slices of v of at most size elements.
func chunks[T any](v []T, size int, fn func([]T) error) error {
	for len(v) > 0 {
		n := min(len(v), size)
		if err := fn(v[:n]); err != nil {
			return err
		}
		v = v[n:]
	}
	return nil
}

// insertPrepared inserts the events of ps that are new, with multi-row statements, and
// returns one result per event. An ID already stored, or earlier in ps, is compared by
// content digest: equal is a repeat, different a *store.ConflictError. ps must be sorted by
// ID, so that concurrent transactions take row locks in the same order and cannot
// deadlock.
func (s *Store) insertPrepared(ctx context.Context, tx *sql.Tx, ps []*preparedEvent) ([]store.InsertResult, error) {
	inserted := make(map[string]bool, len(ps))
	err := pow2Chunks(ps, eventsPerStatement, func(chunk []*preparedEvent) error {
		args := make([]any, 0, eventParams*len(chunk))
		for _, p := range chunk {
			args = append(args, p.args...)
		}
		rows, err := s.txQuery(ctx, tx, insertEventsQuery(s.dialect, len(chunk)), args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			inserted[id] = true
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}

	// The first occurrence of an inserted ID is the one stored; every other event is
	// compared with what is stored.
	results := make([]store.InsertResult, len(ps))
	var fresh, compare []*preparedEvent
	var compareAt []int
	for i, p := range ps {
		if inserted[p.id] {
			results[i].Inserted = true
			fresh = append(fresh, p)
			delete(inserted, p.id)
			continue
		}
		compare, compareAt = append(compare, p), append(compareAt, i)
	}
	if len(compare) > 0 {
		stored, err := s.storedDigests(ctx, tx, compare)
		if err != nil {
			return nil, err
		}
		for j, p := range compare {
			digest, ok := stored[p.id]
			if !ok {
				// Not inserted, yet not stored: a row that INSERT OR IGNORE skipped.
				return nil, fmt.Errorf("event %q was neither inserted nor found stored", p.id)
			}
			if !hmac.Equal(digest, p.digest) {
				results[compareAt[j]].Err = &store.ConflictError{EventID: p.id}
			}
		}
	}

	type productRow struct {
		product   string
		eventTime any
		eventID   string
	}
	var productRows []productRow
	for _, p := range fresh {
		for _, product := range p.products {
			productRows = append(productRows, productRow{product, p.eventTime, p.id})
		}
	}
	err = pow2Chunks(productRows, productsPerStatement, func(chunk []productRow) error {
		args := make([]any, 0, 3*len(chunk))
		for _, r := range chunk {
			args = append(args, r.product, r.eventTime, r.eventID)
		}
		res, err := s.txExec(ctx, tx, insertProductsQuery(s.dialect, len(chunk)), args...)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("count product rows inserted: %w", err)
		}
		if n != int64(len(chunk)) {
			return fmt.Errorf("%d of %d product rows inserted", n, len(chunk))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("index products: %w", err)
	}
	return results, nil
}

// storedDigests reads the content digests of the stored events with the IDs of ps.
func (s *Store) storedDigests(ctx context.Context, tx *sql.Tx, ps []*preparedEvent) (map[string][]byte, error) {
	ids := make([]any, 0, len(ps))
	for _, p := range ps {
		ids = append(ids, p.id)
	}
	digests := make(map[string][]byte, len(ps))
	err := chunks(ids, idsPerStatement, func(chunk []any) error {
		rows, err := tx.QueryContext(ctx, s.q(`SELECT id, content_digest FROM events WHERE id IN (`+
			strings.Repeat("?, ", len(chunk)-1)+`?)`), chunk...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			var digest []byte
			if err := rows.Scan(&id, &digest); err != nil {
				return err
			}
			digests[id] = digest
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("read stored digests: %w", err)
	}
	return digests, nil
}

// InsertEvent stores e, sealing its private payload, and reports whether it was new. A
// repeat with the same content returns false; different content under the same ID
// returns a *store.ConflictError.
func (s *Store) InsertEvent(ctx context.Context, e store.Event) (bool, error) {
	results, err := s.InsertEvents(ctx, []store.Event{e})
	if err != nil {
		return false, err
	}
	return results[0].Inserted, results[0].Err
}

// InsertEvents stores events in one transaction, each with the semantics of InsertEvent,
// and returns one result per event. Invalid and conflicting events are reported in their
// results; the returned error means nothing was stored.
func (s *Store) InsertEvents(ctx context.Context, events []store.Event) ([]store.InsertResult, error) {
	if s.sealer == nil {
		return nil, fmt.Errorf("insert events: %w", store.ErrNoSealer)
	}
	results := make([]store.InsertResult, len(events))
	prepared := make([]*preparedEvent, 0, len(events))
	now := s.now()
	for i := range events {
		p, err := s.prepareEvent(&events[i], now)
		if err != nil {
			results[i].Err = fmt.Errorf("insert event %q: %w", events[i].ID, err)
			continue
		}
		p.at = i
		prepared = append(prepared, p)
	}
	if len(prepared) == 0 {
		return results, nil
	}
	slices.SortStableFunc(prepared, func(a, b *preparedEvent) int { return cmp.Compare(a.id, b.id) })

	var outcomes []store.InsertResult
	err := s.inInsertTx(ctx, func(tx *sql.Tx) error {
		var err error
		outcomes, err = s.insertPrepared(ctx, tx, prepared)
		return err
	})
	if err != nil {
		if len(events) == 1 {
			return nil, fmt.Errorf("insert event %q: %w", events[0].ID, err)
		}
		return nil, fmt.Errorf("insert %d events: %w", len(events), err)
	}
	for i, p := range prepared {
		r := outcomes[i]
		if r.Err != nil {
			r.Err = fmt.Errorf("insert event %q: %w", p.id, r.Err)
			s.log.DebugContext(ctx, "event conflicts with the stored one", "event_id", p.id)
		}
		results[p.at] = r
	}
	return results, nil
}

// rowScanner is *sql.Row or *sql.Rows.
type rowScanner interface{ Scan(dest ...any) error }

// scanEvent reads the eventColumns of one row and opens its private payload.
func (s *Store) scanEvent(row rowScanner) (store.Event, error) {
	var sealed []byte
	e, err := scanEventColumns(row, &sealed)
	if err != nil {
		return store.Event{}, err
	}
	if s.sealer != nil {
		if e.Private, err = s.sealer.Open(e.ID, sealed); err != nil {
			return store.Event{}, fmt.Errorf("open private payload of event %q: %w", e.ID, err)
		}
	}
	return e, nil
}

// scanPublicEvent reads the publicEventColumns of one row; Private stays nil.
func scanPublicEvent(row rowScanner) (store.Event, error) { return scanEventColumns(row, nil) }

// scanEventColumns reads the eventColumns of one row, the sealed payload into sealed, or
// the publicEventColumns when sealed is nil.
func scanEventColumns(row rowScanner, sealed *[]byte) (store.Event, error) {
	var (
		e                 store.Event
		status            string
		batchID, topic    sql.NullString
		partition, offset sql.NullInt64
	)
	dest := make([]any, 0, 21)
	dest = append(dest, &e.ID, &e.HashID, &e.Type, &e.Action, &e.BizStep, &e.Disposition,
		timeCol{&e.EventTime}, stringsCol{&e.Products}, &e.OriginRegion, &e.PrevEventID, &e.Supplier,
		&e.Claims)
	if sealed != nil {
		dest = append(dest, sealed)
	}
	dest = append(dest, &status, &e.RejectReason, &batchID, timeCol{&e.ReceivedAt},
		timeCol{&e.UpdatedAt}, &topic, &partition, &offset)
	if err := row.Scan(dest...); err != nil {
		return store.Event{}, err
	}
	e.Status = store.Status(status)
	e.BatchID = batchID.String
	if topic.Valid {
		e.Topic, e.Partition, e.Offset = topic.String, int(partition.Int64), offset.Int64
	}
	return e, nil
}

// queryEvents runs a query selecting the columns scan reads and scans every row.
func (s *Store) queryEvents(ctx context.Context, scan func(rowScanner) (store.Event, error), query string, args ...any) ([]store.Event, error) {
	rows, err := s.r.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Event
	for rows.Next() {
		e, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// GetEvent returns the event with id, its private payload opened.
func (s *Store) GetEvent(ctx context.Context, id string) (store.Event, error) {
	e, err := s.scanEvent(s.r.QueryRowContext(ctx, s.q(`SELECT `+eventColumns+` FROM events e WHERE e.id = ?`), id))
	if err != nil {
		return store.Event{}, fmt.Errorf("get event %q: %w", id, notFound(err))
	}
	return e, nil
}

// GetEventsPublic returns the events with ids that exist, keyed by ID, without reading
// their sealed private payloads.
func (s *Store) GetEventsPublic(ctx context.Context, ids []string) (map[string]store.Event, error) {
	if err := store.ValidateIDs("event ID", ids); err != nil {
		return nil, fmt.Errorf("get %d events: %w", len(ids), err)
	}
	events, err := getByIDs(ctx, s, `SELECT `+publicEventColumns+` FROM events e WHERE e.id IN (`, ids,
		scanPublicEvent, func(e *store.Event) string { return e.ID })
	if err != nil {
		return nil, fmt.Errorf("get %d events: %w", len(ids), err)
	}
	return events, nil
}

// ListEventsByProduct returns up to limit events concerning product, ordered by event time
// then ID, after the cursor, with their private payloads opened when the store has a
// Sealer.
func (s *Store) ListEventsByProduct(ctx context.Context, product string, after store.Cursor, limit int) ([]store.Event, error) {
	return s.listEventsByProduct(ctx, eventColumns, s.scanEvent, product, after, limit)
}

// ListEventsByProductPublic is ListEventsByProduct without reading the sealed private
// payloads.
func (s *Store) ListEventsByProductPublic(ctx context.Context, product string, after store.Cursor, limit int) ([]store.Event, error) {
	return s.listEventsByProduct(ctx, publicEventColumns, scanPublicEvent, product, after, limit)
}

// listEventsByProduct lists the events of product, selecting columns and reading each row
// with scan.
func (s *Store) listEventsByProduct(ctx context.Context, columns string, scan func(rowScanner) (store.Event, error),
	product string, after store.Cursor, limit int) ([]store.Event, error) {
	if err := after.Validate(); err != nil {
		return nil, fmt.Errorf("list events of product %q: %w", product, err)
	}
	query := `SELECT ` + columns + ` FROM event_products p JOIN events e ON e.id = p.event_id
		WHERE p.product = ?`
	args := []any{product}
	if !after.IsZero() {
		query += ` AND (p.event_time, p.event_id) > (?, ?)`
		args = append(args, s.dialect.timeArg(after.EventTime), after.ID)
	}
	query += ` ORDER BY p.event_time, p.event_id LIMIT ?`
	events, err := s.queryEvents(ctx, scan, query, append(args, clampLimit(limit))...)
	if err != nil {
		return nil, fmt.Errorf("list events of product %q: %w", product, err)
	}
	return events, nil
}

// ListEventsByStatus returns up to limit events with status, ordered by event time then
// ID, after the cursor.
func (s *Store) ListEventsByStatus(ctx context.Context, status store.Status, after store.Cursor, limit int) ([]store.Event, error) {
	if !status.Valid() {
		return nil, fmt.Errorf("list %s events: %w: unknown status", status, store.ErrInvalid)
	}
	if err := after.Validate(); err != nil {
		return nil, fmt.Errorf("list %s events: %w", status, err)
	}
	query := `SELECT ` + eventColumns + ` FROM events e WHERE e.status = ?`
	args := []any{string(status)}
	if !after.IsZero() {
		query += ` AND (e.event_time, e.id) > (?, ?)`
		args = append(args, s.dialect.timeArg(after.EventTime), after.ID)
	}
	query += ` ORDER BY e.event_time, e.id LIMIT ?`
	events, err := s.queryEvents(ctx, s.scanEvent, query, append(args, clampLimit(limit))...)
	if err != nil {
		return nil, fmt.Errorf("list %s events: %w", status, err)
	}
	return events, nil
}

// RejectEvent marks a RECEIVED event REJECTED with reason and drops its claim, unless
// another owner holds it with a live lease (when owner is not empty); a rejected event
// keeps its first reason.
func (s *Store) RejectEvent(ctx context.Context, owner, id, reason string) error {
	if err := store.ValidateReason(reason); err != nil {
		return fmt.Errorf("reject event %q: %w", id, err)
	}
	if owner != "" {
		if err := store.ValidateOwner(owner); err != nil {
			return fmt.Errorf("reject event %q: %w", id, err)
		}
	}
	now := s.now()
	var rejected bool
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		rejected = false
		var status string
		var claim claimState
		err := tx.QueryRowContext(ctx, s.q(`SELECT status, claimed_by, claim_expires FROM events WHERE id = ?`+
			s.dialect.forUpdate()), id).Scan(&status, &claim.heldBy, timeCol{&claim.expires})
		if err != nil {
			return notFound(err)
		}
		switch store.Status(status) {
		case store.StatusRejected:
			return nil
		case store.StatusReceived:
		default:
			return &store.TransitionError{EventID: id, From: store.Status(status), To: store.StatusRejected}
		}
		if err := claim.refuse(owner, id, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE events SET status = ?, reject_reason = ?, updated_at = ?,
			claimed_by = NULL, claim_expires = NULL WHERE id = ?`),
			string(store.StatusRejected), reason, s.dialect.timeArg(now), id); err != nil {
			return err
		}
		rejected = true
		return nil
	})
	if err != nil {
		return fmt.Errorf("reject event %q: %w", id, err)
	}
	if rejected {
		s.log.InfoContext(ctx, "rejected event", "event_id", id, "reason", reason, "owner", owner)
	}
	return nil
}

// CountEventsByStatus returns how many events have each status.
func (s *Store) CountEventsByStatus(ctx context.Context) (map[store.Status]int64, error) {
	counts := make(map[store.Status]int64, 4)
	for _, st := range store.Statuses() {
		counts[st] = 0
	}
	rows, err := s.r.QueryContext(ctx, `SELECT status, COUNT(*) FROM events GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("count events: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var st string
		var n int64
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("count events: %w", err)
		}
		counts[store.Status(st)] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count events: %w", err)
	}
	return counts, nil
}
