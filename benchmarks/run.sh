#!/usr/bin/env bash
# benchmarks/run.sh: azlogscan against cat, rg, grep, pigz and zstd on the
# same generated log, side by side in one run; prints a Markdown table.
#
#   benchmarks/run.sh                   # 512 MiB log, 5 runs per command
#   benchmarks/run.sh -quick            # 64 MiB, 3 runs: a smoke run
#   benchmarks/run.sh --baselines-only  # no azlogscan: baselines and generator only
#
# Environment: BENCH_DIR (default /tmp/azlogscan-bench) holds the binaries,
# the log, its .gz and .zst copies and the truth; RUNS, SIZE, SEED override
# the defaults; HYPERFINE= (empty) times with a plain loop instead of
# hyperfine. The log is reused while its truth file matches the generator's
# version, size and seed.
#
# With libisal-dev and libzstd-dev installed, a second build (go build -tags
# isal,libzstd: the ISA-L and libzstd decoders) gets its own .gz and .zst rows.
#
# Exit status: 0 when every check passed; 1 when azlogscan's findings total
# differs from the truth (or a baseline counted wrong); 2 on a setup error
# (missing tool, build failure).
set -euo pipefail

usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; }

QUICK=0
BASELINES_ONLY=0
for a in "$@"; do
	case "$a" in
	-quick | --quick) QUICK=1 ;;
	--baselines-only | -baselines-only) BASELINES_ONLY=1 ;;
	-h | --help) usage; exit 0 ;;
	*) echo "run.sh: unknown argument $a" >&2; usage >&2; exit 2 ;;
	esac
done

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_DIR=${BENCH_DIR:-/tmp/azlogscan-bench}
if [ "$QUICK" = 1 ]; then
	SIZE=${SIZE:-64MiB}
	RUNS=${RUNS:-3}
else
	SIZE=${SIZE:-512MiB}
	RUNS=${RUNS:-5}
fi
SEED=${SEED:-1}

die() { echo "run.sh: $*" >&2; exit 2; }

for t in go pigz zstd rg grep cat; do
	command -v "$t" >/dev/null || die "$t not found (apt-get install -y hyperfine ripgrep pigz zstd)"
done
[ -x /usr/bin/time ] || die "/usr/bin/time not found (apt-get install -y time); it measures peak RSS"
HYPERFINE=${HYPERFINE-$(command -v hyperfine || true)} # HYPERFINE= (empty) uses the timing loop
# jget PATH FILE prints a JSON value; PATH is like .results.0.median
if command -v jq >/dev/null; then
	jget() { jq -r "$(sed -E 's/\.([0-9]+)/[\1]/g' <<<"$1")" "$2"; }
elif command -v python3 >/dev/null; then
	jget() { python3 -c 'import json,sys
v=json.load(open(sys.argv[2]))
for k in sys.argv[1].lstrip(".").split("."):
    v=v[int(k)] if k.isdigit() else v[k]
print(v)' "$1" "$2"; }
else
	die "need jq or python3 to read JSON"
fi

mkdir -p "$BENCH_DIR"
OUT="$BENCH_DIR/out.tmp" # commands write here, not to /dev/null: GNU grep (and rg) stop at the first match when stdout is /dev/null

echo "building the generator..." >&2
(cd "$ROOT" && go build -o "$BENCH_DIR/gen" ./benchmarks/gen && go build -o "$BENCH_DIR/truthdiff" ./benchmarks/truthdiff) ||
	die "building ./benchmarks/gen or ./benchmarks/truthdiff failed"
AZ="$BENCH_DIR/azlogscan"
if [ "$BASELINES_ONLY" = 0 ]; then
	echo "building azlogscan..." >&2
	if ! (cd "$ROOT" && go build -o "$AZ" ./cmd/azlogscan); then
		die "building ./cmd/azlogscan failed (use --baselines-only to measure the baselines alone)"
	fi
fi
# The C decoders (go build -tags isal,libzstd: ISA-L for gzip, libzstd for
# zstd) where libisal-dev and libzstd-dev are installed: their own .gz and
# .zst rows, next to the default build's.
AZI=""
if [ "$BASELINES_ONLY" = 0 ] && [ -f /usr/include/isa-l/igzip_lib.h ] && [ -f /usr/include/zstd.h ]; then
	echo "building azlogscan -tags isal,libzstd..." >&2
	(cd "$ROOT" && go build -tags isal,libzstd -o "$BENCH_DIR/azlogscan-c" ./cmd/azlogscan) ||
		die "building ./cmd/azlogscan with -tags isal,libzstd failed"
	AZI="$BENCH_DIR/azlogscan-c"
else
	echo "no libisal-dev or libzstd-dev (apt-get install -y libisal-dev libzstd-dev): no -tags isal,libzstd rows" >&2
fi

# --- the log, its truth, its compressed copies --------------------------------
LOG="$BENCH_DIR/mixed-$SIZE-seed$SEED.log"
TRUTH="$LOG.truth.json"
VERSION=$("$BENCH_DIR/gen" -version)
if [ -s "$LOG" ] && [ -s "$TRUTH" ] && [ "$(jget .generator "$TRUTH")" = "$VERSION" ] &&
	[ "$(jget .bytes "$TRUTH")" = "$(stat -c %s "$LOG")" ]; then
	echo "reusing $LOG" >&2
else
	rm -f "$LOG" "$LOG.gz" "$LOG.zst" "$TRUTH"
	"$BENCH_DIR/gen" -size "$SIZE" -seed "$SEED" -o "$LOG"
fi
if [ ! -s "$LOG.gz" ] || [ "$LOG" -nt "$LOG.gz" ]; then
	echo "compressing with pigz..." >&2
	pigz -c "$LOG" >"$LOG.gz.tmp" && mv "$LOG.gz.tmp" "$LOG.gz"
fi
if [ ! -s "$LOG.zst" ] || [ "$LOG" -nt "$LOG.zst" ]; then
	echo "compressing with zstd..." >&2
	zstd -q -T0 -c "$LOG" >"$LOG.zst.tmp" && mv "$LOG.zst.tmp" "$LOG.zst"
fi
BYTES=$(stat -c %s "$LOG")
FINDINGS=$(jget .findings "$TRUTH")
AADSTS_LINES=$(jget .aadsts_lines "$TRUTH")
# page cache warm: read everything once
cat "$LOG" "$LOG.gz" "$LOG.zst" >/dev/null

# --- measuring ----------------------------------------------------------------
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg) # other work on the machine skews every figure
ROWS=()
FAIL=0

# measure LABEL GROUP CMD: median wall time over $RUNS runs (hyperfine, after
# one warm-up; else a timing loop), peak RSS from /usr/bin/time (the largest
# process of the command, so a pipeline reports its biggest member).
measure() {
	local label=$1 group=$2 cmd=$3 med rss
	echo "measuring: $label" >&2
	if [ -n "$HYPERFINE" ]; then
		"$HYPERFINE" --style none --warmup 1 --runs "$RUNS" --export-json "$BENCH_DIR/hf.json" "$cmd" >/dev/null 2>"$BENCH_DIR/hf.err" ||
			{ cat "$BENCH_DIR/hf.err" >&2; die "command failed: $cmd"; }
		med=$(jget .results.0.median "$BENCH_DIR/hf.json")
		/usr/bin/time -f '%M' -o "$BENCH_DIR/rss" bash -c "$cmd" || die "command failed: $cmd"
		rss=$(tail -1 "$BENCH_DIR/rss")
	else
		local times=() t0 t1 i r
		rss=0
		bash -c "$cmd" || die "command failed: $cmd" # warm-up
		for ((i = 0; i < RUNS; i++)); do
			t0=$EPOCHREALTIME
			/usr/bin/time -f '%M' -o "$BENCH_DIR/rss" bash -c "$cmd" || die "command failed: $cmd"
			t1=$EPOCHREALTIME
			times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.6f", b-a}')")
			r=$(tail -1 "$BENCH_DIR/rss")
			((r > rss)) && rss=$r
		done
		med=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END{print (NR%2)? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}')
	fi
	ROWS+=("$label"$'\x1f'"$group"$'\x1f'"$med"$'\x1f'"$rss")
}

# check WHAT GOT WANT
check() {
	if [ "$2" != "$3" ]; then
		echo "CHECK FAILED: $1: got $2, want $3" >&2
		FAIL=1
	else
		echo "check ok: $1 = $2" >&2
	fi
}

q() { printf '%q' "$1"; }
L=$(q "$LOG")
O=$(q "$OUT")
# azlogscan exits 1 when it reported findings (as grep does on a match)
A="azl"
AZL="azl() { $(q "$AZ") \"\$@\" || [ \$? -eq 1 ]; }; "
C="azc"
AZC="azc() { $(q "${AZI:-false}") \"\$@\" || [ \$? -eq 1 ]; }; "

measure "cat FILE > /dev/null" plain "cat $L > /dev/null"
measure "cat FILE | cat > /dev/null" plain "cat $L | cat > /dev/null"
measure "rg --no-mmap -c AADSTS FILE" plain:base "rg --no-mmap -c AADSTS $L > $O"
check "rg -c AADSTS" "$(cat "$OUT")" "$AADSTS_LINES"
measure "grep -c AADSTS FILE" plain "grep -c AADSTS $L > $O"
check "grep -c AADSTS" "$(cat "$OUT")" "$AADSTS_LINES"
if [ "$BASELINES_ONLY" = 0 ]; then
	measure "azlogscan --format json FILE" plain "$AZL$A --format json $L > $O"
	echo "comparing the findings with the truth, record by record:" >&2
	"$BENCH_DIR/truthdiff" "$TRUTH" "$OUT" >&2 || true
	measure "azlogscan --summary --format json FILE" plain "$AZL$A --summary --format json $L > $O"
	check "azlogscan --summary findings (plain)" "$(jget .findings "$OUT")" "$FINDINGS"
	measure "azlogscan < FILE" plain "$AZL$A < $L > $O"
	measure "cat FILE | azlogscan" plain "$AZL""cat $L | $A > $O"
fi
measure "pigz -dc FILE.gz > /dev/null" gz:base "pigz -dc $L.gz > /dev/null"
if [ "$BASELINES_ONLY" = 0 ]; then
	measure "azlogscan FILE.gz" gz "$AZL$A $L.gz > $O"
	"$AZ" --summary --format json "$LOG.gz" >"$OUT" || [ $? -eq 1 ]
	check "azlogscan --summary findings (.gz)" "$(jget .findings "$OUT")" "$FINDINGS"
	if [ -n "$AZI" ]; then
		measure "azlogscan FILE.gz (-tags isal,libzstd)" gz "$AZC$C $L.gz > $O"
		"$AZI" --summary --format json "$LOG.gz" >"$OUT" || [ $? -eq 1 ]
		check "azlogscan -tags isal,libzstd --summary findings (.gz)" "$(jget .findings "$OUT")" "$FINDINGS"
	fi
fi
measure "zstd -dc FILE.zst > /dev/null" zst:base "zstd -dc $L.zst > /dev/null"
if [ "$BASELINES_ONLY" = 0 ]; then
	measure "azlogscan FILE.zst" zst "$AZL$A $L.zst > $O"
	"$AZ" --summary --format json "$LOG.zst" >"$OUT" || [ $? -eq 1 ]
	check "azlogscan --summary findings (.zst)" "$(jget .findings "$OUT")" "$FINDINGS"
	if [ -n "$AZI" ]; then
		measure "azlogscan FILE.zst (-tags isal,libzstd)" zst "$AZC$C $L.zst > $O"
		"$AZI" --summary --format json "$LOG.zst" >"$OUT" || [ $? -eq 1 ]
		check "azlogscan -tags isal,libzstd --summary findings (.zst)" "$(jget .findings "$OUT")" "$FINDINGS"
	fi
fi
rm -f "$OUT" "$BENCH_DIR/hf.json" "$BENCH_DIR/hf.err" "$BENCH_DIR/rss"

# --- the table ------------------------------------------------------------------
mib() { awk -v b="$1" 'BEGIN{printf "%.0f", b/1048576}'; }
echo
echo "azlogscan benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//' | sed 's/ *$//')), Linux $(uname -r), load average before the run $LOAD0, after $(cut -d' ' -f1-3 /proc/loadavg)"
echo
if [ "$BASELINES_ONLY" = 0 ]; then
	echo "Builds: \`$("$AZ" --version | tail -1)\`$([ -n "$AZI" ] && echo "; with -tags isal,libzstd: \`$("$AZI" --version | tail -1)\`")."
	echo
fi
echo "Log: $(mib "$BYTES") MiB ($BYTES bytes, $(jget .lines "$TRUTH") lines, $FINDINGS failure records, seed $SEED), .gz $(mib "$(stat -c %s "$LOG.gz")") MiB (pigz -6), .zst $(mib "$(stat -c %s "$LOG.zst")") MiB (zstd -3). Page cache warm; median of $RUNS runs$([ -n "$HYPERFINE" ] && echo " (hyperfine, 1 warm-up)"); MB/s = decompressed log bytes / wall time."
echo
echo "| command | MB/s | ratio | baseline | peak RSS MiB | median s |"
echo "|---|---:|---:|---|---:|---:|"
declare -A BASE
for row in "${ROWS[@]}"; do
	IFS=$'\x1f' read -r label group med rss <<<"$row"
	if [[ $group == *:base ]]; then
		BASE[${group%:base}]=$med
	fi
done
for row in "${ROWS[@]}"; do
	IFS=$'\x1f' read -r label group med rss <<<"$row"
	g=${group%:base}
	case $g in plain) bname="rg" ;; gz) bname="pigz -dc" ;; zst) bname="zstd -dc" ;; esac
	awk -v l="$label" -v m="$med" -v b="${BASE[$g]:-}" -v n="$BYTES" -v r="$rss" -v bn="$bname" 'BEGIN{
		gsub(/\|/, "\\|", l) # a pipe in a table cell, even in a code span, must be escaped
		mbs = n / 1e6 / m
		ratio = (b == "") ? "" : sprintf("%.2fx", b / m)
		printf "| `%s` | %.0f | %s | %s | %.1f | %.3f |\n", l, mbs, ratio, bn, r / 1024, m
	}'
done
echo
if [ "$FAIL" != 0 ]; then
	echo "run.sh: some checks failed (see above)" >&2
	exit 1
fi
