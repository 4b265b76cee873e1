/**
 * Everything in the report queries that differs between SQL engines, in one place: integer
 * division, 128-bit products, epoch-millisecond calendar functions, JSON tag lookup, literals and
 * identifiers. The queries (report-queries.ts, price-map.ts) use only these helpers plus portable
 * SQL (window functions, CASE, COALESCE, sum, max), so a
 * PostgreSQL / ClickHouse / BigQuery dialect is one more object of this shape.
 */
import type { SqlType } from '../usage/table.js';

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
  /**
   * Optional: a native aggregate giving `value` at the row where `key` is smallest / largest (keys
   * unique) among the rows passing `filter`, holding one row per group (DuckDB's arg_min, ClickHouse's
   * argMinIf). Without it the quantile picks are portable SQL (distributionSql: max over a CASE), not
   * an array of every row (BigQuery's ARRAY_AGG and Snowflake's are bounded by their row size).
   */
  argMin?(value: string, key: string, filter?: string): string;
  argMax?(value: string, key: string): string;
  /** Equality that holds for two NULLs too (a join on nullable columns). */
  same(a: string, b: string): string;
  /** A string literal. */
  literal(s: string): string;
  /** A double-precision float. */
  double(expr: string): string;
  /** Creates or replaces table `name` with the rows of `select`. */
  replaceTable(name: string, select: string): string;
  /** The column type for a usage-table type (`nullable`: the column may hold NULL). */
  type(t: SqlType, nullable: boolean): string;
  /** A quoted identifier (a table or column name given by the user). */
  ident(name: string): string;
  /**
   * Optional: an aggregate giving the list of the nearest-rank values of `value` (the ceil(n p / 100)-th
   * smallest of n, 1-based) for each percent `p`, by selection rather than a sort. Only for engines
   * whose quantile function is nearest rank (test/engine/nearest-rank.test.ts checks DuckDB's).
   */
  nearestRanks?(value: string, percents: number[]): string;
  /**
   * Optional: `priced` as views, computed again by each query that reads it, instead of a table
   * (DuckDB: a few passes over rows read in place cost less than a copy of every row).
   */
  pricedViews?: boolean;
  /**
   * Optional: a CTE read twice is computed again by each reader (`NOT MATERIALIZED`) rather than
   * copied (DuckDB: the unread cache writes' rows, ~12% less CPU than the copy at 10M rows).
   */
  cteNotMaterialized?: boolean;
  /**
   * Optional: row_number() needs an ORDER BY in its window (Snowflake: "Window function type
   * [ROW_NUMBER] requires ORDER BY in window specification"; Spark: "Window function row_number()
   * requires window to be ordered"), where the queries number rows in no particular order.
   */
  orderedRowNumber?: boolean;
  /**
   * Optional: how the engine's error reads when 64-bit integer arithmetic overflows, where it
   * raises one rather than wrapping (DuckDB). The per-request distribution then multiplies in 64
   * bits first and again in 128 on that error only, instead of a bound query deciding beforehand
   * (whose bound, a price key's total cost, rules out 64 bits on any large run).
   */
  overflowError?: RegExp;
}

const literal = (s: string): string => `'${s.replace(/'/g, "''")}'`;
/**
 * DuckDB's string literal: a NUL character ends the statement's text there (a model id holding one,
 * from a log, made the statement unparseable), so the text is split at each NUL and joined with chr(0).
 */
const duckLiteral = (s: string): string => (s.includes('\0') ? `(${s.split('\0').map(literal).join(' || chr(0) || ')})` : literal(s));

const doubleQuoted = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const portableType = (t: SqlType): string => t;

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
  literal: duckLiteral,
  double: (e) => `CAST(${e} AS DOUBLE)`,
  // the embedded database is the tool's own (in memory): plain tables, which every connection sees
  // (UsageDb runs independent report queries on several at once); duckdbWarehouse's are temporary
  replaceTable: (name, select) => `CREATE OR REPLACE TABLE ${name} AS\n${select}`,
  type: portableType,
  ident: doubleQuoted,
  // DuckDB's discrete quantile picks the ceil(n q)-th smallest value: nearest rank
  nearestRanks: (value, percents) => `quantile_disc(${value}, [${percents.map((p) => p / 100).join(', ')}])`,
  pricedViews: true,
  cteNotMaterialized: true,
  // "Out of Range Error: Overflow in multiplication of INT64 (...)!" (likewise addition), checked on every operation
  overflowError: /Overflow in (multiplication|addition) of INT64/,
};

/*
 * Warehouse dialects: the same helpers for the engines a user's logs live in. PostgreSQL and
 * ClickHouse run the report for real (`report postgres://…`, `report clickhouse://…`, tested
 * against real engines); BigQuery, Snowflake and Spark are emitted by `tokenomics sql` and
 * golden-tested and parsed only. Besides the expression helpers, each says how to create the
 * small tables (price rows) and the usage view, and which session settings the script needs.
 */

/** A dialect the warehouse paths can use: the report's helpers plus table and view DDL. */
export interface WarehouseDialect extends Dialect {
  /** Statements run before anything else (session settings the queries rely on). */
  preamble: string[];
  /** A view (session-scoped where the engine has one) over `select`. */
  view(name: string, select: string): string;
  /** Statements creating table `name` holding `rows` (values rendered as typed literals). */
  tableFromRows(name: string, columns: Array<{ name: string; type: SqlType }>, rows: CellValue[][]): string[];
  /** Whether a report can run on it from this tool (else: `tokenomics sql` only). */
  tested: 'runs' | 'parsed';
  /**
   * A query listing the columns (`column_name`) of table `name` in `schema` (none: the session's
   * schemas), from the database's catalog; only for the engines a report runs on.
   */
  columnsSql?(schema: string | undefined, name: string): string;
}

type CellValue = number | string | boolean | null;

/** A value as a typed SQL literal (`lit`: the dialect's string literal). */
function valueSql(d: Pick<Dialect, 'type' | 'literal'>, t: SqlType, v: CellValue): string {
  if (v === null) return `CAST(NULL AS ${d.type(t, true)})`;
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new Error(`not an integer: ${v}`);
    return String(v);
  }
  return d.literal(v);
}

function createAndInsert(
  d: Pick<Dialect, 'type' | 'literal'>,
  create: string,
  name: string,
  columns: Array<{ name: string; type: SqlType }>,
  rows: CellValue[][],
): string[] {
  const out = [`${create} ${name} (${columns.map((c) => `${c.name} ${d.type(c.type, true)}`).join(', ')})`];
  // batches of 500 rows keep each statement within every engine's statement size
  for (let i = 0; i < rows.length; i += 500) {
    // a plain NULL: the column's type is declared above (a typed NULL would only lengthen the script)
    const values = rows
      .slice(i, i + 500)
      .map((r) => `(${r.map((v, j) => (v === null ? 'NULL' : valueSql(d, columns[j].type, v))).join(', ')})`);
    out.push(`INSERT INTO ${name} (${columns.map((c) => c.name).join(', ')}) VALUES\n${values.join(',\n')}`);
  }
  return out;
}

/** Backslash-escaped string literal (BigQuery, Spark, Snowflake, ClickHouse: a backslash starts an escape there; in BigQuery and Spark a doubled quote is not one). */
const backslashLiteral = (s: string): string =>
  `'${s
    .replace(/[\\']/g, (c) => `\\${c}`)
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')}'`;
const jsonPathKey = (name: string): string => `$."${name.replace(/["\\]/g, (c) => `\\${c}`)}"`;

const pgTs = (ms: string) => `(to_timestamp((${ms}) / 1000.0) AT TIME ZONE 'UTC')`;
const PG_TYPES: Record<SqlType, string> = { BIGINT: 'BIGINT', INTEGER: 'INTEGER', VARCHAR: 'TEXT', BOOLEAN: 'BOOLEAN' };

export const postgres: WarehouseDialect = {
  name: 'postgres',
  tested: 'runs',
  intDiv: (a, b) => `div(${a}, ${b})`,
  wide: (e) => `CAST(${e} AS NUMERIC)`,
  day: (ms) => `to_char(${pgTs(ms)}, 'YYYY-MM-DD')`,
  week: (ms) => `to_char(date_trunc('week', ${pgTs(ms)}), 'YYYY-MM-DD')`,
  month: (ms) => `to_char(${pgTs(ms)}, 'YYYY-MM')`,
  minuteOfDay: (ms) => `CAST(extract(hour FROM ${pgTs(ms)}) * 60 + extract(minute FROM ${pgTs(ms)}) AS INTEGER)`,
  weekday: (ms) => `CAST(extract(dow FROM ${pgTs(ms)}) AS INTEGER)`,
  jsonTag: (col, name) => `(CAST(${col} AS jsonb) ->> ${literal(name)})`,
  same: (a, b) => `${a} IS NOT DISTINCT FROM ${b}`,
  literal,
  double: (e) => `CAST(${e} AS DOUBLE PRECISION)`,
  // session tables; pg_temp names only the session's own, never a user's table of the same name
  replaceTable: (name, select) => `DROP TABLE IF EXISTS pg_temp.${name};\nCREATE TEMP TABLE ${name} AS\n${select}`,
  type: (t) => PG_TYPES[t],
  ident: doubleQuoted,
  // the literals double a quote and leave a backslash as it is, which holds only with
  // standard_conforming_strings on (the default since 9.1, a setting a server or role may turn off:
  // then 'a\' would leave the literal open): https://www.postgresql.org/docs/current/runtime-config-compatible.html
  preamble: ['SET standard_conforming_strings = on'],
  columnsSql: (schema, name) =>
    `SELECT column_name FROM information_schema.columns WHERE table_name = ${literal(name)} AND ${schema === undefined ? 'table_schema = ANY (current_schemas(false))' : `table_schema = ${literal(schema)}`}`,
  view: (name, select) => `DROP VIEW IF EXISTS pg_temp.${name};\nCREATE TEMP VIEW ${name} AS\n${select}`,
  tableFromRows(name, columns, rows) {
    const [create, ...inserts] = createAndInsert(this, 'CREATE TEMP TABLE', name, columns, rows);
    return [`DROP TABLE IF EXISTS pg_temp.${name};\n${create}`, ...inserts];
  },
};

const chTs = (ms: string) => `fromUnixTimestamp64Milli(toInt64(${ms}), 'UTC')`;
const CH_TYPES: Record<SqlType, string> = { BIGINT: 'Int64', INTEGER: 'Int32', VARCHAR: 'String', BOOLEAN: 'Bool' };

export const clickhouse: WarehouseDialect = {
  name: 'clickhouse',
  tested: 'runs',
  intDiv: (a, b) => `intDiv(${a}, ${b})`,
  wide: (e) => `toInt128(${e})`,
  day: (ms) => `formatDateTime(${chTs(ms)}, '%Y-%m-%d')`,
  // the Monday counted back on a Date32 (1900-2299): toMonday returns a Date, whose range starts at 1970-01-01, so the
  // week of a time in 1970-01-01..04 (a time of 0, say) was "1970-01-01", not Monday 1969-12-29
  // (https://clickhouse.com/docs/reference/data-types/date, https://clickhouse.com/docs/reference/data-types/date32)
  week: (ms) => `toString(subtractDays(toDate32(${chTs(ms)}), toDayOfWeek(${chTs(ms)}) - 1))`,
  month: (ms) => `formatDateTime(${chTs(ms)}, '%Y-%m')`,
  minuteOfDay: (ms) => `(toHour(${chTs(ms)}) * 60 + toMinute(${chTs(ms)}))`,
  weekday: (ms) => `(toDayOfWeek(${chTs(ms)}) % 7)`,
  // the key as a backslash-escaped literal, as every ClickHouse string: with only its quotes doubled, a
  // backslash in a tag name started an escape (tag:a\b looked up "a" + a backspace + "b", a trailing one left
  // the literal open): https://clickhouse.com/docs/sql-reference/syntax#string
  jsonTag: (col, name) => `JSONExtract(${col}, ${backslashLiteral(name)}, 'Nullable(String)')`,
  argMin: (value, key, filter) => (filter ? `argMinIf(${value}, ${key}, ${filter})` : `argMin(${value}, ${key})`),
  argMax: (value, key) => `argMax(${value}, ${key})`,
  // isNotDistinctFrom: NULL-safe equality ClickHouse accepts in JOIN ON (where the queries use it)
  same: (a, b) => `isNotDistinctFrom(${a}, ${b})`,
  literal: backslashLiteral,
  double: (e) => `toFloat64(${e})`,
  replaceTable: (name, select) => `CREATE OR REPLACE TEMPORARY TABLE ${name} ENGINE = Memory AS\n${select}`,
  type: (t, nullable) => (nullable ? `Nullable(${CH_TYPES[t]})` : CH_TYPES[t]),
  ident: (name) => `\`${name.replace(/[`\\]/g, (c) => `\\${c}`)}\``,
  // LEFT JOIN leaves NULLs (not zeros) where nothing matched; aggregates over no rows give NULL
  // (as in standard SQL); a column name means the column, not a select alias of the same name (as
  // in standard SQL); CAST keeps a NULL NULL; 64-bit integers arrive as JSON strings (exact)
  preamble: [
    'SET join_use_nulls = 1',
    'SET aggregate_functions_null_for_empty = 1',
    'SET prefer_column_name_to_alias = 1',
    'SET cast_keep_nullable = 1',
    'SET output_format_json_quote_64bit_integers = 1',
  ],
  columnsSql: (schema, name) =>
    `SELECT name AS column_name FROM system.columns WHERE table = ${backslashLiteral(name)} AND database = ${schema === undefined ? 'currentDatabase()' : backslashLiteral(schema)}`,
  // no session views: the normalized rows are a session table on the server (only results travel)
  view: (name, select) => `CREATE OR REPLACE TEMPORARY TABLE ${name} ENGINE = Memory AS\n${select}`,
  tableFromRows(name, columns, rows) {
    const [create, ...inserts] = createAndInsert(this, 'CREATE OR REPLACE TEMPORARY TABLE', name, columns, rows);
    return [`${create} ENGINE = Memory`, ...inserts];
  },
};

const bqTs = (ms: string) => `TIMESTAMP_MILLIS(${ms})`;
const BQ_TYPES: Record<SqlType, string> = { BIGINT: 'INT64', INTEGER: 'INT64', VARCHAR: 'STRING', BOOLEAN: 'BOOL' };

export const bigquery: WarehouseDialect = {
  name: 'bigquery',
  tested: 'parsed',
  intDiv: (a, b) => `DIV(${a}, ${b})`,
  // NUMERIC: 29 integer digits (and 9 decimals, unused: every rate and cost here is an integer of
  // femto-USD), so sums stay exact up to $99 trillion per group
  wide: (e) => `CAST(${e} AS NUMERIC)`,
  day: (ms) => `FORMAT_TIMESTAMP('%Y-%m-%d', ${bqTs(ms)}, 'UTC')`,
  week: (ms) => `FORMAT_DATE('%Y-%m-%d', DATE_TRUNC(DATE(${bqTs(ms)}, 'UTC'), ISOWEEK))`,
  month: (ms) => `FORMAT_TIMESTAMP('%Y-%m', ${bqTs(ms)}, 'UTC')`,
  // EXTRACT from a TIMESTAMP reads it in UTC unless told otherwise
  minuteOfDay: (ms) => `(EXTRACT(HOUR FROM ${bqTs(ms)}) * 60 + EXTRACT(MINUTE FROM ${bqTs(ms)}))`,
  weekday: (ms) => `(EXTRACT(DAYOFWEEK FROM ${bqTs(ms)}) - 1)`,
  jsonTag: (col, name) => `JSON_VALUE(${col}, ${backslashLiteral(jsonPathKey(name))})`,
  // NULL-safe equality spelled out (the form every BigQuery SQL tool reads)
  same: (a, b) => `(${a} = ${b} OR (${a} IS NULL AND ${b} IS NULL))`,
  literal: backslashLiteral,
  double: (e) => `CAST(${e} AS FLOAT64)`,
  // OR REPLACE: a BigQuery session keeps its temporary tables, so the script run again in one replaces
  // them (https://cloud.google.com/bigquery/docs/reference/standard-sql/data-definition-language#create_table_statement)
  replaceTable: (name, select) => `CREATE OR REPLACE TEMP TABLE ${name} AS\n${select}`,
  type: (t) => BQ_TYPES[t],
  ident: (name) => `\`${name.replace(/[`\\]/g, (c) => `\\${c}`)}\``,
  preamble: [],
  view: (name, select) => `CREATE OR REPLACE TEMP TABLE ${name} AS\n${select}`,
  tableFromRows(name, columns, rows) {
    return createAndInsert(this, 'CREATE OR REPLACE TEMP TABLE', name, columns, rows);
  },
};

const sfTs = (ms: string) => `TO_TIMESTAMP_NTZ(${ms}, 3)`;
/**
 * Snowflake's identifier: a name Snowflake would take unquoted (letters, digits, `_`, `$`) is the
 * uppercase name quoted, which is what the unquoted name resolves to; a quoted name keeps its case,
 * so `"llm_requests"` would not find a table created as `CREATE TABLE llm_requests` (stored
 * LLM_REQUESTS). Other names are quoted as given, case kept.
 * https://docs.snowflake.com/en/sql-reference/identifiers-syntax
 */
const snowflakeIdent = (name: string): string => (/^[A-Za-z_][A-Za-z0-9_$]*$/.test(name) ? `"${name.toUpperCase()}"` : doubleQuoted(name));
const SF_TYPES: Record<SqlType, string> = { BIGINT: 'BIGINT', INTEGER: 'INTEGER', VARCHAR: 'VARCHAR', BOOLEAN: 'BOOLEAN' };

export const snowflake: WarehouseDialect = {
  name: 'snowflake',
  tested: 'parsed',
  // integer division without a rounded quotient (a / b keeps only 6 decimals in Snowflake)
  intDiv: (a, b) => `((${a} - MOD(${a}, ${b})) / ${b})`,
  wide: (e) => `CAST(${e} AS NUMBER(38, 0))`,
  day: (ms) => `TO_CHAR(${sfTs(ms)}, 'YYYY-MM-DD')`,
  week: (ms) => `TO_CHAR(DATEADD(day, 1 - DAYOFWEEKISO(${sfTs(ms)}), TO_DATE(${sfTs(ms)})), 'YYYY-MM-DD')`,
  month: (ms) => `TO_CHAR(${sfTs(ms)}, 'YYYY-MM')`,
  minuteOfDay: (ms) => `(HOUR(${sfTs(ms)}) * 60 + MINUTE(${sfTs(ms)}))`,
  weekday: (ms) => `MOD(DAYOFWEEKISO(${sfTs(ms)}), 7)`,
  jsonTag: (col, name) => `CAST(GET(PARSE_JSON(${col}), ${backslashLiteral(name)}) AS VARCHAR)`,
  same: (a, b) => `EQUAL_NULL(${a}, ${b})`,
  // a backslash starts an escape in a single-quoted Snowflake string ('a\' is unterminated), so it
  // is escaped too, as in BigQuery and Spark:
  // https://docs.snowflake.com/en/sql-reference/data-types-text#escape-sequences-in-single-quoted-string-constants
  literal: backslashLiteral,
  double: (e) => `CAST(${e} AS DOUBLE)`,
  replaceTable: (name, select) => `CREATE OR REPLACE TEMPORARY TABLE ${name} AS\n${select}`,
  type: (t) => SF_TYPES[t],
  ident: snowflakeIdent,
  orderedRowNumber: true,
  preamble: [],
  view: (name, select) => `CREATE OR REPLACE TEMPORARY VIEW ${name} AS\n${select}`,
  tableFromRows(name, columns, rows) {
    return createAndInsert(this, 'CREATE OR REPLACE TEMPORARY TABLE', name, columns, rows);
  },
};

const spTs = (ms: string) => `timestamp_millis(${ms})`;

export const spark: WarehouseDialect = {
  name: 'spark',
  tested: 'parsed',
  intDiv: (a, b) => `(${a} DIV ${b})`,
  wide: (e) => `CAST(${e} AS DECIMAL(38, 0))`,
  day: (ms) => `date_format(${spTs(ms)}, 'yyyy-MM-dd')`,
  week: (ms) => `date_format(date_trunc('week', ${spTs(ms)}), 'yyyy-MM-dd')`,
  month: (ms) => `date_format(${spTs(ms)}, 'yyyy-MM')`,
  minuteOfDay: (ms) => `(hour(${spTs(ms)}) * 60 + minute(${spTs(ms)}))`,
  weekday: (ms) => `(dayofweek(${spTs(ms)}) - 1)`,
  jsonTag: (col, name) => `get_json_object(${col}, ${backslashLiteral(`$['${name.replace(/['\\]/g, (c) => `\\${c}`)}']`)})`,
  same: (a, b) => `${a} <=> ${b}`,
  literal: backslashLiteral,
  double: (e) => `CAST(${e} AS DOUBLE)`,
  replaceTable: (name, select) => `CREATE OR REPLACE TEMPORARY VIEW ${name} AS\n${select}`,
  type: (t) => (t === 'VARCHAR' ? 'STRING' : t),
  ident: (name) => `\`${name.replace(/`/g, '``')}\``,
  orderedRowNumber: true,
  // timestamp_millis and date_format read the session time zone: the report's dates are UTC. SET TIME
  // ZONE, the statement both Spark (https://spark.apache.org/docs/latest/sql-ref-syntax-aux-conf-mgmt-set-timezone.html)
  // and Databricks SQL document (https://docs.databricks.com/aws/en/sql/language-manual/sql-ref-syntax-aux-conf-mgmt-set-timezone);
  // Databricks SQL's settings are its documented parameters (TIMEZONE), not Spark's configuration keys
  preamble: ["SET TIME ZONE 'UTC'"],
  view: (name, select) => `CREATE OR REPLACE TEMPORARY VIEW ${name} AS\n${select}`,
  tableFromRows(name, columns, rows) {
    const cols = columns.map((c) => c.name).join(', ');
    // plain NULLs in the rows (the inline table widens each column's type over its rows), each
    // column typed once by a CAST over them: a typed NULL per cell made the all-models script 1.8 MB
    const plain = (r: CellValue[]) => `(${r.map((v, j) => (v === null ? 'NULL' : valueSql(this, columns[j].type, v))).join(', ')})`;
    const typed = (value: (column: string) => string) =>
      `SELECT ${columns.map((c) => `CAST(${value(c.name)} AS ${this.type(c.type, true)}) AS ${c.name}`).join(', ')}`;
    const body = rows.length
      ? `${typed((c) => `t.${c}`)} FROM VALUES\n${rows.map(plain).join(',\n')}\nAS t(${cols})`
      : `${typed(() => 'NULL')} WHERE FALSE`;
    return [`CREATE OR REPLACE TEMPORARY VIEW ${name} AS\n${body}`];
  },
};

/** The duckdb dialect with the warehouse members (`tokenomics sql --dialect duckdb`). */
export const duckdbWarehouse: WarehouseDialect = {
  ...duckdb,
  tested: 'runs',
  preamble: [],
  columnsSql: (schema, name) =>
    `SELECT column_name FROM information_schema.columns WHERE table_name = ${literal(name)}${schema === undefined ? '' : ` AND table_schema = ${literal(schema)}`}`,
  // temporary: a script run in a user's DuckDB file leaves nothing behind and replaces none of their tables
  replaceTable: (name, select) => `CREATE OR REPLACE TEMP TABLE ${name} AS\n${select}`,
  view: (name, select) => `CREATE OR REPLACE TEMP VIEW ${name} AS\n${select}`,
  tableFromRows(name, columns, rows) {
    return createAndInsert(this, 'CREATE OR REPLACE TEMP TABLE', name, columns, rows);
  },
};

export const DIALECTS: ReadonlyMap<string, WarehouseDialect> = new Map(
  [duckdbWarehouse, postgres, clickhouse, bigquery, snowflake, spark].map((d) => [d.name, d]),
);

/**
 * Whether DuckDB's file readers (read_json, read_csv, read_text, read_parquet) take `file` as
 * something other than its name: a glob pattern (`a[1].jsonl` reads a1.jsonl) or, first, `~` (the
 * home folder).
 */
export const readAsPattern = (file: string): boolean => /[*?[\]{}]/.test(file) || file.startsWith('~');
