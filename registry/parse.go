package registry

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// columns are the fields of an origin entry in files, required first.
var columns = []string{fieldFacility, fieldRegion, fieldValidFrom, fieldValidUntil, fieldCertificate}

// requiredColumns is how many of columns a file must have.
const requiredColumns = 4

// ParseOrigins reads origin entries from a CSV or JSON file, telling them
// apart by the first character that is not white space ('[' or '{' is
// JSON). name names the file in errors.
//
// CSV needs a header row naming the columns facility, region, valid_from,
// valid_until and, optionally, certificate, in any order. JSON is an array
// of objects with those keys, or an object {"origins": [...]} (the form of
// an origin registry snapshot, whose "format" and "depth" keys it checks).
// Values are strings. valid_from and valid_until are RFC 3339 times or
// YYYY-MM-DD dates; a date means its first millisecond (00:00:00.000 UTC)
// as valid_from and its last (23:59:59.999 UTC) as valid_until. Facilities,
// regions and times are made canonical as Origin.Canonical does.
//
// When anything is wrong, ParseOrigins returns no entries and Problems
// listing every problem found, each naming the file, the CSV line or JSON
// array index, the field, and what is wrong.
func ParseOrigins(name string, r io.Reader) ([]Origin, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a spreadsheet's byte order mark
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	var (
		entries []Origin
		locs    []Problem
		ps      Problems
	)
	switch {
	case !utf8.Valid(data):
		line := 1 + bytes.Count(data[:invalidUTF8(data)], []byte("\n"))
		return nil, Problems{{File: name, Line: line, Index: -1, Msg: "not valid UTF-8; save the file as UTF-8"}}
	case len(trimmed) == 0:
		return nil, Problems{{File: name, Index: -1, Msg: "empty file; want CSV with a header row, or a JSON array of origin entries"}}
	case trimmed[0] == '[' || trimmed[0] == '{':
		entries, locs, ps = parseJSON(name, data)
	default:
		entries, locs, ps = parseCSV(name, data)
	}
	// Conflicts between the valid entries are problems too.
	ps = append(ps, regionConflicts(entries, func(i int) Problem { return locs[i] })...)
	if len(ps) > 0 {
		slices.SortStableFunc(ps, func(a, b Problem) int { return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Index, b.Index)) })
		return nil, ps
	}
	return entries, nil
}

// rawOrigin is an entry as written in a file, before checks.
type rawOrigin map[string]string

// parseEntry checks and converts one entry, returning the problems of its
// fields.
func parseEntry(raw rawOrigin) (Origin, []fieldProblem) {
	var fps []fieldProblem
	var o Origin
	var err error
	o.Facility, err = CanonicalFacility(raw[fieldFacility])
	if err != nil {
		fps = append(fps, fieldProblem{fieldFacility, err.Error()})
	}
	o.Region, err = canonicalRegion(raw[fieldRegion])
	if err != nil {
		fps = append(fps, fieldProblem{fieldRegion, err.Error()})
	}
	o.ValidFrom, err = parseTime(raw[fieldValidFrom], false)
	if err != nil {
		fps = append(fps, fieldProblem{fieldValidFrom, err.Error()})
	}
	o.ValidUntil, err = parseTime(raw[fieldValidUntil], true)
	if err != nil {
		fps = append(fps, fieldProblem{fieldValidUntil, err.Error()})
	}
	if !o.ValidFrom.IsZero() && !o.ValidUntil.IsZero() && o.ValidUntil.Before(o.ValidFrom) {
		fps = append(fps, fieldProblem{fieldValidUntil, fmt.Sprintf("%s is before valid_from %s",
			o.ValidUntil.Format(TimeLayout), o.ValidFrom.Format(TimeLayout))})
	}
	o.Certificate, err = canonicalCertificate(raw[fieldCertificate])
	if err != nil {
		fps = append(fps, fieldProblem{fieldCertificate, err.Error()})
	}
	return o, fps
}

// dateLayout is a calendar date.
const dateLayout = "2006-01-02"

// parseTime reads an RFC 3339 time or a YYYY-MM-DD date (its first
// millisecond, or its last when end is set) and makes it canonical.
func parseTime(s string, end bool) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, errors.New("empty; want an RFC 3339 time or a YYYY-MM-DD date")
	}
	var t time.Time
	var err error
	if len(s) == len(dateLayout) {
		t, err = time.Parse(dateLayout, s)
		if err == nil && end {
			t = t.AddDate(0, 0, 1).Add(-time.Millisecond)
		}
	} else {
		t, err = time.Parse(time.RFC3339Nano, s)
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time (2026-01-02T15:04:05Z) or a YYYY-MM-DD date", s)
	}
	t, err = canonicalTime(t, end)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q: %w", s, err)
	}
	return t, nil
}

// parseCSV reads CSV with a header row. It returns the valid entries,
// their locations and the problems found.
func parseCSV(name string, data []byte) ([]Origin, []Problem, Problems) {
	at := func(line int, field, msg string) Problem {
		return Problem{File: name, Line: line, Index: -1, Field: field, Msg: msg}
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err != nil {
		return nil, nil, Problems{csvProblem(name, err)}
	}
	var ps Problems
	headerLine, _ := cr.FieldPos(0)
	col := make(map[string]int) // column name to position
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		switch {
		case !slices.Contains(columns, h):
			ps = append(ps, at(headerLine, "", fmt.Sprintf("header: unknown column %q; want %s", header[i], strings.Join(columns, ", "))))
		case col[h] > 0:
			ps = append(ps, at(headerLine, "", fmt.Sprintf("header: column %s appears twice", h)))
		default:
			col[h] = i + 1
		}
	}
	for _, c := range columns[:requiredColumns] {
		if col[c] == 0 {
			ps = append(ps, at(headerLine, "", fmt.Sprintf("header: no %s column; the header row must name %s (and optionally %s)",
				c, strings.Join(columns[:requiredColumns], ", "), fieldCertificate)))
		}
	}
	if len(ps) > 0 {
		return nil, nil, ps
	}
	var entries []Origin
	var locs []Problem
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			// The reader may have lost its place; stop at the first syntax error.
			ps = append(ps, csvProblem(name, err))
			break
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			ps = append(ps, at(line, "", fmt.Sprintf("%d fields, the header has %d", len(rec), len(header))))
			continue
		}
		if blankRecord(rec) {
			continue // a spreadsheet's empty row
		}
		raw := make(rawOrigin, len(col))
		for c, i := range col {
			raw[c] = rec[i-1]
		}
		o, fps := parseEntry(raw)
		for _, fp := range fps {
			ps = append(ps, at(line, fp.field, fp.msg))
		}
		if len(fps) == 0 {
			entries = append(entries, o)
			locs = append(locs, at(line, "", ""))
		}
	}
	return entries, locs, ps
}

// csvProblem turns an error of the CSV reader into a problem.
func csvProblem(name string, err error) Problem {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return Problem{File: name, Line: pe.Line, Index: -1, Msg: fmt.Sprintf("column %d: CSV: %v", pe.Column, pe.Err)}
	}
	if err == io.EOF {
		return Problem{File: name, Index: -1, Msg: "no header row"}
	}
	return Problem{File: name, Index: -1, Msg: err.Error()}
}

func blankRecord(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// invalidUTF8 returns the offset of the first invalid UTF-8 sequence.
func invalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// parseJSON reads a JSON array of entries, or an object holding one under
// "origins". It returns the valid entries, their locations and the
// problems found.
func parseJSON(name string, data []byte) ([]Origin, []Problem, Problems) {
	whole := func(msg string) Problems { return Problems{{File: name, Index: -1, Msg: msg}} }
	var top json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line, col := position(data, se.Offset)
			return nil, nil, Problems{{File: name, Line: line, Index: -1, Msg: fmt.Sprintf("column %d: JSON: %v", col, se)}}
		}
		return nil, nil, whole("JSON: " + err.Error())
	}
	var list []json.RawMessage
	prefix := ""
	if bytes.TrimLeft(top, " \t\r\n")[0] == '{' {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(top, &obj); err != nil {
			return nil, nil, whole("JSON: " + err.Error())
		}
		var ps Problems
		for _, k := range sortedKeys(obj) {
			v := obj[k]
			switch k {
			case "origins":
				if err := json.Unmarshal(v, &list); err != nil || list == nil {
					ps = append(ps, Problem{File: name, Index: -1, Field: k, Msg: "want an array of origin entries"})
				}
			case "format":
				var f string
				if err := json.Unmarshal(v, &f); err != nil || f != OriginsFormat {
					ps = append(ps, Problem{File: name, Index: -1, Field: k, Msg: fmt.Sprintf("%s, want %q", v, OriginsFormat)})
				}
			case "depth":
				var d int
				if err := json.Unmarshal(v, &d); err != nil || d != Depth {
					ps = append(ps, Problem{File: name, Index: -1, Field: k, Msg: fmt.Sprintf("%s, want %d", v, Depth)})
				}
			default:
				ps = append(ps, Problem{File: name, Index: -1, Field: k, Msg: `unknown key; want {"origins": [...]}`})
			}
		}
		if _, ok := obj["origins"]; !ok {
			ps = append(ps, Problem{File: name, Index: -1, Msg: `no "origins" key; want {"origins": [...]} or an array`})
		}
		if len(ps) > 0 {
			return nil, nil, ps
		}
		prefix = "origins"
	} else if err := json.Unmarshal(top, &list); err != nil {
		return nil, nil, whole("JSON: " + err.Error())
	}
	var (
		entries []Origin
		locs    []Problem
		ps      Problems
	)
	for i, item := range list {
		loc := Problem{File: name, Index: i, Where: fmt.Sprintf("%s[%d]", prefix, i)}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(item, &obj); err != nil || obj == nil {
			p := loc
			p.Msg = fmt.Sprintf("want an object with keys %s, got %s", strings.Join(columns, ", "), clip(item))
			ps = append(ps, p)
			continue
		}
		raw := make(rawOrigin, len(columns))
		reported := make(map[string]bool)
		for _, k := range sortedKeys(obj) {
			p := loc
			p.Field = k
			if !slices.Contains(columns, k) {
				p.Msg = fmt.Sprintf("unknown key; want %s", strings.Join(columns, ", "))
				ps = append(ps, p)
				reported[k] = true
				continue
			}
			v := obj[k]
			if string(v) == "null" {
				continue
			}
			var s string
			if err := json.Unmarshal(v, &s); err != nil {
				p.Msg = fmt.Sprintf("want a string, got %s", clip(v))
				ps = append(ps, p)
				reported[k] = true
				continue
			}
			raw[k] = s
		}
		o, fps := parseEntry(raw)
		for _, fp := range fps {
			if reported[fp.field] {
				continue // already reported as not a string
			}
			p := loc
			p.Field, p.Msg = fp.field, fp.msg
			ps = append(ps, p)
		}
		if len(fps) == 0 && len(reported) == 0 {
			entries = append(entries, o)
			locs = append(locs, loc)
		}
	}
	return entries, locs, ps
}

// position returns the line and column (from 1, in bytes) of offset in
// data.
func position(data []byte, offset int64) (line, col int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	before := data[:offset]
	line = 1 + bytes.Count(before, []byte("\n"))
	col = int(offset) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// clip shortens a JSON value for a message.
func clip(v json.RawMessage) string {
	const most = 40
	if len(v) <= most {
		return string(v)
	}
	cut := most
	for cut > 0 && !utf8.RuneStart(v[cut]) {
		cut--
	}
	return string(v[:cut]) + "…"
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
