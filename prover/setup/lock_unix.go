//go:build unix

package setup

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// lockCeremony takes the ceremony folder's lock, so that two steps never
// write it at once; the lock goes with the process.
func lockCeremony(dir string) (unlock func(), err error) {
	path := filepath.Join(dir, lockFile)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("%w: another step is running in %s (%v)", ErrBusy, dir, err)
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
