package epcis

import (
	"encoding/json"
	"math/bits"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// A JSON decoder for parse: one pass over the input that builds the tree
// encoding/json builds when it decodes into an `any` with UseNumber, and
// notes on the way what parse needs from the text itself (repeated keys,
// where some values lie).
//
// It matches encoding/json (the default build, not GOEXPERIMENT=jsonv2)
// on every input, valid or not, down to the tree: objects are
// map[string]any (a repeated key keeps its last value), arrays []any
// (never nil, also when empty), strings string, numbers json.Number
// holding the literal text, true and false bool, null nil. Strings are
// unescaped as encoding/json's unquote does: \uXXXX escapes, surrogate
// pairs joined, a lone or badly paired surrogate replaced by U+FFFD, and
// bytes that are not valid UTF-8 each replaced by U+FFFD (parse rejects
// such input before decoding; the decoder does not rely on that). Numbers
// follow the JSON grammar (no leading zeros, no "1.", "+1" or ".5"),
// strings hold no raw control characters, whitespace is space, tab, CR and
// LF, and nothing but whitespace may follow the top-level value. The
// differential tests in jsontree_test.go and FuzzDecodeTree hold it to
// that.
//
// It does not say why an input is rejected: parse asks encoding/json
// again for that, so that every message stays as it was.
//
// The input is copied once into a string; strings that need no unescaping
// and numbers are substrings of that copy, so no value aliases the
// caller's bytes, and the copy lives as long as any of them does.
//
// marshalScalarJSON, at the end, is the encoding side: json.Marshal's
// output for the scalars that need no escaping, without json.Marshal.

// jsonTree is what decodeJSONTree returns.
type jsonTree struct {
	// value is the decoded JSON value.
	value any
	// duplicateKeys reports that some object repeats a key; value holds
	// the last of its values, as with encoding/json.
	duplicateKeys bool
	// found holds, for each target given to decodeJSONTree, where the
	// value at its path lies in the input. When duplicateKeys is
	// set, a path may have matched more than once and found describes
	// the last match in the text, which need not be the value in the
	// tree.
	found []jsonFound
}

// jsonTarget is a value decodeJSONTree is to find in its input.
type jsonTarget struct {
	// path holds the keys that lead from the top-level value to the
	// value.
	path []string
	// items asks for the byte ranges of the value's items, when it is an
	// array.
	items bool
}

// jsonFound is where the value of one jsonTarget lies in the input.
type jsonFound struct {
	// span is the byte range [start, end) of the value; {0, 0} when no
	// value is at the path.
	span [2]int
	// items holds, when the target asks for them and the value is an
	// array, the byte range of each item that is an object, by index;
	// {0, 0} for other items.
	items [][2]int
}

// jsonMember is one member of an object being decoded.
type jsonMember struct {
	key   string
	value any
}

// jsonTreeDecoder is the state of one decodeJSONTree call.
type jsonTreeDecoder struct {
	s        string // the input
	i        int    // offset of the next byte to read
	depth    int    // objects and arrays open around s[i]
	maxDepth int
	targets  []jsonTarget
	found    []jsonFound
	// members and items are stacks of the members and items of the
	// objects and arrays being decoded; a container takes its own off
	// the top when it ends, so that its map or slice is made at its
	// final size.
	members       []jsonMember
	items         []any
	buf           []byte // scratch for unescaping strings
	duplicateKeys bool
}

// decodeJSONTree decodes the JSON text data (see the comment at the top of
// this file). It reports false when data is not a single well-formed JSON
// value, optionally surrounded by whitespace, or when objects and arrays
// nest more than maxDepth levels deep; the depth bounds its recursion.
//
// For each of targets (at most 64 are looked at), the result's found
// tells where the value at its path lies in data.
func decodeJSONTree(data []byte, maxDepth int, targets []jsonTarget) (jsonTree, bool) {
	d := jsonTreeDecoder{
		s:        string(data),
		maxDepth: maxDepth,
		targets:  targets[:min(len(targets), 64)],
		members:  make([]jsonMember, 0, 16),
		items:    make([]any, 0, 16),
	}
	d.found = make([]jsonFound, len(d.targets))
	var mask uint64
	for j := range d.targets {
		mask |= 1 << j
	}
	d.skipSpace()
	v, ok := d.value(mask)
	if !ok {
		return jsonTree{}, false
	}
	d.skipSpace()
	if d.i != len(d.s) {
		return jsonTree{}, false
	}
	return jsonTree{value: v, duplicateKeys: d.duplicateKeys, found: d.found}, true
}

// skipSpace advances past JSON whitespace.
func (d *jsonTreeDecoder) skipSpace() {
	for d.i < len(d.s) {
		switch d.s[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// value decodes the value at d.i. mask has bit j set when the value's
// path is target j's path or a prefix of it; the value's path then has
// d.depth keys.
func (d *jsonTreeDecoder) value(mask uint64) (any, bool) {
	if d.i >= len(d.s) {
		return nil, false
	}
	start := d.i
	var v any
	ok := true
	switch c := d.s[d.i]; c {
	case '{':
		v, ok = d.object(mask)
	case '[':
		v, ok = d.array(mask)
	case '"':
		var s string
		s, ok = d.str()
		v = s
	case 't':
		v, ok = true, d.literal("true")
	case 'f':
		v, ok = false, d.literal("false")
	case 'n':
		v, ok = nil, d.literal("null")
	default:
		var n json.Number
		n, ok = d.number()
		v = n
	}
	if !ok {
		return nil, false
	}
	for m := mask; m != 0; m &= m - 1 {
		if j := bits.TrailingZeros64(m); len(d.targets[j].path) == d.depth {
			d.found[j].span = [2]int{start, d.i}
		}
	}
	return v, true
}

// literal consumes the literal word (true, false or null) at d.i.
func (d *jsonTreeDecoder) literal(word string) bool {
	if !strings.HasPrefix(d.s[d.i:], word) {
		return false
	}
	d.i += len(word)
	return true
}

// enter opens an object or array, reporting false when that nests too
// deep.
func (d *jsonTreeDecoder) enter() bool {
	if d.depth >= d.maxDepth {
		return false
	}
	d.depth++
	d.i++
	return true
}

// object decodes the object at d.i.
func (d *jsonTreeDecoder) object(mask uint64) (any, bool) {
	if !d.enter() {
		return nil, false
	}
	pathLen := d.depth - 1 // keys on the path to this object, when mask != 0
	base := len(d.members)
	d.skipSpace()
	if d.i < len(d.s) && d.s[d.i] == '}' {
		d.i++
		d.depth--
		return map[string]any{}, true
	}
	for {
		if d.i >= len(d.s) || d.s[d.i] != '"' {
			return nil, false
		}
		key, ok := d.str()
		if !ok {
			return nil, false
		}
		d.skipSpace()
		if d.i >= len(d.s) || d.s[d.i] != ':' {
			return nil, false
		}
		d.i++
		d.skipSpace()
		var sub uint64
		for m := mask; m != 0; m &= m - 1 {
			j := bits.TrailingZeros64(m)
			if t := d.targets[j].path; len(t) > pathLen && t[pathLen] == key {
				sub |= 1 << j
			}
		}
		v, ok := d.value(sub)
		if !ok {
			return nil, false
		}
		d.members = append(d.members, jsonMember{key, v})
		if more, ok := d.separator('}'); !ok {
			return nil, false
		} else if more {
			continue
		}
		members := d.members[base:]
		obj := make(map[string]any, len(members))
		for _, m := range members {
			obj[m.key] = m.value
		}
		if len(obj) != len(members) {
			d.duplicateKeys = true
		}
		d.members = d.members[:base]
		return obj, true
	}
}

// separator consumes what follows a member or an item, with the space
// around it: a comma, reported as more, or closer, which leaves the
// container. ok is false on anything else, or at the end of the input.
func (d *jsonTreeDecoder) separator(closer byte) (more, ok bool) {
	d.skipSpace()
	if d.i >= len(d.s) {
		return false, false
	}
	switch d.s[d.i] {
	case ',':
		d.i++
		d.skipSpace()
		return true, true
	case closer:
		d.i++
		d.depth--
		return false, true
	}
	return false, false
}

// array decodes the array at d.i.
func (d *jsonTreeDecoder) array(mask uint64) (any, bool) {
	// targets is the set of targets that ask for the items of this array.
	var targets uint64
	for m := mask; m != 0; m &= m - 1 {
		if j := bits.TrailingZeros64(m); d.targets[j].items && len(d.targets[j].path) == d.depth {
			targets |= 1 << j
			d.found[j].items = d.found[j].items[:0]
		}
	}
	if !d.enter() {
		return nil, false
	}
	base := len(d.items)
	d.skipSpace()
	if d.i < len(d.s) && d.s[d.i] == ']' {
		d.i++
		d.depth--
		return make([]any, 0), true
	}
	for {
		start := d.i
		v, ok := d.value(0)
		if !ok {
			return nil, false
		}
		d.items = append(d.items, v)
		for m := targets; m != 0; m &= m - 1 {
			var span [2]int
			if _, isObject := v.(map[string]any); isObject {
				span = [2]int{start, d.i}
			}
			j := bits.TrailingZeros64(m)
			d.found[j].items = append(d.found[j].items, span)
		}
		if more, ok := d.separator(']'); !ok {
			return nil, false
		} else if more {
			continue
		}
		items := d.items[base:]
		arr := make([]any, len(items))
		copy(arr, items)
		d.items = d.items[:base]
		return arr, true
	}
}

// number consumes the number at d.i, returning its literal text.
func (d *jsonTreeDecoder) number() (json.Number, bool) {
	end := jsonNumberEnd(d.s, d.i)
	if end < 0 {
		return "", false
	}
	n := json.Number(d.s[d.i:end])
	d.i = end
	return n, true
}

// jsonNumberEnd returns the end of the longest JSON number at s[i:], or -1
// when none starts there.
func jsonNumberEnd(s string, i int) int {
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && '1' <= s[i] && s[i] <= '9':
		i = skipDigits(s, i+1)
	default:
		return -1
	}
	if i < len(s) && s[i] == '.' {
		j := skipDigits(s, i+1)
		if j == i+1 {
			return -1
		}
		i = j
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := skipDigits(s, i)
		if j == i {
			return -1
		}
		i = j
	}
	return i
}

// skipDigits returns the offset of the first byte at or after i in s that
// is not a decimal digit.
func skipDigits(s string, i int) int {
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	return i
}

// str consumes the string at d.i (which holds its opening quote) and
// returns its value.
func (d *jsonTreeDecoder) str() (string, bool) {
	s := d.s
	start := d.i + 1
	plain, ascii := true, true
	i := start
	for ; i < len(s); i++ {
		c := s[i]
		if c == '"' {
			break
		}
		switch {
		case c < ' ':
			return "", false
		case c == '\\':
			plain = false
			i++ // the escaped byte; unquote checks it
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	if i >= len(s) {
		return "", false
	}
	d.i = i + 1
	raw := s[start:i]
	if plain && (ascii || utf8.ValidString(raw)) {
		return raw, true
	}
	return d.unquote(raw)
}

// unquote returns the value of a string's text raw (without its quotes)
// that has escapes or bytes that are not valid UTF-8, as encoding/json's
// unquote does, reporting false for an escape JSON does not allow.
func (d *jsonTreeDecoder) unquote(raw string) (string, bool) {
	b := d.buf[:0]
	for r := 0; r < len(raw); {
		c := raw[r]
		switch {
		case c == '\\':
			if r+1 >= len(raw) {
				return "", false
			}
			e := raw[r+1]
			if esc, ok := shortEscape(e); ok {
				b = append(b, esc)
				r += 2
				continue
			}
			switch e {
			case 'u':
				rr := hex4(raw, r)
				if rr < 0 {
					return "", false
				}
				r += 6
				if utf16.IsSurrogate(rr) {
					// A pair only when a low surrogate escape follows;
					// else U+FFFD, and what follows is read on its own.
					if dec := utf16.DecodeRune(rr, hex4(raw, r)); dec != utf8.RuneError {
						b = utf8.AppendRune(b, dec)
						r += 6
						break
					}
					rr = utf8.RuneError
				}
				b = utf8.AppendRune(b, rr)
			default:
				return "", false
			}
		case c < utf8.RuneSelf:
			b = append(b, c)
			r++
		default:
			rr, size := utf8.DecodeRuneInString(raw[r:])
			b = utf8.AppendRune(b, rr) // U+FFFD for a byte that is not valid UTF-8
			r += size
		}
	}
	d.buf = b
	return string(b), true
}

// hex4 returns the code unit of the \uXXXX escape at s[i:], or -1 when
// there is none.
func hex4(s string, i int) rune {
	if i+6 > len(s) || s[i] != '\\' || s[i+1] != 'u' {
		return -1
	}
	r, _ := hexUnit(s[i+2 : i+6])
	return r
}

// marshalScalarJSON returns what json.Marshal returns for v when v is a
// JSON scalar that it encodes without escapes: a string whose bytes it
// copies as they are, a json.Number holding a valid number, a bool or nil.
// It reports false for any other v, leaving it to json.Marshal.
func marshalScalarJSON(v any) ([]byte, bool) {
	switch t := v.(type) {
	case nil:
		return []byte("null"), true
	case bool:
		if t {
			return []byte("true"), true
		}
		return []byte("false"), true
	case json.Number:
		if jsonNumberEnd(string(t), 0) != len(t) {
			return nil, false
		}
		return []byte(t), true
	case string:
		// json.Marshal escapes ", \, control characters, <, > and &, and
		// replaces bytes that are not valid UTF-8; it also escapes U+2028
		// and U+2029.
		ascii := true
		for i := 0; i < len(t); i++ {
			switch c := t[i]; {
			case c < ' ', c == '"', c == '\\', c == '<', c == '>', c == '&':
				return nil, false
			case c >= utf8.RuneSelf:
				ascii = false
			}
		}
		if !ascii && (!utf8.ValidString(t) || strings.ContainsRune(t, '\u2028') || strings.ContainsRune(t, '\u2029')) {
			return nil, false
		}
		b := make([]byte, 0, len(t)+2)
		b = append(b, '"')
		b = append(b, t...)
		return append(b, '"'), true
	}
	return nil, false
}
