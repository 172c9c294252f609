package graphql

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/provenant/provenant/store"
)

// loader caches the store rows one request reads, and reads them in
// batches: when a list of events is resolved, the memberships, batches and
// anchors of all of them are read in one query each, so that resolving the
// fields of each event reads nothing more (no N+1 queries).
type loader struct {
	st Store

	mu      sync.Mutex
	events  map[string]*store.Event
	members map[string]*store.BatchMember
	batches map[string]*store.Batch
	anchors map[string]*store.Anchor
}

type loaderKey struct{}

func newLoader(st Store) *loader {
	return &loader{st: st, events: map[string]*store.Event{}, members: map[string]*store.BatchMember{},
		batches: map[string]*store.Batch{}, anchors: map[string]*store.Anchor{}}
}

func loaderFrom(ctx context.Context) (*loader, error) {
	l, ok := ctx.Value(loaderKey{}).(*loader)
	if !ok {
		return nil, fmt.Errorf("graphql: no loader in the request context")
	}
	return l, nil
}

// missing returns the keys of want that m does not hold yet.
func missing[V any](m map[string]*V, want []string) []string {
	var out []string
	for _, k := range want {
		if _, ok := m[k]; !ok && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// primeEvents caches events already read (a product's page) and reads,
// in one query each, their memberships, batches and anchors.
func (l *loader) primeEvents(ctx context.Context, evs []store.Event) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	ids := make([]string, len(evs))
	for i := range evs {
		e := evs[i]
		l.events[e.ID] = &e
		ids[i] = e.ID
	}
	return l.loadRelated(ctx, ids)
}

// loadRelated reads what the events' fields need; l.mu is held.
func (l *loader) loadRelated(ctx context.Context, eventIDs []string) error {
	if need := missing(l.members, eventIDs); len(need) > 0 {
		got, err := l.st.GetBatchMembersByEvent(ctx, need)
		if err != nil {
			return err
		}
		for _, id := range need {
			if m, ok := got[id]; ok {
				l.members[id] = &m
			} else {
				l.members[id] = nil
			}
		}
	}
	var batchIDs []string
	for _, id := range eventIDs {
		if m := l.members[id]; m != nil {
			batchIDs = append(batchIDs, m.BatchID)
		}
	}
	return l.loadBatches(ctx, batchIDs)
}

// loadBatches reads batches and their anchors; l.mu is held.
func (l *loader) loadBatches(ctx context.Context, batchIDs []string) error {
	if need := missing(l.batches, batchIDs); len(need) > 0 {
		got, err := l.st.GetBatches(ctx, need)
		if err != nil {
			return err
		}
		for _, id := range need {
			if b, ok := got[id]; ok {
				l.batches[id] = &b
			} else {
				l.batches[id] = nil
			}
		}
	}
	if need := missing(l.anchors, batchIDs); len(need) > 0 {
		got, err := l.st.GetAnchors(ctx, need)
		if err != nil {
			return err
		}
		for _, id := range need {
			if a, ok := got[id]; ok {
				l.anchors[id] = &a
			} else {
				l.anchors[id] = nil
			}
		}
	}
	return nil
}

// event returns the event with id, or nil.
func (l *loader) event(ctx context.Context, id string) (*store.Event, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if e, ok := l.events[id]; ok {
		return e, nil
	}
	got, err := l.st.GetEventsPublic(ctx, []string{id})
	if err != nil {
		return nil, err
	}
	if e, ok := got[id]; ok {
		l.events[id] = &e
	} else {
		l.events[id] = nil
	}
	return l.events[id], nil
}

// member returns the event's membership in the batch it is proven in, or nil.
func (l *loader) member(ctx context.Context, eventID string) (*store.BatchMember, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.loadRelated(ctx, []string{eventID}); err != nil {
		return nil, err
	}
	return l.members[eventID], nil
}

// batch returns the batch with id, or nil.
func (l *loader) batch(ctx context.Context, id string) (*store.Batch, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.loadBatches(ctx, []string{id}); err != nil {
		return nil, err
	}
	return l.batches[id], nil
}

// anchor returns the store's record of the batch's anchor, or nil.
func (l *loader) anchor(ctx context.Context, batchID string) (*store.Anchor, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.loadBatches(ctx, []string{batchID}); err != nil {
		return nil, err
	}
	return l.anchors[batchID], nil
}
