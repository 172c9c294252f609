package deploytest

import (
	"encoding/json"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The Dockerfiles of the project, and whether the image they make must be
// minimal (distroless or scratch: the images that run the services).
var dockerfiles = map[string]bool{
	provenantDockerfile: true,
	chaincodeDockerfile: true,
	opsDockerfile:       false,
}

// dockerfile is a parsed Dockerfile: its global ARG defaults and stages.
type dockerfile struct {
	file   string
	args   map[string]string
	stages []*stage
}

// stage is one FROM and the instructions under it.
type stage struct {
	from, name string
	line       int
	instrs     []instr
}

// instr is one instruction, continuation lines joined.
type instr struct {
	cmd  string // upper case: RUN, COPY…
	args string
	line int
}

func (d *dockerfile) final() *stage { return d.stages[len(d.stages)-1] }

// execForm returns the arguments of the stage's last cmd (ENTRYPOINT or
// CMD) when it is in exec (JSON) form, nil otherwise.
func (s *stage) execForm(cmd string) []string {
	for i := len(s.instrs) - 1; i >= 0; i-- {
		if s.instrs[i].cmd == cmd {
			var v []string
			if json.Unmarshal([]byte(s.instrs[i].args), &v) != nil {
				return nil
			}
			return v
		}
	}
	return nil
}

// parseDockerfile reads a Dockerfile of the repository.
func parseDockerfile(t testing.TB, rel string) *dockerfile {
	t.Helper()
	d := &dockerfile{file: rel, args: map[string]string{}}
	lines := strings.Split(readRepoFile(t, rel), "\n")
	for n := 0; n < len(lines); n++ {
		start := n + 1
		line := strings.TrimSpace(lines[n])
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		for strings.HasSuffix(line, `\`) && n+1 < len(lines) {
			n++
			next := strings.TrimSpace(lines[n])
			if strings.HasPrefix(next, "#") {
				continue
			}
			line = strings.TrimSuffix(line, `\`) + " " + next
		}
		cmd, args, _ := strings.Cut(line, " ")
		in := instr{cmd: strings.ToUpper(cmd), args: strings.TrimSpace(args), line: start}
		switch {
		case in.cmd == "FROM":
			f := strings.Fields(in.args)
			s := &stage{from: d.expand(f[0]), line: start}
			if len(f) == 3 && strings.EqualFold(f[1], "AS") {
				s.name = f[2]
			}
			d.stages = append(d.stages, s)
		case len(d.stages) == 0:
			if in.cmd == "ARG" {
				k, v, _ := strings.Cut(in.args, "=")
				d.args[k] = v
			}
		default:
			s := d.final()
			s.instrs = append(s.instrs, in)
		}
	}
	if len(d.stages) == 0 {
		t.Fatalf("%s has no FROM", rel)
	}
	return d
}

var argRef = regexp.MustCompile(`\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?`)

// expand substitutes the global ARG defaults in s.
func (d *dockerfile) expand(s string) string {
	return argRef.ReplaceAllStringFunc(s, func(m string) string {
		return d.args[argRef.FindStringSubmatch(m)[1]]
	})
}

// secretFile matches what must never be copied into an image.
var secretFile = regexp.MustCompile(`(?i)(\.key$|\.pem$|priv_sk|(^|/)secrets(/|$)|\.env$|id_rsa|id_ed25519|\.p12$|\.pfx$)`)

func TestDockerfiles(t *testing.T) {
	pinned := regexp.MustCompile(`^[a-z0-9./_-]+(:[A-Za-z0-9._-]*[0-9][A-Za-z0-9._-]*)?(@sha256:[0-9a-f]{64})?$`)
	distroless := regexp.MustCompile(`^gcr\.io/distroless/[a-z]+-debian[0-9]+:nonroot(@sha256:[0-9a-f]{64})?$`)
	for file, minimal := range dockerfiles {
		t.Run(file, func(t *testing.T) {
			d := parseDockerfile(t, file)
			if len(d.stages) < 2 {
				t.Errorf("%s has %d stage; want a multi-stage build (build, then a small runtime image)", file, len(d.stages))
			}
			names := map[string]bool{}
			for _, s := range d.stages {
				switch {
				case names[s.from]:
				case s.from == "scratch":
				case distroless.MatchString(s.from):
					// Distroless images carry their Debian release in their
					// name and are rebuilt under the same tag for security
					// fixes; a release pins them by digest.
				case strings.HasSuffix(s.from, ":latest") || !strings.ContainsAny(s.from, ":@") || !pinned.MatchString(s.from):
					t.Errorf("%s:%d: FROM %s: pin the base image to a version tag or digest", file, s.line, s.from)
				}
				if s.name != "" {
					names[s.name] = true
				}
				for _, in := range s.instrs {
					checkInstr(t, file, s, in)
				}
			}
			final := d.final()
			if minimal && final.from != "scratch" && !strings.HasPrefix(final.from, "gcr.io/distroless/") {
				t.Errorf("%s: the runtime image is %s; want distroless or scratch", file, final.from)
			}
			user := ""
			for _, in := range final.instrs {
				if in.cmd == "USER" {
					user = in.args
				}
			}
			if u, _, _ := strings.Cut(user, ":"); user == "" || u == "root" || u == "0" {
				t.Errorf("%s: the final stage runs as %q; set a non-root USER", file, user)
			}
			if ep := final.execForm("ENTRYPOINT"); minimal && len(ep) == 0 {
				t.Errorf("%s: want an ENTRYPOINT in exec (JSON) form", file)
			}
			if minimal {
				// A static build: the runtime image has no libc.
				built := false
				for _, s := range d.stages[:len(d.stages)-1] {
					cgoOff := false
					for _, in := range s.instrs {
						if (in.cmd == "ENV" || in.cmd == "ARG") && strings.Contains(in.args, "CGO_ENABLED=0") {
							cgoOff = true
						}
						if in.cmd == "RUN" && strings.Contains(in.args, "go build") {
							built = true
							if !cgoOff && !strings.Contains(in.args, "CGO_ENABLED=0") {
								t.Errorf("%s:%d: go build without CGO_ENABLED=0: the binary would need a libc the runtime image lacks", file, in.line)
							}
						}
					}
				}
				if !built {
					t.Errorf("%s builds nothing with go build", file)
				}
			}
		})
	}
}

// checkInstr applies the rules that hold for every instruction.
func checkInstr(t *testing.T, file string, s *stage, in instr) {
	t.Helper()
	switch in.cmd {
	case "ADD":
		t.Errorf("%s:%d: use COPY, not ADD (no archives or URLs are fetched into images)", file, in.line)
	case "COPY":
		fields := strings.Fields(in.args)
		var srcs []string
		fromStage := false
		for _, f := range fields[:len(fields)-1] {
			if strings.HasPrefix(f, "--") {
				fromStage = fromStage || strings.HasPrefix(f, "--from=")
				continue
			}
			srcs = append(srcs, f)
		}
		for _, src := range srcs {
			if secretFile.MatchString(src) {
				t.Errorf("%s:%d: COPY %s copies a secret into the image; mount it at run time", file, in.line, src)
			}
			if !fromStage && src != "." {
				if _, err := os.Stat(repoPath(t, src)); err != nil {
					t.Errorf("%s:%d: COPY %s: no such file in the build context (the repository root)", file, in.line, src)
				}
			}
		}
	case "ENV", "ARG":
		for _, kv := range strings.Fields(in.args) {
			k, v, ok := strings.Cut(kv, "=")
			if ok && v != "" && secretName.MatchString(k) {
				t.Errorf("%s:%d: %s %s bakes a secret into the image", file, in.line, in.cmd, k)
			}
		}
	case "WORKDIR":
		if !strings.HasPrefix(in.args, "/") {
			t.Errorf("%s:%d: WORKDIR %s: use an absolute path", file, in.line, in.args)
		}
	case "RUN":
		if strings.Contains(in.args, "apt-get install") {
			if !strings.Contains(in.args, "--no-install-recommends") || !strings.Contains(in.args, "rm -rf /var/lib/apt/lists") {
				t.Errorf("%s:%d: apt-get install without --no-install-recommends and removing /var/lib/apt/lists", file, in.line)
			}
			for _, w := range strings.Fields(in.args[strings.Index(in.args, "apt-get install"):]) {
				if w == "&&" {
					break
				}
				if !strings.HasPrefix(w, "-") && w != "apt-get" && w != "install" && !strings.Contains(w, "=") {
					t.Errorf("%s:%d: apt-get install %s: pin the package's version (%s=VERSION)", file, in.line, w, w)
				}
			}
		}
		if strings.Contains(in.args, "curl ") || strings.Contains(in.args, "wget ") {
			t.Errorf("%s:%d: RUN downloads with curl or wget; use the package managers", file, in.line)
		}
	case "ENTRYPOINT", "CMD":
		var v []string
		if json.Unmarshal([]byte(in.args), &v) != nil {
			t.Errorf("%s:%d: %s %s: use the exec (JSON) form, so that signals reach the process", file, in.line, in.cmd, in.args)
		}
	}
}

// TestDockerignore checks that .dockerignore keeps secrets and local state
// out of the build context without leaving out what the build needs: the
// module's Go files and what they embed.
func TestDockerignore(t *testing.T) {
	var patterns []string
	for _, l := range strings.Split(readRepoFile(t, ".dockerignore"), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			patterns = append(patterns, strings.TrimPrefix(l, "/"))
		}
	}
	for _, must := range []string{".git", "deploy/compose/secrets", "**/*.key", "**/*.pem", ".env"} {
		if !slices.Contains(patterns, must) {
			t.Errorf(".dockerignore does not leave out %s", must)
		}
	}
	excluded := func(p string) string {
		for _, pat := range patterns {
			if strings.HasPrefix(pat, "!") {
				continue
			}
			for q := p; q != "." && q != "/"; q = path.Dir(q) {
				if matchIgnore(pat, q) {
					return pat
				}
			}
		}
		return ""
	}
	embed := regexp.MustCompile(`(?m)^//go:embed\s+(.+)$`)
	needed := []string{"go.mod", "go.sum", "deploy/fabric/go.mod", "deploy/fabric/go.sum"}
	for _, f := range walkRepo(t, ".", ".go") {
		if strings.HasPrefix(f, ".") || strings.HasSuffix(f, "_test.go") || strings.Contains(f, "/testdata/") {
			continue
		}
		needed = append(needed, f)
		src, err := os.ReadFile(repoPath(t, f))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range embed.FindAllStringSubmatch(string(src), -1) {
			for _, p := range strings.Fields(m[1]) {
				needed = append(needed, path.Join(path.Dir(f), strings.Trim(p, "\"`")))
			}
		}
	}
	for _, n := range needed {
		if pat := excluded(n); pat != "" {
			t.Errorf(".dockerignore pattern %q leaves out %s, which the build needs", pat, n)
		}
	}
}

// matchIgnore matches a .dockerignore pattern against a slash path: a
// pattern without a slash matches at the top, ** any number of folders.
func matchIgnore(pattern, p string) bool {
	if rest, ok := strings.CutPrefix(pattern, "**/"); ok {
		for q := p; ; {
			if ok, _ := path.Match(rest, q); ok {
				return true
			}
			_, after, found := strings.Cut(q, "/")
			if !found {
				return false
			}
			q = after
		}
	}
	ok, _ := path.Match(pattern, p)
	return ok
}

// TestHadolint lints the Dockerfiles with hadolint when it is installed.
func TestHadolint(t *testing.T) {
	bin, err := exec.LookPath("hadolint")
	if err != nil {
		t.Skip("hadolint is not installed; TestDockerfiles applies the structural rules")
	}
	for file := range dockerfiles {
		cmd := exec.Command(bin, filepath.Base(file))
		cmd.Dir = filepath.Dir(repoPath(t, file))
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("hadolint %s: %v\n%s", file, err, out)
		}
	}
}
