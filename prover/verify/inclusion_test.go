package verify_test

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/provenant/provenant/epcis"
	"github.com/provenant/provenant/field"
	"github.com/provenant/provenant/merkle"
	"github.com/provenant/provenant/prover/verify"
	"github.com/provenant/provenant/store"
	"github.com/provenant/provenant/store/sqlstore"
	"github.com/provenant/provenant/store/storetest"
	"github.com/provenant/provenant/supplier"
)

// signedEvent is one event a supplier signed, as the prover places it in a
// batch.
type signedEvent struct {
	statement  supplier.Statement
	commitment field.Element
	leaf       field.Element
}

// eventDoc returns an inline EPCIS event: an origin event (commissioning,
// certified region) when origin is set, else a shipping event.
func eventDoc(serial int, origin string) string {
	extra := `"action": "OBSERVE", "bizStep": "shipping", "readPoint": {"id": "urn:epc:id:sgln:4012345.00002.0"}`
	if origin != "" {
		extra = fmt.Sprintf(`"action": "ADD", "bizStep": "commissioning", "bizLocation": {"id": "urn:epc:id:sgln:4012345.00001.0"}, "ilmd": {"cbvmda:countryOfOrigin": %q}`, origin)
	}
	return fmt.Sprintf(`{"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
  "type": "ObjectEvent", "eventTime": "2026-06-01T10:00:%02d.000Z", "eventTimeZoneOffset": "+00:00",
  "epcList": ["urn:epc:id:sgtin:4012345.011111.%d", "urn:epc:id:sgtin:4012345.011111.%d"], %s}`, serial%60, serial, serial+1000, extra)
}

// signEvents signs one event per origin ("" for a shipping event) with a
// fresh supplier key and checks each signature.
func signEvents(t testing.TB, origins ...string) []signedEvent {
	t.Helper()
	k, err := supplier.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]signedEvent, len(origins))
	for i, origin := range origins {
		doc, err := epcis.Parse("event.json", []byte(eventDoc(i+1, origin)))
		if err != nil {
			t.Fatal(err)
		}
		st, err := supplier.NewStatement(&doc.Events[0])
		if err != nil {
			t.Fatal(err)
		}
		sig, err := k.Sign(st, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := k.Public().Verify(st, sig); err != nil {
			t.Fatal(err)
		}
		leaf, err := st.Message(sig.Salt)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = signedEvent{statement: st, commitment: st.Commitment(sig.Salt), leaf: leaf}
	}
	return out
}

func hexOf(e field.Element) string {
	b := e.Bytes()
	return hex.EncodeToString(b[:])
}

// batchOf places the events in a depth-2 batch tree, as the prover does,
// and returns the tree and each event's inclusion.
func batchOf(t testing.TB, events []signedEvent) (*merkle.Tree, []verify.Inclusion) {
	t.Helper()
	leaves := make([]field.Element, len(events))
	for i, e := range events {
		leaves[i] = e.leaf
	}
	tree, err := merkle.New(2, leaves)
	if err != nil {
		t.Fatal(err)
	}
	incs := make([]verify.Inclusion, len(events))
	for i, e := range events {
		p, err := tree.Path(uint64(i))
		if err != nil {
			t.Fatal(err)
		}
		inc := verify.Inclusion{
			Claims:            e.statement.Claims,
			BlindedCommitment: hexOf(e.commitment),
			Index:             p.Index,
			BatchRoot:         hexOf(tree.Root()),
		}
		for _, s := range p.Siblings {
			inc.Path = append(inc.Path, hexOf(s))
		}
		incs[i] = inc
	}
	return tree, incs
}

// clone returns a deep copy of inc, so that a case can change it.
func clone(inc verify.Inclusion) verify.Inclusion {
	inc.Path = slices.Clone(inc.Path)
	inc.Claims.Products = slices.Clone(inc.Claims.Products)
	return inc
}

func TestVerifyInclusion(t *testing.T) {
	events := signEvents(t, "DE", "", "")
	tree, incs := batchOf(t, events)
	otherTree, err := merkle.New(2, []field.Element{events[0].leaf, events[1].leaf})
	if err != nil {
		t.Fatal(err)
	}

	for i, inc := range incs {
		if err := verify.VerifyInclusion(inc); err != nil {
			t.Errorf("event %d (%s) at index %d: %v", i, inc.Claims.EventID, inc.Index, err)
		}
	}

	origin := incs[0]
	if origin.Claims.OriginRegion != "DE" || len(origin.Claims.Products) != 2 {
		t.Fatalf("fixture: origin event claims %+v", origin.Claims)
	}
	modulus := hex.EncodeToString(fr.Modulus().FillBytes(make([]byte, field.Bytes)))
	longPath := make([]string, merkle.MaxDepth+1)
	for i := range longPath {
		longPath[i] = hexOf(field.Element{})
	}

	tests := []struct {
		name   string
		base   verify.Inclusion
		change func(*verify.Inclusion)
		want   error // nil, verify.ErrRejected or verify.ErrMalformed
		// input is the malformed input the error names.
		input string
	}{
		{name: "valid origin event", base: origin, change: func(*verify.Inclusion) {}},
		{name: "valid last event with an empty sibling", base: incs[2], change: func(*verify.Inclusion) {}},
		{name: "upper-case hex", base: origin, change: func(inc *verify.Inclusion) {
			inc.BatchRoot = strings.ToUpper(inc.BatchRoot)
			inc.BlindedCommitment = strings.ToUpper(inc.BlindedCommitment)
			inc.Path[1] = strings.ToUpper(inc.Path[1])
		}},
		{name: "event time in another zone", base: origin, change: func(inc *verify.Inclusion) {
			inc.Claims.EventTime = inc.Claims.EventTime.In(time.FixedZone("CEST", 2*3600))
		}},

		// Tampered claims.
		{name: "tampered eventID", base: origin, want: verify.ErrRejected, change: func(inc *verify.Inclusion) {
			inc.Claims.EventID = incs[1].Claims.EventID
		}},
		{name: "tampered bizStep", base: origin, want: verify.ErrRejected, change: func(inc *verify.Inclusion) {
			inc.Claims.BizStep = "https://ref.gs1.org/cbv/BizStep-shipping"
		}},
		{name: "tampered eventTime", base: origin, want: verify.ErrRejected, change: func(inc *verify.Inclusion) {
			inc.Claims.EventTime = inc.Claims.EventTime.Add(time.Millisecond)
		}},
		{name: "tampered product", base: origin, want: verify.ErrRejected, change: func(inc *verify.Inclusion) {
			inc.Claims.Products[1] = incs[1].Claims.Products[1]
		}},
		{name: "product dropped", base: origin, want: verify.ErrRejected, change: func(inc *verify.Inclusion) {
			inc.Claims.Products = inc.Claims.Products[:1]
		}},
		{name: "tampered originRegion", base: origin, want: verify.ErrRejected, change: func(inc *verify.Inclusion) {
			inc.Claims.OriginRegion = "FR"
		}},
		{name: "originRegion added", base: incs[1], want: verify.ErrRejected, change: func(inc *verify.Inclusion) {
			inc.Claims.OriginRegion = "DE"
		}},
		{name: "originRegion removed", base: origin, want: verify.ErrRejected, change: func(inc *verify.Inclusion) {
			inc.Claims.OriginRegion = ""
		}},

		// Tampered commitment, path, index, root.
		{name: "tampered commitment", base: origin, want: verify.ErrRejected, change: func(inc *verify.Inclusion) {
			inc.BlindedCommitment = incs[1].BlindedCommitment
		}},
		{name: "tampered first sibling", base: origin, want: verify.ErrRejected, change: func(inc *verify.Inclusion) {
			inc.Path[0] = hexOf(field.Uint64(1))
		}},
		{name: "tampered top sibling", base: origin, want: verify.ErrRejected, change: func(inc *verify.Inclusion) {
			inc.Path[1] = inc.Path[0]
		}},
		{name: "path cut short", base: origin, want: verify.ErrRejected, change: func(inc *verify.Inclusion) {
			inc.Path = inc.Path[:1]
		}},
		{name: "path extended", base: origin, want: verify.ErrRejected, change: func(inc *verify.Inclusion) {
			inc.Path = append(inc.Path, hexOf(field.Element{}))
		}},
		{name: "wrong index", base: origin, want: verify.ErrRejected, change: func(inc *verify.Inclusion) {
			inc.Index = 1
		}},
		{name: "index past the tree", base: origin, want: verify.ErrRejected, change: func(inc *verify.Inclusion) {
			inc.Index = 4
		}},
		{name: "huge index", base: origin, want: verify.ErrRejected, change: func(inc *verify.Inclusion) {
			inc.Index = 1 << 63
		}},
		{name: "other root", base: origin, want: verify.ErrRejected, change: func(inc *verify.Inclusion) {
			inc.BatchRoot = hexOf(otherTree.Root())
		}},
		{name: "another event's inclusion data", base: origin, want: verify.ErrRejected, change: func(inc *verify.Inclusion) {
			inc.BlindedCommitment, inc.Index, inc.Path = incs[1].BlindedCommitment, incs[1].Index, slices.Clone(incs[1].Path)
		}},

		// Malformed input.
		{name: "root not hex", base: origin, want: verify.ErrMalformed, input: "batch root", change: func(inc *verify.Inclusion) {
			inc.BatchRoot = "zz" + inc.BatchRoot[2:]
		}},
		{name: "root too short", base: origin, want: verify.ErrMalformed, input: "batch root", change: func(inc *verify.Inclusion) {
			inc.BatchRoot = inc.BatchRoot[2:]
		}},
		{name: "root with 0x", base: origin, want: verify.ErrMalformed, input: "batch root", change: func(inc *verify.Inclusion) {
			inc.BatchRoot = "0x" + inc.BatchRoot
		}},
		{name: "root not canonical", base: origin, want: verify.ErrMalformed, input: "batch root", change: func(inc *verify.Inclusion) {
			inc.BatchRoot = modulus
		}},
		{name: "root empty", base: origin, want: verify.ErrMalformed, input: "batch root", change: func(inc *verify.Inclusion) {
			inc.BatchRoot = ""
		}},
		{name: "commitment not hex", base: origin, want: verify.ErrMalformed, input: "blinded commitment", change: func(inc *verify.Inclusion) {
			inc.BlindedCommitment = strings.Repeat("g", 64)
		}},
		{name: "commitment not canonical", base: origin, want: verify.ErrMalformed, input: "blinded commitment", change: func(inc *verify.Inclusion) {
			inc.BlindedCommitment = strings.Repeat("f", 64)
		}},
		{name: "sibling not hex", base: origin, want: verify.ErrMalformed, input: "Merkle path", change: func(inc *verify.Inclusion) {
			inc.Path[1] = inc.Path[1][:63] + "x"
		}},
		{name: "sibling not canonical", base: origin, want: verify.ErrMalformed, input: "Merkle path", change: func(inc *verify.Inclusion) {
			inc.Path[0] = modulus
		}},
		{name: "path longer than 32", base: origin, want: verify.ErrMalformed, input: "Merkle path", change: func(inc *verify.Inclusion) {
			inc.Path = longPath
		}},
		{name: "claims without event ID", base: origin, want: verify.ErrMalformed, input: "claims", change: func(inc *verify.Inclusion) {
			inc.Claims.EventID = ""
		}},
		{name: "claims with a lower-case region", base: origin, want: verify.ErrMalformed, input: "claims", change: func(inc *verify.Inclusion) {
			inc.Claims.OriginRegion = "de"
		}},
		{name: "claims without event time", base: origin, want: verify.ErrMalformed, input: "claims", change: func(inc *verify.Inclusion) {
			inc.Claims.EventTime = time.Time{}
		}},
		{name: "claims with a line break", base: origin, want: verify.ErrMalformed, input: "claims", change: func(inc *verify.Inclusion) {
			inc.Claims.Products[0] += "\nproduct=urn:epc:id:sgtin:4012345.011111.9"
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inc := clone(tc.base)
			tc.change(&inc)
			err := verify.VerifyInclusion(inc)
			t.Log(err)
			switch {
			case tc.want == nil:
				if err != nil {
					t.Fatalf("VerifyInclusion: %v, want nil", err)
				}
			case !errors.Is(err, tc.want):
				t.Fatalf("VerifyInclusion: %v, want %v", err, tc.want)
			case tc.want == verify.ErrRejected:
				if errors.Is(err, verify.ErrMalformed) {
					t.Fatalf("VerifyInclusion: %v is both rejected and malformed", err)
				}
				if !strings.Contains(err.Error(), inc.Claims.EventID) {
					t.Errorf("rejection %q does not name the event", err)
				}
			case tc.want == verify.ErrMalformed:
				var me *verify.MalformedError
				if !errors.As(err, &me) || me.Input != tc.input {
					t.Fatalf("VerifyInclusion: %v, want a *MalformedError for the %s", err, tc.input)
				}
				if errors.Is(err, verify.ErrRejected) {
					t.Fatalf("VerifyInclusion: %v is both malformed and rejected", err)
				}
			}
		})
	}
	// The cases changed copies only.
	for i, inc := range incs {
		if err := verify.VerifyInclusion(inc); err != nil {
			t.Errorf("event %d after the cases: %v", i, err)
		}
	}
	if got := hexOf(tree.Root()); got != origin.BatchRoot {
		t.Fatalf("root %s changed to %s", origin.BatchRoot, got)
	}
}

func TestParseInclusion(t *testing.T) {
	_, incs := batchOf(t, signEvents(t, "DE"))
	good, err := json.Marshal(incs[0])
	if err != nil {
		t.Fatal(err)
	}
	inc, err := verify.ParseInclusion(good)
	if err != nil {
		t.Fatal(err)
	}
	if err := verify.VerifyInclusion(inc); err != nil {
		t.Fatalf("inclusion after a JSON round trip: %v", err)
	}
	for _, key := range []string{`"claims"`, `"blindedCommitment"`, `"index"`, `"path"`, `"batchRoot"`, `"eventID"`, `"eventTime"`, `"products"`, `"originRegion"`} {
		if !strings.Contains(string(good), key) {
			t.Errorf("JSON lacks %s: %s", key, good)
		}
	}

	tests := []struct {
		name string
		in   string
	}{
		{"empty", ""},
		{"not an object", "[]"},
		{"unknown field", strings.Replace(string(good), `"index"`, `"leaf":"00","index"`, 1)},
		{"unknown claims field", strings.Replace(string(good), `"eventID"`, `"readPoint":"x","eventID"`, 1)},
		{"trailing data", string(good) + "{}"},
		{"index as a string", strings.Replace(string(good), `"index":0`, `"index":"0"`, 1)},
		{"negative index", strings.Replace(string(good), `"index":0`, `"index":-1`, 1)},
		{"bad event time", strings.Replace(string(good), `"eventTime":"2026-06-01T10:00:01Z"`, `"eventTime":"yesterday"`, 1)},
		{"too large", `{"path": ["` + strings.Repeat("0", verify.MaxInclusionBytes) + `"]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.in == string(good) {
				t.Fatal("the case changed nothing")
			}
			_, err := verify.ParseInclusion([]byte(tc.in))
			var me *verify.MalformedError
			if !errors.As(err, &me) || me.Input != "inclusion" || !errors.Is(err, verify.ErrMalformed) {
				t.Fatalf("ParseInclusion: %v, want a malformed inclusion", err)
			}
		})
	}
}

// TestInclusionFromStore stores a batch as the prover does, without
// proving it (only inclusion is checked here), and verifies every member
// from what the store returns.
func TestInclusionFromStore(t *testing.T) {
	ctx := t.Context()
	st, err := sqlstore.Open(ctx, storetest.SQLiteURL(t), sqlstore.WithSealer(storetest.NewSealer(t)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })

	events := signEvents(t, "DE", "", "", "")
	batched := events[:3] // the fourth stays unproven
	tree, want := batchOf(t, batched)
	rows := make([]store.Event, len(events))
	for i, e := range events {
		c := e.statement.Claims
		claimsJSON, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		rows[i] = store.Event{
			ID: c.EventID, Type: c.Type, Action: c.Action, BizStep: c.BizStep, Disposition: c.Disposition,
			EventTime: c.EventTime, Products: c.Products, OriginRegion: c.OriginRegion,
			Supplier: strings.Repeat("ab", 32), Claims: claimsJSON, Private: []byte(`{}`),
		}
	}
	if _, err := st.InsertEvents(ctx, rows); err != nil {
		t.Fatal(err)
	}
	root := hexOf(tree.Root())
	b := store.Batch{ID: root, Circuit: "test", CircuitVersion: "test", Size: 4, Root: root,
		Proof: []byte("not a proof: only inclusion is checked"), PublicInputs: []string{root, root, root}}
	members := make([]store.BatchMember, len(batched))
	for i, e := range batched {
		members[i] = store.BatchMember{EventID: want[i].Claims.EventID, Index: int(want[i].Index), Leaf: hexOf(e.leaf),
			BlindedCommitment: want[i].BlindedCommitment, MerklePath: want[i].Path}
	}
	if err := st.CreateBatch(ctx, "", b, members); err != nil {
		t.Fatal(err)
	}

	check := func(t *testing.T) {
		t.Helper()
		for i, w := range want {
			got, err := verify.InclusionFromStore(ctx, st, w.Claims.EventID)
			if err != nil {
				t.Fatalf("event %d: %v", i, err)
			}
			if err := verify.VerifyInclusion(got); err != nil {
				t.Errorf("event %d from the store: %v", i, err)
			}
			gj, _ := json.Marshal(got)
			wj, _ := json.Marshal(w)
			if string(gj) != string(wj) {
				t.Errorf("event %d from the store:\n%s\nwant\n%s", i, gj, wj)
			}
			got.Claims.EventTime = got.Claims.EventTime.Add(time.Second)
			if err := verify.VerifyInclusion(got); !errors.Is(err, verify.ErrRejected) {
				t.Errorf("event %d with another event time: %v, want rejected", i, err)
			}
		}
	}
	t.Run("proven", check)
	t.Run("anchored", func(t *testing.T) {
		if _, err := st.RecordAnchor(ctx, store.Anchor{BatchID: b.ID, TxID: "tx-1", BlockNumber: 7, Channel: "provenance",
			BatchRoot: root, Timestamp: time.Now()}); err != nil {
			t.Fatal(err)
		}
		check(t)
	})
	t.Run("not yet proven", func(t *testing.T) {
		id := events[3].statement.Claims.EventID
		_, err := verify.InclusionFromStore(ctx, st, id)
		if !errors.Is(err, verify.ErrNotProven) || !strings.Contains(err.Error(), id) || !strings.Contains(err.Error(), "RECEIVED") {
			t.Fatalf("InclusionFromStore of a received event: %v, want ErrNotProven naming it", err)
		}
	})
	t.Run("unknown event", func(t *testing.T) {
		_, err := verify.InclusionFromStore(ctx, st, "urn:uuid:00000000-0000-4000-8000-000000000000")
		if !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("InclusionFromStore of an unknown event: %v, want store.ErrNotFound", err)
		}
	})
}

// TestInclusionFromStoreRejectedBatch: the events of a rejected batch are
// proven in no batch any more.
func TestInclusionFromStoreRejectedBatch(t *testing.T) {
	ctx := context.Background()
	st, err := sqlstore.Open(ctx, storetest.SQLiteURL(t), sqlstore.WithSealer(storetest.NewSealer(t)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	events := signEvents(t, "")
	tree, incs := batchOf(t, events)
	c := events[0].statement.Claims
	claimsJSON, _ := json.Marshal(c)
	if _, err := st.InsertEvents(ctx, []store.Event{{ID: c.EventID, Type: c.Type, Action: c.Action, BizStep: c.BizStep,
		EventTime: c.EventTime, Products: c.Products, Supplier: strings.Repeat("cd", 32), Claims: claimsJSON, Private: []byte(`{}`)}}); err != nil {
		t.Fatal(err)
	}
	root := hexOf(tree.Root())
	b := store.Batch{ID: root, Circuit: "test", CircuitVersion: "test", Size: 4, Root: root, Proof: []byte("x"), PublicInputs: []string{root}}
	if err := st.CreateBatch(ctx, "", b, []store.BatchMember{{EventID: c.EventID, Index: 0, Leaf: hexOf(events[0].leaf),
		BlindedCommitment: incs[0].BlindedCommitment, MerklePath: incs[0].Path}}); err != nil {
		t.Fatal(err)
	}
	if _, err := verify.InclusionFromStore(ctx, st, c.EventID); err != nil {
		t.Fatal(err)
	}
	if err := st.RejectBatch(ctx, b.ID, "test: the proof does not verify"); err != nil {
		t.Fatal(err)
	}
	if _, err := verify.InclusionFromStore(ctx, st, c.EventID); !errors.Is(err, verify.ErrNotProven) {
		t.Fatalf("InclusionFromStore after the batch was rejected: %v, want ErrNotProven", err)
	}
}

// FuzzVerifyInclusion: whatever JSON it is given, parsing and verifying an
// inclusion returns nil, a malformed input or a rejection, and never
// panics.
func FuzzVerifyInclusion(f *testing.F) {
	_, incs := batchOf(f, signEvents(f, "DE", "", ""))
	for _, inc := range incs {
		b, err := json.Marshal(inc)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"claims":{"eventID":"x","type":"ObjectEvent","eventTime":"2026-01-01T00:00:00Z"},"index":18446744073709551615,"path":[]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		inc, err := verify.ParseInclusion(b)
		if err == nil {
			err = verify.VerifyInclusion(inc)
		}
		if err != nil && !errors.Is(err, verify.ErrMalformed) && !errors.Is(err, verify.ErrRejected) {
			t.Fatalf("untyped error: %v", err)
		}
	})
}
