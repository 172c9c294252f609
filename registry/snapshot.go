package registry

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/provenant/provenant/field"
	"github.com/provenant/provenant/store"
	"github.com/provenant/provenant/supplier"
)

// The formats of snapshot data, named in its "format" key.
const (
	// SuppliersFormat is the format of a supplier registry snapshot.
	SuppliersFormat = "provenant-registry-suppliers/v1"
	// OriginsFormat is the format of an origin registry snapshot.
	OriginsFormat = "provenant-registry-origins/v1"
)

// RootHex returns the text form of a registry root: the 64 lower-case hex
// digits of its 32-byte big-endian encoding, without 0x.
func RootHex(root field.Element) string { return field.Hex(root) }

// ParseRoot reads a root written by RootHex (either case), rejecting values
// that are not reduced field elements.
func ParseRoot(s string) (field.Element, error) {
	e, err := field.ParseHex(s)
	if err != nil {
		return field.Element{}, fmt.Errorf("registry root: %w", err)
	}
	return e, nil
}

// suppliersData is the data of a supplier registry snapshot.
type suppliersData struct {
	Format    string         `json:"format"`
	Depth     int            `json:"depth"`
	Suppliers []supplierJSON `json:"suppliers"`
}

type supplierJSON struct {
	PublicKey string `json:"public_key"`
	Name      string `json:"name,omitempty"`
}

// originsData is the data of an origin registry snapshot; ParseOrigins
// reads it too.
type originsData struct {
	Format  string       `json:"format"`
	Depth   int          `json:"depth"`
	Origins []originJSON `json:"origins"`
}

type originJSON struct {
	Facility    string `json:"facility"`
	Region      string `json:"region"`
	ValidFrom   string `json:"valid_from"`
	ValidUntil  string `json:"valid_until"`
	Certificate string `json:"certificate,omitempty"`
}

// canonicalJSON encodes v compactly, without HTML escaping, with no
// trailing newline.
func canonicalJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// suppliersSnapshotData returns the supplier registry of the active
// suppliers of list and its snapshot data. It fails when a key does not
// parse.
func suppliersSnapshotData(list []store.Supplier) ([]byte, *Suppliers, error) {
	keys := make([]supplier.PublicKey, 0, len(list))
	names := make(map[string]string, len(list))
	for _, s := range list {
		if !s.Active() {
			continue
		}
		pk, err := supplier.ParsePublicKey(s.PublicKey)
		if err != nil {
			return nil, nil, fmt.Errorf("supplier registry: stored supplier %q: %w", s.PublicKey, err)
		}
		keys = append(keys, pk)
		names[pk.String()] = s.Name
	}
	reg, err := NewSuppliers(keys)
	if err != nil {
		return nil, nil, err
	}
	d := suppliersData{Format: SuppliersFormat, Depth: Depth, Suppliers: make([]supplierJSON, 0, reg.Len())}
	for _, k := range reg.keys {
		d.Suppliers = append(d.Suppliers, supplierJSON{PublicKey: k.String(), Name: names[k.String()]})
	}
	data, err := canonicalJSON(d)
	if err != nil {
		return nil, nil, fmt.Errorf("supplier registry: %w", err)
	}
	return data, reg, nil
}

// SnapshotSuppliers builds the supplier registry from the store's active
// suppliers and saves it as the latest supplier registry snapshot (the
// store returns the latest one unchanged when nothing changed).
func SnapshotSuppliers(ctx context.Context, st store.Store) (store.RegistrySnapshot, *Suppliers, error) {
	list, err := st.ListSuppliers(ctx, false)
	if err != nil {
		return store.RegistrySnapshot{}, nil, fmt.Errorf("supplier registry: %w", err)
	}
	data, reg, err := suppliersSnapshotData(list)
	if err != nil {
		return store.RegistrySnapshot{}, nil, err
	}
	snap, err := st.SaveRegistrySnapshot(ctx, store.RegistrySnapshot{
		Kind: store.RegistrySuppliers,
		Root: RootHex(reg.Root()),
		Data: data,
	})
	if err != nil {
		return store.RegistrySnapshot{}, nil, fmt.Errorf("save supplier registry snapshot: %w", err)
	}
	return snap, reg, nil
}

// LoadSuppliers rebuilds the supplier registry of a snapshot and checks
// that it has the snapshot's root; a snapshot that does not is
// ErrCorruptSnapshot.
func LoadSuppliers(snap store.RegistrySnapshot) (*Suppliers, error) {
	if snap.Kind != store.RegistrySuppliers {
		return nil, fmt.Errorf("snapshot %d is a %s registry snapshot, not a %s one", snap.ID, snap.Kind, store.RegistrySuppliers)
	}
	var d suppliersData
	if err := decodeStrict(snap.Data, &d); err != nil {
		return nil, corrupt(snap, "%v", err)
	}
	if err := checkHeader(d.Format, SuppliersFormat, d.Depth); err != nil {
		return nil, corrupt(snap, "%v", err)
	}
	keys := make([]supplier.PublicKey, len(d.Suppliers))
	for i, s := range d.Suppliers {
		pk, err := supplier.ParsePublicKey(s.PublicKey)
		if err != nil {
			return nil, corrupt(snap, "supplier %d: %v", i, err)
		}
		keys[i] = pk
	}
	reg, err := NewSuppliers(keys)
	if err != nil {
		return nil, corrupt(snap, "%v", err)
	}
	if err := checkRoot(snap, reg.Root()); err != nil {
		return nil, err
	}
	return reg, nil
}

// originsSnapshotData returns the snapshot data of an origin registry.
func originsSnapshotData(reg *Origins) ([]byte, error) {
	d := originsData{Format: OriginsFormat, Depth: Depth, Origins: make([]originJSON, len(reg.entries))}
	for i, o := range reg.entries {
		d.Origins[i] = originJSON{
			Facility:    o.Facility,
			Region:      o.Region,
			ValidFrom:   o.ValidFrom.Format(TimeLayout),
			ValidUntil:  o.ValidUntil.Format(TimeLayout),
			Certificate: o.Certificate,
		}
	}
	data, err := canonicalJSON(d)
	if err != nil {
		return nil, fmt.Errorf("origin registry: %w", err)
	}
	return data, nil
}

// MarshalOrigins returns the canonical JSON of an origin registry, as its
// snapshots hold it; ParseOrigins reads it back.
func MarshalOrigins(reg *Origins) ([]byte, error) { return originsSnapshotData(reg) }

// ImportOrigins makes entries the origin registry and saves it as the
// latest origin registry snapshot. With merge, the entries are added to
// those of the latest snapshot (checked with LoadOrigins) instead of
// replacing them. Invalid or conflicting entries are Problems; entries
// from the snapshot are named "snapshot ID entry N".
func ImportOrigins(ctx context.Context, st store.RegistryStore, entries []Origin, merge bool) (store.RegistrySnapshot, *Origins, error) {
	var prev []Origin
	var prevID int64
	if merge {
		latest, err := st.LatestRegistrySnapshot(ctx, store.RegistryOrigins)
		switch {
		case errors.Is(err, store.ErrNotFound):
		case err != nil:
			return store.RegistrySnapshot{}, nil, fmt.Errorf("origin registry: %w", err)
		default:
			reg, err := LoadOrigins(latest)
			if err != nil {
				return store.RegistrySnapshot{}, nil, err
			}
			prev, prevID = reg.entries, latest.ID
		}
	}
	all := append(prev[:len(prev):len(prev)], entries...)
	reg, err := newOrigins(all, func(i int) Problem {
		if i < len(prev) {
			return Problem{Index: -1, Where: fmt.Sprintf("snapshot %d entry %d", prevID, i)}
		}
		return indexLocator(i - len(prev))
	})
	if err != nil {
		return store.RegistrySnapshot{}, nil, err
	}
	data, err := originsSnapshotData(reg)
	if err != nil {
		return store.RegistrySnapshot{}, nil, err
	}
	snap, err := st.SaveRegistrySnapshot(ctx, store.RegistrySnapshot{
		Kind: store.RegistryOrigins,
		Root: RootHex(reg.Root()),
		Data: data,
	})
	if err != nil {
		return store.RegistrySnapshot{}, nil, fmt.Errorf("save origin registry snapshot: %w", err)
	}
	return snap, reg, nil
}

// LoadOrigins rebuilds the origin registry of a snapshot and checks that it
// has the snapshot's root; a snapshot that does not is ErrCorruptSnapshot.
func LoadOrigins(snap store.RegistrySnapshot) (*Origins, error) {
	if snap.Kind != store.RegistryOrigins {
		return nil, fmt.Errorf("snapshot %d is a %s registry snapshot, not a %s one", snap.ID, snap.Kind, store.RegistryOrigins)
	}
	var d originsData
	if err := decodeStrict(snap.Data, &d); err != nil {
		return nil, corrupt(snap, "%v", err)
	}
	if err := checkHeader(d.Format, OriginsFormat, d.Depth); err != nil {
		return nil, corrupt(snap, "%v", err)
	}
	entries := make([]Origin, len(d.Origins))
	for i, o := range d.Origins {
		from, err1 := time.Parse(time.RFC3339Nano, o.ValidFrom)
		until, err2 := time.Parse(time.RFC3339Nano, o.ValidUntil)
		if err := errors.Join(err1, err2); err != nil {
			return nil, corrupt(snap, "origin %d: %v", i, err)
		}
		entries[i] = Origin{Facility: o.Facility, Region: o.Region, ValidFrom: from, ValidUntil: until, Certificate: o.Certificate}
	}
	reg, err := NewOrigins(entries)
	if err != nil {
		return nil, corrupt(snap, "%v", err)
	}
	if err := checkRoot(snap, reg.Root()); err != nil {
		return nil, err
	}
	return reg, nil
}

// decodeStrict decodes JSON that must hold exactly one value of v's shape.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("data: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("data: more than one JSON value")
	}
	return nil
}

func checkHeader(format, want string, depth int) error {
	if format != want {
		return fmt.Errorf("data format %q, want %q", format, want)
	}
	if depth != Depth {
		return fmt.Errorf("tree depth %d, want %d", depth, Depth)
	}
	return nil
}

// checkRoot compares the rebuilt root with the snapshot's.
func checkRoot(snap store.RegistrySnapshot, root field.Element) error {
	want, err := ParseRoot(strings.TrimSpace(snap.Root))
	if err != nil {
		return corrupt(snap, "%v", err)
	}
	if !want.Equal(&root) {
		return corrupt(snap, "its data rebuilds root %s, not the saved root %s", RootHex(root), snap.Root)
	}
	return nil
}

func corrupt(snap store.RegistrySnapshot, format string, args ...any) error {
	return fmt.Errorf("%s registry snapshot %d: %w: %s", snap.Kind, snap.ID, ErrCorruptSnapshot, fmt.Sprintf(format, args...))
}
