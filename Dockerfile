# syntax=docker/dockerfile:1
#
# The provenant image: one static binary (CGO_ENABLED=0; the SQLite driver is
# modernc.org/sqlite, pure Go) on distroless static, run as the unprivileged
# user nonroot (65532). It serves every service (ingest, prover, anchor, api)
# and every tool; docker-compose.yml and deploy/kubernetes pick the command.
# It holds no configuration and no secret: keys, TLS material, the store key
# and connection profiles come from mounted files, the rest from
# PROVENANT_<FLAG> environment variables (docs/configuration.md).
#
#   docker build -t provenant/provenant:dev .
#
# The image proves on the CPU. The GPU prover is a separate build against
# ICICLE's libraries (scripts/build-gpu.sh, docs/gpu.md).
#
# /usr/local/bin/healthcheck (deploy/compose/cmd/healthcheck) probes the
# admin endpoint for docker compose, since the image has no shell or curl.

ARG GO_VERSION=1.26.8

FROM golang:${GO_VERSION} AS build
WORKDIR /src
ENV CGO_ENABLED=0 GOFLAGS=-trimpath
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
ARG VERSION=dev
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    go build -ldflags="-s -w" -o /out/bin/provenant ./cmd/provenant \
 && go build -ldflags="-s -w" -o /out/bin/healthcheck ./deploy/compose/cmd/healthcheck \
 && mkdir -p /out/var/lib/provenant/keys

FROM gcr.io/distroless/static-debian12:nonroot
ARG VERSION=dev
LABEL org.opencontainers.image.title="provenant" \
      org.opencontainers.image.description="Provenant: zero-knowledge supply-chain provenance (ingest, prover, anchor, api and tools)" \
      org.opencontainers.image.source="https://github.com/provenant/provenant" \
      org.opencontainers.image.version="${VERSION}"
COPY --from=build /out/bin/ /usr/local/bin/
# The key store's mount point, owned by nonroot so that a new volume
# mounted there is writable by the services.
COPY --from=build --chown=65532:65532 /out/var/lib/provenant /var/lib/provenant
WORKDIR /home/nonroot
USER 65532:65532
# GraphQL (api) and the admin endpoints of ingest, prover, anchor and api.
EXPOSE 8080 9101 9102 9103 9104
ENTRYPOINT ["/usr/local/bin/provenant"]
CMD ["--help"]
