/**
 * Wall-clock time in an IANA zone -> epoch ms, the inverse of formatting an instant in that zone.
 * `--since 2026-03-29 --tz Europe/Berlin` means local midnight in Berlin, whatever its offset that
 * day; Intl only converts the other way, so the offset is read back from Intl and checked.
 *
 * Daylight-saving edges follow the usual "compatible" rule (as in Temporal and most calendars): a
 * wall time that occurs twice (clocks set back) is the earlier instant; one that does not exist
 * (clocks set forward) moves forward by the gap, e.g. 02:30 on a spring-forward night is 03:30.
 */

const formats = new Map<string, Intl.DateTimeFormat>();

function format(tz: string): Intl.DateTimeFormat {
  let f = formats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      hourCycle: 'h23',
      era: 'short',
    });
    formats.set(tz, f);
  }
  return f;
}

/** The zone's offset from UTC at instant `ms`, in ms (east positive), to the second. */
function zoneOffsetMs(ms: number, tz: string): number {
  const n = new Map<string, string>();
  for (const p of format(tz).formatToParts(new Date(ms))) n.set(p.type, p.value);
  let year = Number(n.get('year'));
  if (n.get('era') === 'BC' || n.get('era') === 'B') year = 1 - year;
  const local = Date.UTC(
    year,
    Number(n.get('month')) - 1,
    Number(n.get('day')),
    Number(n.get('hour')),
    Number(n.get('minute')),
    Number(n.get('second')),
  );
  const wholeSecond = ms - (((ms % 1000) + 1000) % 1000);
  return local - wholeSecond;
}

/**
 * Epoch ms of the wall-clock time `wallMs` (the local date-time written as if it were UTC, e.g.
 * Date.UTC(2026, 2, 29)) in zone `tz`.
 */
export function wallTimeToMs(wallMs: number, tz: string): number {
  const DAY = 86_400_000;
  const before = zoneOffsetMs(wallMs - DAY, tz);
  const after = zoneOffsetMs(wallMs + DAY, tz);
  const valid = [wallMs - before, wallMs - after].filter((t) => zoneOffsetMs(t, tz) === wallMs - t);
  if (valid.length > 0) return Math.min(...valid);
  // a wall time in a gap: read with the offset in force before the change, it lands after the gap
  return wallMs - before;
}
