/** --since/--until in --tz: a plain date is local midnight in that zone, across a daylight-saving change. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { wallTimeToMs } from '../../src/core/zone.js';
import { runCli } from '../cli/harness.js';

const iso = (ms: number): string => new Date(ms).toISOString();

describe('wall-clock time in a zone', () => {
  it('midnight on both sides of a spring-forward day (Berlin: CET +1, then CEST +2 from 2026-03-29 02:00)', () => {
    expect(iso(wallTimeToMs(Date.UTC(2026, 2, 29), 'Europe/Berlin'))).toBe('2026-03-28T23:00:00.000Z');
    expect(iso(wallTimeToMs(Date.UTC(2026, 2, 30), 'Europe/Berlin'))).toBe('2026-03-29T22:00:00.000Z');
  });

  it('a time in the gap moves forward by the gap; a repeated time is the earlier one', () => {
    // 02:30 does not exist on 2026-03-29 in Berlin: 03:30 CEST = 01:30Z; New York 2026-03-08 02:30 -> 03:30 EDT = 07:30Z
    expect(iso(wallTimeToMs(Date.UTC(2026, 2, 29, 2, 30), 'Europe/Berlin'))).toBe('2026-03-29T01:30:00.000Z');
    expect(iso(wallTimeToMs(Date.UTC(2026, 2, 8, 2, 30), 'America/New_York'))).toBe('2026-03-08T07:30:00.000Z');
    // 02:30 happens twice on 2026-10-25 in Berlin: first in CEST (+2) = 00:30Z
    expect(iso(wallTimeToMs(Date.UTC(2026, 9, 25, 2, 30), 'Europe/Berlin'))).toBe('2026-10-25T00:30:00.000Z');
  });

  it('a zone whose clocks jump at midnight, and a half-hour zone', () => {
    // Chile, 2026-09-06: 00:00 (-04) jumps to 01:00 (-03); local midnight does not exist -> 01:00 -03 = 04:00Z
    expect(iso(wallTimeToMs(Date.UTC(2026, 8, 6), 'America/Santiago'))).toBe('2026-09-06T04:00:00.000Z');
    // India +05:30 all year
    expect(iso(wallTimeToMs(Date.UTC(2026, 0, 1), 'Asia/Kolkata'))).toBe('2025-12-31T18:30:00.000Z');
  });
});

describe('report --since/--until --tz', () => {
  // four requests around Berlin's spring-forward day, 1, 10, 100 and 1000 input tokens
  const dir = mkdtempSync(join(tmpdir(), 'tokenomics-tz-'));
  const file = join(dir, 'calls.jsonl');
  const line = (at: string, input: number) => JSON.stringify({ at, model: 'gpt-4o-mini', input_tokens: input, output_tokens: 0 });
  writeFileSync(
    file,
    [
      line('2026-03-28T22:30:00Z', 1), // 23:30 CET on the 28th
      line('2026-03-28T23:30:00Z', 10), // 00:30 CET on the 29th
      line('2026-03-29T21:30:00Z', 100), // 23:30 CEST on the 29th
      line('2026-03-29T22:30:00Z', 1000), // 00:30 CEST on the 30th
    ].join('\n'),
  );
  const map = ['--input-format', 'generic', '--map', 'timestamp=at,model=model,input=input_tokens,output=output_tokens'];
  const inputOf = async (args: string[]) => {
    const r = await runCli(['report', file, ...map, '--format', 'json', ...args]);
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout).totals.tokens.input as number;
  };

  it('a plain date is local midnight in --tz: the 23-hour day of the 29th in Berlin', async () => {
    expect(await inputOf(['--since', '2026-03-29', '--until', '2026-03-30', '--tz', 'Europe/Berlin'])).toBe(10 + 100);
    // without --tz, UTC midnights: 21:30Z and 22:30Z on the 29th
    expect(await inputOf(['--since', '2026-03-29', '--until', '2026-03-30'])).toBe(100 + 1000);
  });

  it('a zone-less date-time is wall-clock time in --tz; one with a zone is that instant', async () => {
    // 00:00 to 23:45 Berlin time on the 29th: the same two requests
    expect(await inputOf(['--since', '2026-03-29T00:00', '--until', '2026-03-29T23:45', '--tz', 'Europe/Berlin'])).toBe(110);
    expect(await inputOf(['--since', '2026-03-28T23:00:00Z', '--tz', 'Europe/Berlin'])).toBe(1110);
  });

  it('impossible dates still exit 2, with --tz too', async () => {
    for (const bad of ['2026-02-30', '2026-13-01', '-1']) {
      const r = await runCli(['report', file, ...map, '--since', bad, '--tz', 'Europe/Berlin']);
      expect(r.code).toBe(2);
      // a date of the right form that is not on the calendar is named as such; another form as a wrong form
      expect(r.stderr).toContain(bad === '-1' ? '--since expects a date' : `--since: "${bad}" is not a calendar date`);
    }
  });
});
