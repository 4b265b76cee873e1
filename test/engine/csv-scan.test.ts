/**
 * The CSV line scan (src/engine/sql-readers/csv-scan.ts) jumps from quote to quote with indexOf; it
 * must answer what a byte-by-byte reading of the same rules says (computed here independently), on
 * random texts of delimiters, quotes (doubled ones: JSON in a cell), line breaks and carriage returns.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scanCsv } from '../../src/engine/sql-readers/csv-scan.js';

const tmp = mkdtempSync(join(tmpdir(), 'tokenomics-csv-scan-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let fileNo = 0;

/**
 * The rules byte by byte: a quote opens a field only at its start (after the delimiter, a newline or
 * the file's start), `""` inside is an escaped quote, a closing quote is followed by the delimiter, a
 * line break or the end; no line break or CR inside quotes, every CR but a last byte before a newline,
 * no quote left open. Lines: newlines, plus a last line without one.
 */
function byBytes(text: string, delim: string): { lines: number; plain: boolean } {
  let plain = !text.includes('\0');
  let inQuote = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\r' && i + 1 < text.length && text[i + 1] !== '\n') plain = false;
    if (!inQuote) {
      if (c === '"') {
        const before = i > 0 ? text[i - 1] : '\n';
        if (before !== delim && before !== '\n') plain = false;
        inQuote = true;
      }
    } else if (c === '\n' || c === '\r') plain = false;
    else if (c === '"') {
      if (text[i + 1] === '"') i++;
      else {
        inQuote = false;
        if (i + 1 < text.length && ![delim, '\n', '\r'].includes(text[i + 1])) plain = false;
      }
    }
  }
  if (inQuote) plain = false;
  const newlines = text.split('\n').length - 1;
  return { lines: newlines + (text.length > 0 && !text.endsWith('\n') ? 1 : 0), plain };
}

/** A seeded generator (mulberry32): the same texts every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('CSV line scan', () => {
  it('answers as a byte-by-byte reading on 3,000 random texts of quotes, delimiters and line breaks', async () => {
    const next = random(20261204);
    const pieces = ['a', 'bc', ',', '"', '""', '"x"', '\n', '\r\n', '\r', ' ', '{""k"":""v""}'];
    let plainSeen = 0;
    for (let n = 0; n < 3000; n++) {
      const parts: string[] = [];
      const count = Math.floor(next() * 24);
      for (let k = 0; k < count; k++) parts.push(pieces[Math.floor(next() * pieces.length)]);
      const text = parts.join('');
      const file = join(tmp, `f${++fileNo}.csv`);
      writeFileSync(file, text, 'latin1');
      const want = byBytes(text, ',');
      const got = await scanCsv(file, ',');
      expect(got.plain, JSON.stringify(text)).toBe(want.plain);
      if (want.plain) {
        plainSeen++;
        expect(got.lines, JSON.stringify(text)).toBe(want.lines);
      }
    }
    // both answers occur often enough for the comparison to mean something
    expect(plainSeen).toBeGreaterThan(300);
    expect(plainSeen).toBeLessThan(2700);
  });

  it('finds a line break inside a quoted field after many escaped quotes (JSON in a cell)', async () => {
    const json = `{${Array.from({ length: 2000 }, (_, i) => `""k${i}"":""v""`).join(',')}}`;
    const ok = join(tmp, 'json-ok.csv');
    writeFileSync(ok, `id,metadata\n1,"${json}"\n2,"${json}"\n`);
    expect(await scanCsv(ok, ',')).toEqual({ lines: 3, plain: true });
    const broken = join(tmp, 'json-break.csv');
    writeFileSync(broken, `id,metadata\n1,"${json}\n${json}"\n`);
    expect((await scanCsv(broken, ',')).plain).toBe(false);
  });
});
