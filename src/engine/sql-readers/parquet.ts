/**
 * Parquet input (`report usage.parquet`), read by DuckDB `read_parquet` only (there is no
 * TypeScript Parquet reader). Columns map onto the usage table by name: a file written from the
 * usage table (or with its column names) needs no mapping; any other file, Langfuse's Parquet
 * exports among them, maps its columns with the generic mapping (`--map` / `columns:`, the fields of
 * src/ingest/formats/generic-map.ts; a dot path reads a struct field). Counts follow the generic
 * format's rules: `input` is uncached, `prompt` the inclusive total from which cache reads and
 * writes are subtracted; `cacheWrite` is the total, its 1-hour share in `cacheWrite1h`. A row with
 * a negative, fractional or inconsistent count, or a time that does not parse, is rejected at
 * file:row (1-based) and the other rows are read; NULL counts are 0. The rows are not copied: the
 * file's view joins the usage table (UsageDb.addInPlace), read in place by each report query.
 */
import { UserError, type Issue } from '../../core/issues.js';
import { DEFAULT_MAX_ISSUES } from '../../ingest/session.js';
import { parseCount } from '../../ingest/formats/values.js';
import type { ColumnMapping } from '../../ingest/types.js';
import { NO_MODEL } from '../../usage/record.js';
import { USAGE_COLUMNS } from '../../usage/table.js';
import { COUNTED_CHARGES } from '../../usage/dimensions.js';
import { duckdb } from '../dialect.js';
import type { InPlaceFacts, UsageDb } from '../duckdb.js';
import { stagedSelect, type SqlLoad } from './load.js';
import { maxOf, minOf } from '../../core/arrays.js';

const lit = duckdb.literal;

/**
 * Usage-table column -> generic mapping field (a file with usage-table names maps itself). A later
 * column wins a field: `time` is what `tokenomics export` writes (a TIMESTAMP), `time_ms` the table's own.
 */
const FIELD_OF_COLUMN: ReadonlyArray<[string, string]> = [
  ['id', 'id'],
  ['time', 'timestamp'],
  ['time_ms', 'timestamp'],
  ['model', 'model'],
  ['provider', 'provider'],
  ['service_tier', 'serviceTier'],
  ['input_tokens', 'input'],
  ['cache_read_tokens', 'cacheRead'],
  ['cache_write_5m_tokens', 'cacheWrite5m'],
  ['cache_write_1h_tokens', 'cacheWrite1h'],
  ['output_tokens', 'output'],
  ['reasoning_tokens', 'reasoning'],
  ['requests', 'requests'],
  ['conversation_id', 'conversation'],
  ['turn', 'turn'],
  ['feature', 'feature'],
  ['customer', 'customer'],
  ['user_id', 'user'],
  ['outcome', 'outcome'],
  ['prompt', 'tag.prompt'],
  // per-call charges: web_search_calls <- webSearch, ... (usage/dimensions.ts)
  ...COUNTED_CHARGES.map((d): [string, string] => [d.column, d.key]),
];

/** Columns the usage table has that a Parquet file may carry as they are. */
const PASSTHROUGH = ['fast', 'regional', 'image_count', 'estimated', 'tags'];

const quoteIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;
/** A column or struct-field path (`usage.input`) as SQL. */
const pathSql = (path: string) => path.split('.').map(quoteIdent).join('.');

interface Described {
  names: Set<string>;
  types: Map<string, string>;
}

async function describe(db: UsageDb, file: string): Promise<Described> {
  const rows = await db.query(`DESCRIBE SELECT * FROM read_parquet(${lit(file)})`);
  const names = new Set(rows.map((r) => String(r.column_name)));
  return { names, types: new Map(rows.map((r) => [String(r.column_name), String(r.column_type)])) };
}

/** The mapping in use: --map when given, else the usage-table names the file has. */
function mappingOf(d: Described, columns: ColumnMapping | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (columns) {
    for (const [field, col] of Object.entries(columns)) out.set(field, col);
    return out;
  }
  for (const [col, field] of FIELD_OF_COLUMN) if (d.names.has(col)) out.set(field, col);
  return out;
}

/**
 * Epoch milliseconds of a time column by its type (numbers by magnitude, as the TypeScript readers).
 * An integer column proven to hold milliseconds in range (provenChecks) is read as it is: the
 * magnitude test would pick it unchanged, and a plain column lets `time_ms IS NOT NULL` reach the
 * Parquet scan (10M bench rows: ~0.3 CPU s less per pass that tests it).
 */
function timeSql(col: string, type: string | undefined, provenMs: boolean): string {
  if (provenMs) return `${col}::BIGINT`;
  const t = (type ?? '').toUpperCase();
  if (t.startsWith('TIMESTAMP') || t === 'DATE') return `epoch_ms(${col}::TIMESTAMPTZ)`;
  if (/INT|DECIMAL|DOUBLE|FLOAT|HUGEINT/.test(t))
    return `CASE WHEN ${col} > 1e16 THEN (${col} // 1000000)::BIGINT WHEN ${col} > 1e11 THEN round(${col})::BIGINT ELSE round(${col} * 1000)::BIGINT END`;
  return `epoch_ms(TRY_CAST(${col} AS TIMESTAMPTZ))`;
}

/**
 * Whether every row of the file has a non-empty value in text column `col` (a top-level VARCHAR
 * column), from the file's own statistics (free: the footer): in every row group no NULL and a
 * non-empty lower bound. No statistics, or any doubt: false.
 */
async function everyRowHas(db: UsageDb, file: string, d: Described, col: string | undefined): Promise<boolean> {
  if (col === undefined || !d.names.has(col) || d.types.get(col) !== 'VARCHAR') return false;
  const [row] = await db.query(
    `SELECT count(*) AS n, bool_and(COALESCE(stats_null_count = 0 AND stats_min_value <> '', false)) AS every
FROM parquet_metadata(${lit(file)}) WHERE path_in_schema = ${lit(col)}`,
  );
  return Number(row?.n ?? 0) > 0 && row?.every === true;
}

/** The times a row may have (else it is rejected: invalid-timestamp). */
const MIN_TIME_MS = Date.UTC(1990, 0, 1);
const MAX_TIME_MS = Date.UTC(2200, 0, 1);

const INTEGER_TYPE = /^U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)$/;
/** A column type a count is read from as it is (text is parsed: see loadParquet). */
const NUMBER_TYPE = /^(U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)|FLOAT|DOUBLE|DECIMAL\(\d+,\d+\))$/;

/**
 * The row checks no row of the file can fail, per mapped top-level column (`cols`): an integer
 * column holds whole numbers; one whose statistics give every row group a least value of 0 or
 * more holds no negative count; an integer time column of milliseconds (1e11 to 1e16, as timeSql
 * reads it) whose least and greatest values lie in [1990, 2200] has no invalid time. From the
 * file's footer (free); no statistics, or any doubt: the check stays (10M bench rows: the row
 * check's per-row CASE ~0.5 CPU s less without them).
 */
async function provenChecks(
  db: UsageDb,
  file: string,
  d: Described,
  cols: string[],
): Promise<{ whole: Set<string>; nonNegative: Set<string>; timesInRange: Set<string> }> {
  const whole = new Set(cols.filter((c) => INTEGER_TYPE.test(d.types.get(c) ?? '')));
  const out = { whole, nonNegative: new Set<string>(), timesInRange: new Set<string>() };
  if (whole.size === 0) return out;
  const rows = await db.query(
    `SELECT path_in_schema AS col, bool_and(TRY_CAST(stats_min_value AS HUGEINT) IS NOT NULL AND TRY_CAST(stats_max_value AS HUGEINT) IS NOT NULL) AS known,
  min(TRY_CAST(stats_min_value AS HUGEINT)) AS lo, max(TRY_CAST(stats_max_value AS HUGEINT)) AS hi
FROM parquet_metadata(${lit(file)}) WHERE path_in_schema IN (${[...whole].map(lit).join(', ')}) GROUP BY path_in_schema`,
  );
  for (const r of rows) {
    if (r.known !== true || r.lo === null || r.hi === null) continue;
    const [lo, hi] = [BigInt(r.lo as bigint), BigInt(r.hi as bigint)];
    const c = String(r.col);
    if (lo >= 0n) out.nonNegative.add(c);
    if (lo > 100_000_000_000n && hi <= 10_000_000_000_000_000n && lo >= BigInt(MIN_TIME_MS) && hi <= BigInt(MAX_TIME_MS))
      out.timesInRange.add(c);
  }
  return out;
}

export async function loadParquet(db: UsageDb, file: string, columns: ColumnMapping | undefined): Promise<SqlLoad> {
  const issues: Issue[] = [];
  const fileError = (code: string, message: string, hint: string): SqlLoad => {
    issues.push({ severity: 'error', code, message, file, hint });
    return { format: 'parquet', counts: { read: 0, counted: 0, skipped: {}, rejected: {} }, issues };
  };
  // the name DuckDB reads (a link where it would read `file` as a pattern: there is no other reader to hand it to);
  // rows, ids and issues name `file`, DuckDB's messages too
  let readable: string;
  try {
    readable = db.plainName(file);
  } catch (err) {
    const hint = err instanceof UserError && err.hint ? err.hint : 'set TMPDIR to a folder where a link can be made';
    return fileError('read-error', `cannot link the file under a plain name: ${(err as Error).message}`, hint);
  }
  const duckMessage = (err: unknown) => (err as Error).message.split('\n')[0].split(readable).join(file);
  let d: Described;
  try {
    d = await describe(db, readable);
  } catch (err) {
    return fileError('read-error', `cannot read as Parquet: ${duckMessage(err)}`, 'is it a Parquet file?');
  }
  const map = mappingOf(d, columns);
  const col = (field: string): string | undefined => {
    const c = map.get(field);
    return c === undefined ? undefined : pathSql(c);
  };
  const typeOf = (field: string) => d.types.get(map.get(field) ?? '');
  const countFields = ['input', 'prompt', 'cacheRead', 'cacheWrite', 'cacheWrite5m', 'cacheWrite1h', 'output', 'reasoning'];
  if (!countFields.some((f) => map.has(f)))
    return fileError(
      'unrecognised-format',
      'no token-count columns in this Parquet file',
      'name the columns as the usage table does (input_tokens, output_tokens, ...) or map them with --map input=COL,output=COL',
    );
  // a count column of text ("120", as some exporters write them) is read as the TypeScript readers read a
  // string count: trimmed digits, blank as absent; other text is a row invalid-count (0.5: the fractional check)
  const mapHint = columns
    ? 'check the names given to --map'
    : 'name the count columns as the usage table does, or map them with --map input=COL,output=COL';
  const countTypes = [...countFields, ...COUNTED_CHARGES.map((c) => c.key), 'requests'].filter((f) => map.has(f));
  for (const f of countTypes) {
    const type = typeOf(f);
    if (type !== undefined && type !== 'VARCHAR' && !NUMBER_TYPE.test(type))
      return fileError(
        'unusable-columns',
        `column ${JSON.stringify(map.get(f))} (${type}) holds ${f === 'requests' ? 'request' : 'token'} counts but is not a number or text`,
        `counts must be numbers or text of digits; ${mapHint}`,
      );
  }
  const countCol = (field: string): string | undefined => {
    const c = col(field);
    if (c === undefined || typeOf(field) !== 'VARCHAR') return c;
    return `(CASE WHEN trim(${c}) = '' THEN NULL WHEN regexp_full_match(trim(${c}), '[0-9]+') AND TRY_CAST(trim(${c}) AS DOUBLE) <= ${Number.MAX_SAFE_INTEGER} THEN TRY_CAST(trim(${c}) AS DOUBLE) ELSE 0.5 END)`;
  };
  const n = (field: string) => {
    const c = countCol(field);
    return c === undefined ? '0' : `COALESCE(${c}, 0)`;
  };
  const cacheRead = n('cacheRead');
  const w1h = n('cacheWrite1h');
  const w5m = map.has('cacheWrite') ? `(${n('cacheWrite')} - ${w1h})` : n('cacheWrite5m');
  const input = map.has('prompt') ? `(${n('prompt')} - ${cacheRead} - ${w5m} - ${w1h})` : n('input');
  // the counts as mapped, each with the checks no row can fail left out (see provenChecks)
  const countChecks = [...countFields, ...COUNTED_CHARGES.map((d) => d.key), 'requests'].filter((f) => map.has(f));
  const proven = await provenChecks(db, readable, d, countChecks.map((f) => map.get(f) as string).concat(map.get('timestamp') ?? []));
  const countSql = (f: string) => (f === 'requests' ? 'i_req' : n(f));
  const negative = countChecks.filter((f) => !proven.nonNegative.has(map.get(f) as string)).map((f) => `${countSql(f)} < 0`);
  const fractional = countChecks
    .filter((f) => !proven.whole.has(map.get(f) as string))
    .map((f) => `${countSql(f)} <> trunc(${countSql(f)})`);
  // a mapped input or 5-minute write is itself a count (checked above): only a derived one can be negative here;
  // an unmapped reasoning count (0) exceeds the output only when that is negative (checked above)
  const inconsistent = [
    ...(map.has('prompt') ? ['i_in < 0'] : []),
    ...(map.has('cacheWrite') ? ['i_w5 < 0'] : []),
    ...(map.has('reasoning') ? ['i_re > i_out'] : []),
  ];
  const time = col('timestamp');
  const timeChecked = time !== undefined && !proven.timesInRange.has(map.get('timestamp') as string);
  const whens = [
    [negative, 'negative-count'],
    [fractional, 'invalid-count'],
    [inconsistent, 'inconsistent-counts'],
    [timeChecked ? [`${time} IS NOT NULL AND (t_ms IS NULL OR t_ms < ${MIN_TIME_MS} OR t_ms > ${MAX_TIME_MS})`] : [], 'invalid-timestamp'],
  ].flatMap(([checks, kind]) => (checks.length ? [`WHEN ${(checks as string[]).join(' OR ')} THEN '${kind}'`] : []));
  // a usage column the file has under its own name, read as it is when no --map is given (PASSTHROUGH)
  const passedThrough = (c: string) => !columns && d.names.has(c);
  // typed even when unmapped: an untyped NULL id made COALESCE(id, 'file:' || line) fail to bind
  const str = (field: string) => {
    const c = col(field);
    return c === undefined ? 'NULL::VARCHAR' : `NULLIF(${c}::VARCHAR, '')`;
  };
  const model = col('model');
  // the file's views: its staged columns with each row's kind, and its rows of the usage table
  const staged = `usage_parquet_${db.inPlaceViews}_staged`;
  const rowsView = `usage_parquet_${db.inPlaceViews}`;
  try {
    await db.run(`CREATE OR REPLACE VIEW ${staged} AS
WITH src AS (
  SELECT file_row_number + 1 AS line, *,
    ${time ? timeSql(time, typeOf('timestamp'), !timeChecked) : 'NULL::BIGINT'} AS t_ms,
    ${input} AS i_in, ${cacheRead} AS i_cr, ${w5m} AS i_w5, ${w1h} AS i_w1, ${n('output')} AS i_out, ${n('reasoning')} AS i_re,
    ${map.has('requests') ? `COALESCE(${countCol('requests')}, 1)` : '1'} AS i_req
  FROM read_parquet(${lit(readable)}, file_row_number = true)
)
SELECT line,
  ${
    whens.length
      ? `CASE
    ${[...whens, "ELSE 'record'"].join('\n    ')}
  END`
      : "'record'"
  } AS kind,
  ${str('id')} AS id_text,
  ${model ? `COALESCE(NULLIF(trim(${model}::VARCHAR), ''), ${lit(NO_MODEL)})` : lit(NO_MODEL)} AS model,
  ${model ? `${model}::VARCHAR` : 'NULL::VARCHAR'} AS model_raw,
  ${str('provider')} AS provider, ${str('serviceTier')} AS service_tier,
  t_ms AS time_ms,
  -- the mapped count and time columns as written: read only by the query naming a rejected row's column
  ${[...countTypes, ...(time ? ['timestamp'] : [])].map((f) => `${col(f)}::VARCHAR AS ${quoteIdent(`raw_${f}`)},`).join(' ')}
  i_in::BIGINT AS input_tokens, i_cr::BIGINT AS cache_read_tokens, i_w5::BIGINT AS cache_write_5m_tokens, i_w1::BIGINT AS cache_write_1h_tokens,
  i_out::BIGINT AS output_tokens, i_re::BIGINT AS reasoning_tokens, i_req::BIGINT AS requests,
  ${COUNTED_CHARGES.map((d) => `${n(d.key)}::BIGINT AS ${d.column}`).join(', ')},
  ${str('conversation')} AS conversation_id, ${col('turn') ? `TRY_CAST(${col('turn')} AS INTEGER)` : 'NULL'} AS turn,
  ${str('feature')} AS feature, ${str('customer')} AS customer, ${str('user')} AS user_id, ${str('outcome')} AS outcome,
  ${map.has('tag.prompt') ? str('tag.prompt') : 'NULL'} AS prompt,
  ${PASSTHROUGH.map((c) => (passedThrough(c) ? `${quoteIdent(c)} AS ${c}` : `NULL AS ${c}`)).join(', ')}
FROM src`);
  } catch (err) {
    return fileError(
      'unusable-columns',
      `cannot read the mapped columns: ${duckMessage(err)}`,
      `token counts must be numbers or text of digits; ${mapHint}`,
    );
  }
  const counts: SqlLoad['counts'] = { read: 0, counted: 0, skipped: {}, rejected: {} };
  // the row check also finds the first and last time of the records (at no measurable cost)
  const times: number[] = [];
  for (const r of await db.query(
    `SELECT kind, count(*) AS n, min(time_ms) AS first_ms, max(time_ms) AS last_ms FROM ${staged} GROUP BY kind ORDER BY kind`,
  )) {
    counts.read += Number(r.n);
    if (r.kind === 'record') {
      counts.counted = Number(r.n);
      for (const t of [r.first_ms, r.last_ms]) if (t !== null) times.push(Number(t));
    } else counts.rejected[String(r.kind)] = Number(r.n);
  }
  // the route keys (model as the file spells it, provider, regional flag) of every row, rejected
  // ones too (a key without records prices nothing): on the model column alone, which the scan reads
  // as a dictionary, ~0.1 CPU s for 10M rows where grouping on the kind as well costs ~0.5 s more
  const hasRegional = !columns && d.names.has('regional');
  const keyCols = ['model_raw', ...(map.has('provider') ? ['provider'] : []), ...(hasRegional ? ['regional'] : [])];
  const raws = (await db.query(`SELECT DISTINCT ${keyCols.join(', ')} FROM ${staged}`)).map((r) => ({
    raw: r.model_raw === null ? null : String(r.model_raw),
    provider: r.provider === null || r.provider === undefined ? null : String(r.provider),
    regional: r.regional === null || r.regional === undefined ? null : Boolean(r.regional),
  }));
  // every raw model id present and without surrounding whitespace: the model is the column itself
  // (no trim per row at each query), and the route keys and time span are known without a scan of the rows
  const clean = model !== undefined && raws.every((r) => r.raw !== null && /^\S(?:.*\S)?$/s.test(r.raw));
  const facts: InPlaceFacts | undefined = clean
    ? {
        routes: raws.map((r) => ({ model: r.raw as string, provider: r.provider, regional: r.regional })),
        firstMs: minOf(times) ?? null,
        lastMs: maxOf(times) ?? null,
        // from the mapping: columns it leaves out are NULL (no tier, not fast) or 1 (requests) in every row
        rows: {
          serviceTiers: map.has('serviceTier'),
          fast: !columns && d.names.has('fast'),
          otherRequests: map.has('requests'),
          everyCustomer: await everyRowHas(db, readable, d, map.get('customer')),
          everyUser: await everyRowHas(db, readable, d, map.get('user')),
          turns: map.has('turn'),
          conversations: map.has('conversation'),
          // the counts the mapping leaves out (their SQL the literal 0), and `estimated` when the file has none
          zero: [
            ...Object.entries({
              input_tokens: input,
              cache_read_tokens: cacheRead,
              cache_write_5m_tokens: w5m,
              cache_write_1h_tokens: w1h,
              output_tokens: n('output'),
              reasoning_tokens: n('reasoning'),
              ...Object.fromEntries(COUNTED_CHARGES.map((d) => [d.column, n(d.key)])),
            }).flatMap(([c, sql]) => (sql === '0' ? [c] : [])),
            ...(passedThrough('estimated') ? [] : ['estimated']),
          ],
        },
      }
    : undefined;
  const rows = counts.read;
  // the rejected rows become issues at file:row: the first DEFAULT_MAX_ISSUES (the session lists no
  // more), the others counted as left out, so the note on the issues not listed counts them all
  let issuesLeftOut = 0;
  if (counts.counted < rows) {
    const rawCols = [...countTypes, ...(time ? ['timestamp'] : [])].map((f) => quoteIdent(`raw_${f}`));
    const bad = await db.query(
      `SELECT line, kind, ${rawCols.join(', ')} FROM ${staged} WHERE kind <> 'record' ORDER BY line LIMIT ${DEFAULT_MAX_ISSUES}`,
    );
    issuesLeftOut = rows - counts.counted - bad.length;
    for (const r of bad) {
      const code = String(r.kind);
      // the column that failed and what it holds, as the TypeScript readers name them
      const raw = (f: string): string | null => (r[`raw_${f}`] === null || r[`raw_${f}`] === undefined ? null : String(r[`raw_${f}`]));
      const failed =
        code === 'negative-count' || code === 'invalid-count'
          ? countTypes.find((f) => countFails(code, raw(f), typeOf(f) === 'VARCHAR'))
          : code === 'invalid-timestamp'
            ? 'timestamp'
            : undefined;
      const column = failed === undefined ? undefined : (map.get(failed) as string);
      issues.push({
        severity: 'error',
        code,
        file,
        line: Number(r.line),
        path: column,
        message:
          column === undefined || failed === undefined
            ? (REJECT_MESSAGES[code] ?? code)
            : failed === 'timestamp'
              ? `${column} is not a valid timestamp (1990 to 2200) (got ${JSON.stringify(raw(failed))})`
              : `${column} must be a non-negative integer (got ${JSON.stringify(raw(failed))})`,
        hint: 'token counts are whole numbers ≥ 0; with prompt= mapped, cache reads and writes are part of it',
      });
    }
  }
  // views, not tables: the rows are read in place at each report query, which reads only the
  // Parquet columns it needs, so 10 million rows are never copied (nor held) in memory; with no
  // rejected row, the view skips the checks
  const select = stagedSelect(
    db,
    {
      file,
      from: staged,
      span: rows,
      columns: {
        id: `COALESCE(s.id_text, ${lit(`${file}:`)} || s.line::VARCHAR)`,
        estimated: 'COALESCE(s.estimated, false)',
        requests: 's.requests',
        ...(clean ? { model: 's.model_raw' } : {}),
      },
      // every other usage column is staged under its own name
      stageColumns: USAGE_COLUMNS.map((c) => c.name).filter((c) => !['seq', 'id', 'source_file', 'source_line'].includes(c)),
    },
    counts.counted < rows ? "s.kind = 'record'" : '',
  );
  await db.run(`CREATE OR REPLACE VIEW ${rowsView} AS\n${select}`);
  db.addInPlace(rowsView, rows, facts);
  return { format: 'parquet', counts, issues, issuesLeftOut, view: rowsView };
}

/** Whether a count column's value (as text; NULL: absent) fails the row check `code`: text as loadParquet reads it, numbers as they are. */
function countFails(code: 'negative-count' | 'invalid-count', raw: string | null, text: boolean): boolean {
  if (raw === null) return false;
  // text read as a string count is (ingest/formats/values.ts): one that is no count reads as 0.5 (invalid-count), never negative
  if (text) return code === 'invalid-count' && Number.isNaN(parseCount(raw));
  const n = Number(raw.trim());
  return code === 'negative-count' ? n < 0 : !Number.isInteger(n);
}

const REJECT_MESSAGES: Readonly<Record<string, string>> = {
  'negative-count': 'a token or request count is negative',
  'invalid-count': 'a token or request count is not a whole number',
  'inconsistent-counts':
    'the parts exceed the total (cache reads and writes above prompt, cacheWrite1h above cacheWrite, or reasoning above output)',
  'invalid-timestamp': 'the time is not a valid timestamp (1990 to 2200)',
};
