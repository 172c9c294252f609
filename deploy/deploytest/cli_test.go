package deploytest

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// The provenant binary the tests run, built once per test process (or
// given by PROVENANT_BIN), and the command tree read from its help.
var (
	binOnce sync.Once
	binPath string
	binErr  error
	binDir  string

	treeOnce sync.Once
	tree     cliTree
	treeErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// provenantBinary returns the path of a provenant binary: PROVENANT_BIN,
// or one built from cmd/provenant with CGO_ENABLED=0, as the images build
// it, so that the static build is checked too.
func provenantBinary(t testing.TB) string {
	t.Helper()
	root := repoRoot(t)
	binOnce.Do(func() {
		if p := os.Getenv("PROVENANT_BIN"); p != "" {
			binPath = p
			return
		}
		goCmd, err := exec.LookPath("go")
		if err != nil {
			binErr = fmt.Errorf("no go command to build provenant with (set PROVENANT_BIN): %w", err)
			return
		}
		binDir, err = os.MkdirTemp("", "deploytest-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(binDir, "provenant")
		ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, goCmd, "build", "-o", binPath, "./cmd/provenant")
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			binErr = fmt.Errorf("CGO_ENABLED=0 go build ./cmd/provenant: %w\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// runProvenant runs the binary with args and an environment free of
// PROVENANT_ variables, and returns its combined output.
func runProvenant(t testing.TB, dir string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, provenantBinary(t), args...)
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PROVENANT_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// cliCommand is one command of provenant's tree, as its --help shows it.
type cliCommand struct {
	path     string          // words after provenant: "registry publish"
	runnable bool            // false for a group that only lists subcommands
	subs     map[string]bool // subcommand names
	flags    map[string]bool // long flag names, its own and inherited
}

// cliTree holds every command by path; "" is the root.
type cliTree map[string]*cliCommand

// provenantTree reads the whole command tree from the binary's help.
func provenantTree(t testing.TB) cliTree {
	t.Helper()
	provenantBinary(t)
	treeOnce.Do(func() {
		tree = cliTree{}
		queue := []string{""}
		for len(queue) > 0 {
			path := queue[0]
			queue = queue[1:]
			args := append(strings.Fields(path), "--help")
			out, err := runProvenant(t, os.TempDir(), args...)
			if err != nil {
				treeErr = fmt.Errorf("provenant %s: %w\n%s", strings.Join(args, " "), err, out)
				return
			}
			c := parseHelp(path, out)
			tree[path] = c
			for _, sub := range slices.Sorted(maps.Keys(c.subs)) {
				queue = append(queue, strings.TrimSpace(path+" "+sub))
			}
		}
	})
	if treeErr != nil {
		t.Fatal(treeErr)
	}
	return tree
}

var helpFlag = regexp.MustCompile(`^\s+(?:-[A-Za-z0-9], )?--([A-Za-z0-9][A-Za-z0-9-]*)`)

// parseHelp reads a cobra help text: the usage lines, the available
// commands (less help and completion) and the flags, local and global.
func parseHelp(path, out string) *cliCommand {
	c := &cliCommand{path: path, subs: map[string]bool{}, flags: map[string]bool{}}
	var usage []string
	section := ""
	for _, line := range strings.Split(out, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "":
			section = ""
			continue
		case !strings.HasPrefix(line, " ") && strings.HasSuffix(trimmed, ":"):
			section = trimmed
			continue
		}
		switch section {
		case "Usage:":
			usage = append(usage, trimmed)
		case "Available Commands:":
			if name := strings.Fields(trimmed)[0]; name != "help" && name != "completion" {
				c.subs[name] = true
			}
		case "Flags:", "Global Flags:":
			if m := helpFlag.FindStringSubmatch(line); m != nil {
				c.flags[m[1]] = true
			}
		}
	}
	// A command without cobra's usage section (`provenant chaincode` prints
	// the chaincode server's own) is a command, not a group.
	c.runnable = len(usage) == 0
	for _, u := range usage {
		if !strings.HasSuffix(u, "[command]") {
			c.runnable = true
		}
	}
	return c
}

// invocation is one provenant command line found in a deployment file.
type invocation struct {
	where string            // file and place, for messages
	args  []string          // the words after provenant
	env   map[string]string // the environment it runs with, when known
}

// check returns what is wrong with inv: a command that does not exist or
// only groups others, a flag the command lacks, or a PROVENANT_ variable
// that names no flag of the command (provenant ignores those, so a typo
// would silently leave the default in force).
func (tr cliTree) check(inv invocation) []string {
	cur := tr[""]
	var path []string
	i := 0
	for ; i < len(inv.args) && cur.subs[inv.args[i]]; i++ {
		path = append(path, inv.args[i])
		cur = tr[strings.Join(path, " ")]
	}
	name := strings.TrimSpace("provenant " + strings.Join(path, " "))
	if len(path) == 0 {
		next := ""
		if len(inv.args) > 0 {
			next = inv.args[0]
		}
		return []string{fmt.Sprintf("%s: `provenant %s`: no such command (commands: %s)",
			inv.where, next, strings.Join(slices.Sorted(maps.Keys(cur.subs)), ", "))}
	}
	if !cur.runnable {
		next := ""
		if i < len(inv.args) {
			next = inv.args[i]
		}
		return []string{fmt.Sprintf("%s: `%s %s`: %s has no subcommand %q (it has: %s)",
			inv.where, name, next, name, next, strings.Join(slices.Sorted(maps.Keys(cur.subs)), ", "))}
	}
	var problems []string
	for _, arg := range inv.args[i:] {
		if arg == "--" {
			break
		}
		flag, ok := strings.CutPrefix(arg, "--")
		if !ok {
			continue
		}
		flag, _, _ = strings.Cut(flag, "=")
		if !cur.flags[flag] {
			problems = append(problems, fmt.Sprintf("%s: `%s` has no flag --%s (flags: %s)",
				inv.where, name, flag, flagList(cur)))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(inv.env)) {
		rest, ok := strings.CutPrefix(k, "PROVENANT_")
		if !ok {
			continue
		}
		flag := strings.ToLower(strings.ReplaceAll(rest, "_", "-"))
		if !cur.flags[flag] || flag == "help" {
			problems = append(problems, fmt.Sprintf("%s: %s would set --%s, which `%s` does not have, so provenant ignores it (flags: %s)",
				inv.where, k, flag, name, flagList(cur)))
		}
	}
	return problems
}

func flagList(c *cliCommand) string {
	var fs []string
	for f := range c.flags {
		if f != "help" {
			fs = append(fs, "--"+f)
		}
	}
	slices.Sort(fs)
	return strings.Join(fs, " ")
}

// provenantWord finds "provenant" used as a command in a shell line: at the
// start or after a separator, and followed by a lower-case word.
var provenantWord = regexp.MustCompile(`(?:^|[\s;&|(!])provenant[ \t]+[a-z]`)

// shellInvocations finds the provenant command lines in shell text (a
// script, or the code blocks of a document): every logical line, comment
// lines left out, where provenant is used as a command. Its words stop at
// the first unquoted shell operator.
func shellInvocations(file, text string) []invocation {
	var out []invocation
	lines := strings.Split(text, "\n")
	for n := 0; n < len(lines); n++ {
		start := n + 1
		line := lines[n]
		for strings.HasSuffix(line, `\`) && n+1 < len(lines) {
			n++
			line = strings.TrimSuffix(line, `\`) + " " + strings.TrimSpace(lines[n])
		}
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		for _, loc := range provenantWord.FindAllStringIndex(line, -1) {
			// "-n provenant get pods": the value of another command's option.
			if before := strings.Fields(line[:loc[0]+1]); len(before) > 0 && strings.HasPrefix(before[len(before)-1], "-") {
				continue
			}
			rest := line[loc[1]-1:]
			out = append(out, invocation{
				where: fmt.Sprintf("%s:%d", file, start),
				args:  shellWords(rest),
			})
		}
	}
	return out
}

// shellWords splits the start of a shell command into words, quotes
// removed, up to the first unquoted operator (; | & ) < > #).
func shellWords(s string) []string {
	var words []string
	var cur strings.Builder
	inWord := false
	var quote rune
	for _, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '"' || r == '\'':
			quote = r
			inWord = true
		case strings.ContainsRune(";|&)<>#", r):
			if inWord {
				words = append(words, cur.String())
			}
			return words
		case r == ' ' || r == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

// markdownShell returns the lines of a Markdown document's fenced code
// blocks, other lines blanked so that line numbers stay right.
func markdownShell(text string) string {
	lines := strings.Split(text, "\n")
	in := false
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "```") {
			in = !in
			lines[i] = ""
			continue
		}
		if !in {
			lines[i] = ""
		} else {
			lines[i] = strings.TrimPrefix(strings.TrimSpace(l), "$ ")
		}
	}
	return strings.Join(lines, "\n")
}

func TestParseHelp(t *testing.T) {
	help := `Manage the registries

Usage:
  provenant registry [command]

Available Commands:
  origins     Manage the certified origin facilities
  publish     Publish a registry's current root on the ledger (Authority)

Flags:
  -h, --help   help for registry

Global Flags:
      --log-format string   log format (env PROVENANT_LOG_FORMAT) (default "text")
`
	c := parseHelp("registry", help)
	if c.runnable {
		t.Error("a group whose only usage ends in [command] was taken for a command")
	}
	if !c.subs["origins"] || !c.subs["publish"] || len(c.subs) != 2 {
		t.Errorf("subcommands %v, want origins and publish", c.subs)
	}
	if !c.flags["help"] || !c.flags["log-format"] || len(c.flags) != 2 {
		t.Errorf("flags %v, want help and log-format", c.flags)
	}
}

func TestShellInvocations(t *testing.T) {
	script := `# provenant setup dev is not run here
if [[ -z "$(provenant registry origins list --format json 2>/dev/null)" ]]; then
	retry 10 provenant registry publish "$kind" \
		--ledger "$profile"
fi
echo "see /opt/provenant/compose and provenant.events.v1"
kubectl -n provenant get pods
`
	got := shellInvocations("x.sh", script)
	want := []invocation{
		{where: "x.sh:2", args: []string{"registry", "origins", "list", "--format", "json", "2"}},
		{where: "x.sh:3", args: []string{"registry", "publish", "$kind", "--ledger", "$profile"}},
	}
	if len(got) != len(want) {
		t.Fatalf("found %d invocations %+v, want %d", len(got), got, len(want))
	}
	for i := range want {
		if got[i].where != want[i].where || !slices.Equal(got[i].args, want[i].args) {
			t.Errorf("invocation %d: %s %q, want %s %q", i, got[i].where, got[i].args, want[i].where, want[i].args)
		}
	}
}

func TestCheckInvocation(t *testing.T) {
	tr := cliTree{
		"":                 {subs: map[string]bool{"registry": true, "ingest": true}, flags: map[string]bool{"help": true, "log-level": true}},
		"ingest":           {path: "ingest", runnable: true, subs: map[string]bool{}, flags: map[string]bool{"help": true, "log-level": true, "brokers": true}},
		"registry":         {path: "registry", subs: map[string]bool{"publish": true}, flags: map[string]bool{"help": true, "log-level": true}},
		"registry publish": {path: "registry publish", runnable: true, subs: map[string]bool{}, flags: map[string]bool{"help": true, "log-level": true, "ledger": true}},
	}
	for _, tc := range []struct {
		name string
		inv  invocation
		want string // a part of the one problem, or "" for none
	}{
		{"fine", invocation{args: []string{"registry", "publish", "suppliers", "--ledger=x"}, env: map[string]string{"PROVENANT_LOG_LEVEL": "debug", "PGPASSFILE": "/p"}}, ""},
		{"unknown command", invocation{args: []string{"anchr"}}, "no such command"},
		{"group", invocation{args: []string{"registry", "publsh"}}, "has no subcommand"},
		{"unknown flag", invocation{args: []string{"ingest", "--broker", "k:9092"}}, "has no flag --broker"},
		{"unknown variable", invocation{args: []string{"ingest"}, env: map[string]string{"PROVENANT_BROKER": "k:9092"}}, "PROVENANT_BROKER would set --broker"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			problems := tr.check(tc.inv)
			switch {
			case tc.want == "" && len(problems) > 0:
				t.Errorf("problems %q, want none", problems)
			case tc.want != "" && (len(problems) != 1 || !strings.Contains(problems[0], tc.want)):
				t.Errorf("problems %q, want one containing %q", problems, tc.want)
			}
		})
	}
}
