package store

import "time"

// RegistryKind names a registry whose Merkle root the authority publishes on the ledger.
type RegistryKind string

// The registries.
const (
	// RegistrySuppliers is the registry of registered supplier keys.
	RegistrySuppliers RegistryKind = "suppliers"
	// RegistryOrigins is the registry of certified origin facilities.
	RegistryOrigins RegistryKind = "origins"
)

// Valid reports whether k is a defined registry kind.
func (k RegistryKind) Valid() bool { return k == RegistrySuppliers || k == RegistryOrigins }

// RegistrySnapshot is one version of a registry: its root and the data it was built from.
type RegistrySnapshot struct {
	// ID numbers snapshots in the order they were saved, across kinds; set by the store.
	ID int64
	// Kind is the registry.
	Kind RegistryKind
	// Root is the registry's Merkle root.
	Root string
	// Data is the serialized registry the root was computed from.
	Data []byte
	// CreatedAt is when the snapshot was saved; set by the store when zero.
	CreatedAt time.Time
	// PublishedTx is the ledger transaction that published Root; empty until published.
	PublishedTx string
}

// Validate reports, as an error wrapping ErrInvalid, why the store would refuse to save s.
func (s *RegistrySnapshot) Validate() error {
	if !s.Kind.Valid() {
		return invalidf("unknown registry kind %q", string(s.Kind))
	}
	if err := checkKey("registry root", s.Root); err != nil {
		return err
	}
	if s.PublishedTx != "" {
		if err := checkKey("registry published transaction", s.PublishedTx); err != nil {
			return err
		}
	}
	return checkTime("registry snapshot created time", s.CreatedAt, false)
}
