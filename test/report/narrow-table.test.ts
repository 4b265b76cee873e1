/**
 * Tables at narrow widths (src/report/table.ts): a cell too wide for its column wraps whole, every character
 * shown, and a word longer than the column breaks where it reads, not at the last column that fits.
 */
import { describe, expect, it } from 'vitest';
import { col, type Section } from '../../src/report/model.js';
import { renderTable } from '../../src/report/table.js';
import { runCli } from '../cli/harness.js';

const style = { bold: (x: string) => x, dim: (x: string) => x };
const USD = 10n ** 15n; // femto-dollars per dollar

/** The text of column `at` (its first character's position in the header line) down the lines of one row. */
const columnText = (lines: string[], at: number): string[] => lines.map((l) => l.slice(at).split(/ {2,}/)[0].trim());

describe('a word too long for its column', () => {
  it('breaks after a hyphen, a dot or a slash, or between a lower-case letter and a capital', () => {
    const section: Section = {
      id: 't',
      title: 't',
      columns: [col('model', 'Model'), col('lever', 'Lever', 'text', { priority: 1 }), col('cost', 'Cost', 'usd', { priority: 1 })],
      rows: [{ model: 'claude-sonnet-4-5', lever: 'prefixCache', cost: 17n * USD }],
    };
    // natural 17 + 11 + 6 + two gaps of 2 = 38, 8 too many for 30: Lever narrows to its floor of 8 (3), then the
    // first column by the 5 left (17 - 5 = 12): Model 12, Lever 8, Cost 6
    const lines = renderTable(section, { width: 30, style });
    const body = lines.slice(2);
    // "claude-sonne" + "t-4-5" before: now after the hyphen, "claude-" + "sonnet-4-5"
    expect(columnText(body, 0)).toEqual(['claude-', 'sonnet-4-5']);
    // "prefixCa" + "che" before: now "prefix" + "Cache"
    const at = lines[0].indexOf('Lever');
    expect(columnText(body, at)).toEqual(['prefix', 'Cache']);
    expect(body[0]).toMatch(/\$17\.00$/);
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(30);
  });

  it('never leaves one or two characters of a word alone on a line when a separator earlier allows more', () => {
    const section: Section = {
      id: 't',
      title: 't',
      columns: [col('file', 'File'), col('tokens', 'Tokens', 'int')],
      rows: [{ file: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', tokens: 144 }],
    };
    // File gets 40 - 2 - 6 = 32: the head "us.anthropic.claude-sonnet-4-5-2" ends in the middle of the date, the last
    // separator before it is the "-" after "4-5": "us.anthropic.claude-sonnet-4-5-" + "20250929-v1:0" (13 <= 32)
    const lines = renderTable(section, { width: 40, style });
    expect(columnText(lines.slice(2), 0)).toEqual(['us.anthropic.claude-sonnet-4-5-', '20250929-v1:0']);
    // at 20, File gets 20 - 2 - 6 = 12: "us.anthropic" has its only separator (the dot at 3) before half the line,
    // so it is cut at 12; then ".claude-sonn" cuts after its hyphen, and so on; "20250929-v1:" + "0" would leave
    // one character alone, so the cut goes back to the hyphen before it
    const narrow = renderTable(section, { width: 20, style });
    expect(columnText(narrow.slice(2), 0).join('')).toBe('us.anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(columnText(narrow.slice(2), 0)).toEqual(['us.anthropic', '.claude-', 'sonnet-4-5-', '20250929-', 'v1:0']);
  });

  it('a word with no separator is cut at the width, every character kept', () => {
    const section: Section = {
      id: 't',
      title: 't',
      columns: [col('a', 'A'), col('n', 'N', 'int')],
      rows: [{ a: 'abcdefghijklmnop', n: 1 }],
    };
    // 12 - 2 - 1 = 9 for A
    expect(columnText(renderTable(section, { width: 12, style }).slice(2), 0)).toEqual(['abcdefghi', 'jklmnop']);
  });
});

describe('which columns give way', () => {
  it("estimate's output contract keeps the cost per call at 40 columns (it kept the option text and dropped every cost)", async () => {
    const args = ['estimate', 'fixtures/prompts/summarize-ticket.md', '--model', 'gpt-4o', '--output-tokens', '400'];
    const r = await runCli([...args, '--output-cap', '250', '--structured-output', '120'], { env: { COLUMNS: '40' } });
    expect(r.code, r.stderr).toBe(0);
    const table = r.stdout.slice(r.stdout.indexOf('Output contract'));
    // gpt-4o $2.50 input, $10 output per MTok; the same input on each row (148 tokens = $0.00037):
    // 400 output = $0.004 -> $0.00437; capped at 250 = $0.0025 -> $0.00287; 120 structured = $0.0012 -> $0.00157
    expect(table).toMatch(/^Prompt +Option +Per call$/m);
    expect(table).toMatch(/^summarize-ticket +as estimated +\$0\.00437$/m);
    expect(table).toMatch(/^summarize-ticket +cap at 250 +\$0\.00287$/m);
    expect(table).toMatch(/^summarize-ticket +structured +\$0\.00157$/m);
    // one model and no option rows: the footnote mark goes before the cost
    const one = await runCli(['estimate', 'fixtures/prompts/support-bot.yaml'], { env: { COLUMNS: '40' } });
    const contract = one.stdout.slice(one.stdout.indexOf('Output contract'));
    expect(contract).toMatch(/^Prompt +Model +Per call$/m);
    expect(contract).toMatch(/^support-bot +gpt-4o-mini +\$0\.000279$/m);
    for (const l of [...r.stdout.split('\n'), ...one.stdout.split('\n')]) expect([...l].length).toBeLessThanOrEqual(40);
  });

  it('the last number column keeps its numbers and cuts its heading, rather than leave only names', () => {
    // estimate's tokens per part at 40: Prompt 11 + Part 13 + 4 = 28 leaves 12 for a model's counts (at most 5 wide),
    // whose heading "claude-sonnet-4-5 (est.)" is 24: before, every model column went and the table had no number
    const section: Section = {
      id: 't',
      title: 't',
      columns: [
        col('prompt', 'Prompt'),
        col('part', 'Part'),
        col('m0', 'claude-sonnet-4-5 (est.)', 'int'),
        col('m1', 'gpt-4o-mini', 'int'),
      ],
      rows: [
        { prompt: 'support-bot', part: 'system', m0: 1126, m1: 1126 },
        { prompt: 'support-bot', part: 'chat overhead', m0: 27, m1: 27 },
      ],
    };
    const lines = renderTable(section, { width: 40, style });
    // 11 + 2 + 13 + 2 + 12 = 40: the heading cut to 12 with "…"
    expect(lines[0]).toBe('Prompt       Part           claude-sonn…');
    expect(lines[2]).toBe('support-bot  system                1,126');
    expect(lines[3]).toBe('support-bot  chat overhead            27');
    expect(lines.join('\n')).toMatch(/Columns not shown to fit 40 characters:\s+gpt-4o-mini/);
  });
});

describe('a column with nothing in it', () => {
  it('goes before the key wraps, whatever its priority (check at 40 kept a Change column of "-")', () => {
    const section: Section = {
      id: 't',
      title: 't',
      columns: [
        col('prompt', 'Prompt'),
        col('change', 'Change', 'text', { priority: 1 }),
        col('after', 'After/month', 'usd', { priority: 1 }),
        col('delta', 'Δ/month', 'usd', { priority: 1 }),
      ],
      rows: [
        { prompt: 'classify-intent', change: '-', after: 3938n * 10n ** 13n, delta: 0n },
        { prompt: 'support-bot', change: '-', after: 280958n * 10n ** 13n, delta: 0n },
      ],
    };
    // natural 15 + 6 + 11 + 7 + three gaps of 2 = 45 > 40; without Change 15 + 11 + 7 + 4 = 37: every prompt whole
    const lines = renderTable(section, { width: 40, style });
    expect(lines[0]).toMatch(/^Prompt +After\/month +Δ\/month$/);
    expect(lines[2]).toMatch(/^classify-intent +\$39\.38 +\$0\.00$/);
    expect(lines.join('\n')).toMatch(/Columns not shown to fit 40 characters:\s+Change \(--wide/);
    // a Change column with a change in it stays, and the key wraps instead
    section.rows[0].change = 'model';
    expect(renderTable(section, { width: 40, style })[0]).toMatch(/^Prompt +Change +After\/month +Δ\/month$/);
  });
});
