/**
 * Seeded synthetic data for the benchmarks, written under bench-data/ (gitignored). Every file has a
 * `.meta.json` next to it recording the generator version, seed and size parameters; a file is
 * regenerated only when it is missing or its meta differs.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Rng, Zipf } from './prng.mjs';
import { Prose } from './text.mjs';

/** Bump when the generated content changes, so stale files are rebuilt. */
const GENERATOR_VERSION = 4;

const T0 = Date.parse('2026-10-01T00:00:00.000Z');
const MONTH_MS = 31 * 24 * 3600 * 1000;
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

const OPENAI_MODELS = [
  ['gpt-4o-mini-2024-07-18', 40],
  ['gpt-4.1-2025-04-14', 18],
  ['gpt-4o-2024-08-06', 8],
  ['gpt-4.1-mini-2025-04-14', 6],
];
const ANTHROPIC_MODELS = [
  ['claude-sonnet-4-5-20250929', 20],
  ['claude-haiku-4-5-20251001', 8],
];
const ALL_MODELS = [...OPENAI_MODELS, ...ANTHROPIC_MODELS];
const ANTHROPIC = new Set(ANTHROPIC_MODELS.map((m) => m[0]));
const FEATURES = [
  ['support-chat', 35],
  ['kb-search-answer', 25],
  ['reply-draft', 20],
  ['ticket-summary', 12],
  ['ticket-tagging', 8],
];

/** Writes a file in large chunks through a temporary name (a killed run never leaves a half file). */
class ChunkWriter {
  constructor(path) {
    this.path = path;
    this.tmp = `${path}.tmp`;
    this.fd = openSync(this.tmp, 'w');
    this.parts = [];
    this.pending = 0;
    this.bytes = 0;
  }

  write(s) {
    this.parts.push(s);
    this.pending += s.length;
    if (this.pending >= 1 << 22) this.flush();
  }

  flush() {
    if (this.parts.length === 0) return;
    const buf = Buffer.from(this.parts.join(''), 'utf8');
    writeSync(this.fd, buf);
    this.bytes += buf.length;
    this.parts = [];
    this.pending = 0;
  }

  close() {
    this.flush();
    closeSync(this.fd);
    renameSync(this.tmp, this.path);
    return this.bytes;
  }
}

/**
 * Ensures `files` (names under dir) exist with matching meta; otherwise runs `build(paths)`.
 * Returns the absolute paths and whether they were (re)generated.
 */
function ensure(dir, files, meta, build, log) {
  mkdirSync(dir, { recursive: true });
  const paths = files.map((f) => join(dir, f));
  const metaPath = join(dir, `${files[0]}.meta.json`);
  const want = JSON.stringify({ version: GENERATOR_VERSION, ...meta });
  let ok = paths.every((p) => existsSync(p)) && existsSync(metaPath);
  if (ok) ok = readFileSync(metaPath, 'utf8') === want;
  if (ok) return { paths, generated: false };
  const t = Date.now();
  log(`generating ${files.join(', ')} ...`);
  build(paths);
  writeFileSync(metaPath, want);
  const bytes = paths.reduce((n, p) => n + statSync(p).size, 0);
  log(`  ${(bytes / 1e6).toFixed(1)} MB in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  return { paths, generated: true };
}

function iso(ms) {
  return new Date(ms).toISOString();
}

/** One usage record of the request log (the same record feeds the JSONL and the CSV). */
function usageRecord(rng, i, n, customers) {
  const model = rng.weighted(ALL_MODELS);
  const feature = rng.weighted(FEATURES);
  const ms = T0 + Math.floor((i / n) * MONTH_MS) + rng.int(0, 999);
  const prompt = rng.logNormal(feature === 'support-chat' ? 3200 : 1800, 0.7);
  const cached = rng.chance(0.45) ? Math.floor((prompt * rng.int(20, 90)) / 100 / 128) * 128 : 0;
  const output = rng.logNormal(feature === 'ticket-tagging' ? 20 : 220, 0.6);
  return {
    ms,
    model,
    feature,
    customer: `cust-${String(customers.sample(rng) + 1).padStart(4, '0')}`,
    user: `u-${rng.int(10000, 99999)}`,
    prompt,
    cached,
    cacheWrite: ANTHROPIC.has(model) && cached === 0 && rng.chance(0.3) ? Math.floor(prompt * 0.6) : 0,
    output,
    id: rng.chars(24, ALNUM),
  };
}

function openaiLine(r) {
  const created = Math.floor(r.ms / 1000);
  return (
    `{"timestamp":"${iso(r.ms)}","metadata":{"feature":"${r.feature}","customer":"${r.customer}","user":"${r.user}"},` +
    `"response":{"id":"chatcmpl-${r.id}","object":"chat.completion","created":${created},"model":"${r.model}",` +
    `"choices":[{"index":0,"finish_reason":"stop"}],"usage":{"prompt_tokens":${r.prompt},"completion_tokens":${r.output},` +
    `"total_tokens":${r.prompt + r.output},"prompt_tokens_details":{"cached_tokens":${r.cached}}},"service_tier":"default"}}\n`
  );
}

function anthropicLine(r) {
  const input = r.prompt - r.cached - r.cacheWrite;
  return (
    `{"timestamp":"${iso(r.ms)}","metadata":{"feature":"${r.feature}","customer":"${r.customer}","user":"${r.user}"},` +
    `"response":{"id":"msg_01${r.id}","type":"message","role":"assistant","model":"${r.model}","stop_reason":"end_turn",` +
    `"usage":{"input_tokens":${input},"cache_creation_input_tokens":${r.cacheWrite},"cache_read_input_tokens":${r.cached},` +
    `"cache_creation":{"ephemeral_5m_input_tokens":${r.cacheWrite},"ephemeral_1h_input_tokens":0},"output_tokens":${r.output}}}}\n`
  );
}

function csvRow(r) {
  const input = r.prompt - r.cached - r.cacheWrite;
  return `${iso(r.ms)},${r.model},${input},${r.output},${r.cached},${r.feature},${r.customer}\n`;
}

const AVG_LINE_BYTES = 449;

/** Request log of about `bytes` bytes (JSONL), plus the same records as CSV when `csvPath` is given. */
function writeRequestLog(jsonlPath, csvPath, bytes, seed) {
  const rng = new Rng(seed);
  const customers = new Zipf(250, 1.2);
  const n = Math.max(1, Math.round(bytes / AVG_LINE_BYTES));
  const out = new ChunkWriter(jsonlPath);
  const csv = csvPath ? new ChunkWriter(csvPath) : undefined;
  csv?.write('timestamp,model,input_tokens,output_tokens,cached_tokens,feature,customer\n');
  let written = 0;
  for (let i = 0; written < bytes; i++) {
    const r = usageRecord(rng, i, n, customers);
    const line = ANTHROPIC.has(r.model) ? anthropicLine(r) : openaiLine(r);
    out.write(line);
    written += line.length;
    csv?.write(csvRow(r));
  }
  out.close();
  csv?.close();
}

/**
 * Chat log with heavy repetition: conversations whose every request re-sends the system prompt and
 * the whole history, logged as {request, response} pairs WITHOUT usage (report must tokenize them).
 */
function writeChatLog(path, bytes, seed) {
  const rng = new Rng(seed);
  const prose = new Prose(seed);
  const systems = Array.from({ length: 6 }, (_, k) => `You are the Acme assistant (variant ${k}). ${prose.text(rng, 2000)}`);
  const out = new ChunkWriter(path);
  let written = 0;
  let ms = T0;
  for (let c = 0; written < bytes; c++) {
    const system = rng.pick(systems);
    const messages = [{ role: 'system', content: system }];
    const turns = rng.int(3, 12);
    const meta = { feature: 'support-chat', customer: `cust-${String(rng.int(1, 250)).padStart(4, '0')}`, conversation_id: `conv-${c}` };
    for (let t = 1; t <= turns && written < bytes; t++) {
      ms += rng.int(1000, 60000);
      messages.push({ role: 'user', content: prose.text(rng, rng.int(150, 600)) });
      const reply = prose.text(rng, rng.int(250, 900));
      const line =
        JSON.stringify({
          timestamp: iso(ms),
          request: { model: 'gpt-4o-mini', messages, metadata: { ...meta, turn: t } },
          response: {
            id: `chatcmpl-${rng.chars(24, ALNUM)}`,
            object: 'chat.completion',
            created: Math.floor(ms / 1000),
            model: 'gpt-4o-mini-2024-07-18',
            choices: [{ index: 0, message: { role: 'assistant', content: reply }, finish_reason: 'stop' }],
          },
        }) + '\n';
      out.write(line);
      written += Buffer.byteLength(line);
      messages.push({ role: 'assistant', content: reply });
    }
  }
  out.close();
}

/** `count` documents of prose, about `bytes` in all, as a JSON array of strings. */
function writeProseDocs(path, bytes, docChars, seed) {
  const rng = new Rng(seed);
  const prose = new Prose(seed);
  const docs = [];
  let total = 0;
  while (total < bytes) {
    const d = prose.text(rng, Math.min(docChars, bytes - total));
    docs.push(d);
    total += Buffer.byteLength(d);
  }
  writeFileSync(path, JSON.stringify(docs));
}

function writePathological(paths, seed) {
  const rng = new Rng(seed);
  const MB = 1 << 20;
  writeFileSync(paths[0], 'a'.repeat(MB));
  // prose with every whitespace character removed (minified-looking text: a few enormous pieces)
  const prose = new Prose(seed);
  let s = '';
  while (s.length < MB) s += prose.paragraph(rng).replace(/\s+/g, '');
  writeFileSync(
    paths[1],
    Buffer.from(s, 'utf8')
      .subarray(0, MB)
      .toString('utf8')
      .replace(/\uFFFD+$/, ''),
  );
  writeFileSync(paths[2], rng.chars(MB, B64));
}

/** Strings on which JavaScript's `\s` and tiktoken's (Rust) `\s` disagree, plus ordinary controls. */
function bomNelCorpus() {
  const base = ['Hello world', 'price: 12.50 EUR', '  leading spaces', 'tab\tseparated\tvalues', 'line one\nline two\r\n'];
  const out = [];
  for (const b of base) {
    out.push(b, `\uFEFF${b}`, `${b}\u0085`, `\u0085${b}`, b.replace(' ', '\u0085'), b.replace(' ', '\uFEFF'), `${b}\uFEFF\uFEFF!`);
  }
  out.push(
    '\uFEFF',
    '\u0085',
    '\uFEFF\u0085\uFEFF',
    'a\u0085\u0085b',
    '!!\uFEFF??',
    'x \uFEFF y',
    'x \u0085 y',
    '\u00A0nbsp\u2028ls\u3000ideo',
    'end\u0085\n',
  );
  out.push('{"json": true}\uFEFF', '\uFEFFid,model,tokens\n1,gpt-4o,12');
  return out;
}

/** {request, response} pairs WITH usage and prompt text, for simulate's prefix-cache replay. */
function writePrefixSim(path, requests, seed) {
  const rng = new Rng(seed);
  const prose = new Prose(seed);
  const features = ['support-chat', 'reply-draft', 'ticket-summary', 'kb-search-answer'];
  const systems = {};
  for (const f of features)
    systems[f] = Array.from({ length: 3 }, (_, k) => `You are Acme's ${f} assistant, prompt v${k + 1}.\n\n${prose.text(rng, 4000)}`);
  const out = new ChunkWriter(path);
  const span = 7 * 24 * 3600 * 1000;
  for (let i = 0; i < requests; i++) {
    const ms = T0 + Math.floor((i / requests) * span) + rng.int(0, 999);
    const feature = rng.pick(features);
    const system = rng.pick(systems[feature]);
    const user = prose.text(rng, rng.int(100, 300));
    const prompt = Math.round((system.length + user.length) / 3.5) + 7;
    const line = JSON.stringify({
      timestamp: iso(ms),
      request: {
        model: 'gpt-4o-mini',
        messages: [
          { role: 'system', content: system },
          { role: 'user', content: user },
        ],
        metadata: { feature, customer: `cust-${String(rng.int(1, 250)).padStart(4, '0')}` },
      },
      response: {
        id: `chatcmpl-${rng.chars(24, ALNUM)}`,
        object: 'chat.completion',
        created: Math.floor(ms / 1000),
        model: 'gpt-4o-mini-2024-07-18',
        choices: [{ index: 0, finish_reason: 'stop' }],
        usage: { prompt_tokens: prompt, completion_tokens: rng.logNormal(180, 0.5), total_tokens: 0 },
      },
    });
    out.write(line + '\n');
  }
  out.close();
}

/** Short help-center questions with many near-duplicates, for simulate's semantic cache. */
function writeSemanticSim(path, queries, seed) {
  const rng = new Rng(seed);
  const prose = new Prose(seed);
  const starts = ['How do I', 'How can I', 'Can I', 'Is it possible to', "Why can't I", 'Where do I', 'What is the way to'];
  const verbs = ['reset', 'change', 'export', 'delete', 'add', 'remove', 'enable', 'disable', 'update', 'find', 'connect', 'share'];
  const objects = [
    'my password',
    'the invoice',
    'a seat',
    'our SSO settings',
    'the API token',
    'a webhook',
    'the Slack channel',
    'my email address',
    'the billing plan',
    'a custom role',
    'the SLA policy',
    'ticket tags',
    'the dashboard',
    'two-factor authentication',
    'an agent',
    'the workspace name',
  ];
  const tails = [
    '',
    '',
    '',
    ' please',
    ' for my team',
    ' on mobile',
    ' in the new UI',
    ' without admin rights',
    ' after the update',
    ' today',
  ];
  const topics = new Zipf(verbs.length * objects.length, 1.05);
  const system = 'You are the Acme help-center assistant. Answer the question in a few sentences with steps, citing the knowledge base.';
  const out = new ChunkWriter(path);
  const span = 14 * 24 * 3600 * 1000;
  for (let i = 0; i < queries; i++) {
    const ms = T0 + Math.floor((i / queries) * span) + rng.int(0, 999);
    const t = topics.sample(rng);
    let q = `${rng.pick(starts)} ${verbs[t % verbs.length]} ${objects[Math.floor(t / verbs.length)]}${rng.pick(tails)}?`;
    if (rng.chance(0.3)) q = q.toLowerCase();
    if (rng.chance(0.15)) q += ' ' + prose.sentence(rng);
    const line = JSON.stringify({
      timestamp: iso(ms),
      request: {
        model: 'gpt-4.1-mini',
        messages: [
          { role: 'system', content: system },
          { role: 'user', content: q },
        ],
        metadata: { feature: 'kb-search-answer', customer: `cust-${String(rng.int(1, 250)).padStart(4, '0')}` },
      },
      response: {
        id: `chatcmpl-${rng.chars(24, ALNUM)}`,
        object: 'chat.completion',
        created: Math.floor(ms / 1000),
        model: 'gpt-4.1-mini-2025-04-14',
        choices: [{ index: 0, finish_reason: 'stop' }],
        usage: { prompt_tokens: 40 + Math.round(q.length / 4), completion_tokens: rng.logNormal(150, 0.4), total_tokens: 0 },
      },
    });
    out.write(line + '\n');
  }
  out.close();
}

const SCENARIOS = `# generated by scripts/bench.mjs
version: 1
scenarios:
  - name: bench-prefix
    levers:
      - prefixCache: { ttl: 5m, scope: model }
  - name: bench-semantic
    levers:
      - semanticCache: { threshold: 0.85, ttl: 24h, scope: feature, capacity: 10000 }
`;

/** A LiteLLM model_prices_and_context_window.json look-alike with `entries` entries. */
function writeLiteLlm(path, entries, seed) {
  const rng = new Rng(seed);
  const providers = [
    'openai',
    'azure',
    'anthropic',
    'bedrock',
    'vertex_ai-language-models',
    'gemini',
    'mistral',
    'deepseek',
    'xai',
    'together_ai',
    'fireworks_ai',
    'groq',
    'openrouter',
    'cohere',
  ];
  const doc = {
    sample_spec: {
      max_tokens: 'LEGACY parameter. set to max_output_tokens if provider specifies it.',
      input_cost_per_token: 0.0,
      output_cost_per_token: 0.0,
      litellm_provider: 'one of https://docs.litellm.ai/docs/providers',
      mode: 'one of chat, embedding, completion, image_generation, audio_transcription, audio_speech',
    },
    'gpt-4o': {
      litellm_provider: 'openai',
      mode: 'chat',
      max_input_tokens: 128000,
      max_output_tokens: 16384,
      input_cost_per_token: 2.5e-6,
      output_cost_per_token: 1e-5,
      cache_read_input_token_cost: 1.25e-6,
      input_cost_per_token_batches: 1.25e-6,
      output_cost_per_token_batches: 5e-6,
      input_cost_per_token_priority: 4.25e-6,
      output_cost_per_token_priority: 1.7e-5,
      supports_prompt_caching: true,
    },
  };
  const price = () => Number((rng.int(1, 3000) * 1e-8).toPrecision(3));
  for (let i = 0; Object.keys(doc).length < entries; i++) {
    const provider = rng.pick(providers);
    const kind = rng.next();
    const key = `${provider}/model-${i}-${rng.chars(6, 'abcdefghijklmnopqrstuvwxyz')}`;
    if (kind < 0.1) {
      doc[key] = {
        litellm_provider: provider,
        mode: 'image_generation',
        input_cost_per_image: price() * 1000,
        output_cost_per_image: 0.04,
        input_cost_per_pixel: 1.9e-8,
      };
      continue;
    }
    if (kind < 0.15) {
      doc[key] = { litellm_provider: provider, mode: 'audio_transcription', input_cost_per_second: 0.0001, output_cost_per_second: 0 };
      continue;
    }
    const inp = price();
    const row = {
      litellm_provider: provider,
      mode: kind < 0.2 ? 'embedding' : 'chat',
      max_input_tokens: rng.pick([8192, 32768, 128000, 200000, 1000000]),
      max_output_tokens: rng.pick([4096, 8192, 16384, 64000]),
      input_cost_per_token: inp,
      output_cost_per_token: Number((inp * rng.pick([2, 3, 4, 5, 8])).toPrecision(3)),
      supports_function_calling: true,
      supports_vision: rng.chance(0.5),
      supports_prompt_caching: rng.chance(0.5),
    };
    if (rng.chance(0.5)) row.cache_read_input_token_cost = Number((inp * 0.1).toPrecision(3));
    if (rng.chance(0.3)) {
      row.cache_creation_input_token_cost = Number((inp * 1.25).toPrecision(3));
      row.cache_creation_input_token_cost_above_1hr = Number((inp * 2).toPrecision(3));
    }
    if (rng.chance(0.2)) {
      row.input_cost_per_token_above_200k_tokens = Number((inp * 2).toPrecision(3));
      row.output_cost_per_token_above_200k_tokens = Number((row.output_cost_per_token * 1.5).toPrecision(3));
    }
    if (rng.chance(0.3)) {
      row.input_cost_per_token_batches = Number((inp * 0.5).toPrecision(3));
      row.output_cost_per_token_batches = Number((row.output_cost_per_token * 0.5).toPrecision(3));
    }
    if (rng.chance(0.1)) {
      row.input_cost_per_token_priority = Number((inp * 1.7).toPrecision(3));
      row.output_cost_per_token_priority = Number((row.output_cost_per_token * 1.7).toPrecision(3));
    }
    if (rng.chance(0.05)) row.input_cost_per_audio_token = Number((inp * 10).toPrecision(3));
    doc[key] = row;
  }
  writeFileSync(path, JSON.stringify(doc, null, 4));
}

/** Sizes per `--size`. */
export function sizes(size) {
  const small = size === 'small';
  const MB = 1e6;
  return {
    S: small ? 2 * MB : 100 * MB,
    L: small ? 20 * MB : 1000 * MB,
    chat: small ? 2 * MB : 50 * MB,
    prose: small ? 256 * 1024 : 2 * MB,
    parallel: small ? 4 * MB : 20 * MB,
    prefixRequests: small ? 10000 : 200000,
    semanticQueries: small ? 5000 : 100000,
    litellmEntries: 2500,
  };
}

/** Lazily generated data sets; each getter generates its files on first use. */
export class BenchData {
  constructor(dir, size, seed, log) {
    this.dir = dir;
    this.size = size;
    this.seed = seed;
    this.sz = sizes(size);
    this.log = log;
  }

  requestLog(which) {
    const bytes = this.sz[which];
    const tag = `${which}-${Math.round(bytes / 1e6)}mb`;
    if (which === 'S') {
      const { paths } = ensure(
        this.dir,
        [`requests-${tag}.jsonl`, `requests-${tag}.csv`],
        { seed: this.seed, bytes },
        (p) => writeRequestLog(p[0], p[1], bytes, this.seed),
        this.log,
      );
      return { jsonl: paths[0], csv: paths[1] };
    }
    const { paths } = ensure(
      this.dir,
      [`requests-${tag}.jsonl`],
      { seed: this.seed + 1, bytes },
      (p) => writeRequestLog(p[0], undefined, bytes, this.seed + 1),
      this.log,
    );
    return { jsonl: paths[0] };
  }

  chatLog() {
    const bytes = this.sz.chat;
    return ensure(
      this.dir,
      [`chat-${Math.round(bytes / 1e6)}mb.jsonl`],
      { seed: this.seed, bytes },
      (p) => writeChatLog(p[0], bytes, this.seed + 2),
      this.log,
    ).paths[0];
  }

  prose() {
    const bytes = this.sz.prose;
    return ensure(
      this.dir,
      [`prose-${bytes}.json`],
      { seed: this.seed, bytes },
      (p) => writeProseDocs(p[0], bytes, 1 << 30, this.seed + 3),
      this.log,
    ).paths[0];
  }

  parallelDocs() {
    const bytes = this.sz.parallel;
    return ensure(
      this.dir,
      [`parallel-${Math.round(bytes / 1e6)}mb.json`],
      { seed: this.seed, bytes },
      (p) => writeProseDocs(p[0], bytes, 100000, this.seed + 4),
      this.log,
    ).paths[0];
  }

  pathological() {
    const names = ['path-repeat.txt', 'path-nospace.txt', 'path-base64.txt'];
    return ensure(this.dir, names, { seed: this.seed }, (p) => writePathological(p, this.seed + 5), this.log).paths;
  }

  bomNel() {
    return ensure(this.dir, ['bom-nel.json'], { seed: 0 }, (p) => writeFileSync(p[0], JSON.stringify(bomNelCorpus())), this.log).paths[0];
  }

  prefixSim() {
    const n = this.sz.prefixRequests;
    return ensure(this.dir, [`sim-prefix-${n}.jsonl`], { seed: this.seed, n }, (p) => writePrefixSim(p[0], n, this.seed + 6), this.log)
      .paths[0];
  }

  semanticSim() {
    const n = this.sz.semanticQueries;
    return ensure(this.dir, [`sim-semantic-${n}.jsonl`], { seed: this.seed, n }, (p) => writeSemanticSim(p[0], n, this.seed + 7), this.log)
      .paths[0];
  }

  scenarios() {
    return ensure(this.dir, ['scenarios.yaml'], { text: SCENARIOS }, (p) => writeFileSync(p[0], SCENARIOS), this.log).paths[0];
  }

  litellm() {
    const n = this.sz.litellmEntries;
    return ensure(this.dir, [`litellm-${n}.json`], { seed: this.seed, n }, (p) => writeLiteLlm(p[0], n, this.seed + 8), this.log).paths[0];
  }
}
