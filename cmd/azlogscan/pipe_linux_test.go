package main

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

func TestGrowPipe(t *testing.T) {
	if b, err := os.ReadFile("/proc/sys/fs/pipe-max-size"); err == nil {
		if n, _ := strconv.Atoi(strings.TrimSpace(string(b))); n < 1<<20 {
			t.Skipf("pipe-max-size is %d", n)
		}
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	size := func() int {
		rc, _ := r.SyscallConn()
		var n uintptr
		rc.Control(func(fd uintptr) { n, _, _ = syscall.Syscall(syscall.SYS_FCNTL, fd, 1032 /* F_GETPIPE_SZ */, 0) })
		return int(n)
	}
	before := size()
	growPipe(r)
	if got := size(); got < 1<<20 {
		t.Errorf("pipe buffer %d bytes after growPipe (%d before), want 1 MiB", got, before)
	}
	// A regular file is left alone (and does not fail).
	f, err := os.CreateTemp(t.TempDir(), "x")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	growPipe(f)
}
