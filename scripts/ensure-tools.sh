#!/usr/bin/env bash
# Installs the command-line tools the integration tests drive when they are
# missing: kcat (a librdkafka Kafka client, to check that any client can push
# signed events) and Node.js from Debian's packages, then snarkjs from npm (to
# check that proofs verify outside Go).
set -euo pipefail

missing=()
command -v kcat >/dev/null 2>&1 || missing+=(kcat)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

if [ ${#missing[@]} -gt 0 ]; then
	echo "tools: installing ${missing[*]} from Debian's packages"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi
echo "tools: kcat and node present"

"$(dirname "$0")/ensure-snarkjs.sh"
# Chromium from Debian's packages, and playwright-core and graphql from npm,
# for the GraphQL tests that drive GraphiQL in a browser and check the API
# from JavaScript (graphql/testdata/js).
"$(dirname "$0")/ensure-browser.sh"
