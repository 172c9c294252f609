// Command fileenv sets environment variables from files, then runs a
// program in its place, for distroless images that have no shell to do it
// with. docker-compose.yml runs the chaincode server through it: the
// server reads its package ID from CHAINCODE_ID only, and the ID is known
// only once the fabric-crypto job has packaged the chaincode, so the job
// writes it to a file and the container names that file in
// CHAINCODE_ID_FILE.
//
// Usage:
//
//	fileenv NAME... -- PROGRAM [ARG...]
//
// For each NAME that is unset or empty, NAME_FILE must name a file: NAME
// becomes its contents less surrounding white space. A NAME already set
// keeps its value. Then PROGRAM (an absolute path) replaces fileenv, with
// the resulting environment and NAME_FILE removed. The exit status is 2 on
// bad usage and 1 when a file cannot be read; otherwise it is PROGRAM's.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
)

func main() {
	prog, argv, env, err := prepare(os.Args[1:], os.Environ(), os.ReadFile)
	if err != nil {
		fmt.Fprintf(os.Stderr, "fileenv: %v\n", err)
		var usage usageError
		if errors.As(err, &usage) {
			fmt.Fprintln(os.Stderr, "usage: fileenv NAME... -- PROGRAM [ARG...]")
			os.Exit(2)
		}
		os.Exit(1)
	}
	os.Exit(execute(prog, argv, env, os.Stderr))
}

// usageError is a command line that fileenv cannot run.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

var namePattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// prepare parses the command line and returns the program, its argv and
// its environment: environ with each NAME read from NAME_FILE.
func prepare(args, environ []string, readFile func(string) ([]byte, error)) (string, []string, []string, error) {
	sep := -1
	for i, a := range args {
		if a == "--" {
			sep = i
			break
		}
	}
	if sep < 0 || sep == len(args)-1 {
		return "", nil, nil, usageError{`want NAME... -- PROGRAM [ARG...]`}
	}
	names, argv := args[:sep], args[sep+1:]
	if !strings.HasPrefix(argv[0], "/") {
		return "", nil, nil, usageError{fmt.Sprintf("program %q: want an absolute path", argv[0])}
	}
	env := map[string]string{}
	var order []string
	for _, kv := range environ {
		k, v, _ := strings.Cut(kv, "=")
		if _, seen := env[k]; !seen {
			order = append(order, k)
		}
		env[k] = v
	}
	drop := map[string]bool{}
	for _, name := range names {
		if !namePattern.MatchString(name) {
			return "", nil, nil, usageError{fmt.Sprintf("%q is not a variable name", name)}
		}
		drop[name+"_FILE"] = true
		if env[name] != "" {
			continue
		}
		path := env[name+"_FILE"]
		if path == "" {
			return "", nil, nil, fmt.Errorf("%s is not set and neither is %s_FILE", name, name)
		}
		b, err := readFile(path)
		if err != nil {
			return "", nil, nil, fmt.Errorf("%s_FILE: %w", name, err)
		}
		value := strings.TrimSpace(string(b))
		if value == "" {
			return "", nil, nil, fmt.Errorf("%s_FILE: %s is empty", name, path)
		}
		if _, seen := env[name]; !seen {
			order = append(order, name)
		}
		env[name] = value
	}
	out := make([]string, 0, len(order))
	for _, k := range order {
		if !drop[k] {
			out = append(out, k+"="+env[k])
		}
	}
	return argv[0], argv, out, nil
}

// execute replaces this process with prog (see exec_*.go); it returns only
// on failure, with the exit status to use.
func execute(prog string, argv, env []string, stderr io.Writer) int {
	err := replace(prog, argv, env)
	fmt.Fprintf(stderr, "fileenv: run %s: %v\n", prog, err)
	var exit exitError
	if errors.As(err, &exit) {
		return int(exit)
	}
	return 1
}

// exitError is the exit status of a program that ran as a child.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }
