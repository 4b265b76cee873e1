/**
 * Everything in the report queries that differs between SQL engines, in one place: integer
 * division, 128-bit products, epoch-millisecond calendar functions, JSON tag lookup, and the
 * "value at the row where a key is smallest" aggregate. The queries (report-queries.ts,
 * price-map.ts) use only these helpers plus portable SQL (window functions, CASE, COALESCE), so a
 * PostgreSQL / ClickHouse / BigQuery dialect is one more object of this shape.
 */

export interface Dialect {
  name: string;
  /** Integer division, truncating (operands are non-negative). */
  intDiv(a: string, b: string): string;
  /** An integer wide enough for token count x price (femto-USD): 128-bit. */
  wide(expr: string): string;
  /** 'YYYY-MM-DD' (UTC) of an epoch-ms expression. */
  day(ms: string): string;
  /** 'YYYY-MM-DD' of the Monday starting the ISO week (UTC). */
  week(ms: string): string;
  /** 'YYYY-MM' (UTC). */
  month(ms: string): string;
  /** Minute of the UTC day, 0..1439. */
  minuteOfDay(ms: string): string;
  /** Day of the week, 0 = Sunday .. 6 = Saturday (UTC). */
  weekday(ms: string): string;
  /** The string value of tag `name` in the JSON object column `col` (NULL when absent). */
  jsonTag(col: string, name: string): string;
  /** The value of `value` at the row where `key` is smallest / largest (keys unique). */
  argMin(value: string, key: string, filter?: string): string;
  argMax(value: string, key: string): string;
  /** Equality that holds for two NULLs too (a join on nullable columns). */
  same(a: string, b: string): string;
  /** A string literal. */
  literal(s: string): string;
  /** A double-precision float. */
  double(expr: string): string;
  /** Creates or replaces table `name` with the rows of `select`. */
  replaceTable(name: string, select: string): string;
  /**
   * Optional: an aggregate giving the list of the nearest-rank values of `value` (the ceil(n p / 100)-th
   * smallest of n, 1-based) for each percent `p`, by selection rather than a sort. Only for engines
   * whose quantile function is nearest rank (test/engine/nearest-rank.test.ts checks DuckDB's).
   */
  nearestRanks?(value: string, percents: number[]): string;
}

const literal = (s: string): string => `'${s.replace(/'/g, "''")}'`;

export const duckdb: Dialect = {
  name: 'duckdb',
  intDiv: (a, b) => `(${a} // ${b})`,
  wide: (e) => `CAST(${e} AS HUGEINT)`,
  day: (ms) => `strftime(epoch_ms(${ms}), '%Y-%m-%d')`,
  week: (ms) => `strftime(date_trunc('week', epoch_ms(${ms})), '%Y-%m-%d')`,
  month: (ms) => `strftime(epoch_ms(${ms}), '%Y-%m')`,
  minuteOfDay: (ms) => `(hour(epoch_ms(${ms})) * 60 + minute(epoch_ms(${ms})))`,
  weekday: (ms) => `dayofweek(epoch_ms(${ms}))`,
  // a JSON path with the name quoted, so any tag name (dots, spaces, quotes) is one key
  jsonTag: (col, name) => `json_extract_string(${col}, ${literal(`$."${name.replace(/["\\]/g, (c) => `\\${c}`)}"`)})`,
  argMin: (value, key, filter) => `arg_min(${value}, ${key})${filter ? ` FILTER (WHERE ${filter})` : ''}`,
  argMax: (value, key) => `arg_max(${value}, ${key})`,
  same: (a, b) => `${a} IS NOT DISTINCT FROM ${b}`,
  literal,
  double: (e) => `CAST(${e} AS DOUBLE)`,
  replaceTable: (name, select) => `CREATE OR REPLACE TABLE ${name} AS\n${select}`,
  // DuckDB's discrete quantile picks the ceil(n q)-th smallest value: nearest rank
  nearestRanks: (value, percents) => `quantile_disc(${value}, [${percents.map((p) => p / 100).join(', ')}])`,
};
