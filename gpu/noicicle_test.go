//go:build !icicle

package gpu

import (
	"context"
	"errors"
	"testing"
)

// Without -tags icicle there is no GPU backend, and the errors say how to
// get one.
func TestNotBuilt(t *testing.T) {
	const want = "gpu: this binary was built without -tags icicle; build with scripts/build-gpu.sh"
	if Built() {
		t.Error("Built() = true without -tags icicle")
	}
	if _, err := New(); !errors.Is(err, ErrNotBuilt) || err.Error() != want {
		t.Errorf("New() error %q, want %q", err, want)
	}
	if _, err := Select(context.Background(), ModeOn, nil); !errors.Is(err, ErrNotBuilt) {
		t.Errorf("Select(on) error %v, want ErrNotBuilt", err)
	}
	b, err := Select(context.Background(), ModeAuto, nil)
	if err != nil || b.Name() != "cpu" {
		t.Errorf("Select(auto) = %v, %v; want the CPU", b, err)
	}
}
