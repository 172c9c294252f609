package epcis

import (
	"encoding/json"
	"time"
)

// Document types and event types of EPCIS 2.0.
const (
	TypeEPCISDocument      = "EPCISDocument"
	TypeEPCISQueryDocument = "EPCISQueryDocument"

	TypeObjectEvent         = "ObjectEvent"
	TypeAggregationEvent    = "AggregationEvent"
	TypeTransactionEvent    = "TransactionEvent"
	TypeTransformationEvent = "TransformationEvent"
	TypeAssociationEvent    = "AssociationEvent"
)

// Actions of ObjectEvent, AggregationEvent, TransactionEvent and
// AssociationEvent.
const (
	ActionAdd     = "ADD"
	ActionObserve = "OBSERVE"
	ActionDelete  = "DELETE"
)

// A Document is an EPCIS 2.0 JSON-LD input: an EPCISDocument, an
// EPCISQueryDocument, or a single event.
type Document struct {
	// Type is "EPCISDocument", "EPCISQueryDocument", or "" for a bare event.
	Type string
	// ID is the document's own "id", if any.
	ID            string
	SchemaVersion string
	// CreationDate is the zero time when absent or unreadable.
	CreationDate time.Time
	// Sender, Receiver and InstanceIdentifier are the EPCISDocument
	// header fields of the same names.
	Sender             string
	Receiver           string
	InstanceIdentifier string
	// QueryName and SubscriptionID come from the queryResults of an
	// EPCISQueryDocument.
	QueryName      string
	SubscriptionID string
	// Context is the document's @context (for a bare event, the event's).
	Context Context
	// RawContext is that @context member exactly as given in the input
	// when it is a string, array or object; nil otherwise.
	RawContext json.RawMessage
	// HashIgnoredFields are the event members the document asks hash
	// generators to leave out (a "<prefix>:ignoreFields" list at document or
	// queryResults level, an extension of the GS1 reference implementation
	// of the event hash). Event.HashID honours it.
	HashIgnoredFields []string
	// Events are the events in document order.
	Events []Event
}

// An Event is one EPCIS event, decoded from its JSON-LD object. String
// fields hold values as written (a bizStep of "shipping" stays "shipping";
// see BizStepURI for the canonical IRI). Fields absent from the event are
// zero.
type Event struct {
	// Index is the 0-based position of the event in document order.
	Index int
	// Pointer is the JSON Pointer of the event object in the input, e.g.
	// "/epcisBody/eventList/3", or "" for a bare event.
	Pointer string
	// Type is the event type, e.g. "ObjectEvent", or a URI for an
	// extension event type.
	Type                string
	EventID             string
	Action              string
	BizStep             string
	Disposition         string
	EventTime           time.Time
	EventTimeZoneOffset string
	RecordTime          time.Time
	// Context is the document's @context merged with the event's own.
	Context Context
	// Raw is the event object exactly as given in the input.
	Raw json.RawMessage

	// What.
	EPCList            []string
	ParentID           string
	ChildEPCs          []string
	InputEPCList       []string
	OutputEPCList      []string
	QuantityList       []QuantityElement
	ChildQuantityList  []QuantityElement
	InputQuantityList  []QuantityElement
	OutputQuantityList []QuantityElement
	TransformationID   string

	// Where.
	ReadPoint   *Location
	BizLocation *Location

	// Why.
	BizTransactionList    []BizTransaction
	SourceList            []SourceDest
	DestinationList       []SourceDest
	PersistentDisposition *PersistentDisposition

	// How.
	SensorElementList []SensorElement

	// ILMD is the instance/lot master data object, or nil. Like the
	// Extensions values it is re-encoded compact JSON (keys sorted,
	// numbers as written); Raw holds the exact text.
	ILMD json.RawMessage
	// CertificationInfo holds the certificationInfo URIs (one value or a
	// list in the input).
	CertificationInfo []string
	ErrorDeclaration  *ErrorDeclaration
	// Extensions are the event's user extension fields (namespaced keys),
	// keyed as written, with their values as compact JSON.
	Extensions map[string]json.RawMessage

	// hashIgnore is the document's HashIgnoredFields.
	hashIgnore []string
}

// A QuantityElement is one entry of a quantity list.
type QuantityElement struct {
	EPCClass string
	// Quantity is nil when the element gives no quantity.
	Quantity *float64
	UOM      string
}

// A Location is a readPoint or bizLocation.
type Location struct {
	ID         string
	Extensions map[string]json.RawMessage
}

// A BizTransaction is one entry of bizTransactionList.
type BizTransaction struct {
	// Type is the business transaction type as written, or "".
	Type           string
	BizTransaction string
}

// A SourceDest is one entry of sourceList or destinationList.
type SourceDest struct {
	// Type is the source/destination type as written.
	Type string
	// ID is the value of "source" or "destination".
	ID string
}

// PersistentDisposition lists the dispositions an event sets and unsets.
type PersistentDisposition struct {
	Set   []string
	Unset []string
}

// A SensorElement is one entry of sensorElementList.
type SensorElement struct {
	Metadata   *SensorMetadata
	Reports    []SensorReport
	Extensions map[string]json.RawMessage
}

// SensorMetadata describes the sensor and the reading window of a
// SensorElement.
type SensorMetadata struct {
	Time                 time.Time
	StartTime            time.Time
	EndTime              time.Time
	DeviceID             string
	DeviceMetadata       string
	RawData              string
	DataProcessingMethod string
	BizRules             string
	Extensions           map[string]json.RawMessage
}

// A SensorReport is one reading or summary of readings. Numeric fields are
// nil when absent.
type SensorReport struct {
	Type                      string
	Exception                 string
	DeviceID                  string
	DeviceMetadata            string
	RawData                   string
	DataProcessingMethod      string
	BizRules                  string
	Time                      time.Time
	Microorganism             string
	ChemicalSubstance         string
	CoordinateReferenceSystem string
	Value                     *float64
	Component                 string
	StringValue               *string
	BooleanValue              *bool
	HexBinaryValue            string
	URIValue                  string
	MinValue                  *float64
	MaxValue                  *float64
	MeanValue                 *float64
	SDev                      *float64
	PercRank                  *float64
	PercValue                 *float64
	UOM                       string
	Extensions                map[string]json.RawMessage
}

// An ErrorDeclaration marks an event as erroneous (EPCIS 2.0 §7.4.1.2).
type ErrorDeclaration struct {
	DeclarationTime    time.Time
	Reason             string
	CorrectiveEventIDs []string
	Extensions         map[string]json.RawMessage
}

// Products returns every product identifier the event names, in the order
// of the fields: epcList, parentID, childEPCs, inputEPCList,
// outputEPCList, then the epcClass of quantityList, childQuantityList,
// inputQuantityList and outputQuantityList. Repeated identifiers are
// returned once.
func (e *Event) Products() []string {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, s := range e.EPCList {
		add(s)
	}
	add(e.ParentID)
	for _, list := range [][]string{e.ChildEPCs, e.InputEPCList, e.OutputEPCList} {
		for _, s := range list {
			add(s)
		}
	}
	for _, list := range [][]QuantityElement{e.QuantityList, e.ChildQuantityList, e.InputQuantityList, e.OutputQuantityList} {
		for _, q := range list {
			add(q.EPCClass)
		}
	}
	return out
}

// BizStepURI returns the canonical IRI of the event's bizStep: a CBV word
// such as "shipping" becomes "https://ref.gs1.org/cbv/BizStep-shipping",
// a CURIE is expanded with the event's context, and other URIs are kept.
// It returns "" when the event has no bizStep.
func (e *Event) BizStepURI() string {
	if e.BizStep == "" {
		return ""
	}
	return bizStepVocabulary.Expand(e.BizStep, e.Context)
}

// DispositionURI returns the canonical IRI of the event's disposition, as
// BizStepURI does for bizStep.
func (e *Event) DispositionURI() string {
	if e.Disposition == "" {
		return ""
	}
	return dispositionVocabulary.Expand(e.Disposition, e.Context)
}

// HasErrorDeclaration reports whether the event declares an earlier event
// with the same content erroneous.
func (e *Event) HasErrorDeclaration() bool { return e.ErrorDeclaration != nil }
