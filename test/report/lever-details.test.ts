/**
 * simulate's lever detail tables (scenario:lever:table) are in the JSON document as typed data
 * (`scenarios[].waterfall[].details`), each table cell quotes a field of it, the semantic-cache
 * chart is drawn from it, and a saved JSON renders them again as the command printed them.
 * One scenario holds the four levers that have detail tables, with --explain (the matches table).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/harness.js';

const dir = mkdtempSync(join(tmpdir(), 'tokenomics-lever-details-'));
const scenario = join(dir, 'details.yaml');
const TIMEOUT_MS = 300_000;

interface Section {
  id: string;
  title: string;
  columns: Array<{ key: string; type: string }>;
  rows: Array<Record<string, unknown>>;
  notes?: string[];
}
interface Step {
  name: string;
  details: { lever: string } | null;
}

let json: string;
let doc: {
  scenarios: Array<{ name: string; waterfall: Step[] }>;
  inputs: Record<string, unknown>;
  report: { sections: Section[]; charts: Array<{ id: string; points: Array<{ x: number; value: number }> }> };
};
const args = () => ['simulate', 'fixtures/demo', '-s', scenario, '--explain'];

beforeAll(async () => {
  writeFileSync(
    scenario,
    [
      'version: 1',
      'scenarios:',
      '  - name: details',
      '    levers:',
      '      - semanticCache: { threshold: 0.7, shingleWords: 1, queryPattern: "^Question: (.*)$" }',
      '        where: { feature: kb-search-answer }',
      '      - summarize: { afterTurns: 4, summaryTokens: 150 }',
      '        where: { feature: chat-assistant }',
      '      - outputCap: { maxTokens: 200, factor: 0.9 }',
      '      - budgetCap: { per: user, capUsd: 0.01, period: day }',
      '',
    ].join('\n'),
  );
  const r = await runCli([...args(), '--format', 'json', '-o', join(dir, 's.json')]);
  expect(r.code, r.stderr).toBe(0);
  json = (await runCli([...args(), '--format', 'json'])).stdout;
  doc = JSON.parse(json);
}, TIMEOUT_MS);

/** A lever's details as JSON (read as the shape the test expects: `unknown` first). */
const details = (lever: string): unknown => doc.scenarios[0].waterfall.find((w) => w.details?.lever === lever)!.details;
const table = (id: string) => doc.report.sections.find((s) => s.id === `details:${id}`)!;
/**
 * The model's exact cell ("0.083690318067226", 15 decimals) as the document writes it: rounded half
 * away from zero to 1e-12 USD, then a double (the same rule as backed-by-json.test.ts, by hand).
 */
function num(cell: unknown): number {
  const text = String(cell);
  const negative = text.startsWith('-');
  const [i, f = ''] = text.replace('-', '').split('.');
  const femto = BigInt(i) * 10n ** 15n + BigInt((f + '0'.repeat(15)).slice(0, 15));
  const pico = (femto + 500n) / 1000n;
  return (negative ? -1 : 1) * Number(`${pico / 10n ** 12n}.${(pico % 10n ** 12n).toString().padStart(12, '0')}`);
}

describe('simulate lever detail tables: typed data in the JSON document', () => {
  it('every lever with tables has its details; the others null; the input facts are in the document', () => {
    const levers = doc.scenarios[0].waterfall.map((w) => [w.name, w.details?.lever ?? null]);
    expect(levers).toEqual([
      ['semanticCache', 'semanticCache'],
      ['summarize', 'summarize'],
      ['outputCap', 'outputCap'],
      ['budgetCap', 'budgetCap'],
    ]);
    expect(doc.report.sections.filter((s) => s.id.includes(':')).map((s) => s.id)).toEqual([
      'details:semanticCache:semantic-curve',
      'details:semanticCache:semantic-samples',
      'details:semanticCache:semantic-pairs',
      'details:summarize:summarize',
      'details:outputCap:output-cap',
      'details:budgetCap:budget-cap',
    ]);
    // fixtures/demo: 3,784 read, 188 skipped (the same counts the report command prints)
    expect(doc.inputs).toMatchObject({ records: 3596, read: 3784, skipped: 188, rejected: 0, withText: 3596 });
  });

  it("each table's cells are the details' fields (amounts to the 1e-12 USD the document writes)", () => {
    const sem = details('semanticCache') as { curve: Array<Record<string, number>>; sampleHits: Array<{ similarity: number }> };
    const curve = table('semanticCache:semantic-curve');
    expect(curve.rows.map((r) => [r.threshold, r.hits, num(r.net)])).toEqual(sem.curve.map((p) => [p.threshold, p.hits, p.netUsd]));
    expect(table('semanticCache:semantic-samples').rows.map((r) => r.similarity)).toEqual(sem.sampleHits.map((s) => s.similarity));
    const cap = details('budgetCap') as { periodsHit: number; hits: Array<{ key: string; spendAvoidedUsd: number }> };
    const capTable = table('budgetCap:budget-cap');
    expect(capTable.rows.map((r) => [r.key, num(r.avoided)])).toEqual(cap.hits.map((h) => [h.key, h.spendAvoidedUsd]));
    // more key-periods hit than the 50 rows shown: the note counts the rest from the document
    expect(cap.hits).toHaveLength(50);
    expect(capTable.notes).toEqual([`${cap.periodsHit - 50} more user-days hit the cap (see the JSON for the count).`]);
    const sum = details('summarize') as { summarised: number; costPerConversationAfterUsd: number };
    expect(table('summarize:summarize').rows[0]).toMatchObject({ summarised: sum.summarised });
    expect(num(table('summarize:summarize').rows[0].after)).toBe(sum.costPerConversationAfterUsd);
    expect(table('outputCap:output-cap').rows[0].cap).toBe('200 tokens, x0.9');
  });

  it("the semantic-cache chart's points are the curve's thresholds and net savings", () => {
    const sem = details('semanticCache') as { curve: Array<{ threshold: number; netUsd: number }> };
    const chart = doc.report.charts.find((c) => c.id === 'semantic-details')!;
    expect(chart.points.map((p) => [p.x, p.value])).toEqual(sem.curve.map((c) => [c.threshold, c.netUsd]));
  });

  it(
    'a saved JSON renders the lever tables as the command printed them (markdown, html)',
    async () => {
      const file = join(dir, 's.json');
      for (const format of ['markdown', 'html']) {
        const direct = await runCli([...args(), '--format', format]);
        const again = await runCli(['render', file, '--format', format]);
        expect(again.code, again.stderr).toBe(0);
        expect(again.stdout, format).toBe(direct.stdout);
        expect(again.stdout).toContain('details / budgetCap: Budget cap: who would have hit $0.01 per user per day');
      }
      // a file saved before these keys were added (no inputs, no waterfall[].details) renders the same
      const old = JSON.parse(json);
      delete old.inputs;
      for (const s of old.scenarios) for (const w of s.waterfall) delete w.details;
      const oldFile = join(dir, 'old.json');
      writeFileSync(oldFile, JSON.stringify(old));
      const rendered = await runCli(['render', oldFile, '--format', 'markdown']);
      expect(rendered.code, rendered.stderr).toBe(0);
      expect(rendered.stdout).toBe((await runCli(['render', file, '--format', 'markdown'])).stdout);
    },
    TIMEOUT_MS,
  );
});
