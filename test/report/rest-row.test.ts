import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/harness.js';

/**
 * The "(N more)" row sums every column a group row has, so the columns add up to Total: tokens
 * included (they were empty), and its $/request is its cost over its priced requests.
 */
describe('the row of groups left out', () => {
  const args = ['report', 'fixtures/demo', '--no-config', '--by', 'customer'];

  it('CSV with --top: token columns and $/request filled, each column adding up to Total', async () => {
    const r = await runCli([...args, '--top', '3', '--format', 'csv']);
    expect(r.code).toBe(0);
    const [head, ...lines] = r.stdout.trim().split('\n');
    const cols = head.split(',');
    const rows = lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
    const rest = rows.find((x) => x.Customer === '(9 more)')!;
    const total = rows.find((x) => x.Customer === 'Total')!;
    const shown = rows.slice(0, 3);
    for (const c of ['Requests', 'Input tok', 'Cache read', 'Cache write', 'Output tok']) {
      expect(rest[c], c).not.toBe('');
      expect(Number(rest[c]) + shown.reduce((s, x) => s + Number(x[c]), 0), c).toBe(Number(total[c]));
    }
    // $/request: cost over priced requests (the unpriced ones are left out)
    const perRequest = Number(rest.Cost) / (Number(rest.Requests) - Number(rest['Unpriced requests']));
    expect(Number(rest['$/request'])).toBeCloseTo(perRequest, 12);
  }, 60_000);

  it('JSON groupsLeftOut carries tokens and $/request; the table at its 20-row limit fills the same columns', async () => {
    const r = await runCli([...args, '--top', '3', '--format', 'json']);
    const doc = JSON.parse(r.stdout);
    const out = doc.groupsLeftOut;
    for (const k of ['input', 'cacheRead', 'cacheWrite5m', 'cacheWrite1h', 'output', 'reasoning'])
      expect(out.tokens[k] + doc.groups.reduce((s: number, g: { tokens: Record<string, number> }) => s + g.tokens[k], 0), k).toBe(
        doc.totals.tokens[k],
      );
    expect(out.costPerRequestUsd).toBeCloseTo(out.costUsd / (out.requests - out.unpricedRequests), 12);
    // no --top: the table sums the groups past 20 itself (here by conversation: hundreds of groups)
    const table = await runCli(['report', 'fixtures/demo', '--no-config', '--by', 'conversation', '--wide']);
    const more = table.stdout.split('\n').find((l) => /^\(\d+ more\)/.test(l))!;
    // label, requests, input, cache read, cache write, output, cost, share, $/request
    expect(more.trim().split(/ {2,}/).length).toBe(9);
  }, 60_000);
});
