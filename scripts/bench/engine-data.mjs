/**
 * Inputs of the engine workloads (generated, deterministic, never committed):
 *  - OpenAI Chat Completions / Responses bodies, one per line (the shape the SQL reader reads),
 *    with cached and reasoning tokens, a few stream chunks and duplicate ids;
 *  - a Parquet file of N usage rows written by DuckDB `COPY ... TO` from SQL over `range(N)`.
 */
import { closeSync, existsSync, mkdirSync, openSync, renameSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { mulberry32 as rng } from '../../dist/whatif/dist.js';

const MODELS = ['gpt-4o-mini', 'gpt-4.1', 'gpt-5-mini', 'o4-mini', 'gpt-4.1-nano', 'ft:gpt-4o-mini:acme::x1'];
const TIERS = ['default', 'default', 'default', 'flex', 'priority'];

function body(i, rand) {
  const model = MODELS[Math.floor(rand() * MODELS.length)];
  const prompt = 200 + Math.floor(rand() * 30_000);
  const cached = rand() < 0.5 ? Math.floor((prompt * 0.7) / 128) * 128 : 0;
  const output = Math.floor(rand() * 1500);
  const reasoning = rand() < 0.3 ? Math.floor(output * 0.5) : 0;
  const tier = TIERS[Math.floor(rand() * TIERS.length)];
  if (rand() < 0.25)
    return {
      id: `resp_${i}`,
      object: 'response',
      created_at: 1_790_000_000 + i,
      model,
      status: 'completed',
      service_tier: tier,
      output: [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Your order ships on Monday.' }] }],
      usage: {
        input_tokens: prompt,
        input_tokens_details: { cached_tokens: cached },
        output_tokens: output,
        output_tokens_details: { reasoning_tokens: reasoning },
        total_tokens: prompt + output,
      },
    };
  return {
    id: `chatcmpl-${i}`,
    object: 'chat.completion',
    created: 1_790_000_000 + i,
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'Your order ships on Monday; the tracking number follows by e-mail.' },
        finish_reason: 'stop',
      },
    ],
    service_tier: tier,
    usage: {
      prompt_tokens: prompt,
      completion_tokens: output,
      total_tokens: prompt + output,
      prompt_tokens_details: { cached_tokens: cached, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: reasoning, audio_tokens: 0 },
    },
  };
}

/** ~`mb` MB of OpenAI bodies at `path` (kept when already that size). */
export function openaiBodies(path, mb, seed = 20261001) {
  if (existsSync(path) && statSync(path).size >= mb * 1e6) return path;
  const rand = rng(seed);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  let bytes = 0;
  let buf = '';
  for (let i = 0; bytes < mb * 1e6; i++) {
    let line = JSON.stringify(body(i, rand));
    // one line in 500 is a usage-less stream chunk, one in 1000 a repeated body (a double write)
    if (i % 500 === 7)
      line = JSON.stringify({
        id: `chatcmpl-s${i}`,
        object: 'chat.completion.chunk',
        created: 1_790_000_000 + i,
        model: 'gpt-4.1',
        choices: [],
      });
    line += '\n';
    buf += line;
    if (i % 1000 === 999) buf += line;
    bytes += line.length;
    if (buf.length > 1 << 20) {
      writeSync(fd, buf);
      buf = '';
    }
  }
  writeSync(fd, buf);
  closeSync(fd);
  renameSync(tmp, path);
  return path;
}

/** `rows` usage rows (usage-table column names) as Parquet at `path`, written by DuckDB. */
export async function usageParquet(path, rows) {
  if (existsSync(path) && statSync(path).size > 0) return path;
  mkdirSync(dirname(path), { recursive: true });
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  const models = `['gpt-4o-mini', 'gpt-4.1', 'claude-sonnet-4-5', 'claude-haiku-4-5', 'gemini-2.5-pro', 'gpt-5-mini', 'unknown-model']`;
  const tmp = `${path}.tmp`;
  await db.run(`COPY (
  WITH g AS (SELECT i, hash(i) AS h, hash(i * 7919) AS k FROM range(${rows}) t(i))
  SELECT 'r' || i AS id,
    ${Date.parse('2026-09-01T00:00:00Z')} + i * 250 AS time_ms,
    ${models}[1 + (h % 7)::INTEGER] AS model,
    (500 + h % 20000)::BIGINT - CASE WHEN k % 2 = 0 THEN ((500 + h % 20000) * 6 / 10)::BIGINT ELSE 0 END AS input_tokens,
    CASE WHEN k % 2 = 0 THEN ((500 + h % 20000) * 6 / 10)::BIGINT ELSE 0 END AS cache_read_tokens,
    CASE WHEN k % 10 = 1 THEN (h % 4000)::BIGINT ELSE 0 END AS cache_write_5m_tokens,
    (k % 2000)::BIGINT AS output_tokens,
    CASE WHEN k % 3 = 0 THEN (k % 2000 / 2)::BIGINT ELSE 0 END AS reasoning_tokens,
    CASE WHEN k % 5 < 3 THEN 'c' || (i // 8) END AS conversation_id,
    ['chat', 'search', 'summary', 'tagging', 'draft'][1 + (k % 5)::INTEGER] AS feature,
    'cust' || (h % 500) AS customer,
    'u' || (k % 20000) AS user_id
  FROM g
) TO '${tmp.replace(/'/g, "''")}' (FORMAT parquet)`);
  db.closeSync();
  instance.closeSync();
  renameSync(tmp, path);
  return path;
}

const FEATURES = ['chat', 'search', 'summary', 'tagging', 'draft'];

/**
 * ~`mb` MB of generic CSV at `path` (kept when already that size): self-describing column names
 * (no --map needed), canonical ISO times, ids, a cached count in half the rows and a reasoning
 * count in a third, one feature and customer per row; a quoted feature in one row of 100. Every
 * row is a record.
 */
export function genericCsvLog(path, mb, seed = 20261001) {
  const rand = rng(seed);
  const header = 'request_id,timestamp,model,input_tokens,cached_tokens,output_tokens,reasoning_tokens,feature,customer\n';
  return writeGenerated(path, mb, (i) => {
    const model = MODELS[Math.floor(rand() * MODELS.length)];
    const input = 200 + Math.floor(rand() * 30_000);
    const cached = rand() < 0.5 ? Math.floor((input * 0.7) / 128) * 128 : '';
    const output = Math.floor(rand() * 1500);
    const reasoning = rand() < 0.3 ? Math.floor(output * 0.5) : '';
    const feature = i % 100 === 3 ? '"draft, long"' : FEATURES[Math.floor(rand() * FEATURES.length)];
    const time = new Date(Date.parse('2026-09-01T00:00:00Z') + i * 1500 + Math.floor(rand() * 1000)).toISOString();
    const row = `req-${i},${time},${model},${input},${cached},${output},${reasoning},${feature},cust-${Math.floor(rand() * 500)}\n`;
    return i === 0 ? header + row : row;
  });
}

/** Writes `textOf(0)`, `textOf(1)`, ... to `path` (through a temporary name) until ~`mb` MB; kept when already that size. */
function writeGenerated(path, mb, textOf) {
  if (existsSync(path) && statSync(path).size >= mb * 1e6) return path;
  mkdirSync(dirname(path), { recursive: true });
  const partial = `${path}.partial`;
  const fd = openSync(partial, 'w');
  const parts = [];
  let unwritten = 0;
  for (let i = 0, total = 0; total < mb * 1e6; i++) {
    const text = textOf(i);
    parts.push(text);
    unwritten += text.length;
    total += text.length;
    if (unwritten >= 1 << 20) {
      writeSync(fd, parts.join(''));
      parts.length = 0;
      unwritten = 0;
    }
  }
  writeSync(fd, parts.join(''));
  closeSync(fd);
  renameSync(partial, path);
  return path;
}
