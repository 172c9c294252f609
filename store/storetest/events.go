package storetest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/provenant/provenant/store"
)

// RandomEvent returns the i-th of a stream of RECEIVED events of realistic
// size (about 1.5 KB) whose IDs and products are in random order, as CBV
// hash IDs and serial numbers are, so that inserting many of them lands on
// scattered pages of the ID and product indexes, as production traffic
// does. The same i always gives the same event.
func RandomEvent(i int) store.Event {
	sum := sha256.Sum256([]byte(strconv.Itoa(i)))
	id := "ni:///sha-256;" + hex.EncodeToString(sum[:]) + "?ver=CBV2.0"
	return store.Event{
		ID:          id,
		HashID:      id,
		Type:        "ObjectEvent",
		Action:      "OBSERVE",
		BizStep:     "shipping",
		Disposition: "in_transit",
		EventTime:   time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Millisecond),
		Products:    []string{fmt.Sprintf("urn:epc:id:sgtin:4012345.011111.%x", sum[:6])},
		Supplier:    strings.Repeat("5a", 32),
		Claims:      []byte(`{"eventID":"` + id + `","type":"ObjectEvent","action":"OBSERVE","bizStep":"shipping"}`),
		Private:     bytes.Repeat([]byte("p"), 1200),
		Status:      store.StatusReceived,
		Topic:       "provenant.events.v1",
		Offset:      int64(i),
	}
}
