package batch

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr/poseidon2"
	"github.com/consensys/gnark-crypto/ecc/bn254/twistededwards/eddsa"
	"github.com/consensys/gnark/frontend"

	"github.com/provenant/provenant/epcis"
	"github.com/provenant/provenant/field"
	"github.com/provenant/provenant/merkle"
	"github.com/provenant/provenant/supplier"
)

const originEventJSON = `{
  "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", {"cbvmda": "urn:epcglobal:cbv:mda#"}],
  "type": "ObjectEvent",
  "eventID": "urn:uuid:9b2f3c1e-1d2a-4c5b-8e7f-0a1b2c3d4e5f",
  "eventTime": "2026-11-20T07:15:00.000+01:00",
  "eventTimeZoneOffset": "+01:00",
  "epcList": ["urn:epc:id:sgtin:4012345.011111.1001"],
  "action": "ADD",
  "bizStep": "commissioning",
  "disposition": "active",
  "bizLocation": {"id": "urn:epc:id:sgln:4012345.00001.6"},
  "ilmd": {"cbvmda:countryOfOrigin": "DE", "cbvmda:lotNumber": "LOT-SECRET-77"}
}`

// TestLeafMatchesSupplier checks that the leaf the circuit computes is the
// message suppliers sign, for an EPCIS event parsed from its bytes.
func TestLeafMatchesSupplier(t *testing.T) {
	doc, err := epcis.Parse("event.json", []byte(originEventJSON))
	if err != nil {
		t.Fatal(err)
	}
	st, err := supplier.NewStatement(&doc.Events[0])
	if err != nil {
		t.Fatal(err)
	}
	if st.Origin.Region != "DE" || st.Origin.Facility == "" {
		t.Fatalf("origin %+v, want a DE facility", st.Origin)
	}
	k, err := supplier.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := k.Sign(st, nil)
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEventWitness(st, k.Public(), sig)
	if err != nil {
		t.Fatal(err)
	}
	want, err := st.Message(sig.Salt)
	if err != nil {
		t.Fatal(err)
	}
	if got := e.Leaf(); !got.Equal(&want) {
		t.Fatalf("Leaf = %s, supplier signs %s", got.String(), want.String())
	}
	ch, err := st.Claims.Hash()
	if err != nil {
		t.Fatal(err)
	}
	if got := field.Hash(e.ClaimsDigest, field.Uint64(e.EventTimeMs), e.Region); !got.Equal(&ch) {
		t.Fatal("claims hash differs from claims.Claims.Hash")
	}
}

// TestComplete checks that honest batches of every shape solve and that
// Assign's batch paths lead from each leaf to the batch root.
func TestComplete(t *testing.T) {
	f := newFixture(t)
	de, fr, ke := &f.certs[0], &f.certs[1], &f.certs[2]
	cases := []struct {
		name   string
		layout Layout
		events func() []EventWitness
	}{
		{"n1 origin", DefaultLayout(1), func() []EventWitness {
			return []EventWitness{f.event(t, 0, de, t0)}
		}},
		{"n1 plain", DefaultLayout(1), func() []EventWitness {
			return []EventWitness{f.event(t, 1, nil, t0)}
		}},
		{"n2 mixed", DefaultLayout(2), func() []EventWitness {
			return []EventWitness{f.event(t, 0, de, t0), f.event(t, 0, nil, t0.Add(time.Hour))}
		}},
		{"n2 half", DefaultLayout(2), func() []EventWitness {
			return []EventWitness{f.event(t, 2, fr, t0)}
		}},
		{"n8 full", Layout{Events: 8, Keys: 2, Origins: 2}, func() []EventWitness {
			return []EventWitness{
				f.event(t, 0, de, t0), f.event(t, 0, de, t0.Add(time.Minute)),
				f.event(t, 1, ke, ke.from), f.event(t, 1, nil, t0),
				f.event(t, 0, nil, t0), f.event(t, 1, ke, ke.until),
				f.event(t, 0, de, de.until), f.event(t, 1, nil, time.UnixMilli(0)),
			}
		}},
		{"n8 five", DefaultLayout(8), func() []EventWitness {
			return []EventWitness{
				f.event(t, 2, fr, t0), f.event(t, 2, nil, t0), f.event(t, 2, nil, t0),
				f.event(t, 2, fr, fr.until), f.event(t, 2, fr, fr.from),
			}
		}},
		{"n8 five k3 m2", Layout{Events: 8, Keys: 3, Origins: 2}, func() []EventWitness {
			return []EventWitness{
				f.event(t, 2, fr, t0), f.event(t, 0, nil, t0), f.event(t, 1, nil, t0),
				f.event(t, 0, de, t0), f.event(t, 2, fr, fr.from),
			}
		}},
		{"n8 k3 m0", Layout{Events: 8, Keys: 3, Origins: 0}, func() []EventWitness {
			return []EventWitness{f.event(t, 0, nil, t0), f.event(t, 1, nil, t0), f.event(t, 2, nil, t0)}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := f.batch(tc.events()...)
			c, root, paths, err := tc.layout.Assign(w)
			if err != nil {
				t.Fatal(err)
			}
			empty, err := tc.layout.New()
			if err != nil {
				t.Fatal(err)
			}
			if err := isSolved(empty, c); err != nil {
				t.Fatalf("honest batch not solved: %v", err)
			}
			if len(paths) != len(w.Events) {
				t.Fatalf("%d paths for %d events", len(paths), len(w.Events))
			}
			for i := range w.Events {
				if err := merkle.Verify(root, w.Events[i].Leaf(), paths[i]); err != nil {
					t.Errorf("event %d: batch path: %v", i, err)
				}
			}
		})
	}
}

// TestSound checks that the circuit rejects every way of proving what was
// not signed or not certified, and that Assign reports each natively.
func TestSound(t *testing.T) {
	f := newFixture(t)
	de, fr := &f.certs[0], &f.certs[1]
	layout := Layout{Events: 2, Keys: 2, Origins: 1}
	// Slot 0 holds the event under test, slot 1 an honest non-origin one.
	other := f.event(t, 1, nil, t0)

	uncertified := cert{"https://id.gs1.org/414/4012345000047", "DE", de.from, de.until}
	otherSuppliers, err := merkle.New(20, []field.Element{keyLeaf(t, f.outsider.Public())})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		event func() EventWitness
		want  error // what Assign reports
	}{
		{"signature by another key", func() EventWitness {
			e := f.event(t, 0, de, t0)
			forged := f.sign(t, f.outsider, f.statement(t0, de), de)
			e.Signature = forged.Signature
			return e
		}, ErrBadSignature},
		{"key not in the registry", func() EventWitness {
			return f.sign(t, f.outsider, f.statement(t0, nil), nil) // path of another key
		}, ErrUnknownSupplier},
		{"key in another registry", func() EventWitness {
			e := f.sign(t, f.outsider, f.statement(t0, nil), nil)
			p, err := otherSuppliers.Path(0)
			if err != nil {
				t.Fatal(err)
			}
			e.SupplierPath = p
			return e
		}, ErrUnknownSupplier},
		{"facility not certified", func() EventWitness {
			return f.sign(t, f.keys[0], f.statement(t0, &uncertified), &uncertified)
		}, ErrUncertifiedOrigin},
		{"wrong region", func() EventWitness {
			// The claims say FR for a facility certified for DE only.
			wrong := *de
			wrong.region = "FR"
			e := f.sign(t, f.keys[0], f.statement(t0, &wrong), &wrong)
			e.OriginPath = f.originPath(t, *de)
			return e
		}, ErrUncertifiedOrigin},
		{"expired certificate", func() EventWitness {
			return f.event(t, 0, de, de.until.Add(time.Millisecond))
		}, ErrOutsideValidity},
		{"certificate not yet valid", func() EventWitness {
			return f.event(t, 0, fr, fr.from.Add(-time.Millisecond))
		}, ErrOutsideValidity},
		{"tampered claim", func() EventWitness {
			e := f.event(t, 0, de, t0)
			e.ClaimsDigest = field.Digest([]byte("provenant-claims/v1\neventID=forged\n"))
			return e
		}, ErrBadSignature},
		{"tampered event time", func() EventWitness {
			e := f.event(t, 0, nil, t0)
			e.EventTimeMs++
			return e
		}, ErrBadSignature},
		{"tampered supplier path", func() EventWitness {
			e := f.event(t, 0, nil, t0)
			e.SupplierPath.Siblings = append([]field.Element(nil), e.SupplierPath.Siblings...)
			e.SupplierPath.Siblings[7] = field.Uint64(7)
			return e
		}, ErrUnknownSupplier},
		{"tampered origin path", func() EventWitness {
			e := f.event(t, 0, de, t0)
			e.OriginPath.Siblings = append([]field.Element(nil), e.OriginPath.Siblings...)
			e.OriginPath.Siblings[0] = field.Uint64(1)
			return e
		}, ErrUncertifiedOrigin},
		{"supplier path index", func() EventWitness {
			e := f.event(t, 0, nil, t0)
			e.SupplierPath.Index ^= 1
			return e
		}, ErrUnknownSupplier},
		{"facility without region", func() EventWitness {
			st := f.statement(t0, nil)
			st.Origin.Facility = f.certs[0].facility
			return f.sign(t, f.keys[0], st, nil)
		}, ErrInvalidEvent},
		{"signed by the dummy key", func() EventWitness {
			// The dummy key is anyone's, and not in the registry.
			e := f.event(t, 0, nil, t0)
			seed := sha256.Sum256([]byte(DummyKeySeed))
			sk, err := eddsa.GenerateKey(bytes.NewReader(seed[:]))
			if err != nil {
				t.Fatal(err)
			}
			leaf := e.Leaf()
			lb := leaf.Bytes()
			if e.Signature, err = sk.Sign(lb[:], poseidon2.NewMerkleDamgardHasher()); err != nil {
				t.Fatal(err)
			}
			pub, err := supplier.ParsePublicKey(hexBytes(sk.PublicKey.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			e.PublicKey = pub
			return e
		}, ErrUnknownSupplier},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := f.batch(tc.event(), other)
			if _, _, _, err := layout.Assign(w); !errors.Is(err, tc.want) {
				t.Errorf("Assign: %v, want %v", err, tc.want)
			} else {
				var ee *EventError
				if !errors.As(err, &ee) || ee.Slot != 0 {
					t.Errorf("Assign: %v, want an *EventError for slot 0", err)
				}
			}
			c, _, _, err := layout.assign(w, false)
			if err != nil {
				t.Fatal(err)
			}
			empty, _ := layout.New()
			if isSolved(empty, c) == nil {
				t.Fatal("solved")
			}
		})
	}
}

// TestSoundSlots checks the rules of the slots themselves by editing an
// honest assignment.
func TestSoundSlots(t *testing.T) {
	f := newFixture(t)
	de := &f.certs[0]
	layout := Layout{Events: 4, Keys: 2, Origins: 2}
	honest := func(t *testing.T, events ...EventWitness) *Circuit {
		c, _, _, err := layout.Assign(f.batch(events...))
		if err != nil {
			t.Fatal(err)
		}
		empty, _ := layout.New()
		if err := isSolved(empty, c); err != nil {
			t.Fatalf("honest batch not solved: %v", err)
		}
		return c
	}
	mustFail := func(t *testing.T, c *Circuit) {
		t.Helper()
		empty, _ := layout.New()
		if isSolved(empty, c) == nil {
			t.Fatal("solved")
		}
	}

	t.Run("non-prefix enabled", func(t *testing.T) {
		e := f.event(t, 0, nil, t0)
		w := f.batch(EventWitness{}, e)
		if _, _, _, err := layout.Assign(w); !errors.Is(err, ErrInvalidEvent) {
			t.Errorf("Assign: %v, want ErrInvalidEvent", err)
		}
		c, _, _, err := layout.assign(w, false)
		if err != nil {
			t.Fatal(err)
		}
		mustFail(t, c)
		// The same event in slot 0 solves.
		honest(t, e)
	})
	t.Run("non-boolean enabled", func(t *testing.T) {
		c := honest(t, f.event(t, 0, nil, t0))
		c.Events[0].Enabled = 2
		mustFail(t, c)
	})
	t.Run("disabled slot with an event", func(t *testing.T) {
		c := honest(t, f.event(t, 0, nil, t0), f.event(t, 1, nil, t0))
		c.Events[1].Enabled = 0
		c.Events[1].Key = sel(0, 0)
		mustFail(t, c)
	})
	t.Run("empty batch", func(t *testing.T) {
		if _, _, _, err := layout.Assign(f.batch()); !errors.Is(err, ErrInvalidEvent) {
			t.Errorf("Assign: %v, want ErrInvalidEvent", err)
		}
	})
	t.Run("origin event skips its certificate", func(t *testing.T) {
		c := honest(t, f.event(t, 0, de, t0))
		c.Events[0].Origin = sel(0, 0)
		mustFail(t, c)
	})
	t.Run("two origin slots", func(t *testing.T) {
		c := honest(t, f.event(t, 0, de, t0), f.event(t, 0, &f.certs[1], t0))
		c.Events[0].Origin = sel(1, 1)
		mustFail(t, c)
	})
	t.Run("two key slots", func(t *testing.T) {
		c := honest(t, f.event(t, 0, nil, t0), f.event(t, 1, nil, t0))
		c.Events[0].Key = sel(1, 1)
		mustFail(t, c)
	})
	t.Run("another event's key slot", func(t *testing.T) {
		c := honest(t, f.event(t, 0, nil, t0), f.event(t, 1, nil, t0))
		c.Events[0].Key = sel(0, 1)
		mustFail(t, c)
	})
	t.Run("unused key slot", func(t *testing.T) {
		// Slot 1 holds the dummy key with an empty path: no event may use it.
		c := honest(t, f.event(t, 0, nil, t0))
		c.Events[0].Key = sel(0, 1)
		mustFail(t, c)
	})
	t.Run("wrong supplier root", func(t *testing.T) {
		c := honest(t, f.event(t, 0, nil, t0))
		c.SupplierRoot = field.Uint64(1)
		mustFail(t, c)
	})
	t.Run("wrong origin root", func(t *testing.T) {
		c := honest(t, f.event(t, 0, de, t0))
		c.OriginRoot = field.Uint64(1)
		mustFail(t, c)
	})
	t.Run("origin root unused by plain events", func(t *testing.T) {
		// Without origin events the origin root is not constrained.
		c := honest(t, f.event(t, 0, nil, t0))
		c.OriginRoot = field.Uint64(1)
		empty, _ := layout.New()
		if err := isSolved(empty, c); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("key not in subgroup", func(t *testing.T) {
		c := honest(t, f.event(t, 0, nil, t0))
		c.Keys[1].Preimage = c.Keys[0].Preimage // unused slot, wrong preimage
		mustFail(t, c)
	})
}

// TestCapacity checks the errors for batches that do not fit a layout.
func TestCapacity(t *testing.T) {
	f := newFixture(t)
	layout := Layout{Events: 2, Keys: 1, Origins: 1}
	for _, tc := range []struct {
		name     string
		events   []EventWitness
		resource string
	}{
		{"events", []EventWitness{f.event(t, 0, nil, t0), f.event(t, 0, nil, t0), f.event(t, 0, nil, t0)}, "events"},
		{"keys", []EventWitness{f.event(t, 0, nil, t0), f.event(t, 1, nil, t0)}, "supplier keys"},
		{"origins", []EventWitness{f.event(t, 0, &f.certs[0], t0), f.event(t, 0, &f.certs[1], t0)}, "origin certificates"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, _, err := layout.Assign(f.batch(tc.events...))
			var ce *CapacityError
			if !errors.As(err, &ce) || ce.Resource != tc.resource {
				t.Fatalf("Assign: %v, want a CapacityError for %s", err, tc.resource)
			}
		})
	}
}

func TestLayout(t *testing.T) {
	if got, want := ID(32), "provenant-batch-v1-n32-k8-m4"; got != want {
		t.Errorf("ID(32) = %q, want %q", got, want)
	}
	for _, n := range Sizes() {
		if err := DefaultLayout(n).Validate(); err != nil {
			t.Errorf("DefaultLayout(%d): %v", n, err)
		}
	}
	for _, l := range []Layout{{0, 1, 0}, {3, 1, 1}, {8, 0, 1}, {8, 9, 1}, {8, 1, 9}, {2048, 1, 1}} {
		if l.Validate() == nil {
			t.Errorf("%+v: valid", l)
		}
	}
}

func sel(v ...int) []frontend.Variable {
	out := make([]frontend.Variable, len(v))
	for i := range v {
		out[i] = v[i]
	}
	return out
}

func hexBytes(b []byte) string { return hex.EncodeToString(b) }
