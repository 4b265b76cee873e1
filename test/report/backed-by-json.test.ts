/**
 * Tables cannot disagree with the JSON: for each command whose tables are derived from its typed
 * data, every USD amount a table shows (the model under `report`, exact decimal strings) is an
 * amount of the command's own document (the rest of the JSON), and the totals row adds up. The
 * check is independent of src/: it reads the printed JSON, rounds the table's exact amount to the
 * document's precision (1e-12 USD) with its own bigint arithmetic, and looks the number up.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
        // unpriced (null), empty, or a text such as "-" (no figure: no traffic, no baseline)
        if (typeof cell !== 'string' || !/^-?\d/.test(cell)) continue;
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

describe('simulate: every amount in the tables is in the JSON document', () => {
  it(
    "fixtures/demo, the demo scenarios by feature: scenarios, waterfall, groups, the volume curve, the levers' own tables",
    async () => {
      const { doc, sections } = await jsonOf(['simulate', 'fixtures/demo', '-s', 'fixtures/scenarios/demo.yaml', '--by', 'feature']);
      // the levers' tables (scenario:lever:table) are checked too: their amounts are in the waterfall's details
      expect(sections.map((s) => s.id)).toEqual(
        expect.arrayContaining([
          'scenarios',
          'waterfall',
          'groups',
          'caching:semanticCache:semantic-curve',
          'full-plan:summarize:summarize',
        ]),
      );
      expect(unbackedCells(doc, sections)).toEqual([]);
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
      // a lever table's amount that is not its details' is caught
      const curve = sections.find((s) => s.id === 'caching:semanticCache:semantic-curve')!;
      const off = { ...curve, rows: [{ ...curve.rows[0], net: '0.000000000001' }] };
      expect(unbackedCells(doc, [off])).toEqual(['caching:semanticCache:semantic-curve[0].net=0.000000000001']);
    },
    TIMEOUT_MS,
  );

  it(
    'the budget cap: who hit the cap, spend allowed and avoided per user-day',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'tk-backed-'));
      const file = join(dir, 'cap.yaml');
      writeFileSync(
        file,
        'version: 1\nscenarios:\n  - name: capped\n    levers:\n      - budgetCap: { per: user, capUsd: 0.01, period: day }\n',
      );
      const { doc, sections } = await jsonOf(['simulate', 'fixtures/demo', '-s', file]);
      const cap = sections.find((s) => s.id === 'capped:budgetCap:budget-cap')!;
      expect(cap.rows.length).toBeGreaterThan(0);
      expect(unbackedCells(doc, sections)).toEqual([]);
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
      expect(unbackedCells(doc, sections)).toEqual([]);
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

/** Every price in the document: numbers under a key ending in "PerMTok", at any depth. */
function documentPrices(doc: unknown, out = new Set<number>()): Set<number> {
  if (Array.isArray(doc)) for (const x of doc) documentPrices(x, out);
  else if (doc !== null && typeof doc === 'object')
    for (const [k, v] of Object.entries(doc)) {
      if (/PerMTok$/.test(k) && typeof v === 'number') out.add(v);
      documentPrices(v, out);
    }
  return out;
}

/** usdPerMTok cells (exact decimal strings in the model) that are no price of the document. */
function unbackedPrices(doc: unknown, sections: ModelSection[]): string[] {
  const prices = documentPrices(doc);
  const bad: string[] = [];
  for (const s of sections)
    for (const [i, row] of s.rows.entries())
      for (const c of s.columns.filter((x) => x.type === 'usdPerMTok'))
        if (typeof row[c.key] === 'string' && /^\d/.test(row[c.key] as string) && !prices.has(Number(row[c.key])))
          bad.push(`${s.id}[${i}].${c.key}=${row[c.key] as string}`);
  return bad;
}

describe('prices: every price in the tables is in the JSON document', () => {
  it('three models (one of them with long-context tiers), and the whole anthropic catalog', async () => {
    for (const args of [
      ['prices', 'gpt-4o-mini', 'claude-sonnet-4-5', 'gemini-2.5-pro'],
      ['prices', '--provider', 'anthropic'],
    ]) {
      const { doc, sections } = await jsonOf(args);
      expect(unbackedPrices(doc, sections)).toEqual([]);
      // row by row: each model's cells are its own document prices (a listed cache price, else "as input")
      const models = doc.models as Array<{ id: string; prices: Record<string, number> & { listed: Record<string, boolean> } }>;
      const table = sections.find((s) => s.id === 'prices')!;
      expect(table.rows.map((r) => r.model)).toEqual(models.map((m) => m.id));
      table.rows.forEach((r, i) => {
        const p = models[i].prices;
        expect(Number(r.input)).toBe(p.inputPerMTok);
        expect(Number(r.output)).toBe(p.outputPerMTok);
        expect(r.cacheRead === 'as input' ? !p.listed.cacheRead : Number(r.cacheRead) === p.cacheReadPerMTok).toBe(true);
      });
    }
    // a price the document does not have is caught
    const section: ModelSection = { id: 'x', columns: [{ key: 'input', type: 'usdPerMTok' }], rows: [{ input: '0.151' }] };
    expect(unbackedPrices({ models: [{ prices: { inputPerMTok: 0.15 } }] }, [section])).toEqual(['x[0].input=0.151']);
  });
});

describe('check: every amount in the tables is in the JSON document', () => {
  const CHECK = `${process.cwd()}/fixtures/check`;

  it('fixtures/check against its baseline (violations, a changed model), and a run without a baseline', async () => {
    for (const args of [
      ['check'],
      ['check', '--baseline', 'baseline.json', '--max-cost-per-call', '1'],
      ['check', '--no-config', 'prompts'],
    ]) {
      const extra = args.includes('--no-config') ? ['--model', 'gpt-4o-mini', '--calls-per-day', '1000'] : [];
      const r = await runCli([...args, ...extra, '--format', 'json'], { cwd: CHECK });
      expect([0, 1], r.stderr).toContain(r.code);
      const { report, ...doc } = JSON.parse(r.stdout) as { report: { sections: ModelSection[] } } & Record<string, unknown>;
      expect(unbackedCells(doc, report.sections)).toEqual([]);
      const prompts = report.sections.find((s) => s.id === 'prompts')!;
      const docPrompts = doc.prompts as Array<{ id: string; current: { monthlyUsd: number } }>;
      expect(prompts.rows.map((p) => p.prompt)).toEqual(docPrompts.map((p) => p.id));
      // row by row: After/month is the prompt's own current.monthlyUsd, and the totals row the document's total
      prompts.rows.forEach((row, i) => expect(asDocumentNumber(femto(row.afterMonth as string))).toBe(docPrompts[i].current.monthlyUsd));
      expect(asDocumentNumber(femto(prompts.footer!.afterMonth as string))).toBe((doc.total as { monthlyUsd: number }).monthlyUsd);
    }
  });

  it('an amount a double cannot hold is printed with its digits: the table cell rounded to 1e-12 USD, exactly', async () => {
    // 1,234,567,891 calls/month at a hit rate of 0.123456789: the monthly cost has 20 significant
    // digits at 1e-12 USD (a double keeps ~16: the document printed 21550845.73680793 before)
    const args = ['check', 'support-bot.yaml', '--model', 'claude-sonnet-4-5', '--calls-per-month', '1234567891'];
    const r = await runCli([...args, '--output-tokens', '777', '--cache-hit-rate', '0.123456789', '--format', 'json'], {
      cwd: `${process.cwd()}/fixtures/prompts`,
    });
    expect(r.code, r.stderr).toBe(0);
    const { report } = JSON.parse(r.stdout) as { report: { sections: ModelSection[] } };
    const cell = femto(report.sections[0].rows[0].afterMonth as string);
    const pico = (cell + 500n) / 1000n; // half up to 1e-12 USD (a positive amount)
    const digits = `${pico / 10n ** 12n}.${(pico % 10n ** 12n).toString().padStart(12, '0')}`.replace(/0+$/, '');
    expect(digits.replace('.', '').length).toBeGreaterThan(17);
    expect(r.stdout).toContain(`"monthlyUsd": ${digits},`);
    expect(unbackedCells(JSON.parse(r.stdout), report.sections)).toEqual([]);
  });
});

describe('estimate: every amount in the tables is in the JSON document', () => {
  const PROMPTS = `${process.cwd()}/fixtures/prompts`;
  const estimateJson = async (args: string[]) => {
    const r = await runCli(['estimate', ...args, '--format', 'json', '--all'], { cwd: PROMPTS });
    expect(r.code, r.stderr).toBe(0);
    const { report, ...doc } = JSON.parse(r.stdout) as { report: { sections: ModelSection[] } } & Record<string, unknown>;
    return { text: r.stdout, doc, sections: report.sections };
  };

  it('every prompt of fixtures/prompts on three models with traffic, and one with output options', async () => {
    for (const args of [
      ['.', '--model', 'gpt-4o-mini,claude-sonnet-4-5,gemini-2.5-flash', '--calls-per-day', '777', '--cache-hit-rate', '0.33'],
      ['wasteful.yaml', '--output-cap', '100', '--structured-output', '50'],
    ]) {
      const { doc, sections } = await estimateJson(args);
      expect(sections.map((s) => s.id)).toEqual(['cost', 'tokens', 'savings', 'output']);
      expect(unbackedCells(doc, sections)).toEqual([]);
      // row by row: the cost table's cached month is that prompt and model's perMonth.cachedUsd
      type M = { perMonth: { cachedUsd: number } | null };
      const pairs = (doc.prompts as Array<{ id: string; models: M[] }>).flatMap((p) => p.models);
      const cost = sections[0];
      expect(cost.rows).toHaveLength(pairs.length);
      cost.rows.forEach((row, i) => {
        const cached = pairs[i].perMonth?.cachedUsd;
        if (cached !== undefined) expect(asDocumentNumber(femto(row.monthCached as string))).toBe(cached);
      });
    }
  });

  it('an amount whose nearest double prints another decimal is printed with its own digits', async () => {
    // 987,654,321 calls/day on claude-opus-4-1: the cached month is $9,895,946,666.790366 at 1e-12 USD;
    // the nearest double prints as 9895946666.790365 (what the document said before)
    const { text, sections } = await estimateJson([
      'support-bot.yaml',
      '-m',
      'claude-opus-4-1',
      '--calls-per-day',
      '987654321',
      '--output-tokens',
      '4321',
    ]);
    const cell = femto(sections[0].rows[0].monthCached as string);
    const pico = (cell + 500n) / 1000n;
    const digits = `${pico / 10n ** 12n}.${(pico % 10n ** 12n).toString().padStart(12, '0')}`.replace(/\.?0+$/, '');
    expect(String(Number(digits))).not.toBe(digits);
    expect(text).toContain(`"cachedUsd": ${digits}\n`);
  });
});
