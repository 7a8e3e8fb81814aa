// Crashes the esbuild-minified TypeScript compiler (dist/typescript.min.js) deep inside
// createProgram: the stack docs/performance.md maps ("Twenty-seventh session").
Error.stackTraceLimit = 40;
const ts = require("./dist/typescript.min.js");
const program = ts.createProgram(["x.ts"], {}, { getSourceFile: () => ({ text: null }), getDefaultLibFileName: () => "lib.d.ts",
  writeFile() {}, getCurrentDirectory: () => "/", getCanonicalFileName: f => f, useCaseSensitiveFileNames: () => true,
  getNewLine: () => "\n", fileExists: () => true, readFile: () => "" });
program.getSemanticDiagnostics();
