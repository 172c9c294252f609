package fabricnet

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"time"
)

// connection is the connection.json of a chaincode-as-a-service package: how
// the peer dials the chaincode server. The PEM fields hold PEM text, not paths.
type connection struct {
	Address            string `json:"address"`
	DialTimeout        string `json:"dial_timeout"`
	TLSRequired        bool   `json:"tls_required"`
	ClientAuthRequired bool   `json:"client_auth_required"`
	ClientKey          string `json:"client_key"`
	ClientCert         string `json:"client_cert"`
	RootCert           string `json:"root_cert"`
}

// packageCCaaS writes a chaincode package of type ccaas: a tar.gz holding
// metadata.json and code.tar.gz, the latter holding connection.json. It
// returns the package ID the peer computes for it: label:sha256(package).
func packageCCaaS(path, label string, conn connection) (string, error) {
	connJSON, err := json.MarshalIndent(conn, "", "  ")
	if err != nil {
		return "", fmt.Errorf("package chaincode: %w", err)
	}
	code, err := tarGz(map[string][]byte{"connection.json": connJSON})
	if err != nil {
		return "", fmt.Errorf("package chaincode: %w", err)
	}
	meta, err := json.Marshal(map[string]string{"type": "ccaas", "label": label})
	if err != nil {
		return "", fmt.Errorf("package chaincode: %w", err)
	}
	pkg, err := tarGz(map[string][]byte{"metadata.json": meta, "code.tar.gz": code})
	if err != nil {
		return "", fmt.Errorf("package chaincode: %w", err)
	}
	if err := os.WriteFile(path, pkg, 0o600); err != nil {
		return "", fmt.Errorf("package chaincode: %w", err)
	}
	sum := sha256.Sum256(pkg)
	return label + ":" + hex.EncodeToString(sum[:]), nil
}

// tarGz archives files in name order (metadata.json before code.tar.gz is
// not required by the peer, but a fixed order keeps the package ID stable).
func tarGz(files map[string][]byte) ([]byte, error) {
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, name := range []string{"metadata.json", "code.tar.gz", "connection.json"} {
		data, ok := files[name]
		if !ok {
			continue
		}
		hdr := &tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), ModTime: time.Unix(0, 0), Typeflag: tar.TypeReg}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		if _, err := tw.Write(data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := gz.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
