package registry_test

import (
	"errors"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/provenant/provenant/registry"
)

func TestParseOriginsGood(t *testing.T) {
	f1 := facility(t, "401234500005")
	f2 := facility(t, "061414100001")
	want := []registry.Origin{
		{Facility: f1, Region: "DE", ValidFrom: day(2026, 1, 1), ValidUntil: endOfDay(2026, 12, 31), Certificate: "BIO-DE-1"},
		{Facility: f2, Region: "PT", ValidFrom: time.Date(2025, 3, 1, 11, 0, 0, 0, time.UTC), ValidUntil: time.Date(2027, 2, 28, 12, 30, 0, 250_000_000, time.UTC)},
	}
	tests := []struct {
		name, file, text string
		noCertificate    bool
	}{
		{"CSV", "o.csv", "facility,region,valid_from,valid_until,certificate\n" +
			"urn:epc:id:sgln:4012345.00005.0,DE,2026-01-01,2026-12-31,BIO-DE-1\n" +
			f2 + ",PT,2025-03-01T12:00:00+01:00,2027-02-28T12:30:00.25Z,\n", false},
		{"CSV columns in another order, no certificate column", "o.csv", "Valid_Until , region,facility,valid_from\n" +
			"2026-12-31,de," + gln(t, "401234500005") + ",2026-01-01\n" +
			"2027-02-28T12:30:00.250Z,PT,\"" + f2 + "\",2025-03-01T11:00:00Z\n", true},
		{"CSV with BOM, CRLF, blank rows, quotes, spaces", "o.csv", "\ufefffacility,region,valid_from,valid_until,certificate\r\n" +
			" \"" + f1 + "\", DE ,2026-01-01, 2026-12-31 ,\" BIO-DE-1 \"\r\n" +
			",,,,\r\n\r\n" +
			f2 + ",PT,2025-03-01T11:00:00.000Z,2027-02-28T12:30:00.250999Z,\r\n", false},
		{"JSON array", "o.json", `[
			{"facility": "` + f1 + `", "region": "DE", "valid_from": "2026-01-01", "valid_until": "2026-12-31", "certificate": "BIO-DE-1"},
			{"facility": "https://example.com/414/` + gln(t, "061414100001") + `", "region": "PT", "valid_from": "2025-03-01T11:00:00Z", "valid_until": "2027-02-28T12:30:00.25Z", "certificate": null}
		]`, false},
		{"JSON object", "o.json", `{"origins": [
			{"facility": "` + f1 + `", "region": "DE", "valid_from": "2026-01-01", "valid_until": "2026-12-31", "certificate": "BIO-DE-1"},
			{"facility": "` + f2 + `", "region": "PT", "valid_from": "2025-03-01T11:00:00Z", "valid_until": "2027-02-28T12:30:00.25Z"}
		]}`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := registry.ParseOrigins(tc.file, strings.NewReader(tc.text))
			if err != nil {
				t.Fatalf("ParseOrigins: %v", err)
			}
			want := slices.Clone(want)
			if tc.noCertificate {
				want[0].Certificate = ""
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("ParseOrigins =\n%+v\nwant\n%+v", got, want)
			}
		})
	}
}

func TestParseOriginsReadsSnapshotData(t *testing.T) {
	reg := mustOrigins(t, testOrigins(t))
	data, err := registry.MarshalOrigins(reg)
	if err != nil {
		t.Fatal(err)
	}
	got, err := registry.ParseOrigins("snapshot.json", strings.NewReader(string(data)))
	if err != nil {
		t.Fatalf("ParseOrigins(snapshot data): %v", err)
	}
	if !reflect.DeepEqual(got, reg.Entries()) {
		t.Errorf("snapshot data reads back as\n%+v\nwant\n%+v", got, reg.Entries())
	}
}

// problem is a problem a bad file must report.
type problem struct {
	line  int // CSV line; 0 for JSON
	index int // JSON index; -1 for CSV
	field string
	msg   string
}

func TestParseOriginsErrors(t *testing.T) {
	const header = "facility,region,valid_from,valid_until,certificate\n"
	good := "urn:epc:id:sgln:4012345.00005.0,DE,2026-01-01,2026-12-31,C1\n"
	tests := []struct {
		name string
		text string
		want []problem
	}{
		// The file as a whole.
		{"empty file", "  \n", []problem{{0, -1, "", "empty file"}}},
		{"header only is fine", header, nil},
		{"unknown column", "facility,region,valid_from,valid_until,country\n", []problem{{1, -1, "", `unknown column "country"`}}},
		{"missing column", "facility,region,valid_from\n", []problem{{1, -1, "", "no valid_until column"}}},
		{"header after blank lines", "\n\nfacility,region,valid_from,valid_to\n", []problem{{3, -1, "", `unknown column "valid_to"`}, {3, -1, "", "no valid_until column"}}},
		{"duplicate column", "facility,region,valid_from,valid_until,region\n", []problem{{1, -1, "", "column region appears twice"}}},
		{"not UTF-8", header + good + "4012345000054,DE,2026-01-01,2026-12-31,\xff\n", []problem{{3, -1, "", "not valid UTF-8"}}},
		{"CSV syntax", header + good + "\"4012345000054,DE\n", []problem{{3, -1, "", "CSV"}}},
		// One row.
		{"field count", header + good + "4012345000054,DE,2026-01-01\n", []problem{{3, -1, "", "3 fields, the header has 5"}}},
		{"bad facility", header + "urn:epc:id:sgtin:4012345.011111.1,DE,2026-01-01,2026-12-31,\n", []problem{{2, -1, "facility", "want 414"}}},
		{"bad check digit", header + good + "4012345000055,DE,2026-01-01,2026-12-31,\n", []problem{{3, -1, "facility", "check digit 5, want 4"}}},
		{"no facility", header + ",DE,2026-01-01,2026-12-31,\n", []problem{{2, -1, "facility", "empty"}}},
		{"bad region", header + good + "4012345000054,XK,2026-01-01,2026-12-31,\n", []problem{{3, -1, "region", `"XK" is not an officially assigned`}}},
		{"alpha-3 region", header + good + "4012345000054,DEU,2026-01-01,2026-12-31,\n", []problem{{3, -1, "region", "two letters"}}},
		{"bad date", header + good + "4012345000054,DE,2026-13-01,2026-12-31,\n", []problem{{3, -1, "valid_from", `"2026-13-01" is not an RFC 3339 time`}}},
		{"date without zone", header + good + "4012345000054,DE,2026-01-01T00:00:00,2026-12-31,\n", []problem{{3, -1, "valid_from", "not an RFC 3339 time"}}},
		{"no valid_until", header + good + "4012345000054,DE,2026-01-01,,\n", []problem{{3, -1, "valid_until", "empty"}}},
		{"period reversed", header + good + "4012345000054,DE,2026-01-01,2025-12-31,\n", []problem{{3, -1, "valid_until", "before valid_from"}}},
		{"before 1970", header + good + "4012345000054,DE,1969-01-01,2025-12-31,\n", []problem{{3, -1, "valid_from", "outside 1970"}}},
		{"certificate control character", header + "4012345000054,DE,2026-01-01,2026-12-31,\"a\tb\"\n", []problem{{2, -1, "certificate", "control character"}}},
		// Across rows.
		{"region conflict", header + good + "4012345000054,AT,2026-06-01,2027-12-31,\n", []problem{{3, -1, "region", "certified for DE from 2026-01-01T00:00:00.000Z to 2026-12-31T23:59:59.999Z (line 2)"}}},
		// Every problem, not only the first.
		{"several rows", header + "4012345000055,DE,2026-01-01,2026-12-31,\n" + good + "4012345000054,ZZ,2026-01-01,x,\n" + "\"multi\nline\",DE,2026-01-01,2026-12-31,\n",
			[]problem{{2, -1, "facility", "check digit"}, {4, -1, "region", "ZZ"}, {4, -1, "valid_until", `"x"`}, {5, -1, "facility", "not a GLN"}}},
		{"invalid rows and a conflict", header + "4012345000055,DE,2026-01-01,2026-12-31,\n" + good + "4012345000054,AT,2026-06-01,2027-12-31,\n" + "4012345000054,ZZ,2026-01-01,2026-12-31,\n",
			[]problem{{2, -1, "facility", "check digit"}, {4, -1, "region", "certified for DE"}, {5, -1, "region", "ZZ"}}},

		// JSON.
		{"JSON syntax", "[\n{\"facility\": \"x\",}\n]", []problem{{2, -1, "", "JSON"}}},
		{"JSON not an array", `{"entries": []}`, []problem{{0, -1, "entries", "unknown key"}, {0, -1, "", `no "origins" key`}}},
		{"JSON wrong format", `{"format": "v0", "origins": []}`, []problem{{0, -1, "format", "provenant-registry-origins/v1"}}},
		{"JSON wrong depth", `{"depth": 32, "origins": []}`, []problem{{0, -1, "depth", "want 20"}}},
		{"JSON origins not an array", `{"origins": {}}`, []problem{{0, -1, "origins", "want an array"}}},
		{"JSON entry not an object", `[1]`, []problem{{0, 0, "", "want an object"}}},
		{"JSON unknown key", `[{"facility": "4012345000054", "region": "DE", "valid_from": "2026-01-01", "valid_until": "2026-12-31", "country": "DE"}]`,
			[]problem{{0, 0, "country", "unknown key"}}},
		{"JSON not a string", `[{"facility": 4012345000054, "region": "DE", "valid_from": "2026-01-01", "valid_until": "2026-12-31"}]`,
			[]problem{{0, 0, "facility", "want a string, got 4012345000054"}}},
		{"JSON missing key", `[{"facility": "4012345000054", "valid_from": "2026-01-01", "valid_until": "2026-12-31"}]`,
			[]problem{{0, 0, "region", "empty"}}},
		{"JSON several entries", `{"origins": [
			{"facility": "4012345000054", "region": "DE", "valid_from": "2026-01-01", "valid_until": "2026-12-31"},
			{"facility": "4012345000054", "region": "de", "valid_from": "2027-01-01", "valid_until": "2026-12-31"},
			{"facility": "4012345000054", "region": "FR", "valid_from": "2026-12-31T12:00:00Z", "valid_until": "2027-12-31"}
		]}`, []problem{{0, 1, "valid_until", "before valid_from"}, {0, 2, "region", "certified for DE"}}},
		{"JSON conflict", `{"origins": [
			{"facility": "4012345000054", "region": "DE", "valid_from": "2026-01-01", "valid_until": "2026-12-31"},
			{"facility": "4012345000054", "region": "FR", "valid_from": "2026-12-31T12:00:00Z", "valid_until": "2027-12-31"}
		]}`, []problem{{0, 1, "region", "certified for DE from 2026-01-01T00:00:00.000Z to 2026-12-31T23:59:59.999Z (origins[0])"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			name := "origins.csv"
			if s := strings.TrimSpace(tc.text); s != "" && (s[0] == '[' || s[0] == '{') {
				name = "origins.json"
			}
			got, err := registry.ParseOrigins(name, strings.NewReader(tc.text))
			if tc.want == nil {
				if err != nil {
					t.Fatalf("ParseOrigins: %v", err)
				}
				return
			}
			if got != nil {
				t.Errorf("ParseOrigins returned %d entries with an error", len(got))
			}
			var ps registry.Problems
			if !errors.As(err, &ps) || !errors.Is(err, registry.ErrInvalidOrigin) {
				t.Fatalf("ParseOrigins error %v, want Problems", err)
			}
			if len(ps) != len(tc.want) {
				t.Fatalf("%d problems, want %d:\n%v", len(ps), len(tc.want), err)
			}
			for i, w := range tc.want {
				p := ps[i]
				if p.File != name || p.Line != w.line || p.Index != w.index || p.Field != w.field || !strings.Contains(p.Msg, w.msg) {
					t.Errorf("problem %d = %#v\nwant file %s, line %d, index %d, field %q, saying %q", i, p, name, w.line, w.index, w.field, w.msg)
				}
				// The text names the file, the line or index, and the field.
				text := p.Error()
				where := name + ": "
				if w.line > 0 {
					where = name + ":" + strconv.Itoa(w.line) + ": "
				}
				if !strings.HasPrefix(text, where) || (w.index >= 0 && !strings.Contains(text, "["+strconv.Itoa(w.index)+"]: ")) ||
					(w.field != "" && !strings.Contains(text, " "+w.field+": ")) {
					t.Errorf("problem %d reads %q: want it to start %q and name index %d, field %q", i, text, where, w.index, w.field)
				}
			}
		})
	}
}

func TestProblemsErrorListsTen(t *testing.T) {
	text := "facility,region,valid_from,valid_until\n" + strings.Repeat("4012345000054,XX,2026-01-01,2026-12-31\n", 25)
	_, err := registry.ParseOrigins("o.csv", strings.NewReader(text))
	var ps registry.Problems
	if !errors.As(err, &ps) || len(ps) != 25 {
		t.Fatalf("error %v, want 25 problems", err)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "25 problems:") || !strings.Contains(msg, "o.csv:11: region") || strings.Contains(msg, "o.csv:12:") || !strings.Contains(msg, "and 15 more") {
		t.Errorf("error text:\n%s", msg)
	}
}
