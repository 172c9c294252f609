package registry_test

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/provenant/provenant/registry"
)

// FuzzParseOrigins checks that ParseOrigins never panics, that every error
// is a list of located problems, and that what it accepts is canonical,
// builds a registry, and reads back from the registry's snapshot data.
func FuzzParseOrigins(f *testing.F) {
	const header = "facility,region,valid_from,valid_until,certificate\n"
	seeds := []string{
		header + "urn:epc:id:sgln:4012345.00005.0,DE,2026-01-01,2026-12-31,BIO-1\n",
		header + "4012345000054,pt,2026-01-01T00:00:00+02:00,2026-12-31T23:59:59.9999Z,\"a, b\"\n",
		"region,facility,valid_until,valid_from\nCH,https://example.com/gln/7612345000015/254/7,2030-12-31,2020-01-01\n",
		header + "4012345000055,XK,2026-13-01,x,\n,,,,\n\"unterminated\n",
		header + "4012345000054,DE,2026-01-01,2026-12-31,\n4012345000054,AT,2026-06-01,2027-12-31,\n",
		"\ufeff" + header + "\r\n",
		`[{"facility":"4012345000054","region":"DE","valid_from":"2026-01-01","valid_until":"2026-12-31","certificate":null}]`,
		`{"format":"provenant-registry-origins/v1","depth":20,"origins":[{"facility":"https://id.gs1.org/414/4012345000054","region":"DE","valid_from":"2026-01-01T00:00:00.000Z","valid_until":"2026-12-31T23:59:59.999Z","certificate":"C"}]}`,
		`{"origins":[1,{"facility":4},{"x":"y"}]}`,
		`[`,
		"",
	}
	for _, s := range seeds {
		f.Add("origins", s)
	}
	f.Fuzz(func(t *testing.T, name, text string) {
		entries, err := registry.ParseOrigins(name, strings.NewReader(text))
		if err != nil {
			var ps registry.Problems
			if !errors.As(err, &ps) || len(ps) == 0 || !errors.Is(err, registry.ErrInvalidOrigin) {
				t.Fatalf("error %v (%T) is not a list of problems", err, err)
			}
			for _, p := range ps {
				if p.File != name || p.Msg == "" {
					t.Fatalf("problem %#v does not name the file %q or say what is wrong", p, name)
				}
			}
			if entries != nil {
				t.Fatalf("%d entries returned with an error", len(entries))
			}
			return
		}
		for _, o := range entries {
			c, err := o.Canonical()
			if err != nil || !reflect.DeepEqual(c, o) {
				t.Fatalf("accepted entry %+v is not canonical: %+v, %v", o, c, err)
			}
			if _, err := registry.OriginLeaf(o); err != nil {
				t.Fatalf("accepted entry %+v has no leaf: %v", o, err)
			}
		}
		reg, err := registry.NewOrigins(entries)
		if err != nil {
			t.Fatalf("NewOrigins of accepted entries: %v", err)
		}
		data, err := registry.MarshalOrigins(reg)
		if err != nil {
			t.Fatal(err)
		}
		back, err := registry.ParseOrigins("snapshot", bytes.NewReader(data))
		if err != nil {
			t.Fatalf("snapshot data does not read back: %v\n%s", err, data)
		}
		if want := reg.Entries(); len(back) != len(want) || (len(want) > 0 && !reflect.DeepEqual(back, want)) {
			t.Fatalf("snapshot data reads back as\n%+v\nwant\n%+v", back, want)
		}
		for _, o := range reg.Entries() {
			if _, _, err := reg.FindClaim(o.Facility, o.Region, o.ValidFrom); err != nil {
				t.Fatalf("accepted entry not found: %v", err)
			}
		}
	})
}
