/**
 * The ready-made mappings on tables shaped as the tools write them, in the real engines: LiteLLM's
 * "LiteLLM_SpendLogs" in PostgreSQL, Langfuse's observations and the OpenTelemetry exporter's
 * otel_traces in ClickHouse (chDB). Expected costs computed by hand from the catalog prices.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { clickhouse, postgres, type WarehouseDialect } from '../../src/engine/dialect.js';
import type { WarehouseDb } from '../../src/engine/warehouse/connect.js';
import { reportFromWarehouse } from '../../src/engine/warehouse/remote-report.js';
import { parseDimensions } from '../../src/aggregate/dims.js';
import { loadCatalog } from '../../src/pricing/load.js';
import { service } from '../services.js';
import { openChdb, openPostgres } from './engines.js';
import { usageDocument } from '../../src/report/data.js';

async function report(
  db: WarehouseDb,
  d: WarehouseDialect,
  table: string,
  map: string | undefined,
  by = 'model',
  log?: (line: string) => void,
) {
  const r = await reportFromWarehouse(
    db,
    d,
    { table, map, name: table },
    { dims: parseDimensions(by) },
    { catalog: loadCatalog({ priceFiles: [] }).catalog, nowMs: Date.parse('2026-11-23T00:00:00Z') },
    log,
  );
  return JSON.parse(JSON.stringify(usageDocument(r.data))) as {
    totals: { requests: number; costUsd: number; tokens: Record<string, number> };
    inputs: { read: number; counted: number; rejected: Record<string, number> };
    groups: Array<{ key: Record<string, string>; costUsd: number }>;
  };
}

/** `fn` on a connection to the test PostgreSQL server (none configured: nothing runs), closed after. */
async function onPostgres(fn: (db: WarehouseDb) => Promise<void>): Promise<void> {
  const url = service('TOKENOMICS_TEST_PG_URL');
  if (!url) return;
  const db = await openPostgres(url);
  try {
    await fn(db);
  } finally {
    await db.close();
  }
}

// gpt-4o ($/MTok): input 2.50, cache read 1.25, output 10; claude-sonnet-4-5: input 3, cache read 0.30, 5-minute write 3.75, output 15
// a: 600 input + 400 cached + 100 output on gpt-4o = (600 x 2.5 + 400 x 1.25 + 100 x 10) / 1e6 = $0.003
// b: 500 input + 500 cache read + 1000 cache write + 200 output on claude-sonnet-4-5
//    = (500 x 3 + 500 x 0.3 + 1000 x 3.75 + 200 x 15) / 1e6 = (1500 + 150 + 3750 + 3000) / 1e6 = $0.0084

describe('ready-made mapping: LiteLLM_SpendLogs in PostgreSQL', () => {
  it('prompt_tokens less the cache numbers of metadata.usage_object; response-cache hits left out', async () => {
    await onPostgres(async (db) => {
      await db.run('DROP TABLE IF EXISTS "LiteLLM_SpendLogs"');
      await db.run(`CREATE TABLE "LiteLLM_SpendLogs" (request_id TEXT PRIMARY KEY, call_type TEXT, spend DOUBLE PRECISION, total_tokens INTEGER,
        prompt_tokens INTEGER, completion_tokens INTEGER, "startTime" TIMESTAMP(3), "endTime" TIMESTAMP(3), model TEXT, model_group TEXT,
        custom_llm_provider TEXT, "user" TEXT, end_user TEXT, session_id TEXT, metadata JSONB, cache_hit TEXT, status TEXT)`);
      await db.run(`INSERT INTO "LiteLLM_SpendLogs" VALUES
        ('chatcmpl-a', 'acompletion', 0.003, 1100, 1000, 100, '2026-10-01 10:00:00', '2026-10-01 10:00:02', 'gpt-4o', 'gpt-4o', 'openai', 'u1', 'acme', 's1',
         '{"usage_object": {"prompt_tokens_details": {"cached_tokens": 400}, "completion_tokens_details": {"reasoning_tokens": 0}}}', 'False', 'success'),
        ('msg_b', 'anthropic_messages', 0.0084, 2200, 2000, 200, '2026-10-01 11:00:00', '2026-10-01 11:00:03', 'claude-sonnet-4-5', 'sonnet', 'anthropic', 'u2', NULL, 's1',
         '{"usage_object": {"cache_read_input_tokens": 500, "cache_creation_input_tokens": 1000}}', 'False', 'success'),
        ('chatcmpl-c', 'acompletion', 0, 1100, 1000, 100, '2026-10-01 12:00:00', '2026-10-01 12:00:00', 'gpt-4o', 'gpt-4o', 'openai', 'u1', 'acme', 's2',
         '{}', 'True', 'success')`);
      const j = await report(db, postgres, 'LiteLLM_SpendLogs', 'litellm');
      expect(j.inputs).toMatchObject({ read: 2, counted: 2, rejected: {} });
      expect(j.totals.requests).toBe(2);
      expect(j.totals.tokens).toMatchObject({ input: 1100, cacheRead: 900, cacheWrite5m: 1000, output: 300 });
      expect(j.totals.costUsd).toBe(0.0114);
      const byCustomer = await report(db, postgres, 'LiteLLM_SpendLogs', 'litellm', 'customer');
      expect(byCustomer.groups.map((g) => [g.key.customer, g.costUsd])).toEqual([
        // (no customer: keyed null, apart from a customer named "(none)")
        [null, 0.0084],
        ['acme', 0.003],
      ]);
    });
  }, 60_000);
});

describe('ready-made mapping: LiteLLM cache writes by TTL', () => {
  // claude-sonnet-4-5 ($/MTok): input 3, 5-minute write 3.75, 1-hour write 6, output 15
  // d: 1000 input + 14000 1h writes + 100 output = (3000 + 84000 + 1500) / 1e6 = $0.0885
  // e: 1000 input + 4000 5m + 10000 1h writes + 100 output = (3000 + 15000 + 60000 + 1500) / 1e6 = $0.0795
  it('the 1h part from usage_object.prompt_tokens_details.cache_creation_token_details (or cache_creation), the rest 5m', async () => {
    await onPostgres(async (db) => {
      await db.run('DROP TABLE IF EXISTS ttl_spend_logs');
      await db.run(`CREATE TABLE ttl_spend_logs (request_id TEXT, prompt_tokens INTEGER, completion_tokens INTEGER, "startTime" TIMESTAMP(3),
        model TEXT, custom_llm_provider TEXT, "user" TEXT, end_user TEXT, session_id TEXT, metadata JSONB, cache_hit TEXT, status TEXT)`);
      await db.run(`INSERT INTO ttl_spend_logs VALUES
        ('msg_d', 15000, 100, '2026-10-01 10:00:00', 'claude-sonnet-4-5', 'anthropic', 'u', NULL, 's', '{"usage_object": {"cache_creation_input_tokens": 14000,
          "prompt_tokens_details": {"cached_tokens": 0, "cache_creation_token_details": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 14000}}}}', 'False', 'success'),
        ('msg_e', 15000, 100, '2026-10-01 11:00:00', 'claude-sonnet-4-5', 'anthropic', 'u', NULL, 's', '{"usage_object": {"cache_creation_input_tokens": 14000,
          "cache_creation": {"ephemeral_5m_input_tokens": 4000, "ephemeral_1h_input_tokens": 10000}}}', 'False', 'success')`);
      const j = await report(db, postgres, 'ttl_spend_logs', 'litellm');
      expect(j.inputs).toMatchObject({ read: 2, counted: 2, rejected: {} });
      expect(j.totals.tokens).toMatchObject({ input: 2000, cacheWrite5m: 4000, cacheWrite1h: 24000, output: 200 });
      // $0.0885 + $0.0795
      expect(j.totals.costUsd).toBe(0.168);
    });
  }, 60_000);
});

describe('ready-made mappings in ClickHouse (chDB)', () => {
  let opened: Awaited<ReturnType<typeof openChdb>> | undefined;
  afterAll(async () => opened?.close());
  /** The test chDB engine, opened once for these tests (none configured: undefined, and the test does nothing). */
  const openedChdb = async () => {
    const path = service('TOKENOMICS_TEST_CHDB');
    if (path) opened ??= await openChdb(path);
    return opened;
  };

  it('Langfuse observations: generations only, usage_details partitioned, deleted rows left out', async () => {
    const chdb = await openedChdb();
    if (!chdb) return;
    await chdb.run('DROP TABLE IF EXISTS observations');
    await chdb.run(`CREATE TABLE observations (id String, trace_id String, project_id String, type String, name String,
      start_time DateTime64(3), provided_model_name Nullable(String), usage_details Map(LowCardinality(String), UInt64),
      prompt_name Nullable(String), is_deleted UInt8) ENGINE = Memory`);
    await chdb.run(`INSERT INTO observations VALUES
      ('g1', 't1', 'p', 'GENERATION', 'answer', '2026-10-01 10:00:00.000', 'gpt-4o',
       map('input', 600, 'input_cached_tokens', 400, 'output', 80, 'output_reasoning_tokens', 20, 'total', 1100), 'support', 0),
      ('s1', 't1', 'p', 'SPAN', 'retrieve', '2026-10-01 10:00:00.000', NULL, map(), NULL, 0),
      ('g2', 't2', 'p', 'GENERATION', 'answer', '2026-10-01 10:05:00.000', 'gpt-4o', map('input', 5000, 'output', 500), NULL, 1)`);
    const j = await report(chdb, clickhouse, 'observations', 'langfuse');
    expect(j.inputs).toMatchObject({ read: 1, counted: 1 });
    expect(j.totals.tokens).toMatchObject({ input: 600, cacheRead: 400, output: 100, reasoning: 20 });
    expect(j.totals.costUsd).toBe(0.003);
  }, 60_000);

  it('OTel spans: inference spans only (not agent spans), input less cache, fractional counts rejected', async () => {
    const chdb = await openedChdb();
    if (!chdb) return;
    await chdb.run('DROP TABLE IF EXISTS otel_traces');
    await chdb.run(`CREATE TABLE otel_traces (Timestamp DateTime64(9), TraceId String, SpanId String, ParentSpanId String, SpanName String,
      SpanKind LowCardinality(String), ServiceName LowCardinality(String), SpanAttributes Map(LowCardinality(String), String),
      Duration UInt64, StatusCode LowCardinality(String)) ENGINE = Memory`);
    await chdb.run(`INSERT INTO otel_traces VALUES
      ('2026-10-01 10:00:00.000000000', 't1', 'sp1', 'sp0', 'chat claude-sonnet-4-5', 'Client', 'support-bot',
       map('gen_ai.operation.name', 'chat', 'gen_ai.provider.name', 'anthropic', 'gen_ai.request.model', 'claude-sonnet-4-5',
           'gen_ai.usage.input_tokens', '2000', 'gen_ai.usage.cache_read.input_tokens', '500',
           'gen_ai.usage.cache_creation.input_tokens', '1000', 'gen_ai.usage.output_tokens', '200'), 1000, 'Ok'),
      ('2026-10-01 10:00:00.000000000', 't1', 'sp0', '', 'invoke_agent helper', 'Internal', 'support-bot',
       map('gen_ai.operation.name', 'invoke_agent', 'gen_ai.usage.input_tokens', '2000', 'gen_ai.usage.output_tokens', '999'), 2000, 'Ok'),
      ('2026-10-01 10:01:00.000000000', 't1', 'sp2', 'sp0', 'chat gpt-4o', 'Client', 'support-bot',
       map('gen_ai.operation.name', 'chat', 'gen_ai.request.model', 'gpt-4o', 'gen_ai.usage.input_tokens', '12.5', 'gen_ai.usage.output_tokens', '3'), 10, 'Ok'),
      ('2026-10-01 10:02:00.000000000', 't1', 'sp3', 'sp0', 'GET /search', 'Client', 'support-bot', map('http.method', 'GET'), 10, 'Ok')`);
    const j = await report(chdb, clickhouse, 'otel_traces', 'otel', 'feature');
    expect(j.inputs).toMatchObject({ read: 2, counted: 1, rejected: { 'invalid-count': 1 } });
    expect(j.totals.tokens).toMatchObject({ input: 500, cacheRead: 500, cacheWrite5m: 1000, output: 200 });
    expect(j.totals.costUsd).toBe(0.0084);
    expect(j.groups.map((g) => g.key.feature)).toEqual(['support-bot']);
  }, 60_000);

  it("Langfuse: LangChain's TTL split of the writes (input_ephemeral_1h_input_tokens); a split that is not the total rejected", async () => {
    const chdb = await openedChdb();
    if (!chdb) return;
    await chdb.run('DROP TABLE IF EXISTS observations_ttl');
    await chdb.run(`CREATE TABLE observations_ttl (id String, trace_id String, type String, start_time DateTime64(3),
      provided_model_name Nullable(String), usage_details Map(LowCardinality(String), UInt64), prompt_name Nullable(String), is_deleted UInt8) ENGINE = Memory`);
    await chdb.run(`INSERT INTO observations_ttl VALUES
      ('g1', 't1', 'GENERATION', '2026-10-01 10:00:00.000', 'claude-sonnet-4-5',
       map('input', 1000, 'input_cache_creation', 14000, 'input_ephemeral_1h_input_tokens', 14000, 'output', 100), NULL, 0),
      ('g2', 't1', 'GENERATION', '2026-10-01 10:01:00.000', 'claude-sonnet-4-5',
       map('input', 1000, 'input_cache_creation', 14000, 'input_ephemeral_5m_input_tokens', 1000, 'output', 100), NULL, 0)`);
    const j = await report(chdb, clickhouse, 'observations_ttl', 'langfuse');
    expect(j.inputs).toMatchObject({ read: 2, counted: 1, rejected: { 'invalid-count': 1 } });
    // g1: 1000 input x $3 + 14000 1h writes x $6 + 100 output x $15 = (3000 + 84000 + 1500) / 1e6
    expect(j.totals.tokens).toMatchObject({ input: 1000, cacheWrite5m: 0, cacheWrite1h: 14000, output: 100 });
    expect(j.totals.costUsd).toBe(0.0885);
  }, 60_000);

  it("OTel: Pydantic AI's gen_ai.usage.details cache counts, and the older prompt_tokens / completion_tokens names", async () => {
    const chdb = await openedChdb();
    if (!chdb) return;
    await chdb.run('DROP TABLE IF EXISTS otel_names');
    await chdb.run(`CREATE TABLE otel_names (Timestamp DateTime64(9), SpanId String, ServiceName LowCardinality(String),
      SpanAttributes Map(LowCardinality(String), String)) ENGINE = Memory`);
    await chdb.run(`INSERT INTO otel_names VALUES
      ('2026-10-01 10:00:00.000000000', 'p1', 'agent', map('gen_ai.operation.name', 'chat', 'gen_ai.request.model', 'gpt-4o',
        'gen_ai.usage.input_tokens', '2740', 'gen_ai.usage.details.cache_read_tokens', '2556', 'gen_ai.usage.output_tokens', '216',
        'gen_ai.usage.details.reasoning_tokens', '0')),
      ('2026-10-01 10:01:00.000000000', 'p2', 'agent', map('gen_ai.request.model', 'gpt-4o',
        'gen_ai.usage.prompt_tokens', '1000', 'gen_ai.usage.completion_tokens', '100'))`);
    const j = await report(chdb, clickhouse, 'otel_names', 'otel');
    expect(j.inputs).toMatchObject({ read: 2, counted: 2 });
    // gpt-4o ($/MTok: input 2.50, cache read 1.25, output 10):
    // p1: (2740 - 2556) x 2.5 + 2556 x 1.25 + 216 x 10 = 460 + 3195 + 2160 = 5815 -> $0.005815
    // p2: 1000 x 2.5 + 100 x 10 = 3500 -> $0.0035
    expect(j.totals.tokens).toMatchObject({ input: 1184, cacheRead: 2556, output: 316 });
    expect(j.totals.costUsd).toBe(0.009315);
  }, 60_000);

  it("OTel: Strands Agents' cache writes (gen_ai.usage.cache_write_input_tokens) and Bedrock's exclusive input beside its total", async () => {
    const chdb = await openedChdb();
    if (!chdb) return;
    await chdb.run('DROP TABLE IF EXISTS otel_strands');
    await chdb.run(`CREATE TABLE otel_strands (Timestamp DateTime64(9), SpanId String, ServiceName LowCardinality(String),
      SpanAttributes Map(LowCardinality(String), String)) ENGINE = Memory`);
    await chdb.run(`INSERT INTO otel_strands VALUES
      ('2026-10-01 10:00:00.000000000', 's1', 'agent', map('gen_ai.operation.name', 'chat', 'gen_ai.request.model', 'claude-sonnet-4-5',
        'gen_ai.usage.input_tokens', '4', 'gen_ai.usage.output_tokens', '137', 'gen_ai.usage.cache_read_input_tokens', '0',
        'gen_ai.usage.cache_write_input_tokens', '2452', 'gen_ai.usage.total_tokens', '2593')),
      ('2026-10-01 10:01:00.000000000', 's2', 'agent', map('gen_ai.operation.name', 'chat', 'gen_ai.request.model', 'claude-sonnet-4-5',
        'gen_ai.usage.input_tokens', '3000', 'gen_ai.usage.output_tokens', '50', 'gen_ai.usage.cache_read_input_tokens', '2000',
        'gen_ai.usage.cache_write_input_tokens', '0', 'gen_ai.usage.total_tokens', '5050'))`);
    const j = await report(chdb, clickhouse, 'otel_strands', 'otel');
    expect(j.inputs).toMatchObject({ read: 2, counted: 2 });
    // claude-sonnet-4-5 ($/MTok: input 3, cache read 0.30, 5-minute write 3.75, output 15):
    // s1: 4 x 3 + 2452 x 3.75 + 137 x 15 = 12 + 9195 + 2055 = 11262 -> $0.011262
    // s2: total 5050 = 3000 + 50 + 2000, so 3000 is uncached: 3000 x 3 + 2000 x 0.3 + 50 x 15 = 9000 + 600 + 750 = 10350 -> $0.01035
    expect(j.totals.tokens).toMatchObject({ input: 3004, cacheRead: 2000, cacheWrite5m: 2452, output: 187 });
    expect(j.totals.costUsd).toBe(0.021612);
  }, 60_000);

  it("OTel: Google ADK's thoughts (gen_ai.usage.experimental.reasoning_tokens) added to a native Gemini model's output", async () => {
    const chdb = await openedChdb();
    if (!chdb) return;
    await chdb.run('DROP TABLE IF EXISTS otel_adk');
    await chdb.run(`CREATE TABLE otel_adk (Timestamp DateTime64(9), SpanId String, ServiceName LowCardinality(String),
      SpanAttributes Map(LowCardinality(String), String)) ENGINE = Memory`);
    await chdb.run(`INSERT INTO otel_adk VALUES
      ('2026-10-01 10:00:00.000000000', 'c1', 'adk', map('gen_ai.system', 'gcp.vertex.agent', 'gen_ai.request.model', 'gemini-2.5-flash',
        'gen_ai.usage.input_tokens', '5000', 'gen_ai.usage.output_tokens', '700', 'gen_ai.usage.experimental.reasoning_tokens', '1500')),
      ('2026-10-01 10:01:00.000000000', 'c2', 'adk', map('gen_ai.system', 'gcp.vertex.agent', 'gen_ai.request.model', 'gemini/gemini-2.5-flash',
        'gen_ai.usage.input_tokens', '800', 'gen_ai.usage.output_tokens', '1200', 'gen_ai.usage.experimental.reasoning_tokens', '1000'))`);
    const j = await report(chdb, clickhouse, 'otel_adk', 'otel');
    expect(j.inputs).toMatchObject({ read: 2, counted: 2 });
    // gemini-2.5-flash ($/MTok: input 0.30, output 2.50); c2 is ADK's LiteLLM wrapper, whose completion holds the reasoning:
    // c1: 5000 x 0.3 + (700 + 1500) x 2.5 = 1500 + 5500 = 7000; c2: 800 x 0.3 + 1200 x 2.5 = 240 + 3000 = 3240 -> $0.01024
    expect(j.totals.tokens).toMatchObject({ input: 5800, output: 3400, reasoning: 2500 });
    expect(j.totals.costUsd).toBe(0.01024);
  }, 60_000);

  it("OTel: LangSmith's token details, one str(dict) attribute each (gen_ai.usage.input_token_details)", async () => {
    const chdb = await openedChdb();
    if (!chdb) return;
    await chdb.run('DROP TABLE IF EXISTS otel_langsmith');
    await chdb.run(`CREATE TABLE otel_langsmith (Timestamp DateTime64(9), SpanId String, ServiceName LowCardinality(String),
      SpanAttributes Map(LowCardinality(String), String)) ENGINE = Memory`);
    await chdb.run(`INSERT INTO otel_langsmith VALUES
      ('2026-10-01 10:00:00.000000000', 'c1', 'app', map('gen_ai.operation.name', 'chat', 'gen_ai.request.model', 'claude-sonnet-4-5',
        'gen_ai.usage.input_tokens', '16000', 'gen_ai.usage.output_tokens', '100', 'gen_ai.usage.total_tokens', '16100',
        'gen_ai.usage.input_token_details', '{''cache_read'': 1000, ''cache_creation'': 14000}')),
      ('2026-10-01 10:01:00.000000000', 'o1', 'app', map('gen_ai.operation.name', 'chat', 'gen_ai.request.model', 'gpt-4o',
        'gen_ai.usage.input_tokens', '2740', 'gen_ai.usage.output_tokens', '216', 'gen_ai.usage.total_tokens', '2956',
        'gen_ai.usage.input_token_details', '{''audio'': 0, ''cache_read'': 2556}',
        'gen_ai.usage.output_token_details', '{''audio'': 0, ''reasoning'': 40}'))`);
    const j = await report(chdb, clickhouse, 'otel_langsmith', 'otel');
    expect(j.inputs).toMatchObject({ read: 2, counted: 2 });
    // c1 on claude-sonnet-4-5: (16000 - 1000 - 14000) x 3 + 1000 x 0.3 + 14000 x 3.75 + 100 x 15 = 3000 + 300 + 52500 + 1500 = 57300
    // o1 on gpt-4o: (2740 - 2556) x 2.5 + 2556 x 1.25 + 216 x 10 = 460 + 3195 + 2160 = 5815; together $0.063115
    expect(j.totals.tokens).toMatchObject({ input: 1184, cacheRead: 3556, cacheWrite5m: 14000, output: 316, reasoning: 40 });
    expect(j.totals.costUsd).toBe(0.063115);
  }, 60_000);

  it('a table with only some usage columns: the others read as 0 or NULL (system.columns), said in the log', async () => {
    const chdb = await openedChdb();
    if (!chdb) return;
    await chdb.run('DROP TABLE IF EXISTS few_columns');
    await chdb.run(
      'CREATE TABLE few_columns (model String, input_tokens UInt64, output_tokens UInt64, cache_read_tokens UInt64) ENGINE = Memory',
    );
    await chdb.run(`INSERT INTO few_columns VALUES ('gpt-4o', 600, 100, 400)`);
    const lines: string[] = [];
    const j = await report(chdb, clickhouse, 'few_columns', undefined, 'model', (l) => lines.push(l));
    // a: 600 input + 400 cached + 100 output on gpt-4o = $0.003 (above)
    expect(j.totals.costUsd).toBe(0.003);
    expect(j.totals.tokens).toMatchObject({ input: 600, cacheRead: 400, output: 100 });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^few_columns has no column id, time_ms, provider, .*web_search_calls.*: read as 0/);
    expect(lines[0]).not.toMatch(/\bcache_read_tokens\b/);
  }, 60_000);
});
