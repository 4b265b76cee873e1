// Build step: bundle the compiled CLI (dist/cli/main.js) into one CommonJS file, dist/bundle/main.cjs,
// so that a command's start-up opens a few files instead of ~300 (our ~200 modules and
// @duckdb/node-api's ~180), then record V8's code cache of it (main.cjs.cache) by running a report.
// dist/bundle/main.js (scripts/bundle/loader.cjs) runs the bundle with that cache: the functions a
// report runs start compiled. A command's modules still run only when it does (esbuild wraps each
// lazily imported module in an init function), so `prices`, `tokens` and `--help` never load DuckDB.
// Run by `npm run build` after tsc and the catalog cache. bin/tokenomics.js runs the bundle; tests
// and the bench children use dist/ as tsc wrote it.
//
// Kept outside the bundle, loaded from node_modules when a command needs them: DuckDB's native
// bindings (a .node file per platform, required from node-api's folder), the warehouse drivers,
// the chart libraries and what only tests use. The modules that find files next to themselves
// (the catalog cache, the tokenizer worker, package.json) name them by a path from
// dist/<folder>/, which dist/bundle/ shares.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

const OUT = 'dist/bundle';
// DuckDB's node-api is CommonJS and required at run time (src/engine/duckdb.ts says why): bundled,
// it is one more part of the bundle, with no CommonJS loader and no export-name scan.
const DUCKDB_REQUIRE = /createRequire\(import\.meta\.url\)\(\s*'@duckdb\/node-api',?\s*\)/;

const requireDuckDB = {
  name: 'require-duckdb',
  setup(b) {
    b.onLoad({ filter: /dist[\\/]engine[\\/]duckdb\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!DUCKDB_REQUIRE.test(text)) throw new Error(`${args.path}: the require of @duckdb/node-api was not found`);
      return { contents: text.replace(DUCKDB_REQUIRE, "require('@duckdb/node-api')"), loader: 'js' };
    });
  },
};

// DuckDB's native bindings are node-api's own dependency, not ours: required from the bundle's
// folder they would be found only where npm hoists them. They are required the way node-api would
// (from node-api's folder), so any layout that installs it (nested, pnpm) gives it its bindings.
const duckdbBindings = {
  name: 'duckdb-bindings',
  setup(b) {
    b.onResolve({ filter: /^@duckdb\/node-bindings(-[\w-]+)?$/ }, (args) => ({ path: args.path, namespace: 'duckdb-bindings' }));
    b.onLoad({ filter: /.*/, namespace: 'duckdb-bindings' }, (args) => ({
      contents: `const { createRequire } = require('node:module');
module.exports = createRequire(require.resolve('@duckdb/node-api'))(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

rmSync(OUT, { recursive: true, force: true });
// a new id per build: the loader uses a code cache only with the bundle it was recorded from
const buildId = randomBytes(16).toString('hex');
await build({
  entryPoints: ['dist/cli/main.js'],
  outfile: `${OUT}/main.cjs`,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // import.meta.url names the bundle's own file (the modules that find files beside themselves)
  define: { 'import.meta.url': '__tokenomicsBundleUrl' },
  banner: { js: `// tokenomics build ${buildId}\nconst __tokenomicsBundleUrl = require('node:url').pathToFileURL(__filename).href;` },
  external: ['@clickhouse/client', 'pg', 'pg-native', 'vega', 'vega-lite', 'chdb', 'playwright-core'],
  plugins: [requireDuckDB, duckdbBindings],
  // node-api is resolved from the bundle's folder at run time on purpose (see duckdbBindings)
  logOverride: { 'require-resolve-not-external': 'silent' },
  logLevel: 'warning',
});
// import() of a package kept outside the bundle goes through the loader's import (loader.cjs says why)
const bundled = readFileSync(`${OUT}/main.cjs`, 'utf8');
const imports = bundled.match(/(?<![\w$.])import\(/g)?.length ?? 0;
let rewritten = 0;
const text = bundled.replace(/(?<![\w$.])import\(("[^"\\]+")\)/g, (_, specifier) => {
  rewritten++;
  return `__tokenomicsImport(${specifier})`;
});
if (rewritten !== imports) throw new Error(`main.cjs: ${imports - rewritten} import() calls of no literal package name`);
writeFileSync(`${OUT}/main.cjs`, text);
copyFileSync('scripts/bundle/loader.cjs', `${OUT}/main.js`);
// main.js is CommonJS, like bin/tokenomics.js (the package is an ES module one)
writeFileSync(`${OUT}/package.json`, `${JSON.stringify({ type: 'commonjs' })}\n`);

// the code cache: recorded by a report on a one-line log (the functions it compiles are cached)
const scratch = mkdtempSync(join(tmpdir(), 'tokenomics-bundle-'));
try {
  const log = join(scratch, 'one.jsonl');
  writeFileSync(
    log,
    `${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', created: 1763000000, model: 'gpt-4o-mini', usage: { prompt_tokens: 10, completion_tokens: 5 } })}\n`,
  );
  const run = spawnSync(process.execPath, ['bin/tokenomics.js', 'report', log, '--by', 'model', '--format', 'json', '-q'], {
    encoding: 'utf8',
    env: { ...process.env, TOKENOMICS_RECORD_CODE_CACHE: '1', NODE_OPTIONS: '' },
  });
  if (run.status !== 0) throw new Error(`the bundled CLI failed while recording its code cache:\n${run.stderr}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
const kib = (f) => `${Math.round(statSync(f).size / 1024)} KiB`;
console.log(`${OUT}: main.cjs ${kib(`${OUT}/main.cjs`)}, code cache ${kib(`${OUT}/main.cjs.cache`)}`);
