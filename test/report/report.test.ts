import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/harness.js';
import { csvEscape } from '../../src/report/format.js';

/*
 * fixtures/report/mixed.jsonl, priced by hand (USD per MTok list prices; each entry's source in the catalog):
 *  line 1  gpt-4o-mini (0.15 / cached 0.075 / out 0.60): prompt 2000 incl. 1024 cached, 500 out
 *          976*0.15 + 1024*0.075 + 500*0.6 = 146.4 + 76.8 + 300 = 523.2 u$
 *  line 2  Sonnet 4.5 (3 / read 0.30 / write5m 3.75 / out 15): in 100, read 2000, write 1000, out 300
 *          300 + 600 + 3750 + 4500 = 9,150 u$
 *  line 3  Sonnet 4.5: in 200, read 3000, out 400: 600 + 900 + 6000 = 7,500 u$
 *  line 4  acme-x: unpriced (1000 prompt, 100 out)
 *  line 5  duplicate of line 1 (same id): skipped
 *  line 6  invalid JSON: rejected;  line 7  negative prompt_tokens: rejected
 *  total priced = 523.2 + 9150 + 7500 = 17,173.2 u$ = $0.0171732
 */
const FIXTURE = 'fixtures/report/mixed.jsonl';

describe('report on a mixed fixture', () => {
  it('totals exactly, itemises, and accounts for every line', async () => {
    const r = await runCli(['report', FIXTURE, '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.schemaVersion).toBe(1);
    expect(doc.inputs).toMatchObject({ read: 7, counted: 4, skipped: { duplicate: 1 } });
    // one file, two providers line by line: each line is read by the adapter that knows its shape
    expect(doc.inputs.files[0].format).toBe('openai+anthropic');
    expect(Object.values(doc.inputs.rejected as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(2);
    expect(doc.totals.costUsd).toBe(0.0171732);
    expect(doc.totals.components).toEqual({
      input: 0.0010464,
      cacheRead: 0.0015768,
      cacheWrite5m: 0.00375,
      cacheWrite1h: 0,
      output: 0.0108,
    });
    expect(doc.totals.tokens).toEqual({
      input: 976 + 100 + 200 + 1000,
      cacheRead: 1024 + 2000 + 3000,
      cacheWrite5m: 1000,
      cacheWrite1h: 0,
      output: 500 + 300 + 400 + 100,
      reasoning: 0,
    });
    expect(doc.totals.unpriced).toEqual({
      requests: 1,
      tokens: { input: 1000, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0, output: 100, reasoning: 0 },
    });
    expect(doc.totals.unpricedModels).toEqual({ 'acme-x': 1 });
    const byModel = Object.fromEntries(doc.groups.map((g: { key: { model: string }; costUsd: number | null }) => [g.key.model, g.costUsd]));
    expect(byModel).toEqual({ 'claude-sonnet-4-5-20250929': 0.01665, 'gpt-4o-mini-2024-07-18': 0.0005232, 'acme-x': null });
    const sonnet = doc.groups[0];
    expect(sonnet.pricing[0]).toMatchObject({ entry: 'claude-sonnet-4-5', serviceTier: 'standard' });
    expect(sonnet.pricing[0].source).toBeTruthy();
    // issues carry file:line and a hint
    const lines = doc.issues
      .filter((i: { severity: string }) => i.severity === 'error')
      .map((i: { line: number }) => i.line)
      .sort();
    expect(lines).toEqual([6, 7]);
    for (const i of doc.issues) expect(i.file).toBe(FIXTURE);
  });

  it('computes unit economics, outcomes and the context-window tax', async () => {
    const doc = JSON.parse((await runCli(['report', FIXTURE, '--format', 'json'])).stdout);
    const u = doc.unitEconomics;
    // 3 priced requests: 17,173.2 / 3 = 5,724.4 u$
    expect(u.costPerRequestUsd).toBe(0.0057244);
    expect(u.costPer1kRequestsUsd).toBe(5.7244);
    expect(u.customers).toBe(2);
    expect(u.conversations).toBe(1);
    // per X = cost of the requests attributed to X / number of X:
    // conversation c1 = lines 2 + 3 = 9,150 + 7,500 = 16,650 u$ (the search request is not part of it)
    expect(u.costPerConversationUsd).toBe(0.01665);
    // customers alpha (523.2 u$ priced) and beta (16,650 u$): 17,173.2 / 2 = 8,586.6 u$
    expect(u.costPerCustomerUsd).toBe(0.0085866);
    // one user (u1, line 1): 523.2 u$
    expect(u.users).toBe(1);
    expect(u.costPerUserUsd).toBe(0.0005232);
    // outcomes: success on lines 1-3 (3), failure on the unpriced line; cost of known outcomes = priced ones
    expect(u.outcomes).toMatchObject({ success: 3, failure: 1, successRate: 0.75, costPerSuccessfulOutcomeUsd: 0.0057244 });
    expect(doc.contextWindowTax.turns.map((t: { turn: number; costUsd: number }) => [t.turn, t.costUsd])).toEqual([
      [1, 0.00915],
      [2, 0.0075],
    ]);
    // prompt tokens: turn 1 = 100 + 2000 + 1000 = 3100; turn 2 = 200 + 3000 = 3200
    expect(doc.contextWindowTax.promptGrowthFactor).toBe(Number((3200 / 3100).toFixed(3)));
    // caching: without caching, cached/written tokens at input price:
    // gpt-4o-mini 2000*0.15 + 500*0.6 = 600; Sonnet (3100+3200)*3 + 700*15 = 18900 + 10500 = 29400 -> 30,000 u$
    expect(doc.caching.costWithoutCachingUsd).toBe(0.03);
    expect(doc.caching.savedUsd).toBe(Number((0.03 - 0.0171732).toFixed(7)));
  });

  it('groups by several dimensions and filters by time', async () => {
    const doc = JSON.parse((await runCli(['report', FIXTURE, '--by', 'feature,customer', '--format', 'json'])).stdout);
    expect(doc.groupBy).toEqual(['feature', 'customer']);
    expect(doc.groups.map((g: { key: unknown }) => g.key)).toEqual([
      { feature: 'chat', customer: 'beta' },
      { feature: 'search', customer: 'alpha' },
    ]);
    const late = JSON.parse((await runCli(['report', FIXTURE, '--since', '2026-10-01T00:01:30Z', '--format', 'json'])).stdout);
    // only line 3 (00:02:00) and the unpriced line (00:03:00) remain
    expect(late.totals.costUsd).toBe(0.0075);
    expect(late.inputs.outsideTimeRange).toBe(2);
  });

  it('exits 2 on the first rejected record with --strict, naming file:line', async () => {
    const r = await runCli(['report', FIXTURE, '--strict']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${FIXTURE}:6`);
  });

  it('prints a readable table with the unpriced model called out', async () => {
    const r = await runCli(['report', FIXTURE]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Total cost: $0.0172 + 1 unpriced request');
    expect(r.stdout).toMatch(/acme-x .*unpriced/);
    // warnings go to stderr (so `> file` and -o never hide them), not into the table on stdout
    expect(r.stderr).toContain('warning: unpriced models, excluded from costs (not $0): acme-x (1 request)');
    expect(r.stdout).not.toContain('unpriced models, excluded');
    expect(r.stderr).toMatch(/warning: 2 records rejected as invalid .*first at fixtures\/report\/mixed\.jsonl:6/);
    expect(r.stdout).toContain('Records: 7 read, 4 counted, 1 skipped, 2 rejected.');
  });

  it('writes spreadsheet-safe CSV and markdown', async () => {
    const csv = (await runCli(['report', FIXTURE, '--format', 'csv'])).stdout.split('\n');
    // the last column marks unpriced requests per group (the acme-x row: 1)
    expect(csv[0]).toBe(
      'Model,Requests,Input tok,Cache read,Cache write,Output tok,Cost,Share,$/request,p90 $/req,Output share,Unpriced requests',
    );
    expect(csv.find((l) => l.startsWith('acme-x,'))!.endsWith(',1')).toBe(true);
    expect(csv[1].startsWith('claude-sonnet-4-5-20250929,2,300,5000,1000,700,0.01665,')).toBe(true);
    const md = (await runCli(['report', FIXTURE, '--format', 'markdown'])).stdout;
    expect(md).toContain('| Model | Requests |');
    expect(md).toContain('### Unit economics');
  });

  it('guards CSV cells a spreadsheet would read as a formula, and only those', () => {
    expect(csvEscape('=HYPERLINK("x")', false)).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvEscape('+1', false)).toBe("'+1");
    expect(csvEscape('-2+3', false)).toBe("'-2+3");
    expect(csvEscape('@sum', false)).toBe("'@sum");
    expect(csvEscape('-0.5', true)).toBe('-0.5');
    // the placeholder for no value (prices --format csv): no formula, shown as it is
    expect(csvEscape('-', false)).toBe('-');
    expect(csvEscape('+', false)).toBe('+');
  });

  it('guards a formula a reader splitting on ";" or a line break would see inside a cell', () => {
    // a ";" locale splits `acme;=HYPERLINK(..)` into `acme` and a formula: the quote goes after the ";" too
    expect(csvEscape('acme;=1+1', false)).toBe(`"acme;'=1+1"`);
    expect(csvEscape('x;-2+3', false)).toBe(`"x;'-2+3"`);
    expect(csvEscape('x; "@sum', false)).toBe(`"x;' ""@sum"`);
    // a quoted line break ends the row for a reader that does not honour the quotes: its next line is guarded
    expect(csvEscape('line1\n=cmd', false)).toBe(`"line1\n'=cmd"`);
    // a lone - or + after a ";" is no formula; a ";" alone only quotes the cell
    expect(csvEscape('a;-;+', false)).toBe('"a;-;+"');
    expect(csvEscape('a;b', false)).toBe('"a;b"');
    // numbers stay numbers
    expect(csvEscape('-1.25', true)).toBe('-1.25');
  });

  it('writes CSV where no field starts a formula, split on "," or on ";"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokenomics-csv-'));
    const file = join(dir, 'c.jsonl');
    const customers = ['acme;=HYPERLINK("http://x","y")', 'line1\n=cmd|calc', 'x;-2+3', 'y;@SUM(A1)', 'z; +1'];
    writeFileSync(
      file,
      customers
        .map((c, i) => `${JSON.stringify({ id: `r${i}`, model: 'gpt-4o', ts: '2026-10-01T10:00:00Z', in: 1000, out: 10, cust: c })}\n`)
        .join(''),
    );
    const r = await runCli([
      'report',
      file,
      '--map',
      'id=id,model=model,timestamp=ts,input=in,output=out,customer=cust',
      '--by',
      'customer',
      '--format',
      'csv',
    ]);
    expect(r.code).toBe(0);
    // a reader splitting on ";" and at every line break, quotes or not: each field, less leading quotes and spaces
    const fields = r.stdout.split(/[;\n]/).map((f) => f.replace(/^[ "]+/, ''));
    expect(fields.filter((f) => /^[=+\-@]/.test(f))).toEqual([]);
    expect(r.stdout).toContain(`"acme;'=HYPERLINK(""http://x"",""y"")",1,1000,`);
  });

  it('reprices at another date and at a proposed card', async () => {
    const doc = JSON.parse((await runCli(['report', FIXTURE, '--reprice', 'current', '--format', 'json'])).stdout);
    expect(doc.reprice.costUsd).toBe(0.0171732); // no price changed for these models
    expect(doc.reprice.deltaUsd).toBe(0);
  });

  it('says when the repricing delta covers different requests (a record unpriced on one side only)', async () => {
    // deepseek-chat's first known price is from 2024-12-26 ($0.14 in / $0.28 out); from 2025-02-08T16:00Z $0.27 / $1.10.
    // 1M in + 1M out each: 2024-12-25 unpriced as billed; 2025-01-10 $0.42; 2025-02-10 $1.37 -> billed $1.79, 1 unpriced.
    // At 2025-02-10 prices (10:00 UTC, outside the night window of later periods) all three cost $1.37: $4.11.
    // Delta $4.11 - $1.79 = $2.32, of which $1.37 is the record billed as unpriced: not a price change alone.
    const dir = mkdtempSync(join(tmpdir(), 'tokenomics-reprice-'));
    const file = join(dir, 'ds.jsonl');
    const line = (id: string, ts: string) => JSON.stringify({ id, model: 'deepseek-chat', ts, in: 1_000_000, out: 1_000_000 });
    writeFileSync(
      file,
      `${[line('a', '2024-12-25T10:00:00Z'), line('b', '2025-01-10T10:00:00Z'), line('c', '2025-02-10T10:00:00Z')].join('\n')}\n`,
    );
    const args = ['report', file, '--map', 'id=id,model=model,timestamp=ts,input=in,output=out', '--reprice', '2025-02-10'];
    const doc = JSON.parse((await runCli([...args, '--format', 'json'])).stdout);
    expect(doc.totals.costUsd).toBe(1.79);
    expect(doc.totals.unpriced.requests).toBe(1);
    expect(doc.reprice).toMatchObject({ costUsd: 4.11, deltaUsd: 2.32, unpriced: null });
    const section = doc.report.sections.find((s: { id: string }) => s.id === 'reprice');
    expect(section.notes).toEqual([
      'Unpriced requests (left out of the cost): 1 as billed, 0 at prices on 2025-02-10. The two columns cover different requests, so Delta is not a price change alone (see the warnings).',
    ]);
    // the same requests priced on both sides: no note
    const same = JSON.parse((await runCli(['report', FIXTURE, '--reprice', 'current', '--format', 'json'])).stdout);
    expect(same.report.sections.find((s: { id: string }) => s.id === 'reprice').notes ?? []).toEqual([]);
  });

  it('rejects bad options with exit 2', async () => {
    expect((await runCli(['report', FIXTURE, '--by', 'colour'])).code).toBe(2);
    const top0 = await runCli(['report', FIXTURE, '--top', '0']);
    expect(top0.code).toBe(2);
    expect(top0.stderr).toBe(
      'tokenomics: error: --top expects a positive whole number (got "0")\nhint: --top N lists the N most expensive groups and sums the rest in one row; --all shows every group\n',
    );
    expect((await runCli(['report', 'no/such/file.jsonl'])).code).toBe(2);
  });

  it('says the time window is empty, not the inputs, when every record falls outside it', async () => {
    const r = await runCli(['report', FIXTURE, '--since', '2099-01-01']);
    expect(r.code).toBe(0);
    const counted = JSON.parse((await runCli(['report', FIXTURE, '--format', 'json'])).stdout).inputs.counted as number;
    expect(r.stdout).toContain('Period:     no record in the time window');
    expect(r.stdout).toContain(`Total cost: $0.00 (no record in the time window: ${counted.toLocaleString('en-US')} outside it)`);
  });

  it('refuses an option the command would ignore, before any work (exit 2, nothing on stdout)', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['report', FIXTURE, '--section', 'caching'], /--section picks the table of CSV output/],
      [['report', FIXTURE, '--format', 'json', '--section', 'caching'], /add --format csv/],
      [['sql', '--dialect', 'duckdb', '--table', 't', '--format', 'json'], /--format does not apply to sql/],
      [['export', 'out.csv', FIXTURE, '--format', 'json'], /--format does not apply to export/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    }
    // with CSV, --section picks the table
    const csv = await runCli(['report', FIXTURE, '--format', 'csv', '--section', 'caching']);
    expect(csv.code).toBe(0);
  });
});

describe('report: errors a user can make', () => {
  it('names the available sections for an unknown or absent --section (exit 2, no stack trace)', async () => {
    const r = await runCli(['report', FIXTURE, '--format', 'csv', '--section', 'long-context']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no section "long-context"/);
    expect(r.stderr).toMatch(/hint: sections in this report: groups, components, unit, turns, caching/);
    expect(r.stderr).not.toMatch(/internal error/);
  });

  it('refuses a --section no report has before reading the logs (exit 2, the list of sections)', async () => {
    // before: the logs were read, then "this report has no section"; an input that does not exist shows no read happens
    const r = await runCli(['report', 'no/such/file.jsonl', '--format', 'csv', '--section', 'grups']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'tokenomics: error: unknown section "grups"\nhint: use one of: groups, components, unit, turns, caching, long-context, reprice\n',
    );
  });

  it('exits 2 when no input could be read at all', async () => {
    const r = await runCli(['report', 'fixtures/logs/generic']); // files need --map: nothing recognised
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no records could be read from the inputs/);
    expect(r.stderr).toMatch(/hint: .*--input-format/);
  });
});
