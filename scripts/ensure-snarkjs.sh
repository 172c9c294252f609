#!/usr/bin/env bash
# Installs snarkjs (the reference JavaScript Groth16 tool) into .tools/ with
# npm, for the tests that check Provenant's proofs and keys verify outside Go
# (prover/setup: exported verification_key.json, proof.json, public.json).
# Changes nothing when the pinned version is already there. Needs node and
# npm; .tools/ is ignored by git.
set -euo pipefail

version=0.7.6
root="$(cd "$(dirname "$0")/.." && pwd)"
prefix="$root/.tools"
bin="$prefix/node_modules/.bin/snarkjs"
pkg="$prefix/node_modules/snarkjs/package.json"

if [ -x "$bin" ] && [ -f "$pkg" ] && grep -q "\"version\": \"$version\"" "$pkg"; then
	echo "snarkjs: $version present in $prefix"
	exit 0
fi

for tool in node npm; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "snarkjs: $tool not found; install Node.js 18 or later (Debian: apt-get install nodejs npm)" >&2
		exit 1
	fi
done

echo "snarkjs: installing snarkjs@$version into $prefix"
mkdir -p "$prefix"
# A package.json of its own keeps npm from walking up to another project.
[ -f "$prefix/package.json" ] || printf '{\n  "private": true,\n  "description": "Provenant test tools (scripts/ensure-snarkjs.sh)"\n}\n' >"$prefix/package.json"
npm install --prefix "$prefix" --no-audit --no-fund --save-exact "snarkjs@$version"
"$bin" --version >/dev/null 2>&1 || true
echo "snarkjs: installed $("$bin" --help 2>/dev/null | head -n 1 || echo "snarkjs@$version")"
