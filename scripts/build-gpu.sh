#!/usr/bin/env bash
# Builds the GPU-capable provenant for a machine with an NVIDIA GPU and no Go
# (see docs/gpu.md), in four steps, each skipped when its output is there:
#
#   libs    ICICLE's host libraries (libicicle_device, libicicle_field_<c>,
#           libicicle_curve_<c>) for the four curves that gnark's
#           backend/accelerated/icicle links (bn254, bls12_377, bls12_381,
#           bw6_761), with cmake and ninja, no CUDA: -DCUDA_BACKEND=OFF
#           -DCPU_BACKEND=OFF. The sources are those of the icicle-gnark
#           module that go.mod pins, taken from the module cache.
#   binary  go build -tags icicle ./cmd/provenant, linked against them, with
#           the runpath $ORIGIN/lib so that the bundle runs from any folder.
#   bundle  one folder, BUNDLE (default .gpu-build/bundle), for the device
#           tool's carry: the binary (gzipped), lib/, the ICICLE sources that
#           the CUDA backend build needs (icicle/), gpu-run.sh, VERSIONS.
#           It must stay under the 64 MiB that can be sent; the script fails
#           when it does not.
#   check   runs the bundled binary here: `provenant prover bench --backends
#           gpu` must fail with "no CUDA device" (it links and loads).
#   test    (not in all) go vet and go test -tags icicle of ./gpu/... and
#           ./cmd/provenant against the host libraries: on a machine without
#           a GPU the device test checks that detection says so and skips.
#
# Usage: scripts/build-gpu.sh [libs|binary|bundle|check|test|all] (default
# all: libs, binary, bundle, check).
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
CURVES=(bn254 bls12_377 bls12_381 bw6_761)
MODULE=github.com/ingonyama-zk/icicle-gnark/v3
LIMIT_MIB=64

SRC="$WORK/icicle-src" # a writable copy of the module's icicle/ folder
INSTALL="$WORK/install"
LIB="$INSTALL/lib"
BIN="$WORK/provenant"

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
}

bundle() {
	[ -x "$BIN" ] || die "bundle: no $BIN; run: $0 binary"
	rm -rf "$BUNDLE"
	mkdir -p "$BUNDLE/lib" "$BUNDLE/icicle"
	gzip -9 -c "$BIN" >"$BUNDLE/provenant.gz"
	cp -P "$LIB"/libicicle_*.so* "$BUNDLE/lib/"
	# The CUDA backend build needs the top-level CMakeLists, cmake/,
	# include/, src/ (the host libraries it links) and backend/cuda.
	(cd "$SRC" && cp -r CMakeLists.txt cmake include src "$BUNDLE/icicle/")
	mkdir -p "$BUNDLE/icicle/backend"
	cp -r "$SRC/backend/cuda" "$BUNDLE/icicle/backend/"
	cp "$ROOT/scripts/gpu-run.sh" "$BUNDLE/gpu-run.sh"
	chmod +x "$BUNDLE/gpu-run.sh"
	{
		echo "built $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -m), $(ldd --version | head -1)"
		echo "commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' (with uncommitted changes)')"
		echo "$("$GO" version)"
		(cd "$ROOT" && "$GO" list -m -f '{{.Path}} {{.Version}}' github.com/consensys/gnark github.com/consensys/gnark-crypto "$MODULE")
		echo "compiler $(c++ --version | head -1)"
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
		"$GO" test -tags icicle -count=1 -v -run 'TestDevice|TestSelect|TestParseMode' ./gpu/ &&
		"$GO" test -tags icicle -count=1 -run 'TestConfigurationReference|TestEveryCommandHasHelp' ./cmd/provenant)
}

case "${1:-all}" in
libs) libs ;;
binary) binary ;;
bundle) bundle ;;
check) check ;;
test) tests ;;
all)
	libs
	binary
	bundle
	check
	;;
*) die "usage: $0 [libs|binary|bundle|check|test|all]" ;;
esac
