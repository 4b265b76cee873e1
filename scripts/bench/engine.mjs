/**
 * Engine workloads of the bench (issue 14): `tokenomics report FILE --by model --format json` end to
 * end, as a whole process (the CLI users run), against baselines run alternately in the same bench:
 *  - engine-jsonl: plain OpenAI bodies read by the SQL reader, ~167 MB and ~1 GB (small: 2 / 20 MB),
 *    against split + JSON.parse alone (child/split-parse.mjs); target ≥ 1.5x; peak RSS < 600 MB at 1 GB;
 *    the TypeScript readers feeding the same engine (child/engine-report.mjs --no-sql) are timed too, for
 *    the record, and their report data must equal the CLI's;
 *  - engine-parquet: 10 million usage rows in Parquet (small: 100 000), full report; target < 5 s;
 *  - engine-warehouse (issue 15): the engine-parquet rows (10 million; small: 100 000) loaded into
 *    DuckDB and into chDB, the report and the `tokenomics sql` script computed inside each
 *    (scripts/bench-warehouse.mjs), timed, their totals equal to the femto-dollar; chDB is test-only,
 *    so without it (scripts/test-services.sh up installs it) its row is skipped with the reason.
 * Inputs are generated into the bench data folder (engine-data.mjs), never committed.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openaiBodies, usageParquet } from './engine-data.mjs';
import { interleavedRuns, medianRun } from './run.mjs';

/**
 * The report the engine rows time: the CLI as users run it (`-q`: no progress line, no warnings).
 * The `--no-sql` runs go through child/engine-report.mjs, which prints the same document without
 * the rendered report model (`sameReportData` compares the two).
 */
export const reportArgs = (...inputs) => ['report', ...inputs, '--by', 'model', '--format', 'json', '-q'];

/**
 * Report JSON equal apart from the rendered report model (the top-level `report`, which only the
 * CLI prints), whatever the order of keys.
 */
export function sameReportData(a, b) {
  if (!a || !b) return false;
  const canon = (v) =>
    Array.isArray(v)
      ? v.map(canon)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, canon(v[k])]),
          )
        : v;
  const data = ({ report: _rendered, ...rest }) => JSON.stringify(canon(rest));
  return data(a) === data(b);
}

/** `ctx`: { opts, cli(...args), child(name), log, row, notes, alerts, fmt: { mb, mbps, fmtRate, fmtMs, fmtRss, fmtX, bytesOf } }. */
export async function engineJsonl(ctx) {
  const { opts, cli, child, log, row, alerts, notes } = ctx;
  const { mb, mbps, fmtRate, fmtMs, fmtRss, fmtX, bytesOf } = ctx.fmt;
  const sizes =
    opts.size === 'small'
      ? [
          [2, 3],
          [20, 1],
        ]
      : [
          [167, Math.max(opts.reps, 3)],
          [1000, 1],
        ];
  for (const [mbWanted, reps] of sizes) {
    const file = openaiBodies(join(opts.data, `openai-bodies-${mbWanted}mb.jsonl`), mbWanted, opts.seed);
    const bytes = bytesOf(file);
    const label = `engine report, OpenAI JSONL ${mb(bytes)} (SQL reader)`;
    log(`${label}: baseline split+JSON.parse and the engine, alternately x${reps} ...`);
    const { base, ours } = await interleavedRuns([child('split-parse.mjs'), file], cli(...reportArgs(file)), reps, {
      capture: true,
    });
    if (base.code !== 0 || ours.code !== 0) {
      row({
        workload: label,
        baseline: '',
        ours: `failed: ${(ours.code !== 0 ? ours : base).stderr.trim().split('\n').pop()}`,
        status: 'error',
      });
      continue;
    }
    const files = ours.json?.inputs?.files ?? [];
    if (files[0]?.format !== 'openai') alerts.push(`${label}: the engine did not read the file as openai`);
    const ts = await medianRun([child('engine-report.mjs'), file, '--no-sql'], 1, { capture: true });
    const same = ts.code === 0 && sameReportData(ts.json, ours.json);
    if (!same) alerts.push(`${label}: the report through the TypeScript readers differs from the SQL reader's`);
    const b = mbps(bytes, base.ms);
    const o = mbps(bytes, ours.ms);
    const ratio = o / b;
    notes.push(
      `${label}: the same engine fed by the TypeScript readers took ${fmtMs(ts.ms)} (${fmtX(base.ms / ts.ms)} the baseline), peak ${fmtRss(ts.rssKB)}; reports ${same ? 'identical' : 'DIFFERENT'}.`,
    );
    row({
      workload: label,
      baseline: `split+JSON.parse child: ${fmtRate(b)} (${fmtMs(base.ms)})`,
      ours: `${fmtRate(o)} (${fmtMs(ours.ms)}, ${ours.json?.inputs?.counted} records)`,
      ratio: fmtX(ratio),
      target: mbWanted >= 1000 ? '≥ 1.50x, RSS < 600 MB' : '≥ 1.50x',
      status: ratio >= 1.5 && (mbWanted < 1000 || (ours.rssKB ?? Infinity) < 600 * 1024) ? 'PASS' : 'FAIL',
      rss: `${fmtRss(ours.rssKB)} (baseline ${fmtRss(base.rssKB)})`,
      reps,
      values: { bytes, baselineMs: base.ms, oursMs: ours.ms, tsReadersMs: ts.ms, oursRssKB: ours.rssKB, baselineRssKB: base.rssKB },
    });
  }
}

export async function engineParquet(ctx) {
  const { opts, cli, log, row } = ctx;
  const { fmtMs, fmtRss } = ctx.fmt;
  const n = opts.size === 'small' ? 100_000 : 10_000_000;
  const file = await usageParquet(join(opts.data, `usage-${n}.parquet`), n);
  const label = `engine report, ${n.toLocaleString('en')} usage rows in Parquet`;
  // the median of --reps runs (3 by default): one run of an absolute target is one draw of the
  // machine's speed (the same code: 4.3 s and 6.4 s in two runs of this bench minutes apart)
  const reps = Math.max(opts.reps, 1);
  log(`${label}, x${reps} ...`);
  const r = await medianRun(cli(...reportArgs(file)), reps, { capture: true });
  if (r.code !== 0) return row({ workload: label, ours: `failed: ${r.stderr.trim().split('\n').pop()}`, status: 'error' });
  const counted = r.json?.inputs?.counted;
  row({
    workload: label,
    baseline: 'none (absolute target)',
    ours: `${fmtMs(r.ms)} (${counted} records)`,
    ratio: '',
    target: n >= 10_000_000 ? '< 5 s' : '',
    status: n < 10_000_000 ? 'info' : r.ms < 5000 && counted === n ? 'PASS' : 'FAIL',
    rss: fmtRss(r.rssKB),
    reps,
    values: { rows: n, oursMs: r.ms, oursRssKB: r.rssKB, runsMs: r.all },
  });
}

export async function engineWarehouse(ctx) {
  const { opts, log, row } = ctx;
  const { fmtMs, fmtRss } = ctx.fmt;
  const n = opts.size === 'small' ? 100_000 : 10_000_000;
  const script = fileURLToPath(new URL('../bench-warehouse.mjs', import.meta.url));
  const label = (engine) => `warehouse scale run, ${n.toLocaleString('en')} rows in ${engine}`;
  log(`${label('DuckDB and chDB')} ...`);
  const r = await medianRun([script, String(n), '--data', opts.data, '--json'], 1, { capture: true });
  if (r.code !== 0 || !r.json)
    return row({ workload: label('DuckDB and chDB'), ours: `failed: ${r.stderr.trim().split('\n').pop()}`, status: 'error' });
  const names = { duckdb: 'DuckDB', clickhouse: 'chDB (ClickHouse)' };
  for (const x of r.json.results)
    row({
      workload: label(names[x.engine]),
      baseline: 'none (timed)',
      ours: `load ${fmtMs(x.loadMs)}, report --by feature,model ${fmtMs(x.reportMs)}, its sql script ${fmtMs(x.scriptMs)} (${x.requests} requests)`,
      ratio: '',
      target: 'timed',
      status: x.requests === n ? 'info' : 'FAIL',
      rss: `${fmtRss(r.rssKB)} (one process, both engines)`,
      reps: 1,
      values: {
        rows: n,
        engine: x.engine,
        loadMs: x.loadMs,
        reportMs: x.reportMs,
        scriptMs: x.scriptMs,
        costFemto: x.costFemto,
        rssKB: r.rssKB,
      },
    });
  for (const [engine, reason] of Object.entries(r.json.skipped))
    row({ workload: label(names[engine]), baseline: '', ours: `skipped: ${reason}`, ratio: '', target: 'timed', status: 'skip', rss: '' });
}
