#!/usr/bin/env bash
# secrets.sh: creates the secrets docker-compose.yml reads, once, in
# deploy/compose/secrets/ (never committed, never copied into an image):
#
#   postgres_password  PostgreSQL's password for the user provenant
#   pgpass             the same, as a libpq password file for the services
#                      (PGPASSFILE; pgx reads it)
#   store_key          the 32-byte key (hex) that seals events' private
#                      payloads in the store: back it up, apart from the
#                      database backups; without it they cannot be read
#
# An existing file is never overwritten: to use your own, write it before
# running this. The folder is mode 0700; the files are readable by all
# (0644) because Docker mounts them into containers whose users differ
# from yours (postgres, 65532), and the folder keeps other local users out.
set -euo pipefail
dir="$(cd "$(dirname "$0")" && pwd)/secrets"
mkdir -p "$dir"
chmod 0700 "$dir"

random_hex() { head -c "$1" /dev/urandom | od -An -v -tx1 | tr -d ' \n'; }

# put NAME CONTENT writes dir/NAME unless it exists.
put() {
	if [[ -s "$dir/$1" ]]; then
		echo "secrets: keeping $dir/$1"
		return
	fi
	umask 022
	printf '%s\n' "$2" >"$dir/$1.tmp"
	chmod 0644 "$dir/$1.tmp"
	mv "$dir/$1.tmp" "$dir/$1"
	echo "secrets: wrote $dir/$1"
}

put postgres_password "$(random_hex 24)"
put pgpass "*:*:*:provenant:$(head -n1 "$dir/postgres_password")"
put store_key "$(random_hex 32)"
if ! grep -qF ":$(head -n1 "$dir/postgres_password")" "$dir/pgpass"; then
	echo "secrets: $dir/pgpass does not hold the password of $dir/postgres_password" >&2
	exit 1
fi
