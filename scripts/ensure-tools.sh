#!/usr/bin/env bash
# Installs the command-line tools the integration tests drive, from Debian's
# packages, when they are missing: kcat (a librdkafka Kafka client, to check
# that any client can push signed events).
set -euo pipefail

missing=()
command -v kcat >/dev/null 2>&1 || missing+=(kcat)

if [ ${#missing[@]} -eq 0 ]; then
	echo "tools: kcat present"
	exit 0
fi

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

echo "tools: installing ${missing[*]} from Debian's packages"
as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
