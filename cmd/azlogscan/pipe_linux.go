package main

import (
	"os"
	"syscall"
)

// fSetPipeSz is F_SETPIPE_SZ (linux/fcntl.h), absent from package syscall.
const fSetPipeSz = 1031

// growPipe asks for a 1 MiB buffer on f when it is a pipe, so that a fast
// writer (cat, kubectl logs, zcat) hands over 1 MiB per read instead of
// 64 KiB. A refusal (pipe-max-size, permissions) changes nothing.
func growPipe(f *os.File) {
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		return
	}
	rc, err := f.SyscallConn()
	if err != nil {
		return
	}
	_ = rc.Control(func(fd uintptr) {
		_, _, _ = syscall.Syscall(syscall.SYS_FCNTL, fd, fSetPipeSz, 1<<20)
	})
}
