package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/provenant/provenant/store"
)

const snapshotColumns = `id, kind, root, data, created_at, published_tx`

func scanSnapshot(row rowScanner) (store.RegistrySnapshot, error) {
	var snap store.RegistrySnapshot
	var kind string
	err := row.Scan(&snap.ID, &kind, &snap.Root, &snap.Data, timeCol{&snap.CreatedAt}, &snap.PublishedTx)
	snap.Kind = store.RegistryKind(kind)
	return snap, err
}

// SaveRegistrySnapshot appends snap to its kind's history and returns it with ID and
// CreatedAt set, unless the kind's latest snapshot has the same root and data, which it
// returns instead.
func (s *Store) SaveRegistrySnapshot(ctx context.Context, snap store.RegistrySnapshot) (store.RegistrySnapshot, error) {
	if err := snap.Validate(); err != nil {
		return store.RegistrySnapshot{}, fmt.Errorf("save %s registry snapshot: %w", snap.Kind, err)
	}
	if snap.Data == nil {
		snap.Data = []byte{}
	}
	var saved store.RegistrySnapshot
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if s.dialect == dialectPostgres {
			// Serialize savers, so that two saving the same registry append it once. The
			// mode conflicts with itself, not with readers.
			if _, err := tx.ExecContext(ctx, `LOCK TABLE registry_snapshots IN SHARE ROW EXCLUSIVE MODE`); err != nil {
				return fmt.Errorf("lock: %w", err)
			}
		}
		latest, err := scanSnapshot(tx.QueryRowContext(ctx, s.q(`SELECT `+snapshotColumns+`
			FROM registry_snapshots WHERE kind = ? ORDER BY id DESC LIMIT 1`), string(snap.Kind)))
		switch {
		case err == nil && latest.Root == snap.Root && bytes.Equal(latest.Data, snap.Data):
			saved = latest
			return nil
		case err != nil && !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("read latest: %w", err)
		}
		created := snap.CreatedAt
		if created.IsZero() {
			created = s.now()
		}
		saved = snap
		saved.CreatedAt = store.StoredTime(created)
		return tx.QueryRowContext(ctx, s.q(`INSERT INTO registry_snapshots (kind, root, data, created_at, published_tx)
			VALUES (?, ?, ?, ?, ?) RETURNING id`),
			string(snap.Kind), snap.Root, snap.Data, s.dialect.timeArg(created), snap.PublishedTx).Scan(&saved.ID)
	})
	if err != nil {
		return store.RegistrySnapshot{}, fmt.Errorf("save %s registry snapshot: %w", snap.Kind, err)
	}
	return saved, nil
}

// GetRegistrySnapshot returns the snapshot with id.
func (s *Store) GetRegistrySnapshot(ctx context.Context, id int64) (store.RegistrySnapshot, error) {
	snap, err := scanSnapshot(s.r.QueryRowContext(ctx, s.q(`SELECT `+snapshotColumns+` FROM registry_snapshots WHERE id = ?`), id))
	if err != nil {
		return store.RegistrySnapshot{}, fmt.Errorf("get registry snapshot %d: %w", id, notFound(err))
	}
	return snap, nil
}

// LatestRegistrySnapshot returns the kind's newest snapshot.
func (s *Store) LatestRegistrySnapshot(ctx context.Context, kind store.RegistryKind) (store.RegistrySnapshot, error) {
	snap, err := scanSnapshot(s.r.QueryRowContext(ctx, s.q(`SELECT `+snapshotColumns+` FROM registry_snapshots
		WHERE kind = ? ORDER BY id DESC LIMIT 1`), string(kind)))
	if err != nil {
		return store.RegistrySnapshot{}, fmt.Errorf("latest %s registry snapshot: %w", kind, notFound(err))
	}
	return snap, nil
}

// ListRegistrySnapshots returns the kind's snapshots, oldest first.
func (s *Store) ListRegistrySnapshots(ctx context.Context, kind store.RegistryKind) ([]store.RegistrySnapshot, error) {
	if !kind.Valid() {
		return nil, fmt.Errorf("list %s registry snapshots: %w: unknown registry kind", kind, store.ErrInvalid)
	}
	rows, err := s.r.QueryContext(ctx, s.q(`SELECT `+snapshotColumns+` FROM registry_snapshots
		WHERE kind = ? ORDER BY id`), string(kind))
	if err != nil {
		return nil, fmt.Errorf("list %s registry snapshots: %w", kind, err)
	}
	defer rows.Close()
	var out []store.RegistrySnapshot
	for rows.Next() {
		snap, err := scanSnapshot(rows)
		if err != nil {
			return nil, fmt.Errorf("list %s registry snapshots: %w", kind, err)
		}
		out = append(out, snap)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list %s registry snapshots: %w", kind, err)
	}
	return out, nil
}

// MarkRegistryPublished records the ledger transaction that published the snapshot's
// root; the same txID again is a no-op, another is a *store.ConflictError.
func (s *Store) MarkRegistryPublished(ctx context.Context, id int64, txID string) error {
	if txID == "" {
		return fmt.Errorf("mark registry snapshot %d published: %w: empty transaction ID", id, store.ErrInvalid)
	}
	res, err := s.w.ExecContext(ctx, s.q(`UPDATE registry_snapshots SET published_tx = ?
		WHERE id = ? AND published_tx = ''`), txID, id)
	if err == nil {
		var n int64
		if n, err = rowsAffected(res); err == nil && n == 0 {
			var stored string
			err = notFound(s.w.QueryRowContext(ctx, s.q(`SELECT published_tx FROM registry_snapshots WHERE id = ?`), id).Scan(&stored))
			if err == nil && stored != txID {
				err = &store.ConflictError{SnapshotID: id}
			}
		}
	}
	if err != nil {
		return fmt.Errorf("mark registry snapshot %d published: %w", id, err)
	}
	return nil
}
