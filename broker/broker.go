// Package broker runs the embedded Kafka-protocol broker that development
// setups and tests use: franz-go's kfake, listening on a loopback TCP port
// and, with a data folder, durable across restarts. Clients talk to it only
// over the Kafka protocol, exactly as they would to a Kafka cluster.
package broker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"

	"github.com/twmb/franz-go/pkg/kfake"
)

// DefaultAddr is where the embedded broker listens unless told otherwise.
const DefaultAddr = "127.0.0.1:9092"

// DefaultPartitions is the partition count of topics the broker creates.
const DefaultPartitions = 4

// Option configures a Broker.
type Option func(*config) error

type config struct {
	dataDir    string
	syncWrites bool
	partitions int32
	topics     []string
	log        *slog.Logger
}

// WithDataDir keeps topics, messages and committed offsets under dir so
// that they survive a restart (and a crash) of the broker.
func WithDataDir(dir string) Option {
	return func(c *config) error {
		if dir == "" {
			return errors.New("broker: empty data folder")
		}
		c.dataDir = dir
		return nil
	}
}

// WithSyncWrites makes every produced batch durable on disk (fsync) before
// it is acknowledged, at a cost in throughput.
func WithSyncWrites() Option {
	return func(c *config) error {
		c.syncWrites = true
		return nil
	}
}

// WithTopics creates the named topics with the given number of partitions
// when the broker starts (existing ones are kept as they are).
func WithTopics(partitions int32, topics ...string) Option {
	return func(c *config) error {
		if partitions <= 0 {
			return fmt.Errorf("broker: %d partitions, want at least 1", partitions)
		}
		c.partitions = partitions
		c.topics = append(c.topics, topics...)
		return nil
	}
}

// WithLogger sends the broker's warnings and errors to log.
func WithLogger(log *slog.Logger) Option {
	return func(c *config) error {
		c.log = log
		return nil
	}
}

// Broker is a running embedded Kafka-protocol broker.
type Broker struct {
	cluster *kfake.Cluster
	addr    string
}

// Start starts a broker listening on addr (host:port; port 0 picks a free
// one). Topics are auto-created on first use with DefaultPartitions
// partitions, besides those named with WithTopics.
func Start(ctx context.Context, addr string, opts ...Option) (*Broker, error) {
	cfg := config{partitions: DefaultPartitions, log: slog.New(slog.DiscardHandler)}
	for _, opt := range opts {
		if err := opt(&cfg); err != nil {
			return nil, err
		}
	}
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("broker: address %q: %w", addr, err)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil || port < 0 || port > 65535 {
		return nil, fmt.Errorf("broker: address %q: bad port", addr)
	}
	kopts := []kfake.Opt{
		kfake.Ports(port),
		kfake.ClusterID("provenant"),
		kfake.AllowAutoTopicCreation(),
		kfake.DefaultNumPartitions(int(cfg.partitions)),
		kfake.WithLogger(slogLogger{cfg.log}),
		kfake.ListenFn(func(network, _ string) (net.Listener, error) {
			var lc net.ListenConfig
			return lc.Listen(ctx, network, net.JoinHostPort(host, strconv.Itoa(port)))
		}),
	}
	if len(cfg.topics) > 0 {
		kopts = append(kopts, kfake.SeedTopics(cfg.partitions, cfg.topics...))
	}
	if cfg.dataDir != "" {
		if err := os.MkdirAll(cfg.dataDir, 0o750); err != nil {
			return nil, fmt.Errorf("broker: data folder: %w", err)
		}
		kopts = append(kopts, kfake.DataDir(cfg.dataDir))
		if cfg.syncWrites {
			kopts = append(kopts, kfake.SyncWrites())
		}
	}
	cluster, err := kfake.NewCluster(kopts...)
	if err != nil {
		return nil, fmt.Errorf("broker: start on %s: %w", addr, err)
	}
	addrs := cluster.ListenAddrs()
	if len(addrs) == 0 {
		cluster.Close()
		return nil, errors.New("broker: started without a listener")
	}
	return &Broker{cluster: cluster, addr: addrs[0]}, nil
}

// Addr returns the host:port clients connect to.
func (b *Broker) Addr() string { return b.addr }

// Close stops the broker; with a data folder, its state is flushed to disk.
func (b *Broker) Close() { b.cluster.Close() }

// slogLogger adapts kfake's logger to slog, keeping warnings and errors.
type slogLogger struct{ log *slog.Logger }

func (l slogLogger) Logf(level kfake.LogLevel, format string, args ...any) {
	switch level {
	case kfake.LogLevelError:
		l.log.Error(fmt.Sprintf(format, args...), "component", "broker")
	case kfake.LogLevelWarn:
		l.log.Warn(fmt.Sprintf(format, args...), "component", "broker")
	}
}
