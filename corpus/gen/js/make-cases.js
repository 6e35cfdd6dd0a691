// make-cases.js: runs every JS case against fake-entra.js (already started by run.sh) and writes
// corpus/captured/js/<case>.log (the process's stdout+stderr, as a user would redirect it) and
// <case>.expect.json (the ground truth, written from the scenario: what fake-entra.js injected, read
// back from its journal, plus what each scenario is: credential, chain, signals).
//
// Field policy (corpus/expect.md: "only include the fields the log really shows"): an injected value
// (trace ID, correlation ID, tenant, client ID, Entra error, AADSTS code) goes into the expectation
// only when that exact string occurs in the captured log; `status` only where the case says the
// output prints it. `line` is the first line, at or after the finding's `after` marker, that reports
// a failure of that token request (see FAILURE_LINE and corpus/captured/js/README.md).
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const here = __dirname;
const outDir = path.resolve(here, '../../captured/js');
const journalPath = process.env.FAKE_ENTRA_JOURNAL;
const certDir = process.env.CORPUS_CERTS;
const only = process.argv[2] ? new RegExp(process.argv[2]) : null;

const PKG = {
  v1: ['identity-v1', '1.5.2'], v2: ['identity-v2', '2.1.0'], v3: ['identity-v3', '3.4.2'],
  v40: ['identity-v40', '4.0.1'], v45: ['identity-v45', '4.5.0'], v414: ['identity-v414', '4.14.1'],
};
const TENANT = '8d1e2f3a-4b5c-4d6e-9f70-81a2b3c4d5e6';
const UNKNOWN_TENANT = 'b6a1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d';
const APP = '4a5b6c7d-8e9f-4a0b-9c1d-2e3f4a5b6c7d';
const UNKNOWN_APP = 'c0ffee00-1234-4abc-9def-0123456789ab';
const MI_NOT_ASSIGNED = '7e6d5c4b-3a29-4817-a6f5-e4d3c2b1a090';

// A line that says this token request failed (or that a chain member was unavailable). Construction
// warnings (`Skipped createDefault...`), MSAL's normal `Silent authentication failed, falling back`
// and core-rest-pipeline's request/response dumps are not failure lines.
const FAILURE_LINE = /azure:identity:(warning|error) (?!DefaultAzureCredential => Skipped)|=> (getToken\(\) => )?ERROR|^[A-Za-z]*Error\b|^CredentialUnavailable|IMDS endpoint (is )?unavailable|^invalid_[a-z]+[:(]|^unauthorized_client|^endpoints_resolution_error|^ChainedTokenCredential authentication failed|^(ManagedIdentityCredential|The managed identity)[: ]|^undefined$|failed: |^(ClientSecretCredential|DefaultAzureCredential): /;

// per-version DefaultAzureCredential chain, in the order the SDK tries (and logs) them
const DAC_CHAIN = {
  v1: ['EnvironmentCredential', 'ManagedIdentityCredential', 'AzureCliCredential', 'VisualStudioCodeCredential'],
  v2: ['EnvironmentCredential', 'ManagedIdentityCredential', 'VisualStudioCodeCredential', 'AzureCliCredential', 'AzurePowerShellCredential'],
  v3: ['EnvironmentCredential', 'WorkloadIdentityCredential', 'ManagedIdentityCredential', 'AzureCliCredential', 'AzurePowerShellCredential', 'AzureDeveloperCliCredential'],
  v45: ['EnvironmentCredential', 'WorkloadIdentityCredential', 'ManagedIdentityCredential', 'AzureCliCredential', 'AzurePowerShellCredential', 'AzureDeveloperCliCredential'],
  v414: ['EnvironmentCredential', 'ManagedIdentityCredential', 'VisualStudioCodeCredential', 'AzureCliCredential', 'AzurePowerShellCredential', 'AzureDeveloperCliCredential'],
};

// cases: v = package, sc = scenario.js scenario, print = PRINT, log = AZURE_LOG_LEVEL ('' = off),
// trailer = Entra's trailer style (crlf before 2024, space since), imds = FAKE_IMDS_MODE,
// f = findings: { cred, j (index of the injected error in this case's journal), status, after,
// chain, signals }
const S = (extra) => ({ cred: 'ClientSecretCredential', j: 0, status: true, ...extra });
const CASES = [
  { name: 'v1.5.2-secret-7000215-info', v: 'v1', sc: 'secret-wrong', print: 'both', log: 'info', trailer: 'crlf', f: [S()] },
  { name: 'v2.1.0-secret-7000215-info', v: 'v2', sc: 'secret-wrong', print: 'both', log: 'info', trailer: 'crlf', f: [S()] },
  { name: 'v3.4.2-secret-7000215-info', v: 'v3', sc: 'secret-wrong', print: 'both', log: 'info', trailer: 'crlf', f: [S()] },
  { name: 'v4.0.1-secret-7000215-inspect', v: 'v40', sc: 'secret-wrong', print: 'inspect', log: '', trailer: 'space', f: [S()] },
  { name: 'v4.5.0-secret-7000215-info', v: 'v45', sc: 'secret-wrong', print: 'both', log: 'info', trailer: 'space', f: [S()] },
  { name: 'v4.14.1-secret-7000215-info', v: 'v414', sc: 'secret-wrong', print: 'both', log: 'info', trailer: 'space', f: [S()] },
  { name: 'v4.14.1-secret-7000215-message', v: 'v414', sc: 'secret-wrong', print: 'app', log: '', trailer: 'space', f: [S()] },
  { name: 'v2.1.0-app-700016-info', v: 'v2', sc: 'app-unknown', print: 'both', log: 'info', trailer: 'crlf', f: [S()] },
  { name: 'v4.14.1-app-700016-inspect', v: 'v414', sc: 'app-unknown', print: 'inspect', log: '', trailer: 'space', f: [S()] },
  { name: 'v1.5.2-tenant-90002-info', v: 'v1', sc: 'tenant-unknown', print: 'both', log: 'info', trailer: 'crlf', f: [S()] },
  { name: 'v2.1.0-tenant-90002-openid-info', v: 'v2', sc: 'tenant-unknown', print: 'both', log: 'info', trailer: 'crlf', f: [S()] },
  { name: 'v4.14.1-tenant-90002-info', v: 'v414', sc: 'tenant-unknown', print: 'both', log: 'info', trailer: 'space', f: [S()] },
  { name: 'v4.5.0-tenant-domain-90002-inspect', v: 'v45', sc: 'tenant-domain-unknown', print: 'inspect', log: '', trailer: 'space', f: [S()] },
  { name: 'v1.5.2-dac-nothing-configured-info', v: 'v1', sc: 'dac-empty', print: 'both', log: 'info', imds: 'unreachable',
    f: [{ chain: DAC_CHAIN.v1, signals: ['environment-not-configured', 'imds-unreachable', 'cli-not-found'] }] },
  { name: 'v2.1.0-dac-nothing-configured-inspect', v: 'v2', sc: 'dac-empty', print: 'inspect', log: '', imds: 'unreachable',
    f: [{ signals: ['environment-not-configured', 'managed-identity-unavailable', 'cli-not-found', 'powershell-not-found'] }] },
  { name: 'v3.4.2-dac-nothing-configured-info', v: 'v3', sc: 'dac-empty', print: 'both', log: 'info', imds: 'unreachable',
    f: [{ chain: DAC_CHAIN.v3, signals: ['environment-not-configured', 'workload-identity-not-configured', 'imds-unreachable', 'cli-not-found', 'powershell-not-found', 'azd-not-found'] }] },
  { name: 'v4.5.0-dac-nothing-configured-message', v: 'v45', sc: 'dac-empty', print: 'app', log: '', imds: 'unreachable',
    // The message names no WorkloadIdentityCredential: DefaultAzureCredential
    // skipped it when it could not create it (a log event, off here).
    f: [{ signals: ['environment-not-configured', 'imds-unreachable', 'cli-not-found', 'powershell-not-found', 'azd-not-found'] }] },
  { name: 'v4.14.1-dac-nothing-configured-info', v: 'v414', sc: 'dac-empty', print: 'both', log: 'info', imds: 'unreachable',
    f: [{ chain: DAC_CHAIN.v414, signals: ['environment-not-configured', 'imds-unreachable', 'cli-not-found', 'powershell-not-found', 'azd-not-found'] }] },
  { name: 'v1.5.2-mi-identity-not-found-info', v: 'v1', sc: 'mi-user-not-found', print: 'both', log: 'info', imds: 'server',
    f: [{ cred: 'ManagedIdentityCredential', status: 400, signals: ['managed-identity-not-assigned'] }] },
  { name: 'v2.1.0-mi-identity-not-found-info', v: 'v2', sc: 'mi-user-not-found', print: 'both', log: 'info', imds: 'server',
    f: [{ cred: 'ManagedIdentityCredential', status: 400, errorCode: 'invalid_request', signals: ['managed-identity-not-assigned'] }] },
  { name: 'v4.0.1-mi-system-not-found-inspect', v: 'v40', sc: 'mi-system-not-found', print: 'inspect', log: '', imds: 'server',
    f: [{ cred: 'ManagedIdentityCredential', status: 400, errorCode: 'invalid_request', signals: ['managed-identity-not-assigned'] }] },
  { name: 'v4.14.1-mi-identity-not-found-info', v: 'v414', sc: 'mi-user-not-found', print: 'both', log: 'info', imds: 'server',
    f: [{ cred: 'ManagedIdentityCredential', errorCode: 'invalid_request', signals: ['managed-identity-not-assigned'] }] },
  { name: 'v3.4.2-success-info', v: 'v3', sc: 'success', print: 'both', log: 'info', trailer: 'crlf', f: [] },
  { name: 'v4.14.1-success-info', v: 'v414', sc: 'success', print: 'both', log: 'info', trailer: 'space', f: [] },
  { name: 'v4.14.1-mi-success-info', v: 'v414', sc: 'mi-success', print: 'both', log: 'info', imds: 'server', f: [] },
  { name: 'v4.14.1-two-failures-info', v: 'v414', sc: 'two-failures', print: 'both', log: 'info', trailer: 'space',
    f: [S({ j: 0, after: /^job: exporting/ }), S({ j: 1, after: /^job: syncing/ })] },
  { name: 'v3.4.2-two-failures-message', v: 'v3', sc: 'two-failures', print: 'app', log: '', trailer: 'crlf',
    f: [S({ j: 0, after: /^job: exporting/ }), S({ j: 1, after: /^job: syncing/ })] },
  { name: 'v4.5.0-retry-twice-info', v: 'v45', sc: 'retry-twice', print: 'both', log: 'info', trailer: 'space',
    f: [S({ j: 0, after: /^attempt 1:/ }), S({ j: 1, after: /^attempt 2:/ })] },
];

function control(query) {
  const r = spawnSync('node', ['-e', `
    const https = require('https');
    const req = https.request({ host: '127.0.0.1', port: ${Number(process.env.FAKE_ENTRA_PORT || 8443)}, method: 'POST',
      path: '/__control?${query}', ca: require('fs').readFileSync(${JSON.stringify(path.join(certDir, 'ca.crt'))}), servername: 'localhost' },
      (res) => { res.resume(); res.on('end', () => process.exit(res.statusCode === 200 ? 0 : 1)); });
    req.on('error', (e) => { console.error(e.message); process.exit(1); }); req.end();`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`control ${query} failed: ${r.stderr}`);
}

function journalLines() {
  if (!fs.existsSync(journalPath)) return [];
  return fs.readFileSync(journalPath, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

function runCase(c) {
  const [alias, version] = PKG[c.v];
  control(`trailer=${c.trailer || 'space'}&reset=${encodeURIComponent(c.name)}`);
  const before = journalLines().length;
  const env = {
    PATH: '/usr/bin:/bin', HOME: '/tmp/azlogscan-corpus-home', LANG: 'C.UTF-8',
    CORPUS_CA: path.join(certDir, 'ca.crt'),
    FAKE_ENTRA_PORT: process.env.FAKE_ENTRA_PORT || '8443', FAKE_IMDS_PORT: process.env.FAKE_IMDS_PORT || '8480',
    FAKE_SYNHOLE_PORT: process.env.FAKE_SYNHOLE_PORT || '8482', FAKE_IMDS_MODE: c.imds || 'server',
    PRINT: c.print,
  };
  if (c.log) env.AZURE_LOG_LEVEL = c.log;
  fs.mkdirSync(env.HOME, { recursive: true });
  // stdout and stderr into one file descriptor, as `node app.js > app.log 2>&1` would
  const logPath = path.join(outDir, `${c.name}.log`);
  const fd = fs.openSync(logPath, 'w');
  const r = spawnSync('node', ['-r', './redirect.js', 'scenario.js', alias, c.sc], { cwd: here, env, stdio: ['ignore', fd, fd], timeout: 120000 });
  fs.closeSync(fd);
  if (r.status !== 0) throw new Error(`${c.name}: scenario exited ${r.status} ${r.signal || ''}`);
  const log = fs.readFileSync(logPath, 'utf8');
  const lines = log.split('\n');
  const injected = journalLines().slice(before).filter((e) => e.status >= 400 && !e.probe);
  const shows = (s) => s && log.includes(s);
  // Entra's trace ID also comes back as the x-ms-request-id header (and the correlation ID as
  // client-request-id); a header dump is not where a reader takes them from, so those lines don't count.
  const logNoHeaders = lines.filter((l) => !/^\s+"(x-ms-request-id|client-request-id|x-ms-client-request-id)":/.test(l)).join('\n');
  const showsId = (s) => s && logNoHeaders.includes(s);

  const findings = c.f.map((spec, i) => {
    let from = 0;
    if (spec.after) {
      from = lines.findIndex((l) => spec.after.test(l));
      if (from < 0) throw new Error(`${c.name}: marker ${spec.after} not found`);
    }
    const idx = lines.findIndex((l, k) => k >= from && FAILURE_LINE.test(l));
    if (idx < 0) throw new Error(`${c.name}: no failure line for finding ${i}`);
    const f = { line: idx + 1 };
    if (spec.cred && shows(spec.cred)) f.credential = spec.cred;
    const e = spec.j === undefined ? undefined : injected[spec.j];
    if (spec.j !== undefined && !e) throw new Error(`${c.name}: journal has no injected error #${spec.j}`);
    if (e && e.aadsts && (shows(`AADSTS${e.aadsts}`) || shows(`${e.aadsts} - `))) f.aadsts = [e.aadsts];
    const err = spec.errorCode || (e && e.error);
    if (err && shows(err)) f.error_code = err;
    // the failed response's status, when the output prints it ("status code 401", "Status code: 400",
    // "HTTP status: 401", "status: 401", core-rest-pipeline's "Response status code: 401")
    const status = e ? e.status : spec.status;
    if (spec.status !== false && typeof status === 'number' && new RegExp(`status( code)?:? *${status}\\b`, 'i').test(log)) f.status = status;
    if (e && showsId(e.trace_id)) f.trace_id = e.trace_id;
    if (e && showsId(e.correlation_id)) f.correlation_id = e.correlation_id;
    const tenant = c.sc.startsWith('tenant-domain') ? 'fabrikam-typo.onmicrosoft.com' : c.sc === 'tenant-unknown' ? UNKNOWN_TENANT : TENANT;
    if (spec.cred === 'ClientSecretCredential' && shows(tenant)) f.tenant_id = tenant;
    const client = spec.cred === 'ManagedIdentityCredential' ? (c.sc === 'mi-user-not-found' ? MI_NOT_ASSIGNED : null)
      : (e && e.client_id) || (c.sc === 'app-unknown' ? UNKNOWN_APP : APP);
    if (client && shows(client)) f.client_id = client;
    if (spec.chain) f.chain = spec.chain;
    if (spec.signals) f.signals = spec.signals;
    return f;
  });
  const expect = {
    source: `generated: corpus/gen/js (run.sh) with @azure/identity ${version} (package alias ${alias}, its own @azure/msal-node) on Node ${process.version}, scenario ${c.sc}` +
      `, app prints the error as PRINT=${c.print}, AZURE_LOG_LEVEL=${c.log || 'unset'}` +
      (c.imds ? `, IMDS ${c.imds === 'unreachable' ? 'unreachable (connect hangs)' : 'answering'}` : `, Entra trailer ${c.trailer === 'crlf' ? 'CRLF (pre-2024)' : 'space-separated (2024+)'}`) +
      '; Entra and IMDS played by corpus/gen/js/fake-entra.js',
    sdk: 'js',
    findings,
  };
  fs.writeFileSync(path.join(outDir, `${c.name}.expect.json`), JSON.stringify(expect, null, 2) + '\n');
  console.log(`${c.name}: ${lines.length - 1} lines, ${findings.length} finding(s)`);
}

fs.mkdirSync(outDir, { recursive: true });
let failed = 0;
for (const c of CASES) {
  if (only && !only.test(c.name)) continue;
  try { runCase(c); } catch (e) { failed++; console.error(e.message); }
}
process.exit(failed ? 1 : 0);
