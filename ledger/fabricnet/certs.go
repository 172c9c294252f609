package fabricnet

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// ca is a certificate authority whose key is at hand: an organization's TLS
// CA as cryptogen leaves it (tlsca/<name>-cert.pem and tlsca/priv_sk).
type ca struct {
	cert    *x509.Certificate
	certPEM []byte
	key     crypto.Signer
}

func loadCA(certFile, keyFile string) (ca, error) {
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		return ca{}, fmt.Errorf("load CA: %w", err)
	}
	b, _ := pem.Decode(certPEM)
	if b == nil {
		return ca{}, fmt.Errorf("load CA %s: no PEM block", certFile)
	}
	cert, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		return ca{}, fmt.Errorf("load CA %s: %w", certFile, err)
	}
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return ca{}, fmt.Errorf("load CA key: %w", err)
	}
	kb, _ := pem.Decode(keyPEM)
	if kb == nil {
		return ca{}, fmt.Errorf("load CA key %s: no PEM block", keyFile)
	}
	k, err := x509.ParsePKCS8PrivateKey(kb.Bytes)
	if err != nil {
		if ek, err2 := x509.ParseECPrivateKey(kb.Bytes); err2 == nil {
			k = ek
		} else {
			return ca{}, fmt.Errorf("load CA key %s: %w", keyFile, err)
		}
	}
	signer, ok := k.(crypto.Signer)
	if !ok {
		return ca{}, fmt.Errorf("load CA key %s: %T is not a signing key", keyFile, k)
	}
	return ca{cert: cert, certPEM: certPEM, key: signer}, nil
}

// issue makes a P-256 key and a certificate for it signed by the CA, for TLS
// as a server (names in dnsNames and 127.0.0.1) or as a client, and writes
// both as PEM (the key as PKCS #8, mode 0600).
func (c ca) issue(commonName string, dnsNames []string, server bool, certFile, keyFile string) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return fmt.Errorf("issue certificate %s: %w", commonName, err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return fmt.Errorf("issue certificate %s: %w", commonName, err)
	}
	now := time.Now()
	notAfter := now.AddDate(10, 0, 0)
	if c.cert.NotAfter.Before(notAfter) {
		notAfter = c.cert.NotAfter
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: commonName, Organization: c.cert.Subject.Organization},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	if server {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}
		tmpl.DNSNames = dnsNames
		tmpl.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1)}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, c.cert, key.Public(), c.key)
	if err != nil {
		return fmt.Errorf("issue certificate %s: %w", commonName, err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return fmt.Errorf("issue certificate %s: %w", commonName, err)
	}
	if err := os.MkdirAll(filepath.Dir(certFile), 0o755); err != nil {
		return fmt.Errorf("issue certificate %s: %w", commonName, err)
	}
	return errors.Join(
		os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644),
		os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600),
	)
}
