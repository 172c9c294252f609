package epcis

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// referenceValidator is the validator as it was before the fast schema
// check: the library runs on the verbatim schema for every input.
var referenceValidator = sync.OnceValues(func() (*Validator, error) {
	v, err := NewValidator()
	if err != nil {
		return nil, err
	}
	v.check, v.persistentDispositionCheck = nil, nil
	return v, nil
})

func refValidator(t testing.TB) *Validator {
	t.Helper()
	v, err := referenceValidator()
	if err != nil {
		t.Fatalf("NewValidator: %v", err)
	}
	return v
}

// TestSchemaCheckKnowsEverySchemaField fails when a new version of the
// jsonschema library adds a field to Schema: the fast check must then be
// taught the keyword (or treat schemas using it as opaque) before it can
// be trusted again.
func TestSchemaCheckKnowsEverySchemaField(t *testing.T) {
	known := map[string]string{
		// Evaluated by schemaNode.check.
		"Bool": "checked", "Ref": "checked", "Types": "checked", "Enum": "checked", "Const": "checked",
		"Not": "checked", "AllOf": "checked", "AnyOf": "checked", "OneOf": "checked", "If": "checked",
		"Then": "checked", "Else": "checked", "Format": "checked", "MaxProperties": "checked",
		"MinProperties": "checked", "Required": "checked", "PropertyNames": "checked", "Properties": "checked",
		"PatternProperties": "checked", "AdditionalProperties": "checked", "MinItems": "checked",
		"MaxItems": "checked", "UniqueItems": "checked", "Items": "checked", "MinLength": "checked",
		"MaxLength": "checked", "Pattern": "checked",
		// Make a schema opaque (verdict unknown).
		"DraftVersion": "opaque unless 7", "RecursiveRef": "opaque", "DynamicRef": "opaque",
		"Dependencies": "opaque", "DependentRequired": "opaque", "DependentSchemas": "opaque",
		"UnevaluatedProperties": "opaque", "Contains": "opaque", "MinContains": "opaque",
		"MaxContains": "opaque", "AdditionalItems": "opaque", "PrefixItems": "opaque", "Items2020": "opaque",
		"UnevaluatedItems": "opaque", "ContentEncoding": "opaque", "ContentMediaType": "opaque",
		"ContentSchema": "opaque", "Maximum": "opaque", "Minimum": "opaque", "ExclusiveMaximum": "opaque",
		"ExclusiveMinimum": "opaque", "MultipleOf": "opaque", "Extensions": "opaque",
		// Not assertions: identifiers, anchors and annotations.
		"Location": "annotation", "ID": "annotation", "Anchor": "annotation", "RecursiveAnchor": "annotation",
		"DynamicAnchor": "annotation", "Title": "annotation", "Description": "annotation",
		"Default": "annotation", "Comment": "annotation", "ReadOnly": "annotation", "WriteOnly": "annotation",
		"Examples": "annotation", "Deprecated": "annotation",
	}
	typ := reflect.TypeFor[jsonschema.Schema]()
	for i := range typ.NumField() {
		f := typ.Field(i)
		if !f.IsExported() {
			continue
		}
		if _, ok := known[f.Name]; !ok {
			t.Errorf("jsonschema.Schema has a field %s that the fast schema check does not know", f.Name)
		}
	}
}

// TestSchemaCheckKeywords compiles small schemas, including keywords the
// EPCIS schema does not use, and checks the fast verdict on instances
// against the library's.
func TestSchemaCheckKeywords(t *testing.T) {
	tests := []struct {
		name      string
		schema    string
		instances []string
	}{
		{"type", `{"type":["string","null"]}`, []string{`"a"`, `null`, `1`, `{}`}},
		{"integer", `{"type":"integer"}`, []string{`1`, `1.5`, `"1"`}},
		{"enum", `{"enum":["a",1,null,{"x":[1]},["b"]]}`, []string{`"a"`, `"b"`, `1`, `1.0`, `null`, `false`, `{"x":[1]}`, `["b"]`, `["c"]`}},
		{"const", `{"const":{"a":"b"}}`, []string{`{"a":"b"}`, `{"a":"c"}`, `{"a":"b","c":1}`, `"x"`}},
		{"format", `{"format":"date-time"}`, []string{`"2025-01-01T00:00:00Z"`, `"2025-01-01"`, `1`}},
		{"ref ignores siblings", `{"definitions":{"s":{"type":"string"}},"allOf":[{"$ref":"#/definitions/s","minLength":5}]}`, []string{`"ab"`, `1`}},
		{"ref keeps type before it", `{"definitions":{"s":{}},"allOf":[{"$ref":"#/definitions/s","type":"string"}]}`, []string{`"ab"`, `1`}},
		{"object", `{"minProperties":1,"maxProperties":2,"required":["a"],"properties":{"a":{"type":"string"}},"patternProperties":{"^x":{"type":"number"}},"additionalProperties":false}`,
			[]string{`{}`, `{"a":"s"}`, `{"a":1}`, `{"a":"s","x1":1}`, `{"a":"s","x1":"1"}`, `{"a":"s","y":1}`, `{"a":"s","x1":1,"x2":2}`}},
		{"properties only", `{"properties":{"a":{"type":"string"},"b":{"enum":[1]}}}`, []string{`{"a":1,"c":2,"d":3}`, `{"a":"x","c":2,"d":3}`, `{"b":2,"c":1,"d":1}`, `{"c":1}`, `{"a":"x"}`, `{"a":1}`}},
		{"additionalProperties schema", `{"properties":{"a":{}},"additionalProperties":{"type":"string"}}`, []string{`{"a":1,"b":"x"}`, `{"b":1}`}},
		{"propertyNames", `{"propertyNames":{"anyOf":[{"format":"uri"},{"enum":["a","b"]}]}}`, []string{`{"a":1}`, `{"c":1}`, `{"ex:c":1}`}},
		{"array", `{"minItems":1,"maxItems":3,"uniqueItems":true,"items":{"type":["string","object","number"]}}`,
			[]string{`[]`, `["a"]`, `["a","a"]`, `["a","b","c","d"]`, `[{"a":1},{"a":1}]`, `[{"a":1},{"a":2}]`, `[1,1]`, `[1,"1"]`, `[true]`}},
		{"uniqueItems long", `{"uniqueItems":true}`, []string{
			`["a","b","c","d","e","f","g","h","i","j","k","l","m","n","o","p","q","r","s","t","u","v"]`,
			`["a","b","c","d","e","f","g","h","i","j","k","l","m","n","o","p","q","r","s","t","u","a"]`}},
		{"items list", `{"items":[{"type":"string"}]}`, []string{`["a"]`, `[1]`}},
		{"string", `{"minLength":2,"maxLength":3,"pattern":"^a"}`, []string{`"a"`, `"ab"`, `"abcd"`, `"ba"`, `"äb"`, `1`}},
		{"not", `{"not":{"type":"string"}}`, []string{`"a"`, `1`}},
		{"not unknown", `{"not":{"type":"integer"}}`, []string{`1`, `"a"`}},
		{"anyOf", `{"anyOf":[{"type":"string","format":"uri"},{"enum":["a"]},{"type":"integer"}]}`, []string{`"a"`, `"b"`, `"x:b"`, `1`, `true`}},
		{"oneOf", `{"oneOf":[{"type":"string"},{"enum":["a",1]}]}`, []string{`"a"`, `"b"`, `1`, `true`}},
		{"if then else", `{"if":{"properties":{"t":{"const":"a"}}},"then":{"required":["x"]},"else":{"required":["y"]}}`,
			[]string{`{"t":"a","x":1}`, `{"t":"a","y":1}`, `{"t":"b","y":1}`, `{"t":"b","x":1}`, `{"t":1,"x":1}`}},
		{"then without if", `{"then":false}`, []string{`1`}},
		{"boolean schemas", `{"properties":{"a":true,"b":false}}`, []string{`{"a":1}`, `{"b":1}`}},
		{"opaque keyword", `{"minimum":1}`, []string{`0`, `2`, `"a"`}},
		{"dependencies", `{"dependencies":{"a":["b"]}}`, []string{`{"a":1}`, `{"a":1,"b":1}`}},
		{"ref cycle", `{"$ref":"#"}`, []string{`1`}},
		{"recursion", `{"definitions":{"t":{"type":"array","items":{"$ref":"#/definitions/t"}}},"$ref":"#/definitions/t"}`, []string{`[[[]]]`, `[[1]]`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := jsonschema.UnmarshalJSON(strings.NewReader(tt.schema))
			if err != nil {
				t.Fatal(err)
			}
			c := jsonschema.NewCompiler()
			c.DefaultDraft(jsonschema.Draft7)
			c.AssertFormat()
			if err := c.AddResource("test.json", doc); err != nil {
				t.Fatal(err)
			}
			s, err := c.Compile("test.json")
			if err != nil {
				t.Fatal(err)
			}
			fc := newSchemaCheck(s)
			for _, inst := range tt.instances {
				dec := json.NewDecoder(strings.NewReader(inst))
				dec.UseNumber()
				var v any
				if err := dec.Decode(&v); err != nil {
					t.Fatal(err)
				}
				got, libErr := fc.check(v, 0), s.Validate(v)
				if !verdictAgrees(got, libErr) {
					t.Errorf("%s: fast verdict %v, library error %v", inst, got, libErr)
				}
			}
		})
	}
}

// verdictAgrees reports whether a fast verdict is consistent with the
// library's result: valid and invalid must match it, unknown always does.
func verdictAgrees(got verdict, libErr error) bool {
	switch got {
	case verdictValid:
		return libErr == nil
	case verdictInvalid:
		return libErr != nil
	}
	return true
}

func (v verdict) String() string {
	switch v {
	case verdictValid:
		return "valid"
	case verdictInvalid:
		return "invalid"
	}
	return "unknown"
}

// differentialInputs returns the package's own test documents and, when
// PROVENANT_CONFORMANCE_DIR is set, the conformance fixtures (valid and
// invalid) and the event hash vectors.
func differentialInputs(t testing.TB) map[string][]byte {
	t.Helper()
	inputs := map[string][]byte{}
	own, _ := filepath.Glob("testdata/*.json*")
	files := own
	if dir := os.Getenv("PROVENANT_CONFORMANCE_DIR"); dir != "" {
		if !filepath.IsAbs(dir) {
			dir = filepath.Join("..", dir)
		}
		for _, pat := range []string{"openepcis/capture/*/*.json", "eventhash/*.jsonld", "eventhash/*.json"} {
			m, _ := filepath.Glob(filepath.Join(dir, pat))
			files = append(files, m...)
		}
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs[filepath.Base(filepath.Dir(f))+"/"+filepath.Base(f)] = data
	}
	return inputs
}

// compareWithReference validates data with the fast validator and the
// reference validator and reports any difference in the problems, and a
// fast verdict that contradicts the library.
func compareWithReference(t *testing.T, fast, ref *Validator, name string, data []byte) verdict {
	t.Helper()
	_, errFast := fast.Validate(name, data)
	_, errRef := ref.Validate(name, data)
	pf, pr := problemsOf(t, errFast), problemsOf(t, errRef)
	if !reflect.DeepEqual(pf, pr) {
		t.Errorf("%s: problems differ from the reference validator\nfast:\n%s\nreference:\n%s", name, formatProblems(pf), formatProblems(pr))
	}
	p := parse(name, data)
	if p.doc == nil {
		return verdictUnknown
	}
	got, libErr := fast.check.check(p.tree, 0), ref.schema.Validate(p.tree)
	if !verdictAgrees(got, libErr) {
		t.Errorf("%s: fast verdict %v, library error %v", name, got, libErr)
	}
	return got
}

func formatProblems(ps []Problem) string {
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "  %s %s\n", p.Code, p.String())
	}
	return b.String()
}

// TestSchemaCheckDifferential compares the validator with the reference
// validator (the library on the verbatim schema, for every input) on
// every test document and on mutated variants of each: every member
// removed, renamed and given values of other types, array items
// repeated and removed. The problem lists must be identical, and every
// fast verdict must agree with the library's. It tries 60 variants of
// each document (15 with -short), spread over the document; all of them
// (about 20,000 with the conformance fixtures, a minute) with
//
//	go test ./epcis -run SchemaCheckDifferential -allmutations
func TestSchemaCheckDifferential(t *testing.T) {
	fast, ref := validator(t), refValidator(t)
	inputs := differentialInputs(t)
	names := make([]string, 0, len(inputs))
	for name := range inputs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			data := inputs[name]
			got := compareWithReference(t, fast, ref, name, data)
			if p := parse(name, data); p.doc != nil && ref.schema.Validate(p.tree) == nil && got != verdictValid {
				// Not a correctness problem, but the fast path would
				// not be taken for a valid document.
				t.Errorf("fast verdict %v for a schema-valid document", got)
			}
			variants := mutations(data)
			if !*allMutations {
				limit := 60
				if testing.Short() {
					limit = 15
				}
				variants = spread(variants, limit)
			}
			for _, m := range variants {
				compareWithReference(t, fast, ref, name+" "+m.what, m.data)
			}
		})
	}
}

var allMutations = flag.Bool("allmutations", false, "TestSchemaCheckDifferential: try every mutated variant of each document, not a sample (slow)")

// spread returns at most n items of list, evenly spaced.
func spread[T any](list []T, n int) []T {
	if len(list) <= n {
		return list
	}
	out := make([]T, n)
	for i := range out {
		out[i] = list[i*len(list)/n]
	}
	return out
}

// mutation is a variant of a test document.
type mutation struct {
	what string
	data []byte
}

// mutations returns variants of a JSON document: for each member of each
// object, the member removed, renamed (to a plain and to a prefixed
// name) and set to two of a list of values (chosen in rotation); for each
// array, its first item repeated and the array emptied.
func mutations(data []byte) []mutation {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var root any
	if err := dec.Decode(&root); err != nil {
		return nil
	}
	// The values a member is set to, in turn.
	mutationValues := []any{
		json.Number("1"), json.Number("-2.5"), "x", "ex:value", "https://example.com/v", "shipping", "urn:epcglobal:cbv:bizstep:shipping",
		"2025-03-01T07:15:00+01:00", true, nil, map[string]any{}, []any{}, []any{"urn:epc:id:sgtin:4012345.011122.1"},
		map[string]any{"type": "x", "id": "urn:epc:id:sgln:4012345.00001.0"},
	}
	var out []mutation
	k := 0
	emit := func(what string, edit func(any) bool) {
		// Work on a fresh copy each time.
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var cp any
		if dec.Decode(&cp) != nil || !edit(cp) {
			return
		}
		b, err := json.Marshal(cp)
		if err != nil {
			return
		}
		out = append(out, mutation{what, b})
	}
	var walk func(v any, path []string)
	walk = func(v any, path []string) {
		ptr := "/" + strings.Join(path, "/")
		switch x := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(x))
			for key := range x {
				keys = append(keys, key)
			}
			slices.Sort(keys)
			for _, key := range keys {
				p := append(slices.Clone(path), key)
				emit("remove "+ptr+"/"+key, func(cp any) bool {
					o, ok := at(cp, path).(map[string]any)
					delete(o, key)
					return ok
				})
				for _, nk := range []string{key + "X", "ex:" + key} {
					emit("rename "+ptr+"/"+key+" "+nk, func(cp any) bool {
						o, ok := at(cp, path).(map[string]any)
						if ok {
							o[nk] = o[key]
							delete(o, key)
						}
						return ok
					})
				}
				for range 2 {
					val := mutationValues[k%len(mutationValues)]
					k++
					emit(fmt.Sprintf("set %s/%s %v", ptr, key, val), func(cp any) bool {
						o, ok := at(cp, path).(map[string]any)
						if ok {
							o[key] = val
						}
						return ok
					})
				}
				walk(x[key], p)
			}
		case []any:
			if len(x) > 0 {
				emit("repeat "+ptr+"/0", func(cp any) bool {
					if len(path) == 0 {
						return false
					}
					parent, ok := at(cp, path[:len(path)-1]).(map[string]any)
					if ok {
						a, _ := parent[path[len(path)-1]].([]any)
						parent[path[len(path)-1]] = append(a, a[0])
					}
					return ok
				})
				emit("empty "+ptr, func(cp any) bool {
					if len(path) == 0 {
						return false
					}
					parent, ok := at(cp, path[:len(path)-1]).(map[string]any)
					if ok {
						parent[path[len(path)-1]] = []any{}
					}
					return ok
				})
			}
			for i, item := range x {
				walk(item, append(slices.Clone(path), fmt.Sprint(i)))
			}
		}
	}
	walk(root, nil)
	return out
}

// at returns the value at path (tokens, unescaped) in v, nil when there
// is none.
func at(v any, path []string) any {
	for _, tok := range path {
		switch x := v.(type) {
		case map[string]any:
			v = x[tok]
		case []any:
			var i int
			if _, err := fmt.Sscan(tok, &i); err != nil || i < 0 || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

// FuzzSchemaCheck compares the validator with the reference validator on
// arbitrary inputs: identical problem lists, and fast verdicts that agree
// with the library.
//
//	go test ./epcis -run '^$' -fuzz '^FuzzSchemaCheck$' -fuzztime 60s
func FuzzSchemaCheck(f *testing.F) {
	for _, data := range differentialInputs(f) {
		f.Add(data)
	}
	for _, s := range []string{
		`{"type":"ObjectEvent","action":"ADD","eventTime":"2025-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","epcList":[],"@context":"https://x"}`,
		`{"type":"ex:Event","eventTime":"2025-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","@context":[{"ex":"https://x/"}]}`,
	} {
		f.Add([]byte(s))
	}
	fast, err := testValidator()
	if err != nil {
		f.Fatal(err)
	}
	ref, err := referenceValidator()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		compareWithReference(t, fast, ref, "fuzz.json", data)
	})
}
