package gpu_test

import (
	"context"
	"log/slog"
	"os"

	"github.com/provenant/provenant/gpu"
)

// Select picks the prover's backend for --gpu auto: the GPU when this
// binary was built with -tags icicle and a CUDA device works, else the CPU,
// logging which and why.
func ExampleSelect() {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	backend, err := gpu.Select(context.Background(), gpu.ModeAuto, log)
	if err != nil {
		log.Error("no backend", "err", err)
		return
	}
	if c, ok := backend.(interface{ Close() error }); ok {
		defer c.Close()
	}
	log.Info("proving", "backend", backend.Name())
}
