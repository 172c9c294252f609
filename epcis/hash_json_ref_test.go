package epcis

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// decodeHashJSONRef is the encoding/json based decoder that decodeHashJSON
// replaced, kept as the reference its results are checked against: it
// parses exactly one JSON value with Decoder.Token and UseNumber.
func decodeHashJSONRef(data []byte) (*hashJSON, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeHashValueRef(dec, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		if err == nil {
			return nil, errors.New("unexpected data after the JSON value")
		}
		return nil, err
	}
	return v, nil
}

func decodeHashValueRef(dec *json.Decoder, depth int) (*hashJSON, error) {
	if depth > hashMaxDepth {
		return nil, errHashTooDeep
	}
	tok, err := dec.Token()
	if err != nil {
		if err == io.EOF {
			return nil, io.ErrUnexpectedEOF
		}
		return nil, err
	}
	switch t := tok.(type) {
	case nil:
		return &hashJSON{kind: hashJSONNull}, nil
	case bool:
		return &hashJSON{kind: hashJSONBool, b: t}, nil
	case json.Number:
		return &hashJSON{kind: hashJSONNumber, s: string(t)}, nil
	case string:
		return &hashJSON{kind: hashJSONString, s: t}, nil
	case json.Delim:
		switch t {
		case '[':
			v := &hashJSON{kind: hashJSONArray}
			for dec.More() {
				item, err := decodeHashValueRef(dec, depth+1)
				if err != nil {
					return nil, err
				}
				v.arr = append(v.arr, item)
			}
			if _, err := dec.Token(); err != nil { // ']'
				return nil, err
			}
			return v, nil
		case '{':
			v := &hashJSON{kind: hashJSONObject}
			var index map[string]int
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key, ok := kt.(string)
				if !ok {
					return nil, fmt.Errorf("object key %v is not a string", kt)
				}
				val, err := decodeHashValueRef(dec, depth+1)
				if err != nil {
					return nil, err
				}
				if index == nil && len(v.keys) >= 8 {
					index = make(map[string]int, 2*len(v.keys))
					for i, k := range v.keys {
						index[k] = i
					}
				}
				if i, dup := hashJSONRefLookup(v, index, key); dup {
					v.vals[i] = val
					continue
				}
				if index != nil {
					index[key] = len(v.keys)
				}
				v.keys = append(v.keys, key)
				v.vals = append(v.vals, val)
			}
			if _, err := dec.Token(); err != nil { // '}'
				return nil, err
			}
			return v, nil
		}
	}
	return nil, fmt.Errorf("unexpected JSON token %v", tok)
}

func hashJSONRefLookup(v *hashJSON, index map[string]int, key string) (int, bool) {
	if index != nil {
		i, ok := index[key]
		return i, ok
	}
	for i, k := range v.keys {
		if k == key {
			return i, true
		}
	}
	return 0, false
}

// equalHashJSON reports whether two trees are the same, member order
// included.
func equalHashJSON(a, b *hashJSON) bool {
	if a.kind != b.kind || a.s != b.s || a.b != b.b ||
		len(a.arr) != len(b.arr) || len(a.keys) != len(b.keys) || len(a.vals) != len(b.vals) {
		return false
	}
	for i := range a.arr {
		if !equalHashJSON(a.arr[i], b.arr[i]) {
			return false
		}
	}
	for i := range a.keys {
		if a.keys[i] != b.keys[i] || !equalHashJSON(a.vals[i], b.vals[i]) {
			return false
		}
	}
	return true
}

// checkHashJSONDecode checks that decodeHashJSON and decodeHashJSONRef
// agree on data: the same tree, or both an error, errHashTooDeep for
// both or neither.
func checkHashJSONDecode(t *testing.T, data []byte) {
	t.Helper()
	got, err := decodeHashJSON(data)
	want, errRef := decodeHashJSONRef(data)
	switch {
	case (err == nil) != (errRef == nil):
		t.Fatalf("decodeHashJSON(%q) error = %v, reference error = %v", data, err, errRef)
	case errors.Is(err, errHashTooDeep) != errors.Is(errRef, errHashTooDeep):
		t.Fatalf("decodeHashJSON(%q) error = %v, reference error = %v", data, err, errRef)
	case err == nil && !equalHashJSON(got, want):
		t.Fatalf("decodeHashJSON(%q) =\n%s\nreference:\n%s", data, got.encode(nil), want.encode(nil))
	}
}

// hashJSONDecodeSeeds are inputs on which the two decoders are compared:
// escapes, surrogates, invalid UTF-8, numbers, duplicate keys, nesting
// and malformed JSON.
var hashJSONDecodeSeeds = []string{
	``, ` `, `null`, `true`, `false`, ` 0 `, `-0`, `-0.0`, `0.10`, `1e400`, `-1E-400`, `1.5e+3`,
	`123456789012345678901234567890`, `01`, `-`, `1.`, `.5`, `1e`, `1e+`, `+1`, `0x10`, `NaN`, `Infinity`,
	`nul`, `truee`, `[true false]`, `"abc"`, `"abc`, `"a\"b\\c\/d\b\f\n\r\t"`, `"\'"`, `"\x"`,
	`"\u0041\u00e9\u4e2d\uD83D\uDE00"`, `"\uD83D"`, `"\uDE00\uD83D"`, `"\uD83Dx"`, `"\uD83D\u0041"`,
	`"\uD83D\uD83D\uDE00"`, `"\uDBFF\uDFFF"`, `"\uD800\u"`, `"\u12"`, `"\u12G4"`, `"\uFFFD\uFEFF"`,
	"\"\xff\xfe\"", "\"a\xc3\"", "\"\xed\xa0\x80\"", "\"\xef\xbf\xbd\"", "\"\xf4\x90\x80\x80\"",
	"\"tab\there\"", "\"nl\nhere\"", "\"\x7f\"", "\"\x00\"", "\xef\xbb\xbf{}",
	`[]`, `[ ]`, `[1,]`, `[,1]`, `[1 2]`, `[1,,2]`, `[`, `]`, `[[[]]]`, `[{}]`,
	`{}`, `{ }`, `{"a":1}`, `{"a" 1}`, `{"a":}`, `{"a":1,}`, `{,}`, `{1:2}`, `{"a":1 "b":2}`, `{"a"}`,
	`{"a":1,"b":2,"a":3}`, `{"a":1,"\u0061":2}`, `{"":1,"":[2]}`, `{"a":{"b":1,"b":{"c":2}},"a":[]}`,
	`{"a":1} {}`, `{"a":1}}`, `{"a":1} x`, "{\"a\":1}\n\t\r ", `"a" "b"`, `1 2`, `{"a":1}]`,
	`{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k10":10,"k11":11,` +
		`"k12":12,"k13":13,"k14":14,"k15":15,"k16":16,"k17":17,"k3":"x","k16":"y","k0":{"k0":0,"k0":1}}`,
	strings.Repeat("[", hashMaxDepth) + strings.Repeat("]", hashMaxDepth),
	strings.Repeat("[", hashMaxDepth+1) + strings.Repeat("]", hashMaxDepth+1),
	strings.Repeat("[", hashMaxDepth+1) + "1" + strings.Repeat("]", hashMaxDepth+1),
	strings.Repeat("[", hashMaxDepth+1) + "1",
	strings.Repeat("[", hashMaxDepth+1),
	strings.Repeat("[", hashMaxDepth+2) + "x",
	strings.Repeat(`{"a":`, hashMaxDepth) + "1" + strings.Repeat("}", hashMaxDepth),
	strings.Repeat(`{"a":`, hashMaxDepth+1) + "1" + strings.Repeat("}", hashMaxDepth+1),
	strings.Repeat(`{"a":`, hashMaxDepth) + `{"b" 1}`,
	strings.Repeat(`{"a":`, hashMaxDepth) + `{"b"`,
	strings.Repeat(`{"a":`, hashMaxDepth) + `{}` + strings.Repeat("}", hashMaxDepth),
	testHashEvent,
}

// hashJSONDecodeFiles returns the package's JSON test data and, when
// PROVENANT_CONFORMANCE_DIR names it, the shared test data.
func hashJSONDecodeFiles(t testing.TB) [][]byte {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join("testdata", "*.jsonld"))
	if dir := os.Getenv("PROVENANT_CONFORMANCE_DIR"); dir != "" {
		if !filepath.IsAbs(dir) {
			dir = filepath.Join("..", dir)
		}
		_ = filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
			if err == nil && !e.IsDir() && (strings.HasSuffix(path, ".json") || strings.HasSuffix(path, ".jsonld")) {
				files = append(files, path)
			}
			return nil
		})
	}
	var out [][]byte
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, data)
	}
	return out
}

func TestDecodeHashJSONMatchesReference(t *testing.T) {
	for _, s := range hashJSONDecodeSeeds {
		checkHashJSONDecode(t, []byte(s))
	}
	for _, data := range hashJSONDecodeFiles(t) {
		checkHashJSONDecode(t, data)
		// Prefixes of a document end in every kind of place.
		step := max(1, len(data)/64)
		for n := 0; n < len(data); n += step {
			checkHashJSONDecode(t, data[:n])
		}
	}
}

func TestDecodeHashJSONTooDeep(t *testing.T) {
	for _, s := range []string{
		// The innermost value is hashMaxDepth+1 levels below the top.
		strings.Repeat("[", hashMaxDepth+2) + strings.Repeat("]", hashMaxDepth+2),
		strings.Repeat(`{"a":`, hashMaxDepth+1) + "1" + strings.Repeat("}", hashMaxDepth+1),
	} {
		if _, err := decodeHashJSON([]byte(s)); !errors.Is(err, errHashTooDeep) {
			t.Errorf("decodeHashJSON(%.20s…) error = %v, want %v", s, err, errHashTooDeep)
		}
	}
}

// FuzzHashJSONDecode checks that decodeHashJSON builds the same tree as
// the encoding/json based reference decoder, or fails where it fails.
func FuzzHashJSONDecode(f *testing.F) {
	for _, s := range hashJSONDecodeSeeds {
		f.Add([]byte(s))
	}
	for _, data := range hashJSONDecodeFiles(f) {
		f.Add(data)
		if doc, err := hashTestReadDocument(data); err == nil {
			for _, ev := range doc.events {
				f.Add([]byte(ev))
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkHashJSONDecode(t, data)
	})
}
