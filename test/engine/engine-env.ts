/**
 * Runs `report --format json` through the DuckDB engine with the same inputs and options as a CLI
 * invocation (the flags the parity suite uses), built the way the command layer builds them.
 */
import { parseDimensions } from '../../src/aggregate/dims.js';
import { reportViaDuckDB, type EngineReport } from '../../src/engine/report.js';
import { parseColumnMap } from '../../src/ingest/index.js';
import { dateToMs } from '../../src/pricing/compile.js';
import { Pricer } from '../../src/pricing/cost.js';
import { loadCatalog } from '../../src/pricing/load.js';
import { toJson } from '../../src/report/format.js';
import { usageDocument } from '../../src/report/data.js';

export const NOW = '2026-11-23T00:00:00Z';

export interface Flags {
  inputs: string[];
  by?: string;
  since?: string;
  until?: string;
  reprice?: string;
  map?: string;
  inputFormat?: string;
  tz?: string;
  /** --top N: only the N most expensive groups leave SQL, the rest summed in groupsLeftOut. */
  top?: number;
}

export function cliArgs(f: Flags): string[] {
  const args = ['report', ...f.inputs, '--format', 'json'];
  if (f.by) args.push('--by', f.by);
  if (f.since) args.push('--since', f.since);
  if (f.until) args.push('--until', f.until);
  if (f.reprice) args.push('--reprice', f.reprice);
  if (f.map) args.push('--map', f.map);
  if (f.inputFormat) args.push('--input-format', f.inputFormat);
  if (f.tz) args.push('--tz', f.tz);
  if (f.top !== undefined) args.push('--top', String(f.top));
  return args;
}

const time = (v: string | undefined) => (v === undefined ? undefined : /^\d{4}-\d{2}-\d{2}$/.test(v) ? dateToMs(v) : Date.parse(v));

export async function engineReport(f: Flags): Promise<EngineReport> {
  const nowMs = Date.parse(NOW);
  const { catalog } = loadCatalog({ priceFiles: [] });
  let reprice: { pricer: Pricer; label: string } | undefined;
  if (f.reprice === 'current') reprice = { pricer: new Pricer(catalog, { atMs: nowMs }), label: `today's prices (${NOW.slice(0, 10)})` };
  else if (f.reprice && /^\d{4}-\d{2}-\d{2}$/.test(f.reprice))
    reprice = { pricer: new Pricer(catalog, { atMs: dateToMs(f.reprice) }), label: `prices on ${f.reprice}` };
  else if (f.reprice)
    reprice = { pricer: new Pricer(loadCatalog({ priceFiles: [f.reprice] }).catalog, { atMs: nowMs }), label: `proposed (${f.reprice})` };
  return reportViaDuckDB(
    f.inputs,
    {
      dims: parseDimensions(f.by ?? 'model', f.tz),
      sinceMs: time(f.since),
      untilMs: time(f.until),
      filters: [f.since !== undefined ? `--since ${f.since}` : '', f.until !== undefined ? `--until ${f.until}` : ''].filter(Boolean),
      top: f.top,
    },
    {
      catalog,
      nowMs,
      reprice,
      ingest: { keepText: false, inputFormat: f.inputFormat, columns: f.map ? parseColumnMap(f.map) : undefined },
      duckdb: { threads: 1 },
    },
  );
}

export async function engineJson(f: Flags): Promise<string> {
  return toJson(usageDocument((await engineReport(f)).data)) + '\n';
}
