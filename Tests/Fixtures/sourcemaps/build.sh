#!/bin/bash
# Regenerates the source-map fixtures (Debian 12: esbuild 0.17, node-terser 5.16, node-typescript 4.8,
# node-source-map 0.6, nodejs 20).
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

# 4. A React Native shaped build: report.js minified by terser into index.android.bundle, its map
# beside it carrying Metro's function map (x_facebook_sources) for the source. Metro is not in
# Debian: the function map is computed here as Metro's generateFunctionMap lays it out (each
# function's start with its name, `<global>` at the top, the enclosing name again where a
# function ends), from TypeScript's parse of the source, and encoded with Mozilla's base64-vlq.
# Hermes is not in Debian either: stack-hermes.txt is Node's stack rewritten in Hermes' form,
# each place `address at FILE:1:OFFSET` with the 0-based offset its map's column is.
mkdir -p metro/dist
NODE_PATH=/usr/share/nodejs node -e '
const terser = require("terser"); const fs = require("fs"); const ts = require("typescript");
const vlq = require("source-map/lib/base64-vlq");
const text = fs.readFileSync("src/report.js", "utf8");
terser.minify({ "report.js": text },
  { sourceMap: { filename: "index.android.bundle", url: "index.android.bundle.map" }, mangle: { toplevel: true }, toplevel: true })
  .then(out => {
    const file = ts.createSourceFile("report.js", text, ts.ScriptTarget.Latest, true);
    const at = offset => { const p = file.getLineAndCharacterOfPosition(offset); return [p.line + 1, p.character]; };
    const events = [[[1, 0], "<global>"]];
    const visit = (node, enclosing) => {
      if (ts.isFunctionLike(node) && node.body) {
        const name = node.name ? node.name.text : "<anonymous>";
        events.push([at(node.getStart(file)), name]);
        ts.forEachChild(node, child => visit(child, name));
        events.push([at(node.getEnd()), enclosing]);
      } else {
        ts.forEachChild(node, child => visit(child, enclosing));
      }
    };
    visit(file, "<global>");
    const names = [...new Set(events.map(e => e[1]))];
    let mappings = "", line = 1, column = 0, name = 0;
    events.forEach(([[l, c], n], i) => {
      const index = names.indexOf(n);
      if (i > 0 && l === line) { mappings += "," + vlq.encode(c - column) + vlq.encode(index - name); }
      else { mappings += (i > 0 ? ";" : "") + vlq.encode(c) + vlq.encode(index - name) + vlq.encode(l - line); }
      line = l; column = c; name = index;
    });
    const map = JSON.parse(out.map);
    map.x_facebook_sources = map.sources.map(s => s === "report.js" ? [{ names, mappings }] : null);
    fs.writeFileSync("metro/dist/index.android.bundle", out.code + "\n");
    fs.writeFileSync("metro/dist/index.android.bundle.map", JSON.stringify(map));
  });'
node metro/dist/index.android.bundle 2> metro/stack.txt || true
python3 - <<'PY'
import re
rows = []
for line in open("metro/stack.txt"):
    m = re.match(r"(\s+at )(?:(.+) \()?([^()]*index\.android\.bundle):(\d+):(\d+)\)?$", line.rstrip("\n"))
    if m:
        rows.append(f"{m.group(1)}{m.group(2) or 'global'} (address at {m.group(3)}:{m.group(4)}:{int(m.group(5)) - 1})")
    elif re.match(r"\s+at Array\.map ", line):
        rows.append("    at map (native)")
    elif line.startswith("TypeError"):
        rows.append(line.rstrip("\n"))
open("metro/stack-hermes.txt", "w").write("\n".join(rows) + "\n")
PY

for d in esbuild terser indexed metro; do rm -rf "$here/$d"; cp -r "$d" "$here/$d"; done
