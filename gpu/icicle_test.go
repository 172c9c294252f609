//go:build icicle

package gpu

import (
	"context"
	"errors"
	"testing"
)

// Run with the libraries of scripts/build-gpu.sh:
//
//	CGO_LDFLAGS="-L$PWD/.gpu-build/install/lib -licicle_device -lstdc++ -lm -Wl,-rpath,$PWD/.gpu-build/install/lib" \
//	  go test -tags icicle ./gpu/
//
// (make gpu-test). Without a CUDA backend and device the test checks that
// detection says so; with them (ICICLE_BACKEND_INSTALL_DIR set) it proves
// the self-test circuit on the device and verifies it on the CPU.
func TestDevice(t *testing.T) {
	if !Built() {
		t.Fatal("Built() = false with -tags icicle")
	}
	if _, err := New(WithBackendDir(t.TempDir())); !errors.Is(err, ErrNoDevice) {
		t.Errorf("New with an empty backend folder: %v, want ErrNoDevice", err)
	}
	b, err := New()
	if errors.Is(err, ErrNoDevice) {
		t.Skipf("no device: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	t.Logf("proving on %s", b.Device())
	for range 2 { // the second proof reuses the device key
		if err := selfTest(context.Background(), b); err != nil {
			t.Fatal(err)
		}
	}
}
