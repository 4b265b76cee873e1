import { describe, expect, it } from 'vitest';
import { symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { run, sum, tempDir } from './helpers.js';

const LINE = (i: number) => JSON.stringify({ model: 'gpt-4o', input_tokens: 100 + i, output_tokens: 10 });

function write(name: string, content: string | Buffer): string {
  const file = path.join(tempDir(), name);
  writeFileSync(file, content);
  return file;
}

describe('reader robustness', () => {
  it('reports an empty file as info', async () => {
    const res = await run(['fixtures/logs/bad/empty.jsonl']);
    expect(res.counts.read).toBe(0);
    expect(res.issues).toEqual([{ severity: 'info', code: 'empty-file', message: 'empty file', file: 'fixtures/logs/bad/empty.jsonl' }]);
  });

  it('refuses a binary file with a clear issue', async () => {
    const file = write('blob.jsonl', Buffer.from([0x7b, 0x00, 0x01, 0x02, 0xff, 0x0a]));
    const res = await run([file]);
    expect(res.issues).toMatchObject([{ severity: 'error', code: 'binary-file', file }]);
    expect(res.files[0].format).toBe('unknown');
  });

  it('names a NUL byte by its offset and line, UTF-16 by its byte order or bytes, and compressed files by their kind', async () => {
    // two lines of 8 bytes + newline = 18 bytes, then `{"a":` (5 bytes): the NUL is at offset 23, on line 3
    // (the first line not a JSON object: binary content, e.g. a PDF's "%PDF-1.4" line, is refused)
    const nul = write('nul.jsonl', Buffer.concat([Buffer.from('%PDF-1.4\n{"b":2 }\n{"a":'), Buffer.from([0]), Buffer.from('}\n')]));
    const text = `${LINE(0)}\n`;
    const cases: Array<[string, Buffer, RegExp, RegExp]> = [
      [
        'utf16le-bom.jsonl',
        Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
        /UTF-16 LE text \(byte order mark FF FE\)/,
        /iconv -f UTF-16 -t UTF-8/,
      ],
      [
        'utf16be-bom.jsonl',
        Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]),
        /UTF-16 BE text \(byte order mark FE FF\)/,
        /iconv -f UTF-16 -t UTF-8/,
      ],
      ['utf16le.jsonl', Buffer.from(text, 'utf16le'), /UTF-16 LE text, by its bytes/, /iconv -f UTF-16LE -t UTF-8/],
      ['utf16be.jsonl', Buffer.from(text, 'utf16le').swap16(), /UTF-16 BE text, by its bytes/, /iconv -f UTF-16BE -t UTF-8/],
      // the magic numbers of zstd and bzip2 frames, then NUL-bearing bytes
      ['log.jsonl.zst', Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x24, 0x00, 0x01]), /zstd-compressed/, /zstd -dc FILE/],
      ['log.jsonl.bz2', Buffer.from([0x42, 0x5a, 0x68, 0x39, 0x31, 0x41, 0x59, 0x00]), /bzip2-compressed/, /bzip2 -dc FILE/],
    ];
    const res = await run([nul]);
    expect(res.issues).toMatchObject([{ code: 'binary-file', message: 'not a text file: NUL byte at offset 23 (line 3)' }]);
    for (const [name, bytes, message, hint] of cases) {
      const r = await run([write(name, bytes)]);
      expect(r.issues).toHaveLength(1);
      expect(r.issues[0].code).toBe('binary-file');
      expect(r.issues[0].message).toMatch(message);
      expect(r.issues[0].hint).toMatch(hint);
    }
  });

  it('reads a JSONL log with a NUL byte in its first 64 KiB, rejecting the corrupt line at file:line', async () => {
    // line 2 cut by a crash: its end overwritten by NUL bytes; lines 1 and 3 are records
    const file = write(
      'crashed.jsonl',
      Buffer.concat([Buffer.from(`${LINE(0)}\n${LINE(1).slice(0, 20)}`), Buffer.alloc(64), Buffer.from(`\n${LINE(2)}\n`)]),
    );
    const res = await run([file]);
    expect(res.counts).toMatchObject({ read: 3, counted: 2, rejected: { 'invalid-json': 1 } });
    expect(sum(res.records, 'inputTokens')).toBe(202); // 100 + 102
    expect(res.issues).toMatchObject([
      { code: 'invalid-json', file, line: 2, message: 'invalid JSON: the line holds a NUL byte (a corrupt or partly overwritten line)' },
    ]);
  });

  it('gunzips by magic bytes, whatever the extension', async () => {
    const body = [LINE(0), LINE(1)].join('\n') + '\n';
    const file = write('plain-name.jsonl', gzipSync(body));
    const res = await run([file]);
    expect(res.counts.counted).toBe(2);
    expect(sum(res.records, 'inputTokens')).toBe(201); // 100 + 101
  });

  it('keeps the records before a truncated gzip and reports the cut', async () => {
    const lines = Array.from({ length: 2000 }, (_, i) => LINE(i)).join('\n') + '\n';
    const gz = gzipSync(lines);
    const file = write('cut.jsonl.gz', gz.subarray(0, Math.floor(gz.length / 2)));
    const res = await run([file]);
    expect(res.issues.at(-1)).toMatchObject({ severity: 'error', code: 'truncated-gzip', file });
    expect(res.counts.counted).toBeLessThan(2000);
  });

  it('strips a BOM and CRLF (JSONL and CSV)', async () => {
    const jsonl = await run(['fixtures/logs/bad/crlf-bom.jsonl']);
    expect(jsonl.counts).toMatchObject({ read: 2, counted: 2 });
    expect(sum(jsonl.records, 'inputTokens')).toBe(12); // 7 + 5
    const csv = await run(['fixtures/logs/bad/crlf-bom.csv']);
    expect(csv.files[0].format).toBe('generic');
    expect(csv.counts).toMatchObject({ read: 2, counted: 2 });
    expect(sum(csv.records, 'outputTokens')).toBe(30); // 10 + 20
    expect(csv.records[1].timestamp).toBe('2025-06-01T00:01:00.000Z');
  });

  it('rejects invalid UTF-8 lines and rows with a hint', async () => {
    const bad = Buffer.concat([
      Buffer.from(LINE(0) + '\n{"model":"gpt-4o","note":"'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('","input_tokens":1,"output_tokens":1}\n' + LINE(2) + '\n'),
    ]);
    const res = await run([write('latin.jsonl', bad)]);
    expect(res.counts).toMatchObject({ read: 3, counted: 2, rejected: { 'invalid-utf8': 1 } });
    expect(res.issues[0]).toMatchObject({ code: 'invalid-utf8', line: 2 });
    expect(res.issues[0].hint).toMatch(/UTF-8/);
    const csv = Buffer.concat([
      Buffer.from('model,input_tokens,output_tokens,note\ngpt-4o,1,1,'),
      Buffer.from([0xe9]),
      Buffer.from('\ngpt-4o,2,2,ok\n'),
    ]);
    const res2 = await run([write('latin.csv', csv)]);
    expect(res2.counts).toMatchObject({ read: 2, counted: 1, rejected: { 'invalid-utf8': 1 } });
  });

  it('rejects an over-long single line without throwing (cap lowered for the test)', async () => {
    const huge = '{"model":"gpt-4o","input_tokens":1,"output_tokens":1,"pad":"' + 'x'.repeat(3 * 1024 * 1024) + '"}';
    const file = write('long.jsonl', [LINE(0), huge, LINE(2)].join('\n') + '\n');
    const res = await run([file], {}, { limits: { maxLineBytes: 1024 * 1024 } });
    expect(res.counts).toMatchObject({ read: 3, counted: 2, rejected: { 'line-too-long': 1 } });
    expect(res.issues[0]).toMatchObject({ code: 'line-too-long', file, line: 2 });
  });

  it('reads a pretty-printed JSON document and refuses one over the size cap', async () => {
    const doc = JSON.stringify([JSON.parse(LINE(0)), JSON.parse(LINE(1))], null, 2);
    const file = write('doc.json', doc);
    const res = await run([file]);
    expect(res.counts.counted).toBe(2);
    expect(res.records[1].source.line).toBe(2);
    const big = await run([file], {}, { limits: { maxDocumentBytes: 50 } });
    expect(big.issues).toMatchObject([{ code: 'document-too-large', file }]);
  });

  it('reports a broken JSON document once', async () => {
    const file = write('broken.json', '[\n  {"model": "gpt-4o", "input_tokens": 1,\n');
    const res = await run([file]);
    expect(res.issues).toMatchObject([{ severity: 'error', code: 'invalid-json', file }]);
  });

  it('reports a file no format recognises, with a --map hint', async () => {
    const file = write('other.jsonl', '{"hello":"world"}\n{"n":1}\n');
    const res = await run([file]);
    expect(res.issues).toMatchObject([{ severity: 'error', code: 'unrecognised-format', file }]);
    expect(res.issues[0].hint).toMatch(/--input-format generic --map/);
  });

  it('reads stdin and reports progress', async () => {
    const stdin = Readable.from([Buffer.from(LINE(0) + '\n' + LINE(1).slice(0, 10)), Buffer.from(LINE(1).slice(10) + '\n')]);
    const progress: number[] = [];
    const res = await run(
      ['-'],
      {},
      {
        stdin,
        onProgress: (n, total) => {
          expect(total).toBeUndefined();
          progress.push(n);
        },
      },
    );
    expect(res.counts.counted).toBe(2);
    expect(res.files[0].path).toBe('-');
    expect(progress.at(-1)).toBe(res.files[0].bytes);
  });

  it('caps stored issues but counts them all', async () => {
    const file = write('many.jsonl', LINE(0) + '\n' + 'nope\n'.repeat(30));
    const res = await run([file], {}, { maxIssues: 5 });
    expect(res.counts.rejected['invalid-json']).toBe(30);
    expect(res.issues).toHaveLength(6);
    expect(res.issues[5]).toMatchObject({ code: 'issues-truncated', message: '25 more issues not listed (all are counted)' });
  });

  it("keeps a file's error past the cap of rejected records' issues (a corrupt gzip is said, not crowded out)", async () => {
    const bad = write('bad-lines.jsonl', LINE(0) + '\n' + 'nope\n'.repeat(30));
    const gz = gzipSync(Array.from({ length: 200 }, (_, i) => LINE(i)).join('\n') + '\n');
    const cut = write('cut.jsonl.gz', gz.subarray(0, gz.length - 12));
    const res = await run([bad, cut], {}, { maxIssues: 5 });
    expect(res.counts.rejected['invalid-json']).toBe(30);
    expect(res.issues.filter((i) => i.code === 'invalid-json')).toHaveLength(5);
    expect(res.issues).toContainEqual(expect.objectContaining({ severity: 'error', code: 'truncated-gzip', file: cut }));
    expect(res.issues.at(-1)).toMatchObject({ code: 'issues-truncated', message: '25 more issues not listed (all are counted)' });
  });

  it('names why a listed file cannot be read, with a hint: a link to nothing, a link loop', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'a.jsonl'), LINE(0) + '\n');
    symlinkSync('nowhere.jsonl', path.join(dir, 'dangling.jsonl'));
    symlinkSync('self.jsonl', path.join(dir, 'self.jsonl'));
    const res = await run([dir]);
    expect(res.counts).toMatchObject({ read: 1, counted: 1 });
    expect(res.issues).toEqual([
      expect.objectContaining({
        code: 'read-error',
        file: path.join(dir, 'dangling.jsonl'),
        hint: expect.stringMatching(/removed or renamed .* symbolic link to nothing/),
      }),
      expect.objectContaining({
        code: 'read-error',
        file: path.join(dir, 'self.jsonl'),
        hint: expect.stringMatching(/symbolic link loop/),
      }),
    ]);
  });

  it('reads a gzipped CSV (detected after decompression)', async () => {
    const { readFileSync } = await import('node:fs');
    const file = write('spend.csv.gz', gzipSync(readFileSync('fixtures/logs/litellm/spend_logs.csv')));
    const res = await run([file]);
    expect(res.files[0]).toMatchObject({ format: 'litellm', bytes: readFileSync(file).length });
    expect(res.counts.counted).toBe(3);
  });
});
