package supplier

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/segmentio/kafka-go"
)

// Pusher produces signed messages to the events topic with kafka-go,
// batched, waiting for every in-sync replica to acknowledge (acks=all).
type Pusher struct {
	w *kafka.Writer
}

// NewPusher returns a Pusher producing to topic (Topic when empty) on the
// given brokers.
func NewPusher(brokers []string, topic string) (*Pusher, error) {
	if len(brokers) == 0 {
		return nil, errors.New("push: no Kafka brokers")
	}
	if topic == "" {
		topic = Topic
	}
	return &Pusher{w: &kafka.Writer{
		Addr:                   kafka.TCP(brokers...),
		Topic:                  topic,
		Balancer:               kafka.CRC32Balancer{}, // the partitioner of librdkafka (kcat), so both place a key alike
		RequiredAcks:           kafka.RequireAll,
		BatchTimeout:           10 * time.Millisecond,
		BatchBytes:             16 << 20,
		AllowAutoTopicCreation: true,
	}}, nil
}

// Push produces msgs in one batched call and returns once all are
// acknowledged.
func (p *Pusher) Push(ctx context.Context, msgs ...Message) error {
	out := make([]kafka.Message, len(msgs))
	for i, m := range msgs {
		headers := make([]kafka.Header, len(m.Headers))
		for j, h := range m.Headers {
			headers[j] = kafka.Header{Key: h.Key, Value: []byte(h.Value)}
		}
		out[i] = kafka.Message{Key: []byte(m.Key), Value: m.Value, Headers: headers}
	}
	if err := p.w.WriteMessages(ctx, out...); err != nil {
		return fmt.Errorf("push %d messages: %w", len(out), err)
	}
	return nil
}

// Close flushes and closes the producer.
func (p *Pusher) Close() error { return p.w.Close() }
