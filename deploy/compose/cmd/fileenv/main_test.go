package main

import (
	"errors"
	"io/fs"
	"slices"
	"strings"
	"testing"
)

func TestPrepare(t *testing.T) {
	files := map[string]string{
		"/run/id":    "provenant:0123abcd\n",
		"/run/empty": " \n",
	}
	readFile := func(path string) ([]byte, error) {
		if s, ok := files[path]; ok {
			return []byte(s), nil
		}
		return nil, &fs.PathError{Op: "open", Path: path, Err: fs.ErrNotExist}
	}
	for _, tc := range []struct {
		name     string
		args     []string
		environ  []string
		wantEnv  []string
		wantErr  string
		wantArgv []string
	}{
		{
			name:     "reads the file and drops NAME_FILE",
			args:     []string{"CHAINCODE_ID", "--", "/bin/cc", "-v"},
			environ:  []string{"PATH=/bin", "CHAINCODE_ID_FILE=/run/id"},
			wantEnv:  []string{"PATH=/bin", "CHAINCODE_ID=provenant:0123abcd"},
			wantArgv: []string{"/bin/cc", "-v"},
		},
		{
			name:     "a set variable wins",
			args:     []string{"CHAINCODE_ID", "--", "/bin/cc"},
			environ:  []string{"CHAINCODE_ID=given", "CHAINCODE_ID_FILE=/run/missing"},
			wantEnv:  []string{"CHAINCODE_ID=given"},
			wantArgv: []string{"/bin/cc"},
		},
		{
			name:     "an empty variable is read from its file",
			args:     []string{"CHAINCODE_ID", "--", "/bin/cc"},
			environ:  []string{"CHAINCODE_ID=", "CHAINCODE_ID_FILE=/run/id"},
			wantEnv:  []string{"CHAINCODE_ID=provenant:0123abcd"},
			wantArgv: []string{"/bin/cc"},
		},
		{name: "neither set", args: []string{"X", "--", "/bin/cc"}, wantErr: "X is not set and neither is X_FILE"},
		{name: "missing file", args: []string{"X", "--", "/bin/cc"}, environ: []string{"X_FILE=/run/missing"}, wantErr: "X_FILE: open /run/missing"},
		{name: "empty file", args: []string{"X", "--", "/bin/cc"}, environ: []string{"X_FILE=/run/empty"}, wantErr: "is empty"},
		{name: "no separator", args: []string{"X", "/bin/cc"}, wantErr: "want NAME"},
		{name: "no program", args: []string{"X", "--"}, wantErr: "want NAME"},
		{name: "relative program", args: []string{"X", "--", "cc"}, wantErr: "absolute path"},
		{name: "bad name", args: []string{"X-Y", "--", "/bin/cc"}, wantErr: "not a variable name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			prog, argv, env, err := prepare(tc.args, tc.environ, readFile)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("prepare(%q) error = %v, want one containing %q", tc.args, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("prepare(%q): %v", tc.args, err)
			}
			if prog != tc.wantArgv[0] || !slices.Equal(argv, tc.wantArgv) {
				t.Errorf("program %q argv %q, want %q", prog, argv, tc.wantArgv)
			}
			if !slices.Equal(env, tc.wantEnv) {
				t.Errorf("environment %q, want %q", env, tc.wantEnv)
			}
		})
	}
}

func TestUsageErrorsAreTold(t *testing.T) {
	_, _, _, err := prepare([]string{"X"}, nil, nil)
	var usage usageError
	if !errors.As(err, &usage) {
		t.Errorf("error %v is not a usage error", err)
	}
}
