#!/usr/bin/env node
/**
 * A first measurement of the DuckDB engine (issue 14), not a test and not the bench:
 *  1. append N generated UsageRecords through the appender (column chunks), then run every report
 *     query (reportFromTable), for N = 1M and 10M (argument: counts, default "1000000,10000000");
 *  2. read a generated ~170 MB OpenAI Chat Completions JSONL file with DuckDB `read_json` into the
 *     usage table through an SQL view with the reader's bucket semantics (prompt_tokens includes
 *     cached tokens: input = prompt - cached; reasoning is inside completion), against Node's
 *     `split('\n')` + `JSON.parse` of the same file summing the same buckets.
 * Needs `npm run build` first (imports dist/). Data goes to bench-data/ (git-ignored).
 *   node scripts/engine-measure.mjs [counts] [--jsonl-mb 170] [--memory-limit 1GB]
 */
import { mkdirSync, readFileSync, statSync, writeFileSync, openSync, writeSync, closeSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { UsageDb } from '../dist/engine/duckdb.js';
import { reportFromTable } from '../dist/engine/report.js';
import { parseDimensions } from '../dist/aggregate/dims.js';
import { loadCatalog } from '../dist/pricing/load.js';
import { mulberry32 } from '../dist/whatif/dist.js';

const args = process.argv.slice(2);
const flag = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const counts = (args[0] && !args[0].startsWith('--') ? args[0] : '1000000,10000000').split(',').map(Number);
const jsonlMb = Number(flag('--jsonl-mb', '170'));
const memoryLimit = flag('--memory-limit', undefined);
const dir = 'bench-data';
mkdirSync(dir, { recursive: true });

const { catalog } = loadCatalog({ priceFiles: [] });
const NOW = Date.parse('2026-11-23T00:00:00Z');
const MODELS = ['gpt-4o-mini', 'gpt-4.1', 'claude-sonnet-4-5', 'claude-haiku-4-5', 'gemini-2.5-pro', 'gpt-5-mini', 'unknown-model'];
const FEATURES = ['chat', 'search', 'summary', 'tagging', 'draft'];
const secs = (ms) => (ms / 1000).toFixed(2);
/** CPU seconds of the whole process (DuckDB's threads included) since `from`: the machine may be shared. */
const cpu = (from) => {
  const c = process.cpuUsage(from);
  return ((c.user + c.system) / 1e6).toFixed(2);
};
const rssMb = () => Math.round(process.memoryUsage().rss / 1e6);
/** Peak resident set of the process so far (DuckDB's memory included). */
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1e3);

/** A deterministic generator. */
const rng = mulberry32;

function record(i, rand) {
  const prompt = 500 + Math.floor(rand() * 20_000);
  const read = rand() < 0.5 ? Math.floor(prompt * 0.6) : 0;
  const write = read === 0 && rand() < 0.2 ? Math.floor(prompt * 0.5) : 0;
  const conv = rand() < 0.6 ? `c${Math.floor(i / 8)}` : undefined;
  return {
    id: `r${i}`,
    timeMs: Date.parse('2026-10-01T00:00:00Z') + i * 250,
    provider: 'x',
    model: MODELS[Math.floor(rand() * MODELS.length)],
    inputTokens: prompt - read - write,
    cacheReadTokens: read,
    cacheWrite5mTokens: write,
    cacheWrite1hTokens: 0,
    outputTokens: Math.floor(rand() * 2000),
    reasoningTokens: 0,
    requests: 1,
    tokenSource: 'reported',
    conversationId: conv,
    tags: {
      feature: FEATURES[Math.floor(rand() * FEATURES.length)],
      customer: `cust${Math.floor(rand() * 500)}`,
      user: `u${Math.floor(rand() * 20_000)}`,
    },
    source: { file: 'gen.jsonl', line: i + 1 },
  };
}

async function appendAndQuery(n) {
  const rand = rng(n);
  const db = await UsageDb.open({ memoryLimit, tempDirectory: join(dir, 'duckdb-tmp') });
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) db.append(record(i, rand));
  db.seal();
  const t1 = performance.now();
  const appendCpu = cpu(c0);
  const c1 = process.cpuUsage();
  const { view } = await reportFromTable(db, { dims: parseDimensions('feature,model') }, { catalog, nowMs: NOW });
  const t2 = performance.now();
  const queryCpu = cpu(c1);
  const slowest = [...db.timings]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([sql, ms]) => `${secs(ms)} s ${sql.trim()}`);
  const rss = rssMb();
  db.close();
  console.log(
    `usage rows ${n.toLocaleString('en')} (generated in the loop): append ${secs(t1 - t0)} s wall / ${appendCpu} s CPU (${Math.round(n / ((t1 - t0) / 1000)).toLocaleString('en')} rows/s); every report query ${secs(t2 - t1)} s wall / ${queryCpu} s CPU; RSS ${rss} MB with the table open, peak ${peakRssMb()} MB; ${view.groups.length} groups`,
  );
  console.log(`  slowest: ${slowest.join(' | ')}`);
}

/** ~`mb` MB of OpenAI Chat Completions responses, one per line. */
function openaiJsonl(mb) {
  const file = join(dir, `openai-${mb}mb.jsonl`);
  if (existsSync(file) && statSync(file).size >= mb * 1e6) return file;
  const rand = rng(170);
  const fd = openSync(file, 'w');
  let bytes = 0;
  let buf = '';
  for (let i = 0; bytes < mb * 1e6; i++) {
    const prompt = 200 + Math.floor(rand() * 30_000);
    const cached = rand() < 0.5 ? Math.floor((prompt * 0.7) / 128) * 128 : 0;
    const completion = Math.floor(rand() * 1500);
    const reasoning = rand() < 0.3 ? Math.floor(completion * 0.5) : 0;
    const line =
      JSON.stringify({
        id: `chatcmpl-${i}`,
        object: 'chat.completion',
        created: 1_790_000_000 + i,
        model: MODELS[i % 3 === 0 ? 5 : i % 2],
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: 'Your order ships on Monday; the tracking number follows by e-mail.' },
            finish_reason: 'stop',
          },
        ],
        service_tier: 'default',
        usage: {
          prompt_tokens: prompt,
          completion_tokens: completion,
          total_tokens: prompt + completion,
          prompt_tokens_details: { cached_tokens: cached, audio_tokens: 0 },
          completion_tokens_details: { reasoning_tokens: reasoning, audio_tokens: 0 },
        },
      }) + '\n';
    buf += line;
    bytes += line.length;
    if (buf.length > 1 << 20) {
      writeSync(fd, buf);
      buf = '';
    }
  }
  writeSync(fd, buf);
  closeSync(fd);
  return file;
}

function nodeSplitParse(file) {
  const t0 = performance.now();
  const sums = new Map();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const o = JSON.parse(line);
    const u = o.usage;
    const cached = u.prompt_tokens_details?.cached_tokens ?? 0;
    const s = sums.get(o.model) ?? { input: 0, cacheRead: 0, output: 0, reasoning: 0, requests: 0 };
    s.input += u.prompt_tokens - cached;
    s.cacheRead += cached;
    s.output += u.completion_tokens;
    s.reasoning += u.completion_tokens_details?.reasoning_tokens ?? 0;
    s.requests += 1;
    sums.set(o.model, s);
  }
  return { ms: performance.now() - t0, sums };
}

/** The OpenAI Chat Completions reader as an SQL view over read_json (same bucket semantics). */
function openaiView(file) {
  const path = file.replace(/'/g, "''");
  return `CREATE OR REPLACE VIEW openai_chat AS
SELECT row_number() OVER () AS line, id, created, model, service_tier,
  usage.prompt_tokens - COALESCE(usage.prompt_tokens_details.cached_tokens, 0) AS input_tokens,
  COALESCE(usage.prompt_tokens_details.cached_tokens, 0) AS cache_read_tokens,
  usage.completion_tokens AS output_tokens,
  COALESCE(usage.completion_tokens_details.reasoning_tokens, 0) AS reasoning_tokens
FROM read_json('${path}', format = 'newline_delimited', columns = {
  id: 'VARCHAR', created: 'BIGINT', model: 'VARCHAR', service_tier: 'VARCHAR',
  usage: 'STRUCT(prompt_tokens BIGINT, completion_tokens BIGINT, prompt_tokens_details STRUCT(cached_tokens BIGINT), completion_tokens_details STRUCT(reasoning_tokens BIGINT))'
})`;
}

async function duckdbReadJson(file) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const db = await UsageDb.open({ memoryLimit, tempDirectory: join(dir, 'duckdb-tmp') });
  db.seal();
  await db.run(openaiView(file));
  await db.run(`INSERT INTO usage (seq, id, time_ms, model, provider, service_tier, input_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens,
  output_tokens, reasoning_tokens, requests, estimated, tags, source_file, source_line)
SELECT line - 1, id, created * 1000, model, 'openai', CASE WHEN service_tier IN ('flex', 'priority') THEN service_tier END, input_tokens, cache_read_tokens, 0, 0,
  output_tokens, reasoning_tokens, 1, false, NULL, '${file.replace(/'/g, "''")}', line
FROM openai_chat`);
  const t1 = performance.now();
  const loadCpu = Number(cpu(c0)) * 1000;
  const rows = await db.query(
    `SELECT model, sum(input_tokens) AS input, sum(cache_read_tokens) AS cache_read, sum(output_tokens) AS output, sum(reasoning_tokens) AS reasoning, sum(requests) AS requests FROM usage GROUP BY model`,
  );
  const t2 = performance.now();
  const { view } = await reportFromTable(db, { dims: parseDimensions('model') }, { catalog, nowMs: NOW });
  const t3 = performance.now();
  db.close();
  return { load: t1 - t0, sum: t2 - t1, report: t3 - t2, loadCpu, rows, view };
}

console.log(`node ${process.version}, ${new Date().toISOString()}${memoryLimit ? `, memory_limit ${memoryLimit}` : ''}`);

if (jsonlMb > 0) {
  const file = openaiJsonl(jsonlMb);
  const mb = (statSync(file).size / 1e6).toFixed(0);
  const runs = [];
  for (let k = 0; k < 3; k++) {
    let c = process.cpuUsage();
    const node = nodeSplitParse(file);
    const nodeCpu = Number(cpu(c));
    c = process.cpuUsage();
    const db = await duckdbReadJson(file);
    const dbCpu = Number(cpu(c));
    runs.push({
      node: node.ms,
      load: db.load,
      sum: db.sum,
      report: db.report,
      nodeCpu: nodeCpu * 1000,
      loadCpu: db.loadCpu,
      dbCpu: dbCpu * 1000,
    });
    // identical integer sums per model
    for (const r of db.rows) {
      const s = node.sums.get(r.model);
      const same =
        s &&
        s.input === Number(r.input) &&
        s.cacheRead === Number(r.cache_read) &&
        s.output === Number(r.output) &&
        s.reasoning === Number(r.reasoning) &&
        s.requests === Number(r.requests);
      if (!same) throw new Error(`sums differ for ${r.model}`);
    }
  }
  const med = (k) => secs(runs.map((r) => r[k]).sort((a, b) => a - b)[1]);
  const min = (k) => secs(Math.min(...runs.map((r) => r[k])));
  console.log(`OpenAI JSONL ${mb} MB, 3 runs (min / median), identical sums per model:`);
  console.log(`  Node readFileSync + split + JSON.parse + sum: ${min('node')} / ${med('node')} s`);
  console.log(
    `  DuckDB read_json view -> usage table:         ${min('load')} / ${med('load')} s (+ sum per model ${min('sum')} / ${med('sum')} s; every report query ${min('report')} / ${med('report')} s)`,
  );
  console.log(
    `  CPU seconds (process, all threads; min): Node ${min('nodeCpu')}; DuckDB read_json -> usage table ${min('loadCpu')}; DuckDB load + sum + every report query ${min('dbCpu')}`,
  );
  writeFileSync(join(dir, 'engine-measure.json'), JSON.stringify({ runs }, null, 2));
}
for (const n of counts) if (n > 0) await appendAndQuery(n);
console.log(`peak RSS ${peakRssMb()} MB`);
