import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ingest, type IngestHooks } from '../../../src/ingest/index.js';
import type { IngestOptions } from '../../../src/ingest/types.js';
import type { UsageRecord } from '../../../src/usage/record.js';

export function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'tokenomics-ingest-'));
}

export async function run(inputs: string[], options: Partial<IngestOptions> = {}, hooks: IngestHooks = {}) {
  const records: UsageRecord[] = [];
  const result = await ingest(inputs, { keepText: false, ...options }, (r) => records.push(r), hooks);
  return { ...result, records };
}

export function sum(records: UsageRecord[], key: keyof UsageRecord): number {
  return records.reduce((n, r) => n + (r[key] as number), 0);
}
