package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/provenant/provenant/broker"
	"github.com/provenant/provenant/demo"
	"github.com/provenant/provenant/ingest"
	"github.com/provenant/provenant/services"
	"github.com/provenant/provenant/supplier"
)

// TestDemoPushesToADevFolder runs "demo --data" without watching against a
// dev folder's store and an embedded broker: the suppliers are registered
// once, their keys kept under the folder, and the messages pushed.
func TestDemoPushesToADevFolder(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b, err := broker.Start(ctx, "127.0.0.1:0", broker.WithTopics(broker.DefaultPartitions, supplier.Topic, ingest.DeadLetterTopic))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	data := t.TempDir()
	dev := services.DevConfig{DataDir: data}
	st, err := services.OpenStore(ctx, slog.New(slog.DiscardHandler), services.StoreConfig{URL: dev.StoreURL(), KeyFile: dev.StoreKeyFile(), CreateKey: true})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()

	args := []string{"demo", "--data", data, "--brokers", b.Addr(), "--suppliers", "2", "--events", "8", "--seed", "5", "--watch=false"}
	for round, want := range []string{"key created, registered", "key reused, already registered"} {
		code, out, errOut := runCLI(t, nil, args...)
		if code != 0 {
			t.Fatalf("round %d: exit %d\n%s\n%s", round, code, out, errOut)
		}
		for _, s := range []string{"Demo feed, seed 5", "Rheinland Hafer GmbH", "Prairie Grain Co.", want, "4 messages, sent raw", "Not watched"} {
			if !strings.Contains(out, s) {
				t.Errorf("round %d: the output lacks %q:\n%s", round, s, out)
			}
		}
	}
	for i := range 2 {
		if _, err := os.Stat(demo.KeyFile(filepath.Join(data, "demo-keys"), i)); err != nil {
			t.Error(err)
		}
	}
	st, err = services.OpenStore(ctx, slog.New(slog.DiscardHandler), services.StoreConfig{URL: dev.StoreURL(), KeyFile: dev.StoreKeyFile()})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sups, err := st.ListSuppliers(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(sups) != 2 {
		t.Errorf("suppliers %+v, want the 2 demo suppliers", sups)
	}
}

func TestDemoFlagErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nowhere")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"demo", "--data", missing}, "no dev system there"},
		{[]string{"demo", "--suppliers", "3", "--events", "2"}, "2 events, want 3"},
		{[]string{"demo", "--suppliers", "0"}, "0 suppliers"},
	} {
		code, _, errOut := runCLI(t, nil, tc.args...)
		if code != 1 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q, want %q", tc.args, code, errOut, tc.want)
		}
	}
}
