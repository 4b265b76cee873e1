/**
 * Parity: `report --format json` through the current streaming TypeScript path (the CLI) and through
 * the DuckDB engine, on every log fixture and the demo, with the options that change aggregation.
 * Both run for real (no mocks). Documented differences, in the cost-per-request distribution only:
 * - p50, p90, p99: the streaming path reports a log-bucket sketch's midpoint (buckets 1% wide), the
 *   engine the exact nearest-rank value; they must agree within 1%.
 * - max: the streaming path prints a per-record float cost, the engine the exact amount; they may
 *   differ in the 6th significant digit (0.00164063 vs 0.00164062 for an exact $0.001640625).
 * Everything else (the mean included, which both take from the exact total) is byte-identical.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/harness.js';
import { cliArgs, engineReport, NOW, type Flags } from './engine-env.js';
import { toJson } from '../../src/report/format.js';

function files(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
}

const GENERIC_MAP: Record<string, string> = {
  'requests.csv': 'timestamp=ts,model=llm_model,prompt=tokens_in,cacheRead=cached,output=tokens_out,feature=team,outcome=outcome',
  'requests.jsonl':
    'timestamp=at,model=llm.model,provider=llm.vendor,prompt=usage.prompt,cacheRead=usage.cached,output=usage.completion,reasoning=usage.thinking,customer=customer,conversation=conv,turn=turn,promptText=text',
};

const logFiles = files('fixtures/logs').filter((f) => !f.endsWith('.md'));
const fileCases: Flags[] = logFiles.map((f) => {
  const base = f.split('/').pop()!;
  return f.includes('/generic/') && GENERIC_MAP[base] ? { inputs: [f], map: GENERIC_MAP[base], by: 'feature,model' } : { inputs: [f] };
});

const demoCases: Flags[] = [
  { inputs: ['fixtures/demo'] },
  { inputs: ['fixtures/demo'], by: 'feature,model' },
  { inputs: ['fixtures/demo'], by: 'customer' },
  { inputs: ['fixtures/demo'], by: 'user,outcome' },
  { inputs: ['fixtures/demo'], by: 'conversation' },
  { inputs: ['fixtures/demo'], by: 'day,provider,tier' },
  { inputs: ['fixtures/demo'], by: 'week' },
  { inputs: ['fixtures/demo'], by: 'month,source' },
  { inputs: ['fixtures/demo'], by: 'day,week', tz: 'America/Los_Angeles' },
  { inputs: ['fixtures/demo'], by: 'month,model', tz: 'Asia/Kathmandu' },
  { inputs: ['fixtures/demo'], by: 'session' },
  { inputs: ['fixtures/demo'], by: 'prompt,tag:feature' },
  { inputs: ['fixtures/demo'], since: '2026-10-10', until: '2026-10-20T12:00:00Z', by: 'feature' },
  { inputs: ['fixtures/demo'], reprice: 'current', by: 'feature' },
  { inputs: ['fixtures/demo'], reprice: '2025-01-01' },
  { inputs: ['fixtures/logs'], by: 'provider,tier' },
  { inputs: ['fixtures/logs'], by: 'project,model' },
  { inputs: ['fixtures/logs/anthropic', 'fixtures/logs/openai'], by: 'tag:context_window,tag:project_id' },
  { inputs: ['fixtures/logs/anthropic', 'fixtures/logs/claude-code', 'fixtures/logs/bedrock'], by: 'model,conversation' },
];

/** Each field and the relative difference allowed. */
const TOLERANCE = { p50: 0.01, p90: 0.01, p99: 0.01, max: 1e-5 } as const;
const QUANTILE_KEYS = Object.keys(TOLERANCE) as Array<keyof typeof TOLERANCE>;
type Dist = Partial<Record<string, number | null>>;

/** The quantile fields of a report JSON, blanked in place and returned in document order. */
function takeQuantiles(json: {
  groups?: Array<{ costPerRequestDistributionUsd: Dist }>;
  unitEconomics?: { costPerRequestDistributionUsd: Dist };
}): Array<number | null> {
  const dists = [
    ...(json.groups ?? []).map((g) => g.costPerRequestDistributionUsd),
    ...(json.unitEconomics ? [json.unitEconomics.costPerRequestDistributionUsd] : []),
  ];
  const out: Array<number | null> = [];
  for (const d of dists) {
    for (const k of QUANTILE_KEYS) {
      out.push(d[k] ?? null);
      d[k] = null;
    }
  }
  return out;
}

async function compare(f: Flags): Promise<void> {
  const cli = await runCli(cliArgs(f), { now: NOW });
  const engine = await engineReport(f);
  if (cli.code !== 0) {
    // the CLI refuses inputs with nothing readable; the engine read nothing either
    expect(cli.stderr).toMatch(/no records could be read/);
    expect(engine.ingest.counts.read).toBe(0);
    return;
  }
  const expected = JSON.parse(cli.stdout);
  // the report model under `report` (tables and charts for `render`) is added by the formatter, not the engine
  delete expected.report;
  const actual = JSON.parse(toJson(engine.json));
  const sketch = takeQuantiles(expected);
  const exact = takeQuantiles(actual);
  expect(exact.map((v) => v === null)).toEqual(sketch.map((v) => v === null));
  sketch.forEach((s, i) => {
    if (s === null || exact[i] === null) return;
    const tolerance = TOLERANCE[QUANTILE_KEYS[i % QUANTILE_KEYS.length]];
    expect(Math.abs(exact[i]! - s), `quantile ${i}: exact ${exact[i]} vs streaming ${s}`).toBeLessThanOrEqual(
      Math.abs(exact[i]!) * tolerance,
    );
  });
  expect(toJson(actual)).toBe(toJson(expected));
}

describe('report JSON: DuckDB engine = streaming TypeScript path', () => {
  it.each(fileCases.map((f) => [f.inputs.join(' '), f] as const))('%s', async (_name, f) => compare(f), 60_000);
  it.each(demoCases.map((f) => [cliArgs(f).slice(1).join(' '), f] as const))('%s', async (_name, f) => compare(f), 60_000);
});
