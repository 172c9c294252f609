package networktest_test

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite" // the store's SQLite driver, to alter records behind its back

	"github.com/provenant/provenant/audit"
	"github.com/provenant/provenant/store"
)

func runAudit(t *testing.T, f *fixture) audit.Report {
	t.Helper()
	rep, err := audit.Run(f.ctx, f.st, f.authority, audit.Config{})
	if err != nil {
		t.Fatalf("audit: %v", err)
	}
	return rep
}

func findings(rep audit.Report, check, batchID string) []audit.Finding {
	var out []audit.Finding
	for _, f := range rep.Findings {
		if f.Check == check && f.BatchID == batchID {
			out = append(out, f)
		}
	}
	return out
}

// TestAudit runs last: it expects the ledger and the store, as the tests
// before it left them, to agree; then breaks them and expects findings.
func TestAudit(t *testing.T) {
	f := newFixture(t)
	b := f.prove(t)
	if res, err := f.anchorer(t, f.operator).AnchorOnce(f.ctx); err != nil || res.Anchored != 1 {
		t.Fatalf("AnchorOnce = %+v, %v", res, err)
	}
	rep := runAudit(t, f)
	if !rep.OK() || rep.Anchors == 0 || rep.Verified != rep.Anchors || rep.Members == 0 {
		t.Fatalf("audit of an agreeing ledger and store: %+v", rep)
	}
	if cli, code := auditCLI(t); code != 0 || !cli.OK() || cli.Anchors != rep.Anchors+0 || cli.Verified != rep.Verified {
		t.Fatalf("provenant audit: exit %d, report %+v; the package's report %+v", code, cli, rep)
	}

	db, err := sql.Open("sqlite", env.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.ExecContext(f.ctx, q, args...); err != nil {
			t.Fatal(err)
		}
	}

	// A store record altered after anchoring.
	var proof []byte
	if err := db.QueryRowContext(f.ctx, `SELECT proof FROM batches WHERE id = ?`, b.ID).Scan(&proof); err != nil {
		t.Fatal(err)
	}
	altered := append([]byte(nil), proof...)
	altered[10] ^= 1
	exec(`UPDATE batches SET proof = ? WHERE id = ?`, altered, b.ID)
	if got := findings(runAudit(t, f), audit.CheckStoreAltered, b.ID); len(got) != 1 || !strings.Contains(got[0].Detail, "proof") {
		t.Errorf("altered proof: findings %v", got)
	}
	exec(`UPDATE batches SET proof = ? WHERE id = ?`, proof, b.ID)

	var path string
	if err := db.QueryRowContext(f.ctx, `SELECT merkle_path FROM batch_members WHERE batch_id = ? AND idx = 0`, b.ID).Scan(&path); err != nil {
		t.Fatal(err)
	}
	exec(`UPDATE batch_members SET merkle_path = ? WHERE batch_id = ? AND idx = 0`, alterHex(path), b.ID)
	if got := findings(runAudit(t, f), audit.CheckStoreAltered, b.ID); len(got) != 1 || !strings.Contains(got[0].Detail, "not included") {
		t.Errorf("altered Merkle path: findings %v", got)
	}
	exec(`UPDATE batch_members SET merkle_path = ? WHERE batch_id = ? AND idx = 0`, path, b.ID)

	// A batch missing from the ledger: PROVEN and never anchored, and one
	// the store claims is ANCHORED.
	proven := f.prove(t)
	claimed := f.prove(t)
	if _, err := f.st.RecordAnchor(f.ctx, store.Anchor{BatchID: claimed.ID, TxID: "forged", BlockNumber: 1, Channel: "provenance", BatchRoot: claimed.Root, Timestamp: time.Now()}); err != nil {
		t.Fatal(err)
	}
	rep = runAudit(t, f)
	if got := findings(rep, audit.CheckNotAnchored, proven.ID); len(got) != 1 {
		t.Errorf("PROVEN batch missing from the ledger: findings %v", rep.Findings)
	}
	if got := findings(rep, audit.CheckNotAnchored, claimed.ID); len(got) != 1 || !strings.Contains(got[0].Detail, "ANCHORED") {
		t.Errorf("ANCHORED batch missing from the ledger: findings %v", rep.Findings)
	}
	if len(rep.Findings) != 2 {
		t.Errorf("findings %v, want exactly the two missing batches", rep.Findings)
	}
	if cli, code := auditCLI(t); code != 1 || len(cli.Findings) != 2 {
		t.Errorf("provenant audit: exit %d, findings %v; want exit 1 and the two findings", code, cli.Findings)
	}
	// The grace period spares the young PROVEN batch, not the forged one.
	rep, err = audit.Run(f.ctx, f.st, f.authority, audit.Config{Grace: time.Hour})
	if err != nil || len(rep.Findings) != 1 || rep.Findings[0].BatchID != claimed.ID {
		t.Errorf("audit with grace: %v, %v", rep.Findings, err)
	}
	// Leave no backlog to the tests after this one.
	if res, err := f.anchorer(t, f.operator).AnchorOnce(f.ctx); err != nil || res.Anchored != 1 {
		t.Errorf("AnchorOnce = %+v, %v", res, err)
	}
}

// auditCLI runs `provenant audit --json` on the shared store and network.
func auditCLI(t *testing.T) (audit.Report, int) {
	t.Helper()
	cmd := exec.Command(env.binary, "audit", "--json", "--store", "sqlite://"+env.dbPath, "--store-key", env.keyFile,
		"--store-key-create=false", "--ledger", env.profiles["Authority"], "--log-level", "error")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	var rep audit.Report
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatalf("provenant audit --json printed %q (stderr %q): %v", out, stderr.String(), err)
	}
	return rep, code
}

// alterHex changes the first hex digit after a quote in s.
func alterHex(s string) string {
	i := strings.Index(s, `"`) + 1
	b := []byte(s)
	if b[i] == '0' {
		b[i] = '1'
	} else {
		b[i] = '0'
	}
	return string(b)
}
