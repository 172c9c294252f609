package graphql_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/provenant/provenant/chaincode"
	"github.com/provenant/provenant/circuits/batch"
	"github.com/provenant/provenant/graphql"
	"github.com/provenant/provenant/internal/pipelinetest"
	"github.com/provenant/provenant/ledger"
	"github.com/provenant/provenant/prover"
	"github.com/provenant/provenant/store"
)

// fakeLedger stands in for the ledger in these unit tests of the API's
// logic; the API is tested against a real Fabric network in
// ledger/networktest.
type fakeLedger struct {
	mu       sync.Mutex
	anchors  []chaincode.AnchorRecord // in batch ID order
	pageSize int
	delay    time.Duration
	calls    int
}

func (f *fakeLedger) Channel() string { return "provenance" }

func (f *fakeLedger) wait(ctx context.Context) error {
	f.mu.Lock()
	f.calls++
	d := f.delay
	f.mu.Unlock()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

func (f *fakeLedger) GetAnchor(ctx context.Context, id string) (chaincode.AnchorRecord, error) {
	if err := f.wait(ctx); err != nil {
		return chaincode.AnchorRecord{}, err
	}
	for _, a := range f.anchors {
		if a.BatchID == id {
			return a, nil
		}
	}
	return chaincode.AnchorRecord{}, &ledger.Error{Op: "GetAnchor", Code: chaincode.CodeNotFound, Message: "no anchor"}
}

// ListAnchors pages like the chaincode: the bookmark is the index of the
// next record, pages are at most f.pageSize long.
func (f *fakeLedger) ListAnchors(ctx context.Context, size int, bookmark string) (chaincode.AnchorPage, error) {
	if err := f.wait(ctx); err != nil {
		return chaincode.AnchorPage{}, err
	}
	start := 0
	if bookmark != "" {
		fmt.Sscanf(bookmark, "%d", &start)
	}
	size = min(size, f.pageSize)
	end := min(start+size, len(f.anchors))
	page := chaincode.AnchorPage{Anchors: f.anchors[start:end]}
	if end < len(f.anchors) {
		page.Bookmark = fmt.Sprint(end)
	}
	return page, nil
}

func (f *fakeLedger) VerifyingKey(ctx context.Context, circuit, version string) (chaincode.VerifyingKeyRecord, error) {
	return chaincode.VerifyingKeyRecord{}, &ledger.Error{Op: "GetVerifyingKey", Code: chaincode.CodeNotFound, Message: "none"}
}

func (f *fakeLedger) Roots(ctx context.Context, kind string) ([]chaincode.RootRecord, error) {
	if err := f.wait(ctx); err != nil {
		return nil, err
	}
	return []chaincode.RootRecord{{Kind: chaincode.RootKind(kind), Root: strings.Repeat("0", 64), Seq: 1, TxID: "tx-root"}}, nil
}

func (f *fakeLedger) BlockOf(ctx context.Context, txID string) (uint64, error) {
	return 42, f.wait(ctx)
}

// countingStore counts the store calls of the API.
type countingStore struct {
	graphql.Store
	mu    sync.Mutex
	calls map[string]int
}

func (c *countingStore) count(name string) {
	c.mu.Lock()
	c.calls[name]++
	c.mu.Unlock()
}

func (c *countingStore) GetEventsPublic(ctx context.Context, ids []string) (map[string]store.Event, error) {
	c.count("GetEventsPublic")
	return c.Store.GetEventsPublic(ctx, ids)
}

func (c *countingStore) ListEventsByProductPublic(ctx context.Context, p string, after store.Cursor, n int) ([]store.Event, error) {
	c.count("ListEventsByProductPublic")
	return c.Store.ListEventsByProductPublic(ctx, p, after, n)
}

func (c *countingStore) GetBatches(ctx context.Context, ids []string) (map[string]store.Batch, error) {
	c.count("GetBatches")
	return c.Store.GetBatches(ctx, ids)
}

func (c *countingStore) GetAnchors(ctx context.Context, ids []string) (map[string]store.Anchor, error) {
	c.count("GetAnchors")
	return c.Store.GetAnchors(ctx, ids)
}

func (c *countingStore) GetBatchMembersByEvent(ctx context.Context, ids []string) (map[string]store.BatchMember, error) {
	c.count("GetBatchMembersByEvent")
	return c.Store.GetBatchMembersByEvent(ctx, ids)
}

var (
	keysOnce sync.Once
	keys     prover.Keys
)

func testKeys(t *testing.T) prover.Keys {
	keysOnce.Do(func() { keys = pipelinetest.Keys(t, batch.Layout{Events: 2, Keys: 1, Origins: 1}) })
	return keys
}

// world is a store with one product's events: 4 events proven in two
// batches (the first anchored), and one more event received.
type world struct {
	st       store.Store
	counting *countingStore
	ledger   *fakeLedger
	events   []string // event IDs in event-time order
	batches  []store.Batch
	product  string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	st := pipelinetest.OpenSQLite(t, ctx)
	k := pipelinetest.NewSupplier(t, ctx, st)
	pipelinetest.Certify(t, ctx, st)
	w := &world{st: st, ledger: &fakeLedger{pageSize: 3}}
	// One product, five events: two batches of two, then one received.
	w.product = "https://id.gs1.org/01/04012345111118/21/42"
	for i := range 2 {
		pipelinetest.Ingest(t, ctx, st,
			pipelinetest.EventFor(t, k, "urn:epc:id:sgtin:4012345.011111.42", 10*i, "DE"),
			pipelinetest.EventFor(t, k, "urn:epc:id:sgtin:4012345.011111.42", 10*i+1, ""))
		w.batches = append(w.batches, pipelinetest.Prove(t, ctx, st, testKeys(t)))
	}
	pipelinetest.Ingest(t, ctx, st, pipelinetest.EventFor(t, k, "urn:epc:id:sgtin:4012345.011111.42", 30, ""))
	an := store.Anchor{BatchID: w.batches[0].ID, TxID: "tx-1", BlockNumber: 7, Channel: "provenance", BatchRoot: w.batches[0].Root, Timestamp: time.Date(2026, 6, 2, 0, 0, 0, 0, time.UTC)}
	if _, err := st.RecordAnchor(ctx, an); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		w.ledger.anchors = append(w.ledger.anchors, chaincode.AnchorRecord{
			AnchorRequest: chaincode.AnchorRequest{BatchID: fmt.Sprintf("b%02d", i), BatchRoot: strings.Repeat("1", 64)},
			TxID:          fmt.Sprintf("tx-%d", i), Timestamp: "2026-06-02T00:00:00Z",
		})
	}
	w.counting = &countingStore{Store: st, calls: map[string]int{}}
	return w
}

func (w *world) server(t *testing.T, mutate func(*graphql.Config)) *httptest.Server {
	t.Helper()
	cfg := graphql.Config{Store: w.counting, Ledger: w.ledger, Introspection: true}
	if mutate != nil {
		mutate(&cfg)
	}
	api, err := graphql.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api.Handler())
	t.Cleanup(srv.Close)
	return srv
}

type gqlResponse struct {
	Data   map[string]any `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

func (r gqlResponse) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

func post(t *testing.T, srv *httptest.Server, query string, vars map[string]any) (int, gqlResponse) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	resp, err := http.Post(srv.URL+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return decode(t, resp)
}

func decode(t *testing.T, resp *http.Response) (int, gqlResponse) {
	t.Helper()
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var r gqlResponse
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("response %d %q: %v", resp.StatusCode, b, err)
	}
	return resp.StatusCode, r
}

// get walks a decoded JSON value along a path of keys and indexes.
func get(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

const productQuery = `query P($id: String!, $first: Int, $after: String) {
  product(id: $id) { id productID verified
    events(first: $first, after: $after) {
      edges { cursor node { id eventID type action bizStep disposition eventTime epcs status rejectReason
        claims { originRegion hash products }
        batch { batchID root size proof publicInputs circuit anchor { txID blockNumber channel batchRoot timestamp } }
        inclusionPath { leaf blindedCommitment index siblings }
        anchor { txID blockNumber } } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`

func TestProductEventsPagesAndBatchesReads(t *testing.T) {
	w := newWorld(t)
	srv := w.server(t, nil)
	// Asked for by its EPC URI, the product is its canonical Digital Link.
	_, r := post(t, srv, productQuery, map[string]any{"id": "urn:epc:id:sgtin:4012345.011111.42", "first": 1})
	product := w.product
	if len(r.Errors) > 0 {
		t.Fatalf("errors: %+v", r.Errors)
	}
	if get(r.Data, "product", "productID") != product || get(r.Data, "product", "verified") != false {
		t.Errorf("product %v", r.Data["product"])
	}
	edges := get(r.Data, "product", "events", "edges").([]any)
	if len(edges) != 1 || get(r.Data, "product", "events", "pageInfo", "hasNextPage") != true {
		t.Fatalf("first page %v", get(r.Data, "product", "events"))
	}
	node := get(edges[0], "node")
	if get(node, "status") != "ANCHORED" || get(node, "anchor", "txID") != "tx-1" || get(node, "batch", "anchor", "blockNumber") != float64(7) {
		t.Errorf("first event %v", node)
	}
	if get(node, "inclusionPath", "leaf") == nil || len(get(node, "batch", "publicInputs").([]any)) != 3 {
		t.Errorf("first event's proof data %v", node)
	}
	if _, err := base64.StdEncoding.DecodeString(get(node, "batch", "proof").(string)); err != nil {
		t.Errorf("proof is not base64: %v", err)
	}
	if get(node, "claims", "originRegion") != "DE" {
		t.Errorf("claims %v", get(node, "claims"))
	}
}

// batchEvent returns the ID of the first member event of batch i.
func (w *world) batchEvent(t *testing.T, i int) string {
	t.Helper()
	ms, err := w.st.ListBatchMembers(context.Background(), w.batches[i].ID)
	if err != nil {
		t.Fatal(err)
	}
	return ms[0].EventID
}

func TestNoNPlusOneReads(t *testing.T) {
	w := newWorld(t)
	srv := w.server(t, nil)
	// A product with many events, each with batch, anchor and path.
	ctx := context.Background()
	k := pipelinetest.NewSupplier(t, ctx, w.st)
	for i := range 6 {
		pipelinetest.Ingest(t, ctx, w.st, pipelinetest.EventFor(t, k, "urn:epc:id:sgtin:4012345.011111.777", 2000+i, ""))
	}
	for range 3 {
		pipelinetest.Prove(t, ctx, w.st, testKeys(t))
	}
	w.counting.calls = map[string]int{}
	_, r := post(t, srv, productQuery, map[string]any{"id": "urn:epc:id:sgtin:4012345.011111.777", "first": 10})
	if len(r.Errors) > 0 {
		t.Fatalf("errors: %+v", r.Errors)
	}
	if n := len(get(r.Data, "product", "events", "edges").([]any)); n < 6 {
		t.Fatalf("%d events, want at least 6", n)
	}
	// The product is looked up, its page listed and its events scanned
	// for verified: three listings; everything per event is one batched
	// read for the whole page.
	for name, n := range w.counting.calls {
		if limit := map[string]int{"ListEventsByProductPublic": 3}[name]; n > max(limit, 1) {
			t.Errorf("%s called %d times for one page: reads are not batched", name, n)
		}
	}
	if w.counting.calls["GetEventsPublic"] != 0 {
		t.Errorf("events read one by one: %v", w.counting.calls)
	}
}

func TestProductPagination(t *testing.T) {
	w := newWorld(t)
	srv := w.server(t, nil)
	var seen []string
	after := ""
	for page := 0; ; page++ {
		vars := map[string]any{"id": w.product, "first": 2}
		if after != "" {
			vars["after"] = after
		}
		_, r := post(t, srv, `query($id: String!, $first: Int, $after: String) { product(id: $id) { events(first: $first, after: $after) {
			edges { node { eventID eventTime status } } pageInfo { hasNextPage hasPreviousPage endCursor } } } }`, vars)
		if len(r.Errors) > 0 {
			t.Fatalf("page %d: %+v", page, r.Errors)
		}
		conn := get(r.Data, "product", "events")
		if get(conn, "pageInfo", "hasPreviousPage") != (page > 0) {
			t.Errorf("page %d: hasPreviousPage %v", page, get(conn, "pageInfo", "hasPreviousPage"))
		}
		for _, e := range get(conn, "edges").([]any) {
			seen = append(seen, get(e, "node", "eventTime").(string)+" "+get(e, "node", "status").(string))
		}
		if get(conn, "pageInfo", "hasNextPage") != true {
			break
		}
		after = get(conn, "pageInfo", "endCursor").(string)
	}
	want := []string{
		"2026-06-01T00:00:00Z ANCHORED", "2026-06-01T00:00:01Z ANCHORED",
		"2026-06-01T00:00:10Z PROVEN", "2026-06-01T00:00:11Z PROVEN",
		"2026-06-01T00:00:30Z RECEIVED",
	}
	if strings.Join(seen, "\n") != strings.Join(want, "\n") {
		t.Errorf("events over pages:\n%s\nwant\n%s", strings.Join(seen, "\n"), strings.Join(want, "\n"))
	}
}

func TestQueries(t *testing.T) {
	w := newWorld(t)
	srv := w.server(t, nil)
	b := w.batches[0]
	eventID := w.batchEvent(t, 0)
	tests := []struct {
		name  string
		query string
		vars  map[string]any
		check func(t *testing.T, data map[string]any)
	}{
		{"event", `query($id: ID!) { event(id: $id) { eventID status batch { batchID } anchor { txID } } }`, map[string]any{"id": eventID},
			func(t *testing.T, d map[string]any) {
				if get(d, "event", "eventID") != eventID || get(d, "event", "batch", "batchID") != b.ID || get(d, "event", "anchor", "txID") != "tx-1" {
					t.Errorf("event %v", d["event"])
				}
			}},
		{"unknown event is null", `{ event(id: "urn:uuid:nope") { eventID } }`, nil,
			func(t *testing.T, d map[string]any) {
				if v, ok := d["event"]; !ok || v != nil {
					t.Errorf("event = %v, want null", v)
				}
			}},
		{"unknown product is null", `{ product(id: "urn:epc:id:sgtin:4012345.011111.999999") { productID } }`, nil,
			func(t *testing.T, d map[string]any) {
				if d["product"] != nil {
					t.Errorf("product = %v", d["product"])
				}
			}},
		{"batch", `query($id: ID!) { batch(id: $id) { batchID root size circuit circuitVersion publicInputs anchor { blockNumber } } }`, map[string]any{"id": b.ID},
			func(t *testing.T, d map[string]any) {
				if get(d, "batch", "root") != b.Root || get(d, "batch", "size") != float64(2) || get(d, "batch", "anchor", "blockNumber") != float64(7) {
					t.Errorf("batch %v", d["batch"])
				}
			}},
		{"unanchored batch", `query($id: ID!) { batch(id: $id) { anchor { txID } } }`, map[string]any{"id": w.batches[1].ID},
			func(t *testing.T, d map[string]any) {
				if get(d, "batch") == nil || get(d, "batch", "anchor") != nil {
					t.Errorf("batch %v", d["batch"])
				}
			}},
		{"registry roots", `{ registryRoots(kind: ORIGINS) { kind root seq txID } }`, nil,
			func(t *testing.T, d map[string]any) {
				if get(d, "registryRoots", 0, "kind") != "ORIGINS" || get(d, "registryRoots", 0, "seq") != float64(1) {
					t.Errorf("roots %v", d["registryRoots"])
				}
			}},
		{"node round trip", `query($id: ID!) { event(id: $id) { id } }`, map[string]any{"id": eventID},
			func(t *testing.T, d map[string]any) {
				gid := get(d, "event", "id").(string)
				_, r := post(t, srv, `query($id: ID!) { node(id: $id) { id ... on Event { eventID } } }`, map[string]any{"id": gid})
				if get(r.Data, "node", "eventID") != eventID || get(r.Data, "node", "id") != gid {
					t.Errorf("node(%s) = %v %v", gid, r.Data, r.Errors)
				}
			}},
		{"verifyEvent of a received event", `{ verifyEvent(id: "x") { valid checks { name ok detail } } }`, nil,
			func(t *testing.T, d map[string]any) {
				if get(d, "verifyEvent", "valid") != false || get(d, "verifyEvent", "checks", 0, "name") != "event" {
					t.Errorf("verifyEvent %v", d["verifyEvent"])
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, r := post(t, srv, tt.query, tt.vars)
			if len(r.Errors) > 0 {
				t.Fatalf("errors: %+v", r.Errors)
			}
			tt.check(t, r.Data)
		})
	}
}

func TestAnchorsConnection(t *testing.T) {
	w := newWorld(t)
	srv := w.server(t, nil)
	// The fake ledger pages by 3; the API pages by 2 across its pages.
	var ids []string
	after := ""
	for range 10 {
		vars := map[string]any{"first": 2}
		if after != "" {
			vars["after"] = after
		}
		_, r := post(t, srv, `query($first: Int, $after: String) { anchors(first: $first, after: $after) {
			edges { cursor node { batchID txID blockNumber } } pageInfo { hasNextPage endCursor } } }`, vars)
		if len(r.Errors) > 0 {
			t.Fatalf("%+v", r.Errors)
		}
		for _, e := range get(r.Data, "anchors", "edges").([]any) {
			ids = append(ids, get(e, "node", "batchID").(string))
			if get(e, "node", "blockNumber") != float64(42) {
				t.Errorf("block number %v", get(e, "node", "blockNumber"))
			}
		}
		if get(r.Data, "anchors", "pageInfo", "hasNextPage") != true {
			break
		}
		after = get(r.Data, "anchors", "pageInfo", "endCursor").(string)
	}
	if got := strings.Join(ids, ","); got != "b00,b01,b02,b03,b04" {
		t.Errorf("anchors over pages: %s", got)
	}
}

func TestErrors(t *testing.T) {
	w := newWorld(t)
	srv := w.server(t, nil)
	tests := []struct {
		name  string
		query string
		vars  map[string]any
		code  string
	}{
		{"syntax", `{ event(id: "x" { eventID } }`, nil, graphql.CodeParseFailed},
		{"unknown field", `{ event(id: "x") { readPoint } }`, nil, graphql.CodeValidationFailed},
		{"missing argument", `{ event { eventID } }`, nil, graphql.CodeValidationFailed},
		{"page too large", `query($id: String!) { product(id: $id) { events(first: 1000) { edges { cursor } } } }`, map[string]any{"id": w.product}, graphql.CodeBadUserInput},
		{"page too small", `{ anchors(first: 0) { edges { cursor } } }`, nil, graphql.CodeBadUserInput},
		{"bad cursor", `query($id: String!) { product(id: $id) { events(first: 1, after: "???") { edges { cursor } } } }`, map[string]any{"id": w.product}, graphql.CodeBadUserInput},
		{"bad node ID", `{ node(id: "not-base64!") { id } }`, nil, graphql.CodeBadUserInput},
		{"missing variable", `query($id: ID!) { event(id: $id) { eventID } }`, map[string]any{"id": nil}, graphql.CodeBadUserInput},
		{"two operations, none named", `query A { anchors { edges { cursor } } } query B { anchors { edges { cursor } } }`, nil, graphql.CodeBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, r := post(t, srv, tt.query, tt.vars)
			if r.code() != tt.code {
				t.Fatalf("errors %+v, want code %s", r.Errors, tt.code)
			}
			if r.Errors[0].Message == "" {
				t.Error("no message")
			}
		})
	}
}

func TestHTTP(t *testing.T) {
	w := newWorld(t)
	srv := w.server(t, nil)
	q := url.Values{"query": {`query($id: String!) { product(id: $id) { productID } }`}, "variables": {`{"id": "urn:epc:id:sgtin:4012345.011111.42"}`}}
	resp, err := http.Get(srv.URL + "/graphql?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if status, r := decode(t, resp); status != 200 || get(r.Data, "product", "productID") != w.product {
		t.Errorf("GET: %d %+v", status, r)
	}

	req, _ := http.NewRequest(http.MethodPut, srv.URL+"/graphql", nil)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if status, r := decode(t, resp); status != http.StatusMethodNotAllowed || r.code() != graphql.CodeMethodNotAllowed {
		t.Errorf("PUT: %d %+v", status, r)
	}

	resp, err = http.Post(srv.URL+"/graphql", "text/plain", strings.NewReader(`{ anchors { edges { cursor } } }`))
	if err != nil {
		t.Fatal(err)
	}
	if status, r := decode(t, resp); status != http.StatusUnsupportedMediaType || r.code() != graphql.CodeBadRequest {
		t.Errorf("text/plain: %d %+v", status, r)
	}

	resp, err = http.Post(srv.URL+"/graphql", "application/json", strings.NewReader(`{"query": `))
	if err != nil {
		t.Fatal(err)
	}
	if _, r := decode(t, resp); r.code() != graphql.CodeBadRequest {
		t.Errorf("broken JSON: %+v", r)
	}

	// The spec's media type gets the spec's status codes.
	req, _ = http.NewRequest(http.MethodPost, srv.URL+"/graphql", strings.NewReader(`{"query": "{ nope }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/graphql-response+json")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/graphql-response+json") {
		t.Errorf("content type %q", ct)
	}
	if status, r := decode(t, resp); status != http.StatusBadRequest || r.code() != graphql.CodeValidationFailed {
		t.Errorf("graphql-response+json: %d %+v", status, r)
	}
}

func TestLimits(t *testing.T) {
	w := newWorld(t)
	deep := `query($id: String!) { product(id: $id) { events(first: 1) { edges { node { batch { anchor { txID } } } } } } }`
	tests := []struct {
		name   string
		limits graphql.Limits
		intro  bool
		query  string
		vars   map[string]any
		status int
		code   string
	}{
		{"depth", graphql.Limits{MaxDepth: 5}, true, deep, map[string]any{"id": w.product}, 200, graphql.CodeTooDeep},
		{"depth within", graphql.Limits{MaxDepth: 7}, true, deep, map[string]any{"id": w.product}, 200, ""},
		{"complexity", graphql.Limits{MaxComplexity: 100}, true,
			`query($id: String!) { product(id: $id) { events(first: 100) { edges { node { eventID eventTime } } } } }`, map[string]any{"id": w.product}, 200, graphql.CodeTooComplex},
		{"complexity by variable", graphql.Limits{MaxComplexity: 100}, true,
			`query($id: String!, $n: Int) { product(id: $id) { events(first: $n) { edges { node { eventID eventTime } } } } }`, map[string]any{"id": w.product, "n": 100}, 200, graphql.CodeTooComplex},
		{"aliases", graphql.Limits{MaxAliases: 2}, true, `{ a: anchors { edges { cursor } } b: anchors { edges { cursor } } c: anchors { edges { cursor } } }`, nil, 200, graphql.CodeTooManyAliases},
		{"introspection off", graphql.Limits{}, false, `{ __schema { types { name } } }`, nil, 200, graphql.CodeIntrospectionDisabled},
		{"introspection via fragment", graphql.Limits{}, false, `{ ...F } fragment F on Query { __type(name: "Event") { name } }`, nil, 200, graphql.CodeIntrospectionDisabled},
		{"typename is fine without introspection", graphql.Limits{}, false, `{ __typename }`, nil, 200, ""},
		{"body size", graphql.Limits{MaxBodyBytes: 100}, true, `{ anchors { edges { cursor node { batchID txID blockNumber channel batchRoot timestamp } } } }`, nil, 413, graphql.CodePayloadTooLarge},
		{"timeout", graphql.Limits{Timeout: 50 * time.Millisecond}, true, `{ anchors { edges { cursor } } }`, nil, 200, graphql.CodeTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := w.server(t, func(c *graphql.Config) { c.Limits, c.Introspection = tt.limits, tt.intro })
			if tt.code == graphql.CodeTimeout {
				w.ledger.mu.Lock()
				w.ledger.delay = time.Second
				w.ledger.mu.Unlock()
				defer func() { w.ledger.mu.Lock(); w.ledger.delay = 0; w.ledger.mu.Unlock() }()
			}
			status, r := post(t, srv, tt.query, tt.vars)
			if status != tt.status || r.code() != tt.code {
				t.Fatalf("status %d, errors %+v; want %d and code %q", status, r.Errors, tt.status, tt.code)
			}
		})
	}
}

func TestRateLimit(t *testing.T) {
	w := newWorld(t)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	srv := w.server(t, func(c *graphql.Config) { c.Limits.RatePerSecond, c.Limits.Burst, c.Now = 1, 3, clock })
	for i := range 3 {
		if status, r := post(t, srv, `{ __typename }`, nil); status != 200 || len(r.Errors) > 0 {
			t.Fatalf("request %d within the burst: %d %+v", i, status, r.Errors)
		}
	}
	status, r := post(t, srv, `{ __typename }`, nil)
	if status != http.StatusTooManyRequests || r.code() != graphql.CodeRateLimited {
		t.Fatalf("past the burst: %d %+v", status, r)
	}
	mu.Lock()
	now = now.Add(time.Second)
	mu.Unlock()
	if status, _ := post(t, srv, `{ __typename }`, nil); status != 200 {
		t.Errorf("a second later: %d", status)
	}
}

func TestMetrics(t *testing.T) {
	w := newWorld(t)
	reg := prometheus.NewRegistry()
	m := graphql.NewMetrics(reg)
	srv := w.server(t, func(c *graphql.Config) { c.Metrics = m })
	post(t, srv, `{ __typename }`, nil)
	post(t, srv, `{ nope }`, nil)
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			outcome := m.GetLabel()[0].GetValue()
			switch f.GetName() {
			case "provenant_api_requests_total":
				got["requests "+outcome] = m.GetCounter().GetValue()
			case "provenant_api_request_seconds":
				got["observed "+outcome] = float64(m.GetHistogram().GetSampleCount())
			}
		}
	}
	want := map[string]float64{"requests ok": 1, "observed ok": 1, "requests " + graphql.CodeValidationFailed: 1, "observed " + graphql.CodeValidationFailed: 1}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("metrics %v, want %v", got, want)
	}
}
