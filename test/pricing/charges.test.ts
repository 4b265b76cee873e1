/**
 * Charges beside tokens (web search, web fetch, grounding, images): read off the logs, priced from
 * the catalog's `charges`, shown in the report. Expected totals are computed by hand below, from the
 * catalog prices (USD per MTok; tokens x $/MTok = micro-dollars, "u$") and the per-call prices.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/harness.js';
import { engineReport } from '../engine/engine-env.js';
import { compileDocument } from '../../src/pricing/load.js';
import { chargeCostsOf, Pricer } from '../../src/pricing/cost.js';
import { loadCatalog } from '../../src/pricing/load.js';
import { bedrockAdapter } from '../../src/ingest/adapters/bedrock.js';
import { run } from '../ingest/adapters/harness.js';
import { toJson } from '../../src/report/format.js';
import { usageDocument } from '../../src/report/data.js';

async function reportJson(args: string[]) {
  const r = await runCli(['report', ...args, '--format', 'json']);
  return { code: r.code, stderr: r.stderr, doc: JSON.parse(r.stdout) };
}

describe('a Claude Code session with web searches, by hand', () => {
  // claude-sonnet-4-5: input $3, cache read $0.30, 5m write $3.75, 1h write $6, output $15 per MTok;
  // web search $10 per 1,000 = $0.01 each; web fetch: no fee (tokens only).
  // msg_w1 (the complete copy; the partial first copy is a duplicate):
  //   120 x 3 + 2,000 x 3.75 + 80 x 15 = 360 + 7,500 + 1,200 = 9,060 u$; 2 searches = $0.02
  // msg_w2: 300 x 3 + 2,000 x 0.3 + 250 x 15 = 900 + 600 + 3,750 = 5,250 u$; 1 search = $0.01; 2 fetches = $0
  // msg_w3: 50 x 3 + 2,300 x 0.3 + 400 x 6 + 600 x 15 = 150 + 690 + 2,400 + 9,000 = 12,240 u$
  // tokens: 9,060 + 5,250 + 12,240 = 26,550 u$ = $0.02655; searches: 3 x $0.01 = $0.03; total $0.05655
  const FILE = 'fixtures/logs/claude-code/web-search.jsonl';

  it('prices the searches and shows them beside the tokens (JSON)', async () => {
    const { code, doc } = await reportJson([FILE]);
    expect(code).toBe(0);
    expect(doc.inputs).toMatchObject({ read: 7, counted: 3, skipped: { 'transcript-metadata': 3, duplicate: 1 }, rejected: {} });
    expect(doc.totals.costUsd).toBe(0.05655);
    expect(doc.totals.charges).toEqual({
      webSearch: { count: 3, unit: 'searches', costUsd: 0.03, unpricedCount: 0 },
      webFetch: { count: 2, unit: 'fetches', costUsd: 0, unpricedCount: 0 },
    });
    const c = doc.totals.components;
    // token components alone: $0.02655
    expect(Number((c.input + c.cacheRead + c.cacheWrite5m + c.cacheWrite1h + c.output).toFixed(9))).toBe(0.02655);
  });

  it('gives the same JSON through the SQL engine', async () => {
    const cli = await runCli(['report', FILE, '--format', 'json']);
    const engine = await engineReport({ inputs: [FILE] });
    const a = JSON.parse(cli.stdout);
    const b = JSON.parse(toJson(usageDocument(engine.data)));
    expect(b.totals).toEqual(a.totals);
    expect(b.groups.map((g: { charges: unknown }) => g.charges)).toEqual(a.groups.map((g: { charges: unknown }) => g.charges));
  });

  it('lists the calls in the components section (text and CSV)', async () => {
    const text = await runCli(['report', FILE], { env: { COLUMNS: '80' } });
    expect(text.stdout).toMatch(/Web search calls\s+3\s+searches\s+\$0\.03\b/);
    expect(text.stdout).toMatch(/Web fetch calls\s+2\s+fetches\s+\$0\.00\b/);
    const csv = await runCli(['report', FILE, '--format', 'csv', '--section', 'components']);
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toBe('Component,Tokens,Calls,Unit,Cost,Share of spend');
    // share: 0.03 / 0.05655 = 0.53050397..., printed to 6 places (truncated)
    expect(lines).toContain('Web search calls,,3,searches,0.03,0.530503');
    expect(lines).toContain('Web fetch calls,,2,fetches,0,0');
  });
});

describe('charges of other readers, by hand', () => {
  it('OpenAI Responses: search actions of web_search_call items; the preview tool priced apart', async () => {
    // resp_ws1 gpt-4.1 ($2 / $8), tool web_search: 2 search actions (the open_page action is not billed):
    //   9,000 x 2 + 400 x 8 = 21,200 u$ + 2 x $0.01 = $0.0412
    // resp_ws2 gpt-4.1, only web_search_preview offered (non-reasoning model: $25 per 1,000):
    //   1,000 x 2 + 100 x 8 = 2,800 u$ + $0.025 = $0.0278
    // resp_ws3 gpt-5 ($1.25, cached $0.125, $10), preview tool on a reasoning model ($10 per 1,000):
    //   1,000 x 1.25 + 1,000 x 0.125 + 500 x 10 = 6,375 u$ + $0.01 = $0.016375
    // total 0.0412 + 0.0278 + 0.016375 = $0.085375
    const { doc } = await reportJson(['fixtures/logs/openai/responses-web-search.jsonl']);
    expect(doc.totals.costUsd).toBe(0.085375);
    expect(doc.totals.charges).toEqual({
      webSearch: { count: 2, unit: 'searches', costUsd: 0.02, unpricedCount: 0 },
      webSearchPreview: { count: 2, unit: 'searches', costUsd: 0.035, unpricedCount: 0 },
    });
  });

  it('Gemini grounding: per grounded prompt on 2.5, per search query on 3, with the free allowance stated', async () => {
    // grd-1 gemini-2.5-flash ($0.30 / $2.50): 1,000 x 0.3 + 200 x 2.5 = 800 u$; 1 grounded prompt x $0.035; 2 queries x $0
    // grd-2 gemini-3-pro-preview ($2 / $12): 2,000 x 2 + (500 + 300 thoughts) x 12 = 13,600 u$; 3 queries x $0.014 = $0.042
    // grd-3 gemini-2.5-flash, not grounded: 100 x 0.3 + 10 x 2.5 = 55 u$
    // total: 800 + 35,000 + 13,600 + 42,000 + 55 = 91,455 u$ = $0.091455
    const { doc } = await reportJson(['fixtures/logs/gemini/grounding.jsonl']);
    expect(doc.totals.costUsd).toBe(0.091455);
    expect(doc.totals.charges).toEqual({
      webSearch: { count: 5, unit: 'searches', costUsd: 0.042, unpricedCount: 0 },
      groundedPrompt: { count: 2, unit: 'prompts', costUsd: 0.035, unpricedCount: 0 },
    });
    const text = await runCli(['report', 'fixtures/logs/gemini/grounding.jsonl'], { env: { COLUMNS: '80' } });
    expect(text.stdout).toMatch(/Priced without the free allowance[\s\S]*1,500 grounded prompts per day/);
  });
});

describe('LiteLLM spend logs carry Anthropic server-tool counts', () => {
  it('prices the searches in metadata.usage_object.server_tool_use; a negative count is rejected', async () => {
    // msg_ws1 claude-sonnet-4-5: 3,000 x 3 + 200 x 15 = 12,000 u$ + 3 searches x $0.01 = $0.042
    const { doc } = await reportJson(['fixtures/logs/litellm/web-search.jsonl']);
    expect(doc.inputs).toMatchObject({ read: 2, counted: 1, rejected: { 'negative-count': 1 } });
    expect(doc.issues[0]).toMatchObject({ line: 2, path: 'metadata.usage_object.server_tool_use.web_search_requests' });
    expect(doc.totals.costUsd).toBe(0.042);
    expect(doc.totals.charges.webSearch).toEqual({ count: 3, unit: 'searches', costUsd: 0.03, unpricedCount: 0 });
  });
});

describe('Claude on Bedrock', () => {
  it('reads server-tool counts of an InvokeModel body; Bedrock prices none, so they are unpriced, not $0', () => {
    const body = {
      modelId: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      type: 'message',
      role: 'assistant',
      usage: { input_tokens: 10, output_tokens: 5, server_tool_use: { web_search_requests: 2 } },
    };
    const r = run(bedrockAdapter, [{ name: 'b.jsonl', text: JSON.stringify(body) }]);
    expect(r.records.map((x) => x.charges)).toEqual([{ webSearch: 2 }]);
    const { catalog } = loadCatalog({ priceFiles: [] });
    const card = new Pricer(catalog, { defaultMs: Date.parse('2026-01-01') }).cardFor(r.records[0]);
    expect(card).toBeDefined();
    expect(chargeCostsOf(r.records[0].charges, 1, card!).unpriced).toEqual({ webSearch: 2 });
  });
});

describe('bad charge counts', () => {
  const BAD = 'fixtures/logs/claude-code/web-search-bad.jsonl';

  it('rejects negative, fractional and string counts with file:line and a hint; the run goes on', async () => {
    const { code, stderr, doc } = await reportJson([BAD]);
    expect(code).toBe(0);
    expect(doc.inputs.read).toBe(5);
    expect(doc.inputs.counted + Object.values<number>(doc.inputs.skipped).reduce((a, b) => a + b, 0) + 4).toBe(5);
    expect(doc.inputs.rejected).toEqual({ 'negative-count': 2, 'invalid-count': 1, 'invalid-type': 1 });
    expect(stderr).toMatch(/4 records rejected as invalid.*first at fixtures\/logs\/claude-code\/web-search-bad\.jsonl:1/);
    const where = doc.issues.map((i: { line: number; path: string }) => `${i.line} ${i.path}`);
    expect(where).toEqual([
      '1 message.usage.server_tool_use.web_search_requests',
      '2 message.usage.server_tool_use.web_search_requests',
      '3 message.usage.server_tool_use.web_search_requests',
      '4 message.usage.server_tool_use.web_fetch_requests',
    ]);
    expect(doc.issues[0].hint).toMatch(/call counts \(searches, fetches, images\) are whole numbers/);
    // the good line: 10 x 3 + 5 x 15 = 105 u$ + 1 search $0.01 = $0.010105
    expect(doc.totals.costUsd).toBe(0.010105);
  });

  it('--strict makes a rejected count exit 2', async () => {
    const r = await runCli(['report', BAD, '--strict']);
    expect(r.code).toBe(2);
  });
});

describe('unpriced charges and records without a model (generic CSV)', () => {
  const CSV = 'fixtures/charges/generic-charges.csv';

  it('shows a charge without a catalog price as unpriced, never $0, and counts a row without a model', async () => {
    // gpt-4.1 row 1: 1,000 x 2 + 100 x 8 = 2,800 u$ + 1 search $0.01 = $0.0128
    // gpt-4.1 row 2: 500 x 2 + 50 x 8 = 1,400 u$; 2 output images: gpt-4.1 has no per-image price -> unpriced
    // row 3 has no model: counted under (no model), unpriced; rows 4 and 5 carry bad search counts: rejected
    // priced total: 0.0128 + 0.0014 = $0.0142
    const { code, stderr, doc } = await reportJson([CSV]);
    expect(code).toBe(0);
    expect(doc.inputs).toMatchObject({ read: 5, counted: 3, rejected: { 'invalid-count': 2 } });
    expect(doc.totals.costUsd).toBe(0.0142);
    expect(doc.totals.charges.outputImage).toEqual({ count: 2, unit: 'images', costUsd: null, unpricedCount: 2 });
    expect(doc.totals.unpricedModels).toEqual({ '(no model)': 1 });
    expect(doc.totals.unpriced.tokens).toMatchObject({ input: 300, output: 30 });
    expect(stderr).toMatch(/unpriced charges, excluded from costs \(not \$0\): 2 images/);
    expect(doc.issues.map((i: { line: number; path: string }) => `${i.line} ${i.path}`)).toEqual([
      '5 web_search_calls',
      '6 web_search_calls',
    ]);
    const text = await runCli(['report', CSV], { env: { COLUMNS: '80' } });
    expect(text.stdout).toMatch(/Output images\s+2\s+images\s+unpriced/);
  });
});

describe('catalog charges', () => {
  const doc = (charges: Record<string, unknown>) => ({
    provider: 'acme',
    charges: { webSearchPer1k: 5, source: 'https://acme.example/pricing' },
    models: [
      { id: 'file-level', prices: [{ inputPerMTok: 1, outputPerMTok: 2 }], source: 's', checkedAt: '2026-01-01' },
      {
        id: 'entry-level',
        charges,
        prices: [
          { inputPerMTok: 1, outputPerMTok: 2 },
          { from: '2026-06-01', inputPerMTok: 1, outputPerMTok: 2, charges: { webSearchPer1k: 7.5, source: 'p' } },
        ],
        source: 's',
        checkedAt: '2026-01-01',
      },
    ],
  });

  it('applies the period, else the entry, else the file charges; exact femto per call', () => {
    const { entries, errors } = compileDocument(doc({ webSearchPer1k: 25, outputImagePerUnit: 0.04, source: 'e' }), 'test', undefined);
    expect(errors).toEqual([]);
    const [file, entry] = entries;
    // $5 per 1,000 = $0.005 = 5e12 femto-USD per call
    expect(file.periods[0].charges?.perUnit.get('webSearch')).toBe(5_000_000_000_000n);
    // $25 per 1,000 = 2.5e13; $0.04 per image = 4e13
    expect(entry.periods[0].charges?.perUnit.get('webSearch')).toBe(25_000_000_000_000n);
    expect(entry.periods[0].charges?.perUnit.get('outputImage')).toBe(40_000_000_000_000n);
    // the later period states its own: $7.50 per 1,000 = 7.5e12; no image price there
    expect(entry.periods[1].charges?.perUnit.get('webSearch')).toBe(7_500_000_000_000n);
    expect(entry.periods[1].charges?.perUnit.has('outputImage')).toBe(false);
    // 3 searches and 2 images at period 0: 3 x 2.5e13 + 2 x 4e13 = 1.55e14 femto = $0.155
    const cc = chargeCostsOf({ webSearch: 3, outputImage: 2, webFetch: 1 }, 1, { charges: entry.periods[0].charges });
    expect(cc.total).toBe(155_000_000_000_000n);
    // web fetch has no price in this entry: unpriced, not $0
    expect(cc.unpriced).toEqual({ webFetch: 1 });
  });

  it('rejects a negative charge price and an unknown charge key with their paths', () => {
    const bad = compileDocument(doc({ webSearchPer1k: -1, source: 'e' }), 'test', undefined);
    expect(bad.errors.join('\n')).toMatch(/models\[1\]\.charges\.webSearchPer1k/);
    const unknown = compileDocument(doc({ webSerchPer1k: 10, source: 'e' }), 'test', undefined);
    expect(unknown.errors.join('\n')).toMatch(/webSerchPer1k/);
  });

  it('a per-request fee is charged only on the requests of a model that states one (price file)', async () => {
    // each request: 1,000 x 1 + 100 x 4 = 1,400 u$; acme-search-1: 3 searches x $0.005 = $0.015 and
    // 2 requests x $0.001 = $0.002; acme-plain-1 has no charges. Total 3 x 1,400 u$ + 0.015 + 0.002 = $0.0212
    const { doc } = await reportJson(['fixtures/charges/acme.jsonl', '--prices', 'fixtures/charges/acme-prices.yaml']);
    expect(doc.totals.costUsd).toBe(0.0212);
    expect(doc.totals.charges).toEqual({
      webSearch: { count: 3, unit: 'searches', costUsd: 0.015, unpricedCount: 0 },
      request: { count: 2, unit: 'requests', costUsd: 0.002, unpricedCount: 0 },
    });
  });

  it('the bundled catalog states the documented per-call prices', async () => {
    const r = await runCli(['report', 'fixtures/logs/claude-code/web-search.jsonl', '--format', 'json']);
    expect(JSON.parse(r.stdout).totals.charges.webSearch.costUsd).toBe(0.03);
  });
});
