#!/usr/bin/env node
// fake-entra.js: a small local stand-in for Microsoft Entra ID (login.microsoftonline.com) and for
// the Azure Instance Metadata Service (IMDS), used to make the real Azure SDKs fail the way they fail
// in production, so that their real output can be captured for the azlogscan corpus.
//
// It keeps a tiny directory (one tenant, one app with one secret, one user-assigned managed identity)
// and answers like Entra does:
//   POST /<tenant>/oauth2/v2.0/token           client_credentials: 200 token, AADSTS7000215 (wrong
//                                              secret, 401), AADSTS700016 (unknown app, 400),
//                                              AADSTS90002 (unknown tenant, 400)
//   GET  /<tenant>/v2.0/.well-known/openid-configuration   200, or 400 invalid_tenant AADSTS90002
//   GET  /common/discovery/instance             200 instance-discovery document
//   GET  /metadata/identity/oauth2/token        (IMDS, plain HTTP port) 400 "Identity not found" for an
//                                              identity that is not assigned, 200 for the assigned one
// Error bodies have Entra's fields: error, error_description ("AADSTS<code>: <text>" + the Trace ID /
// Correlation ID / Timestamp trailer, CRLF-separated as before 2024 or space-separated as now),
// error_codes, timestamp, trace_id, correlation_id (the client's client-request-id when it sent one,
// as Entra does), error_uri.
//
// Every answer is appended as one JSON line to the journal file, so the case generators can write a
// case's ground truth from what was injected. A control endpoint (POST /__control?trailer=crlf|space,
// POST /__control?reset=1) switches the trailer style and resets the trace-ID sequence between cases.
//
// An unreachable IMDS (a machine outside Azure) is played by synhole.py, not here.
// Usage: node fake-entra.js <certdir> <journal.jsonl>
//   env FAKE_ENTRA_PORT (HTTPS, default 8443), FAKE_IMDS_PORT (HTTP, default 8480)
'use strict';
const https = require('https');
const http = require('http');
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');

const DIR = {
  tenants: {
    '8d1e2f3a-4b5c-4d6e-9f70-81a2b3c4d5e6': { name: 'Contoso', domain: 'contoso.onmicrosoft.com' },
  },
  apps: {
    // client id -> { tenant, secret }
    '4a5b6c7d-8e9f-4a0b-9c1d-2e3f4a5b6c7d': {
      tenant: '8d1e2f3a-4b5c-4d6e-9f70-81a2b3c4d5e6',
      secret: 'Q~corpus-right-secret-value-0123456789ab',
    },
  },
  // user-assigned managed identity attached to the "VM"
  managedIdentities: ['0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0'],
};
const domainToTenant = {};
for (const [id, t] of Object.entries(DIR.tenants)) domainToTenant[t.domain] = id;

const certDir = process.argv[2];
const journalPath = process.argv[3];
const PORT = Number(process.env.FAKE_ENTRA_PORT || 8443);
const IMDS_PORT = Number(process.env.FAKE_IMDS_PORT || 8480);

let trailer = 'space';
let seq = 0;
let seed = 'azlogscan-corpus';

// Deterministic GUIDs, so that regenerated cases keep the same trace IDs where nothing else changed.
function guid(kind) {
  seq++;
  const h = crypto.createHash('sha256').update(`${seed}/${kind}/${seq}`).digest('hex');
  const v = '4' + h.slice(13, 16);
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16) + h.slice(17, 20);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${v}-${variant}-${h.slice(20, 32)}`;
}

function entraTimestamp(d) {
  // "2024-05-01 10:00:01Z": Entra's format (space, no fraction, Z)
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

function journal(entry) {
  fs.appendFileSync(journalPath, JSON.stringify(entry) + '\n');
}

function resolveTenant(t) {
  if (DIR.tenants[t]) return t;
  if (domainToTenant[t]) return domainToTenant[t];
  return null;
}

function clientRequestId(req) {
  // Entra answers with the client's own request id (MSAL sends it as a query parameter, other clients
  // as the client-request-id header) as correlation_id.
  const q = new URL(req.url, 'https://login.microsoftonline.com').searchParams.get('client-request-id');
  return (q || req.headers['client-request-id'] || '').trim();
}

function entraError(req, res, status, error, code, text, extra) {
  const now = new Date();
  const traceId = guid('trace');
  const corr = clientRequestId(req) || guid('corr');
  const ts = entraTimestamp(now);
  const sep = trailer === 'crlf' ? '\r\n' : ' ';
  const description = `AADSTS${code}: ${text}${sep}Trace ID: ${traceId}${sep}Correlation ID: ${corr}${sep}Timestamp: ${ts}`;
  const body = {
    error,
    error_description: description,
    error_codes: [code],
    timestamp: ts,
    trace_id: traceId,
    correlation_id: corr,
    error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    ...(extra || {}),
  };
  const raw = JSON.stringify(body);
  res.writeHead(status, {
    'Cache-Control': 'no-store, no-cache',
    Pragma: 'no-cache',
    'Content-Type': 'application/json; charset=utf-8',
    Expires: '-1',
    'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
    'X-Content-Type-Options': 'nosniff',
    P3P: 'CP="DSP CUR OTPi IND OTRi ONL FIN"',
    'client-request-id': corr,
    'x-ms-request-id': traceId,
    'x-ms-ests-server': '2.1.17396.8 - SCUS ProdSlices',
    'x-ms-clitelem': `1,${code},0,,`,
    'X-XSS-Protection': '0',
    Date: now.toUTCString(),
    'Content-Length': Buffer.byteLength(raw),
  });
  res.end(raw);
  journal({
    time: now.toISOString(), host: 'login.microsoftonline.com', method: req.method, path: req.url,
    status, error, aadsts: String(code), trace_id: traceId, correlation_id: corr, timestamp: ts,
    client_id: extra && extra._client_id, trailer,
  });
}

function json(res, status, obj, headers) {
  const raw = JSON.stringify(obj);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store, no-cache',
    'Content-Length': Buffer.byteLength(raw),
    Date: new Date().toUTCString(),
    ...(headers || {}),
  });
  res.end(raw);
}

function openidConfig(tenant) {
  const b = `https://login.microsoftonline.com/${tenant}`;
  return {
    token_endpoint: `${b}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `https://login.microsoftonline.com/${tenant}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `https://login.microsoftonline.com/${tenant}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
    authorization_endpoint: `${b}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${b}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${b}/oauth2/v2.0/logout`,
    claims_supported: ['sub', 'iss', 'cloud_instance_name', 'cloud_instance_host_name', 'cloud_graph_host_name',
      'msgraph_host', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'preferred_username', 'name', 'tid',
      'ver', 'at_hash', 'c_hash', 'email'],
    kerberos_endpoint: `${b}/kerberos`,
    tenant_region_scope: 'EU',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  };
}

function fakeAccessToken(aud, appid, tid) {
  const enc = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${enc({ typ: 'JWT', alg: 'RS256', kid: 'corpus' })}.${enc({ aud, iss: `https://sts.windows.net/${tid}/`, iat: now, nbf: now, exp: now + 3599, appid, tid, ver: '1.0' })}.${crypto.createHash('sha256').update(appid + now).digest('base64url')}`;
}

function readBody(req) {
  return new Promise((resolve) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

const TENANT_NOT_FOUND = (t) => `Tenant '${t}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`;

async function entra(req, res) {
  const u = new URL(req.url, 'https://login.microsoftonline.com');
  const body = req.method === 'POST' ? await readBody(req) : '';
  if (u.pathname === '/__control') {
    if (u.searchParams.get('trailer')) trailer = u.searchParams.get('trailer');
    if (u.searchParams.get('reset')) { seq = 0; seed = u.searchParams.get('reset'); }
    return json(res, 200, { trailer, seq, seed });
  }
  if (u.pathname === '/common/discovery/instance') {
    const ae = u.searchParams.get('authorization_endpoint') || 'https://login.microsoftonline.com/common/oauth2/authorize';
    const tenant = new URL(ae).pathname.split('/')[1] || 'common';
    journal({ time: new Date().toISOString(), method: req.method, path: req.url, status: 200 });
    return json(res, 200, {
      tenant_discovery_endpoint: `https://login.microsoftonline.com/${tenant}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [
        { preferred_network: 'login.microsoftonline.com', preferred_cache: 'login.windows.net',
          aliases: ['login.microsoftonline.com', 'login.windows.net', 'login.microsoft.com', 'sts.windows.net'] },
      ],
    });
  }
  let m = u.pathname.match(/^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/);
  if (m) {
    const t = m[1];
    if (t === 'common' || t === 'organizations') return json(res, 200, openidConfig('{tenant}'));
    if (!resolveTenant(t)) return entraError(req, res, 400, 'invalid_tenant', 90002, TENANT_NOT_FOUND(t));
    journal({ time: new Date().toISOString(), method: req.method, path: req.url, status: 200 });
    return json(res, 200, openidConfig(resolveTenant(t)));
  }
  m = u.pathname.match(/^\/([^/]+)\/oauth2\/v2\.0\/token$/);
  if (m && req.method === 'POST') {
    const t = m[1];
    const form = new URLSearchParams(body);
    const clientId = form.get('client_id') || '';
    const tenant = resolveTenant(t);
    if (!tenant) return entraError(req, res, 400, 'invalid_request', 90002, TENANT_NOT_FOUND(t), { _client_id: clientId });
    const app = DIR.apps[clientId];
    if (!app || app.tenant !== tenant) {
      return entraError(req, res, 400, 'unauthorized_client', 700016,
        `Application with identifier '${clientId}' was not found in the directory '${DIR.tenants[tenant].name}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
        { _client_id: clientId });
    }
    if (form.get('grant_type') !== 'client_credentials') {
      return entraError(req, res, 400, 'unsupported_grant_type', 70003,
        `The app requested an unsupported grant type '${form.get('grant_type')}'.`, { _client_id: clientId });
    }
    if (form.get('client_secret') !== app.secret) {
      return entraError(req, res, 401, 'invalid_client', 7000215,
        `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
        { _client_id: clientId });
    }
    const scope = form.get('scope') || 'https://management.azure.com/.default';
    const aud = scope.split(' ')[0].replace(/\/\.default$/, '');
    journal({ time: new Date().toISOString(), method: req.method, path: req.url, status: 200, client_id: clientId });
    return json(res, 200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599,
      access_token: fakeAccessToken(aud, clientId, tenant) },
    { 'x-ms-request-id': guid('trace'), 'client-request-id': clientRequestId(req) });
  }
  json(res, 404, { error: 'not_found', path: u.pathname });
}

async function imds(req, res) {
  const u = new URL(req.url, 'http://169.254.169.254');
  const now = new Date();
  const hdr = { Server: 'IMDS/150.870.65.1854', 'x-ms-request-id': guid('imds') };
  if (u.pathname === '/metadata/identity/oauth2/token') {
    if ((req.headers.metadata || '').toLowerCase() !== 'true') {
      journal({ time: now.toISOString(), host: '169.254.169.254', method: req.method, path: req.url, status: 400, probe: true });
      return json(res, 400, { error: 'invalid_request', error_description: 'Required metadata header not specified' }, hdr);
    }
    const cid = u.searchParams.get('client_id');
    if (cid && DIR.managedIdentities.includes(cid)) {
      const resource = u.searchParams.get('resource') || 'https://management.azure.com/';
      const exp = Math.floor(now.getTime() / 1000) + 86399;
      journal({ time: now.toISOString(), host: '169.254.169.254', method: req.method, path: req.url, status: 200 });
      return json(res, 200, { access_token: fakeAccessToken(resource, cid, '8d1e2f3a-4b5c-4d6e-9f70-81a2b3c4d5e6'),
        client_id: cid, expires_in: '86399', expires_on: String(exp), ext_expires_in: '86399',
        not_before: String(exp - 86399), resource, token_type: 'Bearer' }, hdr);
    }
    journal({ time: now.toISOString(), host: '169.254.169.254', method: req.method, path: req.url, status: 400, error: 'invalid_request', description: 'Identity not found' });
    return json(res, 400, { error: 'invalid_request', error_description: 'Identity not found' }, hdr);
  }
  json(res, 404, { error: 'Not found' }, hdr);
}

const tlsOpts = {
  key: fs.readFileSync(path.join(certDir, 'server.key')),
  cert: fs.readFileSync(path.join(certDir, 'server.crt')),
};
const servers = [
  https.createServer(tlsOpts, (req, res) => entra(req, res).catch((e) => { console.error(e); res.destroy(); })).listen(PORT, '127.0.0.1'),
  http.createServer((req, res) => imds(req, res).catch((e) => { console.error(e); res.destroy(); })).listen(IMDS_PORT, '127.0.0.1'),
];
let ready = 0;
for (const s of servers) s.on('listening', () => { if (++ready === servers.length) console.log(`fake-entra listening https:${PORT} imds:${IMDS_PORT}`); });
process.on('SIGTERM', () => process.exit(0));
// never outlive the run that started it
setTimeout(() => process.exit(0), Number(process.env.FAKE_ENTRA_MAX_SECONDS || 1800) * 1000).unref();
