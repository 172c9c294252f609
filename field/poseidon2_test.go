package field_test

import (
	"crypto/rand"
	"encoding/binary"
	"math/big"
	mrand "math/rand/v2"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr/poseidon2"

	"github.com/provenant/provenant/field"
)

// gnarkPermute is the reference: gnark-crypto's generic Poseidon2
// permutation with the default (width-2) parameters.
func gnarkPermute(t testing.TB, a, b field.Element) (field.Element, field.Element) {
	t.Helper()
	x := []fr.Element{a, b}
	if err := poseidon2.NewDefaultPermutation().Permutation(x); err != nil {
		t.Fatalf("gnark Permutation: %v", err)
	}
	return x[0], x[1]
}

// gnarkCompress is gnark-crypto's 2-to-1 compression on the elements'
// canonical encodings.
func gnarkCompress(t testing.TB, left, right field.Element) field.Element {
	t.Helper()
	l, r := left.Bytes(), right.Bytes()
	out, err := poseidon2.NewDefaultPermutation().Compress(l[:], r[:])
	if err != nil {
		t.Fatalf("gnark Compress: %v", err)
	}
	return elementOf(t, out)
}

// gnarkHash is gnark-crypto's Merkle–Damgård hasher fed the elements'
// 32-byte big-endian encodings, as field.Hash was first written.
func gnarkHash(t testing.TB, elems ...field.Element) field.Element {
	t.Helper()
	h := poseidon2.NewMerkleDamgardHasher()
	for i := range elems {
		b := elems[i].Bytes()
		if _, err := h.Write(b[:]); err != nil {
			t.Fatalf("gnark hasher Write: %v", err)
		}
	}
	return elementOf(t, h.Sum(nil))
}

func elementOf(t testing.TB, b []byte) field.Element {
	t.Helper()
	e, err := field.Parse(b)
	if err != nil {
		t.Fatalf("gnark output %x is not a canonical element: %v", b, err)
	}
	return e
}

func fromBig(v *big.Int) field.Element {
	var e field.Element
	e.SetBigInt(v) // reduces modulo r
	return e
}

// edgeElements are the values the differential tests always cover: 0, 1,
// small integers, r-1, r-2, (r-1)/2, 2^253-1 and 2^254-1 reduced, and
// 2^64-1.
func edgeElements() map[string]field.Element {
	r := fr.Modulus()
	one := big.NewInt(1)
	pow := func(n uint) *big.Int { return new(big.Int).Sub(new(big.Int).Lsh(one, n), one) }
	return map[string]field.Element{
		"0":           {},
		"1":           field.Uint64(1),
		"2":           field.Uint64(2),
		"3":           field.Uint64(3),
		"42":          field.Uint64(42),
		"r-1":         fromBig(new(big.Int).Sub(r, one)),
		"r-2":         fromBig(new(big.Int).Sub(r, big.NewInt(2))),
		"(r-1)/2":     fromBig(new(big.Int).Rsh(r, 1)),
		"2^253-1":     fromBig(pow(253)),
		"2^254-1 mod": fromBig(pow(254)),
		"2^64-1":      field.Uint64(^uint64(0)),
	}
}

func randomElement(t testing.TB) field.Element {
	t.Helper()
	var e field.Element
	if _, err := e.SetRandom(); err != nil {
		t.Fatalf("SetRandom: %v", err)
	}
	return e
}

func TestPermuteMatchesGnark(t *testing.T) {
	edges := edgeElements()
	for na, a := range edges {
		for nb, b := range edges {
			t.Run(na+","+nb, func(t *testing.T) {
				checkPermute(t, a, b)
			})
		}
	}
	t.Run("random", func(t *testing.T) {
		for range 2000 {
			checkPermute(t, randomElement(t), randomElement(t))
		}
	})
}

func checkPermute(t *testing.T, a, b field.Element) {
	t.Helper()
	wa, wb := gnarkPermute(t, a, b)
	ga, gb := field.Permute(a, b)
	if !ga.Equal(&wa) || !gb.Equal(&wb) {
		t.Fatalf("Permute(%s, %s) = (%s, %s), gnark (%s, %s)", a.String(), b.String(), ga.String(), gb.String(), wa.String(), wb.String())
	}
	want := gnarkCompress(t, a, b)
	if got := field.Compress(a, b); !got.Equal(&want) {
		t.Fatalf("Compress(%s, %s) = %s, gnark %s", a.String(), b.String(), got.String(), want.String())
	}
	// Compress2 pairs (a, b) with (b, a); each result must be gnark's.
	wantSwapped := gnarkCompress(t, b, a)
	if g1, g2 := field.Compress2(a, b, b, a); !g1.Equal(&want) || !g2.Equal(&wantSwapped) {
		t.Fatalf("Compress2(%s, %s, %s, %s) = (%s, %s), gnark (%s, %s)", a.String(), b.String(), b.String(), a.String(),
			g1.String(), g2.String(), want.String(), wantSwapped.String())
	}
}

func TestHashMatchesGnark(t *testing.T) {
	edges := edgeElements()
	var all []field.Element
	for _, e := range edges {
		all = append(all, e)
	}
	tests := []struct {
		name  string
		elems []field.Element
	}{
		{"empty", nil},
		{"zero", []field.Element{{}}},
		{"one", []field.Element{field.Uint64(1)}},
		{"r-1", []field.Element{edges["r-1"]}},
		{"1,2", []field.Element{field.Uint64(1), field.Uint64(2)}},
		{"r-1,r-1,0", []field.Element{edges["r-1"], edges["r-1"], {}}},
		{"all edges", all},
	}
	for n := range 8 {
		elems := make([]field.Element, n)
		for i := range elems {
			elems[i] = randomElement(t)
		}
		tests = append(tests, struct {
			name  string
			elems []field.Element
		}{"random " + string(rune('0'+n)), elems})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := gnarkHash(t, tc.elems...)
			if got := field.Hash(tc.elems...); !got.Equal(&want) {
				t.Errorf("Hash = %s, gnark hasher %s", got.String(), want.String())
			}
			// The defining chain: H = Compress(… Compress(0, e0) …, en).
			var chain field.Element
			for _, e := range tc.elems {
				chain = field.Compress(chain, e)
			}
			if !chain.Equal(&want) {
				t.Errorf("Compress chain = %s, gnark hasher %s", chain.String(), want.String())
			}
		})
	}
}

// TestKnownAnswers pins outputs of gnark-crypto v0.21.0's default BN254
// Poseidon2, so a change of parameters in a future gnark-crypto (which would
// change every commitment) fails here even though the differential tests,
// comparing against the same library, would still pass.
func TestKnownAnswers(t *testing.T) {
	tests := []struct {
		name string
		got  func() field.Element
		want string
	}{
		{"Compress(0,0)", func() field.Element { return field.Compress(field.Element{}, field.Element{}) }, "292c3a4b9343aec63e584aefa8bedeaefae44e6d718451a75736def795109dfb"},
		{"Compress(1,2)", func() field.Element { return field.Compress(field.Uint64(1), field.Uint64(2)) }, "02e7529d93e1a7ae526147c2ee72588aee90e6a7c3e361de6daa6be045c6f530"},
		{"Permute(0,1)[0]", func() field.Element { a, _ := field.Permute(field.Element{}, field.Uint64(1)); return a }, "1cea81d812c4552760b21d75d1fd4c11e43e3f60c67632e7e38f656236378e5d"},
		{"Hash(1,2,3)", func() field.Element { return field.Hash(field.Uint64(1), field.Uint64(2), field.Uint64(3)) }, "2217b2961d96ae36f9f7701ccfaae198e00d7246805f514f8edb13f7f73699bc"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := field.Hex(tc.got()); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func FuzzCompress(f *testing.F) {
	f.Add(make([]byte, 64))
	f.Add(append(fr.Modulus().Bytes(), fr.Modulus().Bytes()...))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, b := fuzzElement(data, 0), fuzzElement(data, 1)
		checkPermute(t, a, b)
	})
}

func FuzzHash(f *testing.F) {
	f.Add([]byte{})
	f.Add(make([]byte, 96))
	f.Fuzz(func(t *testing.T, data []byte) {
		n := (len(data) + 31) / 32
		elems := make([]field.Element, n)
		for i := range elems {
			elems[i] = fuzzElement(data, i)
		}
		want := gnarkHash(t, elems...)
		if got := field.Hash(elems...); !got.Equal(&want) {
			t.Fatalf("Hash(%x) = %s, gnark hasher %s", data, got.String(), want.String())
		}
	})
}

// fuzzElement reads the i-th 32-byte block of data (zero-padded), reduced
// modulo r, so every fuzz input, including values ≥ r, maps to an element.
func fuzzElement(data []byte, i int) field.Element {
	var block [32]byte
	if lo := 32 * i; lo < len(data) {
		copy(block[:], data[lo:min(lo+32, len(data))])
	}
	var e field.Element
	e.SetBytes(block[:])
	return e
}

var sink field.Element

func benchInputs(b *testing.B) (field.Element, field.Element) {
	var seed [32]byte
	if _, err := rand.Read(seed[:]); err != nil {
		b.Fatal(err)
	}
	rng := mrand.New(mrand.NewChaCha8(seed))
	var e [2]field.Element
	for i := range e {
		var buf [32]byte
		for j := 0; j < 32; j += 8 {
			binary.LittleEndian.PutUint64(buf[j:], rng.Uint64())
		}
		e[i].SetBytes(buf[:])
	}
	return e[0], e[1]
}

// BenchmarkCompress chains Compress on its own output, so each call sees
// fresh, random-looking values (as in a Merkle path).
func BenchmarkCompress(b *testing.B) {
	l, r := benchInputs(b)
	b.ReportAllocs()
	for b.Loop() {
		l = field.Compress(l, r)
	}
	sink = l
}

// BenchmarkCompress2 runs two chains as BenchmarkCompress does, with one
// Compress2 per step: one op is two compressions.
func BenchmarkCompress2(b *testing.B) {
	l1, r1 := benchInputs(b)
	l2, r2 := r1, l1
	b.ReportAllocs()
	for b.Loop() {
		l1, l2 = field.Compress2(l1, r1, l2, r2)
	}
	sink = l1
	sink = l2
}

// BenchmarkCompressTwice is the baseline of BenchmarkCompress2: the same
// two chains with two Compress calls per step.
func BenchmarkCompressTwice(b *testing.B) {
	l1, r1 := benchInputs(b)
	l2, r2 := r1, l1
	b.ReportAllocs()
	for b.Loop() {
		l1 = field.Compress(l1, r1)
		l2 = field.Compress(l2, r2)
	}
	sink = l1
	sink = l2
}

// BenchmarkCompressGnark is the same chain through gnark-crypto's generic
// permutation, as Compress was first written.
func BenchmarkCompressGnark(b *testing.B) {
	l, r := benchInputs(b)
	perm := poseidon2.NewDefaultPermutation()
	b.ReportAllocs()
	for b.Loop() {
		x := [2]fr.Element{l, r}
		if err := perm.Permutation(x[:]); err != nil {
			b.Fatal(err)
		}
		l.Add(&x[1], &r)
	}
	sink = l
}

// BenchmarkHash times H over 2 and 4 elements, each call's input depending
// on the previous output.
func BenchmarkHash(b *testing.B) {
	benchHash(b, func(elems []field.Element) field.Element { return field.Hash(elems...) })
}

// BenchmarkHashGnark is BenchmarkHash through gnark-crypto's Merkle–Damgård
// hasher with its byte round trips, as Hash was first written.
func BenchmarkHashGnark(b *testing.B) {
	benchHash(b, func(elems []field.Element) field.Element {
		h := poseidon2.NewMerkleDamgardHasher()
		for i := range elems {
			bs := elems[i].Bytes()
			_, _ = h.Write(bs[:])
		}
		var x field.Element
		x.SetBytes(h.Sum(nil))
		return x
	})
}

func benchHash(b *testing.B, hash func([]field.Element) field.Element) {
	for _, n := range []int{2, 4} {
		b.Run(string(rune('0'+n)), func(b *testing.B) {
			x, y := benchInputs(b)
			elems := make([]field.Element, n)
			b.ReportAllocs()
			for b.Loop() {
				for i := range elems {
					elems[i] = y
				}
				elems[0] = x
				x = hash(elems)
			}
			sink = x
		})
	}
}
