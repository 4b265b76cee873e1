/**
 * What reaches a terminal: untrusted text inert, long sections limited, warnings on stderr in
 * every format, dates and zones checked, colour conventions, help, config discovery, and the
 * Claude Code default input. Inputs are written to a temporary directory at test time.
 */
import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '../cli/harness.js';
import { toTable } from '../../src/report/format.js';

const root = resolve(import.meta.dirname, '../..');
const tmp = (): string => mkdtempSync(join(tmpdir(), 'tokenomics-term-'));

interface Line {
  model?: string;
  feature?: string;
  customer?: string;
  conversation?: string;
  turn?: number;
  timestamp?: string;
  input?: number;
  output?: number;
}

/** An Anthropic request-log line (the shape of fixtures/report/mixed.jsonl). */
function anthropicLine(l: Line, i: number): string {
  return JSON.stringify({
    timestamp: l.timestamp ?? '2026-10-01T00:01:00Z',
    request: {
      model: l.model ?? 'claude-sonnet-4-5',
      metadata: {
        feature: l.feature ?? 'chat',
        customer: l.customer ?? 'c',
        ...(l.conversation ? { conversation_id: l.conversation, turn: String(l.turn ?? 1) } : {}),
      },
    },
    response: {
      id: `msg_${i}`,
      type: 'message',
      role: 'assistant',
      model: l.model ?? 'claude-sonnet-4-5-20250929',
      content: [{ type: 'text', text: 'hi' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: {
        input_tokens: l.input ?? 1000,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        output_tokens: l.output ?? 100,
        service_tier: 'standard',
      },
    },
  });
}

function logFile(lines: Line[], dir = tmp(), name = 'log.jsonl'): string {
  const file = join(dir, name);
  writeFileSync(file, lines.map(anthropicLine).join('\n') + '\n');
  return file;
}

const widest = (text: string): number => Math.max(0, ...text.split('\n').map((l) => [...l].length));
/** The first two data rows of a CSV table, each cut to its first three cells. */
const firstRows = (csv: string): string[] =>
  csv
    .split('\n')
    .slice(1, 3)
    .map((l) => l.split(',').slice(0, 3).join(','));

describe('untrusted text is inert', () => {
  const hostile = ['evil\u001b[2J\u001b]52;c;SGVsbG8=\u0007model', 'two\nlines | forged row', 'bidi\u202egnp.exe', 'c1\u009bcontrol'];

  it('escapes control characters, newlines and bidi overrides in model, feature and customer names', async () => {
    const file = logFile(hostile.map((h, i) => ({ model: h, feature: `f-${h}`, customer: `c-${h}`, input: 100 + i })));
    for (const by of ['model', 'feature', 'customer']) {
      for (const format of ['table', 'markdown']) {
        const r = await runCli(['report', file, '--by', by, '--format', format, '--wide']);
        expect(r.code).toBe(0);
        for (const out of [r.stdout, r.stderr]) {
          // no raw ESC, BEL, C1 CSI or bidi override reaches the terminal
          expect(out).not.toMatch(/[\u001b\u0007\u009b\u202e]/);
        }
        expect(r.stdout).toContain(format === 'markdown' ? 'evil\\\\x1b\\[2J' : 'evil\\x1b[2J');
        expect(r.stdout).toContain(format === 'markdown' ? 'bidi\\\\u202egnp.exe' : 'bidi\\u202egnp.exe');
        // the newline stays inside its cell: no output line starts with the forged text
        expect(r.stdout.split('\n').some((l) => /^\s*lines \| forged/.test(l))).toBe(false);
      }
    }
  });

  it('CSV and JSON: no raw control, C1 or bidi character either (JSON escapes them: the same strings read back)', async () => {
    const file = logFile(hostile.map((h, i) => ({ model: h, feature: `f-${h}`, customer: `c-${h}`, input: 100 + i })));
    const csv = await runCli(['report', file, '--by', 'model', '--format', 'csv']);
    expect(csv.code).toBe(0);
    expect(csv.stdout).not.toMatch(/[\u001b\u0007\u009b\u202e]/);
    expect(csv.stdout).toContain('evil\\x1b[2J');
    const json = await runCli(['report', file, '--by', 'model', '--format', 'json']);
    expect(json.code).toBe(0);
    // JSON.stringify leaves C1 controls and bidi formats as they are: written as \u escapes
    expect(json.stdout).not.toMatch(/[\u001b\u0007\u009b\u202e]/);
    expect(json.stdout).toContain('c1\\u009bcontrol');
    const models = JSON.parse(json.stdout).groups.map((g: { key: { model: string } }) => g.key.model);
    expect(models).toEqual(expect.arrayContaining(hostile));
  });

  it('invisible and bidi-mark characters are escapes: two names that differ by one are two rows that look different', async () => {
    const names = ['acme', 'ac\u200bme', 'a\u2060b', 'rlm\u200fx', 'alm\u061cx', 'tag\u{e0041}x'];
    const file = logFile(names.map((customer, i) => ({ customer, input: 100 + i })));
    const r = await runCli(['report', file, '--by', 'customer', '--wide']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/[\u200b\u2060\u200f\u061c]|\u{e0041}/u);
    for (const shown of ['ac\\u200bme', 'a\\u2060b', 'rlm\\u200fx', 'alm\\u061cx', 'tag\\u{e0041}x']) expect(r.stdout).toContain(shown);
    // every line of the table is as wide as its header (the last column is right-aligned): no invisible
    // character shifts a column (a terminal draws the default-ignorable characters as nothing)
    const lines = r.stdout.split('\n');
    const table = lines.slice(lines.indexOf('Spend by customer') + 1, lines.indexOf('Spend by customer') + 4 + names.length);
    const drawn = (l: string) => [...l.replace(/\p{Default_Ignorable_Code_Point}/gu, '')].length;
    expect(table.map(drawn)).toEqual(table.map(() => drawn(table[0])));
    const json = await runCli(['report', file, '--by', 'customer', '--format', 'json']);
    expect(json.stdout).toContain('"rlm\\u200fx"');
    expect(json.stdout).toContain('"tag\\udb40\\udc41x"');
    expect(json.stdout).not.toMatch(/[\u200b\u2060\u200f\u061c]|\u{e0041}/u);
    expect(JSON.parse(json.stdout).groups.map((g: { key: { customer: string } }) => g.key.customer)).toEqual(expect.arrayContaining(names));
  });

  it('marks of any script take no column and emoji take two: every row of the table is as wide as its header', async () => {
    // drawn widths (wcwidth: nonspacing/enclosing marks 0, emoji presentation 2), counted by hand:
    // שָׁלוֹם 4 letters + 3 points = 4; مَرْحَبًا 5 letters + 4 harakat = 5; ก่า 2 letters + 1 tone mark = 2;
    // e⃝ 1 + an enclosing circle = 1; ✅ ok 2 + 1 + 2 = 5; ⌚ x 2 + 1 + 1 = 4. Measured as code points
    // (every mark 1 column, U+2705 and U+231A 1 each) the rows of the first four were 3, 4, 1 and 1
    // columns short and the emoji rows 1 too long, so the columns after them shifted
    const names = ['שָׁלוֹם', 'مَرْحَبًا', 'ก่า', 'e\u20dd', '✅ ok', '⌚ x', 'plain'];
    const widths = [4, 5, 2, 1, 5, 4, 5];
    const file = logFile(names.map((customer, i) => ({ customer, input: 100 + i })));
    const r = await runCli(['report', file, '--by', 'customer', '--wide']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    const at = lines.indexOf('Spend by customer');
    const header = lines[at + 1];
    // every row: the name, then padding and the other columns (ASCII), as wide as the header (ASCII)
    for (const [i, name] of names.entries()) {
      const row = lines.find((l) => l.startsWith(`${name} `))!;
      expect(row, name).toBeDefined();
      const rest = row.slice(name.length);
      expect(widths[i] + [...rest].length, name).toBe([...header].length);
    }
  });

  it('a tag named __proto__, constructor or toString (request metadata, --map tag.NAME) is a tag like any other', async () => {
    // was: "(none)" for every request: `tags.__proto__ = v` set the prototype (the tag was lost), and
    // `tags.constructor === undefined` read Object's constructor, so the tag was taken as already set
    const dir = tmp();
    const line = JSON.parse(anthropicLine({}, 0));
    // (JSON.parse: "__proto__" an own key, as a log's metadata is read)
    line.request.metadata = JSON.parse('{"__proto__":"p1","constructor":"c1","toString":"t1","feature":"f"}');
    const file = join(dir, 'meta.jsonl');
    writeFileSync(file, `${JSON.stringify(line)}\n${anthropicLine({}, 1)}\n`);
    for (const [tag, value] of [
      ['__proto__', 'p1'],
      ['constructor', 'c1'],
      ['toString', 't1'],
    ]) {
      const r = await runCli(['report', file, '--by', `tag:${tag}`, '--format', 'csv']);
      expect(r.code, r.stderr).toBe(0);
      // one request tagged, one not: 1,000 input tokens each
      expect(firstRows(r.stdout)).toEqual([`${value},1,1000`, '(none),1,1000']);
    }
    const generic = join(dir, 'generic.jsonl');
    writeFileSync(
      generic,
      '{"model":"gpt-4o","prompt_tokens":10,"output_tokens":1,"a":"x"}\n{"model":"gpt-4o","prompt_tokens":20,"output_tokens":1,"a":"y"}\n',
    );
    const r = await runCli([
      'report',
      generic,
      '--map',
      'model=model,prompt=prompt_tokens,output=output_tokens,tag.__proto__=a',
      '--by',
      'tag:__proto__',
      '--format',
      'csv',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(firstRows(r.stdout)).toEqual(['y,1,20', 'x,1,10']);
  });

  it('escapes file names, and a 10 MB model id does not pad the table', async () => {
    const dir = tmp();
    const file = logFile([{ model: 'x'.repeat(10_000_000) }, { model: 'gpt-4o-mini' }], dir, 'we\u001b[31mird.jsonl');
    for (const extra of [[], ['--wide'], ['--format', 'markdown']]) {
      const r = await runCli(['report', file, ...extra]);
      expect(r.code).toBe(0);
      // the id is capped where it is shown: the whole output stays small
      expect(r.stdout.length + r.stderr.length).toBeLessThan(50_000);
      expect(r.stdout + r.stderr).not.toContain('\u001b');
    }
  }, 60_000);
});

describe('long sections are limited', () => {
  it('shows the top 20 groups and sums the rest in one row; --top and --all change it', async () => {
    // 25 customers; customer k has k requests of 1,000 input tokens
    const lines: Line[] = [];
    for (let k = 1; k <= 25; k++) for (let j = 0; j < k; j++) lines.push({ customer: `cust-${String(k).padStart(2, '0')}` });
    const file = logFile(lines);
    const r = await runCli(['report', file, '--by', 'customer']);
    expect(r.stdout).toContain('cust-25');
    expect(r.stdout).not.toContain('cust-05 ');
    // the 5 cheapest customers (1+2+3+4+5 = 15 requests) are summed in one row
    expect(r.stdout).toMatch(/\(5 more\) +15 /);
    const top3 = await runCli(['report', file, '--by', 'customer', '--top', '3']);
    expect(top3.stdout).toMatch(/\(22 more\) +/);
    const all = await runCli(['report', file, '--by', 'customer', '--all']);
    expect(all.stdout).toContain('cust-01');
    expect(all.stdout).not.toContain('more)');
    // JSON is complete without --all
    const doc = JSON.parse((await runCli(['report', file, '--by', 'customer', '--format', 'json'])).stdout);
    expect(doc.groups).toHaveLength(25);
  });

  it('limits the turn table of a long conversation, with a line saying how to see it', async () => {
    const lines: Line[] = [];
    for (let t = 1; t <= 60; t++)
      lines.push({ conversation: 'long', turn: t, timestamp: `2026-10-01T00:${String(t - 1).padStart(2, '0')}:00Z` });
    const file = logFile(lines);
    const r = await runCli(['report', file]);
    const turns = r.stdout.slice(r.stdout.indexOf('Context-window tax'));
    expect(turns).toMatch(/\n +20 +1 /);
    expect(turns).not.toMatch(/\n +21 +1 /);
    expect(turns).toContain('… 40 more rows not shown (--top N or --all shows more)');
    const all = await runCli(['report', file, '--all']);
    expect(all.stdout).toMatch(/\n +60 +1 /);
  });
});

describe('warnings are never hidden', () => {
  const file = resolve(root, 'fixtures/report/mixed.jsonl');

  it('prints the summary on stderr in every format and with -o; -q silences it; JSON carries the same', async () => {
    const out = join(tmp(), 'out.txt');
    for (const args of [[], ['--format', 'json'], ['--format', 'csv'], ['--format', 'markdown'], ['-o', out]]) {
      const r = await runCli(['report', file, ...args]);
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('warning: unpriced models, excluded from costs (not $0): acme-x (1 request)');
      expect(r.stderr).toMatch(/warning: 2 records rejected as invalid/);
      const q = await runCli(['report', file, '-q', ...args]);
      expect(q.stderr).toBe('');
    }
    const r = await runCli(['report', file, '--format', 'json']);
    const doc = JSON.parse(r.stdout);
    const stderrLines = r.stderr
      .trim()
      .split('\n')
      .map((l) => l.replace(/^warning: /, ''));
    expect(doc.warnings.map((w: { message: string }) => w.message)).toEqual(stderrLines);
    expect(doc.warnings.find((w: { code: string }) => w.code === 'unpriced-models').requests).toBe(1);
  });

  it('warns about filters and --by tag: values that matched nothing', async () => {
    const r = await runCli(['report', file, '--since', '2026-10-01T00:01:30Z', '--by', 'tag:team']);
    expect(r.stderr).toMatch(/warning: 2 of 4 records left out by --since 2026-10-01T00:01:30Z/);
    expect(r.stderr).toMatch(/warning: --by tag:team: no record carries the tag "team"/);
    // modelAliases: acme-x is in the log, "acme-typo" is not
    const cfg = join(tmp(), 'tokenomics.yaml');
    writeFileSync(cfg, 'modelAliases:\n  acme-x: gpt-4o-mini\n  acme-typo: gpt-4o\n');
    const a = await runCli(['report', file, '--config', cfg, '--format', 'json']);
    expect(a.stderr).toMatch(/warning: modelAliases in tokenomics.yaml that matched no model in the inputs: "acme-typo" /);
    expect(a.stderr).not.toMatch(/matched no model.*acme-x/);
    expect(JSON.parse(a.stdout).warnings.map((w: { code: string }) => w.code)).toContain('alias-unmatched');
  });

  it('says "N of M requests unpriced" for partly priced groups (not the inverse)', async () => {
    // one feature: 3 priced requests and 1 unpriced one
    const f = logFile([{ feature: 'mix' }, { feature: 'mix' }, { feature: 'mix' }, { feature: 'mix', model: 'acme-unknown' }]);
    const r = await runCli(['report', f, '--by', 'feature', '--wide']);
    expect(r.stdout).toContain('Partly priced: mix (1 of 4 requests unpriced)');
  });

  it('the partly priced note names the groups shown: the same whether printed by the command or rendered from its saved JSON', async () => {
    // 25 customers, one request each of descending size (c00 the dearest); c02, c21..c24 also have an
    // unpriced request: at the 20-row limit c02 is shown, c21..c24 are summed into "(5 more)"
    const lines: Line[] = [];
    for (let i = 0; i < 25; i++) {
      const customer = `c${String(i).padStart(2, '0')}`;
      lines.push({ customer, input: 1000 * (30 - i) });
      if (i === 2 || i >= 21) lines.push({ customer, input: 10, model: 'acme-unknown' });
    }
    const f = logFile(lines);
    const saved = join(tmp(), 'saved.json');
    expect((await runCli(['report', f, '--by', 'customer', '--format', 'json', '-o', saved, '-q'])).code).toBe(0);
    const note = (out: string) => out.replace(/\n\s+/g, ' ').match(/Partly priced: [^.]*\./)?.[0];
    const shown = 'Partly priced: c02 (1 of 2 requests unpriced), and 4 more.';
    for (const format of ['table', 'markdown']) {
      const printed = await runCli(['report', f, '--by', 'customer', '--format', format, '-q']);
      const rendered = await runCli(['render', saved, '--format', format]);
      expect(note(printed.stdout)).toBe(shown);
      // before: the saved report named all five, the four inside "(5 more)" too
      expect(note(rendered.stdout)).toBe(shown);
    }
    // every row shown (--all), every partly priced group named; --top 3: c02 shown, four counted
    const all = note((await runCli(['render', saved, '--all'])).stdout);
    expect(all).toBe(
      'Partly priced: c02 (1 of 2 requests unpriced), c21 (1 of 2 requests unpriced), c22 (1 of 2 requests unpriced), c23 (1 of 2 requests unpriced), c24 (1 of 2 requests unpriced).',
    );
    expect(note((await runCli(['report', f, '--by', 'customer', '--top', '3', '-q'])).stdout)).toBe(shown);
    expect(note((await runCli(['report', f, '--by', 'customer', '--top', '2', '-q'])).stdout)).toBe('Partly priced: 5 groups not shown.');
  });
});

describe('time is time', () => {
  it('refuses impossible dates and windows with exit 2', async () => {
    const file = resolve(root, 'fixtures/report/mixed.jsonl');
    for (const args of [
      ['--since', '2025-02-30'],
      ['--since=-1'],
      ['--until', '0000-01-01'],
      ['--since', '+275760-09-13T00:00:00Z'],
      ['--reprice', '2026-13-45'],
      ['--reprice', '2025-02-30'],
      ['--since', '2026-11-01', '--until', '2026-10-01'],
      ['--tz', 'Mars/Olympus'],
    ]) {
      const r = await runCli(['report', file, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/tokenomics: error: /);
      expect(r.stderr).not.toMatch(/ at .*\.ts:\d+/); // no stack trace
    }
    expect((await runCli(['prices', 'gpt-4o', '--at', '2025-02-30'])).code).toBe(2);
  });

  it('an impossible timestamp inside a log is a rejected record with file:line', async () => {
    const fixture = readFileSync(resolve(root, 'fixtures/logs/claude-code/session.jsonl'), 'utf8').split('\n');
    for (const [bad, label] of [
      ['2025-02-30T09:10:26.118Z', 'Feb 30'],
      ['0000-11-14T09:10:26.118Z', 'year 0000'],
      ['+275760-09-13T00:00:00.000Z', 'year +275760'],
    ]) {
      const dir = tmp();
      const lines = fixture.map((l) => l.replace('2025-11-14T09:10:26.118Z', bad));
      const changed = lines.flatMap((l, i) => (l.includes(bad) && l.includes('"assistant"') ? [i + 1] : []));
      expect(changed.length, label).toBeGreaterThan(0);
      writeFileSync(join(dir, 's.jsonl'), lines.join('\n'));
      const doc = JSON.parse((await runCli(['report', join(dir, 's.jsonl'), '--format', 'json'])).stdout);
      const rejected = doc.issues.filter((i: { code: string }) => i.code === 'invalid-timestamp');
      expect(
        rejected.map((i: { line: number }) => i.line),
        label,
      ).toEqual(changed);
      expect(doc.inputs.rejected['invalid-timestamp'], label).toBe(changed.length);
    }
  });

  it('--by day lists days in date order, in the --tz zone', async () => {
    // the most expensive day is the last one: cost order would put it first
    const file = logFile([
      { timestamp: '2026-10-03T12:00:00Z', input: 9000 },
      { timestamp: '2026-10-01T12:00:00Z', input: 10 },
      { timestamp: '2026-10-02T23:30:00Z', input: 100 },
    ]);
    const utc = JSON.parse((await runCli(['report', file, '--by', 'day', '--format', 'json'])).stdout);
    expect(utc.groups.map((g: { key: { day: string } }) => g.key.day)).toEqual(['2026-10-01', '2026-10-02', '2026-10-03']);
    // 2026-10-02T23:30Z is 08:30 on 2026-10-03 in Tokyo (UTC+9): two records that day
    const tokyo = JSON.parse((await runCli(['report', file, '--by', 'day', '--tz', 'Asia/Tokyo', '--format', 'json'])).stdout);
    expect(tokyo.groups.map((g: { key: { day: string }; requests: number }) => [g.key.day, g.requests])).toEqual([
      ['2026-10-01', 1],
      ['2026-10-03', 2],
    ]);
    const table = await runCli(['report', file, '--by', 'day', '--tz', 'Asia/Tokyo']);
    expect(table.stdout).toContain('Period:     2026-10-01 21:00 to 2026-10-03 21:00 Asia/Tokyo');
    const month = JSON.parse((await runCli(['report', file, '--by', 'week', '--format', 'json'])).stdout);
    // 2026-10-01 is a Thursday: its ISO week starts Monday 2026-09-28
    expect(month.groups.map((g: { key: { week: string } }) => g.key.week)).toEqual(['2026-09-28']);
  });
});

describe('conventions', () => {
  const file = resolve(root, 'fixtures/report/mixed.jsonl');

  it('colour: --color always|never, FORCE_COLOR beside NO_COLOR', async () => {
    const esc = /\u001b\[/;
    expect((await runCli(['report', file])).stdout).not.toMatch(esc); // not a terminal (and NO_COLOR=1)
    expect((await runCli(['report', file, '--color', 'always'])).stdout).toMatch(esc);
    expect((await runCli(['report', file], { env: { FORCE_COLOR: '1' } })).stdout).toMatch(esc);
    expect((await runCli(['report', file, '--color', 'never'], { env: { FORCE_COLOR: '1' } })).stdout).not.toMatch(esc);
    expect((await runCli(['report', file, '--no-color'], { env: { FORCE_COLOR: '1' } })).stdout).not.toMatch(esc);
    expect((await runCli(['report', file, '--color', 'sometimes'])).code).toBe(2);
    // a file written with -o: no colour from FORCE_COLOR (CI sets it for its log), only when asked for
    const dir = mkdtempSync(join(tmpdir(), 'tokenomics-color-'));
    try {
      const saved = join(dir, 'r.txt');
      expect((await runCli(['report', file, '-o', saved], { env: { FORCE_COLOR: '1' } })).code).toBe(0);
      expect(readFileSync(saved, 'utf8')).not.toMatch(esc);
      expect((await runCli(['report', file, '-o', saved, '--color', 'always'])).code).toBe(0);
      expect(readFileSync(saved, 'utf8')).toMatch(esc);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('failures are red, not dim', async () => {
    const report = {
      title: 'FAIL: 1 budget violation',
      summary: [],
      sections: [],
      notes: ['error: support-bot: maxIncreaseUsd exceeded'],
      data: { command: 'saved' as const, document: {} },
    };
    const out = toTable(report, { color: true, width: 80 });
    expect(out).toContain('FAIL: 1 budget violation');
    for (const line of out.split('\n').filter((l) => /FAIL|error/.test(l))) {
      expect(line).toContain('\u001b[31m');
      expect(line).not.toContain('\u001b[2m');
    }
    const r = await runCli(['report', file, '--since', 'yesterday'], { env: { FORCE_COLOR: '1' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('\u001b[31mtokenomics: error: --since');
  });

  it("each command's --help lists the global options", async () => {
    for (const cmd of ['report', 'prices', 'tokens', 'estimate', 'check', 'simulate', 'whatif']) {
      const r = await runCli([cmd, '--help']);
      expect(r.code).toBe(0);
      for (const opt of ['--format', '--quiet', '--wide', '--all', '--color', '--no-config'])
        expect(r.stdout, `${cmd} --help`).toContain(opt);
    }
  });

  it('every README.md#anchor hint in the sources names a README heading', () => {
    const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
    // GitHub anchors: lower case, punctuation except - and _ removed, spaces to -
    let fenced = false;
    const headings = readme.split('\n').filter((l) => {
      if (l.startsWith('```')) fenced = !fenced;
      return !fenced && /^#{1,6} /.test(l);
    });
    const anchors = new Set(
      headings.map((l) =>
        l
          .replace(/^#+ /, '')
          .trim()
          .toLowerCase()
          .replace(/[^\p{L}\p{N} _-]/gu, '')
          .replace(/ /g, '-'),
      ),
    );
    const sources = execFind(resolve(root, 'src'));
    const hints = sources.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/README(?:\.md)?#([\w-]+)/g)].map((m) => [f, m[1]] as const));
    expect(hints.length).toBeGreaterThan(0);
    for (const [f, anchor] of hints) expect(anchors.has(anchor), `${f}: README.md#${anchor}`).toBe(true);
  });
});

function execFind(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? execFind(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('config discovery', () => {
  const config = 'modelAliases:\n  acme-x: gpt-4o-mini\n';

  it('says which config it loaded, stops at the repository root, and --no-config ignores it', async () => {
    const outer = tmp();
    writeFileSync(join(outer, 'tokenomics.yaml'), config);
    const repo = join(outer, 'repo');
    mkdirSync(join(repo, '.git'), { recursive: true });
    const sub = join(repo, 'sub');
    mkdirSync(sub);
    const file = resolve(root, 'fixtures/report/mixed.jsonl');
    // above the repository root: not applied (acme-x stays unpriced)
    const r = await runCli(['report', file, '--format', 'json'], { cwd: sub });
    expect(JSON.parse(r.stdout).totals.unpricedModels).toEqual({ 'acme-x': 1 });
    expect(r.stderr).not.toContain('using config');
    // inside the repository: applied and announced on stderr
    writeFileSync(join(repo, 'tokenomics.yaml'), config);
    const inside = await runCli(['report', file, '--format', 'json'], { cwd: sub });
    expect(JSON.parse(inside.stdout).totals.unpricedModels).toEqual({});
    expect(inside.stderr).toContain(`using config ${join(repo, 'tokenomics.yaml')}`);
    expect((await runCli(['report', file, '--format', 'json', '-q'], { cwd: sub })).stderr).not.toContain('using config');
    const ignored = await runCli(['report', file, '--format', 'json', '--no-config'], { cwd: sub });
    expect(JSON.parse(ignored.stdout).totals.unpricedModels).toEqual({ 'acme-x': 1 });
  });

  it('an empty export under --strict exits 2', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'empty.jsonl'), '');
    expect((await runCli(['report', join(dir, 'empty.jsonl')])).code).toBe(0);
    expect((await runCli(['report', join(dir, 'empty.jsonl'), '--strict'])).code).toBe(2);
  });
});

describe('Claude Code users', () => {
  it('report with no inputs reads $CLAUDE_CONFIG_DIR/projects, by project and session', async () => {
    const a = tmp();
    const b = tmp();
    const fixture = readFileSync(resolve(root, 'fixtures/logs/claude-code/session.jsonl'), 'utf8');
    mkdirSync(join(a, 'projects', '-home-dev-app'), { recursive: true });
    writeFileSync(join(a, 'projects', '-home-dev-app', 'sess-1.jsonl'), fixture);
    mkdirSync(join(b, 'projects', '-home-dev-other'), { recursive: true });
    writeFileSync(
      join(b, 'projects', '-home-dev-other', 'sess-2.jsonl'),
      fixture
        .replace(/sess-1/g, 'sess-2')
        .replace(/msg_/g, 'msgB_')
        .replace(/req_/g, 'reqB_'),
    );
    const one = await runCli(['report', '--format', 'json'], { env: { CLAUDE_CONFIG_DIR: a, HOME: tmp() } });
    expect(one.code).toBe(0);
    const direct = await runCli(['report', resolve(root, 'fixtures/logs/claude-code/session.jsonl'), '--format', 'json']);
    expect(JSON.parse(one.stdout).totals).toEqual(JSON.parse(direct.stdout).totals);
    expect(one.stderr).toContain(`reading Claude Code logs in ${join(a, 'projects')}`);
    // comma-separated directories, grouped by project (the directory under projects/) and session
    const both = JSON.parse(
      (await runCli(['report', '--by', 'project', '--format', 'json'], { env: { CLAUDE_CONFIG_DIR: `${a},${b}`, HOME: tmp() } })).stdout,
    );
    expect(both.groups.map((g: { key: { project: string } }) => g.key.project).sort()).toEqual(['-home-dev-app', '-home-dev-other']);
    const sessions = JSON.parse(
      (await runCli(['report', '--by', 'session', '--format', 'json'], { env: { CLAUDE_CONFIG_DIR: `${a},${b}`, HOME: tmp() } })).stdout,
    );
    expect(sessions.groups.map((g: { key: { session: string } }) => g.key.session).sort()).toEqual(['sess-1', 'sess-2']);
  });

  it('with no inputs and no Claude Code logs: exit 2 saying where it looked', async () => {
    const home = tmp();
    const r = await runCli(['report'], { env: { HOME: home } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(join(home, '.claude', 'projects'));
  });
});

describe('fits at 80 columns', () => {
  it('a wide grouping still fits', async () => {
    const r = await runCli(['report', resolve(root, 'fixtures/demo'), '--by', 'feature,model,customer']);
    expect(widest(r.stdout)).toBeLessThanOrEqual(80);
  });
});
