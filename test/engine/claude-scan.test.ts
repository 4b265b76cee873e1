/**
 * The transcript line scan (src/engine/sql-readers/claude-scan.ts) reads a file a chunk at a time:
 * whatever the chunk size (down to one byte, so that every line start and newline falls on a chunk
 * boundary somewhere), it must answer what the whole text says, computed here independently by
 * splitting the text on newlines.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scanTranscripts } from '../../src/engine/sql-readers/claude-scan.js';

const tmp = mkdtempSync(join(tmpdir(), 'tokenomics-claude-scan-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let fileNo = 0;

function write(text: string, gzip = false): string {
  const file = join(tmp, `f${++fileNo}.jsonl${gzip ? '.gz' : ''}`);
  writeFileSync(file, gzip ? gzipSync(text) : text);
  return file;
}

/** What the whole text says: lines (a last line without newline counts), plain, first `head` values. */
function expected(text: string, head: number) {
  const parts = text.split('\n');
  if (parts[parts.length - 1] === '') parts.pop();
  const plain = text.length > 0 && parts.every((l) => l.startsWith('{'));
  if (!plain) return { plain: false };
  return { lines: parts.length, plain: true, head: parts.slice(0, head).map((l) => JSON.parse(l) as unknown) };
}

const texts: Record<string, string> = {
  'lines ending in a newline': '{"a":1}\n{"b":[2,3]}\n{"c":"x\\ny"}\n',
  'a last line without newline': '{"a":1}\n{"b":2}',
  'one line': '{"only":true}\n',
  'a blank line': '{"a":1}\n\n{"b":2}\n',
  'a line starting with a space': '{"a":1}\n {"b":2}\n',
  'a first line not an object': '[1]\n{"a":1}\n',
  'an empty file': '',
  'more lines than the head': Array.from({ length: 12 }, (_, i) => JSON.stringify({ i, pad: 'x'.repeat(i) })).join('\n') + '\n',
};

describe('transcript scan: any chunk size answers as the whole text', () => {
  for (const [name, text] of Object.entries(texts)) {
    it(name, async () => {
      const file = write(text);
      const want = expected(text, 8);
      for (const chunk of [1, 2, 3, 7, 64, 1 << 20]) {
        const [got] = await scanTranscripts([file], 8, 256 << 20, chunk);
        if (!want.plain) expect(got.plain, `chunk ${chunk}`).toBe(false);
        else expect(got, `chunk ${chunk}`).toEqual(want);
      }
    });
  }

  it('reads gzip files whole, with the same answer', async () => {
    const text = texts['more lines than the head'];
    const [got] = await scanTranscripts([write(text, true)], 8);
    expect(got).toEqual(expected(text, 8));
  });

  it('leaves a file larger than the limit (not plain)', async () => {
    const [got] = await scanTranscripts([write('{"a":1}\n{"b":2}\n')], 8, 10);
    expect(got.plain).toBe(false);
  });
});
