package store

import "time"

// Supplier is a supplier key known to the platform.
type Supplier struct {
	// PublicKey is the supplier's EdDSA public key, lower-case hex. It identifies the
	// supplier.
	PublicKey string
	// Name is an optional display name.
	Name string
	// AddedAt is when the key was (last) added; set by the store.
	AddedAt time.Time
	// RemovedAt is when the key was removed; zero while the supplier is active.
	RemovedAt time.Time
}

// Active reports whether the supplier has not been removed.
func (s *Supplier) Active() bool { return s.RemovedAt.IsZero() }

// Validate reports, as an error wrapping ErrInvalid, why the store would refuse to add s.
func (s *Supplier) Validate() error {
	if err := checkHexKey("supplier public key", s.PublicKey); err != nil {
		return err
	}
	if len(s.Name) > MaxKeyLength {
		return invalidf("supplier name is %d bytes, longer than %d", len(s.Name), MaxKeyLength)
	}
	return checkText("supplier name", s.Name)
}

// ValidatePublicKey reports, as an error wrapping ErrInvalid, why key is not a supplier
// public key the store accepts (non-empty, lower-case, even-length hex).
func ValidatePublicKey(key string) error { return checkHexKey("supplier public key", key) }
