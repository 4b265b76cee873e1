/**
 * Tables at narrow widths (src/report/table.ts): a cell too wide for its column wraps whole, every character
 * shown, and a word longer than the column breaks where it reads, not at the last column that fits.
 */
import { describe, expect, it } from 'vitest';
import { col, type Section } from '../../src/report/model.js';
import { renderTable } from '../../src/report/table.js';

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
