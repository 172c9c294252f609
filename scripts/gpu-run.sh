#!/usr/bin/env bash
# Runs ON the GPU machine (nvcc, cmake, ninja; no Go, no internet), from the
# bundle that scripts/build-gpu.sh makes (this script is copied into it):
#
#   1. unpacks ICICLE's CUDA backend for bn254 from the bundle's
#      cuda-backend.tar.gz, which scripts/build-gpu.sh builds on a machine
#      without a GPU; a bundle without it builds the backend here, for
#      sm_90 (H100, H200), and returns it as cuda-backend.tar.gz;
#   2. runs the tagged tests of ./gpu (gpu.test): TestDevice proves on the
#      device and verifies on the CPU;
#   3. checks correctness: at N = 8 with a real (dev) setup, proves fresh
#      random batches on the CPU and the GPU and verifies every proof on the
#      CPU (and that none verifies for another batch's public inputs);
#   4. times CPU against GPU at N = 32 and 128 with a dummy setup;
#   5. runs several GPU provers at once (overlap), and a larger N on the
#      GPU alone;
#   6. writes report.md: the card, driver, CUDA and module versions, the
#      build time, and the tables.
#
# From the repository root, through the device tool (docs/gpu.md):
#   bash .gpu-build/bundle/gpu-run.sh
# with .gpu-build/bundle carried. What it writes goes to $OUT (default
# ./gpu-out): report.md, run.log, gpu-test.log, bench-correctness.log,
# bench-timing.log, bench-scaling.log (with gnark's log of the GPU
# prover's steps), overlap.log, and cuda-build.log and
# cuda-backend.tar.gz when it built the backend.
#
# Environment: GPU_WORK the work folder (default /tmp/provenant-gpu);
# CUDA_ARCH (default 90); JOBS (default nproc); SIZES_TIMING (default
# 32,128); OVERLAP_PROCS (default 2,4: that many processes proving at
# OVERLAP_N, default 128, at once on the GPU, OVERLAP_ROUNDS proofs each,
# started OVERLAP_STAGGER seconds apart, default 3; empty skips it);
# SIZES_GPU (default 512: GPU only, to choose N, SCALE_ROUNDS proofs each,
# default 2; empty skips it);
# ROUNDS (default 3). TOTAL (default 560) is the run's budget in seconds, so
# that the report comes back inside the device tool's 600 s per command:
# the build gets what the benches do not need (BUILD_TIMEOUT, default
# TOTAL - 150; past it the command exits with 3 and the build goes on:
# see step 1), and each bench gets at most CHECK_TIMEOUT, TIME_TIMEOUT and
# SCALE_TIMEOUT (default 90, 150, 150), each overlap step OVERLAP_TIMEOUT
# (default 90), less when less of TOTAL is left; the overlap and GPU-only
# steps run only when 60 s or more are left, and do not fail the run.
# DRY_RUN=1 skips the CUDA build and proves on the CPU only: a check of this
# script on a machine without a GPU (with SIZES_TIMING=1, say).
set -uo pipefail

BUNDLE="$(cd "$(dirname "$0")" && pwd)"
OUT="${OUT:-$PWD/gpu-out}"
WORK="${GPU_WORK:-/tmp/provenant-gpu}"
CUDA_ARCH="${CUDA_ARCH:-90}"
JOBS="${JOBS:-$(nproc)}"
SIZES_TIMING="${SIZES_TIMING:-32,128}"
SIZES_GPU="${SIZES_GPU-512}"
OVERLAP_PROCS="${OVERLAP_PROCS-2,4}"
OVERLAP_N="${OVERLAP_N:-128}"
OVERLAP_ROUNDS="${OVERLAP_ROUNDS:-6}"
OVERLAP_STAGGER="${OVERLAP_STAGGER:-3}"
SCALE_ROUNDS="${SCALE_ROUNDS:-2}"
BACKENDS=cpu,gpu
[ "${DRY_RUN:-}" = 1 ] && BACKENDS=cpu
ROUNDS="${ROUNDS:-3}"
TOTAL="${TOTAL:-560}"
BUILD_TIMEOUT="${BUILD_TIMEOUT:-$((TOTAL - 150))}"
CHECK_TIMEOUT="${CHECK_TIMEOUT:-90}"
TIME_TIMEOUT="${TIME_TIMEOUT:-150}"
SCALE_TIMEOUT="${SCALE_TIMEOUT:-150}"
OVERLAP_TIMEOUT="${OVERLAP_TIMEOUT:-90}"
mkdir -p "$OUT" "$WORK"
REPORT="$OUT/report.md"
exec > >(tee -a "$OUT/run.log") 2>&1
START=$(date +%s)

log() { echo "gpu-run [$(($(date +%s) - START)) s]: $*"; }
# left prints the seconds left of TOTAL; capped LIMIT prints LIMIT, or what
# is left when that is less.
left() { echo $((START + TOTAL - $(date +%s))); }
capped() { local l; l=$(left); echo $(($1 < l ? $1 : l)); }
fail() {
	log "FAILED: $*"
	printf '\n**%s**: %s\n' "${FAILED_WORD:-FAILED}" "$*" >>"$REPORT"
	exit 1
}

command -v nvcc >/dev/null || export PATH="/usr/local/cuda/bin:$PATH"

# --- what runs where ---------------------------------------------------------
{
	echo "# GPU proving check: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo
	echo '```'
	nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap,clocks.max.sm,compute_mode --format=csv 2>&1 || echo "nvidia-smi failed"
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
	# The build runs detached (setsid), so that it outlives this command:
	# nvcc takes longer on the G2 MSM alone than fits beside the benches in
	# one command (> 405 s on 16 cores, 2026-11-26). A command that runs out
	# of BUILD_TIMEOUT exits with 3 and leaves the build running; the same
	# command, called again while the machine is still warm (within 30 s),
	# waits for it and goes on.
	mkdir -p "$INSTALL/lib"
	if [ -f "$WORK/cuda-build.pid" ] && kill -0 "$(cat "$WORK/cuda-build.pid")" 2>/dev/null; then
		log "the CUDA backend build started by an earlier call is still running; waiting for it"
	elif [ ! -f "$WORK/cuda-build.rc" ]; then
		log "building the bn254 CUDA backend for sm_$CUDA_ARCH with $JOBS jobs, detached (log: cuda-build.log)"
		date +%s >"$WORK/cuda-build.start"
		setsid nohup bash -c '
			cmake -G Ninja -S "$0/icicle" -B "$1/cuda-build" \
				-DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$1/icicle" \
				-DCURVE=bn254 -DCUDA_BACKEND=ON -DCPU_BACKEND=OFF -DCUDA_ARCH="$2" \
				-DMSM=ON -DNTT=ON -DG2=ON &&
			cmake --build "$1/cuda-build" --target install -j "$3"
			echo $? >"$1/cuda-build.rc"' \
			"$BUNDLE" "$WORK" "$CUDA_ARCH" "$JOBS" >"$WORK/cuda-build.log" 2>&1 </dev/null &
		echo $! >"$WORK/cuda-build.pid"
	fi
	waited=0
	while [ ! -f "$WORK/cuda-build.rc" ] && [ "$waited" -lt "$BUILD_TIMEOUT" ] && kill -0 "$(cat "$WORK/cuda-build.pid")" 2>/dev/null; do
		sleep 5
		waited=$((waited + 5))
	done
	cp "$WORK/cuda-build.log" "$OUT/cuda-build.log" 2>/dev/null
	build_s=$(($(date +%s) - $(cat "$WORK/cuda-build.start")))
	if [ ! -f "$WORK/cuda-build.rc" ] && ! kill -0 "$(cat "$WORK/cuda-build.pid")" 2>/dev/null; then
		fail "the CUDA backend build ended without an exit status (killed?): see cuda-build.log; the next call starts it again"
	fi
	if [ ! -f "$WORK/cuda-build.rc" ]; then
		log "the CUDA backend is still building after $build_s s in all: $(grep -o '^\[[0-9]*/[0-9]*\] .*' "$WORK/cuda-build.log" | tail -n 1)"
		log "call this same command again at once (within 30 s, while the machine is warm): it waits for the build and goes on"
		printf '\n**Build still running** after %s s in all: call the same command again at once.\n' "$build_s" >>"$REPORT"
		exit 3
	fi
	rc=$(cat "$WORK/cuda-build.rc")
	tail -n 20 "$WORK/cuda-build.log"
	if [ "$rc" -ne 0 ]; then
		rm -f "$WORK/cuda-build.rc" # the next call builds again
		fail "CUDA backend build (exit $rc after $build_s s): see cuda-build.log"
	fi
	log "CUDA backend built in $build_s s"
	tar -C "$INSTALL/lib" -czf "$OUT/cuda-backend.tar.gz" backend
	log "cuda-backend.tar.gz: $(du -h "$OUT/cuda-backend.tar.gz" | cut -f1) (copy it into the bundle to skip this build next time)"
fi
printf '\nbn254 CUDA backend (sm_%s) built in %s s on the GPU machine:\n\n```\n%s\n```\n' \
	"$CUDA_ARCH" "$build_s" "$(cd "$BACKEND" && find . -name '*.so' | sort)" >>"$REPORT"

export ICICLE_BACKEND_INSTALL_DIR="$BACKEND/"
export LD_LIBRARY_PATH="$WORK/lib:$INSTALL/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

# --- 2. the tagged tests of ./gpu, on the device -------------------------------
# TestDevice detects the device, proves the self-test circuit on it twice
# (the second proof reuses the key on the device) and verifies both on the
# CPU; TestSelect and TestParseMode check the --gpu selection logic.
if [ "${DRY_RUN:-}" != 1 ]; then
	gzip -dc "$BUNDLE/gpu.test.gz" >"$WORK/gpu.test" && chmod +x "$WORK/gpu.test" || fail "unpack gpu.test"
	log "go test -tags icicle ./gpu, on the device: gpu.test -test.v -test.run 'TestDevice|TestLaunchBlocking|TestSelect|TestParseMode'"
	(cd "$WORK" && timeout "$(capped 60)" ./gpu.test -test.v -test.count=1 -test.run 'TestDevice|TestLaunchBlocking|TestSelect|TestParseMode') >"$OUT/gpu-test.log" 2>&1
	rc=$?
	cat "$OUT/gpu-test.log"
	printf '\n## go test -tags icicle ./gpu (on the device)\n\n```\n%s\n```\n' "$(grep -E '^(=== RUN|--- |    |PASS|FAIL|ok)' "$OUT/gpu-test.log" | grep -v '=== RUN')" >>"$REPORT"
	[ $rc -eq 0 ] || fail "go test -tags icicle ./gpu on the device (exit $rc): see gpu-test.log"
	grep -q -- '--- PASS: TestDevice' "$OUT/gpu-test.log" || fail "TestDevice did not pass on the device (skipped?): see gpu-test.log"
fi

# bench NAME TIMEOUT ARGS...: runs provenant prover bench, appends its
# table to the report; fails the run when it fails.
bench() {
	local name=$1 limit=$2 rc t
	shift 2
	limit=$(capped "$limit")
	[ "$limit" -gt 0 ] || fail "bench $name: no time left of the $TOTAL s"
	log "bench $name (at most $limit s): provenant prover bench $*"
	printf '\n## %s\n\n`provenant prover bench %s`\n\n' "$name" "$*" >>"$REPORT"
	t=$(date +%s)
	timeout "$limit" "$BIN" prover bench "$@" >"$WORK/bench-$name.md" 2>"$OUT/bench-$name.log"
	rc=$?
	cat "$OUT/bench-$name.log" "$WORK/bench-$name.md"
	cat "$WORK/bench-$name.md" >>"$REPORT"
	printf '\n(%s s, compile and setup included)\n' "$(($(date +%s) - t))" >>"$REPORT"
	[ $rc -eq 0 ] || fail "bench $name (exit $rc; 124 is the $limit s timeout): $(tail -n 3 "$OUT/bench-$name.log")"
}

# --- 3. correctness: every GPU proof verifies on the CPU --------------------
bench correctness "$CHECK_TIMEOUT" --backends "$BACKENDS" --sizes 8 --setup dev --verify --batches 4 --rounds 4

# --- 4. timing ---------------------------------------------------------------
bench timing "$TIME_TIMEOUT" --backends "$BACKENDS" --sizes "$SIZES_TIMING" --setup dummy --batches 2 --rounds "$ROUNDS"

# --- 5. overlap: several prover processes on one GPU -------------------------
# gnark's ICICLE Prove solves the witness on the CPU inside its per-device
# lock, so one process cannot overlap one batch's solving with another's
# device work; separate processes (each with its own lock, as separate
# `provenant prover` workers would be) can. P processes prove at N =
# OVERLAP_N at once; the aggregate is the sum of N / mean over them.
overlap() {
	local p=$1 i rc=0 limit agg
	limit=$(capped "$OVERLAP_TIMEOUT")
	log "overlap: $p processes at N=$OVERLAP_N (at most $limit s)"
	for i in $(seq 1 "$p"); do
		# ICICLE's first proof in a process reserves half the free device
		# memory for a moment (gnark's warm-up): processes that started
		# together failed it with AllocationFailed (2026-11-27), so they
		# start apart. The backend's warm-up lock (gpu.WithWarmUpLock) now
		# serializes that step; OVERLAP_STAGGER=0 checks it on the GPU.
		[ "$i" -eq 1 ] || sleep "$OVERLAP_STAGGER"
		timeout "$limit" "$BIN" prover bench --backends "$OVERLAP_BACKEND" --sizes "$OVERLAP_N" --setup dummy --batches 2 --rounds "$OVERLAP_ROUNDS" \
			>"$WORK/overlap-$p-$i.md" 2>"$WORK/overlap-$p-$i.log" &
	done
	for i in $(seq 1 "$p"); do wait -n || rc=$?; done
	for i in $(seq 1 "$p"); do
		printf '===== %s processes, process %s\n' "$p" "$i"
		head -c 20000 "$WORK/overlap-$p-$i.log"
	done >>"$OUT/overlap.log"
	[ $rc -eq 0 ] || { log "overlap $p: a process failed (exit $rc): $(grep -h -m1 -E '^(panic|fatal|provenant:)' "$WORK"/overlap-"$p"-*.log | head -n 2) (overlap.log has the logs)"; return 1; }
	# Two bounds on the aggregate rate: upper, the sum over the processes
	# of N over their mean proof, as if all had run together all along;
	# lower, all timed events over the span from the first process's first
	# timed proof to the last one's end, ramps included. The timed span of
	# a process runs from its "warm-up proof" log line to its "timed" one.
	agg=$(cat "$WORK"/overlap-"$p"-*.md | awk -F'|' -v n="$OVERLAP_N" -v b="$OVERLAP_BACKEND" '$4 ~ b { m = $7 + 0; if (m > 0) { s += n / m; t += m; k++ } } END { if (k) printf "%d processes: %.1f events/s at most (sum of N / mean proof; mean proof %.3f s)", k, s, t / k }')
	agg="$agg, $(cat "$WORK"/overlap-"$p"-*.log | awk -v n="$OVERLAP_N" -v r="$OVERLAP_ROUNDS" '
		function secs(line) { match(line, /T[0-9][0-9]:[0-9][0-9]:[0-9.]+Z/); split(substr(line, RSTART + 1, RLENGTH - 2), f, ":"); return f[1] * 3600 + f[2] * 60 + f[3] }
		/msg="warm-up proof"/ { t = secs($0); if (first == "" || t < first) first = t }
		/msg=timed/ { t = secs($0); if (t > last) last = t; k++ }
		END { if (k && last > first) printf "%.1f events/s at least (%d proofs of %d events in %.1f s, ramps included)", k * r * n / (last - first), k * r, n, last - first }')"
	log "overlap: $agg"
	printf -- '- %s\n' "$agg" >>"$REPORT"
}
OVERLAP_BACKEND=gpu
[ "${DRY_RUN:-}" = 1 ] && OVERLAP_BACKEND=cpu
if [ -n "$OVERLAP_PROCS" ]; then
	printf '\n## overlap\n\nSeveral `provenant prover bench --backends %s --sizes %s --setup dummy --batches 2 --rounds %s` at once:\n\n' "$OVERLAP_BACKEND" "$OVERLAP_N" "$OVERLAP_ROUNDS" >>"$REPORT"
	for p in ${OVERLAP_PROCS//,/ }; do
		if [ "$(left)" -lt 60 ]; then
			printf -- '- %s processes: skipped, %s s left\n' "$p" "$(left)" >>"$REPORT"
			continue
		fi
		overlap "$p" || printf -- '- %s processes: did not finish\n' "$p" >>"$REPORT"
	done
fi

# --- 6. larger batches on the GPU alone, to choose N ---------------------------
if [ -n "$SIZES_GPU" ] && [ "${DRY_RUN:-}" != 1 ] && [ "$(left)" -ge 60 ]; then
	(FAILED_WORD="did not finish (optional)" bench scaling "$SCALE_TIMEOUT" --backends gpu --sizes "$SIZES_GPU" --setup dummy --batches 1 --rounds "$SCALE_ROUNDS" --gnark-log) ||
		log "bench scaling did not finish; the report keeps what it printed"
elif [ -n "$SIZES_GPU" ]; then
	printf '\n(GPU-only sizes %s skipped: %s s left)\n' "$SIZES_GPU" "$(left)" >>"$REPORT"
fi

nvidia-smi --query-gpu=name,memory.used,memory.total --format=csv,noheader >>"$OUT/run.log" 2>&1
printf '\nTotal %s s on the GPU machine.\n' "$(($(date +%s) - START))" >>"$REPORT"
log "done; report:"
cat "$REPORT"
