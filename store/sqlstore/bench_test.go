package sqlstore_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/provenant/provenant/store"
	"github.com/provenant/provenant/store/sqlstore"
	"github.com/provenant/provenant/store/storetest"
)

// benchEvent returns an event of realistic size: two products, about 200 bytes of claims
// and 600 of private payload.
func benchEvent(i int) store.Event {
	id := fmt.Sprintf("urn:uuid:bench-%09d", i)
	return store.Event{
		ID:          id,
		HashID:      "ni:///sha-256;" + strings.Repeat("0b", 32) + "?ver=CBV2.0",
		Type:        "ObjectEvent",
		Action:      "OBSERVE",
		BizStep:     "shipping",
		Disposition: "in_transit",
		EventTime:   time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Millisecond),
		Products: []string{
			fmt.Sprintf("urn:epc:id:sgtin:0614141.107346.%d", i),
			fmt.Sprintf("urn:epc:id:sgtin:0614141.107346.%d", i%1000),
		},
		OriginRegion: "PT",
		Supplier:     strings.Repeat("5a", 32),
		Claims:       []byte(`{"eventID":"` + id + `","type":"ObjectEvent","action":"OBSERVE","bizStep":"shipping","disposition":"in_transit","epcList":["urn:epc:id:sgtin:0614141.107346.2017"]}`),
		Private:      []byte(`{"readPoint":"urn:epc:id:sgln:0614141.00777.0","bizLocation":"urn:epc:id:sgln:0614141.00888.0","sensor":` + strings.Repeat(`{"type":"Temperature","value":4.5},`, 15) + `null}`),
		Topic:        "provenant.events.v1",
		Offset:       int64(i),
	}
}

func benchStore(b *testing.B, be backend) *sqlstore.Store {
	b.Helper()
	return open(b, be.newURL(b), sqlstore.WithSealer(storetest.NewSealer(b)))
}

// BenchmarkInsertEvent inserts one event per call.
func BenchmarkInsertEvent(b *testing.B) {
	for _, be := range backends() {
		b.Run(be.name, func(b *testing.B) {
			s := benchStore(b, be)
			n := 0
			for b.Loop() {
				if inserted, err := s.InsertEvent(b.Context(), benchEvent(n)); err != nil || !inserted {
					b.Fatalf("InsertEvent = %v, %v", inserted, err)
				}
				n++
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// BenchmarkInsertEvents inserts batches of 100 events per call, as ingest does.
func BenchmarkInsertEvents(b *testing.B) {
	const batchSize = 100
	for _, be := range backends() {
		b.Run(be.name, func(b *testing.B) {
			s := benchStore(b, be)
			n := 0
			batch := make([]store.Event, batchSize)
			for b.Loop() {
				for i := range batch {
					batch[i] = benchEvent(n + i)
				}
				results, err := s.InsertEvents(b.Context(), batch)
				if err != nil {
					b.Fatal(err)
				}
				for _, r := range results {
					if r.Err != nil || !r.Inserted {
						b.Fatalf("InsertEvents result %+v", r)
					}
				}
				n += batchSize
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// BenchmarkInsertEventGroups inserts the events of many messages per call, as ingest does
// with a batch of Kafka messages: 256 messages of one event, and 32 of eight.
func BenchmarkInsertEventGroups(b *testing.B) {
	shapes := []struct{ groups, size int }{{256, 1}, {32, 8}}
	for _, be := range backends() {
		b.Run(be.name, func(b *testing.B) {
			for _, shape := range shapes {
				b.Run(fmt.Sprintf("%dx%d", shape.groups, shape.size), func(b *testing.B) {
					s := benchStore(b, be)
					groups := make([][]store.Event, shape.groups)
					for g := range groups {
						groups[g] = make([]store.Event, shape.size)
					}
					n := 0
					for b.Loop() {
						for _, group := range groups {
							for i := range group {
								group[i] = benchEvent(n)
								n++
							}
						}
						mustInsertGroups(b, s, groups)
					}
					b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
				})
			}
		})
	}
}

// BenchmarkClaimEvents claims 128 events per call, as a prover filling a batch does, from
// a backlog of 10,000 RECEIVED events of realistic size, opening their private payloads.
// The clock moves past the lease after each call, so that every call takes the oldest 128
// again: the cost of a claim at the head of the queue, as when the events before it have
// been proven.
func BenchmarkClaimEvents(b *testing.B) {
	const limit, backlog = 128, 10_000
	for _, be := range backends() {
		b.Run(be.name, func(b *testing.B) {
			clock := storetest.NewClock(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
			s := open(b, be.newURL(b), sqlstore.WithSealer(storetest.NewSealer(b)), sqlstore.WithClock(clock.Now))
			events := make([]store.Event, backlog)
			for i := range events {
				events[i] = benchEvent(i)
			}
			for i := 0; i < backlog; i += 500 {
				if _, err := s.InsertEvents(b.Context(), events[i:i+500]); err != nil {
					b.Fatal(err)
				}
			}
			n := 0
			for b.Loop() {
				claimed, err := s.ClaimEvents(b.Context(), "bench-prover", limit, time.Minute)
				if err != nil || len(claimed) != limit {
					b.Fatalf("ClaimEvents = %d events, %v; want %d", len(claimed), err, limit)
				}
				n += len(claimed)
				clock.Advance(time.Minute)
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// BenchmarkInsertEventGroupsAtScale inserts 256 single-event groups per call, as ingest
// does, into a store that already holds 200,000 events, with IDs and products in random
// order as hash IDs and serial numbers are: each insert lands on its own leaf page of
// the ID and product indexes, which an empty store with sequential IDs hides.
func BenchmarkInsertEventGroupsAtScale(b *testing.B) {
	const backlog, groupCount = 200_000, 256
	for _, be := range backends() {
		b.Run(be.name, func(b *testing.B) {
			s := benchStore(b, be)
			groups := make([][]store.Event, groupCount)
			n := 0
			fill := func() {
				for g := range groups {
					groups[g] = []store.Event{storetest.RandomEvent(n)}
					n++
				}
				mustInsertGroups(b, s, groups)
			}
			for n < backlog {
				fill()
			}
			start := n
			for b.Loop() {
				fill()
			}
			b.ReportMetric(float64(n-start)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// mustInsertGroups stores groups and fails the benchmark unless every group
// is stored.
func mustInsertGroups(b *testing.B, s *sqlstore.Store, groups [][]store.Event) {
	b.Helper()
	errs, err := s.InsertEventGroups(b.Context(), groups)
	if err != nil {
		b.Fatal(err)
	}
	for g, err := range errs {
		if err != nil {
			b.Fatalf("group %d: %v", g, err)
		}
	}
}
