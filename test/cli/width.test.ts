/**
 * Every command's default (table) output fits the width it is given: at COLUMNS=80 no line is
 * wider than 80 characters, at 120 none wider than 120; --wide lifts the limit.
 */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { runCli } from './harness.js';

const root = resolve(import.meta.dirname, '../..');
const COMMANDS: Array<{ args: string[]; cwd?: string }> = [
  { args: ['report', 'fixtures/demo'] },
  { args: ['report', 'fixtures/demo', '--by', 'feature,model,customer'] },
  { args: ['report', 'fixtures/report/mixed.jsonl', '--reprice', 'current'] },
  { args: ['prices'] },
  { args: ['prices', 'gpt-4o-mini', 'claude-sonnet-4-5', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0'] },
  { args: ['tokens', 'README.md', '--model', 'gpt-4o'] },
  { args: ['estimate', 'fixtures/prompts/support-bot.yaml'] },
  { args: ['check'], cwd: 'fixtures/check' },
  { args: ['simulate', 'fixtures/demo', '--scenario', 'fixtures/scenarios/demo.yaml'] },
  { args: ['whatif', 'fixtures/whatif/acme-copilot.yaml'] },
  { args: ['report', 'fixtures/demo', '--by', 'model,feature,customer,user,conversation,day'] },
  { args: ['report', 'fixtures/demo', '--by', 'day,model'] },
];

const widest = (text: string): number => Math.max(0, ...text.split('\n').map((l) => [...l].length));

describe('output fits the terminal width', () => {
  for (const width of [40, 80, 120]) {
    it(`no line of any command is wider than ${width} at COLUMNS=${width}`, async () => {
      for (const c of COMMANDS) {
        const cwd = resolve(root, c.cwd ?? '.');
        const args = c.cwd ? c.args : c.args.map((a) => (a.startsWith('fixtures/') || a === 'README.md' ? resolve(root, a) : a));
        const r = await runCli(args, { cwd, env: { COLUMNS: String(width) } });
        expect(r.code, `${c.args.join(' ')}: ${r.stderr}`).toBe(0);
        expect(widest(r.stdout), `${c.args.join(' ')} at ${width}`).toBeLessThanOrEqual(width);
        // no exponent notation in any amount
        expect(r.stdout, c.args.join(' ')).not.toMatch(/\d\.?\d*e[+-]\d/);
      }
    }, 240_000);
  }

  it("no line of a command's --help at COLUMNS=40 starts with the punctuation of the word before it", async () => {
    // simulate's description "... have cost if ...? replay logs ..." put "...? replay logs through caching," at a line's start
    for (const command of ['report', 'simulate', 'whatif', 'estimate', 'check', 'prices', 'tokens', 'export', 'render', 'sql']) {
      const r = await runCli([command, '--help'], { env: { COLUMNS: '40' } });
      // (an example's long word is continued at a line's start on purpose: the shell joins `path\` and `.md` back)
      const prose = r.stdout.split('\nExamples:')[0];
      // (`.jsonl` may start a line: a word of its own)
      for (const line of prose.split('\n')) expect(line, `${command} --help`).not.toMatch(/^\s*([,;:?)]|\.\.\.)/);
    }
  }, 120_000);

  it('is 80 wide by default when stdout is not a terminal, and --wide shows every column', async () => {
    const demo = resolve(root, 'fixtures/demo');
    const plain = await runCli(['report', demo]);
    expect(widest(plain.stdout)).toBeLessThanOrEqual(80);
    expect(plain.stdout).toMatch(/Columns not shown to fit 80 characters: .*Input tok/s);
    const wide = await runCli(['report', demo, '--wide']);
    // the spend table's header carries all 11 columns
    expect(wide.stdout).toMatch(
      /Model +Requests +Input tok +Cache read +Cache write +Output tok +Cost +Share +\$\/request +p90 \$\/req +Output share/,
    );
    expect(widest(wide.stdout)).toBeGreaterThan(120);
  }, 60_000);
});

describe('narrow tables wrap a cell whole or not at all', () => {
  const demo = resolve(root, 'fixtures/demo');
  it('at 40 columns every day of --by day,model shows whole, and a wrapped model id keeps every character', async () => {
    const r = await runCli(['report', demo, '--by', 'day,model'], { env: { COLUMNS: '40' } });
    const table = r.stdout.slice(
      r.stdout.indexOf('Spend by day, model'),
      r.stdout.indexOf('\n\n', r.stdout.indexOf('Spend by day, model')),
    );
    const days = [...table.matchAll(/^(\d{4}-\d\d-\d\d) /gm)].map((m) => m[1]);
    // the first 20 rows (several models a day): every date whole, none cut ("2026-10…") nor wrapped
    expect(days.length).toBe(20);
    expect(new Set(days).size).toBeGreaterThan(4);
    expect(table.split('\n').filter((l) => /^\d/.test(l) && !/^\d{4}-\d\d-\d\d /.test(l))).toEqual([]);
    expect(table).not.toContain('…');
    // the first row's model, wrapped in its column over the lines below it: every character, in order
    const lines = table.split('\n').slice(3);
    const at = lines[0].indexOf('claude');
    const id = [lines[0], ...lines.slice(1).filter((_, i, a) => a.slice(0, i + 1).every((l) => l.startsWith(' ')))]
      .map((l) => l.slice(at).split(' ')[0])
      .join('');
    expect(id).toBe('claude-sonnet-4-5-20250929');
    expect(widest(r.stdout)).toBeLessThanOrEqual(40);
  }, 60_000);

  it('the key stays whole while a count or a share can give: "gpt-4o-mini" is never cut to "gpt-4o-min" over "i"', async () => {
    const line = (model: string, i: number) =>
      JSON.stringify({
        id: `r${i}`,
        object: 'chat.completion',
        created: 1790000000 + i,
        model,
        usage: { prompt_tokens: 9_000_000_000, completion_tokens: 10, total_tokens: 9_000_000_010 },
      });
    const stdin = ['gpt-4o', 'gpt-4.1', 'gpt-4o-mini'].map(line).join('\n');
    const r = await runCli(['report', '-'], { stdin, env: { COLUMNS: '40' } });
    const table = r.stdout.slice(r.stdout.indexOf('Spend by model'), r.stdout.indexOf('Columns not shown'));
    // 41 characters with Share beside a whole key: Share goes (named below the table), the amount stays
    expect(table).toMatch(/^gpt-4o-mini +1 +\$1,350\.00$/m);
    expect(table).toMatch(/^Model +Requests +Cost$/m);
    expect(table).not.toMatch(/^i$/m);
    expect(r.stdout).toMatch(/Columns not shown to fit 40 characters:.*Share/s);
    expect(widest(r.stdout)).toBeLessThanOrEqual(40);
    // the demo's dated model ids, whole beside their cost, rather than over three lines of 12
    const demo = await runCli(['report', resolve(root, 'fixtures/demo')], { env: { COLUMNS: '40' } });
    expect(demo.stdout).toMatch(/^claude-sonnet-4-5-20250929 +\$17\.15$/m);
    expect(widest(demo.stdout)).toBeLessThanOrEqual(40);
  }, 60_000);

  it('at 80 columns six group columns keep the cost and fit, naming what they leave out', async () => {
    const r = await runCli(['report', demo, '--by', 'model,feature,customer,user,conversation,day']);
    expect(widest(r.stdout)).toBeLessThanOrEqual(80);
    expect(r.stdout).toMatch(/^Model +Feature +Customer +User +Convers\S* +Day +Requests +Cost$/m);
    expect(r.stdout).toMatch(/Columns not shown to fit 80 characters: .*\$\/request, Share \(--wide/s);
  }, 60_000);
});

/** The example commands of a help text, each with its `\\` continuations joined and its comment left off. */
function helpExamples(help: string): string[] {
  const after = help.slice(help.indexOf('\nExamples:\n'));
  const out: string[] = [];
  let cur: string | undefined;
  for (const line of after.split('\n')) {
    const start = /^ +\$ (.*)$/.exec(line);
    if (start) cur = start[1];
    else if (cur === undefined || /^ *#/.test(line)) continue;
    else cur += ` ${line.trim()}`;
    if (cur.endsWith('\\')) cur = cur.slice(0, -1).trimEnd();
    else {
      out.push(cur.replace(/ +# .*$/, ''));
      cur = undefined;
    }
  }
  return out;
}

describe('--help fits 40 and 80 columns', () => {
  for (const width of [40, 80]) {
    it(`no line of the program help or of any command help is wider than ${width}, and the examples read the same`, async () => {
      const top = await runCli(['--help']);
      expect(top.code).toBe(0);
      // the command names as the program help lists them (every registered command, so a new one is checked too)
      const commands = [...top.stdout.matchAll(/^ {2}([a-z]+) \[options\]/gm)].map((m) => m[1]);
      expect(commands).toEqual(expect.arrayContaining(['report', 'simulate', 'whatif', 'check', 'sql', 'export', 'render']));
      for (const args of [['--help'], ...commands.map((c) => [c, '--help']), ['help', 'report']]) {
        const r = await runCli(args, { env: { COLUMNS: String(width) } });
        expect(r.code, args.join(' ')).toBe(0);
        const wide = r.stdout.split('\n').filter((l) => [...l].length > width);
        expect(wide, `${args.join(' ')}: lines wider than ${width}`).toEqual([]);
        // every option is listed at every width; the examples, joined back, are the same commands
        // (a word longer than a 40-column line is broken, as prose is: compare without the breaks)
        const wideHelp = await runCli(args, { env: { COLUMNS: '200' } });
        // a quoted word broken over lines is closed and opened again ('ab'\ then 'cd')
        const words = (t: string) => t.replace(/\s+/g, '').replace(/''/g, '');
        expect(words(helpExamples(r.stdout).join(''))).toBe(words(helpExamples(wideHelp.stdout).join('')));
        for (const option of wideHelp.stdout.matchAll(/^ {2}(-[-\w]+(?:, --[-\w]+)?)/gm)) expect(r.stdout).toContain(option[1].trim());
      }
    }, 60_000);
  }

  it('every example runs from the repository root: the files it reads are there', async () => {
    const top = await runCli(['--help']);
    const commands = [...top.stdout.matchAll(/^ {2}([a-z]+) \[options\]/gm)].map((m) => m[1]);
    const missing: string[] = [];
    for (const args of [['--help'], ...commands.map((c) => [c, '--help'])]) {
      const r = await runCli(args, { env: { COLUMNS: '200' } });
      // files an earlier example of the same help writes (render reads the report written before it)
      const written = new Set<string>();
      for (const example of helpExamples(r.stdout)) {
        for (const m of example.matchAll(/(?:>|-o) (\S+)/g)) written.add(m[1]);
        const dir = /^cd (\S+) && /.exec(example)?.[1] ?? '.';
        // the words after the command that name a file or directory read (not an output after > or -o)
        const words = example.replace(/^cd \S+ && /, '').split(/ +/);
        words.forEach((w, i) => {
          const prev = words[i - 1] ?? '';
          if (['>', '-o', '--output', '--baseline', 'export', '--tz'].includes(prev) || /^-|:\/\/|=/.test(w) || written.has(w)) return;
          if (!/\//.test(w) && !/\.(ya?ml|jsonl?|csv|md|parquet)$/.test(w)) return;
          const path = resolve(root, dir, w.replace(/^'|'$/g, '').replace(/\/?\*.*$/, ''));
          if (!existsSync(path)) missing.push(`${args.join(' ')}: ${example}: ${w}`);
        });
      }
    }
    expect(missing).toEqual([]);
  }, 60_000);
});

describe("commander's own usage errors", () => {
  it('read like every other error: "tokenomics: error: ...", exit 2, a hint', async () => {
    const unknown = await runCli(['report', '--nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^tokenomics: error: unknown option '--nope'\n/);
    expect(unknown.stderr).toContain('(run with --help for usage)');
    const missing = await runCli(['sql']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^tokenomics: error: required option '--dialect <name>' not specified\n/);
  });
});
