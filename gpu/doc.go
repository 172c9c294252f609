// Package gpu proves Groth16 batches on an NVIDIA GPU through ICICLE
// (gnark's backend/accelerated/icicle/groth16 with icicle-gnark v3.2.2), and
// chooses between it and the CPU for the prover service (--gpu off|on|auto).
//
// The GPU backend exists only in binaries built with -tags icicle against
// ICICLE's host libraries (scripts/build-gpu.sh builds both); it also needs,
// at run time, ICICLE's CUDA backend libraries for bn254 (built on the GPU
// machine with nvcc, found through ICICLE_BACKEND_INSTALL_DIR) and a CUDA
// device. In the default build, New returns an error that says how to get
// it, and Select in auto mode proves on the CPU.
//
// A GPU backend keeps each proving key resident on the device between
// batches: the device copy of a key is made on its first proof and reused
// until Close. Every proof the prover stores is verified on the CPU first
// (package prover), whichever backend made it; Select also proves and
// verifies a tiny circuit on the GPU before it chooses it. docs/gpu.md says
// how to build, run and measure the GPU path.
package gpu
