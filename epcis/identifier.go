package epcis

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode"
)

// GS1 identifier normalisation: EPC URIs (pure identity, class and pattern
// URIs) and GS1 Digital Link URIs are turned into the constrained canonical
// GS1 Digital Link URI that the CBV 2.0 event hash uses: host id.gs1.org,
// numeric AIs, no query string, no CPV, and only the finest level of
// identification (a serial wins over a lot).
//
// The rules follow the GS1 reference implementation of the event hash
// (RalphTro/epcis-event-hash-generator, dl_normaliser.py) so that hashes
// agree byte for byte, including its leniencies: a Digital Link on any host
// is accepted, and digits are Unicode decimal digits as Python's \d matches.

// DigitalLinkHost is the canonical host of GS1 Digital Link URIs.
const DigitalLinkHost = "https://id.gs1.org"

// ErrNotGS1Identifier reports that a string is not a GS1 identifier that can
// be expressed as a canonical GS1 Digital Link URI.
var ErrNotGS1Identifier = errors.New("epcis: not a recognised GS1 identifier")

// GS1Element is one GS1 element string in a Digital Link path: an
// application identifier and its value (percent-encoded as in the URI).
type GS1Element struct {
	AI    string
	Value string
}

// DigitalLink is a parsed constrained canonical GS1 Digital Link URI: a
// primary key (e.g. AI 01, a GTIN) and its key qualifiers in path order
// (e.g. AI 21, a serial number).
type DigitalLink struct {
	Primary    GS1Element
	Qualifiers []GS1Element
}

// String returns the canonical URI of d.
func (d DigitalLink) String() string {
	var b strings.Builder
	b.WriteString(DigitalLinkHost)
	for _, e := range append([]GS1Element{d.Primary}, d.Qualifiers...) {
		b.WriteByte('/')
		b.WriteString(e.AI)
		b.WriteByte('/')
		b.WriteString(e.Value)
	}
	return b.String()
}

// NormalizeEPC returns the constrained canonical GS1 Digital Link URI of s
// when s is a GS1 identifier (EPC URI, EPC class URI, EPC pattern URI or GS1
// Digital Link URI on any host), and s unchanged otherwise.
func NormalizeEPC(s string) string {
	if dl, ok := gs1CanonicalID(s); ok {
		return dl
	}
	return s
}

// DigitalLinkFromURN converts an EPC URN (urn:epc:id:…, urn:epc:class:lgtin:…
// or urn:epc:idpat:…) into its constrained canonical GS1 Digital Link URI,
// computing the check digit that EPC URIs omit. It fails with
// ErrNotGS1Identifier for anything else.
func DigitalLinkFromURN(urn string) (string, error) {
	if !strings.HasPrefix(urn, "urn:epc:") {
		return "", fmt.Errorf("%w: %q is not an EPC URN", ErrNotGS1Identifier, urn)
	}
	dl, ok := gs1CanonicalID(urn)
	if !ok {
		return "", fmt.Errorf("%w: %q is not a convertible EPC URN", ErrNotGS1Identifier, urn)
	}
	return dl, nil
}

// CanonicalDigitalLink returns the constrained canonical form of a GS1
// Digital Link URI: host id.gs1.org, AIs instead of short names, GTINs
// padded to 14 digits, query string, fragment and CPV dropped, lot dropped
// when a serial is present.
func CanonicalDigitalLink(uri string) (string, error) {
	if !strings.HasPrefix(uri, "http:") && !strings.HasPrefix(uri, "https:") {
		return "", fmt.Errorf("%w: %q is not an http(s) URI", ErrNotGS1Identifier, uri)
	}
	dl, ok := gs1CanonicalID(uri)
	if !ok {
		return "", fmt.Errorf("%w: %q is not a GS1 Digital Link URI", ErrNotGS1Identifier, uri)
	}
	return dl, nil
}

// IsDigitalLink reports whether s is a GS1 Digital Link URI (on any host)
// with a primary key and qualifiers that have a constrained canonical form.
func IsDigitalLink(s string) bool {
	_, err := CanonicalDigitalLink(s)
	return err == nil
}

// ParseDigitalLink parses a GS1 Digital Link URI, or an EPC URN, into the
// primary key and key qualifiers of its constrained canonical form.
func ParseDigitalLink(s string) (DigitalLink, error) {
	dl, ok := gs1CanonicalID(s)
	if !ok {
		return DigitalLink{}, fmt.Errorf("%w: %q", ErrNotGS1Identifier, s)
	}
	ai, rest, _ := strings.Cut(strings.TrimPrefix(dl, DigitalLinkHost+"/"), "/")
	var d DigitalLink
	if ai == "8010" {
		// A CPI may itself contain '/'; its qualifier is a serial (8011).
		cpi, serial, ok := strings.Cut(rest, "/8011/")
		d.Primary = GS1Element{AI: ai, Value: cpi}
		if ok {
			d.Qualifiers = []GS1Element{{AI: "8011", Value: serial}}
		}
		return d, nil
	}
	// Keys whose value embeds an extension (GDTI, GRAI, SGCN…) are one
	// element; the canonical form has at most one qualifier.
	value, rest, _ := strings.Cut(rest, "/")
	d.Primary = GS1Element{AI: ai, Value: value}
	if q, v, ok := strings.Cut(rest, "/"); ok {
		d.Qualifiers = []GS1Element{{AI: q, Value: v}}
	}
	return d, nil
}

// GS1CheckDigit returns the GS1 mod-10 check digit of a GS1 key given
// without its check digit (GTIN, GLN, SSCC, GSIN, GSRN, GDTI…).
func GS1CheckDigit(digits string) (int, error) {
	r := []rune(digits)
	for _, c := range r {
		if _, ok := gs1DecimalDigit(c); !ok {
			return 0, fmt.Errorf("%w: check digit of %q: not all digits", ErrNotGS1Identifier, digits)
		}
	}
	if len(r) == 0 {
		return 0, fmt.Errorf("%w: check digit of an empty key", ErrNotGS1Identifier)
	}
	return gs1CheckDigitRunes(r), nil
}

// gs1CheckDigitRunes computes the mod-10 check digit: from the right, digits
// are weighted 3, 1, 3, … . All runes must be decimal digits.
func gs1CheckDigitRunes(r []rune) int {
	sum := 0
	for i := len(r) - 1; i >= 0; i-- {
		d, _ := gs1DecimalDigit(r[i])
		if (len(r)-1-i)%2 == 0 {
			sum += 3 * d
		} else {
			sum += d
		}
	}
	return (10 - sum%10) % 10
}

// gs1DecimalDigit returns the value of a Unicode decimal digit (category
// Nd), as Python's int() reads it.
func gs1DecimalDigit(c rune) (int, bool) {
	if c >= '0' && c <= '9' {
		return int(c - '0'), true
	}
	if c < 0x80 || !unicode.Is(unicode.Nd, c) {
		return 0, false
	}
	// Decimal digits come in contiguous runs of whole blocks of ten, each
	// ascending from zero (a Unicode stability guarantee).
	start := c
	for start > 0 && unicode.Is(unicode.Nd, start-1) {
		start--
	}
	return int(c-start) % 10, true
}

// gs1PercentEncoder percent-encodes the characters that the GS1 Digital
// Link standard requires to be encoded and that EPC URIs may carry unencoded.
var gs1PercentEncoder = strings.NewReplacer(
	"!", "%21", "(", "%28", ")", "%29", "*", "%2A", "+", "%2B", ",", "%2C", ":", "%3A",
)

// The regular expressions below mirror the reference normaliser; its \d is
// written \p{Nd} because Python's \d matches any Unicode decimal digit.
const (
	gs1EPCChar     = `(%2[125-9A-Fa-f]|%3[0-9A-Fa-f]|%4[1-9A-Fa-f]|%5[0-9AaFf]|%6[1-9A-Fa-f]|%7[0-9Aa]|[!')(*+,.0-9:;=A-Za-z_-])`
	gs1CPIChar     = `(%2[3dfDF]|%3[0-9]|%4[1-9A-Fa-f]|%5[0-9Aa]|[0-9A-Z-])`
	gs1DLChar      = `[\x22\x27\x2D\x2E\x30-\x39\x3B-\x3F\x41-\x5A\x5F\x61-\x7A]`
	gs1DLCharSlash = `[\x2F\x22\x27\x2D\x2E\x30-\x39\x3B-\x3F\x41-\x5A\x5F\x61-\x7A]`
)

// gs1GCPAlt builds the alternation of GS1 company prefix lengths 6…12 followed
// by a dot and a reference of total length total-len(prefix) (13 for GTIN
// based keys, 12 for GLN based ones); last is the 12-digit-prefix branch.
func gs1GCPAlt(total int, last string) string {
	var alts []string
	for n := 6; n <= 11; n++ {
		alts = append(alts, fmt.Sprintf(`(\p{Nd}{%d}\.\p{Nd}{%d})`, n, total-n))
	}
	alts = append(alts, last)
	return "(" + strings.Join(alts, "|") + ")"
}

// gs1GCPVarAlt builds the alternation for keys whose reference has a variable
// length: prefix length n allows 1…(max-n) characters of class.
func gs1GCPVarAlt(max int, class string) string {
	var alts []string
	for n := 6; n <= 12; n++ {
		alts = append(alts, fmt.Sprintf(`(\p{Nd}{%d}\.%s{1,%d})`, n, class, max-n))
	}
	return "(" + strings.Join(alts, "|") + ")"
}

// gs1GCPFixedAlt builds the alternation for numeric keys of fixed total length.
func gs1GCPFixedAlt(total int) string {
	var alts []string
	for n := 6; n <= 12; n++ {
		alts = append(alts, fmt.Sprintf(`(\p{Nd}{%d}\.\p{Nd}{%d}$)`, n, total-n))
	}
	return "(" + strings.Join(alts, "|") + ")"
}

var (
	gs1GTINAlt = gs1GCPAlt(13, `(\p{Nd}{12}\.\p{Nd}{1})`)
	gs1GLNAlt  = gs1GCPAlt(12, `(\p{Nd}{12}\.)`)
	gs1GRAIAlt = gs1GCPAlt(12, `(\p{Nd}{12}\.\.)`)

	reURNSGTIN = pyRegexp(`^urn:epc:id:sgtin:` + gs1GTINAlt + `\.` + gs1EPCChar + `{1,20}$`)
	reURNSSCC  = pyRegexp(`^urn:epc:id:sscc:` + gs1GCPFixedAlt(17))
	reURNSGLN  = pyRegexp(`^urn:epc:id:sgln:` + gs1GLNAlt + `\.` + gs1EPCChar + `{1,20}$`)
	reURNGRAI  = pyRegexp(`^urn:epc:id:grai:` + gs1GRAIAlt + `\.` + gs1EPCChar + `{1,16}$`)
	reURNGIAI  = pyRegexp(`^urn:epc:id:giai:` + gs1GCPVarAlt(30, gs1EPCChar) + `$`)
	reURNGSRN  = pyRegexp(`^urn:epc:id:gsrn:` + gs1GCPFixedAlt(17))
	reURNGSRNP = pyRegexp(`^urn:epc:id:gsrnp:` + gs1GCPFixedAlt(17))
	reURNGDTI  = pyRegexp(`^urn:epc:id:gdti:` + gs1GRAIAlt + gs1EPCChar + `{1,20}$`)
	reURNCPI   = pyRegexp(`^urn:epc:id:cpi:` + gs1GCPVarAlt(30, gs1CPIChar) + `\.\p{Nd}{1,12}$`)
	reURNSGCN  = pyRegexp(`^urn:epc:id:sgcn:` + gs1GLNAlt + `\.\p{Nd}{1,12}$`)
	reURNGINC  = pyRegexp(`^urn:epc:id:ginc:` + gs1GINCAlt() + `$`)
	reURNGSIN  = pyRegexp(`^urn:epc:id:gsin:` + gs1GCPFixedAlt(16))
	reURNITIP  = pyRegexp(`^urn:epc:id:itip:` + gs1GTINAlt + `\.\p{Nd}{2}\.\p{Nd}{2}\.` + gs1EPCChar + `{1,20}$`)
	reURNUPUI  = pyRegexp(`^urn:epc:id:upui:` + gs1GTINAlt + `\.` + gs1EPCChar + `{1,28}$`)
	reURNPGLN  = pyRegexp(`^urn:epc:id:pgln:` + gs1GLNAlt + `$`)
	reURNLGTIN = pyRegexp(`^urn:epc:class:lgtin:` + gs1GTINAlt + `\.` + gs1EPCChar + `{1,20}$`)

	reURNPatSGTIN = pyRegexp(`^urn:epc:idpat:sgtin:` + gs1GTINAlt + `\.\*$`)
	reURNPatGRAI  = pyRegexp(`^urn:epc:idpat:grai:` + gs1GRAIAlt + `\.\*$`)
	reURNPatGDTI  = pyRegexp(`^urn:epc:idpat:gdti:` + gs1GRAIAlt + `\.\*$`)
	reURNPatSGCN  = pyRegexp(`^urn:epc:idpat:sgcn:` + gs1GRAIAlt + `\.\*$`)
	reURNPatCPI   = pyRegexp(`^urn:epc:idpat:cpi:` + gs1GCPVarAlt(30, gs1CPIChar) + `\.\*$`)
	reURNPatITIP  = pyRegexp(`^urn:epc:idpat:itip:` + gs1GTINAlt + `\.\p{Nd}{2}\.\p{Nd}{2}\.\*$`)
	reURNPatUPUI  = pyRegexp(`^urn:epc:idpat:upui:` + gs1GTINAlt + `\.\*$`)

	// reGS1DigitalLink accepts any http(s) URI whose path has a GS1 primary key
	// (AI or short name) followed by at least four digits.
	reGS1DigitalLink = pyRegexp(`^https?:(//((([^/?#]*)@)?([^/?#:]*)(:([^/?#]*))?))?((([^?#]*)(/(01|gtin|8006|itip|8010|cpid|414|gln|417|party|8017|gsrnp|8018|gsrn|255|gcn|00|sscc|253|gdti|401|ginc|402|gsin|8003|grai|8004|giai)/)(\p{Nd}{4}[^/]+)(/[^/]+/[^/]+)?[/]?(\?([^?\n]*))?(#([^\n]*))?)|(/[A-Za-z_-]{10}$))`)
	reGS1CanonHost   = pyRegexp(`^(?:https://id.gs1.org/(01|8006|8010|414|417|8017|8018|255|00|253|401|402|8003|8004)/(\p{Nd}{4}[^/]+)(/[^/]+/[^/]+)?[/]?(\?([^?\n]*))?(#([^\n]*))?|(/[A-Za-z_-]{10}$))`)
	reGS1GTIN14      = pyRegexp(`^https://id.gs1.org/01/\p{Nd}{14}`)
	reGS1GTIN13      = pyRegexp(`^https://id.gs1.org/01/\p{Nd}{13}`)
	reGS1GTIN12      = pyRegexp(`^https://id.gs1.org/01/\p{Nd}{12}`)
	reGS1GTIN8       = pyRegexp(`^https://id.gs1.org/01/\p{Nd}{8}`)

	reGS1CPVLast = []*regexp.Regexp{
		pyRegexp(`^https://id.gs1.org/8006/\p{Nd}{18}/22/(` + gs1DLChar + `{0,20})$`),
		pyRegexp(`^https://id.gs1.org/01/\p{Nd}{14}/22/(` + gs1DLChar + `{0,20})$`),
	}
	reGS1CPVInner = []*regexp.Regexp{
		pyRegexp(`^https://id.gs1.org/8006/\p{Nd}{18}/22/(` + gs1DLCharSlash + `{0,20})$`),
		pyRegexp(`^https://id.gs1.org/01/\p{Nd}{14}/22/(` + gs1DLCharSlash + `{0,20})$`),
	}
	reGS1LotAndSerial = []*regexp.Regexp{
		pyRegexp(`^https://id.gs1.org/8006/\p{Nd}{18}/10/(` + gs1DLChar + `{0,20})/21/(` + gs1DLChar + `{0,20})$`),
		pyRegexp(`^https://id.gs1.org/01/(\p{Nd}{14})/10/(` + gs1DLChar + `{0,20})/21/(` + gs1DLChar + `{0,20})$`),
	}
	reGS1CanonValid = []*regexp.Regexp{
		pyRegexp(`^https://id.gs1.org/00/(\p{Nd}{18})$`),
		pyRegexp(`^https://id.gs1.org/01/(\p{Nd}{14})/21/(` + gs1DLChar + `{0,20})$`),
		pyRegexp(`^https://id.gs1.org/01/(\p{Nd}{14})/10/(` + gs1DLChar + `{0,20})$`),
		pyRegexp(`^https://id.gs1.org/01/(\p{Nd}{14})$`),
		pyRegexp(`^https://id.gs1.org/01/(\p{Nd}{14})/235/(` + gs1DLChar + `{0,28})$`),
		pyRegexp(`^https://id.gs1.org/253/(\p{Nd}{13})(` + gs1DLChar + `{0,17})$`),
		pyRegexp(`^https://id.gs1.org/255/(\p{Nd}{13})(\p{Nd}{0,12})$`),
		pyRegexp(`^https://id.gs1.org/401/(` + gs1DLChar + `{0,30})$`),
		pyRegexp(`^https://id.gs1.org/402/(\p{Nd}{17})$`),
		pyRegexp(`^https://id.gs1.org/414/(\p{Nd}{13})$`),
		pyRegexp(`^https://id.gs1.org/414/(\p{Nd}{13})/254/(` + gs1DLChar + `{0,20})$`),
		pyRegexp(`^https://id.gs1.org/417/(\p{Nd}{13})$`),
		pyRegexp(`^https://id.gs1.org/8003/(\p{Nd}{14})(` + gs1DLChar + `{0,16})$`),
		pyRegexp(`^https://id.gs1.org/8004/(` + gs1DLChar + `{0,30})$`),
		pyRegexp(`^https://id.gs1.org/8006/(\p{Nd}{18})/21/(` + gs1DLChar + `{0,20})$`),
		pyRegexp(`^https://id.gs1.org/8006/(\p{Nd}{18})/10/(` + gs1DLChar + `{0,20})$`),
		pyRegexp(`^https://id.gs1.org/8006/(\p{Nd}{18})$`),
		pyRegexp(`^https://id.gs1.org/8010/([\x23\x2D\x2F\x30-\x39\x41-\x5A]{0,30})/8011/(\p{Nd}{0,12})$`),
		pyRegexp(`^https://id.gs1.org/8010/([\x23\x2D\x2F\x30-\x39\x41-\x5A]{0,30})$`),
		pyRegexp(`^https://id.gs1.org/8017/(\p{Nd}{18})$`),
		pyRegexp(`^https://id.gs1.org/8018/(\p{Nd}{18})$`),
	}

	// gs1DLKeyOrder is the order in which the reference looks for a primary
	// key when it moves a Digital Link onto the canonical host.
	gs1DLKeyOrder = []string{"/00/", "/01/", "/253/", "/255/", "/401/", "/402/", "/414/", "/417/", "/8003/", "/8004/", "/8006/", "/8010/", "/8017/", "/8018/"}
)

// pyRegexp compiles a pattern written for Python's re module: there, $
// without MULTILINE also matches before a final newline.
func pyRegexp(pattern string) *regexp.Regexp {
	return regexp.MustCompile(strings.ReplaceAll(pattern, "$", `\n?$`))
}

func gs1GINCAlt() string {
	var alts []string
	for n := 6; n <= 12; n++ {
		alts = append(alts, fmt.Sprintf(`\p{Nd}{%d}\.%s{1,%d}`, n, gs1EPCChar, 30-n))
	}
	return "(" + strings.Join(alts, "|") + ")"
}

// gs1DLShortNames are applied one after the other (each replacing every
// occurrence), which is not the same as a single-pass strings.Replacer.
var gs1DLShortNames = [][2]string{
	{"/gtin/", "/01/"}, {"/itip/", "/8006/"}, {"/cpid/", "/8010/"}, {"/gln/", "/414/"},
	{"/party/", "/417/"}, {"/gsrnp/", "/8017/"}, {"/gsrn/", "/8018/"}, {"/gcn/", "/255/"},
	{"/sscc/", "/00/"}, {"/gdti/", "/253/"}, {"/ginc/", "/401/"}, {"/gsin/", "/402/"},
	{"/grai/", "/8003/"}, {"/giai/", "/8004/"}, {"/cpv/", "/22/"}, {"/lot/", "/10/"},
	{"/ser/", "/21/"},
}

// gs1RuneSlice returns string(r[i:j]) with Python's clamping of out-of-range
// bounds (non-negative bounds only).
func gs1RuneSlice(r []rune, i, j int) string {
	if i > len(r) {
		i = len(r)
	}
	if j > len(r) {
		j = len(r)
	}
	if i < 0 {
		i = 0
	}
	if j <= i {
		return ""
	}
	return string(r[i:j])
}

func gs1RuneFrom(r []rune, i int) string { return gs1RuneSlice(r, i, len(r)) }

// gs1GTINFromParts builds a GTIN without check digit from a company prefix
// and an item reference whose first digit is the indicator digit.
func gs1GTINFromParts(gcp, itemref string) string {
	r := []rune(itemref)
	return gs1RuneSlice(r, 0, 1) + gcp + gs1RuneFrom(r, 1)
}

// gs1CanonicalID is the normaliser: it reports false when s has no
// canonical GS1 Digital Link form.
func gs1CanonicalID(s string) (string, bool) {
	p := strings.IndexByte(s, '.')
	if p < 0 {
		return "", false
	}
	if strings.HasPrefix(s, "urn:epc:") {
		return gs1URNToDigitalLink(s)
	}
	return gs1NormaliseDigitalLink(s)
}

// gs1URNToDigitalLinkRegexp converts an EPC URN with the reference
// normaliser's regular expressions. gs1URNToDigitalLink tries a
// hand-written matcher for the common schemes first (identifier_fast.go)
// and comes here for the rest; the tests compare the two.
func gs1URNToDigitalLinkRegexp(uri string) (string, bool) {
	// withCheckDigit appends the check digit to a key. The patterns admit
	// only digits there, except that a final newline (see pyRegexp) may
	// reach it; the reference fails on that, and so does this function.
	failed := false
	withCheckDigit := func(key string) string {
		r := []rune(key)
		for _, c := range r {
			if _, ok := gs1DecimalDigit(c); !ok {
				failed = true
			}
		}
		return key + string(rune('0'+gs1CheckDigitRunes(r)))
	}
	dl, ok := gs1URNToDigitalLinkWith(uri, withCheckDigit)
	return dl, ok && !failed
}

func gs1URNToDigitalLinkWith(uri string, withCheckDigit func(string) string) (string, bool) {
	r := []rune(uri)
	part := 0
	for i, c := range r {
		if c == '.' {
			part = i
			break
		}
	}
	enc := gs1PercentEncoder.Replace
	const host = DigitalLinkHost + "/"
	// Each pattern starts with its scheme, so only that one can match.
	rest := strings.TrimPrefix(uri, "urn:epc:")
	kind, scheme, _ := strings.Cut(rest, ":")
	switch kind + ":" + strings.SplitN(scheme, ":", 2)[0] {
	case "id:sgtin":
		if !reURNSGTIN.MatchString(uri) {
			return "", false
		}
		gcp := gs1RuneSlice(r, 17, part)
		gtin := gs1GTINFromParts(gcp, gs1RuneSlice(r, part+1, part+1+13-len([]rune(gcp))))
		return host + "01/" + withCheckDigit(gtin) + "/21/" + enc(gs1RuneFrom(r, 32)), true
	case "id:sscc":
		if !reURNSSCC.MatchString(uri) {
			return "", false
		}
		gcp := gs1RuneSlice(r, 16, part)
		sscc := gs1RuneSlice(r, part+1, part+2) + gcp + gs1RuneFrom(r, part+2)
		return host + "00/" + withCheckDigit(sscc), true
	case "id:sgln":
		if !reURNSGLN.MatchString(uri) {
			return "", false
		}
		gcp := gs1RuneSlice(r, 16, part)
		gln := gcp + gs1RuneSlice(r, part+1, part+1+12-len([]rune(gcp)))
		ext := gs1RuneFrom(r, 30)
		if ext == "0" {
			return host + "414/" + withCheckDigit(gln), true
		}
		return host + "414/" + withCheckDigit(gln) + "/254/" + enc(ext), true
	case "id:grai":
		if !reURNGRAI.MatchString(uri) {
			return "", false
		}
		gcp := gs1RuneSlice(r, 16, part)
		grai := "0" + gcp + gs1RuneSlice(r, part+1, part+1+12-len([]rune(gcp)))
		return host + "8003/" + withCheckDigit(grai) + enc(gs1RuneFrom(r, 30)), true
	case "id:giai":
		if !reURNGIAI.MatchString(uri) {
			return "", false
		}
		return host + "8004/" + gs1RuneSlice(r, 16, part) + enc(gs1RuneFrom(r, part+1)), true
	case "id:gsrn":
		if !reURNGSRN.MatchString(uri) {
			return "", false
		}
		return host + "8018/" + withCheckDigit(gs1RuneSlice(r, 16, part)+gs1RuneFrom(r, part+1)), true
	case "id:gsrnp":
		if !reURNGSRNP.MatchString(uri) {
			return "", false
		}
		return host + "8017/" + withCheckDigit(gs1RuneSlice(r, 17, part)+gs1RuneFrom(r, part+1)), true
	case "id:gdti":
		if !reURNGDTI.MatchString(uri) {
			return "", false
		}
		gcp := gs1RuneSlice(r, 16, part)
		gdti := gcp + gs1RuneSlice(r, part+1, part+1+12-len([]rune(gcp)))
		return host + "253/" + withCheckDigit(gdti) + enc(gs1RuneFrom(r, 30)), true
	case "id:cpi":
		if !reURNCPI.MatchString(uri) {
			return "", false
		}
		sep := gs1LastRune(r, '.')
		cpi := gs1RuneSlice(r, 15, part) + gs1RuneSlice(r, part+1, sep)
		return host + "8010/" + enc(cpi) + "/8011/" + gs1RuneFrom(r, sep+1), true
	case "id:sgcn":
		if !reURNSGCN.MatchString(uri) {
			return "", false
		}
		gcp := gs1RuneSlice(r, 16, part)
		sgcn := gcp + gs1RuneSlice(r, part+1, part+1+12-len([]rune(gcp)))
		return host + "255/" + withCheckDigit(sgcn) + gs1RuneFrom(r, 30), true
	case "id:ginc":
		if !reURNGINC.MatchString(uri) {
			return "", false
		}
		return host + "401/" + gs1RuneSlice(r, 16, part) + enc(gs1RuneFrom(r, part+1)), true
	case "id:gsin":
		if !reURNGSIN.MatchString(uri) {
			return "", false
		}
		return host + "402/" + withCheckDigit(gs1RuneSlice(r, 16, part)+gs1RuneFrom(r, part+1)), true
	case "id:itip":
		if !reURNITIP.MatchString(uri) {
			return "", false
		}
		gcp := gs1RuneSlice(r, 16, part)
		gtin := gs1GTINFromParts(gcp, gs1RuneSlice(r, part+1, part+1+13-len([]rune(gcp))))
		return host + "8006/" + withCheckDigit(gtin) + gs1RuneSlice(r, 31, 33) + gs1RuneSlice(r, 34, 36) +
			"/21/" + enc(gs1RuneFrom(r, 37)), true
	case "id:upui":
		if !reURNUPUI.MatchString(uri) {
			return "", false
		}
		gcp := gs1RuneSlice(r, 16, part)
		gtin := gs1GTINFromParts(gcp, gs1RuneSlice(r, part+1, part+1+13-len([]rune(gcp))))
		return host + "01/" + withCheckDigit(gtin) + "/235/" + enc(gs1RuneFrom(r, 31)), true
	case "id:pgln":
		if !reURNPGLN.MatchString(uri) {
			return "", false
		}
		gcp := gs1RuneSlice(r, 16, part)
		return host + "417/" + withCheckDigit(gcp+gs1RuneSlice(r, part+1, part+1+12-len([]rune(gcp)))), true
	case "class:lgtin":
		if !reURNLGTIN.MatchString(uri) {
			return "", false
		}
		gcp := gs1RuneSlice(r, 20, part)
		gtin := gs1GTINFromParts(gcp, gs1RuneSlice(r, part+1, part+1+13-len([]rune(gcp))))
		return host + "01/" + withCheckDigit(gtin) + "/10/" + enc(gs1RuneFrom(r, 35)), true
	case "idpat:sgtin":
		if !reURNPatSGTIN.MatchString(uri) {
			return "", false
		}
		gcp := gs1RuneSlice(r, 20, part)
		return host + "01/" + withCheckDigit(gs1GTINFromParts(gcp, gs1RuneSlice(r, part+1, part+1+13-len([]rune(gcp))))), true
	case "idpat:grai":
		if !reURNPatGRAI.MatchString(uri) {
			return "", false
		}
		gcp := gs1RuneSlice(r, 19, part)
		return host + "8003/" + withCheckDigit("0"+gcp+gs1RuneSlice(r, part+1, part+1+12-len([]rune(gcp)))), true
	case "idpat:gdti":
		if !reURNPatGDTI.MatchString(uri) {
			return "", false
		}
		gcp := gs1RuneSlice(r, 19, part)
		return host + "253/" + withCheckDigit(gcp+gs1RuneSlice(r, part+1, part+1+12-len([]rune(gcp)))), true
	case "idpat:sgcn":
		if !reURNPatSGCN.MatchString(uri) {
			return "", false
		}
		gcp := gs1RuneSlice(r, 19, part)
		return host + "255/" + withCheckDigit(gcp+gs1RuneSlice(r, part+1, part+1+12-len([]rune(gcp)))), true
	case "idpat:cpi":
		if !reURNPatCPI.MatchString(uri) {
			return "", false
		}
		sep := gs1LastRune(r, '.')
		return host + "8010/" + enc(gs1RuneSlice(r, 18, part)+gs1RuneSlice(r, part+1, sep)), true
	case "idpat:itip":
		if !reURNPatITIP.MatchString(uri) {
			return "", false
		}
		gcp := gs1RuneSlice(r, 19, part)
		gtin := gs1GTINFromParts(gcp, gs1RuneSlice(r, part+1, part+1+13-len([]rune(gcp))))
		return host + "8006/" + withCheckDigit(gtin) + gs1RuneSlice(r, 34, 36) + gs1RuneSlice(r, 37, 39), true
	case "idpat:upui":
		if !reURNPatUPUI.MatchString(uri) {
			return "", false
		}
		gcp := gs1RuneSlice(r, 19, part)
		return host + "01/" + withCheckDigit(gs1GTINFromParts(gcp, gs1RuneSlice(r, part+1, part+1+13-len([]rune(gcp))))), true
	}
	// The reference falls through to the Digital Link rules, which never
	// match a URN.
	return "", false
}

func gs1LastRune(r []rune, c rune) int {
	for i := len(r) - 1; i >= 0; i-- {
		if r[i] == c {
			return i
		}
	}
	return -1
}

// gs1DLHasPrimaryKey is a fast necessary condition for a Digital Link with a
// canonical form: a path segment naming a primary key (AI or short name)
// followed by a segment that starts with four decimal digits.
func gs1DLHasPrimaryKey(uri string) bool {
	for i := 0; i < len(uri); i++ {
		if uri[i] != '/' {
			continue
		}
		j := strings.IndexByte(uri[i+1:], '/')
		if j < 0 {
			return false
		}
		switch uri[i+1 : i+1+j] {
		case "01", "gtin", "8006", "itip", "8010", "cpid", "414", "gln", "417", "party", "8017", "gsrnp",
			"8018", "gsrn", "255", "gcn", "00", "sscc", "253", "gdti", "401", "ginc", "402", "gsin",
			"8003", "grai", "8004", "giai":
			n := 0
			for _, c := range uri[i+j+2:] {
				if _, ok := gs1DecimalDigit(c); !ok || n == 4 {
					break
				}
				n++
			}
			if n == 4 {
				return true
			}
		}
	}
	return false
}

// gs1NormaliseDigitalLink applies the reference's Digital Link rules.
func gs1NormaliseDigitalLink(uri string) (string, bool) {
	if !strings.HasPrefix(uri, "http") || !gs1DLHasPrimaryKey(uri) || !reGS1DigitalLink.MatchString(uri) {
		return "", false
	}
	if i := strings.IndexByte(uri, '?'); i >= 0 {
		uri = uri[:i]
	}
	for _, p := range gs1DLShortNames {
		uri = strings.ReplaceAll(uri, p[0], p[1])
	}
	if !reGS1CanonHost.MatchString(uri) {
		for _, key := range gs1DLKeyOrder {
			if i := strings.Index(uri, key); i >= 0 {
				uri = DigitalLinkHost + uri[i:]
				break
			}
		}
	}
	if !reGS1GTIN14.MatchString(uri) {
		switch {
		case reGS1GTIN13.MatchString(uri):
			uri = strings.ReplaceAll(uri, "/01/", "/01/0")
		case reGS1GTIN12.MatchString(uri):
			uri = strings.ReplaceAll(uri, "/01/", "/01/00")
		case reGS1GTIN8.MatchString(uri):
			uri = strings.ReplaceAll(uri, "/01/", "/01/000000")
		}
	}
	// Drop the CPV (AI 22). x is taken once, before either rewrite.
	cpv := strings.Index(uri, "/22/")
	x := pyStringFrom(uri, cpv+4)
	if reGS1CPVLast[0].MatchString(uri) || reGS1CPVLast[1].MatchString(uri) {
		uri = pyStringTo(uri, strings.Index(uri, "/22/")) + pySliceStr(x, strings.IndexByte(x, '/'), -1)
	}
	if reGS1CPVInner[0].MatchString(uri) || reGS1CPVInner[1].MatchString(uri) {
		uri = pyStringTo(uri, strings.Index(uri, "/22/")) + pyStringFrom(x, strings.IndexByte(x, '/'))
	}
	// Only the finest level of identification: a serial wins over a lot.
	if reGS1LotAndSerial[0].MatchString(uri) || reGS1LotAndSerial[1].MatchString(uri) {
		lot := strings.Index(uri, "/10/")
		y := pyStringFrom(uri, lot+4)
		uri = pyStringTo(uri, lot) + pyStringFrom(y, strings.IndexByte(y, '/'))
	}
	for _, re := range reGS1CanonValid {
		if re.MatchString(uri) {
			return uri, true
		}
	}
	return "", false
}

// pyIndex resolves a Python slice bound (negative counts from the end) on
// a string of n bytes. The strings sliced here are ASCII at the cut points
// (cuts are found by byte searches), so byte and code point slicing agree;
// negative bounds are only used on ASCII-only strings.
func pyIndex(i, n int) int {
	if i < 0 {
		i += n
		if i < 0 {
			i = 0
		}
	}
	if i > n {
		i = n
	}
	return i
}

func pySliceStr(s string, i, j int) string {
	i, j = pyIndex(i, len(s)), pyIndex(j, len(s))
	if j <= i {
		return ""
	}
	return s[i:j]
}

func pyStringFrom(s string, i int) string { return pySliceStr(s, i, len(s)) }

func pyStringTo(s string, j int) string { return pySliceStr(s, 0, j) }
