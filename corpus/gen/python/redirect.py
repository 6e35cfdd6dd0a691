"""redirect.py: imported first by scenario.py. Sends the SDK's sockets for Entra and IMDS to the local
corpus/gen/js/fake-entra.js instead of the internet, without touching the SDK: azure-identity, MSAL and
requests still build and log the real URLs (https://login.microsoftonline.com/...,
http://169.254.169.254/...), TLS still verifies the certificate for login.microsoftonline.com (the
corpus CA is trusted through REQUESTS_CA_BUNDLE, as behind a TLS-inspecting proxy); only the TCP
destination changes. Every other destination is refused, so a scenario never leaves this machine.
env FAKE_ENTRA_PORT, FAKE_IMDS_PORT, FAKE_SYNHOLE_PORT, FAKE_IMDS_MODE=server|unreachable."""
import os
import re
import socket

import urllib3.util.connection as _conn

_ENTRA = int(os.environ.get("FAKE_ENTRA_PORT", "8443"))
_IMDS = int(os.environ.get("FAKE_IMDS_PORT", "8480"))
_SYNHOLE = int(os.environ.get("FAKE_SYNHOLE_PORT", "8482"))
_MODE = os.environ.get("FAKE_IMDS_MODE", "server")
_ENTRA_HOSTS = re.compile(r"(^|\.)(microsoftonline\.com|login\.windows\.net|login\.microsoft\.com|sts\.windows\.net)$", re.I)
_CLOSED = 9  # discard port on loopback: nothing listens, connect is refused


def _target(host, port):
    if _ENTRA_HOSTS.search(host):
        return _ENTRA
    if host == "169.254.169.254":
        return _SYNHOLE if _MODE == "unreachable" else _IMDS
    if host in ("127.0.0.1", "localhost"):
        return port
    return _CLOSED


_orig = _conn.create_connection


def _create_connection(address, *args, **kwargs):
    host, port = address
    return _orig(("127.0.0.1", _target(host, port)), *args, **kwargs)


_conn.create_connection = _create_connection
_orig_socket_cc = socket.create_connection
socket.create_connection = lambda address, *a, **k: _orig_socket_cc(("127.0.0.1", _target(*address)), *a, **k)
