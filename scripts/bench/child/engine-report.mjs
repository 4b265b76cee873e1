/**
 * `report --format json --by model` through the DuckDB engine (src/engine/report.ts), as a whole
 * process, printing the report data without the rendered report model. The bench times the CLI
 * itself (engine.mjs reportArgs); it runs this child with --no-sql, where only the TypeScript
 * readers feed the engine, to check that both paths give the same report.
 *   node engine-report.mjs FILE... [--no-sql] [--memory-limit SIZE] [--temp-dir DIR]
 * Prints the report JSON (the bench reads its totals).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDimensions } from '../../../dist/aggregate/dims.js';
import { reportViaDuckDB } from '../../../dist/engine/report.js';
import { loadCatalog } from '../../../dist/pricing/load.js';
import { usageDocument } from '../../../dist/report/data.js';
import { toJson } from '../../../dist/report/format.js';

const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const noSql = args.includes('--no-sql');
const memoryLimit = flag('--memory-limit');
// as the CLI: a temporary directory of the run's own (so DuckDB's default memory limit applies), removed afterwards
const ownTemp = args.includes('--temp-dir') ? undefined : mkdtempSync(join(tmpdir(), 'tokenomics-bench-duckdb-'));
const tempDirectory = flag('--temp-dir') ?? ownTemp;
const inputs = args.filter((a) => a !== '--no-sql');
const { catalog } = loadCatalog({ priceFiles: [] });
const report = await reportViaDuckDB(
  inputs,
  { dims: parseDimensions('model') },
  {
    catalog,
    nowMs: Date.parse('2026-11-23T00:00:00Z'),
    ingest: { keepText: false },
    sqlReaders: !noSql,
    duckdb: { memoryLimit, tempDirectory },
  },
);
if (ownTemp) rmSync(ownTemp, { recursive: true, force: true });
process.stdout.write(`${toJson(usageDocument(report.data))}\n`);
