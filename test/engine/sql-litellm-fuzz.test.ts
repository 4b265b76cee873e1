/**
 * The LiteLLM SQL reader (src/engine/sql-readers/litellm.ts) against the TypeScript reader on seeded
 * random spend logs: mostly plain rows (so that SQL reads most files itself) with the traps of real
 * exports mixed in: metadata as text or object, usage objects with missing, null, string, fractional,
 * negative or nested-duplicate counts, usage or its parts that are not objects, custom metadata of
 * every JSON type, request tags with key:value forms, statuses and cache hits spelled in any case,
 * padded values. Rows, counts and issues (file:line) must be equal whichever reader took the file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/whatif/dist.js';
import { both } from './sql-both.js';

const tmp = mkdtempSync(join(tmpdir(), 'tokenomics-litellm-fuzz-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
/** How often a trap is laid, per file (0: only values SQL reads itself, so that it reads the file). */
let trapRate = 0.15;
/** Usually `plain`, else one of the traps. */
const mostly = <T>(r: Rand, plain: T, traps: readonly T[]): T => (r() >= trapRate ? plain : pick(r, traps));

/** A count as a JSON value: a number usually, else a trap (kept as JSON source text). */
function count(r: Rand, n: number): string {
  return mostly(r, String(n), [`"${n}"`, `" ${n} "`, 'null', `${n}.0`, `${n}.5`, '-3', '""', 'true', `"x"`, '1e3', '{}']);
}

/**
 * The usage_object's JSON source text (or a trap that is not an object): the cache reads and writes
 * within the `prompt` and reasoning within the `completion`, unless a trap is laid.
 */
function usage(r: Rand, prompt: number, completion: number): string {
  const parts: string[] = [];
  let left = prompt;
  const take = (max: number) => {
    const n = Math.floor(r() * Math.min(max, left) * 0.5);
    left -= n;
    return n;
  };
  if (r() < 0.7)
    parts.push(
      `"prompt_tokens_details": ${mostly(r, `{"cached_tokens": ${count(r, take(500))}}`, ['5', '[]', 'null', '{"cached_tokens": 1, "cached_tokens": 7}', `{"cached_tokens": ${prompt + 1}}`])}`,
    );
  else if (r() < 0.4) parts.push(`"cache_read_input_tokens": ${count(r, take(300))}`);
  if (r() < 0.3) {
    const w1 = take(50);
    const w5 = take(50);
    parts.push(`"cache_creation_input_tokens": ${count(r, mostly(r, w1 + w5, [w1, 0]))}`);
    if (r() < 0.7)
      parts.push(
        `"cache_creation": ${mostly(r, `{"ephemeral_1h_input_tokens": ${w1}, "ephemeral_5m_input_tokens": ${w5}}`, ['"x"', '[1]', `{"ephemeral_1h_input_tokens": ${w1}, "ephemeral_1h_input_tokens": 0}`])}`,
      );
  }
  if (r() < 0.4)
    parts.push(`"completion_tokens_details": {"reasoning_tokens": ${count(r, mostly(r, Math.floor(r() * completion), [completion + 1]))}}`);
  if (r() < 0.15)
    parts.push(
      `"server_tool_use": ${mostly(r, `{"web_search_requests": ${count(r, 1 + Math.floor(r() * 3))}}`, ['[]', '{"web_fetch_requests": 2}'])}`,
    );
  if (r() < trapRate / 3) parts.push('"a.b": 1');
  if (r() < trapRate / 3) parts.push('"prompt_tokens_details": {}');
  return mostly(r, `{${parts.join(', ')}}`, ['"text"', '[1, 2]', '7', 'null']);
}

/** Custom metadata (spend_logs_metadata): values of every JSON type, keys JavaScript orders or drops. */
function custom(r: Rand): string {
  const entries: string[] = [];
  const keys = ['feature', 'experiment', 'team', 'customer', 'flag', 'a/b', 'x~y'];
  const n = Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    // distinct keys, but for the traps (a repeated key: JSON.parse keeps the last value)
    const key = mostly(r, keys.splice(Math.floor(r() * keys.length), 1)[0], ['7', '__proto__', 'feature']);
    const value = mostly(r, pick(r, ['"rag"', '" padded "', '7', 'true', 'null', '""', '"π"']), [
      '1.5',
      '{"x": 1}',
      '[1]',
      '"tab\\there"',
      '1e400',
    ]);
    entries.push(`${JSON.stringify(key)}: ${value}`);
  }
  return `{${entries.join(', ')}}`;
}

/** The metadata JSON source text. */
function metadata(r: Rand, prompt: number, completion: number): string {
  const parts: string[] = [];
  if (r() < 0.85) parts.push(`"usage_object": ${usage(r, prompt, completion)}`);
  if (r() < 0.4)
    parts.push(`"user_api_key_alias": ${mostly(r, pick(r, ['"key1"', '" key2 "', '7', 'null', '""', 'false']), ['1.5', '[]'])}`);
  if (r() < 0.2) parts.push(`"user_api_key_team_alias": ${mostly(r, '"ta"', ['1.5', '{}', '12345678901234567890'])}`);
  if (r() < 0.1) parts.push(`"status": ${pick(r, ['"failure"', '"FAILURE"', '"success"', '" failure "'])}`);
  if (r() < 0.4) parts.push(`"spend_logs_metadata": ${mostly(r, custom(r), ['"text"', '[]'])}`);
  if (r() < trapRate / 5) parts.push('"user_api_key_alias": "dup"');
  return mostly(r, `{${parts.join(', ')}}`, ['{}', '[]', '"x"']);
}

/** Request tags (a JSON array). */
function tags(r: Rand): string {
  const n = Math.floor(r() * 4);
  const xs: string[] = [];
  for (let i = 0; i < n; i++)
    xs.push(
      mostly(r, pick(r, ['"env:prod"', '"beta"', '" k = v "', '"customer=c9"', '"feature:x"', '7', 'null', '"a:b:c"']), [
        '"1:x"',
        '1.5',
        '"a\\nb"',
      ]),
    );
  return mostly(r, `[${xs.join(', ')}]`, ['"x"', '{}', 'null']);
}

interface Row {
  request_id: string;
  call_type: string;
  model: string;
  model_group: string;
  custom_llm_provider: string;
  user: string;
  end_user: string;
  startTime: string;
  prompt_tokens: string;
  completion_tokens: string;
  metadata: string;
  cache_hit: string;
  request_tags: string;
  status: string;
  session_id: string;
}

/** One row's fields, each as JSON source text. */
function row(r: Rand, i: number): Row {
  const prompt = 100 + Math.floor(r() * 5000);
  const completion = Math.floor(r() * 800);
  return {
    request_id: mostly(r, `"req-${i}"`, ['""', '" "', '7', 'null']),
    call_type: pick(r, ['"acompletion"', '"anthropic_messages"', '""']),
    model: mostly(r, pick(r, ['"gpt-4o"', '"claude-sonnet-4-5"', '"o3-mini"']), ['""', '" gpt-4o "', 'null']),
    model_group: pick(r, ['"g"', '""', 'null']),
    custom_llm_provider: pick(r, ['"openai"', '"anthropic"', '""']),
    user: pick(r, ['"alice"', '""', '" bob "']),
    end_user: pick(r, ['"cust-1"', '""', 'null']),
    startTime: mostly(r, `"2025-06-01 10:${String(i % 60).padStart(2, '0')}:00.250"`, [
      '""',
      '"2025-02-30 10:00:00"',
      '"2025-06-01T10:05:00Z"',
      '1748772000',
      '"soon"',
    ]),
    prompt_tokens: count(r, prompt),
    completion_tokens: count(r, completion),
    metadata: metadata(r, prompt, completion),
    cache_hit: mostly(r, 'false', ['true', '"True"', '" TRUE "', '"no"', 'null']),
    request_tags: tags(r),
    status: mostly(r, '"success"', ['"failure"', '"Failure"', '""', 'null']),
    session_id: pick(r, ['"s1"', '"s2"', '""', 'null']),
  };
}

const COLUMNS = Object.keys(row(mulberry32(1), 0)) as (keyof Row)[];

/** A CSV cell: a JSON string as its text, any other JSON value (metadata, tags, numbers) as its source. */
function cell(json: string): string {
  let text = json;
  if (json.startsWith('"')) {
    try {
      text = JSON.parse(json);
    } catch {
      /* not one string: written as it is */
    }
  } else if (json === 'null') text = '';
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csvText(rows: Row[]): string {
  return `${COLUMNS.join(',')}\n${rows.map((x) => COLUMNS.map((c) => cell(c === 'metadata' || c === 'request_tags' ? JSON.stringify(x[c]) : x[c])).join(',')).join('\n')}\n`;
}

function jsonlText(rows: Row[]): string {
  return rows
    .map(
      (x) =>
        `{${COLUMNS.map((c) => `"${c}": ${c === 'metadata' && x.request_id.length % 3 === 0 ? JSON.stringify(x.metadata) : x[c]}`).join(', ')}}`,
    )
    .join('\n')
    .concat('\n');
}

describe('LiteLLM spend logs through SQL and TypeScript on seeded random rows', () => {
  const FILES = 32;
  let sqlRead = 0;
  for (let f = 0; f < FILES; f++) {
    const jsonl = f % 2 === 1;
    it(`file ${f} (${jsonl ? 'JSONL' : 'CSV'})`, async () => {
      const r = mulberry32(20261204 + f);
      // half the files without traps, a quarter with a few, a quarter with many
      trapRate = [0, 0, 0.003, 0.15][f % 4];
      const rows = Array.from({ length: 60 }, (_, i) => row(r, i));
      const file = join(tmp, `spend-${f}.${jsonl ? 'jsonl' : 'csv'}`);
      writeFileSync(file, jsonl ? jsonlText(rows) : csvText(rows));
      const { ts, sql } = await both(file);
      expect(sql.rows).toEqual(ts.rows);
      expect(sql.counts).toEqual(ts.counts);
      expect(sql.issues).toEqual(ts.issues);
      if (sql.took === 'litellm') sqlRead++;
    });
  }
  it('SQL read most of the files itself (else the parity above proves little)', () => {
    expect(sqlRead).toBeGreaterThanOrEqual(FILES / 2);
  });
});
