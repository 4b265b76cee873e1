/**
 * A rollup of a later part merged into the rollup of the part before it must equal one rollup over
 * all records: checked on seeded random logs with conversations, explicit and implicit turns,
 * cache writes and reads across the split, several models (one unpriced), tags and outcomes.
 */
import { describe, expect, it } from 'vitest';
import { parseDimensions } from '../../src/aggregate/dims.js';
import { mergeRollup, rollupConflict, rollupPartial } from '../../src/aggregate/rollup-partial.js';
import { ReportRollup } from '../../src/aggregate/rollup.js';
import { buildView } from '../../src/aggregate/view.js';
import { loadCatalog } from '../../src/pricing/load.js';
import { Pricer } from '../../src/pricing/cost.js';
import { emptyUsage, type UsageRecord } from '../../src/usage/record.js';

const { catalog } = loadCatalog();
const MODELS = ['gpt-4o-mini-2024-07-18', 'claude-sonnet-4-5-20250929', 'gemini-2.5-pro', 'acme-private-model'];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function records(n: number, seed: number): UsageRecord[] {
  const rand = rng(seed);
  const out: UsageRecord[] = [];
  let t = Date.parse('2026-10-01T00:00:00Z');
  for (let i = 0; i < n; i++) {
    t += Math.floor(rand() * 120_000);
    const r = emptyUsage(MODELS[Math.floor(rand() * MODELS.length)], `id-${i}`, 'log.jsonl', i + 1);
    r.timeMs = t;
    r.timestamp = new Date(t).toISOString();
    r.inputTokens = Math.floor(rand() * 300_000); // some above 200k: long-context tiers
    r.outputTokens = Math.floor(rand() * 2000);
    if (rand() < 0.4) r.cacheReadTokens = Math.floor(rand() * 5000);
    if (rand() < 0.2) r.cacheWrite5mTokens = Math.floor(rand() * 5000);
    if (rand() < 0.05) r.cacheWrite1hTokens = Math.floor(rand() * 5000);
    if (rand() < 0.7) r.conversationId = `c-${Math.floor(rand() * 40)}`;
    if (r.conversationId && rand() < 0.2) r.turn = 1 + Math.floor(rand() * 5);
    if (rand() < 0.8) r.tags.customer = `cust-${Math.floor(rand() * 30)}`;
    if (rand() < 0.6) r.tags.user = `u-${Math.floor(rand() * 200)}`;
    if (rand() < 0.5) r.tags.feature = rand() < 0.5 ? 'chat' : 'search';
    if (rand() < 0.3) r.tags.outcome = rand() < 0.7 ? 'success' : 'failure';
    if (rand() < 0.1) r.serviceTier = 'batch';
    out.push(r);
  }
  return out;
}

function rollupOf(recs: UsageRecord[], pricer: Pricer, repricer: Pricer, laterPartWindow?: number): ReportRollup {
  const rollup = new ReportRollup({ dims: parseDimensions('model,feature'), repricer, laterPartWindow });
  for (const r of recs) rollup.add(r, pricer.cardFor(r));
  return rollup;
}

/** The view as plain JSON (bigints as strings), for deep equality. */
function plain(rollup: ReportRollup): unknown {
  return JSON.parse(JSON.stringify(buildView(rollup), (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
}

describe('merging the rollup of a later part', () => {
  for (const [n, splitAt, seed] of [
    [3000, 1500, 1],
    [3000, 7, 2],
    [2000, 1999, 3],
    [4000, 2600, 4],
  ] as const) {
    it(`equals one pass (${n} records split at ${splitAt}, seed ${seed})`, () => {
      const recs = records(n, seed);
      const pricer = new Pricer(catalog, { defaultMs: Date.parse('2026-11-23T00:00:00Z') });
      const repricer = new Pricer(catalog, { atMs: Date.parse('2026-11-23T00:00:00Z') });
      const whole = rollupOf(recs, pricer, repricer);
      const first = rollupOf(recs.slice(0, splitAt), pricer, repricer);
      // the worker has its own Pricer over the same catalog: cards travel as refs
      const workerPricer = new Pricer(catalog, { defaultMs: Date.parse('2026-11-23T00:00:00Z') });
      const workerRepricer = new Pricer(catalog, { atMs: Date.parse('2026-11-23T00:00:00Z') });
      const later = rollupOf(recs.slice(splitAt), workerPricer, workerRepricer, 100_000);
      const partial = structuredClone(rollupPartial(later));
      expect(rollupConflict(first, partial)).toBeUndefined();
      mergeRollup(first, partial, pricer, repricer);
      const merged = plain(first) as Record<string, unknown>;
      const onePass = plain(whole) as Record<string, unknown>;
      expect(Object.keys(merged)).toEqual(Object.keys(onePass));
      for (const key of Object.keys(onePass)) expect([key, merged[key]]).toEqual([key, onePass[key]]);
      expect(whole.turns.size).toBeGreaterThan(5);
      expect(buildView(whole).unreadWrites.writes).toBeGreaterThan(0);
    });
  }

  it('reports a conversation that the later part numbered locally but the earlier part also saw', () => {
    const recs = records(2000, 5);
    const pricer = new Pricer(catalog, { defaultMs: 0 });
    const first = rollupOf(recs.slice(0, 1000), pricer, pricer);
    const later = rollupOf(recs.slice(1000), pricer, pricer, 0); // no early window: every conversation numbered locally
    expect(rollupConflict(first, rollupPartial(later))).toMatch(/^conversation c-\d+ continues across the split$/);
  });

  it('card refs resolve to the same cards in another Pricer', () => {
    const a = new Pricer(catalog, { defaultMs: 0 });
    const b = new Pricer(catalog, { defaultMs: 0 });
    for (const r of records(500, 6)) {
      const card = a.cardFor(r);
      if (!card) continue;
      const other = b.cardByRef(card.ref);
      expect(other?.prices).toEqual(card.prices);
      expect(other?.adjustments).toEqual(card.adjustments);
      expect(b.cardFor(r)).toBe(other);
    }
    expect(a.cardByRef('99999/0')).toBeUndefined();
  });
});
