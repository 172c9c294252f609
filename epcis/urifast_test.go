package epcis

import (
	"encoding/json"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// libraryURIFormat returns the library's uri format, as the validator
// compiles it.
func libraryURIFormat(t testing.TB) *jsonschema.Format {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("uri.json", map[string]any{"format": "uri"}); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("uri.json")
	if err != nil {
		t.Fatal(err)
	}
	if s.Format == nil || s.Format.Name != "uri" {
		t.Fatalf("compiled format = %v, want uri", s.Format)
	}
	return s.Format
}

// checkURIVerdict fails when uriVerdict is sure of s and the library
// disagrees.
func checkURIVerdict(t *testing.T, lib *jsonschema.Format, s string) verdict {
	t.Helper()
	got := uriVerdict(s)
	if got != verdictUnknown && !verdictAgrees(got, lib.Validate(s)) {
		t.Errorf("uriVerdict(%q) = %v, library: %v", s, got, lib.Validate(s))
	}
	return got
}

func TestURIVerdict(t *testing.T) {
	lib := libraryURIFormat(t)
	tests := []struct {
		in   string
		want verdict
	}{
		{"https://ref.gs1.org/cbv/BizStep-shipping", verdictValid},
		{"urn:epc:id:sgtin:0614141.107346.2017", verdictValid},
		{"https://id.gs1.org/01/09506000134352/21/2017?x=1&y=(2)", verdictValid},
		{"http://example.com", verdictValid},
		{"http:///path", verdictValid},
		{"a:", verdictValid},
		{"ex:roasting", verdictValid},
		{"mailto:someone@example.com", verdictValid},
		{"shipping", verdictInvalid},
		{"", verdictInvalid},
		{":x", verdictInvalid},
		{"1a:b", verdictInvalid},
		{"a b:c", verdictInvalid},
		{"a#b:c", verdictInvalid},
		{"/relative:path", verdictInvalid},
		{"http://host:8080/", verdictUnknown},
		{"http://host:port/", verdictUnknown},
		{"http://[::1]/", verdictUnknown},
		{"http://user@host/", verdictUnknown},
		{"http://h/a%20b", verdictUnknown},
		{"http://h/a%zz", verdictUnknown},
		{"http://h/#frag", verdictUnknown},
		{"http://h/\x7f", verdictUnknown},
		{"http://h/é", verdictUnknown},
		{"http://h/a b", verdictUnknown},
		{"http://ho^st/", verdictUnknown},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := checkURIVerdict(t, lib, tc.in); got != tc.want {
				t.Errorf("uriVerdict(%q) = %v, want %v (library: %v)", tc.in, got, tc.want, lib.Validate(tc.in))
			}
		})
	}
}

// TestURIVerdictFixtures compares uriVerdict with the library on every
// string (values and keys) of every test document.
func TestURIVerdictFixtures(t *testing.T) {
	lib := libraryURIFormat(t)
	for name, data := range differentialInputs(t) {
		var tree any
		if json.Unmarshal(data, &tree) != nil {
			continue
		}
		var walk func(v any)
		walk = func(v any) {
			switch v := v.(type) {
			case string:
				checkURIVerdict(t, lib, v)
			case []any:
				for _, x := range v {
					walk(x)
				}
			case map[string]any:
				for k, x := range v {
					checkURIVerdict(t, lib, k)
					walk(x)
				}
			}
		}
		t.Run(name, func(t *testing.T) { walk(tree) })
	}
}

func FuzzURIVerdict(f *testing.F) {
	for _, s := range []string{"https://ref.gs1.org/cbv/BizStep-shipping", "urn:epc:id:sgtin:0614141.107346.2017", "shipping", "http://h:1/", "a:b#c", "http://[::1]/"} {
		f.Add(s)
	}
	lib := libraryURIFormat(f)
	f.Fuzz(func(t *testing.T, s string) {
		checkURIVerdict(t, lib, s)
	})
}
