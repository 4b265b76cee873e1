import { Catalog } from '../../src/pricing/catalog.js';
import { compileDocument } from '../../src/pricing/load.js';
import type { ModelEntry } from '../../src/pricing/model.js';
import { emptyUsage, type UsageRecord } from '../../src/usage/record.js';

/** Compile catalog documents written inline in a test; fails the test on schema errors. */
export function entriesFrom(...docs: unknown[]): ModelEntry[] {
  const out: ModelEntry[] = [];
  for (const doc of docs) {
    const r = compileDocument(doc, 'test.yaml', undefined);
    if (r.errors.length) throw new Error(r.errors.join('\n'));
    out.push(...r.entries);
  }
  return out;
}

export function catalogOf(...docs: unknown[]): Catalog {
  return new Catalog(entriesFrom(...docs));
}

export function usage(model: string, t: Partial<UsageRecord> = {}): UsageRecord {
  return { ...emptyUsage(model, 'r1', 'test.jsonl', 1), ...t };
}
