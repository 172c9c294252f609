package ledger

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Defaults for a Config.
const (
	DefaultChannel   = "provenance"
	DefaultChaincode = "provenant"
)

// Config says how to reach the ledger as one identity: a Gateway peer, the
// TLS roots to trust it, and the signing identity. Paths are relative to
// the directory of the profile file they were read from.
type Config struct {
	// Endpoint is the Gateway peer's host:port.
	Endpoint string `json:"endpoint"`
	// ServerName overrides the TLS server name (the peer's certificate
	// host), when it differs from Endpoint's host.
	ServerName string `json:"serverName,omitempty"`
	// TLSRootCert is a PEM file of the CA certificates that sign the peer's
	// TLS certificate.
	TLSRootCert string `json:"tlsRootCert"`
	// MSPID is the identity's organization.
	MSPID string `json:"mspID"`
	// Cert and Key are the identity's PEM certificate and private key.
	Cert string `json:"cert"`
	Key  string `json:"key"`
	// Channel and Chaincode default to DefaultChannel and DefaultChaincode.
	Channel   string `json:"channel,omitempty"`
	Chaincode string `json:"chaincode,omitempty"`
	// Timeout bounds each endorse, submit, commit-status or evaluate call
	// (default 30s).
	Timeout Duration `json:"timeout,omitempty"`
}

// Duration is a time.Duration written in JSON as a Go duration string.
type Duration time.Duration

// MarshalJSON implements json.Marshaler.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON implements json.Unmarshaler.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration: %w", err)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("duration: %w", err)
	}
	*d = Duration(v)
	return nil
}

// LoadConfig reads a connection profile (a JSON Config) and resolves its
// relative paths against the file's directory.
func LoadConfig(path string) (Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("ledger profile: %w", err)
	}
	var c Config
	if err := json.Unmarshal(b, &c); err != nil {
		return Config{}, fmt.Errorf("ledger profile %s: %w", path, err)
	}
	dir := filepath.Dir(path)
	for _, p := range []*string{&c.TLSRootCert, &c.Cert, &c.Key} {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
	if err := c.Validate(); err != nil {
		return Config{}, fmt.Errorf("ledger profile %s: %w", path, err)
	}
	return c, nil
}

// WriteConfig writes c as a connection profile, readable only by its owner
// (it names the key file).
func WriteConfig(path string, c Config) error {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o600)
}

// Validate reports what is missing from c.
func (c *Config) Validate() error {
	var errs []error
	for _, f := range []struct{ name, v string }{
		{"endpoint", c.Endpoint}, {"tlsRootCert", c.TLSRootCert}, {"mspID", c.MSPID}, {"cert", c.Cert}, {"key", c.Key},
	} {
		if f.v == "" {
			errs = append(errs, fmt.Errorf("%s is missing", f.name))
		}
	}
	return errors.Join(errs...)
}

func (c *Config) defaults() {
	if c.Channel == "" {
		c.Channel = DefaultChannel
	}
	if c.Chaincode == "" {
		c.Chaincode = DefaultChaincode
	}
	if c.Timeout <= 0 {
		c.Timeout = Duration(30 * time.Second)
	}
}
