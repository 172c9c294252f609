#!/usr/bin/env bash
# Runs ON the GPU machine (nvcc, cmake, ninja; no Go, no internet), from the
# bundle that scripts/build-gpu.sh makes (this script is copied into it):
#
#   1. builds ICICLE's CUDA backend for bn254 only, for sm_90 (H100, H200),
#      from the bundled ICICLE sources, and returns it as
#      cuda-backend.tar.gz; a bundle that holds that file (copied in from an
#      earlier run) skips the build;
#   2. checks correctness: at N = 8 with a real (dev) setup, proves fresh
#      random batches on the CPU and the GPU and verifies every proof on the
#      CPU (and that none verifies for another batch's public inputs);
#   3. times CPU against GPU at N = 32 and 128 with a dummy setup;
#   4. writes report.md: the card, driver, CUDA and module versions, the
#      build time, and the tables.
#
# From the repository root, through the device tool (docs/gpu.md):
#   bash .gpu-build/bundle/gpu-run.sh
# with .gpu-build/bundle carried. What it writes goes to $OUT (default
# ./gpu-out): report.md, run.log, cuda-build.log, cuda-backend.tar.gz,
# bench-correctness.log, bench-timing.log.
#
# Environment: GPU_WORK the work folder (default /tmp/provenant-gpu);
# CUDA_ARCH (default 90); JOBS (default nproc); SIZES_TIMING (default
# 32,128); ROUNDS (default 3); BUILD_TIMEOUT, CHECK_TIMEOUT and TIME_TIMEOUT
# in seconds (default 330, 90, 150) bound the build and the two benches, so
# that the report comes back inside the device tool's 600 s per command.
# DRY_RUN=1 skips the CUDA build and proves on the CPU only: a check of this
# script on a machine without a GPU (with SIZES_TIMING=1, say).
set -uo pipefail

BUNDLE="$(cd "$(dirname "$0")" && pwd)"
OUT="${OUT:-$PWD/gpu-out}"
WORK="${GPU_WORK:-/tmp/provenant-gpu}"
CUDA_ARCH="${CUDA_ARCH:-90}"
JOBS="${JOBS:-$(nproc)}"
SIZES_TIMING="${SIZES_TIMING:-32,128}"
BACKENDS=cpu,gpu
[ "${DRY_RUN:-}" = 1 ] && BACKENDS=cpu
ROUNDS="${ROUNDS:-3}"
BUILD_TIMEOUT="${BUILD_TIMEOUT:-330}"
CHECK_TIMEOUT="${CHECK_TIMEOUT:-90}"
TIME_TIMEOUT="${TIME_TIMEOUT:-150}"
mkdir -p "$OUT" "$WORK"
REPORT="$OUT/report.md"
exec > >(tee -a "$OUT/run.log") 2>&1
START=$(date +%s)

log() { echo "gpu-run [$(($(date +%s) - START)) s]: $*"; }
fail() {
	log "FAILED: $*"
	printf '\n**FAILED**: %s\n' "$*" >>"$REPORT"
	exit 1
}

command -v nvcc >/dev/null || export PATH="/usr/local/cuda/bin:$PATH"

# --- what runs where ---------------------------------------------------------
{
	echo "# GPU proving check: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo
	echo '```'
	nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap,clocks.max.sm --format=csv 2>&1 || echo "nvidia-smi failed"
	echo "CUDA: $(nvcc --version 2>&1 | grep -m1 release || echo 'no nvcc')"
	echo "cmake: $(cmake --version | head -1); ninja $(ninja --version)"
	echo "host: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r), $(ldd --version | head -1)"
	echo "bundle:"
	sed 's/^/  /' "$BUNDLE/VERSIONS"
	echo '```'
} >"$REPORT"
cat "$REPORT"

# --- the binary --------------------------------------------------------------
BIN="$WORK/provenant"
rm -rf "$WORK/lib"
cp -r "$BUNDLE/lib" "$WORK/lib" # the binary's runpath is $ORIGIN/lib
gzip -dc "$BUNDLE/provenant.gz" >"$BIN" && chmod +x "$BIN" || fail "unpack the binary"
"$BIN" prover bench --help >/dev/null || fail "the binary does not start (ldd: $(ldd "$BIN" | grep 'not found'))"

# --- 1. the bn254 CUDA backend -------------------------------------------------
INSTALL="$WORK/icicle"
BACKEND="$INSTALL/lib/backend"
if [ "${DRY_RUN:-}" = 1 ]; then
	log "DRY_RUN: no CUDA backend build; proving on the CPU only"
	build_s=0
	mkdir -p "$BACKEND"
elif [ -f "$BACKEND/bn254/cuda/libicicle_backend_cuda_curve_bn254.so" ]; then
	log "CUDA backend present in $BACKEND"
	build_s=0
elif [ -f "$BUNDLE/cuda-backend.tar.gz" ]; then
	log "CUDA backend from the bundle's cuda-backend.tar.gz (an earlier run's build)"
	mkdir -p "$INSTALL/lib"
	tar -C "$INSTALL/lib" -xzf "$BUNDLE/cuda-backend.tar.gz" || fail "unpack cuda-backend.tar.gz"
	build_s=0
else
	log "building the bn254 CUDA backend for sm_$CUDA_ARCH with $JOBS jobs (log: cuda-build.log)"
	t=$(date +%s)
	timeout "$BUILD_TIMEOUT" bash -c '
		cmake -G Ninja -S "$0/icicle" -B "$1/cuda-build" \
			-DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$1/icicle" \
			-DCURVE=bn254 -DCUDA_BACKEND=ON -DCPU_BACKEND=OFF -DCUDA_ARCH="$2" \
			-DMSM=ON -DNTT=ON -DG2=ON &&
		cmake --build "$1/cuda-build" --target install -j "$3"' \
		"$BUNDLE" "$WORK" "$CUDA_ARCH" "$JOBS" >"$OUT/cuda-build.log" 2>&1
	rc=$?
	build_s=$(($(date +%s) - t))
	tail -n 20 "$OUT/cuda-build.log"
	[ $rc -eq 0 ] || fail "CUDA backend build (exit $rc after $build_s s; 124 is the $BUILD_TIMEOUT s timeout): see cuda-build.log"
	log "CUDA backend built in $build_s s"
	tar -C "$INSTALL/lib" -czf "$OUT/cuda-backend.tar.gz" backend
	log "cuda-backend.tar.gz: $(du -h "$OUT/cuda-backend.tar.gz" | cut -f1) (copy it into the bundle to skip this build next time)"
fi
printf '\nbn254 CUDA backend (sm_%s) built in %s s on the GPU machine:\n\n```\n%s\n```\n' \
	"$CUDA_ARCH" "$build_s" "$(cd "$BACKEND" && find . -name '*.so' | sort)" >>"$REPORT"

export ICICLE_BACKEND_INSTALL_DIR="$BACKEND/"
export LD_LIBRARY_PATH="$WORK/lib:$INSTALL/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

# bench NAME TIMEOUT ARGS...: runs provenant prover bench, appends its
# table to the report; fails the run when it fails.
bench() {
	local name=$1 limit=$2 rc t
	shift 2
	log "bench $name: provenant prover bench $*"
	printf '\n## %s\n\n`provenant prover bench %s`\n\n' "$name" "$*" >>"$REPORT"
	t=$(date +%s)
	timeout "$limit" "$BIN" prover bench "$@" >"$WORK/bench-$name.md" 2>"$OUT/bench-$name.log"
	rc=$?
	cat "$OUT/bench-$name.log" "$WORK/bench-$name.md"
	cat "$WORK/bench-$name.md" >>"$REPORT"
	printf '\n(%s s, compile and setup included)\n' "$(($(date +%s) - t))" >>"$REPORT"
	[ $rc -eq 0 ] || fail "bench $name (exit $rc; 124 is the $limit s timeout): $(tail -n 3 "$OUT/bench-$name.log")"
}

# --- 2. correctness: every GPU proof verifies on the CPU --------------------
bench correctness "$CHECK_TIMEOUT" --backends "$BACKENDS" --sizes 8 --setup dev --verify --batches 4 --rounds 4

# --- 3. timing ---------------------------------------------------------------
bench timing "$TIME_TIMEOUT" --backends "$BACKENDS" --sizes "$SIZES_TIMING" --setup dummy --batches 2 --rounds "$ROUNDS"

nvidia-smi --query-gpu=name,memory.used,memory.total --format=csv,noheader >>"$OUT/run.log" 2>&1
printf '\nTotal %s s on the GPU machine.\n' "$(($(date +%s) - START))" >>"$REPORT"
log "done; report:"
cat "$REPORT"
