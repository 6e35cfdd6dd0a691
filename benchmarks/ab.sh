#!/usr/bin/env bash
# benchmarks/ab.sh: two or more azlogscan builds side by side on one file,
# interleaved (A B C A B C ...), so that the machine's drift hits each alike.
#
#   benchmarks/ab.sh [-n RUNS] FILE BINARY BINARY...
#
# For each binary: the median and the minimum of CPU time (perf stat's
# task-clock: user + system of all threads) and the median wall time, over
# RUNS runs (default 21) of `BINARY --format json FILE > /dev/null`.
# CPU time is the figure to compare on a 2-core machine that both
# goroutine sets keep busy; wall time follows it. Needs perf (linux-perf).
# Build the binaries first, e.g. from another commit:
#   git archive REV | tar -x -C /tmp/rev && (cd /tmp/rev && go build -o /tmp/az-rev ./cmd/azlogscan)
set -euo pipefail
N=21
if [ "${1:-}" = -n ]; then N=$2; shift 2; fi
if [ $# -lt 3 ]; then sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 2; fi
command -v perf >/dev/null || { echo "ab.sh: perf not found (apt-get install -y linux-perf)" >&2; exit 2; }
FILE=$1; shift
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
for ((i = 0; i < N; i++)); do
	for j in $(seq 0 $(($# - 1))); do
		b=${*:j+1:1}
		s=$(date +%s%N)
		# azlogscan exits 1 when it found failures: not an error here
		c=$( (perf stat -e task-clock -x, "$b" --format json "$FILE" 2>&1 >/dev/null || true) | awk -F, '/task-clock/ {print $1}')
		e=$(date +%s%N)
		echo "$c $(((e - s) / 1000000))" >>"$TMP/$j"
	done
done
med() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf '%-40s %12s %12s %10s\n' binary "cpu ms med" "cpu ms min" "wall ms"
for j in $(seq 0 $(($# - 1))); do
	printf '%-40s %12.1f %12.1f %10d\n' "${*:j+1:1}" "$(awk '{print $1}' "$TMP/$j" | med)" \
		"$(awk '{print $1}' "$TMP/$j" | sort -g | head -1)" "$(awk '{print $2}' "$TMP/$j" | med)"
done
