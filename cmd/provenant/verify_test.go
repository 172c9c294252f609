package main

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/provenant/provenant/epcis"
	"github.com/provenant/provenant/field"
	"github.com/provenant/provenant/merkle"
	"github.com/provenant/provenant/services"
	"github.com/provenant/provenant/store"
	"github.com/provenant/provenant/supplier"
)

// storeProvenBatch signs n events, stores them and a batch of the first
// n-1 as the prover would (with a stand-in proof: only inclusion is checked
// here), and returns the events' IDs.
func storeProvenBatch(t *testing.T, url string, n int) []string {
	t.Helper()
	ctx := t.Context()
	st, err := services.OpenStore(ctx, slog.New(slog.DiscardHandler), services.StoreConfig{URL: url, CreateKey: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	k, err := supplier.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	hexOf := func(e field.Element) string {
		b := e.Bytes()
		return hex.EncodeToString(b[:])
	}
	var (
		ids     []string
		rows    []store.Event
		leaves  []field.Element
		commits []string
	)
	for i := range n {
		doc, err := epcis.Parse("event.json", fmt.Appendf(nil, `{"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
  "type": "ObjectEvent", "eventTime": "2026-06-01T10:00:%02d.000Z", "eventTimeZoneOffset": "+00:00",
  "epcList": ["urn:epc:id:sgtin:4012345.011111.%d"], "action": "OBSERVE", "bizStep": "shipping",
  "readPoint": {"id": "urn:epc:id:sgln:4012345.00002.0"}}`, i, i))
		if err != nil {
			t.Fatal(err)
		}
		s, err := supplier.NewStatement(&doc.Events[0])
		if err != nil {
			t.Fatal(err)
		}
		sig, err := k.Sign(s, nil)
		if err != nil {
			t.Fatal(err)
		}
		leaf, err := s.Message(sig.Salt)
		if err != nil {
			t.Fatal(err)
		}
		c := s.Claims
		claimsJSON, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.EventID)
		rows = append(rows, store.Event{ID: c.EventID, Type: c.Type, Action: c.Action, BizStep: c.BizStep,
			EventTime: c.EventTime, Products: c.Products, Supplier: k.Public().String(), Claims: claimsJSON, Private: []byte(`{}`)})
		leaves = append(leaves, leaf)
		commits = append(commits, hexOf(s.Commitment(sig.Salt)))
	}
	if _, err := st.InsertEvents(ctx, rows); err != nil {
		t.Fatal(err)
	}
	tree, err := merkle.New(2, leaves[:n-1])
	if err != nil {
		t.Fatal(err)
	}
	root := hexOf(tree.Root())
	var members []store.BatchMember
	for i := range n - 1 {
		p, err := tree.Path(uint64(i))
		if err != nil {
			t.Fatal(err)
		}
		m := store.BatchMember{EventID: ids[i], Index: i, Leaf: hexOf(leaves[i]), BlindedCommitment: commits[i]}
		for _, s := range p.Siblings {
			m.MerklePath = append(m.MerklePath, hexOf(s))
		}
		members = append(members, m)
	}
	b := store.Batch{ID: root, Circuit: "test", CircuitVersion: "test", Size: 4, Root: root,
		Proof: []byte("stand-in proof"), PublicInputs: []string{root}}
	if err := st.CreateBatch(ctx, "", b, members); err != nil {
		t.Fatal(err)
	}
	return ids
}

func TestVerifyEventInclusion(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"PROVENANT_STORE": "sqlite://" + filepath.Join(dir, "p.db")}
	ids := storeProvenBatch(t, env["PROVENANT_STORE"], 3)
	write := func(name, text string) string {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}

	var exported []string
	for _, id := range ids[:2] {
		code, out, errOut := runCLI(t, env, "verify", "inclusion-export", "--event", id)
		if code != 0 || !strings.Contains(out, `"batchRoot"`) {
			t.Fatalf("inclusion-export %s: exit %d\nstdout:\n%s\nstderr:\n%s", id, code, out, errOut)
		}
		exported = append(exported, out)
		file := write("inclusion.json", out)
		code, out, errOut = runCLI(t, nil, "verify", "event", file)
		if code != 0 || !strings.Contains(out, "event "+id+" is included in batch root ") {
			t.Fatalf("verify event %s: exit %d\nstdout:\n%s\nstderr:\n%s", id, code, out, errOut)
		}
	}

	// The last event is stored but not proven.
	code, out, errOut := runCLI(t, env, "verify", "inclusion-export", "--event", ids[2])
	if code != 1 || out != "" || !strings.Contains(errOut, ids[2]) || !strings.Contains(errOut, "not proven") {
		t.Errorf("inclusion-export of an unproven event: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	code, _, errOut = runCLI(t, env, "verify", "inclusion-export", "--event", "urn:uuid:00000000-0000-4000-8000-000000000000")
	if code != 1 || !strings.Contains(errOut, "not found") {
		t.Errorf("inclusion-export of an unknown event: exit %d, stderr:\n%s", code, errOut)
	}

	var inc map[string]any
	if err := json.Unmarshal([]byte(exported[0]), &inc); err != nil {
		t.Fatal(err)
	}
	claims := inc["claims"].(map[string]any)
	eventTime, err := time.Parse(time.RFC3339Nano, claims["eventTime"].(string))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		file     string
		wantCode int
		wantErr  string
	}{
		{"event time changed", write("later.json", strings.Replace(exported[0], claims["eventTime"].(string),
			eventTime.Add(time.Minute).Format(time.RFC3339Nano), 1)), exitRejected, "REJECTED"},
		{"wrong index", write("index.json", strings.Replace(exported[0], `"index": 0`, `"index": 1`, 1)), exitRejected, "REJECTED"},
		{"root not hex", write("badroot.json", strings.Replace(exported[0], `"batchRoot": "`, `"batchRoot": "zz`, 1)), exitMalformed, "malformed batch root"},
		{"unknown field", write("extra.json", strings.Replace(exported[0], `"index"`, `"bizLocation": "x", "index"`, 1)), exitMalformed, "malformed inclusion"},
		{"not JSON", write("garbage.json", "not json"), exitMalformed, "malformed inclusion"},
		{"no such file", filepath.Join(dir, "missing.json"), exitMalformed, "missing.json"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if b, err := os.ReadFile(tc.file); err == nil && string(b) == exported[0] {
				t.Fatal("the case changed nothing")
			}
			code, out, errOut := runCLI(t, nil, "verify", "event", tc.file)
			t.Log(errOut)
			if code != tc.wantCode || out != "" || !strings.Contains(errOut, tc.wantErr) {
				t.Errorf("verify event: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.wantCode, out, errOut)
			}
		})
	}
	if code, _, errOut := runCLI(t, nil, "verify", "event"); code != exitMalformed {
		t.Errorf("verify event without a file: exit %d, want %d: %s", code, exitMalformed, errOut)
	}
}
