package gpu

import (
	"errors"
	"fmt"
)

// Errors that say why there is no GPU backend; Select and New wrap them
// with the details.
var (
	// ErrNotBuilt: this binary was built without -tags icicle.
	ErrNotBuilt = errors.New("gpu: this binary was built without -tags icicle; build with scripts/build-gpu.sh")
	// ErrNoDevice: the ICICLE CUDA backend could not be loaded or found no
	// CUDA device.
	ErrNoDevice = errors.New("gpu: no CUDA device")
	// ErrSelfTest: the GPU's proof of the self-test circuit did not verify
	// on the CPU.
	ErrSelfTest = errors.New("gpu: self-test failed")
)

// Device is the CUDA device that the GPU backend proves on, as ICICLE sees
// it.
type Device struct {
	// ID is the CUDA device ordinal.
	ID int
	// Count is the number of CUDA devices ICICLE found.
	Count int
	// MemoryTotal and MemoryFree are the device's memory in bytes when it
	// was probed.
	MemoryTotal, MemoryFree uint64
	// BackendDir is where the ICICLE CUDA backend libraries were loaded
	// from.
	BackendDir string
	// LaunchBlocking reports CUDA_LAUNCH_BLOCKING=1 in the process (see
	// WithLaunchBlocking).
	LaunchBlocking bool
}

// String describes the device for logs.
func (d Device) String() string {
	return fmt.Sprintf("CUDA device %d of %d, %.1f GiB (%.1f GiB free), ICICLE backend %s, launch blocking %t",
		d.ID, d.Count, float64(d.MemoryTotal)/(1<<30), float64(d.MemoryFree)/(1<<30), d.BackendDir, d.LaunchBlocking)
}

// Probe reports the CUDA device that the GPU backend would prove on, or
// why there is none (an error wrapping ErrNotBuilt or ErrNoDevice).
type Probe func() (Device, error)
