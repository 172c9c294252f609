package epcis

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParseValidate feeds arbitrary input to Parse and Validate. Neither
// may panic; every error must be a *ValidationError whose problems all
// name the file, a JSON Pointer and a message; and Validate must reject
// whatever Parse rejects. Seeds: the package's own testdata, inline inputs,
// and the conformance fixtures when PROVENANT_CONFORMANCE_DIR is set.
//
//	go test ./epcis -run x -fuzz FuzzParseValidate -fuzztime 3m
func FuzzParseValidate(f *testing.F) {
	for _, name := range []string{"document.jsonld", "object_event.jsonld", "query_document.jsonld", "invalid_mixed.jsonld"} {
		f.Add(readTestdata(f, name))
	}
	for _, s := range []string{
		``, `{}`, `[]`, `null`, `"x"`, `{"type":"ObjectEvent"}`, `{"type":"EPCISDocument"}`,
		`{"type":"EPCISDocument","epcisBody":{"eventList":[{},1,null,{"type":"ex:E"}]}}`,
		`{"type":"EPCISQueryDocument","epcisBody":{"queryResults":{"resultsBody":{"eventList":[{"type":"AssociationEvent"}]}}}}`,
		`{"@context":[{"a":null},{"b":{"@id":"x:"}}],"type":"ObjectEvent","a:b":1,"epcList":["urn:epc:idpat:sgtin:*.*.*","https://id.gs1.org/gtin/1/ser/"]}`,
		`{"type":"ObjectEvent","sensorElementList":[{"sensorReport":[{"minValue":1e308,"maxValue":-1e308,"percRank":-0}]}]}`,
		`{"type":"TransformationEvent","persistentDisposition":{"set":[]},"errorDeclaration":{"correctiveEventIDs":["ni://","urn:uuid:"]}}`,
		`{"type":"AggregationEvent","action":"ADD","persistentDisposition":{"set":[1]},"readPoint":{"":1,"~/":2}}`,
		`{"a":{"b":{"c":{"d":[[[[[[[[[[1]]]]]]]]]]}}}}`,
		`{"type":"ObjectEvent","x":1,"x":2}`,
	} {
		f.Add([]byte(s))
	}
	if dir := os.Getenv("PROVENANT_CONFORMANCE_DIR"); dir != "" {
		if !filepath.IsAbs(dir) {
			dir = filepath.Join("..", dir)
		}
		for _, pat := range []string{"openepcis/capture/*/*.json", "eventhash/*.jsonld"} {
			files, _ := filepath.Glob(filepath.Join(dir, pat))
			for _, file := range files {
				if data, err := os.ReadFile(file); err == nil {
					f.Add(data)
				}
			}
		}
	}
	v, err := NewValidator()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, perr := Parse("fuzz.json", data)
		checkFuzzError(t, "Parse", perr)
		vdoc, verr := v.Validate("fuzz.json", data)
		checkFuzzError(t, "Validate", verr)
		if perr != nil && verr == nil {
			t.Errorf("Parse rejects the input (%v) but Validate accepts it", perr)
		}
		for _, d := range []*Document{doc, vdoc} {
			if d == nil {
				continue
			}
			checkRawContext(t, data, d)
			for i, ev := range d.Events {
				if ev.Index < 0 || (i > 0 && ev.Index <= d.Events[i-1].Index) {
					t.Errorf("event %d has index %d", i, ev.Index)
				}
				if !json.Valid(ev.Raw) {
					t.Errorf("event %d: Raw is not JSON: %q", i, ev.Raw)
				}
				_ = ev.Products()
				_ = ev.BizStepURI()
				_ = ev.DispositionURI()
			}
		}
	})
}

// checkRawContext checks d.RawContext against the top-level "@context"
// member that encoding/json finds (the last one, if repeated): the same
// bytes when it is a string, array or object, else nil.
func checkRawContext(t *testing.T, data []byte, d *Document) {
	t.Helper()
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) != nil {
		return
	}
	want := top["@context"]
	if len(want) == 0 || !strings.ContainsRune(`"[{`, rune(want[0])) {
		want = nil
	}
	if !bytes.Equal(d.RawContext, want) {
		t.Errorf("RawContext = %q, encoding/json finds %q", d.RawContext, want)
	}
}

func checkFuzzError(t *testing.T, what string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var verr *ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("%s: error is %T (%v), want *ValidationError", what, err, err)
	}
	if len(verr.Problems) == 0 || verr.Error() == "" {
		t.Fatalf("%s: *ValidationError without problems", what)
	}
	for _, p := range verr.Problems {
		if strings.TrimSpace(p.Message) == "" || p.Code == "" || p.File != "fuzz.json" {
			t.Errorf("%s: incomplete problem %+v", what, p)
		}
		if p.Path != "" && !strings.HasPrefix(p.Path, "/") {
			t.Errorf("%s: path %q is not a JSON Pointer", what, p.Path)
		}
		if p.EventIndex < -1 {
			t.Errorf("%s: event index %d", what, p.EventIndex)
		}
		_ = p.String()
	}
}
