package epcis

import (
	"fmt"
	"net/url"
	"strings"
)

// This file checks the syntax of the identifiers an EPCIS event carries:
// EPC URNs (GS1 Tag Data Standard 2.x, pure identity, class and pattern
// URIs) and GS1 Digital Link URIs (GS1 Digital Link standard, with the key
// formats of the GS1 General Specifications). Check digits are not
// verified: a wrong one is a data-quality matter, not a malformed event.
// Other URIs are allowed by EPCIS 2.0 and pass unchecked.

// idLevel says whether an identifier names one object or a class of them.
type idLevel int

const (
	idOther    idLevel = iota // not an EPC URN nor a GS1 Digital Link URI
	idInstance                // one object: urn:epc:id:…, or a serialised GS1 key
	idClass                   // a class: urn:epc:class:…, urn:epc:idpat:…, a GTIN with or without lot
)

// idError is a syntax problem with an identifier.
type idError struct {
	code Code
	msg  string
}

// checkIdentifierSyntax checks an identifier's syntax and tells its level. It
// returns nil for URIs that are neither EPC URNs nor GS1 Digital Link URIs.
func checkIdentifierSyntax(s string) (idLevel, *idError) {
	switch {
	case hasPrefixFold(s, "urn:epc:"):
		return checkEPCURN(s)
	case hasPrefixFold(s, "http://") || hasPrefixFold(s, "https://"):
		return checkDigitalLink(s)
	}
	return idOther, nil
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// epcURNScheme describes the components of one EPC scheme's URN body.
type epcURNScheme struct {
	// parts is the number of dot-separated components.
	parts int
	// check validates the components (split into exactly parts pieces, the
	// last keeping any further dots).
	check func(p []string) string
}

// epcURNSchemes are the pure identity EPC schemes of the Tag Data Standard.
var epcURNSchemes = map[string]epcURNScheme{
	"sgtin": {3, func(p []string) string {
		return firstProblem(companyPrefixAndRef(p[0], p[1], 13), serialPart(p[2], 20))
	}},
	"sscc": {2, func(p []string) string { return companyPrefixAndRef(p[0], p[1], 17) }},
	"sgln": {3, func(p []string) string {
		return firstProblem(companyPrefixAndRef(p[0], p[1], 12), serialPart(p[2], 20))
	}},
	"grai": {3, func(p []string) string {
		return firstProblem(companyPrefixAndRef(p[0], p[1], 12), serialPart(p[2], 16))
	}},
	"giai":  {2, func(p []string) string { return firstProblem(companyPrefixPart(p[0]), serialPart(p[1], 30-len(p[0]))) }},
	"gsrn":  {2, func(p []string) string { return companyPrefixAndRef(p[0], p[1], 17) }},
	"gsrnp": {2, func(p []string) string { return companyPrefixAndRef(p[0], p[1], 17) }},
	"gdti": {3, func(p []string) string {
		return firstProblem(companyPrefixAndRef(p[0], p[1], 12), optionalSerialPart(p[2], 17))
	}},
	"cpi": {3, func(p []string) string {
		return firstProblem(companyPrefixPart(p[0]), cpiReferencePart(p[1], 30-len(p[0])), numericPart(p[2], 1, 12, "serial"))
	}},
	"sgcn": {3, func(p []string) string {
		return firstProblem(companyPrefixAndRef(p[0], p[1], 12), numericPart(p[2], 1, 12, "serial"))
	}},
	"ginc": {2, func(p []string) string { return firstProblem(companyPrefixPart(p[0]), serialPart(p[1], 30-len(p[0]))) }},
	"gsin": {2, func(p []string) string { return companyPrefixAndRef(p[0], p[1], 16) }},
	"itip": {5, func(p []string) string {
		return firstProblem(companyPrefixAndRef(p[0], p[1], 13), numericPart(p[2], 2, 2, "piece"), numericPart(p[3], 2, 2, "total"), serialPart(p[4], 20))
	}},
	"upui": {3, func(p []string) string {
		return firstProblem(companyPrefixAndRef(p[0], p[1], 13), serialPart(p[2], 28))
	}},
	"pgln": {2, func(p []string) string { return companyPrefixAndRef(p[0], p[1], 12) }},
	"gid": {3, func(p []string) string {
		return firstProblem(numericPart(p[0], 1, 9, "manager number"), numericPart(p[1], 1, 8, "object class"), numericPart(p[2], 1, 11, "serial"))
	}},
	"usdod": {2, func(p []string) string {
		return firstProblem(alnumPart(p[0], 5, 6, "CAGE/DoDAAC"), numericPart(p[1], 1, 11, "serial"))
	}},
	"adi": {3, func(p []string) string {
		return firstProblem(alnumPart(p[0], 5, 6, "CAGE/DoDAAC"), optionalSerialPart(p[1], 32), serialPart(p[2], 30))
	}},
	"bic":   {1, func(p []string) string { return bicContainerCode(p[0]) }},
	"imovn": {1, func(p []string) string { return numericPart(p[0], 7, 7, "IMO vessel number") }},
}

// epcClassURNSchemes are the EPC class URI schemes (urn:epc:class:…).
var epcClassURNSchemes = map[string]epcURNScheme{
	"lgtin": {3, func(p []string) string {
		return firstProblem(companyPrefixAndRef(p[0], p[1], 13), serialPart(p[2], 20))
	}},
}

// checkEPCURN checks urn:epc:id:, urn:epc:class: and urn:epc:idpat: URIs.
func checkEPCURN(s string) (idLevel, *idError) {
	bad := func(format string, args ...any) (idLevel, *idError) {
		return idOther, &idError{CodeInvalidEPC, fmt.Sprintf("%q is not a valid EPC URN: ", s) + fmt.Sprintf(format, args...)}
	}
	rest := s[len("urn:epc:"):]
	kind, rest, ok := strings.Cut(rest, ":")
	if !ok {
		return bad("want urn:epc:id:<scheme>:…")
	}
	scheme, body, ok := strings.Cut(rest, ":")
	if !ok || body == "" {
		return bad("want urn:epc:%s:<scheme>:<components>", kind)
	}
	switch kind {
	case "id":
		sc, ok := epcURNSchemes[scheme]
		if !ok {
			return bad("unknown EPC scheme %q", scheme)
		}
		if msg := checkEPCBody(sc, body, false); msg != "" {
			return bad("%s", msg)
		}
		return idInstance, nil
	case "class":
		sc, ok := epcClassURNSchemes[scheme]
		if !ok {
			return bad("unknown EPC class scheme %q", scheme)
		}
		if msg := checkEPCBody(sc, body, false); msg != "" {
			return bad("%s", msg)
		}
		return idClass, nil
	case "idpat":
		sc, ok := epcURNSchemes[scheme]
		if !ok {
			return bad("unknown EPC scheme %q", scheme)
		}
		if msg := checkEPCBody(sc, body, true); msg != "" {
			return bad("%s", msg)
		}
		return idClass, nil
	case "tag", "raw":
		return bad("EPCIS carries pure identity URIs (urn:epc:id:…), not tag or raw URIs")
	}
	return bad("unknown EPC URI kind %q", kind)
}

// checkEPCBody checks the dot-separated components of an EPC URN body. In
// a pattern, trailing components may be "*".
func checkEPCBody(sc epcURNScheme, body string, pattern bool) string {
	p := strings.SplitN(body, ".", sc.parts)
	if len(p) != sc.parts {
		return fmt.Sprintf("want %d dot-separated components, found %d", sc.parts, len(p))
	}
	if !pattern {
		return sc.check(p)
	}
	// Only trailing components may be wildcards.
	stars := 0
	for i := len(p) - 1; i >= 0 && p[i] == "*"; i-- {
		stars++
	}
	if stars == 0 {
		return "an idpat URI needs a trailing * wildcard component"
	}
	for _, c := range p[:len(p)-stars] {
		if c == "*" {
			return "only trailing components of an idpat URI may be *"
		}
		if c == "" {
			return "empty component"
		}
		if _, msg := urnComponentChars(c); msg != "" {
			return msg
		}
	}
	if stars == 1 && sc.parts >= 3 {
		// Only the serial is wildcarded: the other components must be
		// those of a valid identifier.
		p[len(p)-1] = "1"
		return sc.check(p)
	}
	return ""
}

func firstProblem(msgs ...string) string {
	for _, m := range msgs {
		if m != "" {
			return m
		}
	}
	return ""
}

// companyPrefixPart checks a GS1 Company Prefix: 6 to 12 digits.
func companyPrefixPart(cp string) string {
	return numericPart(cp, 6, 12, "GS1 Company Prefix")
}

// companyPrefixAndRef checks a company prefix and a numeric reference that together
// have total digits.
func companyPrefixAndRef(cp, ref string, total int) string {
	if msg := companyPrefixPart(cp); msg != "" {
		return msg
	}
	if msg := numericPart(ref, 0, total, "reference"); msg != "" {
		return msg
	}
	if len(cp)+len(ref) != total {
		return fmt.Sprintf("company prefix %q and reference %q have %d digits together, want %d", cp, ref, len(cp)+len(ref), total)
	}
	return ""
}

func numericPart(s string, minLen, maxLen int, what string) string {
	if len(s) < minLen || len(s) > maxLen {
		if minLen == maxLen {
			return fmt.Sprintf("%s %q must have %d digits", what, s, minLen)
		}
		return fmt.Sprintf("%s %q must have %d to %d digits", what, s, minLen, maxLen)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return fmt.Sprintf("%s %q must be digits only", what, s)
		}
	}
	return ""
}

func alnumPart(s string, minLen, maxLen int, what string) string {
	if len(s) < minLen || len(s) > maxLen {
		return fmt.Sprintf("%s %q must have %d to %d characters", what, s, minLen, maxLen)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
			return fmt.Sprintf("%s %q must be digits and upper-case letters", what, s)
		}
	}
	return ""
}

// serialPart checks a URN component of 1 to maxLen characters of the GS1
// AI encodable character set 82, as the Tag Data Standard escapes it.
func serialPart(s string, maxLen int) string {
	if s == "" {
		return "the serial component is empty"
	}
	return optionalSerialPart(s, maxLen)
}

func optionalSerialPart(s string, maxLen int) string {
	n, msg := urnComponentChars(s)
	if msg != "" {
		return msg
	}
	if n > maxLen {
		return fmt.Sprintf("serial %q is longer than %d characters", s, maxLen)
	}
	return ""
}

// urnComponentChars counts the characters of a TDS-escaped URN component and checks
// that each is allowed: letters, digits, the marks ! ' ( ) * + , - . : ; = _
// and %-escapes of " % & / < > ?.
func urnComponentChars(s string) (int, string) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9', c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z':
		case strings.IndexByte("!'()*+,-.:;=_", c) >= 0:
		case c == '%':
			if i+2 >= len(s) || !isHexDigit(s[i+1]) || !isHexDigit(s[i+2]) {
				return 0, fmt.Sprintf("bad %%-escape in %q", s)
			}
			i += 2
		default:
			return 0, fmt.Sprintf("character %q is not allowed in %q (escape it as %%%02X)", c, s, c)
		}
		n++
	}
	return n, ""
}

func isHexDigit(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// cpiReferencePart checks a component/part reference: digits, upper-case
// letters, '-', and %23 (#) or %2F (/).
func cpiReferencePart(s string, maxLen int) string {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9', c >= 'A' && c <= 'Z', c == '-':
		case c == '%' && i+2 < len(s) && (s[i+1:i+3] == "23" || strings.EqualFold(s[i+1:i+3], "2F")):
			i += 2
		default:
			return fmt.Sprintf("component/part reference %q may hold only digits, upper-case letters, -, %%23 and %%2F", s)
		}
		n++
	}
	if n == 0 || n > maxLen {
		return fmt.Sprintf("component/part reference %q must have 1 to %d characters", s, maxLen)
	}
	return ""
}

// bicContainerCode checks an ISO 6346 container code: owner (3 letters), category
// (U, J or Z), serial (6 digits) and check digit.
func bicContainerCode(s string) string {
	if len(s) != 11 {
		return fmt.Sprintf("BIC container code %q must have 11 characters", s)
	}
	for i := 0; i < 3; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return fmt.Sprintf("BIC container code %q must start with a 3-letter owner code", s)
		}
	}
	if s[3] != 'U' && s[3] != 'J' && s[3] != 'Z' {
		return fmt.Sprintf("BIC container code %q must have category U, J or Z", s)
	}
	if msg := numericPart(s[4:], 7, 7, "BIC serial and check digit"); msg != "" {
		return msg
	}
	return ""
}

// dlPrimaryKey describes a GS1 key that can start a Digital Link path.
type dlPrimaryKey struct {
	name string
	// check validates the key value; it returns "" when it is fine.
	check func(v string) string
	// level is the key's level without qualifiers; a serialiser among
	// the qualifiers makes a class-level key an instance.
	level      idLevel
	serialiser map[string]bool
}

// dlQualifierFormats are the Digital Link key qualifiers and the character
// set and length of their values.
var dlQualifierFormats = map[string]func(string) string{
	"22":   func(v string) string { return ai82Value(v, 20, "consumer product variant") },
	"10":   func(v string) string { return ai82Value(v, 20, "batch/lot") },
	"21":   func(v string) string { return ai82Value(v, 20, "serial number") },
	"235":  func(v string) string { return ai82Value(v, 28, "third-party serial") },
	"254":  func(v string) string { return ai82Value(v, 20, "GLN extension") },
	"7040": func(v string) string { return ai82Value(v, 4, "UIC with extension") },
	"8011": func(v string) string { return numericPart(v, 1, 12, "CPI serial") },
	"8019": func(v string) string { return numericPart(v, 1, 10, "service relation instance") },
	"8020": func(v string) string { return ai82Value(v, 25, "payment slip reference") },
}

// dlPrimaryKeys are the GS1 keys a Digital Link URI may carry, by AI.
var dlPrimaryKeys = map[string]dlPrimaryKey{
	"00": {name: "SSCC", check: func(v string) string { return gs1KeyDigits(v, 18, "SSCC") }, level: idInstance},
	"01": {name: "GTIN", check: gtinKey, level: idClass, serialiser: map[string]bool{"21": true, "235": true}},
	"253": {name: "GDTI", check: func(v string) string {
		return keyWithSerialPart(v, 13, 17, "GDTI", ai82Value)
	}, level: idInstance},
	"255": {name: "GCN", check: func(v string) string {
		return keyWithSerialPart(v, 13, 12, "GCN", func(s string, n int, what string) string { return numericPart(s, 1, n, what) })
	}, level: idInstance},
	"401":  {name: "GINC", check: func(v string) string { return ai82Value(v, 30, "GINC") }, level: idInstance},
	"402":  {name: "GSIN", check: func(v string) string { return gs1KeyDigits(v, 17, "GSIN") }, level: idInstance},
	"414":  {name: "GLN", check: func(v string) string { return gs1KeyDigits(v, 13, "GLN") }, level: idInstance},
	"417":  {name: "party GLN", check: func(v string) string { return gs1KeyDigits(v, 13, "party GLN") }, level: idInstance},
	"8003": {name: "GRAI", check: graiKey, level: idInstance},
	"8004": {name: "GIAI", check: func(v string) string { return ai82Value(v, 30, "GIAI") }, level: idInstance},
	"8006": {name: "ITIP", check: itipKey, level: idClass, serialiser: map[string]bool{"21": true}},
	"8010": {name: "CPID", check: func(v string) string {
		return cpiReferencePart(strings.NewReplacer("#", "%23", "/", "%2F").Replace(v), 30)
	}, level: idClass, serialiser: map[string]bool{"8011": true}},
	"8013": {name: "GMN", check: func(v string) string { return ai82Value(v, 25, "GMN") }, level: idClass},
	"8017": {name: "GSRN (provider)", check: func(v string) string { return gs1KeyDigits(v, 18, "GSRN") }, level: idInstance},
	"8018": {name: "GSRN (recipient)", check: func(v string) string { return gs1KeyDigits(v, 18, "GSRN") }, level: idInstance},
}

// dlConvenienceAlphas are the short names that GS1 Digital Link 1.1 allows
// in place of the numeric AIs.
var dlConvenienceAlphas = map[string]string{
	"sscc": "00", "gtin": "01", "gdti": "253", "gcn": "255", "ginc": "401", "gsin": "402",
	"gln": "414", "party": "417", "grai": "8003", "giai": "8004", "itip": "8006", "cpid": "8010",
	"gmn": "8013", "gsrnp": "8017", "gsrn": "8018",
	"cpv": "22", "lot": "10", "ser": "21", "glnx": "254", "cpsn": "8011", "srin": "8019", "refno": "8020",
}

// dlAI returns the numeric AI of a Digital Link path segment.
func dlAI(seg string) string {
	if ai, ok := dlConvenienceAlphas[seg]; ok {
		return ai
	}
	return seg
}

// checkDigitalLink checks an http(s) URI that is a GS1 Digital Link URI:
// one on id.gs1.org, or whose path starts with a GS1 primary key.
func checkDigitalLink(s string) (idLevel, *idError) {
	u, err := url.Parse(s)
	if err != nil {
		return idOther, nil // the schema reports URIs that do not parse
	}
	segs := strings.Split(strings.Trim(u.EscapedPath(), "/"), "/")
	onGS1 := strings.EqualFold(u.Hostname(), "id.gs1.org")
	key, ok := dlPrimaryKeys[dlAI(segs[0])]
	if !ok {
		if onGS1 {
			return idOther, &idError{CodeInvalidDigitalLink, fmt.Sprintf("%q is not a valid GS1 Digital Link URI: the path does not start with a GS1 primary key AI such as 01 (GTIN) or 00 (SSCC)", s)}
		}
		return idOther, nil
	}
	bad := func(format string, args ...any) (idLevel, *idError) {
		return idOther, &idError{CodeInvalidDigitalLink, fmt.Sprintf("%q is not a valid GS1 Digital Link URI: ", s) + fmt.Sprintf(format, args...)}
	}
	if len(segs)%2 != 0 {
		return bad("the path must be pairs of AI and value, like /01/09521234543213/21/123")
	}
	value, err := url.PathUnescape(segs[1])
	if err != nil {
		return bad("bad %%-escape in %q", segs[1])
	}
	if msg := key.check(value); msg != "" {
		return bad("%s", msg)
	}
	level := key.level
	for i := 2; i < len(segs); i += 2 {
		ai := dlAI(segs[i])
		check, ok := dlQualifierFormats[ai]
		if !ok {
			return bad("%q is not a key qualifier AI of a GS1 Digital Link path", segs[i])
		}
		v, err := url.PathUnescape(segs[i+1])
		if err != nil {
			return bad("bad %%-escape in %q", segs[i+1])
		}
		if msg := check(v); msg != "" {
			return bad("%s", msg)
		}
		if key.serialiser[ai] {
			level = idInstance
		}
	}
	return level, nil
}

// gtinKey checks a GTIN-8, -12, -13 or -14.
func gtinKey(v string) string {
	switch len(v) {
	case 8, 12, 13, 14:
		return gs1KeyDigits(v, len(v), "GTIN")
	}
	return fmt.Sprintf("GTIN %q must have 8, 12, 13 or 14 digits", v)
}

// graiKey checks AI 8003: a 14-digit GRAI (filler digit, company prefix
// and asset type, check digit) and an optional serial of up to 16
// characters.
func graiKey(v string) string {
	if len(v) < 14 {
		return fmt.Sprintf("GRAI %q must start with 14 digits", v)
	}
	if msg := gs1KeyDigits(v[:14], 14, "GRAI"); msg != "" {
		return msg
	}
	if len(v) == 14 {
		return ""
	}
	return ai82Value(v[14:], 16, "GRAI serial")
}

// itipKey checks AI 8006: a GTIN-14, then piece and total (two digits
// each).
func itipKey(v string) string {
	if len(v) != 18 {
		return fmt.Sprintf("ITIP %q must have 18 digits", v)
	}
	return firstProblem(gs1KeyDigits(v[:14], 14, "ITIP GTIN"), numericPart(v[14:], 4, 4, "ITIP piece and total"))
}

// keyWithSerialPart checks a key of n digits followed by an optional
// serial.
func keyWithSerialPart(v string, n, maxSerial int, what string, serialCheck func(string, int, string) string) string {
	if len(v) < n {
		return fmt.Sprintf("%s %q must start with %d digits", what, v, n)
	}
	if msg := gs1KeyDigits(v[:n], n, what); msg != "" {
		return msg
	}
	if len(v) == n {
		return ""
	}
	return serialCheck(v[n:], maxSerial, what+" serial")
}

// gs1KeyDigits checks an all-digit GS1 key of length n. Its last digit is
// a check digit, which is not verified here.
func gs1KeyDigits(v string, n int, what string) string {
	return numericPart(v, n, n, what)
}

// ai82Value checks a value of 1 to maxLen characters of the GS1 AI encodable
// character set 82.
func ai82Value(v string, maxLen int, what string) string {
	if v == "" || len(v) > maxLen {
		return fmt.Sprintf("%s %q must have 1 to %d characters", what, v, maxLen)
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c >= '0' && c <= '9', c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z':
		case strings.IndexByte("!\"%&'()*+,-./:;<=>?_", c) >= 0:
		default:
			return fmt.Sprintf("%s %q holds %q, which GS1 keys do not allow", what, v, c)
		}
	}
	return ""
}

// isUUIDURN checks "urn:uuid:" followed by a UUID in 8-4-4-4-12 hex form.
func isUUIDURN(s string) bool {
	u := s[len("urn:uuid:"):]
	if len(u) != 36 {
		return false
	}
	for i := 0; i < len(u); i++ {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if u[i] != '-' {
				return false
			}
		} else if !isHexDigit(u[i]) {
			return false
		}
	}
	return true
}

// isNIURI checks an RFC 6920 named-information URI: ni://[authority]/alg;value[?query].
func isNIURI(s string) bool {
	rest := s[len("ni://"):]
	slash := strings.IndexByte(rest, '/')
	if slash < 0 {
		return false
	}
	rest = rest[slash+1:]
	if q := strings.IndexByte(rest, '?'); q >= 0 {
		rest = rest[:q]
	}
	alg, val, ok := strings.Cut(rest, ";")
	if !ok || alg == "" || val == "" {
		return false
	}
	for i := 0; i < len(alg); i++ {
		c := alg[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	for i := 0; i < len(val); i++ {
		c := val[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '=') {
			return false
		}
	}
	return true
}

// checkEventIDSyntax checks the two event ID forms EPCIS 2.0 names, a UUID
// URN and a CBV 2.0 hash (ni:///sha-256;…); other URIs pass.
func checkEventIDSyntax(id string) string {
	switch {
	case hasPrefixFold(id, "urn:uuid:"):
		if !isUUIDURN(id) {
			return fmt.Sprintf("%q is not a valid UUID URN (want urn:uuid: and 8-4-4-4-12 hex digits)", id)
		}
	case hasPrefixFold(id, "ni:"):
		if !hasPrefixFold(id, "ni://") || !isNIURI(id) {
			return fmt.Sprintf("%q is not a valid ni: URI (want ni:///sha-256;<digest>?ver=CBV2.0)", id)
		}
	}
	return ""
}
