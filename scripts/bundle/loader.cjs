// The bundled CLI's entry, copied to dist/bundle/main.js by scripts/bundle.mjs (CommonJS, as is
// bin/tokenomics.js: a start through Node's ES module loader cost a few hundredths of a second). It
// runs the one-file bundle (main.cjs) through V8 with the code cache the build recorded
// (main.cjs.cache): the functions a report runs arrive compiled, instead of being parsed and compiled
// at every start. The cache starts with the build id of the bundle it was recorded from; a cache of
// another build, or one this Node's V8 rejects (another version or flags), is not used, and the
// bundle compiles as usual.
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { join } = require('node:path');
const vm = require('node:vm');

const file = join(__dirname, 'main.cjs');
const cacheFile = `${file}.cache`;
const source = readFileSync(file, 'utf8');
// the bundle's first line: `// tokenomics build <id>` (scripts/bundle.mjs)
const id = /^\/\/ tokenomics build (\w+)\n/.exec(source)?.[1] ?? '';
let cachedData;
try {
  const raw = readFileSync(cacheFile);
  if (id !== '' && raw.subarray(0, id.length).toString('latin1') === id) cachedData = raw.subarray(id.length);
} catch {
  // no cache: compiled as usual
}
// the bundle imports the packages kept outside it (chart libraries, warehouse drivers) through
// __tokenomicsImport, this module's import(): a script compiled from a code cache has no import()
// of its own on Node 20 ("A dynamic import callback was not specified")
const script = new vm.Script(`(function (exports, require, module, __filename, __dirname, __tokenomicsImport) {${source}\n})`, {
  filename: file,
  cachedData,
});
const bundle = { exports: {} };
script.runInThisContext()(bundle.exports, createRequire(file), bundle, file, __dirname, (specifier) => import(specifier));

// the build records the cache by running a report with this set (scripts/bundle.mjs)
if (process.env.TOKENOMICS_RECORD_CODE_CACHE === '1' && id !== '')
  process.once('exit', () => writeFileSync(cacheFile, Buffer.concat([Buffer.from(id, 'latin1'), script.createCachedData()])));

// one assignment each: an ES module importing this file sees these names (Node's CommonJS export scan)
const e = bundle.exports;
exports.main = e.main;
exports.buildProgram = e.buildProgram;
exports.commandsFor = e.commandsFor;
exports.handleError = e.handleError;
exports.errorDetail = e.errorDetail;
exports.removeTemporaries = e.removeTemporaries;
exports.EXIT_OK = e.EXIT_OK;
exports.EXIT_ERROR = e.EXIT_ERROR;
exports.EXIT_GATE_FAILED = e.EXIT_GATE_FAILED;
