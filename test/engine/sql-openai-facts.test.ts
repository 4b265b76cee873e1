/**
 * What the OpenAI SQL reader hands the report about its rows (InPlaceFacts: route keys, time span,
 * row kinds), checked against a scan of the usage view (the independent path) on every OpenAI file
 * the SQL reader takes, and by hand on a small file.
 */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageDb } from '../../src/engine/duckdb.js';
import { ZERO_CANDIDATES } from '../../src/engine/price-map.js';
import { loadWithSql } from '../../src/engine/sql-readers/index.js';

async function factsAndScan(file: string) {
  const db = await UsageDb.open({ threads: 1 });
  try {
    const load = await loadWithSql(db, file, { keepText: false });
    if (load === 'fallback') return undefined;
    await db.seal();
    const keys = (rows: ReadonlyArray<{ model?: unknown; provider?: unknown; regional?: unknown }>) =>
      rows.map((k) => JSON.stringify([String(k.model), k.provider ?? null, k.regional ?? null])).sort();
    const [s] = await db.query(`SELECT min(time_ms) AS first_ms, max(time_ms) AS last_ms, bool_or(service_tier IS NOT NULL) AS tiers,
  bool_or(fast) AS fast, bool_or(requests <> 1) AS other, bool_or(turn IS NOT NULL) AS turns,
  bool_and(customer IS NOT NULL AND customer <> '') AS customers,
  ${ZERO_CANDIDATES.map((c) => `bool_and(${c === 'estimated' ? 'NOT estimated' : `${c} = 0`}) AS "${c}"`).join(', ')} FROM usage`);
    return {
      routes: keys(await db.routeKeys()),
      scannedRoutes: keys(await db.query('SELECT DISTINCT model, provider, regional FROM usage')),
      span: await db.timeSpan(),
      scanned: s,
      kinds: await db.rowKinds(),
    };
  } finally {
    db.close();
  }
}

describe('the OpenAI SQL reader: what it tells the report of its rows', () => {
  it('holds every row on each OpenAI file the SQL reader takes (a scan of the usage view)', async () => {
    const fixtures = join(import.meta.dirname, '..', '..', 'fixtures');
    const files = [
      ...readdirSync(join(fixtures, 'sql-readers'))
        .filter((f) => f.startsWith('openai-'))
        .map((f) => join(fixtures, 'sql-readers', f)),
      ...readdirSync(join(fixtures, 'logs', 'openai')).map((f) => join(fixtures, 'logs', 'openai', f)),
    ];
    let taken = 0;
    let zeroSaid = 0;
    for (const name of files) {
      const r = await factsAndScan(name);
      if (r === undefined) continue;
      taken++;
      expect(r.routes, name).toEqual(expect.arrayContaining(r.scannedRoutes));
      const first = r.scanned.first_ms === null ? null : Number(r.scanned.first_ms);
      const last = r.scanned.last_ms === null ? null : Number(r.scanned.last_ms);
      if (first !== null) expect(r.span?.firstMs ?? Number.POSITIVE_INFINITY, name).toBeLessThanOrEqual(first);
      if (last !== null) expect(r.span?.lastMs ?? Number.NEGATIVE_INFINITY, name).toBeGreaterThanOrEqual(last);
      // a kind some row has is never said to be absent
      if (r.scanned.tiers === true) expect(r.kinds?.serviceTiers, name).toBe(true);
      if (r.scanned.fast === true) expect(r.kinds?.fast, name).toBe(true);
      expect([r.scanned.other, r.scanned.turns], name).not.toContain(true);
      expect(r.kinds?.everyCustomer && r.scanned.customers !== true, name).toBe(false);
      // a count said to be 0 in every row is (NULL: the view has no row)
      for (const c of r.kinds?.zero ?? []) expect(r.scanned[c], `${name}: ${c}`).not.toBe(false);
      zeroSaid += r.kinds?.zero?.length ?? 0;
    }
    // (some file had a count 0 in every row to say so of)
    expect(zeroSaid).toBeGreaterThan(0);
    // (the others fall back to the TypeScript reader by design)
    expect(taken).toBeGreaterThanOrEqual(4);
  });

  it('by hand: keys, span in milliseconds and kinds of a small file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-openai-facts-'));
    const body = (id: string, created: number, model: string, tier?: string) =>
      JSON.stringify({
        id,
        object: 'chat.completion',
        created,
        model,
        ...(tier ? { service_tier: tier } : {}),
        usage: { prompt_tokens: 10, completion_tokens: 5 },
      });
    const tiered = join(dir, 'tiered.jsonl');
    writeFileSync(
      tiered,
      `${[body('a', 1790000100, 'gpt-4.1', 'flex'), body('b', 1790000000, 'o4-mini', 'fast'), body('c', 1790000050, 'gpt-4.1')].join('\n')}\n`,
    );
    const r = await factsAndScan(tiered);
    expect(r?.routes).toEqual([JSON.stringify(['gpt-4.1', 'openai', null]), JSON.stringify(['o4-mini', 'openai', null])]);
    // created is in seconds: 1790000000 s .. 1790000100 s
    expect(r?.span).toEqual({ firstMs: 1790000000000, lastMs: 1790000100000 });
    expect(r?.kinds).toEqual({
      serviceTiers: true,
      fast: true,
      otherRequests: false,
      everyCustomer: false,
      everyUser: false,
      turns: false,
      conversations: false,
      // 10 prompt and 5 completion tokens a body, nothing cached or reasoned: every other count is 0, none estimated
      zero: ZERO_CANDIDATES.filter((c) => c !== 'input_tokens' && c !== 'output_tokens'),
    });
    const plain = join(dir, 'plain.jsonl');
    writeFileSync(plain, `${body('d', 1790000000, 'gpt-4.1')}\n`);
    expect((await factsAndScan(plain))?.kinds).toMatchObject({ serviceTiers: false, fast: false });
  });
});
