package epcis

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Code names the kind of a Problem. Codes are stable: callers, tests and
// metrics may branch on them, while messages may be reworded.
type Code string

// Structural problems, found by Parse.
const (
	CodeTooLarge       Code = "too_large"       // the input exceeds the size limit
	CodeInvalidJSON    Code = "invalid_json"    // the input is not well-formed JSON
	CodeTooDeep        Code = "too_deep"        // objects and arrays nest beyond the depth limit
	CodeDuplicateKey   Code = "duplicate_key"   // an object names the same key twice
	CodeNotObject      Code = "not_object"      // the document or an event is not a JSON object
	CodeUnknownType    Code = "unknown_type"    // "type" names no EPCIS document or event type
	CodeInvalidContext Code = "invalid_context" // @context cannot be read
)

// Problems found against the EPCIS 2.0 JSON Schema.
const (
	CodeMissingField       Code = "missing_field"       // a required field is absent
	CodeFieldNotAllowed    Code = "field_not_allowed"   // a field the standard does not allow at this place
	CodeWrongType          Code = "wrong_type"          // a value of the wrong JSON type
	CodeInvalidValue       Code = "invalid_value"       // a value outside a closed set (action, …)
	CodeNotInVocabulary    Code = "not_in_vocabulary"   // neither a standard vocabulary word nor a URI
	CodeInvalidTime        Code = "invalid_time"        // not an RFC 3339 date-time with offset
	CodeInvalidURI         Code = "invalid_uri"         // not an absolute URI
	CodeInvalidFormat      Code = "invalid_format"      // a value that does not match its pattern
	CodeEmptyList          Code = "empty_list"          // a list that must not be empty
	CodeDuplicateItem      Code = "duplicate_item"      // a list that must not repeat a value
	CodeMissingIdentifiers Code = "missing_identifiers" // an event that names no objects
	CodeILMDNotAllowed     Code = "ilmd_not_allowed"    // ilmd outside ObjectEvent ADD / TransformationEvent
	CodeSchema             Code = "schema"              // any other schema violation
)

// Problems found by the EPCIS 2.0 / CBV 2.0 rules that the schema cannot
// express.
const (
	CodeMissingStandardContext Code = "missing_standard_context" // @context does not reference the EPCIS 2.0 context
	CodeSchemaVersion          Code = "unsupported_schema_version"
	CodeUndeclaredPrefix       Code = "undeclared_prefix"     // a CURIE whose prefix @context does not declare
	CodeUnqualifiedExtension   Code = "unqualified_extension" // a user extension field without a namespace
	CodeUnknownCBVTerm         Code = "unknown_cbv_term"      // a URI in a standard namespace naming no standard term
	CodeCBVURNForm             Code = "cbv_urn_form"          // an EPCIS 1.x urn:epcglobal:cbv:… value
	CodeInvalidEPC             Code = "invalid_epc"           // an EPC URN that breaks the GS1 Tag Data Standard grammar
	CodeInvalidDigitalLink     Code = "invalid_digital_link"  // a GS1 Digital Link URI with a malformed key
	CodeIdentifierKind         Code = "wrong_identifier_kind" // a class-level identifier where an instance is needed, or the reverse
	CodeInvalidEventID         Code = "invalid_event_id"      // a malformed urn:uuid: or ni: event ID
	CodeDuplicateEventID       Code = "duplicate_event_id"    // two events (neither an error declaration) share an eventID
	CodeUOMWithoutQuantity     Code = "uom_without_quantity"
	CodeInvalidUOM             Code = "invalid_uom"
	CodeSensorReportType       Code = "sensor_report_type" // a sensor report with neither type nor exception
	CodeSensorValueRange       Code = "sensor_value_range" // inconsistent statistics (minValue > maxValue, …)
	CodeSensorTimeRange        Code = "sensor_time_range"  // startTime after endTime
)

// ErrInvalid is the sentinel that every *ValidationError matches with
// errors.Is, for callers that only need to tell invalid input apart.
var ErrInvalid = errors.New("invalid EPCIS document")

// A Problem is one thing wrong with an EPCIS document: where it is and what
// is wrong.
type Problem struct {
	// File is the name the caller gave for the input.
	File string
	// EventIndex is the 0-based position of the event in document order,
	// or -1 for a problem of the document itself.
	EventIndex int
	// EventID is the event's eventID when it has one.
	EventID string
	// Path is the JSON Pointer (RFC 6901) of the offending value, from the
	// root of the input: "/epcisBody/eventList/1/action" in a document,
	// "/action" in a bare event. "" is the whole input.
	Path string
	// Code names the kind of problem; it is stable.
	Code Code
	// Message says in plain words what is wrong.
	Message string
	// Ref names the clause of the standard the rule comes from, where one
	// applies beyond the JSON Schema itself.
	Ref string
}

// String renders the problem on one line, as
//
//	file.json: event 1 (urn:uuid:…): /epcisBody/eventList/1/action: "FOO" is not one of ADD, OBSERVE, DELETE
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	b.WriteString(": ")
	if p.EventIndex >= 0 {
		fmt.Fprintf(&b, "event %d", p.EventIndex)
		if p.EventID != "" {
			fmt.Fprintf(&b, " (%s)", p.EventID)
		}
		b.WriteString(": ")
	}
	if p.Path == "" {
		b.WriteString("(document)")
	} else {
		b.WriteString(p.Path)
	}
	b.WriteString(": ")
	b.WriteString(p.Message)
	if p.Ref != "" {
		fmt.Fprintf(&b, " [%s]", p.Ref)
	}
	return b.String()
}

// A ValidationError lists every problem found in one input. Parse and
// Validate return it, sorted by event index and then path.
type ValidationError struct {
	File     string
	Problems []Problem
}

// Error summarises the problems on one line; use Problems for all of them.
func (e *ValidationError) Error() string {
	switch len(e.Problems) {
	case 0:
		return e.File + ": invalid EPCIS document"
	case 1:
		return e.Problems[0].String()
	default:
		return fmt.Sprintf("%s (and %d more problems)", e.Problems[0].String(), len(e.Problems)-1)
	}
}

// Is reports whether target is ErrInvalid.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// Has reports whether any problem has the given code.
func (e *ValidationError) Has(code Code) bool {
	for _, p := range e.Problems {
		if p.Code == code {
			return true
		}
	}
	return false
}

// problemList collects problems for one input.
type problemList struct {
	file     string
	problems []Problem
}

func (l *problemList) add(eventIndex int, eventID, path string, code Code, ref, format string, args ...any) {
	l.problems = append(l.problems, Problem{
		File:       l.file,
		EventIndex: eventIndex,
		EventID:    eventID,
		Path:       path,
		Code:       code,
		Message:    fmt.Sprintf(format, args...),
		Ref:        ref,
	})
}

// err returns the sorted problems as a *ValidationError, or nil when there
// are none. Of several problems with the same event, path and code (the
// schema and a rule seeing the same fault), the first one added is kept.
func (l *problemList) err() error {
	if len(l.problems) == 0 {
		return nil
	}
	sortProblems(l.problems)
	out := l.problems[:0]
	for i, p := range l.problems {
		if i > 0 {
			q := out[len(out)-1]
			if q.EventIndex == p.EventIndex && q.Path == p.Path && q.Code == p.Code {
				continue
			}
		}
		out = append(out, p)
	}
	return &ValidationError{File: l.file, Problems: out}
}

// sortProblems orders problems by event index (document-level first), then
// by path, comparing array indexes as numbers, then by code.
func sortProblems(ps []Problem) {
	slices.SortStableFunc(ps, func(a, b Problem) int {
		if a.EventIndex != b.EventIndex {
			return a.EventIndex - b.EventIndex
		}
		if c := comparePointers(a.Path, b.Path); c != 0 {
			return c
		}
		return strings.Compare(string(a.Code), string(b.Code))
	})
}

// comparePointers orders JSON Pointers segment by segment, numerically
// where both segments are array indexes.
func comparePointers(a, b string) int {
	for a != "" || b != "" {
		var sa, sb string
		sa, a = nextSegment(a)
		sb, b = nextSegment(b)
		if c := compareSegments(sa, sb); c != 0 {
			return c
		}
	}
	return 0
}

// compareSegments orders pointer segments totally: all-digit segments
// (array indexes) first, by numeric value of any length and then by their
// text ("0" before "00"), then every other segment by its text. A total
// order keeps the sorted problems independent of the order they were
// found in.
func compareSegments(a, b string) int {
	da, db := isDigits(a), isDigits(b)
	switch {
	case da && db:
		ta, tb := strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
		if len(ta) != len(tb) {
			return cmp.Compare(len(ta), len(tb))
		}
		if c := strings.Compare(ta, tb); c != 0 {
			return c
		}
	case da:
		return -1
	case db:
		return 1
	}
	return strings.Compare(a, b)
}

// isDigits reports whether s is a non-empty run of ASCII digits.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// nextSegment splits "/a/b" into "a" and "/b". It returns "", "" at the end,
// and sorts a shorter pointer before a longer one through the empty segment.
func nextSegment(p string) (seg, rest string) {
	if p == "" {
		return "", ""
	}
	p = p[1:]
	if i := strings.IndexByte(p, '/'); i >= 0 {
		return p[:i], p[i:]
	}
	return p, ""
}

// pointerToken escapes a key for use as a JSON Pointer segment.
func pointerToken(key string) string {
	if !strings.ContainsAny(key, "~/") {
		return key
	}
	return strings.ReplaceAll(strings.ReplaceAll(key, "~", "~0"), "/", "~1")
}

// joinPointer appends a key or index segment to a JSON Pointer.
func joinPointer(base string, seg string) string { return base + "/" + pointerToken(seg) }

// indexPointer appends an array index to a JSON Pointer.
func indexPointer(base string, i int) string { return base + "/" + strconv.Itoa(i) }
