package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/provenant/provenant/store"
)

const supplierColumns = "public_key, name, added_at, removed_at"

// AddSupplier adds s, or re-activates it when it was removed, and reports whether the key
// was not active before. Adding an active supplier again only updates a non-empty Name.
func (s *Store) AddSupplier(ctx context.Context, sup store.Supplier) (bool, error) {
	if err := sup.Validate(); err != nil {
		return false, fmt.Errorf("add supplier: %w", err)
	}
	var added bool
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.dialect.timeArg(s.now())
		res, err := tx.ExecContext(ctx, s.q(
			`INSERT INTO suppliers (public_key, name, added_at) VALUES (?, ?, ?)
			 ON CONFLICT (public_key) DO NOTHING`), sup.PublicKey, sup.Name, now)
		if err != nil {
			return err
		}
		n, err := rowsAffected(res)
		if err != nil {
			return err
		}
		if n == 1 {
			added = true
			return nil
		}
		res, err = tx.ExecContext(ctx, s.q(
			`UPDATE suppliers SET removed_at = NULL, added_at = ?
			 WHERE public_key = ? AND removed_at IS NOT NULL`), now, sup.PublicKey)
		if err != nil {
			return err
		}
		if n, err = rowsAffected(res); err != nil {
			return err
		}
		added = n == 1
		if sup.Name != "" {
			_, err = tx.ExecContext(ctx, s.q(`UPDATE suppliers SET name = ? WHERE public_key = ?`), sup.Name, sup.PublicKey)
		}
		return err
	})
	if err != nil {
		return false, fmt.Errorf("add supplier %s: %w", sup.PublicKey, err)
	}
	return added, nil
}

// RemoveSupplier marks the supplier removed; removing a removed supplier is a no-op.
func (s *Store) RemoveSupplier(ctx context.Context, publicKey string) error {
	res, err := s.w.ExecContext(ctx, s.q(
		`UPDATE suppliers SET removed_at = ? WHERE public_key = ? AND removed_at IS NULL`),
		s.dialect.timeArg(s.now()), publicKey)
	if err == nil {
		var n int64
		if n, err = rowsAffected(res); err == nil && n == 0 {
			var one int // removed already (no error), or unknown
			err = notFound(s.w.QueryRowContext(ctx, s.q(`SELECT 1 FROM suppliers WHERE public_key = ?`), publicKey).Scan(&one))
		}
	}
	if err != nil {
		return fmt.Errorf("remove supplier %s: %w", publicKey, err)
	}
	return nil
}

// GetSupplier returns the supplier with publicKey, active or removed.
func (s *Store) GetSupplier(ctx context.Context, publicKey string) (store.Supplier, error) {
	var sup store.Supplier
	err := s.r.QueryRowContext(ctx, s.q(`SELECT `+supplierColumns+` FROM suppliers WHERE public_key = ?`), publicKey).
		Scan(&sup.PublicKey, &sup.Name, timeCol{&sup.AddedAt}, timeCol{&sup.RemovedAt})
	if err != nil {
		return store.Supplier{}, fmt.Errorf("get supplier %s: %w", publicKey, notFound(err))
	}
	return sup, nil
}

// ListSuppliers returns the active suppliers, and the removed ones when includeRemoved is
// set, ordered by public key.
func (s *Store) ListSuppliers(ctx context.Context, includeRemoved bool) ([]store.Supplier, error) {
	query := `SELECT ` + supplierColumns + ` FROM suppliers`
	if !includeRemoved {
		query += ` WHERE removed_at IS NULL`
	}
	rows, err := s.r.QueryContext(ctx, query+` ORDER BY public_key`)
	if err != nil {
		return nil, fmt.Errorf("list suppliers: %w", err)
	}
	defer rows.Close()
	var out []store.Supplier
	for rows.Next() {
		var sup store.Supplier
		if err := rows.Scan(&sup.PublicKey, &sup.Name, timeCol{&sup.AddedAt}, timeCol{&sup.RemovedAt}); err != nil {
			return nil, fmt.Errorf("list suppliers: %w", err)
		}
		out = append(out, sup)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list suppliers: %w", err)
	}
	return out, nil
}
