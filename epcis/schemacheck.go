package epcis

import (
	"encoding/json"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// This file holds the validator's fast schema check: a yes/no evaluator
// over the schema as jsonschema compiled it, that allocates nothing of
// its own. The library builds an error value for every keyword that
// fails, also inside anyOf branches that do not match and are thrown
// away, and allocates a validator, a scope and an evaluation record for
// every subschema it enters; for a valid event that is most of the cost
// of validation. The fast check only decides validity:
//
//   - when it says the input is valid, Validate skips the library (the
//     library would have reported no error);
//   - otherwise (invalid, or not sure), Validate runs the library on the
//     verbatim schema exactly as before, and translates its error tree.
//
// So every problem reported still comes from the library, and the fast
// check only has to be sound: it may answer "valid" only for inputs the
// library accepts. It answers with three verdicts, so that "not" and
// "if" stay exact: valid and invalid are certain, unknown is always a
// safe answer. It says unknown for whatever it does not model exactly
// (keywords the EPCIS schema does not use, numbers compared for
// equality, "integer" types, nesting deeper than maxCheckDepth).
//
// Keywords are evaluated in the library's draft-07 order and semantics
// (validator.go of jsonschema v6): type, const, enum and format first;
// then a $ref replaces every other keyword (draft-07 ignores the
// siblings of $ref); then the object, array and string keywords and the
// applicators. A schema is valid when all its keywords hold, whatever
// order they are tested in, so the check may stop at the first one that
// fails. anyOf branches are tried cheapest first: the library stops at
// the first branch that matches and reports no error when one does, and
// "some branch matches" does not depend on the order they are tried in.
// That is what makes the common case cheap: the schema lists a URI
// branch (format: uri, parsed with net/url) before the enum of standard
// words in bizStep, disposition and every event's propertyNames, and a
// standard word such as "shipping" or "epcList" fails the first branch.

// verdict is the fast check's answer: certain (valid, invalid) or not
// (unknown).
type verdict uint8

const (
	verdictValid   verdict = iota // the library accepts the value
	verdictInvalid                // the library rejects the value
	verdictUnknown                // not decided: the library decides
)

// maxCheckDepth bounds the nesting of subschemas the fast check follows;
// deeper inputs (and reference cycles, which the library reports as
// errors) get verdictUnknown.
const maxCheckDepth = 512

// JSON value types, as the library's typeOf sees them; integer is a
// number whose value is whole.
const (
	typeNull uint8 = 1 << iota
	typeBoolean
	typeNumber
	typeInteger
	typeString
	typeArray
	typeObject
)

// schemaNode is one compiled subschema, restated for the fast check.
// Fields left at their zero value are keywords the subschema does not
// have.
type schemaNode struct {
	// opaque marks a subschema using a keyword the check does not model,
	// or another draft than 7; it evaluates to verdictUnknown.
	opaque bool
	// isBool marks the schemas true and false; boolValue is which.
	isBool, boolValue bool
	// types is the type keyword, as a set of type* bits; 0 when absent.
	types uint8
	// constant is the const keyword's value.
	constant *any
	// enumStrings holds the string values of enum; enumOthers the rest.
	hasEnum     bool
	enumStrings map[string]struct{}
	enumOthers  []any
	format      *jsonschema.Format
	uriFormat   bool // format is "uri", which uriVerdict mostly decides
	// ref is $ref, which in draft 7 replaces the keywords below.
	ref *schemaNode

	minProperties, maxProperties *int
	required                     []string
	properties                   map[string]*schemaNode
	// propertyList is properties as a list, for objects with more
	// members than the schema has properties.
	propertyList      []namedNode
	patternProperties []patternNode
	// additionalProperties: nil when absent, else a node (boolean
	// schemas included).
	additionalProperties *schemaNode
	propertyNames        *schemaNode

	minItems, maxItems *int
	uniqueItems        bool
	items              *schemaNode

	minLength, maxLength *int
	pattern              jsonschema.Regexp

	not        *schemaNode
	allOf      []*schemaNode
	anyOf      []*schemaNode // cheapest first
	oneOf      []*schemaNode
	ifSchema   *schemaNode
	thenSchema *schemaNode
	elseSchema *schemaNode
}

// namedNode is a property's name and subschema.
type namedNode struct {
	name string
	node *schemaNode
}

// patternNode is a patternProperties regexp and subschema.
type patternNode struct {
	re   jsonschema.Regexp
	node *schemaNode
}

// newSchemaCheck restates a compiled schema, and every subschema it
// reaches, as schemaNodes.
func newSchemaCheck(s *jsonschema.Schema) *schemaNode {
	return newSchemaNodeBuilder().node(s)
}

// schemaNodeBuilder restates compiled schemas as schemaNodes, once each:
// subschemas reached twice (through $ref) share their node.
type schemaNodeBuilder struct {
	nodes map[*jsonschema.Schema]*schemaNode
}

func newSchemaNodeBuilder() *schemaNodeBuilder {
	return &schemaNodeBuilder{nodes: map[*jsonschema.Schema]*schemaNode{}}
}

// node returns the node of s (nil for nil), building it and the nodes
// of its subschemas when they are not built yet.
func (b *schemaNodeBuilder) node(s *jsonschema.Schema) *schemaNode {
	if s == nil {
		return nil
	}
	if n, ok := b.nodes[s]; ok {
		return n
	}
	n := &schemaNode{}
	b.nodes[s] = n // before the subschemas: $ref cycles end here
	if s.Bool != nil {
		n.isBool, n.boolValue = true, *s.Bool
		return n
	}
	if s.DraftVersion != 7 || s.RecursiveRef != nil || s.DynamicRef != nil ||
		len(s.Dependencies) > 0 || len(s.DependentRequired) > 0 || len(s.DependentSchemas) > 0 ||
		s.UnevaluatedProperties != nil || s.UnevaluatedItems != nil ||
		s.Contains != nil || s.MinContains != nil || s.MaxContains != nil ||
		s.AdditionalItems != nil || len(s.PrefixItems) > 0 || s.Items2020 != nil ||
		s.ContentEncoding != nil || s.ContentMediaType != nil || s.ContentSchema != nil ||
		s.Maximum != nil || s.Minimum != nil || s.ExclusiveMaximum != nil || s.ExclusiveMinimum != nil || s.MultipleOf != nil ||
		len(s.Extensions) > 0 {
		n.opaque = true
		return n
	}
	if s.Types != nil {
		for _, t := range s.Types.ToStrings() {
			switch t {
			case "null":
				n.types |= typeNull
			case "boolean":
				n.types |= typeBoolean
			case "number":
				n.types |= typeNumber
			case "integer":
				n.types |= typeInteger
			case "string":
				n.types |= typeString
			case "array":
				n.types |= typeArray
			case "object":
				n.types |= typeObject
			}
		}
	}
	n.constant = s.Const
	if s.Enum != nil {
		n.hasEnum = true
		n.enumStrings = map[string]struct{}{}
		for _, v := range s.Enum.Values {
			if str, ok := v.(string); ok {
				n.enumStrings[str] = struct{}{}
			} else {
				n.enumOthers = append(n.enumOthers, v)
			}
		}
	}
	n.format = s.Format
	n.uriFormat = s.Format != nil && s.Format.Name == "uri"
	n.ref = b.node(s.Ref)

	n.minProperties, n.maxProperties = s.MinProperties, s.MaxProperties
	n.required = s.Required
	if len(s.Properties) > 0 {
		n.properties = make(map[string]*schemaNode, len(s.Properties))
		for name, sub := range s.Properties {
			n.properties[name] = b.node(sub)
			n.propertyList = append(n.propertyList, namedNode{name, n.properties[name]})
		}
		slices.SortFunc(n.propertyList, func(x, y namedNode) int { return strings.Compare(x.name, y.name) })
	}
	for re, sub := range s.PatternProperties {
		n.patternProperties = append(n.patternProperties, patternNode{re, b.node(sub)})
	}
	switch ap := s.AdditionalProperties.(type) {
	case nil:
	case bool:
		n.additionalProperties = &schemaNode{isBool: true, boolValue: ap}
	case *jsonschema.Schema:
		n.additionalProperties = b.node(ap)
	default:
		n.opaque = true
	}
	n.propertyNames = b.node(s.PropertyNames)

	n.minItems, n.maxItems = s.MinItems, s.MaxItems
	n.uniqueItems = s.UniqueItems
	switch items := s.Items.(type) {
	case nil:
	case *jsonschema.Schema:
		n.items = b.node(items)
	default: // a list of item schemas: not used by the EPCIS schema
		n.opaque = true
	}

	n.minLength, n.maxLength = s.MinLength, s.MaxLength
	n.pattern = s.Pattern

	n.not = b.node(s.Not)
	for _, sub := range s.AllOf {
		n.allOf = append(n.allOf, b.node(sub))
	}
	for _, sub := range s.AnyOf {
		n.anyOf = append(n.anyOf, b.node(sub))
	}
	// Cheapest first; see the comment at the top of the file.
	slices.SortStableFunc(n.anyOf, func(x, y *schemaNode) int { return x.cost() - y.cost() })
	for _, sub := range s.OneOf {
		n.oneOf = append(n.oneOf, b.node(sub))
	}
	n.ifSchema = b.node(s.If)
	n.thenSchema = b.node(s.Then)
	n.elseSchema = b.node(s.Else)
	return n
}

// cost ranks a subschema for trying anyOf branches: 0 for one that only
// tests the value's type, enum or const (a map look-up), 1 for anything
// else (a format, a pattern, a reference, subschemas). n's own
// subschemas may not be built yet, so cost looks at n's fields only.
func (n *schemaNode) cost() int {
	if n.opaque || n.format != nil || n.ref != nil || n.pattern != nil ||
		n.properties != nil || n.patternProperties != nil || n.additionalProperties != nil || n.propertyNames != nil ||
		n.items != nil || n.uniqueItems || n.not != nil || n.allOf != nil || n.anyOf != nil || n.oneOf != nil || n.ifSchema != nil {
		return 1
	}
	return 0
}

// valueType returns the type* bit of v, or 0 for Go values that the
// input decoder does not produce (which the check leaves to the library).
func valueType(v any) uint8 {
	switch v.(type) {
	case nil:
		return typeNull
	case bool:
		return typeBoolean
	case json.Number:
		return typeNumber
	case string:
		return typeString
	case []any:
		return typeArray
	case map[string]any:
		return typeObject
	}
	return 0
}

// check evaluates n against v.
func (n *schemaNode) check(v any, depth int) verdict {
	if n.isBool {
		return boolVerdict(n.boolValue)
	}
	if n.opaque || depth > maxCheckDepth {
		return verdictUnknown
	}
	t := valueType(v)
	if t == 0 {
		return verdictUnknown
	}
	depth++

	// type --
	if n.types != 0 && n.types&t == 0 {
		if t == typeNumber && n.types&typeInteger != 0 {
			return verdictUnknown // whether the number is whole
		}
		return verdictInvalid
	}
	// const --
	if n.constant != nil {
		if r := jsonEqual(v, *n.constant, depth); r != verdictValid {
			return r
		}
	}
	// enum --
	if n.hasEnum {
		if r := n.checkEnum(v, depth); r != verdictValid {
			return r
		}
	}
	// format --
	if n.format != nil {
		if r := n.checkFormat(v); r != verdictValid {
			return r
		}
	}
	// $ref: in draft 7 the remaining keywords are ignored.
	if n.ref != nil {
		return n.ref.check(v, depth)
	}

	switch x := v.(type) {
	case map[string]any:
		if r := n.checkObject(x, depth); r != verdictValid {
			return r
		}
	case []any:
		if r := n.checkArray(x, depth); r != verdictValid {
			return r
		}
	case string:
		if r := n.checkString(x); r != verdictValid {
			return r
		}
	}

	// not --
	if n.not != nil {
		switch n.not.check(v, depth) {
		case verdictValid:
			return verdictInvalid
		case verdictUnknown:
			return verdictUnknown
		}
	}
	// allOf --
	for _, sub := range n.allOf {
		if r := sub.check(v, depth); r != verdictValid {
			return r
		}
	}
	// anyOf --
	if len(n.anyOf) > 0 {
		r := verdictInvalid
		for _, sub := range n.anyOf {
			switch sub.check(v, depth) {
			case verdictValid:
				r = verdictValid
			case verdictUnknown:
				r = verdictUnknown
				continue
			default:
				continue
			}
			break
		}
		if r != verdictValid {
			return r
		}
	}
	// oneOf --
	if len(n.oneOf) > 0 {
		matched, unsure := 0, false
		for _, sub := range n.oneOf {
			switch sub.check(v, depth) {
			case verdictValid:
				matched++
			case verdictUnknown:
				unsure = true
			}
		}
		switch {
		case matched > 1:
			return verdictInvalid
		case unsure:
			return verdictUnknown
		case matched == 0:
			return verdictInvalid
		}
	}
	// if, then, else --
	if n.ifSchema != nil {
		var branch *schemaNode
		switch n.ifSchema.check(v, depth) {
		case verdictValid:
			branch = n.thenSchema
		case verdictInvalid:
			branch = n.elseSchema
		default:
			if n.thenSchema != nil || n.elseSchema != nil {
				return verdictUnknown
			}
		}
		if branch != nil {
			if r := branch.check(v, depth); r != verdictValid {
				return r
			}
		}
	}
	return verdictValid
}

func (n *schemaNode) checkEnum(v any, depth int) verdict {
	if s, ok := v.(string); ok {
		// A string equals only strings.
		if _, ok := n.enumStrings[s]; ok {
			return verdictValid
		}
		return verdictInvalid
	}
	r := verdictInvalid
	for _, want := range n.enumOthers {
		switch jsonEqual(v, want, depth) {
		case verdictValid:
			return verdictValid
		case verdictUnknown:
			r = verdictUnknown
		}
	}
	return r
}

func (n *schemaNode) checkObject(obj map[string]any, depth int) verdict {
	if n.minProperties != nil && len(obj) < *n.minProperties {
		return verdictInvalid
	}
	if n.maxProperties != nil && len(obj) > *n.maxProperties {
		return verdictInvalid
	}
	for _, name := range n.required {
		if _, ok := obj[name]; !ok {
			return verdictInvalid
		}
	}
	if n.patternProperties == nil && n.additionalProperties == nil && len(n.propertyList) < len(obj) {
		// Only properties: the members it names are the ones checked,
		// and there are fewer names than members to look up (as in the
		// schema's "if" conditions, which name only "type").
		for _, p := range n.propertyList {
			if val, ok := obj[p.name]; ok {
				if r := p.node.check(val, depth); r != verdictValid {
					return r
				}
			}
		}
	} else if n.properties != nil || n.patternProperties != nil || n.additionalProperties != nil {
		for name, val := range obj {
			evaluated := false
			if sub, ok := n.properties[name]; ok {
				evaluated = true
				if r := sub.check(val, depth); r != verdictValid {
					return r
				}
			}
			for _, pp := range n.patternProperties {
				if pp.re.MatchString(name) {
					evaluated = true
					if r := pp.node.check(val, depth); r != verdictValid {
						return r
					}
				}
			}
			if !evaluated && n.additionalProperties != nil {
				if r := n.additionalProperties.check(val, depth); r != verdictValid {
					return r
				}
			}
		}
	}
	if n.propertyNames != nil {
		for name := range obj {
			// The library validates each name as a document of its
			// own, from depth 0.
			if r := n.propertyNames.check(name, 0); r != verdictValid {
				return r
			}
		}
	}
	return verdictValid
}

func (n *schemaNode) checkArray(arr []any, depth int) verdict {
	if n.minItems != nil && len(arr) < *n.minItems {
		return verdictInvalid
	}
	if n.maxItems != nil && len(arr) > *n.maxItems {
		return verdictInvalid
	}
	if n.uniqueItems && len(arr) > 1 {
		if r := allDistinct(arr, depth); r != verdictValid {
			return r
		}
	}
	if n.items != nil {
		for _, item := range arr {
			if r := n.items.check(item, depth); r != verdictValid {
				return r
			}
		}
	}
	return verdictValid
}

func (n *schemaNode) checkString(s string) verdict {
	if n.minLength != nil || n.maxLength != nil {
		l := utf8.RuneCountInString(s)
		if n.minLength != nil && l < *n.minLength {
			return verdictInvalid
		}
		if n.maxLength != nil && l > *n.maxLength {
			return verdictInvalid
		}
	}
	if n.pattern != nil && !n.pattern.MatchString(s) {
		return verdictInvalid
	}
	return verdictValid
}

// allDistinct answers uniqueItems: valid when no two items are equal.
// Long arrays of strings (epcList) go through a set; other arrays are
// compared pairwise, and arrays of more than 64 values that are not all
// strings are left to the library.
func allDistinct(arr []any, depth int) verdict {
	strs := true
	for _, item := range arr {
		if _, ok := item.(string); !ok {
			strs = false
			break
		}
	}
	if strs && len(arr) > 16 {
		seen := make(map[string]struct{}, len(arr))
		for _, item := range arr {
			s := item.(string)
			if _, dup := seen[s]; dup {
				return verdictInvalid
			}
			seen[s] = struct{}{}
		}
		return verdictValid
	}
	if !strs && len(arr) > 64 {
		return verdictUnknown
	}
	r := verdictValid
	for i := 1; i < len(arr); i++ {
		for j := 0; j < i; j++ {
			switch jsonEqual(arr[i], arr[j], depth) {
			case verdictValid:
				return verdictInvalid
			case verdictUnknown:
				r = verdictUnknown
			}
		}
	}
	return r
}

// jsonEqual answers whether a and b are the same JSON value, as the
// library's equals decides it: verdictValid for equal, verdictInvalid
// for different. Two numbers are left to the library (verdictUnknown):
// it compares them as exact rationals.
func jsonEqual(a, b any, depth int) verdict {
	if depth > maxCheckDepth {
		return verdictUnknown
	}
	ta, tb := valueType(a), valueType(b)
	if ta == 0 || tb == 0 {
		return verdictUnknown
	}
	if ta != tb {
		return verdictInvalid
	}
	switch x := a.(type) {
	case nil:
		return verdictValid
	case bool:
		return boolVerdict(x == b.(bool))
	case string:
		return boolVerdict(x == b.(string))
	case json.Number:
		return verdictUnknown
	case []any:
		y := b.([]any)
		if len(x) != len(y) {
			return verdictInvalid
		}
		r := verdictValid
		for i := range x {
			switch jsonEqual(x[i], y[i], depth+1) {
			case verdictInvalid:
				return verdictInvalid
			case verdictUnknown:
				r = verdictUnknown
			}
		}
		return r
	case map[string]any:
		y := b.(map[string]any)
		if len(x) != len(y) {
			return verdictInvalid
		}
		r := verdictValid
		for k, xv := range x {
			yv, ok := y[k]
			if !ok {
				return verdictInvalid
			}
			switch jsonEqual(xv, yv, depth+1) {
			case verdictInvalid:
				return verdictInvalid
			case verdictUnknown:
				r = verdictUnknown
			}
		}
		return r
	}
	return verdictUnknown
}

func boolVerdict(ok bool) verdict {
	if ok {
		return verdictValid
	}
	return verdictInvalid
}

// checkFormat checks the format keyword: uriVerdict decides most strings
// of the uri format, the library's format check the rest.
func (n *schemaNode) checkFormat(v any) verdict {
	if str, ok := v.(string); ok && n.uriFormat {
		if r := uriVerdict(str); r != verdictUnknown {
			return r
		}
	}
	if n.format.Validate(v) != nil {
		return verdictInvalid
	}
	return verdictValid
}
