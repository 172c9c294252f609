package demo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/provenant/provenant/ingest"
)

// DeadLetter is one of the run's messages found on the dead-letter topic.
type DeadLetter struct {
	// Message is the message's index in the feed.
	Message int
	// Code is the reason's code, Reason the whole provenant-error header.
	Code   ingest.Code
	Reason string
	// Partition and Offset locate the dead letter.
	Partition int
	Offset    int64
}

// DeadLetters reads the dead letters of one run back: a kafka-go reader per
// partition of the dead-letter topic, from where each partition ended when
// the run began (its first offset for a partition that was not there) up to
// where it ends when Read is called, keeping the messages whose HeaderRun
// is the run's.
type DeadLetters struct {
	brokers []string
	topic   string
	run     string
	client  *kafka.Client
	next    map[int]int64 // per partition, the next offset to read
}

// readTimeout bounds one Read.
const readTimeout = 15 * time.Second

// NewDeadLetters marks where every partition of topic
// (ingest.DeadLetterTopic when empty) ends now and returns a reader of the
// run's dead letters from there. Call it before the run's messages are
// pushed. A topic that does not exist yet is read from its start once it
// does.
func NewDeadLetters(ctx context.Context, brokers []string, topic, run string) (*DeadLetters, error) {
	if len(brokers) == 0 {
		return nil, errNoBrokers
	}
	if topic == "" {
		topic = ingest.DeadLetterTopic
	}
	d := &DeadLetters{brokers: brokers, topic: topic, run: run, next: map[int]int64{},
		client: &kafka.Client{Addr: kafka.TCP(brokers...), Timeout: 10 * time.Second}}
	ends, err := d.ends(ctx)
	if err != nil {
		return nil, err
	}
	for p, end := range ends {
		d.next[p] = end
	}
	return d, nil
}

// ends returns the end offset of every partition of the topic; none when
// the topic does not exist.
func (d *DeadLetters) ends(ctx context.Context) (map[int]int64, error) {
	meta, err := d.client.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{d.topic}})
	if err != nil {
		return nil, fmt.Errorf("demo: dead-letter topic %s: %w", d.topic, err)
	}
	var reqs []kafka.OffsetRequest
	for _, t := range meta.Topics {
		if t.Name != d.topic {
			continue
		}
		if t.Error != nil {
			if errors.Is(t.Error, kafka.UnknownTopicOrPartition) {
				return nil, nil
			}
			return nil, fmt.Errorf("demo: dead-letter topic %s: %w", d.topic, t.Error)
		}
		for _, p := range t.Partitions {
			reqs = append(reqs, kafka.LastOffsetOf(p.ID))
		}
	}
	if len(reqs) == 0 {
		return nil, nil
	}
	offs, err := d.client.ListOffsets(ctx, &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{d.topic: reqs}})
	if err != nil {
		return nil, fmt.Errorf("demo: dead-letter topic %s: %w", d.topic, err)
	}
	ends := map[int]int64{}
	for _, po := range offs.Topics[d.topic] {
		if po.Error != nil {
			return nil, fmt.Errorf("demo: dead-letter topic %s partition %d: %w", d.topic, po.Partition, po.Error)
		}
		ends[po.Partition] = po.LastOffset
	}
	return ends, nil
}

// Read returns the run's dead letters written since the last Read (since
// NewDeadLetters the first time), up to the end of each partition now.
func (d *DeadLetters) Read(ctx context.Context) ([]DeadLetter, error) {
	ctx, cancel := context.WithTimeout(ctx, readTimeout)
	defer cancel()
	ends, err := d.ends(ctx)
	if err != nil {
		return nil, err
	}
	parts := make([]int, 0, len(ends))
	for p := range ends {
		parts = append(parts, p)
	}
	slices.Sort(parts)
	var out []DeadLetter
	for _, p := range parts {
		next, known := d.next[p]
		if !known {
			next = kafka.FirstOffset
		}
		if end := ends[p]; end <= 0 || (known && next >= end) {
			continue
		}
		got, err := d.readPartition(ctx, p, next, ends[p])
		out = append(out, got...)
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// readPartition reads partition p from offset next (or kafka.FirstOffset)
// up to end, exclusive.
func (d *DeadLetters) readPartition(ctx context.Context, p int, next, end int64) ([]DeadLetter, error) {
	r := kafka.NewReader(kafka.ReaderConfig{
		Brokers:   d.brokers,
		Topic:     d.topic,
		Partition: p,
		MinBytes:  1,
		MaxBytes:  16 << 20,
		MaxWait:   250 * time.Millisecond,
	})
	defer r.Close()
	if err := r.SetOffset(next); err != nil {
		return nil, fmt.Errorf("demo: dead-letter partition %d: %w", p, err)
	}
	var out []DeadLetter
	for {
		m, err := r.ReadMessage(ctx)
		if err != nil {
			return out, fmt.Errorf("demo: read dead-letter partition %d: %w", p, err)
		}
		d.next[p] = m.Offset + 1
		if i := messageIndex(m.Headers, d.run); i >= 0 {
			reason := header(m.Headers, ingest.HeaderError)
			code, _, _ := strings.Cut(reason, ":")
			out = append(out, DeadLetter{Message: i, Code: ingest.Code(code), Reason: reason, Partition: p, Offset: m.Offset})
		}
		if m.Offset+1 >= end {
			return out, nil
		}
	}
}
