package epcis

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// urnCorpus returns EPC URNs of every scheme, well-formed and not: each
// scheme with company prefixes of 5 to 13 digits, references of several
// lengths, and serials of allowed and disallowed characters, escapes,
// lengths at and past the limits, non-ASCII digits and a final newline.
func urnCorpus() []string {
	prefixes := []string{
		"urn:epc:id:sgtin:", "urn:epc:id:sscc:", "urn:epc:id:sgln:", "urn:epc:id:grai:", "urn:epc:id:giai:",
		"urn:epc:id:gsrn:", "urn:epc:id:gsrnp:", "urn:epc:id:gdti:", "urn:epc:id:cpi:", "urn:epc:id:sgcn:",
		"urn:epc:id:ginc:", "urn:epc:id:gsin:", "urn:epc:id:itip:", "urn:epc:id:upui:", "urn:epc:id:pgln:",
		"urn:epc:class:lgtin:", "urn:epc:idpat:sgtin:", "urn:epc:idpat:grai:", "urn:epc:idpat:gdti:",
		"urn:epc:id:sgtinx:", "urn:epc:class:sgtin:",
	}
	digits := "40123456789012345678"
	var keys []string
	for n := 5; n <= 13; n++ {
		gcp := digits[:n]
		for _, refLen := range []int{0, 1, 4, 5, 6, 7, 8, 10, 11, 12, 13} {
			if n+refLen < 11 || n+refLen > 18 {
				continue
			}
			keys = append(keys, gcp+"."+digits[n:n+refLen])
		}
	}
	keys = append(keys, "4012345.01112a", "40123٤5.011122", "4012345..011122", "4012345")
	serials := []string{
		"", ".", ".1", ".987", ".0", "..1", ".1.2", "1", ".*", ".*x",
		".abcdefghijklmnopqrst", ".abcdefghijklmnopqrstu", ".ABCDEFGHIJKLMNOPQRSTUVWXYZ0123",
		".!'()*+,.:;=_-", ".%21%22%25%26%2F%30%3A%41%5A%5F%61%7A", ".%20", ".%23", ".%24", ".%2f", ".%40", ".%5B", ".%7B", ".%6", ".%",
		".a/b", ".a b", ".a#", ".ä", ".x\n", "\n", ".1\n", ".1\n\n", ".12.34.56", ".12.34.5x",
		".%21%21%21%21%21%21%21%21%21%21%21%21%21%21%21%21%21%21%21%21", ".%21%21%21%21%21%21%21%21%21%21%21%21%21%21%21%21%21%21%21%21%21",
	}
	var out []string
	for _, p := range prefixes {
		for _, k := range keys {
			for _, s := range serials {
				out = append(out, p+k+s)
			}
		}
	}
	return out
}

// fixtureURNs returns the EPC URNs in the conformance fixtures and hash
// vectors, when PROVENANT_CONFORMANCE_DIR is set.
func fixtureURNs(t testing.TB) []string {
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			if strings.HasPrefix(x, "urn:epc:") {
				out = append(out, x)
			}
		case []any:
			for _, item := range x {
				walk(item)
			}
		case map[string]any:
			for _, item := range x {
				walk(item)
			}
		}
	}
	for _, data := range differentialInputs(t) {
		var v any
		if json.Unmarshal(data, &v) == nil {
			walk(v)
		}
	}
	return out
}

// TestURNToDigitalLinkMatchesRegexp compares the converter (hand-written
// matcher first) with the regexp path alone on the URN corpus and the
// fixtures' URNs, and checks that the matcher does handle the common
// schemes.
func TestURNToDigitalLinkMatchesRegexp(t *testing.T) {
	urns := append(urnCorpus(), fixtureURNs(t)...)
	urns = append(urns, strings.Split(testHashEvent, `"`)...)
	for _, urn := range urns {
		got, gotOK := gs1URNToDigitalLink(urn)
		want, wantOK := gs1URNToDigitalLinkRegexp(urn)
		if got != want || gotOK != wantOK {
			t.Errorf("%q: got %q, %t; the regexp path gives %q, %t", urn, got, gotOK, want, wantOK)
		}
		if fast, ok := gs1URNToDigitalLinkFast(urn); ok && (fast != want || !wantOK) {
			t.Errorf("%q: the matcher gives %q; the regexp path gives %q, %t", urn, fast, want, wantOK)
		}
	}
	tests := []struct {
		urn, want string
	}{
		{"urn:epc:id:sgtin:4012345.011122.1001", "https://id.gs1.org/01/04012345111224/21/1001"},
		{"urn:epc:id:sgtin:401234567890.1.a!b", "https://id.gs1.org/01/14012345678908/21/a%21b"},
		{"urn:epc:class:lgtin:4012345.012345.998877", "https://id.gs1.org/01/04012345123456/10/998877"},
		{"urn:epc:idpat:sgtin:4012345.012345.*", "https://id.gs1.org/01/04012345123456"},
		{"urn:epc:id:sscc:4012345.0000000333", "https://id.gs1.org/00/040123450000003338"},
		{"urn:epc:id:sgln:4012345.00011.987", "https://id.gs1.org/414/4012345000115/254/987"},
		{"urn:epc:id:sgln:4012345.00011.0", "https://id.gs1.org/414/4012345000115"},
		{"urn:epc:id:sgln:401234567890..0", "https://id.gs1.org/414/4012345678901"},
		{"urn:epc:id:grai:4012345.00011.987", "https://id.gs1.org/8003/04012345000115987"},
		{"urn:epc:id:giai:4012345.a:b", "https://id.gs1.org/8004/4012345a%3Ab"},
		{"urn:epc:id:gdti:4012345.11111.123", "https://id.gs1.org/253/4012345111118123"},
	}
	for _, tt := range tests {
		t.Run(tt.urn, func(t *testing.T) {
			got, ok := gs1URNToDigitalLinkFast(tt.urn)
			if !ok {
				t.Fatalf("the matcher declines %q", tt.urn)
			}
			if want, _ := gs1URNToDigitalLinkRegexp(tt.urn); got != want || got != tt.want {
				t.Errorf("got %q, regexp path %q, want %q", got, want, tt.want)
			}
		})
	}
}

// FuzzURNToDigitalLink compares the converter with the regexp path on
// arbitrary strings (most of them starting like an EPC URN).
//
//	go test ./epcis -run '^$' -fuzz '^FuzzURNToDigitalLink$' -fuzztime 60s
func FuzzURNToDigitalLink(f *testing.F) {
	for _, urn := range urnCorpus() {
		if strings.HasSuffix(urn, ".987") || strings.HasSuffix(urn, "%3A%41%5A%5F%61%7A") || strings.HasSuffix(urn, ".*") {
			f.Add(urn)
		}
	}
	if dir := os.Getenv("PROVENANT_CONFORMANCE_DIR"); dir != "" {
		if !filepath.IsAbs(dir) {
			dir = filepath.Join("..", dir)
		}
		seen := map[string]bool{}
		for _, urn := range fixtureURNs(f) {
			if !seen[urn] {
				seen[urn] = true
				f.Add(urn)
			}
		}
	}
	f.Fuzz(func(t *testing.T, urn string) {
		got, gotOK := gs1URNToDigitalLink(urn)
		want, wantOK := gs1URNToDigitalLinkRegexp(urn)
		if got != want || gotOK != wantOK {
			t.Errorf("%q: got %q, %t; the regexp path gives %q, %t", urn, got, gotOK, want, wantOK)
		}
	})
}
