package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/provenant/provenant/circuits/batch"
	"github.com/provenant/provenant/ingest"
	"github.com/provenant/provenant/ledger/fabricnet"
	"github.com/provenant/provenant/services"
	"github.com/provenant/provenant/store"
	"github.com/provenant/provenant/supplier"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// system is a `provenant dev` process and what the test needs to talk to it.
type system struct {
	t       *testing.T
	bin     string
	dir     string
	broker  string
	api     string
	admin   string
	cmd     *exec.Cmd
	logFile *os.File
}

func (s *system) start(ctx context.Context) {
	s.t.Helper()
	s.cmd = exec.Command(s.bin, "dev", "--data", s.dir, "--broker-addr", s.broker, "--api-addr", s.api, "--admin-addr", s.admin,
		"--circuit", batch.ID(4), "--max-wait", "300ms", "--batch-timeout", "50ms", "--log-format", "json")
	s.cmd.Stdout, s.cmd.Stderr = s.logFile, s.logFile
	if err := s.cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	deadline := time.Now().Add(4 * time.Minute)
	for {
		resp, err := http.Get("http://" + s.admin + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("dev not ready; its log:\n%s", s.logTail())
		}
		if s.cmd.ProcessState != nil {
			s.t.Fatalf("dev exited; its log:\n%s", s.logTail())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func (s *system) logTail() string {
	b, _ := os.ReadFile(s.logFile.Name())
	if len(b) > 8000 {
		b = b[len(b)-8000:]
	}
	return string(b)
}

// kill9 kills dev without warning; its Fabric processes die with it.
func (s *system) kill9() {
	s.t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		s.t.Fatal(err)
	}
	s.cmd.Wait()
}

// stop interrupts dev as Ctrl-C does and waits for it.
func (s *system) stop() {
	if s.cmd == nil || s.cmd.ProcessState != nil {
		return
	}
	s.cmd.Process.Signal(os.Interrupt)
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		<-done
		s.t.Errorf("dev did not stop within 30 s of an interrupt")
	}
}

func (s *system) cli(ctx context.Context, args ...string) string {
	s.t.Helper()
	cmd := exec.CommandContext(ctx, s.bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		s.t.Fatalf("provenant %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

func (s *system) graphql(query string, vars map[string]any) map[string]any {
	s.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	resp, err := http.Post("http://"+s.api+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out struct {
		Data   map[string]any `json:"data"`
		Errors []any          `json:"errors"`
	}
	if err := json.Unmarshal(raw, &out); err != nil || len(out.Errors) > 0 {
		s.t.Fatalf("graphql %s: %s (%v)", query, raw, err)
	}
	return out.Data
}

// event is one EPCIS event document: an origin event at a facility when
// facility is set, else a shipping event.
func event(serial int, facility, region string) string {
	extra := `"action": "OBSERVE", "bizStep": "shipping", "readPoint": {"id": "urn:epc:id:sgln:4012345.00002.0"}`
	if facility != "" {
		extra = fmt.Sprintf(`"action": "ADD", "bizStep": "commissioning", "bizLocation": {"id": %q}, "ilmd": {"cbvmda:countryOfOrigin": %q}`, facility, region)
	}
	return fmt.Sprintf(`{"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
  "type": "ObjectEvent", "eventTime": "2026-07-01T%02d:%02d:%02d.000Z", "eventTimeZoneOffset": "+00:00",
  "epcList": ["urn:epc:id:sgtin:4012345.044444.%d"], %s}`, serial/3600, serial/60%60, serial%60, serial, extra)
}

func TestEndToEnd(t *testing.T) {
	root, err := fabricnet.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, ".fabric", "bin", "peer")); err != nil {
		t.Skip("Fabric binaries missing in <module root>/.fabric/bin: run `make fabric` to build them")
	}
	if _, err := exec.LookPath("kcat"); err != nil {
		t.Fatalf("kcat is not on PATH (%v): run `make tools` (scripts/ensure-tools.sh)", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 12*time.Minute)
	defer cancel()
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "provenant")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/provenant")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	logFile, err := os.Create(filepath.Join(tmp, "dev.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	s := &system{t: t, bin: bin, dir: filepath.Join(tmp, "data"), broker: freeAddr(t), api: freeAddr(t), admin: freeAddr(t), logFile: logFile}
	dev := services.DevConfig{DataDir: s.dir}
	s.start(ctx)
	defer s.stop()
	defer func() {
		if t.Failed() {
			t.Logf("dev log tail:\n%s", s.logTail())
		}
	}()

	// A supplier registers while dev runs.
	keyFile := filepath.Join(tmp, "supplier.key")
	pub := strings.TrimSpace(s.cli(ctx, "supplier", "keygen", "--out", keyFile))
	s.cli(ctx, "registry", "suppliers", "add", "--store", dev.StoreURL(), "--store-key", dev.StoreKeyFile(), "--pubkey", pub, "--name", "e2e")
	time.Sleep(1500 * time.Millisecond) // dev publishes the new supplier root within a second

	docs := filepath.Join(tmp, "events")
	os.MkdirAll(docs, 0o755)
	var valid, uncertified []string
	push := func(serial int, facility, region string, kcat bool) {
		t.Helper()
		file := filepath.Join(docs, fmt.Sprintf("e%d.json", serial))
		if err := os.WriteFile(file, []byte(event(serial, facility, region)), 0o644); err != nil {
			t.Fatal(err)
		}
		var out struct {
			EventIDs []string `json:"eventIDs"`
		}
		if err := json.Unmarshal([]byte(s.cli(ctx, "supplier", "sign", "--key", keyFile, "--format", "json", file)), &out); err != nil {
			t.Fatal(err)
		}
		if kcat {
			line := strings.TrimSpace(s.cli(ctx, "supplier", "sign", "--key", keyFile, "--brokers", s.broker, file))
			if sh, err := exec.CommandContext(ctx, "sh", "-c", line).CombinedOutput(); err != nil {
				t.Fatalf("%s: %v\n%s", line, err, sh)
			}
		} else {
			s.cli(ctx, "supplier", "push", "--key", keyFile, "--brokers", s.broker, file)
		}
		if facility == "urn:epc:id:sgln:9999999.00001.0" {
			uncertified = append(uncertified, out.EventIDs...)
		} else {
			valid = append(valid, out.EventIDs...)
		}
	}
	// Invalid input: malformed JSON and an unsigned event, sent raw.
	raw := func(value string, headers ...kafka.Header) {
		w := &kafka.Writer{Addr: kafka.TCP(s.broker), Topic: supplier.Topic, RequiredAcks: kafka.RequireAll}
		defer w.Close()
		if err := w.WriteMessages(ctx, kafka.Message{Key: []byte("bad"), Value: []byte(value), Headers: headers}); err != nil {
			t.Fatal(err)
		}
	}

	certified := services.DemoFacilities()[0]
	for i := range 12 {
		switch {
		case i%4 == 0:
			push(100+i, certified.Facility, certified.Region, i%2 == 0)
		case i == 5:
			push(100+i, "urn:epc:id:sgln:9999999.00001.0", "FR", false) // proven impossible: REJECTED
		default:
			push(100+i, "", "", i%3 == 0)
		}
	}
	raw(`{"type": "ObjectEvent",`, kafka.Header{Key: "provenant-supplier", Value: []byte(pub)},
		kafka.Header{Key: "provenant-signature", Value: []byte("v1;00:00")})
	raw(event(900, "", ""))

	// Kill -9 in the middle of the stream, once some events are anchored.
	waitAny(t, ctx, s, dev, store.StatusAnchored)
	s.kill9()
	s.start(ctx)
	for i := range 8 {
		push(200+i, "", "", i%2 == 0)
	}

	// Every valid event ends ANCHORED exactly once; the uncertified one
	// REJECTED; the two bad messages dead-lettered with their codes.
	st, err := services.OpenStore(ctx, slogDiscard(), services.StoreConfig{URL: dev.StoreURL(), KeyFile: dev.StoreKeyFile()})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, id := range valid {
		waitStatus(t, ctx, s, st, id, store.StatusAnchored)
	}
	for _, id := range uncertified {
		waitStatus(t, ctx, s, st, id, store.StatusRejected)
	}
	counts, err := st.CountEventsByStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if counts[store.StatusAnchored] != int64(len(valid)) || counts[store.StatusRejected] != int64(len(uncertified)) {
		t.Errorf("store counts %v, want %d ANCHORED and %d REJECTED", counts, len(valid), len(uncertified))
	}
	codes := deadLetters(t, ctx, s.broker)
	if codes["malformed"] < 1 || codes["missing-header"] < 1 {
		t.Errorf("dead-letter codes %v, want malformed and missing-header", codes)
	}

	// verifyEvent over HTTP is valid for each, checked against the ledger.
	for _, id := range valid {
		data := s.graphql(`query($id: ID!) { verifyEvent(id: $id) { valid checks { name ok detail } } }`, map[string]any{"id": id})
		if v := data["verifyEvent"].(map[string]any); v["valid"] != true {
			t.Errorf("verifyEvent(%s) = %v", id, v)
		}
	}
	// The audit of the dev ledger finds nothing: no batch anchored twice,
	// none missing.
	var rep struct {
		Anchors  int   `json:"anchors"`
		Verified int   `json:"verified"`
		Findings []any `json:"findings"`
	}
	if err := json.Unmarshal([]byte(s.cli(ctx, "audit", "--data", s.dir, "--json", "--log-level", "error")), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Anchors == 0 || rep.Verified != rep.Anchors || len(rep.Findings) > 0 {
		t.Errorf("audit: %+v", rep)
	}

	// Ctrl-C stops everything: no process of the network is left.
	s.stop()
	for _, p := range []string{"orderer", "peer-operator", "peer-authority", "cc-operator", "cc-authority"} {
		pidFile := filepath.Join(dev.FabricDir(), "run", p+".pid")
		if b, err := os.ReadFile(pidFile); err == nil {
			var pid int
			fmt.Sscan(string(b), &pid)
			if pid > 0 && syscall.Kill(pid, 0) == nil {
				t.Errorf("%s (pid %d) still runs after dev stopped", p, pid)
			}
		}
	}
}

func waitAny(t *testing.T, ctx context.Context, s *system, dev services.DevConfig, want store.Status) {
	t.Helper()
	st, err := services.OpenStore(ctx, slogDiscard(), services.StoreConfig{URL: dev.StoreURL(), KeyFile: dev.StoreKeyFile()})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for {
		counts, err := st.CountEventsByStatus(ctx)
		if err == nil && counts[want] > 0 {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("no event %s: %v\n%s", want, ctx.Err(), s.logTail())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func waitStatus(t *testing.T, ctx context.Context, s *system, st store.Store, id string, want store.Status) {
	t.Helper()
	var last store.Status
	for {
		e, err := st.GetEvent(ctx, id)
		if err == nil {
			last = e.Status
			if e.Status == want {
				return
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("event %s is %s, want %s\n%s", id, last, want, s.logTail())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// deadLetters reads the whole dead-letter topic and counts its codes.
func deadLetters(t *testing.T, ctx context.Context, broker string) map[string]int {
	t.Helper()
	conn, err := kafka.DialLeader(ctx, "tcp", broker, ingest.DeadLetterTopic, 0)
	if err != nil {
		t.Fatal(err)
	}
	parts, err := conn.ReadPartitions(ingest.DeadLetterTopic)
	conn.Close()
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]int{}
	for _, p := range parts {
		pc, err := kafka.DialLeader(ctx, "tcp", broker, ingest.DeadLetterTopic, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		last, err := pc.ReadLastOffset()
		if err != nil {
			t.Fatal(err)
		}
		for off := int64(0); off < last; off++ {
			if _, err := pc.Seek(off, kafka.SeekAbsolute); err != nil {
				t.Fatal(err)
			}
			pc.SetReadDeadline(time.Now().Add(10 * time.Second))
			m, err := pc.ReadMessage(1 << 20)
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range m.Headers {
				if h.Key == "provenant-error" {
					code, _, _ := strings.Cut(string(h.Value), ":")
					codes[code]++
				}
			}
		}
		pc.Close()
	}
	return codes
}

func slogDiscard() *slog.Logger { return slog.New(slog.DiscardHandler) }
