package epcis_test

import (
	"strings"
	"testing"

	"github.com/provenant/provenant/epcis"
)

func TestIdentity(t *testing.T) {
	const doc = `{
  "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", {"ex": "https://ex.example/"}],
  "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-01-01T00:00:00Z",
  "ex:ignoreFields": ["ex:captureID"],
  "epcisBody": {"eventList": [
    {"type": "ObjectEvent", "eventTime": "2026-01-01T00:00:00Z", "eventTimeZoneOffset": "+00:00",
     "epcList": ["urn:epc:id:sgtin:4012345.011111.1"], "action": "OBSERVE", "ex:captureID": "A"},
    {"type": "ObjectEvent", "eventTime": "2026-01-01T00:00:00Z", "eventTimeZoneOffset": "+00:00",
     "epcList": ["urn:epc:id:sgtin:4012345.011111.1"], "action": "OBSERVE", "ex:captureID": "B"},
    {"type": "ObjectEvent", "eventID": "urn:uuid:11111111-2222-4333-8444-555555555555", "eventTime": "2026-01-01T00:00:00Z",
     "eventTimeZoneOffset": "+00:00", "epcList": ["urn:epc:id:sgtin:4012345.011111.1"], "action": "OBSERVE"}
  ]}
}`
	d, err := epcis.Parse("identity.json", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(d.HashIgnoredFields, ","); got != "ex:captureID" {
		t.Fatalf("HashIgnoredFields = %q", got)
	}
	ids := make([]string, len(d.Events))
	for i := range d.Events {
		if ids[i], err = d.Events[i].Identity(); err != nil {
			t.Fatal(err)
		}
	}
	// The ignored member does not take part in the hash.
	if ids[0] != ids[1] {
		t.Errorf("events differing only in an ignored field have identities %s and %s", ids[0], ids[1])
	}
	if !strings.HasPrefix(ids[0], "ni:///sha-256;") {
		t.Errorf("identity without eventID = %q, want a hash ID", ids[0])
	}
	// A given eventID is the identity; the hash is still computed.
	if ids[2] != "urn:uuid:11111111-2222-4333-8444-555555555555" {
		t.Errorf("identity with eventID = %q", ids[2])
	}
	h2, err := d.Events[2].HashID()
	if err != nil || h2 != ids[0] {
		t.Errorf("HashID of the event with eventID = %q, %v; want %q (same content otherwise)", h2, err, ids[0])
	}
	// Without the document's ignore list, the member counts.
	plain, err := epcis.HashID(d.Events[0].Raw, d.Events[0].Context)
	if err != nil || plain == ids[0] {
		t.Errorf("plain HashID = %q, %v; want a hash that differs from %q", plain, err, ids[0])
	}
}
