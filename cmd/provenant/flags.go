package main

import (
	"fmt"
	"log/slog"
	"strings"

	"github.com/spf13/cobra"

	"github.com/provenant/provenant/services"
)

// storeFlags are the flags of every command that opens the store.
type storeFlags struct {
	url       string
	keyFile   string
	createKey bool
}

func addStoreFlags(cmd *cobra.Command, f *storeFlags) {
	cmd.Flags().StringVar(&f.url, "store", services.DefaultStoreURL, "store URL: sqlite://PATH or postgres://USER@HOST:PORT/DB")
	cmd.Flags().StringVar(&f.keyFile, "store-key", "", "file holding the 32-byte key that encrypts private payloads (hex); default store.key beside a SQLite database")
	cmd.Flags().BoolVar(&f.createKey, "store-key-create", true, "create a random store key when the key file does not exist")
}

func (f *storeFlags) config() services.StoreConfig {
	return services.StoreConfig{URL: f.url, KeyFile: f.keyFile, CreateKey: f.createKey}
}

// logFlags configure the structured logs every command writes to stderr.
type logFlags struct {
	format string
	level  string
}

func addLogFlags(cmd *cobra.Command, f *logFlags) {
	cmd.PersistentFlags().StringVar(&f.format, "log-format", "text", "log format: text or json")
	cmd.PersistentFlags().StringVar(&f.level, "log-level", "info", "log level: debug, info, warn or error")
}

func (f *logFlags) logger(cmd *cobra.Command) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(f.level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: want debug, info, warn or error", f.level)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch strings.ToLower(f.format) {
	case "json":
		return slog.New(slog.NewJSONHandler(cmd.ErrOrStderr(), opts)), nil
	case "text":
		return slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), opts)), nil
	default:
		return nil, fmt.Errorf("--log-format %q: want text or json", f.format)
	}
}
