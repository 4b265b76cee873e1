import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inertHtml } from '../../src/core/untrusted.js';
import { documentToReport, reportToDocument } from '../../src/report/document.js';
import { toHtml } from '../../src/report/formats/html.js';
import { FORMAT_NAMES } from '../../src/report/formats/index.js';
import { col, type Report } from '../../src/report/model.js';
import { runCli } from '../cli/harness.js';

const dir = mkdtempSync(join(tmpdir(), 'tokenomics-render-'));

describe('render: a saved JSON report in every format', () => {
  it('renders table, csv and markdown exactly as the command did, and json back to the saved file', async () => {
    const args = ['report', 'fixtures/demo', '--by', 'feature,model'];
    const file = join(dir, 'report.json');
    const saved = await runCli([...args, '--format', 'json', '-o', file]);
    expect(saved.code).toBe(0);
    for (const format of ['table', 'csv', 'markdown']) {
      const direct = await runCli([...args, '--format', format]);
      const again = await runCli(['render', file, '--format', format]);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout, format).toBe(direct.stdout);
      // the warnings reach stderr again
      expect(again.stderr).toContain('acme-finetune-v2');
    }
    const json = await runCli(['render', file, '--format', 'json']);
    expect(json.stdout).toBe(readFileSync(file, 'utf8'));
    const caching = await runCli(['render', file, '--format', 'csv', '--section', 'caching']);
    expect(caching.stdout).toBe((await runCli([...args, '--format', 'csv', '--section', 'caching'])).stdout);
  }, 120_000);

  it('keeps the old keys of --format json and adds the model under "report", with the charts drawn from the same numbers', async () => {
    const r = await runCli(['report', 'fixtures/demo', '--by', 'feature', '--format', 'json']);
    const doc = JSON.parse(r.stdout);
    expect(doc.report.version).toBe(1);
    expect(doc.report.sections.map((s: { id: string }) => s.id)).toContain('groups');
    // the spend chart, against the document's own groups (usage-json builds those separately)
    const chart = doc.report.charts.find((c: { id: string }) => c.id === 'spend-by-group');
    expect(chart.points.map((p: { x: string }) => p.x)).toEqual(doc.groups.map((g: { key: { feature: string } }) => g.key.feature));
    chart.points.forEach((p: { value: number }, i: number) => expect(p.value).toBeCloseTo(doc.groups[i].costUsd ?? 0, 9));
    // the generator's total, $20.57 priced (test/report/demo.test.ts): the token-kind chart adds up to it
    const parts = doc.report.charts.find((c: { id: string }) => c.id === 'components').points;
    expect(parts.reduce((a: number, p: { value: number }) => a + p.value, 0)).toBeCloseTo(20.56514995, 9);
  });

  it('fails with exit 2 and a hint on a file that is not a report', async () => {
    const notJson = join(dir, 'x.json');
    writeFileSync(notJson, '{"schemaVersion": 1,');
    const a = await runCli(['render', notJson, '--format', 'html']);
    expect(a.code).toBe(2);
    // `{"schemaVersion": 1,` is 20 characters: the document ends where a key should follow, column 21
    expect(a.stderr).toMatch(/x\.json:1:21: not valid JSON/);
    writeFileSync(notJson, '{"schemaVersion": 1}');
    const b = await runCli(['render', notJson]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/no "report" key[\s\S]*hint: /);
    writeFileSync(
      notJson,
      JSON.stringify({
        schemaVersion: 1,
        report: {
          version: 1,
          title: 't',
          summary: [],
          sections: [{ id: 's', title: 'S', columns: [{ key: 'a', label: 'A', type: 'money' }], rows: [] }],
        },
      }),
    );
    const c = await runCli(['render', notJson]);
    expect(c.code).toBe(2);
    expect(c.stderr).toContain('report.sections[0].columns[0].type: expected one of');
    expect(c.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it('refuses an unknown schemaVersion and cells of the wrong type, naming where (exit 2, a hint)', async () => {
    const saved = JSON.parse((await runCli(['report', 'fixtures/demo', '--by', 'feature', '--format', 'json'])).stdout);
    const file = join(dir, 'bad.json');
    const renderOf = async (doc: unknown, ...args: string[]) => {
      writeFileSync(file, JSON.stringify(doc));
      return runCli(['render', file, ...args]);
    };
    for (const version of [2, 0, '1', undefined]) {
      const r = await renderOf({ ...saved, schemaVersion: version });
      expect(r.code, String(version)).toBe(2);
      expect(r.stderr).toMatch(/bad\.json: schemaVersion (2|0|"1"|missing): this tokenomics reads schemaVersion 1\nhint: /);
    }
    const groups = saved.report.sections.findIndex((s: { id: string }) => s.id === 'groups');
    const withCells = (f: (section: { rows: Array<Record<string, unknown>> }) => void) => {
      const doc = structuredClone(saved);
      f(doc.report.sections[groups]);
      return doc;
    };
    // every cell of the first row an object: was a blank table row and a blank CSV line, exit 0
    const objects = withCells((s) => {
      for (const k of Object.keys(s.rows[0])) s.rows[0][k] = { x: 1 };
    });
    for (const format of ['table', 'csv']) {
      const r = await renderOf(objects, '--format', format);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        new RegExp(
          `report\\.sections\\[${groups}\\]\\.rows\\[0\\]\\.feature: expected a string, a number or null \\(a text cell\\), not an object\\nhint: `,
        ),
      );
    }
    // "1e400" in an int column was printed as 1e400
    const big = await renderOf(withCells((s) => void (s.rows[1].requests = '1e400')));
    expect(big.code).toBe(2);
    expect(big.stderr).toContain(
      `report.sections[${groups}].rows[1].requests: expected a finite JSON number or a plain decimal in this int column, not the text "1e400"`,
    );
    const flag = await renderOf(withCells((s) => void (s.rows[1].cost = true)));
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain(
      `report.sections[${groups}].rows[1].cost: expected a string, a number or null (a usd cell), not a boolean`,
    );
    // two points of one category (a hand-edited x): were drawn as one bar of their sum, the table
    // beside listing one of them
    const twice = structuredClone(saved);
    const spend = twice.report.charts.findIndex((c: { id: string }) => c.id === 'spend-by-group');
    twice.report.charts[spend].points[2].x = twice.report.charts[spend].points[0].x;
    const dup = await renderOf(twice, '--format', 'html');
    expect(dup.code).toBe(2);
    expect(dup.stderr).toContain(
      `bad.json: report.charts[${spend}].points[2]: the same x as report.charts[${spend}].points[0] (each point is its own category)\nhint: `,
    );
    // a line chart's x is a position: a text x was left out of the drawing (one mark fewer), kept in the table
    const worded = structuredClone(saved);
    const line = worded.report.charts.findIndex((c: { kind: string }) => c.kind === 'line');
    worded.report.charts[line].points[0].x = 'abc';
    const text = await renderOf(worded, '--format', 'html');
    expect(text.code).toBe(2);
    expect(text.stderr).toContain(`bad.json: report.charts[${line}].points[0].x: expected a number\nhint: `);
  }, 60_000);

  it('refuses a rest rule that names a missing or mistyped column, or text in a summed column (exit 2, the JSON path)', async () => {
    // by day and model: 134 groups, the rows past the 20th summed into one rest row
    const saved = JSON.parse((await runCli(['report', 'fixtures/demo', '--by', 'day,model', '--format', 'json'])).stdout);
    const at = saved.report.sections.findIndex((s: { id: string }) => s.id === 'groups');
    expect(saved.report.sections[at].rest.label).toBe('day');
    const file = join(dir, 'rest.json');
    const renderWith = async (f: (s: { rest: Record<string, unknown>; rows: Array<Record<string, unknown>> }) => void) => {
      const doc = structuredClone(saved);
      f(doc.report.sections[at]);
      writeFileSync(file, JSON.stringify(doc));
      return runCli(['render', file, '--format', 'markdown']);
    };
    const cases: Array<[(s: { rest: Record<string, unknown>; rows: Array<Record<string, unknown>> }) => void, string]> = [
      // was: the "(114 more)" label overwritten by the requests sum, the row unnamed
      [(s) => void (s.rest.label = 'requests'), 'rest.label: expected a column of type text, not the int column "requests"'],
      // was: the cost cell of the rest row showing the share 0.780208 as an amount
      [
        (s) => void (s.rest.share = { key: 'cost', of: 'cost' }),
        'rest.share.key: expected a column of type pct, not the usd column "cost"',
      ],
      [(s) => void (s.rest.sum = ['requests', 'nope']), 'rest.sum[1]: names no column of this section ("nope")'],
      // was: a row's cost as text left out of the rest row's sum ($15.89 shown for $16.05)
      [(s) => void (s.rows[30].cost = 'abc'), 'rows[30].cost: text in a column the rest row sums'],
      // was: "internal error: The number 2825.5 cannot be converted to a BigInt" (the rest row's $/request
      // divides its cost by its requests less its unpriced requests, summed: 2,825 + 0.5)
      [
        (s) => void (s.rows[30].unpricedRequests = 0.5),
        'rows[30].unpricedRequests: a fraction in a count the rest row divides by (report.sections',
      ],
    ];
    for (const [edit, message] of cases) {
      const r = await renderWith(edit);
      expect(r.code, message).toBe(2);
      expect(r.stderr).toContain(`rest.json: report.sections[${at}].${message}`);
    }
    const intact = await renderWith(() => {});
    expect(intact.code, intact.stderr).toBe(0);
    expect(intact.stdout).toContain('| (114 more) |');
    // the partly priced note's rule: its keys and the columns it reads checked as the rest rule's
    type Edit = (s: { partlyPriced: Record<string, unknown> }) => void;
    const partly: Array<[Edit, string]> = [
      [(s) => void (s.partlyPriced.keys = ['day', 'nope']), 'partlyPriced.keys[1]: expected a text column of the section'],
      [(s) => void (s.partlyPriced.rows = -1), 'partlyPriced.rows: expected a whole number 0 or more'],
      [(s) => void (s.partlyPriced.notShown = '3'), 'partlyPriced.notShown: expected a whole number 0 or more'],
    ];
    for (const [edit, message] of partly) {
      const r = await renderWith(edit as never);
      expect(r.code, message).toBe(2);
      expect(r.stderr).toContain(`rest.json: report.sections[${at}].${message}`);
    }
  }, 60_000);

  it('renders every command\'s own saved JSON, estimate\'s annotated counts too ("500 (default)" in a count column)', async () => {
    const saved = join(dir, 'estimate.json');
    const est = await runCli([
      'estimate',
      'fixtures/prompts/summarize-ticket.md',
      '--model',
      'gpt-4o-mini',
      '--format',
      'json',
      '-o',
      saved,
    ]);
    expect(est.code).toBe(0);
    expect(readFileSync(saved, 'utf8')).toContain('(default)');
    for (const format of ['table', 'csv', 'markdown']) {
      const r = await runCli(['render', saved, '--format', format]);
      expect(r.code, `${format}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toContain('(default)');
    }
    // text that is a number and nothing else, other than a plain decimal, is still refused
    const doc = JSON.parse(readFileSync(saved, 'utf8'));
    for (const fake of ['NaN', ' +5', 'Infinity', '1e3']) {
      doc.report.sections[0].rows[0].output = fake;
      writeFileSync(saved, JSON.stringify(doc));
      expect((await runCli(['render', saved])).code, fake).toBe(2);
    }
  });

  it('offers every registered format on --format', async () => {
    expect(FORMAT_NAMES).toEqual(['table', 'json', 'csv', 'markdown', 'html']);
    const r = await runCli(['report', 'fixtures/demo', '--format', 'pdf']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('table, json, csv, markdown, html');
  });
});

describe('the report model as JSON', () => {
  it('keeps amounts exact to the femto dollar (JSON numbers would be doubles)', () => {
    // 9,007.123456789012345 USD = 9007123456789012345 femto: more digits than a double holds
    const femto = 9_007_123_456_789_012_345n;
    const perMTok = 1_234_567_890_123n; // $1,234.567890123 per MTok at 9 decimals
    const report: Report = {
      title: 't',
      summary: [['Total', '$9,007.12']],
      sections: [
        {
          id: 's',
          title: 'S',
          columns: [col('name', 'Name'), col('cost', 'Cost', 'usd'), col('price', 'Price', 'usdPerMTok'), col('n', 'N', 'int')],
          rows: [
            { name: 'a', cost: femto, price: perMTok, n: 3 },
            { name: 'b', cost: null, price: null, n: 0 },
          ],
          footer: { name: 'total', cost: femto },
        },
      ],
      notes: ['n'],
      data: { command: 'saved', document: {} },
    };
    const doc = JSON.parse(JSON.stringify({ schemaVersion: 1, report: reportToDocument(report) }));
    expect(doc.report.sections[0].rows[0].cost).toBe('9007.123456789012345');
    const back = documentToReport(doc, 'f.json');
    expect(back.sections[0].rows[0]).toEqual({ name: 'a', cost: femto, price: perMTok, n: 3 });
    // unpriced stays unpriced, never $0
    expect(back.sections[0].rows[1].cost).toBeNull();
    expect(back.sections[0].footer?.cost).toBe(femto);
    expect(back.summary).toEqual([['Total', '$9,007.12']]);
  });
});

describe('inputs, issues and assumptions', () => {
  const report: Report = {
    title: 't',
    summary: [],
    sections: [],
    notes: [],
    data: { command: 'saved', document: {} },
    inputs: {
      files: [{ path: 'a.jsonl', format: 'openai', bytes: 10 }],
      read: 7,
      counted: 4,
      skipped: { error: 1 },
      rejected: { 'invalid-json': 2 },
    },
    issues: [
      { severity: 'error', code: 'invalid-json', message: 'not JSON', file: 'a.jsonl', line: 3, hint: 'fix the line' },
      ...Array.from({ length: 6 }, (_, i) => ({ severity: 'warning' as const, code: 'w', message: `w${i}` })),
    ],
    assumptions: ['month = 30 days'],
  };

  it('travel through the saved JSON unchanged', () => {
    const back = documentToReport(JSON.parse(JSON.stringify({ schemaVersion: 1, report: reportToDocument(report) })), 'f.json');
    expect(back.inputs).toEqual(report.inputs);
    expect(back.issues).toEqual(report.issues);
    expect(back.assumptions).toEqual(report.assumptions);
  });

  it('print as the same lines in table and markdown: read = counted + skipped + rejected, the first five problems, the assumptions', async () => {
    const { toTable, toMarkdown } = await import('../../src/report/format.js');
    const table = toTable(report, { color: false });
    // 4 counted + 1 skipped + 2 rejected = 7 read
    expect(table).toContain('Records: 7 read, 4 counted, 1 skipped, 2 rejected.');
    expect(table).toContain('error: a.jsonl:3: not JSON\n  hint: fix the line');
    // 7 problems, 5 shown
    expect(table).toContain('(2 more issues; --format json lists them all)');
    expect(table).not.toContain('w4');
    expect(table).toContain('month = 30 days');
    const md = toMarkdown(report);
    expect(md).toContain('- Records: 7 read, 4 counted, 1 skipped, 2 rejected.');
    expect(md).toMatch(
      /<details><summary>Details<\/summary>\n\n\*\*Issues\*\*\n\n- error: a\.jsonl:3: not JSON hint: fix the line\n[\s\S]*\*\*Assumptions\*\*\n\n- month = 30 days\n\n<\/details>\n$/,
    );
  });
});

describe('html escaping', () => {
  const evil = '<script>alert(1)</script><img src=x onerror="fetch(1)">\u001b[2J';
  it('inertHtml escapes markup and makes control characters visible', () => {
    expect(inertHtml(`a<b>&"c'\n`)).toBe('a&lt;b&gt;&amp;&quot;c&#39;\\n');
    expect(inertHtml(evil)).not.toMatch(/[<>"\u001b]/);
  });

  it('leaves no markup from the data in the page, in tables or in charts', async () => {
    const report: Report = {
      title: evil,
      summary: [[evil, evil]],
      sections: [
        {
          id: evil,
          title: evil,
          columns: [col('m', evil), col('c', 'Cost', 'usd')],
          rows: [{ m: evil, c: 1_000_000_000_000_000n }],
          notes: [evil],
        },
      ],
      notes: [evil],
      warnings: [evil],
      data: { command: 'saved', document: {} },
      charts: [{ id: evil, title: evil, kind: 'bar', xLabel: evil, yLabel: 'Spend (USD)', points: [{ x: evil, value: 1, text: '$1.00' }] }],
    };
    const html = await toHtml(report);
    expect(html).not.toMatch(/<script|<img|\u001b/i);
    // names inside tags are in quoted attributes, with their quotes escaped
    expect(html).not.toMatch(/<[^>]*onerror="/i);
    expect(html).toContain('&lt;script&gt;');
    // the only tags: the page's own
    const tags = new Set([...html.matchAll(/<([a-z][a-z0-9]*)/gi)].map((m) => m[1].toLowerCase()));
    for (const t of tags)
      expect([
        'html',
        'head',
        'meta',
        'title',
        'style',
        'body',
        'main',
        'h1',
        'h2',
        'dl',
        'dt',
        'dd',
        'div',
        'strong',
        'ul',
        'li',
        'section',
        'figure',
        'svg',
        'g',
        'path',
        'rect',
        'text',
        'table',
        'caption',
        'thead',
        'tbody',
        'tfoot',
        'tr',
        'th',
        'td',
        'p',
        'footer',
        'figcaption',
        'title',
        'desc',
        'line',
        'defs',
        'clippath',
        'lineargradient',
        'stop',
        'symbol',
      ]).toContain(t);
  });
});
