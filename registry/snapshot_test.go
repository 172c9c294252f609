package registry_test

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/provenant/provenant/field"
	"github.com/provenant/provenant/merkle"
	"github.com/provenant/provenant/registry"
	"github.com/provenant/provenant/store"
	"github.com/provenant/provenant/store/sqlstore"
	"github.com/provenant/provenant/store/storetest"
)

// TestSnapshots runs the snapshot round trips on both real stores.
func TestSnapshots(t *testing.T) {
	dbs := []struct {
		name string
		url  func(testing.TB) string
	}{
		{"SQLite", storetest.SQLiteURL},
		{"PostgreSQL", storetest.PostgresURL},
	}
	tests := []struct {
		name string
		fn   func(t *testing.T, st store.Store)
	}{
		{"Suppliers", testSupplierSnapshots},
		{"Origins", testOriginSnapshots},
		{"CorruptOrigins", testCorruptOriginSnapshots},
		{"CorruptSuppliers", testCorruptSupplierSnapshots},
	}
	for _, db := range dbs {
		t.Run(db.name, func(t *testing.T) {
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					st, err := sqlstore.Open(t.Context(), db.url(t), sqlstore.WithSealer(storetest.NewSealer(t)))
					if err != nil {
						t.Fatal(err)
					}
					t.Cleanup(func() { st.Close() })
					tc.fn(t, st)
				})
			}
		})
	}
}

func testSupplierSnapshots(t *testing.T, st store.Store) {
	ctx := t.Context()
	keys := testKeys(t, 10, 4)
	for i, k := range keys {
		if _, err := st.AddSupplier(ctx, store.Supplier{PublicKey: k.String(), Name: []string{"Quinta <do> Vale", "", "Hof & Sohn", "Ω"}[i]}); err != nil {
			t.Fatal(err)
		}
	}
	snap, reg, err := registry.SnapshotSuppliers(ctx, st)
	if err != nil {
		t.Fatalf("SnapshotSuppliers: %v", err)
	}
	if snap.ID == 0 || snap.Kind != store.RegistrySuppliers || snap.Root != registry.RootHex(reg.Root()) || reg.Len() != len(keys) {
		t.Fatalf("snapshot %+v for a registry of %d keys, root %s", snap, reg.Len(), registry.RootHex(reg.Root()))
	}
	if !bytes.HasPrefix(snap.Data, []byte(`{"format":"provenant-registry-suppliers/v1","depth":20,"suppliers":[{"public_key":"`)) ||
		!bytes.Contains(snap.Data, []byte(`"name":"Quinta <do> Vale"`)) || !bytes.Contains(snap.Data, []byte(`"name":"Hof & Sohn"`)) {
		t.Errorf("snapshot data %s", snap.Data)
	}
	again, _, err := registry.SnapshotSuppliers(ctx, st)
	if err != nil || again.ID != snap.ID {
		t.Errorf("snapshot of an unchanged store: ID %d, %v; want the same snapshot %d", again.ID, err, snap.ID)
	}

	latest, err := st.LatestRegistrySnapshot(ctx, store.RegistrySuppliers)
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := registry.LoadSuppliers(latest)
	if err != nil {
		t.Fatalf("LoadSuppliers: %v", err)
	}
	if a, b := loaded.Root(), reg.Root(); !a.Equal(&b) || !reflect.DeepEqual(loaded.Keys(), reg.Keys()) {
		t.Errorf("loaded registry differs: root %s, want %s", registry.RootHex(a), registry.RootHex(b))
	}

	// Removing a supplier makes a new root its old path does not reach.
	gone := keys[1]
	oldPath, err := reg.Path(gone)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.RemoveSupplier(ctx, gone.String()); err != nil {
		t.Fatal(err)
	}
	next, reg2, err := registry.SnapshotSuppliers(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if next.ID == snap.ID || next.Root == snap.Root || reg2.Len() != len(keys)-1 {
		t.Errorf("snapshot after a removal: %d, root %s, %d keys", next.ID, next.Root, reg2.Len())
	}
	if _, err := reg2.Path(gone); !errors.Is(err, registry.ErrNotRegistered) {
		t.Errorf("Path(removed) = %v, want ErrNotRegistered", err)
	}
	if err := merkle.Verify(reg2.Root(), registry.SupplierLeaf(gone), oldPath); !errors.Is(err, merkle.ErrBadPath) {
		t.Errorf("old path of a removed supplier against the new root: %v, want ErrBadPath", err)
	}
	if _, err := registry.LoadOrigins(next); err == nil {
		t.Error("LoadOrigins accepted a supplier registry snapshot")
	}
}

func testOriginSnapshots(t *testing.T, st store.Store) {
	ctx := t.Context()
	entries := testOrigins(t)
	snap, reg, err := registry.ImportOrigins(ctx, st, entries, false)
	if err != nil {
		t.Fatalf("ImportOrigins: %v", err)
	}
	if snap.Kind != store.RegistryOrigins || snap.Root != registry.RootHex(reg.Root()) || reg.Len() != len(entries) {
		t.Fatalf("snapshot %+v for %d entries", snap, reg.Len())
	}
	latest, err := st.LatestRegistrySnapshot(ctx, store.RegistryOrigins)
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := registry.LoadOrigins(latest)
	if err != nil {
		t.Fatalf("LoadOrigins: %v", err)
	}
	if !reflect.DeepEqual(loaded.Entries(), reg.Entries()) {
		t.Errorf("loaded entries\n%+v\nwant\n%+v", loaded.Entries(), reg.Entries())
	}
	if loaded.Entries()[0].Certificate == "" {
		t.Error("the snapshot lost the certificates")
	}
	// The same entries again change nothing.
	again, _, err := registry.ImportOrigins(ctx, st, entries, false)
	if err != nil || again.ID != snap.ID {
		t.Errorf("importing the same entries: snapshot %d, %v; want %d", again.ID, err, snap.ID)
	}

	// Merge adds to the latest snapshot.
	extra := registry.Origin{Facility: facility(t, "871234500001"), Region: "NL", ValidFrom: day(2026, 1, 1), ValidUntil: endOfDay(2026, 12, 31), Certificate: "NL-1"}
	merged, mreg, err := registry.ImportOrigins(ctx, st, []registry.Origin{extra, entries[0]}, true)
	if err != nil {
		t.Fatalf("ImportOrigins(merge): %v", err)
	}
	if merged.ID == snap.ID || mreg.Len() != len(entries)+1 {
		t.Errorf("merge: snapshot %d, %d entries; want a new snapshot of %d", merged.ID, mreg.Len(), len(entries)+1)
	}
	for _, o := range append(entries, extra) {
		if _, _, err := mreg.FindClaim(o.Facility, o.Region, o.ValidFrom); err != nil {
			t.Errorf("merged registry: %v", err)
		}
	}
	// A merged entry that conflicts with the snapshot names both.
	conflict := registry.Origin{Facility: entries[4].Facility, Region: "FR", ValidFrom: day(2029, 1, 1), ValidUntil: day(2029, 2, 1)}
	_, _, err = registry.ImportOrigins(ctx, st, []registry.Origin{conflict}, true)
	var ps registry.Problems
	if !errors.As(err, &ps) || len(ps) != 1 || !strings.Contains(ps[0].Error(), "origins[0]: region:") ||
		!strings.Contains(ps[0].Error(), "snapshot "+strconv.FormatInt(merged.ID, 10)+" entry ") {
		t.Errorf("conflicting merge: %v; want a problem naming origins[0] and the snapshot entry", err)
	}

	// Without merge the entries replace the registry.
	replaced, rreg, err := registry.ImportOrigins(ctx, st, []registry.Origin{extra}, false)
	if err != nil || rreg.Len() != 1 || replaced.ID == merged.ID {
		t.Fatalf("replace: snapshot %d, %v", replaced.ID, err)
	}
	if _, _, err := rreg.Find(entries[0].Facility, entries[0].ValidFrom); !errors.Is(err, registry.ErrNotCertified) {
		t.Errorf("a replaced entry is still found: %v", err)
	}
	history, err := st.ListRegistrySnapshots(ctx, store.RegistryOrigins)
	if err != nil || len(history) != 3 {
		t.Errorf("%d origin snapshots, %v; want 3", len(history), err)
	}
}

func testCorruptOriginSnapshots(t *testing.T, st store.Store) {
	ctx := t.Context()
	snap, _, err := registry.ImportOrigins(ctx, st, testOrigins(t), false)
	if err != nil {
		t.Fatal(err)
	}
	f := facility(t, "401234500005")
	const rebuilds = "its data rebuilds root"
	tests := []struct {
		name string
		edit func(s store.RegistrySnapshot) store.RegistrySnapshot
		why  string // what the error says
	}{
		{"region edited", replaceData(`"region":"DE"`, `"region":"AT"`), rebuilds},
		{"validity extended", replaceData(`"valid_until":"2026-12-31T23:59:59.999Z"`, `"valid_until":"2027-12-31T23:59:59.999Z"`), rebuilds},
		{"facility edited", replaceData(f, facility(t, "401234500006")), rebuilds},
		{"entry removed", replaceData(`,{"facility":"https://id.gs1.org/414/7612345000015/254/7","region":"CH","valid_from":"2020-01-01T00:00:00.000Z","valid_until":"2030-12-31T23:59:59.999Z"}`, ``), rebuilds},
		{"entry added", replaceData(`]}`, `,{"facility":"https://id.gs1.org/414/7612345000015","region":"CH","valid_from":"2020-01-01T00:00:00.000Z","valid_until":"2030-12-31T23:59:59.999Z"}]}`), rebuilds},
		{"invalid entry", replaceData(`"region":"DE"`, `"region":"XK"`), "officially assigned"},
		{"not JSON", func(s store.RegistrySnapshot) store.RegistrySnapshot { s.Data = s.Data[:len(s.Data)/2]; return s }, "data:"},
		{"trailing data", func(s store.RegistrySnapshot) store.RegistrySnapshot { s.Data = append(s.Data, " {}"...); return s }, "more than one JSON value"},
		{"unknown key", replaceData(`"depth":20`, `"depth":20,"extra":1`), "unknown field"},
		{"other format", replaceData(`provenant-registry-origins/v1`, `provenant-registry-origins/v2`), "format"},
		{"other depth", replaceData(`"depth":20`, `"depth":21`), "depth 21"},
		{"root edited", func(s store.RegistrySnapshot) store.RegistrySnapshot {
			s.Root = registry.RootHex(field.Uint64(1))
			return s
		}, rebuilds},
		{"root not hex", func(s store.RegistrySnapshot) store.RegistrySnapshot { s.Root = "0x" + s.Root[2:]; return s }, "registry root"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			edited := tc.edit(snap)
			if bytes.Equal(edited.Data, snap.Data) && edited.Root == snap.Root {
				t.Fatal("the edit changed nothing")
			}
			edited.ID = 0
			saved, err := st.SaveRegistrySnapshot(ctx, edited)
			if err != nil {
				t.Fatal(err)
			}
			_, err = registry.LoadOrigins(saved)
			if !errors.Is(err, registry.ErrCorruptSnapshot) {
				t.Fatalf("LoadOrigins(%s) = %v, want ErrCorruptSnapshot", tc.name, err)
			}
			if !strings.Contains(err.Error(), "snapshot "+strconv.FormatInt(saved.ID, 10)) || !strings.Contains(err.Error(), tc.why) {
				t.Errorf("error %q does not name snapshot %d and say %q", err, saved.ID, tc.why)
			}
		})
	}
	// The certificate text is not in the leaves: the root does not protect
	// it (doc.go says so).
	edited := replaceData(`"certificate":"BIO-DE-1"`, `"certificate":"BIO-DE-X"`)(snap)
	if _, err := registry.LoadOrigins(edited); err != nil {
		t.Errorf("LoadOrigins with another certificate text: %v", err)
	}
}

func testCorruptSupplierSnapshots(t *testing.T, st store.Store) {
	ctx := t.Context()
	keys := testKeys(t, 11, 3)
	for _, k := range keys {
		if _, err := st.AddSupplier(ctx, store.Supplier{PublicKey: k.String()}); err != nil {
			t.Fatal(err)
		}
	}
	snap, _, err := registry.SnapshotSuppliers(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	other := testKeys(t, 12, 1)[0]
	for name, edit := range map[string]func(store.RegistrySnapshot) store.RegistrySnapshot{
		"key replaced": replaceData(keys[0].String(), other.String()),
		"key removed":  replaceData(`{"public_key":"`+keys[0].String()+`"},`, ``),
		"not a key":    replaceData(keys[0].String(), strings.Repeat("ab", 32)),
		"wrong kind":   func(s store.RegistrySnapshot) store.RegistrySnapshot { s.Kind = store.RegistryOrigins; return s },
	} {
		t.Run(name, func(t *testing.T) {
			edited := edit(snap)
			if bytes.Equal(edited.Data, snap.Data) && edited.Kind == snap.Kind {
				t.Fatal("the edit changed nothing")
			}
			if _, err := registry.LoadSuppliers(edited); err == nil {
				t.Fatal("LoadSuppliers accepted an edited snapshot")
			} else if edited.Kind == snap.Kind && !errors.Is(err, registry.ErrCorruptSnapshot) {
				t.Errorf("LoadSuppliers = %v, want ErrCorruptSnapshot", err)
			}
		})
	}
}

// replaceData returns an edit that replaces the first old with new in a
// snapshot's data.
func replaceData(old, new string) func(store.RegistrySnapshot) store.RegistrySnapshot {
	return func(s store.RegistrySnapshot) store.RegistrySnapshot {
		s.Data = []byte(strings.Replace(string(s.Data), old, new, 1))
		return s
	}
}

func TestRootHex(t *testing.T) {
	reg := mustOrigins(t, testOrigins(t))
	s := registry.RootHex(reg.Root())
	if len(s) != 64 || strings.ToLower(s) != s || strings.HasPrefix(s, "0x") {
		t.Fatalf("RootHex = %q, want 64 lower-case hex digits", s)
	}
	root := reg.Root()
	b := root.Bytes()
	if s[:2] != fmt.Sprintf("%02x", b[0]) {
		t.Errorf("RootHex is not big-endian: %s, first byte %x", s, b[0])
	}
	for _, in := range []string{s, strings.ToUpper(s)} {
		got, err := registry.ParseRoot(in)
		if want := reg.Root(); err != nil || !got.Equal(&want) {
			t.Errorf("ParseRoot(%q) = %v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "0x" + s[2:], s[:62], s + "00", strings.Repeat("ff", 32)} {
		if _, err := registry.ParseRoot(bad); err == nil {
			t.Errorf("ParseRoot(%q) accepted", bad)
		}
	}
}
