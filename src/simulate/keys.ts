/**
 * Data-keyed parameters (per-feature growth, per-feature prefix sizes) as Maps: a feature named
 * `constructor`, `toString` or `__proto__` is a key like any other, never a property of
 * Object.prototype (which an `{}` lookup would return for a feature absent from the table).
 */

/** A YAML mapping's own entries as a Map (undefined stays undefined). */
export function recordToMap<V>(raw: Record<string, V> | undefined): Map<string, V> | undefined {
  if (raw === undefined) return undefined;
  const m = new Map<string, V>();
  for (const k of Object.keys(raw)) m.set(k, raw[k]);
  return m;
}

/** An own property of a data-keyed object, never an inherited one. */
export function ownValue<V>(obj: Record<string, V> | undefined, key: string): V | undefined {
  return obj !== undefined && Object.hasOwn(obj, key) ? obj[key] : undefined;
}
