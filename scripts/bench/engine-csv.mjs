/**
 * Engine workload "engine-csv" (issue 14: "CSV: ≥ 1.5x of csv-parse alone"): a generic CSV of
 * ~150 MB (small: 2 MB; engine-data.mjs, self-describing columns, no --map), read by the SQL
 * reader (DuckDB read_csv) and reported by `tokenomics report` as a whole process (engine.mjs reportArgs),
 * alternating with csv-parse's own streaming parser over the same file (child/csv-parse.mjs, the
 * parse alone: no conversion, no aggregation). The engine fed by the TypeScript CSV reader
 * (--no-sql) runs once for the record, and its report must be identical.
 */
import { join } from 'node:path';
import { genericCsvLog } from './engine-data.mjs';
import { reportArgs, sameReportData } from './engine.mjs';
import { interleavedRuns, medianRun } from './run.mjs';

export async function engineCsv(ctx) {
  const { opts, cli, child, log, row, alerts, notes } = ctx;
  const { mb, mbps, fmtRate, fmtMs, fmtRss, fmtX, bytesOf } = ctx.fmt;
  const mbWanted = opts.size === 'small' ? 2 : 150;
  const reps = Math.max(opts.reps, 3);
  const file = genericCsvLog(join(opts.data, `generic-${mbWanted}mb.csv`), mbWanted, opts.seed);
  const bytes = bytesOf(file);
  const label = `engine report, generic CSV ${mb(bytes)} (SQL reader)`;
  log(`${label}: baseline csv-parse and the engine, alternately x${reps} ...`);
  const runs = await interleavedRuns([child('csv-parse.mjs'), file], cli(...reportArgs(file)), reps, { capture: true });
  const { base, ours } = runs;
  const failed = [base, ours].find((r) => r.code !== 0);
  if (failed) return row({ workload: label, ours: `failed: ${failed.stderr.trim().split('\n').pop()}`, status: 'error' });
  const inputs = ours.json?.inputs ?? {};
  if (inputs.files?.[0]?.format !== 'generic') alerts.push(`${label}: the engine did not read the file as generic CSV`);
  if (inputs.counted !== base.json.rows - 1)
    alerts.push(`${label}: the engine counted ${inputs.counted} records, the CSV has ${base.json.rows - 1} data rows`);
  const viaTs = await medianRun([child('engine-report.mjs'), file, '--no-sql'], 1, { capture: true });
  const identical = viaTs.code === 0 && sameReportData(viaTs.json, ours.json);
  if (!identical) alerts.push(`${label}: the report through the TypeScript CSV reader differs from the SQL reader's`);
  notes.push(
    `${label}: fed by the TypeScript CSV reader (--no-sql) the engine took ${fmtMs(viaTs.ms)} (${fmtX(base.ms / viaTs.ms)} csv-parse alone), peak ${fmtRss(viaTs.rssKB)}; reports ${identical ? 'identical' : 'DIFFERENT'}.`,
  );
  const ratio = base.ms / ours.ms;
  row({
    workload: label,
    baseline: `csv-parse child: ${fmtRate(mbps(bytes, base.ms))} (${fmtMs(base.ms)}, ${base.json.rows} rows)`,
    ours: `${fmtRate(mbps(bytes, ours.ms))} (${fmtMs(ours.ms)}, ${inputs.counted} records)`,
    ratio: fmtX(ratio),
    target: '≥ 1.50x',
    status: ratio >= 1.5 ? 'PASS' : 'FAIL',
    rss: `${fmtRss(ours.rssKB)} (baseline ${fmtRss(base.rssKB)})`,
    reps,
    values: { bytes, baselineMs: base.ms, oursMs: ours.ms, tsReaderMs: viaTs.ms, oursRssKB: ours.rssKB },
  });
}
