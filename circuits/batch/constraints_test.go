package batch

import (
	"encoding/csv"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var (
	update = flag.Bool("update", false, "rewrite testdata/constraints.csv with the counts compiled by this run")
	pinAll = flag.Bool("pin-all", false, "also compile N = 32 and N = 128 (slow, several GiB) for TestConstraintCounts")
)

const constraintsFile = "testdata/constraints.csv"

// pinnedRow is one line of testdata/constraints.csv.
type pinnedRow struct {
	layout      Layout
	constraints int
}

func (r pinnedRow) record() []string {
	return []string{
		r.layout.ID(), strconv.Itoa(r.layout.Events), strconv.Itoa(r.layout.Keys), strconv.Itoa(r.layout.Origins),
		strconv.Itoa(r.constraints), strconv.Itoa((r.constraints + r.layout.Events/2) / r.layout.Events),
	}
}

var csvHeader = []string{"id", "n", "k", "m", "constraints", "per_event"}

func readPinned(t *testing.T) map[string]pinnedRow {
	t.Helper()
	rows := map[string]pinnedRow{}
	f, err := os.Open(constraintsFile)
	if errors.Is(err, fs.ErrNotExist) {
		return rows
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for i, rec := range recs {
		if i == 0 {
			continue
		}
		var v [4]int
		for j := range v {
			if v[j], err = strconv.Atoi(rec[j+1]); err != nil {
				t.Fatalf("%s line %d: %v", constraintsFile, i+1, err)
			}
		}
		l := Layout{Events: v[0], Keys: v[1], Origins: v[2]}
		rows[l.ID()] = pinnedRow{layout: l, constraints: v[3]}
	}
	return rows
}

func writePinned(t *testing.T, rows map[string]pinnedRow) {
	t.Helper()
	var sorted []pinnedRow
	for _, r := range rows {
		sorted = append(sorted, r)
	}
	for i := range sorted { // few rows: insertion sort by N, K, M
		for j := i; j > 0 && less(sorted[j].layout, sorted[j-1].layout); j-- {
			sorted[j], sorted[j-1] = sorted[j-1], sorted[j]
		}
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	_ = w.Write(csvHeader)
	for _, r := range sorted {
		_ = w.Write(r.record())
	}
	w.Flush()
	if err := os.MkdirAll(filepath.Dir(constraintsFile), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(constraintsFile, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

func less(a, b Layout) bool {
	if a.Events != b.Events {
		return a.Events < b.Events
	}
	if a.Keys != b.Keys {
		return a.Keys < b.Keys
	}
	return a.Origins < b.Origins
}

// TestConstraintCounts compiles the default layouts and compares their
// constraint counts with testdata/constraints.csv, so that a change that
// bloats the circuit shows at once. N = 32 and 128 compile only with
// -pin-all; -update rewrites the file.
func TestConstraintCounts(t *testing.T) {
	pinned := readPinned(t)
	var layouts []Layout
	for _, n := range Sizes() {
		if n <= 8 || *pinAll {
			layouts = append(layouts, DefaultLayout(n))
		}
	}
	if *pinAll {
		// The alternatives discussed in the package documentation.
		for _, n := range []int{8, 32, 128} {
			layouts = append(layouts,
				Layout{Events: n, Keys: max(1, n/8), Origins: max(1, n/8)},
				Layout{Events: n, Keys: n / 4, Origins: n / 4})
		}
	}
	for _, l := range layouts {
		if _, ok := pinned[l.ID()]; !ok && !*update {
			t.Errorf("%s: not pinned in %s (run with -update)", l.ID(), constraintsFile)
		}
	}
	// The target: at most 8,000 constraints per event from N = 8 up.
	for _, n := range Sizes() {
		l := DefaultLayout(n)
		if r, ok := pinned[l.ID()]; ok && n >= 8 && r.constraints > 8000*n {
			t.Errorf("%s: %d constraints per event pinned, over the 8,000 target", l.ID(), r.constraints/n)
		}
	}
	if t.Failed() {
		return
	}
	for _, l := range layouts {
		cs, err := l.Compile()
		if err != nil {
			t.Fatal(err)
		}
		got := pinnedRow{layout: l, constraints: cs.GetNbConstraints()}
		t.Logf("%s: %d constraints, %d per event", l.ID(), got.constraints, got.constraints/l.Events)
		if *update {
			pinned[l.ID()] = got
			continue
		}
		if want := pinned[l.ID()]; want.constraints != got.constraints {
			t.Errorf("%s: %d constraints, pinned %d (run with -update if intended)", l.ID(), got.constraints, want.constraints)
		}
	}
	if *update {
		writePinned(t, pinned)
	}
}
