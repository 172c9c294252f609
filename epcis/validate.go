package epcis

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
)

// schemaJSON is the official GS1 EPCIS 2.0.1 JSON Schema, verbatim; see
// schema/README.md.
//
//go:embed schema/epcis-json-schema.json
var schemaJSON []byte

// schemaURL is the name the embedded schema is compiled under.
const schemaURL = "https://ref.gs1.org/standards/epcis/2.0.1/epcis-json-schema.json"

// A Validator checks EPCIS 2.0 JSON-LD inputs against the EPCIS 2.0 JSON
// Schema and the EPCIS 2.0 / CBV 2.0 rules that the schema cannot express.
// Build it once with NewValidator; it is safe for concurrent use.
type Validator struct {
	schema *jsonschema.Schema
	// persistentDisposition checks persistentDisposition in the event
	// types whose schema branch allows the field without describing it.
	persistentDisposition *jsonschema.Schema
	// check and persistentDispositionCheck are the fast yes/no checks of
	// the two schemas (see schemacheck.go); nil runs the library always.
	check                      *schemaNode
	persistentDispositionCheck *schemaNode
}

// NewValidator compiles the embedded EPCIS 2.0 JSON Schema, and the fast
// check of it (see schemacheck.go).
func NewValidator() (*Validator, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaJSON))
	if err != nil {
		return nil, fmt.Errorf("epcis: read embedded JSON Schema: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	c.UseRegexpEngine(compileSchemaRegexp)
	if err := c.AddResource(schemaURL, doc); err != nil {
		return nil, fmt.Errorf("epcis: load embedded JSON Schema: %w", err)
	}
	s, err := c.Compile(schemaURL)
	if err != nil {
		return nil, fmt.Errorf("epcis: compile embedded JSON Schema: %w", err)
	}
	pd, err := c.Compile(schemaURL + "#/definitions/persistentDisposition")
	if err != nil {
		return nil, fmt.Errorf("epcis: compile embedded JSON Schema: %w", err)
	}
	b := newSchemaNodeBuilder()
	return &Validator{
		schema:                     s,
		persistentDisposition:      pd,
		check:                      b.node(s),
		persistentDispositionCheck: b.node(pd),
	}, nil
}

// validateSchema validates v against s and returns the library's error,
// nil when v is valid. When the fast check fc (which may be nil) is sure
// that v is valid, the library is not run: it would return nil.
func validateSchema(s *jsonschema.Schema, fc *schemaNode, v any) error {
	if fc != nil && fc.check(v, 0) == verdictValid {
		return nil
	}
	return s.Validate(v)
}

// Validate parses an EPCIS 2.0 JSON-LD input (see Parse), validates it
// against the EPCIS 2.0 JSON Schema and checks the EPCIS 2.0 and CBV 2.0
// rules the schema cannot express. It returns the decoded document (nil
// when the input is not a JSON object) and, when anything is wrong, a
// *ValidationError listing every problem found, sorted by event index and
// path.
func (v *Validator) Validate(name string, data []byte) (*Document, error) {
	p := parse(name, data)
	if p.doc == nil {
		return nil, p.list.err()
	}
	tr := &schemaTranslator{tree: p.tree, list: &p.list}
	if err := validateSchema(v.schema, v.check, p.tree); err != nil {
		var verr *jsonschema.ValidationError
		if !errors.As(err, &verr) {
			p.list.add(-1, "", "", CodeSchema, "", "schema validation: %v", err)
		} else {
			tr.walk(verr, nil)
		}
	}
	if p.recognised {
		r := &ruleChecker{v: v, p: p, list: &p.list}
		r.check()
	}
	attributeEvents(p)
	// Keep the decoding problems the schema did not already report.
	covered := map[string]Code{}
	for _, q := range p.list.problems {
		covered[q.Path] = q.Code
	}
	for _, fp := range p.fieldProblems {
		if !pathCovered(covered, fp.Path) {
			p.list.problems = append(p.list.problems, fp)
		}
	}
	if err := p.list.err(); err != nil {
		return p.doc, err
	}
	return p.doc, nil
}

// pathCovered reports whether path has a problem already, or lies inside
// a value reported as being of the wrong type.
func pathCovered(covered map[string]Code, path string) bool {
	if _, ok := covered[path]; ok {
		return true
	}
	for {
		i := strings.LastIndexByte(path, '/')
		if i < 0 {
			return false
		}
		path = path[:i]
		if code, ok := covered[path]; ok && code == CodeWrongType {
			return true
		}
	}
}

// attributeEvents fills EventIndex and EventID of problems from their
// paths.
func attributeEvents(p *parseResult) {
	bare := p.doc != nil && p.doc.Type == "" && len(p.events) == 1
	for i := range p.list.problems {
		q := &p.list.problems[i]
		if bare {
			q.EventIndex = 0
			q.EventID = p.doc.Events[0].EventID
			continue
		}
		if q.EventIndex >= 0 {
			continue
		}
		for j, n := range p.events {
			if n.pointer != "" && (q.Path == n.pointer || strings.HasPrefix(q.Path, n.pointer+"/")) {
				q.EventIndex = j
				if n.obj != nil {
					q.EventID = stringField(n.obj, "eventID")
				}
				break
			}
		}
	}
}

// compileSchemaRegexp is the schema's regexp engine: Go's regexp, plus the
// one construct of the EPCIS schema that RE2 lacks, a pattern that is a
// single negative lookahead "^(?!X)", evaluated as "does not match ^(?:X)".
func compileSchemaRegexp(s string) (jsonschema.Regexp, error) {
	if inner, ok := strings.CutPrefix(s, "^(?!"); ok && strings.HasSuffix(inner, ")") && !strings.Contains(inner, "(?") {
		re, err := regexp.Compile("^(?:" + inner[:len(inner)-1] + ")")
		if err != nil {
			return nil, err
		}
		return negatedRegexp{src: s, re: re}, nil
	}
	return regexp.Compile(s)
}

type negatedRegexp struct {
	src string
	re  *regexp.Regexp
}

func (n negatedRegexp) MatchString(s string) bool { return !n.re.MatchString(s) }
func (n negatedRegexp) String() string            { return n.src }

// schemaTranslator turns the JSON Schema validator's error tree into Problems
// with plain-language messages.
type schemaTranslator struct {
	tree any
	list *problemList
	// base is prepended to instance locations, for subschemas applied to
	// part of the input.
	base []string
}

func (t *schemaTranslator) add(loc []string, code Code, format string, args ...any) {
	t.list.add(-1, "", pointerFromTokens(loc), code, "", format, args...)
}

func (t *schemaTranslator) addRef(loc []string, code Code, ref, format string, args ...any) {
	t.list.add(-1, "", pointerFromTokens(loc), code, ref, format, args...)
}

func pointerFromTokens(loc []string) string {
	var b strings.Builder
	for _, tok := range loc {
		b.WriteByte('/')
		b.WriteString(pointerToken(tok))
	}
	return b.String()
}

func (t *schemaTranslator) loc(e *jsonschema.ValidationError) []string {
	if len(t.base) == 0 {
		return e.InstanceLocation
	}
	return append(slices.Clone(t.base), e.InstanceLocation...)
}

// schemaFragment returns the JSON Pointer part of a schema location, e.g.
// "/definitions/bizStep".
func schemaFragment(schemaURL string) string {
	if i := strings.IndexByte(schemaURL, '#'); i >= 0 {
		return schemaURL[i+1:]
	}
	return ""
}

// walk translates e and its causes. parent is the instance location of
// the nearest ancestor, used where the library reports none.
func (t *schemaTranslator) walk(e *jsonschema.ValidationError, parent []string) {
	loc := t.loc(e)
	switch k := e.ErrorKind.(type) {
	case *kind.Schema, *kind.Group, *kind.AllOf, *kind.Reference:
		for _, c := range e.Causes {
			t.walk(c, loc)
		}
	case *kind.AnyOf, *kind.OneOf:
		t.anyOf(e, loc)
	case *kind.Required:
		for _, m := range k.Missing {
			if m == "type" && schemaFragment(e.SchemaURL) == "/definitions/sensorReport" {
				// EPCIS 2.0 §7.3.7.1.2 lets a report carry exception
				// instead of type; the rules check the either-or.
				continue
			}
			t.add(append(slices.Clone(loc), m), CodeMissingField, "%s", t.requiredMessage(loc, m))
		}
	case *kind.Type:
		v, _ := t.value(loc)
		want := joinTypes(k.Want)
		if schemaFragment(e.SchemaURL) == "/definitions/uri" || schemaFragment(e.SchemaURL) == "/definitions/id" {
			want = "a URI (a string)"
		}
		t.add(loc, CodeWrongType, "%s must be %s, not %s", describeLoc(loc), want, describeValue(v))
	case *kind.Enum:
		want := make([]string, len(k.Want))
		for i, w := range k.Want {
			want[i] = fmt.Sprint(w)
		}
		if schemaFragment(e.SchemaURL) == "/definitions/action" {
			want = []string{ActionAdd, ActionObserve, ActionDelete}
		}
		got := describeValue(k.Got)
		if str, ok := k.Got.(string); ok {
			got = strconv.Quote(str)
		}
		t.add(loc, CodeInvalidValue, "%s is not one of %s", got, strings.Join(want, ", "))
	case *kind.Const:
		t.add(loc, CodeInvalidValue, "%s must be %v", describeValue(k.Got), k.Want)
	case *kind.Format:
		t.format(e, k, loc)
	case *kind.Pattern:
		t.pattern(e, k, loc)
	case *kind.MinItems:
		t.add(loc, CodeEmptyList, "%s must have at least %d item(s)", describeLoc(loc), k.Want)
	case *kind.UniqueItems:
		t.add(loc, CodeDuplicateItem, "%s lists the same value twice (items %d and %d)", describeLoc(loc), k.Duplicates[0], k.Duplicates[1])
	case *kind.AdditionalProperties:
		allowed := closedObjectFields[schemaFragment(e.SchemaURL)]
		for _, prop := range k.Properties {
			msg := fmt.Sprintf("field %q is not allowed in %s", prop, describeObject(loc))
			if allowed != "" {
				msg += " (allowed: " + allowed + ")"
			}
			t.add(append(slices.Clone(loc), prop), CodeFieldNotAllowed, "%s", msg)
		}
	case *kind.PropertyNames:
		// The library's location for this kind is unreliable; the
		// object is the parent's location.
		t.propertyName(parent, k.Property)
	case *kind.FalseSchema:
		t.add(loc, CodeFieldNotAllowed, "%s is not allowed here", describeLoc(loc))
	default:
		// Kinds the EPCIS schema does not use in practice; keep the
		// library's wording without its location prefix.
		msg := e.Error()
		if strings.HasPrefix(msg, "at '") {
			if _, after, ok := strings.Cut(msg, ": "); ok {
				msg = after
			}
		}
		t.add(loc, CodeSchema, "%s: %s", describeLoc(loc), msg)
	}
}

// value returns the instance value at loc.
func (t *schemaTranslator) value(loc []string) (any, bool) {
	v := t.tree
	for _, tok := range loc {
		switch n := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = n[tok]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(n) {
				return nil, false
			}
			v = n[i]
		default:
			return nil, false
		}
	}
	return v, true
}

func (t *schemaTranslator) object(loc []string) map[string]any {
	v, _ := t.value(loc)
	o, _ := v.(map[string]any)
	return o
}

func (t *schemaTranslator) requiredMessage(loc []string, missing string) string {
	obj := t.object(loc)
	what := describeObject(loc)
	if typ, ok := obj["type"].(string); ok && isStandardEventType(typ) {
		what = "an " + typ
		if !strings.HasPrefix(typ, "A") && !strings.HasPrefix(typ, "O") {
			what = "a " + typ
		}
	}
	return fmt.Sprintf("required field %q is missing from %s", missing, what)
}

// vocabularyDefinitions maps the schema's vocabulary definitions to the
// vocabularies.
var vocabularyDefinitions = map[string]*Vocabulary{
	"/definitions/bizStep":             bizStepVocabulary,
	"/definitions/disposition":         dispositionVocabulary,
	"/definitions/bizTransaction-type": bizTransactionTypeVocabulary,
	"/definitions/source-dest-type":    sourceDestTypeVocabulary,
	"/definitions/error-reason":        errorReasonVocabulary,
	"/definitions/measurementType":     measurementTypeVocabulary,
	"/definitions/sensorAlertType":     sensorAlertTypeVocabulary,
	"/definitions/component":           componentVocabulary,
}

// anyOf translates a failed anyOf or oneOf.
func (t *schemaTranslator) anyOf(e *jsonschema.ValidationError, loc []string) {
	frag := schemaFragment(e.SchemaURL)
	if vocab, ok := vocabularyDefinitions[frag]; ok {
		t.vocabulary(vocab, loc)
		return
	}
	obj := t.object(loc)
	has := func(key string) bool { _, ok := obj[key]; return ok }
	nonEmpty := func(key string) bool { a, ok := obj[key].([]any); return ok && len(a) > 0 }
	// For the "what" alternatives: when the event does carry the lists,
	// the anyOf failed on errors inside them, which the property checks
	// report on their own.
	switch frag {
	case "/definitions/ObjectEvent/allOf/2":
		if !has("epcList") && !nonEmpty("quantityList") {
			t.add(loc, CodeMissingIdentifiers, "an ObjectEvent must name the objects it is about: give an epcList, a non-empty quantityList, or a sensorElementList together with a readPoint")
		}
		return
	case "/definitions/ObjectEvent/allOf/3":
		if action, _ := obj["action"].(string); has("ilmd") && (action == ActionObserve || action == ActionDelete) {
			t.add(append(slices.Clone(loc), "ilmd"), CodeILMDNotAllowed, "ilmd is only allowed in an ObjectEvent whose action is ADD (here %s)", action)
		}
		return // otherwise the action itself is wrong, reported on its own
	case "/definitions/AggregationEvent/allOf/2", "/definitions/AssociationEvent/allOf/2":
		if !nonEmpty("childEPCs") && !nonEmpty("childQuantityList") {
			typ, _ := obj["type"].(string)
			t.add(loc, CodeMissingIdentifiers, "an %s whose action is not DELETE must name its children: give a non-empty childEPCs or childQuantityList", typ)
		}
		return
	case "/definitions/TransactionEvent/allOf/2":
		if !has("epcList") && !nonEmpty("quantityList") {
			t.add(loc, CodeMissingIdentifiers, "a TransactionEvent whose action is not DELETE must name its objects: give an epcList or a non-empty quantityList")
		}
		return
	case "/definitions/TransformationEvent/allOf/2":
		in := nonEmpty("inputEPCList") || nonEmpty("inputQuantityList")
		out := nonEmpty("outputEPCList") || nonEmpty("outputQuantityList")
		if !(in && out) && !(has("transformationID") && (in || out)) {
			t.add(loc, CodeMissingIdentifiers, "a TransformationEvent needs at least one input (inputEPCList or inputQuantityList) and one output (outputEPCList or outputQuantityList), or a transformationID with at least one of them")
		}
		return
	case "/definitions/persistentDisposition/allOf/1":
		t.add(loc, CodeMissingField, "persistentDisposition must have set or unset (or both)")
		return
	case "/definitions/@context", "/definitions/%40context":
		t.add(loc, CodeInvalidContext, "@context must be a context URI, an object of prefix definitions, or an array of those (without repeated items)")
		return
	}
	// Generic: keep the alternatives that accept the value's JSON type.
	var keep []*jsonschema.ValidationError
	var wantTypes []string
	for _, c := range e.Causes {
		if want, ok := typeMismatchAt(c, e.InstanceLocation); ok {
			wantTypes = append(wantTypes, want...)
			continue
		}
		keep = append(keep, c)
	}
	switch len(keep) {
	case 0:
		v, _ := t.value(loc)
		slices.Sort(wantTypes)
		t.add(loc, CodeWrongType, "%s must be %s, not %s", describeLoc(loc), joinTypes(slices.Compact(wantTypes)), describeValue(v))
	case 1:
		t.walk(keep[0], loc)
	default:
		// Several alternatives fit the type; report the first one's
		// problems, which is the schema's preferred form.
		t.walk(keep[0], loc)
	}
}

// typeMismatchAt reports whether alternative c fails because the value at
// loc has another JSON type than c wants, and which types c wants.
func typeMismatchAt(c *jsonschema.ValidationError, loc []string) ([]string, bool) {
	if k, ok := c.ErrorKind.(*kind.Type); ok && slices.Equal(c.InstanceLocation, loc) {
		return k.Want, true
	}
	switch c.ErrorKind.(type) {
	case *kind.Reference, *kind.Group, *kind.AllOf, *kind.Schema:
		for _, cc := range c.Causes {
			if want, ok := typeMismatchAt(cc, loc); ok {
				return want, true
			}
		}
	}
	return nil, false
}

// vocabulary explains a value that is neither a standard term nor an
// acceptable URI.
func (t *schemaTranslator) vocabulary(vocab *Vocabulary, loc []string) {
	v, _ := t.value(loc)
	s, ok := v.(string)
	field := describeLoc(loc)
	ref := vocabularyRefs[vocab]
	switch {
	case !ok:
		t.add(loc, CodeWrongType, "%s must be a string, not %s", field, describeValue(v))
	case vocab.urnPrefix != "" && hasPrefixFold(s, vocab.urnPrefix) && vocab.Has(s[len(vocab.urnPrefix):]):
		t.addRef(loc, CodeCBVURNForm, ref, "%q is the EPCIS 1.x URN form; EPCIS 2.0 JSON writes the CBV word %q", s, s[len(vocab.urnPrefix):])
	case hasPrefixFold(s, "urn:epcglobal:cbv:") || hasPrefixFold(s, "http://ns.gs1.org/cbv/") || hasPrefixFold(s, "https://ns.gs1.org/cbv/"):
		t.addRef(loc, CodeCBVURNForm, ref, "%q uses a CBV namespace that EPCIS 2.0 JSON does not allow; write a %s as its bare word (e.g. %q) or use your own URI", s, vocab.name, vocab.terms[0])
	case hasPrefixFold(s, "http://gs1.org/voc/") || hasPrefixFold(s, "https://gs1.org/voc/") || hasPrefixFold(s, "http://www.gs1.org/voc/") || hasPrefixFold(s, "https://www.gs1.org/voc/"):
		word := s[strings.LastIndexByte(s, '/')+1:]
		t.addRef(loc, CodeNotInVocabulary, ref, "%q: write a %s as its bare word (e.g. %q), not as a GS1 Web Vocabulary URI", s, vocab.name, word)
	default:
		msg := fmt.Sprintf("%q is not a %s", s, vocab.name)
		if sugg := suggestTerm(s, vocab.terms); sugg != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", sugg)
		}
		msg += fmt.Sprintf("; use one of the standard words (%s) or, for a non-standard value, a URI or a CURIE whose prefix @context declares", abbreviateList(vocab.terms, 6))
		t.addRef(loc, CodeNotInVocabulary, ref, "%s", msg)
	}
}

func (t *schemaTranslator) format(e *jsonschema.ValidationError, k *kind.Format, loc []string) {
	s := fmt.Sprint(k.Got)
	switch k.Want {
	case "date-time":
		t.add(loc, CodeInvalidTime, "%q is not a date-time with a time zone offset (RFC 3339, like 2026-07-22T06:45:00.000+02:00)", s)
	case "date":
		t.add(loc, CodeInvalidTime, "%q is not a date (like 2026-07-22)", s)
	case "uri":
		if len(loc) > 0 && loc[len(loc)-1] == "type" && schemaFragment(e.SchemaURL) == "/definitions/vocab-uri" && t.isEvent(loc[:len(loc)-1]) {
			t.add(loc, CodeUnknownType, "%q is not an EPCIS event type (ObjectEvent, AggregationEvent, TransactionEvent, TransformationEvent, AssociationEvent); a user-defined event type must be a URI or a CURIE", s)
			return
		}
		t.add(loc, CodeInvalidURI, "%s %q is not an absolute URI", describeLoc(loc), s)
	default:
		t.add(loc, CodeInvalidFormat, "%s %q is not a valid %s", describeLoc(loc), s, k.Want)
	}
}

// isEvent reports whether loc is an event object: the root of a bare event
// or an item of an eventList.
func (t *schemaTranslator) isEvent(loc []string) bool {
	return len(loc) == 0 || (len(loc) >= 2 && loc[len(loc)-2] == "eventList")
}

func (t *schemaTranslator) pattern(e *jsonschema.ValidationError, k *kind.Pattern, loc []string) {
	field := ""
	if len(loc) > 0 {
		field = loc[len(loc)-1]
	}
	switch frag := schemaFragment(e.SchemaURL); {
	case field == "eventTimeZoneOffset":
		t.add(loc, CodeInvalidFormat, "%q is not a time zone offset: want ±hh:mm between -14:00 and +14:00, like +02:00", k.Got)
	case frag == "/definitions/uom":
		t.add(loc, CodeInvalidUOM, "%q is not a UN/ECE Recommendation 20 unit code (2 or 3 upper-case letters or digits, like KGM)", k.Got)
	case frag == "/definitions/version":
		t.add(loc, CodeInvalidFormat, "schemaVersion %q is not a version number like 2.0", k.Got)
	case frag == "/definitions/hexBinary":
		t.add(loc, CodeInvalidFormat, "%q is not hexadecimal binary (digits 0-9 and letters A-F only)", k.Got)
	case frag == "/definitions/vocab-other-uri":
		t.add(loc, CodeCBVURNForm, "%q uses a CBV namespace that EPCIS 2.0 JSON does not allow for user-defined values", k.Got)
	case frag == "/definitions/vocab-nonGS1WebVoc-uri":
		t.add(loc, CodeNotInVocabulary, "%q: write a GS1 Web Vocabulary term as its bare word, not as a full URI", k.Got)
	default:
		t.add(loc, CodeInvalidFormat, "%s %q does not match the pattern %s", describeLoc(loc), k.Got, k.Want)
	}
}

// propertyName explains a key the schema does not allow in the object at
// loc.
func (t *schemaTranslator) propertyName(loc []string, prop string) {
	path := append(slices.Clone(loc), prop)
	obj := t.object(loc)
	where := describeObject(loc)
	if typ, ok := obj["type"].(string); ok && t.isEvent(loc) {
		where = "a " + typ
		if isStandardEventType(typ) && (strings.HasPrefix(typ, "A") || strings.HasPrefix(typ, "O")) {
			where = "an " + typ
		}
	}
	switch {
	case strings.Contains(prop, ":"):
		t.add(path, CodeFieldNotAllowed, "field %q is not allowed in %s: an extension field name must be a URI or a CURIE", prop, where)
	case len(loc) > 0 && loc[len(loc)-1] == "ilmd":
		t.add(path, CodeUnqualifiedExtension, "ilmd field %q needs a namespace prefix declared in @context (e.g. \"ex:%s\"): ILMD fields are user-defined master data", prop, prop)
	case allEventFields[prop] && t.isEvent(loc):
		t.add(path, CodeFieldNotAllowed, "field %q is not allowed in %s", prop, where)
	default:
		t.add(path, CodeUnqualifiedExtension, "field %q is not a standard field of %s; a user extension field needs a namespace prefix declared in @context (e.g. \"ex:%s\")", prop, where, prop)
	}
}

// closedObjectFields lists the fields of the objects the schema closes with
// additionalProperties: false.
var closedObjectFields = map[string]string{
	"/definitions/quantityElement":               "epcClass, quantity, uom",
	"/definitions/bizTransaction":                "type, bizTransaction",
	"/definitions/source":                        "type, source",
	"/definitions/destination":                   "type, destination",
	"/definitions/persistentDisposition/allOf/0": "set, unset",
}

// describeLoc names the value at a location for messages: "bizStep",
// "epcList item 2".
func describeLoc(loc []string) string {
	if len(loc) == 0 {
		return "the document"
	}
	last := loc[len(loc)-1]
	if _, err := strconv.Atoi(last); err == nil && len(loc) >= 2 {
		return fmt.Sprintf("%s item %s", loc[len(loc)-2], last)
	}
	return last
}

// describeObject names the object at a location: "the document", "the
// event", "quantityList item 0", "readPoint".
func describeObject(loc []string) string {
	switch {
	case len(loc) == 0:
		return "the document"
	case len(loc) >= 2 && loc[len(loc)-2] == "eventList":
		return "the event"
	}
	return describeLoc(loc)
}

func describeValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		if len(x) > 80 {
			x = x[:77] + "..."
		}
		return fmt.Sprintf("the string %q", x)
	case json.Number:
		return "the number " + x.String()
	case bool:
		return fmt.Sprintf("the boolean %t", x)
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%v", v)
}

func joinTypes(types []string) string {
	out := make([]string, len(types))
	for i, t := range types {
		switch t {
		case "object", "array", "integer":
			out[i] = "an " + t
		default:
			out[i] = "a " + t
		}
	}
	return strings.Join(out, " or ")
}

// abbreviateList shows the first n words and how many more there are.
func abbreviateList(words []string, n int) string {
	if len(words) <= n {
		return strings.Join(words, ", ")
	}
	return fmt.Sprintf("%s, … %d in all", strings.Join(words[:n], ", "), len(words))
}

// suggestTerm returns the term closest to s when it is a likely typo.
func suggestTerm(s string, terms []string) string {
	best, bestDist := "", 3
	ls := strings.ToLower(s)
	for _, t := range terms {
		if d := levenshtein(ls, strings.ToLower(t), bestDist); d < bestDist {
			best, bestDist = t, d
		}
	}
	return best
}

// levenshtein is the Levenshtein distance of a and b, or max when it is
// at least max.
func levenshtein(a, b string, max int) int {
	if len(a) > 64 || len(b) > 64 {
		return max
	}
	if d := len(a) - len(b); d >= max || -d >= max {
		return max
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin >= max {
			return max
		}
		prev, cur = cur, prev
	}
	return min(prev[len(b)], max)
}
