// Package epcis reads and validates GS1 EPCIS 2.0 JSON-LD: the model of
// supply-chain events that every later stage of Provenant works on.
//
// An input is an EPCISDocument, an EPCISQueryDocument (events under
// epcisBody.queryResults.resultsBody.eventList) or a single event of one of
// the five event types (ObjectEvent, AggregationEvent, TransactionEvent,
// TransformationEvent, AssociationEvent), or of a user-defined type named by
// a URI.
//
// Parse decodes an input into a Document and its Events, checking only its
// structure: well-formed JSON within MaxInputBytes and MaxDepth, no
// duplicate keys, a recognisable document or event, and fields of the JSON
// types the model needs. Each Event keeps its JSON exactly as given (Raw),
// its index in document order, and the document's @context merged with its
// own (Context), which is what the CBV 2.0 event hash needs.
//
// A Validator checks the content in two layers:
//
//   - the official GS1 EPCIS 2.0.1 JSON Schema, embedded verbatim (see
//     schema/README.md), whose errors are translated into plain words;
//   - the EPCIS 2.0 and CBV 2.0 rules the schema cannot express (rules.go):
//     @context references the standard context; CURIE prefixes of user
//     vocabulary values and of user extension fields are declared in
//     @context; extension fields in readPoint, bizLocation, ilmd, sensor
//     data and error declarations are namespaced; values in the CBV
//     namespace name CBV terms; EPC URNs follow the Tag Data Standard and
//     GS1 Digital Link URIs carry well-formed GS1 keys, instance-level in
//     EPC lists and class-level in epcClass; event IDs are well-formed and
//     unique within the document (error declarations excepted); quantities
//     are not negative and uom needs a quantity; an ObjectEvent names
//     objects; an AggregationEvent that is not an OBSERVE names its parent;
//     a sensor report has a type or an exception, consistent statistics and
//     a UN/ECE unit code; a sensor reading window does not end before it
//     starts.
//
// Every problem is a Problem naming the file, the event (index and
// eventID), the JSON Pointer of the offending value from the root of the
// input, a stable Code and a readable message; Parse and Validate return
// all of them at once in a *ValidationError, sorted by event and path.
//
// The CBV vocabularies (BizSteps, Dispositions, …) are exported for the
// stages that need canonical IRIs; Event.BizStepURI and
// Event.DispositionURI expand an event's short forms.
package epcis
