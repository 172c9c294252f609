// Package claims defines the public claims of an EPCIS event — what buyers
// see and what is hashed into every proof — and the private origin facts
// that the proofs check without revealing them.
//
// The public claims of an event are its identity, type, action, bizStep,
// disposition, event time, product identifiers and, for an origin event,
// the claimed origin region. Everything else in the event (read points,
// business locations, parties, transactions, quantities, sensor readings,
// ILMD, certification details, extensions) is private.
//
// An origin event is one that claims a country of origin: its ILMD carries
// cbvmda:countryOfOrigin (or gs1:countryOfOrigin) with an ISO 3166-1
// alpha-2 code. Its origin facility, private, is the event's bizLocation
// (else its readPoint), as a canonical GS1 Digital Link URI.
//
// The canonical text of the claims, which another implementation must
// reproduce byte for byte to recompute Hash, is the UTF-8 string of these
// lines, each ended by "\n", in this order:
//
//	provenant-claims/v1
//	eventID=<identity>
//	type=<event type>
//	action=<action or empty>
//	bizStep=<CBV IRI or empty>
//	disposition=<CBV IRI or empty>
//	eventTime=<UTC, milliseconds, finer digits cut: 2006-01-02T15:04:05.000Z>
//	originRegion=<ISO 3166-1 alpha-2 or empty>
//	product=<identifier>          (one line per product, sorted, unique)
//
// Product identifiers are normalised to constrained canonical GS1 Digital
// Link URIs where they are GS1 identifiers (epcis.NormalizeEPC). bizStep and
// disposition are given as full CBV IRIs
// (https://ref.gs1.org/cbv/BizStep-shipping).
//
// Hash = H(Digest(text), eventTime in Unix milliseconds, Region(originRegion))
// with H and the encodings of package field.
package claims

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/provenant/provenant/epcis"
	"github.com/provenant/provenant/field"
)

// Version is the first line of the canonical text of the claims.
const Version = "provenant-claims/v1"

// TimeLayout is how event times appear in the canonical text.
const TimeLayout = "2006-01-02T15:04:05.000Z"

// Claims are an event's public claims.
type Claims struct {
	EventID      string    `json:"eventID"`
	Type         string    `json:"type"`
	Action       string    `json:"action,omitempty"`
	BizStep      string    `json:"bizStep,omitempty"`
	Disposition  string    `json:"disposition,omitempty"`
	EventTime    time.Time `json:"eventTime"`
	Products     []string  `json:"products"`
	OriginRegion string    `json:"originRegion,omitempty"`
}

// Origin holds the private origin facts of an origin event; it is zero for
// other events.
type Origin struct {
	// Facility is the canonical identifier of the origin facility.
	Facility string
	// Region is the claimed ISO 3166-1 alpha-2 region; it equals the
	// public claim's OriginRegion.
	Region string
}

// ErrInvalid reports an event whose claims cannot be formed.
var ErrInvalid = errors.New("invalid claims")

// countryOfOriginIRIs are the expanded keys under which ILMD carries the
// country of origin.
var countryOfOriginIRIs = []string{
	"urn:epcglobal:cbv:mda#countryOfOrigin",
	"urn:epcglobal:cbv:mda:countryOfOrigin",
	"https://gs1.org/voc/countryOfOrigin",
}

// FromEvent returns the public claims and private origin facts of ev.
func FromEvent(ev *epcis.Event) (Claims, Origin, error) {
	id, err := ev.Identity()
	if err != nil {
		return Claims{}, Origin{}, fmt.Errorf("event %d: identity: %w", ev.Index, err)
	}
	c := Claims{
		EventID:   id,
		Type:      ev.Type,
		Action:    ev.Action,
		EventTime: ev.EventTime.UTC().Truncate(time.Millisecond),
	}
	if ev.BizStep != "" {
		c.BizStep = ev.BizStepURI()
	}
	if ev.Disposition != "" {
		c.Disposition = ev.DispositionURI()
	}
	seen := map[string]bool{}
	for _, p := range ev.Products() {
		n := epcis.NormalizeEPC(p)
		if !seen[n] {
			seen[n] = true
			c.Products = append(c.Products, n)
		}
	}
	sort.Strings(c.Products)

	region, err := countryOfOrigin(ev)
	if err != nil {
		return Claims{}, Origin{}, fmt.Errorf("event %s: %w", id, err)
	}
	var o Origin
	if region != "" {
		loc := ev.BizLocation
		if loc == nil || loc.ID == "" {
			loc = ev.ReadPoint
		}
		if loc == nil || loc.ID == "" {
			return Claims{}, Origin{}, fmt.Errorf("event %s: %w: it claims origin region %s but names no facility (bizLocation or readPoint)", id, ErrInvalid, region)
		}
		c.OriginRegion = region
		o = Origin{Facility: epcis.NormalizeEPC(loc.ID), Region: region}
	}
	if err := c.check(); err != nil {
		return Claims{}, Origin{}, fmt.Errorf("event %s: %w", id, err)
	}
	return c, o, nil
}

// countryOfOrigin returns the country of origin the event's ILMD claims, or
// "" when it claims none.
func countryOfOrigin(ev *epcis.Event) (string, error) {
	if len(ev.ILMD) == 0 {
		return "", nil
	}
	var ilmd map[string]json.RawMessage
	if err := json.Unmarshal(ev.ILMD, &ilmd); err != nil {
		return "", nil // not an object: the validator reports it
	}
	for key, raw := range ilmd {
		if !isCountryOfOrigin(ev.Context, key) {
			continue
		}
		var code string
		if err := json.Unmarshal(raw, &code); err != nil {
			var obj struct {
				CountryCode string `json:"countryCode"`
			}
			if err := json.Unmarshal(raw, &obj); err != nil || obj.CountryCode == "" {
				return "", fmt.Errorf("%w: ilmd %s must be an ISO 3166-1 alpha-2 code", ErrInvalid, key)
			}
			code = obj.CountryCode
		}
		if _, err := field.Region(code); err != nil {
			return "", fmt.Errorf("%w: ilmd %s: %v", ErrInvalid, key, err)
		}
		return code, nil
	}
	return "", nil
}

func isCountryOfOrigin(ctx epcis.Context, key string) bool {
	_, local, ok := epcis.SplitCURIE(key)
	if !ok || local != "countryOfOrigin" {
		return false
	}
	iri, ok := ctx.ExpandCURIE(key)
	if !ok {
		return false
	}
	for _, want := range countryOfOriginIRIs {
		if iri == want {
			return true
		}
	}
	return false
}

// check rejects claims that the canonical text cannot carry.
func (c Claims) check() error {
	if c.EventID == "" || c.Type == "" {
		return fmt.Errorf("%w: event ID and type are required", ErrInvalid)
	}
	if c.EventTime.IsZero() || c.EventTime.Before(time.Unix(0, 0)) {
		return fmt.Errorf("%w: event time %s is before 1970", ErrInvalid, c.EventTime.Format(time.RFC3339))
	}
	values := append([]string{c.EventID, c.Type, c.Action, c.BizStep, c.Disposition, c.OriginRegion}, c.Products...)
	for _, v := range values {
		if strings.ContainsAny(v, "\r\n") {
			return fmt.Errorf("%w: value %q holds a line break", ErrInvalid, v)
		}
	}
	return nil
}

// Text returns the canonical text of the claims.
func (c Claims) Text() string {
	var b strings.Builder
	line := func(k, v string) {
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(v)
		b.WriteByte('\n')
	}
	b.WriteString(Version)
	b.WriteByte('\n')
	line("eventID", c.EventID)
	line("type", c.Type)
	line("action", c.Action)
	line("bizStep", c.BizStep)
	line("disposition", c.Disposition)
	line("eventTime", c.EventTime.UTC().Format(TimeLayout))
	line("originRegion", c.OriginRegion)
	for _, p := range c.Products {
		line("product", p)
	}
	return b.String()
}

// Hash returns the field hash of the claims, the value that signatures and
// batch leaves commit to: field.Hash of HashInputs.
func (c Claims) Hash() (field.Element, error) {
	in, err := c.HashInputs()
	if err != nil {
		return field.Element{}, err
	}
	return field.Hash(in[:]...), nil
}

// HashInputs returns the three elements Hash hashes, in order: the digest
// of Text, the event time in Unix milliseconds, and the origin region. It
// is for callers that interleave the hash with other work (field.Compress2).
func (c Claims) HashInputs() ([3]field.Element, error) {
	if err := c.check(); err != nil {
		return [3]field.Element{}, err
	}
	region, err := field.Region(c.OriginRegion)
	if err != nil {
		return [3]field.Element{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	ms := c.EventTime.UnixMilli()
	return [3]field.Element{field.Digest([]byte(c.Text())), field.Uint64(uint64(ms)), region}, nil
}

// Private is the private payload the store keeps, sealed, for each event:
// everything the prover needs that buyers must never see. Ingest writes it;
// the prover reads it.
type Private struct {
	// Event is the event's JSON object exactly as the supplier sent it,
	// byte for byte (base64 in the payload's JSON, so that no encoder
	// reformats it: the signature covers these bytes).
	Event []byte `json:"event"`
	// Context is the @context of the document that carried the event.
	Context json.RawMessage `json:"context,omitempty"`
	// OriginFacility is the origin facility of an origin event.
	OriginFacility string `json:"originFacility,omitempty"`
	// Signature and Salt are the supplier's, in hex.
	Signature string `json:"signature"`
	Salt      string `json:"salt"`
}
