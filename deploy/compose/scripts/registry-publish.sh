#!/usr/bin/env bash
# registry-publish.sh: the job of docker-compose.yml that publishes the
# registries' roots on the ledger as the Authority, so that batches proven
# against them can be anchored. Run it again whenever a registry changed:
#
#   docker compose run --rm registry-publish
#
# When the store has no origin registry yet, it first imports ORIGINS_FILE
# (default: the demo registry deploy/compose/registry/demo-origins.csv, the
# facilities `provenant dev` starts with; set ORIGINS_FILE empty to skip).
# The store comes from PROVENANT_STORE, PROVENANT_STORE_KEY and PGPASSFILE;
# the Authority's connection profile from AUTHORITY_PROFILE.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=fabric-env.sh
. "$here/fabric-env.sh"

profile="${AUTHORITY_PROFILE:-/etc/provenant/ledger/authority.json}"
origins_file="${ORIGINS_FILE-$here/../registry/demo-origins.csv}"

kinds=(suppliers origins)
if [[ -z "$(provenant registry origins list --format json 2>/dev/null)" ]]; then
	if [[ -n "$origins_file" ]]; then
		log "no origin registry in the store: importing $origins_file"
		provenant registry origins import "$origins_file"
	else
		log "no origin registry in the store and ORIGINS_FILE is empty: publishing the supplier registry only" >&2
		kinds=(suppliers)
	fi
fi
for kind in "${kinds[@]}"; do
	retry 10 provenant registry publish "$kind" --ledger "$profile"
done
provenant registry roots
