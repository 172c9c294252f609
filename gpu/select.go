package gpu

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"

	"github.com/provenant/provenant/prover"
)

// Select returns the backend that the prover service proves with in mode:
//
//   - ModeOff: the CPU.
//   - ModeOn: the GPU, or an error that says why it cannot (wrapping
//     ErrNotBuilt, ErrNoDevice or ErrSelfTest).
//   - ModeAuto: the GPU when ModeOn would give it, else the CPU.
//
// Before it chooses the GPU, Select proves a tiny circuit on it and
// verifies the proof on the CPU (see WithSelfTest). It logs the backend it
// chose and why, and with WithMetrics sets the
// provenant_prover_backend_info gauge. A GPU backend it returns is an
// io.Closer: Close frees its device memory.
func Select(ctx context.Context, mode Mode, log *slog.Logger, opts ...Option) (prover.Backend, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if _, err := ParseMode(string(mode)); err != nil {
		return nil, err
	}
	c := newConfig(opts)
	if mode == ModeOff {
		log.Info("proving on the CPU", "backend", "cpu", "gpu", mode)
		return chosen(c, prover.CPU(), mode, false)
	}
	b, dev, err := openGPU(ctx, c)
	switch {
	case err == nil:
		log.Info("proving on the GPU", "backend", b.Name(), "gpu", mode, "device", dev.String(), "pinned_keys", c.pinKeys)
		return chosen(c, b, mode, false)
	case mode == ModeOn:
		return nil, err
	default:
		level := slog.LevelInfo
		if errors.Is(err, ErrSelfTest) {
			level = slog.LevelWarn
		}
		log.Log(ctx, level, "no usable GPU; proving on the CPU", "backend", "cpu", "gpu", mode, "reason", err.Error())
		return chosen(c, prover.CPU(), mode, true)
	}
}

// openGPU probes the device, opens the GPU backend on it and, unless
// disabled, runs the self-test.
func openGPU(ctx context.Context, c config) (prover.Backend, Device, error) {
	dev, err := c.probe()
	if err != nil {
		return nil, Device{}, err
	}
	b, err := c.open(dev)
	if err != nil {
		return nil, dev, err
	}
	if c.selfTest {
		if err := selfTest(ctx, b); err != nil {
			closeBackend(b)
			return nil, dev, err
		}
	}
	return b, dev, nil
}

func closeBackend(b prover.Backend) {
	if c, ok := b.(interface{ Close() error }); ok {
		_ = c.Close() // the backend failed already; its error is the one to report
	}
}

// chosen records the choice in the metrics, when asked to.
func chosen(c config, b prover.Backend, mode Mode, fallback bool) (prover.Backend, error) {
	if c.reg != nil {
		g := newBackendInfo()
		if err := c.reg.Register(g); err != nil {
			closeBackend(b)
			return nil, fmt.Errorf("gpu: register metrics: %w", err)
		}
		g.WithLabelValues(b.Name(), string(mode), strconv.FormatBool(fallback)).Set(1)
	}
	return b, nil
}
