//go:build unix

package main

import "syscall"

// replace execs prog in place of this process, so that it keeps the PID
// and receives the container's signals itself.
func replace(prog string, argv, env []string) error {
	return syscall.Exec(prog, argv, env)
}
