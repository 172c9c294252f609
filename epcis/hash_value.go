package epcis

import (
	"errors"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Canonical forms of single values in the pre-hash string: CBV URN
// vocabulary to Web URIs, numbers without redundant digits, GS1
// identifiers as Digital Links, timestamps in UTC with milliseconds.

// errHashNumberRange reports a numeric value that overflows a float64; the
// reference implementation cannot hash such an event either.
var errHashNumberRange = errors.New("numeric value out of range")

// errHashTimeRange reports a timestamp outside the years 1…9999 or with
// an offset of a day or more.
var errHashTimeRange = errors.New("timestamp out of range")

// cbvURNVocabulary replaces the CBV 1.x URN vocabulary with the CBV 2.0
// Web URIs, each rule applied to the whole value in turn.
var cbvURNVocabulary = [][2]string{
	{"urn:epcglobal:cbv:bizstep:", NamespaceCBV + "BizStep-"},
	{"urn:epcglobal:cbv:disp:", NamespaceCBV + "Disp-"},
	{"urn:epcglobal:cbv:btt:", NamespaceCBV + "BTT-"},
	{"urn:epcglobal:cbv:sdt:", NamespaceCBV + "SDT-"},
	{"urn:epcglobal:cbv:er:", NamespaceCBV + "ER-"},
}

// canonicalHashValue runs a (whitespace-trimmed) value through the
// vocabulary, number and GS1 identifier canonicalisations in the
// reference's order.
func canonicalHashValue(text string) (string, error) {
	if strings.Contains(text, "urn:epcglobal:cbv:") {
		for _, r := range cbvURNVocabulary {
			text = strings.ReplaceAll(text, r[0], r[1])
		}
	}
	text, err := canonicalHashNumber(text)
	if err != nil {
		return "", err
	}
	if dl, ok := gs1CanonicalID(text); ok {
		return dl, nil
	}
	return text, nil
}

// canonicalHashNumber rewrites text when Python's float() accepts it: an
// integral value becomes its exact integer digits, anything else Python's
// shortest float repr ("0.5", "1e-07"). NaN is left as written; an
// infinite value is an error, as it is in the reference.
func canonicalHashNumber(text string) (string, error) {
	f, ok := pyParseFloat(text)
	if !ok {
		return text, nil
	}
	switch {
	case math.IsNaN(f):
		return text, nil
	case math.IsInf(f, 0):
		return "", errHashNumberRange
	case f == math.Trunc(f):
		if math.Abs(f) < 1<<62 {
			return strconv.FormatInt(int64(f), 10), nil
		}
		i, _ := new(big.Float).SetFloat64(f).Int(nil)
		return i.String(), nil
	default:
		return pyFloatRepr(f), nil
	}
}

// pyNumberText returns str() of a JSON number as Python's json module
// reads it: integers exactly, other numbers as a float repr.
func pyNumberText(lit string) string {
	if !strings.ContainsAny(lit, ".eE") {
		digits := strings.TrimLeft(strings.TrimPrefix(lit, "-"), "0")
		if digits == "" {
			return "0"
		}
		if strings.HasPrefix(lit, "-") {
			return "-" + digits
		}
		return digits
	}
	f, err := strconv.ParseFloat(lit, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return lit
	}
	return pyFloatRepr(f)
}

// pyFloatRepr formats f as Python's repr(float) does: the shortest
// round-tripping digits, positional notation for exponents -4…15, and
// scientific notation with a signed, at least two-digit exponent otherwise.
func pyFloatRepr(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	s := strconv.FormatFloat(f, 'e', -1, 64) // [-]d[.ddd]e±dd
	sign := ""
	if s[0] == '-' {
		sign, s = "-", s[1:]
	}
	mant, expStr, _ := strings.Cut(s, "e")
	exp, _ := strconv.Atoi(expStr)
	digits := strings.Replace(mant, ".", "", 1)
	decpt := exp + 1 // value = 0.digits × 10^decpt
	if decpt <= -4 || decpt > 16 {
		m := digits[:1]
		if len(digits) > 1 {
			m += "." + digits[1:]
		}
		es := strconv.Itoa(hashAbs(exp))
		if len(es) < 2 {
			es = "0" + es
		}
		if exp < 0 {
			return sign + m + "e-" + es
		}
		return sign + m + "e+" + es
	}
	switch {
	case decpt <= 0:
		return sign + "0." + strings.Repeat("0", -decpt) + digits
	case decpt >= len(digits):
		return sign + digits + strings.Repeat("0", decpt-len(digits)) + ".0"
	default:
		return sign + digits[:decpt] + "." + digits[decpt:]
	}
}

func hashAbs(i int) int {
	if i < 0 {
		return -i
	}
	return i
}

// pyParseFloat parses s with the syntax of Python's float(str):
// surrounding whitespace, an optional sign, "inf", "infinity" or "nan" in
// any case, or a decimal number whose digits may be any Unicode decimal
// numericPart and may be grouped with single underscores between digits.
func pyParseFloat(s string) (float64, bool) {
	s = pyStrip(s)
	if s == "" {
		return 0, false
	}
	// Most text is ASCII without underscores, and stands for itself.
	t := s
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '_' || c >= utf8.RuneSelf {
			var ok bool
			if t, ok = pyFloatDigits(s); !ok {
				return 0, false
			}
			break
		}
	}
	body := strings.TrimLeft(t, "+-")
	if len(t)-len(body) > 1 {
		return 0, false
	}
	// body is ASCII here, so EqualFold is Python's lower() comparison.
	switch {
	case strings.EqualFold(body, "inf"), strings.EqualFold(body, "infinity"):
		if t[0] == '-' {
			return math.Inf(-1), true
		}
		return math.Inf(1), true
	case strings.EqualFold(body, "nan"):
		return math.NaN(), true
	}
	if !pyIsDecimalFloat(body) {
		return 0, false
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, false
	}
	return f, true
}

// pyFloatDigits returns s with its Unicode decimal digits written as
// ASCII digits and single underscores between digits removed, or false
// when s holds another non-ASCII character or a misplaced underscore.
func pyFloatDigits(s string) (string, bool) {
	var b strings.Builder
	b.Grow(len(s))
	prev := rune(0)
	for _, c := range s {
		switch {
		case c == '_':
			if prev < '0' || prev > '9' {
				return "", false
			}
		case c < utf8.RuneSelf:
			if prev == '_' && (c < '0' || c > '9') {
				return "", false
			}
			b.WriteRune(c)
		default:
			d, ok := gs1DecimalDigit(c)
			if !ok {
				return "", false
			}
			c = rune('0' + d)
			b.WriteRune(c)
		}
		prev = c
	}
	if prev == '_' {
		return "", false
	}
	return b.String(), true
}

// pyIsDecimalFloat reports whether s is digits[.digits][e[±]digits] or
// .digits[e…], with at least one mantissa digit.
func pyIsDecimalFloat(s string) bool {
	i, n := 0, len(s)
	digits := 0
	for i < n && s[i] >= '0' && s[i] <= '9' {
		i++
		digits++
	}
	if i < n && s[i] == '.' {
		i++
		for i < n && s[i] >= '0' && s[i] <= '9' {
			i++
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < n && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < n && (s[i] == '+' || s[i] == '-') {
			i++
		}
		exp := 0
		for i < n && s[i] >= '0' && s[i] <= '9' {
			i++
			exp++
		}
		if exp == 0 {
			return false
		}
	}
	return i == n
}

// pyIsSpace reports whether Python's str.isspace() holds for c: Go's
// unicode.IsSpace plus the ASCII information separators U+001C…U+001F.
func pyIsSpace(c rune) bool {
	return unicode.IsSpace(c) || (c >= 0x1c && c <= 0x1f)
}

// pyStrip is Python's str.strip() with no arguments.
func pyStrip(s string) string {
	return strings.TrimFunc(s, pyIsSpace)
}

// appendCanonicalHashTime appends an ISO 8601 timestamp to b, formatted in
// UTC with exactly three fractional digits. Fractional seconds beyond
// microseconds are cut, then microseconds are rounded to milliseconds half
// to even, as the reference does (2023-01-18T11:04:03.1415Z → …03.142Z,
// …03.1425Z → …03.142Z). A timestamp without an offset is taken as UTC.
// Text that is not a timestamp is appended unchanged.
func appendCanonicalHashTime(b []byte, text string) ([]byte, error) {
	t, ok := parseHashTimestamp(text)
	if !ok {
		return append(b, text...), nil
	}
	if t.offset <= -24*3600 || t.offset >= 24*3600 {
		return b, errHashTimeRange
	}
	ms := t.micro / 1000
	if rem := t.micro % 1000; rem > 500 || (rem == 500 && ms%2 == 1) {
		ms++
	}
	// Seconds since 0001-01-01T00:00:00 in UTC, plus the milliseconds.
	days := hashDaysFromCivil(t.year, t.month, t.day)
	secs := days*86400 + int64(t.hour*3600+t.minute*60+t.second) - int64(t.offset)
	total := secs*1000 + int64(ms)
	if total < 0 {
		return b, errHashTimeRange
	}
	ms = int(total % 1000)
	secs = total / 1000
	days = secs / 86400
	rest := int(secs % 86400)
	y, m, d := hashCivilFromDays(days)
	if y > 9999 {
		return b, errHashTimeRange
	}
	buf := hashAppendPadded(b, y, 4)
	buf = append(buf, '-')
	buf = hashAppendPadded(buf, m, 2)
	buf = append(buf, '-')
	buf = hashAppendPadded(buf, d, 2)
	buf = append(buf, 'T')
	buf = hashAppendPadded(buf, rest/3600, 2)
	buf = append(buf, ':')
	buf = hashAppendPadded(buf, rest/60%60, 2)
	buf = append(buf, ':')
	buf = hashAppendPadded(buf, rest%60, 2)
	buf = append(buf, '.')
	buf = hashAppendPadded(buf, ms, 3)
	return append(buf, 'Z'), nil
}

// hashAppendPadded appends the decimal form of v ≥ 0, zero-padded to
// width digits.
func hashAppendPadded(b []byte, v, width int) []byte {
	var digits [20]byte
	s := strconv.AppendInt(digits[:0], int64(v), 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// hashTimestamp is a parsed ISO 8601 date-time in local terms plus offset.
type hashTimestamp struct {
	year, month, day     int
	hour, minute, second int
	micro                int // fraction cut to microseconds
	offset               int // seconds east of UTC
}

// parseHashTimestamp reads YYYY-MM-DD or YYYYMMDD, optionally followed by
// 'T', 't' or ' ' and hh:mm[:ss[.f…]] or hhmm[ss[.f…]], optionally followed
// by 'Z', 'z', ±hh, ±hh:mm or ±hhmm.
func parseHashTimestamp(s string) (hashTimestamp, bool) {
	var t hashTimestamp
	p := hashTimeParser{s: s}
	var ok bool
	if t.year, ok = p.digits(4); !ok {
		return t, false
	}
	dash := p.accept('-')
	if t.month, ok = p.digits(2); !ok {
		return t, false
	}
	if dash && !p.accept('-') {
		return t, false
	}
	if t.day, ok = p.digits(2); !ok {
		return t, false
	}
	if t.year < 1 || t.month < 1 || t.month > 12 || t.day < 1 || t.day > hashDaysIn(t.year, t.month) {
		return t, false
	}
	if p.done() {
		return t, true
	}
	if !p.accept('T') && !p.accept('t') && !p.accept(' ') {
		return t, false
	}
	if t.hour, ok = p.digits(2); !ok {
		return t, false
	}
	colon := p.accept(':')
	if t.minute, ok = p.digits(2); !ok {
		return t, false
	}
	if (colon && p.accept(':')) || (!colon && p.peekDigit()) {
		if t.second, ok = p.digits(2); !ok {
			return t, false
		}
		if p.accept('.') {
			n := 0
			for p.peekDigit() {
				d := int(p.s[p.i] - '0')
				p.i++
				if n < 6 {
					t.micro = t.micro*10 + d
				}
				n++
			}
			if n == 0 {
				return t, false
			}
			for ; n < 6; n++ {
				t.micro *= 10
			}
		}
	}
	if t.hour > 23 || t.minute > 59 || t.second > 59 {
		return t, false
	}
	switch {
	case p.done():
		return t, true
	case p.accept('Z') || p.accept('z'):
	case p.peek('+') || p.peek('-'):
		sign := 1
		if p.s[p.i] == '-' {
			sign = -1
		}
		p.i++
		oh, ok := p.digits(2)
		if !ok {
			return t, false
		}
		om := 0
		if p.accept(':') {
			if om, ok = p.digits(2); !ok {
				return t, false
			}
		} else if p.peekDigit() {
			if om, ok = p.digits(2); !ok {
				return t, false
			}
		}
		if om > 59 {
			return t, false
		}
		t.offset = sign * (oh*3600 + om*60)
	default:
		return t, false
	}
	return t, p.done()
}

type hashTimeParser struct {
	s string
	i int
}

func (p *hashTimeParser) done() bool { return p.i == len(p.s) }

func (p *hashTimeParser) peek(c byte) bool { return p.i < len(p.s) && p.s[p.i] == c }

func (p *hashTimeParser) peekDigit() bool {
	return p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9'
}

func (p *hashTimeParser) accept(c byte) bool {
	if p.peek(c) {
		p.i++
		return true
	}
	return false
}

func (p *hashTimeParser) digits(n int) (int, bool) {
	if p.i+n > len(p.s) {
		return 0, false
	}
	v := 0
	for _, c := range []byte(p.s[p.i : p.i+n]) {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	p.i += n
	return v, true
}

func hashIsLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func hashDaysIn(y, m int) int {
	switch m {
	case 2:
		if hashIsLeap(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// hashDaysFromCivil returns the number of days from 0001-01-01 to y-m-d in the
// proleptic Gregorian calendar.
func hashDaysFromCivil(y, m, d int) int64 {
	// Shift to a March-based year so that leap days fall at the end.
	if m <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	// 0000-03-01 is day 0 of this count; 0001-01-01 is day 306.
	return int64(era)*146097 + int64(doe) - 306
}

// hashCivilFromDays inverts hashDaysFromCivil.
func hashCivilFromDays(days int64) (y, m, d int) {
	z := days + 306
	era := z / 146097
	doe := int(z - era*146097)
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + int(era)*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}
