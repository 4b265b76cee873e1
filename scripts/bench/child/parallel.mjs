/**
 * countTokensParallel vs countTokens on the same documents: node parallel.mjs single|parallel FILE
 * FILE is a JSON array of strings. Both modes first count the first ~2 MB once (rank tables loaded,
 * worker pool started) and then time the whole set. Prints {ms, tokens, warmMs, threads}.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

const [mode, file] = process.argv.slice(2);
const tk = await import(new URL('../../../dist/tokenize/index.js', import.meta.url).href);
const docs = JSON.parse(readFileSync(file, 'utf8'));
const warm = [];
let n = 0;
for (const d of docs) {
  if (n > 2e6) break;
  warm.push(d);
  n += d.length;
}
const run = async (list) => {
  if (mode === 'parallel') return (await tk.countTokensParallel(list, 'o200k_base')).reduce((a, b) => a + b, 0);
  let s = 0;
  for (const d of list) s += tk.countTokens(d, 'o200k_base');
  return s;
};
const w0 = performance.now();
await run(warm);
const warmMs = performance.now() - w0;
const t0 = performance.now();
const tokens = await run(docs);
const ms = performance.now() - t0;
await tk.closeTokenPool();
process.stdout.write(JSON.stringify({ ms, tokens, warmMs, threads: mode === 'parallel' ? availableParallelism() : 1 }) + '\n');
