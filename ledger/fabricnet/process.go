package fabricnet

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// stopTimeout is how long a process has to exit after SIGTERM before it is
// sent SIGKILL.
const stopTimeout = 10 * time.Second

// markerEnv is set in every process's environment to <Dir>#<name>, so that
// a PID read from a PID file is only signalled when it is still that
// process (and not another one that got the PID since).
const markerEnv = "FABRICNET_PROCESS"

// ProcessError reports a process of the network that failed to start, exited,
// did not become ready or did not stop. It carries the tail of its log file.
type ProcessError struct {
	Process string // e.g. "peer-operator"
	LogFile string
	LogTail string // the last lines of LogFile
	Err     error
}

// Error says which process failed and how, followed by the tail of its log.
func (e *ProcessError) Error() string {
	msg := fmt.Sprintf("process %s: %v (log %s)", e.Process, e.Err, e.LogFile)
	if e.LogTail != "" {
		msg += "\n--- last lines of " + filepath.Base(e.LogFile) + " ---\n" + e.LogTail
	}
	return msg
}

// Unwrap returns the underlying error.
func (e *ProcessError) Unwrap() error { return e.Err }

// procSpec is how to run one process.
type procSpec struct {
	path string
	args []string
	env  []string // added to the filtered environment of the caller
	dir  string
}

// process is a child started by this Network.
type process struct {
	name    string
	pid     int
	done    chan struct{} // closed once the child has exited and been reaped
	waitErr error         // set before done is closed
}

func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// childEnv is the caller's environment without any variable that Fabric or
// the chaincode reads, plus extra (which wins).
func childEnv(extra []string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "CORE_") || strings.HasPrefix(k, "ORDERER_") || strings.HasPrefix(k, "FABRIC_") ||
			strings.HasPrefix(k, "CHAINCODE_") || strings.HasPrefix(k, "OSNADMIN_") || k == markerEnv {
			continue
		}
		env = append(env, kv)
	}
	return append(env, extra...)
}

// spawn starts a process with its output appended to logs/<name>.log and its
// PID written to run/<name>.pid.
func (n *Network) spawn(name string, spec procSpec) (*process, error) {
	logPath := n.l.logFile(name)
	if err := os.MkdirAll(n.l.logsDir(), 0o755); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	if err := os.MkdirAll(n.l.runDir(), 0o755); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	defer logf.Close()
	fmt.Fprintf(logf, "\n===== fabricnet: %s starting %s %s\n", time.Now().Format(time.RFC3339Nano), spec.path, strings.Join(spec.args, " "))

	cmd := exec.Command(spec.path, spec.args...)
	cmd.Env = childEnv(append(spec.env, markerEnv+"="+n.marker(name)))
	cmd.Dir = spec.dir
	cmd.Stdout = logf
	cmd.Stderr = logf
	if n.cfg.Detach {
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	} else {
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	}
	if err := cmd.Start(); err != nil {
		return nil, n.procErr(name, fmt.Errorf("start %s: %w", spec.path, err))
	}
	p := &process{name: name, pid: cmd.Process.Pid, done: make(chan struct{})}
	go func() {
		p.waitErr = cmd.Wait()
		close(p.done)
	}()
	if err := os.WriteFile(n.l.pidFile(name), []byte(strconv.Itoa(p.pid)+"\n"), 0o644); err != nil {
		_ = cmd.Process.Kill()
		<-p.done
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	n.mu.Lock()
	n.procs[name] = p
	n.mu.Unlock()
	n.log.Info("fabricnet: process started", "process", name, "pid", p.pid, "log", logPath)
	return p, nil
}

func (n *Network) marker(name string) string { return n.l.dir + "#" + name }

// procErr wraps err as a ProcessError with the tail of name's log.
func (n *Network) procErr(name string, err error) error {
	return &ProcessError{Process: name, LogFile: n.l.logFile(name), LogTail: logTail(n.l.logFile(name), 25), Err: err}
}

// logTail returns the last lines of a log file ("" when it cannot be read).
func logTail(path string, lines int) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	const maxBytes = 16 << 10
	st, err := f.Stat()
	if err != nil {
		return ""
	}
	off := max(0, st.Size()-maxBytes)
	buf := make([]byte, st.Size()-off)
	if _, err := f.ReadAt(buf, off); err != nil {
		return ""
	}
	s := strings.Trim(string(buf), "\n")
	parts := strings.Split(s, "\n")
	if len(parts) > lines {
		parts = parts[len(parts)-lines:]
	}
	return strings.Join(parts, "\n")
}

// runningPID returns the PID in run/<name>.pid when that process is alive
// and is this network's process name; 0 otherwise.
func runningPID(l layout, name string) int {
	b, err := os.ReadFile(l.pidFile(name))
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0
	}
	if !isProcess(pid, l.dir+"#"+name) {
		return 0
	}
	return pid
}

// isProcess reports whether pid is alive (not a zombie) and carries marker
// in its environment.
func isProcess(pid int, marker string) bool {
	if !alive(pid) {
		return false
	}
	env, err := os.ReadFile(fmt.Sprintf("/proc/%d/environ", pid))
	if err != nil {
		return false
	}
	want := []byte(markerEnv + "=" + marker)
	for _, kv := range bytes.Split(env, []byte{0}) {
		if bytes.Equal(kv, want) {
			return true
		}
	}
	return false
}

// alive reports whether pid exists and has not exited (a zombie counts as
// exited).
func alive(pid int) bool {
	if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return !errors.Is(err, os.ErrNotExist)
	}
	// Field 3, after the command name in parentheses, is the state.
	if i := bytes.LastIndexByte(stat, ')'); i >= 0 && i+2 < len(stat) {
		return stat[i+2] != 'Z' && stat[i+2] != 'X'
	}
	return true
}

// stopProcess stops name: SIGTERM, then SIGKILL after stopTimeout, and
// removes its PID file once it is gone. A process this Network started is reaped; one found
// only through its PID file is watched until it is gone.
func (n *Network) stopProcess(name string) error {
	n.mu.Lock()
	p := n.procs[name]
	delete(n.procs, name)
	n.mu.Unlock()

	pid := 0
	switch {
	case p != nil && !p.exited():
		pid = p.pid
	case p == nil:
		pid = runningPID(n.l, name)
	}
	if pid == 0 {
		os.Remove(n.l.pidFile(name))
		return nil
	}
	gone := func(timeout time.Duration) bool {
		if p != nil {
			select {
			case <-p.done:
				return true
			case <-time.After(timeout):
				return false
			}
		}
		deadline := time.Now().Add(timeout)
		for time.Now().Before(deadline) {
			if !alive(pid) {
				return true
			}
			time.Sleep(20 * time.Millisecond)
		}
		return !alive(pid)
	}
	start := time.Now()
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil && !errors.Is(err, syscall.ESRCH) {
		return n.procErr(name, fmt.Errorf("stop pid %d: %w", pid, err))
	}
	if gone(stopTimeout) {
		os.Remove(n.l.pidFile(name))
		n.log.Info("fabricnet: process stopped", "process", name, "pid", pid, "elapsed", time.Since(start).Round(time.Millisecond))
		return nil
	}
	n.log.Warn("fabricnet: process ignored SIGTERM; killing it", "process", name, "pid", pid)
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
		return n.procErr(name, fmt.Errorf("kill pid %d: %w", pid, err))
	}
	if !gone(5 * time.Second) {
		return n.procErr(name, fmt.Errorf("pid %d still alive after SIGKILL", pid))
	}
	os.Remove(n.l.pidFile(name))
	return nil
}
