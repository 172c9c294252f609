package broker_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/provenant/provenant/broker"
)

func produce(t *testing.T, ctx context.Context, addr, topic string, n int) {
	t.Helper()
	w := &kafka.Writer{Addr: kafka.TCP(addr), Topic: topic, RequiredAcks: kafka.RequireAll, BatchTimeout: 10 * time.Millisecond}
	defer w.Close()
	msgs := make([]kafka.Message, n)
	for i := range msgs {
		msgs[i] = kafka.Message{Key: []byte(fmt.Sprint(i)), Value: []byte(fmt.Sprintf("value-%d", i))}
	}
	if err := w.WriteMessages(ctx, msgs...); err != nil {
		t.Fatalf("produce: %v", err)
	}
}

func count(t *testing.T, ctx context.Context, addr, topic string) int {
	t.Helper()
	conn, err := kafka.DialContext(ctx, "tcp", addr)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer conn.Close()
	parts, err := conn.ReadPartitions(topic)
	if err != nil {
		t.Fatalf("partitions: %v", err)
	}
	total := 0
	for _, p := range parts {
		pc, err := kafka.DialLeader(ctx, "tcp", addr, topic, p.ID)
		if err != nil {
			t.Fatalf("dial leader: %v", err)
		}
		first, last, err := pc.ReadOffsets()
		pc.Close()
		if err != nil {
			t.Fatalf("offsets: %v", err)
		}
		total += int(last - first)
	}
	return total
}

func TestBrokerTopicsAndProduce(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b, err := broker.Start(ctx, "127.0.0.1:0", broker.WithTopics(3, "seeded"))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	conn, err := kafka.DialContext(ctx, "tcp", b.Addr())
	if err != nil {
		t.Fatal(err)
	}
	parts, err := conn.ReadPartitions("seeded")
	conn.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) != 3 {
		t.Fatalf("seeded topic has %d partitions, want 3", len(parts))
	}
	produce(t, ctx, b.Addr(), "seeded", 50)
	if got := count(t, ctx, b.Addr(), "seeded"); got != 50 {
		t.Fatalf("topic holds %d messages, want 50", got)
	}
}

func TestBrokerDurableAcrossRestart(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	dir := t.TempDir()
	b, err := broker.Start(ctx, "127.0.0.1:0", broker.WithDataDir(dir), broker.WithSyncWrites(), broker.WithTopics(2, "durable"))
	if err != nil {
		t.Fatal(err)
	}
	addr := b.Addr()
	produce(t, ctx, addr, "durable", 20)
	b.Close()

	b2, err := broker.Start(ctx, addr, broker.WithDataDir(dir), broker.WithTopics(2, "durable"))
	if err != nil {
		t.Fatal(err)
	}
	defer b2.Close()
	if got := count(t, ctx, b2.Addr(), "durable"); got != 20 {
		t.Fatalf("after restart the topic holds %d messages, want 20", got)
	}
}

func TestStartRejectsBadOptions(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		addr string
		opts []broker.Option
	}{
		{"no port", "127.0.0.1", nil},
		{"bad port", "127.0.0.1:http", nil},
		{"zero partitions", "127.0.0.1:0", []broker.Option{broker.WithTopics(0, "t")}},
		{"empty data dir", "127.0.0.1:0", []broker.Option{broker.WithDataDir("")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := broker.Start(ctx, tc.addr, tc.opts...)
			if err == nil {
				b.Close()
				t.Fatal("Start succeeded, want an error")
			}
		})
	}
}
