package epcis

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits on one input. Parse and Validate reject larger or deeper inputs
// before doing any other work on them.
const (
	// MaxInputBytes is the largest input accepted: 16 MiB.
	MaxInputBytes = 16 << 20
	// MaxDepth is the deepest nesting of objects and arrays accepted. A
	// document with sensor data and nested user extensions stays far below.
	MaxDepth = 64
)

// Parse reads an EPCIS 2.0 JSON-LD input, named name in problems: an
// EPCISDocument, an EPCISQueryDocument (events under
// epcisBody.queryResults.resultsBody.eventList) or a single event, and
// decodes its events. It checks structure only: well-formed JSON within the
// size and depth limits, no duplicate keys, a recognisable document or
// event type, events that are objects, readable @context values, and
// fields of the JSON types the model needs. Use a Validator to check the
// content against the EPCIS 2.0 JSON Schema and the CBV rules.
//
// When it finds problems, Parse returns a *ValidationError listing them
// all, together with the document as far as it could be decoded (nil when
// the input is not a JSON object).
func Parse(name string, data []byte) (*Document, error) {
	p := parse(name, data)
	p.list.problems = append(p.list.problems, p.fieldProblems...)
	if err := p.list.err(); err != nil {
		return p.doc, err
	}
	return p.doc, nil
}

// parseResult is the outcome of parse, kept for Validate.
type parseResult struct {
	doc *Document
	// tree is the decoded JSON (numbers as json.Number), nil when the
	// input is not well-formed JSON.
	tree any
	// recognised reports that the input is a document or event that the
	// content checks can run on.
	recognised bool
	// events holds each event object (nil where an event is not an
	// object), in document order, with its pointer.
	events []eventNode
	// list holds structural problems.
	list problemList
	// fieldProblems are values of the wrong JSON type or unreadable times
	// found while decoding; Validate drops those the schema reports too.
	fieldProblems []Problem
}

type eventNode struct {
	obj     map[string]any
	pointer string
	event   *Event
}

func parse(name string, data []byte) *parseResult {
	p := &parseResult{list: problemList{file: name}}
	if len(data) > MaxInputBytes {
		p.list.add(-1, "", "", CodeTooLarge, "", "input is %d bytes, more than the limit of %d", len(data), MaxInputBytes)
		return p
	}
	if !utf8.Valid(data) {
		off := invalidUTF8Offset(data)
		line, col := lineAndColumn(data, off)
		p.list.add(-1, "", "", CodeInvalidJSON, "", "invalid JSON at line %d, column %d: the input is not valid UTF-8", line, col)
		return p
	}
	tree, scan, ok := decodeAndScan(data)
	if !ok {
		// Not well-formed, or too deep: encoding/json and scanJSON decide
		// and word the problem, as they always have. (Should they accept
		// the input after all, parse goes on with what they found.)
		if tree, scan, ok = p.decodeStandard(data); !ok {
			return p
		}
	}
	top, isObject := tree.(map[string]any)
	typ, hasType := top["type"].(string)
	for _, d := range scan.duplicates {
		p.list.add(-1, "", d, CodeDuplicateKey, "", "key %q appears more than once in this object; JSON-LD and signatures need each key once", lastSegment(d))
	}
	p.tree = tree
	if !isObject {
		p.list.add(-1, "", "", CodeNotObject, "", "the input is a JSON %s, want an object (an EPCIS document or event)", jsonTypeName(tree))
		return p
	}
	doc := &Document{}
	p.doc = doc
	if c := scan.context; c[1] > c[0] {
		doc.RawContext = json.RawMessage(data[c[0]:c[1]])
	}
	switch {
	case typ == TypeEPCISDocument || typ == TypeEPCISQueryDocument:
		doc.Type = typ
		p.recognised = true
		doc.Context = p.context(-1, "", "/@context", top["@context"])
		p.decodeDocument(top, data, scan.spans)
	case isStandardEventType(typ) || (hasType && isExtensionEventType(typ)):
		p.recognised = true
		doc.Context = p.context(0, stringField(top, "eventID"), "/@context", top["@context"])
		ev := p.decodeEvent(top, 0, "", doc.Context, Context{}, bytes.TrimSpace(data))
		doc.Events = []Event{*ev}
		p.events = []eventNode{{obj: top, pointer: "", event: &doc.Events[0]}}
	case !hasType:
		if _, present := top["type"]; present {
			p.list.add(-1, "", "/type", CodeWrongType, "", "type must be a string naming an EPCIS document or event type")
		} else {
			p.list.add(-1, "", "/type", CodeMissingField, "", "required field \"type\" is missing: want EPCISDocument, EPCISQueryDocument or an event type")
		}
	default:
		p.list.add(-1, "", "/type", CodeUnknownType, "", "%q is not an EPCIS document type (EPCISDocument, EPCISQueryDocument) nor an event type (ObjectEvent, AggregationEvent, TransactionEvent, TransformationEvent, AssociationEvent)", typ)
	}
	return p
}

// scanTargets returns the paths of the values whose byte ranges parse
// needs, as targets of decodeJSONTree: the top-level @context, and the
// event lists of an EPCISDocument and of an EPCISQueryDocument.
func scanTargets() []jsonTarget {
	return []jsonTarget{
		{path: []string{"@context"}},
		{path: []string{"epcisBody", "eventList"}, items: true},
		{path: []string{"epcisBody", "queryResults", "resultsBody", "eventList"}, items: true},
	}
}

// decodeAndScan decodes data with decodeJSONTree and returns the tree
// with what scanJSON finds in data, without a second pass in the common
// case. It reports false, recording nothing, when data is not well-formed
// JSON or nests more than MaxDepth levels deep.
func decodeAndScan(data []byte) (any, jsonScan, bool) {
	t, ok := decodeJSONTree(data, MaxDepth, scanTargets())
	if !ok {
		return nil, jsonScan{}, false
	}
	if t.duplicateKeys {
		// Such input is rejected. scanJSON words the pointers of the
		// repeated keys as it always has, and picks among several
		// matches of a path as it always has.
		return t.value, scanJSON(data, MaxDepth, eventListTokens(t.value)), true
	}
	// Each path matched at most once, and what it matched is in the tree.
	var scan jsonScan
	if c := t.found[0].span; c[1] > c[0] && strings.IndexByte(`"[{`, data[c[0]]) >= 0 {
		scan.context = c
	}
	top, _ := t.value.(map[string]any)
	switch top["type"] {
	case TypeEPCISDocument:
		scan.spans = t.found[1].items
	case TypeEPCISQueryDocument:
		scan.spans = t.found[2].items
	}
	return t.value, scan, true
}

// decodeStandard decodes data with encoding/json and scans it with
// scanJSON, as parse did before decodeJSONTree. When data is not
// well-formed JSON or nests more than MaxDepth levels deep, it records the
// problem, worded after encoding/json's error, and reports false.
func (p *parseResult) decodeStandard(data []byte) (any, jsonScan, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		if scanJSON(data, MaxDepth, nil).tooDeep {
			p.list.add(-1, "", "", CodeTooDeep, "", "objects and arrays nest more than %d levels deep", MaxDepth)
		} else {
			p.list.add(-1, "", "", CodeInvalidJSON, "", "%s", describeJSONError(data, err, dec))
		}
		return nil, jsonScan{}, false
	}
	if _, err := dec.Token(); err != io.EOF {
		line, col := lineAndColumn(data, int(dec.InputOffset()))
		p.list.add(-1, "", "", CodeInvalidJSON, "", "invalid JSON at line %d, column %d: unexpected data after the top-level value", line, col)
		return nil, jsonScan{}, false
	}
	scan := scanJSON(data, MaxDepth, eventListTokens(tree))
	if scan.tooDeep {
		p.list.add(-1, "", "", CodeTooDeep, "", "objects and arrays nest more than %d levels deep", MaxDepth)
		return nil, jsonScan{}, false
	}
	return tree, scan, true
}

// eventListTokens returns the path of the event list of a decoded
// EPCISDocument or EPCISQueryDocument, nil for any other value.
func eventListTokens(tree any) []string {
	top, _ := tree.(map[string]any)
	switch top["type"] {
	case TypeEPCISDocument:
		return []string{"epcisBody", "eventList"}
	case TypeEPCISQueryDocument:
		return []string{"epcisBody", "queryResults", "resultsBody", "eventList"}
	}
	return nil
}

// context reads an @context value (nil when absent), recording a problem
// when it cannot be read.
func (p *parseResult) context(eventIndex int, eventID, path string, v any) Context {
	ctx, err := contextFromTree(v)
	if err != nil {
		p.list.add(eventIndex, eventID, path, CodeInvalidContext, "", "%v", err)
		return Context{}
	}
	return ctx
}

// decodeDocument decodes the header fields and events of an EPCISDocument
// or EPCISQueryDocument.
//
// spans holds the byte range in data of each object of the eventList, by
// index ({0, 0} for other items).
func (p *parseResult) decodeDocument(top map[string]any, data []byte, spans [][2]int) {
	doc := p.doc
	d := fieldDecoder{p: p, obj: top, index: -1}
	doc.ID = d.str("id")
	doc.SchemaVersion = d.str("schemaVersion")
	doc.CreationDate = d.time("creationDate")
	doc.Sender = d.str("sender")
	doc.Receiver = d.str("receiver")
	doc.InstanceIdentifier = d.str("instanceIdentifier")

	body, ok := d.object("epcisBody")
	if !ok {
		if _, present := top["epcisBody"]; !present {
			p.list.add(-1, "", "/epcisBody", CodeMissingField, "", "required field \"epcisBody\" is missing")
		}
		return
	}
	doc.HashIgnoredFields = ignoredFields(top)
	listPath := "/epcisBody"
	container := body
	if doc.Type == TypeEPCISQueryDocument {
		bd := fieldDecoder{p: p, obj: body, path: "/epcisBody", index: -1}
		qr, ok := bd.object("queryResults")
		if !ok {
			if _, present := body["queryResults"]; !present {
				p.list.add(-1, "", "/epcisBody/queryResults", CodeMissingField, "", "required field \"queryResults\" is missing")
			}
			return
		}
		qd := fieldDecoder{p: p, obj: qr, path: "/epcisBody/queryResults", index: -1}
		doc.QueryName = qd.str("queryName")
		doc.SubscriptionID = qd.str("subscriptionID")
		rb, ok := qd.object("resultsBody")
		if !ok {
			if _, present := qr["resultsBody"]; !present {
				p.list.add(-1, "", "/epcisBody/queryResults/resultsBody", CodeMissingField, "", "required field \"resultsBody\" is missing")
			}
			return
		}
		listPath = "/epcisBody/queryResults/resultsBody"
		container = rb
		if f := ignoredFields(qr); f != nil {
			doc.HashIgnoredFields = f
		}
	}
	cd := fieldDecoder{p: p, obj: container, path: listPath, index: -1}
	items, ok := cd.array("eventList")
	if !ok {
		if _, present := container["eventList"]; !present {
			p.list.add(-1, "", listPath+"/eventList", CodeMissingField, "", "required field \"eventList\" is missing")
		}
		return
	}
	listPath += "/eventList"
	doc.Events = make([]Event, 0, len(items))
	p.events = make([]eventNode, 0, len(items))
	for i, item := range items {
		ptr := indexPointer(listPath, i)
		obj, ok := item.(map[string]any)
		if !ok {
			p.list.add(i, "", ptr, CodeNotObject, "", "event is a JSON %s, want an object", jsonTypeName(item))
			p.events = append(p.events, eventNode{pointer: ptr})
			continue
		}
		var raw json.RawMessage
		if i < len(spans) && spans[i][1] > 0 {
			raw = data[spans[i][0]:spans[i][1]:spans[i][1]]
		} else {
			raw = reencodeJSON(obj) // the scan and the decoding agree; this is only a guard
		}
		own := p.context(i, stringField(obj, "eventID"), ptr+"/@context", obj["@context"])
		ev := p.decodeEvent(obj, i, ptr, doc.Context, own, raw)
		ev.hashIgnore = doc.HashIgnoredFields
		doc.Events = append(doc.Events, *ev)
		p.events = append(p.events, eventNode{obj: obj, pointer: ptr})
	}
	// Point the nodes at the events only now that the slice is complete.
	k := 0
	for i := range p.events {
		if p.events[i].obj != nil {
			p.events[i].event = &doc.Events[k]
			k++
		}
	}
}

// decodeEvent decodes one event object. docCtx is the document context and
// own the event's own @context.
func (p *parseResult) decodeEvent(obj map[string]any, index int, ptr string, docCtx, own Context, raw json.RawMessage) *Event {
	ev := &Event{Index: index, Pointer: ptr, Raw: raw, Context: docCtx.Merge(own)}
	d := fieldDecoder{p: p, obj: obj, path: ptr, index: index}
	ev.EventID = d.str("eventID")
	d.eventID = ev.EventID
	ev.Type = d.str("type")
	ev.Action = d.str("action")
	ev.BizStep = d.str("bizStep")
	ev.Disposition = d.str("disposition")
	ev.EventTime = d.time("eventTime")
	ev.RecordTime = d.time("recordTime")
	ev.EventTimeZoneOffset = d.str("eventTimeZoneOffset")

	ev.EPCList = d.strings("epcList")
	ev.ParentID = d.str("parentID")
	ev.ChildEPCs = d.strings("childEPCs")
	ev.InputEPCList = d.strings("inputEPCList")
	ev.OutputEPCList = d.strings("outputEPCList")
	ev.QuantityList = d.quantities("quantityList")
	ev.ChildQuantityList = d.quantities("childQuantityList")
	ev.InputQuantityList = d.quantities("inputQuantityList")
	ev.OutputQuantityList = d.quantities("outputQuantityList")
	ev.TransformationID = d.str("transformationID")

	ev.ReadPoint = d.location("readPoint")
	ev.BizLocation = d.location("bizLocation")

	for _, it := range d.objects("bizTransactionList") {
		od := d.sub(indexPointer(joinPointer(ptr, "bizTransactionList"), it.i), it.o)
		ev.BizTransactionList = append(ev.BizTransactionList, BizTransaction{Type: od.str("type"), BizTransaction: od.str("bizTransaction")})
	}
	for _, it := range d.objects("sourceList") {
		od := d.sub(indexPointer(joinPointer(ptr, "sourceList"), it.i), it.o)
		ev.SourceList = append(ev.SourceList, SourceDest{Type: od.str("type"), ID: od.str("source")})
	}
	for _, it := range d.objects("destinationList") {
		od := d.sub(indexPointer(joinPointer(ptr, "destinationList"), it.i), it.o)
		ev.DestinationList = append(ev.DestinationList, SourceDest{Type: od.str("type"), ID: od.str("destination")})
	}
	if o, ok := d.object("persistentDisposition"); ok {
		od := d.sub(joinPointer(ptr, "persistentDisposition"), o)
		ev.PersistentDisposition = &PersistentDisposition{Set: od.strings("set"), Unset: od.strings("unset")}
	}
	for _, it := range d.objects("sensorElementList") {
		ev.SensorElementList = append(ev.SensorElementList, d.sensorElement(indexPointer(joinPointer(ptr, "sensorElementList"), it.i), it.o))
	}
	if o, ok := d.object("ilmd"); ok {
		ev.ILMD = reencodeJSON(o)
	}
	switch v := obj["certificationInfo"].(type) {
	case nil:
	case string:
		ev.CertificationInfo = []string{v}
	default:
		ev.CertificationInfo = d.strings("certificationInfo")
	}
	if o, ok := d.object("errorDeclaration"); ok {
		od := d.sub(joinPointer(ptr, "errorDeclaration"), o)
		ev.ErrorDeclaration = &ErrorDeclaration{
			DeclarationTime:    od.time("declarationTime"),
			Reason:             od.str("reason"),
			CorrectiveEventIDs: od.strings("correctiveEventIDs"),
			Extensions:         extensionFields(o, errorDeclarationFields),
		}
	}
	ev.Extensions = extensionFields(obj, allEventFields)
	return ev
}

func (d fieldDecoder) sensorElement(ptr string, o map[string]any) SensorElement {
	sd := d.sub(ptr, o)
	se := SensorElement{Extensions: extensionFields(o, sensorElementFields)}
	if m, ok := sd.object("sensorMetadata"); ok {
		md := sd.sub(joinPointer(ptr, "sensorMetadata"), m)
		se.Metadata = &SensorMetadata{
			Time:                 md.time("time"),
			StartTime:            md.time("startTime"),
			EndTime:              md.time("endTime"),
			DeviceID:             md.str("deviceID"),
			DeviceMetadata:       md.str("deviceMetadata"),
			RawData:              md.str("rawData"),
			DataProcessingMethod: md.str("dataProcessingMethod"),
			BizRules:             md.str("bizRules"),
			Extensions:           extensionFields(m, sensorMetadataFields),
		}
	}
	for _, it := range sd.objects("sensorReport") {
		r := it.o
		rd := sd.sub(indexPointer(joinPointer(ptr, "sensorReport"), it.i), r)
		rep := SensorReport{
			Type:                      rd.str("type"),
			Exception:                 rd.str("exception"),
			DeviceID:                  rd.str("deviceID"),
			DeviceMetadata:            rd.str("deviceMetadata"),
			RawData:                   rd.str("rawData"),
			DataProcessingMethod:      rd.str("dataProcessingMethod"),
			BizRules:                  rd.str("bizRules"),
			Time:                      rd.time("time"),
			Microorganism:             rd.str("microorganism"),
			ChemicalSubstance:         rd.str("chemicalSubstance"),
			CoordinateReferenceSystem: rd.str("coordinateReferenceSystem"),
			Value:                     rd.number("value"),
			Component:                 rd.str("component"),
			HexBinaryValue:            rd.str("hexBinaryValue"),
			URIValue:                  rd.str("uriValue"),
			MinValue:                  rd.number("minValue"),
			MaxValue:                  rd.number("maxValue"),
			MeanValue:                 rd.number("meanValue"),
			SDev:                      rd.number("sDev"),
			PercRank:                  rd.number("percRank"),
			PercValue:                 rd.number("percValue"),
			UOM:                       rd.str("uom"),
			Extensions:                extensionFields(r, sensorReportFields),
		}
		if _, ok := r["stringValue"]; ok {
			s := rd.str("stringValue")
			rep.StringValue = &s
		}
		if b, ok := r["booleanValue"].(bool); ok {
			rep.BooleanValue = &b
		} else if _, present := r["booleanValue"]; present {
			rd.wrongType("booleanValue", "a boolean")
		}
		se.Reports = append(se.Reports, rep)
	}
	return se
}

// fieldDecoder reads fields of one JSON object leniently: a field of the wrong
// JSON type is left zero and recorded as a field problem.
type fieldDecoder struct {
	p       *parseResult
	obj     map[string]any
	path    string
	index   int
	eventID string
}

func (d fieldDecoder) sub(path string, obj map[string]any) fieldDecoder {
	return fieldDecoder{p: d.p, obj: obj, path: path, index: d.index, eventID: d.eventID}
}

func (d fieldDecoder) wrongType(key, want string) {
	d.p.fieldProblems = append(d.p.fieldProblems, Problem{
		File: d.p.list.file, EventIndex: d.index, EventID: d.eventID, Path: joinPointer(d.path, key),
		Code: CodeWrongType, Message: fmt.Sprintf("%s must be %s, not a JSON %s", key, want, jsonTypeName(d.obj[key])),
	})
}

func (d fieldDecoder) str(key string) string {
	v, present := d.obj[key]
	if !present {
		return ""
	}
	s, ok := v.(string)
	if !ok {
		d.wrongType(key, "a string")
	}
	return s
}

func (d fieldDecoder) time(key string) time.Time {
	s := d.str(key)
	if s == "" {
		return time.Time{}
	}
	t, err := parseEPCISDateTime(s)
	if err != nil {
		d.p.fieldProblems = append(d.p.fieldProblems, Problem{
			File: d.p.list.file, EventIndex: d.index, EventID: d.eventID, Path: joinPointer(d.path, key),
			Code: CodeInvalidTime, Message: fmt.Sprintf("%q is not a date-time with a time zone offset (RFC 3339, like 2026-07-22T06:45:00.000+02:00)", s),
		})
	}
	return t
}

func (d fieldDecoder) number(key string) *float64 {
	v, present := d.obj[key]
	if !present {
		return nil
	}
	n, ok := v.(json.Number)
	if !ok {
		d.wrongType(key, "a number")
		return nil
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || math.IsInf(f, 0) {
		d.p.fieldProblems = append(d.p.fieldProblems, Problem{
			File: d.p.list.file, EventIndex: d.index, EventID: d.eventID, Path: joinPointer(d.path, key),
			Code: CodeInvalidFormat, Message: fmt.Sprintf("%s is out of the range of a 64-bit floating-point number", n),
		})
		return nil
	}
	return &f
}

func (d fieldDecoder) object(key string) (map[string]any, bool) {
	v, present := d.obj[key]
	if !present {
		return nil, false
	}
	o, ok := v.(map[string]any)
	if !ok {
		d.wrongType(key, "an object")
	}
	return o, ok
}

func (d fieldDecoder) array(key string) ([]any, bool) {
	v, present := d.obj[key]
	if !present {
		return nil, false
	}
	a, ok := v.([]any)
	if !ok {
		d.wrongType(key, "an array")
	}
	return a, ok
}

// strings reads an array of strings, skipping (and recording) items of
// another type.
func (d fieldDecoder) strings(key string) []string {
	a, ok := d.array(key)
	if !ok {
		return nil
	}
	out := make([]string, 0, len(a))
	for i, item := range a {
		s, ok := item.(string)
		if !ok {
			d.sub(joinPointer(d.path, key), nil).wrongTypeAt(strconv.Itoa(i), item, "a string")
			continue
		}
		out = append(out, s)
	}
	return out
}

// indexedObject is an object item of an array with its index.
type indexedObject struct {
	i int
	o map[string]any
}

// objects reads an array of objects, skipping (and recording) items of
// another type; each result keeps its index in the array.
func (d fieldDecoder) objects(key string) []indexedObject {
	a, ok := d.array(key)
	if !ok {
		return nil
	}
	out := make([]indexedObject, 0, len(a))
	for i, item := range a {
		o, ok := item.(map[string]any)
		if !ok {
			d.sub(joinPointer(d.path, key), nil).wrongTypeAt(strconv.Itoa(i), item, "an object")
			continue
		}
		out = append(out, indexedObject{i, o})
	}
	return out
}

func (d fieldDecoder) wrongTypeAt(seg string, v any, want string) {
	d.p.fieldProblems = append(d.p.fieldProblems, Problem{
		File: d.p.list.file, EventIndex: d.index, EventID: d.eventID, Path: joinPointer(d.path, seg),
		Code: CodeWrongType, Message: fmt.Sprintf("item must be %s, not a JSON %s", want, jsonTypeName(v)),
	})
}

func (d fieldDecoder) quantities(key string) []QuantityElement {
	objs := d.objects(key)
	if objs == nil {
		return nil
	}
	out := make([]QuantityElement, 0, len(objs))
	for _, it := range objs {
		qd := d.sub(indexPointer(joinPointer(d.path, key), it.i), it.o)
		out = append(out, QuantityElement{EPCClass: qd.str("epcClass"), Quantity: qd.number("quantity"), UOM: qd.str("uom")})
	}
	return out
}

func (d fieldDecoder) location(key string) *Location {
	o, ok := d.object(key)
	if !ok {
		return nil
	}
	ld := d.sub(joinPointer(d.path, key), o)
	return &Location{ID: ld.str("id"), Extensions: extensionFields(o, locationFields)}
}

// extensionFields returns the fields of obj that are not standard fields nor
// JSON-LD keywords, re-encoded as compact JSON, or nil when there are none.
func extensionFields(obj map[string]any, standard map[string]bool) map[string]json.RawMessage {
	var out map[string]json.RawMessage
	for k, v := range obj {
		if standard[k] || strings.HasPrefix(k, "@") {
			continue
		}
		if out == nil {
			out = map[string]json.RawMessage{}
		}
		out[k] = reencodeJSON(v)
	}
	return out
}

// reencodeJSON re-encodes a decoded JSON value; numbers keep their literal
// text because they are json.Number.
func reencodeJSON(v any) json.RawMessage {
	if b, ok := marshalScalarJSON(v); ok {
		return b
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return b
}

func stringField(obj map[string]any, key string) string {
	s, _ := obj[key].(string)
	return s
}

// parseEPCISDateTime parses an RFC 3339 date-time with a time zone offset, as
// the JSON Schema's date-time format accepts it (lower-case t and z too).
func parseEPCISDateTime(s string) (time.Time, error) {
	if len(s) > 10 && s[10] == 't' {
		s = s[:10] + "T" + s[11:]
	}
	if strings.HasSuffix(s, "z") {
		s = s[:len(s)-1] + "Z"
	}
	return time.Parse(time.RFC3339Nano, s)
}

func isStandardEventType(t string) bool {
	switch t {
	case TypeObjectEvent, TypeAggregationEvent, TypeTransactionEvent, TypeTransformationEvent, TypeAssociationEvent:
		return true
	}
	return false
}

// isExtensionEventType reports whether t could name a user-defined event
// type, which EPCIS 2.0 writes as a URI or CURIE.
func isExtensionEventType(t string) bool {
	return strings.Contains(t, ":")
}

func jsonTypeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case json.Number, float64:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// describeJSONError turns a decoding error into a message with the line and
// column where it happened.
func describeJSONError(data []byte, err error, dec *json.Decoder) string {
	var syn *json.SyntaxError
	off := int(dec.InputOffset())
	msg := err.Error()
	switch {
	case errors.As(err, &syn):
		off = int(syn.Offset) - 1 // Offset counts the offending byte
		msg = syn.Error()
	case errors.Is(err, io.EOF):
		return "the input is empty, want a JSON object"
	case errors.Is(err, io.ErrUnexpectedEOF):
		off = len(data)
		msg = "the input ends in the middle of a JSON value"
	}
	line, col := lineAndColumn(data, off)
	return fmt.Sprintf("invalid JSON at line %d, column %d: %s", line, col, msg)
}

// lineAndColumn converts a byte offset into 1-based line and column numbers.
func lineAndColumn(data []byte, off int) (line, col int) {
	if off > len(data) {
		off = len(data)
	}
	if off < 0 {
		off = 0
	}
	line = 1 + bytes.Count(data[:off], []byte{'\n'})
	col = off - bytes.LastIndexByte(data[:off], '\n')
	return line, col
}

func invalidUTF8Offset(data []byte) int {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(data)
}

func lastSegment(ptr string) string {
	i := strings.LastIndexByte(ptr, '/')
	seg := ptr[i+1:]
	return strings.ReplaceAll(strings.ReplaceAll(seg, "~1", "/"), "~0", "~")
}

// jsonScan is what scanJSON finds.
type jsonScan struct {
	// tooDeep reports nesting deeper than the limit.
	tooDeep bool
	// duplicates are the JSON Pointers of keys repeated within an object.
	duplicates []string
	// spans are the byte ranges [start, end) of the objects that are
	// items of the array at the target path, by index; {0, 0} for the
	// other items.
	spans [][2]int
	// context is the byte range [start, end) of the top-level object's
	// "@context" value when it is a string, array or object; {0, 0}
	// otherwise.
	context [2]int
}

// scanJSON walks JSON text once, tracking where it is. It reports nesting
// deeper than maxDepth, repeated keys, and the byte ranges of the object
// items of the array at the path target (nil for none). On text that is
// not well-formed JSON it still ends, and its depth report holds.
func scanJSON(data []byte, maxDepth int, target []string) jsonScan {
	type frame struct {
		object    bool
		expectKey bool
		seg       string // current key, or index of an array item
		index     int
		keys      map[string]struct{}
		start     int // start offset of a target item, or -1
	}
	var out jsonScan
	stack := make([]frame, 0, 16)
	// contextNext is set between the top-level key "@context" and its
	// value; contextStart is where a container value began (-1: none).
	contextNext, contextStart := false, -1
	pointer := func(last string) string {
		var b strings.Builder
		for _, f := range stack[:len(stack)-1] {
			b.WriteByte('/')
			b.WriteString(pointerToken(f.seg))
		}
		b.WriteByte('/')
		b.WriteString(pointerToken(last))
		return b.String()
	}
	// atTarget reports whether the top of the stack is the target array.
	atTarget := func() bool {
		if target == nil || len(stack) != len(target)+1 || stack[len(stack)-1].object {
			return false
		}
		for i, seg := range target {
			if stack[i].seg != seg || !stack[i].object {
				return false
			}
		}
		return true
	}
	for i := 0; i < len(data); i++ {
		switch c := data[i]; c {
		case '"':
			start := i + 1
			escaped := false
			for i++; i < len(data) && data[i] != '"'; i++ {
				if data[i] == '\\' {
					escaped = true
					i++
				}
			}
			if len(stack) == 0 {
				continue
			}
			top := &stack[len(stack)-1]
			if !top.object || !top.expectKey {
				if contextNext && len(stack) == 1 {
					out.context = [2]int{start - 1, min(i+1, len(data))}
					contextNext = false
				}
				continue
			}
			raw := data[start:min(i, len(data))]
			key := string(raw)
			// encoding/json turns escapes and invalid UTF-8 into the
			// key it stores; two keys equal after that are repeats.
			if escaped || !utf8.Valid(raw) {
				var s string
				if err := json.Unmarshal(data[start-1:min(i+1, len(data))], &s); err == nil {
					key = s
				}
			}
			top.expectKey = false
			top.seg = key
			contextNext = len(stack) == 1 && key == "@context"
			if contextNext {
				// A repeated key's last value is the one decoded.
				out.context = [2]int{}
			}
			if top.keys == nil {
				top.keys = map[string]struct{}{}
			}
			if _, seen := top.keys[key]; seen {
				out.duplicates = append(out.duplicates, pointer(key))
			}
			top.keys[key] = struct{}{}
		case '{', '[':
			if contextNext && len(stack) == 1 {
				contextStart, contextNext = i, false
			}
			itemStart := -1
			if len(stack) > 0 && !stack[len(stack)-1].object {
				parent := &stack[len(stack)-1]
				parent.seg = strconv.Itoa(parent.index)
				if c == '{' && atTarget() {
					itemStart = i
				}
			}
			if len(stack) >= maxDepth {
				out.tooDeep = true
				return out
			}
			stack = append(stack, frame{object: c == '{', expectKey: c == '{', start: itemStart})
		case '}', ']':
			if len(stack) == 0 {
				continue
			}
			f := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if contextStart >= 0 && len(stack) == 1 {
				out.context = [2]int{contextStart, i + 1}
				contextStart = -1
			}
			if f.start >= 0 && len(stack) > 0 {
				index := stack[len(stack)-1].index
				if index >= len(out.spans) {
					out.spans = append(out.spans, make([][2]int, index+1-len(out.spans))...)
				}
				out.spans[index] = [2]int{f.start, i + 1}
			}
		case ',':
			contextNext = false // a scalar @context value ended
			if len(stack) > 0 {
				top := &stack[len(stack)-1]
				if top.object {
					top.expectKey = true
				} else {
					top.index++
				}
			}
		}
	}
	return out
}

// ignoredFields returns the list of a "<prefix>:ignoreFields" member of obj:
// the event members that the document asks event hash generators to leave
// out, an extension of the GS1 reference implementation of the CBV 2.0 event
// hash.
func ignoredFields(obj map[string]any) []string {
	for key, v := range obj {
		if _, local, ok := SplitCURIE(key); !ok || local != "ignoreFields" {
			continue
		}
		list, ok := v.([]any)
		if !ok {
			return nil
		}
		var out []string
		for _, item := range list {
			if s, ok := item.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}
