package epcis

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestNormalizeEPC(t *testing.T) {
	tests := []struct{ in, want string }{
		// EPC pure identity URIs, every scheme.
		{"urn:epc:id:sgtin:4012345.011111.98%22", "https://id.gs1.org/01/04012345111118/21/98%22"},
		{"urn:epc:id:sgtin:415056789012.0.987654", "https://id.gs1.org/01/04150567890128/21/987654"},
		{"urn:epc:id:sgtin:0614141.812345.6789%2F%26%25%22!%3F()", "https://id.gs1.org/01/80614141123458/21/6789%2F%26%25%22%21%3F%28%29"},
		{"urn:epc:id:sscc:4012345.3111111111", "https://id.gs1.org/00/340123451111111111"},
		{"urn:epc:id:sscc:4012345.0000000011", "https://id.gs1.org/00/040123450000000115"},
		{"urn:epc:id:sgln:4012345.00005.122", "https://id.gs1.org/414/4012345000054/254/122"},
		{"urn:epc:id:sgln:4012345.00005.0", "https://id.gs1.org/414/4012345000054"},
		{"urn:epc:id:grai:4012345.00022.334455", "https://id.gs1.org/8003/04012345000221334455"},
		{"urn:epc:id:giai:4012345.ABC345", "https://id.gs1.org/8004/4012345ABC345"},
		{"urn:epc:id:gsrn:4012345.0000006765", "https://id.gs1.org/8018/401234500000067657"},
		{"urn:epc:id:gsrn:4012345.9876540000", "https://id.gs1.org/8018/401234598765400000"},
		{"urn:epc:id:gsrnp:4012345.0000000007", "https://id.gs1.org/8017/401234500000000074"},
		{"urn:epc:id:gsrnp:4012345.0000098765", "https://id.gs1.org/8017/401234500000987658"},
		{"urn:epc:id:gdti:4012345.00009.PO-4711", "https://id.gs1.org/253/4012345000092PO-4711"},
		{"urn:epc:id:gdti:987659999999..9", "https://id.gs1.org/253/98765999999929"},
		{"urn:epc:id:cpi:0614141.11111111111111-A%23%2F.1234", "https://id.gs1.org/8010/061414111111111111111-A%23%2F/8011/1234"},
		{"urn:epc:id:sgcn:4012345.99999.44", "https://id.gs1.org/255/401234599999044"},
		{"urn:epc:id:ginc:0614141.xyz47%2F11", "https://id.gs1.org/401/0614141xyz47%2F11"},
		{"urn:epc:id:gsin:4012345.222333444", "https://id.gs1.org/402/40123452223334442"},
		{"urn:epc:id:gsin:4012345.999987654", "https://id.gs1.org/402/40123459999876541"},
		{"urn:epc:id:itip:4012345.011111.01.02.987", "https://id.gs1.org/8006/040123451111180102/21/987"},
		{"urn:epc:id:upui:1234567.098765.51qIgY)%3C%26Jp3*j7SDB", "https://id.gs1.org/01/01234567987651/235/51qIgY%29%3C%26Jp3%2Aj7SDB"},
		{"urn:epc:id:pgln:4000001.00000", "https://id.gs1.org/417/4000001000005"},
		{"urn:epc:id:pgln:999999999999.", "https://id.gs1.org/417/9999999999994"},
		// Class and pattern URIs.
		{"urn:epc:class:lgtin:4012345.012345.Lot987", "https://id.gs1.org/01/04012345123456/10/Lot987"},
		{"urn:epc:idpat:sgtin:4012345.012345.*", "https://id.gs1.org/01/04012345123456"},
		{"urn:epc:idpat:grai:4012345.99999.*", "https://id.gs1.org/8003/04012345999990"},
		{"urn:epc:idpat:gdti:4012345.11111.*", "https://id.gs1.org/253/4012345111118"},
		{"urn:epc:idpat:sgcn:4012345.22222.*", "https://id.gs1.org/255/4012345222227"},
		{"urn:epc:idpat:cpi:4012345.AB12.*", "https://id.gs1.org/8010/4012345AB12"},
		{"urn:epc:idpat:itip:4012345.012345.01.02.*", "https://id.gs1.org/8006/040123451234560102"},
		{"urn:epc:idpat:upui:4012345.012345.*", "https://id.gs1.org/01/04012345123456"},
		// Digital Link URIs: host, short names, GTIN padding, CPV, lot, query.
		{"https://id.gs1.org/gtin/09780345418913", "https://id.gs1.org/01/09780345418913"},
		{"https://example.com/gtin/09780345418913/21/765tz?abc=211121", "https://id.gs1.org/01/09780345418913/21/765tz"},
		{"http://example.de/gtin-8/01/97803111", "https://id.gs1.org/01/00000097803111"},
		{"http://us-company-with-UPC.com/01/001122334455/ser/GHB", "https://id.gs1.org/01/00001122334455/21/GHB"},
		{"http://id.gs1.org/gtin/9780345418913", "https://id.gs1.org/01/09780345418913"},
		{"https://id.gs1.org/gtin/9780345418913/cpv/344/lot/1223/ser/765tz", "https://id.gs1.org/01/09780345418913/21/765tz"},
		{"https://id.gs1.org/gtin/9780345418913/cpv/344", "https://id.gs1.org/01/09780345418913"},
		{"http://example.de/01/040123451234/cpv/344/lot/ABD", "https://id.gs1.org/01/00040123451234/10/ABD"},
		{"https://id.gs1.org/itip/123456789101100190/cpv/ABCD", "https://id.gs1.org/8006/123456789101100190"},
		{"https://fashion-corp.com/8006/040123451234560102/10/Lot-123/21/ser987", "https://id.gs1.org/8006/040123451234560102/21/ser987"},
		{"https://gs1.test.example.org/01/9780345418913/10/1223", "https://id.gs1.org/01/09780345418913/10/1223"},
		{"https://id.gs1.de/01/04012345999990/21/XYZ-1234", "https://id.gs1.org/01/04012345999990/21/XYZ-1234"},
		{"https://example.co.uk/party/4226350800008", "https://id.gs1.org/417/4226350800008"},
		{"https://id.gs1.org/8010/0628165987/8011/9876", "https://id.gs1.org/8010/0628165987/8011/9876"},
		{"https://id.example.org/8004/401234599999", "https://id.gs1.org/8004/401234599999"},
		// Not GS1 identifiers: unchanged.
		{"http://example.org/123/4012345ABC987/456/4711", "http://example.org/123/4012345ABC987/456/4711"},
		{"http://id.gs1.org/01/9780345418913/99/utfgf", "http://id.gs1.org/01/9780345418913/99/utfgf"},
		{"https://id.gs1.org/8006/04012345123456/22/ABCD/10/XYZ", "https://id.gs1.org/8006/04012345123456/22/ABCD/10/XYZ"},
		{"http://example.de/01/97803", "http://example.de/01/97803"},
		{"urn:epc:id:sgtin:4012345.01111.98", "urn:epc:id:sgtin:4012345.01111.98"}, // item reference too short
		{"urn:epcglobal:cbv:bt:0614141073467:1152", "urn:epcglobal:cbv:bt:0614141073467:1152"},
		{"Hello World!", "Hello World!"},
		{"42", "42"},
		{"", ""},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := NormalizeEPC(tc.in); got != tc.want {
				t.Errorf("NormalizeEPC(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestDigitalLinkFromURN(t *testing.T) {
	got, err := DigitalLinkFromURN("urn:epc:id:sscc:4012345.0000000333")
	if err != nil || got != "https://id.gs1.org/00/040123450000003338" {
		t.Errorf("DigitalLinkFromURN(sscc) = %q, %v", got, err)
	}
	for _, bad := range []string{"https://id.gs1.org/00/040123450000003338", "urn:epc:id:sscc:4012345.333", "urn:uuid:1234"} {
		if _, err := DigitalLinkFromURN(bad); !errors.Is(err, ErrNotGS1Identifier) {
			t.Errorf("DigitalLinkFromURN(%q) error = %v, want ErrNotGS1Identifier", bad, err)
		}
	}
}

func TestIsDigitalLinkAndParse(t *testing.T) {
	tests := []struct {
		in      string
		isDL    bool
		primary GS1Element
		quals   []GS1Element
	}{
		{"https://id.gs1.org/01/04012345123456/21/ABC", true, GS1Element{"01", "04012345123456"}, []GS1Element{{"21", "ABC"}}},
		{"https://brand.example/gtin/4012345123456/lot/L1/ser/S1?x=1", true, GS1Element{"01", "04012345123456"}, []GS1Element{{"21", "S1"}}},
		{"https://id.gs1.org/414/4012345000115/254/987", true, GS1Element{"414", "4012345000115"}, []GS1Element{{"254", "987"}}},
		{"https://id.gs1.org/00/040123450000003338", true, GS1Element{"00", "040123450000003338"}, nil},
		{"urn:epc:id:sgln:4012345.00011.987", false, GS1Element{"414", "4012345000115"}, []GS1Element{{"254", "987"}}},
		{"https://id.gs1.org/8010/0628165987/8011/9876", true, GS1Element{"8010", "0628165987"}, []GS1Element{{"8011", "9876"}}},
		{"https://id.gs1.org/8010/06281/65987", true, GS1Element{"8010", "06281/65987"}, nil},
		{"https://id.gs1.org/253/4602443000331XYZ", true, GS1Element{"253", "4602443000331XYZ"}, nil},
		{"https://example.org/products/42", false, GS1Element{}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := IsDigitalLink(tc.in); got != tc.isDL {
				t.Errorf("IsDigitalLink = %v, want %v", got, tc.isDL)
			}
			d, err := ParseDigitalLink(tc.in)
			if tc.primary.AI == "" {
				if !errors.Is(err, ErrNotGS1Identifier) {
					t.Errorf("ParseDigitalLink error = %v, want ErrNotGS1Identifier", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseDigitalLink: %v", err)
			}
			if d.Primary != tc.primary || fmt.Sprint(d.Qualifiers) != fmt.Sprint(tc.quals) {
				t.Errorf("ParseDigitalLink = %+v, want %+v %+v", d, tc.primary, tc.quals)
			}
			if d.String() != NormalizeEPC(tc.in) {
				t.Errorf("String() = %q, want %q", d.String(), NormalizeEPC(tc.in))
			}
		})
	}
}

func TestIdentifierGS1CheckDigit(t *testing.T) {
	tests := []struct {
		key  string
		want int
	}{
		{"401234512345", 6}, {"0401234512345", 6}, {"04012345000000333", 8}, {"401234500011", 5},
		{"٤٠١٢٣٤٥١٢٣٤٥", 6}, // Arabic-Indic digits, as Python's int() reads them
	}
	for _, tc := range tests {
		got, err := GS1CheckDigit(tc.key)
		if err != nil || got != tc.want {
			t.Errorf("GS1CheckDigit(%q) = %d, %v; want %d", tc.key, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "12a4"} {
		if _, err := GS1CheckDigit(bad); !errors.Is(err, ErrNotGS1Identifier) {
			t.Errorf("GS1CheckDigit(%q) error = %v", bad, err)
		}
	}
}

func TestCanonicalHashNumber(t *testing.T) {
	tests := []struct{ in, want string }{
		{"1", "1"}, {"1.0", "1"}, {"1.50", "1.5"}, {"007", "7"}, {"+5", "5"}, {"-0", "0"}, {".5", "0.5"},
		{"5.", "5"}, {"1e5", "100000"}, {"1E5", "100000"}, {"1e-7", "1e-07"}, {"0.0001", "0.0001"},
		{"0.00001", "1e-05"}, {"12345678.9", "12345678.9"}, {"123456789012345678", "123456789012345680"},
		{"1e16", "10000000000000000"}, {"1_000", "1000"}, {"1__0", "1__0"}, {"_1", "_1"}, {"١٢", "12"},
		{"nan", "nan"}, {"NaN", "NaN"}, {"0x10", "0x10"}, {"1e", "1e"}, {"KGM", "KGM"}, {"", ""},
		{"26.2", "26.2"}, {"0.1", "0.1"},
		// An integral double prints all its digits, as Python's int() does.
		{"1.5e300", "1500000000000000078757140382806630373056702871662238732373781173267703686983362293679557062620671796065556665749325817265413784853040645863467188277180060474272580801389863705606745350692182135089053429852456199917621678558451461320111979114170213741868888183230085264257173504208294580298189100810240"},
	}
	for _, tc := range tests {
		got, err := canonicalHashNumber(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("canonicalHashNumber(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"inf", "-Infinity", "1e400"} {
		if _, err := canonicalHashNumber(bad); !errors.Is(err, errHashNumberRange) {
			t.Errorf("canonicalHashNumber(%q) error = %v, want out of range", bad, err)
		}
	}
	for lit, want := range map[string]string{"1": "1", "-0": "0", "1.0": "1.0", "1E2": "100.0", "1e22": "1e+22", "0.1": "0.1", "1e-400": "0.0", "1e400": "inf"} {
		if got := pyNumberText(lit); got != want {
			t.Errorf("pyNumberText(%s) = %q, want %q", lit, got, want)
		}
	}
}

func TestCanonicalHashTime(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2020-03-04T11:00:30.000+01:00", "2020-03-04T10:00:30.000Z"},
		{"2020-03-04T11:00:30+01:00", "2020-03-04T10:00:30.000Z"},
		{"2023-02-02T11:04:03.1415Z", "2023-02-02T11:04:03.142Z"},
		{"2023-02-02T11:04:03.1414Z", "2023-02-02T11:04:03.141Z"},
		{"2023-01-18T11:04:03.1425Z", "2023-01-18T11:04:03.142Z"}, // half to even, as the reference
		{"2023-01-18T11:04:03.0015Z", "2023-01-18T11:04:03.002Z"},
		{"2023-01-18T11:04:03.14250001Z", "2023-01-18T11:04:03.142Z"}, // cut at microseconds first
		{"2023-01-18T11:04:03.1234567Z", "2023-01-18T11:04:03.123Z"},
		{"2023-12-31T23:59:59.9995Z", "2024-01-01T00:00:00.000Z"}, // the reference fails here
		{"2005-04-03T20:33:31.116000-06:00", "2005-04-04T02:33:31.116Z"},
		{"2023-01-18T11:04Z", "2023-01-18T11:04:00.000Z"},
		{"2023-01-18", "2023-01-18T00:00:00.000Z"},
		{"2023-01-18 11:04:03+0100", "2023-01-18T10:04:03.000Z"},
		{"2023-01-18T11:04:03+01", "2023-01-18T10:04:03.000Z"},
		{"20230118T110403Z", "2023-01-18T11:04:03.000Z"},
		{"2023-01-18T11:04:03+23:59", "2023-01-17T11:05:03.000Z"},
		{"2024-02-29T23:30:00-01:00", "2024-03-01T00:30:00.000Z"},
		{"2023-01-18T24:00:00Z", "2023-01-18T24:00:00Z"}, // not a valid time: unchanged
		{"2023-02-29T10:00:00Z", "2023-02-29T10:00:00Z"},
		{"not a time", "not a time"},
		{"", ""},
	}
	for _, tc := range tests {
		got, err := canonicalHashTime(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("canonicalHashTime(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"2023-01-18T11:04:03+24:00", "0001-01-01T00:30:00+01:00", "9999-12-31T23:59:59-01:00"} {
		if _, err := canonicalHashTime(bad); !errors.Is(err, errHashTimeRange) {
			t.Errorf("canonicalHashTime(%q) error = %v, want out of range", bad, err)
		}
	}
}

// testHashContext is a document context with a user extension namespace.
func testHashContext(t testing.TB) Context {
	t.Helper()
	ctx, err := ParseContext(json.RawMessage(`["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"example":"https://ns.example.com/epcis/","gs1":"https://gs1.org/voc/"}]`))
	if err != nil {
		t.Fatal(err)
	}
	return ctx
}

const testHashEvent = `{
  "type": "ObjectEvent",
  "eventTime": "2020-03-04T11:00:30.000+01:00",
  "eventTimeZoneOffset": "+01:00",
  "recordTime": "2020-03-04T11:00:30.999+01:00",
  "eventID": "urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8",
  "epcList": ["urn:epc:id:sscc:4012345.0000000333", "urn:epc:id:sscc:4012345.0000000111"],
  "action": "OBSERVE",
  "bizStep": "departing",
  "disposition": "in_transit",
  "readPoint": {"id": "urn:epc:id:sgln:4012345.00011.987", "example:dock": "3"},
  "bizTransactionList": [{"bizTransaction": "urn:epc:id:gdti:4012345.11111.123", "type": "po"}],
  "quantityList": [{"epcClass": "urn:epc:class:lgtin:4012345.012345.998877", "quantity": 200.0, "uom": "KGM"}],
  "sensorElementList": [{"sensorMetadata": {"time": "2020-03-04T10:55:00+01:00"},
    "sensorReport": [{"type": "Temperature", "value": 26.0, "uom": "CEL"}, {"type": "gs1:RelativeHumidity", "value": 12.10}]}],
  "example:myField": {"example:sub": ["b", "a"]}
}`

func mustHashID(t *testing.T, event string, ctx Context) string {
	t.Helper()
	id, err := HashID(json.RawMessage(event), ctx)
	if err != nil {
		t.Fatalf("HashID: %v\nevent: %s", err, event)
	}
	return id
}

// editHashEvent decodes testHashEvent, applies edit and encodes it again.
func editHashEvent(t *testing.T, edit func(m map[string]any)) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(testHashEvent), &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestHashIDProperties(t *testing.T) {
	ctx := testHashContext(t)
	base := mustHashID(t, testHashEvent, ctx)
	if !regexp.MustCompile(`^ni:///sha-256;[0-9a-f]{64}\?ver=CBV2\.0$`).MatchString(base) {
		t.Fatalf("HashID = %q, not an ni URI", base)
	}

	same := map[string]string{
		// encoding/json writes members in sorted order: a reordering of
		// every object (testHashEvent's bizTransaction entry is already
		// sorted; see TestHashIDBizTransactionMemberOrder).
		"member order": editHashEvent(t, func(m map[string]any) {}),
		"list order": editHashEvent(t, func(m map[string]any) {
			m["epcList"] = []any{"urn:epc:id:sscc:4012345.0000000111", "urn:epc:id:sscc:4012345.0000000333"}
		}),
		"eventID":          editHashEvent(t, func(m map[string]any) { m["eventID"] = "urn:uuid:00000000-0000-4000-8000-000000000000" }),
		"no eventID":       editHashEvent(t, func(m map[string]any) { delete(m, "eventID") }),
		"recordTime":       editHashEvent(t, func(m map[string]any) { m["recordTime"] = "2024-01-01T00:00:00Z" }),
		"errorDeclaration": editHashEvent(t, func(m map[string]any) { m["errorDeclaration"] = map[string]any{"reason": "incorrect_data"} }),
		"comment":          editHashEvent(t, func(m map[string]any) { m["rdfs:comment"] = "a note" }),
		"same instant in UTC": editHashEvent(t, func(m map[string]any) {
			m["eventTime"] = "2020-03-04T10:00:30Z"
		}),
		"same instant, other offset": editHashEvent(t, func(m map[string]any) {
			m["eventTime"] = "2020-03-04T04:30:30.0000-05:30"
		}),
		"Digital Link instead of URN": editHashEvent(t, func(m map[string]any) {
			m["epcList"] = []any{"https://id.gs1.org/00/040123450000003338", "https://example.com/sscc/040123450000001112?x=1"}
			m["readPoint"].(map[string]any)["id"] = "https://id.gs1.org/414/4012345000115/254/987"
		}),
		"CBV URN and full URI vocabulary": editHashEvent(t, func(m map[string]any) {
			m["bizStep"] = "urn:epcglobal:cbv:bizstep:departing"
			m["disposition"] = "https://ref.gs1.org/cbv/Disp-in_transit"
		}),
		"number forms": editHashEvent(t, func(m map[string]any) {
			m["quantityList"].([]any)[0].(map[string]any)["quantity"] = "200"
		}),
		"CURIE sensor type": editHashEvent(t, func(m map[string]any) {
			se := m["sensorElementList"].([]any)[0].(map[string]any)
			se["sensorReport"].([]any)[0].(map[string]any)["type"] = "gs1:Temperature"
		}),
	}
	for name, ev := range same {
		if got := mustHashID(t, ev, ctx); got != base {
			pre, _ := PreHash(json.RawMessage(ev), ctx)
			basePre, _ := PreHash(json.RawMessage(testHashEvent), ctx)
			t.Errorf("%s: hash changed\n got pre-hash %s\nwant pre-hash %s", name, pre, basePre)
		}
	}

	different := map[string]string{
		"eventTime":    editHashEvent(t, func(m map[string]any) { m["eventTime"] = "2020-03-04T11:00:30.001+01:00" }),
		"offset":       editHashEvent(t, func(m map[string]any) { m["eventTimeZoneOffset"] = "+02:00" }),
		"action":       editHashEvent(t, func(m map[string]any) { m["action"] = "ADD" }),
		"bizStep":      editHashEvent(t, func(m map[string]any) { m["bizStep"] = "arriving" }),
		"epc":          editHashEvent(t, func(m map[string]any) { m["epcList"] = []any{"urn:epc:id:sscc:4012345.0000000333"} }),
		"quantity":     editHashEvent(t, func(m map[string]any) { m["quantityList"].([]any)[0].(map[string]any)["quantity"] = 200.5 }),
		"extension":    editHashEvent(t, func(m map[string]any) { m["example:myField"] = "x" }),
		"nested ext":   editHashEvent(t, func(m map[string]any) { m["readPoint"].(map[string]any)["example:dock"] = "4" }),
		"removed":      editHashEvent(t, func(m map[string]any) { delete(m, "disposition") }),
		"type":         editHashEvent(t, func(m map[string]any) { m["type"] = "AggregationEvent" }),
		"biz tx type":  editHashEvent(t, func(m map[string]any) { m["bizTransactionList"].([]any)[0].(map[string]any)["type"] = "inv" }),
		"sensor value": editHashEvent(t, func(m map[string]any) { m["sensorElementList"] = []any{} }),
	}
	for name, ev := range different {
		if got := mustHashID(t, ev, ctx); got == base {
			t.Errorf("%s: hash did not change", name)
		}
	}
}

// TestHashIDBizTransactionMemberOrder pins a reference behaviour: the
// members of a bizTransaction, source or destination entry are written in
// document order, so swapping "type" and "bizTransaction" changes the hash.
func TestHashIDBizTransactionMemberOrder(t *testing.T) {
	ctx := testHashContext(t)
	event := func(entry string) string {
		return `{"type": "ObjectEvent", "eventTime": "2020-03-04T10:00:30Z", "eventTimeZoneOffset": "+00:00",
			"action": "OBSERVE", "bizTransactionList": [` + entry + `]}`
	}
	typeFirst, err := PreHash(json.RawMessage(event(`{"type": "po", "bizTransaction": "urn:x:1"}`)), ctx)
	if err != nil {
		t.Fatal(err)
	}
	idFirst, err := PreHash(json.RawMessage(event(`{"bizTransaction": "urn:x:1", "type": "po"}`)), ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(typeFirst, "bizTransactionListtype=https://ref.gs1.org/cbv/BTT-pobizTransaction=urn:x:1") ||
		!strings.HasSuffix(idFirst, "bizTransactionListbizTransaction=urn:x:1type=https://ref.gs1.org/cbv/BTT-po") {
		t.Errorf("pre-hashes:\n%s\n%s", typeFirst, idFirst)
	}
	// A bizTransaction without a type (the reference fails on it) is hashed.
	if _, err := HashID(json.RawMessage(event(`{"bizTransaction": "urn:x:1"}`)), ctx); err != nil {
		t.Errorf("untyped bizTransaction: %v", err)
	}
}

// shuffleHashMembers reorders the members of every object at random,
// except objects holding a bizTransaction, source or destination member,
// whose order the canonical form keeps.
func shuffleHashMembers(v *hashJSON, r *rand.Rand) {
	switch v.kind {
	case hashJSONArray:
		for _, item := range v.arr {
			shuffleHashMembers(item, r)
		}
	case hashJSONObject:
		for _, item := range v.vals {
			shuffleHashMembers(item, r)
		}
		for _, k := range v.keys {
			if slices.Contains(hashUnsortedKeys, k) {
				return
			}
		}
		r.Shuffle(len(v.keys), func(i, j int) {
			v.keys[i], v.keys[j] = v.keys[j], v.keys[i]
			v.vals[i], v.vals[j] = v.vals[j], v.vals[i]
		})
	}
}

func TestHashIDShuffledMembers(t *testing.T) {
	ctx := testHashContext(t)
	events := []string{testHashEvent}
	if dir := os.Getenv("PROVENANT_CONFORMANCE_DIR"); dir != "" {
		if !filepath.IsAbs(dir) {
			dir = filepath.Join("..", dir)
		}
		files, _ := filepath.Glob(filepath.Join(dir, "eventhash", "*.jsonld"))
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if doc, err := hashTestReadDocument(data); err == nil {
				for _, ev := range doc.events {
					events = append(events, string(ev))
				}
			}
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i, ev := range events {
		want := mustHashID(t, ev, ctx)
		for range 5 {
			v, err := decodeHashJSON([]byte(ev))
			if err != nil {
				t.Fatal(err)
			}
			shuffleHashMembers(v, r)
			shuffled := string(v.encode(nil))
			if got := mustHashID(t, shuffled, ctx); got != want {
				t.Errorf("event %d: shuffled members changed the hash\n%s", i, shuffled)
				break
			}
		}
	}
}

func TestPreHashShape(t *testing.T) {
	ctx := testHashContext(t)
	got, err := PreHash(json.RawMessage(testHashEvent), ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := "eventType=ObjectEvent" +
		"eventTime=2020-03-04T10:00:30.000ZeventTimeZoneOffset=+01:00" +
		"epcListepc=https://id.gs1.org/00/040123450000001112epc=https://id.gs1.org/00/040123450000003338" +
		"quantityListquantityElementepcClass=https://id.gs1.org/01/04012345123456/10/998877quantity=200uom=KGM" +
		"action=OBSERVEbizStep=https://ref.gs1.org/cbv/BizStep-departingdisposition=https://ref.gs1.org/cbv/Disp-in_transit" +
		"readPointid=https://id.gs1.org/414/4012345000115/254/987{https://ns.example.com/epcis/}dock=3" +
		"sensorElementListsensorElementsensorMetadatatime=2020-03-04T09:55:00.000Z" +
		"sensorReporttype=https://gs1.org/voc/RelativeHumidityvalue=12.1" +
		"sensorReporttype=https://gs1.org/voc/Temperaturevalue=26uom=CEL" +
		"bizTransactionListbizTransaction=https://id.gs1.org/253/4012345111118123type=https://ref.gs1.org/cbv/BTT-po" +
		"{https://ns.example.com/epcis/}myField{https://ns.example.com/epcis/}sub=a{https://ns.example.com/epcis/}sub=b"
	if got != want {
		t.Errorf("PreHash =\n%s\nwant\n%s", got, want)
	}
}

func TestHashIDOwnContext(t *testing.T) {
	doc := testHashContext(t)
	withOwn := `{"@context": {"ex2": "https://ns.example.com/epcis/"}, "type": "ObjectEvent",
		"eventTime": "2020-03-04T10:00:30Z", "eventTimeZoneOffset": "+00:00", "action": "OBSERVE", "ex2:f": "1"}`
	inDoc := `{"type": "ObjectEvent", "eventTime": "2020-03-04T10:00:30Z", "eventTimeZoneOffset": "+00:00",
		"action": "OBSERVE", "example:f": "1"}`
	if a, b := mustHashID(t, withOwn, doc), mustHashID(t, inDoc, doc); a != b {
		t.Errorf("an event's own @context changed the hash: %s vs %s", a, b)
	}
	nested := `{"type": "ObjectEvent", "eventTime": "2020-03-04T10:00:30Z", "eventTimeZoneOffset": "+00:00",
		"action": "OBSERVE", "example:f": {"@context": {"ex3": "https://ns.example.com/epcis/"}, "ex3:g": "1"}}`
	flat := `{"type": "ObjectEvent", "eventTime": "2020-03-04T10:00:30Z", "eventTimeZoneOffset": "+00:00",
		"action": "OBSERVE", "example:f": {"example:g": "1"}}`
	if a, b := mustHashID(t, nested, doc), mustHashID(t, flat, doc); a != b {
		t.Errorf("a nested @context changed the hash: %s vs %s", a, b)
	}
}

func TestHashIDIgnoredFields(t *testing.T) {
	ctx := testHashContext(t)
	h := NewHasher(WithIgnoredFields("example:captureID"))
	with := editHashEvent(t, func(m map[string]any) { m["example:captureID"] = "cc90bbe4" })
	got, err := h.HashID(json.RawMessage(with), ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := mustHashID(t, testHashEvent, ctx); got != want {
		t.Errorf("ignored field changed the hash")
	}
	if mustHashID(t, with, ctx) == got {
		t.Errorf("without the option the field should count")
	}
}

func TestHashIDErrors(t *testing.T) {
	ctx := testHashContext(t)
	deep := strings.Repeat(`{"example:a":`, 2000) + `1` + strings.Repeat(`}`, 2000)
	tests := map[string]string{
		"not JSON":        `{"type": "ObjectEvent",`,
		"not an object":   `["ObjectEvent"]`,
		"no type":         `{"eventTime": "2020-03-04T10:00:30Z"}`,
		"type not string": `{"type": 5}`,
		"trailing data":   `{"type": "ObjectEvent"} {}`,
		"number overflow": `{"type": "ObjectEvent", "example:q": 1e999}`,
		"infinite string": `{"type": "ObjectEvent", "example:q": "-Infinity"}`,
		"offset too big":  `{"type": "ObjectEvent", "eventTime": "2020-03-04T10:00:30+24:00"}`,
		"deep nesting":    `{"type": "ObjectEvent", "example:x": ` + deep + `}`,
		"empty":           ``,
	}
	for name, ev := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := HashID(json.RawMessage(ev), ctx)
			if !errors.Is(err, ErrUnhashableEvent) {
				t.Errorf("HashID error = %v, want ErrUnhashableEvent", err)
			}
		})
	}
}

// hashConformanceDir returns the directory named by PROVENANT_CONFORMANCE_DIR
// (relative to the repository root, which is the parent of this package).
func hashConformanceDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("PROVENANT_CONFORMANCE_DIR")
	if dir == "" {
		t.Skip("PROVENANT_CONFORMANCE_DIR not set: set it to the shared test data folder (e.g. ../shared/testdata) to run the event hash conformance vectors")
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join("..", dir)
	}
	if fi, err := os.Stat(filepath.Join(dir, "eventhash")); err != nil || !fi.IsDir() {
		t.Skipf("PROVENANT_CONFORMANCE_DIR %s has no eventhash folder: %v", dir, err)
	}
	return filepath.Join(dir, "eventhash")
}

// hashTestDocument is what the conformance vectors need from an EPCIS
// document: its events, its context, and the fields the reference's
// ignoreFields extension leaves out of the hash.
type hashTestDocument struct {
	events []json.RawMessage
	ctx    Context
	ignore []string
}

// hashTestReadDocument reads an EPCISDocument (epcisBody.eventList or
// epcisBody.event), an EPCISQueryDocument
// (epcisBody.queryResults.resultsBody.eventList) or a bare event.
func hashTestReadDocument(data []byte) (hashTestDocument, error) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(data, &doc); err != nil {
		return hashTestDocument{}, err
	}
	ctx, err := ParseContext(doc["@context"])
	if err != nil {
		return hashTestDocument{}, err
	}
	out := hashTestDocument{ctx: ctx}
	ignoreHolder := doc
	var body struct {
		EventList    []json.RawMessage          `json:"eventList"`
		Event        json.RawMessage            `json:"event"`
		QueryResults map[string]json.RawMessage `json:"queryResults"`
	}
	switch raw, ok := doc["epcisBody"]; {
	case !ok:
		out.events = []json.RawMessage{data}
	case json.Unmarshal(raw, &body) != nil:
		return hashTestDocument{}, errors.New("epcisBody is not an object")
	case body.QueryResults != nil:
		var results struct {
			EventList []json.RawMessage `json:"eventList"`
		}
		if err := json.Unmarshal(body.QueryResults["resultsBody"], &results); err != nil {
			return hashTestDocument{}, fmt.Errorf("resultsBody: %w", err)
		}
		out.events = results.EventList
		ignoreHolder = body.QueryResults
	case body.EventList != nil:
		out.events = body.EventList
	case body.Event != nil:
		out.events = []json.RawMessage{body.Event}
	}
	// The reference's ignoreFields extension: a member "<p>:ignoreFields" of
	// the document (or of queryResults), where p is bound to
	// https://repository-x.example.com/ in the @context, lists top-level
	// event members to leave out of the hash.
	var ctxList []json.RawMessage
	if json.Unmarshal(doc["@context"], &ctxList) == nil {
		for _, c := range ctxList {
			var m map[string]any
			if json.Unmarshal(c, &m) != nil {
				continue
			}
			for prefix, iri := range m {
				if iri == "https://repository-x.example.com/" {
					_ = json.Unmarshal(ignoreHolder[prefix+":ignoreFields"], &out.ignore)
				}
			}
		}
	}
	return out, nil
}

func hashTestReadLines(t *testing.T, path string) ([]string, bool) {
	t.Helper()
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, false
	}
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		lines = append(lines, strings.TrimRight(sc.Text(), "\r"))
	}
	return lines, true
}

// TestHashConformance checks every event of every eventhash/*.jsonld
// vector against its .hashes file, and against its .prehashes file where
// that line is consistent with the .hashes line (some published .prehashes
// files are truncated or garbled; the hashes are authoritative).
func TestHashConformance(t *testing.T) {
	dir := hashConformanceDir(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.jsonld"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Skipf("no *.jsonld vectors in %s", dir)
	}
	exact, total := 0, 0
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".jsonld")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := hashTestReadDocument(data)
			if err != nil {
				t.Fatalf("read document: %v", err)
			}
			base := strings.TrimSuffix(file, ".jsonld")
			hashes, ok := hashTestReadLines(t, base+".hashes")
			if !ok {
				t.Skipf("no %s.hashes", name)
			}
			prehashes, _ := hashTestReadLines(t, base+".prehashes")
			if len(hashes) != len(doc.events) {
				t.Fatalf("%d events, %d expected hashes", len(doc.events), len(hashes))
			}
			h := NewHasher(WithIgnoredFields(doc.ignore...))
			total++
			ok = true
			for i, ev := range doc.events {
				pre, err := h.PreHash(ev, doc.ctx)
				if err != nil {
					t.Errorf("event %d: %v", i, err)
					ok = false
					continue
				}
				if got := HashIDFromPreHash(pre); got != hashes[i] {
					ok = false
					t.Errorf("event %d: hash\n got %s\nwant %s\npre-hash %s", i, got, hashes[i], pre)
				}
				if i < len(prehashes) {
					want := prehashes[i]
					switch {
					case HashIDFromPreHash(want) != hashes[i]:
						t.Logf("event %d: %s.prehashes line does not match its hash; pre-hash not compared", i, name)
					case pre != want:
						t.Errorf("event %d: pre-hash\n got %s\nwant %s", i, pre, want)
					}
				}
			}
			if ok {
				exact++
			}
		})
	}
	t.Logf("event hash conformance: %d of %d vector files exact", exact, total)
}
