import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';
import { cpuUsage } from 'node:process';
import { usageTableDdl } from './dist/usage/table.js';
const text = readFileSync(process.argv[2], 'utf8');
const stmts = text.split(/^@[^\n]*?cpu ms  /m).slice(1).map((s) => s.trim());
const prof = new Set(process.argv.slice(3).map(Number));
const db = await DuckDBInstance.create(':memory:', { threads: '2', memory_limit: '400MiB' });
const c = await db.connect();
await c.run(usageTableDdl());
for (let i = 0; i < stmts.length; i++) {
  let sql = stmts[i];
  if (process.env['OVERRIDE_' + i]) sql = readFileSync(process.env['OVERRIDE_' + i], 'utf8');
  const t = performance.now(); const u0 = cpuUsage();
  try {
    if (prof.has(i)) { const r = await c.runAndReadAll('EXPLAIN ANALYZE ' + sql); console.log(r.getRows().map(r=>r[1]).join('\n')); }
    else await c.runAndReadAll(sql);
  } catch (e) { console.log(i, 'ERR', e.message.slice(0, 200)); }
  const u = cpuUsage(u0);
  if (performance.now() - t > 15) console.log(i, ((performance.now()-t)|0)+'ms', ((u.user+u.system)/1000|0)+'cpu', sql.slice(0, 60).replace(/\n/g,' '));
}
