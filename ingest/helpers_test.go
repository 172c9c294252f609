package ingest_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/segmentio/kafka-go"

	"github.com/provenant/provenant/store"
	"github.com/provenant/provenant/supplier"
)

// eventDoc returns an EPCIS document of n shipping events of product serial
// base..base+n-1, each carrying private details.
func eventDoc(base, n int) []byte {
	events := ""
	for i := range n {
		if i > 0 {
			events += ","
		}
		events += fmt.Sprintf(`{
      "type": "ObjectEvent",
      "eventTime": "2026-11-2%dT10:%02d:%02d.000Z",
      "eventTimeZoneOffset": "+00:00",
      "epcList": ["urn:epc:id:sgtin:4012345.011111.%d"],
      "action": "OBSERVE",
      "bizStep": "shipping",
      "disposition": "in_transit",
      "readPoint": {"id": "urn:epc:id:sgln:4012345.00002.0"},
      "bizTransactionList": [{"type": "po", "bizTransaction": "urn:epcglobal:cbv:bt:4012345000009:PO-%d"}]
    }`, 1+(base+i)%8, (base+i)/60%60, (base+i)%60, base+i, base+i)
	}
	return []byte(`{
  "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
  "type": "EPCISDocument",
  "schemaVersion": "2.0",
  "creationDate": "2026-11-20T08:00:00.000Z",
  "epcisBody": {"eventList": [` + events + `]}
}`)
}

// signed returns a Kafka message carrying value signed by k.
func signed(t testing.TB, k *supplier.Key, value []byte) kafka.Message {
	t.Helper()
	msg, err := k.SignMessage("test", value, nil)
	if err != nil {
		t.Fatalf("sign: %v", err)
	}
	return toKafka(msg)
}

func toKafka(m supplier.Message) kafka.Message {
	km := kafka.Message{Topic: supplier.Topic, Key: []byte(m.Key), Value: m.Value}
	for _, h := range m.Headers {
		km.Headers = append(km.Headers, kafka.Header{Key: h.Key, Value: []byte(h.Value)})
	}
	return km
}

func newKey(t testing.TB) *supplier.Key {
	t.Helper()
	k, err := supplier.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// registry is an in-memory supplier registry for unit tests of the
// Processor's logic.
type registry struct {
	mu    sync.Mutex
	keys  map[string]store.Supplier
	calls int
}

func newRegistry(keys ...*supplier.Key) *registry {
	r := &registry{keys: map[string]store.Supplier{}}
	for _, k := range keys {
		r.keys[k.Public().String()] = store.Supplier{PublicKey: k.Public().String()}
	}
	return r
}

func (r *registry) GetSupplier(_ context.Context, key string) (store.Supplier, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	s, ok := r.keys[key]
	if !ok {
		return store.Supplier{}, store.ErrNotFound
	}
	return s, nil
}
