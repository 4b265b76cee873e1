/**
 * The progress line on a terminal: narrower than the terminal (a wrapped line cannot be redrawn or
 * cleared in place, so every redraw left a line on a 40-column screen), drawn over the last one,
 * untrusted text inert, and a second pass over the input named as such rather than falling back.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Progress, progressLine } from '../../src/pipeline/progress.js';

const sink = (columns: number | undefined) => {
  const out: string[] = [];
  return { out, ctx: { progressAllowed: true, io: { stderr: { write: (s: string) => out.push(s), columns } } } };
};
/** The lines as a terminal would show them: each draw starts with a carriage return and a clear. */
const draws = (out: string[]) =>
  out
    .join('')
    .split('\r\x1b[K')
    .filter((l) => l !== '');

describe('progress line', () => {
  afterEach(() => vi.useRealTimers());

  it('fits a 40-column terminal: the rate and then the share are left off, never wrapped', () => {
    vi.useFakeTimers();
    vi.setSystemTime(0);
    const { out, ctx } = sink(40);
    const p = new Progress(ctx);
    vi.setSystemTime(1500);
    p.update(360_400_000, 360_400_000);
    const [line] = draws(out);
    // 48 characters before: "reading 360.4 MB 100% of 360.4 MB (240 MB/s)   "
    expect(line).toBe('reading 360.4 MB 100% of 360.4 MB');
    expect([...line].length).toBeLessThan(40);
    p.done();
    expect(out.at(-1)).toBe('\r\x1b[K');
  });

  it('keeps every part on a wide terminal, and on a stream with no width', () => {
    expect(progressLine(['reading 1.0 MB', ' 10% of 10.0 MB', ' (1.0 MB/s)'], 120)).toBe(
      '\r\x1b[Kreading 1.0 MB 10% of 10.0 MB (1.0 MB/s)',
    );
    expect(progressLine(['a', 'b'], undefined)).toBe('\r\x1b[Kab');
  });

  it('cuts a first part too wide alone, and shows untrusted text inert', () => {
    const line = progressLine(['simulate: \x1b[31mevil on 30,000 requests'], 20);
    expect(line.startsWith('\r\x1b[K')).toBe(true);
    const shown = line.slice(4);
    expect(shown).not.toContain('\x1b');
    expect(shown).toContain('\\x1b');
    expect([...shown].length).toBe(19);
    expect(shown.endsWith('…')).toBe(true);
  });

  it('measures wide characters (CJK) as two columns: the line stays narrower than the terminal, so it redraws in place', () => {
    // 10 CJK characters = 20 columns; on a 20-column terminal at most 19 fit: 9 characters (18 columns) and "…"
    const line = progressLine(['日本語のファイル名です', ' 10%'], 20).slice(4);
    expect(line).toBe('日本語のファイル名…');
    // a second part that would need 4 more columns is left off: 'simulate ' (9) + 4 CJK (8) = 17, + ' 10%' (4) = 21 > 19
    expect(progressLine(['simulate 日本語名', ' 10%'], 20).slice(4)).toBe('simulate 日本語名');
  });

  it('says "reading again" when the bytes read start over (a file handed from the SQL reader to the TypeScript reader)', () => {
    vi.useFakeTimers();
    vi.setSystemTime(0);
    const { out, ctx } = sink(80);
    const p = new Progress(ctx);
    vi.setSystemTime(1200);
    p.update(70_000_000, 85_800_000);
    vi.setSystemTime(1500);
    p.update(1_000_000, 85_800_000);
    expect(draws(out)).toEqual(['reading 70.0 MB 82% of 85.8 MB (58 MB/s)', 'reading again 1.0 MB 1% of 85.8 MB']);
  });
});
