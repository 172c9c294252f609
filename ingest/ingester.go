package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/provenant/provenant/store"
	"github.com/provenant/provenant/supplier"
)

// Kafka names the ingest stage owns.
const (
	// DeadLetterTopic receives every rejected message, unchanged, with the
	// reason in HeaderError.
	DeadLetterTopic = "provenant.events.dlq.v1"
	// HeaderError carries "<code>: <message>" on a dead letter.
	HeaderError = "provenant-error"
	// HeaderSource carries "<topic>/<partition>@<offset>" of the rejected
	// message on a dead letter.
	HeaderSource = "provenant-source"
	// DefaultGroupID is the consumer group of ingest processes.
	DefaultGroupID = "provenant-ingest"
)

// Store is what ingest needs of the store.
type Store interface {
	SupplierRegistry
	// InsertEventGroups stores each group of events all or nothing and
	// returns, per group, nil (stored, or already stored identically) or
	// the error that refused it (a *store.ConflictError, store.ErrInvalid).
	// The error return is for failures of the whole call: nothing stored.
	InsertEventGroups(ctx context.Context, groups [][]store.Event) ([]error, error)
}

// Batch defaults. Each batch is stored in one transaction and committed
// with one fsync, so larger batches spread that cost over more events. The
// byte bound ends a batch at about a thousand events whatever the message
// shape: about 800 single-event messages, or 60 documents of 16 events.
// Against the former 256 messages, single-event messages store 2–16 % more
// events per second (docs/measurements.md); a batch of large documents no
// longer holds up to a gigabyte.
const (
	DefaultBatchSize  = 1024
	DefaultBatchBytes = 1 << 20
)

// Config configures an Ingester.
type Config struct {
	// Brokers are the Kafka bootstrap addresses.
	Brokers []string
	// GroupID is the consumer group (DefaultGroupID when empty).
	GroupID string
	// Topic is consumed (supplier.Topic when empty).
	Topic string
	// DeadLetterTopic receives rejects (DeadLetterTopic when empty).
	DeadLetterTopic string
	// MaxMessageBytes bounds a message value (DefaultMaxMessageBytes when 0).
	MaxMessageBytes int
	// BatchSize is how many messages are checked and stored together
	// (DefaultBatchSize when 0); BatchBytes bounds a batch's message values
	// in bytes (DefaultBatchBytes when 0): a batch stops growing once it
	// reaches either. BatchWait is how long to wait to fill a batch (50 ms
	// when 0).
	BatchSize  int
	BatchBytes int
	BatchWait  time.Duration
	// Workers check messages in parallel (GOMAXPROCS when 0).
	Workers int
	// SupplierCacheTTL is how long a registry answer is reused (2 s when 0;
	// negative disables the cache).
	SupplierCacheTTL time.Duration
}

func (c *Config) defaults() error {
	if len(c.Brokers) == 0 {
		return errors.New("ingest: no Kafka brokers")
	}
	if c.GroupID == "" {
		c.GroupID = DefaultGroupID
	}
	if c.Topic == "" {
		c.Topic = supplier.Topic
	}
	if c.DeadLetterTopic == "" {
		c.DeadLetterTopic = DeadLetterTopic
	}
	if c.BatchSize <= 0 {
		c.BatchSize = DefaultBatchSize
	}
	if c.BatchBytes <= 0 {
		c.BatchBytes = DefaultBatchBytes
	}
	if c.BatchWait <= 0 {
		c.BatchWait = 50 * time.Millisecond
	}
	if c.Workers <= 0 {
		c.Workers = runtime.GOMAXPROCS(0)
	}
	switch {
	case c.SupplierCacheTTL == 0:
		c.SupplierCacheTTL = 2 * time.Second
	case c.SupplierCacheTTL < 0:
		c.SupplierCacheTTL = 0
	}
	return nil
}

// Ingester consumes the events topic into the store.
type Ingester struct {
	cfg     Config
	store   Store
	proc    *Processor
	log     *slog.Logger
	metrics *Metrics
	reader  *kafka.Reader
	dlq     *kafka.Writer
}

// Option configures an Ingester.
type Option func(*Ingester) error

// WithLogger sets the logger.
func WithLogger(l *slog.Logger) Option {
	return func(in *Ingester) error {
		in.log = l
		return nil
	}
}

// WithMetrics records the ingester's metrics in m.
func WithMetrics(m *Metrics) Option {
	return func(in *Ingester) error {
		in.metrics = m
		return nil
	}
}

// New returns an Ingester reading cfg.Topic as a member of cfg.GroupID.
func New(cfg Config, st Store, opts ...Option) (*Ingester, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	proc, err := NewProcessor(st, cfg.SupplierCacheTTL, cfg.MaxMessageBytes)
	if err != nil {
		return nil, err
	}
	in := &Ingester{cfg: cfg, store: st, proc: proc, log: slog.New(slog.DiscardHandler)}
	for _, opt := range opts {
		if err := opt(in); err != nil {
			return nil, err
		}
	}
	if in.metrics == nil {
		in.metrics = NewMetrics(nil)
	}
	maxBytes := cfg.MaxMessageBytes
	if maxBytes <= 0 {
		maxBytes = DefaultMaxMessageBytes
	}
	in.reader = kafka.NewReader(kafka.ReaderConfig{
		Brokers:        cfg.Brokers,
		GroupID:        cfg.GroupID,
		Topic:          cfg.Topic,
		MinBytes:       1,
		MaxBytes:       2*maxBytes + 1<<20, // room for oversize messages, which are rejected, not stuck
		MaxWait:        500 * time.Millisecond,
		StartOffset:    kafka.FirstOffset,
		CommitInterval: 0, // commits are explicit, after the store write
		ErrorLogger:    kafka.LoggerFunc(func(msg string, args ...any) { in.log.Warn(fmt.Sprintf(msg, args...), "component", "kafka-reader") }),
	})
	in.dlq = &kafka.Writer{
		Addr:                   kafka.TCP(cfg.Brokers...),
		Topic:                  cfg.DeadLetterTopic,
		RequiredAcks:           kafka.RequireAll,
		BatchTimeout:           5 * time.Millisecond,
		BatchBytes:             int64(2*maxBytes + 1<<20),
		AllowAutoTopicCreation: true,
	}
	return in, nil
}

// Run consumes until ctx is done or a fatal error occurs. Store and
// dead-letter failures are retried with backoff; offsets are committed only
// once every message before them is stored or dead-lettered.
//
// Two stages overlap: while one batch is stored, dead-lettered and
// committed, the next one is fetched and checked. Batches reach the store
// stage one at a time, in the order they were fetched, and each is
// committed only after it is durable, so that a commit never covers a
// message that is not stored or dead-lettered.
func (in *Ingester) Run(ctx context.Context) error {
	defer in.dlq.Close()
	defer in.reader.Close()
	in.log.Info("ingest started", "topic", in.cfg.Topic, "group", in.cfg.GroupID, "brokers", in.cfg.Brokers)

	stageCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	checked := make(chan checkedBatch)
	var storeErr error
	storeDone := make(chan struct{})
	go func() {
		defer close(storeDone)
		storeErr = in.storeStage(stageCtx, checked)
		cancel()
	}()
	checkErr := in.checkStage(stageCtx, checked)
	cancel()
	<-storeDone // the reader is closed only once no commit is under way

	if ctx.Err() != nil {
		in.log.Info("ingest stopped")
		return nil
	}
	// A stage failed and stopped the other.
	if storeErr != nil && !errors.Is(storeErr, context.Canceled) {
		return storeErr
	}
	return checkErr
}

// checkedBatch is a fetched batch and, message by message, what checking
// it gave.
type checkedBatch struct {
	msgs     []kafka.Message
	outcomes []outcome
}

// checkStage fetches and checks batches and hands them to the store stage,
// until ctx is done.
func (in *Ingester) checkStage(ctx context.Context, out chan<- checkedBatch) error {
	for {
		b, err := in.fetchChecked(ctx)
		if err != nil {
			return err
		}
		select {
		case out <- b:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// storeStage settles the checked batches in order, until ctx is done.
func (in *Ingester) storeStage(ctx context.Context, batches <-chan checkedBatch) error {
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case b := <-batches:
			if err := in.settle(ctx, b.msgs, b.outcomes); err != nil {
				return err
			}
			in.metrics.Lag.Set(float64(in.reader.Stats().Lag))
		}
	}
}

// fetchChecked waits for one message, then gathers more for up to
// BatchWait, until the batch holds BatchSize messages or BatchBytes of
// values, and checks them. Each message goes to the check workers as soon
// as it is fetched, so that fetching a batch, which waits on the reader,
// overlaps checking it.
//
// The reader's errors are transient (kafka-go keeps reconnecting after it
// reports that a broker is unreachable, or a partition failed): they are
// logged and the wait goes on, so that a broker outage never ends the
// service. Only ctx ends the wait.
func (in *Ingester) fetchChecked(ctx context.Context) (checkedBatch, error) {
	var first kafka.Message
	err := retry(ctx, in.log, "fetch messages", func() error {
		var err error
		first, err = in.reader.FetchMessage(ctx)
		return err
	})
	if err != nil {
		return checkedBatch{}, fmt.Errorf("ingest: fetch: %w", err)
	}
	c := in.startCheck(ctx)
	c.add(first)
	size := len(first.Value)
	fillCtx, cancel := context.WithTimeout(ctx, in.cfg.BatchWait)
	defer cancel()
	for c.n < in.cfg.BatchSize && size < in.cfg.BatchBytes {
		m, err := in.reader.FetchMessage(fillCtx)
		if err != nil {
			break
		}
		c.add(m)
		size += len(m.Value)
	}
	in.metrics.Consumed.Add(float64(c.n))
	return c.wait()
}

// A checker runs the Processor over one batch on the configured workers,
// message by message as they are added. Registry failures are retried;
// they never turn into rejects.
type checker struct {
	msgs     []kafka.Message // BatchSize long; the first n are added
	outcomes []outcome       // by index in msgs
	n        int             // messages added, only ever read by the adder
	jobs     chan int        // indexes in msgs, as many as it holds
	wg       sync.WaitGroup

	mu       sync.Mutex
	firstErr error
}

// startCheck starts the workers of a batch.
func (in *Ingester) startCheck(ctx context.Context) *checker {
	c := &checker{
		msgs:     make([]kafka.Message, in.cfg.BatchSize),
		outcomes: make([]outcome, in.cfg.BatchSize),
		jobs:     make(chan int, in.cfg.BatchSize),
	}
	for range in.cfg.Workers {
		c.wg.Go(func() {
			for i := range c.jobs {
				// msgs[i] was written before i was sent: reading it
				// here is ordered by the channel.
				if err := in.checkOne(ctx, c.msgs[i], &c.outcomes[i]); err != nil {
					c.mu.Lock()
					if c.firstErr == nil {
						c.firstErr = err
					}
					c.mu.Unlock()
				}
			}
		})
	}
	return c
}

// add hands m to the workers; it never blocks.
func (c *checker) add(m kafka.Message) {
	c.msgs[c.n] = m
	c.jobs <- c.n
	c.n++
}

// wait waits for the workers to check every message added.
func (c *checker) wait() (checkedBatch, error) {
	close(c.jobs)
	c.wg.Wait()
	return checkedBatch{msgs: c.msgs[:c.n], outcomes: c.outcomes[:c.n]}, c.firstErr
}

// checkOne checks m into *o, retrying registry failures until ctx is done.
func (in *Ingester) checkOne(ctx context.Context, m kafka.Message, o *outcome) error {
	return retry(ctx, in.log, "check message", func() error {
		events, err := in.proc.Process(ctx, m)
		var rej *RejectError
		switch {
		case errors.As(err, &rej):
			*o = outcome{reject: rej}
		case err != nil:
			return err
		default:
			*o = outcome{events: events}
		}
		return nil
	})
}

// outcome is what checking one message gave.
type outcome struct {
	events []store.Event
	reject *RejectError
}

// settle stores, dead-letters and commits one checked batch.
func (in *Ingester) settle(ctx context.Context, batch []kafka.Message, outcomes []outcome) error {
	// Store every accepted message's events, one group per message.
	var groups [][]store.Event
	var groupOf []int
	for i, o := range outcomes {
		if o.reject == nil {
			groups = append(groups, o.events)
			groupOf = append(groupOf, i)
		}
	}
	if len(groups) > 0 {
		var results []error
		err := retry(ctx, in.log, "store events", func() error {
			var err error
			results, err = in.store.InsertEventGroups(ctx, groups)
			return err
		})
		if err != nil {
			return err
		}
		for g, gerr := range results {
			i := groupOf[g]
			if gerr == nil {
				in.metrics.Stored.Add(float64(len(groups[g])))
				continue
			}
			outcomes[i].reject = storeReject(gerr, groups[g])
		}
	}

	// Dead-letter the rejects.
	var dead []kafka.Message
	for i, o := range outcomes {
		if o.reject == nil {
			continue
		}
		m := batch[i]
		in.metrics.Rejected.WithLabelValues(string(o.reject.Code)).Inc()
		in.log.Warn("message rejected", "topic", m.Topic, "partition", m.Partition, "offset", m.Offset,
			"code", string(o.reject.Code), "event_id", o.reject.EventID, "err", o.reject.Error())
		dead = append(dead, deadLetter(m, o.reject))
	}
	if len(dead) > 0 {
		if err := retry(ctx, in.log, "write dead letters", func() error { return in.dlq.WriteMessages(ctx, dead...) }); err != nil {
			return err
		}
	}

	// Everything in the batch is durable: commit.
	if err := retry(ctx, in.log, "commit offsets", func() error { return in.reader.CommitMessages(ctx, batch...) }); err != nil {
		return err
	}
	return nil
}

// storeReject turns a store refusal of a message's events into a reject.
func storeReject(err error, events []store.Event) *RejectError {
	var conflict *store.ConflictError
	if errors.As(err, &conflict) {
		for i, e := range events {
			if e.ID == conflict.EventID {
				return rejectEvent(CodeConflict, i, e.ID, fmt.Errorf("event %s is already stored with other content", e.ID))
			}
		}
		return reject(CodeConflict, err)
	}
	return reject(CodeInvalid, err)
}

// deadLetter is the dead-letter copy of m: the same key, value and
// headers, plus the reason and the source position.
func deadLetter(m kafka.Message, r *RejectError) kafka.Message {
	headers := make([]kafka.Header, 0, len(m.Headers)+2)
	headers = append(headers, m.Headers...)
	headers = append(headers,
		kafka.Header{Key: HeaderError, Value: []byte(r.Error())},
		kafka.Header{Key: HeaderSource, Value: []byte(m.Topic + "/" + strconv.Itoa(m.Partition) + "@" + strconv.FormatInt(m.Offset, 10))},
	)
	return kafka.Message{Key: m.Key, Value: m.Value, Headers: headers}
}

// retry runs op until it succeeds or ctx is done, backing off from 100 ms
// to 5 s between tries.
func retry(ctx context.Context, log *slog.Logger, what string, op func() error) error {
	delay := 100 * time.Millisecond
	for attempt := 1; ; attempt++ {
		err := op()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		log.Warn("retrying", "op", what, "attempt", attempt, "err", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
		delay = min(2*delay, 5*time.Second)
	}
}
