#!/bin/bash
# Regenerates the source-map fixtures (Debian 12: esbuild 0.17, node-terser 5.16, nodejs 20).
# Each program is built, run to its uncaught error without source maps (the stack a user
# pastes) and with Node's --enable-source-maps (the oracle the tests compare with).
# Paths in the stacks are this directory's as it was built: /tmp/sourcemap-fixtures.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=/tmp/sourcemap-fixtures
rm -rf "$work" && mkdir -p "$work" && cp -r "$here/src" "$work/"
cd "$work"

# 1. TypeScript bundled and minified by esbuild, the map beside the script.
esbuild src/app.ts --bundle --minify --sourcemap --platform=node --outfile=esbuild/dist/app.min.js
node esbuild/dist/app.min.js 2> esbuild/stack.txt || true
node --enable-source-maps esbuild/dist/app.min.js 2> esbuild/stack-node-mapped.txt || true

# 2. Plain JavaScript minified by terser with the map inline (a data: URL) and names.
mkdir -p terser/dist
NODE_PATH=/usr/share/nodejs node -e '
const terser = require("terser"); const fs = require("fs");
terser.minify({ "report.js": fs.readFileSync("src/report.js", "utf8") },
  { sourceMap: { url: "inline", includeSources: true }, mangle: { toplevel: true }, toplevel: true })
  .then(out => fs.writeFileSync("terser/dist/report.min.js", out.code + "\n"));'
node terser/dist/report.min.js 2> terser/stack.txt || true
node --enable-source-maps terser/dist/report.min.js 2> terser/stack-node-mapped.txt || true

# 3. An index map: the esbuild script after a two-line banner, its map a section at line 2.
mkdir -p indexed/dist
{ printf '/* ledger v1 */\n"use strict";\n'; cat esbuild/dist/app.min.js | sed '$d'; echo '//# sourceMappingURL=app.min.js.map'; } > indexed/dist/app.min.js
python3 - <<'PY'
import json
inner = json.load(open("esbuild/dist/app.min.js.map"))
json.dump({"version": 3, "file": "app.min.js",
           "sections": [{"offset": {"line": 2, "column": 0}, "map": inner}]},
          open("indexed/dist/app.min.js.map", "w"))
PY
node indexed/dist/app.min.js 2> indexed/stack.txt || true
# Node 20 leaves an index map unapplied: the oracle is Mozilla's library, applied as Node does.
NODE_PATH=/usr/share/nodejs node "$here/oracle.js" indexed/stack.txt indexed/dist/app.min.js.map > indexed/stack-node-mapped.txt
# The same oracle on the esbuild build must say what Node said (it checks the oracle).
NODE_PATH=/usr/share/nodejs node "$here/oracle.js" esbuild/stack.txt esbuild/dist/app.min.js.map > esbuild/oracle.txt
diff <(grep '^ *at ' esbuild/stack-node-mapped.txt) esbuild/oracle.txt && rm esbuild/oracle.txt

for d in esbuild terser indexed; do rm -rf "$here/$d"; cp -r "$d" "$here/$d"; done
