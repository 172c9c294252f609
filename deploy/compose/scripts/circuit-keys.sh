#!/usr/bin/env bash
# circuit-keys.sh: the job of docker-compose.yml that provides the provers'
# Groth16 keys and pins their verifying keys on the ledger.
#
# The key store (the keys volume, /var/lib/provenant/keys) must hold keys
# for CIRCUIT. Production keys come from a multi-party ceremony (provenant
# setup ceremony; docs/operations.md): copy the sealed key store into the
# volume. When it holds none and DEV_KEYS is true (the default of
# docker-compose.yml, for trying the system out), the job makes INSECURE
# single-party keys with `provenant setup dev`, labelled so in meta.json and
# in the logs. Then every verifying key in the store that the ledger lacks is
# registered (RegisterVerifyingKey, as the Operator's Admin, endorsed by
# both organizations); the anchor service would pin them too, but a key on
# the ledger before the first batch lets auditors check it first.
#
# Environment: CIRCUIT (required), KEYS_DIR (default /var/lib/provenant/keys),
# DEV_KEYS (true or false, default false).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=fabric-env.sh
. "$here/fabric-env.sh"

circuit="${CIRCUIT:?set CIRCUIT to the circuit ID of the provers}"
keys="${KEYS_DIR:-/var/lib/provenant/keys}"

if compgen -G "$keys/$circuit/*/meta.json" >/dev/null; then
	log "keys of $circuit present in $keys"
elif [[ "${DEV_KEYS:-false}" == true ]]; then
	log "no keys of $circuit in $keys: making INSECURE single-party development keys (DEV_KEYS=true)"
	provenant setup dev --circuit "$circuit" --keys "$keys"
else
	log "no keys of $circuit in $keys: copy the key store sealed by the ceremony there (docs/operations.md), or set DEV_KEYS=true for INSECURE development keys" >&2
	exit 1
fi
if [[ "$(id -u)" == 0 ]]; then
	chown -R "$SERVICE_UID:$SERVICE_UID" "$keys"
fi

mapfile -t ENDORSERS < <(endorser_args)
for vk in "$keys"/*/*/vk.bin; do
	version="$(basename "$(dirname "$vk")")"
	id="$(basename "$(dirname "$(dirname "$vk")")")"
	if peer_as operator chaincode query -C "$CHANNEL" -n "$CC_NAME" \
		-c "{\"function\":\"GetVerifyingKey\",\"Args\":[\"$id\",\"$version\"]}" >/dev/null 2>&1; then
		log "verifying key $id/$version: on the ledger"
		continue
	fi
	log "verifying key $id/$version: registering"
	retry 5 peer_as operator chaincode invoke -C "$CHANNEL" -n "$CC_NAME" --waitForEvent \
		-c "{\"function\":\"RegisterVerifyingKey\",\"Args\":[\"$id\",\"$version\",\"$(base64 -w0 "$vk")\"]}" \
		"${ORDERER_ARGS[@]}" "${ENDORSERS[@]}"
done
