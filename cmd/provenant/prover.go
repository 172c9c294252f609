package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	gnarklogger "github.com/consensys/gnark/logger"
	"github.com/rs/zerolog"
	"github.com/spf13/cobra"

	"github.com/provenant/provenant/circuits/batch"
	"github.com/provenant/provenant/gpu"
	"github.com/provenant/provenant/gpu/bench"
	"github.com/provenant/provenant/prover"
	"github.com/provenant/provenant/services"
)

func newProverCmd(logs *logFlags) *cobra.Command {
	var sf storeFlags
	var gpuMode string
	cfg := services.ProverConfig{}
	cmd := &cobra.Command{
		Use:   "prover",
		Short: "Run the prover service: batch Groth16 proofs of RECEIVED events",
		Long: `Lease RECEIVED events from the store (many provers can share one PostgreSQL
store: leases use FOR UPDATE SKIP LOCKED), group them into batches of the
circuit's size, or fewer after --max-wait, prove each batch with Groth16 on the
CPU or the GPU (--gpu), and store the proof with every member's leaf, blinded
commitment and Merkle path (status PROVEN). Every proof is verified on the CPU
before it is stored. Events that cannot be proven (supplier no longer
registered, origin not certified at the event's time) are REJECTED with the
reason. Keys come from --keys (see "provenant setup"). Serves /metrics, /healthz
and /readyz on --admin-addr.

--gpu auto proves on the GPU only in a binary built with -tags icicle
(scripts/build-gpu.sh, docs/gpu.md) on a machine whose CUDA device proves a
self-test circuit that verifies on the CPU; otherwise on the CPU, saying why
in the log and in the provenant_prover_backend_info metric.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, err := logs.logger(cmd)
			if err != nil {
				return err
			}
			if cfg.GPU, err = gpu.ParseMode(gpuMode); err != nil {
				return fmt.Errorf("--gpu: %w", err)
			}
			cfg.Store = sf.config()
			return services.RunProver(cmd.Context(), log, cfg)
		},
	}
	addStoreFlags(cmd, &sf)
	cmd.Flags().StringVar(&cfg.KeysDir, "keys", "./data/keys", "key store folder")
	cmd.Flags().StringVar(&cfg.Circuit, "circuit", batch.ID(8), "batch circuit ID ("+batch.ID(1)+" … "+batch.ID(128)+")")
	cmd.Flags().StringVar(&cfg.KeyHash, "key-hash", "", "key hash to prove with (default: the newest keys of the circuit)")
	cmd.Flags().BoolVar(&cfg.DevSetup, "dev-setup", false, "make INSECURE single-party keys when the key store has none (development only)")
	cmd.Flags().StringVar(&gpuMode, "gpu", string(gpu.ModeAuto), "prove on the GPU: off, on (fail without a usable one) or auto (the GPU when usable, else the CPU)")
	cmd.Flags().StringVar(&cfg.Prover.Owner, "owner", "", "name of this prover in the store's leases (default host/pid)")
	cmd.Flags().DurationVar(&cfg.Prover.MaxWait, "max-wait", 2*time.Second, "longest a partly filled batch waits for more events")
	cmd.Flags().DurationVar(&cfg.Prover.Lease, "lease", 10*time.Minute, "how long leased events stay reserved; a crashed prover's events return after it")
	cmd.Flags().StringVar(&cfg.AdminAddr, "admin-addr", "127.0.0.1:9102", "address of /metrics, /healthz and /readyz")
	cmd.AddCommand(newProverBenchCmd(logs))
	return cmd
}

func newProverBenchCmd(logs *logFlags) *cobra.Command {
	var backends, sizes, setupKind string
	var gnarkLog bool
	var cfg bench.Config
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Prove fresh random batches on the CPU and GPU backends, verify the proofs on the CPU, and time them",
		Long: `For each batch size of --sizes: compile the batch circuit, make a proving
key (--setup dev: gnark's single-party setup, with a verifying key;
--setup dummy: gnark's dummy setup, which proves in the same time and cannot
verify), make --batches batches of fresh random events, and prove them with
each backend of --backends: one warm-up proof, then at least --rounds timed
proofs cycling through the batches. With --verify every proof is verified on
the CPU, and must not verify for another batch's public inputs; the command
fails at the first that does not. Prints a Markdown table of the times.

The gpu backend needs a binary built with -tags icicle and a CUDA device
(docs/gpu.md); scripts/gpu-run.sh runs this command on the GPU machine.
Keys are made in memory and thrown away: nothing is written.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, err := logs.logger(cmd)
			if err != nil {
				return err
			}
			if gnarkLog {
				gnarklogger.Set(zerolog.New(zerolog.ConsoleWriter{Out: cmd.ErrOrStderr(), NoColor: true, TimeFormat: "15:04:05.000"}).
					With().Timestamp().Logger())
			}
			if cfg.Setup, err = bench.ParseSetup(setupKind); err != nil {
				return fmt.Errorf("--setup: %w", err)
			}
			for _, s := range strings.Split(sizes, ",") {
				n, err := strconv.Atoi(strings.TrimSpace(s))
				if err != nil {
					return fmt.Errorf("--sizes %q: %w", sizes, err)
				}
				if err := batch.DefaultLayout(n).Validate(); err != nil {
					return fmt.Errorf("--sizes: %w", err)
				}
				cfg.Sizes = append(cfg.Sizes, n)
			}
			var bs []prover.Backend
			for _, name := range strings.Split(backends, ",") {
				switch strings.TrimSpace(name) {
				case "cpu":
					bs = append(bs, prover.CPU())
				case "gpu":
					b, err := gpu.Select(cmd.Context(), gpu.ModeOn, log)
					if err != nil {
						return err
					}
					if c, ok := b.(interface{ Close() error }); ok {
						defer c.Close()
					}
					bs = append(bs, b)
				default:
					return fmt.Errorf("--backends %q: want cpu, gpu or cpu,gpu", backends)
				}
			}
			results, err := bench.Run(cmd.Context(), log, cfg, bs)
			if werr := bench.WriteTable(cmd.OutOrStdout(), results); werr != nil && err == nil {
				err = werr
			}
			return err
		},
	}
	cmd.Flags().StringVar(&backends, "backends", "cpu", "backends to prove with, comma-separated: cpu, gpu")
	cmd.Flags().StringVar(&sizes, "sizes", "8", "batch sizes N, comma-separated (1, 2, 8, 32, 128, …)")
	cmd.Flags().StringVar(&setupKind, "setup", string(bench.SetupDev), "how to make the proving key: dev (can verify) or dummy (faster; cannot verify)")
	cmd.Flags().IntVar(&cfg.Batches, "batches", 2, "fresh random batches per size; every backend proves each")
	cmd.Flags().IntVar(&cfg.Rounds, "rounds", 3, "timed proofs per size and backend, after one warm-up proof")
	cmd.Flags().BoolVar(&cfg.Verify, "verify", false, "verify every proof on the CPU (needs --setup dev)")
	cmd.Flags().BoolVar(&gnarkLog, "gnark-log", false, "print gnark's own debug log on standard error: the GPU prover's steps (MSMs, NTTs, copies) with their times")
	return cmd
}
