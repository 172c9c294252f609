package ingest_test

// System tests: the provenant binary, built once per test run, runs as real
// processes (broker, ingest, supplier tools) talking Kafka over TCP, and the
// tests kill, stop and restart them while events flow. Each test then
// proves that the store holds every pushed event exactly once, that nothing
// went to the dead-letter topic, and that the group's committed offsets
// reached the end of every partition. They take tens of seconds each (a
// killed consumer's partitions move only when its session times out) and
// are skipped with -short.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/provenant/provenant/ingest"
	"github.com/provenant/provenant/store"
	"github.com/provenant/provenant/store/sqlstore"
	"github.com/provenant/provenant/store/storetest"
	"github.com/provenant/provenant/supplier"
)

// sysPartitions is the partition count of the topics the broker creates.
const sysPartitions = 4

// ---------------------------------------------------------------------------
// The binary

var bin struct {
	once sync.Once
	dir  string
	path string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if bin.dir != "" {
		os.RemoveAll(bin.dir)
	}
	os.Exit(code)
}

// provenantBin builds ./cmd/provenant once per test run and returns its path.
// It skips the calling test with -short.
func provenantBin(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("system test (builds the provenant binary, runs broker and ingest processes for tens of seconds): skipped with -short")
	}
	bin.once.Do(func() {
		bin.dir, bin.err = os.MkdirTemp("", "provenant-system-test-")
		if bin.err != nil {
			return
		}
		bin.path = filepath.Join(bin.dir, "provenant")
		cmd := exec.Command("go", "build", "-o", bin.path, "./cmd/provenant")
		cmd.Dir = ".." // the module root
		if out, err := cmd.CombinedOutput(); err != nil {
			bin.err = fmt.Errorf("go build ./cmd/provenant: %v\n%s", err, out)
		}
	})
	if bin.err != nil {
		t.Fatal(bin.err)
	}
	return bin.path
}

// childEnv is the environment of child processes: ours without PROVENANT_*
// variables, which would set flags behind the tests' backs.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PROVENANT_") {
			env = append(env, kv)
		}
	}
	return env
}

// dieWithTest has the kernel kill the child should the test process die
// first (a test binary killed by -timeout runs no cleanups), so that no
// broker or ingester outlives it: Linux's parent-death signal, set by
// reflection because the field exists on Linux and FreeBSD only.
func dieWithTest(cmd *exec.Cmd) {
	attr := &syscall.SysProcAttr{}
	if f := reflect.ValueOf(attr).Elem().FieldByName("Pdeathsig"); f.IsValid() && f.CanSet() {
		f.Set(reflect.ValueOf(syscall.SIGKILL))
	}
	cmd.SysProcAttr = attr
}

// ---------------------------------------------------------------------------
// Child processes

// output keeps what a child process writes, line by line.
type output struct {
	mu      sync.Mutex
	partial []byte
	lines   []string
}

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.partial = append(o.partial, p...)
	for {
		i := bytes.IndexByte(o.partial, '\n')
		if i < 0 {
			break
		}
		o.lines = append(o.lines, string(o.partial[:i]))
		o.partial = o.partial[i+1:]
	}
	return len(p), nil
}

// find returns the first value match finds in a line.
func (o *output) find(match func(line string) (string, bool)) (string, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, l := range o.lines {
		if v, ok := match(l); ok {
			return v, true
		}
	}
	return "", false
}

// count returns how many lines contain substr.
func (o *output) count(substr string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	n := 0
	for _, l := range o.lines {
		if strings.Contains(l, substr) {
			n++
		}
	}
	return n
}

func (o *output) tail(n int) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	lines := o.lines[max(0, len(o.lines)-n):]
	return strings.Join(lines, "\n") + string(o.partial)
}

// process is a running provenant command.
type process struct {
	name string
	args []string
	cmd  *exec.Cmd
	out  *output
	done chan struct{} // closed once the process has exited and been reaped
	err  error         // what Wait returned; read after done
}

// startProcess starts the binary with args. The test's cleanup kills it if
// it still runs, and shows its last output lines if the test failed.
func startProcess(t *testing.T, name string, args ...string) *process {
	t.Helper()
	p := &process{name: name, args: args, out: &output{}, done: make(chan struct{})}
	p.cmd = exec.Command(provenantBin(t), args...)
	p.cmd.Env = childEnv()
	dieWithTest(p.cmd)
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.kill()
		if t.Failed() || os.Getenv("SYSTEST_LOGS") != "" {
			t.Logf("--- %s (provenant %s), last output:\n%s", name, strings.Join(args, " "), p.out.tail(40))
		}
	})
	return p
}

// kill sends SIGKILL (kill -9) and waits until the process is gone.
func (p *process) kill() {
	_ = p.cmd.Process.Kill()
	<-p.done
}

// stop sends SIGTERM and waits for a clean exit.
func (p *process) stop(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM %s: %v", p.name, err)
	}
	select {
	case <-p.done:
		if p.err != nil {
			t.Errorf("%s exited with %v after SIGTERM, want a clean exit", p.name, p.err)
		}
	case <-time.After(time.Minute):
		p.kill()
		t.Fatalf("%s still ran a minute after SIGTERM", p.name)
	}
}

// exited reports whether the process has ended.
func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// waitOutput waits until match finds a value in a line of the output.
func (p *process) waitOutput(t *testing.T, ctx context.Context, what string, match func(string) (string, bool)) string {
	t.Helper()
	for {
		if v, ok := p.out.find(match); ok {
			return v
		}
		if p.exited() {
			t.Fatalf("%s exited (%v) before printing %s", p.name, p.err, what)
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s: no %s: %v", p.name, what, ctx.Err())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// runBinary runs the binary to completion and returns its standard output.
func runBinary(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, bin.path, args...)
	cmd.Env = childEnv()
	dieWithTest(cmd)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("provenant %s: %v\n%s", strings.Join(args[:min(2, len(args))], " "), err, stderr.String())
	}
	return string(out), nil
}

// ---------------------------------------------------------------------------
// The system under test

// system is one test's store, supplier key and documents; brokers and
// ingesters are started by the test.
type system struct {
	t        *testing.T
	dir      string
	storeURL string
	keyFile  string // the store's sealing key
	store    *sqlstore.Store
	supplier string // the supplier's signing key file
}

// newSystem creates a fresh SQLite store with its key, a supplier key, and
// registers the supplier with the registry command.
func newSystem(t *testing.T, ctx context.Context) *system {
	t.Helper()
	provenantBin(t)
	s := &system{t: t, dir: t.TempDir(), storeURL: storetest.SQLiteURL(t)}
	s.keyFile = filepath.Join(s.dir, "store.key")
	key, err := store.LoadOrCreateKey(s.keyFile)
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := store.NewSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	if s.store, err = sqlstore.Open(ctx, s.storeURL, sqlstore.WithSealer(sealer)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.store.Close() })

	s.supplier = filepath.Join(s.dir, "supplier.key")
	pub, err := runBinary(ctx, "supplier", "keygen", "--out", s.supplier)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := runBinary(ctx, "registry", "suppliers", "add", "--pubkey", strings.TrimSpace(pub), "--name", "system test",
		"--store", s.storeURL, "--store-key", s.keyFile, "--store-key-create=false"); err != nil {
		t.Fatal(err)
	}
	return s
}

// startBroker runs "provenant broker" on addr (port 0 picks one) with its
// data under dataDir and returns the process and the address it listens on.
func (s *system) startBroker(ctx context.Context, name, addr, dataDir string) (*process, string) {
	s.t.Helper()
	p := startProcess(s.t, name, "broker", "--addr", addr, "--data", dataDir, "--partitions", strconv.Itoa(sysPartitions), "--log-format", "json")
	listening := p.waitOutput(s.t, ctx, "its address", func(line string) (string, bool) {
		rest, ok := strings.CutPrefix(line, "broker listening on ")
		if !ok {
			return "", false
		}
		return strings.Fields(rest)[0], true
	})
	return p, listening
}

// ingester is a running "provenant ingest" process.
type ingester struct {
	*process
	admin string // host:port of its /metrics
}

// startIngest runs "provenant ingest" against brokerAddr and the store, its
// admin endpoint on a free port.
func (s *system) startIngest(ctx context.Context, name, brokerAddr string) *ingester {
	s.t.Helper()
	p := startProcess(s.t, name, "ingest", "--brokers", brokerAddr,
		"--store", s.storeURL, "--store-key", s.keyFile, "--store-key-create=false",
		"--admin-addr", "127.0.0.1:0", "--log-format", "json")
	admin := p.waitOutput(s.t, ctx, "its admin address", func(line string) (string, bool) {
		var rec struct {
			Msg  string `json:"msg"`
			Addr string `json:"addr"`
		}
		if json.Unmarshal([]byte(line), &rec) != nil || rec.Msg != "ingest admin endpoint" {
			return "", false
		}
		return rec.Addr, true
	})
	return &ingester{process: p, admin: admin}
}

// stored returns the ingester's provenant_ingest_events_stored_total.
func (in *ingester) stored(t *testing.T, ctx context.Context) int64 {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+in.admin+"/metrics", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s metrics: %v", in.name, err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "provenant_ingest_events_stored_total "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				t.Fatalf("%s metrics: %q: %v", in.name, sc.Text(), err)
			}
			return int64(f)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s metrics: %v", in.name, err)
	}
	t.Fatalf("%s metrics: no provenant_ingest_events_stored_total", in.name)
	return 0
}

// writeDocs writes n EPCIS documents of perDoc events each, the first
// numbered first, and returns their paths. Every event is distinct.
func (s *system) writeDocs(first, n, perDoc int) []string {
	s.t.Helper()
	dir := filepath.Join(s.dir, "docs")
	if err := os.MkdirAll(dir, 0o750); err != nil {
		s.t.Fatal(err)
	}
	files := make([]string, n)
	for i := range n {
		files[i] = filepath.Join(dir, fmt.Sprintf("doc-%06d.jsonld", first+i))
		if err := os.WriteFile(files[i], eventDoc((first+i)*perDoc, perDoc), 0o640); err != nil {
			s.t.Fatal(err)
		}
	}
	return files
}

// push signs the files and produces them, one message each, with
// "provenant supplier push" (kafka-go, one batched call, acks=all), and
// returns the identities of the events pushed.
func (s *system) push(ctx context.Context, brokerAddr string, files []string) ([]string, error) {
	out, err := runBinary(ctx, append([]string{"supplier", "push", "--key", s.supplier, "--brokers", brokerAddr}, files...)...)
	if err != nil {
		return nil, err
	}
	return strings.Fields(out), nil
}

// pushAsync runs push in the background.
func (s *system) pushAsync(ctx context.Context, brokerAddr string, files []string) <-chan pushResult {
	res := make(chan pushResult, 1)
	go func() {
		ids, err := s.push(ctx, brokerAddr, files)
		res <- pushResult{ids, err}
	}()
	return res
}

type pushResult struct {
	ids []string
	err error
}

func (s *system) count(ctx context.Context) int64 {
	s.t.Helper()
	counts, err := s.store.CountEventsByStatus(ctx)
	if err != nil {
		s.t.Fatal(err)
	}
	var n int64
	for _, c := range counts {
		n += c
	}
	return n
}

// waitStored waits until the store holds at least want events and
// returns how many it holds. It fails if the store holds more than limit.
func (s *system) waitStored(ctx context.Context, want, limit int64) int64 {
	s.t.Helper()
	for {
		n := s.count(ctx)
		if n > limit {
			s.t.Fatalf("the store holds %d events, but only %d were pushed", n, limit)
		}
		if n >= want {
			return n
		}
		select {
		case <-ctx.Done():
			s.t.Fatalf("the store holds %d events, want %d: %v", n, want, ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// checkExactlyOnce checks that the store holds exactly the events of ids,
// each once, all RECEIVED.
func (s *system) checkExactlyOnce(ctx context.Context, ids []string) {
	s.t.Helper()
	want := map[string]bool{}
	for _, id := range ids {
		if want[id] {
			s.t.Fatalf("the supplier pushed event %s twice; the test data must be distinct", id)
		}
		want[id] = true
	}
	counts, err := s.store.CountEventsByStatus(ctx)
	if err != nil {
		s.t.Fatal(err)
	}
	if counts[store.StatusReceived] != int64(len(ids)) || s.count(ctx) != int64(len(ids)) {
		s.t.Errorf("the store counts %v, want %d RECEIVED events and no others", counts, len(ids))
	}
	got := map[string]int{}
	var after store.Cursor
	for {
		page, err := s.store.ListEventsByStatus(ctx, store.StatusReceived, after, store.MaxPageSize)
		if err != nil {
			s.t.Fatal(err)
		}
		for _, e := range page {
			got[e.ID]++
		}
		if len(page) < store.MaxPageSize {
			break
		}
		after = page[len(page)-1].Cursor()
	}
	var missing, extra, twice []string
	for id := range want {
		if got[id] == 0 {
			missing = append(missing, id)
		}
	}
	for id, n := range got {
		if !want[id] {
			extra = append(extra, id)
		}
		if n > 1 {
			twice = append(twice, id)
		}
	}
	if len(missing) > 0 || len(extra) > 0 || len(twice) > 0 {
		slices.Sort(missing)
		s.t.Errorf("store vs pushed events: %d missing (%s), %d not pushed, %d listed twice",
			len(missing), strings.Join(missing[:min(5, len(missing))], ", "), len(extra), len(twice))
	}
}

// kafkaClient returns a client of the broker at addr.
func kafkaClient(addr string) *kafka.Client {
	return &kafka.Client{Addr: kafka.TCP(addr), Timeout: 10 * time.Second}
}

// endOffsets returns the end offset of every partition of topic.
func endOffsets(ctx context.Context, addr, topic string) (map[int]int64, error) {
	reqs := make([]kafka.OffsetRequest, sysPartitions)
	for p := range reqs {
		reqs[p] = kafka.LastOffsetOf(p)
	}
	resp, err := kafkaClient(addr).ListOffsets(ctx, &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{topic: reqs}})
	if err != nil {
		return nil, err
	}
	end := map[int]int64{}
	for _, po := range resp.Topics[topic] {
		if po.Error != nil {
			return nil, fmt.Errorf("%s/%d: %w", topic, po.Partition, po.Error)
		}
		end[po.Partition] = po.LastOffset
	}
	if len(end) != sysPartitions {
		return nil, fmt.Errorf("%s: offsets of %d partitions, want %d", topic, len(end), sysPartitions)
	}
	return end, nil
}

// checkNoDeadLetters checks that the dead-letter topic is empty.
func checkNoDeadLetters(t *testing.T, ctx context.Context, addr string) {
	t.Helper()
	end, err := endOffsets(ctx, addr, ingest.DeadLetterTopic)
	if err != nil {
		t.Fatalf("dead-letter topic: %v", err)
	}
	for p, n := range end {
		if n != 0 {
			t.Errorf("dead-letter partition %d holds %d messages, want none", p, n)
		}
	}
}

// committedOffsets returns the ingest group's committed offset of every
// partition of the events topic (-1: none yet).
func committedOffsets(ctx context.Context, addr string) (map[int]int64, error) {
	parts := make([]int, sysPartitions)
	for p := range parts {
		parts[p] = p
	}
	resp, err := kafkaClient(addr).OffsetFetch(ctx, &kafka.OffsetFetchRequest{GroupID: ingest.DefaultGroupID, Topics: map[string][]int{supplier.Topic: parts}})
	if err != nil {
		return nil, err
	}
	if errors.Is(resp.Error, kafka.GroupIdNotFound) {
		return map[int]int64{}, nil // the group has not committed anything yet
	}
	if resp.Error != nil {
		return nil, resp.Error
	}
	committed := map[int]int64{}
	for _, p := range resp.Topics[supplier.Topic] {
		if p.Error != nil {
			return nil, fmt.Errorf("partition %d: %w", p.Partition, p.Error)
		}
		committed[p.Partition] = p.CommittedOffset
	}
	return committed, nil
}

// waitCommitted waits until the ingest group has committed the end offset of
// every partition of the events topic: every message is accounted for.
func waitCommitted(t *testing.T, ctx context.Context, addr string) {
	t.Helper()
	var last string
	for {
		end, err := endOffsets(ctx, addr, supplier.Topic)
		if err == nil {
			var committed map[int]int64
			if committed, err = committedOffsets(ctx, addr); err == nil {
				behind := 0
				for p, e := range end {
					if c, ok := committed[p]; !ok || c != e {
						behind++
					}
				}
				if behind == 0 {
					return
				}
				last = fmt.Sprintf("committed %v, end %v", committed, end)
			}
		}
		if err != nil {
			last = err.Error()
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the group did not commit every message: %s", last)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// waitGroup waits until the ingest group is stable with n members that
// between them are assigned every partition of the events topic, each at
// least one.
func waitGroup(t *testing.T, ctx context.Context, addr string, n int) {
	t.Helper()
	var last string
	for {
		resp, err := kafkaClient(addr).DescribeGroups(ctx, &kafka.DescribeGroupsRequest{GroupIDs: []string{ingest.DefaultGroupID}})
		if err == nil && len(resp.Groups) == 1 && resp.Groups[0].Error == nil {
			g := resp.Groups[0]
			assigned := map[int]bool{}
			everyone := true
			for _, m := range g.Members {
				mine := 0
				for _, tp := range m.MemberAssignments.Topics {
					if tp.Topic == supplier.Topic {
						for _, p := range tp.Partitions {
							assigned[p] = true
							mine++
						}
					}
				}
				everyone = everyone && mine > 0
			}
			if g.GroupState == "Stable" && len(g.Members) == n && everyone && len(assigned) == sysPartitions {
				return
			}
			last = fmt.Sprintf("state %s, %d members, partitions %v assigned", g.GroupState, len(g.Members), assigned)
		} else if err != nil {
			last = err.Error()
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the ingest group did not settle with %d members: %s", n, last)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// ---------------------------------------------------------------------------
// The tests

// TestKillNineMidStream kills an ingest process with SIGKILL while it
// consumes and restarts it: the store ends up with every event exactly once.
func TestKillNineMidStream(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	sys := newSystem(t, ctx)
	_, addr := sys.startBroker(ctx, "broker", "127.0.0.1:0", filepath.Join(sys.dir, "kafka"))

	// Many small pushes make many small batches: more moments for the kill
	// to land between a store transaction and its commit.
	const docs, perDoc, chunk, beforeKill = 2000, 5, 50, 1200
	const total = docs * perDoc
	files := sys.writeDocs(0, docs, perDoc)
	first := sys.startIngest(ctx, "ingest-1", addr)

	// The supplier pushes 6,000 events, then, once the ingester has been
	// killed, the remaining 4,000: the kill lands mid-stream, and the
	// restarted process must also take events pushed after it.
	killed := make(chan struct{})
	pushed := make(chan pushResult, 1)
	go func() {
		var ids []string
		for i := 0; i < docs; i += chunk {
			if i == beforeKill {
				select {
				case <-killed:
				case <-ctx.Done():
					pushed <- pushResult{err: ctx.Err()}
					return
				}
			}
			got, err := sys.push(ctx, addr, files[i:i+chunk])
			if err != nil {
				pushed <- pushResult{err: err}
				return
			}
			ids = append(ids, got...)
		}
		pushed <- pushResult{ids: ids}
	}()

	// Kill once a third is stored, preferably at a moment when a batch is
	// stored but its offsets are not yet committed, so that the restarted
	// process gets messages whose events are in the store already (the
	// window is short: it is hit in some runs, and the log says so); by
	// half, kill regardless.
	var atKill, committedAtKill int64
	for {
		// The committed offsets first, then the count: a count above what
		// was committed means a stored batch whose commit has not landed.
		committed, err := committedOffsets(ctx, addr)
		if err != nil {
			t.Fatal(err)
		}
		committedAtKill = 0
		for _, c := range committed {
			committedAtKill += max(c, 0) * perDoc
		}
		atKill = sys.count(ctx)
		if atKill > total/3 && (atKill > committedAtKill || atKill >= total/2) {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the store holds %d events, want a third of %d: %v", atKill, total, ctx.Err())
		case <-time.After(time.Millisecond):
		}
	}
	first.kill()
	close(killed)
	if first.err == nil || !strings.Contains(first.err.Error(), "killed") {
		t.Fatalf("ingest-1 was not killed: %v", first.err)
	}
	afterKill := sys.count(ctx)
	t.Logf("killed ingest-1 with SIGKILL when the store held %d of %d events, %d of them committed (%d stored after the kill)",
		atKill, total, committedAtKill, afterKill)

	second := sys.startIngest(ctx, "ingest-2", addr)
	var res pushResult
	select {
	case res = <-pushed:
	case <-ctx.Done():
		t.Fatal("push did not finish:", ctx.Err())
	}
	if res.err != nil {
		t.Fatal(res.err)
	}
	if len(res.ids) != total {
		t.Fatalf("push printed %d event IDs, want %d", len(res.ids), total)
	}
	sys.waitStored(ctx, total, total)
	waitCommitted(t, ctx, addr)
	sys.checkExactlyOnce(ctx, res.ids)
	checkNoDeadLetters(t, ctx, addr)
	stored := second.stored(t, ctx)
	t.Logf("ingest-2 stored %d events after the restart: %d new, %d redelivered (stored, not yet committed at the kill) and stored again idempotently",
		stored, total-afterKill, stored-(total-afterKill))
	if stored < total-afterKill {
		t.Errorf("ingest-2 counts %d events stored, fewer than the %d it had to store", stored, total-afterKill)
	}
	second.stop(t)
}

// TestTwoIngestersSplitAndTakeOver runs two ingest processes in one group:
// both take a share of the partitions, and when one is stopped mid-stream
// the other takes over its partitions; every event is stored exactly once.
func TestTwoIngestersSplitAndTakeOver(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	sys := newSystem(t, ctx)
	_, addr := sys.startBroker(ctx, "broker", "127.0.0.1:0", filepath.Join(sys.dir, "kafka"))

	const docs, perDoc, phase = 1800, 5, 600
	const total = docs * perDoc
	files := sys.writeDocs(0, docs, perDoc)
	a := sys.startIngest(ctx, "ingest-a", addr)
	b := sys.startIngest(ctx, "ingest-b", addr)
	waitGroup(t, ctx, addr, 2)

	// Phase 1: both store a share.
	ids, err := sys.push(ctx, addr, files[:phase])
	if err != nil {
		t.Fatal(err)
	}
	sys.waitStored(ctx, phase*perDoc, total)
	storedA, storedB := a.stored(t, ctx), b.stored(t, ctx)
	t.Logf("phase 1: ingest-a stored %d events, ingest-b %d", storedA, storedB)
	if storedA == 0 || storedB == 0 {
		t.Fatalf("the partitions were not shared: ingest-a stored %d events, ingest-b %d", storedA, storedB)
	}
	if storedA+storedB < phase*perDoc {
		t.Errorf("the ingesters count %d events stored, fewer than the %d in the store", storedA+storedB, phase*perDoc)
	}

	// Phase 2: stop ingest-b (SIGTERM) once ingestion of the next push has
	// begun.
	phase2 := sys.pushAsync(ctx, addr, files[phase:2*phase])
	atStop := sys.waitStored(ctx, phase*perDoc+1, total)
	b.stop(t)
	t.Logf("phase 2: stopped ingest-b with %d of %d events stored", atStop, 2*phase*perDoc)
	res := <-phase2
	if res.err != nil {
		t.Fatal(res.err)
	}
	ids = append(ids, res.ids...)

	// Phase 3: ingest-a alone holds every partition and stores the rest.
	waitGroup(t, ctx, addr, 1)
	beforeA, before := a.stored(t, ctx), sys.count(ctx)
	res3, err := sys.push(ctx, addr, files[2*phase:])
	if err != nil {
		t.Fatal(err)
	}
	ids = append(ids, res3...)
	sys.waitStored(ctx, total, total)
	waitCommitted(t, ctx, addr)
	afterA := a.stored(t, ctx)
	if afterA-beforeA < total-before {
		t.Errorf("ingest-a stored %d events after ingest-b left, but %d were stored meanwhile", afterA-beforeA, total-before)
	}
	t.Logf("phase 3: ingest-a alone stored %d events (%d were missing)", afterA-beforeA, total-before)
	sys.checkExactlyOnce(ctx, ids)
	checkNoDeadLetters(t, ctx, addr)
	a.stop(t)
}

// TestBrokerRestartDuringIngest kills the broker (SIGKILL) twice under one
// ingest process and restarts it each time on the same address and data
// folder: first mid-ingestion, then while the ingester waits for messages,
// down long enough for kafka-go to give up its first attempts to rejoin the
// group and report the error to FetchMessage. The same ingest process
// resumes by itself both times and stores every event once.
func TestBrokerRestartDuringIngest(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	sys := newSystem(t, ctx)
	data := filepath.Join(sys.dir, "kafka")
	brk, addr := sys.startBroker(ctx, "broker-1", "127.0.0.1:0", data)

	const docs, perDoc, third = 1200, 5, 400
	const total = docs * perDoc
	files := sys.writeDocs(0, docs, perDoc)
	in := sys.startIngest(ctx, "ingest", addr)
	restart := func(name string) {
		t.Helper()
		var again string
		brk, again = sys.startBroker(ctx, name, addr, data)
		if again != addr {
			t.Fatalf("%s listens on %s, want %s", name, again, addr)
		}
	}

	// Outage 1: mid-ingestion.
	ids, err := sys.push(ctx, addr, files[:third])
	if err != nil {
		t.Fatal(err)
	}
	sys.waitStored(ctx, 1, total)
	brk.kill()
	t.Logf("outage 1: killed the broker with %d of the %d events pushed so far stored", sys.count(ctx), third*perDoc)
	restart("broker-2")
	more, err := sys.push(ctx, addr, files[third:2*third])
	if err != nil {
		t.Fatal(err)
	}
	ids = append(ids, more...)
	sys.waitStored(ctx, 2*third*perDoc, total)
	waitCommitted(t, ctx, addr)

	// Outage 2: the ingester is idle in FetchMessage. Once kafka-go has
	// failed MaxAttempts (3) times to reach the group coordinator, it hands
	// the error to FetchMessage; the ingester must treat it as transient.
	brk.kill()
	const gaveUp = "Unable to establish connection to consumer group coordinator"
	for in.out.count(gaveUp) < 3 {
		if in.exited() {
			t.Fatalf("the ingest process exited during the outage: %v", in.err)
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the ingester's reader did not report failing to reach the coordinator: %v", ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Logf("outage 2: the ingester's reader failed %d times to reach the coordinator", in.out.count(gaveUp))
	restart("broker-3")
	more, err = sys.push(ctx, addr, files[2*third:])
	if err != nil {
		t.Fatal(err)
	}
	ids = append(ids, more...)

	sys.waitStored(ctx, total, total)
	waitCommitted(t, ctx, addr)
	if in.exited() {
		t.Fatalf("the ingest process exited (%v); it must ride out a broker restart", in.err)
	}
	sys.checkExactlyOnce(ctx, ids)
	checkNoDeadLetters(t, ctx, addr)
	in.stop(t)
	brk.stop(t)
}
