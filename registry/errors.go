package registry

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// ErrNotRegistered reports a supplier key that is not in the supplier
// registry.
var ErrNotRegistered = errors.New("registry: supplier key not registered")

// ErrNotCertified reports an origin facility that the origin registry does
// not certify at the time asked (or not for the region asked). The error is
// a *NotCertifiedError, which says why.
var ErrNotCertified = errors.New("registry: origin facility not certified")

// ErrInvalidOrigin reports origin entries that cannot be registered. The
// error is a Problems list that says where and why.
var ErrInvalidOrigin = errors.New("registry: invalid origin entry")

// ErrCorruptSnapshot reports a registry snapshot whose data cannot be read
// or does not rebuild the root it was saved with.
var ErrCorruptSnapshot = errors.New("registry: corrupt snapshot")

// Reason says why a facility is not certified.
type Reason int

// The reasons a facility is not certified.
const (
	// UnknownFacility: the registry has no entry for the facility.
	UnknownFacility Reason = iota + 1
	// NotYetValid: every certificate of the facility starts after the time.
	NotYetValid
	// Expired: every certificate of the facility ended before the time.
	Expired
	// NotCovered: the facility's certificates end before and start after the
	// time, none covers it.
	NotCovered
	// WrongRegion: a certificate covers the time, but for another region.
	WrongRegion
)

// String returns the reason as a word.
func (r Reason) String() string {
	switch r {
	case UnknownFacility:
		return "unknown facility"
	case NotYetValid:
		return "not yet valid"
	case Expired:
		return "expired"
	case NotCovered:
		return "not covered"
	case WrongRegion:
		return "wrong region"
	}
	return fmt.Sprintf("reason(%d)", int(r))
}

// NotCertifiedError is the error of a lookup in the origin registry that
// found no entry. It matches ErrNotCertified with errors.Is.
type NotCertifiedError struct {
	// Facility is the facility asked for, canonical when it could be made so.
	Facility string
	// Region is the region asked for; empty when none was.
	Region string
	// At is the time asked for (UTC, milliseconds).
	At time.Time
	// Reason says why no entry matched.
	Reason Reason
	// Entries are the facility's entries, in registry order; empty for an
	// unknown facility.
	Entries []Origin
}

// Error describes what is not certified and why.
func (e *NotCertifiedError) Error() string {
	at := e.At.UTC().Format(TimeLayout)
	prefix := fmt.Sprintf("origin facility %s is not certified at %s", e.Facility, at)
	switch e.Reason {
	case UnknownFacility:
		return fmt.Sprintf("origin facility %s is not in the origin registry", e.Facility)
	case NotYetValid:
		first := e.Entries[0].ValidFrom
		for _, o := range e.Entries {
			if o.ValidFrom.Before(first) {
				first = o.ValidFrom
			}
		}
		return fmt.Sprintf("%s: its certificates are not yet valid, the first starts %s", prefix, first.Format(TimeLayout))
	case Expired:
		last := e.Entries[0].ValidUntil
		for _, o := range e.Entries {
			if o.ValidUntil.After(last) {
				last = o.ValidUntil
			}
		}
		return fmt.Sprintf("%s: its certificates expired, the last at %s", prefix, last.Format(TimeLayout))
	case NotCovered:
		return fmt.Sprintf("%s: none of its certificates covers that time (%s)", prefix, periods(e.Entries))
	case WrongRegion:
		var regions []string
		for _, o := range e.Entries {
			if o.covers(e.At) && !slices.Contains(regions, o.Region) {
				regions = append(regions, o.Region)
			}
		}
		return fmt.Sprintf("origin facility %s is certified for region %s at %s, not for %s",
			e.Facility, strings.Join(regions, ", "), at, e.Region)
	}
	return prefix
}

// Is reports whether target is ErrNotCertified.
func (e *NotCertifiedError) Is(target error) bool { return target == ErrNotCertified }

// periods lists the validity periods of entries, a few of them.
func periods(entries []Origin) string {
	const most = 5
	var b strings.Builder
	for i, o := range entries {
		if i == most {
			fmt.Fprintf(&b, ", and %d more", len(entries)-most)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s to %s", o.ValidFrom.Format(TimeLayout), o.ValidUntil.Format(TimeLayout))
	}
	return b.String()
}

// Problem is one thing wrong with an origin entry or an origin file: where
// it is, which field, and what is wrong.
type Problem struct {
	// File is the name of the file; empty for entries not read from one.
	File string
	// Line is the CSV line the entry starts on, from 1; 0 when not CSV.
	Line int
	// Index is the entry's position in its JSON array or slice, from 0; -1
	// for CSV lines and for problems of the whole file.
	Index int
	// Where locates the entry in words ("origins[3]", "snapshot 7 entry
	// 2"); empty when File, Line and Index say it all.
	Where string
	// Field is the field (column, JSON key) at fault; empty when the
	// problem is with the entry or the file as a whole.
	Field string
	// Msg says what is wrong.
	Msg string
}

// Error returns the problem as FILE:LINE: FIELD: MSG for CSV,
// FILE: [INDEX]: FIELD: MSG for JSON, omitting what is unknown.
func (p Problem) Error() string {
	var b strings.Builder
	switch {
	case p.File != "" && p.Line > 0:
		fmt.Fprintf(&b, "%s:%d: ", p.File, p.Line)
	case p.File != "":
		b.WriteString(p.File)
		b.WriteString(": ")
	case p.Line > 0:
		fmt.Fprintf(&b, "line %d: ", p.Line)
	}
	switch {
	case p.Where != "":
		b.WriteString(p.Where)
		b.WriteString(": ")
	case p.Index >= 0:
		fmt.Fprintf(&b, "[%d]: ", p.Index)
	}
	if p.Field != "" {
		b.WriteString(p.Field)
		b.WriteString(": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// Problems is the list of everything wrong with a set of origin entries, in
// the order found. It matches ErrInvalidOrigin with errors.Is.
type Problems []Problem

// maxListed bounds how many problems Error spells out.
const maxListed = 10

// Error lists the problems, one a line, the first ten of them.
func (ps Problems) Error() string {
	switch len(ps) {
	case 0:
		return "no problems"
	case 1:
		return ps[0].Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d problems:", len(ps))
	for i, p := range ps {
		if i == maxListed {
			fmt.Fprintf(&b, "\n\t… and %d more", len(ps)-maxListed)
			break
		}
		b.WriteString("\n\t")
		b.WriteString(p.Error())
	}
	return b.String()
}

// Unwrap returns ErrInvalidOrigin.
func (ps Problems) Unwrap() error { return ErrInvalidOrigin }
