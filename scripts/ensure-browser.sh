#!/usr/bin/env bash
# Installs what the GraphQL tests drive outside Go when it is missing:
# Chromium from Debian's packages (/usr/bin/chromium, for the headless
# GraphiQL test graphql/testdata/js/browser.mjs), and playwright-core and
# graphql from npm into .tools/ (for browser.mjs and for the independent
# client graphql/testdata/js/client.mjs). Playwright never downloads a
# browser here: browser.mjs starts Debian's Chromium by its path. Changes
# nothing when the pinned versions are already there. Needs node and npm;
# .tools/ is ignored by git.
#
# Pinned: playwright-core 1.65.1 (needs Node.js 20 or later), graphql 16.15.0
# (graphql 17 needs Node.js 22 or later; Debian 12 ships Node.js 20).
set -euo pipefail

playwright_version=1.65.1
graphql_version=16.15.0
chromium=/usr/bin/chromium
root="$(cd "$(dirname "$0")/.." && pwd)"
prefix="$root/.tools"

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

if [ ! -x "$chromium" ]; then
	echo "browser: installing chromium from Debian's packages"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium
fi
echo "browser: $("$chromium" --version 2>/dev/null || echo "chromium") at $chromium"

# has NAME VERSION: whether .tools/node_modules holds exactly that version.
has() {
	local pkg="$prefix/node_modules/$1/package.json"
	[ -f "$pkg" ] && grep -q "\"version\": \"$2\"" "$pkg"
}

want=()
has playwright-core "$playwright_version" || want+=("playwright-core@$playwright_version")
has graphql "$graphql_version" || want+=("graphql@$graphql_version")
if [ ${#want[@]} -eq 0 ]; then
	echo "browser: playwright-core $playwright_version and graphql $graphql_version present in $prefix"
	exit 0
fi

for tool in node npm; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "browser: $tool not found; install Node.js 20 or later (Debian: apt-get install nodejs npm)" >&2
		exit 1
	fi
done

echo "browser: installing ${want[*]} into $prefix"
mkdir -p "$prefix"
# A package.json of its own keeps npm from walking up to another project.
[ -f "$prefix/package.json" ] || printf '{\n  "private": true,\n  "description": "Provenant test tools (scripts/ensure-tools.sh)"\n}\n' >"$prefix/package.json"
# PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: playwright-core downloads nothing itself,
# but say so in case a later version starts to.
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --prefix "$prefix" --no-audit --no-fund --save-exact "${want[@]}"
echo "browser: playwright-core $playwright_version and graphql $graphql_version installed in $prefix"
