package deploytest

import (
	"context"
	"fmt"
	"maps"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"

	"github.com/provenant/provenant/ledger/fabricnet"
)

const composeFile = "docker-compose.yml"

// The Dockerfiles docker-compose.yml builds, by role.
const (
	provenantDockerfile = "Dockerfile"
	chaincodeDockerfile = "chaincode/Dockerfile"
	opsDockerfile       = "deploy/compose/ops.Dockerfile"
)

// composeScripts is where the compose jobs find deploy/compose.
const composeScripts = "/opt/provenant/compose"

// The services the issue asks for, with their replicas.
var wantReplicas = map[string]int{"ingest": 2, "prover": 2, "anchor": 1, "api": 1}

var (
	composeOnce    sync.Once
	composeProject *types.Project
	composeErr     error
)

// loadCompose loads docker-compose.yml with compose-spec's loader, as
// `docker compose` does, with no variable from the environment: every
// ${VAR:-default} takes its default.
func loadCompose(t testing.TB) *types.Project {
	t.Helper()
	root := repoRoot(t)
	composeOnce.Do(func() {
		opts, err := cli.NewProjectOptions([]string{filepath.Join(root, composeFile)},
			cli.WithWorkingDirectory(root),
			cli.WithEnv([]string{}),
			cli.WithName("provenant"),
			cli.WithResolvedPaths(true),
		)
		if err != nil {
			composeErr = err
			return
		}
		composeProject, composeErr = opts.LoadProject(context.Background())
	})
	if composeErr != nil {
		t.Fatalf("load %s with compose-go: %v", composeFile, composeErr)
	}
	return composeProject
}

// isJob says whether a service is a one-shot job: it never restarts.
func isJob(s types.ServiceConfig) bool { return s.Restart == "no" }

// dockerfileOf returns the repository path of the Dockerfile a service is
// built from, or "".
func dockerfileOf(t testing.TB, s types.ServiceConfig) string {
	if s.Build == nil {
		return ""
	}
	df := s.Build.Dockerfile
	if df == "" {
		df = "Dockerfile"
	}
	if !filepath.IsAbs(df) {
		df = filepath.Join(s.Build.Context, df)
	}
	rel, err := filepath.Rel(repoRoot(t), df)
	if err != nil {
		return df
	}
	return filepath.ToSlash(rel)
}

// argv returns what a service's container runs: its entrypoint and
// command, each taken from its Dockerfile when the service does not set
// it. It is nil for images of others that the service does not override.
func argv(t testing.TB, s types.ServiceConfig) []string {
	entrypoint, command := []string(s.Entrypoint), []string(s.Command)
	if df := dockerfileOf(t, s); df != "" {
		d := parseDockerfile(t, df)
		if entrypoint == nil {
			entrypoint = d.final().execForm("ENTRYPOINT")
		}
		if s.Command == nil {
			command = d.final().execForm("CMD")
		}
	}
	if entrypoint == nil && command == nil {
		return nil
	}
	return append(slices.Clone(entrypoint), command...)
}

// env returns a service's environment as a plain map.
func env(s types.ServiceConfig) map[string]string {
	m := map[string]string{}
	for k, v := range s.Environment {
		if v != nil {
			m[k] = *v
		} else {
			m[k] = ""
		}
	}
	return m
}

// mountedSource returns the repository path bound at target in a service,
// or "".
func mountedSource(t testing.TB, s types.ServiceConfig, target string) string {
	for _, v := range s.Volumes {
		if v.Type == types.VolumeTypeBind && v.Target == target {
			rel, err := filepath.Rel(repoRoot(t), v.Source)
			if err != nil {
				return v.Source
			}
			return filepath.ToSlash(rel)
		}
	}
	return ""
}

// scriptOf returns the repository path of the deploy/compose script a job
// runs (`bash|sh /opt/provenant/compose/scripts/x.sh`), or "".
func scriptOf(t testing.TB, s types.ServiceConfig) string {
	for _, a := range argv(t, s) {
		rest, ok := strings.CutPrefix(a, composeScripts+"/")
		if !ok {
			continue
		}
		src := mountedSource(t, s, composeScripts)
		if src == "" {
			t.Errorf("service %s runs %s but does not mount deploy/compose at %s", s.Name, a, composeScripts)
			return ""
		}
		return src + "/" + rest
	}
	return ""
}

// provenantArgs returns the words after provenant when a service runs the
// provenant binary itself, and whether it does.
func provenantArgs(args []string) ([]string, bool) {
	if len(args) == 0 || filepath.Base(args[0]) != "provenant" {
		return nil, false
	}
	return args[1:], true
}

// composeInvocations returns the provenant command lines of the compose
// file: those services run directly and those their scripts run, each
// with the service's environment.
func composeInvocations(t testing.TB) []invocation {
	p := loadCompose(t)
	var out []invocation
	for _, name := range slices.Sorted(maps.Keys(p.Services)) {
		s := p.Services[name]
		if args, ok := provenantArgs(argv(t, s)); ok {
			out = append(out, invocation{where: fmt.Sprintf("%s: service %s", composeFile, name), args: args, env: env(s)})
			continue
		}
		if script := scriptOf(t, s); script != "" {
			for _, inv := range shellInvocations(script, readRepoFile(t, script)) {
				inv.where = fmt.Sprintf("%s (service %s)", inv.where, name)
				inv.env = env(s)
				out = append(out, inv)
			}
		}
	}
	return out
}

func TestComposeLoads(t *testing.T) {
	p := loadCompose(t)
	for name := range wantReplicas {
		if _, ok := p.Services[name]; !ok {
			t.Errorf("%s has no service %s", composeFile, name)
		}
	}
}

func TestComposeImages(t *testing.T) {
	p := loadCompose(t)
	pinned := regexp.MustCompile(`^[a-z0-9./_-]+:[A-Za-z0-9._-]*[0-9][A-Za-z0-9._-]*$`)
	for name, s := range p.Services {
		switch df := dockerfileOf(t, s); {
		case df != "":
			if _, err := os.Stat(repoPath(t, df)); err != nil {
				t.Errorf("service %s builds from %s, which does not exist: %v", name, df, err)
			}
			if !slices.Contains([]string{provenantDockerfile, chaincodeDockerfile, opsDockerfile}, df) {
				t.Errorf("service %s builds from %s; want one of the project's Dockerfiles", name, df)
			}
			if s.Image == "" {
				t.Errorf("service %s builds an image without naming it (image:), so services built from %s do not share it", name, df)
			}
		case s.Image == "":
			t.Errorf("service %s has neither image nor build", name)
		case !pinned.MatchString(s.Image) || strings.HasSuffix(s.Image, ":latest"):
			t.Errorf("service %s: image %q is not pinned to a version tag", name, s.Image)
		}
		if strings.HasPrefix(s.Image, "hyperledger/fabric-") && s.Build == nil {
			if _, tag, _ := strings.Cut(s.Image, ":"); tag != fabricnet.FabricVersion {
				t.Errorf("service %s runs %s; the native network (ledger/fabricnet) runs Fabric %s: keep them the same", name, s.Image, fabricnet.FabricVersion)
			}
		}
		if strings.Contains(s.Image, "zookeeper") {
			t.Errorf("service %s runs ZooKeeper; Kafka runs in KRaft mode", name)
		}
	}
	for name, want := range map[string]string{
		"kafka": "apache/kafka:", "postgres": "postgres:", "orderer": "hyperledger/fabric-orderer:",
		"peer-operator": "hyperledger/fabric-peer:", "peer-authority": "hyperledger/fabric-peer:",
	} {
		if s, ok := p.Services[name]; !ok || !strings.HasPrefix(s.Image, want) {
			t.Errorf("service %s: want the official image %s…, got %q", name, want, s.Image)
		}
	}
	for _, name := range []string{"chaincode-operator", "chaincode-authority"} {
		if df := dockerfileOf(t, p.Services[name]); df != chaincodeDockerfile {
			t.Errorf("service %s builds from %q, want %s", name, df, chaincodeDockerfile)
		}
	}
	for name := range wantReplicas {
		if df := dockerfileOf(t, p.Services[name]); df != provenantDockerfile {
			t.Errorf("service %s builds from %q, want %s", name, df, provenantDockerfile)
		}
	}
}

// volumeInitializers are the jobs that run as root, to own a new volume
// and hand it to the services' user.
var volumeInitializers = []string{"fabric-crypto", "circuit-keys"}

func TestComposeUsers(t *testing.T) {
	p := loadCompose(t)
	for name, s := range p.Services {
		u, _, _ := strings.Cut(s.User, ":")
		root := u == "0" || u == "root"
		switch {
		case root && !slices.Contains(volumeInitializers, name):
			t.Errorf("service %s runs as root (user %q); only the jobs that initialise volumes (%s) may", name, s.User, strings.Join(volumeInitializers, ", "))
		case root && !isJob(s):
			t.Errorf("service %s keeps running as root", name)
		}
		if df := dockerfileOf(t, s); (df == provenantDockerfile || df == chaincodeDockerfile) && !isJob(s) {
			if !s.ReadOnly || !slices.Contains(s.CapDrop, "ALL") {
				t.Errorf("service %s: want read_only: true and cap_drop: [ALL]", name)
			}
		}
	}
}

func TestComposeReplicas(t *testing.T) {
	p := loadCompose(t)
	for name, want := range wantReplicas {
		s := p.Services[name]
		got := 1
		switch {
		case s.Deploy != nil && s.Deploy.Replicas != nil:
			got = *s.Deploy.Replicas
		case s.Scale != nil:
			got = *s.Scale
		}
		if got != want {
			t.Errorf("service %s runs %d replicas, want %d", name, got, want)
		}
		if s.ContainerName != "" && want > 1 {
			t.Errorf("service %s sets container_name, which forbids replicas", name)
		}
		if args, ok := provenantArgs(argv(t, s)); !ok || len(args) != 1 || args[0] != name {
			t.Errorf("service %s runs %q, want provenant %s", name, argv(t, s), name)
		}
	}
}

func TestComposeHealthChecks(t *testing.T) {
	p := loadCompose(t)
	for name, s := range p.Services {
		hc := s.HealthCheck
		if isJob(s) {
			continue
		}
		if s.Restart != "unless-stopped" && s.Restart != "always" {
			t.Errorf("service %s: restart %q; a service that keeps running should restart (unless-stopped), a job should say restart: \"no\"", name, s.Restart)
		}
		if hc == nil || hc.Disable || len(hc.Test) < 2 {
			t.Errorf("service %s keeps running but has no health check", name)
			continue
		}
		if hc.Test[0] != "CMD" && hc.Test[0] != "CMD-SHELL" {
			t.Errorf("service %s: health check %q: want CMD or CMD-SHELL", name, hc.Test)
		}
		if hc.Interval == nil || hc.Timeout == nil || hc.Retries == nil {
			t.Errorf("service %s: health check without interval, timeout and retries", name)
		}
		test := []string(hc.Test[1:])
		e := env(s)
		switch {
		case dockerfileOf(t, s) == provenantDockerfile:
			port := portOf(t, name, "PROVENANT_ADMIN_ADDR", e["PROVENANT_ADMIN_ADDR"])
			want := []string{"/usr/local/bin/healthcheck", "http://127.0.0.1:" + port + "/readyz"}
			if !slices.Equal(test, want) {
				t.Errorf("service %s: health check %q, want %q (the admin endpoint PROVENANT_ADMIN_ADDR=%s)", name, test, want, e["PROVENANT_ADMIN_ADDR"])
			}
			if host, _, _ := net.SplitHostPort(e["PROVENANT_ADMIN_ADDR"]); host != "0.0.0.0" {
				t.Errorf("service %s: PROVENANT_ADMIN_ADDR=%s: listen on 0.0.0.0 so that /metrics can be scraped", name, e["PROVENANT_ADMIN_ADDR"])
			}
		case dockerfileOf(t, s) == chaincodeDockerfile:
			port := portOf(t, name, "CHAINCODE_SERVER_ADDRESS", e["CHAINCODE_SERVER_ADDRESS"])
			want := []string{"/usr/local/bin/healthcheck", "tcp://127.0.0.1:" + port}
			if !slices.Equal(test, want) {
				t.Errorf("service %s: health check %q, want %q", name, test, want)
			}
		case strings.HasPrefix(s.Image, "hyperledger/fabric-"):
			ops := e["CORE_OPERATIONS_LISTENADDRESS"] + e["ORDERER_OPERATIONS_LISTENADDRESS"]
			port := portOf(t, name, "the operations address", ops)
			want := []string{"bash", composeScripts + "/scripts/fabric-healthz.sh", port}
			if !slices.Equal(test, want) {
				t.Errorf("service %s: health check %q, want %q (its operations endpoint %s)", name, test, want, ops)
			}
			if mountedSource(t, s, composeScripts) != "deploy/compose" {
				t.Errorf("service %s: its health check runs a script of deploy/compose, which it does not mount at %s", name, composeScripts)
			}
		}
		// A helper of the project's images must be in the image.
		if df := dockerfileOf(t, s); df != "" && strings.HasPrefix(test[0], "/usr/local/bin/") {
			if !strings.Contains(readRepoFile(t, df), "/out/bin/"+filepath.Base(test[0])) {
				t.Errorf("service %s: health check runs %s, which %s does not build", name, test[0], df)
			}
		}
	}
}

// portOf returns the port of a host:port address.
func portOf(t testing.TB, service, what, addr string) string {
	t.Helper()
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Errorf("service %s: %s %q is not host:port", service, what, addr)
	}
	return port
}

func TestComposeDependencies(t *testing.T) {
	p := loadCompose(t)
	needed := map[string]bool{}
	for name, s := range p.Services {
		for dep, d := range s.DependsOn {
			target, ok := p.Services[dep]
			if !ok {
				t.Errorf("service %s depends on %s, which is not a service", name, dep)
				continue
			}
			needed[dep] = true
			switch {
			case isJob(target) && d.Condition != types.ServiceConditionCompletedSuccessfully:
				t.Errorf("service %s depends on the job %s with condition %q; want %s", name, dep, d.Condition, types.ServiceConditionCompletedSuccessfully)
			case !isJob(target) && d.Condition != types.ServiceConditionHealthy:
				t.Errorf("service %s depends on %s with condition %q; want %s, so that it starts once %s serves", name, dep, d.Condition, types.ServiceConditionHealthy, dep)
			}
		}
	}
	for name, s := range p.Services {
		if isJob(s) && !needed[name] {
			t.Errorf("job %s is no service's dependency, so nothing waits for it", name)
		}
	}
	// What each service needs done before it starts, directly or not.
	for name, deps := range map[string][]string{
		"ingest":         {"kafka", "kafka-topics", "store-migrate"},
		"prover":         {"store-migrate", "circuit-keys"},
		"anchor":         {"store-migrate", "circuit-keys", "fabric-channel", "chaincode-operator", "chaincode-authority"},
		"api":            {"store-migrate", "fabric-channel"},
		"fabric-channel": {"fabric-crypto", "orderer", "peer-operator", "peer-authority", "chaincode-operator", "chaincode-authority"},
		"store-migrate":  {"postgres"},
	} {
		all := transitiveDeps(p, name)
		for _, d := range deps {
			if !all[d] {
				t.Errorf("service %s starts without waiting for %s", name, d)
			}
		}
	}
}

func transitiveDeps(p *types.Project, name string) map[string]bool {
	seen := map[string]bool{}
	var walk func(string)
	walk = func(n string) {
		for d := range p.Services[n].DependsOn {
			if !seen[d] {
				seen[d] = true
				walk(d)
			}
		}
	}
	walk(name)
	return seen
}

// secretName matches variables that would hold a secret.
var secretName = regexp.MustCompile(`(?i)(PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE|_KEY)$`)

func TestComposeSecrets(t *testing.T) {
	p := loadCompose(t)
	urlPassword := regexp.MustCompile(`://[^/@:\s]+:[^/@\s]+@`)
	for name, s := range p.Services {
		e := env(s)
		secrets := map[string]bool{}
		for _, sec := range s.Secrets {
			secrets[sec.Source] = true
		}
		for k, v := range e {
			if secretName.MatchString(k) && !strings.HasPrefix(v, "/") {
				t.Errorf("service %s: %s=%q: a secret comes from a mounted file (a secret at /run/secrets/…, or a volume), named by its path, never from the compose file", name, k, v)
			}
			if urlPassword.MatchString(v) {
				t.Errorf("service %s: %s holds a URL with a password; use PGPASSFILE", name, k)
			}
			if path, ok := strings.CutPrefix(v, "/run/secrets/"); ok && !secrets[path] {
				t.Errorf("service %s: %s=%s, but the service does not mount the secret %s", name, k, v, path)
			}
		}
		if _, ok := e["PROVENANT_STORE_KEY"]; ok && e["PROVENANT_STORE_KEY_CREATE"] != "false" {
			t.Errorf("service %s: PROVENANT_STORE_KEY_CREATE must be false: replicas starting together would each create a different store key", name)
		}
		if strings.HasPrefix(e["PROVENANT_STORE"], "postgres") && e["PGPASSFILE"] == "" && e["PGPASSWORD"] == "" {
			t.Errorf("service %s opens PostgreSQL without PGPASSFILE", name)
		}
	}
	api := p.Services["api"]
	if _, ok := env(api)["PROVENANT_STORE_KEY"]; ok || slices.ContainsFunc(api.Secrets, func(s types.ServiceSecretConfig) bool { return s.Source == "store_key" }) {
		t.Error("service api gets the store key; the API opens the store without it, by design")
	}
	for name, sec := range p.Secrets {
		rel, err := filepath.Rel(repoRoot(t), sec.File)
		if sec.File == "" || err != nil || !strings.HasPrefix(filepath.ToSlash(rel), "deploy/compose/secrets/") {
			t.Errorf("secret %s: want a file under deploy/compose/secrets/ (made by deploy/compose/secrets.sh), got file %q environment %q", name, sec.File, sec.Environment)
		}
	}
	if ignore := readRepoFile(t, "deploy/compose/secrets/.gitignore"); !slices.Contains(strings.Fields(ignore), "*") {
		t.Error("deploy/compose/secrets/.gitignore does not ignore everything: secrets could be committed")
	}
	if !slices.Contains(strings.Fields(readRepoFile(t, ".dockerignore")), "deploy/compose/secrets") {
		t.Error(".dockerignore does not leave out deploy/compose/secrets: secrets could be copied into an image")
	}
}

func TestComposeEngines(t *testing.T) {
	p := loadCompose(t)
	kafka := env(p.Services["kafka"])
	if roles := kafka["KAFKA_PROCESS_ROLES"]; !strings.Contains(roles, "controller") || !strings.Contains(roles, "broker") {
		t.Errorf("kafka: KAFKA_PROCESS_ROLES=%q: want broker,controller (KRaft)", roles)
	}
	if e := env(p.Services["postgres"]); e["POSTGRES_PASSWORD_FILE"] == "" {
		t.Error("postgres: no POSTGRES_PASSWORD_FILE")
	}
	orderer := env(p.Services["orderer"])
	for _, k := range []string{"ORDERER_GENERAL_TLS_ENABLED", "ORDERER_ADMIN_TLS_ENABLED", "ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED", "ORDERER_CHANNELPARTICIPATION_ENABLED"} {
		if orderer[k] != "true" {
			t.Errorf("orderer: %s=%q, want true", k, orderer[k])
		}
	}
	// Hosts as fabric-crypto.sh names them in the certificates, the
	// genesis block and the chaincode packages.
	aliases := map[string]string{"orderer": "orderer0.orderer.provenant.example"}
	for _, org := range []string{"operator", "authority"} {
		aliases["peer-"+org] = "peer0." + org + ".provenant.example"
		aliases["chaincode-"+org] = "cc." + org + ".provenant.example"
		peer := env(p.Services["peer-"+org])
		if peer["CORE_PEER_TLS_ENABLED"] != "true" {
			t.Errorf("peer-%s: CORE_PEER_TLS_ENABLED=%q, want true", org, peer["CORE_PEER_TLS_ENABLED"])
		}
		if !strings.Contains(peer["CORE_CHAINCODE_EXTERNALBUILDERS"], "ccaas") {
			t.Errorf("peer-%s: no ccaas external builder in CORE_CHAINCODE_EXTERNALBUILDERS", org)
		}
		if want := strings.ToUpper(org[:1]) + org[1:] + "MSP"; peer["CORE_PEER_LOCALMSPID"] != want {
			t.Errorf("peer-%s: CORE_PEER_LOCALMSPID=%q, want %s", org, peer["CORE_PEER_LOCALMSPID"], want)
		}
		cc := p.Services["chaincode-"+org]
		ccEnv := env(cc)
		for _, k := range []string{"CHAINCODE_TLS_CERT", "CHAINCODE_TLS_KEY", "CHAINCODE_TLS_CLIENT_CA_CERT", "CHAINCODE_SERVER_ADDRESS", "CHAINCODE_ID_FILE"} {
			if ccEnv[k] == "" {
				t.Errorf("chaincode-%s: %s is not set", org, k)
			}
		}
		if a := argv(t, cc); len(a) == 0 || filepath.Base(a[len(a)-1]) != "provenant-chaincode" {
			t.Errorf("chaincode-%s runs %q, want the chaincode server (through fileenv)", org, a)
		}
	}
	for name, alias := range aliases {
		var got []string
		for _, n := range p.Services[name].Networks {
			if n != nil {
				got = append(got, n.Aliases...)
			}
		}
		if !slices.Contains(got, alias) {
			t.Errorf("service %s is not reachable as %s (aliases %q), the host its TLS certificate and its clients name", name, alias, got)
		}
	}
}

func TestComposeScriptsExist(t *testing.T) {
	p := loadCompose(t)
	for name, s := range p.Services {
		for _, v := range s.Volumes {
			if v.Type != types.VolumeTypeBind {
				continue
			}
			if _, err := os.Stat(v.Source); err != nil {
				t.Errorf("service %s mounts %s, which does not exist: %v", name, v.Source, err)
			}
			if !v.ReadOnly {
				t.Errorf("service %s mounts %s writable; mount the repository's files read-only", name, v.Source)
			}
		}
		if script := scriptOf(t, s); script != "" {
			if _, err := os.Stat(repoPath(t, script)); err != nil {
				t.Errorf("service %s runs %s, which does not exist", name, script)
			}
		}
		if isJob(s) && dockerfileOf(t, s) == opsDockerfile && scriptOf(t, s) == "" {
			t.Errorf("job %s runs %q, not a script of deploy/compose/scripts", name, argv(t, s))
		}
	}
}

func TestComposeCommandsExist(t *testing.T) {
	tr := provenantTree(t)
	invs := composeInvocations(t)
	if len(invs) < len(wantReplicas) {
		t.Fatalf("found only %d provenant command lines in %s and its scripts", len(invs), composeFile)
	}
	for _, inv := range invs {
		for _, p := range tr.check(inv) {
			t.Error(p)
		}
	}
}
