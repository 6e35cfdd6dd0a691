#!/usr/bin/env bash
# Regenerates corpus/captured/go from the real azidentity/azcore SDKs.
#
#   corpus/gen/go/run.sh                      # every version below, every scenario and envelope
#   VERSIONS="1.8.0" corpus/gen/go/run.sh -only secret-invalid -envelopes printf
#
# For each azidentity version: copy this module to a temp dir, `go get azidentity@V`
# (go mod tidy then picks the azcore that version requires), build, and run the
# generator, which writes <scenario>-<envelope>-v<V>.log and .expect.json.
# Extra arguments go to the generator (-only, -envelopes, -j).
# The mi-imds-unreachable scenario waits through the SDK's real IMDS retries
# (about 1.5 minutes per version); scenarios run in parallel.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-$here/../../captured/go}
versions=${VERSIONS:-"1.1.0 1.3.0 1.5.2 1.6.0 1.8.0 1.10.0 1.12.0 1.15.0"}
mkdir -p "$out"
out=$(cd "$out" && pwd)

older_than() { # older_than A B: true when version A < version B
  [ "$1" != "$2" ] && [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n1)" = "$1" ]
}

for v in $versions; do
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  cp "$here"/*.go "$here"/testcert.pem "$tmp"/
  cat > "$tmp/go.mod" <<MOD
module github.com/azlogscan/azlogscan/corpus/gen/go

go 1.24
MOD
  (cd "$tmp" && GOFLAGS=-mod=mod go get "github.com/Azure/azure-sdk-for-go/sdk/azidentity@v$v" >/dev/null 2>&1 && go mod tidy >/dev/null 2>&1)
  tags=()
  if older_than "$v" 1.3.0; then tags=(-tags azid_nowi); fi # no WorkloadIdentityCredential before v1.3.0
  (cd "$tmp" && go build -trimpath "${tags[@]}" -o gen .)
  echo "== azidentity v$v ($(cd "$tmp" && go list -m -f '{{.Path}} {{.Version}}' github.com/Azure/azure-sdk-for-go/sdk/azcore))" >&2
  "$tmp/gen" -version "$v" -out "$out" "$@"
  rm -rf "$tmp"
  trap - EXIT
done
