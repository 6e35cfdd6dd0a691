#!/usr/bin/env bash
# Regenerates corpus/captured/js/*.log and *.expect.json with real @azure/identity releases.
# Needs node and npm (npm registry reachable) and openssl. Starts corpus/gen/js/fake-entra.js on
# 127.0.0.1 (ports FAKE_ENTRA_PORT/FAKE_IMDS_PORT, default 8443/8480) and synhole.py (an unreachable
# IMDS, FAKE_SYNHOLE_PORT, default 8482),
# runs every case (or those matching $1, a regexp on the case name), and stops the server.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
[ -d node_modules/identity-v414 ] || npm install --no-audit --no-fund --loglevel=error
work="$(mktemp -d)"
export CORPUS_CERTS="$work/certs" FAKE_ENTRA_JOURNAL="$work/journal.jsonl"
export FAKE_ENTRA_PORT="${FAKE_ENTRA_PORT:-8443}" FAKE_IMDS_PORT="${FAKE_IMDS_PORT:-8480}" FAKE_SYNHOLE_PORT="${FAKE_SYNHOLE_PORT:-8482}"
"$here/make-certs.sh" "$CORPUS_CERTS"
node fake-entra.js "$CORPUS_CERTS" "$FAKE_ENTRA_JOURNAL" > "$work/server.log" 2>&1 &
server=$!
python3 synhole.py "$FAKE_SYNHOLE_PORT" 1800 > "$work/synhole.log" 2>&1 &
synhole=$!
trap 'kill "$server" "$synhole" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 50); do grep -q listening "$work/server.log" 2>/dev/null && break; sleep 0.1; done
grep -q listening "$work/server.log" || { cat "$work/server.log"; exit 1; }
for _ in $(seq 50); do grep -q listening "$work/synhole.log" 2>/dev/null && break; sleep 0.1; done
node make-cases.js "${1:-}"
