package services_test

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/provenant/provenant/circuits/batch"
	"github.com/provenant/provenant/ledger/fabricnet"
	"github.com/provenant/provenant/services"
	"github.com/provenant/provenant/store"
	"github.com/provenant/provenant/supplier"
)

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a running
// system and the reads of the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestDevPipeline runs the development system, registers a supplier in its
// store while it runs, pushes a signed event, and waits until it is
// anchored; a second start on the same data resumes with the event still
// there.
func TestDevPipeline(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole pipeline with a Groth16 setup: skipped with -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	dir := t.TempDir()
	root, err := fabricnet.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, ".fabric", "bin", "peer")); err != nil {
		t.Skip("Fabric binaries missing in <module root>/.fabric/bin: run `make fabric` to build them")
	}
	cc := filepath.Join(t.TempDir(), "provenant-chaincode")
	build := exec.CommandContext(ctx, "go", "build", "-o", cc, "./chaincode/cmd/provenant-chaincode")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the chaincode server: %v\n%s", err, out)
	}
	cfg := services.DevConfig{
		DataDir:      dir,
		BrokerAddr:   freeAddr(t),
		AdminAddr:    freeAddr(t),
		APIAddr:      freeAddr(t),
		Circuit:      batch.ID(1),
		MaxWait:      100 * time.Millisecond,
		BatchTimeout: 50 * time.Millisecond,
		Chaincode:    []string{cc},
		Out:          &syncBuffer{},
	}
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	start := func() (context.CancelFunc, chan error) {
		runCtx, stop := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- services.RunDev(runCtx, log, cfg) }()
		return stop, done
	}
	stop, done := start()
	defer func() {
		stop()
		<-done
	}()

	// The store is usable by other processes as soon as dev has created it.
	key, err := supplier.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	var st store.Store
	for st == nil {
		if _, err := os.Stat(filepath.Join(dir, "store.key")); err == nil {
			st, err = services.OpenStore(ctx, log, services.StoreConfig{URL: cfg.StoreURL()})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			break
		}
		select {
		case err := <-done:
			t.Fatalf("dev stopped: %v\n%s", err, logs)
		case <-time.After(50 * time.Millisecond):
		}
	}
	if _, err := st.AddSupplier(ctx, store.Supplier{PublicKey: key.Public().String()}); err != nil {
		t.Fatal(err)
	}
	doc := []byte(`{"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
  "type": "ObjectEvent", "eventTime": "2026-06-01T10:00:00.000Z", "eventTimeZoneOffset": "+00:00",
  "epcList": ["urn:epc:id:sgtin:4012345.011111.77"], "action": "OBSERVE", "bizStep": "shipping",
  "readPoint": {"id": "urn:epc:id:sgln:4012345.00002.0"}}`)
	msg, err := key.SignMessage("event.json", doc, nil)
	if err != nil {
		t.Fatal(err)
	}
	waitStatus := func(want store.Status) {
		t.Helper()
		for {
			e, err := st.GetEvent(ctx, msg.EventIDs[0])
			if err == nil && e.Status == want {
				return
			}
			select {
			case err := <-done:
				t.Fatalf("dev stopped: %v\n%s", err, logs)
			case <-ctx.Done():
				t.Fatalf("event not %s: %v (last error %v)\n%s", want, ctx.Err(), err, logs)
			case <-time.After(100 * time.Millisecond):
			}
		}
	}
	// The broker may still be starting: push until it is accepted.
	for {
		p, err := supplier.NewPusher([]string{cfg.BrokerAddr}, "")
		if err != nil {
			t.Fatal(err)
		}
		pushCtx, cancelPush := context.WithTimeout(ctx, 5*time.Second)
		err = p.Push(pushCtx, msg)
		cancelPush()
		p.Close()
		if err == nil {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("dev stopped: %v\n%s", err, logs)
		case <-ctx.Done():
			t.Fatalf("push: %v", ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
	// The supplier was registered while dev ran: dev published the new
	// supplier root as the Authority, so the batch is anchored.
	waitStatus(store.StatusAnchored)

	// Stop and start again on the same data: the event is still anchored,
	// the ledger and the dev keys are reused, not made again.
	stop()
	if err := <-done; err != nil {
		t.Fatalf("dev stopped with %v", err)
	}
	keysBefore, _ := filepath.Glob(filepath.Join(dir, "keys", batch.ID(1), "*"))
	stop, done = start()
	for {
		resp, err := http.Get("http://" + cfg.AdminAddr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		select {
		case err := <-done:
			t.Fatalf("dev did not start again: %v\n%s", err, logs)
		case <-ctx.Done():
			t.Fatalf("dev not ready after the restart: %v", ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
	waitStatus(store.StatusAnchored)
	keysAfter, _ := filepath.Glob(filepath.Join(dir, "keys", batch.ID(1), "*"))
	if len(keysBefore) != 1 || len(keysAfter) != 1 || keysBefore[0] != keysAfter[0] {
		t.Errorf("dev keys %v before the restart, %v after: want the same single key pair", keysBefore, keysAfter)
	}
}
