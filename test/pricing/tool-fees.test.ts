/**
 * OpenAI Responses built-in tools beside web search: file search calls, priced per 1,000 calls
 * ($2.50 per 1,000 on every model, src/pricing/catalog/openai.yaml), and code interpreter calls,
 * counted and reported unpriced (OpenAI bills the container, not the call). Expected totals are
 * computed by hand below from the catalog prices (USD per MTok: tokens x $/MTok = micro-dollars, "u$").
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/harness.js';
import { engineReport } from '../engine/engine-env.js';
import { openaiAdapter } from '../../src/ingest/adapters/openai.js';
import { openaiUsageAdapter } from '../../src/ingest/adapters/openai-usage.js';
import { chargeCostsOf, Pricer } from '../../src/pricing/cost.js';
import { loadCatalog } from '../../src/pricing/load.js';
import { toJson } from '../../src/report/format.js';
import { usageDocument } from '../../src/report/data.js';
import { run } from '../ingest/adapters/harness.js';

const FILE = 'fixtures/charges/openai-tools.jsonl';

async function reportJson(args: string[]) {
  const r = await runCli(['report', ...args, '--format', 'json']);
  return { code: r.code, stderr: r.stderr, doc: JSON.parse(r.stdout) };
}

describe('OpenAI file search and code interpreter calls, by hand', () => {
  // resp_ft1 gpt-4.1 ($2 / $8 per MTok): 10,000 x 2 + 500 x 8 = 24,000 u$;
  //   3 file_search_call items x $2.50 / 1,000 = $0.0075
  // resp_ft2 gpt-5 ($1.25, cached $0.125, $10): (2,048 - 1,024) x 1.25 + 1,024 x 0.125 + 300 x 10
  //   = 1,280 + 128 + 3,000 = 4,408 u$; file search: the failed call is not counted, 1 x $0.0025;
  //   2 code_interpreter_call items: counted, unpriced
  // chatcmpl-ft3 gpt-4.1: 1,000 x 2 + 100 x 8 = 2,800 u$
  // tokens 24,000 + 4,408 + 2,800 = 31,208 u$ = $0.031208; file search 4 x $0.0025 = $0.01; total $0.041208
  it('prices the file searches, reports the code interpreter calls unpriced (never $0) and says why', async () => {
    const { code, stderr, doc } = await reportJson([FILE]);
    expect(code).toBe(0);
    expect(doc.totals.costUsd).toBe(0.041208);
    expect(doc.totals.charges).toEqual({
      fileSearch: { count: 4, unit: 'calls', costUsd: 0.01, unpricedCount: 0 },
      codeInterpreter: { count: 2, unit: 'calls', costUsd: null, unpricedCount: 2 },
    });
    // per group: resp_ft1 alone is 24,000 u$ + $0.0075 = $0.0315
    const ft1 = doc.groups.find((g: { key: { model: string } }) => g.key.model === 'gpt-4.1-2025-04-14');
    expect(ft1.costUsd).toBe(0.0315);
    expect(ft1.charges).toEqual({ fileSearch: { count: 3, unit: 'calls', costUsd: 0.0075, unpricedCount: 0 } });
    expect(stderr).toMatch(/unpriced charges, excluded from costs \(not \$0\): 2 calls \(code interpreter calls\): OpenAI bills/);
    expect(stderr).not.toMatch(/--prices FILE/);
  });

  it('3 file search calls cost $2.50 x 3 / 1,000 = $0.0075 at a card, exactly', () => {
    const r = run(openaiAdapter, [{ name: 'r.jsonl', text: readFileSync(FILE, 'utf8').split('\n')[0] }]);
    expect(r.records.map((x) => x.charges)).toEqual([{ fileSearch: 3 }]);
    const { catalog } = loadCatalog({ priceFiles: [] });
    const card = new Pricer(catalog, { defaultMs: Date.parse('2026-12-01') }).cardFor(r.records[0]);
    // $0.0075 = 7,500,000,000,000 femto-USD (10^-15)
    expect(chargeCostsOf(r.records[0].charges, 1, card!)).toMatchObject({ amounts: { fileSearch: 7_500_000_000_000n }, unpriced: {} });
  });

  it('gives the same JSON through the SQL engine', async () => {
    const cli = await runCli(['report', FILE, '--format', 'json']);
    const engine = await engineReport({ inputs: [FILE] });
    const a = JSON.parse(cli.stdout);
    const b = JSON.parse(toJson(usageDocument(engine.data)));
    expect(b.totals).toEqual(a.totals);
    expect(b.groups.map((g: { charges: unknown }) => g.charges)).toEqual(a.groups.map((g: { charges: unknown }) => g.charges));
  });

  it('lists both in the components section (text and CSV), the unpriced one with its reason', async () => {
    const text = await runCli(['report', FILE], { env: { COLUMNS: '100' } });
    expect(text.stdout).toMatch(/File search calls\s+4\s+calls\s+\$0\.01\b/);
    expect(text.stdout).toMatch(/Code interpreter calls\s+2\s+calls\s+unpriced/);
    expect(text.stdout.replace(/\s+/g, ' ')).toContain(
      'Code interpreter calls: counted, never priced (left out of the cost): OpenAI bills',
    );
    const csv = await runCli(['report', FILE, '--format', 'csv', '--section', 'components']);
    const lines = csv.stdout.trim().split('\n');
    // share: 0.01 / 0.041208 = 0.24267132..., printed to 6 places (truncated)
    expect(lines).toContain('File search calls,,4,calls,0.01,0.242671');
    expect(lines).toContain('Code interpreter calls,,2,calls,,');
  });

  it('a price file cannot price code interpreter calls: there is no such price key', async () => {
    const r = await runCli(['report', FILE, '--prices', 'fixtures/charges/code-interpreter-price.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/codeInterpreter/);
  });
});

describe('OpenAI Usage API: file search calls', () => {
  it('counts a file_searches result as file search calls (no model: unpriced, not $0); code interpreter sessions are skipped', async () => {
    const text = readFileSync('fixtures/charges/openai-usage-tools.json', 'utf8');
    const r = run(openaiUsageAdapter, [{ name: 'u.json', text }]);
    expect(r.records.map((x) => [x.model, x.requests, x.charges ?? null, x.tags.vector_store ?? null])).toEqual([
      ['gpt-4.1', 2, null, null],
      ['(ungrouped)', 0, { fileSearch: 3 }, 'vs_1'],
    ]);
    expect(r.skips).toEqual({ 'non-token-usage': 1 });
    // gpt-4.1: 1,000 x 2 + 100 x 8 = 2,800 u$; the 3 file search calls name no model: unpriced
    const { doc } = await reportJson(['fixtures/charges/openai-usage-tools.json']);
    expect(doc.totals.costUsd).toBe(0.0028);
    expect(doc.totals.unpriced.charges).toEqual({ fileSearch: 3 });
  });
});
