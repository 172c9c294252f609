package services

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/provenant/provenant/store"
	"github.com/provenant/provenant/store/sqlstore"
)

// DefaultStoreURL is where the store is unless configured otherwise.
const DefaultStoreURL = "sqlite://./data/provenant.db"

// storeKeyName is the key file's name beside a SQLite database.
const storeKeyName = "store.key"

// StoreConfig says where the store is and which key seals its private
// payloads.
type StoreConfig struct {
	// URL is sqlite://path or postgres://….
	URL string
	// KeyFile holds the 32-byte AES-256-GCM key (hex or raw). When it does
	// not exist and CreateKey is set, a new random key is written there.
	// Empty means store.key beside a SQLite database; a PostgreSQL store
	// needs it set.
	KeyFile   string
	CreateKey bool
}

// OpenStore opens the store described by cfg, applying its migrations.
func OpenStore(ctx context.Context, log *slog.Logger, cfg StoreConfig) (*sqlstore.Store, error) {
	key, err := loadStoreKey(log, cfg)
	if err != nil {
		return nil, err
	}
	sealer, err := store.NewSealer(key)
	if err != nil {
		return nil, fmt.Errorf("store key %s: %w", cfg.KeyFile, err)
	}
	st, err := sqlstore.Open(ctx, cfg.URL, sqlstore.WithSealer(sealer), sqlstore.WithLogger(log))
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	return st, nil
}

// KeyPath returns the key file of the configuration: KeyFile, or
// store.key beside a SQLite database.
func (cfg StoreConfig) KeyPath() (string, error) {
	if cfg.KeyFile != "" {
		return cfg.KeyFile, nil
	}
	if path, ok := strings.CutPrefix(cfg.URL, "sqlite://"); ok {
		return filepath.Join(filepath.Dir(path), storeKeyName), nil
	}
	return "", errors.New("store key: no key file given (--store-key); it is required for a PostgreSQL store")
}

func loadStoreKey(log *slog.Logger, cfg StoreConfig) ([]byte, error) {
	path, err := cfg.KeyPath()
	if err != nil {
		return nil, err
	}
	cfg.KeyFile = path
	if !cfg.CreateKey {
		key, err := store.LoadKey(cfg.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("store key: %w", err)
		}
		return key, nil
	}
	_, statErr := os.Stat(cfg.KeyFile)
	key, err := store.LoadOrCreateKey(cfg.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("store key: %w", err)
	}
	if errors.Is(statErr, os.ErrNotExist) {
		log.Warn("created a new store encryption key; back it up, private payloads cannot be read without it", "path", cfg.KeyFile)
	}
	return key, nil
}

// OpenPublicStore opens the store without its encryption key: private
// payloads cannot be read through it, by construction. The API uses it.
func OpenPublicStore(ctx context.Context, log *slog.Logger, url string) (*sqlstore.Store, error) {
	st, err := sqlstore.Open(ctx, url, sqlstore.WithLogger(log))
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	return st, nil
}
