package epcis

import "strings"

// This file holds a hand-written matcher for the common EPC URN schemes,
// which gs1URNToDigitalLink tries before the regular expressions of
// gs1URNToDigitalLinkRegexp (the port of the reference normaliser).
//
// The matcher accepts only what those regular expressions accept, and
// returns the same Digital Link; for everything else (other schemes, any
// byte outside ASCII, a trailing newline, a malformed URN) it declines and
// the regexp path decides. Restricted to ASCII, the expressions' \p{Nd}
// is [0-9], and rune and byte offsets agree, so the slicing below is that
// of the regexp path.

// gs1URNToDigitalLink converts an EPC URN to its canonical GS1 Digital
// Link, as the reference normaliser does; see gs1URNToDigitalLinkRegexp.
func gs1URNToDigitalLink(uri string) (string, bool) {
	if dl, ok := gs1URNToDigitalLinkFast(uri); ok {
		return dl, true
	}
	return gs1URNToDigitalLinkRegexp(uri)
}

// gs1URNToDigitalLinkFast converts URNs of the schemes sgtin, sscc, sgln,
// grai, giai, gdti, lgtin and the sgtin pattern. ok is false when it declines.
func gs1URNToDigitalLinkFast(uri string) (string, bool) {
	const host = DigitalLinkHost + "/"
	switch {
	case strings.HasPrefix(uri, "urn:epc:id:sgtin:"):
		// gcp.itemref.serial: GTIN-based key (13 digits in two parts),
		// then 1…20 EPC characters.
		return gs1GTINWithPart(uri, len("urn:epc:id:sgtin:"), "/21/")
	case strings.HasPrefix(uri, "urn:epc:class:lgtin:"):
		// gcp.itemref.lot, as sgtin.
		return gs1GTINWithPart(uri, len("urn:epc:class:lgtin:"), "/10/")
	case strings.HasPrefix(uri, "urn:epc:idpat:sgtin:"):
		const start = len("urn:epc:idpat:sgtin:")
		dot, ok := gs1KeyParts(uri, start, 13, 12)
		if !ok || uri[dot:] != ".*" {
			return "", false
		}
		var b strings.Builder
		b.Grow(len(host) + 3 + 14)
		b.WriteString(host)
		b.WriteString("01/")
		gs1WriteGTIN(&b, uri, start)
		return b.String(), true
	case strings.HasPrefix(uri, "urn:epc:id:sscc:"):
		// gcp.serialref, 17 digits in all, and nothing after.
		const start = len("urn:epc:id:sscc:")
		end, ok := gs1KeyParts(uri, start, 17, 12)
		if !ok || end != len(uri) {
			return "", false
		}
		part := strings.IndexByte(uri, '.')
		var key [17]byte
		k := copy(key[:], uri[part+1:part+2]) // extension digit
		k += copy(key[k:], uri[start:part])
		copy(key[k:], uri[part+2:])
		var b strings.Builder
		b.Grow(len(host) + 3 + 18)
		gs1WriteKey(&b, "00/", key[:])
		return b.String(), true
	case strings.HasPrefix(uri, "urn:epc:id:sgln:"):
		// gcp.locref.extension: GLN-based key (12 digits; the location
		// reference is empty for a 12-digit prefix), then 1…20 EPC
		// characters.
		const start = len("urn:epc:id:sgln:")
		dot, ok := gs1KeyParts(uri, start, 12, 12)
		if !ok || dot >= len(uri) || uri[dot] != '.' || !gs1EPCCharsFit(uri[dot+1:], 20) {
			return "", false
		}
		var key [12]byte
		gs1CopyDigits(key[:], uri[start:dot])
		var b strings.Builder
		b.Grow(len(host) + 4 + 13 + 5 + 3*(len(uri)-dot))
		gs1WriteKey(&b, "414/", key[:])
		// The regexp path takes the extension from offset 30, which is
		// dot+1 here: the prefix is 16 bytes, the key 12 digits and a dot.
		if ext := uri[dot+1:]; ext != "0" {
			b.WriteString("/254/")
			gs1WriteEncoded(&b, ext)
		}
		return b.String(), true
	case strings.HasPrefix(uri, "urn:epc:id:grai:"):
		// gcp.assettype.serial with a 6…11-digit prefix (12 digits in
		// all), then 1…16 EPC characters. The reference's expression for
		// a 12-digit prefix wants three dots; the regexp path handles it.
		const start = len("urn:epc:id:grai:")
		dot, ok := gs1KeyParts(uri, start, 12, 11)
		if !ok || dot >= len(uri) || uri[dot] != '.' || !gs1EPCCharsFit(uri[dot+1:], 16) {
			return "", false
		}
		var key [13]byte
		key[0] = '0'
		gs1CopyDigits(key[1:], uri[start:dot])
		var b strings.Builder
		b.Grow(len(host) + 5 + 14 + 3*(len(uri)-dot))
		gs1WriteKey(&b, "8003/", key[:])
		// The regexp path takes the serial from offset 30, which is
		// dot+1 here: the prefix is 16 bytes, the key 12 digits and a dot.
		gs1WriteEncoded(&b, uri[dot+1:])
		return b.String(), true
	case strings.HasPrefix(uri, "urn:epc:id:gdti:"):
		// gcp.doctype (12 digits in all, 6…11-digit prefix), then 1…20
		// EPC characters, the first of which is the separating dot in a
		// well-formed GDTI (the expression does not require it). As for
		// GRAI, a 12-digit prefix is left to the regexp path.
		const start = len("urn:epc:id:gdti:")
		dot, ok := gs1KeyParts(uri, start, 12, 11)
		if !ok || !gs1EPCCharsFit(uri[dot:], 20) {
			return "", false
		}
		var key [12]byte
		gs1CopyDigits(key[:], uri[start:dot])
		var b strings.Builder
		b.Grow(len(host) + 4 + 13 + 3*(len(uri)-dot))
		gs1WriteKey(&b, "253/", key[:])
		// The regexp path takes the serial from offset 30, dot+1 here
		// (the prefix is 16 bytes, the key 12 digits and a dot): the
		// character at dot is dropped, whatever it is.
		gs1WriteEncoded(&b, uri[dot+1:])
		return b.String(), true
	case strings.HasPrefix(uri, "urn:epc:id:giai:"):
		// gcp.assetref: a 6…12-digit prefix, a dot, and 1…(30-len(gcp))
		// EPC characters.
		const start = len("urn:epc:id:giai:")
		n := gs1LeadingDigits(uri[start:])
		if n < 6 || n > 12 || start+n >= len(uri) || uri[start+n] != '.' || !gs1EPCCharsFit(uri[start+n+1:], 30-n) {
			return "", false
		}
		var b strings.Builder
		b.Grow(len(host) + 5 + 3*len(uri))
		b.WriteString(host)
		b.WriteString("8004/")
		b.WriteString(uri[start : start+n])
		gs1WriteEncoded(&b, uri[start+n+1:])
		return b.String(), true
	}
	return "", false
}

// gs1GTINWithPart converts a GTIN-based URN from offset start of uri (a
// 13-digit key in two parts, a dot, then 1…20 EPC characters) to a
// Digital Link with the part after the key under ai ("/21/" serial,
// "/10/" lot).
func gs1GTINWithPart(uri string, start int, ai string) (string, bool) {
	const host = DigitalLinkHost + "/"
	dot, ok := gs1KeyParts(uri, start, 13, 12)
	if !ok || dot >= len(uri) || uri[dot] != '.' || !gs1EPCCharsFit(uri[dot+1:], 20) {
		return "", false
	}
	var b strings.Builder
	b.Grow(len(host) + 3 + 14 + len(ai) + 3*(len(uri)-dot))
	b.WriteString(host)
	b.WriteString("01/")
	gs1WriteGTIN(&b, uri, start)
	b.WriteString(ai)
	gs1WriteEncoded(&b, uri[dot+1:])
	return b.String(), true
}

// gs1WriteKey writes the Digital Link host, the application identifier
// path segment ai ("414/") and the key's digits followed by their check
// digit.
func gs1WriteKey(b *strings.Builder, ai string, key []byte) {
	b.WriteString(DigitalLinkHost + "/")
	b.WriteString(ai)
	b.Write(key)
	b.WriteByte('0' + gs1CheckDigitASCII(key))
}

// gs1KeyParts matches, from offset start of s, a GS1 company prefix of 6
// to maxGCP digits, a dot, and the rest of a key of total digits (none
// for a 12-digit prefix of a 12-digit key). It returns the offset after
// the key.
func gs1KeyParts(s string, start, total, maxGCP int) (int, bool) {
	n := gs1LeadingDigits(s[start:])
	if n < 6 || n > maxGCP || n > total {
		return 0, false
	}
	i := start + n
	if i >= len(s) || s[i] != '.' {
		return 0, false
	}
	i++
	rest := total - n
	if len(s)-i < rest || gs1LeadingDigits(s[i:i+rest]) != rest {
		return 0, false
	}
	return i + rest, true
}

// gs1LeadingDigits counts the ASCII digits at the start of s.
func gs1LeadingDigits(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return i
		}
	}
	return len(s)
}

// gs1CopyDigits copies the digits of s (a key written gcp.ref) into dst,
// dropping the dot.
func gs1CopyDigits(dst []byte, s string) {
	k := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '.' {
			dst[k] = s[i]
			k++
		}
	}
}

// gs1WriteGTIN writes the GTIN of a key gcp.itemref (13 digits) at offset
// start of s, with its check digit: the indicator digit (the first of the
// item reference), the company prefix, the rest of the item reference.
func gs1WriteGTIN(b *strings.Builder, s string, start int) {
	var gtin [13]byte
	part := start + strings.IndexByte(s[start:], '.')
	gtin[0] = s[part+1]
	k := 1 + copy(gtin[1:], s[start:part])
	copy(gtin[k:], s[part+2:part+1+13-(part-start)])
	b.Write(gtin[:])
	b.WriteByte('0' + gs1CheckDigitASCII(gtin[:]))
}

// gs1CheckDigitASCII is gs1CheckDigitRunes for ASCII digits.
func gs1CheckDigitASCII(key []byte) byte {
	sum := 0
	for i := len(key) - 1; i >= 0; i-- {
		d := int(key[i] - '0')
		if (len(key)-1-i)%2 == 0 {
			sum += 3 * d
		} else {
			sum += d
		}
	}
	return byte((10 - sum%10) % 10)
}

// gs1EPCCharsFit reports whether s is 1 to max EPC characters (gs1EPCChar:
// a character of [!')(*+,.0-9:;=A-Za-z_-] or one of the allowed
// percent-escapes, which counts as one character).
func gs1EPCCharsFit(s string, max int) bool {
	n := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c == '%' {
			if i+2 >= len(s) || !gs1EPCEscape(s[i+1], s[i+2]) {
				return false
			}
			i += 3
		} else {
			if !gs1EPCSingle(c) {
				return false
			}
			i++
		}
		n++
	}
	return n >= 1 && n <= max
}

// gs1EPCSingle reports whether c is in [!')(*+,.0-9:;=A-Za-z_-].
func gs1EPCSingle(c byte) bool {
	switch {
	case c >= '0' && c <= '9', c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z':
		return true
	}
	switch c {
	case '!', '\'', ')', '(', '*', '+', ',', '.', ':', ';', '=', '_', '-':
		return true
	}
	return false
}

// gs1EPCEscape reports whether %hi lo is one of gs1EPCChar's escapes:
// %2[125-9A-Fa-f] %3[0-9A-Fa-f] %4[1-9A-Fa-f] %5[0-9AaFf] %6[1-9A-Fa-f]
// %7[0-9Aa].
func gs1EPCEscape(hi, lo byte) bool {
	digit := lo >= '0' && lo <= '9'
	hexLetter := (lo >= 'A' && lo <= 'F') || (lo >= 'a' && lo <= 'f')
	switch hi {
	case '2':
		return lo == '1' || lo == '2' || (lo >= '5' && lo <= '9') || hexLetter
	case '3':
		return digit || hexLetter
	case '4', '6':
		return (lo >= '1' && lo <= '9') || hexLetter
	case '5':
		return digit || lo == 'A' || lo == 'a' || lo == 'F' || lo == 'f'
	case '7':
		return digit || lo == 'A' || lo == 'a'
	}
	return false
}

// gs1WriteEncoded writes s with the characters of gs1PercentEncoder
// percent-encoded.
func gs1WriteEncoded(b *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '!':
			b.WriteString("%21")
		case '(':
			b.WriteString("%28")
		case ')':
			b.WriteString("%29")
		case '*':
			b.WriteString("%2A")
		case '+':
			b.WriteString("%2B")
		case ',':
			b.WriteString("%2C")
		case ':':
			b.WriteString("%3A")
		default:
			b.WriteByte(c)
		}
	}
}
