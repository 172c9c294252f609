package epcis

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// This file holds the EPCIS 2.0 and CBV 2.0 rules that the JSON Schema
// cannot express: it has no notion of @context, of what a CURIE's prefix
// means, of identifier grammars, or of relations between values. Anything
// the schema does say is left to it.

// References to the standards, for Problem.Ref.
const (
	refContext      = "EPCIS 2.0 JSON-LD binding: @context references the standard EPCIS context"
	refExtension    = "EPCIS 2.0 extension mechanism: user fields are namespaced, with the prefix declared in @context"
	refVocabulary   = "CBV 2.0 §5: standard vocabulary values, or URIs for user vocabularies"
	refEPC          = "EPCIS 2.0 §7.3.3 / GS1 Tag Data Standard: EPC URI syntax"
	refDigitalLink  = "EPCIS 2.0 §7.3.3 / GS1 Digital Link URI syntax and GS1 key formats"
	refIdentLevel   = "EPCIS 2.0 §7.3.3: instance-level identifiers in EPC lists, class-level in epcClass"
	refQuantityNeg  = "EPCIS 2.0 §7.3.3.3 QuantityElement: how many or how much of the class"
	refAggregation  = "EPCIS 2.0 §7.4 AggregationEvent: parentID is required unless action is OBSERVE"
	refEventID      = "EPCIS 2.0 §7.4.1: eventID"
	refQuantity     = "EPCIS 2.0 §7.3.3.3 QuantityElement: uom is omitted when quantity is"
	refSensorReport = "EPCIS 2.0 §7.3.7.1.2 SensorReport"
	refSensorMeta   = "EPCIS 2.0 §7.3.7.1.1 SensorMetadata"
	refObjectEvent  = "EPCIS 2.0 §7.4 ObjectEvent: epcList or quantityList"
	refSchemaVer    = "EPCIS 2.0: schemaVersion of an EPCIS 2.x document"
)

func fieldSet(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

func unionSets(sets ...map[string]bool) map[string]bool {
	m := map[string]bool{}
	for _, s := range sets {
		for k := range s {
			m[k] = true
		}
	}
	return m
}

// The standard fields of each object, from the EPCIS 2.0 JSON Schema. Keys
// outside these sets are user extensions. These tables are never modified.
var (
	commonEventFields = fieldSet("@context", "type", "eventTime", "recordTime", "eventTimeZoneOffset", "eventID", "certificationInfo", "errorDeclaration")
	eventTypeFields   = map[string]map[string]bool{
		TypeObjectEvent: unionSets(commonEventFields, fieldSet("action", "epcList", "quantityList", "bizStep", "disposition",
			"persistentDisposition", "readPoint", "bizLocation", "bizTransactionList", "sourceList", "destinationList", "sensorElementList", "ilmd")),
		TypeAggregationEvent: unionSets(commonEventFields, fieldSet("parentID", "childEPCs", "childQuantityList", "action", "bizStep", "disposition",
			"persistentDisposition", "readPoint", "bizLocation", "bizTransactionList", "sourceList", "destinationList", "sensorElementList")),
		TypeTransactionEvent: unionSets(commonEventFields, fieldSet("bizTransactionList", "parentID", "epcList", "quantityList", "action", "bizStep",
			"disposition", "persistentDisposition", "readPoint", "bizLocation", "sourceList", "destinationList", "sensorElementList")),
		TypeTransformationEvent: unionSets(commonEventFields, fieldSet("inputEPCList", "inputQuantityList", "outputEPCList", "outputQuantityList",
			"transformationID", "bizStep", "disposition", "persistentDisposition", "readPoint", "bizLocation", "bizTransactionList", "sourceList",
			"destinationList", "sensorElementList", "ilmd")),
		TypeAssociationEvent: unionSets(commonEventFields, fieldSet("parentID", "childEPCs", "childQuantityList", "action", "bizStep", "disposition",
			"persistentDisposition", "readPoint", "bizLocation", "bizTransactionList", "sourceList", "destinationList", "sensorElementList")),
	}
	allEventFields = unionSets(eventTypeFields[TypeObjectEvent], eventTypeFields[TypeAggregationEvent], eventTypeFields[TypeTransactionEvent],
		eventTypeFields[TypeTransformationEvent], eventTypeFields[TypeAssociationEvent])

	locationFields         = fieldSet("id")
	errorDeclarationFields = fieldSet("declarationTime", "reason", "correctiveEventIDs")
	sensorElementFields    = fieldSet("sensorMetadata", "sensorReport")
	sensorMetadataFields   = fieldSet("time", "deviceID", "deviceMetadata", "rawData", "startTime", "endTime", "dataProcessingMethod", "bizRules")
	sensorReportFields     = fieldSet("type", "exception", "deviceID", "deviceMetadata", "rawData", "dataProcessingMethod", "bizRules", "time",
		"microorganism", "chemicalSubstance", "coordinateReferenceSystem", "value", "component", "stringValue", "booleanValue", "hexBinaryValue",
		"uriValue", "minValue", "maxValue", "meanValue", "sDev", "percRank", "percValue", "uom")
	documentFields      = fieldSet("@context", "id", "type", "schemaVersion", "creationDate", "instanceIdentifier", "sender", "receiver", "epcisHeader", "epcisBody")
	queryDocumentFields = fieldSet("@context", "id", "type", "schemaVersion", "creationDate", "epcisBody")
	epcisHeaderFields   = fieldSet("epcisMasterData")
	documentBodyFields  = fieldSet("eventList")
	queryBodyFields     = fieldSet("queryResults")
	queryResultsFields  = fieldSet("queryName", "subscriptionID", "resultsBody")
	resultsBodyFields   = fieldSet("eventList", "vocabularyList")

	uomPattern           = regexp.MustCompile(`^[A-Z0-9]{2,3}$`)
	schemaVersionPattern = regexp.MustCompile(`^\d+(\.\d+)*$`)
)

// ruleChecker applies the rules to one parsed input.
type ruleChecker struct {
	v    *Validator
	p    *parseResult
	list *problemList
}

// ruleSite is where a rule looks: the event (index and ID, or -1 for the
// document) and the @context in force there.
type ruleSite struct {
	index int
	id    string
	ctx   Context
}

func (r *ruleChecker) add(w ruleSite, path string, code Code, ref, format string, args ...any) {
	r.list.add(w.index, w.id, path, code, ref, format, args...)
}

func (r *ruleChecker) check() {
	doc := r.p.doc
	top := r.p.tree.(map[string]any)
	docSite := ruleSite{index: -1, ctx: doc.Context}
	if doc.Type == "" {
		docSite.index = 0
		docSite.id = stringField(top, "eventID")
	}
	if _, ok := top["@context"]; ok && !doc.Context.References() {
		r.add(docSite, "/@context", CodeMissingStandardContext, refContext,
			"@context does not reference the EPCIS 2.0 context %s, so the EPCIS terms have no meaning", StandardContextURL)
	}
	if doc.Type != "" {
		r.checkDocument(top, docSite)
	}
	r.checkEvents()
}

// checkDocument checks the document header and body containers.
func (r *ruleChecker) checkDocument(top map[string]any, w ruleSite) {
	if sv, ok := top["schemaVersion"].(string); ok && schemaVersionPattern.MatchString(sv) {
		if major, _, _ := strings.Cut(sv, "."); major != "2" {
			r.add(w, "/schemaVersion", CodeSchemaVersion, refSchemaVer, "schemaVersion %q is not an EPCIS 2.x version; this validator reads EPCIS 2.0 documents", sv)
		}
	}
	fields := documentFields
	if r.p.doc.Type == TypeEPCISQueryDocument {
		fields = queryDocumentFields
	}
	r.extensionKeys(w, "", top, fields, "the document")
	if h, ok := top["epcisHeader"].(map[string]any); ok {
		r.extensionKeys(w, "/epcisHeader", h, epcisHeaderFields, "epcisHeader")
	}
	body, ok := top["epcisBody"].(map[string]any)
	if !ok {
		return
	}
	if r.p.doc.Type == TypeEPCISDocument {
		r.extensionKeys(w, "/epcisBody", body, documentBodyFields, "epcisBody")
		return
	}
	r.extensionKeys(w, "/epcisBody", body, queryBodyFields, "epcisBody")
	if qr, ok := body["queryResults"].(map[string]any); ok {
		r.extensionKeys(w, "/epcisBody/queryResults", qr, queryResultsFields, "queryResults")
		if rb, ok := qr["resultsBody"].(map[string]any); ok {
			r.extensionKeys(w, "/epcisBody/queryResults/resultsBody", rb, resultsBodyFields, "resultsBody")
		}
	}
}

// extensionKeys checks the keys of obj that are not standard fields: each
// must be a CURIE whose prefix @context declares, an absolute IRI, or a
// term that @context defines. Where the schema rejects bare keys too, the
// two reports merge (same path and code).
func (r *ruleChecker) extensionKeys(w ruleSite, path string, obj map[string]any, standard map[string]bool, where string) {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if standard[k] || strings.HasPrefix(k, "@") {
			continue
		}
		kp := joinPointer(path, k)
		if prefix, _, ok := SplitCURIE(k); ok {
			if _, known := w.ctx.Namespace(prefix); !known && !uriSchemes[strings.ToLower(prefix)] {
				r.add(w, kp, CodeUndeclaredPrefix, refExtension,
					"extension field %q uses the prefix %q, which @context does not declare", k, prefix)
			}
			continue
		}
		if isAbsoluteIRI(k) || w.ctx.Declared(k) {
			continue
		}
		r.add(w, kp, CodeUnqualifiedExtension, refExtension,
			"field %q is not a standard field of %s; a user extension field needs a namespace prefix declared in @context (e.g. \"ex:%s\")", k, where, k)
	}
}

// checkEvents applies the event rules to every event.
func (r *ruleChecker) checkEvents() {
	firstWithID := map[string]int{}
	for i, n := range r.p.events {
		if n.obj == nil || n.event == nil {
			continue
		}
		ev := n.event
		w := ruleSite{index: i, id: ev.EventID, ctx: ev.Context}
		r.checkEvent(w, n.pointer, n.obj, ev)
		if ev.EventID != "" && ev.ErrorDeclaration == nil {
			if j, dup := firstWithID[ev.EventID]; dup {
				r.add(w, joinPointer(n.pointer, "eventID"), CodeDuplicateEventID, refEventID,
					"eventID %q is already used by event %d; only an error declaration may repeat the eventID of the event it corrects", ev.EventID, j)
			} else {
				firstWithID[ev.EventID] = i
			}
		}
	}
}

func (r *ruleChecker) checkEvent(w ruleSite, ptr string, obj map[string]any, ev *Event) {
	_, known := eventTypeFields[ev.Type]
	// Standard fields misplaced in another event type are the schema's
	// to report; only the remaining keys are user extensions.
	r.extensionKeys(w, ptr, obj, allEventFields, "the event")
	if t, ok := obj["type"].(string); ok && !known {
		r.vocabularyFreeIRI(w, joinPointer(ptr, "type"), t)
	}

	if msg := checkEventIDSyntax(ev.EventID); msg != "" {
		r.add(w, joinPointer(ptr, "eventID"), CodeInvalidEventID, refEventID, "%s", msg)
	}

	// Why: vocabularies.
	r.vocabValue(w, joinPointer(ptr, "bizStep"), bizStepVocabulary, obj["bizStep"])
	r.vocabValue(w, joinPointer(ptr, "disposition"), dispositionVocabulary, obj["disposition"])
	if pd, ok := obj["persistentDisposition"].(map[string]any); ok {
		pp := joinPointer(ptr, "persistentDisposition")
		if ev.Type != TypeObjectEvent && ev.Type != TypeTransformationEvent {
			// The schema allows the field in these event types without
			// describing it; apply its definition here.
			r.applySubschema(r.v.persistentDisposition, r.v.persistentDispositionCheck, pd, pp)
		}
		for _, key := range []string{"set", "unset"} {
			if list, ok := pd[key].([]any); ok {
				for i, item := range list {
					r.vocabValue(w, indexPointer(joinPointer(pp, key), i), dispositionVocabulary, item)
				}
			}
		}
	}
	for i, item := range asArray(obj["bizTransactionList"]) {
		if o, ok := item.(map[string]any); ok {
			ip := indexPointer(joinPointer(ptr, "bizTransactionList"), i)
			r.vocabValue(w, joinPointer(ip, "type"), bizTransactionTypeVocabulary, o["type"])
			r.identifier(w, joinPointer(ip, "bizTransaction"), o["bizTransaction"], idOther)
		}
	}
	for _, list := range []string{"sourceList", "destinationList"} {
		idKey := strings.TrimSuffix(list, "List")
		for i, item := range asArray(obj[list]) {
			if o, ok := item.(map[string]any); ok {
				ip := indexPointer(joinPointer(ptr, list), i)
				r.vocabValue(w, joinPointer(ip, "type"), sourceDestTypeVocabulary, o["type"])
				r.identifier(w, joinPointer(ip, idKey), o[idKey], idOther)
			}
		}
	}

	// What: identifiers.
	for _, list := range []string{"epcList", "childEPCs", "inputEPCList", "outputEPCList"} {
		for i, item := range asArray(obj[list]) {
			r.identifier(w, indexPointer(joinPointer(ptr, list), i), item, idInstance)
		}
	}
	r.identifier(w, joinPointer(ptr, "parentID"), obj["parentID"], idInstance)
	for _, list := range []string{"quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList"} {
		for i, item := range asArray(obj[list]) {
			q, ok := item.(map[string]any)
			if !ok {
				continue
			}
			qp := indexPointer(joinPointer(ptr, list), i)
			r.identifier(w, joinPointer(qp, "epcClass"), q["epcClass"], idClass)
			qty, hasQty := q["quantity"]
			if _, hasUOM := q["uom"]; hasUOM && !hasQty {
				r.add(w, joinPointer(qp, "uom"), CodeUOMWithoutQuantity, refQuantity, "uom is given without a quantity; omit uom or give the quantity it measures")
			}
			if n, ok := qty.(json.Number); ok {
				if f, err := n.Float64(); err == nil && f < 0 {
					r.add(w, joinPointer(qp, "quantity"), CodeInvalidValue, refQuantityNeg, "quantity %s is negative; a quantity says how many or how much of the class there is", n)
				}
			}
		}
	}
	switch ev.Type {
	case TypeObjectEvent:
		r.objectEventObjects(w, ptr, obj)
	case TypeAggregationEvent:
		if _, ok := obj["parentID"]; !ok && (ev.Action == ActionAdd || ev.Action == ActionDelete) {
			r.add(w, joinPointer(ptr, "parentID"), CodeMissingField, refAggregation,
				"required field \"parentID\" is missing: an AggregationEvent with action %s must name the parent", ev.Action)
		}
	}

	// Where.
	for _, key := range []string{"readPoint", "bizLocation"} {
		if loc, ok := obj[key].(map[string]any); ok {
			lp := joinPointer(ptr, key)
			r.identifier(w, joinPointer(lp, "id"), loc["id"], idOther)
			r.extensionKeys(w, lp, loc, locationFields, key)
		}
	}

	// ILMD: every field is a user extension.
	if ilmd, ok := obj["ilmd"].(map[string]any); ok {
		r.extensionKeys(w, joinPointer(ptr, "ilmd"), ilmd, nil, "ilmd")
	}

	// Error declaration.
	if ed, ok := obj["errorDeclaration"].(map[string]any); ok {
		ep := joinPointer(ptr, "errorDeclaration")
		r.vocabValue(w, joinPointer(ep, "reason"), errorReasonVocabulary, ed["reason"])
		for i, item := range asArray(ed["correctiveEventIDs"]) {
			if s, ok := item.(string); ok {
				if msg := checkEventIDSyntax(s); msg != "" {
					r.add(w, indexPointer(joinPointer(ep, "correctiveEventIDs"), i), CodeInvalidEventID, refEventID, "%s", msg)
				}
			}
		}
		r.extensionKeys(w, ep, ed, errorDeclarationFields, "errorDeclaration")
	}

	// How: sensor data.
	for i, item := range asArray(obj["sensorElementList"]) {
		if se, ok := item.(map[string]any); ok {
			r.sensorElement(w, indexPointer(joinPointer(ptr, "sensorElementList"), i), se)
		}
	}
}

// objectEventObjects checks that an ObjectEvent names objects. The schema
// accepts an empty epcList; the event must still name something unless it
// reports sensor data at a read point.
func (r *ruleChecker) objectEventObjects(w ruleSite, ptr string, obj map[string]any) {
	epcs, hasEPCs := obj["epcList"].([]any)
	if !hasEPCs || len(epcs) > 0 {
		return // absent: the schema reports it; non-empty: fine
	}
	if q, ok := obj["quantityList"].([]any); ok && len(q) > 0 {
		return
	}
	if s, ok := obj["sensorElementList"].([]any); ok && len(s) > 0 {
		if _, ok := obj["readPoint"]; ok {
			return
		}
	}
	r.add(w, ptr, CodeMissingIdentifiers, refObjectEvent,
		"an ObjectEvent must name the objects it is about: epcList is empty and there is no quantityList (nor sensor data at a readPoint)")
}

func (r *ruleChecker) sensorElement(w ruleSite, ptr string, se map[string]any) {
	r.extensionKeys(w, ptr, se, sensorElementFields, "a sensor element")
	if md, ok := se["sensorMetadata"].(map[string]any); ok {
		mp := joinPointer(ptr, "sensorMetadata")
		r.extensionKeys(w, mp, md, sensorMetadataFields, "sensorMetadata")
		r.identifier(w, joinPointer(mp, "deviceID"), md["deviceID"], idOther)
		start, okStart := md["startTime"].(string)
		end, okEnd := md["endTime"].(string)
		if okStart && okEnd {
			ts, err1 := parseEPCISDateTime(start)
			te, err2 := parseEPCISDateTime(end)
			if err1 == nil && err2 == nil && ts.After(te) {
				r.add(w, joinPointer(mp, "endTime"), CodeSensorTimeRange, refSensorMeta,
					"endTime %s is before startTime %s", end, start)
			}
		}
	}
	for i, item := range asArray(se["sensorReport"]) {
		rep, ok := item.(map[string]any)
		if !ok {
			continue
		}
		rp := indexPointer(joinPointer(ptr, "sensorReport"), i)
		r.extensionKeys(w, rp, rep, sensorReportFields, "a sensor report")
		_, hasType := rep["type"]
		_, hasException := rep["exception"]
		if !hasType && !hasException {
			r.add(w, joinPointer(rp, "type"), CodeSensorReportType, refSensorReport,
				"a sensor report needs a type (the measurement type, e.g. \"Temperature\"), or an exception when it reports an alarm or error condition")
		}
		r.vocabValue(w, joinPointer(rp, "type"), measurementTypeVocabulary, rep["type"])
		r.vocabValue(w, joinPointer(rp, "exception"), sensorAlertTypeVocabulary, rep["exception"])
		r.vocabValue(w, joinPointer(rp, "component"), componentVocabulary, rep["component"])
		r.identifier(w, joinPointer(rp, "deviceID"), rep["deviceID"], idOther)
		if u, ok := rep["uom"].(string); ok && !uomPattern.MatchString(u) {
			r.add(w, joinPointer(rp, "uom"), CodeInvalidUOM, refSensorReport,
				"%q is not a UN/ECE Recommendation 20 unit code (2 or 3 upper-case letters or digits, like CEL)", u)
		}
		r.sensorStatistics(w, rp, rep)
	}
}

// sensorStatistics checks that the statistics of one report are
// consistent with each other.
func (r *ruleChecker) sensorStatistics(w ruleSite, rp string, rep map[string]any) {
	num := func(k string) (float64, bool) {
		n, ok := rep[k].(json.Number)
		if !ok {
			return 0, false
		}
		f, err := n.Float64()
		return f, err == nil
	}
	minV, hasMin := num("minValue")
	maxV, hasMax := num("maxValue")
	if hasMin && hasMax && minV > maxV {
		r.add(w, joinPointer(rp, "minValue"), CodeSensorValueRange, refSensorReport,
			"minValue %v is greater than maxValue %v", minV, maxV)
	}
	if v, ok := num("sDev"); ok && v < 0 {
		r.add(w, joinPointer(rp, "sDev"), CodeSensorValueRange, refSensorReport, "sDev %v is negative; a standard deviation is at least 0", v)
	}
	if v, ok := num("percRank"); ok && (v < 0 || v > 100) {
		r.add(w, joinPointer(rp, "percRank"), CodeSensorValueRange, refSensorReport, "percRank %v is not a percentile rank between 0 and 100", v)
	}
}

// vocabValue checks what the schema cannot about a vocabulary value: that
// a CURIE's prefix is declared (for the CBV business vocabularies, whose
// user values must be URIs the user controls, CBV 2.0 §5.2), and that a
// value in a standard namespace names a standard term. Bare words and URI
// syntax are the schema's.
func (r *ruleChecker) vocabValue(w ruleSite, path string, vocab *Vocabulary, v any) {
	s, ok := v.(string)
	if !ok || s == "" || vocab.Has(s) {
		return
	}
	iri := s
	if prefix, local, isCURIE := SplitCURIE(s); isCURIE {
		ns, known := w.ctx.Namespace(prefix)
		if !known {
			if !uriSchemes[strings.ToLower(prefix)] && vocab.business {
				r.add(w, path, CodeUndeclaredPrefix, refVocabulary,
					"%q uses the prefix %q, which @context does not declare; declare the prefix or write the full URI", s, prefix)
			}
			return
		}
		iri = ns + local
	} else if !isAbsoluteIRI(s) {
		return // a bare word: the schema reports it
	}
	if word, inNS := strings.CutPrefix(iri, vocab.iriPrefix); inNS && !vocab.Has(word) {
		msg := fmt.Sprintf("%q is in the namespace of the %s vocabulary but %q is not one of its terms", s, vocab.name, word)
		if sugg := suggestTerm(word, vocab.terms); sugg != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", sugg)
		}
		r.add(w, path, CodeUnknownCBVTerm, vocabularyRefs[vocab], "%s", msg)
	}
}

// vocabularyFreeIRI checks that a CURIE naming a user-defined term (an
// extension event type) has a declared prefix.
func (r *ruleChecker) vocabularyFreeIRI(w ruleSite, path, s string) {
	if prefix, _, ok := SplitCURIE(s); ok {
		if _, known := w.ctx.Namespace(prefix); !known && !uriSchemes[strings.ToLower(prefix)] {
			r.add(w, path, CodeUndeclaredPrefix, refExtension, "%q uses the prefix %q, which @context does not declare", s, prefix)
		}
	}
}

// identifier checks the syntax of an EPC URN or GS1 Digital Link URI and,
// where want is not idOther, that it is of the right level.
func (r *ruleChecker) identifier(w ruleSite, path string, v any, want idLevel) {
	s, ok := v.(string)
	if !ok || s == "" {
		return
	}
	level, err := checkIdentifierSyntax(s)
	if err != nil {
		ref := refEPC
		if err.code == CodeInvalidDigitalLink {
			ref = refDigitalLink
		}
		r.add(w, path, err.code, ref, "%s", err.msg)
		return
	}
	switch {
	case want == idInstance && level == idClass:
		r.add(w, path, CodeIdentifierKind, refIdentLevel,
			"%q identifies a class of objects, not one object; use an instance identifier here (e.g. an SGTIN: a GTIN with a serial number) or move it to a quantity list's epcClass", s)
	case want == idClass && level == idInstance:
		r.add(w, path, CodeIdentifierKind, refIdentLevel,
			"%q identifies one object, not a class; epcClass needs a class identifier (a GTIN, a GTIN with lot, or an EPC pattern)", s)
	}
}

// applySubschema validates part of the input against a compiled subschema
// (with its fast check fc, which may be nil) and translates its errors
// at path.
func (r *ruleChecker) applySubschema(s *jsonschema.Schema, fc *schemaNode, v any, path string) {
	err := validateSchema(s, fc, v)
	if err == nil {
		return
	}
	var verr *jsonschema.ValidationError
	if !errors.As(err, &verr) {
		return
	}
	sub := &schemaTranslator{tree: r.p.tree, list: r.list, base: pointerTokens(path)}
	sub.walk(verr, nil)
}

// pointerTokens splits a JSON Pointer into its unescaped tokens.
func pointerTokens(p string) []string {
	if p == "" {
		return nil
	}
	toks := strings.Split(p[1:], "/")
	for i, t := range toks {
		toks[i] = strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
	}
	return toks
}

func asArray(v any) []any {
	a, _ := v.([]any)
	return a
}
