// scenario.js: a tiny "application" that uses one version of @azure/identity and fails (or succeeds)
// the way a real app would, printing the error as apps usually do. Run through run.sh / make-cases.js:
//   node -r ./redirect.js scenario.js <package alias> <scenario>
//   env PRINT = inspect (console.error(err)) | message (console.error(err.message)) | both | app
//       (console.error("<app text>:", err.message)); AZURE_LOG_LEVEL as the SDK reads it.
'use strict';
const pkg = process.argv[2];
const scenario = process.argv[3];
const identity = require(pkg);

const TENANT = '8d1e2f3a-4b5c-4d6e-9f70-81a2b3c4d5e6';
const UNKNOWN_TENANT = 'b6a1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d';
const APP = '4a5b6c7d-8e9f-4a0b-9c1d-2e3f4a5b6c7d';
const UNKNOWN_APP = 'c0ffee00-1234-4abc-9def-0123456789ab';
const RIGHT_SECRET = 'Q~corpus-right-secret-value-0123456789ab';
const WRONG_SECRET = 'Q~corpus-expired-secret-value-9876543210';
const MI_ASSIGNED = '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0';
const MI_NOT_ASSIGNED = '7e6d5c4b-3a29-4817-a6f5-e4d3c2b1a090';
const SCOPE = 'https://management.azure.com/.default';

function report(err, what) {
  switch (process.env.PRINT || 'both') {
    case 'inspect': console.error(err); break;
    case 'message': console.error(err.message); break;
    case 'app': console.error(`${what}:`, err.message); break;
    default: console.error(err); console.error(err.message);
  }
}

async function tryToken(cred, what) {
  try {
    const t = await cred.getToken(SCOPE);
    console.log(`${what}: got a token, expires ${new Date(t.expiresOnTimestamp).toISOString()}`);
    return true;
  } catch (err) {
    report(err, what);
    return false;
  }
}

const scenarios = {
  'secret-wrong': () => tryToken(new identity.ClientSecretCredential(TENANT, APP, WRONG_SECRET), 'ClientSecretCredential'),
  'app-unknown': () => tryToken(new identity.ClientSecretCredential(TENANT, UNKNOWN_APP, RIGHT_SECRET), 'ClientSecretCredential'),
  'tenant-unknown': () => tryToken(new identity.ClientSecretCredential(UNKNOWN_TENANT, APP, RIGHT_SECRET), 'ClientSecretCredential'),
  'tenant-domain-unknown': () => tryToken(new identity.ClientSecretCredential('fabrikam-typo.onmicrosoft.com', APP, RIGHT_SECRET), 'ClientSecretCredential'),
  success: () => tryToken(new identity.ClientSecretCredential(TENANT, APP, RIGHT_SECRET), 'ClientSecretCredential'),
  'dac-empty': () => tryToken(new identity.DefaultAzureCredential(), 'DefaultAzureCredential'),
  'mi-user-not-found': () => tryToken(new identity.ManagedIdentityCredential(MI_NOT_ASSIGNED), 'ManagedIdentityCredential'),
  'mi-system-not-found': () => tryToken(new identity.ManagedIdentityCredential(), 'ManagedIdentityCredential'),
  'mi-success': () => tryToken(new identity.ManagedIdentityCredential(MI_ASSIGNED), 'ManagedIdentityCredential'),
  // two separate failures: the nightly job's secret has expired, and the second app was never
  // registered in this tenant
  'two-failures': async () => {
    console.log('job: exporting billing data');
    await tryToken(new identity.ClientSecretCredential(TENANT, APP, WRONG_SECRET), 'billing export failed');
    console.log('job: syncing inventory');
    await tryToken(new identity.ClientSecretCredential(TENANT, UNKNOWN_APP, RIGHT_SECRET), 'inventory sync failed');
    console.log('job: done with errors');
  },
  // the same failure twice: a retry after the first failure is a new token request
  'retry-twice': async () => {
    const cred = new identity.ClientSecretCredential(TENANT, APP, WRONG_SECRET);
    for (let attempt = 1; attempt <= 2; attempt++) {
      console.log(`attempt ${attempt}: requesting a token`);
      await tryToken(cred, `attempt ${attempt} failed`);
    }
  },
};

const fn = scenarios[scenario];
if (!fn) { console.error(`unknown scenario ${scenario}`); process.exit(2); }
Promise.resolve(fn()).then(() => setTimeout(() => process.exit(0), 10), (e) => { console.error('scenario crashed', e); process.exit(3); });
