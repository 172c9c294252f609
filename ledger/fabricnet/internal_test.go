package fabricnet

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/asn1"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestMetric(t *testing.T) {
	const body = `# HELP consensus_etcdraft_is_leader The leadership status of the current node: 1 if it is the leader else 0.
# TYPE consensus_etcdraft_is_leader gauge
consensus_etcdraft_is_leader{channel="other"} 0
consensus_etcdraft_is_leader{channel="provenance"} 1
ledger_blockchain_height{channel="provenance"} 7
ledger_blockchain_height_total{channel="provenance"} 99
`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/metrics" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, body)
	}))
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	for _, tc := range []struct {
		name, metric string
		want         float64
		wantErr      bool
	}{
		{name: "leader", metric: "consensus_etcdraft_is_leader", want: 1},
		{name: "height", metric: "ledger_blockchain_height", want: 7},
		{name: "absent", metric: "consensus_etcdraft_active_nodes", wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := metric(context.Background(), addr, tc.metric, `channel="provenance"`)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Errorf("metric(%s) = %v, %v; want %v (error %v)", tc.metric, got, err, tc.want, tc.wantErr)
			}
		})
	}
}

func TestLogTail(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.log")
	var b strings.Builder
	for i := range 100 {
		fmt.Fprintf(&b, "line %d\n", i)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, want := logTail(path, 3), "line 97\nline 98\nline 99"; got != want {
		t.Errorf("logTail = %q, want %q", got, want)
	}
	if got := logTail(filepath.Join(t.TempDir(), "missing.log"), 3); got != "" {
		t.Errorf("logTail of a missing file = %q", got)
	}
}

func TestSignLowS(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	half := new(big.Int).Rsh(elliptic.P256().Params().N, 1)
	for i := range 32 {
		msg := []byte(fmt.Sprintf("message %d", i))
		sig, err := signLowS(key, msg)
		if err != nil {
			t.Fatal(err)
		}
		var rs struct{ R, S *big.Int }
		if _, err := asn1.Unmarshal(sig, &rs); err != nil {
			t.Fatal(err)
		}
		if rs.S.Cmp(half) > 0 {
			t.Fatalf("s is in the upper half of the order")
		}
		digest := sha256.Sum256(msg)
		if !ecdsa.VerifyASN1(&key.PublicKey, digest[:], sig) {
			t.Fatalf("signature does not verify")
		}
	}
}

// TestPackageID checks the package ID computed here against the peer's own
// calculation.
func TestPackageID(t *testing.T) {
	cfg := Config{}
	if err := resolveTools(context.Background(), &cfg); err != nil {
		t.Skipf("%v", err)
	}
	path := filepath.Join(t.TempDir(), "package.tar.gz")
	id, err := packageCCaaS(path, "provenant", connection{Address: "127.0.0.1:1", DialTimeout: "10s"})
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(filepath.Join(cfg.BinDir, "peer"), "lifecycle", "chaincode", "calculatepackageid", path)
	cmd.Env = childEnv([]string{"FABRIC_CFG_PATH=" + cfg.SampleConfig})
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("peer lifecycle chaincode calculatepackageid: %v\n%s", err, out)
	}
	if got := strings.TrimSpace(string(out)); got != id {
		t.Errorf("package ID %s, peer computes %s", id, got)
	}
}
