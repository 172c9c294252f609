package merkle_test

import (
	"errors"
	"testing"

	"github.com/provenant/provenant/field"
	"github.com/provenant/provenant/merkle"
)

func leaves(n int) []field.Element {
	out := make([]field.Element, n)
	for i := range out {
		out[i] = field.Uint64(uint64(1000 + i))
	}
	return out
}

// naiveRoot computes the root over a full, explicit leaf array.
func naiveRoot(depth int, ls []field.Element) field.Element {
	level := make([]field.Element, 1<<depth)
	copy(level, ls)
	for len(level) > 1 {
		next := make([]field.Element, len(level)/2)
		for i := range next {
			next[i] = field.Compress(level[2*i], level[2*i+1])
		}
		level = next
	}
	return level[0]
}

func TestRootAndPaths(t *testing.T) {
	for _, tc := range []struct {
		name  string
		depth int
		n     int
	}{
		{"depth0", 0, 1},
		{"one leaf", 3, 1},
		{"odd", 3, 5},
		{"full", 3, 8},
		{"empty", 4, 0},
		{"sparse deep", 20, 7},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ls := leaves(tc.n)
			tr, err := merkle.New(tc.depth, ls)
			if err != nil {
				t.Fatal(err)
			}
			if tc.depth <= 10 {
				want := naiveRoot(tc.depth, ls)
				if got := tr.Root(); !got.Equal(&want) {
					t.Fatalf("root %s, want %s", got.String(), want.String())
				}
			}
			for i := range ls {
				p, err := tr.Path(uint64(i))
				if err != nil {
					t.Fatal(err)
				}
				if err := merkle.Verify(tr.Root(), ls[i], p); err != nil {
					t.Errorf("leaf %d: %v", i, err)
				}
			}
		})
	}
}

func TestVerifyRejectsTampering(t *testing.T) {
	ls := leaves(6)
	tr, err := merkle.New(20, ls)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := tr.Path(3)
	root := tr.Root()
	clone := func() merkle.Path {
		return merkle.Path{Index: p.Index, Siblings: append([]field.Element(nil), p.Siblings...)}
	}
	for _, tc := range []struct {
		name string
		leaf field.Element
		path func() merkle.Path
		root field.Element
	}{
		{"other leaf", ls[4], clone, root},
		{"other index", ls[3], func() merkle.Path { q := clone(); q.Index = 2; return q }, root},
		{"index beyond depth", ls[3], func() merkle.Path { q := clone(); q.Index |= 1 << 20; return q }, root},
		{"tampered sibling", ls[3], func() merkle.Path { q := clone(); q.Siblings[5] = field.Uint64(9); return q }, root},
		{"short path", ls[3], func() merkle.Path { q := clone(); q.Siblings = q.Siblings[:19]; return q }, root},
		{"other root", ls[3], clone, field.Uint64(1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := merkle.Verify(tc.root, tc.leaf, tc.path()); !errors.Is(err, merkle.ErrBadPath) {
				t.Fatalf("Verify = %v, want ErrBadPath", err)
			}
		})
	}
}

func TestNewRejects(t *testing.T) {
	if _, err := merkle.New(2, leaves(5)); err == nil {
		t.Error("5 leaves accepted in a tree of depth 2")
	}
	if _, err := merkle.New(-1, nil); err == nil {
		t.Error("negative depth accepted")
	}
	tr, _ := merkle.New(2, leaves(2))
	if _, err := tr.Path(2); err == nil {
		t.Error("path of an absent leaf")
	}
}

func BenchmarkNewDepth20(b *testing.B) {
	ls := leaves(10000)
	for b.Loop() {
		if _, err := merkle.New(20, ls); err != nil {
			b.Fatal(err)
		}
	}
}
