package deploytest

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/provenant/provenant/ingest"
	"github.com/provenant/provenant/ledger"
	"github.com/provenant/provenant/ledger/fabricnet"
	"github.com/provenant/provenant/supplier"
)

// composeShellScripts are the shell scripts of deploy/compose.
func composeShellScripts(t testing.TB) []string {
	return walkRepo(t, "deploy/compose", ".sh")
}

func TestScriptsParse(t *testing.T) {
	for _, script := range composeShellScripts(t) {
		shell := "bash"
		if first, _, _ := strings.Cut(readRepoFile(t, script), "\n"); first == "#!/bin/sh" {
			shell = "sh"
		}
		if out, err := exec.Command(shell, "-n", repoPath(t, script)).CombinedOutput(); err != nil {
			t.Errorf("%s -n %s: %v\n%s", shell, script, err, out)
		}
	}
}

// TestShellcheck lints the scripts with shellcheck when it is installed.
func TestShellcheck(t *testing.T) {
	bin, err := exec.LookPath("shellcheck")
	if err != nil {
		t.Skip("shellcheck is not installed (apt-get install shellcheck)")
	}
	args := []string{"-x"}
	for _, s := range composeShellScripts(t) {
		args = append(args, repoPath(t, s))
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = repoPath(t, "deploy/compose")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("shellcheck: %v\n%s", err, out)
	}
}

// TestScriptCommandsExist checks every provenant command line of the
// compose scripts and of the operations documents against the command tree.
func TestScriptCommandsExist(t *testing.T) {
	tr := provenantTree(t)
	var invs []invocation
	for _, s := range composeShellScripts(t) {
		invs = append(invs, shellInvocations(s, readRepoFile(t, s))...)
	}
	for _, doc := range []string{"docs/operations.md", kubeDir + "/README.md", "deploy/compose/README.md"} {
		text, err := os.ReadFile(repoPath(t, doc))
		if err != nil {
			t.Errorf("read %s: %v", doc, err)
			continue
		}
		invs = append(invs, shellInvocations(doc, markdownShell(string(text)))...)
	}
	if len(invs) == 0 {
		t.Fatal("found no provenant command line in the scripts and documents")
	}
	for _, inv := range invs {
		for _, p := range tr.check(inv) {
			t.Error(p)
		}
	}
}

// shellAssignments reads NAME=value lines of a script (quotes removed).
func shellAssignments(text string) map[string]string {
	m := map[string]string{}
	re := regexp.MustCompile(`(?m)^([A-Z_][A-Z0-9_]*)=(.*)$`)
	for _, a := range re.FindAllStringSubmatch(text, -1) {
		v := a[2]
		if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
			v = v[1 : len(v)-1]
		}
		m[a[1]] = v
	}
	return m
}

// TestFabricContract checks that the compose network is the one of
// docs/ledger.md and ledger/fabricnet: names, policy, Init arguments,
// organizations and capabilities, and the topics of DESIGN.md.
func TestFabricContract(t *testing.T) {
	env := shellAssignments(readRepoFile(t, "deploy/compose/scripts/fabric-env.sh"))
	for k, want := range map[string]string{
		"CHANNEL":   ledger.DefaultChannel,
		"CC_NAME":   ledger.DefaultChaincode,
		"CC_POLICY": fabricnet.EndorsementPolicy,
	} {
		if env[k] != want {
			t.Errorf("fabric-env.sh: %s=%q, want %q", k, env[k], want)
		}
	}
	var initArgs []string
	if err := json.Unmarshal([]byte(env["CC_INIT_ARGS"]), &initArgs); err != nil || !slices.Equal(initArgs, []string{"OperatorMSP", "AuthorityMSP"}) {
		t.Errorf("fabric-env.sh: CC_INIT_ARGS=%q, want Init(OperatorMSP, AuthorityMSP) (docs/ledger.md)", env["CC_INIT_ARGS"])
	}
	if !strings.Contains(readRepoFile(t, "deploy/compose/scripts/fabric-channel.sh"), "--init-required") {
		t.Error("fabric-channel.sh does not approve the definition with --init-required")
	}

	var configtx struct {
		Capabilities map[string]map[string]bool `json:"Capabilities"`
		Profiles     map[string]struct {
			Application struct {
				Organizations []struct {
					ID     string `json:"ID"`
					MSPDir string `json:"MSPDir"`
				} `json:"Organizations"`
			} `json:"Application"`
		} `json:"Profiles"`
	}
	if err := yaml.Unmarshal([]byte(readRepoFile(t, "deploy/compose/fabric/configtx.yaml")), &configtx); err != nil {
		t.Fatalf("configtx.yaml: %v", err)
	}
	profile, ok := configtx.Profiles["Provenance"]
	if !ok || !strings.Contains(readRepoFile(t, "deploy/compose/scripts/fabric-crypto.sh"), "-profile Provenance") {
		t.Error("configtx.yaml's profile Provenance is not the one fabric-crypto.sh makes the genesis block from")
	}
	var ids []string
	for _, o := range profile.Application.Organizations {
		ids = append(ids, o.ID)
		if !strings.HasPrefix(o.MSPDir, "/fabric/crypto/peerOrganizations/") {
			t.Errorf("configtx.yaml: %s's MSPDir %s is not in the fabric volume's crypto material", o.ID, o.MSPDir)
		}
	}
	if !slices.Equal(ids, []string{"OperatorMSP", "AuthorityMSP"}) {
		t.Errorf("configtx.yaml: the channel's organizations are %q, want OperatorMSP and AuthorityMSP", ids)
	}
	if !configtx.Capabilities["Channel"]["V3_0"] || !configtx.Capabilities["Application"]["V2_5"] {
		t.Errorf("configtx.yaml: capabilities %v, want channel V3_0 and application V2_5 as the native network", configtx.Capabilities)
	}

	topics := readRepoFile(t, "deploy/compose/scripts/kafka-topics.sh")
	for _, topic := range []string{supplier.Topic, ingest.DeadLetterTopic} {
		if !strings.Contains(topics, topic) {
			t.Errorf("kafka-topics.sh does not create the topic %s", topic)
		}
	}
}

// TestDemoOrigins imports the compose file's demo origin registry into a
// scratch SQLite store with the real command, as registry-publish does.
func TestDemoOrigins(t *testing.T) {
	dir := t.TempDir()
	out, err := runProvenant(t, dir, "registry", "origins", "import", repoPath(t, "deploy/compose/registry/demo-origins.csv"),
		"--store", "sqlite://"+filepath.Join(dir, "store.db"), "--store-key", filepath.Join(dir, "store.key"))
	if err != nil {
		t.Fatalf("provenant registry origins import demo-origins.csv: %v\n%s", err, out)
	}
	if !strings.Contains(out, "3 entries") {
		t.Errorf("the demo registry should hold the three facilities of provenant dev; import said:\n%s", out)
	}
}
