//go:build icicle

package gpu

import (
	"context"
	"errors"
	"os"
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
	_, preset := os.LookupEnv(launchBlockingEnv)
	b, err := New()
	if errors.Is(err, ErrNoDevice) {
		t.Skipf("no device: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	t.Logf("proving on %s", b.Device())
	if !preset && !b.Device().LaunchBlocking {
		t.Errorf("Device().LaunchBlocking = false with %s unset before New", launchBlockingEnv)
	}
	for range 2 { // the second proof reuses the device key
		if err := selfTest(context.Background(), b); err != nil {
			t.Fatal(err)
		}
	}
}

// TestLaunchBlocking: New sets CUDA_LAUNCH_BLOCKING=1 before it loads the
// backend, unless told not to or the variable is already set.
func TestLaunchBlocking(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  string // "unset" for no variable
		opts []Option
		want string
	}{
		{"default", "unset", nil, "1"},
		{"off", "unset", []Option{WithLaunchBlocking(false)}, "unset"},
		{"explicit 0 kept", "0", nil, "0"},
		{"explicit 1 kept", "1", []Option{WithLaunchBlocking(false)}, "1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(launchBlockingEnv, "") // restored after the test
			if tc.env == "unset" {
				os.Unsetenv(launchBlockingEnv)
			} else {
				os.Setenv(launchBlockingEnv, tc.env)
			}
			// Without a GPU New fails to load the empty folder; on the GPU
			// machine, where TestDevice loaded the backend before, it
			// succeeds. Either way it set the variable first.
			opts := append([]Option{WithBackendDir(t.TempDir())}, tc.opts...)
			if b, err := New(opts...); err == nil {
				b.Close()
			} else if !errors.Is(err, ErrNoDevice) {
				t.Fatalf("New with an empty backend folder: %v, want ErrNoDevice or a device", err)
			}
			got, set := os.LookupEnv(launchBlockingEnv)
			if !set {
				got = "unset"
			}
			if got != tc.want {
				t.Errorf("%s = %s, want %s", launchBlockingEnv, got, tc.want)
			}
		})
	}
}
