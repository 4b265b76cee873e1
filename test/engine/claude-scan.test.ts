/**
 * The transcript heads (src/engine/sql-readers/claude-scan.ts): the first lines of each file,
 * parsed, read a chunk at a time. Whatever the chunk size (down to one byte, so that every newline
 * falls on a chunk boundary somewhere), the answer must be what the whole text says, computed here
 * independently by splitting the text on newlines. Gzip files are read whole and their text kept.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { everyHead, transcriptHeads } from '../../src/engine/sql-readers/claude-scan.js';

const tmp = mkdtempSync(join(tmpdir(), 'tokenomics-claude-scan-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let fileNo = 0;

function write(content: string | Buffer, gzip = false): string {
  const file = join(tmp, `f${++fileNo}.jsonl${gzip ? '.gz' : ''}`);
  writeFileSync(file, gzip ? gzipSync(content) : content);
  return file;
}

/** What the whole text says: its first `count` non-blank lines parsed, undefined when one is not JSON. */
function expected(text: string, count: number): unknown[] | undefined {
  try {
    return text
      .split('\n')
      .slice(0, count)
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as unknown);
  } catch {
    return undefined;
  }
}

const texts: Record<string, string> = {
  'lines ending in a newline': '{"a":1}\n{"b":[2,3]}\n{"c":"x\\ny"}\n',
  'a last line without newline': '{"a":1}\n{"b":2}',
  'one line': '{"only":true}\n',
  'a blank line': '{"a":1}\n\n{"b":2}\n',
  'a line that is not JSON': '{"a":1}\nnot json\n',
  'a bad line after the head': Array.from({ length: 8 }, (_, i) => JSON.stringify({ i })).join('\n') + '\nnot json\n',
  'an empty file': '',
  'more lines than the head': Array.from({ length: 12 }, (_, i) => JSON.stringify({ i, pad: 'x'.repeat(i) })).join('\n') + '\n',
};

describe('transcript heads: any chunk size answers as the whole text', () => {
  for (const [name, text] of Object.entries(texts)) {
    it(name, async () => {
      const file = write(text);
      const want = expected(text, 8);
      for (const chunk of [1, 2, 3, 7, 64, 1 << 16]) {
        const [got] = await transcriptHeads([file], 8, 256 << 20, chunk);
        expect(got, `chunk ${chunk}`).toEqual({ head: want });
      }
    });
  }

  it('reads gzip files whole: the same head, and their text', async () => {
    const text = texts['more lines than the head'];
    const [got] = await transcriptHeads([write(text, true)], 8);
    expect(got).toEqual({ head: expected(text, 8), text });
  });

  it('gives no head for a file larger than the limit, and no text for gzip that is not UTF-8', async () => {
    const [big] = await transcriptHeads([write('{"a":1}\n{"b":2}\n')], 8, 10);
    expect(big).toEqual({});
    const [latin1] = await transcriptHeads([write(Buffer.from('{"a":"caf\xe9"}\n', 'latin1'), true)], 8);
    expect(latin1).toEqual({});
  });
});

describe('every head: each file tested as it is read', () => {
  it('answers as the heads read first and tested after, and stops at the first file that fails', async () => {
    const files = Object.values(texts).map((t) => write(t));
    const heads = await transcriptHeads(files, 8);
    const has = (h: { head?: unknown[] }) => h.head !== undefined;
    const want = Object.values(texts).map((t) => expected(t, 8) !== undefined);
    expect(heads.map(has)).toEqual(want);
    const tested: number[] = [];
    const all = await everyHead(files, 8, (h) => {
      tested.push(tested.length);
      return has(h);
    });
    expect(all).toBe(false);
    // the first text without a head is the 5th ('a line that is not JSON'): the 6th and later are not read
    expect(want.indexOf(false)).toBe(4);
    expect(tested).toHaveLength(5);
    const good = files.filter((_, i) => want[i]);
    expect(await everyHead(good, 8, has)).toBe(true);
    expect(await everyHead([], 8, () => false)).toBe(true);
  });
});
