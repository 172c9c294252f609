package server

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := vars[k]
		return v, ok
	}
}

// pemFiles writes a self-signed certificate and its key and returns their
// paths.
func pemFiles(t *testing.T) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "provenant-chaincode"},
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

func TestLoadConfig(t *testing.T) {
	cert, key := pemFiles(t)
	notPEM := filepath.Join(t.TempDir(), "empty.pem")
	if err := os.WriteFile(notPEM, []byte("not PEM"), 0o600); err != nil {
		t.Fatal(err)
	}
	base := func(extra ...string) map[string]string {
		m := map[string]string{envID: "provenant_1:abc", envAddress: "0.0.0.0:9999"}
		for i := 0; i < len(extra); i += 2 {
			m[extra[i]] = extra[i+1]
		}
		return m
	}
	cases := []struct {
		name    string
		vars    map[string]string
		wantErr string // "" for none
		tls     bool
		mtls    bool
	}{
		{"plain", base(), "", false, false},
		{"tls", base(envTLSCert, cert, envTLSKey, key), "", true, false},
		{"mutual tls", base(envTLSCert, cert, envTLSKey, key, envTLSClientCA, cert), "", true, true},
		{"no id", map[string]string{envAddress: ":9999"}, envID, false, false},
		{"no address", map[string]string{envID: "x"}, envAddress, false, false},
		{"address without port", base(envAddress, "localhost"), envAddress, false, false},
		{"bad port", base(envAddress, "localhost:http"), envAddress, false, false},
		{"port too large", base(envAddress, "localhost:70000"), envAddress, false, false},
		{"cert without key", base(envTLSCert, cert), envTLSKey, false, false},
		{"key without cert", base(envTLSKey, key), envTLSCert, false, false},
		{"client CA without TLS", base(envTLSClientCA, cert), envTLSClientCA, false, false},
		{"missing cert file", base(envTLSCert, "/nonexistent/cert.pem", envTLSKey, key), "no such file", false, false},
		{"cert and key swapped", base(envTLSCert, key, envTLSKey, cert), envTLSCert, false, false},
		{"client CA not PEM", base(envTLSCert, cert, envTLSKey, key, envTLSClientCA, notPEM), "no PEM certificate", false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := loadConfig(env(tc.vars))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one naming %s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.id != tc.vars[envID] || cfg.address != tc.vars[envAddress] {
				t.Errorf("config %+v", cfg)
			}
			if cfg.tls.Disabled == tc.tls || (cfg.tls.ClientCACerts != nil) != tc.mtls {
				t.Errorf("tls disabled %v, client CAs %v", cfg.tls.Disabled, cfg.tls.ClientCACerts != nil)
			}
		})
	}
}

func TestRunUsage(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := Run(context.Background(), []string{"--help"}, env(nil), &out, &errOut); code != 0 || !strings.Contains(out.String(), envAddress) {
		t.Errorf("--help: exit %d, stdout %q", code, out.String())
	}
	if code := Run(context.Background(), []string{"serve"}, env(nil), &out, &errOut); code != 2 {
		t.Errorf("an argument: exit %d", code)
	}
	if code := Run(context.Background(), []string{"--port=1"}, env(nil), &out, &errOut); code != 2 {
		t.Errorf("an unknown flag: exit %d", code)
	}
	errOut.Reset()
	if code := Run(context.Background(), nil, env(nil), &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "bad configuration") {
		t.Errorf("no configuration: exit %d, stderr %q", code, errOut.String())
	}
}

// freeAddress returns a loopback address with a port nothing listens on.
func freeAddress(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestRunServes(t *testing.T) {
	cert, key := pemFiles(t)
	for _, tc := range []struct {
		name string
		tls  bool
	}{{"plain", false}, {"mutual tls", true}} {
		t.Run(tc.name, func(t *testing.T) {
			addr := freeAddress(t)
			vars := map[string]string{envID: "provenant_1:abc", envAddress: addr}
			if tc.tls {
				vars[envTLSCert], vars[envTLSKey], vars[envTLSClientCA] = cert, key, cert
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var stderr bytes.Buffer
			done := make(chan int, 1)
			go func() { done <- Run(ctx, nil, env(vars), &bytes.Buffer{}, &stderr) }()

			deadline := time.Now().Add(10 * time.Second)
			for {
				conn, err := net.DialTimeout("tcp", addr, time.Second)
				if err == nil {
					if tc.tls {
						pair, err := tls.LoadX509KeyPair(cert, key)
						if err != nil {
							t.Fatal(err)
						}
						pool := x509.NewCertPool()
						b, _ := os.ReadFile(cert)
						pool.AppendCertsFromPEM(b)
						c := tls.Client(conn, &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{pair}, ServerName: "localhost", NextProtos: []string{"h2"}})
						if err := c.Handshake(); err != nil {
							t.Errorf("TLS handshake: %v", err)
						}
					}
					conn.Close()
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("nothing listens on %s: %v", addr, err)
				}
				time.Sleep(20 * time.Millisecond)
			}
			cancel()
			select {
			case code := <-done:
				if code != 0 {
					t.Errorf("exit %d after a stop; stderr %s", code, stderr.String())
				}
			case <-time.After(10 * time.Second):
				t.Fatal("run did not return after its context was cancelled")
			}
		})
	}
}

func TestRunAddressInUse(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var stderr bytes.Buffer
	vars := map[string]string{envID: "x", envAddress: l.Addr().String()}
	if code := Run(context.Background(), nil, env(vars), &bytes.Buffer{}, &stderr); code != 1 || !strings.Contains(stderr.String(), "address already in use") {
		t.Errorf("exit %d, stderr %s", code, stderr.String())
	}
}
