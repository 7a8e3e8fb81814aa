#!/usr/bin/env bash
# Writes python-chained.json: the event Sentry's Python SDK builds for a chained exception (a
# KeyError raised `from` into a ValueError), captured by a transport that writes it instead of
# sending it. Made with sentry-sdk 3.0.1 from PyPI on CPython 3.11 (Debian 12), in a virtual
# environment under /tmp; the program runs in /tmp/ledger-sentry. The event is as the SDK built
# it but for the `modules` list (every package installed), which is emptied.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=/tmp/ledger-sentry
venv=/tmp/sentry-sdk-venv
[ -x "$venv/bin/python" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q 'sentry-sdk==3.0.1'; }
rm -rf "$work" && mkdir -p "$work"
cat > "$work/ledger.py" <<'PY'
import json, sys
import sentry_sdk
from sentry_sdk.transport import Transport

class Keep(Transport):
    def capture_envelope(self, envelope):
        for item in envelope.items:
            if item.type == "event":
                event = item.payload.json
                event["modules"] = {}
                with open(sys.argv[1], "w") as out:
                    json.dump(event, out, indent=2)
                    out.write("\n")

sentry_sdk.init(dsn="https://public@sentry.example/1", transport=Keep, release="ledger@2.4.0",
                environment="production", server_name="ledger-host")

class Store:
    def __init__(self):
        self.accounts = {}
    def balance(self, name):
        return self.accounts[name]["total"]

def settle(store, names):
    try:
        return [store.balance(name) for name in names]
    except KeyError as error:
        raise ValueError(f"cannot settle {names!r}") from error

try:
    settle(Store(), ["rent"])
except Exception:
    sentry_sdk.capture_exception()
sentry_sdk.flush()
PY
cd "$work" && env -i PATH=/usr/bin:/bin HOME=/nonexistent "$venv/bin/python" ledger.py event.json
cp "$work/event.json" "$here/python-chained.json"
