import { DuckDBInstance } from '@duckdb/node-api';
import { cpuUsage } from 'node:process';
const db = await DuckDBInstance.create(':memory:', { threads: '2', memory_limit: '400MiB' });
const c = await db.connect();
for (const sql of process.argv.slice(2)) {
  const t = performance.now(); const u0 = cpuUsage();
  const r = await c.runAndReadAll(sql);
  const u = cpuUsage(u0);
  console.log(((performance.now()-t)|0)+'ms wall', ((u.user+u.system)/1000|0)+'ms cpu', JSON.stringify(r.getRowObjectsJson()).slice(0,200));
}
