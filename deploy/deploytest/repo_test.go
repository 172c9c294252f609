package deploytest

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// module is the module whose repository holds the deployment files.
const module = "github.com/provenant/provenant"

var (
	rootOnce sync.Once
	rootDir  string
	rootErr  error
)

// repoRoot returns the repository root: the folder above the working
// directory whose go.mod declares module.
func repoRoot(t testing.TB) string {
	t.Helper()
	rootOnce.Do(func() {
		dir, err := os.Getwd()
		if err != nil {
			rootErr = err
			return
		}
		for {
			if f, err := os.Open(filepath.Join(dir, "go.mod")); err == nil {
				sc := bufio.NewScanner(f)
				sc.Scan()
				f.Close()
				if strings.TrimSpace(strings.TrimPrefix(sc.Text(), "module")) == module {
					rootDir = dir
					return
				}
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				rootErr = os.ErrNotExist
				return
			}
			dir = parent
		}
	})
	if rootErr != nil {
		t.Fatalf("find the repository root (the go.mod of %s above the working directory): %v", module, rootErr)
	}
	return rootDir
}

// repoPath returns the absolute path of a slash-separated path relative to
// the repository root.
func repoPath(t testing.TB, rel string) string {
	return filepath.Join(repoRoot(t), filepath.FromSlash(rel))
}

// readRepoFile reads a file of the repository.
func readRepoFile(t testing.TB, rel string) string {
	t.Helper()
	b, err := os.ReadFile(repoPath(t, rel))
	if err != nil {
		t.Fatalf("read %s: %v", rel, err)
	}
	return string(b)
}

// walkRepo lists the files under a folder of the repository whose names end
// with one of the suffixes, as slash-separated paths relative to the root,
// hidden folders left out.
func walkRepo(t testing.TB, dir string, suffixes ...string) []string {
	t.Helper()
	var out []string
	top := repoPath(t, dir)
	err := filepath.WalkDir(top, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			// Hidden folders (.git, build caches) and node_modules are not
			// the project's files.
			if path != top && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		for _, s := range suffixes {
			if strings.HasSuffix(path, s) {
				rel, err := filepath.Rel(repoRoot(t), path)
				if err != nil {
					return err
				}
				out = append(out, filepath.ToSlash(rel))
				break
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("walk %s: %v", dir, err)
	}
	return out
}
