package epcis

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// StandardContextURL is the JSON-LD context that every EPCIS 2.0 document
// references, directly or through a versioned alias.
const StandardContextURL = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"

// Well-known namespace IRIs defined by the standard EPCIS 2.0 context.
const (
	NamespaceEPCIS = "https://ref.gs1.org/epcis/"
	NamespaceCBV   = "https://ref.gs1.org/cbv/"
	NamespaceGS1   = "https://gs1.org/voc/"
)

// Context is the namespace part of a JSON-LD @context: the prefixes a
// document or event declares, mapped to their namespace IRIs. The zero value
// is an empty context. A Context is immutable once built; Merge returns a
// new one.
type Context struct {
	prefixes map[string]string
	// standard reports whether the standard EPCIS context was referenced.
	standard bool
}

// standardPrefixes are the prefixes that the standard EPCIS 2.0 context
// (epcis-context.jsonld) itself declares, as far as Provenant needs them.
var standardPrefixes = map[string]string{
	"epcis":   NamespaceEPCIS,
	"cbv":     NamespaceCBV,
	"gs1":     NamespaceGS1,
	"cbvmda":  "urn:epcglobal:cbv:mda:",
	"rdfs":    "http://www.w3.org/2000/01/rdf-schema#",
	"owl":     "http://www.w3.org/2002/07/owl#",
	"xsd":     "http://www.w3.org/2001/XMLSchema#",
	"dcterms": "http://purl.org/dc/terms/",
}

// ParseContext reads a JSON-LD @context value: a string (a context URL), an
// object mapping prefixes to IRIs, or an array of those. A missing value
// (nil or JSON null) gives an empty Context. Term definitions that are not
// plain namespace IRIs (objects with @id, @type, …) are accepted and their
// @id, when present, is used as the namespace.
func ParseContext(raw json.RawMessage) (Context, error) {
	c := Context{prefixes: map[string]string{}}
	if len(raw) == 0 || string(raw) == "null" {
		return c, nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return Context{}, fmt.Errorf("@context: %w", err)
	}
	if err := c.add(v); err != nil {
		return Context{}, err
	}
	return c, nil
}

// contextFromTree reads an @context value decoded with UseNumber (nil when
// absent), with the same result and error as ParseContext given the
// value re-encoded by reencodeJSON, as parse used to do.
//
// Re-encoding and decoding again gives back v except that numbers become
// float64: strings survive, being valid UTF-8 as both encoding/json and
// decodeJSONTree leave them, and key order, repeated keys and the
// spelling of escapes, numbers and whitespace are gone once decoded. So
// when every number converts, add sees the same strings, maps and arrays,
// and names the type of a number as float64 in its errors. When one does
// not, ParseContext's error names the first such number in the
// re-encoded text, whose keys are sorted, so the value takes that road.
func contextFromTree(v any) (Context, error) {
	if v == nil {
		return Context{prefixes: map[string]string{}}, nil
	}
	if !numbersFitFloat64(v) {
		return ParseContext(reencodeJSON(v))
	}
	c := Context{prefixes: map[string]string{}}
	if err := c.add(v); err != nil {
		return Context{}, err
	}
	return c, nil
}

// numbersFitFloat64 reports whether every json.Number in a decoded JSON
// value converts to a float64 as json.Unmarshal converts it.
func numbersFitFloat64(v any) bool {
	switch t := v.(type) {
	case json.Number:
		_, err := strconv.ParseFloat(string(t), 64)
		return err == nil
	case []any:
		for _, item := range t {
			if !numbersFitFloat64(item) {
				return false
			}
		}
	case map[string]any:
		for _, item := range t {
			if !numbersFitFloat64(item) {
				return false
			}
		}
	}
	return true
}

// contextTypeName names the Go type of a decoded @context value in
// errors, json.Number as float64: the type json.Unmarshal gives numbers.
func contextTypeName(v any) string {
	if _, ok := v.(json.Number); ok {
		return "float64"
	}
	return fmt.Sprintf("%T", v)
}

func (c *Context) add(v any) error {
	switch t := v.(type) {
	case string:
		if isStandardContextURL(t) {
			c.standard = true
		}
	case []any:
		for i, item := range t {
			if err := c.add(item); err != nil {
				return fmt.Errorf("@context[%d]: %w", i, err)
			}
		}
	case map[string]any:
		for prefix, def := range t {
			if strings.HasPrefix(prefix, "@") {
				continue
			}
			switch d := def.(type) {
			case string:
				c.prefixes[prefix] = d
			case map[string]any:
				if id, ok := d["@id"].(string); ok {
					c.prefixes[prefix] = id
				}
			case nil:
				delete(c.prefixes, prefix)
			default:
				return fmt.Errorf("@context: term %q has a definition of type %s, want a string or an object", prefix, contextTypeName(def))
			}
		}
	default:
		return fmt.Errorf("@context: value of type %s, want a string, an object or an array", contextTypeName(v))
	}
	return nil
}

func isStandardContextURL(s string) bool {
	s = strings.TrimSuffix(s, "/")
	return strings.HasPrefix(s, "https://ref.gs1.org/standards/epcis/") ||
		strings.HasPrefix(s, "https://gs1.github.io/EPCIS/") ||
		strings.HasPrefix(s, "https://ref.gs1.org/epcis/")
}

// References reports whether the context references the standard EPCIS
// 2.0 JSON-LD context.
func (c Context) References() bool { return c.standard }

// Merge returns a context holding c's prefixes overridden by inner's, as
// JSON-LD scoping does for an event's own @context inside a document.
func (c Context) Merge(inner Context) Context {
	out := Context{prefixes: make(map[string]string, len(c.prefixes)+len(inner.prefixes)), standard: c.standard || inner.standard}
	for k, v := range c.prefixes {
		out.prefixes[k] = v
	}
	for k, v := range inner.prefixes {
		out.prefixes[k] = v
	}
	return out
}

// Namespace returns the IRI bound to prefix: a declared prefix first, then
// one of the standard context's own prefixes.
func (c Context) Namespace(prefix string) (string, bool) {
	if iri, ok := c.prefixes[prefix]; ok {
		return iri, true
	}
	iri, ok := standardPrefixes[prefix]
	return iri, ok
}

// Declared reports whether the document itself declared prefix (rather
// than it coming from the standard context).
func (c Context) Declared(prefix string) bool {
	_, ok := c.prefixes[prefix]
	return ok
}

// SplitCURIE splits a compact IRI "prefix:local" into its parts. It reports
// false for absolute IRIs ("https://…", "urn:…") and for strings without a
// colon.
func SplitCURIE(s string) (prefix, local string, ok bool) {
	i := strings.IndexByte(s, ':')
	if i <= 0 {
		return "", "", false
	}
	prefix, local = s[:i], s[i+1:]
	if strings.HasPrefix(local, "//") || prefix == "urn" || prefix == "http" || prefix == "https" {
		return "", "", false
	}
	return prefix, local, true
}

// ExpandCURIE expands a compact IRI with the context's prefixes. It
// reports false when s is not a CURIE or its prefix is unknown.
func (c Context) ExpandCURIE(s string) (string, bool) {
	prefix, local, ok := SplitCURIE(s)
	if !ok {
		return "", false
	}
	ns, ok := c.Namespace(prefix)
	if !ok {
		return "", false
	}
	return ns + local, true
}
