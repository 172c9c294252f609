package epcis

// The pieces of JSON string escapes that both of the package's JSON
// decoders read: the tree decoder of parse (jsontree.go) and the
// order-keeping decoder of the hash ID (hash_json.go). Each decoder keeps
// its own loop, since they report errors differently.

// shortEscape returns the byte that the two-character escape \e stands
// for, and false when e does not start such an escape (\u does not).
func shortEscape(e byte) (byte, bool) {
	switch e {
	case '"', '\\', '/':
		return e, true
	case 'b':
		return '\b', true
	case 'f':
		return '\f', true
	case 'n':
		return '\n', true
	case 'r':
		return '\r', true
	case 't':
		return '\t', true
	}
	return 0, false
}

// hexUnit reads the four hexadecimal digits of a \u escape at the start of
// s, and reports false when s holds fewer or another character.
func hexUnit[S ~string | ~[]byte](s S) (rune, bool) {
	if len(s) < 4 {
		return -1, false
	}
	var r rune
	for k := range 4 {
		c := s[k]
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return -1, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}
