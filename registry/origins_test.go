package registry_test

import (
	"errors"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/provenant/provenant/epcis"
	"github.com/provenant/provenant/field"
	"github.com/provenant/provenant/merkle"
	"github.com/provenant/provenant/registry"
	"github.com/provenant/provenant/supplier"
)

func TestOriginsEveryEntryVerifies(t *testing.T) {
	reg := mustOrigins(t, testOrigins(t))
	root := reg.Root()
	entries := reg.Entries()
	if len(entries) != len(testOrigins(t)) {
		t.Fatalf("%d entries, want %d", len(entries), len(testOrigins(t)))
	}
	for i, o := range entries {
		leaf, err := registry.OriginLeaf(o)
		if err != nil {
			t.Fatal(err)
		}
		// Both ends of the period are included.
		for _, at := range []time.Time{o.ValidFrom, o.ValidUntil} {
			got, path, err := reg.FindClaim(o.Facility, o.Region, at)
			if err != nil {
				t.Fatalf("entry %d: FindClaim at %s: %v", i, at, err)
			}
			if !got.ValidFrom.After(at) && !got.ValidUntil.Before(at) && got.Facility == o.Facility {
				gotLeaf, _ := registry.OriginLeaf(got)
				if err := merkle.Verify(root, gotLeaf, path); err != nil {
					t.Errorf("entry %d: path of the entry found at %s does not verify: %v", i, at, err)
				}
			} else {
				t.Errorf("entry %d: FindClaim at %s found %+v, which does not cover it", i, at, got)
			}
		}
		// The entry's own path: it is the first of its facility that covers
		// its own start, or another entry is.
		got, path, err := reg.Find(o.Facility, o.ValidFrom)
		if err != nil {
			t.Fatal(err)
		}
		if got == o {
			if path.Index != uint64(i) {
				t.Errorf("entry %d found at index %d", i, path.Index)
			}
			if err := merkle.Verify(root, leaf, path); err != nil {
				t.Errorf("entry %d: %v", i, err)
			}
		}
	}
}

func TestOriginsLeafEncoding(t *testing.T) {
	o := registry.Origin{Facility: facility(t, "401234500005"), Region: "DE", ValidFrom: day(2026, 1, 1), ValidUntil: endOfDay(2026, 12, 31), Certificate: "ignored"}
	region, _ := field.Region("DE")
	want := field.Hash(field.String(o.Facility), region, field.Uint64(uint64(o.ValidFrom.UnixMilli())), field.Uint64(uint64(o.ValidUntil.UnixMilli())))
	got, err := registry.OriginLeaf(o)
	if err != nil || !got.Equal(&want) {
		t.Fatalf("OriginLeaf = %s, %v; want %s", registry.RootHex(got), err, registry.RootHex(want))
	}
	o.Certificate = "another"
	if again, _ := registry.OriginLeaf(o); !again.Equal(&got) {
		t.Error("the certificate changes the leaf")
	}
	if _, err := registry.OriginLeaf(registry.Origin{Facility: o.Facility, Region: "de", ValidFrom: o.ValidFrom, ValidUntil: o.ValidUntil}); err == nil {
		t.Error("OriginLeaf accepted a lower-case region")
	}
	if _, err := registry.OriginLeaf(registry.Origin{Facility: o.Facility, Region: "DE", ValidFrom: day(1969, 12, 31), ValidUntil: o.ValidUntil}); err == nil {
		t.Error("OriginLeaf accepted a time before 1970")
	}
}

// TestRootsPinned pins the roots of fixed entries, so that a change of
// encoding, order or tree is seen at once; doc.go specifies them.
func TestRootsPinned(t *testing.T) {
	empty := mustOrigins(t, nil)
	zeros := merkle.Zeros(registry.Depth)
	if r := empty.Root(); !r.Equal(&zeros[registry.Depth]) {
		t.Errorf("empty origin registry root %s, want the root of an empty tree", registry.RootHex(r))
	}
	emptySuppliers := mustSuppliers(t, nil)
	if r := emptySuppliers.Root(); !r.Equal(&zeros[registry.Depth]) {
		t.Errorf("empty supplier registry root %s, want the root of an empty tree", registry.RootHex(r))
	}
	const (
		wantEmpty   = "227ddf06cd019e0636691f0ab018f4f0762ca6b2947fb0bb694de42783cd6733"
		wantOrigins = "0da343f3a76bdb25a359e75cf4df7ef60aa1cdae67e84ad790da8ee069415d1a"
	)
	if got := registry.RootHex(empty.Root()); got != wantEmpty {
		t.Errorf("empty registry root %s, want %s", got, wantEmpty)
	}
	if got := registry.RootHex(mustOrigins(t, testOrigins(t)).Root()); got != wantOrigins {
		t.Errorf("origin registry root %s, want %s", got, wantOrigins)
	}
}

func TestOriginsDeterministic(t *testing.T) {
	entries := testOrigins(t)
	want := mustOrigins(t, entries)
	r := rand.New(rand.NewPCG(3, 4))
	for range 10 {
		shuffled := slices.Clone(entries)
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		shuffled = append(shuffled, shuffled[0]) // an exact duplicate
		got := mustOrigins(t, shuffled)
		if a, b := got.Root(), want.Root(); !a.Equal(&b) {
			t.Fatalf("shuffled entries give root %s, want %s", registry.RootHex(a), registry.RootHex(b))
		}
		if !reflect.DeepEqual(got.Entries(), want.Entries()) {
			t.Fatalf("shuffled entries are ordered\n%v\nwant\n%v", got.Entries(), want.Entries())
		}
	}
	// Other spellings of the same facilities, regions and times.
	berlin := time.FixedZone("CET", 3600)
	respelled := slices.Clone(entries)
	respelled[0].Facility = "urn:epc:id:sgln:4012345.00005.0"
	respelled[1].Facility = gln(t, "401234500005")
	respelled[2].Facility = "https://example.com/gln/" + gln(t, "061414100001") + "?linkType=all"
	respelled[3].Region = "pt"
	respelled[4].Facility = "urn:epc:id:sgln:7612345.00001.7"
	respelled[4].ValidFrom = respelled[4].ValidFrom.In(berlin)
	got := mustOrigins(t, respelled)
	if a, b := got.Root(), want.Root(); !a.Equal(&b) {
		t.Errorf("respelled entries give root %s, want %s", registry.RootHex(a), registry.RootHex(b))
	}
	// The order is by facility, then period, then region.
	sorted := slices.IsSortedFunc(want.Entries(), func(a, b registry.Origin) int {
		if c := strings.Compare(a.Facility, b.Facility); c != 0 {
			return c
		}
		if c := a.ValidFrom.Compare(b.ValidFrom); c != 0 {
			return c
		}
		return a.ValidUntil.Compare(b.ValidUntil)
	})
	if !sorted {
		t.Errorf("entries not ordered by facility and period: %v", want.Entries())
	}
}

func TestOriginsFindRejects(t *testing.T) {
	reg := mustOrigins(t, testOrigins(t))
	root := reg.Root()
	de := facility(t, "401234500005") // 2025-01-01..2025-06-30 and 2026
	ch := facility(t, "761234500001") + "/254/7"

	// A genuine entry and its path, to tamper with.
	entry, path, err := reg.FindClaim(de, "DE", day(2026, 5, 1))
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := registry.OriginLeaf(entry)
	other := mustOrigins(t, testOrigins(t)[1:])

	tests := []struct {
		name   string
		find   func() error
		want   error
		reason registry.Reason
		msg    string
	}{
		{name: "uncertified facility", find: func() error { _, _, err := reg.Find(facility(t, "999999900001"), day(2026, 1, 1)); return err },
			want: registry.ErrNotCertified, reason: registry.UnknownFacility, msg: "not in the origin registry"},
		{name: "not a GLN", find: func() error { _, _, err := reg.Find("urn:example:farm:7", day(2026, 1, 1)); return err },
			want: registry.ErrNotCertified, reason: registry.UnknownFacility, msg: "urn:example:farm:7"},
		{name: "GLN extension not certified", find: func() error { _, _, err := reg.Find(facility(t, "761234500001"), day(2026, 1, 1)); return err },
			want: registry.ErrNotCertified, reason: registry.UnknownFacility},
		{name: "expired certificate", find: func() error { _, _, err := reg.Find(de, endOfDay(2026, 12, 31).Add(time.Millisecond)); return err },
			want: registry.ErrNotCertified, reason: registry.Expired, msg: "expired, the last at 2026-12-31T23:59:59.999Z"},
		{name: "not yet valid", find: func() error { _, _, err := reg.Find(de, day(2025, 1, 1).Add(-time.Millisecond)); return err },
			want: registry.ErrNotCertified, reason: registry.NotYetValid, msg: "the first starts 2025-01-01T00:00:00.000Z"},
		{name: "between certificates", find: func() error { _, _, err := reg.Find(de, day(2025, 9, 1)); return err },
			want: registry.ErrNotCertified, reason: registry.NotCovered, msg: "2025-01-01T00:00:00.000Z to 2025-06-30T23:59:59.999Z"},
		{name: "wrong region", find: func() error { _, _, err := reg.FindClaim(ch, "FR", day(2026, 1, 1)); return err },
			want: registry.ErrNotCertified, reason: registry.WrongRegion, msg: "certified for region CH"},
		{name: "no region claimed", find: func() error { _, _, err := reg.FindClaim(ch, "", day(2026, 1, 1)); return err },
			want: registry.ErrNotCertified},
		{name: "wrong region leaf", find: func() error {
			forged := entry
			forged.Region = "FR"
			l, _ := registry.OriginLeaf(forged)
			return merkle.Verify(root, l, path)
		}, want: merkle.ErrBadPath},
		{name: "extended validity leaf", find: func() error {
			forged := entry
			forged.ValidUntil = forged.ValidUntil.AddDate(1, 0, 0)
			l, _ := registry.OriginLeaf(forged)
			return merkle.Verify(root, l, path)
		}, want: merkle.ErrBadPath},
		{name: "tampered path", find: func() error {
			p := merkle.Path{Index: path.Index, Siblings: slices.Clone(path.Siblings)}
			p.Siblings[registry.Depth-1] = field.Uint64(1)
			return merkle.Verify(root, leaf, p)
		}, want: merkle.ErrBadPath},
		{name: "another root", find: func() error { return merkle.Verify(other.Root(), leaf, path) }, want: merkle.ErrBadPath},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.find()
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
			var nc *registry.NotCertifiedError
			if tc.reason != 0 {
				if !errors.As(err, &nc) || nc.Reason != tc.reason {
					t.Fatalf("error %v, want a *NotCertifiedError with reason %s", err, tc.reason)
				}
			}
			if tc.msg != "" && !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q does not say %q", err, tc.msg)
			}
		})
	}
}

func TestOriginsFindChoosesCoveringEntry(t *testing.T) {
	reg := mustOrigins(t, testOrigins(t))
	pt := facility(t, "061414100001")
	// Two certificates cover mid-2025; the first in leaf order is returned.
	got, _, err := reg.Find(pt, day(2025, 7, 1))
	if err != nil || got.Certificate != "FT-PT-9" {
		t.Errorf("Find in the overlap = %+v, %v; want FT-PT-9", got, err)
	}
	// Only the long one covers 2026.
	got, _, err = reg.Find("urn:epc:id:sgln:0614141.00001.0", time.Date(2026, 2, 1, 12, 0, 0, 999_999, time.UTC))
	if err != nil || got.Certificate != "FT-PT-9" {
		t.Errorf("Find by SGLN in 2026 = %+v, %v; want FT-PT-9", got, err)
	}
	// Sub-millisecond digits of the time asked are dropped, as event claims
	// drop them: the last instant of a period still counts.
	de := facility(t, "401234500005")
	if _, _, err := reg.Find(de, endOfDay(2026, 12, 31).Add(999*time.Microsecond)); err != nil {
		t.Errorf("Find at the period's last millisecond plus 999µs: %v", err)
	}
}

func TestOriginCanonical(t *testing.T) {
	base := registry.Origin{Facility: facility(t, "401234500005"), Region: "DE", ValidFrom: day(2026, 1, 1), ValidUntil: endOfDay(2026, 12, 31)}
	tests := []struct {
		name   string
		edit   func(*registry.Origin)
		want   func(*registry.Origin) // the canonical entry, from base; nil when invalid
		field  string                 // the field at fault, when invalid
		errMsg string
	}{
		{name: "canonical", edit: func(*registry.Origin) {}, want: func(*registry.Origin) {}},
		{name: "SGLN URN", edit: func(o *registry.Origin) { o.Facility = "urn:epc:id:sgln:4012345.00005.0" }, want: func(*registry.Origin) {}},
		{name: "SGLN URN with extension", edit: func(o *registry.Origin) { o.Facility = "urn:epc:id:sgln:4012345.00005.12" },
			want: func(o *registry.Origin) { o.Facility += "/254/12" }},
		{name: "bare GLN", edit: func(o *registry.Origin) { o.Facility = " " + gln(t, "401234500005") + " " }, want: func(*registry.Origin) {}},
		{name: "Digital Link on another host", edit: func(o *registry.Origin) { o.Facility = "http://dl.example.org/gln/" + gln(t, "401234500005") },
			want: func(*registry.Origin) {}},
		{name: "lower-case region", edit: func(o *registry.Origin) { o.Region = "de" }, want: func(*registry.Origin) {}},
		{name: "sub-millisecond times round inwards", edit: func(o *registry.Origin) {
			o.ValidFrom = o.ValidFrom.Add(1500 * time.Microsecond)
			o.ValidUntil = o.ValidUntil.Add(-1500 * time.Microsecond)
		}, want: func(o *registry.Origin) {
			o.ValidFrom = o.ValidFrom.Add(2 * time.Millisecond)
			o.ValidUntil = o.ValidUntil.Add(-2 * time.Millisecond)
		}},
		{name: "time zone", edit: func(o *registry.Origin) { o.ValidFrom = o.ValidFrom.In(time.FixedZone("X", -5*3600)) }, want: func(*registry.Origin) {}},
		{name: "one-instant period", edit: func(o *registry.Origin) { o.ValidUntil = o.ValidFrom }, want: func(o *registry.Origin) { o.ValidUntil = o.ValidFrom }},
		{name: "certificate trimmed", edit: func(o *registry.Origin) { o.Certificate = "  C-1 " }, want: func(o *registry.Origin) { o.Certificate = "C-1" }},

		{name: "empty facility", edit: func(o *registry.Origin) { o.Facility = "" }, field: "facility", errMsg: "empty"},
		{name: "GLN check digit", edit: func(o *registry.Origin) { o.Facility = "4012345000055" }, field: "facility", errMsg: "check digit 5, want 4"},
		{name: "Digital Link check digit", edit: func(o *registry.Origin) { o.Facility = "https://id.gs1.org/414/4012345000055" }, field: "facility", errMsg: "check digit"},
		{name: "short GLN", edit: func(o *registry.Origin) { o.Facility = "401234500005" }, field: "facility", errMsg: "13 digits"},
		{name: "GTIN", edit: func(o *registry.Origin) { o.Facility = "https://id.gs1.org/01/04012345000054" }, field: "facility", errMsg: "AI 01"},
		{name: "SGTIN", edit: func(o *registry.Origin) { o.Facility = "urn:epc:id:sgtin:4012345.011111.1" }, field: "facility", errMsg: "want 414"},
		{name: "not an identifier", edit: func(o *registry.Origin) { o.Facility = "Farm 7, Lisbon" }, field: "facility", errMsg: "not a GLN"},
		{name: "empty extension", edit: func(o *registry.Origin) { o.Facility += "/254/" }, field: "facility", errMsg: "empty GLN extension"},
		{name: "non-ASCII digits", edit: func(o *registry.Origin) { o.Facility = "https://id.gs1.org/414/٤012345000054" }, field: "facility", errMsg: "ASCII"},
		{name: "empty region", edit: func(o *registry.Origin) { o.Region = "" }, field: "region", errMsg: "empty"},
		{name: "alpha-3 region", edit: func(o *registry.Origin) { o.Region = "DEU" }, field: "region", errMsg: "two letters"},
		{name: "user-assigned region", edit: func(o *registry.Origin) { o.Region = "XK" }, field: "region", errMsg: "officially assigned"},
		{name: "reserved region", edit: func(o *registry.Origin) { o.Region = "UK" }, field: "region", errMsg: "officially assigned"},
		{name: "withdrawn region", edit: func(o *registry.Origin) { o.Region = "AN" }, field: "region", errMsg: "officially assigned"},
		{name: "no valid_from", edit: func(o *registry.Origin) { o.ValidFrom = time.Time{} }, field: "valid_from", errMsg: "empty"},
		{name: "no valid_until", edit: func(o *registry.Origin) { o.ValidUntil = time.Time{} }, field: "valid_until", errMsg: "empty"},
		{name: "before 1970", edit: func(o *registry.Origin) { o.ValidFrom = day(1969, 12, 31) }, field: "valid_from", errMsg: "outside 1970-01-01"},
		{name: "after 9999", edit: func(o *registry.Origin) { o.ValidUntil = day(10000, 1, 1) }, field: "valid_until", errMsg: "outside"},
		{name: "ends before it starts", edit: func(o *registry.Origin) { o.ValidUntil = day(2025, 12, 31) }, field: "valid_until", errMsg: "before valid_from"},
		{name: "certificate with a newline", edit: func(o *registry.Origin) { o.Certificate = "a\nb" }, field: "certificate", errMsg: "control character"},
		{name: "certificate not UTF-8", edit: func(o *registry.Origin) { o.Certificate = "\xff" }, field: "certificate", errMsg: "UTF-8"},
		{name: "certificate too long", edit: func(o *registry.Origin) { o.Certificate = strings.Repeat("x", 1025) }, field: "certificate", errMsg: "longer than 1024"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := base
			tc.edit(&in)
			got, err := in.Canonical()
			if tc.want != nil {
				want := base
				tc.want(&want)
				if err != nil || !reflect.DeepEqual(got, want) {
					t.Fatalf("Canonical() = %+v, %v; want %+v", got, err, want)
				}
				if got.Facility != epcis.NormalizeEPC(in.Facility) && !strings.HasPrefix(strings.TrimSpace(in.Facility), "4") {
					t.Errorf("facility %q is not NormalizeEPC(%q)", got.Facility, in.Facility)
				}
				again, err := got.Canonical()
				if err != nil || !reflect.DeepEqual(again, got) {
					t.Errorf("Canonical is not idempotent: %+v, %v", again, err)
				}
				return
			}
			var ps registry.Problems
			if !errors.As(err, &ps) || !errors.Is(err, registry.ErrInvalidOrigin) {
				t.Fatalf("Canonical() error %v, want Problems", err)
			}
			if len(ps) != 1 || ps[0].Field != tc.field || !strings.Contains(ps[0].Msg, tc.errMsg) {
				t.Errorf("problems %v, want one for %s saying %q", ps, tc.field, tc.errMsg)
			}
			// NewOrigins names the entry and the field.
			_, err = registry.NewOrigins([]registry.Origin{base, in})
			if err == nil || !strings.Contains(err.Error(), "origins[1]: "+tc.field+": ") {
				t.Errorf("NewOrigins error %v, want one naming origins[1] and %s", err, tc.field)
			}
		})
	}
}

func TestOriginsRegionConflicts(t *testing.T) {
	f := facility(t, "401234500005")
	de := registry.Origin{Facility: f, Region: "DE", ValidFrom: day(2026, 1, 1), ValidUntil: endOfDay(2026, 6, 30)}
	tests := []struct {
		name  string
		other registry.Origin
		ok    bool
	}{
		{"overlap, another region", registry.Origin{Facility: f, Region: "AT", ValidFrom: day(2026, 6, 30), ValidUntil: endOfDay(2026, 12, 31)}, false},
		{"inside, another region", registry.Origin{Facility: f, Region: "AT", ValidFrom: day(2026, 2, 1), ValidUntil: day(2026, 2, 2)}, false},
		{"around, another region", registry.Origin{Facility: f, Region: "AT", ValidFrom: day(2025, 2, 1), ValidUntil: day(2027, 2, 2)}, false},
		{"adjacent, another region", registry.Origin{Facility: f, Region: "AT", ValidFrom: day(2026, 7, 1), ValidUntil: endOfDay(2026, 12, 31)}, true},
		{"overlap, same region", registry.Origin{Facility: f, Region: "DE", ValidFrom: day(2026, 3, 1), ValidUntil: endOfDay(2026, 12, 31), Certificate: "2"}, true},
		{"overlap, another facility", registry.Origin{Facility: facility(t, "401234500006"), Region: "AT", ValidFrom: day(2026, 3, 1), ValidUntil: endOfDay(2026, 12, 31)}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := registry.NewOrigins([]registry.Origin{de, tc.other})
			if tc.ok {
				if err != nil {
					t.Fatalf("NewOrigins: %v", err)
				}
				return
			}
			var ps registry.Problems
			if !errors.As(err, &ps) || len(ps) != 1 {
				t.Fatalf("NewOrigins error %v, want one problem", err)
			}
			if msg := ps[0].Error(); !strings.Contains(msg, "region: ") || !strings.Contains(msg, "origins[0]") || !strings.Contains(msg, "origins[1]") {
				t.Errorf("problem %q does not name both entries and the region", msg)
			}
		})
	}
}

func TestOriginsDuplicates(t *testing.T) {
	o := testOrigins(t)[0]
	withOtherCertificate := o
	withOtherCertificate.Certificate = "BIO-DE-1b"
	reg := mustOrigins(t, []registry.Origin{o, o, withOtherCertificate, o})
	if reg.Len() != 2 {
		t.Errorf("Len = %d, want 2: exact duplicates once, another certificate kept", reg.Len())
	}
}

func TestValidRegion(t *testing.T) {
	for _, code := range []string{"DE", "PT", "CH", "US", "GB", "AX", "BQ", "SS", "CW", "SX", "EH", "PS", "TW"} {
		if !registry.ValidRegion(code) {
			t.Errorf("ValidRegion(%q) = false", code)
		}
	}
	for _, code := range []string{"", "de", "D", "DEU", "XK", "UK", "EU", "AN", "YU", "ZZ", "AA", "QM", "XA", "EZ", "UN"} {
		if registry.ValidRegion(code) {
			t.Errorf("ValidRegion(%q) = true", code)
		}
	}
	n := 0
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			if registry.ValidRegion(string([]rune{a, b})) {
				n++
			}
		}
	}
	if n != 249 {
		t.Errorf("%d officially assigned codes, want 249", n)
	}
	if got := registry.RegionName("PT"); got != "Portugal" {
		t.Errorf("RegionName(PT) = %q", got)
	}
}

// TestOriginsRootIsSpecified rebuilds a registry large enough to be built
// in parallel the way doc.go specifies it: leaves in order, merkle.New.
func TestOriginsRootIsSpecified(t *testing.T) {
	entries := benchOrigins(t, 3000)
	leaves := make([]field.Element, len(entries))
	for i, o := range entries {
		leaf, err := registry.OriginLeaf(o)
		if err != nil {
			t.Fatal(err)
		}
		leaves[i] = leaf
	}
	tree, err := merkle.New(registry.Depth, leaves)
	if err != nil {
		t.Fatal(err)
	}
	reversed := slices.Clone(entries)
	slices.Reverse(reversed)
	reg := mustOrigins(t, reversed)
	if a, b := reg.Root(), tree.Root(); !a.Equal(&b) {
		t.Fatalf("root %s, want %s", registry.RootHex(a), registry.RootHex(b))
	}
	keys := testKeys(t, 30, 600)
	sorted := slices.Clone(keys)
	slices.SortFunc(sorted, func(a, b supplier.PublicKey) int { return strings.Compare(a.String(), b.String()) })
	leaves = leaves[:0]
	for _, k := range sorted {
		leaves = append(leaves, registry.SupplierLeaf(k))
	}
	if tree, err = merkle.New(registry.Depth, leaves); err != nil {
		t.Fatal(err)
	}
	if a, b := mustSuppliers(t, keys).Root(), tree.Root(); !a.Equal(&b) {
		t.Fatalf("supplier root %s, want %s", registry.RootHex(a), registry.RootHex(b))
	}
}
