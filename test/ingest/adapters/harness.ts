/**
 * Test harness for provider adapters: a fake IngestContext that feeds fixture values through an
 * adapter (JSON.parse per JSONL line, or the adapter's `unwrap` / array elements for whole
 * documents), calls endFile per file and endRun once, and collects records, skips and rejects.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { IngestContext, IngestOptions, JsonAdapter } from '../../../src/ingest/types.js';
import type { UsageRecord } from '../../../src/usage/record.js';

export const FIXTURES = fileURLToPath(new URL('../../../fixtures/logs/', import.meta.url));

export interface Reject {
  code: string;
  message: string;
  path?: string;
  hint?: string;
  file: string;
  line: number;
}

export interface RunResult {
  records: UsageRecord[];
  skips: Record<string, number>;
  rejects: Reject[];
  /** The adapter's warnings about a whole file (IngestContext.warn). */
  warnings: Array<{ code: string; message: string; hint?: string; file: string; line?: number }>;
}

/** A file to feed: JSONL text (one value per line) or a whole JSON document. */
export interface InputFile {
  name: string;
  text: string;
  whole?: boolean;
}

export function fixture(rel: string, whole = false): InputFile {
  return { name: rel, text: readFileSync(FIXTURES + rel, 'utf8'), whole };
}

function values(adapter: JsonAdapter, f: InputFile): unknown[] {
  if (!f.whole) {
    return f.text.split('\n').map((l) => (l.trim() === '' ? undefined : JSON.parse(l)));
  }
  const doc: unknown = JSON.parse(f.text);
  if (Array.isArray(doc)) return doc;
  return adapter.unwrap?.(doc) ?? [doc];
}

export function run(adapter: JsonAdapter, files: InputFile[], options: Partial<IngestOptions> = {}): RunResult {
  const out: RunResult = { records: [], skips: {}, rejects: [], warnings: [] };
  const runState = new Map<string, unknown>();
  let file = '';
  let line = 0;
  let fileState = new Map<string, unknown>();
  const ctx: IngestContext = {
    get file() {
      return file;
    },
    get line() {
      return line;
    },
    options: { keepText: false, ...options },
    get fileState() {
      return fileState;
    },
    runState,
    emit: (r) => {
      out.records.push(r);
    },
    skip: (reason) => {
      out.skips[reason] = (out.skips[reason] ?? 0) + 1;
    },
    reject: (code, message, path, hint) => {
      out.rejects.push({ code, message, path, hint, file, line });
    },
    warn: (code, message, hint, at) => {
      out.warnings.push({ code, message, hint, file, ...(at === undefined ? {} : { line: at }) });
    },
  };
  for (const f of files) {
    file = f.name;
    fileState = new Map();
    values(adapter, f).forEach((v, i) => {
      if (v === undefined) return;
      line = i + 1;
      adapter.convert(v, ctx);
    });
    adapter.endFile?.(ctx);
  }
  adapter.endRun?.(ctx);
  return out;
}

export interface Totals {
  records: number;
  requests: number;
  input: number;
  cacheRead: number;
  write5m: number;
  write1h: number;
  output: number;
  reasoning: number;
}

/** Per-model bucket totals. */
export function totalsByModel(records: UsageRecord[]): Record<string, Totals> {
  const t: Record<string, Totals> = {};
  for (const r of records) {
    const m = (t[r.model] ??= { records: 0, requests: 0, input: 0, cacheRead: 0, write5m: 0, write1h: 0, output: 0, reasoning: 0 });
    m.records++;
    m.requests += r.requests;
    m.input += r.inputTokens;
    m.cacheRead += r.cacheReadTokens;
    m.write5m += r.cacheWrite5mTokens;
    m.write1h += r.cacheWrite1hTokens;
    m.output += r.outputTokens;
    m.reasoning += r.reasoningTokens;
  }
  return t;
}

/** Shorthand for expected totals (zeros omitted). */
export function tot(p: Partial<Totals> & { records: number }): Totals {
  return { requests: p.records, input: 0, cacheRead: 0, write5m: 0, write1h: 0, output: 0, reasoning: 0, ...p };
}

export function rejectCodes(r: RunResult): Record<string, number> {
  const c: Record<string, number> = {};
  for (const x of r.rejects) c[x.code] = (c[x.code] ?? 0) + 1;
  return c;
}

export function byId(r: RunResult, id: string): UsageRecord {
  const rec = r.records.find((x) => x.id === id);
  if (!rec) throw new Error(`no record ${id}`);
  return rec;
}
