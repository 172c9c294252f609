package claims_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/provenant/provenant/claims"
	"github.com/provenant/provenant/epcis"
)

func event(t *testing.T, body string) *epcis.Event {
	t.Helper()
	doc := `{"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", {"cbvmda": "urn:epcglobal:cbv:mda:"}],
  "type": "ObjectEvent", "eventTime": "2026-03-01T12:00:00.1234+02:00", "eventTimeZoneOffset": "+02:00",
  "epcList": ["urn:epc:id:sgtin:4012345.011111.2", "https://id.gs1.de/01/04012345111118/21/1", "urn:epc:id:sgtin:4012345.011111.2"]` + body + `}`
	d, err := epcis.Parse("event.json", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return &d.Events[0]
}

func TestFromEvent(t *testing.T) {
	ev := event(t, `, "action": "ADD", "bizStep": "commissioning", "disposition": "active",
  "bizLocation": {"id": "urn:epc:id:sgln:4012345.00001.0"},
  "ilmd": {"cbvmda:countryOfOrigin": "NZ", "cbvmda:lotNumber": "L1"}`)
	c, o, err := claims.FromEvent(ev)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{
		"provenant-claims/v1",
		"eventID=" + c.EventID,
		"type=ObjectEvent",
		"action=ADD",
		"bizStep=https://ref.gs1.org/cbv/BizStep-commissioning",
		"disposition=https://ref.gs1.org/cbv/Disp-active",
		"eventTime=2026-03-01T10:00:00.123Z",
		"originRegion=NZ",
		"product=https://id.gs1.org/01/04012345111118/21/1",
		"product=https://id.gs1.org/01/04012345111118/21/2",
		"",
	}, "\n")
	if got := c.Text(); got != want {
		t.Errorf("canonical text:\n%s\nwant:\n%s", got, want)
	}
	if o.Facility != "https://id.gs1.org/414/4012345000016" || o.Region != "NZ" {
		t.Errorf("origin = %+v", o)
	}
	h1, err := c.Hash()
	if err != nil {
		t.Fatal(err)
	}
	c2 := c
	c2.OriginRegion = "AU"
	h2, _ := c2.Hash()
	if h1.Equal(&h2) {
		t.Error("changing the region does not change the hash")
	}
}

func TestFromEventNonOrigin(t *testing.T) {
	c, o, err := claims.FromEvent(event(t, `, "action": "OBSERVE", "bizStep": "shipping", "readPoint": {"id": "urn:epc:id:sgln:4012345.00001.0"}`))
	if err != nil {
		t.Fatal(err)
	}
	if c.OriginRegion != "" || o != (claims.Origin{}) {
		t.Errorf("non-origin event got origin %+v / region %q", o, c.OriginRegion)
	}
}

func TestFromEventRejects(t *testing.T) {
	for _, tc := range []struct{ name, body string }{
		{"region without facility", `, "action": "ADD", "ilmd": {"cbvmda:countryOfOrigin": "DE"}`},
		{"lower-case region", `, "action": "ADD", "bizLocation": {"id": "urn:epc:id:sgln:4012345.00001.0"}, "ilmd": {"cbvmda:countryOfOrigin": "de"}`},
		{"numeric region", `, "action": "ADD", "bizLocation": {"id": "urn:epc:id:sgln:4012345.00001.0"}, "ilmd": {"cbvmda:countryOfOrigin": 276}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, err := claims.FromEvent(event(t, tc.body)); !errors.Is(err, claims.ErrInvalid) {
				t.Fatalf("FromEvent = %v, want ErrInvalid", err)
			}
		})
	}
}
