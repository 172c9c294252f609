package prover_test

import (
	"context"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/segmentio/kafka-go"

	"github.com/provenant/provenant/circuits/batch"
	"github.com/provenant/provenant/claims"
	"github.com/provenant/provenant/field"
	"github.com/provenant/provenant/ingest"
	"github.com/provenant/provenant/merkle"
	"github.com/provenant/provenant/prover"
	"github.com/provenant/provenant/registry"
	"github.com/provenant/provenant/store"
	"github.com/provenant/provenant/store/sqlstore"
	"github.com/provenant/provenant/store/storetest"
	"github.com/provenant/provenant/supplier"
)

// devKeys compiles a small layout and runs an insecure single-party setup:
// test keys only.
func devKeys(t testing.TB, l batch.Layout) prover.Keys {
	t.Helper()
	cs, err := l.Compile()
	if err != nil {
		t.Fatal(err)
	}
	pk, vk, err := groth16.Setup(cs)
	if err != nil {
		t.Fatal(err)
	}
	return prover.Keys{Layout: l, CS: cs, ProvingKey: pk, VerifyingKey: vk, KeyHash: "test-" + l.ID()}
}

var (
	keysOnce sync.Once
	keys     prover.Keys
)

// testKeys are shared by the tests: 4 events, 2 key slots, 2 origin slots.
func testKeys(t testing.TB) prover.Keys {
	keysOnce.Do(func() { keys = devKeys(t, batch.Layout{Events: 4, Keys: 2, Origins: 2}) })
	return keys
}

const facility = "urn:epc:id:sgln:4012345.00001.0"

// event returns one signed EPCIS event as a Kafka message.
func event(t testing.TB, k *supplier.Key, serial int, origin string) kafka.Message {
	t.Helper()
	extra := `"action": "OBSERVE", "bizStep": "shipping", "readPoint": {"id": "urn:epc:id:sgln:4012345.00002.0"}`
	if origin != "" {
		extra = fmt.Sprintf(`"action": "ADD", "bizStep": "commissioning", "bizLocation": {"id": %q}, "ilmd": {"cbvmda:countryOfOrigin": %q}`, facility, origin)
	}
	doc := fmt.Sprintf(`{"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
  "type": "ObjectEvent", "eventTime": "2026-06-01T10:00:%02d.000Z", "eventTimeZoneOffset": "+00:00",
  "epcList": ["urn:epc:id:sgtin:4012345.011111.%d"], %s}`, serial%60, serial, extra)
	msg, err := k.SignMessage("event.json", []byte(doc), nil)
	if err != nil {
		t.Fatal(err)
	}
	km := kafka.Message{Topic: supplier.Topic, Value: msg.Value}
	for _, h := range msg.Headers {
		km.Headers = append(km.Headers, kafka.Header{Key: h.Key, Value: []byte(h.Value)})
	}
	return km
}

// ingestAll checks and stores the messages as the ingest stage does.
func ingestAll(t testing.TB, ctx context.Context, st store.Store, msgs ...kafka.Message) []string {
	t.Helper()
	proc, err := ingest.NewProcessor(st, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, m := range msgs {
		evs, err := proc.Process(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.InsertEvents(ctx, evs); err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			ids = append(ids, e.ID)
		}
	}
	return ids
}

func openSQLite(t testing.TB, ctx context.Context) *sqlstore.Store {
	t.Helper()
	st, err := sqlstore.Open(ctx, storetest.SQLiteURL(t), sqlstore.WithSealer(storetest.NewSealer(t)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func register(t testing.TB, ctx context.Context, st store.Store, keys ...*supplier.Key) {
	t.Helper()
	for _, k := range keys {
		if _, err := st.AddSupplier(ctx, store.Supplier{PublicKey: k.Public().String()}); err != nil {
			t.Fatal(err)
		}
	}
}

func certify(t testing.TB, ctx context.Context, st store.Store) {
	t.Helper()
	o := registry.Origin{Facility: facility, Region: "DE",
		ValidFrom: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), ValidUntil: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC), Certificate: "CERT-1"}
	if _, _, err := registry.ImportOrigins(ctx, st, []registry.Origin{o}, false); err != nil {
		t.Fatal(err)
	}
}

func TestProveBatchAndRejectUnprovable(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	st := openSQLite(t, ctx)
	alice, bob := mustKey(t), mustKey(t)
	register(t, ctx, st, alice, bob)
	certify(t, ctx, st)

	ids := ingestAll(t, ctx, st,
		event(t, alice, 1, "DE"), // certified origin
		event(t, alice, 2, ""),   // shipping
		event(t, alice, 3, "FR"), // wrong region for the facility
		event(t, bob, 4, ""),     // bob is removed below
	)
	if err := st.RemoveSupplier(ctx, bob.Public().String()); err != nil {
		t.Fatal(err)
	}

	k := testKeys(t)
	p, err := prover.New(st, k, prover.CPU(), prover.Config{Owner: "test", MaxWait: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.ProveOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rejected) != 2 || !strings.Contains(res.Rejected[ids[2]], "not certified") || !strings.Contains(res.Rejected[ids[3]], "supplier registry") {
		t.Fatalf("rejected %v, want events 2 (uncertified) and 3 (removed supplier)", res.Rejected)
	}
	if res.Batch.ID == "" {
		t.Fatal("no batch proven")
	}
	for _, id := range ids[:2] {
		e, err := st.GetEvent(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if e.Status != store.StatusProven || e.BatchID != res.Batch.ID {
			t.Errorf("event %s: status %s batch %q, want PROVEN in %s", id, e.Status, e.BatchID, res.Batch.ID)
		}
		checkInclusion(t, ctx, st, e, res.Batch)
	}
	for _, id := range ids[2:] {
		e, _ := st.GetEvent(ctx, id)
		if e.Status != store.StatusRejected || e.RejectReason == "" {
			t.Errorf("event %s: status %s reason %q, want REJECTED with a reason", id, e.Status, e.RejectReason)
		}
	}

	// The stored proof verifies against the key and the stored public inputs.
	proof := groth16.NewProof(ecc.BN254)
	if _, err := proof.ReadFrom(bytesReader(res.Batch.Proof)); err != nil {
		t.Fatal(err)
	}
	pub := publicWitness(t, res.Batch.PublicInputs)
	if err := groth16.Verify(proof, k.VerifyingKey, pub); err != nil {
		t.Fatalf("stored proof does not verify: %v", err)
	}
	res.Batch.PublicInputs[0] = res.Batch.PublicInputs[1]
	if err := groth16.Verify(proof, k.VerifyingKey, publicWitness(t, res.Batch.PublicInputs)); err == nil {
		t.Error("proof verifies with a wrong batch root")
	}

	// Nothing is left to prove.
	res, err = p.ProveOnce(ctx)
	if err != nil || res.Batch.ID != "" {
		t.Errorf("second ProveOnce = %+v, %v; want nothing to do", res.Batch, err)
	}
}

// checkInclusion recomputes an event's leaf from its public claims and its
// blinded commitment, and follows its path to the batch root, as a buyer
// does.
func checkInclusion(t *testing.T, ctx context.Context, st store.Store, e store.Event, b store.Batch) {
	t.Helper()
	m, err := st.GetBatchMember(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	var c claims.Claims
	if err := jsonUnmarshal(e.Claims, &c); err != nil {
		t.Fatal(err)
	}
	ch, err := c.Hash()
	if err != nil {
		t.Fatal(err)
	}
	leaf := field.Hash(ch, parseHex(t, m.BlindedCommitment))
	if field.Hex(leaf) != m.Leaf {
		t.Errorf("event %s: leaf from claims and commitment %s, stored %s", e.ID, field.Hex(leaf), m.Leaf)
	}
	path := merkle.Path{Index: uint64(m.Index)}
	for _, s := range m.MerklePath {
		path.Siblings = append(path.Siblings, parseHex(t, s))
	}
	if err := merkle.Verify(parseHex(t, b.Root), leaf, path); err != nil {
		t.Errorf("event %s: inclusion path: %v", e.ID, err)
	}
	path.Siblings[0] = field.Uint64(1)
	if err := merkle.Verify(parseHex(t, b.Root), leaf, path); err == nil {
		t.Errorf("event %s: a tampered path verifies", e.ID)
	}
}

func parseHex(t testing.TB, s string) field.Element {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	e, err := field.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func mustKey(t testing.TB) *supplier.Key {
	t.Helper()
	k, err := supplier.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	return k
}
