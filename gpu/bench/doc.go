// Package bench measures and checks the proving backends on the batch
// circuit: it proves fresh random batches of a layout with each backend,
// verifies every proof on the CPU when the setup made a verifying key, and
// times the proofs. `provenant prover bench` runs it; scripts/gpu-run.sh
// runs that on the GPU machine (docs/gpu.md).
package bench
