package prover_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"golang.org/x/sync/errgroup"

	"github.com/provenant/provenant/prover"
	"github.com/provenant/provenant/store"
	"github.com/provenant/provenant/store/sqlstore"
	"github.com/provenant/provenant/store/storetest"
)

// TestTwoProversOnePostgres runs two provers on one PostgreSQL store until
// the queue is empty: every event is proven exactly once.
func TestTwoProversOnePostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("proves several batches: skipped with -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	st, err := sqlstore.Open(ctx, storetest.PostgresURL(t), sqlstore.WithSealer(storetest.NewSealer(t)))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	alice := mustKey(t)
	register(t, ctx, st, alice)
	certify(t, ctx, st)
	var msgs []kafka.Message
	for i := range 12 {
		origin := ""
		if i%4 == 0 {
			origin = "DE"
		}
		msgs = append(msgs, event(t, alice, 100+i, origin))
	}
	ids := ingestAll(t, ctx, st, msgs...)

	k := testKeys(t)
	var g errgroup.Group
	batches := make([][]string, 2)
	for i := range 2 {
		p, err := prover.New(st, k, prover.CPU(), prover.Config{Owner: fmt.Sprintf("prover-%d", i), MaxWait: time.Millisecond, Poll: 10 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		g.Go(func() error {
			for {
				res, err := p.ProveOnce(ctx)
				if err != nil {
					return err
				}
				if res.Batch.ID == "" {
					return nil
				}
				batches[i] = append(batches[i], res.Batch.ID)
			}
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	if len(batches[0]) == 0 || len(batches[1]) == 0 {
		t.Logf("batches per prover: %d and %d (one prover took all the work)", len(batches[0]), len(batches[1]))
	}
	seen := map[string]string{}
	for _, bs := range batches {
		for _, b := range bs {
			members, err := st.ListBatchMembers(ctx, b)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range members {
				if other, dup := seen[m.EventID]; dup {
					t.Errorf("event %s proven in batches %s and %s", m.EventID, other, b)
				}
				seen[m.EventID] = b
			}
		}
	}
	for _, id := range ids {
		e, err := st.GetEvent(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if e.Status != store.StatusProven || seen[id] == "" {
			t.Errorf("event %s: status %s, in batch %q; want PROVEN exactly once", id, e.Status, seen[id])
		}
	}
}
