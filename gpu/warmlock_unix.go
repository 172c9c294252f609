//go:build unix

package gpu

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"
)

// lockWarmUp takes the exclusive advisory lock (flock) on the file at path,
// creating it, and returns its release. It waits while another process
// holds the lock, polling until ctx is done.
//
// A process's first ICICLE proof warms the device up: gnark allocates half
// of the device's free memory for a moment. Provers that start together on
// one GPU fail that allocation (EIcicleError.AllocationFailed, a panic on
// ICICLE's goroutine that ends the process), so the first proof of each
// takes this lock.
func lockWarmUp(ctx context.Context, path string) (release func(), err error) {
	// Read-only: flock needs no write access, so a lock file that another
	// user made (say 0644 under /tmp) serves every user.
	f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE, 0o666)
	if err != nil {
		return nil, fmt.Errorf("gpu warm-up lock: %w", err)
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() {
				syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
				f.Close()
			}, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			f.Close()
			return nil, fmt.Errorf("gpu warm-up lock %s: %w", path, err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("gpu warm-up lock %s: %w", path, ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}
