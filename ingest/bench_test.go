package ingest_test

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/provenant/provenant/broker"
	"github.com/provenant/provenant/ingest"
	"github.com/provenant/provenant/store"
	"github.com/provenant/provenant/store/sqlstore"
	"github.com/provenant/provenant/store/storetest"
	"github.com/provenant/provenant/supplier"
)

// Run with a fixed count, e.g.
//
//	go test ./ingest -run '^$' -bench . -benchtime 20000x
//
// Both benchmarks consume b.N single-event messages, produced before the
// timer starts into an in-process broker (over TCP), as a fresh consumer
// group; each reports events/s. The timed span includes joining the group.

// benchMsgs caches signed single-event messages across benchmark runs:
// signing is the supplier's cost, not ingest's.
var benchMsgs struct {
	mu   sync.Mutex
	key  *supplier.Key
	msgs []kafka.Message
}

// signedMessages returns the supplier key and n distinct signed messages of
// one event each.
func signedMessages(b *testing.B, n int) (*supplier.Key, []kafka.Message) {
	b.Helper()
	benchMsgs.mu.Lock()
	defer benchMsgs.mu.Unlock()
	if benchMsgs.key == nil {
		benchMsgs.key = newKey(b)
	}
	if have := len(benchMsgs.msgs); have < n {
		more := make([]kafka.Message, n-have)
		var wg sync.WaitGroup
		var next atomic.Int64
		errs := make(chan error, 1)
		for range runtime.GOMAXPROCS(0) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					i := int(next.Add(1)) - 1
					if i >= len(more) {
						return
					}
					m, err := benchMsgs.key.SignMessage("bench", eventDoc(have+i, 1), nil)
					if err != nil {
						select {
						case errs <- err:
						default:
						}
						return
					}
					more[i] = toKafka(m)
					more[i].Topic = ""
				}
			}()
		}
		wg.Wait()
		select {
		case err := <-errs:
			b.Fatal(err)
		default:
		}
		benchMsgs.msgs = append(benchMsgs.msgs, more...)
	}
	return benchMsgs.key, benchMsgs.msgs[:n]
}

// benchBroker starts an in-memory broker and produces msgs to the events
// topic.
func benchBroker(b *testing.B, ctx context.Context, msgs []kafka.Message) string {
	b.Helper()
	brk, err := broker.Start(ctx, "127.0.0.1:0", broker.WithTopics(broker.DefaultPartitions, supplier.Topic, ingest.DeadLetterTopic))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(brk.Close)
	w := &kafka.Writer{
		Addr:         kafka.TCP(brk.Addr()),
		Topic:        supplier.Topic,
		Balancer:     kafka.CRC32Balancer{},
		RequiredAcks: kafka.RequireAll,
		BatchSize:    1000,
		BatchBytes:   16 << 20,
		BatchTimeout: 5 * time.Millisecond,
	}
	defer w.Close()
	for i := 0; i < len(msgs); i += 10000 {
		if err := w.WriteMessages(ctx, msgs[i:min(i+10000, len(msgs))]...); err != nil {
			b.Fatal(err)
		}
	}
	return brk.Addr()
}

// countingStore tells when the store has taken want events, and how long
// its writes took.
type countingStore struct {
	*sqlstore.Store
	want    int64
	stored  atomic.Int64
	writing atomic.Int64 // nanoseconds in InsertEventGroups
	done    chan struct{}
	once    sync.Once
}

func (s *countingStore) InsertEventGroups(ctx context.Context, groups [][]store.Event) ([]error, error) {
	start := time.Now()
	results, err := s.Store.InsertEventGroups(ctx, groups)
	s.writing.Add(int64(time.Since(start)))
	if err != nil {
		return results, err
	}
	n := 0
	for i, r := range results {
		if r == nil {
			n += len(groups[i])
		}
	}
	if s.stored.Add(int64(n)) >= s.want {
		s.once.Do(func() { close(s.done) })
	}
	return results, nil
}

// BenchmarkIngest times an Ingester (kafka-go group reader, checks with
// signature verification, SQLite store with the real sealer) from start
// until it has stored b.N pre-produced events.
func BenchmarkIngest(b *testing.B) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	key, msgs := signedMessages(b, b.N)
	addr := benchBroker(b, ctx, msgs)
	st, err := sqlstore.Open(ctx, storetest.SQLiteURL(b), sqlstore.WithSealer(storetest.NewSealer(b)))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	if _, err := st.AddSupplier(ctx, store.Supplier{PublicKey: key.Public().String()}); err != nil {
		b.Fatal(err)
	}
	cs := &countingStore{Store: st, want: int64(b.N), done: make(chan struct{})}
	in, err := ingest.New(ingest.Config{Brokers: []string{addr}, GroupID: "bench-ingest"}, cs)
	if err != nil {
		b.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)

	cpu0 := cpuTime()
	b.ResetTimer()
	go func() { done <- in.Run(runCtx) }()
	select {
	case <-cs.done:
	case err := <-done:
		b.Fatalf("ingester stopped: %v", err)
	case <-ctx.Done():
		b.Fatalf("stored %d of %d events: %v", cs.stored.Load(), b.N, ctx.Err())
	}
	b.StopTimer()

	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	// Where the time went: CPU of the whole process (ingester and broker)
	// and wall time inside the store's writes, per event.
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/event")
	b.ReportMetric(float64(cs.writing.Load())/1e3/float64(b.N), "store-µs/event")
	stop()
	if err := <-done; err != nil {
		b.Fatal(err)
	}
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkRawConsume is the floor BenchmarkIngest is measured against: a
// plain kafka-go group Reader, configured like the Ingester's, fetching the
// same messages and committing them in batches of 256, doing nothing else.
func BenchmarkRawConsume(b *testing.B) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	_, msgs := signedMessages(b, b.N)
	addr := benchBroker(b, ctx, msgs)
	r := kafka.NewReader(kafka.ReaderConfig{
		Brokers:        []string{addr},
		GroupID:        "bench-raw",
		Topic:          supplier.Topic,
		MinBytes:       1,
		MaxBytes:       2*ingest.DefaultMaxMessageBytes + 1<<20,
		MaxWait:        500 * time.Millisecond,
		StartOffset:    kafka.FirstOffset,
		CommitInterval: 0,
	})
	defer r.Close()

	b.ResetTimer()
	batch := make([]kafka.Message, 0, 256)
	for range b.N {
		m, err := r.FetchMessage(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if batch = append(batch, m); len(batch) == cap(batch) {
			if err := r.CommitMessages(ctx, batch...); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	if len(batch) > 0 {
		if err := r.CommitMessages(ctx, batch...); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkProcess times the Processor alone, the CPU that checking one
// single-event message costs (no broker, no store), on one core, for a
// profile of the per-message path:
//
//	go test ./ingest -run '^$' -bench Process -cpuprofile cpu.out
func BenchmarkProcess(b *testing.B) {
	key, msgs := signedMessages(b, 2000)
	proc, err := ingest.NewProcessor(newRegistry(key), time.Minute, 0)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	// The key's first message, outside the timing: it builds the key's
	// verification table once.
	if _, err := proc.Process(ctx, msgs[0]); err != nil {
		b.Fatal(err)
	}
	i := 0
	cpu0 := cpuTime()
	for b.Loop() {
		events, err := proc.Process(ctx, msgs[i%len(msgs)])
		if err != nil || len(events) != 1 {
			b.Fatalf("Process = %d events, %v", len(events), err)
		}
		i++
	}
	// CPU time of the whole process (garbage collection included), which
	// other work on the machine disturbs less than the wall time.
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/event")
}
