//go:build icicle

package gpu

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"

	"github.com/consensys/gnark/backend/accelerated/icicle"
	icicle_groth16 "github.com/consensys/gnark/backend/accelerated/icicle/groth16"
	icicle_bn254 "github.com/consensys/gnark/backend/accelerated/icicle/groth16/bn254"
	"github.com/consensys/gnark/backend/groth16"
	groth16_bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/backend/witness"
	"github.com/consensys/gnark/constraint"
	icicle_runtime "github.com/ingonyama-zk/icicle-gnark/v3/wrappers/golang/runtime"
)

// Backend proves BN254 Groth16 on a CUDA device through ICICLE. It keeps a
// device copy of each proving key it has proven with (see
// WithPinnedKeys) until Close. It is safe for concurrent use; ICICLE runs
// one proof at a time per device.
type Backend struct {
	dev  Device
	opts []icicle.Option

	mu   sync.Mutex
	keys map[*groth16_bn254.ProvingKey]*icicle_bn254.ProvingKey

	warmLock string     // the machine-wide lock of the first proof; "" for none
	warmMu   sync.Mutex // held by the first proof
	warmed   bool
}

// New detects the CUDA device and returns a backend that proves on it, or
// an error wrapping ErrNoDevice.
func New(opts ...Option) (*Backend, error) {
	c := newConfig(opts)
	dev, err := detect(c)
	if err != nil {
		return nil, err
	}
	return newBackend(dev, c)
}

// Built reports whether this binary holds the GPU backend (-tags icicle).
func Built() bool { return true }

func newBackend(dev Device, c config) (*Backend, error) {
	opts := []icicle.Option{icicle.WithDeviceID(dev.ID), icicle.WithBackend(icicle.CUDA), icicle.WithPinKeysToGPU(c.pinKeys)}
	if dev.BackendDir != "" {
		opts = append(opts, icicle.WithBackendLibrary(dev.BackendDir))
	}
	b := &Backend{dev: dev, opts: opts, keys: map[*groth16_bn254.ProvingKey]*icicle_bn254.ProvingKey{}, warmLock: c.warmLock}
	if !c.warmLockSet {
		b.warmLock = filepath.Join(os.TempDir(), fmt.Sprintf("provenant-gpu-%d.lock", dev.ID))
	}
	return b, nil
}

// Name returns "gpu", the backend label of the prover's metrics.
func (*Backend) Name() string { return "gpu" }

// Device returns the device the backend proves on.
func (b *Backend) Device() Device { return b.dev }

// Prove proves the full witness of cs with pk on the device. The first
// proof with a key copies it to the device; later ones reuse that copy.
func (b *Backend) Prove(ctx context.Context, cs constraint.ConstraintSystem, pk groth16.ProvingKey, full witness.Witness) (proof groth16.Proof, err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	dpk, err := b.deviceKey(pk)
	if err != nil {
		return nil, err
	}
	release, err := b.firstProof(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	// ICICLE reports device failures by panicking; those on the calling
	// goroutine become errors here.
	defer func() {
		if r := recover(); r != nil {
			proof, err = nil, fmt.Errorf("gpu prove: icicle: %v", r)
		}
	}()
	proof, err = icicle_groth16.Prove(cs, dpk, full, b.opts...)
	if err != nil {
		return nil, fmt.Errorf("gpu prove: %w", err)
	}
	return proof, nil
}

// firstProof returns at once when a proof has already run in this process.
// For the first proof it takes the machine-wide warm-up lock (see
// lockWarmUp) and holds it until the returned release, which marks the
// warm-up done: gnark warms the device up once per process, in its first
// Prove, whatever that proof's outcome.
func (b *Backend) firstProof(ctx context.Context) (release func(), err error) {
	b.warmMu.Lock()
	if b.warmed || b.warmLock == "" {
		b.warmMu.Unlock()
		return func() {}, nil
	}
	unlock, err := lockWarmUp(ctx, b.warmLock)
	if err != nil {
		b.warmMu.Unlock()
		return nil, err
	}
	return func() {
		b.warmed = true
		unlock()
		b.warmMu.Unlock()
	}, nil
}

// deviceKey returns the ICICLE proving key for pk, made once per key: it
// shares pk's vectors on the host and holds their device copies.
func (b *Backend) deviceKey(pk groth16.ProvingKey) (*icicle_bn254.ProvingKey, error) {
	switch k := pk.(type) {
	case *icicle_bn254.ProvingKey:
		return k, nil
	case *groth16_bn254.ProvingKey:
		b.mu.Lock()
		defer b.mu.Unlock()
		dpk, ok := b.keys[k]
		if !ok {
			dpk = &icicle_bn254.ProvingKey{ProvingKey: *k}
			b.keys[k] = dpk
		}
		return dpk, nil
	default:
		return nil, fmt.Errorf("gpu prove: a %T proving key; the GPU backend proves BN254 only", pk)
	}
}

// Close frees the device copies of the proving keys.
func (b *Backend) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	for k, dpk := range b.keys {
		dpk.FreeGPUResources()
		delete(b.keys, k)
	}
	return nil
}

// detect loads ICICLE's backend libraries and looks for the CUDA device.
func detect(c config) (Device, error) {
	dir := c.backendDir
	if dir == "" {
		dir = os.Getenv("ICICLE_BACKEND_INSTALL_DIR")
	}
	if dir == "" {
		dir = "/opt/icicle/lib/backend"
	}
	if _, err := os.Stat(dir); err != nil {
		return Device{}, fmt.Errorf("%w: no ICICLE backend folder (set ICICLE_BACKEND_INSTALL_DIR to the CUDA backend's install folder, .../lib/backend): %w", ErrNoDevice, err)
	}
	// CUDA reads CUDA_LAUNCH_BLOCKING when it creates the context, which
	// the backend's first device call does.
	if _, set := os.LookupEnv(launchBlockingEnv); c.blocking && !set {
		if err := os.Setenv(launchBlockingEnv, "1"); err != nil {
			return Device{}, fmt.Errorf("%w: set %s: %w", ErrNoDevice, launchBlockingEnv, err)
		}
	}
	// ICICLE's current device is per OS thread.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if e := icicle_runtime.LoadBackend(dir, true); e != icicle_runtime.Success {
		return Device{}, fmt.Errorf("%w: load the ICICLE backend from %s: %s", ErrNoDevice, dir, e.AsString())
	}
	registered, e := icicle_runtime.GetRegisteredDevices()
	if e != icicle_runtime.Success {
		return Device{}, fmt.Errorf("%w: list ICICLE devices: %s", ErrNoDevice, e.AsString())
	}
	if !slices.Contains(registered, "CUDA") {
		return Device{}, fmt.Errorf("%w: the ICICLE CUDA backend is not in %s (backends loaded: %v); build it on the GPU machine with gpu-run.sh (docs/gpu.md)", ErrNoDevice, dir, registered)
	}
	d := icicle_runtime.CreateDevice("CUDA", c.deviceID)
	if !icicle_runtime.IsDeviceAvailable(&d) {
		return Device{}, fmt.Errorf("%w: CUDA device %d is not available (no GPU, or no driver)", ErrNoDevice, c.deviceID)
	}
	if e := icicle_runtime.SetDevice(&d); e != icicle_runtime.Success {
		return Device{}, fmt.Errorf("%w: select CUDA device %d: %s", ErrNoDevice, c.deviceID, e.AsString())
	}
	dev := Device{ID: c.deviceID, BackendDir: dir, LaunchBlocking: os.Getenv(launchBlockingEnv) == "1"}
	if n, e := icicle_runtime.GetDeviceCount(); e == icicle_runtime.Success {
		dev.Count = n
	}
	if m, e := icicle_runtime.GetAvailableMemory(); e == icicle_runtime.Success {
		dev.MemoryTotal, dev.MemoryFree = uint64(m.Total), uint64(m.Free)
	}
	return dev, nil
}
