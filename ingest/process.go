package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/provenant/provenant/claims"
	"github.com/provenant/provenant/epcis"
	"github.com/provenant/provenant/store"
	"github.com/provenant/provenant/supplier"
)

// DefaultMaxMessageBytes is the largest message value accepted by default.
const DefaultMaxMessageBytes = 4 << 20

// SupplierRegistry answers whether a supplier key is registered.
type SupplierRegistry interface {
	GetSupplier(ctx context.Context, publicKey string) (store.Supplier, error)
}

// Processor turns one Kafka message into the store events it carries, or a
// *RejectError. It holds no Kafka connection, so it is safe for concurrent
// use and testable alone.
type Processor struct {
	validator *epcis.Validator
	suppliers *supplierCache
	keys      keyCache
	maxBytes  int
}

// NewProcessor returns a Processor that checks suppliers against reg,
// caching answers for ttl (0 disables caching), and rejects values over
// maxBytes (DefaultMaxMessageBytes when 0).
func NewProcessor(reg SupplierRegistry, ttl time.Duration, maxBytes int) (*Processor, error) {
	v, err := epcis.NewValidator()
	if err != nil {
		return nil, err
	}
	if maxBytes <= 0 {
		maxBytes = DefaultMaxMessageBytes
	}
	return &Processor{validator: v, suppliers: newSupplierCache(reg, ttl), maxBytes: maxBytes}, nil
}

// Process checks m and returns its events ready to store. A *RejectError
// means the message must go to the dead-letter topic; any other error is a
// failure of the registry lookup, to be retried.
func (p *Processor) Process(ctx context.Context, m kafka.Message) ([]store.Event, error) {
	if len(m.Value) > p.maxBytes {
		return nil, reject(CodeOversize, fmt.Errorf("value is %d bytes, the limit is %d", len(m.Value), p.maxBytes))
	}
	pubHex, sigHeader := header(m, supplier.HeaderSupplier), header(m, supplier.HeaderSignature)
	switch {
	case pubHex == "":
		return nil, reject(CodeMissingHeader, fmt.Errorf("header %s is missing", supplier.HeaderSupplier))
	case sigHeader == "":
		return nil, reject(CodeMissingHeader, fmt.Errorf("header %s is missing", supplier.HeaderSignature))
	}
	name := fmt.Sprintf("%s/%d@%d", m.Topic, m.Partition, m.Offset)
	doc, err := p.validator.Validate(name, m.Value)
	if err != nil {
		var verr *epcis.ValidationError
		if errors.As(err, &verr) && malformed(verr) {
			return nil, reject(CodeMalformed, err)
		}
		return nil, reject(CodeInvalid, err)
	}
	if len(doc.Events) == 0 {
		return nil, reject(CodeInvalid, errors.New("the document holds no events"))
	}
	verifier, err := p.keys.parse(pubHex)
	if err != nil {
		return nil, reject(CodeBadHeader, err)
	}
	pub := verifier.PublicKey()
	sigs, err := supplier.DecodeSignatures(sigHeader)
	if err != nil {
		return nil, reject(CodeBadHeader, err)
	}
	if len(sigs) != len(doc.Events) {
		return nil, reject(CodeBadHeader, fmt.Errorf("%s holds %d signatures for %d events", supplier.HeaderSignature, len(sigs), len(doc.Events)))
	}
	known, err := p.suppliers.active(ctx, pub.String())
	if err != nil {
		return nil, err
	}
	if !known {
		return nil, reject(CodeUnknownSupplier, fmt.Errorf("supplier key %s is not registered", pub))
	}
	ctxJSON := doc.RawContext
	events := make([]store.Event, len(doc.Events))
	for i := range doc.Events {
		ev := &doc.Events[i]
		st, err := supplier.NewStatement(ev)
		if err != nil {
			return nil, rejectEvent(CodeInvalid, i, ev.EventID, err)
		}
		if err := verifier.Verify(st, sigs[i]); err != nil {
			return nil, rejectEvent(CodeBadSignature, i, st.Claims.EventID, err)
		}
		if events[i], err = storeEvent(ev, st, sigs[i], pub, ctxJSON, m); err != nil {
			return nil, rejectEvent(CodeInvalid, i, st.Claims.EventID, err)
		}
	}
	return events, nil
}

// storeEvent builds the store's record of one checked event.
func storeEvent(ev *epcis.Event, st supplier.Statement, sig supplier.EventSignature, pub supplier.PublicKey, ctxJSON json.RawMessage, m kafka.Message) (store.Event, error) {
	c := st.Claims
	// Without an eventID, the event's identity is its hash ID, which
	// NewStatement has computed already: hashing is a large part of the
	// cost of checking an event.
	hashID := c.EventID
	if ev.EventID != "" {
		var err error
		if hashID, err = ev.HashID(); err != nil {
			return store.Event{}, err
		}
	}
	claimsJSON, err := json.Marshal(c)
	if err != nil {
		return store.Event{}, err
	}
	saltBytes := sig.Salt.Bytes()
	private, err := json.Marshal(claims.Private{
		Event:          ev.Raw,
		Context:        ctxJSON,
		OriginFacility: st.Origin.Facility,
		Signature:      fmt.Sprintf("%x", sig.Signature),
		Salt:           fmt.Sprintf("%x", saltBytes[:]),
	})
	if err != nil {
		return store.Event{}, err
	}
	return store.Event{
		ID:           c.EventID,
		HashID:       hashID,
		Type:         c.Type,
		Action:       c.Action,
		BizStep:      c.BizStep,
		Disposition:  c.Disposition,
		EventTime:    c.EventTime,
		Products:     c.Products,
		OriginRegion: c.OriginRegion,
		Supplier:     pub.String(),
		Claims:       claimsJSON,
		Private:      private,
		Status:       store.StatusReceived,
		Topic:        m.Topic,
		Partition:    m.Partition,
		Offset:       m.Offset,
	}, nil
}

// header returns the value of the message's last header named key.
func header(m kafka.Message, key string) string {
	v := ""
	for _, h := range m.Headers {
		if h.Key == key {
			v = string(h.Value)
		}
	}
	return v
}

// keyCache remembers parsed supplier keys, prepared for verification:
// parsing checks that the point is in the prime-order subgroup, and a
// supplier.Verifier builds, on its first signature, a table of the key's
// multiples (about 50 KB) that makes every later check of that key about
// three times cheaper. Keys of unregistered suppliers never reach a
// signature check, so they never get a table. The cache holds valid keys
// only, and forgets them all when it reaches maxCachedKeys, so that a
// stream of made-up keys cannot grow it.
type keyCache struct {
	mu   sync.Mutex
	keys map[string]*supplier.Verifier
}

const maxCachedKeys = 1024

func (c *keyCache) parse(hexKey string) (*supplier.Verifier, error) {
	c.mu.Lock()
	v, ok := c.keys[hexKey]
	c.mu.Unlock()
	if ok {
		return v, nil
	}
	pub, err := supplier.ParsePublicKey(hexKey)
	if err != nil {
		return nil, err
	}
	v = pub.Verifier()
	c.mu.Lock()
	if c.keys == nil || len(c.keys) >= maxCachedKeys {
		c.keys = make(map[string]*supplier.Verifier)
	}
	if prev, ok := c.keys[hexKey]; ok {
		v = prev // another worker got here first: share its table
	} else {
		c.keys[hexKey] = v
	}
	c.mu.Unlock()
	return v, nil
}

// supplierCache remembers registry answers for a short while, so that a
// stream of messages from one supplier costs one lookup per ttl, and a
// registry change takes effect within ttl.
type supplierCache struct {
	reg SupplierRegistry
	ttl time.Duration

	mu      sync.Mutex
	entries map[string]supplierEntry
}

type supplierEntry struct {
	active  bool
	expires time.Time
}

func newSupplierCache(reg SupplierRegistry, ttl time.Duration) *supplierCache {
	return &supplierCache{reg: reg, ttl: ttl, entries: map[string]supplierEntry{}}
}

func (c *supplierCache) active(ctx context.Context, key string) (bool, error) {
	now := time.Now()
	c.mu.Lock()
	e, ok := c.entries[key]
	c.mu.Unlock()
	if ok && now.Before(e.expires) {
		return e.active, nil
	}
	s, err := c.reg.GetSupplier(ctx, key)
	active := err == nil && s.Active()
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return false, fmt.Errorf("supplier registry: %w", err)
	}
	if c.ttl > 0 {
		c.mu.Lock()
		c.entries[key] = supplierEntry{active: active, expires: now.Add(c.ttl)}
		c.mu.Unlock()
	}
	return active, nil
}

// malformed reports whether the value failed before EPCIS validation could
// start: not JSON, not an object, not an EPCIS document or event.
func malformed(verr *epcis.ValidationError) bool {
	for _, c := range []epcis.Code{epcis.CodeInvalidJSON, epcis.CodeNotObject, epcis.CodeUnknownType, epcis.CodeTooDeep, epcis.CodeTooLarge} {
		if verr.Has(c) {
			return true
		}
	}
	return false
}
