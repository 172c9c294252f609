package ingest

import "encoding/json"

// documentContext returns the exact bytes of the top-level "@context"
// member of a JSON object, or nil when the value is not an object or has
// no such member. The value has passed EPCIS validation (well-formed
// JSON, no repeated keys), so one pass over the top-level members,
// skipping their values, finds it without decoding the document again.
// Should the text be malformed after all, it returns nil.
func documentContext(value []byte) json.RawMessage {
	s := jsonSkimmer{data: value}
	s.space()
	if !s.eat('{') {
		return nil
	}
	s.space()
	if s.eat('}') {
		return nil
	}
	for {
		key, ok := s.key()
		if !ok {
			return nil
		}
		s.space()
		if !s.eat(':') {
			return nil
		}
		s.space()
		start := s.i
		if !s.skipValue(0) {
			return nil
		}
		if key == "@context" {
			return json.RawMessage(value[start:s.i])
		}
		s.space()
		if s.eat('}') {
			return nil
		}
		if !s.eat(',') {
			return nil
		}
		s.space()
	}
}

// jsonSkimmer moves over JSON text without decoding it.
type jsonSkimmer struct {
	data []byte
	i    int
}

// maxSkimDepth bounds the nesting skipValue follows (EPCIS validation
// allows less).
const maxSkimDepth = 1000

func (s *jsonSkimmer) space() {
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *jsonSkimmer) eat(c byte) bool {
	if s.i < len(s.data) && s.data[s.i] == c {
		s.i++
		return true
	}
	return false
}

// key reads an object key; one with escapes is decoded.
func (s *jsonSkimmer) key() (string, bool) {
	start := s.i
	escaped, ok := s.skipString()
	if !ok {
		return "", false
	}
	raw := s.data[start:s.i]
	if !escaped {
		return string(raw[1 : len(raw)-1]), true
	}
	var k string
	if json.Unmarshal(raw, &k) != nil {
		return "", false
	}
	return k, true
}

// skipString moves past a string and reports whether it held escapes.
func (s *jsonSkimmer) skipString() (escaped, ok bool) {
	if !s.eat('"') {
		return false, false
	}
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case '"':
			s.i++
			return escaped, true
		case '\\':
			escaped = true
			s.i += 2
		default:
			s.i++
		}
	}
	return escaped, false
}

// skipValue moves past one value.
func (s *jsonSkimmer) skipValue(depth int) bool {
	if s.i >= len(s.data) || depth > maxSkimDepth {
		return false
	}
	switch c := s.data[s.i]; c {
	case '"':
		_, ok := s.skipString()
		return ok
	case '{', '[':
		closing := byte('}')
		if c == '[' {
			closing = ']'
		}
		s.i++
		s.space()
		if s.eat(closing) {
			return true
		}
		for {
			if c == '{' {
				if _, ok := s.skipString(); !ok {
					return false
				}
				s.space()
				if !s.eat(':') {
					return false
				}
				s.space()
			}
			if !s.skipValue(depth + 1) {
				return false
			}
			s.space()
			if s.eat(closing) {
				return true
			}
			if !s.eat(',') {
				return false
			}
			s.space()
		}
	default:
		// A number, true, false or null: up to the next delimiter.
		start := s.i
		for s.i < len(s.data) {
			switch s.data[s.i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return s.i > start
			}
			s.i++
		}
		return s.i > start
	}
}
