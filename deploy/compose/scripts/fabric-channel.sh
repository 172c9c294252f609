#!/usr/bin/env bash
# fabric-channel.sh: the job of docker-compose.yml that brings the ledger
# up, as ledger/fabricnet does natively (docs/ledger.md): joins the orderer
# (osnadmin) and both peers to channel provenance, installs each
# organization's own ccaas package on its peer, approves the chaincode
# definition for each organization (init required, endorsement
# AND('OperatorMSP.peer','AuthorityMSP.peer')), commits it, runs
# Init(OperatorMSP, AuthorityMSP) with both peers endorsing, and waits
# until the chaincode answers Ping through each peer. Every step is skipped
# when it is done already, so the job runs on every `docker compose up`.
# It needs the orderer, both peers and both chaincode servers running.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=fabric-env.sh
. "$here/fabric-env.sh"

mapfile -t ENDORSERS < <(endorser_args)
DEFINITION=(--channelID "$CHANNEL" --name "$CC_NAME" --version "$CC_VERSION" --sequence "$CC_SEQUENCE"
	--init-required --signature-policy "$CC_POLICY" --waitForEvent)

osnadmin_() {
	osnadmin channel "$@" -o "$ORDERER_ADMIN_ENDPOINT" --ca-file "$ORDERER_TLSCA" \
		--client-cert "$ORDERER_ADMIN_TLS/client.crt" --client-key "$ORDERER_ADMIN_TLS/client.key"
}

# The orderer: join it to the channel (it creates the channel from the
# genesis block), then wait until it is an active consenter.
if osnadmin_ list --channelID "$CHANNEL" | grep -q '^Status: 200'; then
	log "orderer: member of $CHANNEL"
else
	log "orderer: joining $CHANNEL"
	out="$(osnadmin_ join --channelID "$CHANNEL" --config-block "$GENESIS_BLOCK")"
	echo "$out"
	grep -q '^Status: 201' <<<"$out"
fi
orderer_active() { osnadmin_ list --channelID "$CHANNEL" | grep -q '"status": *"active"'; }
retry 30 orderer_active

# The peers: join, install the organization's package.
for org in "${ORGS[@]}"; do
	if peer_as "$org" channel getinfo -c "$CHANNEL" >/dev/null 2>&1; then
		log "$(peer_host "$org"): member of $CHANNEL"
	else
		log "$(peer_host "$org"): joining $CHANNEL"
		retry 15 peer_as "$org" channel join -b "$GENESIS_BLOCK"
	fi
	package_id="$(cat "$(cc_dir "$org")/server/package-id")"
	if peer_as "$org" lifecycle chaincode queryinstalled | grep -qF "Package ID: $package_id,"; then
		log "$(peer_host "$org"): $package_id installed"
	else
		log "$(peer_host "$org"): installing $package_id"
		retry 5 peer_as "$org" lifecycle chaincode install "$(cc_dir "$org")/package/package.tar.gz"
	fi
done

# The chaincode definition: approved by each organization, then committed.
if peer_as operator lifecycle chaincode querycommitted --channelID "$CHANNEL" --name "$CC_NAME" >/dev/null 2>&1; then
	log "chaincode $CC_NAME: definition committed"
else
	for org in "${ORGS[@]}"; do
		if peer_as "$org" lifecycle chaincode queryapproved --channelID "$CHANNEL" --name "$CC_NAME" \
			--sequence "$CC_SEQUENCE" >/dev/null 2>&1; then
			log "$(org_msp "$org"): definition approved"
			continue
		fi
		log "$(org_msp "$org"): approving the definition of $CC_NAME"
		retry 15 peer_as "$org" lifecycle chaincode approveformyorg \
			--package-id "$(cat "$(cc_dir "$org")/server/package-id")" "${DEFINITION[@]}" "${ORDERER_ARGS[@]}"
	done
	# Both peers simulate the commit: each must have seen both approvals.
	ready_on() {
		peer_as "$1" lifecycle chaincode checkcommitreadiness --channelID "$CHANNEL" --name "$CC_NAME" \
			--version "$CC_VERSION" --sequence "$CC_SEQUENCE" --init-required --signature-policy "$CC_POLICY" |
			grep -c ': true' | grep -qx "${#ORGS[@]}"
	}
	for org in "${ORGS[@]}"; do
		retry 30 ready_on "$org"
	done
	log "committing the definition of $CC_NAME"
	retry 5 peer_as operator lifecycle chaincode commit "${DEFINITION[@]}" "${ORDERER_ARGS[@]}" "${ENDORSERS[@]}"
fi

# Init, once. Before it Fabric refuses every other call, so a query that
# succeeds says it has run.
initialised() {
	peer_as operator chaincode query -C "$CHANNEL" -n "$CC_NAME" \
		-c '{"function":"GetRoots","Args":["suppliers"]}' >/dev/null 2>&1
}
# A try whose transaction committed although the CLI failed (a lost
# event) is seen by the query, not invoked twice.
init_once() {
	initialised && return 0
	peer_as operator chaincode invoke -C "$CHANNEL" -n "$CC_NAME" --isInit \
		-c "{\"function\":\"Init\",\"Args\":$CC_INIT_ARGS}" --waitForEvent "${ORDERER_ARGS[@]}" "${ENDORSERS[@]}" || true
	initialised
}
if initialised; then
	log "chaincode $CC_NAME: initialised"
else
	log "initialising $CC_NAME: Init${CC_INIT_ARGS}"
	retry 15 init_once
fi

# Each peer reaches its own chaincode server.
for org in "${ORGS[@]}"; do
	retry 30 peer_as "$org" chaincode query -C "$CHANNEL" -n "$CC_NAME" -c '{"function":"Ping","Args":[]}'
	log "$(peer_host "$org"): chaincode $CC_NAME answers Ping"
done
log "the ledger is ready: channel $CHANNEL, chaincode $CC_NAME"
