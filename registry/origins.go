package registry

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/provenant/provenant/field"
	"github.com/provenant/provenant/merkle"
)

// Depth is the depth of both registry trees.
const Depth = 20

// MaxEntries is the most leaves a registry holds: 2^Depth.
const MaxEntries = 1 << Depth

// TimeLayout is how the registry writes times: UTC, to the millisecond.
const TimeLayout = "2006-01-02T15:04:05.000Z"

// MaxCertificateLength bounds the certificate text of an origin entry, in
// bytes.
const MaxCertificateLength = 1024

// Origin is an entry of the origin registry: a facility certified to be in
// a region for a period. A facility may have several entries (several
// certificates, or several periods).
type Origin struct {
	// Facility is the facility's canonical identifier (CanonicalFacility).
	Facility string
	// Region is where the facility is, an officially assigned ISO 3166-1
	// alpha-2 code in upper case.
	Region string
	// ValidFrom is when the certificate starts to hold, inclusive (UTC,
	// milliseconds).
	ValidFrom time.Time
	// ValidUntil is the last instant the certificate holds, inclusive (UTC,
	// milliseconds); not before ValidFrom.
	ValidUntil time.Time
	// Certificate identifies the certification, free text. It is kept in the
	// registry's snapshots, not in its leaf.
	Certificate string
}

// covers reports whether the entry's period holds at, both ends included.
func (o Origin) covers(at time.Time) bool {
	return !at.Before(o.ValidFrom) && !at.After(o.ValidUntil)
}

// Canonical returns o as the registry holds it: the facility canonical, the
// region upper case, the times in UTC with ValidFrom rounded up and
// ValidUntil rounded down to the millisecond (so the period never grows),
// the certificate trimmed. It fails with Problems when o cannot be
// registered.
func (o Origin) Canonical() (Origin, error) {
	c, fps := canonicalOrigin(o)
	if len(fps) == 0 {
		return c, nil
	}
	ps := make(Problems, len(fps))
	for i, fp := range fps {
		ps[i] = Problem{Index: -1, Field: fp.field, Msg: fp.msg}
	}
	return Origin{}, ps
}

// fieldProblem is what is wrong with one field of an entry.
type fieldProblem struct{ field, msg string }

// The fields of an entry, as named in files and snapshots.
const (
	fieldFacility    = "facility"
	fieldRegion      = "region"
	fieldValidFrom   = "valid_from"
	fieldValidUntil  = "valid_until"
	fieldCertificate = "certificate"
)

// canonicalOrigin returns the canonical form of o and everything wrong
// with it.
func canonicalOrigin(o Origin) (Origin, []fieldProblem) {
	var fps []fieldProblem
	add := func(field string, err error) {
		if err != nil {
			fps = append(fps, fieldProblem{field, err.Error()})
		}
	}
	var c Origin
	var err error
	c.Facility, err = CanonicalFacility(o.Facility)
	add(fieldFacility, err)
	c.Region, err = canonicalRegion(o.Region)
	add(fieldRegion, err)
	c.ValidFrom, err = canonicalTime(o.ValidFrom, false)
	add(fieldValidFrom, err)
	c.ValidUntil, err = canonicalTime(o.ValidUntil, true)
	add(fieldValidUntil, err)
	if !c.ValidFrom.IsZero() && !c.ValidUntil.IsZero() && c.ValidUntil.Before(c.ValidFrom) {
		add(fieldValidUntil, fmt.Errorf("%s is before valid_from %s", c.ValidUntil.Format(TimeLayout), c.ValidFrom.Format(TimeLayout)))
	}
	c.Certificate, err = canonicalCertificate(o.Certificate)
	add(fieldCertificate, err)
	return c, fps
}

// canonicalRegion upper-cases code and checks it is officially assigned.
func canonicalRegion(code string) (string, error) {
	code = strings.TrimSpace(code)
	if code == "" {
		return "", fmt.Errorf("empty; want an ISO 3166-1 alpha-2 code such as DE")
	}
	up := strings.ToUpper(code)
	if len(up) != 2 || up[0] < 'A' || up[0] > 'Z' || up[1] < 'A' || up[1] > 'Z' {
		return "", fmt.Errorf("%q is not an ISO 3166-1 alpha-2 code (two letters, such as DE)", code)
	}
	if !ValidRegion(up) {
		return "", fmt.Errorf("%q is not an officially assigned ISO 3166-1 alpha-2 code", code)
	}
	return up, nil
}

// Times the registry can hold: Unix milliseconds that fit the circuits'
// field encoding (non-negative) and four-digit years.
var (
	minTime = time.Unix(0, 0).UTC()
	maxTime = time.Date(9999, 12, 31, 23, 59, 59, 999_000_000, time.UTC)
)

// canonicalTime returns t in UTC, rounded to the millisecond: down for the
// end of a period, up for its start.
func canonicalTime(t time.Time, end bool) (time.Time, error) {
	if t.IsZero() {
		return time.Time{}, fmt.Errorf("empty; want an RFC 3339 time or a YYYY-MM-DD date")
	}
	t = t.UTC()
	if r := t.Truncate(time.Millisecond); !r.Equal(t) && !end {
		t = r.Add(time.Millisecond)
	} else {
		t = r
	}
	if t.Before(minTime) || t.After(maxTime) {
		return time.Time{}, fmt.Errorf("%s is outside %s to %s", t.Format(TimeLayout), minTime.Format(TimeLayout), maxTime.Format(TimeLayout))
	}
	return t, nil
}

// canonicalCertificate trims s and refuses what a snapshot or a table
// cannot carry.
func canonicalCertificate(s string) (string, error) {
	s = strings.TrimSpace(s)
	if !utf8.ValidString(s) {
		return "", fmt.Errorf("not valid UTF-8")
	}
	if len(s) > MaxCertificateLength {
		return "", fmt.Errorf("%d bytes, longer than %d", len(s), MaxCertificateLength)
	}
	if i := strings.IndexFunc(s, unicode.IsControl); i >= 0 {
		return "", fmt.Errorf("%q holds a control character at byte %d", s, i)
	}
	return s, nil
}

// OriginLeaf returns the leaf of an entry in the origin registry:
// H(String(Facility), Region(Region), ValidFrom, ValidUntil), the times in
// Unix milliseconds. It hashes o as given (Canonical makes it canonical)
// and fails only when the region is not two upper-case letters or a time
// is before 1970.
func OriginLeaf(o Origin) (field.Element, error) {
	region, err := field.Region(o.Region)
	if err != nil {
		return field.Element{}, err
	}
	from, until := o.ValidFrom.UnixMilli(), o.ValidUntil.UnixMilli()
	if from < 0 || until < 0 {
		return field.Element{}, fmt.Errorf("origin %s: validity %s to %s starts before 1970", o.Facility,
			o.ValidFrom.UTC().Format(TimeLayout), o.ValidUntil.UTC().Format(TimeLayout))
	}
	return field.Hash(field.String(o.Facility), region, field.Uint64(uint64(from)), field.Uint64(uint64(until))), nil
}

// compareOrigins orders entries as the registry's leaves: by facility,
// then valid_from, then valid_until, then region, then certificate.
func compareOrigins(a, b Origin) int {
	return cmp.Or(
		strings.Compare(a.Facility, b.Facility),
		a.ValidFrom.Compare(b.ValidFrom),
		a.ValidUntil.Compare(b.ValidUntil),
		strings.Compare(a.Region, b.Region),
		strings.Compare(a.Certificate, b.Certificate),
	)
}

// locator returns the location of entry i, as a Problem with no field and
// no message.
type locator func(i int) Problem

// indexLocator locates entries of a slice.
func indexLocator(i int) Problem { return Problem{Index: i, Where: fmt.Sprintf("origins[%d]", i)} }

// place names the location of p in a message about another entry.
func (p Problem) place() string {
	switch {
	case p.Where != "":
		return p.Where
	case p.Line > 0:
		return fmt.Sprintf("line %d", p.Line)
	case p.Index >= 0:
		return fmt.Sprintf("[%d]", p.Index)
	}
	return "another entry"
}

// regionConflicts reports every entry whose period overlaps an earlier one
// of the same facility for another region: a facility is in one region at
// a time, and a lookup by facility and time must find one region.
// Entries must be canonical.
func regionConflicts(entries []Origin, loc locator) Problems {
	order := make([]int, len(entries))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int {
		a, b := entries[i], entries[j]
		return cmp.Or(strings.Compare(a.Facility, b.Facility), a.ValidFrom.Compare(b.ValidFrom), cmp.Compare(i, j))
	})
	// reach is, per region seen in the current facility, the entry that
	// reaches latest.
	type reach struct {
		region string
		until  time.Time
		index  int
	}
	var ps Problems
	var active []reach
	for k, j := range order {
		e := entries[j]
		if k == 0 || entries[order[k-1]].Facility != e.Facility {
			active = active[:0]
		}
		for _, r := range active {
			if r.region != e.Region && !r.until.Before(e.ValidFrom) {
				other := entries[r.index]
				p := loc(j)
				p.Field = fieldRegion
				p.Msg = fmt.Sprintf("facility %s is certified for %s from %s to %s (%s), overlapping this entry for %s; a facility is in one region at a time",
					e.Facility, other.Region, other.ValidFrom.Format(TimeLayout), other.ValidUntil.Format(TimeLayout), loc(r.index).place(), e.Region)
				ps = append(ps, p)
				break
			}
		}
		found := false
		for a := range active {
			if active[a].region == e.Region {
				found = true
				if e.ValidUntil.After(active[a].until) {
					active[a] = reach{e.Region, e.ValidUntil, j}
				}
			}
		}
		if !found {
			active = append(active, reach{e.Region, e.ValidUntil, j})
		}
	}
	return ps
}

// Origins is the origin registry: certified facilities in a Merkle tree of
// depth Depth. It is immutable and safe for concurrent use.
type Origins struct {
	entries []Origin // canonical, unique, in leaf order
	tree    *merkle.Tree
	// facilities maps a facility to the range of its entries.
	facilities map[string][2]int
}

// NewOrigins builds the origin registry of entries, which it makes
// canonical, deduplicates and orders. It fails with Problems, naming each
// entry by its index, when an entry is invalid or two entries certify a
// facility for different regions at overlapping times.
func NewOrigins(entries []Origin) (*Origins, error) {
	return newOrigins(entries, indexLocator)
}

func newOrigins(entries []Origin, loc locator) (*Origins, error) {
	checked := make([]Origin, len(entries))
	problems := make([][]fieldProblem, len(entries))
	parallel(len(entries), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			checked[i], problems[i] = canonicalOrigin(entries[i])
		}
	})
	canon := make([]Origin, 0, len(entries))
	index := make([]int, 0, len(entries)) // canon[k] is entries[index[k]]
	var ps Problems
	for i, c := range checked {
		fps := problems[i]
		for _, fp := range fps {
			p := loc(i)
			p.Field, p.Msg = fp.field, fp.msg
			ps = append(ps, p)
		}
		if len(fps) == 0 {
			canon = append(canon, c)
			index = append(index, i)
		}
	}
	// Conflicts between the valid entries are problems too.
	ps = append(ps, regionConflicts(canon, func(k int) Problem { return loc(index[k]) })...)
	if len(ps) > 0 {
		slices.SortStableFunc(ps, func(a, b Problem) int { return cmp.Compare(a.Index, b.Index) })
		return nil, ps
	}
	slices.SortFunc(canon, compareOrigins)
	canon = slices.CompactFunc(canon, func(a, b Origin) bool { return compareOrigins(a, b) == 0 })
	if len(canon) > MaxEntries {
		return nil, fmt.Errorf("origin registry: %d entries, more than the %d a tree of depth %d holds", len(canon), MaxEntries, Depth)
	}
	leaves := make([]field.Element, len(canon))
	leafErrs := make([]error, len(canon))
	parallel(len(canon), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			leaves[i], leafErrs[i] = OriginLeaf(canon[i])
		}
	})
	if err := errors.Join(leafErrs...); err != nil {
		return nil, fmt.Errorf("origin registry: %w", err) // canonical entries always hash
	}
	tree, err := merkle.New(Depth, leaves)
	if err != nil {
		return nil, fmt.Errorf("origin registry: %w", err)
	}
	r := &Origins{entries: canon, tree: tree, facilities: make(map[string][2]int)}
	for i := 0; i < len(canon); {
		j := i + 1
		for j < len(canon) && canon[j].Facility == canon[i].Facility {
			j++
		}
		r.facilities[canon[i].Facility] = [2]int{i, j}
		i = j
	}
	return r, nil
}

// Root returns the registry's Merkle root.
func (r *Origins) Root() field.Element { return r.tree.Root() }

// Len returns the number of entries.
func (r *Origins) Len() int { return len(r.entries) }

// Entries returns the entries in leaf order: entry i is leaf i.
func (r *Origins) Entries() []Origin { return slices.Clone(r.entries) }

// Find returns the entry that certifies facility at time at, with its
// Merkle path. When several do, it returns the first in leaf order. When
// none does, the error is a *NotCertifiedError (ErrNotCertified) that says
// whether the facility is unknown or its certificates are not yet valid,
// expired, or leave that time uncovered. The facility is made canonical
// first; at is taken in UTC to the millisecond, as event times are.
func (r *Origins) Find(facility string, at time.Time) (Origin, merkle.Path, error) {
	return r.find(facility, "", at)
}

// FindClaim is Find for an event's origin claim: it returns the entry that
// certifies facility in region at time at. A facility certified at that
// time for another region is a *NotCertifiedError with Reason WrongRegion.
func (r *Origins) FindClaim(facility, region string, at time.Time) (Origin, merkle.Path, error) {
	if region == "" {
		return Origin{}, merkle.Path{}, fmt.Errorf("origin facility %s: %w: no region claimed", facility, ErrNotCertified)
	}
	return r.find(facility, region, at)
}

func (r *Origins) find(facility, region string, at time.Time) (Origin, merkle.Path, error) {
	at = at.UTC().Truncate(time.Millisecond)
	if canon, err := CanonicalFacility(facility); err == nil {
		facility = canon
	}
	span, ok := r.facilities[facility]
	if !ok {
		return Origin{}, merkle.Path{}, &NotCertifiedError{Facility: facility, Region: region, At: at, Reason: UnknownFacility}
	}
	group := r.entries[span[0]:span[1]]
	covered, before, after := false, 0, 0
	for i, o := range group {
		switch {
		case o.covers(at):
			covered = true
			if region == "" || o.Region == region {
				path, err := r.tree.Path(uint64(span[0] + i))
				if err != nil {
					return Origin{}, merkle.Path{}, fmt.Errorf("origin registry: %w", err)
				}
				return o, path, nil
			}
		case at.Before(o.ValidFrom):
			before++
		default:
			after++
		}
	}
	e := &NotCertifiedError{Facility: facility, Region: region, At: at, Entries: slices.Clone(group)}
	switch {
	case covered:
		e.Reason = WrongRegion
	case before == len(group):
		e.Reason = NotYetValid
	case after == len(group):
		e.Reason = Expired
	default:
		e.Reason = NotCovered
	}
	return Origin{}, merkle.Path{}, e
}
