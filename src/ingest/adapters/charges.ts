/**
 * Reading per-call / per-unit charge counts (usage/dimensions.ts) off a log object, strictly:
 * a count must be a whole number >= 0, else the record is rejected at its path with a hint (a
 * charge that vanished silently would under-report the bill). Zero counts are left out.
 */
import type { ChargeCounts, CountedChargeKey } from '../../usage/dimensions.js';
import type { FieldReader } from './util.js';

const HINT = 'call counts (searches, fetches, images) are whole numbers ≥ 0';

/** The counts at `fields` (charge key, path in `obj`); undefined when none is present (or one was rejected). */
export function readCharges(
  rd: FieldReader,
  obj: unknown,
  fields: ReadonlyArray<readonly [CountedChargeKey, string]>,
  opts: { allowString?: boolean } = {},
): ChargeCounts | undefined {
  let out: ChargeCounts | undefined;
  for (const [key, path] of fields) {
    const n = rd.count(obj, path, { allowString: opts.allowString, hint: HINT });
    if (n) (out ??= {})[key] = (out[key] ?? 0) + n;
  }
  return rd.failed ? undefined : out;
}

/** Anthropic `usage.server_tool_use`: web searches (billed per search) and web fetches (tokens only). */
export const ANTHROPIC_CHARGE_FIELDS = [
  ['webSearch', 'server_tool_use.web_search_requests'],
  ['webFetch', 'server_tool_use.web_fetch_requests'],
] as const;
