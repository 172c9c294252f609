package store_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/provenant/provenant/store"
)

func TestParseStatus(t *testing.T) {
	for _, s := range store.Statuses() {
		got, err := store.ParseStatus(string(s))
		if err != nil || got != s {
			t.Errorf("ParseStatus(%q) = %q, %v", s, got, err)
		}
		text, err := s.MarshalText()
		if err != nil || string(text) != string(s) {
			t.Errorf("%s.MarshalText() = %q, %v", s, text, err)
		}
	}
	for _, bad := range []string{"", "received", "DONE"} {
		if _, err := store.ParseStatus(bad); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("ParseStatus(%q) error = %v, want ErrInvalid", bad, err)
		}
		var s store.Status
		if err := s.UnmarshalText([]byte(bad)); err == nil {
			t.Errorf("UnmarshalText(%q) succeeded", bad)
		}
	}
	if _, err := store.Status("DONE").MarshalText(); err == nil {
		t.Error("MarshalText of an unknown status succeeded")
	}
	want := []string{"RECEIVED", "PROVEN", "ANCHORED", "REJECTED"}
	for i, s := range store.Statuses() {
		if string(s) != want[i] {
			t.Errorf("status %d = %s, want %s", i, s, want[i])
		}
	}
}

func TestCursor(t *testing.T) {
	tm := time.Date(2026, 3, 14, 9, 26, 53, 589793238, time.FixedZone("X", 3600))
	tests := []store.Cursor{
		{EventTime: tm, ID: "urn:uuid:1"},
		{EventTime: tm, ID: "id:with:colons and spaces/ünïcode"},
		{EventTime: time.Date(1, 1, 1, 0, 0, 0, 1e6, time.UTC), ID: "x"},
	}
	for _, c := range tests {
		token := c.String()
		got, err := store.ParseCursor(token)
		if err != nil || got.ID != c.ID || !got.EventTime.Equal(store.StoredTime(c.EventTime)) {
			t.Errorf("ParseCursor(%q) = %+v, %v; want %+v", token, got, err, c)
		}
	}
	if c, err := store.ParseCursor(""); err != nil || !c.IsZero() || (store.Cursor{}).String() != "" {
		t.Errorf(`ParseCursor("") = %+v, %v; want the zero cursor`, c, err)
	}
	for _, bad := range []string{"!!", "bm90LWEtY3Vyc29y", "MTIzOg", "eHg6aWQ"} {
		if _, err := store.ParseCursor(bad); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("ParseCursor(%q) error = %v, want ErrInvalid", bad, err)
		}
	}
	if err := (store.Cursor{ID: "x"}).Validate(); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("cursor without time: Validate = %v, want ErrInvalid", err)
	}
	if err := (store.Cursor{EventTime: tm}).Validate(); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("cursor without ID: Validate = %v, want ErrInvalid", err)
	}
}

func TestStoredTime(t *testing.T) {
	in := time.Date(2026, 3, 14, 10, 26, 53, 589793238, time.FixedZone("CET", 3600))
	got := store.StoredTime(in)
	want := time.Date(2026, 3, 14, 9, 26, 53, 589000000, time.UTC)
	if !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("StoredTime = %v, want %v", got, want)
	}
	if !store.StoredTime(time.Time{}).IsZero() {
		t.Error("StoredTime of the zero time is not zero")
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		err    error
		target error
		text   string
	}{
		{&store.ConflictError{EventID: "e1"}, store.ErrConflict, `event "e1"`},
		{&store.ConflictError{BatchID: "b1"}, store.ErrConflict, `batch "b1"`},
		{&store.ConflictError{SnapshotID: 7}, store.ErrConflict, "snapshot 7"},
		{&store.TransitionError{EventID: "e1", From: store.StatusProven, To: store.StatusRejected}, store.ErrInvalidTransition, "PROVEN to REJECTED"},
		{&store.TransitionError{BatchID: "b1", From: store.StatusAnchored, To: store.StatusRejected}, store.ErrInvalidTransition, `batch "b1"`},
	}
	for _, tc := range tests {
		wrapped := fmt.Errorf("context: %w", tc.err)
		if !errors.Is(wrapped, tc.target) {
			t.Errorf("%v does not match %v", tc.err, tc.target)
		}
		if errors.Is(wrapped, store.ErrNotFound) {
			t.Errorf("%v matches ErrNotFound", tc.err)
		}
		if got := tc.err.Error(); !strings.Contains(got, tc.text) {
			t.Errorf("%q does not mention %q", got, tc.text)
		}
	}
	var ce *store.ConflictError
	if !errors.As(fmt.Errorf("x: %w", &store.ConflictError{EventID: "e9"}), &ce) || ce.EventID != "e9" {
		t.Error("errors.As does not find the *ConflictError")
	}
}

func TestValidate(t *testing.T) {
	good := store.Batch{ID: "b", Circuit: "c", CircuitVersion: "1", Size: 2, Root: "r", Proof: []byte{1}}
	if err := good.Validate(); err != nil {
		t.Fatalf("valid batch: %v", err)
	}
	member := store.BatchMember{EventID: "e", Index: 1, Leaf: "l", BlindedCommitment: "c"}
	if err := good.ValidateMembers([]store.BatchMember{member}); err != nil {
		t.Fatalf("valid members: %v", err)
	}
	anchor := store.Anchor{BatchID: "b", TxID: "t", Channel: "c", BatchRoot: "r", Timestamp: time.Now()}
	if err := anchor.Validate(); err != nil {
		t.Fatalf("valid anchor: %v", err)
	}
	bad := []struct {
		name string
		err  error
	}{
		{"batch size 0", func() error { b := good; b.Size = 0; return b.Validate() }()},
		{"batch without circuit", func() error { b := good; b.Circuit = ""; return b.Validate() }()},
		{"batch input with NUL", func() error { b := good; b.PublicInputs = []string{"\x00"}; return b.Validate() }()},
		{"member without leaf", func() error { m := member; m.Leaf = ""; return good.ValidateMembers([]store.BatchMember{m}) }()},
		{"member negative index", func() error { m := member; m.Index = -1; return good.ValidateMembers([]store.BatchMember{m}) }()},
		{"anchor without tx", func() error { a := anchor; a.TxID = ""; return a.Validate() }()},
		{"anchor without time", func() error { a := anchor; a.Timestamp = time.Time{}; return a.Validate() }()},
		{"supplier upper-case key", (&store.Supplier{PublicKey: "AB"}).Validate()},
		{"supplier odd key", store.ValidatePublicKey("abc")},
		{"registry unknown kind", (&store.RegistrySnapshot{Kind: "x", Root: "r"}).Validate()},
		{"empty reason", store.ValidateReason("")},
	}
	for _, tc := range bad {
		if !errors.Is(tc.err, store.ErrInvalid) {
			t.Errorf("%s: error %v, want ErrInvalid", tc.name, tc.err)
		}
	}
}

func TestValidateIDs(t *testing.T) {
	for _, ids := range [][]string{nil, {}, {"e1"}, {"e1", "e1", strings.Repeat("x", store.MaxKeyLength)}} {
		if err := store.ValidateIDs("event ID", ids); err != nil {
			t.Errorf("ValidateIDs(%q) = %v, want nil", ids, err)
		}
	}
	tests := []struct {
		name string
		ids  []string
		says string // the error contains this
	}{
		{"empty", []string{"e1", ""}, "event ID 1 is empty"},
		{"too long", []string{strings.Repeat("x", store.MaxKeyLength+1)}, "event ID 0 is 1025 bytes"},
		{"not UTF-8", []string{"e1", "e2", "e\xff"}, "event ID 2 is not valid UTF-8"},
		{"NUL", []string{"e\x00"}, "event ID 0 contains a NUL byte"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := store.ValidateIDs("event ID", tc.ids)
			if !errors.Is(err, store.ErrInvalid) || !strings.Contains(fmt.Sprint(err), tc.says) {
				t.Errorf("ValidateIDs = %v, want ErrInvalid saying %q", err, tc.says)
			}
		})
	}
}
