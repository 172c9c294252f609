package epcis

import (
	"bytes"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// problemsOf returns the problems of err, failing the test when err is not
// a *ValidationError.
func problemsOf(t *testing.T, err error) []Problem {
	t.Helper()
	if err == nil {
		return nil
	}
	var verr *ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("error is %T (%v), want *ValidationError", err, err)
	}
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("errors.Is(err, ErrInvalid) = false")
	}
	return verr.Problems
}

func TestParseDocument(t *testing.T) {
	data := readTestdata(t, "document.jsonld")
	doc, err := Parse("document.jsonld", data)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if doc.Type != TypeEPCISDocument || doc.SchemaVersion != "2.0" {
		t.Errorf("Type, SchemaVersion = %q, %q", doc.Type, doc.SchemaVersion)
	}
	if want := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC); !doc.CreationDate.Equal(want) {
		t.Errorf("CreationDate = %v, want %v", doc.CreationDate, want)
	}
	if !doc.Context.References() || !doc.Context.Declared("acme") {
		t.Errorf("document context does not reference the standard context or lacks acme")
	}
	wantTypes := []string{TypeObjectEvent, TypeAggregationEvent, TypeTransactionEvent, TypeTransformationEvent, TypeAssociationEvent}
	if len(doc.Events) != len(wantTypes) {
		t.Fatalf("got %d events, want %d", len(doc.Events), len(wantTypes))
	}
	for i, ev := range doc.Events {
		if ev.Index != i || ev.Type != wantTypes[i] {
			t.Errorf("event %d: Index %d, Type %q; want %d, %q", i, ev.Index, ev.Type, i, wantTypes[i])
		}
		if want := "/epcisBody/eventList/" + string(rune('0'+i)); ev.Pointer != want {
			t.Errorf("event %d: Pointer %q, want %q", i, ev.Pointer, want)
		}
		if !bytes.HasPrefix(ev.Raw, []byte("{")) || !bytes.HasSuffix(ev.Raw, []byte("}")) || !bytes.Contains(data, ev.Raw) {
			t.Errorf("event %d: Raw is not the event's own text: %.60s", i, ev.Raw)
		}
	}

	obj := doc.Events[0]
	if obj.EventID != "urn:uuid:6f0b7c1e-2d4a-4c39-9a51-3c1f0e2b7a10" || obj.Action != ActionAdd {
		t.Errorf("EventID, Action = %q, %q", obj.EventID, obj.Action)
	}
	if want := time.Date(2025, 3, 1, 6, 15, 0, 0, time.UTC); !obj.EventTime.Equal(want) || obj.EventTimeZoneOffset != "+01:00" {
		t.Errorf("EventTime, offset = %v, %q", obj.EventTime, obj.EventTimeZoneOffset)
	}
	if got, want := obj.BizStepURI(), "https://ref.gs1.org/cbv/BizStep-commissioning"; got != want {
		t.Errorf("BizStepURI = %q, want %q", got, want)
	}
	if got, want := obj.DispositionURI(), "https://ref.gs1.org/cbv/Disp-active"; got != want {
		t.Errorf("DispositionURI = %q, want %q", got, want)
	}
	if obj.ReadPoint == nil || obj.ReadPoint.ID != "urn:epc:id:sgln:4012345.00001.0" || string(obj.ReadPoint.Extensions["acme:line"]) != `"L2"` {
		t.Errorf("ReadPoint = %+v", obj.ReadPoint)
	}
	if !slices.Equal(obj.CertificationInfo, []string{"https://cert.acme.example/organic/2025-17"}) {
		t.Errorf("CertificationInfo = %v", obj.CertificationInfo)
	}
	if !bytes.Contains(obj.ILMD, []byte(`"cbvmda:lotNumber":"B-77"`)) {
		t.Errorf("ILMD = %s", obj.ILMD)
	}
	if ext, ok := obj.Extensions["acme:shift"]; !ok || string(ext) != `{"lead":"K. Meyer","number":2}` {
		t.Errorf("Extensions = %v", obj.Extensions)
	}

	agg := doc.Events[1]
	if got, want := agg.Products(), []string{"urn:epc:id:sscc:4012345.0000000017", "urn:epc:id:sgtin:4012345.011122.1001", "urn:epc:class:lgtin:4012345.011122.B-77"}; !slices.Equal(got, want) {
		t.Errorf("Products = %v, want %v", got, want)
	}
	if q := agg.ChildQuantityList[0]; q.Quantity == nil || *q.Quantity != 12.5 || q.UOM != "KGM" {
		t.Errorf("ChildQuantityList[0] = %+v", q)
	}
	if agg.PersistentDisposition == nil || !slices.Equal(agg.PersistentDisposition.Set, []string{"completeness_verified"}) {
		t.Errorf("PersistentDisposition = %+v", agg.PersistentDisposition)
	}

	tx := doc.Events[2]
	if len(tx.BizTransactionList) != 1 || tx.BizTransactionList[0] != (BizTransaction{Type: "po", BizTransaction: "urn:epcglobal:cbv:bt:4012345000009:PO-4711"}) {
		t.Errorf("BizTransactionList = %+v", tx.BizTransactionList)
	}
	if len(tx.SourceList) != 1 || tx.SourceList[0] != (SourceDest{Type: "owning_party", ID: "urn:epc:id:pgln:4012345.00000"}) {
		t.Errorf("SourceList = %+v", tx.SourceList)
	}
	if len(tx.DestinationList) != 1 || tx.DestinationList[0].ID != "https://id.gs1.org/417/4098765000007" {
		t.Errorf("DestinationList = %+v", tx.DestinationList)
	}

	tr := doc.Events[3]
	if got, want := tr.BizStepURI(), "https://ns.acme.example/epcis/roasting"; got != want {
		t.Errorf("CURIE BizStepURI = %q, want %q", got, want)
	}
	if got, want := tr.Products(), []string{"urn:epc:id:sgtin:4012345.022233.5001", "https://id.gs1.org/01/04012345111225/10/B-77"}; !slices.Equal(got, want) {
		t.Errorf("Products = %v, want %v", got, want)
	}
	if len(tr.SensorElementList) != 1 || len(tr.SensorElementList[0].Reports) != 2 {
		t.Fatalf("SensorElementList = %+v", tr.SensorElementList)
	}
	se := tr.SensorElementList[0]
	if se.Metadata == nil || se.Metadata.DeviceID != "urn:epc:id:giai:4012345.TH-9" || !se.Metadata.EndTime.After(se.Metadata.StartTime) {
		t.Errorf("Metadata = %+v", se.Metadata)
	}
	if r := se.Reports[0]; r.Type != "Temperature" || r.MinValue == nil || *r.MinValue != 180.5 || r.UOM != "CEL" {
		t.Errorf("Reports[0] = %+v", r)
	}
	if r := se.Reports[1]; r.Exception != "ALARM_CONDITION" || r.BooleanValue == nil || !*r.BooleanValue {
		t.Errorf("Reports[1] = %+v", r)
	}
}

func TestParseBareEventAndQueryDocument(t *testing.T) {
	data := readTestdata(t, "object_event.jsonld")
	doc, err := Parse("object_event.jsonld", data)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if doc.Type != "" || len(doc.Events) != 1 {
		t.Fatalf("Type %q, %d events; want a bare event", doc.Type, len(doc.Events))
	}
	ev := doc.Events[0]
	if !bytes.Equal(ev.Raw, bytes.TrimSpace(data)) || ev.Pointer != "" {
		t.Errorf("bare event: Raw is not the whole input or Pointer %q is not empty", ev.Pointer)
	}
	if got, want := ev.BizStepURI(), "https://ref.gs1.org/cbv/BizStep-receiving"; got != want {
		t.Errorf("BizStepURI = %q, want %q", got, want)
	}
	if got, want := ev.DispositionURI(), "https://ref.gs1.org/cbv/Disp-in_progress"; got != want {
		t.Errorf("DispositionURI = %q, want %q", got, want)
	}

	q, err := Parse("query_document.jsonld", readTestdata(t, "query_document.jsonld"))
	if err != nil {
		t.Fatalf("Parse query document: %v", err)
	}
	if q.Type != TypeEPCISQueryDocument || q.QueryName != "SimpleEventQuery" || q.SubscriptionID != "sub-42" || len(q.Events) != 1 {
		t.Fatalf("query document = %+v", q)
	}
	qe := q.Events[0]
	if qe.Pointer != "/epcisBody/queryResults/resultsBody/eventList/0" {
		t.Errorf("Pointer = %q", qe.Pointer)
	}
	// The event's own @context adds acme on top of the document's.
	if _, ok := qe.Context.Namespace("acme"); !ok {
		t.Errorf("event context lacks the event-level prefix acme")
	}
	if _, ok := q.Context.Namespace("acme"); ok {
		t.Errorf("document context has the event-level prefix acme")
	}
	if qe.RecordTime.IsZero() || !slices.Equal(qe.Products(), []string{"urn:epc:idpat:sgtin:4012345.022233.*"}) {
		t.Errorf("RecordTime %v, Products %v", qe.RecordTime, qe.Products())
	}
}

func TestParseStructuralProblems(t *testing.T) {
	deep := strings.Repeat(`{"a":`, MaxDepth+1) + "1" + strings.Repeat("}", MaxDepth+1)
	tests := []struct {
		name     string
		input    string
		wantCode Code
		wantPath string
		wantMsg  string // a part of the message
	}{
		{"empty", "", CodeInvalidJSON, "", "empty"},
		{"syntax error", "{\n  \"type\": \"ObjectEvent\",\n  oops\n}", CodeInvalidJSON, "", "line 3, column 3"},
		{"truncated", `{"type": "ObjectEvent"`, CodeInvalidJSON, "", "ends in the middle"},
		{"trailing data", `{"type": "ObjectEvent"} {}`, CodeInvalidJSON, "", "after the top-level value"},
		{"invalid UTF-8", "{\"type\": \"Object\xffEvent\"}", CodeInvalidJSON, "", "UTF-8"},
		{"too deep", deep, CodeTooDeep, "", "levels deep"},
		{"too deep and broken", strings.Repeat("[", 20000), CodeTooDeep, "", "levels deep"},
		{"array", `[{"type": "ObjectEvent"}]`, CodeNotObject, "", "array"},
		{"no type", `{"eventTime": "2025-01-01T00:00:00Z"}`, CodeMissingField, "/type", "type"},
		{"type not a string", `{"type": 7}`, CodeWrongType, "/type", "string"},
		{"unknown type", `{"type": "Shipment"}`, CodeUnknownType, "/type", `"Shipment"`},
		{"duplicate key", `{"type": "ObjectEvent", "action": "ADD", "action": "DELETE"}`, CodeDuplicateKey, "/action", `"action"`},
		{"duplicate key escaped", `{"type": "ObjectEvent", "epcList": [{"a": 1, "\u0061": 2}]}`, CodeDuplicateKey, "/epcList/0/a", `"a"`},
		{"no epcisBody", `{"type": "EPCISDocument"}`, CodeMissingField, "/epcisBody", "epcisBody"},
		{"no eventList", `{"type": "EPCISDocument", "epcisBody": {}}`, CodeMissingField, "/epcisBody/eventList", "eventList"},
		{"no resultsBody", `{"type": "EPCISQueryDocument", "epcisBody": {"queryResults": {}}}`, CodeMissingField, "/epcisBody/queryResults/resultsBody", "resultsBody"},
		{"eventList not an array", `{"type": "EPCISDocument", "epcisBody": {"eventList": {}}}`, CodeWrongType, "/epcisBody/eventList", "array"},
		{"event not an object", `{"type": "EPCISDocument", "epcisBody": {"eventList": ["x"]}}`, CodeNotObject, "/epcisBody/eventList/0", "string"},
		{"bad @context", `{"type": "ObjectEvent", "@context": 42}`, CodeInvalidContext, "/@context", "@context"},
		{"bad event @context", `{"type": "EPCISDocument", "epcisBody": {"eventList": [{"type": "ObjectEvent", "@context": true}]}}`, CodeInvalidContext, "/epcisBody/eventList/0/@context", "@context"},
		{"eventTime not a date-time", `{"type": "ObjectEvent", "eventTime": "yesterday"}`, CodeInvalidTime, "/eventTime", `"yesterday"`},
		{"epcList item not a string", `{"type": "ObjectEvent", "epcList": [1]}`, CodeWrongType, "/epcList/0", "string"},
		{"quantity not a number", `{"type": "ObjectEvent", "quantityList": [{"epcClass": "x:y", "quantity": "7"}]}`, CodeWrongType, "/quantityList/0/quantity", "number"},
		{"number out of range", `{"type": "ObjectEvent", "quantityList": [{"epcClass": "x:y", "quantity": 1e999}]}`, CodeInvalidFormat, "/quantityList/0/quantity", "range"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("in.json", []byte(tc.input))
			ps := problemsOf(t, err)
			for _, p := range ps {
				if p.Code == tc.wantCode && p.Path == tc.wantPath {
					if !strings.Contains(p.Message, tc.wantMsg) {
						t.Errorf("message %q does not mention %q", p.Message, tc.wantMsg)
					}
					if p.File != "in.json" {
						t.Errorf("File = %q", p.File)
					}
					return
				}
			}
			t.Errorf("no problem with code %s at %q; got %v", tc.wantCode, tc.wantPath, ps)
		})
	}
}

func TestParseTooLarge(t *testing.T) {
	data := make([]byte, MaxInputBytes+1)
	_, err := Parse("big.json", data)
	ps := problemsOf(t, err)
	if len(ps) != 1 || ps[0].Code != CodeTooLarge {
		t.Fatalf("problems = %v, want one %s", ps, CodeTooLarge)
	}
}

func TestParseKeepsEventOrderAndIndexes(t *testing.T) {
	// An event that is not an object keeps its place: the next event is
	// still event 2.
	in := `{"type": "EPCISDocument", "epcisBody": {"eventList": [
		{"type": "ObjectEvent", "eventID": "urn:uuid:00000000-0000-4000-8000-000000000000"}, 7,
		{"type": "AssociationEvent"}]}}`
	doc, err := Parse("in.json", []byte(in))
	ps := problemsOf(t, err)
	if len(ps) != 1 || ps[0].EventIndex != 1 {
		t.Fatalf("problems = %v, want one for event 1", ps)
	}
	if len(doc.Events) != 2 || doc.Events[0].Index != 0 || doc.Events[1].Index != 2 {
		t.Fatalf("events = %+v", doc.Events)
	}
}

func TestProblemString(t *testing.T) {
	p := Problem{File: "file.json", EventIndex: 1, EventID: "urn:uuid:x", Path: "/epcisBody/eventList/1/action", Code: CodeInvalidValue, Message: `"FOO" is not one of ADD, OBSERVE, DELETE`}
	if got, want := p.String(), `file.json: event 1 (urn:uuid:x): /epcisBody/eventList/1/action: "FOO" is not one of ADD, OBSERVE, DELETE`; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	p = Problem{File: "f.json", EventIndex: -1, Path: "", Message: "m", Ref: "EPCIS 2.0"}
	if got, want := p.String(), "f.json: (document): m [EPCIS 2.0]"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestSortProblems(t *testing.T) {
	ps := []Problem{
		{EventIndex: 1, Path: "/epcisBody/eventList/1/epcList/10"},
		{EventIndex: 1, Path: "/epcisBody/eventList/1/epcList/2"},
		{EventIndex: 0, Path: "/epcisBody/eventList/0/x"},
		{EventIndex: -1, Path: "/schemaVersion"},
		{EventIndex: 1, Path: "/epcisBody/eventList/1"},
	}
	sortProblems(ps)
	var got []string
	for _, p := range ps {
		got = append(got, p.Path)
	}
	want := []string{"/schemaVersion", "/epcisBody/eventList/0/x", "/epcisBody/eventList/1", "/epcisBody/eventList/1/epcList/2", "/epcisBody/eventList/1/epcList/10"}
	if !slices.Equal(got, want) {
		t.Errorf("order = %v, want %v", got, want)
	}
}

// TestComparePointersTotal checks that pointer order is a total order:
// antisymmetric and transitive over segments that look alike as numbers
// ("0", "00"), overflow int, or mix digits and names. FuzzSchemaCheck found
// "/00000000" and "/00000000000000000000" comparing greater each way, which
// left the problem order to the order problems were found in.
func TestComparePointersTotal(t *testing.T) {
	ptrs := []string{
		"", "/0", "/00", "/00000000", "/00000000000000000000", "/1", "/2", "/10", "/010",
		"/99999999999999999999", "/100000000000000000000", "/1a", "/a", "/b", "/a/0", "/a/10", "/a/2", "/0/a",
	}
	for _, a := range ptrs {
		if c := comparePointers(a, a); c != 0 {
			t.Errorf("compare(%q, %q) = %d, want 0", a, a, c)
		}
		for _, b := range ptrs {
			if a == b {
				continue
			}
			ab, ba := comparePointers(a, b), comparePointers(b, a)
			if ab == 0 || ab != -ba {
				t.Errorf("compare(%q, %q) = %d, compare(%q, %q) = %d: want opposite signs", a, b, ab, b, a, ba)
			}
			for _, c := range ptrs {
				if ab < 0 && comparePointers(b, c) < 0 && comparePointers(a, c) >= 0 {
					t.Errorf("%q < %q < %q but compare(%q, %q) = %d", a, b, c, a, c, comparePointers(a, c))
				}
			}
		}
	}
	want := []string{"/0", "/00", "/00000000", "/00000000000000000000"}
	for _, in := range [][]string{want, {want[3], want[1], want[2], want[0]}} {
		got := slices.Clone(in)
		slices.SortFunc(got, comparePointers)
		if !slices.Equal(got, want) {
			t.Errorf("sorted %v = %v, want %v", in, got, want)
		}
	}
}

func TestVocabularyExpand(t *testing.T) {
	ctx, err := ParseContext([]byte(`{"acme": "https://ns.acme.example/"}`))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ in, want string }{
		{"shipping", "https://ref.gs1.org/cbv/BizStep-shipping"},
		{"urn:epcglobal:cbv:bizstep:shipping", "https://ref.gs1.org/cbv/BizStep-shipping"},
		{"cbv:BizStep-shipping", "https://ref.gs1.org/cbv/BizStep-shipping"},
		{"https://ref.gs1.org/cbv/BizStep-shipping", "https://ref.gs1.org/cbv/BizStep-shipping"},
		{"acme:roasting", "https://ns.acme.example/roasting"},
		{"nope:roasting", "nope:roasting"},
		{"roasting", "roasting"},
	}
	for _, tc := range tests {
		if got := BizSteps().Expand(tc.in, ctx); got != tc.want {
			t.Errorf("Expand(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if w, ok := BizSteps().Word("cbv:BizStep-shipping", ctx); !ok || w != "shipping" {
		t.Errorf("Word = %q, %v", w, ok)
	}
	if n := len(BizSteps().Terms()); n != 41 {
		t.Errorf("%d business steps, want 41", n)
	}
	if n := len(Dispositions().Terms()); n != 33 {
		t.Errorf("%d dispositions, want 33", n)
	}
}

func TestIdentifierSyntax(t *testing.T) {
	tests := []struct {
		id        string
		wantLevel idLevel
		wantCode  Code // "" when valid
	}{
		{"urn:epc:id:sgtin:0614141.107346.2017", idInstance, ""},
		{"urn:epc:id:sgtin:0614141.107346.a%2Fb!", idInstance, ""},
		{"urn:epc:id:sgtin:0614141.10734.2017", idOther, CodeInvalidEPC},
		{"urn:epc:id:sgtin:0614141.107346.", idOther, CodeInvalidEPC},
		{"urn:epc:id:sgtin:0614141.107346.a b", idOther, CodeInvalidEPC},
		{"urn:epc:id:sscc:0614141.1234567890", idInstance, ""},
		{"urn:epc:id:sgln:0614141.12345.400", idInstance, ""},
		{"urn:epc:id:grai:0614141.12345.400", idInstance, ""},
		{"urn:epc:id:giai:0614141.12345400", idInstance, ""},
		{"urn:epc:id:gsrn:0614141.1234567890", idInstance, ""},
		{"urn:epc:id:gdti:0614141.12345.400", idInstance, ""},
		{"urn:epc:id:cpi:0614141.123ABC.123456789", idInstance, ""},
		{"urn:epc:id:sgcn:4012345.67890.04711", idInstance, ""},
		{"urn:epc:id:ginc:0614141.xyz3311cba", idInstance, ""},
		{"urn:epc:id:gsin:0614141.123456789", idInstance, ""},
		{"urn:epc:id:itip:4012345.012345.01.02.987", idInstance, ""},
		{"urn:epc:id:upui:1234567.098765.51qIgY)%3C%26Jp3*j7'SDB", idInstance, ""},
		{"urn:epc:id:pgln:1234567.89012", idInstance, ""},
		{"urn:epc:id:gid:95100000.12345.400", idInstance, ""},
		{"urn:epc:id:bic:CSQU3054383", idInstance, ""},
		{"urn:epc:id:imovn:9176187", idInstance, ""},
		{"urn:epc:id:foo:1.2", idOther, CodeInvalidEPC},
		{"urn:epc:tag:sgtin-96:3.0614141.107346.2017", idOther, CodeInvalidEPC},
		{"urn:epc:class:lgtin:4012345.012345.998877", idClass, ""},
		{"urn:epc:idpat:sgtin:4012345.012345.*", idClass, ""},
		{"urn:epc:idpat:sgtin:4012345.*.*", idClass, ""},
		{"urn:epc:idpat:sgtin:4012345.*.1", idOther, CodeInvalidEPC},
		{"https://id.gs1.org/01/09521141012345/21/2017", idInstance, ""},
		{"https://id.gs1.org/01/09521141012345", idClass, ""},
		{"https://id.gs1.org/01/09521141012345/10/LOT1", idClass, ""},
		{"https://id.gs1.org/gtin/09521141012345/ser/2017", idInstance, ""},
		{"https://example.com/00/106141412345678908", idInstance, ""},
		{"https://id.gs1.org/414/4012345000054/254/2", idInstance, ""},
		{"https://id.example.com/8003/030013450007718765", idInstance, ""},
		{"https://id.gs1.org/01/09521141012", idOther, CodeInvalidDigitalLink},
		{"https://id.gs1.org/01/09521141012345/21", idOther, CodeInvalidDigitalLink},
		{"https://id.gs1.org/01/09521141012345/99/x", idOther, CodeInvalidDigitalLink},
		{"https://id.gs1.org/products/abc", idOther, CodeInvalidDigitalLink},
		{"https://example.com/2025/01/15/report", idOther, ""},
		{"https://example.org/some/thing", idOther, ""},
		{"geo:52.5,13.4", idOther, ""},
	}
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			level, err := checkIdentifierSyntax(tc.id)
			switch {
			case tc.wantCode == "" && err != nil:
				t.Errorf("unexpected problem: %s", err.msg)
			case tc.wantCode != "" && (err == nil || err.code != tc.wantCode):
				t.Errorf("got %v, want code %s", err, tc.wantCode)
			case tc.wantCode == "" && level != tc.wantLevel:
				t.Errorf("level = %d, want %d", level, tc.wantLevel)
			}
		})
	}
}

func TestEventIDSyntax(t *testing.T) {
	for id, valid := range map[string]bool{
		"urn:uuid:6f0b7c1e-2d4a-4c39-9a51-3c1f0e2b7a10":                                             true,
		"urn:uuid:6f0b7c1e2d4a4c399a513c1f0e2b7a10":                                                 false,
		"ni:///sha-256;df7bb3c352fef055578554f09f5e2aa41782150ced7bd0b8af24dd3ccb30ba69?ver=CBV2.0": true,
		"ni:///sha-256?ver=CBV2.0":                                                                  false,
		"ni:sha-256;abc":                                                                            false,
		"https://events.acme.example/e/1":                                                           true,
		"urn:epcglobal:cbv:evt:example:123":                                                         true,
	} {
		if got := checkEventIDSyntax(id) == ""; got != valid {
			t.Errorf("checkEventIDSyntax(%q) valid = %v, want %v", id, got, valid)
		}
	}
}

func TestRawContext(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"document array", `{"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", {"ex": "https://ex.com/"}], "type": "EPCISDocument", "epcisBody": {"eventList": []}}`,
			`["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", {"ex": "https://ex.com/"}]`},
		{"bare event string", `{"type":"ObjectEvent","@context":"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"}`,
			`"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"`},
		{"object after nested values", `{"type": "ObjectEvent", "a": {"b": [1, "x\"}"]}, "@context" :  {"k": "v"} }`, `{"k": "v"}`},
		{"escaped key", `{"type": "ObjectEvent", "\u0040context": ["x"]}`, `["x"]`},
		{"only in an event", `{"type": "EPCISDocument", "epcisBody": {"eventList": [{"@context": "inner", "type": "ObjectEvent"}]}}`, ``},
		{"other case", `{"type": "ObjectEvent", "@Context": "x"}`, ``},
		{"scalar", `{"type": "ObjectEvent", "@context": 5, "b": "x"}`, ``},
		{"repeated, last scalar", `{"@context": {"a": "b"}, "@context": 1, "type": "ObjectEvent"}`, ``},
		{"repeated, last object", `{"@context": 1, "@context": {"a": "b"}, "type": "ObjectEvent"}`, `{"a": "b"}`},
		{"repeated, last string", `{"@context": ["x"], "@context": "y", "type": "ObjectEvent"}`, `"y"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, _ := Parse("t.json", []byte(tc.in))
			if doc == nil {
				t.Fatalf("Parse(%s) gave no document", tc.in)
			}
			if string(doc.RawContext) != tc.want {
				t.Errorf("RawContext = %q, want %q", doc.RawContext, tc.want)
			}
			checkRawContext(t, []byte(tc.in), doc)
		})
	}
}
