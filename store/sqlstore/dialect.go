package sqlstore

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/provenant/provenant/store"
)

// dialect is the SQL flavour of a database. Queries are written once with ? placeholders
// and rebound per dialect.
type dialect int

const (
	dialectSQLite dialect = iota + 1
	dialectPostgres
)

// sqliteTimeLayout is how times are written to SQLite TEXT columns: UTC, millisecond
// precision, fixed width, so that text order is time order.
const sqliteTimeLayout = "2006-01-02T15:04:05.000Z"

// String names the dialect as in the migrations directory.
func (d dialect) String() string {
	switch d {
	case dialectSQLite:
		return "sqlite"
	case dialectPostgres:
		return "postgres"
	}
	return "dialect(" + strconv.Itoa(int(d)) + ")"
}

// rebind rewrites the ? placeholders of q for the dialect: $1, $2, … on PostgreSQL. The
// queries of this package have no ? inside literals or identifiers.
func (d dialect) rebind(q string) string {
	if d != dialectPostgres {
		return q
	}
	n := strings.Count(q, "?")
	if n == 0 {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 2*n)
	arg := 0
	for {
		i := strings.IndexByte(q, '?')
		if i < 0 {
			b.WriteString(q)
			return b.String()
		}
		arg++
		b.WriteString(q[:i])
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(arg))
		q = q[i+1:]
	}
}

// forUpdate is the clause that locks the rows a SELECT reads until the transaction ends.
// SQLite needs none: a write transaction holds the database lock.
func (d dialect) forUpdate() string {
	if d == dialectPostgres {
		return " FOR UPDATE"
	}
	return ""
}

// timeArg converts t into the value written for a time column.
func (d dialect) timeArg(t time.Time) any {
	t = store.StoredTime(t)
	if d == dialectSQLite {
		return t.Format(sqliteTimeLayout)
	}
	return t
}

// nullTimeArg is timeArg, with NULL for the zero time.
func (d dialect) nullTimeArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return d.timeArg(t)
}

// timeCol scans a time column of either dialect (TIMESTAMPTZ, or TEXT in
// sqliteTimeLayout) into a UTC time; NULL scans as the zero time.
type timeCol struct{ t *time.Time }

// Scan implements sql.Scanner.
func (c timeCol) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.t = time.Time{}
		return nil
	case time.Time:
		*c.t = store.StoredTime(v)
		return nil
	case string:
		return c.parse(v)
	case []byte:
		return c.parse(string(v))
	}
	return fmt.Errorf("scan time: unsupported type %T", src)
}

func (c timeCol) parse(v string) error {
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return fmt.Errorf("scan time: %w", err)
	}
	*c.t = store.StoredTime(t)
	return nil
}

// stringsCol scans a TEXT column holding a JSON array of strings.
type stringsCol struct{ p *[]string }

// Scan implements sql.Scanner.
func (c stringsCol) Scan(src any) error {
	var raw []byte
	switch v := src.(type) {
	case string:
		raw = []byte(v)
	case []byte:
		raw = v
	default:
		return fmt.Errorf("scan string list: unsupported type %T", src)
	}
	var out []string
	if err := json.Unmarshal(raw, &out); err != nil {
		return fmt.Errorf("scan string list: %w", err)
	}
	if len(out) == 0 {
		out = nil
	}
	*c.p = out
	return nil
}

// stringsArg encodes a string list for a JSON TEXT column; nil encodes as [].
func stringsArg(v []string) (string, error) {
	if len(v) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode string list: %w", err)
	}
	return string(b), nil
}
