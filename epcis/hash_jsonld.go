package epcis

import (
	"regexp"
	"slices"
	"strings"
)

// The reference implementation expands bare-string vocabulary values
// ("departing", "po", "Temperature") by running JSON-LD expansion over the
// document with the standard EPCIS 2.0 context and then, for every string
// value anywhere, looking for the one expanded value under
// https://ref.gs1.org/cbv or https://gs1.org/voc that ends in "-value" or
// "/value". This file reproduces the part of JSON-LD expansion that can
// produce such values: the vocabulary-typed properties of the standard
// context and their scoped term definitions, IRI-typed properties, and
// literal values of properties that expand to an IRI.

// hashLDKind says how JSON-LD expands the values of a property.
type hashLDKind uint8

const (
	hashLDPlain     hashLDKind = iota // literal values (or nested nodes)
	hashLDIDRef                       // "@type": "@id": values are IRIs
	hashLDVocab                       // "@type": "@vocab": values are vocabulary terms or IRIs
	hashLDIDAlias                     // the key is an alias of @id
	hashLDTypeAlias                   // the key is an alias of @type
)

// hashLDTerm is a term definition of the standard context.
type hashLDTerm struct {
	kind  hashLDKind
	scope *hashLDScope // property-scoped context, applied to the value
}

// hashLDScope is a (scoped) context: simple terms with their IRIs, and
// property terms.
type hashLDScope struct {
	iris  map[string]string
	vocab map[string]string
	terms map[string]hashLDTerm
}

func hashLDTermIRIs(prefix string, terms ...string) map[string]string {
	m := make(map[string]string, len(terms))
	for _, t := range terms {
		m[t] = prefix + t
	}
	return m
}

func (s *hashLDScope) simple(t string) (string, bool) {
	if iri, ok := s.iris[t]; ok {
		return iri, true
	}
	iri, ok := s.vocab[t]
	return iri, ok
}

// hashLDTopScope is the standard EPCIS 2.0 JSON-LD context
// (https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld), reduced
// to what vocabulary expansion needs.
var hashLDTopScope = &hashLDScope{
	iris: map[string]string{
		"cbv":           "https://ref.gs1.org/cbv/",
		"cbvmda":        "urn:epcglobal:cbv:mda:",
		"dcterms":       "http://purl.org/dc/terms/",
		"epcis":         "https://ref.gs1.org/epcis/",
		"gs1":           "https://gs1.org/voc/",
		"owl":           "http://www.w3.org/2002/07/owl#",
		"rdfs":          "http://www.w3.org/2000/01/rdf-schema#",
		"schemaVersion": "http://www.w3.org/2002/07/owl#versionInfo",
		"xsd":           "http://www.w3.org/2001/XMLSchema#",
	},
	vocab: hashLDTermIRIs("https://ref.gs1.org/epcis/",
		"AggregationEvent", "AssociationEvent", "Collection", "EPCISDocument", "EPCISQueryDocument",
		"ObjectEvent", "TransactionEvent", "TransformationEvent", "action", "epcisBody", "epcisHeader",
		"eventTimeZoneOffset", "instanceIdentifier", "masterData", "queryName", "queryResults",
		"resultsBody", "subscriptionID", "uom", "vocabularyList",
	),
	terms: map[string]hashLDTerm{
		"bizLocation": {kind: hashLDIDRef},
		"bizStep": {kind: hashLDVocab, scope: &hashLDScope{
			vocab: bizStepVocabulary.termIRIs(),
		}},
		"bizTransactionList": {kind: hashLDPlain, scope: &hashLDScope{
			terms: map[string]hashLDTerm{
				"bizTransaction": {kind: hashLDIDAlias},
				"type": {kind: hashLDVocab, scope: &hashLDScope{
					vocab: bizTransactionTypeVocabulary.termIRIs(),
				}},
			},
		}},
		"certificationInfo": {kind: hashLDIDRef},
		"childEPCs":         {kind: hashLDIDRef},
		"childQuantityList": {kind: hashLDPlain},
		"children":          {kind: hashLDIDRef},
		"creationDate":      {kind: hashLDPlain},
		"destinationList": {kind: hashLDPlain, scope: &hashLDScope{
			terms: map[string]hashLDTerm{
				"destination": {kind: hashLDIDRef},
				"type": {kind: hashLDVocab, scope: &hashLDScope{
					vocab: sourceDestTypeVocabulary.termIRIs(),
				}},
			},
		}},
		"disposition": {kind: hashLDVocab, scope: &hashLDScope{
			vocab: dispositionVocabulary.termIRIs(),
		}},
		"epcClass": {kind: hashLDIDRef},
		"epcList":  {kind: hashLDIDRef},
		"errorDeclaration": {kind: hashLDPlain, scope: &hashLDScope{
			terms: map[string]hashLDTerm{
				"correctiveEventIDs": {kind: hashLDIDRef},
				"declarationTime":    {kind: hashLDPlain},
				"reason": {kind: hashLDVocab, scope: &hashLDScope{
					vocab: errorReasonVocabulary.termIRIs(),
				}},
			},
		}},
		"eventID":            {kind: hashLDIDAlias},
		"eventList":          {kind: hashLDPlain},
		"eventTime":          {kind: hashLDPlain},
		"id":                 {kind: hashLDIDAlias},
		"ilmd":               {kind: hashLDPlain},
		"inputEPCList":       {kind: hashLDIDRef},
		"inputQuantityList":  {kind: hashLDPlain},
		"member":             {kind: hashLDIDRef},
		"outputEPCList":      {kind: hashLDIDRef},
		"outputQuantityList": {kind: hashLDPlain},
		"parentID":           {kind: hashLDIDRef},
		"persistentDisposition": {kind: hashLDPlain, scope: &hashLDScope{
			vocab: dispositionVocabulary.termIRIs(),
			terms: map[string]hashLDTerm{
				"set":   {kind: hashLDVocab},
				"unset": {kind: hashLDVocab},
			},
		}},
		"quantity":     {kind: hashLDPlain},
		"quantityList": {kind: hashLDPlain},
		"readPoint":    {kind: hashLDIDRef},
		"receiver":     {kind: hashLDPlain},
		"recordTime":   {kind: hashLDPlain},
		"sender":       {kind: hashLDPlain},
		"sensorElementList": {kind: hashLDPlain, scope: &hashLDScope{
			terms: map[string]hashLDTerm{
				"dataProcessingMethod": {kind: hashLDIDRef},
				"deviceID":             {kind: hashLDIDRef},
				"deviceMetadata":       {kind: hashLDIDRef},
				"rawData":              {kind: hashLDIDRef},
				"sensorMetadata": {kind: hashLDPlain, scope: &hashLDScope{
					terms: map[string]hashLDTerm{
						"bizRules":  {kind: hashLDIDRef},
						"endTime":   {kind: hashLDPlain},
						"startTime": {kind: hashLDPlain},
					},
				}},
				"sensorReport": {kind: hashLDPlain, scope: &hashLDScope{
					vocab: hashLDTermIRIs("https://ref.gs1.org/epcis/",
						"stringValue",
					),
					terms: map[string]hashLDTerm{
						"booleanValue":      {kind: hashLDPlain},
						"chemicalSubstance": {kind: hashLDIDRef},
						"component": {kind: hashLDVocab, scope: &hashLDScope{
							vocab: componentVocabulary.termIRIs(),
						}},
						"coordinateReferenceSystem": {kind: hashLDIDRef},
						"exception": {kind: hashLDVocab, scope: &hashLDScope{
							vocab: sensorAlertTypeVocabulary.termIRIs(),
						}},
						"hexBinaryValue": {kind: hashLDPlain},
						"maxValue":       {kind: hashLDPlain},
						"meanValue":      {kind: hashLDPlain},
						"microorganism":  {kind: hashLDIDRef},
						"minValue":       {kind: hashLDPlain},
						"percRank":       {kind: hashLDPlain},
						"percValue":      {kind: hashLDPlain},
						"sDev":           {kind: hashLDPlain},
						"time":           {kind: hashLDPlain},
						"type": {kind: hashLDVocab, scope: &hashLDScope{
							vocab: measurementTypeVocabulary.termIRIs(),
						}},
						"uriValue": {kind: hashLDIDRef},
						"value":    {kind: hashLDPlain},
					},
				}},
				"time": {kind: hashLDPlain},
				"type": {kind: hashLDTypeAlias},
			},
		}},
		"sourceList": {kind: hashLDPlain, scope: &hashLDScope{
			terms: map[string]hashLDTerm{
				"source": {kind: hashLDIDRef},
				"type": {kind: hashLDVocab, scope: &hashLDScope{
					vocab: sourceDestTypeVocabulary.termIRIs(),
				}},
			},
		}},
		"transformationID": {kind: hashLDIDRef},
		"type":             {kind: hashLDTypeAlias},
	},
}

// hashExpandedValuePrefixes are the namespaces whose expanded values take
// part in bare-string replacement.
var hashExpandedValuePrefixes = []string{"https://ref.gs1.org/cbv", "https://gs1.org/voc"}

// reHashAbsoluteIRI is JSON-LD's (pyld's) test for an absolute IRI.
var reHashAbsoluteIRI = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9+.-]*|_):[^\s]*$`)

// hashVocabulary collects the expanded vocabulary values of one event.
type hashVocabulary struct {
	ctx    Context
	values []string
	seen   map[string]bool
}

// collectHashVocabulary returns the distinct values under the CBV and GS1
// vocabulary namespaces that JSON-LD expansion of event produces.
func collectHashVocabulary(event *hashJSON, ctx Context) []string {
	v := hashVocabulary{ctx: ctx, values: make([]string, 0, 8)}
	// The scopes form a stack: node and value append to it only for the
	// values they visit, which are done with it before their siblings.
	scopes := make([]*hashLDScope, 1, 8)
	scopes[0] = hashLDTopScope
	v.node(event, scopes, 0)
	return v.values
}

// hashVocabularySeenMin is the number of values from which hashVocabulary
// finds repeated values with a map rather than a linear search.
const hashVocabularySeenMin = 16

func (v *hashVocabulary) add(iri string) {
	for _, p := range hashExpandedValuePrefixes {
		if !strings.HasPrefix(iri, p) {
			continue
		}
		if v.seen != nil {
			if v.seen[iri] {
				return
			}
			v.seen[iri] = true
		} else {
			if slices.Contains(v.values, iri) {
				return
			}
			if len(v.values) >= hashVocabularySeenMin {
				v.seen = make(map[string]bool, 2*len(v.values))
				for _, s := range v.values {
					v.seen[s] = true
				}
				v.seen[iri] = true
			}
		}
		v.values = append(v.values, iri)
		return
	}
}

func hashLookupLDTerm(scopes []*hashLDScope, key string) (hashLDTerm, bool) {
	for i := len(scopes) - 1; i >= 0; i-- {
		if t, ok := scopes[i].terms[key]; ok {
			return t, true
		}
		if _, ok := scopes[i].simple(key); ok {
			return hashLDTerm{kind: hashLDPlain}, true
		}
	}
	return hashLDTerm{}, false
}

func (v *hashVocabulary) node(obj *hashJSON, scopes []*hashLDScope, depth int) {
	if depth > hashMaxDepth {
		return
	}
	for i, key := range obj.keys {
		if key == "@context" {
			continue
		}
		term, ok := hashLookupLDTerm(scopes, key)
		if !ok {
			switch {
			case key == "@id":
				term.kind = hashLDIDAlias
			case key == "@type":
				term.kind = hashLDTypeAlias
			case strings.HasPrefix(key, "@"):
				if key != "@value" && key != "@list" && key != "@set" {
					continue
				}
			case !v.keyIsIRI(key, scopes):
				continue // JSON-LD drops properties that do not expand to an IRI
			}
		}
		inner := scopes
		if term.scope != nil {
			inner = append(scopes, term.scope)
		}
		v.value(obj.vals[i], term.kind, inner, depth+1)
	}
}

func (v *hashVocabulary) value(val *hashJSON, kind hashLDKind, scopes []*hashLDScope, depth int) {
	if depth > hashMaxDepth {
		return
	}
	switch val.kind {
	case hashJSONString:
		switch kind {
		case hashLDPlain:
			v.add(val.s)
		case hashLDIDRef, hashLDIDAlias:
			v.add(v.expandIRI(val.s, false, scopes))
		case hashLDVocab, hashLDTypeAlias:
			v.add(v.expandIRI(val.s, true, scopes))
		}
	case hashJSONArray:
		for _, item := range val.arr {
			v.value(item, kind, scopes, depth+1)
		}
	case hashJSONObject:
		v.node(val, scopes, depth+1)
	}
}

// prefixIRI resolves a CURIE prefix: a term of the standard context or a
// prefix the document declares, usable as a prefix when its IRI ends in a
// generic delimiter.
func (v *hashVocabulary) prefixIRI(prefix string, scopes []*hashLDScope) (string, bool) {
	iri, ok := "", false
	for i := len(scopes) - 1; i >= 0 && !ok; i-- {
		iri, ok = scopes[i].simple(prefix)
	}
	if !ok && v.ctx.Declared(prefix) {
		iri, ok = v.ctx.Namespace(prefix)
	}
	if !ok || iri == "" || !strings.ContainsRune(":/?#[]@", rune(iri[len(iri)-1])) {
		return "", false
	}
	return iri, true
}

func (v *hashVocabulary) keyIsIRI(key string, scopes []*hashLDScope) bool {
	prefix, _, ok := strings.Cut(key, ":")
	if !ok {
		return false
	}
	if _, ok := v.prefixIRI(prefix, scopes); ok {
		return true
	}
	return reHashAbsoluteIRI.MatchString(key)
}

// expandIRI expands a value as JSON-LD does for IRI (vocab false) and
// vocabulary (vocab true) positions.
func (v *hashVocabulary) expandIRI(s string, vocab bool, scopes []*hashLDScope) string {
	if vocab {
		for i := len(scopes) - 1; i >= 0; i-- {
			if iri, ok := scopes[i].simple(s); ok {
				return iri
			}
		}
		if v.ctx.Declared(s) {
			if iri, ok := v.ctx.Namespace(s); ok {
				return iri
			}
		}
	}
	prefix, suffix, ok := strings.Cut(s, ":")
	if !ok || prefix == "_" || strings.HasPrefix(suffix, "//") {
		return s
	}
	if iri, ok := v.prefixIRI(prefix, scopes); ok {
		return iri + suffix
	}
	return s
}

// bareStringReplacer replaces bare-string values by the one expanded
// vocabulary value that ends in "-value" or "/value".
type bareStringReplacer struct {
	vocabulary []string
	// cache holds the replacements found with a large vocabulary; a small
	// one is quicker to search again.
	cache map[string]string
}

// hashVocabularyCacheMin is the vocabulary size from which
// bareStringReplacer caches its replacements.
const hashVocabularyCacheMin = 8

func (r *bareStringReplacer) replace(s string) string {
	if len(r.vocabulary) == 0 {
		return s
	}
	cached := len(r.vocabulary) >= hashVocabularyCacheMin
	if cached {
		if out, ok := r.cache[s]; ok {
			return out
		}
	}
	out, n := s, 0
	for _, iri := range r.vocabulary {
		if len(iri) > len(s) && strings.HasSuffix(iri, s) {
			if c := iri[len(iri)-len(s)-1]; c == '-' || c == '/' {
				out = iri
				n++
			}
		}
	}
	if n != 1 {
		out = s
	}
	if cached {
		if r.cache == nil {
			r.cache = map[string]string{}
		}
		r.cache[s] = out
	}
	return out
}

// walk replaces every string value (not keys) in v.
func (r *bareStringReplacer) walk(v *hashJSON, depth int) {
	if depth > hashMaxDepth {
		return
	}
	switch v.kind {
	case hashJSONString:
		v.s = r.replace(v.s)
	case hashJSONArray:
		for _, item := range v.arr {
			r.walk(item, depth+1)
		}
	case hashJSONObject:
		for _, item := range v.vals {
			r.walk(item, depth+1)
		}
	}
}
