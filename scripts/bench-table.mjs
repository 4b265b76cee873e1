#!/usr/bin/env node
/**
 * Table rendering cost against rows: the renderer must be linear (cli-table3, which it replaced,
 * took 119 s for 20k rows). Renders a report-like section of N rows (11 columns, names of mixed
 * length, one long text column) with --all semantics (no row limit), at 80 columns and --wide.
 *
 *   npm run build && node scripts/bench-table.mjs            # 10k, 50k, 100k rows
 *   node scripts/bench-table.mjs 200000                       # other sizes
 *
 * Measured 2026-12-02 on the shared 2-core dev machine (load 10-24): 100k rows 2.5 s CPU at 80
 * columns, 1.6 s --wide (10k: 0.4 / 0.3 s; 50k: 1.3 / 1.1 s). End to end, `report --by user` on
 * 100k requests from 100k users (47 MB JSONL): 7.9 s user CPU with the default top 20, 12.0 s with
 * --all (100k table rows); cli-table3 took 119 s to lay out 20k rows.
 */
import { render } from '../dist/report/format.js';

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
const rowsOf = (n) => {
  const rows = [];
  for (let i = 0; i < n; i++) {
    rows.push({
      user: `user-${i.toString(36)}-${'x'.repeat(i % 17)}`,
      requests: 1 + (i % 97),
      input: i * 31,
      cacheRead: i * 7,
      cacheWrite: i % 5,
      output: i * 3,
      cost: BigInt(i) * 1_234_567_890_123n,
      share: (i % 100) / 1000,
      perRequest: BigInt(i) * 12_345_678_901n,
      note: i % 3 === 0 ? `a longer explanation for row ${i} that does not fit a narrow terminal at all` : '',
      status: i % 2 ? 'ok' : 'over',
    });
  }
  return rows;
};
const columns = [
  { key: 'user', label: 'User', type: 'text' },
  { key: 'requests', label: 'Requests', type: 'int' },
  { key: 'input', label: 'Input tok', type: 'int' },
  { key: 'cacheRead', label: 'Cache read', type: 'int' },
  { key: 'cacheWrite', label: 'Cache write', type: 'int' },
  { key: 'output', label: 'Output tok', type: 'int' },
  { key: 'cost', label: 'Cost', type: 'usd' },
  { key: 'share', label: 'Share', type: 'pct' },
  { key: 'perRequest', label: '$/request', type: 'usd' },
  { key: 'note', label: 'Note', type: 'text' },
  { key: 'status', label: 'Status', type: 'text' },
];
for (const n of sizes.length ? sizes : [10_000, 50_000, 100_000]) {
  const report = { title: 'bench', summary: [], sections: [{ id: 'g', title: 'Groups', columns, rows: rowsOf(n) }], notes: [], json: null };
  for (const width of [80, undefined]) {
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    const out = render(report, 'table', { color: false, width });
    const c = process.cpuUsage(c0);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const cpu = (c.user + c.system) / 1000; // CPU time: the wall clock is inflated on a busy machine
    console.log(
      `${String(n).padStart(7)} rows, width ${String(width ?? 'wide').padEnd(4)}: ${ms.toFixed(0).padStart(6)} ms wall, ${cpu.toFixed(0).padStart(6)} ms CPU, ${(out.length / 1e6).toFixed(1)} MB, ${((cpu * 1000) / n).toFixed(1)} µs CPU/row`,
    );
  }
}
