// Package pipelinetest builds, for tests, what the stages before a test's
// subject produce: a SQLite store, registered suppliers, a certified
// origin, signed EPCIS events ingested as the ingest stage stores them,
// and batches proven by the real prover with small single-party (test
// only) keys.
package pipelinetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/consensys/gnark/backend/groth16"
	"github.com/segmentio/kafka-go"

	"github.com/provenant/provenant/circuits/batch"
	"github.com/provenant/provenant/ingest"
	"github.com/provenant/provenant/prover"
	"github.com/provenant/provenant/prover/setup"
	"github.com/provenant/provenant/registry"
	"github.com/provenant/provenant/store"
	"github.com/provenant/provenant/store/sqlstore"
	"github.com/provenant/provenant/store/storetest"
	"github.com/provenant/provenant/supplier"
)

// Facility is the certified origin facility of Certify, in region DE.
const Facility = "urn:epc:id:sgln:4012345.00001.0"

// Keys compiles a layout and runs an INSECURE single-party setup. The key
// hash is the verifying key's real hash, as the ledger requires.
func Keys(tb testing.TB, l batch.Layout) prover.Keys {
	tb.Helper()
	cs, err := l.Compile()
	if err != nil {
		tb.Fatal(err)
	}
	pk, vk, err := groth16.Setup(cs)
	if err != nil {
		tb.Fatal(err)
	}
	h, err := setup.VerifyingKeyHash(vk)
	if err != nil {
		tb.Fatal(err)
	}
	return prover.Keys{Layout: l, CS: cs, ProvingKey: pk, VerifyingKey: vk, KeyHash: h}
}

// OpenSQLite opens a new SQLite store, closed when the test ends.
func OpenSQLite(tb testing.TB, ctx context.Context) *sqlstore.Store {
	tb.Helper()
	st, err := sqlstore.Open(ctx, storetest.SQLiteURL(tb), sqlstore.WithSealer(storetest.NewSealer(tb)))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

// NewSupplier generates a supplier key and registers it.
func NewSupplier(tb testing.TB, ctx context.Context, st store.Store) *supplier.Key {
	tb.Helper()
	k, err := supplier.GenerateKey(nil)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := st.AddSupplier(ctx, store.Supplier{PublicKey: k.Public().String()}); err != nil {
		tb.Fatal(err)
	}
	return k
}

// Certify imports an origin registry certifying Facility in DE for 2026.
func Certify(tb testing.TB, ctx context.Context, st store.Store) {
	tb.Helper()
	o := registry.Origin{Facility: Facility, Region: "DE",
		ValidFrom: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), ValidUntil: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC), Certificate: "CERT-1"}
	if _, _, err := registry.ImportOrigins(ctx, st, []registry.Origin{o}, false); err != nil {
		tb.Fatal(err)
	}
}

// Event returns one signed EPCIS event as a Kafka message: an origin event
// at Facility when origin is set (a region), else a shipping event. The
// event concerns product serial (an SGTIN) at second serial of the day.
func Event(tb testing.TB, k *supplier.Key, serial int, origin string) kafka.Message {
	tb.Helper()
	return EventFor(tb, k, fmt.Sprintf("urn:epc:id:sgtin:4012345.011111.%d", serial), serial, origin)
}

// EventFor is Event for a given product (an EPC URI), at second second of
// the day.
func EventFor(tb testing.TB, k *supplier.Key, product string, second int, origin string) kafka.Message {
	tb.Helper()
	extra := `"action": "OBSERVE", "bizStep": "shipping", "readPoint": {"id": "urn:epc:id:sgln:4012345.00002.0"}`
	if origin != "" {
		extra = fmt.Sprintf(`"action": "ADD", "bizStep": "commissioning", "bizLocation": {"id": %q}, "ilmd": {"cbvmda:countryOfOrigin": %q}`, Facility, origin)
	}
	doc := fmt.Sprintf(`{"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
  "type": "ObjectEvent", "eventTime": "2026-06-01T%02d:%02d:%02d.000Z", "eventTimeZoneOffset": "+00:00",
  "epcList": [%q], %s}`, second/3600%24, second/60%60, second%60, product, extra)
	return Sign(tb, k, doc)
}

// Sign signs an EPCIS document as supplier k and returns it as the Kafka
// message a supplier pushes.
func Sign(tb testing.TB, k *supplier.Key, doc string) kafka.Message {
	tb.Helper()
	msg, err := k.SignMessage("event.json", []byte(doc), nil)
	if err != nil {
		tb.Fatal(err)
	}
	km := kafka.Message{Topic: supplier.Topic, Value: msg.Value}
	for _, h := range msg.Headers {
		km.Headers = append(km.Headers, kafka.Header{Key: h.Key, Value: []byte(h.Value)})
	}
	return km
}

// Ingest checks and stores messages as the ingest stage does, and returns
// the stored event IDs.
func Ingest(tb testing.TB, ctx context.Context, st store.Store, msgs ...kafka.Message) []string {
	tb.Helper()
	proc, err := ingest.NewProcessor(st, 0, 0)
	if err != nil {
		tb.Fatal(err)
	}
	var ids []string
	for _, m := range msgs {
		evs, err := proc.Process(ctx, m)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := st.InsertEvents(ctx, evs); err != nil {
			tb.Fatal(err)
		}
		for _, e := range evs {
			ids = append(ids, e.ID)
		}
	}
	return ids
}

// Prove proves one batch of the store's RECEIVED events with keys and
// returns it; it fails the test when nothing was proven.
func Prove(tb testing.TB, ctx context.Context, st store.Store, keys prover.Keys) store.Batch {
	tb.Helper()
	p, err := prover.New(st, keys, prover.CPU(), prover.Config{Owner: "pipelinetest", MaxWait: time.Millisecond})
	if err != nil {
		tb.Fatal(err)
	}
	res, err := p.ProveOnce(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	if res.Batch.ID == "" {
		tb.Fatalf("nothing proven (rejected: %v)", res.Rejected)
	}
	return res.Batch
}

// ProvenBatch stores n new events of supplier k (serials from serial on,
// the first an origin event) and proves them as one batch.
func ProvenBatch(tb testing.TB, ctx context.Context, st store.Store, keys prover.Keys, k *supplier.Key, serial, n int) store.Batch {
	tb.Helper()
	msgs := make([]kafka.Message, n)
	for i := range msgs {
		origin := ""
		if i == 0 {
			origin = "DE"
		}
		msgs[i] = Event(tb, k, serial+i, origin)
	}
	Ingest(tb, ctx, st, msgs...)
	return Prove(tb, ctx, st, keys)
}
