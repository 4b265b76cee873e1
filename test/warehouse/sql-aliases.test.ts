/**
 * `tokenomics sql` without --model / --models-file prices every catalog id and alias: the
 * `modelAliases` keys of tokenomics.yaml too, as `report` prices them (they were left out, so an
 * aliased model the file report priced stayed unpriced in the warehouse).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { duckdbWarehouse } from '../../src/engine/dialect.js';
import { UsageDb } from '../../src/engine/duckdb.js';
import { buildScript, scriptStatements } from '../../src/engine/warehouse/script.js';
import { loadCatalog } from '../../src/pricing/load.js';
import { NOW } from '../engine/engine-env.js';
import { fixtureRows, loadUsageTable } from './engines.js';

describe('sql: modelAliases keys get price rows', () => {
  it('an aliased id is priced in SQL as the file report prices it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-sql-alias-'));
    const log = join(dir, 'log.csv');
    writeFileSync(
      log,
      'timestamp,model,input_tokens,output_tokens\n2026-10-01T00:00:00Z,acme-ft,1000000,1000000\n2026-10-01T00:00:00Z,gpt-4o-mini,1000000,1000000\n',
    );
    const db = await UsageDb.open({ threads: 1 });
    try {
      await db.seal();
      await db.run('DROP TABLE usage');
      const wh = { run: db.run.bind(db), query: db.query.bind(db), loadTable: db.loadTable.bind(db), close: async () => db.close() };
      await loadUsageTable(wh, duckdbWarehouse, 'aliased', await fixtureRows([log]));
      const script = buildScript({
        dialect: duckdbWarehouse,
        table: 'aliased',
        catalog: loadCatalog({ modelAliases: { 'acme-ft': 'gpt-4o' } }).catalog,
        nowMs: Date.parse(NOW),
        command: 'test',
      });
      let total: Record<string, unknown> | undefined;
      for (const { result, sql } of scriptStatements(script)) {
        if (result === 'total') total = (await db.query(sql))[0];
        else if (result) await db.query(sql);
        else await db.run(sql);
      }
      // acme-ft as gpt-4o: $2.50 + $10 = $12.50; gpt-4o-mini $0.15 + $0.60 = $0.75; $13.25 = 13.25e15 femto-USD
      expect(Number(total?.unpriced_requests ?? 0)).toBe(0);
      expect(BigInt(String(total?.cost_femto))).toBe(13_250_000_000_000_000n);
    } finally {
      db.close();
    }
  }, 60_000);
});
