package epcis

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden files")

// testValidator is built once for the package's tests.
var testValidator = sync.OnceValues(NewValidator)

func validator(t testing.TB) *Validator {
	t.Helper()
	v, err := testValidator()
	if err != nil {
		t.Fatalf("NewValidator: %v", err)
	}
	return v
}

func TestValidateOwnFixtures(t *testing.T) {
	v := validator(t)
	for _, name := range []string{"document.jsonld", "object_event.jsonld", "query_document.jsonld"} {
		t.Run(name, func(t *testing.T) {
			doc, err := v.Validate(name, readTestdata(t, name))
			if err != nil {
				for _, p := range problemsOf(t, err) {
					t.Error(p.String())
				}
			}
			if doc == nil || len(doc.Events) == 0 {
				t.Errorf("no events decoded")
			}
		})
	}
}

// TestValidateGolden checks the full output for a document with problems
// of many kinds. Refresh with: go test ./epcis -run Golden -update
func TestValidateGolden(t *testing.T) {
	_, err := validator(t).Validate("invalid_mixed.jsonld", readTestdata(t, "invalid_mixed.jsonld"))
	var b strings.Builder
	for _, p := range problemsOf(t, err) {
		fmt.Fprintf(&b, "%s\t%s\n", p.Code, p.String())
	}
	golden := "testdata/invalid_mixed.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if b.String() != string(want) {
		t.Errorf("problems differ from %s:\ngot:\n%s\nwant:\n%s", golden, b.String(), want)
	}
}

// mutate applies edits to a copy of the base event inside a minimal
// document: a value sets the field at the slash-separated path, nil
// deletes it.
func mutate(t *testing.T, base string, edits map[string]any) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal([]byte(base), &doc); err != nil {
		t.Fatal(err)
	}
	for path, val := range edits {
		toks := strings.Split(strings.TrimPrefix(path, "/"), "/")
		var cur any = doc
		for _, tok := range toks[:len(toks)-1] {
			switch c := cur.(type) {
			case map[string]any:
				cur = c[tok]
			case []any:
				var i int
				fmt.Sscan(tok, &i)
				cur = c[i]
			}
		}
		last := toks[len(toks)-1]
		switch c := cur.(type) {
		case map[string]any:
			if val == nil {
				delete(c, last)
			} else {
				c[last] = val
			}
		case []any:
			var i int
			fmt.Sscan(last, &i)
			c[i] = val
		default:
			t.Fatalf("edit %s: parent is %T", path, cur)
		}
	}
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

const baseDocument = `{
  "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", {"acme": "https://ns.acme.example/"}],
  "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2025-03-01T08:00:00Z",
  "epcisBody": {"eventList": [
    {"type": "ObjectEvent", "eventID": "urn:uuid:11111111-2222-4333-8444-555555555555",
     "eventTime": "2025-03-01T07:15:00+01:00", "eventTimeZoneOffset": "+01:00",
     "epcList": ["urn:epc:id:sgtin:4012345.011122.1001"], "action": "ADD", "bizStep": "commissioning",
     "readPoint": {"id": "urn:epc:id:sgln:4012345.00001.0"}},
    {"type": "AggregationEvent", "eventTime": "2025-03-01T09:00:00+01:00", "eventTimeZoneOffset": "+01:00",
     "parentID": "urn:epc:id:sscc:4012345.0000000017", "childEPCs": ["urn:epc:id:sgtin:4012345.011122.1001"],
     "action": "ADD", "bizStep": "packing",
     "sensorElementList": [{"sensorMetadata": {"startTime": "2025-03-01T08:00:00Z", "endTime": "2025-03-01T09:00:00Z"},
       "sensorReport": [{"type": "Temperature", "minValue": 2, "maxValue": 7, "uom": "CEL"}]}]}
  ]}
}`

const ev0, ev1 = "/epcisBody/eventList/0", "/epcisBody/eventList/1"

func TestValidateRules(t *testing.T) {
	v := validator(t)
	if _, err := v.Validate("base.json", []byte(baseDocument)); err != nil {
		t.Fatalf("base document is invalid: %v", err)
	}
	type want struct {
		path string
		code Code
	}
	tests := []struct {
		name  string
		edits map[string]any
		want  []want // exactly these problems; none means valid
	}{
		// Things that must stay valid.
		{"CBV IRI for bizStep", map[string]any{ev0 + "/bizStep": "https://ref.gs1.org/cbv/BizStep-shipping"}, nil},
		{"CBV CURIE for disposition", map[string]any{ev0 + "/disposition": "cbv:Disp-in_progress"}, nil},
		{"own URI for bizStep", map[string]any{ev0 + "/bizStep": "https://vocab.acme.example/bizstep/roasting"}, nil},
		{"own CURIE for bizStep", map[string]any{ev0 + "/bizStep": "acme:roasting"}, nil},
		{"event-level prefix", map[string]any{ev0 + "/@context": map[string]any{"co": "https://co.example/"}, ev0 + "/co:batch": "7"}, nil},
		{"extension in readPoint", map[string]any{ev0 + "/readPoint/acme:dock": "3"}, nil},
		{"cbvmda in ilmd", map[string]any{ev0 + "/ilmd": map[string]any{"cbvmda:lotNumber": "L1"}}, nil},
		{"nested keys of an extension are its own", map[string]any{ev0 + "/acme:ext": map[string]any{"free": map[string]any{"form": 1}}}, nil},
		{"sensor report with exception only", map[string]any{ev1 + "/sensorElementList/0/sensorReport/0": map[string]any{"exception": "ALARM_CONDITION"}}, nil},
		{"error declaration repeats eventID", map[string]any{ev1 + "/eventID": "urn:uuid:11111111-2222-4333-8444-555555555555",
			ev1 + "/errorDeclaration": map[string]any{"declarationTime": "2025-03-02T00:00:00Z", "reason": "incorrect_data"}}, nil},
		{"aggregation OBSERVE without parentID", map[string]any{ev1 + "/action": "OBSERVE", ev1 + "/parentID": nil}, nil},
		{"persistentDisposition in AggregationEvent", map[string]any{ev1 + "/persistentDisposition": map[string]any{"set": []any{"completeness_verified"}}}, nil},

		// The schema's part, in plain words.
		{"invalid action", map[string]any{ev0 + "/action": "FOO"}, []want{{ev0 + "/action", CodeInvalidValue}}},
		{"missing eventTime", map[string]any{ev0 + "/eventTime": nil}, []want{{ev0 + "/eventTime", CodeMissingField}}},
		{"bare non-standard bizStep", map[string]any{ev0 + "/bizStep": "roasting"}, []want{{ev0 + "/bizStep", CodeNotInVocabulary}}},
		{"EPCIS 1.x URN bizStep", map[string]any{ev0 + "/bizStep": "urn:epcglobal:cbv:bizstep:shipping"}, []want{{ev0 + "/bizStep", CodeCBVURNForm}}},
		{"bad time zone offset", map[string]any{ev0 + "/eventTimeZoneOffset": "+2:00"}, []want{{ev0 + "/eventTimeZoneOffset", CodeInvalidFormat}}},
		{"eventTime without offset", map[string]any{ev0 + "/eventTime": "2025-03-01T07:15:00"}, []want{{ev0 + "/eventTime", CodeInvalidTime}}},
		{"ilmd with OBSERVE", map[string]any{ev0 + "/action": "OBSERVE", ev0 + "/ilmd": map[string]any{"acme:x": 1}}, []want{{ev0 + "/ilmd", CodeILMDNotAllowed}}},
		{"ilmd in AggregationEvent", map[string]any{ev1 + "/ilmd": map[string]any{"acme:x": 1}}, []want{{ev1 + "/ilmd", CodeFieldNotAllowed}}},
		{"ilmd key without prefix", map[string]any{ev0 + "/ilmd": map[string]any{"lot": "L1"}}, []want{{ev0 + "/ilmd/lot", CodeUnqualifiedExtension}}},
		{"event key without prefix", map[string]any{ev0 + "/comment": "x"}, []want{{ev0 + "/comment", CodeUnqualifiedExtension}}},
		{"ObjectEvent without epcList", map[string]any{ev0 + "/epcList": nil}, []want{{ev0, CodeMissingIdentifiers}}},
		{"certificationInfo not a URI", map[string]any{ev0 + "/certificationInfo": "not a uri"}, []want{{ev0 + "/certificationInfo", CodeInvalidURI}}},
		{"sensor report without type or exception", map[string]any{ev1 + "/sensorElementList/0/sensorReport/0/type": nil},
			[]want{{ev1 + "/sensorElementList/0/sensorReport/0/type", CodeSensorReportType}}},
		{"unknown event type", map[string]any{ev0 + "/type": "ShippingEvent"}, []want{{ev0 + "/type", CodeUnknownType}}},
		{"event @context of the wrong type", map[string]any{ev0 + "/@context": 42}, []want{{ev0 + "/@context", CodeInvalidContext}}},
		{"duplicate epcList entries", map[string]any{ev0 + "/epcList": []any{"urn:epc:id:sgtin:4012345.011122.1001", "urn:epc:id:sgtin:4012345.011122.1001"}},
			[]want{{ev0 + "/epcList", CodeDuplicateItem}}},
		{"quantity element with unknown field", map[string]any{ev0 + "/quantityList": []any{map[string]any{"epcClass": "urn:epc:class:lgtin:4012345.011122.L1", "weight": 5}}},
			[]want{{ev0 + "/quantityList/0/weight", CodeFieldNotAllowed}}},
		{"uom not a Rec 20 code in quantity", map[string]any{ev0 + "/quantityList": []any{map[string]any{"epcClass": "urn:epc:class:lgtin:4012345.011122.L1", "quantity": 1, "uom": "kg"}}},
			[]want{{ev0 + "/quantityList/0/uom", CodeInvalidUOM}}},
		{"transformation without outputs", map[string]any{ev0 + "/type": "TransformationEvent", ev0 + "/action": nil, ev0 + "/epcList": nil,
			ev0 + "/inputEPCList": []any{"urn:epc:id:sgtin:4012345.011122.1001"}}, []want{{ev0, CodeMissingIdentifiers}}},
		{"action in a TransformationEvent", map[string]any{ev0 + "/type": "TransformationEvent", ev0 + "/epcList": nil,
			ev0 + "/inputEPCList": []any{"urn:epc:id:sgtin:4012345.011122.1001"}, ev0 + "/outputEPCList": []any{"urn:epc:id:sgtin:4012345.011122.1002"}},
			[]want{{ev0 + "/action", CodeFieldNotAllowed}}},

		// The rules the schema cannot express.
		{"no standard context", map[string]any{"/@context": map[string]any{"acme": "https://ns.acme.example/"}}, []want{{"/@context", CodeMissingStandardContext}}},
		{"schemaVersion 1.2", map[string]any{"/schemaVersion": "1.2"}, []want{{"/schemaVersion", CodeSchemaVersion}}},
		{"undeclared prefix in bizStep", map[string]any{ev0 + "/bizStep": "other:roasting"}, []want{{ev0 + "/bizStep", CodeUndeclaredPrefix}}},
		{"undeclared prefix in source type", map[string]any{ev0 + "/sourceList": []any{map[string]any{"type": "x:party", "source": "urn:epc:id:pgln:4012345.00000"}}},
			[]want{{ev0 + "/sourceList/0/type", CodeUndeclaredPrefix}}},
		{"undeclared prefix of an extension key", map[string]any{ev0 + "/other:batch": "7"}, []want{{ev0 + "/other:batch", CodeUndeclaredPrefix}}},
		{"undeclared prefix in ilmd", map[string]any{ev0 + "/ilmd": map[string]any{"other:lot": "L1"}}, []want{{ev0 + "/ilmd/other:lot", CodeUndeclaredPrefix}}},
		{"event-level prefix stays in its event", map[string]any{ev0 + "/@context": map[string]any{"co": "https://co.example/"}, ev1 + "/co:batch": "7"},
			[]want{{ev1 + "/co:batch", CodeUndeclaredPrefix}}},
		{"readPoint key without prefix", map[string]any{ev0 + "/readPoint/dock": "3"}, []want{{ev0 + "/readPoint/dock", CodeUnqualifiedExtension}}},
		{"bizLocation key without prefix", map[string]any{ev0 + "/bizLocation": map[string]any{"id": "urn:epc:id:sgln:4012345.00001.0", "room": "3"}},
			[]want{{ev0 + "/bizLocation/room", CodeUnqualifiedExtension}}},
		{"unknown CBV term", map[string]any{ev0 + "/bizStep": "cbv:BizStep-roasting"}, []want{{ev0 + "/bizStep", CodeUnknownCBVTerm}}},
		{"unknown CBV disposition IRI", map[string]any{ev0 + "/disposition": "https://ref.gs1.org/cbv/Disp-lost"}, []want{{ev0 + "/disposition", CodeUnknownCBVTerm}}},
		{"bad EPC URN", map[string]any{ev0 + "/epcList/0": "urn:epc:id:sgtin:4012345.01112.1001"}, []want{{ev0 + "/epcList/0", CodeInvalidEPC}}},
		{"bad Digital Link", map[string]any{ev0 + "/epcList/0": "https://id.gs1.org/01/4012345/21/1"}, []want{{ev0 + "/epcList/0", CodeInvalidDigitalLink}}},
		{"class in epcList", map[string]any{ev0 + "/epcList/0": "urn:epc:class:lgtin:4012345.011122.L1"}, []want{{ev0 + "/epcList/0", CodeIdentifierKind}}},
		{"instance as epcClass", map[string]any{ev0 + "/quantityList": []any{map[string]any{"epcClass": "https://id.gs1.org/01/04012345111225/21/9", "quantity": 1}}},
			[]want{{ev0 + "/quantityList/0/epcClass", CodeIdentifierKind}}},
		{"bad parentID", map[string]any{ev1 + "/parentID": "urn:epc:id:sscc:4012345.17"}, []want{{ev1 + "/parentID", CodeInvalidEPC}}},
		{"bad readPoint id", map[string]any{ev0 + "/readPoint/id": "urn:epc:id:sgln:4012345.1.0"}, []want{{ev0 + "/readPoint/id", CodeInvalidEPC}}},
		{"bad UUID eventID", map[string]any{ev0 + "/eventID": "urn:uuid:1234"}, []want{{ev0 + "/eventID", CodeInvalidEventID}}},
		{"duplicate eventID", map[string]any{ev1 + "/eventID": "urn:uuid:11111111-2222-4333-8444-555555555555"}, []want{{ev1 + "/eventID", CodeDuplicateEventID}}},
		{"uom without quantity", map[string]any{ev0 + "/quantityList": []any{map[string]any{"epcClass": "urn:epc:class:lgtin:4012345.011122.L1", "uom": "KGM"}}},
			[]want{{ev0 + "/quantityList/0/uom", CodeUOMWithoutQuantity}}},
		{"negative quantity", map[string]any{ev0 + "/quantityList": []any{map[string]any{"epcClass": "urn:epc:class:lgtin:4012345.011122.L1", "quantity": -3}}},
			[]want{{ev0 + "/quantityList/0/quantity", CodeInvalidValue}}},
		{"empty epcList names nothing", map[string]any{ev0 + "/epcList": []any{}}, []want{{ev0, CodeMissingIdentifiers}}},
		{"aggregation ADD without parentID", map[string]any{ev1 + "/parentID": nil}, []want{{ev1 + "/parentID", CodeMissingField}}},
		{"minValue above maxValue", map[string]any{ev1 + "/sensorElementList/0/sensorReport/0/minValue": 9},
			[]want{{ev1 + "/sensorElementList/0/sensorReport/0/minValue", CodeSensorValueRange}}},
		{"negative sDev", map[string]any{ev1 + "/sensorElementList/0/sensorReport/0/sDev": -1},
			[]want{{ev1 + "/sensorElementList/0/sensorReport/0/sDev", CodeSensorValueRange}}},
		{"percRank above 100", map[string]any{ev1 + "/sensorElementList/0/sensorReport/0/percRank": 101},
			[]want{{ev1 + "/sensorElementList/0/sensorReport/0/percRank", CodeSensorValueRange}}},
		{"sensor window ends before it starts", map[string]any{ev1 + "/sensorElementList/0/sensorMetadata/endTime": "2025-03-01T07:00:00Z"},
			[]want{{ev1 + "/sensorElementList/0/sensorMetadata/endTime", CodeSensorTimeRange}}},
		{"sensor uom not a Rec 20 code", map[string]any{ev1 + "/sensorElementList/0/sensorReport/0/uom": "celsius"},
			[]want{{ev1 + "/sensorElementList/0/sensorReport/0/uom", CodeInvalidUOM}}},
		{"unknown measurement type in gs1 namespace", map[string]any{ev1 + "/sensorElementList/0/sensorReport/0/type": "gs1:Warmth"},
			[]want{{ev1 + "/sensorElementList/0/sensorReport/0/type", CodeUnknownCBVTerm}}},
		{"persistentDisposition without set or unset in AggregationEvent", map[string]any{ev1 + "/persistentDisposition": map[string]any{}},
			[]want{{ev1 + "/persistentDisposition", CodeMissingField}}},
		{"bad disposition in AggregationEvent persistentDisposition", map[string]any{ev1 + "/persistentDisposition": map[string]any{"set": []any{"lost"}}},
			[]want{{ev1 + "/persistentDisposition/set/0", CodeNotInVocabulary}}},
		{"extension event type with undeclared prefix", map[string]any{ev0 + "/type": "other:InspectionEvent", ev0 + "/action": nil, ev0 + "/epcList": nil, ev0 + "/bizStep": nil, ev0 + "/readPoint": nil},
			[]want{{ev0 + "/type", CodeUndeclaredPrefix}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := mutate(t, baseDocument, tc.edits)
			_, err := v.Validate("in.json", data)
			var got []want
			for _, p := range problemsOf(t, err) {
				got = append(got, want{p.Path, p.Code})
				if p.Message == "" {
					t.Errorf("empty message for %s at %s", p.Code, p.Path)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("problems = %v, want %v", got, tc.want)
				if err != nil {
					for _, p := range problemsOf(t, err) {
						t.Log(p.String())
					}
				}
			}
		})
	}
}

func TestValidateReportsAllProblemsInOrder(t *testing.T) {
	data := mutate(t, baseDocument, map[string]any{
		ev1 + "/action":      "FOO",
		ev0 + "/bizStep":     "roasting",
		"/schemaVersion":     "1.0",
		ev0 + "/epcList/0":   "urn:epc:id:sgtin:1.2.3",
		ev0 + "/eventTime":   "soon",
		ev1 + "/acme:note":   "ok",
		ev1 + "/other:notes": "undeclared",
	})
	_, err := validator(t).Validate("in.json", data)
	ps := problemsOf(t, err)
	var got []string
	for _, p := range ps {
		got = append(got, fmt.Sprintf("%d %s", p.EventIndex, p.Path))
	}
	want := []string{
		"-1 /schemaVersion",
		"0 " + ev0 + "/bizStep",
		"0 " + ev0 + "/epcList/0",
		"0 " + ev0 + "/eventTime",
		"1 " + ev1 + "/action",
		"1 " + ev1 + "/other:notes",
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if ps[1].EventID != "urn:uuid:11111111-2222-4333-8444-555555555555" {
		t.Errorf("EventID of event 0 problem = %q", ps[1].EventID)
	}
}

func TestValidateBareEventProblems(t *testing.T) {
	in := `{"@context": "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", "type": "ObjectEvent",
		"eventID": "urn:uuid:11111111-2222-4333-8444-555555555555", "eventTime": "2025-03-01T07:15:00Z",
		"eventTimeZoneOffset": "+00:00", "epcList": [], "action": "BOGUS"}`
	_, err := validator(t).Validate("event.json", []byte(in))
	ps := problemsOf(t, err)
	if len(ps) == 0 {
		t.Fatal("no problems")
	}
	for _, p := range ps {
		if p.EventIndex != 0 || p.EventID != "urn:uuid:11111111-2222-4333-8444-555555555555" {
			t.Errorf("bare event problem not attributed to event 0: %s", p.String())
		}
	}
	if ps[0].Path != "" && !strings.HasPrefix(ps[0].Path, "/") {
		t.Errorf("path %q is not a JSON Pointer", ps[0].Path)
	}
}

func TestValidateConcurrent(t *testing.T) {
	v := validator(t)
	data := readTestdata(t, "document.jsonld")
	bad := readTestdata(t, "invalid_mixed.jsonld")
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 20; j++ {
				if _, err := v.Validate("d.json", data); err != nil {
					t.Errorf("valid document: %v", err)
				}
				if _, err := v.Validate("b.json", bad); err == nil {
					t.Errorf("invalid document accepted")
				}
			}
		}()
	}
	wg.Wait()
}

// conformanceDir returns the folder named by PROVENANT_CONFORMANCE_DIR,
// resolving a relative path against the repository root, or skips.
func conformanceDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("PROVENANT_CONFORMANCE_DIR")
	if dir == "" {
		t.Skip("PROVENANT_CONFORMANCE_DIR is not set; set it to the shared test data folder (CI uses ../shared/testdata) to run the conformance tests")
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join("..", dir) // tests run in epcis/; the path is relative to the repository root
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		t.Skipf("PROVENANT_CONFORMANCE_DIR %q is not a folder here; skipping the conformance tests", dir)
	}
	return dir
}

// judgedInvalid lists the fixtures of the valid folders that EPCIS 2.0
// rejects, with the problems expected and why.
var judgedInvalid = map[string]struct {
	why  string
	want []string // "path code"
}{
	"SensorData_with_combined_events.json": {
		why: `sensorReport types "Molar_concentration" (event 7) and "EffectiveDoseRate" (event 10) are not GS1 measurement types: ` +
			`EPCIS 2.0 §7.3.7.1.2 makes type a MeasurementType, enumerated by the EPCIS 2.0.1 JSON Schema (#/definitions/measurementType); ` +
			`a non-standard type must be a URI or CURIE. (GS1's own SensorDataExample11 replaced EffectiveDoseRate by DoseEquivalentRate.) ` +
			`Event 8's reports carry exception without type, which §7.3.7.1.2 allows and is accepted.`,
		want: []string{
			"/epcisBody/eventList/7/sensorElementList/0/sensorReport/1/type not_in_vocabulary",
			"/epcisBody/eventList/7/sensorElementList/0/sensorReport/2/type not_in_vocabulary",
			"/epcisBody/eventList/10/sensorElementList/0/sensorReport/0/type not_in_vocabulary",
		},
	},
	"TransactionEvent_with_userExtensions.json": {
		why:  `sensorReport type "EffectiveDoseRate" is not a GS1 measurement type (EPCIS 2.0 §7.3.7.1.2; JSON Schema #/definitions/measurementType)`,
		want: []string{"/epcisBody/eventList/0/sensorElementList/0/sensorReport/0/type not_in_vocabulary"},
	},
}

// invalidExpectations lists, for each fixture of the Invalid folder, the
// problems that must be reported: JSON Pointer and code.
var invalidExpectations = map[string][]string{
	"Combination_of_events_with_missing_mandatory_fields.json": {
		"/epcisBody/eventList/0/action missing_field",
		"/epcisBody/eventList/1/action missing_field",
		"/epcisBody/eventList/1/eventTimeZoneOffset missing_field",
	},
	"Combination_of_multiple_invalid_fields.json": {
		"/epcisBody/eventList/0/bizStep not_in_vocabulary",
		"/epcisBody/eventList/1/disposition not_in_vocabulary",
		"/epcisBody/eventList/2/sourceList/0/type not_in_vocabulary",
		"/epcisBody/eventList/3/ilmd/materialType unqualified_extension",
		"/epcisBody/eventList/4/action invalid_value",
		"/epcisBody/eventList/4/eventTime invalid_time",
	},
	"Combination_of_non_standard_bizStep_and_disposition.json": {
		"/epcisBody/eventList/0/bizStep not_in_vocabulary",
		"/epcisBody/eventList/1/disposition not_in_vocabulary",
	},
	"EPCISDocument_without_context.json":                 {"/@context missing_field"},
	"ObjectEvent_with_ilmd_field_without_namespace.json": {"/epcisBody/eventList/0/ilmd/materialType unqualified_extension"},
	"ObjectEvent_with_invalid_action.json":               {"/epcisBody/eventList/0/action invalid_value"},
	"ObjectEvent_with_invalid_certificationInfo.json": {
		"/epcisBody/eventList/0/certificationInfo/0 wrong_type",
		"/epcisBody/eventList/0/certificationInfo/1 wrong_type",
	},
	"ObjectEvent_with_invalid_eventTime_format.json":             {"/epcisBody/eventList/0/eventTime invalid_time"},
	"ObjectEvent_with_non_standard_bizStep.json":                 {"/epcisBody/eventList/0/bizStep not_in_vocabulary"},
	"ObjectEvent_with_non_standard_bizStep_in_second_event.json": {"/epcisBody/eventList/1/bizStep not_in_vocabulary"},
	"ObjectEvent_with_non_standard_disposition.json":             {"/epcisBody/eventList/0/disposition not_in_vocabulary"},
	"ObjectEvent_with_quantity_as_text.json":                     {"/epcisBody/eventList/0/quantityList/0/quantity wrong_type"},
	"ObjectEvent_with_unknown_field_in_quantityList.json":        {"/epcisBody/eventList/0/quantityList/0/weight field_not_allowed"},
	"ObjectEvent_without_action_and_eventTime.json": {
		"/epcisBody/eventList/0/action missing_field",
		"/epcisBody/eventList/0/eventTime missing_field",
		"/epcisBody/eventList/0/eventTimeZoneOffset missing_field",
	},
	"ObjectEvent_without_identifier_list.json": {"/epcisBody/eventList/0 missing_identifiers"},
}

func TestConformanceValid(t *testing.T) {
	dir := conformanceDir(t)
	v := validator(t)
	for _, sub := range []string{"Documents", "Events"} {
		files, _ := filepath.Glob(filepath.Join(dir, "openepcis", "capture", sub, "*.json"))
		if len(files) == 0 {
			t.Errorf("no fixtures in %s/openepcis/capture/%s", dir, sub)
		}
		for _, f := range files {
			name := filepath.Base(f)
			t.Run(sub+"/"+name, func(t *testing.T) {
				data, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				doc, err := v.Validate(name, data)
				judged, isJudged := judgedInvalid[name]
				if !isJudged {
					for _, p := range problemsOf(t, err) {
						t.Errorf("valid fixture rejected: %s", p.String())
					}
					if doc == nil || len(doc.Events) == 0 {
						t.Errorf("no events decoded")
					}
					return
				}
				if err == nil {
					t.Fatalf("judged invalid (%s), but accepted", judged.why)
				}
				var got []string
				for _, p := range problemsOf(t, err) {
					got = append(got, p.Path+" "+string(p.Code))
				}
				if !slices.Equal(got, judged.want) {
					t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(judged.want, "\n"))
				}
				t.Logf("rejected as judged: %s", judged.why)
			})
		}
	}
}

func TestConformanceInvalid(t *testing.T) {
	dir := conformanceDir(t)
	v := validator(t)
	files, _ := filepath.Glob(filepath.Join(dir, "openepcis", "capture", "Invalid", "*.json"))
	if len(files) == 0 {
		t.Fatalf("no fixtures in %s/openepcis/capture/Invalid", dir)
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			_, err = v.Validate(name, data)
			if err == nil {
				t.Fatal("invalid fixture accepted")
			}
			ps := problemsOf(t, err)
			var got []string
			for _, p := range ps {
				got = append(got, p.Path+" "+string(p.Code))
				if p.Message == "" || p.File != name {
					t.Errorf("problem without message or file: %+v", p)
				}
				if p.EventIndex >= 0 && !strings.HasPrefix(p.Path, fmt.Sprintf("/epcisBody/eventList/%d", p.EventIndex)) {
					t.Errorf("event index %d does not match path %s", p.EventIndex, p.Path)
				}
			}
			want, ok := invalidExpectations[name]
			if !ok {
				t.Logf("no expectation recorded; rejected with:\n%s", strings.Join(got, "\n"))
				return
			}
			if !slices.Equal(got, want) {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}
