package services

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/provenant/provenant/anchor"
	"github.com/provenant/provenant/broker"
	"github.com/provenant/provenant/circuits/batch"
	"github.com/provenant/provenant/graphql"
	"github.com/provenant/provenant/ingest"
	"github.com/provenant/provenant/ledger"
	"github.com/provenant/provenant/ledger/fabricnet"
	"github.com/provenant/provenant/prover"
	"github.com/provenant/provenant/registry"
	"github.com/provenant/provenant/store"
	"github.com/provenant/provenant/supplier"
)

// DevConfig configures the all-in-one development system.
type DevConfig struct {
	// DataDir holds all state: the store and its key, the broker's log,
	// the Fabric network, the dev proving keys.
	DataDir string
	// BrokerAddr is where the embedded Kafka-protocol broker listens.
	BrokerAddr string
	// AdminAddr serves /metrics, /healthz and /readyz.
	AdminAddr string
	// APIAddr serves GraphQL (default 127.0.0.1:8080).
	APIAddr string
	// Circuit is the batch circuit the prover uses (default batch.ID(8));
	// its INSECURE dev keys are made once and kept under DataDir/keys.
	Circuit string
	// MaxWait is how long a partly filled batch waits (default 2s).
	MaxWait time.Duration
	// Chaincode is the chaincode server each organization runs (default:
	// this executable's `chaincode` command).
	Chaincode []string
	// BatchTimeout is the orderer's batch timeout (default 100ms); fixed
	// when the network is created.
	BatchTimeout time.Duration
	// Out receives the human-readable summary of where everything listens.
	Out io.Writer
}

// StoreURL returns the store URL of the development system.
func (c DevConfig) StoreURL() string {
	return "sqlite://" + filepath.Join(c.DataDir, "provenant.db")
}

// StoreKeyFile returns the store key file of the development system.
func (c DevConfig) StoreKeyFile() string { return filepath.Join(c.DataDir, "store.key") }

// FabricDir returns the folder of the development system's Fabric network.
func (c DevConfig) FabricDir() string { return filepath.Join(c.DataDir, "fabric") }

func (c *DevConfig) defaults() error {
	if c.APIAddr == "" {
		c.APIAddr = "127.0.0.1:8080"
	}
	if c.Circuit == "" {
		c.Circuit = batch.ID(8)
	}
	if c.MaxWait <= 0 {
		c.MaxWait = 2 * time.Second
	}
	if c.BatchTimeout <= 0 {
		c.BatchTimeout = 100 * time.Millisecond
	}
	if c.Out == nil {
		c.Out = io.Discard
	}
	if len(c.Chaincode) == 0 {
		exe, err := os.Executable()
		if err != nil {
			return fmt.Errorf("dev: the chaincode server: %w", err)
		}
		c.Chaincode = []string{exe, "chaincode"}
	}
	return nil
}

// RunDev runs the whole pipeline in one process on the embedded defaults
// until ctx is done: the durable embedded broker, the SQLite store, a
// native Fabric network, and the ingest, prover, anchor and API services,
// with the registries published to the ledger as they change.
func RunDev(ctx context.Context, log *slog.Logger, cfg DevConfig) error {
	if err := cfg.defaults(); err != nil {
		return err
	}
	begin := time.Now()
	st, err := OpenStore(ctx, log, StoreConfig{URL: cfg.StoreURL(), KeyFile: cfg.StoreKeyFile(), CreateKey: true})
	if err != nil {
		return err
	}
	defer st.Close()
	if err := seedDemoOrigins(ctx, log, st); err != nil {
		return err
	}

	b, err := broker.Start(ctx, cfg.BrokerAddr,
		broker.WithDataDir(filepath.Join(cfg.DataDir, "kafka")),
		broker.WithSyncWrites(),
		broker.WithTopics(broker.DefaultPartitions, supplier.Topic, ingest.DeadLetterTopic),
		broker.WithLogger(log))
	if err != nil {
		return err
	}
	defer b.Close()

	fabric, err := startDevNetwork(ctx, log, cfg)
	if err != nil {
		return err
	}
	defer func() {
		if err := fabric.Stop(); err != nil {
			log.Warn("dev: stop the Fabric network", "err", err)
		}
	}()
	profiles, err := WriteNetworkProfiles(fabric)
	if err != nil {
		return err
	}
	operator, err := DialLedger(log, profiles["Operator"])
	if err != nil {
		return err
	}
	defer operator.Close()
	authority, err := DialLedger(log, profiles["Authority"])
	if err != nil {
		return err
	}
	defer authority.Close()

	keysDir := filepath.Join(cfg.DataDir, "keys")
	keys, err := LoadProverKeys(ctx, log, keysDir, cfg.Circuit, "", true)
	if err != nil {
		return err
	}

	admin, err := ListenAdmin(ctx, cfg.AdminAddr, map[string]Check{"store": st.Ping, "ledger": operator.Ping})
	if err != nil {
		return err
	}
	in, err := newIngester(ingest.Config{Brokers: []string{b.Addr()}}, st, log, admin)
	if err != nil {
		return err
	}
	p, err := newProver(st, keys, prover.Config{MaxWait: cfg.MaxWait, Lease: 20 * time.Second}, log, admin)
	if err != nil {
		return err
	}
	a, err := newAnchorer(st, operator, keysDir, anchor.Config{Poll: 500 * time.Millisecond, MaxBackoff: 5 * time.Second}, log, admin)
	if err != nil {
		return err
	}
	public, err := OpenPublicStore(ctx, log, cfg.StoreURL())
	if err != nil {
		return err
	}
	defer public.Close()
	srv, apiLn, err := ListenAPI(ctx, log, public, authority, APIConfig{Addr: cfg.APIAddr, Introspection: true, Limits: graphql.Limits{}, metrics: graphql.NewMetrics(admin.Registry)})
	if err != nil {
		return err
	}

	fmt.Fprintf(cfg.Out, `Provenant dev is running (Ctrl-C stops it; ready in %[11]s).
  data        %[1]s
  store       %[2]s
  kafka       %[3]s  (events %[4]s, dead letters %[5]s)
  ledger      Fabric v3.1.1, channel provenance, chaincode provenant, in %[6]s
              profiles %[6]s/operator.json, %[6]s/authority.json
  GraphQL     http://%[7]s/graphql  (GraphiQL in a browser)
  admin       http://%[8]s/metrics  /healthz  /readyz
  prover      %[9]s (INSECURE dev keys in %[10]s)

Push an event as a supplier:
  provenant supplier keygen --out supplier.key
  provenant registry suppliers add --store %[2]s --pubkey <the printed key>
  provenant supplier push --key supplier.key --brokers %[3]s event.json
Or a demo feed from several suppliers:
  provenant demo --data %[1]s
Audit the ledger:
  provenant audit --data %[1]s
`, cfg.DataDir, cfg.StoreURL(), b.Addr(), supplier.Topic, ingest.DeadLetterTopic, cfg.FabricDir(),
		apiLn.Addr(), admin.Addr(), keys.Layout.ID(), keysDir, time.Since(begin).Round(100*time.Millisecond))
	log.Info("dev running", "broker", b.Addr(), "store", cfg.StoreURL(), "graphql", apiLn.Addr().String(), "admin", admin.Addr())

	err = runGroup(ctx, in.Run, p.Run, a.Run,
		func(ctx context.Context) error { return publishLoop(ctx, log, st, authority) },
		func(ctx context.Context) error { return ServeHTTP(ctx, srv, apiLn) },
		func(ctx context.Context) error { return admin.Serve(ctx, log) })
	log.Info("dev stopped")
	return err
}

// startDevNetwork starts the dev Fabric network, building the Fabric
// binaries first when they are missing and the source tree is at hand.
func startDevNetwork(ctx context.Context, log *slog.Logger, cfg DevConfig) (*fabricnet.Network, error) {
	fc := fabricnet.Config{
		Dir: cfg.FabricDir(), BatchTimeout: cfg.BatchTimeout, Logger: log,
		Chaincode: fabricnet.Chaincode{Command: cfg.Chaincode},
	}
	n, err := fabricnet.Start(ctx, fc)
	if !errors.Is(err, fabricnet.ErrNoBinaries) {
		return n, err
	}
	root, rootErr := fabricnet.ModuleRoot()
	if rootErr != nil {
		return nil, fmt.Errorf("%w (run `make fabric` in Provenant's source tree)", err)
	}
	log.Info("dev: building the Fabric v3.1.1 binaries (first use: about 3 minutes)")
	build := exec.CommandContext(ctx, filepath.Join(root, "scripts", "build-fabric.sh"))
	build.Dir = root
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return nil, fmt.Errorf("dev: build the Fabric binaries: %w", err)
	}
	return fabricnet.Start(ctx, fc)
}

// publishLoop publishes, as the Authority, every registry root that
// changed: in dev the authority is automatic, so that a supplier added to
// the store can push seconds later.
func publishLoop(ctx context.Context, log *slog.Logger, st store.Store, lc *ledger.Client) error {
	for {
		for _, kind := range []store.RegistryKind{store.RegistrySuppliers, store.RegistryOrigins} {
			snap, err := st.LatestRegistrySnapshot(ctx, kind)
			if kind == store.RegistrySuppliers {
				snap, _, err = registry.SnapshotSuppliers(ctx, st)
			}
			if errors.Is(err, store.ErrNotFound) || err == nil && snap.PublishedTx != "" {
				continue
			}
			if err == nil {
				snap, _, err = PublishRegistry(ctx, st, lc, kind)
			}
			if err != nil {
				if ctx.Err() != nil {
					return nil
				}
				log.Warn("dev: publish registry root", "registry", kind, "err", err)
				continue
			}
			log.Info("dev: registry root published as the Authority", "registry", kind, "root", snap.Root, "tx_id", snap.PublishedTx)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(time.Second):
		}
	}
}

// DemoFacilities returns the certified origins a new dev store starts
// with, each certified from 2020 to 2030.
func DemoFacilities() []registry.Origin {
	from, until := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2030, 12, 31, 0, 0, 0, 0, time.UTC)
	return []registry.Origin{
		{Facility: "urn:epc:id:sgln:4012345.00001.0", Region: "DE", Certificate: "DEMO-CERT-DE-1", ValidFrom: from, ValidUntil: until},
		{Facility: "urn:epc:id:sgln:0614141.00777.0", Region: "US", Certificate: "DEMO-CERT-US-1", ValidFrom: from, ValidUntil: until},
		{Facility: "urn:epc:id:sgln:5412345.00010.0", Region: "BE", Certificate: "DEMO-CERT-BE-1", ValidFrom: from, ValidUntil: until},
	}
}

// seedDemoOrigins imports the demo origin registry into a store that has
// none.
func seedDemoOrigins(ctx context.Context, log *slog.Logger, st store.Store) error {
	if _, err := st.LatestRegistrySnapshot(ctx, store.RegistryOrigins); !errors.Is(err, store.ErrNotFound) {
		return err
	}
	origins := DemoFacilities()
	if _, _, err := registry.ImportOrigins(ctx, st, origins, false); err != nil {
		return fmt.Errorf("dev: demo origin registry: %w", err)
	}
	log.Info("dev: demo origin registry imported", "facilities", len(origins))
	return nil
}
