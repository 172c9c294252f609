package epcis

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// stdMaxDepth is encoding/json's own nesting limit; decodeJSONTree given
// it accepts exactly what encoding/json accepts.
const stdMaxDepth = 10000

// stdDecodeTree decodes data as parse's fallback does: encoding/json into
// an any with UseNumber, and nothing but whitespace after the value.
func stdDecodeTree(data []byte) (any, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return nil, false
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, false
	}
	return v, true
}

// checkDecodeTree holds decodeJSONTree, decodeAndScan and contextFromTree
// to what they stand in for, on data:
//   - decodeJSONTree accepts what encoding/json accepts, with the same tree;
//   - it reports repeated keys when scanJSON finds some;
//   - without repeated keys, each span it finds holds the value in the
//     tree at its path, and each item span that object item;
//   - decodeAndScan and decodeStandard agree on the tree and the scan;
//   - contextFromTree agrees with ParseContext of the re-encoded value,
//     for the top-level @context and for the whole value, and
//     reencodeJSON with json.Marshal on every value, within MaxDepth.
func checkDecodeTree(t *testing.T, data []byte) {
	t.Helper()
	want, wantOK := stdDecodeTree(data)
	got, gotOK := decodeJSONTree(data, stdMaxDepth, scanTargets())
	if gotOK != wantOK {
		t.Fatalf("decodeJSONTree accepts: %v, encoding/json: %v, on %q", gotOK, wantOK, data)
	}
	if !gotOK {
		if _, _, ok := decodeAndScan(data); ok {
			t.Fatalf("decodeAndScan accepts %q, which encoding/json rejects", data)
		}
		return
	}
	if !reflect.DeepEqual(got.value, want) {
		t.Fatalf("decodeJSONTree(%q) = %#v, encoding/json: %#v", data, got.value, want)
	}
	if dup := len(scanJSON(data, stdMaxDepth+1, nil).duplicates) > 0; got.duplicateKeys != dup {
		t.Errorf("duplicateKeys = %v, scanJSON finds repeated keys: %v, in %q", got.duplicateKeys, dup, data)
	}
	if !got.duplicateKeys {
		checkFound(t, data, got)
	}

	// decodeAndScan against decodeStandard, parse's two roads.
	p := &parseResult{}
	wantTree, wantScan, wantOK := p.decodeStandard(data)
	tree, scan, ok := decodeAndScan(data)
	if ok != wantOK {
		t.Fatalf("decodeAndScan accepts: %v, decodeStandard: %v (%v), on %q", ok, wantOK, p.list.problems, data)
	}
	if ok {
		if !reflect.DeepEqual(tree, wantTree) {
			t.Errorf("decodeAndScan tree %#v, decodeStandard %#v", tree, wantTree)
		}
		wantScan.spans, scan.spans = trimSpans(wantScan.spans), trimSpans(scan.spans)
		if !reflect.DeepEqual(scan, wantScan) {
			t.Errorf("decodeAndScan scan %+v, decodeStandard %+v, on %q", scan, wantScan, data)
		}
	}

	if ok {
		// parse reads contexts and re-encodes values only in trees
		// within MaxDepth.
		checkReencode(t, tree)
		top, _ := tree.(map[string]any)
		checkContextFromTree(t, top["@context"])
		checkContextFromTree(t, tree)
	}
}

// checkReencode compares reencodeJSON with json.Marshal on v and every
// value in it.
func checkReencode(t *testing.T, v any) {
	t.Helper()
	want, err := json.Marshal(v)
	if err != nil {
		want = nil
	}
	if got := reencodeJSON(v); !bytes.Equal(got, want) {
		t.Errorf("reencodeJSON(%#v) = %q, json.Marshal: %q", v, got, want)
	}
	switch v := v.(type) {
	case []any:
		for _, item := range v {
			checkReencode(t, item)
		}
	case map[string]any:
		for _, item := range v {
			checkReencode(t, item)
		}
	}
}

// TestReencodeScalars compares reencodeJSON with json.Marshal on scalars,
// including those a decoder never gives.
func TestReencodeScalars(t *testing.T) {
	for _, v := range []any{
		nil, true, false, "", "plain", "sp ace~\x7f", "a\"b", `a\b`, "a<b", "a>b", "a&b", "tab\t", "\x00", "\x1f",
		"é✓😀", "\u2028", "x\u2029y", "\xff", "a\xed\xa0\x80", "\ufffd",
		json.Number("0"), json.Number("-1.5e+3"), json.Number(""), json.Number("01"), json.Number("1."), json.Number("abc"), json.Number("1e400"),
		float64(1), 3, []any{}, map[string]any{},
	} {
		t.Run(fmt.Sprintf("%#v", v), func(t *testing.T) { checkReencode(t, v) })
	}
}

// checkFound checks the spans of got, a decoding of data without repeated
// keys, against the tree.
func checkFound(t *testing.T, data []byte, got jsonTree) {
	t.Helper()
	for j, target := range scanTargets() {
		path := target.path
		v, present := got.value, true
		for _, key := range path {
			obj, ok := v.(map[string]any)
			if !ok {
				present = false
				break
			}
			if v, present = obj[key]; !present {
				break
			}
		}
		f := got.found[j]
		if !present {
			if f.span != [2]int{} || f.items != nil {
				t.Errorf("%v: found %+v, but no value is there", path, f)
			}
			continue
		}
		if sv, ok := stdDecodeTree(data[f.span[0]:f.span[1]]); !ok || !reflect.DeepEqual(sv, v) {
			t.Errorf("%v: span %v holds %q, not the value there", path, f.span, data[f.span[0]:f.span[1]])
		}
		items, isArray := v.([]any)
		if !isArray || !target.items {
			if f.items != nil {
				t.Errorf("%v: item spans %v, for a value that is no array or a target that does not ask for them", path, f.items)
			}
			continue
		}
		if len(f.items) != len(items) {
			t.Errorf("%v: %d item spans, %d items", path, len(f.items), len(items))
			continue
		}
		for i, item := range items {
			span := f.items[i]
			if _, isObject := item.(map[string]any); !isObject {
				if span != [2]int{} {
					t.Errorf("%v[%d]: span %v, but the item is no object", path, i, span)
				}
				continue
			}
			if sv, ok := stdDecodeTree(data[span[0]:span[1]]); !ok || !reflect.DeepEqual(sv, item) {
				t.Errorf("%v[%d]: span %v holds %q, not the item", path, i, span, data[span[0]:span[1]])
			}
		}
	}
}

// trimSpans drops the trailing spans of items that are not objects, which
// scanJSON does not record.
func trimSpans(spans [][2]int) [][2]int {
	for len(spans) > 0 && spans[len(spans)-1] == [2]int{} {
		spans = spans[:len(spans)-1]
	}
	if len(spans) == 0 {
		return nil
	}
	return spans
}

// checkContextFromTree compares contextFromTree(v) with what parse used to
// do with an @context value v.
func checkContextFromTree(t *testing.T, v any) {
	t.Helper()
	var raw json.RawMessage
	if v != nil {
		raw = reencodeJSON(v)
	}
	want, wantErr := ParseContext(raw)
	got, err := contextFromTree(v)
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("contextFromTree(%#v) error %v, ParseContext of it re-encoded %v", v, err, wantErr)
	}
	if err != nil {
		// Which of several bad terms of one object is named depends on
		// the map's order, on both roads.
		if err.Error() != wantErr.Error() && !contextErrorVaries(v) {
			t.Errorf("contextFromTree(%#v) error %q, ParseContext of it re-encoded %q", v, err, wantErr)
		}
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("contextFromTree(%#v) = %+v, ParseContext of it re-encoded %+v", v, got, want)
	}
}

// contextErrorVaries reports whether Context.add may word its error on v
// in more than one way: an object it reads has more than one term whose
// definition is of a wrong type.
func contextErrorVaries(v any) bool {
	switch t := v.(type) {
	case []any:
		return slices.ContainsFunc(t, contextErrorVaries)
	case map[string]any:
		bad := 0
		for k, def := range t {
			switch def.(type) {
			case string, map[string]any, nil:
			default:
				if !strings.HasPrefix(k, "@") {
					bad++
				}
			}
		}
		return bad > 1
	}
	return false
}

// treeFixtures returns the files of dir and its folders, by path from
// dir.
func treeFixtures(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		out[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestDecodeTreeFixtures runs the differential checks on every file of
// the package's testdata and, when PROVENANT_CONFORMANCE_DIR names it, the
// shared test data, whole and cut short.
func TestDecodeTreeFixtures(t *testing.T) {
	run := func(t *testing.T, files map[string][]byte) {
		if len(files) == 0 {
			t.Fatal("no fixtures")
		}
		for name, data := range files {
			t.Run(name, func(t *testing.T) {
				checkDecodeTree(t, data)
				for _, n := range []int{0, 1, len(data) / 2, len(data) - 1} {
					if n >= 0 && n < len(data) {
						checkDecodeTree(t, data[:n])
					}
				}
			})
		}
	}
	t.Run("own", func(t *testing.T) { run(t, treeFixtures(t, "testdata")) })
	t.Run("shared", func(t *testing.T) { run(t, treeFixtures(t, conformanceDir(t))) })
}

// TestDecodeTreeCases runs the differential checks on hand-written inputs,
// each also stating whether it is well-formed JSON.
func TestDecodeTreeCases(t *testing.T) {
	nest := func(n int, open, close string) string {
		return strings.Repeat(open, n) + "0" + strings.Repeat(close, n)
	}
	cases := []struct {
		name  string
		in    string
		valid bool
	}{
		// Strings and escapes.
		{"simple escapes", `"\"\\\/\b\f\n\r\t"`, true},
		{"unicode escape", `"caf\u00e9 \u00E9"`, true},
		{"nul escape", `"a\u0000b"`, true},
		{"surrogate pair", `"\ud83d\ude00"`, true},
		{"surrogate pair upper case", `"\uD83D\uDE00!"`, true},
		{"lone high surrogate", `"\ud83d"`, true},
		{"lone high surrogate then text", `"\ud83dx"`, true},
		{"lone low surrogate", `"\ude00\ud83d"`, true},
		{"high surrogate then non-surrogate escape", `"\ud83d\u0041"`, true},
		{"two high surrogates then low", `"\ud83d\ud83d\ude00"`, true},
		{"high surrogate then escaped newline", `"\ud83d\n"`, true},
		{"escaped U+FFFD", `"\ufffd"`, true},
		{"line separators", `"\u2028 ` + "\u2028\u2029" + `"`, true},
		{"raw non-ASCII", `"héllo wörld ✓ 😀"`, true},
		{"raw DEL", "\"\x7f\"", true},
		{"invalid UTF-8 byte", "\"a\xffb\"", true},
		{"UTF-8 encoded surrogate", "\"\xed\xa0\x80\"", true},
		{"truncated UTF-8", "\"\xe2\x82\"", true},
		{"invalid UTF-8 with escape", "\"\xff\\n\"", true},
		{"invalid UTF-8 in key", "{\"\xc0\":1}", true},
		{"escaped key", `{"\u0040context":"x","a\"b":1}`, true},
		{"single quote escape", `"\'"`, false},
		{"unknown escape", `"\x41"`, false},
		{"short unicode escape", `"\u12"`, false},
		{"bad hex in unicode escape", `"\u12G4"`, false},
		{"capital U escape", `"\U0041"`, false},
		{"bad hex after high surrogate", `"\ud83d\uZZZZ"`, false},
		{"raw tab", "\"a\tb\"", false},
		{"raw newline", "\"a\nb\"", false},
		{"raw NUL", "\"a\x00b\"", false},
		{"escaped raw control", "\"\\\x01\"", false},
		{"unterminated string", `"abc`, false},
		{"backslash at end", `"abc\`, false},
		{"escaped quote at end", `"abc\"`, false},
		{"invalid UTF-8 outside strings", "[1,\xff]", false},

		// Numbers.
		{"zero", `0`, true},
		{"negative zero", `-0`, true},
		{"integers", `[1,-1,10,1234567890123456789012345678901234567890]`, true},
		{"fractions", `[0.5,-0.0,1.25,10.01]`, true},
		{"exponents", `[1e5,1E5,1e+5,1e-5,0e0,-0.0e-0,2.5E+10]`, true},
		{"out of float64 range", `[1e400,-1e400,1e-400]`, true},
		{"number then space", " 12 ", true},
		{"leading zero", `01`, false},
		{"negative leading zero", `-01`, false},
		{"leading zero in array", `[00]`, false},
		{"trailing dot", `1.`, false},
		{"dot then exponent", `1.e5`, false},
		{"leading dot", `.5`, false},
		{"plus sign", `+1`, false},
		{"lone minus", `-`, false},
		{"double minus", `--1`, false},
		{"empty exponent", `1e`, false},
		{"exponent sign only", `1e+`, false},
		{"two dots", `1.0.0`, false},
		{"hex", `0x10`, false},
		{"infinity", `Infinity`, false},
		{"NaN", `NaN`, false},
		{"number then letter", `[1x]`, false},

		// Literals.
		{"literals", `[true,false,null]`, true},
		{"truncated true", `tru`, false},
		{"truncated null", `nul`, false},
		{"long null", `nulll`, false},
		{"capital True", `True`, false},
		{"true then letter", `[truee]`, false},

		// Objects and arrays.
		{"empty object", `{}`, true},
		{"empty array", `[]`, true},
		{"empty containers inside", `{"a":{},"b":[],"c":[[],{}]}`, true},
		{"spaced empty containers", `{ "a" : { } , "b" : [ ] }`, true},
		{"trailing comma in array", `[1,]`, false},
		{"leading comma in array", `[,1]`, false},
		{"trailing comma in object", `{"a":1,}`, false},
		{"comma only object", `{,}`, false},
		{"key without value", `{"a"}`, false},
		{"key without value after colon", `{"a":}`, false},
		{"bare key", `{a:1}`, false},
		{"number key", `{1:2}`, false},
		{"missing colon", `{"a" 1}`, false},
		{"missing comma in array", `[1 2]`, false},
		{"missing comma in object", `{"a":1 "b":2}`, false},
		{"unclosed array", `[1,2`, false},
		{"unclosed object", `{"a":1`, false},
		{"mismatched close", `[1}`, false},
		{"extra close", `[1]]`, false},

		// Repeated keys: the last value stays.
		{"repeated key", `{"a":1,"a":2}`, true},
		{"repeated key of other types", `{"a":{"b":1},"a":[1],"a":"x"}`, true},
		{"repeated nested keys", `{"a":{"b":1,"b":{"c":1,"c":2}},"a":{"b":3}}`, true},
		{"repeated escaped key", `{"a":1,"\u0061":2}`, true},
		{"repeated event list", `{"type":"EPCISDocument","epcisBody":{"eventList":[{"a":1},{"b":2}]},"epcisBody":{"eventList":[3,{"c":3}]}}`, true},
		{"repeated context", `{"@context":{"a":"x:"},"@context":1,"type":"ObjectEvent"}`, true},

		// Whitespace and what follows the value.
		{"all whitespace kinds", " \t\r\n{ \t\r\n\"a\" \t\r\n: \t\r\n[ \t\r\n1 \t\r\n, \t\r\n2 \t\r\n] \t\r\n} \t\r\n", true},
		{"empty", ``, false},
		{"only whitespace", " \n\t", false},
		{"form feed", "\f{}", false},
		{"vertical tab", "{}\v", false},
		{"no-break space", "\u00a0{}", false},
		{"byte order mark", "\ufeff{}", false},
		{"trailing letter", `{}x`, false},
		{"two values", `{} {}`, false},
		{"trailing close", `{}]`, false},
		{"two numbers", `1 2`, false},
		{"two strings", `"a""b"`, false},
		{"two nulls", `nullnull`, false},

		// Nesting: encoding/json's own limit, and MaxDepth (checked below).
		{"deepest encoding/json accepts", nest(stdMaxDepth, "[", "]"), true},
		{"deeper than encoding/json accepts", nest(stdMaxDepth+1, "[", "]"), false},
		{"deep objects", nest(MaxDepth+1, `{"a":`, "}"), true},
		{"deep objects, one level less", nest(MaxDepth, `{"a":`, "}"), true},
		{"deep and broken", nest(MaxDepth+1, `{"a":`, "]"), false},
		{"deep mixed", nest(MaxDepth/2, `[{"a":`, "}]"), true},

		// EPCIS shapes, for the spans.
		{"document", `{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"ex":"https://ex.example/"}],"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent"}, 1 ,null,{ "type" : "ex:E" }]}}`, true},
		{"query document", `{"type":"EPCISQueryDocument","epcisBody":{"queryResults":{"resultsBody":{"eventList":[{"type":"AssociationEvent"},[{}]]}}}}`, true},
		{"event list not an array", `{"type":"EPCISDocument","epcisBody":{"eventList":{"a":{}}}}`, true},
		{"string context", ` {"@context" : "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld" }`, true},
		{"scalar context", `{"@context":12,"type":"ObjectEvent"}`, true},
		{"context with numbers", `{"@context":{"@version":1.1,"a":{"@id":"x:","n":1e400}}}`, true},
		{"context with a number term", `{"@context":[{"a":1e2}]}`, true},
		{"context with an out of range term", `{"@context":{"a":1e999,"b":2e999}}`, true},
		{"nested context", `{"x":{"@context":"a"},"@context":[{"@context":{}}]}`, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, ok := stdDecodeTree([]byte(tc.in)); ok != tc.valid {
				t.Fatalf("encoding/json accepts %q: %v, want %v", tc.in, ok, tc.valid)
			}
			checkDecodeTree(t, []byte(tc.in))
			// At parse's limit, decodeJSONTree refuses what scanJSON
			// finds too deep, and nothing else.
			if tc.valid {
				_, ok := decodeJSONTree([]byte(tc.in), MaxDepth, nil)
				if tooDeep := scanJSON([]byte(tc.in), MaxDepth, nil).tooDeep; ok == tooDeep {
					t.Errorf("decodeJSONTree with MaxDepth accepts: %v, scanJSON finds it too deep: %v", ok, tooDeep)
				}
			}
		})
	}
}

// TestDecodeTreeDepth checks the depth limit at its edge, for objects and
// arrays.
func TestDecodeTreeDepth(t *testing.T) {
	for _, c := range []struct{ open, close string }{{"[", "]"}, {`{"k":`, "}"}, {`[{"k":`, "}]"}} {
		for depth := 1; depth <= 70; depth++ {
			reps := depth / (strings.Count(c.open, "[") + strings.Count(c.open, "{"))
			in := []byte(strings.Repeat(c.open, reps) + "0" + strings.Repeat(c.close, reps))
			nested := reps * (strings.Count(c.open, "[") + strings.Count(c.open, "{"))
			_, ok := decodeJSONTree(in, MaxDepth, nil)
			if want := nested <= MaxDepth; ok != want {
				t.Errorf("%d levels of %s: accepted %v, want %v", nested, c.open, ok, want)
			}
			if scanJSON(in, MaxDepth, nil).tooDeep == ok {
				t.Errorf("%d levels of %s: accepted %v, scanJSON disagrees", nested, c.open, ok)
			}
		}
	}
}

// TestDecodeTreeCopies checks that the decoded strings do not share the
// caller's bytes.
func TestDecodeTreeCopies(t *testing.T) {
	data := []byte(`{"key":"value","n":12}`)
	got, ok := decodeJSONTree(data, MaxDepth, nil)
	if !ok {
		t.Fatal("rejected")
	}
	for i := range data {
		data[i] = 'x'
	}
	want := map[string]any{"key": "value", "n": json.Number("12")}
	if !reflect.DeepEqual(got.value, want) {
		t.Errorf("after overwriting the input the tree is %#v, want %#v", got.value, want)
	}
}

// FuzzDecodeTree runs the differential checks of checkDecodeTree on
// arbitrary input. Seeds: the package's testdata and inline inputs.
//
//	go test ./epcis -run '^$' -fuzz '^FuzzDecodeTree$' -fuzztime 1m
func FuzzDecodeTree(f *testing.F) {
	for _, name := range []string{"document.jsonld", "object_event.jsonld", "query_document.jsonld", "invalid_mixed.jsonld"} {
		f.Add(readTestdata(f, name))
	}
	for _, s := range []string{
		``, ` `, `{}`, `[]`, `null`, `true`, `false`, `0`, `-0.5e+3`, `01`, `1.`, `"x"`,
		`"\ud83d\ude00\ud83d\u0041\ude00"`, "\"\xff\xed\xa0\x80\"", `"\u00e9\/\b"`,
		`{"a":1,"a":{"b":[1,{"c":2,"c":3}]}}`, `[1,[2,[3,[4]]]]`, `{"a":[{},[]]} x`,
		`{"@context":[{"a":null},{"b":{"@id":"x:"}},"https://ref.gs1.org/epcis/"],"type":"ObjectEvent"}`,
		`{"@context":{"a":1e400,"b":true},"type":"EPCISDocument","epcisBody":{"eventList":[{"@context":{"x":"y:"}},2]}}`,
		`{"type":"EPCISQueryDocument","epcisBody":{"queryResults":{"resultsBody":{"eventList":[{"type":"AssociationEvent"}]}}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDecodeTree(t, data)
	})
}
