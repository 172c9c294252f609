package batch

import (
	"fmt"
	"testing"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/test"

	"github.com/provenant/provenant/circuits"
	"github.com/provenant/provenant/claims"
	"github.com/provenant/provenant/field"
	"github.com/provenant/provenant/merkle"
	"github.com/provenant/provenant/supplier"
)

// cert is an origin certificate of the test origin registry.
type cert struct {
	facility    string
	region      string
	from, until time.Time
}

func (c cert) leaf(t testing.TB) field.Element {
	t.Helper()
	r, err := field.Region(c.region)
	if err != nil {
		t.Fatal(err)
	}
	return field.Hash(field.String(c.facility), r, field.Uint64(uint64(c.from.UnixMilli())), field.Uint64(uint64(c.until.UnixMilli())))
}

// fixture holds registered supplier keys, one unregistered key, and the
// depth-20 supplier and origin registries.
type fixture struct {
	keys       []*supplier.Key // registered
	outsider   *supplier.Key   // not registered
	suppliers  *merkle.Tree
	certs      []cert
	origins    *merkle.Tree
	eventCount int
}

var t0 = time.Date(2026, 11, 20, 6, 15, 0, 0, time.UTC)

func newFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{}
	var leaves []field.Element
	// Unrelated registered keys first, so that ours sit at other indices.
	for i := range 6 {
		k, err := supplier.GenerateKey(nil)
		if err != nil {
			t.Fatal(err)
		}
		if i >= 3 {
			f.keys = append(f.keys, k)
		}
		leaves = append(leaves, keyLeaf(t, k.Public()))
	}
	var err error
	if f.outsider, err = supplier.GenerateKey(nil); err != nil {
		t.Fatal(err)
	}
	if f.suppliers, err = merkle.New(circuits.RegistryDepth, leaves); err != nil {
		t.Fatal(err)
	}
	f.certs = []cert{
		{"https://id.gs1.org/414/4012345000016", "DE", t0.Add(-24 * time.Hour), t0.Add(30 * 24 * time.Hour)},
		{"https://id.gs1.org/414/4012345000023", "FR", t0.Add(-90 * 24 * time.Hour), t0.Add(90 * 24 * time.Hour)},
		{"https://id.gs1.org/414/4012345000030", "KE", t0.Add(-time.Hour), t0.Add(time.Hour)},
	}
	var ol []field.Element
	for _, c := range f.certs {
		ol = append(ol, c.leaf(t))
	}
	if f.origins, err = merkle.New(circuits.RegistryDepth, ol); err != nil {
		t.Fatal(err)
	}
	return f
}

func keyLeaf(t testing.TB, pub supplier.PublicKey) field.Element {
	t.Helper()
	x, y, err := keyPoint(pub)
	if err != nil {
		t.Fatal(err)
	}
	return field.Hash(x, y)
}

// statement returns the statement of a fresh event at time at, claiming the
// origin of c when c is not nil.
func (f *fixture) statement(at time.Time, c *cert) supplier.Statement {
	f.eventCount++
	st := supplier.Statement{
		Claims: claims.Claims{
			EventID:   fmt.Sprintf("urn:uuid:00000000-0000-4000-8000-%012d", f.eventCount),
			Type:      "ObjectEvent",
			Action:    "OBSERVE",
			BizStep:   "https://ref.gs1.org/cbv/BizStep-shipping",
			EventTime: at.UTC().Truncate(time.Millisecond),
			Products:  []string{fmt.Sprintf("https://id.gs1.org/01/04012345111118/21/%d", f.eventCount)},
		},
		EventDigest: field.Digest(fmt.Appendf(nil, `{"type":"ObjectEvent","n":%d}`, f.eventCount)),
	}
	if c != nil {
		st.Claims.Action = "ADD"
		st.Claims.BizStep = "https://ref.gs1.org/cbv/BizStep-commissioning"
		st.Claims.OriginRegion = c.region
		st.Origin = claims.Origin{Facility: c.facility, Region: c.region}
	}
	return st
}

// sign returns the witness of st signed by k, with k's registry path and,
// for an origin event, c's validity and registry path.
func (f *fixture) sign(t testing.TB, k *supplier.Key, st supplier.Statement, c *cert) EventWitness {
	t.Helper()
	sig, err := k.Sign(st, nil)
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEventWitness(st, k.Public(), sig)
	if err != nil {
		t.Fatal(err)
	}
	e.SupplierPath = f.supplierPath(t, k)
	if c != nil {
		e.ValidFromMs, e.ValidUntilMs = uint64(c.from.UnixMilli()), uint64(c.until.UnixMilli())
		e.OriginPath = f.originPath(t, *c)
	}
	return e
}

// event returns a signed event by the i-th key, claiming origin c (nil for
// none), at time at.
func (f *fixture) event(t testing.TB, key int, c *cert, at time.Time) EventWitness {
	t.Helper()
	return f.sign(t, f.keys[key], f.statement(at, c), c)
}

// supplierPath returns k's path in the supplier registry, or the path of
// the first key when k is not registered.
func (f *fixture) supplierPath(t testing.TB, k *supplier.Key) merkle.Path {
	t.Helper()
	idx := uint64(0)
	for i, rk := range f.keys {
		if rk.Public().String() == k.Public().String() {
			idx = uint64(3 + i)
		}
	}
	p, err := f.suppliers.Path(idx)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// originPath returns c's path in the origin registry, or the path of the
// first certificate when c is not registered.
func (f *fixture) originPath(t testing.TB, c cert) merkle.Path {
	t.Helper()
	idx := uint64(0)
	for i, rc := range f.certs {
		if rc == c {
			idx = uint64(i)
		}
	}
	p, err := f.origins.Path(idx)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (f *fixture) batch(events ...EventWitness) BatchWitness {
	return BatchWitness{SupplierRoot: f.suppliers.Root(), OriginRoot: f.origins.Root(), Events: events}
}

func isSolved(c, w frontend.Circuit) error {
	return test.IsSolved(c, w, ecc.BN254.ScalarField())
}
