"""make_cases.py: runs every Python case against corpus/gen/js/fake-entra.js (started by run.sh) and
writes corpus/captured/python/<case>.log (stdout+stderr of the app, as `python3 app.py > app.log 2>&1`)
and <case>.expect.json, the ground truth written from the scenario: what fake-entra.js injected (read
back from its journal) and what each scenario is (credential, chain, signals).

Field policy, as for the JS cases: an injected value (trace ID, correlation ID, tenant, client ID,
Entra error, AADSTS code, HTTP status) goes into the expectation only when the captured log shows it.
`line` is the first line, at or after the finding's `after` marker, that reports a failure of that
token request (FAILURE_LINE below; see corpus/captured/python/README.md).
Runs with Debian's /usr/bin/python3 (python3-azure, python3-msal)."""
import json
import os
import re
import ssl
import subprocess
import sys
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "..", "captured", "python"))
JOURNAL = os.environ["FAKE_ENTRA_JOURNAL"]
CERTS = os.environ["CORPUS_CERTS"]
PORT = os.environ.get("FAKE_ENTRA_PORT", "8443")
PY = "/usr/bin/python3"

TENANT = "8d1e2f3a-4b5c-4d6e-9f70-81a2b3c4d5e6"
UNKNOWN_TENANT = "b6a1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d"
APP = "4a5b6c7d-8e9f-4a0b-9c1d-2e3f4a5b6c7d"
UNKNOWN_APP = "c0ffee00-1234-4abc-9def-0123456789ab"
MI_NOT_ASSIGNED = "7e6d5c4b-3a29-4817-a6f5-e4d3c2b1a090"

# A line that reports a failure of this token request. urllib3's and azure-core's request/response
# dumps, MSAL's telemetry lines and `Traceback` frames are not failure lines on their own; the
# `Traceback (most recent call last):` header is, when nothing reported the failure before it.
FAILURE_LINE = re.compile(
    r"^(WARNING|ERROR|DEBUG|INFO|CRITICAL):azure\.identity[\w.]*:.*(get_token failed|failed to retrieve|unavailable)"
    r"|^\w+Credential\.get_token failed: |^ERROR:app:|^Traceback \(most recent call last\):|^\{'error'|^[\w ]+(Credential|failed): "
    r"|^[\w.]*(ClientAuthenticationError|CredentialUnavailableError|ValueError): ")

DAC_CHAIN = ["EnvironmentCredential", "ManagedIdentityCredential", "SharedTokenCacheCredential",
             "AzureCliCredential", "AzurePowerShellCredential"]
DAC_SIGNALS = ["environment-not-configured", "imds-unreachable", "shared-token-cache-empty", "cli-not-found", "powershell-not-found"]


def S(**kw):
    d = {"cred": "ClientSecretCredential", "j": 0}
    d.update(kw)
    return d


def M(**kw):  # MSAL Python: no credential type
    d = {"cred": None, "j": 0}
    d.update(kw)
    return d


CASES = [
    dict(name="azure-identity-1.13.0b2-secret-7000215-traceback", sc="secret-wrong", log="warning", print="traceback", trailer="crlf", f=[S()]),
    dict(name="azure-identity-1.13.0b2-secret-7000215-debug", sc="secret-wrong", log="debug", print="message", trailer="space", f=[S()]),
    dict(name="azure-identity-1.13.0b2-app-700016-traceback", sc="app-unknown", log="off", print="traceback", trailer="space", f=[S()]),
    dict(name="azure-identity-1.13.0b2-app-700016-logged", sc="app-unknown", log="warning", print="both", trailer="crlf", f=[S()]),
    dict(name="azure-identity-1.13.0b2-tenant-90002-warning", sc="tenant-unknown", log="warning", print="message", trailer="space", f=[S()]),
    dict(name="azure-identity-1.13.0b2-dac-nothing-configured-traceback", sc="dac-empty", log="warning", print="traceback", imds="unreachable",
         f=[dict(cred="DefaultAzureCredential", chain=DAC_CHAIN, signals=DAC_SIGNALS)]),
    dict(name="azure-identity-1.13.0b2-dac-nothing-configured-debug", sc="dac-empty", log="debug", print="message", imds="unreachable",
         f=[dict(cred="DefaultAzureCredential", chain=DAC_CHAIN, signals=DAC_SIGNALS)]),
    dict(name="azure-identity-1.13.0b2-mi-identity-not-found-warning", sc="mi-user-not-found", log="warning", print="message", imds="server",
         f=[dict(cred="ManagedIdentityCredential", status=400, error="invalid_request", signals=["managed-identity-not-assigned"])]),
    dict(name="azure-identity-1.13.0b2-mi-system-not-found-traceback", sc="mi-system-not-found", log="off", print="traceback", imds="server",
         f=[dict(cred="ManagedIdentityCredential", status=400, error="invalid_request", signals=["managed-identity-not-assigned"])]),
    dict(name="azure-identity-1.13.0b2-success-debug", sc="success", log="debug", print="message", trailer="space", f=[]),
    dict(name="azure-identity-1.13.0b2-mi-success-info", sc="mi-success", log="info", print="message", imds="server", f=[]),
    dict(name="azure-identity-1.13.0b2-two-failures-warning", sc="two-failures", log="warning", print="message", trailer="space",
         f=[S(j=0, after=r"^job: exporting"), S(j=1, after=r"^job: syncing")]),
    dict(name="msal-1.21.0-secret-7000215-dict", sc="msal-secret-wrong", log="off", print="message", trailer="space", f=[M()]),
    dict(name="msal-1.21.0-app-700016-dict-crlf", sc="msal-app-unknown", log="off", print="message", trailer="crlf", f=[M()]),
    dict(name="msal-1.21.0-tenant-90002-traceback", sc="msal-tenant-unknown", log="off", print="traceback", trailer="space", f=[M()]),
    dict(name="msal-1.21.0-success-debug", sc="msal-success", log="debug", print="message", trailer="space", f=[]),
    dict(name="msal-1.21.0-two-failures-debug", sc="msal-two-failures", log="debug", print="message", trailer="space",
         f=[M(j=0, after=r"^job: exporting"), M(j=1, after=r"^job: syncing")]),
]


def control(query):
    ctx = ssl.create_default_context(cafile=os.path.join(CERTS, "ca.crt"))
    req = urllib.request.Request(f"https://localhost:{PORT}/__control?{query}", method="POST", data=b"")
    with urllib.request.urlopen(req, context=ctx, timeout=10) as r:
        r.read()


def journal():
    if not os.path.exists(JOURNAL):
        return []
    with open(JOURNAL, encoding="utf-8") as fh:
        return [json.loads(l) for l in fh if l.strip()]


def versions():
    out = subprocess.run([PY, "-c", "import azure.identity._version as v, msal, azure.core as c; print(v.VERSION, msal.__version__, c.__version__)"],
                         capture_output=True, text=True, check=True).stdout.split()
    return out


def run_case(c, vers):
    from urllib.parse import quote
    control(f"trailer={c.get('trailer', 'space')}&reset={quote(c['name'])}")
    before = len(journal())
    env = {
        "PATH": "/usr/bin:/bin", "HOME": "/tmp/azlogscan-corpus-home", "LANG": "C.UTF-8", "PYTHONUNBUFFERED": "1",
        "REQUESTS_CA_BUNDLE": os.path.join(CERTS, "ca.crt"),
        "FAKE_ENTRA_PORT": PORT, "FAKE_IMDS_PORT": os.environ.get("FAKE_IMDS_PORT", "8480"),
        "FAKE_SYNHOLE_PORT": os.environ.get("FAKE_SYNHOLE_PORT", "8482"), "FAKE_IMDS_MODE": c.get("imds", "server"),
        "LOG": c["log"], "PRINT": c["print"],
    }
    os.makedirs(env["HOME"], exist_ok=True)
    log_path = os.path.join(OUT, c["name"] + ".log")
    with open(log_path, "wb") as fh:
        r = subprocess.run([PY, "scenario.py", c["sc"]], cwd=HERE, env=env, stdout=fh, stderr=subprocess.STDOUT, timeout=120)
    uncaught = c["print"] == "traceback" and c["f"]
    if r.returncode != (1 if uncaught else 0):
        raise RuntimeError(f"{c['name']}: scenario exited {r.returncode}")
    with open(log_path, encoding="utf-8") as fh:
        log = fh.read()
    lines = log.split("\n")
    injected = [e for e in journal()[before:] if e.get("status", 0) >= 400 and not e.get("probe")]

    def shows(s):
        return bool(s) and s in log

    # Entra's trace ID also comes back as the x-ms-request-id response header; azure-core's header dump
    # is not where a reader takes it from, so those lines don't count for the IDs.
    log_no_headers = "\n".join(l for l in lines if not re.match(r"\s+'(x-ms-request-id|client-request-id)':", l))

    def shows_id(s):
        return bool(s) and s in log_no_headers

    findings = []
    for i, spec in enumerate(c["f"]):
        start = 0
        if spec.get("after"):
            start = next(k for k, l in enumerate(lines) if re.search(spec["after"], l))
        idx = next((k for k, l in enumerate(lines) if k >= start and FAILURE_LINE.search(l)), None)
        if idx is None:
            raise RuntimeError(f"{c['name']}: no failure line for finding {i}")
        f = {"line": idx + 1}
        if spec.get("cred") and shows(spec["cred"]):
            f["credential"] = spec["cred"]
        e = injected[spec["j"]] if "j" in spec else None
        if "j" in spec and e is None:
            raise RuntimeError(f"{c['name']}: journal has no injected error #{spec['j']}")
        if e and e.get("aadsts") and (shows("AADSTS" + e["aadsts"]) or shows(f"[{e['aadsts']}]")):
            f["aadsts"] = [e["aadsts"]]
        err = spec.get("error") or (e and e.get("error"))
        if err and (shows(f"'{err}'") or shows(f'"{err}"') or shows(f"({err})")):
            f["error_code"] = err
        status = e["status"] if e else spec.get("status")
        if status and re.search(rf"(status( code)?:? *{status}\b|HTTP/1\.1\" {status}\b|Response status: {status}\b)", log, re.I):
            f["status"] = status
        if e and shows_id(e.get("trace_id")):
            f["trace_id"] = e["trace_id"]
        if e and shows_id(e.get("correlation_id")):
            f["correlation_id"] = e["correlation_id"]
        tenant = UNKNOWN_TENANT if "tenant-unknown" in c["sc"] else TENANT
        if spec.get("cred") != "ManagedIdentityCredential" and "dac" not in c["sc"] and shows(tenant):
            f["tenant_id"] = tenant
        if spec.get("cred") == "ManagedIdentityCredential":
            client = MI_NOT_ASSIGNED if c["sc"] == "mi-user-not-found" else None
        elif "dac" in c["sc"]:
            client = None
        else:
            client = (e and e.get("client_id")) or (UNKNOWN_APP if "app-unknown" in c["sc"] else APP)
        if client and shows(client):
            f["client_id"] = client
        for k in ("chain", "signals"):
            if spec.get(k):
                f[k] = spec[k]
        findings.append(f)
    ident, msal_v, core_v = vers
    lib = f"MSAL Python {msal_v}" if c["sc"].startswith("msal") else f"azure-identity {ident} (azure-core {core_v}, MSAL Python {msal_v})"
    how = {"traceback": "the exception is left uncaught (traceback)", "message": "the app prints the error with print()",
           "both": "the app logs it with logging.exception and prints it"}[c["print"]]
    if c["sc"].startswith("msal"):
        how = ("MSAL's ValueError from ConfidentialClientApplication() is left uncaught (traceback)" if c["print"] == "traceback"
               else "the app prints MSAL's result dict with print(result) and then error, error_description")
    where = (f"IMDS {'unreachable (connect hangs)' if c['imds'] == 'unreachable' else 'answering'}" if "imds" in c
             else f"Entra trailer {'CRLF (pre-2024)' if c.get('trailer') == 'crlf' else 'space-separated (2024+)'}")
    expect = {
        "source": f"generated: corpus/gen/python (run.sh) with Debian bookworm python3-azure/python3-msal: {lib}, Python {sys.version.split()[0]}, "
                  f"scenario {c['sc']}, {how}, logging.basicConfig level {c['log']}, {where}; Entra and IMDS played by corpus/gen/js/fake-entra.js",
        "sdk": "msal" if c["sc"].startswith("msal") else "python",
        "findings": findings,
    }
    with open(os.path.join(OUT, c["name"] + ".expect.json"), "w", encoding="utf-8") as fh:
        json.dump(expect, fh, indent=2)
        fh.write("\n")
    print(f"{c['name']}: {len(lines) - 1} lines, {len(findings)} finding(s)")


def main():
    only = re.compile(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1] else None
    os.makedirs(OUT, exist_ok=True)
    vers = versions()
    failed = 0
    for c in CASES:
        if only and not only.search(c["name"]):
            continue
        try:
            run_case(c, vers)
        except Exception as e:  # report and go on with the other cases
            failed += 1
            print(e, file=sys.stderr)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
