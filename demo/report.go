package demo

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/provenant/provenant/store"
)

// Result is what a run of the demo did and, when it watched, what became
// of its messages.
type Result struct {
	Feed *Feed
	// Run is the run's identifier (HeaderRun).
	Run string
	// Keys are the suppliers' public keys (hex), indexed like
	// Feed.Suppliers.
	Keys []string
	// Watched says whether the run followed its events; the fields below
	// are set only then.
	Watched  bool
	Progress Progress
	tracker  *Tracker
}

// Surprises lists the outcomes that differ from what the feed expects: a
// good event that settled in another status than expected, a good message
// that was dead-lettered, a bad message dead-lettered with another code
// than its fault's. Events still on their way are not surprises.
func (r *Result) Surprises() []string {
	if !r.Watched || r.tracker == nil {
		return nil
	}
	var out []string
	for i := range r.Feed.Messages {
		m := &r.Feed.Messages[i]
		d, dead := r.tracker.DeadLetter(i)
		switch {
		case m.Fault != FaultNone && dead && d.Code != m.Fault.Code():
			out = append(out, fmt.Sprintf("%s was dead-lettered as %q, want %s", m.Name, d.Reason, m.Fault.Code()))
		case m.Fault == FaultNone && dead:
			out = append(out, fmt.Sprintf("%s was dead-lettered: %s", m.Name, d.Reason))
		}
		for _, e := range m.Events {
			got, ok := r.tracker.Event(e.ID)
			if !ok || (got.Status != store.StatusAnchored && got.Status != store.StatusRejected) || got.Status == e.Expect {
				continue
			}
			why := ""
			if got.RejectReason != "" {
				why = ": " + got.RejectReason
			}
			out = append(out, fmt.Sprintf("%s event %s (%s) is %s, want %s%s", m.Name, e.ID, e.Step, got.Status, e.Expect, why))
		}
	}
	return out
}

// WriteSummary writes the tables that end a run: per supplier, the events
// sent and (when watched) where they stand; the origin claims expected to
// be rejected; the bad messages with the code each was expected to be
// dead-lettered under and (when watched) the one it was.
func (r *Result) WriteSummary(w io.Writer) error {
	f := r.Feed
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	type counts struct{ msgs, events, received, proven, anchored, rejected, expectRejected, pending int }
	rows := make([]counts, len(f.Suppliers))
	var total counts
	for i := range f.Messages {
		m := &f.Messages[i]
		if m.Fault != FaultNone {
			continue
		}
		c := &rows[m.Supplier]
		c.msgs++
		_, dead := r.deadLetter(i)
		for _, e := range m.Events {
			c.events++
			if e.Expect == store.StatusRejected {
				c.expectRejected++
			}
			got, ok := r.event(e.ID)
			if ok {
				c.received++
			}
			switch got.Status {
			case store.StatusProven:
				c.proven++
			case store.StatusAnchored:
				c.proven++
				c.anchored++
			case store.StatusRejected:
				c.rejected++
			}
			if !dead && got.Status != store.StatusAnchored && got.Status != store.StatusRejected {
				c.pending++
			}
		}
	}
	fmt.Fprintln(w)
	if r.Watched {
		fmt.Fprintln(tw, "SUPPLIER\tKEY\tMESSAGES\tEVENTS\tRECEIVED\tPROVEN\tANCHORED\tREJECTED (EXPECTED)\tPENDING")
	} else {
		fmt.Fprintln(tw, "SUPPLIER\tKEY\tMESSAGES\tEVENTS\tEXPECTED ANCHORED\tEXPECTED REJECTED")
	}
	row := func(name, key string, c counts) {
		if r.Watched {
			fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d (%d)\t%d\n", name, key, c.msgs, c.events, c.received, c.proven, c.anchored, c.rejected, c.expectRejected, c.pending)
		} else {
			fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\n", name, key, c.msgs, c.events, c.events-c.expectRejected, c.expectRejected)
		}
	}
	for s, p := range f.Suppliers {
		c := rows[s]
		key := ""
		if s < len(r.Keys) {
			key = shortKey(r.Keys[s])
		}
		row(p.Name, key, c)
		total.msgs += c.msgs
		total.events += c.events
		total.received += c.received
		total.proven += c.proven
		total.anchored += c.anchored
		total.rejected += c.rejected
		total.expectRejected += c.expectRejected
		total.pending += c.pending
	}
	row("total", "", total)
	if err := tw.Flush(); err != nil {
		return err
	}

	fmt.Fprintln(w)
	var claims []Event
	for _, e := range f.Events() {
		if e.Expect == store.StatusRejected {
			claims = append(claims, e)
		}
	}
	if len(claims) == 0 {
		fmt.Fprintln(tw, "ORIGIN CLAIMS EXPECTED REJECTED: none (a supplier's first lot is always certified)")
	} else {
		fmt.Fprintln(tw, "ORIGIN CLAIM EXPECTED REJECTED\tSUPPLIER\tSTATUS\tREASON")
	}
	for _, e := range claims {
		status, reason := "-", e.Uncertified
		if got, ok := r.event(e.ID); ok {
			status = string(got.Status)
			if got.RejectReason != "" {
				reason = got.RejectReason
			}
		} else if r.Watched {
			status = "not received"
		}
		fmt.Fprintf(tw, "%s at %s (%s)\t%s\t%s\t%s\n", e.OriginRegion, e.OriginFacility, e.Lot, f.Suppliers[e.Supplier].Name, status, ellipsis(reason, 140))
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	fmt.Fprintln(w)
	if r.Watched {
		fmt.Fprintln(tw, "BAD MESSAGE\tSUPPLIER\tEXPECTED CODE\tDEAD-LETTERED AS")
	} else {
		fmt.Fprintln(tw, "BAD MESSAGE\tSUPPLIER\tEXPECTED CODE")
	}
	for i := range f.Messages {
		m := &f.Messages[i]
		if m.Fault == FaultNone {
			continue
		}
		name := f.Suppliers[m.Supplier].Name
		if m.Fault == FaultUnknownKey {
			name = "(unregistered key)"
		}
		if !r.Watched {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", m.Fault.Describe(), name, m.Fault.Code())
			continue
		}
		got := "not seen"
		if d, ok := r.deadLetter(i); ok {
			got = string(d.Code)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", m.Fault.Describe(), name, m.Fault.Code(), got)
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	fmt.Fprintln(w)
	if !r.Watched {
		_, err := fmt.Fprintln(w, "Not watched (--watch=false): follow the events with the GraphQL API or provenant store migrate.")
		return err
	}
	surprises := r.Surprises()
	for _, s := range surprises {
		fmt.Fprintf(w, "UNEXPECTED: %s\n", s)
	}
	p := r.Progress
	outcomes := p.Events + p.Bad
	var err error
	switch {
	case len(surprises) > 0:
		_, err = fmt.Fprintf(w, "%d of %d outcomes differ from what the demo expects.\n", len(surprises), outcomes)
	case !p.Done():
		_, err = fmt.Fprintf(w, "No surprises so far; %d of %d events still on their way, %d of %d bad messages not seen dead-lettered.\n",
			p.Events-p.Settled(), p.Events, p.Bad-p.BadDeadLettered, p.Bad)
	default:
		_, err = fmt.Fprintf(w, "All %d outcomes as expected: %d events anchored, %d origin claims rejected by the prover, %d bad messages dead-lettered.\n",
			outcomes, p.Anchored, p.Rejected, p.BadDeadLettered)
	}
	return err
}

func (r *Result) event(id string) (store.Event, bool) {
	if r.tracker == nil {
		return store.Event{}, false
	}
	return r.tracker.Event(id)
}

func (r *Result) deadLetter(i int) (DeadLetter, bool) {
	if r.tracker == nil {
		return DeadLetter{}, false
	}
	return r.tracker.DeadLetter(i)
}

// ellipsis cuts s to n runes.
func ellipsis(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
