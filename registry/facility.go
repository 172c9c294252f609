package registry

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/provenant/provenant/epcis"
)

// glnLength is the number of digits of a GLN, its check digit included.
const glnLength = 13

// CanonicalFacility returns the identifier of an origin facility as the
// registry and the claims of events hold it: the constrained canonical GS1
// Digital Link URI of its GLN (https://id.gs1.org/414/<gln>, with
// /254/<extension> for a GLN extension), which is epcis.NormalizeEPC of the
// identifier an event names. It accepts an SGLN EPC URN
// (urn:epc:id:sgln:4012345.00005.0), a GS1 Digital Link URI of a GLN on any
// host (https://example.com/gln/4012345000054), and a bare 13-digit GLN
// (4012345000054); the GLN must be ASCII digits with a correct check digit.
func CanonicalFacility(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", fmt.Errorf("empty; want a GLN, an SGLN URN or a GS1 Digital Link URI")
	}
	if !utf8.ValidString(s) {
		return "", fmt.Errorf("%q is not valid UTF-8", s)
	}
	if isDigits(s) {
		if len(s) != glnLength {
			return "", fmt.Errorf("%q: a GLN has %d digits, not %d", s, glnLength, len(s))
		}
		if err := checkGLN(s); err != nil {
			return "", err
		}
		return epcis.DigitalLinkHost + "/414/" + s, nil
	}
	dl, err := epcis.ParseDigitalLink(s)
	if err != nil {
		return "", fmt.Errorf("%q is not a GLN, an SGLN URN (urn:epc:id:sgln:…) or a GS1 Digital Link URI (…/414/<GLN>)", s)
	}
	if dl.Primary.AI != "414" {
		return "", fmt.Errorf("%q identifies no location: its GS1 key is AI %s, want 414 (GLN)", s, dl.Primary.AI)
	}
	if len(dl.Qualifiers) > 0 && dl.Qualifiers[0].AI != "254" {
		return "", fmt.Errorf("%q: qualifier AI %s, a GLN takes only 254 (extension)", s, dl.Qualifiers[0].AI)
	}
	if len(dl.Qualifiers) > 0 && dl.Qualifiers[0].Value == "" {
		return "", fmt.Errorf("%q: empty GLN extension (AI 254)", s)
	}
	if !isDigits(dl.Primary.Value) || len(dl.Primary.Value) != glnLength {
		return "", fmt.Errorf("%q: GLN %q is not %d ASCII digits", s, dl.Primary.Value, glnLength)
	}
	if err := checkGLN(dl.Primary.Value); err != nil {
		return "", err
	}
	canon := epcis.NormalizeEPC(s)
	if canon != dl.String() {
		// ParseDigitalLink and NormalizeEPC share one normaliser; they
		// cannot disagree, but the registry must hold what events name.
		return "", fmt.Errorf("%q: canonical forms %q and %q differ", s, canon, dl.String())
	}
	return canon, nil
}

// checkGLN verifies the check digit of a 13-digit ASCII GLN.
func checkGLN(gln string) error {
	want, err := epcis.GS1CheckDigit(gln[:glnLength-1])
	if err != nil {
		return fmt.Errorf("GLN %q: %w", gln, err)
	}
	if got := int(gln[glnLength-1] - '0'); got != want {
		return fmt.Errorf("GLN %q: check digit %d, want %d", gln, got, want)
	}
	return nil
}

// isDigits reports whether s is a non-empty string of ASCII digits.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
