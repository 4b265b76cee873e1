/**
 * `report --format csv --section unit` and `--section caching` are metric tables: their CSV carried the
 * table's display text ("$0.00575", "44.6%", "91.4% of 3,596", "127 / 275,299", "$1.36 ($0.533)"), which a
 * spreadsheet reads as text. Now each row holds one number, in the typed column of its kind: an exact USD
 * amount, a whole count or a fraction; the display text stays in tables, markdown and html.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/harness.js';

const MAP = ['--map', 'timestamp=ts,model=model,input=tin,cacheRead=cr,output=tout,outcome=oc,cacheWrite5m=cw'];
// gpt-4o-mini: input $0.15, cache read $0.075, output $0.60 per MTok; claude-haiku-4-5: input $1, 5m write $1.25 per MTok
// request 1: 1M input = $0.15 (success)
// request 2: 1M input $0.15 + 2M read $0.15 + 1M output $0.60 = $0.90 (failure)
// request 3: 2M input = $0.30 (no outcome)
// request 4: claude-haiku-4-5, 1M written to the cache, never read = $1.25 (no outcome)
const STDIN = [
  'ts,model,tin,cr,tout,oc,cw',
  '2026-10-01T10:00:00Z,gpt-4o-mini,1000000,0,0,success,',
  '2026-10-01T11:00:00Z,gpt-4o-mini,1000000,2000000,1000000,failure,',
  '2026-10-01T12:00:00Z,gpt-4o-mini,2000000,0,0,,',
  '2026-10-01T13:00:00Z,claude-haiku-4-5,0,0,0,,1000000',
].join('\n');

const csv = async (section: string, extra: string[] = []): Promise<string> => {
  const r = await runCli(['report', '-', ...MAP, '--format', 'csv', '--section', section, ...extra], { stdin: STDIN });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
};

describe('metric tables as CSV carry numbers, not display text', () => {
  it('unit: amounts in USD, the count of known outcomes, the success rate as a fraction', async () => {
    // total $0.15 + $0.90 + $0.30 + $1.25 = $2.60 over 4 requests: mean $0.65, per 1,000 requests $650
    // sorted $0.15, $0.30, $0.90, $1.25: nearest rank p50 = 2nd = $0.30, p90 = p99 = max = 4th = $1.25
    // known outcomes 2 (1 success, 1 failure): rate 0.5; cost per success = ($0.15 + $0.90) / 1 = $1.05
    expect(await csv('unit')).toBe(
      [
        'Metric,USD,Count,Fraction',
        'Cost per request (mean),0.65,,',
        'Cost per request p50,0.3,,',
        'Cost per request p90,1.25,,',
        'Cost per request p99,1.25,,',
        'Cost per request max,1.25,,',
        '"Cost per 1,000 requests",650,,',
        'Requests with a known outcome,,2,',
        'Success rate (of those requests),,,0.5',
        'Cost per successful outcome,1.05,,',
        '',
      ].join('\n'),
    );
  });

  it('caching: the read share as a fraction, amounts in USD (a negative saving stays a number), counts whole', async () => {
    // read share: 2M read / (4M input + 2M read + 1M written) = 2/7 = 0.285714 (six digits, as the JSON holds it)
    // without caching, every prompt token at the input price: gpt-4o-mini 6M x $0.15 + 1M output x $0.60 = $1.50,
    // claude-haiku-4-5 1M x $1 = $1.00: $2.50; saved = $2.50 - $2.60 = -$0.10 (the write premium was never paid back)
    // written, never read: 1 write of 1,000,000 tokens, paid $1.25, of which $1.25 - $1.00 = $0.25 over input
    expect(await csv('caching')).toBe(
      [
        'Metric,USD,Count,Fraction',
        '"Cache reads, share of input tokens",,,0.285714',
        'Cost without caching (same tokens at input price),2.5,,',
        'Saved by caching (net of write premiums),-0.1,,',
        'Cache writes never read,,1,',
        '"Tokens written to the cache, never read",,1000000,',
        'Paid for cache writes never read,1.25,,',
        '"Of that, premium over the input price",0.25,,',
        '',
      ].join('\n'),
    );
  });

  it('no --section of report writes display text: no $ or % in any CSV row', async () => {
    for (const section of ['groups', 'components', 'unit', 'caching', 'reprice']) {
      const extra = section === 'reprice' ? ['--reprice', 'current'] : [];
      const [header, ...rows] = (await csv(section, extra)).trimEnd().split('\n');
      expect(header, section).not.toMatch(/^Metric,Value/);
      for (const row of rows) expect(row, `${section}: ${row}`).not.toMatch(/[$%]/);
    }
  });

  it('the table shows the same numbers as people read them, one a row', async () => {
    const r = await runCli(['report', '-', ...MAP], { stdin: STDIN });
    expect(r.stdout).toMatch(/^Cost per request p90 +\$1\.25$/m);
    expect(r.stdout).toMatch(/^Success rate \(of those requests\) +50\.0%$/m);
    expect(r.stdout).toMatch(/^Tokens written to the cache, never read +1,000,000$/m);
    expect(r.stdout).toMatch(/^Of that, premium over the input price +\$0\.25$/m);
  });

  it('render gives the same CSV from the saved JSON, whose sections keep the numbers typed', async () => {
    const json = await runCli(['report', '-', ...MAP, '--format', 'json'], { stdin: STDIN });
    const doc = JSON.parse(json.stdout);
    const unit = doc.report.sections.find((s: { id: string }) => s.id === 'unit');
    expect(unit.columns.map((c: { key: string; only?: string }) => `${c.key}:${c.only ?? ''}`)).toEqual([
      'metric:',
      'value:display',
      'usd:csv',
      'count:csv',
      'fraction:csv',
    ]);
    // amounts as exact decimal strings, counts and fractions as numbers
    expect(unit.rows[0]).toMatchObject({ metric: 'Cost per request (mean)', value: '$0.65', usd: '0.65' });
    expect(unit.rows[6]).toMatchObject({ metric: 'Requests with a known outcome', count: 2 });
    const file = join(mkdtempSync(join(tmpdir(), 'tokenomics-metric-csv-')), 'report.json');
    writeFileSync(file, json.stdout);
    for (const section of ['unit', 'caching']) {
      const again = await runCli(['render', file, '--format', 'csv', '--section', section]);
      expect(again.stdout, section).toBe(await csv(section));
    }
  });

  it('a share written as a fraction under a heading that names "%" says "(fraction)" in CSV; a "%" inside a word stays', async () => {
    const r = await runCli(['whatif', 'fixtures/whatif/acme-copilot.yaml', '--format', 'csv', '--section', 'levers']);
    const [header, first] = r.stdout.split('\n');
    // "Margin % at -20%" over 0.694605034 (69.5%): the unit "%" becomes "(fraction)", the scenario's "-20%" stays
    expect(header).toBe(
      'Lever,Margin change -20%,Margin change +20%,Margin (fraction) at -20%,Margin (fraction) at +20%,Break-even (75% margin)',
    );
    expect(first.split(',')[3]).toMatch(/^0\.\d+$/);
    // the table keeps its heading and shows the percentage
    const table = await runCli(['whatif', 'fixtures/whatif/acme-copilot.yaml', '--wide']);
    expect(table.stdout).toMatch(/Margin % at -20%/);
  });
});
