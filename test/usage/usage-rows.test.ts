/**
 * A usage-table row back to a record (recordFromUsageRow), the inverse of the columns' getters: every
 * record the TypeScript readers read from the demo and from a mixed set of fixtures, turned into its
 * row and back, is the same record (text, countsMissing and the timestamp's spelling are not stored);
 * tags from data never touch the prototype; a tier the catalog does not name is priced as standard.
 */
import { describe, expect, it } from 'vitest';
import { ingest } from '../../src/ingest/index.js';
import type { UsageRecord } from '../../src/usage/record.js';
import { recordFromUsageRow, USAGE_COLUMNS } from '../../src/usage/table.js';

/** The record's row as a query returns it (BIGINT as bigint, as DuckDB's JS rows give them). */
function rowOf(r: UsageRecord, seq: number): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const c of USAGE_COLUMNS) {
    const v = c.get(r, seq);
    row[c.name] = c.type === 'BIGINT' && typeof v === 'number' ? BigInt(v) : v;
  }
  return row;
}

/** What the table stores of a record: no text, no countsMissing, the time as its instant, no empty charges. */
function stored(r: UsageRecord): UsageRecord {
  const { text: _text, countsMissing: _missing, timestamp: _ts, charges, ...rest } = r;
  const out: UsageRecord = { ...rest };
  if (r.timeMs !== undefined) out.timestamp = new Date(r.timeMs).toISOString();
  const kept = Object.entries(charges ?? {}).filter(([, n]) => n !== 0);
  if (kept.length) out.charges = Object.fromEntries(kept);
  for (const k of Object.keys(out) as Array<keyof UsageRecord>) if (out[k] === undefined) delete out[k];
  if (out.source.line === undefined) out.source = { file: out.source.file };
  return out;
}

async function recordsOf(inputs: string[]): Promise<UsageRecord[]> {
  const records: UsageRecord[] = [];
  await ingest(inputs, { keepText: false }, (r) => records.push(r));
  return records;
}

describe('recordFromUsageRow', () => {
  it('gives back every record of the demo and of several formats, field for field', async () => {
    const records = await recordsOf([
      'fixtures/demo',
      'fixtures/logs/claude-code',
      'fixtures/logs/codex',
      'fixtures/logs/litellm',
      'fixtures/logs/otel',
    ]);
    expect(records.length).toBeGreaterThan(3596);
    // the fixtures hold what the mapping must carry: tags beyond the five columns, charges, tiers, turns
    expect(records.some((r) => Object.keys(r.tags).some((k) => !['feature', 'customer', 'user', 'outcome', 'prompt'].includes(k)))).toBe(
      true,
    );
    expect(records.some((r) => r.charges && Object.values(r.charges).some((n) => n))).toBe(true);
    expect(records.some((r) => r.serviceTier === 'batch')).toBe(true);
    expect(records.some((r) => r.turn !== undefined)).toBe(true);
    records.forEach((r, seq) => {
      const back = recordFromUsageRow(rowOf(r, seq));
      for (const k of Object.keys(back) as Array<keyof UsageRecord>) if (back[k] === undefined) delete back[k];
      if (back.source.line === undefined) back.source = { file: back.source.file };
      expect(back).toEqual(stored(r));
    });
  });

  it('a tag named __proto__ is a tag, not the prototype; non-string tag values are left out', () => {
    const r = recordFromUsageRow({
      id: 'x',
      model: 'gpt-4.1',
      input_tokens: 1n,
      output_tokens: 2n,
      requests: 1n,
      estimated: false,
      tags: '{"__proto__":"p","team":"a","n":3,"o":{"k":"v"}}',
      feature: 'f',
      source_file: 'f.parquet',
      source_line: 4,
      service_tier: 'default',
    });
    expect(Object.getPrototypeOf(r.tags)).toBe(Object.prototype);
    expect(Object.hasOwn(r.tags, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(r.tags, '__proto__')?.value).toBe('p');
    expect({ ...r.tags }).toEqual({ ['__proto__']: 'p', team: 'a', feature: 'f' });
    // "default" names no priced tier: standard, as the engine prices it
    expect(r.serviceTier).toBe('standard');
    expect(r.source).toEqual({ file: 'f.parquet', line: 4 });
    expect(r.timeMs).toBeUndefined();
  });
});
