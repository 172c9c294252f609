package demo_test

import (
	"bytes"
	"errors"
	"slices"
	"testing"

	"github.com/provenant/provenant/claims"
	"github.com/provenant/provenant/demo"
	"github.com/provenant/provenant/epcis"
	"github.com/provenant/provenant/ingest"
	"github.com/provenant/provenant/registry"
	"github.com/provenant/provenant/services"
	"github.com/provenant/provenant/store"
)

func generate(t testing.TB, cfg demo.FeedConfig) *demo.Feed {
	t.Helper()
	f, err := demo.Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestFeedIsValidEPCIS checks every good message against the EPCIS 2.0
// schema and CBV rules, and that every bad one breaks them as it should.
func TestFeedIsValidEPCIS(t *testing.T) {
	v, err := epcis.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	f := generate(t, demo.FeedConfig{Suppliers: 4, Events: 61, Seed: 7})
	faults := map[demo.Fault]int{}
	for _, m := range f.Messages {
		doc, err := v.Validate(m.Name, m.Value)
		var verr *epcis.ValidationError
		switch m.Fault {
		case demo.FaultNone, demo.FaultUnsigned, demo.FaultUnknownKey:
			if err != nil {
				t.Errorf("%s: %v\n%s", m.Name, err, m.Value)
				continue
			}
			if m.Fault == demo.FaultNone && len(doc.Events) != len(m.Events) {
				t.Errorf("%s: %d events, the feed says %d", m.Name, len(doc.Events), len(m.Events))
			}
		case demo.FaultMalformed:
			if !errors.As(err, &verr) || !verr.Has(epcis.CodeInvalidJSON) {
				t.Errorf("%s: validation %v, want invalid JSON", m.Name, err)
			}
			if _, err := v.Validate(m.Name, m.Signed); err != nil {
				t.Errorf("%s: the document signed before the cut: %v", m.Name, err)
			}
		case demo.FaultInvalid:
			if !errors.As(err, &verr) || !verr.Has(epcis.CodeInvalidValue) {
				t.Errorf("%s: validation %v, want an invalid value", m.Name, err)
			}
		}
		faults[m.Fault]++
	}
	for _, fault := range demo.Faults() {
		if faults[fault] != 1 {
			t.Errorf("%d %s messages, want 1", faults[fault], fault)
		}
	}
}

// TestFeedStory checks the shape of the feed: the event count, the
// stories, unique identities, and origin claims that the demo origin
// registry backs for most lots and not for a few.
func TestFeedStory(t *testing.T) {
	origins, err := registry.NewOrigins(services.DemoFacilities())
	if err != nil {
		t.Fatal(err)
	}
	f := generate(t, demo.FeedConfig{Suppliers: 3, Events: 60, Seed: 42})
	evs := f.Events()
	if len(evs) != 60 {
		t.Fatalf("%d events, want 60", len(evs))
	}
	perSupplier := map[int]int{}
	seen := map[string]bool{}
	steps := map[demo.Step]int{}
	types := map[string]int{}
	var rejected int
	for _, e := range evs {
		if seen[e.ID] {
			t.Errorf("event %s appears twice", e.ID)
		}
		seen[e.ID] = true
		perSupplier[e.Supplier]++
		steps[e.Step]++
		types[e.Type]++
		if e.Step != demo.StepCommissioning {
			if e.Expect != store.StatusAnchored || e.OriginRegion != "" {
				t.Errorf("%s event %s: expect %s, origin %q", e.Step, e.ID, e.Expect, e.OriginRegion)
			}
			continue
		}
		_, _, err := origins.FindClaim(epcis.NormalizeEPC(e.OriginFacility), e.OriginRegion, f.Start.AddDate(0, 0, 30))
		certified := err == nil
		if err != nil && !errors.Is(err, registry.ErrNotCertified) {
			t.Fatal(err)
		}
		switch {
		case e.Expect == store.StatusAnchored && !certified:
			t.Errorf("lot %s: %s at %s is not certified, yet expected ANCHORED", e.Lot, e.OriginRegion, e.OriginFacility)
		case e.Expect == store.StatusRejected && certified:
			t.Errorf("lot %s: %s at %s is certified, yet expected REJECTED", e.Lot, e.OriginRegion, e.OriginFacility)
		case e.Expect == store.StatusRejected:
			rejected++
			if e.Uncertified == "" {
				t.Errorf("lot %s: no reason given for the rejection", e.Lot)
			}
		}
	}
	for s := range 3 {
		if perSupplier[s] != 20 {
			t.Errorf("supplier %d sends %d events, want 20", s, perSupplier[s])
		}
	}
	if rejected == 0 || rejected > steps[demo.StepCommissioning]/2 {
		t.Errorf("%d of %d lots claim an uncertified origin, want a few", rejected, steps[demo.StepCommissioning])
	}
	for _, typ := range []string{epcis.TypeObjectEvent, epcis.TypeAggregationEvent, epcis.TypeTransformationEvent} {
		if types[typ] == 0 {
			t.Errorf("no %s in the feed", typ)
		}
	}
	if steps[demo.StepCommissioning] != 12 || steps[demo.StepTransforming] != 9 {
		t.Errorf("steps %v, want 12 lots of which 9 complete", steps)
	}
}

// TestFeedOriginClaims checks that commissioning events carry their origin
// claim where package claims reads it: the region in public, the facility
// in private.
func TestFeedOriginClaims(t *testing.T) {
	f := generate(t, demo.FeedConfig{Suppliers: 2, Events: 12, Seed: 3})
	for _, m := range f.Messages {
		if m.Fault != demo.FaultNone {
			continue
		}
		doc, err := epcis.Parse(m.Name, m.Value)
		if err != nil {
			t.Fatal(err)
		}
		for i := range doc.Events {
			c, o, err := claims.FromEvent(&doc.Events[i])
			if err != nil {
				t.Fatal(err)
			}
			want := m.Events[i]
			if c.EventID != want.ID || c.OriginRegion != want.OriginRegion || o.Facility != normalize(want.OriginFacility) {
				t.Errorf("%s event %d: claims %s %q at %q, want %s %q at %q", m.Name, i, c.EventID, c.OriginRegion, o.Facility, want.ID, want.OriginRegion, want.OriginFacility)
			}
		}
	}
}

func normalize(facility string) string {
	if facility == "" {
		return ""
	}
	return epcis.NormalizeEPC(facility)
}

func TestFeedIsDeterministic(t *testing.T) {
	cfg := demo.FeedConfig{Suppliers: 3, Events: 30, Seed: 99}
	a, b := generate(t, cfg), generate(t, cfg)
	if len(a.Messages) != len(b.Messages) || !a.Start.Equal(b.Start) {
		t.Fatalf("two feeds of one seed differ: %d and %d messages", len(a.Messages), len(b.Messages))
	}
	for i := range a.Messages {
		if !bytes.Equal(a.Messages[i].Value, b.Messages[i].Value) || !slices.Equal(a.Messages[i].EventIDs(), b.Messages[i].EventIDs()) {
			t.Fatalf("message %d differs between two feeds of one seed:\n%s\n%s", i, a.Messages[i].Value, b.Messages[i].Value)
		}
	}
	c := generate(t, demo.FeedConfig{Suppliers: 3, Events: 30, Seed: 100})
	for _, e := range c.Events() {
		for _, old := range a.Events() {
			if e.ID == old.ID {
				t.Fatalf("feeds of seeds 99 and 100 share event %s", e.ID)
			}
		}
	}
}

func TestFeedConfigLimits(t *testing.T) {
	for _, cfg := range []demo.FeedConfig{
		{Suppliers: 0, Events: 10},
		{Suppliers: 3, Events: 2},
		{Suppliers: demo.MaxSuppliers + 1, Events: 1000},
		{Suppliers: 1, Events: demo.MaxEvents + 1},
	} {
		if _, err := demo.Generate(cfg); err == nil {
			t.Errorf("Generate(%+v) succeeded", cfg)
		}
	}
	// The smallest feed: one event per supplier, each a commissioning.
	f := generate(t, demo.FeedConfig{Suppliers: 2, Events: 2})
	if evs := f.Events(); len(evs) != 2 || evs[0].Step != demo.StepCommissioning || evs[0].Expect != store.StatusAnchored {
		t.Errorf("events %+v, want two certified commissioning events", evs)
	}
}

func TestFaultCodes(t *testing.T) {
	want := map[demo.Fault]ingest.Code{
		demo.FaultMalformed:  ingest.CodeMalformed,
		demo.FaultInvalid:    ingest.CodeInvalid,
		demo.FaultUnsigned:   ingest.CodeMissingHeader,
		demo.FaultUnknownKey: ingest.CodeUnknownSupplier,
	}
	for _, f := range demo.Faults() {
		if f.Code() != want[f] {
			t.Errorf("%s: code %s, want %s", f, f.Code(), want[f])
		}
	}
}
