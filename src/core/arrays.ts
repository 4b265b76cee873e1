/**
 * Array helpers for lists whose length follows the input (route keys, times, request indices): a
 * spread into a call (`Math.min(...xs)`, `a.push(...xs)`) passes every item as an argument on the
 * stack, and past some 100,000 items throws RangeError (shown as "nested too deeply"): 400,000
 * distinct model ids stopped `report`, 250,000 requests without text stopped a prefixCache lever.
 */

/** The least of `values` (undefined when empty). */
export function minOf(values: Iterable<number>): number | undefined {
  let out: number | undefined;
  for (const v of values) if (out === undefined || v < out) out = v;
  return out;
}

/** The greatest of `values` (undefined when empty). */
export function maxOf(values: Iterable<number>): number | undefined {
  let out: number | undefined;
  for (const v of values) if (out === undefined || v > out) out = v;
  return out;
}

/** Appends every item of `items` to `target` (one at a time, whatever their number). */
export function pushAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const x of items) target.push(x);
  return target;
}
