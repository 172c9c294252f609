package networktest_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/provenant/provenant/claims"
	"github.com/provenant/provenant/graphql"
	"github.com/provenant/provenant/internal/pipelinetest"
	"github.com/provenant/provenant/ledger"
	"github.com/provenant/provenant/ledger/fabricnet"
	"github.com/provenant/provenant/services"
	"github.com/provenant/provenant/store"
	"github.com/provenant/provenant/store/sqlstore"
	"github.com/provenant/provenant/supplier"
)

// startAPI serves the GraphQL API on the shared store, opened without its
// key as the api service opens it, and the ledger as the Authority.
func startAPI(t testing.TB, f *fixture, limits graphql.Limits) string {
	t.Helper()
	st, err := sqlstore.Open(f.ctx, "sqlite://"+env.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv, ln, err := services.ListenAPI(f.ctx, log, st, f.authority, services.APIConfig{Addr: "127.0.0.1:0", Limits: limits, Introspection: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- services.ServeHTTP(ctx, srv, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("API server: %v", err)
		}
	})
	return "http://" + ln.Addr().String() + "/graphql"
}

func gqlPost(t *testing.T, endpoint, query string, vars map[string]any) ([]byte, map[string]any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	resp, err := http.Post(endpoint, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("response %q: %v", raw, err)
	}
	if errs, ok := out["errors"]; ok {
		t.Fatalf("query errors: %v\nquery: %s", errs, query)
	}
	return raw, out["data"].(map[string]any)
}

const verifyQuery = `query($id: ID!) { verifyEvent(id: $id) { eventID valid checks { name ok detail } } }`

// verdict returns verifyEvent's validity and its failing checks.
func verdict(t *testing.T, endpoint, eventID string) (bool, []string) {
	t.Helper()
	_, data := gqlPost(t, endpoint, verifyQuery, map[string]any{"id": eventID})
	v := data["verifyEvent"].(map[string]any)
	var failed []string
	for _, c := range v["checks"].([]any) {
		c := c.(map[string]any)
		if c["ok"] != true {
			failed = append(failed, c["name"].(string))
		}
	}
	return v["valid"].(bool), failed
}

func members(t *testing.T, f *fixture, batchID string) []store.BatchMember {
	t.Helper()
	ms, err := f.st.ListBatchMembers(f.ctx, batchID)
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

// TestVerifyEvent: valid for an anchored event, and invalid, naming the
// failing check, after each kind of tampering.
func TestVerifyEvent(t *testing.T) {
	f := newFixture(t)
	endpoint := startAPI(t, f, graphql.Limits{})
	b := f.prove(t)
	if res, err := f.anchorer(t, f.operator).AnchorOnce(f.ctx); err != nil || res.Anchored != 1 {
		t.Fatalf("AnchorOnce = %+v, %v", res, err)
	}
	ev := members(t, f, b.ID)[0].EventID
	if valid, failed := verdict(t, endpoint, ev); !valid || len(failed) > 0 {
		t.Fatalf("intact anchored event: valid %v, failed %v", valid, failed)
	}

	db, err := sql.Open("sqlite", env.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cases := []struct {
		name   string
		table  string
		column string
		where  string
		arg    string
		alter  func(string) string
		check  string
	}{
		{"store claims altered", "events", "claims", "id = ?", ev, func(s string) string { return strings.Replace(s, `"DE"`, `"FR"`, 1) }, "leaf"},
		{"path altered", "batch_members", "merkle_path", "event_id = ?", ev, alterHex, "inclusion"},
		{"proof altered", "batches", "proof", "id = ?", b.ID, nil, "proof"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var orig []byte
			q := fmt.Sprintf("SELECT %s FROM %s WHERE %s", tc.column, tc.table, tc.where)
			if err := db.QueryRowContext(f.ctx, q, tc.arg).Scan(&orig); err != nil {
				t.Fatal(err)
			}
			var altered any
			if tc.alter != nil {
				s := tc.alter(string(orig))
				if s == string(orig) {
					t.Fatalf("nothing to alter in %q", orig)
				}
				altered = s
			} else {
				p := append([]byte(nil), orig...)
				p[len(p)/2] ^= 1
				altered = p
			}
			upd := fmt.Sprintf("UPDATE %s SET %s = ? WHERE %s", tc.table, tc.column, tc.where)
			if _, err := db.ExecContext(f.ctx, upd, altered, tc.arg); err != nil {
				t.Fatal(err)
			}
			defer func() {
				var restore any = orig
				if tc.alter != nil {
					restore = string(orig)
				}
				if _, err := db.ExecContext(f.ctx, upd, restore, tc.arg); err != nil {
					t.Fatal(err)
				}
			}()
			valid, failed := verdict(t, endpoint, ev)
			if valid || len(failed) == 0 || failed[0] != tc.check {
				t.Errorf("valid %v, failed checks %v; want %s to fail first", valid, failed, tc.check)
			}
		})
	}

	t.Run("anchor missing on the ledger", func(t *testing.T) {
		unanchored := f.prove(t)
		defer func() {
			if _, err := f.anchorer(t, f.operator).AnchorOnce(f.ctx); err != nil {
				t.Error(err)
			}
		}()
		// The store may even claim it is anchored: only the ledger counts.
		if _, err := f.st.RecordAnchor(f.ctx, store.Anchor{BatchID: unanchored.ID, TxID: "forged", BlockNumber: 1, Channel: "provenance", BatchRoot: unanchored.Root, Timestamp: time.Now()}); err != nil {
			t.Fatal(err)
		}
		valid, failed := verdict(t, endpoint, members(t, f, unanchored.ID)[0].EventID)
		if valid || len(failed) == 0 || failed[0] != "anchor" {
			t.Errorf("valid %v, failed %v; want the anchor check to fail", valid, failed)
		}
		// Undo: the forged record would fail the audit test.
		db.ExecContext(f.ctx, `DELETE FROM anchors WHERE batch_id = ?`, unanchored.ID)
		db.ExecContext(f.ctx, `UPDATE batches SET status = 'PROVEN' WHERE id = ?`, unanchored.ID)
		db.ExecContext(f.ctx, `UPDATE events SET status = 'PROVEN' WHERE batch_id = ?`, unanchored.ID)
	})

	if valid, failed := verdict(t, endpoint, ev); !valid {
		t.Errorf("after undoing every tampering: failed %v", failed)
	}
}

// privateMarkers are distinctive values put in every private part of an
// event; none may appear in any API response.
var privateMarkers = []string{
	"4012345.77777", // read point
	"4012345.00001", // business location: the certified facility
	"PRIVATE-PO-8841",
	"4012345.55555", // source party
	"4012345.66666", // destination party
	"1234.5678",     // quantity
	"98.7654",       // sensor reading
	"LOT-SECRET-42", // ILMD
	"CERT-1",        // certificate
	"extension-secret",
}

func privateEvent(t *testing.T, k *supplier.Key, serial int) kafka.Message {
	t.Helper()
	doc := fmt.Sprintf(`{"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", {"ex": "https://example.com/ex/"}],
  "type": "ObjectEvent", "eventTime": "2026-06-02T08:00:%02d.000Z", "eventTimeZoneOffset": "+00:00",
  "epcList": ["urn:epc:id:sgtin:4012345.022222.%d"], "action": "ADD", "bizStep": "commissioning", "disposition": "active",
  "readPoint": {"id": "urn:epc:id:sgln:4012345.77777.0"},
  "bizLocation": {"id": %q},
  "bizTransactionList": [{"type": "po", "bizTransaction": "urn:epcglobal:cbv:bt:4012345000009:PRIVATE-PO-8841"}],
  "sourceList": [{"type": "owning_party", "source": "urn:epc:id:pgln:4012345.55555"}],
  "destinationList": [{"type": "owning_party", "destination": "urn:epc:id:pgln:4012345.66666"}],
  "quantityList": [{"epcClass": "urn:epc:class:lgtin:4012345.022222.LOT1", "quantity": 1234.5678, "uom": "KGM"}],
  "sensorElementList": [{"sensorReport": [{"type": "Temperature", "value": 98.7654, "uom": "CEL"}]}],
  "ilmd": {"cbvmda:countryOfOrigin": "DE", "cbvmda:lotNumber": "LOT-SECRET-42"},
  "ex:note": "extension-secret"}`, serial%60, serial, pipelinetest.Facility)
	return pipelinetest.Sign(t, k, doc)
}

// TestAPINeverLeaksPrivateData pushes events full of private values, runs
// every field of the schema (found by introspection) on them, and finds
// none of those values in any response.
func TestAPINeverLeaksPrivateData(t *testing.T) {
	f := newFixture(t)
	endpoint := startAPI(t, f, graphql.Limits{MaxComplexity: 1 << 20, MaxDepth: 30, MaxAliases: 100})
	s := nextSerial(2)
	ids := pipelinetest.Ingest(t, f.ctx, f.st, privateEvent(t, f.supplier, s), privateEvent(t, f.supplier, s+1))
	b := pipelinetest.Prove(t, f.ctx, f.st, f.keys)
	if res, err := f.anchorer(t, f.operator).AnchorOnce(f.ctx); err != nil || res.Anchored != 1 {
		t.Fatalf("AnchorOnce = %+v, %v", res, err)
	}
	// The private values are really in the store (sealed), so the test
	// would see them if the API let them through.
	full, err := f.st.GetEvent(f.ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	var private claims.Private
	if err := json.Unmarshal(full.Private, &private); err != nil {
		t.Fatal(err)
	}
	for _, m := range privateMarkers[:len(privateMarkers)-2] { // the certificate is in the registry, the ILMD's lot aside
		if !bytes.Contains(private.Event, []byte(m)) && !strings.Contains(private.OriginFacility, m) {
			t.Fatalf("the private payload does not hold %q", m)
		}
	}
	markers := append(privateMarkers, f.supplier.Public().String())

	schema := introspect(t, endpoint)
	product := "urn:epc:id:sgtin:4012345.022222." + fmt.Sprint(s)
	_, data := gqlPost(t, endpoint, `query($id: ID!) { event(id: $id) { id batch { id anchor { id } } } product(id: "`+product+`") { id } }`, map[string]any{"id": ids[0]})
	ev := data["event"].(map[string]any)
	args := map[string]string{
		"event.id": ids[0], "verifyEvent.id": ids[0], "batch.id": b.ID, "product.id": product,
		"registryRoots.kind": "ORIGINS", "events.first": "100", "anchors.first": "100",
	}
	nodeIDs := []string{ev["id"].(string), get(ev, "batch", "id").(string), get(ev, "batch", "anchor", "id").(string), data["product"].(map[string]any)["id"].(string)}

	covered := map[string]bool{}
	var queries []string
	for _, root := range schema.queryFields() {
		if root.Name == "node" {
			for _, id := range nodeIDs {
				queries = append(queries, fmt.Sprintf("{ node(id: %q) %s }", id, schema.selection("Node", covered, 0)))
			}
			continue
		}
		queries = append(queries, "{ "+root.Name+schema.args(root, args)+" "+schema.selection(root.typeName(), covered, 0)+" }")
	}
	for _, q := range queries {
		raw, _ := gqlPost(t, endpoint, q, nil)
		for _, m := range markers {
			if bytes.Contains(raw, []byte(m)) {
				t.Errorf("private value %q in the response to %s", m, q)
			}
		}
	}
	// Every field of every object type was asked for.
	for _, typ := range schema.Types {
		if typ.Kind != "OBJECT" || strings.HasPrefix(typ.Name, "__") || typ.Name == "Query" {
			continue
		}
		for _, fl := range typ.Fields {
			if !covered[typ.Name+"."+fl.Name] {
				t.Errorf("field %s.%s was never queried", typ.Name, fl.Name)
			}
		}
	}
}

func get(v any, path ...string) any {
	for _, p := range path {
		m, _ := v.(map[string]any)
		v = m[p]
	}
	return v
}

// The introspected schema, as much of it as the query generator needs.
type introType struct {
	Kind          string       `json:"kind"`
	Name          string       `json:"name"`
	Fields        []introField `json:"fields"`
	PossibleTypes []struct {
		Name string `json:"name"`
	} `json:"possibleTypes"`
}

type introField struct {
	Name string `json:"name"`
	Args []struct {
		Name string  `json:"name"`
		Type typeRef `json:"type"`
	} `json:"args"`
	Type typeRef `json:"type"`
}

type typeRef struct {
	Kind   string   `json:"kind"`
	Name   string   `json:"name"`
	OfType *typeRef `json:"ofType"`
}

func (r typeRef) named() typeRef {
	for r.OfType != nil {
		r = *r.OfType
	}
	return r
}

func (f introField) typeName() string { return f.Type.named().Name }

type introSchema struct {
	QueryType struct {
		Name string `json:"name"`
	} `json:"queryType"`
	Types []introType `json:"types"`
}

func introspect(t *testing.T, endpoint string) *introSchema {
	t.Helper()
	_, data := gqlPost(t, endpoint, `{ __schema { queryType { name } types { kind name possibleTypes { name }
	  fields { name args { name type { kind name ofType { kind name ofType { kind name } } } }
	    type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }`, nil)
	raw, _ := json.Marshal(data["__schema"])
	var s introSchema
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	return &s
}

func (s *introSchema) typ(name string) *introType {
	for i := range s.Types {
		if s.Types[i].Name == name {
			return &s.Types[i]
		}
	}
	return nil
}

func (s *introSchema) queryFields() []introField { return s.typ(s.QueryType.Name).Fields }

// args writes the arguments of a field from values named "field.arg".
func (s *introSchema) args(f introField, values map[string]string) string {
	var parts []string
	for _, a := range f.Args {
		v, ok := values[f.Name+"."+a.Name]
		if !ok {
			continue
		}
		switch a.Type.named().Kind {
		case "ENUM":
			parts = append(parts, a.Name+": "+v)
		case "SCALAR":
			if a.Type.named().Name == "Int" {
				parts = append(parts, a.Name+": "+v)
			} else {
				parts = append(parts, fmt.Sprintf("%s: %q", a.Name, v))
			}
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// selection selects every field of a type, recursing into object fields
// (each object type once per path, to a bounded depth), and records what it
// covered.
func (s *introSchema) selection(typeName string, covered map[string]bool, depth int) string {
	return s.selectionAs(typeName, covered, depth, false)
}

// selectionAs is selection; aliased names every field T_field, so that the
// fragments on an interface's types never conflict.
func (s *introSchema) selectionAs(typeName string, covered map[string]bool, depth int, aliased bool) string {
	t := s.typ(typeName)
	if t == nil || depth > 8 {
		return ""
	}
	var parts []string
	switch t.Kind {
	case "INTERFACE", "UNION":
		parts = append(parts, "__typename")
		var names []string
		for _, p := range t.PossibleTypes {
			names = append(names, p.Name)
		}
		sort.Strings(names)
		for _, n := range names {
			parts = append(parts, "... on "+n+" "+s.selectionAs(n, covered, depth+1, true))
		}
	case "OBJECT":
		for _, f := range t.Fields {
			covered[t.Name+"."+f.Name] = true
			sub := s.typ(f.typeName())
			arg := s.args(f, map[string]string{"events.first": "100", "anchors.first": "100"})
			name := f.Name
			if aliased {
				name = t.Name + "_" + f.Name + ": " + f.Name
			}
			if sub != nil && (sub.Kind == "OBJECT" || sub.Kind == "INTERFACE") {
				parts = append(parts, name+arg+" "+s.selection(sub.Name, covered, depth+1))
			} else {
				parts = append(parts, name+arg)
			}
		}
	}
	return "{ " + strings.Join(parts, " ") + " }"
}

var _ = ledger.ErrNotFound
var _ = exec.Command
var _ = filepath.Join
var _ = fabricnet.ErrNoBinaries

// TestIndependentClients: the npm graphql package validates and runs the
// documented examples against the live schema, and GraphiQL, served offline
// from the binary, runs a query in headless Chromium.
func TestIndependentClients(t *testing.T) {
	f := newFixture(t)
	root, err := fabricnet.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	for _, need := range []string{".tools/node_modules/graphql", ".tools/node_modules/playwright-core"} {
		if _, err := os.Stat(filepath.Join(root, need)); err != nil {
			t.Fatalf("%s is missing: run `make tools` (scripts/ensure-tools.sh)", need)
		}
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatal("node is not on PATH: run `make tools` (scripts/ensure-tools.sh)")
	}
	endpoint := startAPI(t, f, graphql.Limits{})
	b := f.prove(t)
	if res, err := f.anchorer(t, f.operator).AnchorOnce(f.ctx); err != nil || res.Anchored != 1 {
		t.Fatalf("AnchorOnce = %+v, %v", res, err)
	}
	ev := members(t, f, b.ID)[0].EventID
	_, data := gqlPost(t, endpoint, `query($id: ID!) { event(id: $id) { id epcs } }`, map[string]any{"id": ev})
	product := get(data, "event", "epcs").([]any)[0].(string)

	dir := t.TempDir()
	examples, err := os.ReadFile(filepath.Join(root, "docs", "graphql", "examples.graphql"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "examples.graphql"), examples, 0o644); err != nil {
		t.Fatal(err)
	}
	vars, _ := json.Marshal(map[string]any{
		"ProductProvenance": map[string]any{"product": product},
		"EventProof":        map[string]any{"event": ev},
		"VerifyEvent":       map[string]any{"event": ev},
		"Batch":             map[string]any{"batch": b.ID},
		"Node":              map[string]any{"id": get(data, "event", "id")},
	})
	if err := os.WriteFile(filepath.Join(dir, "examples.json"), vars, 0o644); err != nil {
		t.Fatal(err)
	}
	node := func(t *testing.T, args ...string) {
		t.Helper()
		cmd := exec.CommandContext(f.ctx, "node", args...)
		cmd.Dir = root
		out, err := cmd.CombinedOutput()
		t.Logf("node %s:\n%s", args[0], out)
		if err != nil {
			t.Fatalf("node %s: %v", args[0], err)
		}
	}
	t.Run("npm graphql client", func(t *testing.T) {
		node(t, "graphql/testdata/js/client.mjs", endpoint, filepath.Join(dir, "examples.graphql"))
	})
	t.Run("GraphiQL in Chromium", func(t *testing.T) {
		artifacts := filepath.Join(root, ".artifacts")
		if err := os.MkdirAll(artifacts, 0o755); err != nil {
			t.Fatal(err)
		}
		shot := filepath.Join(artifacts, "graphiql.png")
		os.Remove(shot)
		query := fmt.Sprintf(`{ batch(id: %q) { root anchor { txID } } }`, b.ID)
		node(t, "graphql/testdata/js/browser.mjs", endpoint, shot, query, b.Root)
		if st, err := os.Stat(shot); err != nil || st.Size() == 0 {
			t.Fatalf("no screenshot at %s: %v", shot, err)
		}
		t.Logf("screenshot: %s", shot)
	})
}
