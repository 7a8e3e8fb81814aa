#!/usr/bin/env bash
# Writes this folder's Node.js diagnostic reports with the node on PATH (they were made with
# Debian's nodejs 20.20.2 on x86-64 Linux): each program below crashes, or asks for a report, in
# /tmp/ledger. The environment is emptied first and the network interfaces other than loopback
# are dropped afterwards; everything else is as Node wrote it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=/tmp/ledger
rm -rf "$work" && mkdir -p "$work/out"
cd "$work"

cat > books.js <<'JS'
const { Worker, isMainThread, parentPort } = require('node:worker_threads');
if (isMainThread) {
  const worker = new Worker(__filename);
  worker.on('message', () => {
    const ledger = JSON.parse('{"entries": 3}');
    ledger.entries.forEach((entry) => entry.post());
  });
} else {
  function reconcile() { parentPort.postMessage('ready'); const end = Date.now() + 2000; while (Date.now() < end) {} }
  reconcile();
}
JS
cat > grow.js <<'JS'
const pages = [];
function grow() { for (;;) pages.push(new Array(100000).fill(1)); }
grow();
JS
cat > snapshot.js <<'JS'
function audit() { process.report.writeReport(); }
audit();
JS
cat > compact.js <<'JS'
function summarize() { return JSON.stringify(process.report.getReport()); }
require('node:fs').writeFileSync('out/compact.json', summarize());
JS

run() { env -i PATH=/usr/bin:/bin HOME=/nonexistent node "$@" >/dev/null 2>&1 || true; }
run --report-uncaught-exception --report-directory=out --report-filename=uncaught-exception.json books.js
run --report-on-fatalerror --report-directory=out --report-filename=heap-oom.json --max-old-space-size=16 grow.js
run --report-directory=out --report-filename=write-report.json snapshot.js
run compact.js

python3 - "$work/out" "$here" <<'PY'
import json, sys, os
source, target = sys.argv[1], sys.argv[2]
for name in ["uncaught-exception.json", "heap-oom.json", "write-report.json", "compact.json"]:
    with open(os.path.join(source, name)) as f:
        report = json.load(f)
    def scrub(report):
        header = report["header"]
        header["networkInterfaces"] = [i for i in header.get("networkInterfaces", []) if i.get("internal")]
        for worker in report.get("workers", []):
            scrub(worker)
    scrub(report)
    with open(os.path.join(target, name), "w") as f:
        if name == "compact.json":
            json.dump(report, f, separators=(",", ":"))
        else:
            json.dump(report, f, indent=2)
            f.write("\n")
PY
