package epcis

import "strings"

// The schema's "uri" format is net/url's parse (jsonschema v6: url.Parse,
// then a check of an IPv6 host, then the URL must be absolute). The EPCIS
// schema puts a uri branch first in bizStep, disposition, every event's
// propertyNames and many more, so the fast check meets it for nearly every
// string of an event, and url.Parse allocates a URL for each.
// uriVerdict decides the common strings without it: it is certain only
// where net/url's rules make the answer plain, and says unknown, for the
// library to decide, everywhere else.
//
// Invalid for sure: a string without a scheme, that is without a letter
// followed by letters, digits, "+", "-" or "." up to the first ":". Such
// a string either fails to parse or parses as a relative URL, which the
// format rejects; url.Parse looks for the scheme in the same place (before
// any "#", which is not a scheme character).
//
// Valid for sure: a scheme, then only letters, digits and
// "-._~:/?=&;,+!$'()*@" (no "%" escapes, brackets, "#", controls, spaces or
// non-ASCII). url.Parse then takes the rest as an opaque part, or, after
// "//", an authority up to the first "/" or "?" and a path; its only
// checks on such characters are those of the authority, so the authority
// must hold only letters, digits and "-._~": no user information, no
// port, no IPv6 literal, and a host name that parseHost accepts.
func uriVerdict(s string) verdict {
	colon := strings.IndexByte(s, ':')
	if colon <= 0 || !isAlpha(s[0]) {
		return verdictInvalid
	}
	for i := 1; i < colon; i++ {
		if c := s[i]; !isAlpha(c) && !isDigit(c) && c != '+' && c != '-' && c != '.' {
			return verdictInvalid
		}
	}
	rest := s[colon+1:]
	for i := 0; i < len(rest); i++ {
		if !uriPlainByte(rest[i]) {
			return verdictUnknown
		}
	}
	if strings.HasPrefix(rest, "//") {
		auth := rest[2:]
		if i := strings.IndexAny(auth, "/?"); i >= 0 {
			auth = auth[:i]
		}
		for i := 0; i < len(auth); i++ {
			if c := auth[i]; !isAlpha(c) && !isDigit(c) && c != '-' && c != '.' && c != '_' && c != '~' {
				return verdictUnknown
			}
		}
	}
	return verdictValid
}

// uriPlainByte reports whether c is one of the characters uriVerdict
// accepts after the scheme.
func uriPlainByte(c byte) bool {
	return isAlpha(c) || isDigit(c) || strings.IndexByte("-._~:/?=&;,+!$'()*@", c) >= 0
}

func isAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool { return '0' <= c && c <= '9' }
