package demo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/provenant/provenant/supplier"
)

// Headers the demo adds to every message it sends, so that it recognises
// its own messages among the dead letters (ingest copies every header of a
// rejected message to its dead letter). Ingest ignores them.
const (
	// HeaderRun carries the run's identifier (NewRunID).
	HeaderRun = "provenant-demo-run"
	// HeaderMessage carries the message's index in the feed.
	HeaderMessage = "provenant-demo-message"
)

// NewRunID returns a random identifier for one run of the demo: two runs
// of one seed send the same messages but tell their dead letters apart.
func NewRunID() string {
	var b [8]byte
	rand.Read(b[:]) // never fails
	return hex.EncodeToString(b[:])
}

// tagged returns m with the run's headers added.
func tagged(m supplier.Message, run string, index int) supplier.Message {
	h := make([]supplier.Header, 0, len(m.Headers)+2)
	h = append(h, m.Headers...)
	h = append(h, supplier.Header{Key: HeaderRun, Value: run}, supplier.Header{Key: HeaderMessage, Value: strconv.Itoa(index)})
	m.Headers = h
	return m
}

// Push sends the feed's messages (msgs, as Sign returns them) to topic
// (supplier.Topic when empty) on brokers: each supplier's good messages
// with a supplier.Pusher (batched, acks=all), as a supplier would, then the
// bad ones raw with a kafka-go writer. Every message carries HeaderRun and
// HeaderMessage. It writes a line per supplier to out (when not nil).
func Push(ctx context.Context, brokers []string, topic, run string, f *Feed, msgs []supplier.Message, out io.Writer) error {
	if len(msgs) != len(f.Messages) {
		return fmt.Errorf("demo: %d signed messages for a feed of %d", len(msgs), len(f.Messages))
	}
	if out == nil {
		out = io.Discard
	}
	if topic == "" {
		topic = supplier.Topic
	}
	p, err := supplier.NewPusher(brokers, topic)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	for s, prof := range f.Suppliers {
		var batch []supplier.Message
		events := 0
		for i := range f.Messages {
			if m := &f.Messages[i]; m.Supplier == s && m.Fault == FaultNone {
				batch = append(batch, tagged(msgs[i], run, i))
				events += len(m.Events)
			}
		}
		if len(batch) == 0 {
			continue
		}
		if err := p.Push(ctx, batch...); err != nil {
			p.Close()
			return fmt.Errorf("demo: %s: %w", prof.Name, err)
		}
		fmt.Fprintf(out, "  %-26s %3d messages, %4d events\n", prof.Name, len(batch), events)
	}
	if err := p.Close(); err != nil {
		return fmt.Errorf("demo: %w", err)
	}

	var raw []kafka.Message
	var faults []string
	for i := range f.Messages {
		if m := &f.Messages[i]; m.Fault != FaultNone {
			raw = append(raw, kafkaMessage(tagged(msgs[i], run, i)))
			faults = append(faults, string(m.Fault))
		}
	}
	if len(raw) == 0 {
		return nil
	}
	w := &kafka.Writer{
		Addr:                   kafka.TCP(brokers...),
		Topic:                  topic,
		Balancer:               kafka.CRC32Balancer{},
		RequiredAcks:           kafka.RequireAll,
		BatchTimeout:           10 * time.Millisecond,
		AllowAutoTopicCreation: true,
	}
	err = w.WriteMessages(ctx, raw...)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("demo: send the bad messages: %w", err)
	}
	fmt.Fprintf(out, "  %-26s %3d messages, sent raw: %s\n", "bad messages", len(raw), strings.Join(faults, ", "))
	return nil
}

// kafkaMessage returns m as kafka-go sends it.
func kafkaMessage(m supplier.Message) kafka.Message {
	km := kafka.Message{Key: []byte(m.Key), Value: m.Value}
	for _, h := range m.Headers {
		km.Headers = append(km.Headers, kafka.Header{Key: h.Key, Value: []byte(h.Value)})
	}
	return km
}

// messageIndex reads HeaderMessage of a message of run, or -1 when the
// message is not one of run's.
func messageIndex(headers []kafka.Header, run string) int {
	if header(headers, HeaderRun) != run {
		return -1
	}
	i, err := strconv.Atoi(header(headers, HeaderMessage))
	if err != nil || i < 0 {
		return -1
	}
	return i
}

// header returns the value of the last header named key.
func header(headers []kafka.Header, key string) string {
	v := ""
	for _, h := range headers {
		if h.Key == key {
			v = string(h.Value)
		}
	}
	return v
}

// errNoBrokers reports a configuration without brokers.
var errNoBrokers = errors.New("demo: no Kafka brokers")
