package ledger

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-gateway/pkg/hash"
	"github.com/hyperledger/fabric-gateway/pkg/identity"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
)

// Client talks to the chaincode through one Gateway peer as one identity.
// It is safe for concurrent use.
type Client struct {
	cfg      Config
	log      *slog.Logger
	retry    Retry
	conn     *grpc.ClientConn
	gw       *client.Gateway
	network  *client.Network
	contract *client.Contract
}

// Retry says how often and how patiently a Client repeats a call that
// failed transiently (see the package doc).
type Retry struct {
	// Attempts is the number of tries in all (default 6).
	Attempts int
	// Base is the first pause; each next one doubles, up to Max, with
	// jitter (defaults 200ms and 5s).
	Base, Max time.Duration
}

// Option configures a Client.
type Option func(*Client) error

// WithLogger sets the logger (default: discard).
func WithLogger(l *slog.Logger) Option {
	return func(c *Client) error {
		if l == nil {
			return errors.New("nil logger")
		}
		c.log = l
		return nil
	}
}

// WithRetry sets the retry policy.
func WithRetry(r Retry) Option {
	return func(c *Client) error {
		if r.Attempts < 1 || r.Base < 0 || r.Max < r.Base {
			return fmt.Errorf("retry policy %+v: want attempts ≥ 1 and 0 ≤ base ≤ max", r)
		}
		c.retry = r
		return nil
	}
}

// Dial connects to the Gateway peer of cfg. The connection is made lazily
// by gRPC: an unreachable peer shows up in the first call, not here.
func Dial(cfg Config, opts ...Option) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("ledger config: %w", err)
	}
	cfg.defaults()
	c := &Client{
		cfg:   cfg,
		log:   slog.New(slog.DiscardHandler),
		retry: Retry{Attempts: 6, Base: 200 * time.Millisecond, Max: 5 * time.Second},
	}
	for _, o := range opts {
		if err := o(c); err != nil {
			return nil, err
		}
	}
	roots, err := os.ReadFile(cfg.TLSRootCert)
	if err != nil {
		return nil, fmt.Errorf("ledger TLS roots: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(roots) {
		return nil, fmt.Errorf("ledger TLS roots %s: no PEM certificate", cfg.TLSRootCert)
	}
	id, sign, err := loadIdentity(cfg)
	if err != nil {
		return nil, err
	}
	conn, err := grpc.NewClient(cfg.Endpoint, grpc.WithTransportCredentials(credentials.NewClientTLSFromCert(pool, cfg.ServerName)))
	if err != nil {
		return nil, fmt.Errorf("ledger connection to %s: %w", cfg.Endpoint, err)
	}
	t := time.Duration(cfg.Timeout)
	gw, err := client.Connect(id,
		client.WithSign(sign),
		client.WithHash(hash.SHA256),
		client.WithClientConnection(conn),
		client.WithEvaluateTimeout(t),
		client.WithEndorseTimeout(t),
		client.WithSubmitTimeout(t),
		client.WithCommitStatusTimeout(t),
	)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("ledger gateway %s: %w", cfg.Endpoint, err)
	}
	c.conn, c.gw = conn, gw
	c.network = gw.GetNetwork(cfg.Channel)
	c.contract = c.network.GetContract(cfg.Chaincode)
	return c, nil
}

func loadIdentity(cfg Config) (*identity.X509Identity, identity.Sign, error) {
	certPEM, err := os.ReadFile(cfg.Cert)
	if err != nil {
		return nil, nil, fmt.Errorf("ledger identity certificate: %w", err)
	}
	cert, err := identity.CertificateFromPEM(certPEM)
	if err != nil {
		return nil, nil, fmt.Errorf("ledger identity certificate %s: %w", cfg.Cert, err)
	}
	id, err := identity.NewX509Identity(cfg.MSPID, cert)
	if err != nil {
		return nil, nil, fmt.Errorf("ledger identity: %w", err)
	}
	keyPEM, err := os.ReadFile(cfg.Key)
	if err != nil {
		return nil, nil, fmt.Errorf("ledger identity key: %w", err)
	}
	key, err := identity.PrivateKeyFromPEM(keyPEM)
	if err != nil {
		return nil, nil, fmt.Errorf("ledger identity key %s: %w", cfg.Key, err)
	}
	sign, err := identity.NewPrivateKeySign(key)
	if err != nil {
		return nil, nil, fmt.Errorf("ledger identity key %s: %w", cfg.Key, err)
	}
	return id, sign, nil
}

// Close closes the connection.
func (c *Client) Close() error {
	c.gw.Close()
	return c.conn.Close()
}

// MSPID returns the organization the client acts for.
func (c *Client) MSPID() string { return c.cfg.MSPID }

// Channel returns the channel name.
func (c *Client) Channel() string { return c.cfg.Channel }

// Submitted is a committed transaction.
type Submitted struct {
	// Result is what the transaction function returned.
	Result      []byte
	TxID        string
	BlockNumber uint64
}

// submit endorses, orders and waits for the commit of fn(args), repeating
// it while the failure is transient. Every try is a new transaction: the
// functions the chaincode offers are idempotent or detect repeats
// (ALREADY_ANCHORED), so a try that committed although its answer was lost
// is never applied twice.
func (c *Client) submit(ctx context.Context, fn string, args ...string) (Submitted, error) {
	var out Submitted
	err := c.withRetry(ctx, fn, func(ctx context.Context) (string, error) {
		prop, err := c.contract.NewProposal(fn, client.WithArguments(args...))
		if err != nil {
			return "", err
		}
		txID := prop.TransactionID()
		tx, err := prop.EndorseWithContext(ctx)
		if err != nil {
			return txID, err
		}
		commit, err := tx.SubmitWithContext(ctx)
		if err != nil {
			return txID, err
		}
		st, err := commit.StatusWithContext(ctx)
		if err != nil {
			return txID, err
		}
		if !st.Successful {
			return txID, &client.CommitError{TransactionID: txID, Code: st.Code}
		}
		out = Submitted{Result: tx.Result(), TxID: txID, BlockNumber: st.BlockNumber}
		return txID, nil
	})
	return out, err
}

// evaluate runs fn(args) on the Gateway peer without ordering it.
func (c *Client) evaluate(ctx context.Context, fn string, args ...string) ([]byte, error) {
	var out []byte
	err := c.withRetry(ctx, fn, func(ctx context.Context) (string, error) {
		r, err := c.contract.EvaluateWithContext(ctx, fn, client.WithArguments(args...))
		out = r
		return "", err
	})
	return out, err
}

func (c *Client) withRetry(ctx context.Context, op string, try func(context.Context) (string, error)) error {
	pause := c.retry.Base
	for attempt := 1; ; attempt++ {
		txID, err := try(ctx)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("ledger: %s: %w", op, ctx.Err())
		}
		if !transient(err) {
			return wrap(op, txID, err)
		}
		if attempt >= c.retry.Attempts {
			e := wrap(op, txID, err).(*Error)
			e.Message = fmt.Sprintf("%s (after %d tries)", e.Message, attempt)
			return errors.Join(ErrUnavailable, e)
		}
		wait := pause/2 + rand.N(pause/2+1)
		c.log.Warn("ledger call failed; retrying", "op", op, "tx_id", txID, "attempt", attempt, "wait", wait, "err", err)
		select {
		case <-ctx.Done():
			return fmt.Errorf("ledger: %s: %w", op, ctx.Err())
		case <-time.After(wait):
		}
		pause = min(2*pause, c.retry.Max)
	}
}

func clientArgs(args ...string) []client.ProposalOption {
	return []client.ProposalOption{client.WithArguments(args...)}
}

// Submit orders and commits any transaction function of the chaincode,
// with the retries of the package doc, and returns what it returned. The
// typed methods (Anchor, PublishRoot, ...) are the usual way in.
func (c *Client) Submit(ctx context.Context, fn string, args ...string) (Submitted, error) {
	return c.submit(ctx, fn, args...)
}

// Evaluate runs any transaction function of the chaincode on the Gateway
// peer without ordering it, and returns what it returned.
func (c *Client) Evaluate(ctx context.Context, fn string, args ...string) ([]byte, error) {
	return c.evaluate(ctx, fn, args...)
}
