package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/provenant/provenant/broker"
	"github.com/provenant/provenant/claims"
	"github.com/provenant/provenant/ingest"
	"github.com/provenant/provenant/store"
	"github.com/provenant/provenant/store/sqlstore"
	"github.com/provenant/provenant/store/storetest"
	"github.com/provenant/provenant/supplier"
)

// kcatDoc is an EPCIS document of three events; the file that carries it
// has a name only a quoted shell word keeps whole.
const kcatDoc = `{
  "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
  "type": "EPCISDocument",
  "schemaVersion": "2.0",
  "creationDate": "2026-11-20T08:00:00.000Z",
  "epcisBody": {"eventList": [
    {
      "type": "ObjectEvent",
      "eventTime": "2026-11-20T10:00:00.000Z",
      "eventTimeZoneOffset": "+01:00",
      "epcList": ["urn:epc:id:sgtin:4012345.011111.9001"],
      "action": "OBSERVE",
      "bizStep": "shipping",
      "disposition": "in_transit",
      "readPoint": {"id": "urn:epc:id:sgln:4012345.00002.0"},
      "bizTransactionList": [{"type": "po", "bizTransaction": "urn:epcglobal:cbv:bt:4012345000009:PO-KCAT-1"}]
    },
    {
      "type": "ObjectEvent",
      "eventTime": "2026-11-20T11:00:00.000Z",
      "eventTimeZoneOffset": "+01:00",
      "epcList": ["urn:epc:id:sgtin:4012345.011111.9002"],
      "action": "OBSERVE",
      "bizStep": "shipping",
      "disposition": "in_transit",
      "readPoint": {"id": "urn:epc:id:sgln:4012345.00002.0"},
      "bizTransactionList": [{"type": "po", "bizTransaction": "urn:epcglobal:cbv:bt:4012345000009:PO-KCAT-2"}]
    },
    {
      "type": "ObjectEvent",
      "eventTime": "2026-11-20T12:00:00.000Z",
      "eventTimeZoneOffset": "+01:00",
      "epcList": ["urn:epc:id:sgtin:4012345.011111.9003"],
      "action": "OBSERVE",
      "bizStep": "receiving",
      "disposition": "in_progress",
      "readPoint": {"id": "urn:epc:id:sgln:4012345.00003.0"},
      "bizTransactionList": [{"type": "po", "bizTransaction": "urn:epcglobal:cbv:bt:4012345000009:PO-KCAT-3"}]
    }
  ]}
}
`

// TestKcatSendsWhatSignPrinted runs the kcat command line that "supplier
// sign" prints, as a shell would, against a real broker: an ingester
// accepts the message and stores every event, so the printed key, headers
// and file are exactly what the platform checks.
func TestKcatSendsWhatSignPrinted(t *testing.T) {
	if _, err := exec.LookPath("kcat"); err != nil {
		t.Fatalf("kcat is not on PATH (%v): run `make tools` (scripts/ensure-tools.sh) to install it", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	b, err := broker.Start(ctx, "127.0.0.1:0", broker.WithTopics(broker.DefaultPartitions, supplier.Topic, ingest.DeadLetterTopic))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)

	dir := t.TempDir()
	keyFile := filepath.Join(dir, "supplier.key")
	code, out, errOut := runCLI(t, nil, "supplier", "keygen", "--out", keyFile)
	if code != 0 {
		t.Fatalf("supplier keygen: exit %d: %s", code, errOut)
	}
	pub := strings.TrimSpace(out)

	st, err := sqlstore.Open(ctx, storetest.SQLiteURL(t), sqlstore.WithSealer(storetest.NewSealer(t)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.AddSupplier(ctx, store.Supplier{PublicKey: pub, Name: "kcat test"}); err != nil {
		t.Fatal(err)
	}
	in, err := ingest.New(ingest.Config{Brokers: []string{b.Addr()}, BatchWait: 10 * time.Millisecond}, st)
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- in.Run(runCtx) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("ingester: %v", err)
		}
	})

	docDir := filepath.Join(dir, "it's a supplier's dir")
	if err := os.MkdirAll(docDir, 0o750); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(docDir, `events $HOME "1".jsonld`)
	if err := os.WriteFile(file, []byte(kcatDoc), 0o640); err != nil {
		t.Fatal(err)
	}

	// The identities of the events, from the JSON form.
	code, out, errOut = runCLI(t, nil, "supplier", "sign", "--key", keyFile, "--format", "json", file)
	if code != 0 {
		t.Fatalf("supplier sign --format json: exit %d: %s", code, errOut)
	}
	var signed struct {
		EventIDs []string `json:"eventIDs"`
	}
	if err := json.Unmarshal([]byte(out), &signed); err != nil || len(signed.EventIDs) != 3 {
		t.Fatalf("supplier sign --format json: %v: want 3 event IDs in\n%s", err, out)
	}

	// The kcat command line, run by a shell.
	code, out, errOut = runCLI(t, nil, "supplier", "sign", "--key", keyFile, "--brokers", b.Addr(), file)
	if code != 0 {
		t.Fatalf("supplier sign: exit %d: %s", code, errOut)
	}
	line := strings.TrimSpace(out)
	if !strings.HasPrefix(line, "kcat ") || strings.Contains(line, "\n") {
		t.Fatalf("supplier sign printed no single kcat command line:\n%s", out)
	}
	sh := exec.CommandContext(ctx, "sh", "-c", line)
	sh.Dir = t.TempDir() // the file is named by its absolute path
	shOut, err := sh.CombinedOutput()
	if err != nil {
		t.Fatalf("%s\n%v: %s", line, err, shOut)
	}
	if len(shOut) > 0 {
		t.Logf("kcat said: %s", shOut)
	}

	// Every event is stored, from this supplier, with its exact bytes in
	// the private payload.
	for i, id := range signed.EventIDs {
		e := waitEvent(t, ctx, st, id)
		if e.Supplier != pub {
			t.Errorf("event %s: supplier %s, want %s", id, e.Supplier, pub)
		}
		if e.Topic != supplier.Topic {
			t.Errorf("event %s: topic %q, want %q", id, e.Topic, supplier.Topic)
		}
		var private claims.Private
		if err := json.Unmarshal(e.Private, &private); err != nil {
			t.Fatalf("event %s: private payload: %v", id, err)
		}
		po := fmt.Sprintf("PO-KCAT-%d", i+1)
		if !strings.Contains(kcatDoc, string(private.Event)) || !strings.Contains(string(private.Event), po) {
			t.Errorf("event %s: the private payload does not hold the bytes of event %d of the file:\n%s", id, i, private.Event)
		}
	}
	counts, err := st.CountEventsByStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if counts[store.StatusReceived] != 3 {
		t.Errorf("the store counts %v, want 3 RECEIVED events", counts)
	}
	// Nothing was rejected.
	conn, err := kafka.DialLeader(ctx, "tcp", b.Addr(), ingest.DeadLetterTopic, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	parts, err := conn.ReadPartitions(ingest.DeadLetterTopic)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range parts {
		pc, err := kafka.DialLeader(ctx, "tcp", b.Addr(), ingest.DeadLetterTopic, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		last, err := pc.ReadLastOffset()
		pc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if last != 0 {
			t.Errorf("dead-letter partition %d holds %d messages, want none", p.ID, last)
		}
	}
}

// waitEvent polls the store until it holds the event.
func waitEvent(t *testing.T, ctx context.Context, st store.Store, id string) store.Event {
	t.Helper()
	for {
		e, err := st.GetEvent(ctx, id)
		if err == nil {
			return e
		}
		if !errors.Is(err, store.ErrNotFound) {
			t.Fatal(err)
		}
		select {
		case <-ctx.Done():
			t.Fatalf("event %s was not stored: %v", id, ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}
