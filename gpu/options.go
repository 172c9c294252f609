package gpu

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/provenant/provenant/prover"
)

// Option configures New and Select.
type Option func(*config)

type config struct {
	deviceID    int
	backendDir  string // "" means $ICICLE_BACKEND_INSTALL_DIR, else /opt/icicle/lib/backend
	pinKeys     bool
	selfTest    bool
	blocking    bool
	warmLock    string
	warmLockSet bool
	probe       Probe
	open        func(Device) (prover.Backend, error)
	reg         prometheus.Registerer
}

func newConfig(opts []Option) config {
	c := config{pinKeys: true, selfTest: true, blocking: true}
	for _, o := range opts {
		o(&c)
	}
	if c.probe == nil {
		c.probe = func() (Device, error) { return detect(c) }
	}
	if c.open == nil {
		c.open = func(d Device) (prover.Backend, error) {
			b, err := newBackend(d, c)
			if err != nil {
				return nil, err
			}
			return b, nil
		}
	}
	return c
}

// WithDeviceID proves on the CUDA device with this ordinal (default 0).
func WithDeviceID(id int) Option { return func(c *config) { c.deviceID = id } }

// WithBackendDir loads ICICLE's CUDA backend libraries from dir, a folder
// whose path contains /backend/ (default: $ICICLE_BACKEND_INSTALL_DIR, else
// /opt/icicle/lib/backend).
func WithBackendDir(dir string) Option { return func(c *config) { c.backendDir = dir } }

// WithPinnedKeys sets whether a proving key's vectors stay in device memory
// between proofs (default true: a long-lived prover proves with one key,
// and copying it for every batch costs more than the memory it holds).
// Without it only the key's precomputed domain stays on the device.
func WithPinnedKeys(pin bool) Option { return func(c *config) { c.pinKeys = pin } }

// WithLaunchBlocking sets whether New sets CUDA_LAUNCH_BLOCKING=1 for the
// process before ICICLE creates its CUDA context, so that every kernel
// launch waits for the kernel (default true). An explicit
// CUDA_LAUNCH_BLOCKING in the environment is left as it is.
//
// ICICLE v3.2.2's MSM can free or read device memory while a kernel on
// another stream still uses it (icicle-snark issue 17); gnark runs the
// proof's MSMs on several streams at once. On an H100 a proof of 2 million
// constraints crashed the whole process with "an illegal memory access was
// encountered", which no recover can catch. Blocking launches close that
// race, at the cost measured in docs/gpu.md.
func WithLaunchBlocking(on bool) Option { return func(c *config) { c.blocking = on } }

// WithWarmUpLock sets the file that the backend's first proof locks (flock)
// so that the provers of one machine warm the GPU up one at a time; "" turns
// the lock off. Default: provenant-gpu-<device ID>.lock in os.TempDir().
func WithWarmUpLock(path string) Option {
	return func(c *config) { c.warmLock, c.warmLockSet = path, true }
}

// WithSelfTest sets whether Select proves a tiny circuit on the GPU and
// verifies it on the CPU before it chooses the GPU (default true).
func WithSelfTest(on bool) Option { return func(c *config) { c.selfTest = on } }

// WithProbe replaces the device detection that Select uses, for tests.
func WithProbe(p Probe) Option { return func(c *config) { c.probe = p } }

// WithOpen replaces how Select opens the GPU backend on a probed device,
// for tests.
func WithOpen(open func(Device) (prover.Backend, error)) Option {
	return func(c *config) { c.open = open }
}

// WithMetrics makes Select register the provenant_prover_backend_info
// gauge with reg.
func WithMetrics(reg prometheus.Registerer) Option { return func(c *config) { c.reg = reg } }

// launchBlockingEnv is the CUDA runtime's variable that WithLaunchBlocking
// sets.
const launchBlockingEnv = "CUDA_LAUNCH_BLOCKING"
