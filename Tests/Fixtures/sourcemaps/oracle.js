// Applies a source map to a Node stack with Mozilla's source-map library (0.6, Debian's
// node-source-map), as Node's --enable-source-maps would: each frame's place through the map,
// its function named by the segment at its caller's place. Usage: node oracle.js STACK MAP
// (Node 20 does not apply index maps, so the indexed fixture's expectations come from here.)
const fs = require("fs");
const path = require("path");
const { SourceMapConsumer } = require("source-map");
const [stackFile, mapFile] = process.argv.slice(2);
const consumer = new SourceMapConsumer(JSON.parse(fs.readFileSync(mapFile, "utf8")));
const rows = fs.readFileSync(stackFile, "utf8").split("\n").filter(l => /^\s+at /.test(l));
const parsed = rows.map(row => {
  const m = row.match(/^\s+at (?:(.*) \()?(.*?):(\d+):(\d+)\)?$/);
  if (!m) return { row };
  return { row, name: m[1], file: m[2], line: +m[3], column: +m[4] };
});
const scriptOf = file => file.endsWith(path.basename(mapFile, ".map"));
const lookup = p => (p && p.file && scriptOf(p.file))
  ? consumer.originalPositionFor({ line: p.line, column: p.column - 1 }) : null;
parsed.forEach((p, i) => {
  const here = lookup(p);
  if (!here || here.source == null) { console.log(p.row); return; }
  const caller = lookup(parsed[i + 1]);
  const name = (caller && caller.name) || p.name;
  const file = path.resolve(path.dirname(p.file), here.source);
  console.log(`    at ${name} (${file}:${here.line}:${here.column + 1})`);
});
