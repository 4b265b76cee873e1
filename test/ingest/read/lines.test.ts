import { describe, expect, it } from 'vitest';
import { JsonLineSplitter } from '../../../src/ingest/read/lines.js';

function collect(chunks: Buffer[], maxLineBytes?: number) {
  const values: [unknown, number][] = [];
  const bad: [string, number][] = [];
  const splitter = new JsonLineSplitter({ value: (v, l) => values.push([v, l]), bad: (c, _m, l) => bad.push([c, l]) }, maxLineBytes);
  for (const c of chunks) splitter.push(c);
  splitter.end();
  return { values, bad };
}

describe('JsonLineSplitter', () => {
  it('splits LF and CRLF lines, skips blank lines but keeps numbering', () => {
    const { values, bad } = collect([Buffer.from('{"a":1}\r\n\n  \n{"a":2}\n{"a":3}')]);
    expect(values).toEqual([
      [{ a: 1 }, 1],
      [{ a: 2 }, 4],
      [{ a: 3 }, 5],
    ]);
    expect(bad).toEqual([]);
  });

  it('reads lines ended by a lone CR (old Mac line ends) as lines, numbered as an editor shows them', () => {
    // '{"a":1}\r{"a":2}\r' then a bad part and a CRLF line, then an LF line: lines 1, 2, 3 (bad), 4, 5
    const text = '{"a":1}\r{"a":2}\r{"a":\r{"a":4}\r\n{"a":5}\n';
    for (const chunks of [[Buffer.from(text)], [...Buffer.from(text)].map((b) => Buffer.from([b]))]) {
      const { values, bad } = collect(chunks);
      expect(values).toEqual([
        [{ a: 1 }, 1],
        [{ a: 2 }, 2],
        [{ a: 4 }, 4],
        [{ a: 5 }, 5],
      ]);
      expect(bad).toEqual([['invalid-json', 3]]);
    }
    // without a final line end, and a file of CR only
    expect(collect([Buffer.from('{"a":1}\r{"a":2}')]).values).toEqual([
      [{ a: 1 }, 1],
      [{ a: 2 }, 2],
    ]);
  });

  it('reads a line that starts with a byte order mark (files that each start with one, concatenated)', () => {
    const { values, bad } = collect([Buffer.from('{"a":1}\n\uFEFF{"a":2}\n\uFEFFnot json\n')]);
    expect(values).toEqual([
      [{ a: 1 }, 1],
      [{ a: 2 }, 2],
    ]);
    expect(bad).toEqual([['invalid-json', 3]]);
  });

  it('keeps a CR inside a valid JSON line as the whitespace it is (one value)', () => {
    const { values, bad } = collect([Buffer.from('{"a":\r1}\n{"a":2}\n')]);
    expect(values).toEqual([
      [{ a: 1 }, 1],
      [{ a: 2 }, 2],
    ]);
    expect(bad).toEqual([]);
  });

  it('joins lines that span chunks, byte by byte', () => {
    const text = '{"k":"héllo"}\n{"k":"wörld"}\n';
    const bytes = Buffer.from(text);
    const chunks = [...bytes].map((b) => Buffer.from([b]));
    const { values } = collect(chunks);
    expect(values).toEqual([
      [{ k: 'héllo' }, 1],
      [{ k: 'wörld' }, 2],
    ]);
  });

  it('rejects invalid JSON and invalid UTF-8 with their line numbers', () => {
    const bad = Buffer.concat([Buffer.from('{"a":1}\n{"a":\n{"s":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n{"a":4}\n')]);
    const out = collect([bad]);
    expect(out.values).toEqual([
      [{ a: 1 }, 1],
      [{ a: 4 }, 4],
    ]);
    expect(out.bad).toEqual([
      ['invalid-json', 2],
      ['invalid-utf8', 3],
    ]);
  });

  it('drops an over-long line without buffering it, then carries on', () => {
    const long = Buffer.alloc(5000, 0x61); // 5000 x "a", cap is 1000 bytes
    const out = collect([Buffer.from('{"a":1}\n"'), long, long, Buffer.from('"\n{"a":3}\n')], 1000);
    expect(out.bad).toEqual([['line-too-long', 2]]);
    expect(out.values).toEqual([
      [{ a: 1 }, 1],
      [{ a: 3 }, 3],
    ]);
  });

  it('keeps a U+FFFD that was really in the file', () => {
    const { values, bad } = collect([Buffer.from('{"s":"\uFFFD"}\n')]);
    expect(values).toEqual([[{ s: '\uFFFD' }, 1]]);
    expect(bad).toEqual([]);
  });
});
