package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/provenant/provenant/services"
)

func newAPICmd(logs *logFlags) *cobra.Command {
	cfg := services.APIConfig{}
	cmd := &cobra.Command{
		Use:   "api",
		Short: "Run the GraphQL API for buyers and auditors",
		Long: `Serve the GraphQL API at http://--addr/graphql (GraphQL over HTTP: POST JSON, or
GET with a query string) and GraphiQL to browsers at the same URL. Data comes
from the store, opened without its encryption key so that no private payload
can be read, and from the ledger through the --ledger connection profile:
verifyEvent and anchors read the ledger, not the store. Every request is
bounded (body size, depth, complexity, aliases, page size, timeout) and each
client address has a token bucket. Serves /metrics, /healthz and /readyz on
--admin-addr.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, err := logs.logger(cmd)
			if err != nil {
				return err
			}
			return services.RunAPI(cmd.Context(), log, cfg)
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.StoreURL, "store", services.DefaultStoreURL, "store URL: sqlite://PATH or postgres://USER@HOST:PORT/DB (opened without the encryption key)")
	f.StringVar(&cfg.Ledger, "ledger", defaultAuthorityProfile, "ledger connection profile (JSON; see docs/ledger.md)")
	f.StringVar(&cfg.Addr, "addr", "127.0.0.1:8080", "HTTP address of /graphql")
	f.BoolVar(&cfg.Introspection, "introspection", true, "allow introspection queries (GraphiQL needs them)")
	f.Int64Var(&cfg.Limits.MaxBodyBytes, "max-body", 64<<10, "largest request body, in bytes")
	f.IntVar(&cfg.Limits.MaxDepth, "max-depth", 10, "deepest selection nesting")
	f.IntVar(&cfg.Limits.MaxComplexity, "max-complexity", 5000, "most fields a query may resolve, list fields counting once per item asked for")
	f.IntVar(&cfg.Limits.MaxAliases, "max-aliases", 20, "most aliased fields in a query")
	f.IntVar(&cfg.Limits.MaxPageSize, "max-page", 100, "largest page (first) of a connection")
	f.DurationVar(&cfg.Limits.Timeout, "timeout", 10*time.Second, "longest a request may run")
	f.Float64Var(&cfg.Limits.RatePerSecond, "rate", 50, "requests per second per client address (negative: no limit)")
	f.IntVar(&cfg.Limits.Burst, "burst", 100, "burst of requests per client address")
	f.StringVar(&cfg.AdminAddr, "admin-addr", "127.0.0.1:9104", "address of /metrics, /healthz and /readyz")
	return cmd
}
