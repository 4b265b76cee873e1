/**
 * CSV rows are rejected as invalid UTF-8 only when the bytes are: a multi-byte character cut by a
 * chunk boundary is not invalid (chunks end anywhere), and a literal U+FFFD in valid text is data.
 */
import { describe, expect, it } from 'vitest';
import { CsvChunkParser, type CsvSink } from '../../../src/ingest/read/csv.js';

function parse(bytes: Buffer, chunkSize: number): { rows: string[][]; bad: number[] } {
  const rows: string[][] = [];
  const bad: number[] = [];
  const sink: CsvSink = { header: () => true, row: (r) => rows.push(r), bad: (_code, _message, line) => bad.push(line) };
  const p = new CsvChunkParser(',', sink);
  for (let i = 0; i < bytes.length; i += chunkSize) p.push(bytes.subarray(i, i + chunkSize));
  p.end();
  return { rows, bad };
}

describe('CSV UTF-8 checking across chunk boundaries', () => {
  const text = 'model,note\ngpt-4o,Москва データ 🙂\ngpt-4o,replacement \uFFFD kept\ngpt-4o,é\n';

  for (const size of [1, 2, 3, 5, 7, 1 << 20]) {
    it(`valid text in ${size}-byte chunks: every row kept, U+FFFD included`, () => {
      const r = parse(Buffer.from(text, 'utf8'), size);
      expect(r.bad).toEqual([]);
      expect(r.rows.map((x) => x[1])).toEqual(['Москва データ 🙂', 'replacement \uFFFD kept', 'é']);
    });
  }

  it('an invalid byte rejects its row (and only rows with replacement characters)', () => {
    const bytes = Buffer.concat([Buffer.from('model,note\ngpt-4o,ok\ngpt-4o,bad '), Buffer.from([0xff]), Buffer.from('\ngpt-4o,fine\n')]);
    for (const size of [1, 4, 1 << 20]) {
      const r = parse(bytes, size);
      expect(r.bad).toEqual([3]);
      expect(r.rows.map((x) => x[1])).toEqual(['ok', 'fine']);
    }
  });

  it('a file cut inside a character rejects its last row', () => {
    const full = Buffer.from('model,note\ngpt-4o,ok\ngpt-4o,cut é', 'utf8');
    const r = parse(full.subarray(0, full.length - 1), 3);
    expect(r.bad).toEqual([3]);
  });
});
