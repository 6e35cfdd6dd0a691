package benchutil

import (
	"syscall"
	"testing"
	"time"
)

// CPUTime is the process's user+system CPU time. The benchmarks report throughput per CPU
// second ("cpuMB/s") beside Go's wall-clock MB/s: on a shared, loaded machine the wall clock
// measures the neighbours as much as the code.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// ReportCPU reports bytes per CPU second since start; call after the timed loop.
func ReportCPU(b *testing.B, start time.Duration, bytesPerOp int64) {
	d := CPUTime() - start
	if d > 0 {
		b.ReportMetric(float64(bytesPerOp)*float64(b.N)/d.Seconds()/1e6, "cpuMB/s")
	}
}
