package epcis

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
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

// decodeHashJSON parses exactly one JSON value.
func decodeHashJSON(data []byte) (*hashJSON, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeHashValue(dec, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		if err == nil {
			return nil, errors.New("unexpected data after the JSON value")
		}
		return nil, err
	}
	return v, nil
}

func decodeHashValue(dec *json.Decoder, depth int) (*hashJSON, error) {
	if depth > hashMaxDepth {
		return nil, errHashTooDeep
	}
	tok, err := dec.Token()
	if err != nil {
		if err == io.EOF {
			return nil, io.ErrUnexpectedEOF
		}
		return nil, err
	}
	switch t := tok.(type) {
	case nil:
		return &hashJSON{kind: hashJSONNull}, nil
	case bool:
		return &hashJSON{kind: hashJSONBool, b: t}, nil
	case json.Number:
		return &hashJSON{kind: hashJSONNumber, s: string(t)}, nil
	case string:
		return &hashJSON{kind: hashJSONString, s: t}, nil
	case json.Delim:
		switch t {
		case '[':
			v := &hashJSON{kind: hashJSONArray}
			for dec.More() {
				item, err := decodeHashValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				v.arr = append(v.arr, item)
			}
			if _, err := dec.Token(); err != nil { // ']'
				return nil, err
			}
			return v, nil
		case '{':
			v := &hashJSON{kind: hashJSONObject}
			var index map[string]int
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key, ok := kt.(string)
				if !ok {
					return nil, fmt.Errorf("object key %v is not a string", kt)
				}
				val, err := decodeHashValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				if index == nil && len(v.keys) >= 8 {
					index = make(map[string]int, 2*len(v.keys))
					for i, k := range v.keys {
						index[k] = i
					}
				}
				if i, dup := v.lookup(index, key); dup {
					v.vals[i] = val
					continue
				}
				if index != nil {
					index[key] = len(v.keys)
				}
				v.keys = append(v.keys, key)
				v.vals = append(v.vals, val)
			}
			if _, err := dec.Token(); err != nil { // '}'
				return nil, err
			}
			return v, nil
		}
	}
	return nil, fmt.Errorf("unexpected JSON token %v", tok)
}

func (v *hashJSON) lookup(index map[string]int, key string) (int, bool) {
	if index != nil {
		i, ok := index[key]
		return i, ok
	}
	for i, k := range v.keys {
		if k == key {
			return i, true
		}
	}
	return 0, false
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
