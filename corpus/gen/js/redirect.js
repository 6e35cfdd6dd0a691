// redirect.js: preloaded with `node -r ./redirect.js`. Sends the SDK's sockets for Entra and IMDS to the
// local fake-entra.js instead of the internet, without touching the SDK: the SDK still builds and
// logs the real URLs (https://login.microsoftonline.com/..., http://169.254.169.254/...), TLS still
// verifies the server certificate for login.microsoftonline.com (against the corpus CA, passed as
// `ca`), only the TCP destination changes. Any other destination is refused, so a scenario can never
// send traffic off this machine.
//   env CORPUS_CA (path of the CA certificate), FAKE_ENTRA_PORT, FAKE_IMDS_PORT, FAKE_SYNHOLE_PORT,
//       FAKE_IMDS_MODE = server (the fake IMDS answers) | unreachable (synhole.py: connect hangs until the client's timeout)
'use strict';
const tls = require('tls');
const net = require('net');
const http = require('http');
const fs = require('fs');

const ca = fs.readFileSync(process.env.CORPUS_CA);
const ENTRA = Number(process.env.FAKE_ENTRA_PORT || 8443);
const IMDS = Number(process.env.FAKE_IMDS_PORT || 8480);
const SYNHOLE = Number(process.env.FAKE_SYNHOLE_PORT || 8482);
const mode = process.env.FAKE_IMDS_MODE || 'server';
const entraHosts = /(^|\.)(microsoftonline\.com|login\.windows\.net|login\.microsoft\.com|sts\.windows\.net)$/i;
const CLOSED = 9; // discard port on loopback: nothing listens, connect is refused

function target(host, port) {
  if (entraHosts.test(host)) return ENTRA;
  if (host === '169.254.169.254') return mode === 'unreachable' ? SYNHOLE : IMDS;
  if (host === '127.0.0.1' || host === 'localhost') return port; // fake-entra's own control port
  return CLOSED;
}

const origTlsConnect = tls.connect;
tls.connect = function patchedConnect(...args) {
  let opts = args[0];
  if (typeof opts !== 'object' || opts === null) {
    // tls.connect(port[, host][, options][, cb]) form
    const port = args[0];
    const host = typeof args[1] === 'string' ? args[1] : 'localhost';
    const o = args.find((a, i) => i > 0 && typeof a === 'object') || {};
    const cb = args.find((a) => typeof a === 'function');
    opts = { ...o, port, host };
    args = cb ? [opts, cb] : [opts];
  }
  const host = opts.host || opts.hostname || 'localhost';
  const servername = opts.servername || host;
  const port = target(host, Number(opts.port || 443));
  args[0] = { ...opts, host: '127.0.0.1', port, servername, ca };
  return origTlsConnect.apply(this, args);
};

function patchNet(orig) {
  return function patchedNet(...args) {
    let opts = args[0];
    if (typeof opts === 'object' && opts !== null && !Array.isArray(opts)) {
      const host = opts.host || opts.hostname || 'localhost';
      if (opts.path) return orig.apply(this, args); // unix socket
      args[0] = { ...opts, host: '127.0.0.1', port: target(host, Number(opts.port || 80)) };
    } else if (typeof opts === 'number' || typeof opts === 'string') {
      const host = typeof args[1] === 'string' ? args[1] : 'localhost';
      const cb = args.find((a) => typeof a === 'function');
      args = [{ host: '127.0.0.1', port: target(host, Number(opts)) }];
      if (cb) args.push(cb);
    }
    return orig.apply(this, args);
  };
}
net.createConnection = patchNet(net.createConnection);
net.connect = net.createConnection;
http.Agent.prototype.createConnection = net.createConnection;
if (http.globalAgent && Object.prototype.hasOwnProperty.call(http.globalAgent, 'createConnection')) {
  http.globalAgent.createConnection = net.createConnection;
}
