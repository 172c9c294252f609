package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/provenant/provenant/store"
	"github.com/provenant/provenant/store/sqlstore"
)

// Open a development store with a key file created on first run, insert an event, and tell
// a repeat from a conflicting write.
func Example() {
	dir, err := os.MkdirTemp("", "provenant-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()

	key, err := store.LoadOrCreateKey(filepath.Join(dir, "store.key"))
	if err != nil {
		log.Fatal(err)
	}
	sealer, err := store.NewSealer(key)
	if err != nil {
		log.Fatal(err)
	}
	s, err := sqlstore.Open(ctx, "sqlite://"+filepath.Join(dir, "data", "provenant.db"), sqlstore.WithSealer(sealer))
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	e := store.Event{
		ID:        "urn:uuid:6f0c2b4e-8a1d-4f3e-9b7a-2c5d8e1f0a3b",
		Type:      "ObjectEvent",
		Action:    "OBSERVE",
		EventTime: time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC),
		Products:  []string{"urn:epc:id:sgtin:0614141.107346.2017"},
		Supplier:  "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a",
		Claims:    []byte(`{"type":"ObjectEvent"}`),
		Private:   []byte(`{"lot":"A-17"}`),
	}
	for range 2 {
		inserted, err := s.InsertEvent(ctx, e)
		fmt.Println("inserted:", inserted, "error:", err)
	}

	e.Private = []byte(`{"lot":"B-02"}`)
	_, err = s.InsertEvent(ctx, e)
	var conflict *store.ConflictError
	if errors.As(err, &conflict) {
		fmt.Println("conflict on", conflict.EventID)
	}
	// Output:
	// inserted: true error: <nil>
	// inserted: false error: <nil>
	// conflict on urn:uuid:6f0c2b4e-8a1d-4f3e-9b7a-2c5d8e1f0a3b
}
