package demo

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/provenant/provenant/epcis"
	"github.com/provenant/provenant/ingest"
	"github.com/provenant/provenant/store"
)

// Limits of a feed.
const (
	// MaxEvents bounds the good events of one feed.
	MaxEvents = 10000
	// EventsPerLot is the length of one lot's story.
	EventsPerLot = 6
)

// Step is one step of a lot's story.
type Step string

// The steps of a lot's story, in order.
const (
	// StepCommissioning: the lot's items are commissioned at the farm,
	// with their country of origin (ObjectEvent ADD with ILMD): the
	// origin claim the batch proof checks against the origin registry.
	StepCommissioning Step = "commissioning"
	// StepPacking: the items are packed onto a pallet (AggregationEvent
	// ADD, parent an SSCC).
	StepPacking Step = "packing"
	// StepShipping: the pallet leaves the farm for the plant (ObjectEvent
	// OBSERVE with business transactions, source and destination).
	StepShipping Step = "shipping"
	// StepReceiving: the pallet arrives at the plant (ObjectEvent OBSERVE
	// with a temperature reading).
	StepReceiving Step = "receiving"
	// StepUnpacking: the pallet is broken up (AggregationEvent DELETE).
	StepUnpacking Step = "unpacking"
	// StepTransforming: the plant turns the items into finished products
	// (TransformationEvent, inputs to outputs, with the outputs' lot).
	StepTransforming Step = "transformation"
)

// story is a lot's story; storyMessages groups its steps (by index) into
// the messages that carry them: a document for the steps taken together
// at one site, a single event otherwise.
var (
	story         = []Step{StepCommissioning, StepPacking, StepShipping, StepReceiving, StepUnpacking, StepTransforming}
	storyMessages = [][]int{{0, 1}, {2}, {3, 4}, {5}}
)

// Fault says how a bad message is broken.
type Fault string

// The faults of the bad messages; every feed carries one message of each.
const (
	// FaultNone marks a good message.
	FaultNone Fault = ""
	// FaultMalformed: a signed document cut short in transit, not JSON.
	FaultMalformed Fault = "malformed"
	// FaultInvalid: a signed event that breaks the EPCIS 2.0 schema (an
	// action that does not exist).
	FaultInvalid Fault = "invalid"
	// FaultUnsigned: a valid event sent without the signature header.
	FaultUnsigned Fault = "unsigned"
	// FaultUnknownKey: a valid event signed by a key that is not in the
	// supplier registry.
	FaultUnknownKey Fault = "unknown-key"
)

// Faults lists the faults of the bad messages, in feed order.
func Faults() []Fault {
	return []Fault{FaultMalformed, FaultInvalid, FaultUnsigned, FaultUnknownKey}
}

// Code returns the code ingest dead-letters a message with the fault
// under.
func (f Fault) Code() ingest.Code {
	switch f {
	case FaultMalformed:
		return ingest.CodeMalformed
	case FaultInvalid:
		return ingest.CodeInvalid
	case FaultUnsigned:
		return ingest.CodeMissingHeader
	case FaultUnknownKey:
		return ingest.CodeUnknownSupplier
	}
	return ""
}

// Describe says in words what is wrong with the message.
func (f Fault) Describe() string {
	switch f {
	case FaultMalformed:
		return "malformed JSON (document cut in transit)"
	case FaultInvalid:
		return "schema-invalid event (action COMMISSION)"
	case FaultUnsigned:
		return "unsigned (no signature header)"
	case FaultUnknownKey:
		return "signed by an unregistered key"
	}
	return "good"
}

// Event is one good event of the feed.
type Event struct {
	// ID is the event's identity: its eventID, or its CBV 2.0 hash ID
	// when it has none.
	ID string
	// Supplier is the index of its supplier in Feed.Suppliers.
	Supplier int
	// Lot is the lot whose story it tells.
	Lot  string
	Step Step
	// Type is the EPCIS event type.
	Type string
	// Expect is the status the pipeline should end it in: ANCHORED, or
	// REJECTED for an origin claim that no certificate backs.
	Expect store.Status
	// OriginRegion and OriginFacility are the origin a commissioning
	// event claims.
	OriginRegion, OriginFacility string
	// Uncertified says, for an event expected REJECTED, why no
	// certificate backs its claim.
	Uncertified string
}

// Message is one Kafka message of the feed, before signing.
type Message struct {
	// Name identifies the message in errors and reports:
	// supplier-1/LOT-…/commissioning+packing, supplier-2/bad/unsigned.
	Name string
	// Supplier is the index of its supplier in Feed.Suppliers (for an
	// unknown-key message, the supplier whose data it mimics).
	Supplier int
	// Value is the message value: an EPCIS 2.0 document or single event.
	Value []byte
	// Signed is, for a malformed message, the document its supplier signed
	// before it was cut to Value; nil otherwise.
	Signed []byte
	// Events are the events of a good message, in order.
	Events []Event
	// Fault is how a bad message is broken; FaultNone for a good one.
	Fault Fault
}

// EventIDs returns the identities of the message's events.
func (m *Message) EventIDs() []string {
	ids := make([]string, len(m.Events))
	for i, e := range m.Events {
		ids[i] = e.ID
	}
	return ids
}

// Feed is what the demo suppliers send.
type Feed struct {
	// Seed determines everything in the feed.
	Seed int64
	// Start is the time of the first lot's commissioning.
	Start time.Time
	// Suppliers are the suppliers' profiles.
	Suppliers []Profile
	// Messages are the good messages, supplier by supplier in story order,
	// then the bad ones.
	Messages []Message
}

// Events returns the good events of the feed, in order.
func (f *Feed) Events() []Event {
	var out []Event
	for i := range f.Messages {
		out = append(out, f.Messages[i].Events...)
	}
	return out
}

// FeedConfig sizes a feed.
type FeedConfig struct {
	// Suppliers is how many suppliers send (1 to MaxSuppliers).
	Suppliers int
	// Events is how many good events they send together (Suppliers to
	// MaxEvents), shared out evenly.
	Events int
	// Seed determines the feed: the same configuration gives the same feed
	// byte for byte.
	Seed int64
}

// Check reports what is wrong with the configuration.
func (c FeedConfig) Check() error {
	switch {
	case c.Suppliers < 1 || c.Suppliers > MaxSuppliers:
		return fmt.Errorf("demo: %d suppliers, want 1 to %d", c.Suppliers, MaxSuppliers)
	case c.Events < c.Suppliers || c.Events > MaxEvents:
		return fmt.Errorf("demo: %d events, want %d (one per supplier) to %d", c.Events, c.Suppliers, MaxEvents)
	}
	return nil
}

// seedKey derives the 32-byte key of one random stream of seed.
func seedKey(seed int64, purpose string) [32]byte {
	return sha256.Sum256([]byte("provenant-demo/v1/" + purpose + "/" + strconv.FormatInt(seed, 10)))
}

// SeededSalts returns a deterministic stream of salts for Sign, derived
// from seed, so that signing the feed of a seed again gives the same
// messages and a re-run is a no-op for the store. Such salts blind
// nothing from whoever knows the seed: for demo data only.
func SeededSalts(seed int64) io.Reader {
	return rand.NewChaCha8(seedKey(seed, "salts"))
}

// Generate returns the feed of cfg: for each supplier, lots of
// EventsPerLot events (the last one cut to the supplier's share of
// cfg.Events), one lot in five or so with an origin claim that no
// certificate backs (never a supplier's first lot), then one bad message of
// each Fault.
func Generate(cfg FeedConfig) (*Feed, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	g := newGenerator(cfg.Seed, cfg.Suppliers)
	f := &Feed{Seed: cfg.Seed, Start: g.start, Suppliers: Profiles(cfg.Suppliers)}
	for s := range f.Suppliers {
		share := cfg.Events / cfg.Suppliers
		if s < cfg.Events%cfg.Suppliers {
			share++
		}
		lots := (share + EventsPerLot - 1) / EventsPerLot
		bad := g.badLots(lots)
		for j := range lots {
			msgs, err := g.lot(f, s, j, min(EventsPerLot, share-j*EventsPerLot), bad[j])
			if err != nil {
				return nil, err
			}
			f.Messages = append(f.Messages, msgs...)
		}
	}
	for i, fault := range Faults() {
		m, err := g.faulty(f, i%len(f.Suppliers), fault)
		if err != nil {
			return nil, err
		}
		f.Messages = append(f.Messages, m)
	}
	return f, nil
}

// The kinds of origin claims a lot makes.
const (
	originCertified   = iota
	originUncertified // the supplier's own farm, which no certificate covers
	originWrongRegion // the certified farm, claiming a region it is not certified for
)

// generator draws everything of a feed from one seeded stream.
type generator struct {
	rng   *rand.Rand
	tag   string // in every serial and lot number: distinct feeds name distinct things
	start time.Time
	// Per supplier: the next serial number, and the SSCC serial base.
	serials []int
	ssccs   []int
	badSeq  int
}

func newGenerator(seed int64, suppliers int) *generator {
	rng := rand.New(rand.NewChaCha8(seedKey(seed, "feed")))
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	var tag [5]byte
	for i := range tag {
		tag[i] = alphabet[rng.IntN(len(alphabet))]
	}
	// A morning in 2025, inside the demo certificates (2020 to 2030).
	start := time.Date(2025, 1, 1, 5, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(365))
	g := &generator{rng: rng, tag: string(tag[:]), start: start, serials: make([]int, suppliers), ssccs: make([]int, suppliers)}
	for s := range g.ssccs {
		g.ssccs[s] = rng.IntN(1e9)
	}
	return g
}

// badLots picks which of a supplier's lots claim an uncertified origin:
// about one in five, at least one when there are two lots or more, never
// the first.
func (g *generator) badLots(lots int) []int {
	kinds := make([]int, lots)
	if lots < 2 {
		return kinds
	}
	n := max(1, lots/5)
	for _, j := range g.rng.Perm(lots - 1)[:n] {
		g.badSeq++
		kinds[j+1] = originUncertified
		if g.badSeq%2 == 0 {
			kinds[j+1] = originWrongRegion
		}
	}
	return kinds
}

// jitter returns a random duration below d, to the millisecond.
func (g *generator) jitter(d time.Duration) time.Duration {
	return time.Duration(g.rng.Int64N(int64(d/time.Millisecond))) * time.Millisecond
}

// uuid returns a random (version 4) UUID URN.
func (g *generator) uuid() string {
	var b [16]byte
	for i := range b {
		b[i] = byte(g.rng.Uint32())
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// sgtins returns n new SGTIN URNs of item ref of supplier s.
func (g *generator) sgtins(s int, p Profile, item string, n int) []string {
	out := make([]string, n)
	for i := range out {
		g.serials[s]++
		out[i] = fmt.Sprintf("urn:epc:id:sgtin:%s.%s.%s%02d%05d", p.CompanyPrefix, item, g.tag, s+1, g.serials[s])
	}
	return out
}

// sscc returns a new SSCC URN (a pallet) of supplier s.
func (g *generator) sscc(s int, p Profile) string {
	g.ssccs[s] = (g.ssccs[s] + 1) % 1e9
	return fmt.Sprintf("urn:epc:id:sscc:%s.0%09d", p.CompanyPrefix, g.ssccs[s])
}

// lot returns the messages of the first n steps of lot j of supplier s,
// whose commissioning makes an origin claim of the given kind.
func (g *generator) lot(f *Feed, s, j, n, origin int) ([]Message, error) {
	p := f.Suppliers[s]
	lot := fmt.Sprintf("LOT-%s-%02d-%03d", g.tag, s+1, j+1)
	zone := zoneOf(p.Zone)
	t0 := f.Start.Add(time.Duration(s)*47*time.Minute + time.Duration(j)*2*time.Hour + g.jitter(10*time.Minute))
	at := func(d time.Duration) string {
		return t0.Add(d + g.jitter(5*time.Minute)).In(zone).Format(epcisTime)
	}
	items := g.sgtins(s, p, p.RawItem, 2+g.rng.IntN(3))
	pallet := g.sscc(s, p)
	products := g.sgtins(s, p, p.ProductItem, 2+g.rng.IntN(4))
	po := fmt.Sprintf("urn:epcglobal:cbv:bt:%s:PO-%s-%02d-%03d", p.gln13(), g.tag, s+1, j+1)
	despatch := fmt.Sprintf("urn:epcglobal:cbv:bt:%s:DA-%s-%02d-%03d", p.gln13(), g.tag, s+1, j+1)
	received := at(29 * time.Hour)

	farm, region, uncertified := p.Farm, p.Region, ""
	switch origin {
	case originUncertified:
		farm = p.unauditedFarm()
		uncertified = fmt.Sprintf("%s claims %s at %s, a farm no certificate covers", lot, region, farm)
	case originWrongRegion:
		region = p.NeighbourRegion
		uncertified = fmt.Sprintf("%s claims %s at %s, a farm certified for %s only", lot, region, farm, p.Region)
	}

	evs := []jsonEvent{
		{ // commissioning
			Type: epcis.TypeObjectEvent, EventID: g.uuid(), EventTime: at(0), EventTimeZoneOffset: p.Zone,
			EPCList: items, Action: epcis.ActionAdd, BizStep: "commissioning", Disposition: "active",
			ReadPoint: &location{ID: farm}, BizLocation: &location{ID: farm},
			ILMD: &ilmd{CountryOfOrigin: region, LotNumber: lot, BestBeforeDate: t0.AddDate(1, 6, 0).Format(time.DateOnly)},
		},
		{ // packing
			Type: epcis.TypeAggregationEvent, EventTime: at(90 * time.Minute), EventTimeZoneOffset: p.Zone,
			ParentID: pallet, ChildEPCs: items, Action: epcis.ActionAdd, BizStep: "packing", Disposition: "in_progress",
			ReadPoint: &location{ID: farm}, BizLocation: &location{ID: farm},
		},
		{ // shipping
			Type: epcis.TypeObjectEvent, EventTime: at(5 * time.Hour), EventTimeZoneOffset: p.Zone,
			EPCList: []string{pallet}, Action: epcis.ActionObserve, BizStep: "shipping", Disposition: "in_transit",
			ReadPoint:          &location{ID: farm},
			BizTransactionList: []bizTransaction{{Type: "po", BizTransaction: po}, {Type: "desadv", BizTransaction: despatch}},
			SourceList:         []source{{Type: "owning_party", Source: p.party()}, {Type: "location", Source: farm}},
			DestinationList:    []destination{{Type: "owning_party", Destination: p.party()}, {Type: "location", Destination: p.Plant}},
		},
		{ // receiving
			Type: epcis.TypeObjectEvent, EventTime: received, EventTimeZoneOffset: p.Zone,
			EPCList: []string{pallet}, Action: epcis.ActionObserve, BizStep: "receiving", Disposition: "in_progress",
			ReadPoint: &location{ID: p.Plant}, BizLocation: &location{ID: p.Plant},
			BizTransactionList: []bizTransaction{{Type: "po", BizTransaction: po}},
			SensorElementList: []sensorElement{{
				SensorMetadata: sensorMetadata{Time: received},
				SensorReport:   []sensorReport{{Type: "Temperature", Value: float64(80+g.rng.IntN(100)) / 10, UOM: "CEL"}},
			}},
		},
		{ // unpacking
			Type: epcis.TypeAggregationEvent, EventTime: at(30 * time.Hour), EventTimeZoneOffset: p.Zone,
			ParentID: pallet, ChildEPCs: items, Action: epcis.ActionDelete, BizStep: "unpacking", Disposition: "in_progress",
			ReadPoint: &location{ID: p.Plant}, BizLocation: &location{ID: p.Plant},
		},
		{ // transformation
			Type: epcis.TypeTransformationEvent, EventID: g.uuid(), EventTime: at(44 * time.Hour), EventTimeZoneOffset: p.Zone,
			InputEPCList: items, OutputEPCList: products, BizStep: "commissioning", Disposition: "active",
			ReadPoint: &location{ID: p.Plant}, BizLocation: &location{ID: p.Plant},
			ILMD: &ilmd{LotNumber: lot + "-P", BestBeforeDate: t0.AddDate(1, 0, 0).Format(time.DateOnly)},
		},
	}

	var msgs []Message
	for _, group := range storyMessages {
		var idx []int
		for _, i := range group {
			if i < n {
				idx = append(idx, i)
			}
		}
		if len(idx) == 0 {
			break
		}
		part := make([]jsonEvent, len(idx))
		steps := make([]string, len(idx))
		for k, i := range idx {
			part[k], steps[k] = evs[i], string(story[i])
		}
		name := fmt.Sprintf("supplier-%d/%s/%s", s+1, lot, strings.Join(steps, "+"))
		value, err := encode(part, t0.Add(45*time.Hour))
		if err != nil {
			return nil, fmt.Errorf("demo: %s: %w", name, err)
		}
		ids, err := identities(name, value)
		if err != nil {
			return nil, err
		}
		m := Message{Name: name, Supplier: s, Value: value}
		for k, i := range idx {
			e := Event{ID: ids[k], Supplier: s, Lot: lot, Step: story[i], Type: evs[i].Type, Expect: store.StatusAnchored}
			if story[i] == StepCommissioning {
				e.OriginRegion, e.OriginFacility = region, farm
				if origin != originCertified {
					e.Expect, e.Uncertified = store.StatusRejected, uncertified
				}
			}
			m.Events = append(m.Events, e)
		}
		msgs = append(msgs, m)
	}
	return msgs, nil
}

// faulty returns supplier s's bad message with the fault, made of events
// that belong to no lot.
func (g *generator) faulty(f *Feed, s int, fault Fault) (Message, error) {
	p := f.Suppliers[s]
	zone := zoneOf(p.Zone)
	t := f.Start.Add(-24*time.Hour + g.jitter(12*time.Hour))
	at := func(d time.Duration) string { return t.Add(d).In(zone).Format(epcisTime) }
	lot := fmt.Sprintf("LOT-%s-%02d-X%d", g.tag, s+1, len(f.Messages))
	commissioning := jsonEvent{
		Type: epcis.TypeObjectEvent, EventID: g.uuid(), EventTime: at(0), EventTimeZoneOffset: p.Zone,
		EPCList: g.sgtins(s, p, p.RawItem, 2), Action: epcis.ActionAdd, BizStep: "commissioning", Disposition: "active",
		ReadPoint: &location{ID: p.Farm}, BizLocation: &location{ID: p.Farm},
		ILMD: &ilmd{CountryOfOrigin: p.Region, LotNumber: lot},
	}
	shipping := func(d time.Duration) jsonEvent {
		return jsonEvent{
			Type: epcis.TypeObjectEvent, EventTime: at(d), EventTimeZoneOffset: p.Zone,
			EPCList: []string{g.sscc(s, p)}, Action: epcis.ActionObserve, BizStep: "shipping", Disposition: "in_transit",
			ReadPoint:       &location{ID: p.Farm},
			DestinationList: []destination{{Type: "location", Destination: p.Plant}},
		}
	}
	m := Message{Name: fmt.Sprintf("supplier-%d/bad/%s", s+1, fault), Supplier: s, Fault: fault}
	var err error
	switch fault {
	case FaultMalformed:
		if m.Signed, err = encode([]jsonEvent{shipping(time.Hour), shipping(2 * time.Hour)}, t.Add(3*time.Hour)); err == nil {
			m.Value = m.Signed[:len(m.Signed)*3/5]
		}
	case FaultInvalid:
		commissioning.Action = "COMMISSION"
		m.Value, err = encode([]jsonEvent{commissioning}, t)
	case FaultUnsigned:
		m.Value, err = encode([]jsonEvent{shipping(time.Hour)}, t)
	case FaultUnknownKey:
		m.Value, err = encode([]jsonEvent{commissioning}, t)
	default:
		err = fmt.Errorf("unknown fault %q", fault)
	}
	if err != nil {
		return Message{}, fmt.Errorf("demo: %s: %w", m.Name, err)
	}
	return m, nil
}

// epcisTime is how event times are written: local time to the
// millisecond, with its offset.
const epcisTime = "2006-01-02T15:04:05.000Z07:00"

// zoneOf returns the fixed zone of an EPCIS offset ("+01:00").
func zoneOf(offset string) *time.Location {
	t, err := time.Parse("-07:00", offset)
	if err != nil {
		return time.UTC
	}
	_, secs := t.Zone()
	return time.FixedZone(offset, secs)
}

// encode returns one event as a single-event message (with its own
// @context), or several as an EPCIS document created at created.
func encode(evs []jsonEvent, created time.Time) ([]byte, error) {
	ctx := []string{epcis.StandardContextURL}
	if len(evs) == 1 {
		e := evs[0]
		e.Context = ctx
		return json.MarshalIndent(e, "", "  ")
	}
	doc := jsonDocument{Context: ctx, Type: epcis.TypeEPCISDocument, SchemaVersion: "2.0",
		CreationDate: created.UTC().Format("2006-01-02T15:04:05.000Z07:00")}
	doc.EPCISBody.EventList = evs
	return json.MarshalIndent(doc, "", "  ")
}

// identities returns the identity of every event of an encoded message.
func identities(name string, value []byte) ([]string, error) {
	doc, err := epcis.Parse(name, value)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	if len(doc.Events) == 0 {
		return nil, errors.New("demo: " + name + ": no events")
	}
	ids := make([]string, len(doc.Events))
	for i := range doc.Events {
		if ids[i], err = doc.Events[i].Identity(); err != nil {
			return nil, fmt.Errorf("demo: %s: event %d: %w", name, i, err)
		}
	}
	return ids, nil
}

// The JSON-LD shapes of the feed, in the field order EPCIS examples use.
type (
	jsonDocument struct {
		Context       []string `json:"@context"`
		Type          string   `json:"type"`
		SchemaVersion string   `json:"schemaVersion"`
		CreationDate  string   `json:"creationDate"`
		EPCISBody     struct {
			EventList []jsonEvent `json:"eventList"`
		} `json:"epcisBody"`
	}
	jsonEvent struct {
		Context             []string         `json:"@context,omitempty"`
		Type                string           `json:"type"`
		EventID             string           `json:"eventID,omitempty"`
		EventTime           string           `json:"eventTime"`
		EventTimeZoneOffset string           `json:"eventTimeZoneOffset"`
		EPCList             []string         `json:"epcList,omitempty"`
		ParentID            string           `json:"parentID,omitempty"`
		ChildEPCs           []string         `json:"childEPCs,omitempty"`
		InputEPCList        []string         `json:"inputEPCList,omitempty"`
		OutputEPCList       []string         `json:"outputEPCList,omitempty"`
		Action              string           `json:"action,omitempty"`
		BizStep             string           `json:"bizStep,omitempty"`
		Disposition         string           `json:"disposition,omitempty"`
		ReadPoint           *location        `json:"readPoint,omitempty"`
		BizLocation         *location        `json:"bizLocation,omitempty"`
		BizTransactionList  []bizTransaction `json:"bizTransactionList,omitempty"`
		SourceList          []source         `json:"sourceList,omitempty"`
		DestinationList     []destination    `json:"destinationList,omitempty"`
		SensorElementList   []sensorElement  `json:"sensorElementList,omitempty"`
		ILMD                *ilmd            `json:"ilmd,omitempty"`
	}
	location struct {
		ID string `json:"id"`
	}
	bizTransaction struct {
		Type           string `json:"type"`
		BizTransaction string `json:"bizTransaction"`
	}
	source struct {
		Type   string `json:"type"`
		Source string `json:"source"`
	}
	destination struct {
		Type        string `json:"type"`
		Destination string `json:"destination"`
	}
	sensorElement struct {
		SensorMetadata sensorMetadata `json:"sensorMetadata"`
		SensorReport   []sensorReport `json:"sensorReport"`
	}
	sensorMetadata struct {
		Time string `json:"time"`
	}
	sensorReport struct {
		Type  string  `json:"type"`
		Value float64 `json:"value"`
		UOM   string  `json:"uom"`
	}
	ilmd struct {
		CountryOfOrigin string `json:"cbvmda:countryOfOrigin,omitempty"`
		LotNumber       string `json:"cbvmda:lotNumber,omitempty"`
		BestBeforeDate  string `json:"cbvmda:bestBeforeDate,omitempty"`
	}
)
