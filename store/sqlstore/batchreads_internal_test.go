package sqlstore

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/provenant/provenant/store"
	"github.com/provenant/provenant/store/storetest"
)

// queryCounter is a pgx tracer that counts the queries its connections run.
type queryCounter struct{ n atomic.Int64 }

// TraceQueryStart counts a query.
func (c *queryCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	c.n.Add(1)
	return ctx
}

// TraceQueryEnd does nothing.
func (c *queryCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// TestBatchedReadsQueryCount counts, on PostgreSQL, the queries the batched reads run: one
// per idsPerRead distinct IDs, however many IDs are repeated or unknown, and none for no
// IDs. The SQL and the chunking are the same on SQLite.
func TestBatchedReadsQueryCount(t *testing.T) {
	ctx := t.Context()
	url := storetest.PostgresURL(t)
	s := openInternal(t, url, storetest.NewSealer(t))
	batch := store.Batch{ID: "b-0003", Circuit: "c", CircuitVersion: "1", Size: 2, Root: "0x01", Proof: []byte{1}}
	if _, err := s.InsertEvent(ctx, groupEvent("e-0003", `{}`)); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateBatch(ctx, "", batch, []store.BatchMember{{EventID: "e-0003", Leaf: "0x02", BlindedCommitment: "0x03"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RecordAnchor(ctx, store.Anchor{BatchID: batch.ID, TxID: "tx", Channel: "ch", BatchRoot: batch.Root, Timestamp: time.Now()}); err != nil {
		t.Fatal(err)
	}

	target, err := parseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	var counter queryCounter
	target.pg.Tracer = &counter
	db := stdlib.OpenDB(*target.pg)
	defer db.Close()
	counted := &Store{dialect: dialectPostgres, w: db, r: db, log: s.log, now: time.Now}

	ids := func(prefix string, n int) []string {
		out := make([]string, 0, 2*n)
		for i := range n {
			out = append(out, fmt.Sprintf("%s-%04d", prefix, i))
		}
		return append(out, out...) // every ID twice
	}
	reads := []struct {
		name string
		read func(ids []string) (int, error)
		kind string // the prefix of the IDs it takes
	}{
		{"GetBatches", func(ids []string) (int, error) { m, err := counted.GetBatches(ctx, ids); return len(m), err }, "b"},
		{"GetAnchors", func(ids []string) (int, error) { m, err := counted.GetAnchors(ctx, ids); return len(m), err }, "b"},
		{"GetBatchMembersByEvent", func(ids []string) (int, error) {
			m, err := counted.GetBatchMembersByEvent(ctx, ids)
			return len(m), err
		}, "e"},
		{"GetEventsPublic", func(ids []string) (int, error) { m, err := counted.GetEventsPublic(ctx, ids); return len(m), err }, "e"},
	}
	for _, r := range reads {
		for _, tc := range []struct {
			distinct, queries int
		}{{0, 0}, {4, 1}, {idsPerRead, 1}, {idsPerRead + 1, 2}, {1200, 3}} {
			t.Run(fmt.Sprintf("%s/%d IDs", r.name, tc.distinct), func(t *testing.T) {
				wantFound := 0
				if tc.distinct > 3 {
					wantFound = 1
				}
				before := counter.n.Load()
				found, err := r.read(ids(r.kind, tc.distinct))
				queries := counter.n.Load() - before
				if err != nil || found != wantFound || queries != int64(tc.queries) {
					t.Errorf("%d distinct IDs, each twice: found %d, %v, in %d queries; want %d found in %d queries",
						tc.distinct, found, err, queries, wantFound, tc.queries)
				}
			})
		}
	}
}
