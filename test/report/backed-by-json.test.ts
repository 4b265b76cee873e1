/**
 * Tables cannot disagree with the JSON: for each command whose tables are derived from its typed
 * data, every USD amount a table shows (the model under `report`, exact decimal strings) is an
 * amount of the command's own document (the rest of the JSON), and the totals row adds up. The
 * check is independent of src/: it reads the printed JSON, rounds the table's exact amount to the
 * document's precision (1e-12 USD) with its own bigint arithmetic, and looks the number up.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/harness.js';

interface ModelSection {
  id: string;
  columns: Array<{ key: string; type: string }>;
  rows: Array<Record<string, unknown>>;
  footer?: Record<string, unknown>;
}

/** "12.345678901234567" -> femto-dollars (15 decimals), exact. */
function femto(decimal: string): bigint {
  const negative = decimal.startsWith('-');
  const [i, f = ''] = decimal.replace('-', '').split('.');
  const v = BigInt(i) * 10n ** 15n + BigInt((f + '0'.repeat(15)).slice(0, 15));
  return negative ? -v : v;
}

/** An exact amount as the document writes it: rounded half away from zero to 1e-12 USD, as a double. */
function asDocumentNumber(f: bigint): number {
  const negative = f < 0n;
  const abs = negative ? -f : f;
  const pico = (abs + 500n) / 1000n;
  const text = `${pico / 10n ** 12n}.${(pico % 10n ** 12n).toString().padStart(12, '0')}`;
  return (negative ? -1 : 1) * Number(text);
}

/** Objects of amounts keyed by name: the cost per token bucket (report), a group's cost per scenario (simulate). */
const AMOUNTS_BY_NAME = new Set(['components', 'scenarios']);

/** Every amount in the document: numbers under a key ending in "Usd" or in `components`, at any depth. */
function documentAmounts(doc: unknown, out = new Set<number>()): Set<number> {
  if (Array.isArray(doc)) for (const x of doc) documentAmounts(x, out);
  else if (doc !== null && typeof doc === 'object')
    for (const [k, v] of Object.entries(doc)) {
      if (/Usd$/.test(k) && typeof v === 'number') out.add(v);
      // amounts by key: quantiles (…DistributionUsd), the cost per token bucket (components), a group's cost per scenario
      else if ((/Usd$/.test(k) || AMOUNTS_BY_NAME.has(k)) && v !== null && typeof v === 'object' && !Array.isArray(v))
        for (const x of Object.values(v)) if (typeof x === 'number') out.add(x);
      documentAmounts(v, out);
    }
  return out;
}

async function jsonOf(args: string[], all = true): Promise<{ doc: Record<string, unknown>; sections: ModelSection[] }> {
  const r = await runCli([...args, '--format', 'json', ...(all ? ['--all'] : [])]);
  expect(r.code, r.stderr).toBe(0);
  const { report, ...doc } = JSON.parse(r.stdout) as { report: { sections: ModelSection[] } };
  return { doc, sections: report.sections };
}

/**
 * Columns whose cells are a difference of two other cells of the row (not a document amount), by
 * column key or by section.key: report's repricing delta, simulate's saving on the volume curve
 * (baseline x k less the scenario).
 */
const DERIVED: Record<string, { from: string; to: string }> = {
  delta: { from: 'billed', to: 'repriced' },
  'volume-curve.saving': { from: 'total', to: 'baseline' },
};

/** simulate's scenarios table: a scenario's change is its total less the baseline's (the first row). */
function changeFromFirstRow(s: ModelSection, row: Record<string, unknown>, key: string): bigint | undefined {
  if (!(s.id === 'scenarios' && key === 'change')) return undefined;
  const [first] = s.rows;
  return typeof row.total === 'string' && typeof first.total === 'string' ? femto(row.total) - femto(first.total) : undefined;
}

function unbackedCells(doc: unknown, sections: ModelSection[]): string[] {
  const amounts = documentAmounts(doc);
  const bad: string[] = [];
  for (const s of sections)
    for (const [i, row] of [...s.rows, ...(s.footer ? [s.footer] : [])].entries())
      for (const c of s.columns.filter((x) => x.type === 'usd')) {
        const cell = row[c.key];
        if (typeof cell !== 'string') continue; // unpriced (null) or empty
        const change = changeFromFirstRow(s, row, c.key);
        if (change !== undefined) {
          if (femto(cell) !== change) bad.push(`${s.id}[${i}].${c.key}=${cell} (not the total less the baseline's)`);
          continue;
        }
        const d = DERIVED[`${s.id}.${c.key}`] ?? DERIVED[c.key];
        if (d && typeof row[d.from] === 'string' && typeof row[d.to] === 'string') {
          if (femto(cell) !== femto(row[d.to] as string) - femto(row[d.from] as string))
            bad.push(`${s.id}[${i}].${c.key}=${cell} (not to - from)`);
          continue;
        }
        if (amounts.has(asDocumentNumber(femto(cell)))) continue;
        // a totals row the document does not hold: the exact sum of the rows above it
        const isFooter = i === s.rows.length;
        const sum = s.rows.reduce((n, r) => n + (typeof r[c.key] === 'string' ? femto(r[c.key] as string) : 0n), 0n);
        if (!(isFooter && sum === femto(cell))) bad.push(`${s.id}[${i}].${c.key}=${cell}`);
      }
  return bad;
}

const TIMEOUT_MS = 300_000;

describe('report: every amount in the tables is in the JSON document', () => {
  it(
    "fixtures/demo by feature and model, repriced at today's prices",
    async () => {
      const { doc, sections } = await jsonOf(['report', 'fixtures/demo', '--by', 'feature,model', '--reprice', 'current']);
      expect(sections.map((s) => s.id)).toEqual(expect.arrayContaining(['groups', 'components', 'reprice']));
      expect(unbackedCells(doc, sections)).toEqual([]);
      // the totals row: the document's total, and the exact sum of the group rows (no rest row with --all)
      const groups = sections.find((s) => s.id === 'groups')!;
      const total = femto(groups.footer!.cost as string);
      const sum = groups.rows.reduce((n, r) => n + (typeof r.cost === 'string' ? femto(r.cost) : 0n), 0n);
      expect(sum).toBe(total);
      expect(asDocumentNumber(total)).toBe((doc.totals as { costUsd: number }).costUsd);
      // as many rows as the document has groups
      expect(groups.rows).toHaveLength((doc.groups as unknown[]).length);
    },
    TIMEOUT_MS,
  );

  it(
    'an unpriced model and a rejected record (mixed inputs), by conversation',
    async () => {
      const { doc, sections } = await jsonOf(['report', 'fixtures/logs/bad', 'fixtures/report/mixed.jsonl', '--by', 'conversation']);
      expect(unbackedCells(doc, sections)).toEqual([]);
    },
    TIMEOUT_MS,
  );

  it('fails when a table shows an amount the document does not have', () => {
    const doc = { totals: { costUsd: 1.5 } };
    const section: ModelSection = {
      id: 'x',
      columns: [{ key: 'cost', type: 'usd' }],
      rows: [{ cost: '1.500000000000000' }, { cost: '1.500000000001' }],
    };
    expect(unbackedCells(doc, [section])).toEqual(['x[1].cost=1.500000000001']);
  });
});

describe('tokens: every amount in the table is in the JSON document', () => {
  it('two files at gpt-4o prices: each file in the document, the totals row their exact sum', async () => {
    const { doc, sections } = await jsonOf(['tokens', 'fixtures/prompts/summarize-ticket.md', 'README.md', '--model', 'gpt-4o']);
    expect(unbackedCells(doc, sections)).toEqual([]);
    const files = doc.files as Array<{ tokens: number; costAsInputUsd: number }>;
    const table = sections[0];
    expect(table.rows.map((r) => r.tokens)).toEqual(files.map((f) => f.tokens));
    // the totals row: tokens as the document's total, and a cell that is not a row sum is caught
    expect(table.footer!.tokens).toBe(doc.totalTokens);
    expect(unbackedCells(doc, [{ ...table, footer: { ...table.footer, asInput: '1.000000000000001' } }])).toHaveLength(1);
  });
});

/** The levers' own tables (sample hits, caps, threshold curves): named scenario:lever:table, not in the document. */
const leverTables = (sections: ModelSection[]) => sections.filter((s) => !s.id.includes(':'));

describe('simulate: every amount in the tables is in the JSON document', () => {
  it(
    'fixtures/demo, the demo scenarios by feature: scenarios, waterfall, groups, the volume curve',
    async () => {
      const { doc, sections } = await jsonOf(['simulate', 'fixtures/demo', '-s', 'fixtures/scenarios/demo.yaml', '--by', 'feature']);
      const checked = leverTables(sections);
      expect(checked.map((s) => s.id)).toEqual(expect.arrayContaining(['scenarios', 'waterfall', 'groups']));
      expect(unbackedCells(doc, checked)).toEqual([]);
      // each scenario's waterfall adds up: baseline less the steps' savings is the cost after all levers
      const waterfall = sections.find((s) => s.id === 'waterfall')!;
      for (const sc of doc.scenarios as Array<{ name: string; totalUsd: number }>) {
        const rows = waterfall.rows.filter((r) => r.scenario === sc.name);
        const steps = rows.filter((r) => typeof r.step === 'number' && r.step > 0);
        const end = femto(rows[0].after as string) - steps.reduce((n, r) => n + femto(r.saving as string), 0n);
        expect(femto(rows[rows.length - 1].after as string)).toBe(end);
        expect(asDocumentNumber(end)).toBe(sc.totalUsd);
      }
      // a group's cell that is not its document amount is caught
      const groups = sections.find((s) => s.id === 'groups')!;
      const bent = { ...groups, rows: [{ ...groups.rows[0], s0: '123.000000000001' }, ...groups.rows.slice(1)] };
      expect(unbackedCells(doc, [bent])).toEqual(['groups[0].s0=123.000000000001']);
    },
    TIMEOUT_MS,
  );

  it(
    'the growth curve: each point, its saving (baseline x k less the scenario) and its cost per request',
    async () => {
      const { doc, sections } = await jsonOf([
        'simulate',
        'fixtures/demo',
        '-s',
        'fixtures/scenarios/levers.yaml',
        '--only',
        'growth-curve',
      ]);
      const curve = sections.find((s) => s.id === 'volume-curve')!;
      // 8 points of k (levers.yaml: curve [1, 2, 5, 10, 11, 20, 100, 1000])
      expect(curve.rows).toHaveLength(8);
      expect(unbackedCells(doc, leverTables(sections))).toEqual([]);
      // the cost per request comes from the document (an added key), not from the engine
      const points = (doc.scenarios as Array<{ volumeCurve: Array<{ costPerRequestUsd: number }> }>)[0].volumeCurve;
      expect(curve.rows.map((r) => asDocumentNumber(femto(r.perRequest as string)))).toEqual(points.map((p) => p.costPerRequestUsd));
    },
    TIMEOUT_MS,
  );
});

describe('whatif: every amount in the tables is in the JSON document', () => {
  for (const file of ['acme-copilot.yaml', 'demo-support.yaml'])
    it(`fixtures/whatif/${file}: features, floors, levers, volume, sensitivity, bands`, async () => {
      const { doc, sections } = await jsonOf(['whatif', `fixtures/whatif/${file}`]);
      expect(unbackedCells(doc, sections)).toEqual([]);
      // the features' totals row: the exact sum of the rows, and the document's total
      const features = sections.find((s) => s.id === 'features')!;
      const sum = features.rows.reduce((n, r) => n + femto(r.cost as string), 0n);
      expect(femto(features.footer!.cost as string)).toBe(sum);
      expect(asDocumentNumber(sum)).toBe((doc.totals as { costUsd: number }).costUsd);
    });

  it('a per-request price (tiny.yaml at test prices)', async () => {
    const { doc, sections } = await jsonOf(['whatif', 'fixtures/whatif/tiny.yaml', '--prices', 'fixtures/whatif/test-prices.yaml']);
    expect(unbackedCells(doc, sections)).toEqual([]);
  });

  it(
    'margin per customer (--revenue) at 1x, 3x and 10x: customers, plans, volumes',
    async () => {
      const { doc, sections } = await jsonOf([
        'whatif',
        '--revenue',
        'fixtures/whatif/revenue.csv',
        '--logs',
        'fixtures/demo',
        '--volumes',
        '1,3,10',
      ]);
      expect(sections.map((s) => s.id)).toEqual(['customers', 'plans', 'volume']);
      expect(unbackedCells(doc, sections)).toEqual([]);
      const customers = sections.find((s) => s.id === 'customers')!;
      expect(customers.columns.map((c) => c.key)).toEqual(expect.arrayContaining(['m3', 'm10']));
      expect(customers.rows).toHaveLength((doc.margin as { customers: unknown[] }).customers.length);
    },
    TIMEOUT_MS,
  );
});
