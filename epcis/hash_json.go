package epcis

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// An order-preserving JSON tree for the event hash: the canonical form
// depends on member order in a few places (the reference keeps the order of
// bizTransaction, source and destination entries), which encoding/json's
// maps lose.

// hashMaxDepth bounds the nesting of an event; the reference (Python)
// fails on deeper documents with a RecursionError.
const hashMaxDepth = 500

type hashJSONKind uint8

const (
	hashJSONNull hashJSONKind = iota
	hashJSONBool
	hashJSONNumber
	hashJSONString
	hashJSONArray
	hashJSONObject
)

// hashJSON is one JSON value. Objects keep their members in document
// order; a repeated key keeps its first position and its last value, as
// Python's json module does.
type hashJSON struct {
	kind hashJSONKind
	s    string // string value, or number literal
	b    bool
	arr  []*hashJSON
	keys []string
	vals []*hashJSON
}

// get returns the value of member key of an object.
func (v *hashJSON) get(key string) (*hashJSON, bool) {
	for i, k := range v.keys {
		if k == key {
			return v.vals[i], true
		}
	}
	return nil, false
}

var errHashTooDeep = fmt.Errorf("nested more than %d levels deep", hashMaxDepth)

// decodeHashJSON parses exactly one JSON value, optionally surrounded by
// whitespace, as encoding/json's Decoder does with UseNumber: numbers keep
// their literal text, and strings are unescaped as encoding/json unescapes
// them (invalid UTF-8 and unpaired surrogate escapes become U+FFFD). A
// value nested more than hashMaxDepth levels deep fails with
// errHashTooDeep.
func decodeHashJSON(data []byte) (*hashJSON, error) {
	d := newHashJSONDecoder(data)
	return d.decode()
}

// newHashJSONDecoder returns a decoder for data, its slabs sized for the
// values data is likely to hold.
func newHashJSONDecoder(data []byte) hashJSONDecoder {
	// An event has about one value per 20 bytes; the chunks of a large
	// one grow as it is decoded.
	chunk := min(len(data)/20+4, hashSlabMaxChunk)
	return hashJSONDecoder{
		data:   data,
		src:    string(data),
		values: hashSlab[hashJSON]{chunk: chunk},
		items:  hashSlab[*hashJSON]{chunk: chunk},
		names:  hashSlab[string]{chunk: chunk},
		elems:  make([]*hashJSON, 0, 32),
		keys:   make([]string, 0, 32),
	}
}

// decode parses d.data; see decodeHashJSON.
func (d *hashJSONDecoder) decode() (*hashJSON, error) {
	v, err := d.value(0)
	if err != nil {
		return nil, err
	}
	d.skipSpace()
	if d.off < len(d.data) {
		return nil, d.syntaxError("after top-level value")
	}
	return v, nil
}

// hashSlab hands out values and slices of T carved from chunks, so that
// building a tree takes a few allocations rather than one or more per
// node. The zero value allocates chunks of hashSlabMinChunk.
type hashSlab[T any] struct {
	free  []T
	chunk int // size of the next chunk
}

const (
	hashSlabMinChunk = 16
	hashSlabMaxChunk = 1024
)

// new returns a pointer to a zero T.
func (s *hashSlab[T]) new() *T {
	if len(s.free) == 0 {
		s.refill(1)
	}
	p := &s.free[0]
	s.free = s.free[1:]
	return p
}

// make returns a slice of n zero values, or nil when n is 0. Its
// capacity is its length, so that appending to it copies it.
func (s *hashSlab[T]) make(n int) []T {
	if n == 0 {
		return nil
	}
	if len(s.free) < n {
		s.refill(n)
	}
	out := s.free[:n:n]
	s.free = s.free[n:]
	return out
}

// take returns a copy of src made by make.
func (s *hashSlab[T]) take(src []T) []T {
	out := s.make(len(src))
	copy(out, src)
	return out
}

// refill replaces the free list with a new chunk of at least n values;
// each chunk is twice the size of the last, up to hashSlabMaxChunk.
func (s *hashSlab[T]) refill(n int) {
	size := max(s.chunk, hashSlabMinChunk)
	s.chunk = min(2*size, hashSlabMaxChunk)
	s.free = make([]T, max(n, size))
}

// hashJSONDecoder is the state of one decodeHashJSON call. Strings without
// escapes and number literals are substrings of src, so that decoding an
// event takes a handful of allocations rather than several per value.
type hashJSONDecoder struct {
	data []byte
	src  string // data as a string
	off  int    // offset of the next byte to read
	n    int    // number of values decoded

	values hashSlab[hashJSON]
	items  hashSlab[*hashJSON]
	names  hashSlab[string]
	elems  []*hashJSON    // elements and member values of the open containers
	keys   []string       // keys of the open objects
	index  map[string]int // spare map for the keys of a large object
}

// hashJSONIndexMin is the member count from which duplicate keys are found
// with a map rather than a linear search.
const hashJSONIndexMin = 16

// newValue returns a new value of the given kind.
func (d *hashJSONDecoder) newValue(kind hashJSONKind) *hashJSON {
	d.n++
	v := d.values.new()
	v.kind = kind
	return v
}

func (d *hashJSONDecoder) skipSpace() {
	for d.off < len(d.data) {
		switch d.data[d.off] {
		case ' ', '\t', '\n', '\r':
			d.off++
		default:
			return
		}
	}
}

// errEnd reports input that ends inside a JSON value.
func (d *hashJSONDecoder) errEnd() error {
	return fmt.Errorf("JSON input ends at offset %d: %w", len(d.data), io.ErrUnexpectedEOF)
}

// syntaxError reports the byte at d.off, or the end of the input.
func (d *hashJSONDecoder) syntaxError(context string) error {
	if d.off >= len(d.data) {
		return d.errEnd()
	}
	c := d.data[d.off]
	var q string
	switch {
	case c == '\'':
		q = `'\''`
	case c == '"':
		q = `'"'`
	case c < utf8.RuneSelf && strconv.IsPrint(rune(c)):
		q = "'" + string(rune(c)) + "'"
	default:
		q = fmt.Sprintf("%#02x", c)
	}
	return fmt.Errorf("invalid character %s %s at offset %d", q, context, d.off)
}

// value parses the value at d.off, which may be preceded by whitespace,
// depth levels below the top.
func (d *hashJSONDecoder) value(depth int) (*hashJSON, error) {
	if depth > hashMaxDepth {
		return nil, errHashTooDeep
	}
	d.skipSpace()
	if d.off >= len(d.data) {
		return nil, d.errEnd()
	}
	switch c := d.data[d.off]; {
	case c == '{':
		d.off++
		return d.object(depth)
	case c == '[':
		d.off++
		return d.array(depth)
	case c == '"':
		s, err := d.string()
		if err != nil {
			return nil, err
		}
		v := d.newValue(hashJSONString)
		v.s = s
		return v, nil
	case c == '-' || '0' <= c && c <= '9':
		s, err := d.number()
		if err != nil {
			return nil, err
		}
		v := d.newValue(hashJSONNumber)
		v.s = s
		return v, nil
	case c == 't':
		if err := d.literal("true"); err != nil {
			return nil, err
		}
		v := d.newValue(hashJSONBool)
		v.b = true
		return v, nil
	case c == 'f':
		if err := d.literal("false"); err != nil {
			return nil, err
		}
		return d.newValue(hashJSONBool), nil
	case c == 'n':
		if err := d.literal("null"); err != nil {
			return nil, err
		}
		return d.newValue(hashJSONNull), nil
	}
	return nil, d.syntaxError("looking for beginning of value")
}

// array parses the elements of an array whose '[' has been read.
func (d *hashJSONDecoder) array(depth int) (*hashJSON, error) {
	v := d.newValue(hashJSONArray)
	d.skipSpace()
	if d.off >= len(d.data) {
		return nil, d.errEnd()
	}
	if d.data[d.off] == ']' {
		d.off++
		return v, nil
	}
	base := len(d.elems)
	for {
		item, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		d.elems = append(d.elems, item)
		d.skipSpace()
		if d.off >= len(d.data) {
			return nil, d.errEnd()
		}
		switch d.data[d.off] {
		case ',':
			d.off++
		case ']':
			d.off++
			v.arr = d.items.take(d.elems[base:])
			d.elems = d.elems[:base]
			return v, nil
		default:
			return nil, d.syntaxError("after array element")
		}
	}
}

// object parses the members of an object whose '{' has been read. A
// repeated key keeps its first position and takes the last value.
func (d *hashJSONDecoder) object(depth int) (*hashJSON, error) {
	v := d.newValue(hashJSONObject)
	d.skipSpace()
	if d.off >= len(d.data) {
		return nil, d.errEnd()
	}
	if d.data[d.off] == '}' {
		d.off++
		return v, nil
	}
	base, kbase := len(d.elems), len(d.keys)
	var index map[string]int
	for {
		if d.data[d.off] != '"' {
			return nil, d.syntaxError("looking for beginning of object key string")
		}
		key, err := d.string()
		if err != nil {
			return nil, err
		}
		if depth+1 > hashMaxDepth {
			return nil, errHashTooDeep
		}
		d.skipSpace()
		if d.off >= len(d.data) {
			return nil, d.errEnd()
		}
		if d.data[d.off] != ':' {
			return nil, d.syntaxError("after object key")
		}
		d.off++
		val, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		keys := d.keys[kbase:]
		if index == nil && len(keys) >= hashJSONIndexMin {
			index = d.takeIndex(keys)
		}
		if i, dup := hashJSONKeyIndex(keys, index, key); dup {
			d.elems[base+i] = val
		} else {
			if index != nil {
				index[key] = len(keys)
			}
			d.keys = append(d.keys, key)
			d.elems = append(d.elems, val)
		}
		d.skipSpace()
		if d.off >= len(d.data) {
			return nil, d.errEnd()
		}
		switch d.data[d.off] {
		case ',':
			d.off++
			d.skipSpace()
			if d.off >= len(d.data) {
				return nil, d.errEnd()
			}
		case '}':
			d.off++
			v.keys = d.names.take(d.keys[kbase:])
			v.vals = d.items.take(d.elems[base:])
			d.elems = d.elems[:base]
			d.keys = d.keys[:kbase]
			if index != nil {
				d.putIndex(index)
			}
			return v, nil
		default:
			return nil, d.syntaxError("after object key:value pair")
		}
	}
}

// hashJSONKeyIndex returns the position of key among keys, using index
// when it is not nil.
func hashJSONKeyIndex(keys []string, index map[string]int, key string) (int, bool) {
	if index != nil {
		i, ok := index[key]
		return i, ok
	}
	for i, k := range keys {
		if k == key {
			return i, true
		}
	}
	return 0, false
}

// takeIndex returns a map from each of keys to its position, reusing the
// map of an earlier large object.
func (d *hashJSONDecoder) takeIndex(keys []string) map[string]int {
	index := d.index
	d.index = nil
	if index == nil {
		index = make(map[string]int, 2*len(keys))
	}
	for i, k := range keys {
		index[k] = i
	}
	return index
}

// putIndex keeps index for the next large object.
func (d *hashJSONDecoder) putIndex(index map[string]int) {
	clear(index)
	d.index = index
}

// literal reads the literal lit (true, false or null) at d.off.
func (d *hashJSONDecoder) literal(lit string) error {
	for i := 0; i < len(lit); i++ {
		if d.off >= len(d.data) {
			return d.errEnd()
		}
		if d.data[d.off] != lit[i] {
			return d.syntaxError("in literal " + lit)
		}
		d.off++
	}
	return nil
}

// number reads the number at d.off and returns its literal text:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (d *hashJSONDecoder) number() (string, error) {
	start := d.off
	if d.data[d.off] == '-' {
		d.off++
	}
	if d.off >= len(d.data) {
		return "", d.errEnd()
	}
	switch c := d.data[d.off]; {
	case c == '0':
		d.off++
	case '1' <= c && c <= '9':
		d.off++
		d.digits()
	default:
		return "", d.syntaxError("in numeric literal")
	}
	if d.off < len(d.data) && d.data[d.off] == '.' {
		d.off++
		if d.digits() == 0 {
			return "", d.syntaxError("after decimal point in numeric literal")
		}
	}
	if d.off < len(d.data) && (d.data[d.off] == 'e' || d.data[d.off] == 'E') {
		d.off++
		if d.off < len(d.data) && (d.data[d.off] == '+' || d.data[d.off] == '-') {
			d.off++
		}
		if d.digits() == 0 {
			return "", d.syntaxError("in exponent of numeric literal")
		}
	}
	return d.src[start:d.off], nil
}

// digits skips ASCII digits and returns how many it skipped.
func (d *hashJSONDecoder) digits() int {
	start := d.off
	for d.off < len(d.data) && '0' <= d.data[d.off] && d.data[d.off] <= '9' {
		d.off++
	}
	return d.off - start
}

// string reads the string literal at d.off and returns its value. A string
// without escapes or invalid UTF-8 is a substring of d.src.
func (d *hashJSONDecoder) string() (string, error) {
	start := d.off + 1
	for i := start; i < len(d.data); {
		c := d.data[i]
		switch {
		case c == '"':
			d.off = i + 1
			return d.src[start:i], nil
		case c == '\\' || c < ' ':
			return d.unquote(start, i)
		case c < utf8.RuneSelf:
			i++
		default:
			r, size := utf8.DecodeRune(d.data[i:])
			if r == utf8.RuneError && size == 1 {
				return d.unquote(start, i)
			}
			i += size
		}
	}
	d.off = len(d.data)
	return "", d.errEnd()
}

// unquote finishes reading a string literal that starts at start and
// needs unescaping from i on, as encoding/json unescapes it: a valid
// surrogate pair of \u escapes is one code point, an unpaired surrogate
// escape and each byte of invalid UTF-8 become U+FFFD.
func (d *hashJSONDecoder) unquote(start, i int) (string, error) {
	// The unescaped string is no longer than the literal unless it holds
	// invalid UTF-8.
	end := i
	for end < len(d.data) && d.data[end] != '"' {
		if d.data[end] == '\\' {
			end++
		}
		end++
	}
	b := make([]byte, 0, min(end, len(d.data))-start)
	b = append(b, d.data[start:i]...)
	for i < len(d.data) {
		switch c := d.data[i]; {
		case c == '"':
			d.off = i + 1
			return string(b), nil
		case c == '\\':
			i++
			if i >= len(d.data) {
				d.off = i
				return "", d.errEnd()
			}
			e := d.data[i]
			if esc, ok := shortEscape(e); ok {
				b = append(b, esc)
				i++
				continue
			}
			switch e {
			case 'u':
				i++
				r, ok := hexUnit(d.data[i:])
				if !ok {
					d.off = min(i+hashBadHex(d.data[i:]), len(d.data))
					return "", d.syntaxError("in \\u hexadecimal character escape")
				}
				i += 4
				if utf16.IsSurrogate(r) {
					// A second escape completes a valid pair, or stands
					// on its own after U+FFFD.
					r2 := rune(-1)
					if len(d.data)-i >= 6 && d.data[i] == '\\' && d.data[i+1] == 'u' {
						r2, _ = hexUnit(d.data[i+2:])
					}
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						b = utf8.AppendRune(b, dec)
						i += 6
						continue
					}
					r = utf8.RuneError
				}
				b = utf8.AppendRune(b, r)
			default:
				d.off = i
				return "", d.syntaxError("in string escape code")
			}
		case c < ' ':
			d.off = i
			return "", d.syntaxError("in string literal")
		case c < utf8.RuneSelf:
			b = append(b, c)
			i++
		default:
			r, size := utf8.DecodeRune(d.data[i:])
			b = utf8.AppendRune(b, r)
			i += size
		}
	}
	d.off = len(d.data)
	return "", d.errEnd()
}

// hashBadHex returns the offset of the first byte of s that is not a
// hexadecimal digit (or len(s)).
func hashBadHex(s []byte) int {
	for i, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return i
		}
	}
	return len(s)
}

// pythonTruthy reports whether Python's bool() of the decoded value is true.
func (v *hashJSON) pythonTruthy() bool {
	switch v.kind {
	case hashJSONBool:
		return v.b
	case hashJSONNumber:
		f, _ := pyParseFloat(v.s)
		return f != 0
	case hashJSONString:
		return v.s != ""
	case hashJSONArray:
		return len(v.arr) > 0
	case hashJSONObject:
		return len(v.keys) > 0
	}
	return false
}

// encode writes v back as JSON (used to hand an embedded @context to
// ParseContext).
func (v *hashJSON) encode(b []byte) []byte {
	switch v.kind {
	case hashJSONNull:
		return append(b, "null"...)
	case hashJSONBool:
		return strconv.AppendBool(b, v.b)
	case hashJSONNumber:
		return append(b, v.s...)
	case hashJSONString:
		q, _ := json.Marshal(v.s)
		return append(b, q...)
	case hashJSONArray:
		b = append(b, '[')
		for i, item := range v.arr {
			if i > 0 {
				b = append(b, ',')
			}
			b = item.encode(b)
		}
		return append(b, ']')
	default:
		b = append(b, '{')
		for i, k := range v.keys {
			if i > 0 {
				b = append(b, ',')
			}
			q, _ := json.Marshal(k)
			b = append(b, q...)
			b = append(b, ':')
			b = v.vals[i].encode(b)
		}
		return append(b, '}')
	}
}
