# shellcheck shell=bash disable=SC2034 # its variables are used by the scripts that source it
# fabric-env.sh: what the Fabric jobs of docker-compose.yml share, sourced by
# fabric-crypto.sh, fabric-channel.sh and circuit-keys.sh. The names, hosts
# and policy are those of docs/ledger.md and ledger/fabricnet; the hosts are
# the network aliases of docker-compose.yml.

# The peer and osnadmin CLIs log at warning and above: their INFO lines
# (gRPC connection chatter) would bury the jobs' own output.
export FABRIC_LOGGING_SPEC="${FABRIC_LOGGING_SPEC:-warn}"

# FABRIC is where the fabric volume is mounted.
FABRIC="${FABRIC:-/fabric}"
CRYPTO="$FABRIC/crypto"
CHANNEL=provenance
CC_NAME=provenant
CC_LABEL=provenant
CC_VERSION=1.0
CC_SEQUENCE=1
CC_POLICY="AND('OperatorMSP.peer','AuthorityMSP.peer')"
CC_INIT_ARGS='["OperatorMSP","AuthorityMSP"]'
CC_PORT=9999
ORGS=(operator authority)
GENESIS_BLOCK="$FABRIC/channel/$CHANNEL.block"
# The user id of the provenant and chaincode images (distroless nonroot).
SERVICE_UID=65532

ORDERER_DOMAIN=orderer.provenant.example
ORDERER_HOST="orderer0.$ORDERER_DOMAIN"
ORDERER_ORG_DIR="$CRYPTO/ordererOrganizations/$ORDERER_DOMAIN"
ORDERER_TLSCA="$ORDERER_ORG_DIR/tlsca/tlsca.$ORDERER_DOMAIN-cert.pem"
ORDERER_ADMIN_TLS="$ORDERER_ORG_DIR/users/Admin@$ORDERER_DOMAIN/tls"
ORDERER_ADMIN_ENDPOINT="$ORDERER_HOST:7053"
ORDERER_ARGS=(-o "$ORDERER_HOST:7050" --ordererTLSHostnameOverride "$ORDERER_HOST" --tls --cafile "$ORDERER_TLSCA")

# org_msp ORG prints the MSP ID of operator or authority.
org_msp() {
	case "$1" in
	operator) echo OperatorMSP ;;
	authority) echo AuthorityMSP ;;
	*)
		echo "unknown organization $1" >&2
		return 1
		;;
	esac
}
org_domain() { echo "$1.provenant.example"; }
org_dir() { echo "$CRYPTO/peerOrganizations/$(org_domain "$1")"; }
org_tlsca() { echo "$(org_dir "$1")/tlsca/tlsca.$(org_domain "$1")-cert.pem"; }
peer_host() { echo "peer0.$(org_domain "$1")"; }
cc_host() { echo "cc.$(org_domain "$1")"; }
# cc_dir ORG: the chaincode's TLS material and package ID (server/, mounted
# by the chaincode container) and its ccaas package (package/).
cc_dir() { echo "$FABRIC/chaincode/$1"; }
# client_dir ORG: User1's identity and connection profile, mounted by the
# provenant services that act for ORG (anchor: operator; api: authority).
client_dir() { echo "$FABRIC/clients/$1"; }

# peer_as ORG ARGS... runs the peer CLI as ORG's Admin against ORG's peer.
peer_as() {
	local org="$1"
	shift
	CORE_PEER_TLS_ENABLED=true \
		CORE_PEER_LOCALMSPID="$(org_msp "$org")" \
		CORE_PEER_MSPCONFIGPATH="$(org_dir "$org")/users/Admin@$(org_domain "$org")/msp" \
		CORE_PEER_TLS_ROOTCERT_FILE="$(org_tlsca "$org")" \
		CORE_PEER_ADDRESS="$(peer_host "$org"):7051" \
		peer "$@"
}

# endorser_args prints, one per line, the flags that send a transaction to
# both organizations' peers, as the endorsement policy needs.
endorser_args() {
	local org
	for org in "${ORGS[@]}"; do
		printf '%s\n' --peerAddresses "$(peer_host "$org"):7051" --tlsRootCertFiles "$(org_tlsca "$org")"
	done
}

# retry TRIES CMD... runs CMD until it succeeds, TRIES times at most, 2 s
# apart: the orderer elects itself and the peers catch up in a few seconds.
retry() {
	local tries="$1" i
	shift
	for ((i = 1; ; i++)); do
		if "$@"; then
			return 0
		fi
		if ((i >= tries)); then
			echo "failed $tries times: $*" >&2
			return 1
		fi
		sleep 2
	done
}

log() { echo "$(basename "$0"): $*"; }
