# syntax=docker/dockerfile:1
#
# provenant-ops: the image of docker-compose.yml's one-shot jobs, which
# generate the Fabric crypto material, create the channel, deploy the
# chaincode, make and register the circuit keys and publish the registries
# with the scripts in deploy/compose/scripts (mounted, not copied).
#
# It holds the Fabric v3.1.1 tools (peer, configtxgen, cryptogen,
# osnadmin), built from the same pinned module as `make fabric`
# (deploy/fabric), because Hyperledger publishes no fabric-tools image since
# Fabric v3.0 and the peer image has only `peer`; Fabric's core.yaml for the
# peer CLI; provenant itself; and bash and openssl for the scripts. Build it
# from the repository root:
#
#   docker build -f deploy/compose/ops.Dockerfile -t provenant/provenant-ops:dev .

ARG GO_VERSION=1.26.8

FROM golang:${GO_VERSION} AS fabric
ARG FABRIC_VERSION=3.1.1
WORKDIR /src/deploy/fabric
ENV CGO_ENABLED=0 GOFLAGS=-trimpath
COPY deploy/fabric/go.mod deploy/fabric/go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    GOBIN=/out/bin go install -ldflags="-s -w -X github.com/hyperledger/fabric/common/metadata.Version=${FABRIC_VERSION}" \
      github.com/hyperledger/fabric/cmd/peer \
      github.com/hyperledger/fabric/cmd/configtxgen \
      github.com/hyperledger/fabric/cmd/cryptogen \
      github.com/hyperledger/fabric/cmd/osnadmin \
 && mkdir -p /out/config \
 && cp "$(go list -m -f '{{.Dir}}' github.com/hyperledger/fabric)/sampleconfig/core.yaml" /out/config/core.yaml

FROM golang:${GO_VERSION} AS provenant
WORKDIR /src
ENV CGO_ENABLED=0 GOFLAGS=-trimpath
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    go build -ldflags="-s -w" -o /out/bin/provenant ./cmd/provenant

FROM debian:12-slim
LABEL org.opencontainers.image.title="provenant-ops" \
      org.opencontainers.image.description="Provenant's one-shot deployment jobs: Fabric v3.1.1 tools, provenant, bash, openssl" \
      org.opencontainers.image.source="https://github.com/provenant/provenant"
RUN apt-get update \
 && apt-get install -y --no-install-recommends openssl=3.0.* \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 65532 provenant \
 && useradd --uid 65532 --gid 65532 --home-dir /home/provenant --create-home --shell /usr/sbin/nologin provenant \
 && mkdir -p /fabric /var/lib/provenant/keys \
 && chown 65532:65532 /fabric /var/lib/provenant/keys
COPY --from=fabric /out/bin/ /usr/local/bin/
COPY --from=fabric /out/config/core.yaml /etc/hyperledger/fabric/core.yaml
COPY --from=provenant /out/bin/provenant /usr/local/bin/provenant
ENV FABRIC_CFG_PATH=/etc/hyperledger/fabric
WORKDIR /home/provenant
USER 65532:65532
CMD ["bash"]
