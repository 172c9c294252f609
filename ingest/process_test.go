package ingest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/provenant/provenant/claims"
	"github.com/provenant/provenant/ingest"
	"github.com/provenant/provenant/supplier"
)

func TestProcessAccepts(t *testing.T) {
	k := newKey(t)
	p, err := ingest.NewProcessor(newRegistry(k), time.Minute, 0)
	if err != nil {
		t.Fatal(err)
	}
	msg := signed(t, k, eventDoc(0, 3))
	events, err := p.Process(context.Background(), msg)
	if err != nil {
		t.Fatalf("Process: %v", err)
	}
	if len(events) != 3 {
		t.Fatalf("%d events, want 3", len(events))
	}
	for _, e := range events {
		if !strings.HasPrefix(e.ID, "ni:///sha-256;") || e.ID != e.HashID {
			t.Errorf("event ID %q, hash ID %q: want the hash ID as identity", e.ID, e.HashID)
		}
		if e.Supplier != k.Public().String() {
			t.Errorf("supplier %q", e.Supplier)
		}
		if bytes.Contains(e.Claims, []byte("PO-")) || bytes.Contains(e.Claims, []byte("sgln")) {
			t.Errorf("public claims leak private data: %s", e.Claims)
		}
		var priv claims.Private
		if err := json.Unmarshal(e.Private, &priv); err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(priv.Event, []byte("PO-")) || !bytes.Contains(msg.Value, priv.Event) || !bytes.Contains(priv.Event, []byte("\n")) || priv.Signature == "" || priv.Salt == "" {
			t.Errorf("private payload lacks the event's exact bytes or its signature: %s", e.Private)
		}
		if want := `["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"]`; string(priv.Context) != want {
			t.Errorf("private payload's context = %s, want the document's @context %s", priv.Context, want)
		}
	}
}

func TestProcessRejects(t *testing.T) {
	k, stranger := newKey(t), newKey(t)
	reg := newRegistry(k)
	good := signed(t, k, eventDoc(10, 2))
	withHeader := func(m kafka.Message, key, value string) kafka.Message {
		out := m
		out.Headers = nil
		for _, h := range m.Headers {
			if h.Key != key {
				out.Headers = append(out.Headers, h)
			}
		}
		if value != "" {
			out.Headers = append(out.Headers, kafka.Header{Key: key, Value: []byte(value)})
		}
		return out
	}
	withValue := func(m kafka.Message, v []byte) kafka.Message {
		out := m
		out.Value = v
		return out
	}
	sigs := func(m kafka.Message) string {
		for _, h := range m.Headers {
			if h.Key == supplier.HeaderSignature {
				return string(h.Value)
			}
		}
		return ""
	}
	// A valid document with the other message's signatures: the event
	// count matches but the signatures are not over these events.
	other := signed(t, k, eventDoc(20, 2))

	cases := []struct {
		name      string
		msg       kafka.Message
		code      ingest.Code
		wantEvent int
	}{
		{"oversize", withValue(good, append(bytes.Clone(good.Value), bytes.Repeat([]byte(" "), 2048)...)), ingest.CodeOversize, -1},
		{"no supplier header", withHeader(good, supplier.HeaderSupplier, ""), ingest.CodeMissingHeader, -1},
		{"no signature header", withHeader(good, supplier.HeaderSignature, ""), ingest.CodeMissingHeader, -1},
		{"malformed JSON", withValue(good, []byte(`{"type": "EPCISDocument", `)), ingest.CodeMalformed, -1},
		{"not EPCIS", withValue(good, []byte(`[1, 2, 3]`)), ingest.CodeMalformed, -1},
		{"schema invalid", withValue(good, bytes.Replace(eventDoc(10, 2), []byte(`"OBSERVE"`), []byte(`"LOOK"`), 1)), ingest.CodeInvalid, -1},
		{"bad public key", withHeader(good, supplier.HeaderSupplier, "abcd"), ingest.CodeBadHeader, -1},
		{"signature count", withValue(good, eventDoc(10, 3)), ingest.CodeBadHeader, -1},
		{"unknown supplier", signed(t, stranger, eventDoc(10, 2)), ingest.CodeUnknownSupplier, -1},
		{"signatures of other events", withHeader(good, supplier.HeaderSignature, sigs(other)), ingest.CodeBadSignature, 0},
		{"tampered private field", withValue(good, bytes.Replace(good.Value, []byte("PO-11"), []byte("PO-99"), 1)), ingest.CodeBadSignature, 1},
	}
	p, err := ingest.NewProcessor(reg, time.Minute, 1024+len(good.Value))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			events, err := p.Process(context.Background(), tc.msg)
			var rej *ingest.RejectError
			if !errors.As(err, &rej) {
				t.Fatalf("Process = %d events, %v; want a %s reject", len(events), err, tc.code)
			}
			if rej.Code != tc.code {
				t.Fatalf("code %s (%v), want %s", rej.Code, rej, tc.code)
			}
			if rej.EventIndex != tc.wantEvent {
				t.Errorf("blames event %d, want %d (%v)", rej.EventIndex, tc.wantEvent, rej)
			}
			if !strings.HasPrefix(rej.Error(), string(tc.code)+": ") {
				t.Errorf("header value %q does not start with the code", rej.Error())
			}
		})
	}
}

func TestSupplierCacheFollowsRegistry(t *testing.T) {
	k := newKey(t)
	msg := signed(t, k, eventDoc(0, 1))

	// A registration takes effect once the cached answer expires.
	reg := newRegistry()
	p, err := ingest.NewProcessor(reg, 20*time.Millisecond, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Process(context.Background(), msg); !errors.Is(err, ingest.ErrRejected) {
		t.Fatalf("unregistered supplier: %v, want a reject", err)
	}
	reg.mu.Lock()
	reg.keys[k.Public().String()] = newRegistry(k).keys[k.Public().String()]
	reg.mu.Unlock()
	time.Sleep(30 * time.Millisecond)
	if _, err := p.Process(context.Background(), msg); err != nil {
		t.Fatalf("after registration and the cache TTL: %v", err)
	}

	// Within the TTL the registry is asked once.
	reg = newRegistry(k)
	p, err = ingest.NewProcessor(reg, time.Hour, 0)
	if err != nil {
		t.Fatal(err)
	}
	for range 10 {
		if _, err := p.Process(context.Background(), msg); err != nil {
			t.Fatal(err)
		}
	}
	if reg.calls != 1 {
		t.Errorf("registry asked %d times within the TTL, want 1", reg.calls)
	}
}

// TestProcessConcurrentKeys checks messages of a few keys checked from
// many goroutines at once, as the workers do: each key's verifier (and its
// table, built on first use) is shared, every good message is accepted and
// every tampered one rejected as bad-signature, naming the event.
func TestProcessConcurrentKeys(t *testing.T) {
	keys := []*supplier.Key{newKey(t), newKey(t), newKey(t)}
	p, err := ingest.NewProcessor(newRegistry(keys...), time.Minute, 0)
	if err != nil {
		t.Fatal(err)
	}
	type item struct {
		msg kafka.Message
		bad bool
	}
	var items []item
	for i := range 24 {
		k := keys[i%len(keys)]
		m := signed(t, k, eventDoc(100+2*i, 2))
		bad := i%4 == 3
		if bad {
			// Swap the two events' signatures: both verify alone, not
			// for each other's event.
			for j, h := range m.Headers {
				if h.Key != supplier.HeaderSignature {
					continue
				}
				parts := strings.Split(string(h.Value), ";")
				parts[1], parts[2] = parts[2], parts[1]
				m.Headers = append([]kafka.Header(nil), m.Headers...)
				m.Headers[j].Value = []byte(strings.Join(parts, ";"))
			}
		}
		items = append(items, item{msg: m, bad: bad})
	}
	ctx := context.Background()
	errs := make(chan error, 8*len(items))
	done := make(chan struct{})
	for g := range 8 {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range items {
				it := items[(i+3*g)%len(items)]
				events, err := p.Process(ctx, it.msg)
				var rej *ingest.RejectError
				switch {
				case it.bad && (!errors.As(err, &rej) || rej.Code != ingest.CodeBadSignature || rej.EventID == ""):
					errs <- errors.New("tampered message: " + errString(err))
				case !it.bad && (err != nil || len(events) != 2):
					errs <- errors.New("good message: " + errString(err))
				}
			}
		}()
	}
	for range 8 {
		<-done
	}
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func errString(err error) string {
	if err == nil {
		return "accepted"
	}
	return err.Error()
}
