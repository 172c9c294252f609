#!/usr/bin/env bash
# Builds the GPU-capable provenant for a machine with an NVIDIA GPU and no Go
# (see docs/gpu.md), in five steps, each skipped when its output is there:
#
#   libs    ICICLE's host libraries (libicicle_device, libicicle_field_<c>,
#           libicicle_curve_<c>) for the four curves that gnark's
#           backend/accelerated/icicle links (bn254, bls12_377, bls12_381,
#           bw6_761), with cmake and ninja, no CUDA: -DCUDA_BACKEND=OFF
#           -DCPU_BACKEND=OFF. The sources are those of the icicle-gnark
#           module that go.mod pins, taken from the module cache.
#   binary  go build -tags icicle ./cmd/provenant, linked against them, with
#           the runpath $ORIGIN/lib so that the bundle runs from any folder;
#           and the tagged test binary of ./gpu (gpu.test), likewise.
#   cuda    ICICLE's CUDA backend for bn254 alone, for sm_CUDA_ARCH (default
#           90: H100, H200), built here with nvcc, so that the GPU machine's
#           15 minutes go to the checks rather than to nvcc: the G2 MSM
#           alone takes nvcc longer than one device command may run.
#           nvcc comes from Debian's nvidia-cuda-toolkit (CUDA 11.8, the
#           first release with sm_90; it is in Debian's non-free component,
#           which the step adds to apt's sources when nvcc is missing). The
#           result is WORK/cuda-backend.tar.gz; it needs no GPU to build and
#           the driver on the GPU machine runs it (CUDA's runtime is linked
#           statically). About 46 minutes on 2 cores, 35 of them the G2
#           MSM's one nvcc run (docs/gpu.md).
#   bundle  one folder, BUNDLE (default .gpu-build/bundle), for the device
#           tool's carry: the binary and gpu.test (gzipped), lib/, the
#           ICICLE sources that the CUDA backend build needs (icicle/),
#           cuda-backend.tar.gz when the cuda step made it (gpu-run.sh then
#           skips its own build), gpu-run.sh, VERSIONS.
#           It must stay under the 64 MiB that can be sent; the script fails
#           when it does not.
#   check   runs the bundled binary here: `provenant prover bench --backends
#           gpu` must fail with "no CUDA device" (it links and loads).
#   test    (not in all) go vet and go test -tags icicle of ./gpu/... and
#           ./cmd/provenant against the host libraries: on a machine without
#           a GPU the device test checks that detection says so and skips.
#
# Usage: scripts/build-gpu.sh [libs|binary|cuda|bundle|check|test|all]
# (default all: libs, binary, cuda, bundle, check). NO_CUDA=1 leaves the
# cuda step out of all; the GPU machine then builds the backend itself.
# Installs cmake and ninja-build with apt-get when they are missing.
# The host libraries take long on few cores: 15 minutes for the four curves
# on 2 cores (bn254 130 s, the others about 230 s each); the tagged go build
# about 3.5 minutes more. The bundle is about 20 MiB.
#
# Environment: GPU_BUILD (default <repository>/.gpu-build) is the work
# folder; BUNDLE the bundle folder; GO the go command; JOBS the build jobs
# (default nproc).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
GO="${GO:-go}"
WORK="${GPU_BUILD:-$ROOT/.gpu-build}"
BUNDLE="${BUNDLE:-$WORK/bundle}"
JOBS="${JOBS:-$(nproc)}"
CUDA_ARCH="${CUDA_ARCH:-90}"
CURVES=(bn254 bls12_377 bls12_381 bw6_761)
MODULE=github.com/ingonyama-zk/icicle-gnark/v3
LIMIT_MIB=64

SRC="$WORK/icicle-src" # a writable copy of the module's icicle/ folder
INSTALL="$WORK/install"
LIB="$INSTALL/lib"
BIN="$WORK/provenant"
TESTBIN="$WORK/gpu.test"
CUDA_TAR="$WORK/cuda-backend.tar.gz"

log() { echo "build-gpu: $*"; }
die() {
	echo "build-gpu: $*" >&2
	exit 1
}

ensure_tools() {
	local missing=()
	command -v cmake >/dev/null || missing+=(cmake)
	command -v ninja >/dev/null || missing+=(ninja-build)
	command -v g++ >/dev/null || command -v clang++ >/dev/null || missing+=(g++)
	[ ${#missing[@]} -eq 0 ] && return
	command -v apt-get >/dev/null || die "missing ${missing[*]} and no apt-get to install them"
	local sudo=""
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	log "installing ${missing[*]} with apt-get"
	$sudo apt-get install -y "${missing[@]}" >/dev/null || {
		$sudo apt-get update >/dev/null
		$sudo apt-get install -y "${missing[@]}" >/dev/null
	}
}

# module_dir prints the module cache folder of the icicle-gnark version that
# go.mod pins, downloading it when needed.
module_dir() {
	(cd "$ROOT" && "$GO" mod download -json "$MODULE" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
}

module_version() {
	(cd "$ROOT" && "$GO" list -m -f '{{.Version}}' "$MODULE")
}

libs() {
	local done=1 c
	for c in "${CURVES[@]}"; do
		[ -f "$LIB/libicicle_curve_$c.so" ] && [ -f "$LIB/libicicle_field_$c.so" ] || done=0
	done
	if [ $done -eq 1 ] && [ -f "$LIB/libicicle_device.so" ]; then
		log "libs: present in $LIB"
		return
	fi
	ensure_tools
	local dir
	dir="$(module_dir)"
	[ -d "$dir/icicle" ] || die "no icicle/ folder in $dir"
	rm -rf "$SRC"
	mkdir -p "$SRC" "$INSTALL"
	cp -r "$dir/icicle/." "$SRC/"
	chmod -R u+w "$SRC"
	local start=$(date +%s) t
	for c in "${CURVES[@]}"; do
		if [ -f "$LIB/libicicle_curve_$c.so" ] && [ -f "$LIB/libicicle_field_$c.so" ]; then
			log "libs: $c present"
			continue
		fi
		t=$(date +%s)
		log "libs: building $c with $JOBS jobs (host code only: no CUDA, no CPU backend)"
		cmake -G Ninja -S "$SRC" -B "$WORK/cmake-$c" \
			-DCMAKE_BUILD_TYPE=Release \
			-DCMAKE_INSTALL_PREFIX="$INSTALL" \
			-DCURVE="$c" -DCUDA_BACKEND=OFF -DCPU_BACKEND=OFF \
			-DMSM=ON -DNTT=ON -DG2=ON >"$WORK/cmake-$c.log" 2>&1 ||
			die "cmake configure $c failed: see $WORK/cmake-$c.log"
		cmake --build "$WORK/cmake-$c" --target install -j "$JOBS" >>"$WORK/cmake-$c.log" 2>&1 ||
			die "cmake build $c failed: see $WORK/cmake-$c.log"
		log "libs: $c built in $(($(date +%s) - t)) s"
	done
	log "libs: all curves built in $(($(date +%s) - start)) s into $LIB"
}

ensure_nvcc() {
	command -v nvcc >/dev/null && return
	command -v apt-get >/dev/null || die "cuda: no nvcc and no apt-get to install Debian's nvidia-cuda-toolkit"
	local sudo="" list=/etc/apt/sources.list.d/provenant-cuda.sources
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	if ! apt-cache policy nvidia-cuda-toolkit 2>/dev/null | grep -q 'Candidate: [0-9]'; then
		. /etc/os-release
		log "cuda: adding Debian's contrib and non-free components for $VERSION_CODENAME to apt's sources ($list)"
		printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: %s\nComponents: contrib non-free\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
			"$VERSION_CODENAME" | $sudo tee "$list" >/dev/null
		$sudo apt-get update >/dev/null
	fi
	log "cuda: installing nvidia-cuda-toolkit with apt-get (about 2 GiB)"
	$sudo apt-get install -y --no-install-recommends nvidia-cuda-toolkit >/dev/null
}

# cuda builds ICICLE's bn254 CUDA backend here (no GPU needed) into
# CUDA_TAR, the tarball of lib/backend that gpu-run.sh unpacks.
cuda() {
	if [ -f "$CUDA_TAR" ]; then
		log "cuda: present: $CUDA_TAR"
		return
	fi
	[ -d "$SRC/backend/cuda" ] || die "cuda: no ICICLE sources in $SRC; run: $0 libs"
	ensure_tools
	ensure_nvcc
	local build="$WORK/cuda-build" install="$WORK/cuda-install" start=$(date +%s)
	log "cuda: building the bn254 CUDA backend for sm_$CUDA_ARCH with $JOBS jobs ($(nvcc --version | grep -m1 release)); the G2 MSM is one long nvcc run"
	cmake -G Ninja -S "$SRC" -B "$build" \
		-DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$install" \
		-DCURVE=bn254 -DCUDA_BACKEND=ON -DCPU_BACKEND=OFF -DCUDA_ARCH="$CUDA_ARCH" \
		-DMSM=ON -DNTT=ON -DG2=ON >"$WORK/cuda-build.log" 2>&1 ||
		die "cuda: cmake configure failed: see $WORK/cuda-build.log"
	# ninja prints a line per finished step; show them as progress. With
	# pipefail, rc is cmake's status (the rest of the pipe cannot fail).
	local rc=0
	cmake --build "$build" --target install -j "$JOBS" 2>&1 | tee -a "$WORK/cuda-build.log" |
		{
			grep --line-buffered -o '^\[[0-9]*/[0-9]*\] [A-Za-z]* [A-Za-z]* [^ ]*' | sed -u 's/^/build-gpu: cuda: /'
			true
		} || rc=$?
	[ "$rc" -eq 0 ] || die "cuda: build failed (exit $rc): see $WORK/cuda-build.log"
	local so
	for so in "$install/lib/backend/cuda/libicicle_backend_cuda_device.so" \
		"$install/lib/backend/bn254/cuda/libicicle_backend_cuda_field_bn254.so" \
		"$install/lib/backend/bn254/cuda/libicicle_backend_cuda_curve_bn254.so"; do
		[ -f "$so" ] || die "cuda: the build installed no $so"
		! ldd "$so" | grep -q 'libcudart' || die "cuda: $so links CUDA's runtime dynamically; the GPU machine has another version"
	done
	tar -C "$install/lib" -czf "$CUDA_TAR.tmp" backend && mv "$CUDA_TAR.tmp" "$CUDA_TAR"
	nvcc --version | grep -m1 release >"$WORK/cuda-backend.version"
	log "cuda: built in $(($(date +%s) - start)) s: $CUDA_TAR ($(du -h "$CUDA_TAR" | cut -f1))"
}

# cgo_ldflags links the host libraries; $ORIGIN is literal: the loader
# finds lib/ beside the binary.
cgo_ldflags() {
	echo "-L$LIB -licicle_device -lstdc++ -lm -Wl,-rpath,\$ORIGIN/lib -Wl,-rpath,\$ORIGIN/../lib $*"
}

binary() {
	[ -f "$LIB/libicicle_device.so" ] || die "binary: no host libraries in $LIB; run: $0 libs"
	log "binary: go build -tags icicle ./cmd/provenant"
	local start=$(date +%s)
	(cd "$ROOT" && CGO_ENABLED=1 CGO_LDFLAGS="$(cgo_ldflags)" \
		"$GO" build -tags icicle -trimpath -ldflags "-s -w" -o "$BIN" ./cmd/provenant)
	log "binary: $BIN ($(du -h "$BIN" | cut -f1)) in $(($(date +%s) - start)) s"
	readelf -d "$BIN" | grep -E 'RUNPATH|RPATH' || true
	log "binary: go test -c -tags icicle ./gpu (TestDevice proves on the GPU machine)"
	(cd "$ROOT" && CGO_ENABLED=1 CGO_LDFLAGS="$(cgo_ldflags)" \
		"$GO" test -c -tags icicle -trimpath -ldflags "-s -w" -o "$TESTBIN" ./gpu)
}

bundle() {
	[ -x "$BIN" ] && [ -x "$TESTBIN" ] || die "bundle: no $BIN or $TESTBIN; run: $0 binary"
	rm -rf "$BUNDLE"
	mkdir -p "$BUNDLE/lib" "$BUNDLE/icicle"
	gzip -9 -c "$BIN" >"$BUNDLE/provenant.gz"
	gzip -9 -c "$TESTBIN" >"$BUNDLE/gpu.test.gz"
	cp -P "$LIB"/libicicle_*.so* "$BUNDLE/lib/"
	# The CUDA backend build needs the top-level CMakeLists, cmake/,
	# include/, src/ (the host libraries it links) and backend/cuda.
	(cd "$SRC" && cp -r CMakeLists.txt cmake include src "$BUNDLE/icicle/")
	mkdir -p "$BUNDLE/icicle/backend"
	cp -r "$SRC/backend/cuda" "$BUNDLE/icicle/backend/"
	cp "$ROOT/scripts/gpu-run.sh" "$BUNDLE/gpu-run.sh"
	[ ! -f "$CUDA_TAR" ] || cp "$CUDA_TAR" "$BUNDLE/cuda-backend.tar.gz"
	chmod +x "$BUNDLE/gpu-run.sh"
	{
		echo "built $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -m), $(ldd --version | head -1)"
		echo "commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' (with uncommitted changes)')"
		echo "$("$GO" version)"
		(cd "$ROOT" && "$GO" list -m -f '{{.Path}} {{.Version}}' github.com/consensys/gnark github.com/consensys/gnark-crypto "$MODULE")
		echo "compiler $(c++ --version | head -1)"
		if [ -f "$CUDA_TAR" ]; then
			echo "cuda-backend.tar.gz: bn254, sm_$CUDA_ARCH, built here by nvcc $(cat "$WORK/cuda-backend.version" 2>/dev/null || echo '(version unknown)')"
		fi
	} >"$BUNDLE/VERSIONS"
	local kib
	kib=$(du -sk "$BUNDLE" | cut -f1)
	log "bundle: $BUNDLE is $((kib / 1024)) MiB ($kib KiB)"
	[ "$kib" -lt $((LIMIT_MIB * 1024)) ] || die "bundle: $((kib / 1024)) MiB is over the $LIMIT_MIB MiB that can be sent"
}

# check runs the bundled binary where there is no GPU: it must start (the
# libraries load through the runpath) and say that no CUDA device is there.
check() {
	[ -f "$BUNDLE/provenant.gz" ] || die "check: no bundle; run: $0 bundle"
	local tmp out
	tmp="$(mktemp -d)"
	trap 'rm -rf "$tmp"' RETURN
	mkdir -p "$tmp/lib"
	gzip -dc "$BUNDLE/provenant.gz" >"$tmp/provenant"
	chmod +x "$tmp/provenant"
	cp -P "$BUNDLE"/lib/* "$tmp/lib/"
	"$tmp/provenant" version >/dev/null 2>&1 || "$tmp/provenant" --help >/dev/null ||
		die "check: the bundled binary does not start"
	if out="$(ICICLE_BACKEND_INSTALL_DIR="$tmp/none" "$tmp/provenant" prover bench --backends gpu --sizes 1 --setup dummy 2>&1)"; then
		die "check: bench --backend gpu succeeded on a machine without a GPU?"
	fi
	echo "$out" | grep -q "no CUDA device" || die "check: unexpected failure: $out"
	log "check: the bundled binary starts and reports: $(echo "$out" | grep -m1 'no CUDA device')"
}

tests() {
	[ -f "$LIB/libicicle_device.so" ] || die "test: no host libraries in $LIB; run: $0 libs"
	log "test: go vet and go test -tags icicle ./gpu/... ./cmd/provenant"
	(cd "$ROOT" && export CGO_ENABLED=1 CGO_LDFLAGS="$(cgo_ldflags "-Wl,-rpath,$LIB")" &&
		"$GO" vet -tags icicle ./gpu/... ./cmd/provenant &&
		"$GO" test -tags icicle -count=1 -v -run 'TestDevice|TestLaunchBlocking|TestSelect|TestParseMode' ./gpu/ &&
		"$GO" test -tags icicle -count=1 -run 'TestConfigurationReference|TestEveryCommandHasHelp' ./cmd/provenant)
}

case "${1:-all}" in
libs) libs ;;
binary) binary ;;
cuda) cuda ;;
bundle) bundle ;;
check) check ;;
test) tests ;;
all)
	libs
	binary
	[ "${NO_CUDA:-}" = 1 ] || cuda
	bundle
	check
	;;
*) die "usage: $0 [libs|binary|cuda|bundle|check|test|all]" ;;
esac
