/**
 * One tokenizer library in a fresh process: node tok.mjs LIB MODE FILE
 *   LIB  ours | js-tiktoken | gpt-tokenizer      (all o200k_base)
 *   MODE docs: FILE is a JSON array of strings; count each, time the whole set
 *        text: FILE is raw UTF-8 text; count it once
 * The rank table is loaded (and the code warmed on a short string) before timing starts.
 *   optional 4th argument: only the first N UTF-16 units of the text (never splitting a surrogate pair)
 * Prints {ms, tokens, loadMs, chars}.
 */
import { readFileSync } from 'node:fs';

const [lib, mode, file, prefix] = process.argv.slice(2);
const t0 = performance.now();
let count;
if (lib === 'ours') {
  const m = await import(new URL('../../../dist/tokenize/index.js', import.meta.url).href);
  count = (t) => m.countTokens(t, 'o200k_base');
} else if (lib === 'js-tiktoken') {
  const { Tiktoken } = await import('js-tiktoken/lite');
  const ranks = (await import('js-tiktoken/ranks/o200k_base')).default;
  const enc = new Tiktoken(ranks);
  count = (t) => enc.encode(t).length;
} else if (lib === 'gpt-tokenizer') {
  const m = await import('gpt-tokenizer/encoding/o200k_base');
  count = (t) => m.countTokens(t);
} else throw new Error(`unknown lib ${lib}`);
count('Warm up: the quick brown fox, 123 jumps!');
const loadMs = performance.now() - t0;
let raw = readFileSync(file, 'utf8');
if (prefix !== undefined) {
  let n = Math.min(Number(prefix), raw.length);
  const c = raw.charCodeAt(n - 1);
  if (c >= 0xd800 && c <= 0xdbff) n--;
  raw = raw.slice(0, n);
}
const docs = mode === 'docs' ? JSON.parse(raw) : [raw];
let chars = 0;
for (const d of docs) chars += d.length;
const t1 = performance.now();
let tokens = 0;
for (const d of docs) tokens += count(d);
const ms = performance.now() - t1;
process.stdout.write(JSON.stringify({ ms, tokens, loadMs, chars }) + '\n');
