package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"slices"

	"github.com/provenant/provenant/epcis"
	"github.com/provenant/provenant/store"
	"github.com/provenant/provenant/supplier"
)

// Profile is a demo supplier: a company with a GS1 company prefix, a farm
// whose origin is certified in the demo origin registry
// (services.DemoFacilities), a processing plant, and the raw and finished
// products it makes.
type Profile struct {
	// Name is the company's display name, also its name in the supplier
	// registry.
	Name string
	// CompanyPrefix is the GS1 company prefix (7 digits) of its products,
	// pallets and sites.
	CompanyPrefix string
	// Region is the ISO 3166-1 alpha-2 region its farm is certified in.
	Region string
	// Farm is the certified origin facility (an SGLN URN) where its lots
	// are commissioned.
	Farm string
	// Plant is its processing plant (an SGLN URN), where lots are received
	// and transformed.
	Plant string
	// Raw and Product name what is harvested and what the plant makes of
	// it; RawItem and ProductItem are their GS1 item references (6 digits,
	// indicator first).
	Raw, Product         string
	RawItem, ProductItem string
	// Zone is the UTC offset of its sites, as EPCIS writes it ("+01:00").
	Zone string
	// NeighbourRegion is a region its certified farm is not certified
	// for: the wrong claim of a few lots.
	NeighbourRegion string
}

// profileTemplates are the demo suppliers, one per certified facility of
// services.DemoFacilities and then a second round contracting the same
// farms. More suppliers than templates reuse them with a number appended.
var profileTemplates = []Profile{
	{Name: "Rheinland Hafer GmbH", CompanyPrefix: "4012345", Region: "DE", Farm: "urn:epc:id:sgln:4012345.00001.0", Plant: "urn:epc:id:sgln:4012345.00020.0",
		Raw: "oats, 25 kg sack", Product: "oat flour, 1 kg", RawItem: "012001", ProductItem: "012002", Zone: "+01:00", NeighbourRegion: "AT"},
	{Name: "Prairie Grain Co.", CompanyPrefix: "0614141", Region: "US", Farm: "urn:epc:id:sgln:0614141.00777.0", Plant: "urn:epc:id:sgln:0614141.00888.0",
		Raw: "hard red wheat, 1 t bag", Product: "whole-wheat flour, 2 lb", RawItem: "107346", ProductItem: "107347", Zone: "-06:00", NeighbourRegion: "CA"},
	{Name: "Vlaamse Suiker NV", CompanyPrefix: "5412345", Region: "BE", Farm: "urn:epc:id:sgln:5412345.00010.0", Plant: "urn:epc:id:sgln:5412345.00030.0",
		Raw: "sugar beet, 500 kg crate", Product: "white sugar, 1 kg", RawItem: "054001", ProductItem: "054002", Zone: "+01:00", NeighbourRegion: "NL"},
	{Name: "Eifel Dinkel eG", CompanyPrefix: "4098765", Region: "DE", Farm: "urn:epc:id:sgln:4012345.00001.0", Plant: "urn:epc:id:sgln:4098765.00002.0",
		Raw: "spelt, 25 kg sack", Product: "spelt flakes, 500 g", RawItem: "023001", ProductItem: "023002", Zone: "+01:00", NeighbourRegion: "LU"},
	{Name: "Great Lakes Mills Inc.", CompanyPrefix: "0712345", Region: "US", Farm: "urn:epc:id:sgln:0614141.00777.0", Plant: "urn:epc:id:sgln:0712345.00005.0",
		Raw: "soft white wheat, 1 t bag", Product: "pastry flour, 5 lb", RawItem: "031001", ProductItem: "031002", Zone: "-05:00", NeighbourRegion: "MX"},
	{Name: "Brabantse Cichorei BV", CompanyPrefix: "5498765", Region: "BE", Farm: "urn:epc:id:sgln:5412345.00010.0", Plant: "urn:epc:id:sgln:5498765.00003.0",
		Raw: "chicory root, 500 kg crate", Product: "inulin powder, 250 g", RawItem: "047001", ProductItem: "047002", Zone: "+01:00", NeighbourRegion: "FR"},
}

// MaxSuppliers bounds the suppliers of one feed.
const MaxSuppliers = 99

// Profiles returns the profiles of n demo suppliers.
func Profiles(n int) []Profile {
	out := make([]Profile, n)
	for i := range out {
		p := profileTemplates[i%len(profileTemplates)]
		if round := i / len(profileTemplates); round > 0 {
			p.Name = fmt.Sprintf("%s #%d", p.Name, round+1)
		}
		out[i] = p
	}
	return out
}

// sgln returns the SGLN URN of location ref (5 digits) of company prefix
// cp.
func sgln(cp, ref string) string { return "urn:epc:id:sgln:" + cp + "." + ref + ".0" }

// unauditedFarm is a farm of the supplier that no certificate covers.
func (p Profile) unauditedFarm() string { return sgln(p.CompanyPrefix, "00099") }

// party returns the supplier's party GLN (PGLN URN).
func (p Profile) party() string { return "urn:epc:id:pgln:" + p.CompanyPrefix + ".00000" }

// gln13 returns the 13-digit GLN of the supplier's party.
func (p Profile) gln13() string {
	digits := p.CompanyPrefix + "00000"
	d, err := epcis.GS1CheckDigit(digits)
	if err != nil {
		return digits + "0"
	}
	return fmt.Sprintf("%s%d", digits, d)
}

// KeyFile returns the key file of supplier i (0-based) in dir.
func KeyFile(dir string, i int) string {
	return filepath.Join(dir, fmt.Sprintf("supplier-%d.key", i+1))
}

// LoadKeys returns the signing keys of n suppliers, read from dir, where
// missing ones are created (mode 0600) so that later runs reuse them. It
// also reports which keys it created.
func LoadKeys(dir string, n int) ([]*supplier.Key, []bool, error) {
	if dir == "" {
		return nil, nil, errors.New("demo: no folder for the supplier keys")
	}
	keys := make([]*supplier.Key, n)
	created := make([]bool, n)
	for i := range keys {
		path := KeyFile(dir, i)
		k, err := supplier.ReadKeyFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			if k, err = supplier.GenerateKey(nil); err == nil {
				err = supplier.WriteKeyFile(path, k)
				created[i] = true
			}
		}
		if err != nil {
			return nil, nil, fmt.Errorf("demo: supplier %d: %w", i+1, err)
		}
		keys[i] = k
	}
	return keys, created, nil
}

// SupplierRegistry is what registering the demo suppliers needs of the
// store.
type SupplierRegistry interface {
	AddSupplier(ctx context.Context, s store.Supplier) (added bool, err error)
}

// Register adds each supplier's key to the supplier registry under its
// profile's name and reports which were not registered before. It is
// idempotent: a second run changes nothing.
func Register(ctx context.Context, reg SupplierRegistry, profiles []Profile, keys []*supplier.Key) ([]bool, error) {
	if len(profiles) != len(keys) {
		return nil, fmt.Errorf("demo: %d profiles for %d keys", len(profiles), len(keys))
	}
	added := make([]bool, len(keys))
	for i, k := range keys {
		var err error
		added[i], err = reg.AddSupplier(ctx, store.Supplier{PublicKey: k.Public().String(), Name: profiles[i].Name})
		if err != nil {
			return nil, fmt.Errorf("demo: register %s: %w", profiles[i].Name, err)
		}
	}
	return added, nil
}

// Sign turns the feed into the Kafka messages its suppliers send, in feed
// order: each good message signed by its supplier's key (keys, indexed
// like Feed.Suppliers), each bad one broken as its Fault says (a
// malformed message carries the signatures of the document it was cut
// from; an unsigned one only the supplier header; an unknown-key one is
// signed by stranger, a key that is not registered). Salts are drawn from
// salts (crypto/rand when nil): with a deterministic reader, the same feed
// and keys give the same messages byte for byte.
func Sign(f *Feed, keys []*supplier.Key, stranger *supplier.Key, salts io.Reader) ([]supplier.Message, error) {
	if len(keys) != len(f.Suppliers) {
		return nil, fmt.Errorf("demo: %d keys for %d suppliers", len(keys), len(f.Suppliers))
	}
	out := make([]supplier.Message, len(f.Messages))
	for i := range f.Messages {
		m := &f.Messages[i]
		k := keys[m.Supplier]
		var (
			sm  supplier.Message
			err error
		)
		switch m.Fault {
		case FaultNone:
			if sm, err = k.SignMessage(m.Name, m.Value, salts); err != nil {
				return nil, fmt.Errorf("demo: sign %s: %w", m.Name, err)
			}
			if !slices.Equal(sm.EventIDs, m.EventIDs()) {
				return nil, fmt.Errorf("demo: %s: signed events %v, the feed has %v", m.Name, sm.EventIDs, m.EventIDs())
			}
		case FaultMalformed:
			if sm, err = k.SignMessage(m.Name, m.Signed, salts); err != nil {
				return nil, fmt.Errorf("demo: sign %s: %w", m.Name, err)
			}
			sm.Value = m.Value
		case FaultInvalid:
			if sm, err = k.SignMessage(m.Name, m.Value, salts); err != nil {
				return nil, fmt.Errorf("demo: sign %s: %w", m.Name, err)
			}
		case FaultUnsigned:
			doc, err := epcis.Parse(m.Name, m.Value)
			if err != nil {
				return nil, fmt.Errorf("demo: %s: %w", m.Name, err)
			}
			sm = supplier.Message{Key: supplier.MessageKey(doc), Value: m.Value,
				Headers: []supplier.Header{{Key: supplier.HeaderSupplier, Value: k.Public().String()}}}
		case FaultUnknownKey:
			if stranger == nil {
				return nil, fmt.Errorf("demo: %s: no unregistered key to sign with", m.Name)
			}
			if sm, err = stranger.SignMessage(m.Name, m.Value, salts); err != nil {
				return nil, fmt.Errorf("demo: sign %s: %w", m.Name, err)
			}
		default:
			return nil, fmt.Errorf("demo: %s: unknown fault %q", m.Name, m.Fault)
		}
		if m.Fault != FaultNone {
			sm.EventIDs = nil // never stored
		}
		out[i] = sm
	}
	return out, nil
}

// shortKey abbreviates a public key for tables.
func shortKey(k string) string {
	if len(k) <= 12 {
		return k
	}
	return k[:6] + "…" + k[len(k)-4:]
}
