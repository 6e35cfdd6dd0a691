#!/usr/bin/env bash
# Regenerates corpus/captured/python/*.log and *.expect.json with Debian's python3-azure (azure-identity)
# and python3-msal (MSAL Python), run by /usr/bin/python3 (not a pyenv python). Uses the JS side's
# fake Entra/IMDS server (../js/fake-entra.js, needs node) and ../js/synhole.py for an unreachable IMDS.
# $1: optional regexp selecting cases by name.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
js="$here/../js"
if ! /usr/bin/python3 -c 'import azure.identity, msal' 2>/dev/null; then
  apt-get install -y python3-azure python3-msal >/dev/null
fi
work="$(mktemp -d)"
export CORPUS_CERTS="$work/certs" FAKE_ENTRA_JOURNAL="$work/journal.jsonl"
export FAKE_ENTRA_PORT="${FAKE_ENTRA_PORT:-8443}" FAKE_IMDS_PORT="${FAKE_IMDS_PORT:-8480}" FAKE_SYNHOLE_PORT="${FAKE_SYNHOLE_PORT:-8482}"
"$js/make-certs.sh" "$CORPUS_CERTS"
node "$js/fake-entra.js" "$CORPUS_CERTS" "$FAKE_ENTRA_JOURNAL" > "$work/server.log" 2>&1 &
server=$!
/usr/bin/python3 "$js/synhole.py" "$FAKE_SYNHOLE_PORT" 1800 > "$work/synhole.log" 2>&1 &
synhole=$!
trap 'kill "$server" "$synhole" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 50); do grep -q listening "$work/server.log" 2>/dev/null && break; sleep 0.1; done
grep -q listening "$work/server.log" || { cat "$work/server.log"; exit 1; }
for _ in $(seq 50); do grep -q listening "$work/synhole.log" 2>/dev/null && break; sleep 0.1; done
cd "$here"
/usr/bin/python3 make_cases.py "${1:-}"
