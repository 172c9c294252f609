#!/usr/bin/env bash
# fabric-crypto.sh: the first job of docker-compose.yml. Creates, once, in
# the fabric volume, everything the Fabric network and its clients need, as
# ledger/fabricnet does for the native network:
#
#   crypto/                 cryptogen's output (deploy/compose/fabric/crypto-config.yaml)
#   channel/provenance.block  the channel's genesis block (configtx.yaml)
#   chaincode/<org>/server/   the chaincode server's TLS certificate and key,
#                           signed by the organization's TLS CA, the CA its
#                           peer's client certificate chains to, and
#                           package-id: mounted by chaincode-<org>
#   chaincode/<org>/package/  the organization's ccaas package, whose
#                           connection.json holds the server's address and the
#                           TLS material the peer dials it with
#   clients/<org>/          User1's certificate and key, the TLS CA of the
#                           peer, and the connection profile <org>.json
#                           (docs/ledger.md): mounted by anchor (operator),
#                           api and registry-publish (authority)
#
# where <org> is operator or authority. It does nothing when the volume
# holds a finished run (.complete), and starts over after an unfinished one.
# It runs as root to own the new volume, and hands everything to the
# services' user (65532) at the end; private keys are mode 0600.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=fabric-env.sh
. "$here/fabric-env.sh"
config="$here/../fabric"

if [[ -f "$FABRIC/.complete" ]]; then
	log "the Fabric crypto material in $FABRIC is complete (made $(cat "$FABRIC/.complete")); nothing to do"
	exit 0
fi
log "creating the Fabric crypto material, genesis block and chaincode packages in $FABRIC"
rm -rf "$CRYPTO" "$FABRIC/channel" "$FABRIC/chaincode" "$FABRIC/clients"
umask 022

cryptogen generate --config="$config/crypto-config.yaml" --output="$CRYPTO"
mkdir -p "$(dirname "$GENESIS_BLOCK")"
configtxgen -configPath "$config" -profile Provenance -channelID "$CHANNEL" -outputBlock "$GENESIS_BLOCK"

# issue CA_CERT CA_KEY CN CERT KEY [DNS...] makes a P-256 key (PKCS #8) and a
# certificate for it signed by the CA, valid for ten years: for TLS as a
# server and a client when DNS names are given (127.0.0.1 is added), as a
# client otherwise.
issue() {
	local ca_cert="$1" ca_key="$2" cn="$3" cert="$4" key="$5"
	shift 5
	local ext csr org san name
	ext="$(mktemp)"
	csr="$(mktemp)"
	org="$(openssl x509 -in "$ca_cert" -noout -subject -nameopt multiline | sed -n 's/^ *organizationName *= *//p')"
	{
		echo "basicConstraints=critical,CA:FALSE"
		echo "keyUsage=critical,digitalSignature,keyEncipherment"
		if (($# > 0)); then
			echo "extendedKeyUsage=serverAuth,clientAuth"
			san="IP:127.0.0.1"
			for name in "$@"; do
				san="$san,DNS:$name"
			done
			echo "subjectAltName=$san"
		else
			echo "extendedKeyUsage=clientAuth"
		fi
	} >"$ext"
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$key"
	openssl req -new -key "$key" -subj "/O=$org/CN=$cn" -out "$csr"
	openssl x509 -req -in "$csr" -CA "$ca_cert" -CAkey "$ca_key" -set_serial "0x$(openssl rand -hex 16)" \
		-days 3650 -sha256 -extfile "$ext" -out "$cert" 2>/dev/null
	rm -f "$ext" "$csr"
}

# pem_json FILE prints FILE as the body of a JSON string.
pem_json() { awk '{ printf "%s\\n", $0 }' "$1"; }

for org in "${ORGS[@]}"; do
	dir="$(cc_dir "$org")"
	tlsca="$(org_tlsca "$org")"
	tlsca_key="$(org_dir "$org")/tlsca/priv_sk"
	mkdir -p "$dir/server" "$dir/package"
	issue "$tlsca" "$tlsca_key" "$(cc_host "$org")" "$dir/server/server.crt" "$dir/server/server.key" \
		"$(cc_host "$org")" "chaincode-$org" localhost
	cp "$tlsca" "$dir/server/client-ca.crt"

	# The ccaas package: metadata.json and code.tar.gz holding connection.json,
	# which the peer's ccaas builder reads to dial the server. Its package ID
	# is label:sha256(package), what the peer computes at install.
	work="$(mktemp -d)"
	issue "$tlsca" "$tlsca_key" "$(peer_host "$org")" "$work/peer-client.crt" "$work/peer-client.key"
	cat >"$work/connection.json" <<JSON
{
  "address": "$(cc_host "$org"):$CC_PORT",
  "dial_timeout": "10s",
  "tls_required": true,
  "client_auth_required": true,
  "client_key": "$(pem_json "$work/peer-client.key")",
  "client_cert": "$(pem_json "$work/peer-client.crt")",
  "root_cert": "$(pem_json "$tlsca")"
}
JSON
	printf '{"type":"ccaas","label":"%s"}\n' "$CC_LABEL" >"$work/metadata.json"
	tar -C "$work" -czf "$work/code.tar.gz" connection.json
	tar -C "$work" -czf "$dir/package/package.tar.gz" metadata.json code.tar.gz
	rm -rf "$work"
	echo "$CC_LABEL:$(sha256sum "$dir/package/package.tar.gz" | cut -d' ' -f1)" >"$dir/server/package-id"
	log "$(org_msp "$org"): chaincode package $(cat "$dir/server/package-id")"

	# User1's identity and connection profile, for the provenant services.
	client="$(client_dir "$org")"
	user="User1@$(org_domain "$org")"
	mkdir -p "$client"
	cp "$(org_dir "$org")/users/$user/msp/signcerts/$user-cert.pem" "$client/cert.pem"
	cp "$(org_dir "$org")/users/$user/msp/keystore/priv_sk" "$client/key.pem"
	cp "$tlsca" "$client/tlsca.pem"
	cat >"$client/$org.json" <<JSON
{
  "endpoint": "$(peer_host "$org"):7051",
  "tlsRootCert": "tlsca.pem",
  "mspID": "$(org_msp "$org")",
  "cert": "cert.pem",
  "key": "key.pem",
  "channel": "$CHANNEL",
  "chaincode": "$CC_NAME",
  "timeout": "30s"
}
JSON
done

find "$FABRIC" -type f \( -name priv_sk -o -name '*.key' -o -name key.pem \) -exec chmod 0600 {} +
date -u +%Y-%m-%dT%H:%M:%SZ >"$FABRIC/.complete"
if [[ "$(id -u)" == 0 ]]; then
	chown -R "$SERVICE_UID:$SERVICE_UID" "$FABRIC"
fi
log "done"
