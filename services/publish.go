package services

import (
	"context"
	"errors"
	"fmt"

	"github.com/provenant/provenant/chaincode"
	"github.com/provenant/provenant/ledger"
	"github.com/provenant/provenant/registry"
	"github.com/provenant/provenant/store"
)

// PublishRegistry publishes the current root of a registry on the ledger
// (as the Authority) and records the transaction on the store's snapshot.
// The supplier registry's root is computed from the store's active
// suppliers (saving a snapshot when it changed); the origin registry's is
// that of its latest import, checked against its data. Publishing a root
// that is already the ledger's latest changes nothing on the ledger.
func PublishRegistry(ctx context.Context, st store.Store, lc *ledger.Client, kind store.RegistryKind) (store.RegistrySnapshot, chaincode.RootRecord, error) {
	var snap store.RegistrySnapshot
	var err error
	switch kind {
	case store.RegistrySuppliers:
		snap, _, err = registry.SnapshotSuppliers(ctx, st)
	case store.RegistryOrigins:
		snap, err = st.LatestRegistrySnapshot(ctx, kind)
		if errors.Is(err, store.ErrNotFound) {
			return snap, chaincode.RootRecord{}, fmt.Errorf("no origin registry yet: import one with provenant registry origins import")
		}
		if err == nil {
			_, err = registry.LoadOrigins(snap)
		}
	default:
		return snap, chaincode.RootRecord{}, fmt.Errorf("registry %q: want %s or %s", kind, store.RegistrySuppliers, store.RegistryOrigins)
	}
	if err != nil {
		return snap, chaincode.RootRecord{}, fmt.Errorf("%s registry: %w", kind, err)
	}
	rec, err := lc.PublishRoot(ctx, string(kind), snap.Root)
	if err != nil {
		return snap, rec, err
	}
	if snap.PublishedTx == "" {
		if err := st.MarkRegistryPublished(ctx, snap.ID, rec.TxID); err != nil {
			return snap, rec, fmt.Errorf("record publication of %s root (tx %s): %w", kind, rec.TxID, err)
		}
		snap.PublishedTx = rec.TxID
	}
	return snap, rec, nil
}
