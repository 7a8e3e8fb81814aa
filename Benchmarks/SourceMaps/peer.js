// The peers of `analyse --source-maps` (docs/performance.md, "Twenty-seventh session"): the same
// lookups through a JavaScript source-map library. node peer.js mozilla|jridgewell MAP STACK
const fs = require("fs");
const [lib, mapFile, stackFile] = process.argv.slice(2);
const t0 = process.hrtime.bigint();
const raw = fs.readFileSync(mapFile, "utf8");
const rows = fs.readFileSync(stackFile, "utf8").split("\n")
  .filter(l => l.includes(".min.js:")).map(l => l.match(/\((.*?):(\d+):(\d+)\)$|at (\/.*?):(\d+):(\d+)$/)).filter(Boolean)
  .map(m => ({ line: +(m[2] || m[5]), column: +(m[3] || m[6]) }));
let out = [];
if (lib === "mozilla") {
  const { SourceMapConsumer } = require("source-map");
  const c = new SourceMapConsumer(JSON.parse(raw));
  for (const r of rows) out.push(c.originalPositionFor({ line: r.line, column: r.column - 1 }));
} else {
  const { TraceMap, originalPositionFor } = require("@jridgewell/trace-mapping");
  const c = new TraceMap(raw);
  for (const r of rows) out.push(originalPositionFor(c, { line: r.line, column: r.column - 1 }));
}
const t1 = process.hrtime.bigint();
console.error(`${lib}: ${rows.length} lookups, ${(Number(t1 - t0) / 1e6).toFixed(1)} ms in process; ` +
  out.filter(p => p.source).map(p => `${p.line}:${p.column}`).join(" "));
