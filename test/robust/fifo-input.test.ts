/**
 * A named pipe given as an input (`mkfifo logs.jsonl; zcat logs.gz > logs.jsonl &`) can be read
 * once. The SQL readers looked at its head first (to detect the format) and closed it: the writer
 * died of SIGPIPE and the TypeScript reader's open then waited for a writer forever (the report
 * hung). A pipe now goes to the TypeScript reader untouched, whatever the SQL threshold.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDimensions } from '../../src/aggregate/dims.js';
import { UsageDb } from '../../src/engine/duckdb.js';
import { reportViaDuckDB, SQL_FROM_BYTES } from '../../src/engine/report.js';
import { loadCatalog } from '../../src/pricing/load.js';

const dir = mkdtempSync(join(tmpdir(), 'tk-fifo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const { catalog } = loadCatalog({ priceFiles: [] });

// 3,000 lines of ~150 bytes: far more than one 64 KiB chunk of a look at the head
const LINES = 3000;
const text = Array.from({ length: LINES }, (_, i) =>
  JSON.stringify({
    id: `c${i}`,
    object: 'chat.completion',
    created: 1763000000 + i,
    model: 'gpt-4o-mini',
    usage: { prompt_tokens: 10, completion_tokens: 5 },
  }),
).join('\n');
const source = join(dir, 'source.jsonl');
writeFileSync(source, `${text}\n`);

async function viaFifo(name: string, sqlFromBytes: number) {
  const fifo = join(dir, name);
  execFileSync('mkfifo', [fifo]);
  const writer: ChildProcess = spawn('sh', ['-c', `cat '${source}' > '${fifo}'`], { stdio: 'ignore' });
  try {
    const db = await UsageDb.open({ threads: 1 });
    return await reportViaDuckDB(
      [fifo],
      { dims: parseDimensions('model') },
      { catalog, nowMs: 0, ingest: { keepText: false }, db: Promise.resolve(db), sqlFromBytes },
    );
  } finally {
    writer.kill();
  }
}

describe('a named pipe as an input', () => {
  // the command's threshold (the pipe's size is 0: the TypeScript reader) and none (every file offered to SQL first)
  it.each([
    ['command threshold', SQL_FROM_BYTES],
    ['no threshold', 0],
  ])(
    'is read whole, once (%s)',
    async (_, sqlFromBytes) => {
      const r = await viaFifo(`pipe-${sqlFromBytes}.jsonl`, sqlFromBytes);
      expect(r.ingest.issues).toEqual([]);
      expect(r.ingest.counts).toMatchObject({ read: LINES, counted: LINES, skipped: {}, rejected: {} });
      // 3,000 x 10 prompt tokens, 3,000 x 5 completion tokens
      expect(r.view.total.sums.inputTokens).toBe(30000);
      expect(r.view.total.sums.outputTokens).toBe(15000);
    },
    20000,
  );
});
