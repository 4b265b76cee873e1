#!/usr/bin/env node
/**
 * Peak RSS of `report` on a generated top-level JSON array log (issue 13.7): the array is streamed
 * element by element, so peak memory should not grow with the file. Not a timed test: run by hand,
 *   node scripts/rss-json-array.mjs [MB=400] [page]
 * With `page`, the array is the `data` field of one object (`{"object":"page","data":[...],"meta":{}}`),
 * which is streamed the same way.
 * Needs `npm run build`. Prints the file size, the records and the child's peak RSS (from /usr/bin/time
 * when present, else from /proc polling).
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const mb = Number(process.argv[2] ?? 400);
const page = process.argv[3] === 'page';
const dir = mkdtempSync(join(tmpdir(), 'tk-rss-'));
const file = join(dir, 'big.json');
const out = createWriteStream(file);
const models = ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4-5', 'claude-haiku-4-5'];
let bytes = 0;
let n = 0;
const write = (s) => new Promise((resolve) => (out.write(s) ? resolve() : out.once('drain', resolve)));
await write(page ? '{"object": "page",\n"data": [\n' : '[\n');
const pad = 'x'.repeat(300);
while (bytes < mb * 1024 * 1024) {
  const rec = `${n ? ',\n' : ''}{"model":"${models[n % 4]}","input_tokens":${1000 + (n % 97)},"output_tokens":${100 + (n % 13)},"user":"u${n % 5000}","prompt_text_note":"${pad}"}`;
  bytes += rec.length;
  n++;
  await write(rec);
}
await write(page ? '\n],\n"meta": {}}\n' : '\n]\n');
await new Promise((resolve) => out.end(resolve));
const size = statSync(file).size;
const bin = new URL('../bin/tokenomics.js', import.meta.url).pathname;
const args = [bin, 'report', file, '--format', 'json', '-q'];
let peakKb;
let summary;
if (existsSync('/usr/bin/time')) {
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  peakKb = Number(r.stderr.trim().split('\n').pop());
  summary = JSON.parse(r.stdout).inputs;
} else {
  const r = spawnSync(
    process.execPath,
    [
      '--expose-gc',
      '-e',
      `
    const { spawn } = require('node:child_process'); const fs = require('node:fs');
    const c = spawn(process.execPath, ${JSON.stringify(args)}, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = ''; let peak = 0;
    c.stdout.on('data', (d) => (out += d));
    const t = setInterval(() => { try { const m = /VmHWM:\\s+(\\d+)/.exec(fs.readFileSync('/proc/' + c.pid + '/status', 'utf8')); if (m) peak = Math.max(peak, +m[1]); } catch {} }, 20);
    c.on('close', () => { clearInterval(t); console.log(JSON.stringify({ peak, inputs: JSON.parse(out).inputs })); });
  `,
    ],
    { encoding: 'utf8', maxBuffer: 1 << 28 },
  );
  const doc = JSON.parse(r.stdout);
  peakKb = doc.peak;
  summary = doc.inputs;
}
console.log(
  `file: ${(size / 1048576).toFixed(0)} MiB, ${n} records; read ${summary.read}, counted ${summary.counted}; peak RSS ${(peakKb / 1024).toFixed(0)} MiB`,
);
rmSync(dir, { recursive: true, force: true });
