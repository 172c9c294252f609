package supplier

import (
	"encoding/hex"
	"fmt"
	"io"
	"strings"

	"github.com/provenant/provenant/epcis"
	"github.com/provenant/provenant/field"
)

// Kafka names that suppliers and the platform agree on.
const (
	// Topic is where suppliers push events.
	Topic = "provenant.events.v1"
	// HeaderSupplier carries the supplier's public key (hex).
	HeaderSupplier = "provenant-supplier"
	// HeaderSignature carries the per-event signatures and salts.
	HeaderSignature = "provenant-signature"
	// signatureVersion starts every signature header.
	signatureVersion = "v1"
)

// MaxEventsPerMessage bounds the events one message may carry.
const MaxEventsPerMessage = 10000

// EncodeSignatures returns the provenant-signature header value for the
// events of one message, in document order.
func EncodeSignatures(sigs []EventSignature) string {
	var b strings.Builder
	b.Grow(len(signatureVersion) + len(sigs)*(1+2*SignatureSize+1+2*field.Bytes))
	b.WriteString(signatureVersion)
	for _, s := range sigs {
		b.WriteByte(';')
		b.WriteString(s.String())
	}
	return b.String()
}

// DecodeSignatures parses a provenant-signature header value.
func DecodeSignatures(v string) ([]EventSignature, error) {
	parts := strings.Split(v, ";")
	if parts[0] != signatureVersion {
		return nil, fmt.Errorf("%s header: version %q, want %q", HeaderSignature, truncate(parts[0]), signatureVersion)
	}
	parts = parts[1:]
	if len(parts) == 0 {
		return nil, fmt.Errorf("%s header: no signatures", HeaderSignature)
	}
	if len(parts) > MaxEventsPerMessage {
		return nil, fmt.Errorf("%s header: %d signatures, at most %d", HeaderSignature, len(parts), MaxEventsPerMessage)
	}
	sigs := make([]EventSignature, len(parts))
	for i, p := range parts {
		sigHex, saltHex, ok := strings.Cut(p, ":")
		if !ok {
			return nil, fmt.Errorf("%s header: entry %d: want <signature>:<salt>", HeaderSignature, i)
		}
		sig, err := hex.DecodeString(sigHex)
		if err != nil || len(sig) != SignatureSize {
			return nil, fmt.Errorf("%s header: entry %d: signature must be %d bytes of hex", HeaderSignature, i, SignatureSize)
		}
		saltBytes, err := hex.DecodeString(saltHex)
		if err != nil {
			return nil, fmt.Errorf("%s header: entry %d: salt: %w", HeaderSignature, i, err)
		}
		salt, err := field.Parse(saltBytes)
		if err != nil {
			return nil, fmt.Errorf("%s header: entry %d: salt: %w", HeaderSignature, i, err)
		}
		sigs[i] = EventSignature{Signature: sig, Salt: salt}
	}
	return sigs, nil
}

func truncate(s string) string {
	if len(s) > 16 {
		return s[:16] + "…"
	}
	return s
}

// Header is one Kafka message header.
type Header struct {
	Key   string
	Value string
}

// Message is a signed Kafka message, ready for any Kafka client to send on
// Topic.
type Message struct {
	Key     string
	Value   []byte
	Headers []Header
	// EventIDs are the identities of the message's events, in order.
	EventIDs []string
}

// SignMessage signs every event of value, an EPCIS 2.0 JSON-LD document or
// single event named name (for errors), with fresh salts from r
// (crypto/rand when nil). The value is carried unchanged.
func (k *Key) SignMessage(name string, value []byte, r io.Reader) (Message, error) {
	doc, err := epcis.Parse(name, value)
	if err != nil {
		return Message{}, err
	}
	if len(doc.Events) == 0 {
		return Message{}, fmt.Errorf("%s: no events to sign", name)
	}
	if len(doc.Events) > MaxEventsPerMessage {
		return Message{}, fmt.Errorf("%s: %d events, at most %d per message", name, len(doc.Events), MaxEventsPerMessage)
	}
	sigs := make([]EventSignature, len(doc.Events))
	ids := make([]string, len(doc.Events))
	for i := range doc.Events {
		st, err := NewStatement(&doc.Events[i])
		if err != nil {
			return Message{}, fmt.Errorf("%s: %w", name, err)
		}
		if sigs[i], err = k.Sign(st, r); err != nil {
			return Message{}, fmt.Errorf("%s: %w", name, err)
		}
		ids[i] = st.Claims.EventID
	}
	return Message{
		Key:   MessageKey(doc),
		Value: value,
		Headers: []Header{
			{Key: HeaderSupplier, Value: k.Public().String()},
			{Key: HeaderSignature, Value: EncodeSignatures(sigs)},
		},
		EventIDs: ids,
	}, nil
}

// MessageKey returns the Kafka key of a message carrying doc: the first
// product identifier of its first event, normalised, so that every event of
// one product lands in one partition, in order. A document without product
// identifiers is keyed by its first event's identity.
func MessageKey(doc *epcis.Document) string {
	for i := range doc.Events {
		if ps := doc.Events[i].Products(); len(ps) > 0 {
			return epcis.NormalizeEPC(ps[0])
		}
	}
	if len(doc.Events) > 0 {
		if id, err := doc.Events[0].Identity(); err == nil {
			return id
		}
	}
	return ""
}
