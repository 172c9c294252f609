package epcis

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
)

// Event hash IDs (GS1 CBV 2.0, section "Event hash ID"): an event that has
// no eventID is identified by the SHA-256 of its canonical pre-hash string,
// written as an RFC 6920 "ni" URI. The canonical form reproduces the GS1
// reference implementation (RalphTro/epcis-event-hash-generator) byte for
// byte; hash_canonical.go describes the steps. It departs from the
// reference only as follows.
//
// Where the reference's result depends on more than the event, the hash
// here depends on the event alone:
//   - The reference expands bare-string vocabulary using every event of the
//     document; here only the event's own values count.
//   - An "@context" inside the event (at any depth) is JSON-LD syntax here:
//     it is not hashed, and the event's own prefixes are used (the
//     reference hashes it as a field and ignores its prefixes).
//   - A time field that is not an ISO 8601 timestamp is hashed as written
//     (the reference's date parser reads e.g. "1.0" as a day of the
//     current month).
//
// Where the reference fails on a valid event, the hash here extends it:
// a bizTransaction, source or destination without a type is hashed with
// the members it has, a timestamp whose milliseconds round up to 1000
// carries into the next second, and an event that is not valid JSON-LD
// (which the reference's JSON-LD expansion rejects) is hashed all the same.

// HashIDPrefix and HashIDVersion frame the hex SHA-256 digest in an event
// hash ID: ni:///sha-256;<digest>?ver=CBV2.0.
const (
	HashIDPrefix  = "ni:///sha-256;"
	HashIDVersion = "?ver=CBV2.0"
)

// ErrUnhashableEvent reports an event that has no event hash ID: not a JSON
// object with a string "type", or holding a value the canonical
// form cannot express (a number overflowing a double, a timestamp out of
// range, nesting deeper than 500 levels).
var ErrUnhashableEvent = errors.New("epcis: event cannot be hashed")

// Hasher computes event hash IDs. The zero value is ready to use; options
// change what takes part in the hash.
type Hasher struct {
	ignore map[string]bool
}

// HashOption configures a Hasher.
type HashOption func(*Hasher)

// WithIgnoredFields leaves the named top-level event members (by their key
// as written, e.g. "example:captureID") out of the hash, as the reference's
// ignoreFields document extension does.
func WithIgnoredFields(keys ...string) HashOption {
	return func(h *Hasher) {
		if h.ignore == nil {
			h.ignore = map[string]bool{}
		}
		for _, k := range keys {
			h.ignore[k] = true
		}
	}
}

// NewHasher returns a Hasher with the given options.
func NewHasher(opts ...HashOption) *Hasher {
	h := &Hasher{}
	for _, o := range opts {
		o(h)
	}
	return h
}

// HashID returns the CBV 2.0 event hash ID of one EPCIS event (a JSON
// object of any of the five event types; the type is hashed as written and
// not checked) in the namespace context ctx,
// e.g. "ni:///sha-256;6ae9…39d7?ver=CBV2.0". The event's own @context, if
// any, is merged into ctx. The hash is computed even when the event has an
// eventID; eventID, recordTime and errorDeclaration never take part in it.
func HashID(event json.RawMessage, ctx Context) (string, error) {
	return (*Hasher)(nil).HashID(event, ctx)
}

// PreHash returns the canonical pre-hash string of an event, the string
// whose SHA-256 digest HashID reports.
func PreHash(event json.RawMessage, ctx Context) (string, error) {
	return (*Hasher)(nil).PreHash(event, ctx)
}

// HashID is HashID with the Hasher's options.
func (h *Hasher) HashID(event json.RawMessage, ctx Context) (string, error) {
	pre, err := h.preHash(event, ctx)
	if err != nil {
		return "", err
	}
	return hashIDFromSum(sha256.Sum256(pre)), nil
}

// HashIDFromPreHash returns the event hash ID of a canonical pre-hash
// string.
func HashIDFromPreHash(preHash string) string {
	return hashIDFromSum(sha256.Sum256([]byte(preHash)))
}

// hashIDFromSum writes a SHA-256 digest as an event hash ID.
func hashIDFromSum(sum [sha256.Size]byte) string {
	var id [len(HashIDPrefix) + 2*sha256.Size + len(HashIDVersion)]byte
	b := append(id[:0], HashIDPrefix...)
	b = hex.AppendEncode(b, sum[:])
	b = append(b, HashIDVersion...)
	return string(b)
}

// PreHash is PreHash with the Hasher's options.
func (h *Hasher) PreHash(event json.RawMessage, ctx Context) (string, error) {
	pre, err := h.preHash(event, ctx)
	if err != nil {
		return "", err
	}
	return string(pre), nil
}

// preHash returns the canonical pre-hash string of an event as bytes.
func (h *Hasher) preHash(event json.RawMessage, ctx Context) ([]byte, error) {
	fail := func(format string, args ...any) ([]byte, error) {
		return nil, fmt.Errorf("%w: "+format, append([]any{ErrUnhashableEvent}, args...)...)
	}
	d := newHashJSONDecoder(event)
	ev, err := d.decode()
	if err != nil {
		return fail("decode event: %w", err)
	}
	if ev.kind != hashJSONObject {
		return fail("event is not a JSON object")
	}
	typ, ok := ev.get("type")
	if !ok {
		return fail("event has no type")
	}
	if typ.kind != hashJSONString {
		return fail("event type %s is not a string", typ.encode(nil))
	}
	if own, ok := ev.get("@context"); ok {
		inner, err := ParseContext(own.encode(nil))
		if err != nil {
			return fail("event @context: %w", err)
		}
		ctx = ctx.Merge(inner)
	}

	// Bare-string vocabulary values become the IRIs JSON-LD expands them to.
	r := &bareStringReplacer{vocabulary: collectHashVocabulary(ev, ctx)}
	r.walk(ev, 0)

	var ignore map[string]bool
	if h != nil {
		ignore = h.ignore
	}
	b := newHashTreeBuilder(ctx, ignore, d.n)
	tree, err := b.build(ev, true, 0)
	if err != nil {
		return fail("%w", err)
	}
	if tree.badName {
		return fail("event type is not a string")
	}
	if err := b.correct(tree, 0); err != nil {
		return fail("%w", err)
	}
	s := hashSerializer{
		buf:   make([]byte, 0, 2*len(event)),
		spans: make([]hashSpan, 0, 32),
	}
	if err := s.event(tree); err != nil {
		return fail("%w", err)
	}
	return s.buf, nil
}
