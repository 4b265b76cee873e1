/**
 * Generic JSONL with an explicit mapping (`--map` / `columns:`, dot paths into each line's object)
 * read by DuckDB's `read_json`, with the rules of the TypeScript reader (formats/generic-convert.ts).
 * Each mapped value becomes the text the generic CSV reader reads (csv.ts, whose SQL reads these
 * rows too): a JSON string is its text, an integer its digits, true/false their words, null or
 * absent an empty field. This holds because the TypeScript rules read those JSON values as they read
 * that text (a count 12 as "12", an outcome true as "true", a time in seconds as its digits). A
 * value whose text would not say the same (a fraction or exponent, an integer beyond 2^53, an object
 * or an array), or a key twice in an object on a mapped path (JSON.parse keeps the last value,
 * json_extract the first), makes its row one SQL does not read; so does every row the CSV rules leave to the
 * TypeScript converter. Any such row, a line that is not one object, a JSON text DuckDB accepts and
 * JSON.parse does not (NaN, trailing commas), or a literal dotted key (getPath reads `a.b` before
 * `a` → `b`) sends the file to the TypeScript reader. Paths are plain names (letters, digits, `_`,
 * `-`); one through an array index or a name every object has (`constructor`, `length`) falls back.
 */
import type { ColumnMapping } from '../../ingest/types.js';
import { duckdb } from '../dialect.js';
import type { UsageDb } from '../duckdb.js';
import { AWKWARD_TAG, distinctKeysAt, loadGenericRows } from './csv.js';
import type { SqlLoad } from './load.js';
import { LENIENT_JSON_BYTES, MAX_LINE_BYTES, scanLines } from './scan.js';

const lit = duckdb.literal;
const SEGMENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** A path segment getPath reads as a plain key of a JSON object. */
const plainSegment = (s: string) => SEGMENT.test(s) && !(s in Object.prototype) && s !== 'length';

/** Reads a JSONL file with an explicit generic mapping, or answers 'fallback' for the TypeScript reader. */
export async function loadGenericJsonl(db: UsageDb, file: string, mapping: ColumnMapping): Promise<SqlLoad | 'fallback'> {
  if (Object.keys(mapping).some((f) => f.startsWith('tag.') && AWKWARD_TAG.test(f.slice(4)))) return 'fallback';
  const paths = [...new Set(Object.values(mapping))];
  const parts = paths.map((p) => p.split('.'));
  if (!parts.every((segments) => segments.every(plainSegment))) return 'fallback';
  const tops = [...new Set(parts.map((segments) => segments[0]))];
  if (new Set(tops.map((t) => t.toLowerCase())).size !== tops.length) return 'fallback'; // DuckDB's names ignore case
  const value = (segments: string[]) =>
    segments.length === 1
      ? `"${segments[0]}"`
      : `json_extract("${segments[0]}", ${lit(
          `$.${segments
            .slice(1)
            .map((s) => `"${s}"`)
            .join('.')}`,
        )})`;
  const type = (i: number) => `json_type(v${i})`;
  const text = (i: number) =>
    `CASE ${type(i)} WHEN 'VARCHAR' THEN v${i} ->> '$' WHEN 'BIGINT' THEN v${i}::VARCHAR WHEN 'UBIGINT' THEN v${i}::VARCHAR WHEN 'BOOLEAN' THEN v${i}::VARCHAR END`;
  const exact = (i: number) =>
    `COALESCE(${type(i)} IN ('VARCHAR', 'BOOLEAN', 'NULL') OR (${type(i)} IN ('BIGINT', 'UBIGINT') AND abs(TRY_CAST(v${i}::VARCHAR AS DOUBLE)) <= ${Number.MAX_SAFE_INTEGER}), true)`;
  // a key twice in an object on a mapped path: JSON.parse keeps the last value, json_extract the
  // first (each such object's keys must be distinct, else the row is not SQL's)
  const objects = new Map<string, Set<string>>();
  for (const segments of parts)
    for (let k = 1; k < segments.length; k++) {
      const at = objects.get(segments[0]) ?? new Set<string>();
      at.add(
        `$${segments
          .slice(1, k)
          .map((s) => `."${s}"`)
          .join('')}`,
      );
      objects.set(segments[0], at);
    }
  const unique = [...objects].map(([top, at]) => distinctKeysAt(`"${top}"`, [...at]));
  const from = `(SELECT ${paths.map((_, i) => `${text(i)} AS c${i}`).join(', ')}, ${[...paths.map((_, i) => exact(i)), 'j_unique'].join(' AND ')} AS j_exact
  FROM (SELECT ${parts.map((segments, i) => `${value(segments)} AS v${i}`).join(', ')}, ${unique.length ? unique.join(' AND ') : 'true'} AS j_unique
    FROM read_json(${lit(file)}, format = 'newline_delimited', columns = {${tops.map((t) => `"${t}": 'JSON'`).join(', ')}},
      maximum_object_size = ${MAX_LINE_BYTES})))`;
  const index = new Map(Object.entries(mapping).map(([field, path]) => [field, paths.indexOf(path)] as const));
  // a key spelled like a dotted path is read before the path: a file with one is the TypeScript reader's
  const dotted = paths.filter((p) => p.includes('.')).map((p) => JSON.stringify(p));
  return loadGenericRows(
    db,
    file,
    { from, firstLine: 1, exact: 'j_exact' },
    { mapping, index },
    scanLines(file, dotted, LENIENT_JSON_BYTES),
    // judged only when some row is not a record: the TypeScript reader reads such a file
    async () => 'fallback',
  );
}
