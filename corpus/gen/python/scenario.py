"""scenario.py: a tiny application that uses the system's azure-identity (Debian python3-azure) or MSAL
Python (python3-msal) and fails (or succeeds) as a real app would. Run by make_cases.py:
  python3 scenario.py <scenario>
env LOG = off | warning | info | debug (logging.basicConfig level), PRINT = traceback (let the
exception end the program) | message (print("<what>:", err)) | both (logging.exception + print)."""
import os
import sys

import redirect  # noqa: F401  (must come before the SDK opens sockets)
import logging

level = os.environ.get("LOG", "off")
if level != "off":
    logging.basicConfig(level=getattr(logging, level.upper()))

TENANT = "8d1e2f3a-4b5c-4d6e-9f70-81a2b3c4d5e6"
UNKNOWN_TENANT = "b6a1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d"
APP = "4a5b6c7d-8e9f-4a0b-9c1d-2e3f4a5b6c7d"
UNKNOWN_APP = "c0ffee00-1234-4abc-9def-0123456789ab"
RIGHT_SECRET = "Q~corpus-right-secret-value-0123456789ab"
WRONG_SECRET = "Q~corpus-expired-secret-value-9876543210"
MI_ASSIGNED = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"
MI_NOT_ASSIGNED = "7e6d5c4b-3a29-4817-a6f5-e4d3c2b1a090"
SCOPE = "https://management.azure.com/.default"
PRINT = os.environ.get("PRINT", "traceback")
log = logging.getLogger("app")


def try_token(make, what):
    cred = make()
    if PRINT == "traceback":
        token = cred.get_token(SCOPE)  # an uncaught exception ends the program with a traceback
        print(f"{what}: got a token, expires {token.expires_on}")
        return
    try:
        token = cred.get_token(SCOPE)
        print(f"{what}: got a token, expires {token.expires_on}")
    except Exception as err:  # what apps usually do
        if PRINT == "both":
            log.exception("%s", what)
        print(f"{what}: {err}")


def msal_app(tenant, client, secret):
    import msal
    return msal.ConfidentialClientApplication(client, authority=f"https://login.microsoftonline.com/{tenant}", client_credential=secret)


def msal_try(tenant, client, secret):
    app = msal_app(tenant, client, secret)
    result = app.acquire_token_for_client(scopes=[SCOPE])
    if "access_token" in result:
        print("got a token, expires in", result["expires_in"])
    else:
        print(result)
        print(result.get("error"), result.get("error_description"))


def main(name):
    from azure import identity
    s = {
        "secret-wrong": lambda: try_token(lambda: identity.ClientSecretCredential(TENANT, APP, WRONG_SECRET), "ClientSecretCredential"),
        "app-unknown": lambda: try_token(lambda: identity.ClientSecretCredential(TENANT, UNKNOWN_APP, RIGHT_SECRET), "ClientSecretCredential"),
        "tenant-unknown": lambda: try_token(lambda: identity.ClientSecretCredential(UNKNOWN_TENANT, APP, RIGHT_SECRET), "ClientSecretCredential"),
        "success": lambda: try_token(lambda: identity.ClientSecretCredential(TENANT, APP, RIGHT_SECRET), "ClientSecretCredential"),
        "dac-empty": lambda: try_token(identity.DefaultAzureCredential, "DefaultAzureCredential"),
        "mi-user-not-found": lambda: try_token(lambda: identity.ManagedIdentityCredential(client_id=MI_NOT_ASSIGNED), "ManagedIdentityCredential"),
        "mi-system-not-found": lambda: try_token(identity.ManagedIdentityCredential, "ManagedIdentityCredential"),
        "mi-success": lambda: try_token(lambda: identity.ManagedIdentityCredential(client_id=MI_ASSIGNED), "ManagedIdentityCredential"),
        "msal-secret-wrong": lambda: msal_try(TENANT, APP, WRONG_SECRET),
        "msal-app-unknown": lambda: msal_try(TENANT, UNKNOWN_APP, RIGHT_SECRET),
        "msal-tenant-unknown": lambda: msal_try(UNKNOWN_TENANT, APP, RIGHT_SECRET),
        "msal-success": lambda: msal_try(TENANT, APP, RIGHT_SECRET),
    }
    if name == "two-failures":
        print("job: exporting billing data", flush=True)
        try_token(lambda: identity.ClientSecretCredential(TENANT, APP, WRONG_SECRET), "billing export failed")
        print("job: syncing inventory", flush=True)
        try_token(lambda: identity.ClientSecretCredential(TENANT, UNKNOWN_APP, RIGHT_SECRET), "inventory sync failed")
        print("job: done with errors", flush=True)
        return
    if name == "msal-two-failures":
        print("job: exporting billing data", flush=True)
        msal_try(TENANT, APP, WRONG_SECRET)
        print("job: syncing inventory", flush=True)
        msal_try(TENANT, UNKNOWN_APP, RIGHT_SECRET)
        return
    s[name]()


if __name__ == "__main__":
    main(sys.argv[1])
