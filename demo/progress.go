package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/provenant/provenant/store"
)

// EventReader is what following the events needs of the store: public
// reads only, so that a store opened without the sealing key serves.
type EventReader interface {
	GetEventsPublic(ctx context.Context, ids []string) (map[string]store.Event, error)
}

// Progress is where a pushed feed stands. The event counts are
// cumulative: an ANCHORED event is also counted proven and received.
type Progress struct {
	// Elapsed is the time since the tracker started.
	Elapsed time.Duration
	// Events is the number of good events pushed.
	Events int
	// Received counts those the store holds, whatever their status;
	// Proven those proven in a batch (PROVEN or ANCHORED); Anchored and
	// Rejected those with that status.
	Received, Proven, Anchored, Rejected int
	// Lost counts good events whose message was dead-lettered: they will
	// never be stored.
	Lost int
	// Bad is the number of bad messages pushed; DeadLetters counts the
	// run's messages seen on the dead-letter topic, BadDeadLettered the
	// bad ones among them.
	Bad, DeadLetters, BadDeadLettered int
}

// Settled counts the good events whose fate is sealed: ANCHORED, REJECTED,
// or lost with their message.
func (p Progress) Settled() int { return p.Anchored + p.Rejected + p.Lost }

// Done reports whether every good event is settled and every bad message
// dead-lettered.
func (p Progress) Done() bool { return p.Settled() >= p.Events && p.BadDeadLettered >= p.Bad }

// String returns the progress line.
func (p Progress) String() string {
	s := fmt.Sprintf("received %d/%d · proven %d · anchored %d · rejected %d · dead letters %d/%d",
		p.Received, p.Events, p.Proven, p.Anchored, p.Rejected, p.DeadLetters, p.Bad)
	if p.Lost > 0 {
		s += fmt.Sprintf(" · %d events lost with their message", p.Lost)
	}
	return s
}

// Tracker follows a pushed feed: the status of its events in the store,
// and its messages on the dead-letter topic.
type Tracker struct {
	feed   *Feed
	store  EventReader
	dlq    *DeadLetters
	began  time.Time
	events map[string]store.Event // the last seen state of each stored event
	dead   map[int]DeadLetter     // by message index
}

// NewTracker returns a tracker of the feed's events in st and of its dead
// letters read by dlq (nil: none are read).
func NewTracker(f *Feed, st EventReader, dlq *DeadLetters) *Tracker {
	return &Tracker{feed: f, store: st, dlq: dlq, began: time.Now(),
		events: map[string]store.Event{}, dead: map[int]DeadLetter{}}
}

// pollChunk bounds the IDs of one store read.
const pollChunk = 500

// Poll reads what changed and returns the progress. On an error it still
// returns the progress as last known.
func (t *Tracker) Poll(ctx context.Context) (Progress, error) {
	var errs []error
	if t.dlq != nil {
		dead, err := t.dlq.Read(ctx)
		for _, d := range dead {
			if d.Message < len(t.feed.Messages) {
				if _, seen := t.dead[d.Message]; !seen {
					t.dead[d.Message] = d
				}
			}
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	var pending []string
	for i := range t.feed.Messages {
		if _, dead := t.dead[i]; dead {
			continue
		}
		for _, e := range t.feed.Messages[i].Events {
			if s := t.events[e.ID].Status; s != store.StatusAnchored && s != store.StatusRejected {
				pending = append(pending, e.ID)
			}
		}
	}
	for len(pending) > 0 {
		n := min(len(pending), pollChunk)
		got, err := t.store.GetEventsPublic(ctx, pending[:n])
		if err != nil {
			errs = append(errs, fmt.Errorf("demo: read the store: %w", err))
			break
		}
		for id, e := range got {
			t.events[id] = e
		}
		pending = pending[n:]
	}
	return t.progress(), errors.Join(errs...)
}

// progress counts what the tracker knows.
func (t *Tracker) progress() Progress {
	p := Progress{Elapsed: time.Since(t.began)}
	for i := range t.feed.Messages {
		m := &t.feed.Messages[i]
		_, dead := t.dead[i]
		if m.Fault != FaultNone {
			p.Bad++
		}
		if dead {
			p.DeadLetters++
			if m.Fault != FaultNone {
				p.BadDeadLettered++
			}
		}
		for _, e := range m.Events {
			p.Events++
			s, ok := t.events[e.ID]
			switch {
			case ok:
				p.Received++
			case dead:
				p.Lost++
			}
			switch s.Status {
			case store.StatusProven:
				p.Proven++
			case store.StatusAnchored:
				p.Proven++
				p.Anchored++
			case store.StatusRejected:
				p.Rejected++
			}
		}
	}
	return p
}

// Event returns the last seen state of a stored event of the feed.
func (t *Tracker) Event(id string) (store.Event, bool) {
	e, ok := t.events[id]
	return e, ok
}

// DeadLetter returns the dead letter of the feed's message i, if seen.
func (t *Tracker) DeadLetter(i int) (DeadLetter, bool) {
	d, ok := t.dead[i]
	return d, ok
}

// ErrTimeout reports a watch that ended before every event settled.
var ErrTimeout = errors.New("demo: timed out")

// Hints printed when nothing moves for a while, and how often an
// unchanged progress line is repeated.
const (
	heartbeat       = 30 * time.Second
	hintIngestAfter = 15 * time.Second
	hintProverAfter = 90 * time.Second
)

// Watch polls every poll until the feed is done (Progress.Done), timeout
// passes (ErrTimeout) or ctx ends, and writes a line to out whenever the
// progress changes, and every 30 s while it does not. The errors of a poll
// are written to out too, once each, and watching goes on: a broker or
// store that is away for a moment stops nothing.
func Watch(ctx context.Context, t *Tracker, out io.Writer, poll, timeout time.Duration) (Progress, error) {
	if out == nil {
		out = io.Discard
	}
	deadline := time.Now().Add(timeout)
	var (
		last, lastErr          string
		ingestHint, proverHint bool
		p                      Progress
		lastChange, lastPrint  = time.Now(), time.Now()
	)
	for {
		var err error
		p, err = t.Poll(ctx)
		if ctx.Err() != nil {
			return p, ctx.Err()
		}
		if err != nil && err.Error() != lastErr {
			fmt.Fprintf(out, "  [%5s] warning: %v\n", round(p.Elapsed), err)
		}
		lastErr = ""
		if err != nil {
			lastErr = err.Error()
		}
		switch line := p.String(); {
		case line != last:
			last, lastChange, lastPrint = line, time.Now(), time.Now()
			fmt.Fprintf(out, "  [%5s] %s\n", round(p.Elapsed), line)
		case time.Since(lastPrint) >= heartbeat:
			lastPrint = time.Now()
			fmt.Fprintf(out, "  [%5s] %s\n", round(p.Elapsed), line)
		}
		if p.Done() {
			return p, nil
		}
		idle := time.Since(lastChange)
		switch {
		case !ingestHint && p.Received == 0 && p.DeadLetters == 0 && idle >= hintIngestAfter:
			ingestHint = true
			fmt.Fprintln(out, "          nothing has arrived yet: is ingest running? (provenant dev --data DIR, or provenant ingest)")
		case !proverHint && p.Received > 0 && p.Proven+p.Rejected == 0 && idle >= hintProverAfter:
			proverHint = true
			fmt.Fprintln(out, "          nothing has been proven yet: is the prover running? (the first batch of a dev system takes a while)")
		}
		if !time.Now().Before(deadline) {
			return p, fmt.Errorf("%w after %s: %d of %d events settled, %d of %d bad messages dead-lettered",
				ErrTimeout, timeout, p.Settled(), p.Events, p.BadDeadLettered, p.Bad)
		}
		select {
		case <-ctx.Done():
			return p, ctx.Err()
		case <-time.After(min(poll, time.Until(deadline))):
		}
	}
}

// round shortens a duration for progress lines.
func round(d time.Duration) time.Duration {
	if d < 10*time.Second {
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Second)
}
