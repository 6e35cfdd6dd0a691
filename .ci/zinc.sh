#!/usr/bin/env bash
# zinc.sh — the Elasticsearch-API test server (ZincSearch) for azlogscan's
# integration tests: build it once and cache the binary, start it on 127.0.0.1,
# stop it.
#
#   bash .ci/zinc.sh build    build (once) and print the binary's path
#   bash .ci/zinc.sh start    build if needed, start a server, wait until it
#                             answers, print `export` lines for the tests:
#                               AZLOGSCAN_ES_TEST_URL=http://admin:PASS@127.0.0.1:PORT/es
#                               AZLOGSCAN_ZINC_BIN=/path/to/zincsearch
#                             (also written to $STATE/env; `eval "$(bash .ci/zinc.sh start)"`)
#   bash .ci/zinc.sh env      print those lines again for the running server
#   bash .ci/zinc.sh status   say whether it runs (exit 0) or not (exit 1)
#   bash .ci/zinc.sh stop     stop it and delete its data folder
#   bash .ci/zinc.sh with CMD [ARG...]
#                             start a server (unless one runs), run CMD with the
#                             variables exported, stop the server it started;
#                             exits with CMD's status
#
# Environment:
#   AZLOGSCAN_ZINC_CACHE  binary cache folder
#                         (default ${XDG_CACHE_HOME:-$HOME/.cache}/azlogscan/zincsearch-v0.4.10)
#   AZLOGSCAN_ZINC_STATE  pid/env/log/data folder of the running server
#                         (default ${TMPDIR:-/tmp}/azlogscan-zinc-$UID)
#   AZLOGSCAN_ZINC_PORT   port to use (default 4080, or the first free port above it)
#
# Why a build recipe and not `go install`: the module proxy serves only explicit
# tags, the module zip lacks the embedded web/dist folder, and the profiler
# dependency (pyroscope-io/client) does not compile on Go >= 1.21, so it is
# replaced by a no-op module. See ../shared/es/README.md (the tested recipe).
set -euo pipefail

ZV=v0.4.10
CACHE=${AZLOGSCAN_ZINC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/azlogscan/zincsearch-$ZV}
BIN=$CACHE/zincsearch
STATE=${AZLOGSCAN_ZINC_STATE:-${TMPDIR:-/tmp}/azlogscan-zinc-$(id -u)}

log() { printf 'zinc.sh: %s\n' "$*" >&2; }

build() {
	if [[ -x $BIN ]]; then
		echo "$BIN"
		return
	fi
	mkdir -p "$CACHE"
	# One build at a time, even when several test runs start together.
	exec 9>"$CACHE/.lock"
	flock 9
	if [[ -x $BIN ]]; then
		echo "$BIN"
		return
	fi
	log "building ZincSearch $ZV into $CACHE (once; ~2 min cold)"
	local w rc=0
	w=$(mktemp -d)
	(
		cd "$w"
		GOFLAGS=-mod=mod go mod download github.com/zincsearch/zincsearch@$ZV
		cp -r "$(go env GOMODCACHE)/github.com/zincsearch/zincsearch@$ZV" src
		chmod -R u+w src
		cd src
		mkdir -p web/dist
		echo '<!doctype html><title>zincsearch</title>' >web/dist/index.html
		mkdir -p _pyrostub/pyroscope
		printf 'module github.com/pyroscope-io/client\n\ngo 1.20\n' >_pyrostub/go.mod
		cat >_pyrostub/pyroscope/stub.go <<'EOF'
package pyroscope

type ProfileType string

const (
	ProfileCPU          ProfileType = "cpu"
	ProfileAllocObjects ProfileType = "alloc_objects"
	ProfileAllocSpace   ProfileType = "alloc_space"
	ProfileInuseObjects ProfileType = "inuse_objects"
	ProfileInuseSpace   ProfileType = "inuse_space"
)

type Config struct {
	ApplicationName, ServerAddress, AuthToken string
	Logger                                    interface{}
	ProfileTypes                              []ProfileType
}

type Profiler struct{}

func Start(Config) (*Profiler, error) { return &Profiler{}, nil }
EOF
		go mod edit -replace github.com/pyroscope-io/client=./_pyrostub
		CGO_ENABLED=0 GOFLAGS='-mod=mod -buildvcs=false' go build -trimpath \
			-ldflags "-s -w -X github.com/zincsearch/zincsearch/pkg/meta.Version=$ZV" \
			-o "$BIN.tmp" ./cmd/zincsearch
	) >&2 || rc=$?
	chmod -R u+w "$w" 2>/dev/null || true
	rm -rf "$w"
	if ((rc != 0)); then
		exec 9>&-
		log "build failed"
		exit "$rc"
	fi
	mv "$BIN.tmp" "$BIN"
	exec 9>&- # release the lock; the server must not inherit it
	log "built $BIN"
	echo "$BIN"
}

# port_busy PORT: something accepts connections on 127.0.0.1:PORT.
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

running() {
	[[ -f $STATE/pid ]] && kill -0 "$(cat "$STATE/pid")" 2>/dev/null
}

start() {
	local bin
	bin=$(build)
	if running; then
		log "already running (pid $(cat "$STATE/pid"))"
		cat "$STATE/env"
		return
	fi
	local port=${AZLOGSCAN_ZINC_PORT:-}
	if [[ -z $port ]]; then
		port=4080
		while port_busy "$port"; do
			port=$((port + 1))
			((port < 4200)) || { log "no free port in 4080-4199"; exit 1; }
		done
	elif port_busy "$port"; then
		log "port $port is in use"
		exit 1
	fi
	# A fresh password per start: alphanumeric, so it needs no escaping in a URL.
	local pass
	pass="Az$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')9"
	rm -rf "$STATE"
	mkdir -p "$STATE/data"
	(
		# Zinc also reads ./.env from its working folder: run it in the empty data folder.
		cd "$STATE/data"
		GIN_MODE=release ZINC_SERVER_ADDRESS=127.0.0.1 ZINC_SERVER_PORT=$port \
			ZINC_DATA_PATH="$STATE/data" \
			ZINC_FIRST_ADMIN_USER=admin ZINC_FIRST_ADMIN_PASSWORD="$pass" \
			ZINC_TELEMETRY=false ZINC_SENTRY=false ZINC_PROFILER=false ZINC_ICE_COMPRESSOR=snappy \
			setsid "$bin" >"$STATE/zinc.log" 2>&1 </dev/null &
		echo $! >"$STATE/pid"
	)
	local url="http://admin:$pass@127.0.0.1:$port/es"
	local i
	for i in $(seq 300); do
		if curl -fsS -o /dev/null "$url/" 2>/dev/null; then
			{
				echo "export AZLOGSCAN_ES_TEST_URL='$url'"
				echo "export AZLOGSCAN_ZINC_BIN='$bin'"
			} >"$STATE/env"
			log "ZincSearch $ZV runs on 127.0.0.1:$port (pid $(cat "$STATE/pid"), log $STATE/zinc.log)"
			cat "$STATE/env"
			return
		fi
		if ! running; then
			log "ZincSearch exited at start; its log:"
			cat "$STATE/zinc.log" >&2
			exit 1
		fi
		sleep 0.1
	done
	log "ZincSearch did not answer within 30 s; its log:"
	tail -n 50 "$STATE/zinc.log" >&2
	stop
	exit 1
}

stop() {
	if ! running; then
		log "not running"
		rm -rf "$STATE"
		return
	fi
	local pid i
	pid=$(cat "$STATE/pid")
	kill "$pid"
	for i in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	# After heavy load shutdown can hang in "Index closing..."; a second SIGTERM ends it.
	if kill -0 "$pid" 2>/dev/null; then
		kill "$pid" 2>/dev/null || true
		for i in $(seq 30); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$pid" 2>/dev/null || true
	fi
	mv -f "$STATE/zinc.log" "$STATE-last.log" 2>/dev/null || true
	rm -rf "$STATE"
	log "stopped (pid $pid); its log: $STATE-last.log"
}

with() {
	local started=0 rc=0
	running || started=1
	local lines
	lines=$(start) || return $?
	eval "$lines"
	export AZLOGSCAN_ES_TEST_URL AZLOGSCAN_ZINC_BIN
	"$@" || rc=$?
	if ((started)); then stop; fi
	return "$rc"
}

case ${1:-} in
build) build ;;
with)
	shift
	(($# > 0)) || { log "usage: zinc.sh with CMD [ARG...]"; exit 2; }
	with "$@"
	;;
start) start ;;
stop) stop ;;
env)
	running || { log "not running"; exit 1; }
	cat "$STATE/env"
	;;
status)
	if running; then
		log "running (pid $(cat "$STATE/pid"))"
		cat "$STATE/env"
	else
		log "not running"
		exit 1
	fi
	;;
*)
	sed -n "2,$(($(grep -n '^set -euo' "$0" | cut -d: -f1) - 1))p" "$0" | sed 's/^# \{0,1\}//'
	exit 2
	;;
esac
