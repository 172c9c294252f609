package graphql

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/consensys/gnark/backend/groth16"
	gql "github.com/graphql-go/graphql"

	"github.com/provenant/provenant/chaincode"
	"github.com/provenant/provenant/store"
)

// Store is what the API reads from the store: public data only (no method
// here opens a sealed payload).
type Store interface {
	GetEventsPublic(ctx context.Context, ids []string) (map[string]store.Event, error)
	ListEventsByProductPublic(ctx context.Context, product string, after store.Cursor, limit int) ([]store.Event, error)
	GetBatches(ctx context.Context, ids []string) (map[string]store.Batch, error)
	GetAnchors(ctx context.Context, batchIDs []string) (map[string]store.Anchor, error)
	GetBatchMembersByEvent(ctx context.Context, eventIDs []string) (map[string]store.BatchMember, error)
}

// Ledger is what the API reads from the ledger; *ledger.Client has it.
type Ledger interface {
	GetAnchor(ctx context.Context, batchID string) (chaincode.AnchorRecord, error)
	ListAnchors(ctx context.Context, pageSize int, bookmark string) (chaincode.AnchorPage, error)
	VerifyingKey(ctx context.Context, circuit, version string) (chaincode.VerifyingKeyRecord, error)
	Roots(ctx context.Context, kind string) ([]chaincode.RootRecord, error)
	BlockOf(ctx context.Context, txID string) (uint64, error)
	Channel() string
}

// Limits bound what one request may cost. Zero fields take the defaults.
type Limits struct {
	// MaxBodyBytes bounds a request body (default 64 KiB).
	MaxBodyBytes int64
	// MaxDepth bounds the nesting of selections (default 10).
	MaxDepth int
	// MaxComplexity bounds the fields a query may resolve, list fields
	// counting as many times as their page size (default 5,000).
	MaxComplexity int
	// MaxAliases bounds the aliased fields of a query (default 20).
	MaxAliases int
	// MaxPageSize bounds first on every connection (default 100).
	MaxPageSize int
	// Timeout bounds the execution of one request (default 10s).
	Timeout time.Duration
	// RatePerSecond and Burst set each client's token bucket, clients
	// being told apart by remote address (defaults 50/s, burst 100).
	// A negative RatePerSecond turns rate limiting off.
	RatePerSecond float64
	Burst         int
}

func (l *Limits) defaults() {
	if l.MaxBodyBytes <= 0 {
		l.MaxBodyBytes = 64 << 10
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = 10
	}
	if l.MaxComplexity <= 0 {
		l.MaxComplexity = 5000
	}
	if l.MaxAliases <= 0 {
		l.MaxAliases = 20
	}
	if l.MaxPageSize <= 0 {
		l.MaxPageSize = 100
	}
	if l.Timeout <= 0 {
		l.Timeout = 10 * time.Second
	}
	if l.RatePerSecond == 0 {
		l.RatePerSecond = 50
	}
	if l.Burst <= 0 {
		l.Burst = 100
	}
}

// Config configures an API.
type Config struct {
	Store  Store
	Ledger Ledger
	Limits Limits
	// Introspection allows __schema and __type queries (GraphiQL needs
	// them).
	Introspection bool
	// Logger receives one record per failed request (default: discard).
	Logger *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Metrics receives request counts and latencies (default: unregistered).
	Metrics *Metrics
}

// API is the GraphQL API: a schema and its resolvers, and an HTTP handler.
type API struct {
	cfg    Config
	log    *slog.Logger
	schema gql.Schema
	rate   *rateLimiter

	mu   sync.Mutex
	keys map[[2]string]groth16.VerifyingKey // pinned keys: immutable on the ledger
	// published caches roots seen published; publication is permanent.
	published map[string]bool
	// verified remembers proofs that verified (by key, proof and inputs).
	verified map[string]bool
}

// New builds the API.
func New(cfg Config) (*API, error) {
	if cfg.Store == nil || cfg.Ledger == nil {
		return nil, errors.New("graphql: a store and a ledger are required")
	}
	cfg.Limits.defaults()
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Metrics == nil {
		cfg.Metrics = NewMetrics(nil)
	}
	a := &API{cfg: cfg, log: cfg.Logger, keys: map[[2]string]groth16.VerifyingKey{}, published: map[string]bool{}, verified: map[string]bool{}}
	a.rate = newRateLimiter(cfg.Limits.RatePerSecond, cfg.Limits.Burst, cfg.Now)
	s, err := a.buildSchema()
	if err != nil {
		return nil, fmt.Errorf("graphql: schema: %w", err)
	}
	a.schema = s
	return a, nil
}

// Schema returns the GraphQL schema.
func (a *API) Schema() gql.Schema { return a.schema }
