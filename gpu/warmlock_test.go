//go:build unix

package gpu

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

// TestLockWarmUp: a second holder waits for the first (flock locks are per
// open file, so two opens in one process exclude each other as two
// processes do), and a waiter gives up when its context ends.
func TestLockWarmUp(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gpu.lock")
	release, err := lockWarmUp(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := lockWarmUp(ctx, path); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second lock while held: %v, want DeadlineExceeded", err)
	}

	got := make(chan error, 1)
	go func() {
		r, err := lockWarmUp(context.Background(), path)
		if err == nil {
			r()
		}
		got <- err
	}()
	select {
	case err := <-got:
		t.Fatalf("second lock returned (%v) while the first is held", err)
	case <-time.After(100 * time.Millisecond):
	}
	release()
	select {
	case err := <-got:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("second lock still waiting after the first was released")
	}
}

func TestLockWarmUpBadPath(t *testing.T) {
	if _, err := lockWarmUp(context.Background(), filepath.Join(t.TempDir(), "missing", "gpu.lock")); err == nil {
		t.Fatal("lock in a missing folder: no error")
	}
}
