/**
 * Count and id equality between our tokenizer, js-tiktoken and gpt-tokenizer:
 *   node compare.mjs CORPUS.json [TEXTFILE...]
 * CORPUS is a JSON array of strings. For each encoding (o200k_base, cl100k_base) and string, records
 * the token ids of: ours (tiktoken's `\s` = Unicode White_Space), ours with JavaScript `\s` (the
 * pattern exactly as js-tiktoken ships it), js-tiktoken, gpt-tokenizer. Prints a JSON summary with
 * every disagreement and which semantics each library followed on it.
 */
import { readFileSync } from 'node:fs';
import { Tiktoken } from 'js-tiktoken/lite';

const dist = (p) => new URL(`../../../dist/tokenize/${p}`, import.meta.url).href;
const tk = await import(dist('index.js'));
const { Encoder } = await import(dist('encoder.js'));
const { getEncoding } = await import(dist('encodings.js'));

const [corpusFile, ...textFiles] = process.argv.slice(2);
const corpus = JSON.parse(readFileSync(corpusFile, 'utf8'));
const big = textFiles.map((f) => {
  const t = readFileSync(f, 'utf8');
  return f.endsWith('.json') ? JSON.parse(t).join('\n\n') : t;
});

const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
const show = (s) =>
  JSON.stringify(s.length > 40 ? s.slice(0, 40) + '…' : s).replace(
    /[\u0085\ufeff\u00a0\u2028\u3000]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );

const result = { strings: corpus.length, bigTexts: big.map((t, i) => ({ file: textFiles[i], chars: t.length })), encodings: {} };
for (const name of ['o200k_base', 'cl100k_base']) {
  const jsEnc = new Tiktoken((await import(`js-tiktoken/ranks/${name}`)).default);
  const gpt = await import(`gpt-tokenizer/encoding/${name}`);
  const oursJs = new Encoder(getEncoding(name), { whitespace: 'js' });
  const libs = {
    ours: (t) => tk.encode(t, name),
    'ours-js-semantics': (t) => oursJs.encode(t),
    'js-tiktoken': (t) => jsEnc.encode(t),
    'gpt-tokenizer': (t) => gpt.encode(t),
  };
  const disagreements = [];
  const matches = { 'js-tiktoken': 0, 'gpt-tokenizer': 0, 'ours-js-semantics': 0 };
  for (const s of corpus) {
    const ids = {};
    for (const [k, f] of Object.entries(libs)) ids[k] = f(s);
    for (const k of Object.keys(matches)) if (same(ids.ours, ids[k])) matches[k]++;
    if (!same(ids.ours, ids['js-tiktoken']) || !same(ids.ours, ids['gpt-tokenizer'])) {
      const follows = (k) => (same(ids[k], ids.ours) ? 'tiktoken' : same(ids[k], ids['ours-js-semantics']) ? 'js-\\s' : 'neither');
      disagreements.push({
        text: show(s),
        counts: Object.fromEntries(Object.entries(ids).map(([k, v]) => [k, v.length])),
        'js-tiktoken follows': follows('js-tiktoken'),
        'gpt-tokenizer follows': follows('gpt-tokenizer'),
      });
    }
  }
  const bigChecks = big.map((t, i) => {
    const ours = tk.countTokens(t, name);
    const g = gpt.countTokens(t);
    return { file: textFiles[i], ours, 'gpt-tokenizer': g, equal: ours === g };
  });
  result.encodings[name] = { equalIds: matches, disagreements, bigTexts: bigChecks };
}
process.stdout.write(JSON.stringify(result) + '\n');
