#!/usr/bin/env bash
# fabric-healthz.sh [PORT]: the health check of the orderer and peer
# containers: GET /healthz on the operations endpoint (default port 9443)
# with bash's /dev/tcp, since Fabric's images have no curl or wget. Healthy
# when it answers 200.
set -euo pipefail
port="${1:-9443}"
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
IFS= read -r -t 5 status <&3 || true
case "$status" in
"HTTP/1."?" 200"*) exit 0 ;;
esac
echo "GET /healthz on :$port: ${status:-no answer}" >&2
exit 1
