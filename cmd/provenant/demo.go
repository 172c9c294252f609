package main

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/provenant/provenant/broker"
	"github.com/provenant/provenant/demo"
	"github.com/provenant/provenant/services"
	"github.com/provenant/provenant/store"
)

func newDemoCmd(logs *logFlags) *cobra.Command {
	var sf storeFlags
	var dataDir, brokers, keysDir string
	cfg := demo.Config{}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Push realistic signed EPCIS feeds from several demo suppliers and follow them through the pipeline",
		Long: `Play several suppliers at once. Each gets a signing key (kept in --keys and
reused by later runs) and is registered in the store's supplier registry, then
pushes to the events topic, signed, the story of its lots: commissioning at its
farm with the country of origin (ObjectEvent ADD with ILMD), packing onto a
pallet (AggregationEvent with an SSCC parent), shipping to its plant, receiving
(with a temperature reading), unpacking, and the transformation of the lot into a
finished product (TransformationEvent). Most lots are commissioned at a farm of
the dev system's demo origin registry; about one in five claims an origin that
no certificate backs (an uncertified farm, or a certified farm claiming another
region), which ingest stores and the prover then rejects, as it should.

Four bad messages follow, sent raw with kafka-go: a document cut short (not
JSON), an event that breaks the EPCIS schema, an unsigned event, and an event
signed by an unregistered key. Ingest dead-letters them (codes malformed,
invalid, missing-header, unknown-supplier); the demo reads them back from the
dead-letter topic.

With --watch (the default) it then polls the store and the dead-letter topic and
prints a line whenever the counts change (cumulative: an anchored event is also
proven and received) until every event is ANCHORED or REJECTED and every bad
message is dead-lettered, or --timeout passes, and ends with a summary table. It
exits with status 1 when it timed out or when an outcome differs from the
expected one.

--data points it at a "provenant dev" folder: its store, store key and broker.
Without --seed every run pushes a new feed; with --seed the feed is the same on
every run (and so are the signatures' salts, which then blind nothing: demo data
only), so that re-running it changes nothing in the store.`,
		Example: `  provenant dev --data ./data          # in one terminal
  provenant demo --data ./data         # in another
  provenant demo --data ./data --suppliers 5 --events 200 --seed 7
  provenant demo --store postgres://provenant@db:5432/provenant --store-key store.key --brokers kafka:9092 --keys ./demo-keys`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dataDir != "" { // the dev system's store and broker
				dev := services.DevConfig{DataDir: dataDir}
				if _, err := os.Stat(filepath.Join(dataDir, "provenant.db")); errors.Is(err, fs.ErrNotExist) {
					return fmt.Errorf("--data %s: no dev system there (start one with provenant dev --data %s)", dataDir, dataDir)
				}
				sf.url, sf.keyFile, sf.createKey = dev.StoreURL(), dev.StoreKeyFile(), false
				if keysDir == "" {
					keysDir = filepath.Join(dataDir, "demo-keys")
				}
			}
			if keysDir == "" {
				keysDir = "demo-keys"
			}
			if !cmd.Flags().Changed("seed") {
				var b [8]byte
				rand.Read(b[:]) // never fails
				cfg.Feed.Seed = int64(binary.BigEndian.Uint64(b[:]) >> 1)
			} else {
				cfg.Salts = demo.SeededSalts(cfg.Feed.Seed)
			}
			if err := cfg.Feed.Check(); err != nil {
				return err
			}
			cfg.Brokers, cfg.KeysDir, cfg.Out = splitList(brokers), keysDir, cmd.OutOrStdout()
			return withStore(cmd, logs, &sf, func(st store.Store) error {
				cfg.Store = st
				_, err := demo.Run(cmd.Context(), cfg)
				if errors.Is(err, demo.ErrSurprise) || errors.Is(err, demo.ErrTimeout) {
					// The summary has said what happened.
					fmt.Fprintf(cmd.ErrOrStderr(), "provenant: %v\n", err)
					return exitError{code: 1}
				}
				return err
			})
		},
	}
	addStoreFlags(cmd, &sf)
	cmd.Flags().StringVar(&dataDir, "data", "", `use the "provenant dev" system in this folder: sets --store and --store-key, and --keys to its demo-keys folder`)
	cmd.Flags().StringVar(&brokers, "brokers", broker.DefaultAddr, "Kafka bootstrap brokers, comma-separated")
	cmd.Flags().StringVar(&keysDir, "keys", "", "folder of the suppliers' key files, created on the first run and reused after (default DIR/demo-keys with --data, else ./demo-keys)")
	cmd.Flags().IntVar(&cfg.Feed.Suppliers, "suppliers", 3, fmt.Sprintf("how many suppliers push (1 to %d)", demo.MaxSuppliers))
	cmd.Flags().IntVar(&cfg.Feed.Events, "events", 60, fmt.Sprintf("how many good events they push together (--suppliers to %d), besides the 4 bad messages", demo.MaxEvents))
	cmd.Flags().Int64Var(&cfg.Feed.Seed, "seed", 0, "make the feed deterministic: the same seed pushes the same events (default: a new random feed)")
	cmd.Flags().BoolVar(&cfg.Watch, "watch", true, "follow the events in the store and the dead letters until all are settled, printing progress")
	cmd.Flags().DurationVar(&cfg.Timeout, "timeout", 10*time.Minute, "longest time --watch waits")
	return cmd
}
