package registry

import (
	_ "embed"
	"strings"
	"sync"
)

// iso3166 lists the officially assigned ISO 3166-1 alpha-2 codes: one a
// line, the code, a tab, the English short name; lines starting with # are
// comments.
//
//go:embed iso3166-1.txt
var iso3166 string

// regionNames maps each officially assigned code to its name; built once,
// never changed.
var regionNames = sync.OnceValue(func() map[string]string {
	m := make(map[string]string, 256)
	for line := range strings.Lines(iso3166) {
		line = strings.TrimRight(line, "\n")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		code, name, _ := strings.Cut(line, "\t")
		m[code] = name
	}
	return m
})

// ValidRegion reports whether code is an officially assigned ISO 3166-1
// alpha-2 code, in upper case ("DE"). User-assigned codes (XK, QM–QZ, XA–XZ,
// AA, ZZ), reserved ones (EU, UK) and withdrawn ones (AN, YU) are not.
func ValidRegion(code string) bool {
	_, ok := regionNames()[code]
	return ok
}

// RegionName returns the English short name of an officially assigned ISO
// 3166-1 alpha-2 code, or "" for any other string.
func RegionName(code string) string { return regionNames()[code] }
