package ingest_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
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
// BenchmarkIngest and BenchmarkRawConsume consume b.N events, produced
// before the timer starts into an in-process broker (over TCP), as a fresh
// consumer group; each reports events/s. The timed span includes joining the
// group; start-ms and steady-events/s split that start off (see
// benchIngest). `provenant ingest` runs with a garbage-collection target of
// 400 (--gc-percent); set GOGC=400 to measure it so. The store is SQLite;
// -ingest.db postgres writes to a new database on the test server instead,
// whose own CPU cpu-µs/event (this process's) leaves out.
//
// -ingest.profile writes a CPU profile of the timed span alone, without the
// signing and producing before it (which -cpuprofile includes):
//
//	go test ./ingest -run '^$' -bench 'Ingest$/events=1$' -benchtime 20000x -ingest.profile cpu.out

// ingestProfile names the file for the CPU profile of BenchmarkIngest's
// timed span.
var ingestProfile = flag.String("ingest.profile", "", "write a CPU profile of BenchmarkIngest's timed span to `file`")

// ingestBacklog is how many events BenchmarkIngestAtScale stores before it
// starts the timer.
var ingestBacklog = flag.Int("ingest.backlog", 200_000, "events stored before BenchmarkIngestAtScale's timed span (`n`)")

// ingestDB names the store the ingest benchmarks write to.
var ingestDB = flag.String("ingest.db", "sqlite", "store of the ingest benchmarks: `sqlite` or postgres (a new database on the test server)")

// benchMsgs caches signed messages across benchmark runs, per number of
// events in a message: signing is the supplier's cost, not ingest's.
var benchMsgs struct {
	mu   sync.Mutex
	key  *supplier.Key
	msgs map[int][]kafka.Message
}

// benchShapes are the message shapes the benchmarks run: single-event
// messages, the worst case, where every per-message cost (Kafka, the
// document's envelope, the registry) falls on one event; and documents of
// 16 events, as suppliers batch their feeds.
var benchShapes = []int{1, 16}

// signedMessages returns the supplier key and n distinct signed messages of
// perMsg events each.
func signedMessages(b *testing.B, n, perMsg int) (*supplier.Key, []kafka.Message) {
	b.Helper()
	benchMsgs.mu.Lock()
	defer benchMsgs.mu.Unlock()
	if benchMsgs.key == nil {
		benchMsgs.key = newKey(b)
		benchMsgs.msgs = make(map[int][]kafka.Message)
	}
	cached := benchMsgs.msgs[perMsg]
	if have := len(cached); have < n {
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
					m, err := benchMsgs.key.SignMessage("bench", eventDoc((have+i)*perMsg, perMsg), nil)
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
		cached = append(cached, more...)
		benchMsgs.msgs[perMsg] = cached
	}
	return benchMsgs.key, cached[:n]
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
		BatchBytes:   1 << 20, // under the broker's message size limit
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
	// firstDone is when the first InsertEventGroups call returned (Unix
	// nanoseconds), firstN how many events it stored: the pipeline is full
	// from then on.
	firstDone, firstN atomic.Int64
	done              chan struct{}
	once              sync.Once
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
	if s.firstDone.CompareAndSwap(0, time.Now().UnixNano()) {
		s.firstN.Store(int64(n))
	}
	if s.stored.Add(int64(n)) >= s.want {
		s.once.Do(func() { close(s.done) })
	}
	return results, nil
}

// BenchmarkIngest times an Ingester (kafka-go group reader, checks with
// signature verification, SQLite store with the real sealer) from start
// until it has stored b.N pre-produced events, for each message shape.
func BenchmarkIngest(b *testing.B) {
	for _, perMsg := range benchShapes {
		b.Run(fmt.Sprintf("events=%d", perMsg), func(b *testing.B) { benchIngest(b, perMsg, 0) })
	}
}

// BenchmarkIngestAtScale is BenchmarkIngest with single-event messages into
// a store that already holds 200,000 events (-ingest.backlog; random IDs and
// products, as hash IDs and serial numbers are; stored before the timer
// starts). There every insert lands on its own leaf page of the ID and
// product indexes, the cost an empty store hides.
func BenchmarkIngestAtScale(b *testing.B) {
	benchIngest(b, 1, *ingestBacklog)
}

// fillBacklog stores n backlog events, in transactions of 1,000, and says on
// standard error how far it is after every 100,000 of a large backlog.
func fillBacklog(b *testing.B, ctx context.Context, st *sqlstore.Store, n int) {
	b.Helper()
	const per, every = 1000, 100_000
	for i := 0; i < n; i += per {
		if n > 2*every && i > 0 && i%every == 0 {
			fmt.Fprintf(os.Stderr, "backlog: %d of %d events stored\n", i, n)
		}
		groups := make([][]store.Event, 0, per)
		for j := i; j < min(i+per, n); j++ {
			groups = append(groups, []store.Event{storetest.RandomEvent(j)})
		}
		errs, err := st.InsertEventGroups(ctx, groups)
		if err == nil {
			err = errors.Join(errs...)
		}
		if err != nil {
			b.Fatalf("fill backlog: %v", err)
		}
	}
}

func benchIngest(b *testing.B, perMsg, backlog int) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	nMsgs := (b.N + perMsg - 1) / perMsg
	key, msgs := signedMessages(b, nMsgs, perMsg)
	addr := benchBroker(b, ctx, msgs)
	var url string
	switch *ingestDB {
	case "sqlite":
		url = storetest.SQLiteURL(b)
	case "postgres":
		url = storetest.PostgresURL(b)
	default:
		b.Fatalf("-ingest.db %q: want sqlite or postgres", *ingestDB)
	}
	st, err := sqlstore.Open(ctx, url, sqlstore.WithSealer(storetest.NewSealer(b)))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	if _, err := st.AddSupplier(ctx, store.Supplier{PublicKey: key.Public().String()}); err != nil {
		b.Fatal(err)
	}
	fillBacklog(b, ctx, st, backlog)
	events := nMsgs * perMsg
	cs := &countingStore{Store: st, want: int64(events), done: make(chan struct{})}
	in, err := ingest.New(ingest.Config{Brokers: []string{addr}, GroupID: "bench-ingest"}, cs)
	if err != nil {
		b.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)

	cpu0 := cpuTime()
	b.ResetTimer()
	start := time.Now()
	if *ingestProfile != "" {
		f, err := os.Create(*ingestProfile)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			b.Fatal(err)
		}
		defer pprof.StopCPUProfile() // also when the benchmark fails
	}
	go func() { done <- in.Run(runCtx) }()
	select {
	case <-cs.done:
	case err := <-done:
		b.Fatalf("ingester stopped: %v", err)
	case <-ctx.Done():
		b.Fatalf("stored %d of %d events: %v", cs.stored.Load(), events, ctx.Err())
	}
	b.StopTimer()
	end := time.Now()
	pprof.StopCPUProfile()

	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	// Where the time went: CPU of the whole process (ingester and broker)
	// and wall time inside the store's writes, per event.
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(events), "cpu-µs/event")
	b.ReportMetric(float64(cs.writing.Load())/1e3/float64(events), "store-µs/event")
	// The same rate without the start (joining the group, the first fetch,
	// the first batch through the pipeline): from the end of the first
	// store call to the end, the events stored after it.
	firstDone := time.Unix(0, cs.firstDone.Load())
	b.ReportMetric(float64(firstDone.Sub(start).Milliseconds()), "start-ms")
	if rest := int64(events) - cs.firstN.Load(); rest > 0 {
		b.ReportMetric(float64(rest)/end.Sub(firstDone).Seconds(), "steady-events/s")
	}
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
	_, msgs := signedMessages(b, b.N, 1)
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

// BenchmarkProcess times the Processor alone, the CPU that checking
// messages costs (no broker, no store), on one core, for a profile of the
// per-message path, for each message shape:
//
//	go test ./ingest -run '^$' -bench Process/events=1 -cpuprofile cpu.out
func BenchmarkProcess(b *testing.B) {
	for _, perMsg := range benchShapes {
		b.Run(fmt.Sprintf("events=%d", perMsg), func(b *testing.B) { benchProcess(b, perMsg) })
	}
}

func benchProcess(b *testing.B, perMsg int) {
	key, msgs := signedMessages(b, max(2000/perMsg, 8), perMsg)
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
		if err != nil || len(events) != perMsg {
			b.Fatalf("Process = %d events, %v; want %d", len(events), err, perMsg)
		}
		i++
	}
	// CPU time of the whole process (garbage collection included), which
	// other work on the machine disturbs less than the wall time.
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N*perMsg), "cpu-µs/event")
	b.ReportMetric(float64(b.N*perMsg)/b.Elapsed().Seconds(), "events/s")
}
