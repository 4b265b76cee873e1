// Build step: bundle the compiled CLI (dist/cli/main.js) into dist/bundle/, one file per command
// loaded on demand (code splitting), so that a command's start-up opens a handful of files instead
// of ~300 (our ~200 modules and @duckdb/node-api's ~180). Run by `npm run build` after tsc and the
// catalog cache. bin/tokenomics.js runs the bundle; tests and the bench children use dist/ as tsc
// wrote it.
//
// Kept outside the bundle, loaded from node_modules when a command needs them: DuckDB's native
// bindings (a .node file per platform, required from node-api's folder), the warehouse drivers,
// the chart libraries and what only tests use. The modules that find files next to themselves
// (the catalog cache, the tokenizer worker, package.json) name them by a path from
// dist/<folder>/, which dist/bundle/ shares.
import { readFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const OUT = 'dist/bundle';
// DuckDB's node-api is CommonJS and required at run time (src/engine/duckdb.ts says why): bundled,
// it is one more part of a chunk, with no CommonJS loader and no export-name scan.
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
const result = await build({
  entryPoints: ['dist/cli/main.js'],
  outdir: OUT,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // CommonJS parts of the bundle call require(): give the ES module one
  banner: {
    js: "import { createRequire as __tokenomicsRequire } from 'node:module';\nconst require = __tokenomicsRequire(import.meta.url);",
  },
  external: ['@clickhouse/client', 'pg', 'pg-native', 'vega', 'vega-lite', 'chdb', 'playwright-core'],
  plugins: [requireDuckDB, duckdbBindings],
  logLevel: 'warning',
  metafile: true,
});
const files = Object.keys(result.metafile.outputs);
console.log(`${OUT}: ${files.length} files`);
