# Provenant: build, run and test. `make dev` runs the whole system on its
# embedded defaults; `make test` runs vet and every test, integration tests
# included, starting what they need by itself.

GO        ?= go
BIN       := bin/provenant
DATA      ?= ./data
# Conformance fixtures written by others (EPCIS documents, GS1 hash vectors);
# tests that need them skip with a message when the folder is absent.
PROVENANT_CONFORMANCE_DIR ?= ../shared/testdata
CONFORMANCE := $(abspath $(PROVENANT_CONFORMANCE_DIR))
FUZZTIME  ?= 15s

.PHONY: all build dev test vet unit fuzz bench postgres tools fabric clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/provenant
	$(GO) build -o bin/provenant-chaincode ./chaincode/cmd/provenant-chaincode

dev: build
	./$(BIN) dev --data $(DATA)

postgres:
	./scripts/ensure-postgres.sh

tools:
	./scripts/ensure-tools.sh

# The GraphiQL page that graphql/graphiql embeds, rebuilt from
# graphql/graphiql/src with npm and esbuild; commit what it writes.
.PHONY: graphiql
graphiql:
	./scripts/build-graphiql.sh

# The GPU-capable provenant (-tags icicle) and the bundle for the GPU machine,
# .gpu-build/bundle (docs/gpu.md): ICICLE's host libraries with cmake (about
# 15 minutes on 2 cores the first time), the binary, ICICLE's bn254 CUDA
# backend built here with Debian's nvcc (about 46 minutes on 2 cores the
# first time; NO_CUDA=1 leaves it to the GPU machine), the bundle, a check
# that it starts. Not part of `make test`. GPU_STEP=test runs go vet and the
# -tags icicle tests against the libraries; libs, binary, cuda, bundle,
# check run one step.
.PHONY: gpu
GPU_STEP ?= all
gpu:
	./scripts/build-gpu.sh $(GPU_STEP)

# Hyperledger Fabric v3.1.1 binaries (peer, orderer, configtxgen, cryptogen,
# osnadmin) in .fabric/bin for ledger/fabricnet; skipped when present.
fabric:
	./scripts/build-fabric.sh

vet:
	$(GO) vet ./...

# The tests of ./ledger/networktest stop and restart Fabric's processes and
# wait for the network to recover; they run after the rest, alone, so that
# the other packages' tests (go test runs two packages at once on two cores)
# do not starve the restarted processes of CPU.
NETWORKTEST := github.com/provenant/provenant/ledger/networktest

unit: postgres tools fabric
	PROVENANT_CONFORMANCE_DIR=$(CONFORMANCE) $(GO) test -race -count=1 -timeout 30m $$($(GO) list ./... | grep -vx '$(NETWORKTEST)')
	$(GO) test -race -count=1 -timeout 30m $(NETWORKTEST)

# A short run of the main fuzz targets (the parsers and the JSON decoder, the fast schema check
# against the library, the hash against gnark-crypto); run longer with
# FUZZTIME=10m make fuzz.
fuzz:
	$(GO) test ./epcis -run '^$$' -fuzz '^FuzzHashID$$' -fuzztime $(FUZZTIME)
	$(GO) test ./epcis -run '^$$' -fuzz '^FuzzParseValidate$$' -fuzztime $(FUZZTIME)
	$(GO) test ./epcis -run '^$$' -fuzz '^FuzzSchemaCheck$$' -fuzztime $(FUZZTIME)
	$(GO) test ./epcis -run '^$$' -fuzz '^FuzzDecodeTree$$' -fuzztime $(FUZZTIME)
	$(GO) test ./epcis -run '^$$' -fuzz '^FuzzURIVerdict$$' -fuzztime $(FUZZTIME)
	$(GO) test ./field -run '^$$' -fuzz '^FuzzCompress$$' -fuzztime $(FUZZTIME)
	$(GO) test ./chaincode -run '^$$' -fuzz '^FuzzAnchorBatch$$' -fuzztime $(FUZZTIME)

test: vet unit fuzz

bench: postgres
	PROVENANT_CONFORMANCE_DIR=$(CONFORMANCE) $(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf bin
