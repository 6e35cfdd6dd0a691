#!/usr/bin/env bash
# make-certs.sh DIR: a throw-away CA and a server certificate for login.microsoftonline.com (and
# localhost), used by fake-entra.js; the SDKs under test trust the CA (Node: `ca` in redirect.js,
# Python: REQUESTS_CA_BUNDLE), so TLS is verified as usual.
set -euo pipefail
d="$1"; mkdir -p "$d"; cd "$d"
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 7 -subj "/CN=azlogscan corpus test CA" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=login.microsoftonline.com" 2>/dev/null
printf '%s\n' 'subjectAltName=DNS:login.microsoftonline.com,DNS:login.windows.net,DNS:login.microsoft.com,DNS:sts.windows.net,DNS:localhost,IP:127.0.0.1' \
  'basicConstraints=CA:FALSE' 'keyUsage=digitalSignature,keyEncipherment' 'extendedKeyUsage=serverAuth' > ext.cnf
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 7 -extfile ext.cnf 2>/dev/null
