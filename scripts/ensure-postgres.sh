#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers on 127.0.0.1:5432 with trust
# authentication for the user postgres, as the store tests expect: starts the
# local cluster when it is stopped, installs PostgreSQL from Debian's packages
# when it is absent. Prints what it does; changes nothing when the server is up.
set -euo pipefail

host=127.0.0.1
port=5432

ready() {
	if command -v pg_isready >/dev/null 2>&1; then
		pg_isready -q -h "$host" -p "$port"
	else
		(exec 3<>"/dev/tcp/$host/$port") 2>/dev/null
	fi
}

if ready; then
	echo "postgres: up on $host:$port"
	exit 0
fi

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
	echo "postgres: not installed; installing Debian's postgresql package"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql
fi

version=$(ls /etc/postgresql | sort -V | tail -n 1)
if [ -z "$version" ]; then
	echo "postgres: no cluster under /etc/postgresql; creating one"
	version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
	as_root pg_createcluster "$version" main
fi

hba=/etc/postgresql/$version/main/pg_hba.conf
if ! grep -Eq '^host[[:space:]]+all[[:space:]]+all[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$hba"; then
	echo "postgres: allowing trust authentication on $host for tests ($hba)"
	as_root sed -i '1i host all all 127.0.0.1/32 trust' "$hba"
fi

echo "postgres: starting cluster $version/main"
as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true

for _ in $(seq 1 30); do
	if ready; then
		echo "postgres: up on $host:$port"
		exit 0
	fi
	sleep 1
done
echo "postgres: still not answering on $host:$port after 30s" >&2
exit 1
