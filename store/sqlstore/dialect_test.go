package sqlstore

import (
	"reflect"
	"testing"
	"time"
)

func TestRebind(t *testing.T) {
	tests := []struct{ in, sqlite, postgres string }{
		{"SELECT 1", "SELECT 1", "SELECT 1"},
		{"SELECT a FROM t WHERE id = ?", "SELECT a FROM t WHERE id = ?", "SELECT a FROM t WHERE id = $1"},
		{"VALUES (?, ?), (?, ?)", "VALUES (?, ?), (?, ?)", "VALUES ($1, $2), ($3, $4)"},
		{"(a, b) > (?,?) LIMIT ?", "(a, b) > (?,?) LIMIT ?", "(a, b) > ($1,$2) LIMIT $3"},
	}
	for _, tc := range tests {
		if got := dialectSQLite.rebind(tc.in); got != tc.sqlite {
			t.Errorf("sqlite rebind(%q) = %q, want %q", tc.in, got, tc.sqlite)
		}
		if got := dialectPostgres.rebind(tc.in); got != tc.postgres {
			t.Errorf("postgres rebind(%q) = %q, want %q", tc.in, got, tc.postgres)
		}
	}
}

func TestTimeColumns(t *testing.T) {
	in := time.Date(2026, 3, 14, 10, 26, 53, 589793238, time.FixedZone("CET", 3600))
	want := time.Date(2026, 3, 14, 9, 26, 53, 589000000, time.UTC)
	written := dialectSQLite.timeArg(in)
	if written != "2026-03-14T09:26:53.589Z" {
		t.Errorf("SQLite time text = %v", written)
	}
	if pg, ok := dialectPostgres.timeArg(in).(time.Time); !ok || !pg.Equal(want) || pg.Location() != time.UTC {
		t.Errorf("PostgreSQL time arg = %v, want %v", dialectPostgres.timeArg(in), want)
	}
	if dialectSQLite.nullTimeArg(time.Time{}) != nil {
		t.Error("nullTimeArg(zero) is not NULL")
	}
	for _, src := range []any{written, []byte(written.(string)), in} {
		var got time.Time
		if err := (timeCol{&got}).Scan(src); err != nil || !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("scan %T %v = %v, %v; want %v", src, src, got, err, want)
		}
	}
	got := in
	if err := (timeCol{&got}).Scan(nil); err != nil || !got.IsZero() {
		t.Errorf("scan NULL = %v, %v; want the zero time", got, err)
	}
	for _, bad := range []any{"yesterday", 42} {
		if err := (timeCol{&got}).Scan(bad); err == nil {
			t.Errorf("scan %v succeeded", bad)
		}
	}
	// Text order is time order.
	a, b := dialectSQLite.timeArg(want).(string), dialectSQLite.timeArg(want.Add(time.Millisecond)).(string)
	c := dialectSQLite.timeArg(time.Date(999, 1, 1, 0, 0, 0, 0, time.UTC)).(string)
	if !(c < a && a < b) {
		t.Errorf("time text order: %s, %s, %s", c, a, b)
	}
}

func TestStringsColumns(t *testing.T) {
	for _, v := range [][]string{nil, {"a"}, {"x\"y", "ü", ""}} {
		text, err := stringsArg(v)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		if err := (stringsCol{&got}).Scan(text); err != nil || !reflect.DeepEqual(got, v) {
			t.Errorf("round trip of %q through %s = %q, %v", v, text, got, err)
		}
	}
	var got []string
	if err := (stringsCol{&got}).Scan("{"); err == nil {
		t.Error("scan of malformed JSON succeeded")
	}
}
