/**
 * How `report` aggregates, as plain options: the main thread and the worker reading the second half
 * of a split file build the same rollup (same dimensions, filters and repricing) from them.
 */
import type { CommandContext } from '../cli/context.js';
import { UserError } from '../core/issues.js';
import { existsSync } from 'node:fs';
import { parseDimensions } from '../aggregate/dims.js';
import { ReportRollup } from '../aggregate/rollup.js';
import { dateToMs } from '../pricing/compile.js';
import { parseIsoStrict } from '../core/iso.js';
import { wallTimeToMs } from '../core/zone.js';
import { Pricer } from '../pricing/cost.js';

export interface ReportTask {
  by: string;
  since?: string;
  until?: string;
  reprice?: string;
  /** IANA zone for day/week/month groups (UTC when unset). */
  tz?: string;
}

export interface Repricing {
  pricer: Pricer;
  label: string;
}

/** Conversations first seen within this many records of a later part defer their turn numbers (rollup.ts). */
export const LATER_PART_WINDOW = 50_000;

function parseTime(value: string | undefined, flag: string, tz?: string): number | undefined {
  if (value === undefined) return undefined;
  // a date, or an ISO 8601 date-time; zone-less means wall-clock time in --tz (UTC without it); impossible dates and other forms ("-1") refused
  const zoneless = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/.test(value);
  const iso = zoneless && value.length > 10 ? `${value.replace(' ', 'T')}Z` : value;
  const ms = value.length === 10 && zoneless ? dateToMs(value) : /^\d{4}-\d{2}-\d{2}[T ]/.test(value) ? parseIsoStrict(iso) : NaN;
  if (Number.isNaN(ms))
    throw new UserError(`${flag} expects a date or ISO 8601 time (got "${value}")`, 'e.g. 2026-10-01 or 2026-10-01T12:00:00Z');
  return zoneless && tz !== undefined && tz !== 'UTC' ? wallTimeToMs(ms, tz) : ms;
}

export function repricing(ctx: CommandContext, spec: string | undefined): Repricing | undefined {
  if (spec === undefined) return undefined;
  const now = ctx.io.now();
  if (spec === 'current')
    return {
      pricer: new Pricer(ctx.loadCatalog().catalog, { atMs: now }),
      label: `today's prices (${new Date(now).toISOString().slice(0, 10)})`,
    };
  if (/^\d{4}-\d{2}-\d{2}$/.test(spec) && Number.isNaN(dateToMs(spec)))
    throw new UserError(`--reprice: "${spec}" is not a calendar date`, 'e.g. --reprice 2026-01-15');
  if (/^\d{4}-\d{2}-\d{2}$/.test(spec))
    return { pricer: new Pricer(ctx.loadCatalog().catalog, { atMs: dateToMs(spec) }), label: `prices on ${spec}` };
  if (existsSync(spec)) return { pricer: new Pricer(ctx.loadCatalog([spec]).catalog, { atMs: now }), label: `proposed (${spec})` };
  throw new UserError(`--reprice expects "current", a date YYYY-MM-DD or a price file (got "${spec}")`);
}

/** The rollup `report` fills (`laterPart`: for the second half of a split file). */
export function reportRollup(ctx: CommandContext, task: ReportTask, laterPart = false): { rollup: ReportRollup; reprice?: Repricing } {
  const dims = parseDimensions(task.by, task.tz);
  const reprice = repricing(ctx, task.reprice);
  const rollup = new ReportRollup({
    dims,
    repricer: reprice?.pricer,
    sinceMs: parseTime(task.since, '--since', task.tz),
    untilMs: parseTime(task.until, '--until', task.tz),
    laterPartWindow: laterPart ? LATER_PART_WINDOW : undefined,
  });
  return { rollup, reprice };
}
