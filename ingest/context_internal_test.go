package ingest

import (
	"bytes"
	"encoding/json"
	"testing"
)

// contextRef is documentContext's reference: decode the top-level object
// and take its "@context" member.
func contextRef(value []byte) (json.RawMessage, bool) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(value, &top); err != nil {
		return nil, false
	}
	return top["@context"], true
}

// distinctTopKeys reports whether the top-level object's keys are distinct
// (validated EPCIS input always has distinct keys).
func distinctTopKeys(value []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(value))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return true
	}
	seen := map[string]bool{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return true
		}
		k := t.(string)
		if seen[k] {
			return false
		}
		seen[k] = true
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return true
		}
	}
	return true
}

func TestDocumentContext(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"array", `{"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", {"ex": "https://ex.com/"}], "type": "EPCISDocument"}`,
			`["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", {"ex": "https://ex.com/"}]`},
		{"string", `{"type":"ObjectEvent","@context":"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"}`,
			`"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"`},
		{"after nested values", `{"a": {"b": [1, 2.5e3, true, null, "x\"}"]}, "c": -1,"@context" :  {"k": "v"} }`, `{"k": "v"}`},
		{"escaped key", `{"\u0040context": ["x"]}`, `["x"]`},
		{"escaped strings before", `{"a": "\\", "b": "\"", "@context": "y"}`, `"y"`},
		{"absent", `{"type": "ObjectEvent", "eventList": [{"@context": "inner"}]}`, ``},
		{"other case", `{"@Context": "x"}`, ``},
		{"empty object", `{}`, ``},
		{"not an object", `["@context"]`, ``},
		{"truncated", `{"a": [1, 2`, ``},
		{"empty", ``, ``},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := documentContext([]byte(tc.in))
			if string(got) != tc.want {
				t.Errorf("documentContext(%s) = %q, want %q", tc.in, got, tc.want)
			}
			if ref, ok := contextRef([]byte(tc.in)); ok && !bytes.Equal(ref, got) {
				t.Errorf("documentContext(%s) = %q, encoding/json finds %q", tc.in, got, ref)
			}
		})
	}
}

// FuzzDocumentContext checks documentContext against encoding/json on
// well-formed objects with distinct keys, and that it never panics.
func FuzzDocumentContext(f *testing.F) {
	f.Add([]byte(`{"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"], "type": "EPCISDocument"}`))
	f.Add([]byte(`{"x": [{"y": "\u0022"}, 1e-3, false], "@context": {"a": null}}`))
	f.Add(eventDocForFuzz)
	f.Fuzz(func(t *testing.T, in []byte) {
		got := documentContext(in)
		if !json.Valid(in) || !distinctTopKeys(in) {
			return
		}
		ref, ok := contextRef(in)
		if !ok {
			if got != nil {
				t.Errorf("documentContext(%q) = %q, want nil (not an object)", in, got)
			}
			return
		}
		if !bytes.Equal(got, ref) {
			t.Errorf("documentContext(%q) = %q, encoding/json finds %q", in, got, ref)
		}
	})
}

var eventDocForFuzz = []byte(`{
  "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
  "type": "EPCISDocument",
  "schemaVersion": "2.0",
  "creationDate": "2026-11-20T08:00:00.000Z",
  "epcisBody": {"eventList": [{"type": "ObjectEvent", "eventTime": "2026-11-21T10:00:00.000Z", "eventTimeZoneOffset": "+00:00",
    "epcList": ["urn:epc:id:sgtin:4012345.011111.1"], "action": "OBSERVE"}]}
}`)
