/**
 * Generic CSV (in-house logs: `--map` / `columns:`, or self-describing names such as
 * `model,input_tokens,output_tokens`) read by DuckDB's `read_csv`, with the rules of the TypeScript
 * reader (src/ingest/formats/generic-convert.ts, counts and times by formats/values.ts).
 *
 * Every column is read as text (`all_varchar`-like explicit VARCHAR columns): a CSV count is text
 * either way, and the TypeScript reader's rules are about that text (" 12" is 12; "12.0", "1e3",
 * "-3" and "+3" are invalid counts; "" is no count), which typed columns blur: a BIGINT column
 * of read_csv reads "12.0" as 12, "1e3" and "1_000" as 1000, "+3" as 3 and "12.5" as 13 without
 * an error (DuckDB 1.5). Reading the text costs little beside checking it. SQL reads a row as a
 * record only when it can prove the TypeScript reader would read the same record: counts of
 * digits, times in the forms listed at `timeMsSql`, known tiers and outcomes in ASCII. Every other row goes through the TypeScript converter itself, row by row, which
 * rejects it with its own message at file:line; should it read a record there instead (a time in
 * another ISO form, counts to estimate from text), the file falls back to the TypeScript reader.
 * So does a file whose rows are not one per line (csv-scan.ts), whose header has a name twice,
 * or whose rows have more or fewer fields than the header (DuckDB stops; the TypeScript reader
 * rejects the row as short-row / long-row).
 */
import { csvFields, GENERIC_NAME, genericCsv } from '../../ingest/formats/generic.js';
import type { ColumnMapping, IngestOptions } from '../../ingest/types.js';
import { FAILURE, SUCCESS } from '../../ingest/formats/values.js';
import { COUNTED_CHARGES } from '../../usage/dimensions.js';
import { NO_MODEL } from '../../usage/record.js';
import { TAG_COLUMNS } from '../../usage/table.js';
import { duckdb } from '../dialect.js';
import type { Row, UsageDb } from '../duckdb.js';
import { type CsvHead, scanCsv } from './csv-scan.js';
import { judgeCsvRows, type Judged } from './judge.js';
import type { LineScan } from './scan.js';
import { readStageInPlace, type SqlLoad } from './load.js';

const lit = duckdb.literal;

/** What JavaScript's String.prototype.trim removes (WhiteSpace and LineTerminator), as code points. */
const JS_SPACE_CODES = [
  0x9, 0xa, 0xb, 0xc, 0xd, 0x20, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a,
  0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff,
];
const JS_SPACE = lit(String.fromCodePoint(...JS_SPACE_CODES));
const SPACE_CLASS = `[${JS_SPACE_CODES.map((c) => `\\x{${c.toString(16)}}`).join('')}]`;
/**
 * A field's text trimmed as JavaScript trims ('' for an empty field). DuckDB's trim with a set of
 * characters costs ~15x a plain read; the regular expression keeps it to the fields that need it.
 */
export const jsTrim = (c: string) =>
  `CASE WHEN ${c} IS NULL THEN '' WHEN regexp_matches(${c}, '^${SPACE_CLASS}|${SPACE_CLASS}$') THEN trim(${c}, ${JS_SPACE}) ELSE ${c} END`;

/**
 * Whether each object at the JSON `paths` of the JSON value `json` has distinct keys (true where a
 * path holds no object): JSON.parse keeps the last copy of a repeated key, DuckDB's JSON functions
 * the first, so a value read from an object with a repeated key is not read as the TypeScript
 * readers read it. One parse of `json` for every path.
 */
export const distinctKeysAt = (json: string, paths: readonly string[]) =>
  `COALESCE(list_bool_and(list_transform(json_keys(${json}, [${paths.map(duckdb.literal).join(', ')}]), ks -> ks IS NULL OR len(ks) = len(list_distinct(ks)))), true)`;

/** Token-count fields, in the order the TypeScript reader reads them. */
const COUNT_FIELDS = ['input', 'prompt', 'cacheRead', 'cacheWrite', 'cacheWrite5m', 'cacheWrite1h', 'output', 'reasoning'];
const TIERS = ['standard', 'default', 'on_demand', 'batch', 'flex', 'priority'];
// normaliseOutcome's words (formats/values.ts): ASCII letters and digits only
const SUCCESS_WORDS = [...SUCCESS];
const OUTCOME_WORDS = [...SUCCESS, ...FAILURE];
/**
 * Whether `text` is one of `words`, as a list lookup rather than `IN (...)`: DuckDB turns a long IN
 * list into a hash join, and a staging plan with a join inserts rows as its threads finish them (a
 * row's rowid is then not its line).
 */
const oneOf = (text: string, words: readonly string[]) => `list_contains([${words.map(lit).join(', ')}], ${text})`;

/** A count's text (trimmed) reads as a safe integer: digits only, at most 2^53 - 1 after leading zeros (up to 15 digits: always). */
export const countOk = (t: string) =>
  `(${t} = '' OR regexp_full_match(${t}, '[0-9]{1,15}') OR (regexp_full_match(${t}, '[0-9]+') AND (length(ltrim(${t}, '0')) < 16 OR (length(ltrim(${t}, '0')) = 16 AND ltrim(${t}, '0') <= '9007199254740991'))))`;

/**
 * Epoch ms of a trimmed time text in the forms read here, NULL for any other (parseTimeMs):
 *   unix seconds (< 1e11) or milliseconds (< 1e14) as up to 14 digits;
 *   YYYY-MM-DD[T ]HH:MM[:SS[.fff...]] (UTC), and with T also with a closing Z: a real day of a
 *   year from 0100, hours to 23, minutes and seconds to 59, the fraction cut to milliseconds as
 *   Date.parse cuts it.
 */
export function timeMsSql(t: string): string {
  const iso = `regexp_full_match(${t}, '[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?Z?') AND NOT (${t}[11] = ' ' AND ends_with(${t}, 'Z'))`;
  const day = `TRY_CAST(${t}[1:10] AS DATE)`;
  // TRY_CAST throughout: a CASE branch may be computed for rows it does not select
  const int = (x: string) => `TRY_CAST(${x} AS INTEGER)`;
  const hh = int(`${t}[12:13]`);
  const mi = int(`${t}[15:16]`);
  const ss = `CASE WHEN ${t}[17] = ':' THEN ${int(`${t}[18:19]`)} ELSE 0 END`;
  const frac = `CASE WHEN ${t}[20] = '.' THEN ${int(`rpad(regexp_extract(${t}, '\\.([0-9]{1,3})', 1), 3, '0')`)} ELSE 0 END`;
  const whole = `TRY_CAST(${t} AS BIGINT)`;
  // the canonical form first (most logs write it): one pattern (hours to 23, minutes and seconds to 59: DuckDB's
  // cast reads 24:00 as the next day), one cast of the whole text (it checks the day); no substring (each cost
  // as much as the pattern)
  const canonical = `length(${t}) = 24 AND regexp_full_match(${t}, '[0-9]{4}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]\\.[0-9]{3}Z')`;
  return `CASE
    WHEN ${t} = '' THEN NULL
    WHEN ${canonical} THEN CASE WHEN ${t} >= '0100' THEN epoch_ms(TRY_CAST(${t} AS TIMESTAMP)) END
    WHEN regexp_full_match(${t}, '[0-9]{1,14}') THEN CASE WHEN ${whole} < 100000000000 THEN ${whole} * 1000 ELSE ${whole} END
    WHEN ${iso} AND ${int(`${t}[1:4]`)} >= 100 AND ${day} IS NOT NULL AND ${hh} <= 23 AND ${mi} <= 59 AND ${ss} <= 59
      THEN (${day} - DATE '1970-01-01')::BIGINT * 86400000 + ((${hh} * 60 + ${mi}) * 60 + ${ss}) * 1000 + ${frac}
  END`;
}

/** Tag names that would not keep their place in a JSON object built in JavaScript (array indices come first) or in a plain object. */
export const AWKWARD_TAG = /^(0|[1-9][0-9]*|__proto__)$/;

/** Reads a generic CSV file (header `head`, detected or forced as generic), or answers 'fallback' for the TypeScript reader. */
export async function loadGenericCsv(db: UsageDb, file: string, head: CsvHead, options: IngestOptions): Promise<SqlLoad | 'fallback'> {
  const names = head.columns.map((c) => c.trim().toLowerCase()).filter((c) => c !== '');
  if (new Set(names).size !== names.length) return 'fallback'; // the TypeScript reader warns which column it reads
  let fields: { mapping: ColumnMapping; index: Map<string, number> };
  try {
    fields = csvFields(head.columns, options.columns);
  } catch {
    return 'fallback'; // unusable header: the TypeScript reader says why
  }
  if (Object.keys(fields.mapping).some((f) => f.startsWith('tag.') && AWKWARD_TAG.test(f.slice(4)))) return 'fallback';
  const columns = head.columns.map((_, i) => `c${i}: 'VARCHAR'`).join(', ');
  const from = `read_csv(${lit(file)}, header = true, delim = ${lit(head.delimiter)}, quote = '"', escape = '"', columns = {${columns}},
    auto_detect = false, strict_mode = true)`;
  const used = [...new Set(fields.index.values())];
  return loadGenericRows(db, file, { from, firstLine: 2 }, fields, scanCsv(file, head.delimiter), (each) =>
    judgeCsvRows(each, file, head.columns, used, options, genericCsv),
  );
}

/**
 * Reads the rows of a generic file (CSV or JSONL) from `source` while `scan` checks its lines: the
 * rows SQL does not read as records are `judge`d (their skips and rejections), or the file falls back.
 */
export async function loadGenericRows(
  db: UsageDb,
  file: string,
  source: GenericSource,
  fields: { mapping: ColumnMapping; index: Map<string, number> },
  scan: Promise<LineScan>,
  judge: (each: (visit: (rows: Row[]) => void) => Promise<void>) => Promise<Judged | 'fallback'>,
): Promise<SqlLoad | 'fallback'> {
  // the rows are staged (in parallel, in read order) and numbered by their place in the staged
  // table: a row number computed in the read (row_number() OVER ()) made DuckDB read and check every
  // row on one thread (150 MB of CSV: 4.9 s instead of 2.1 s). The staged table is the file's rows,
  // read in place by the usage view (no second copy of them). DuckDB keeps read order only for a plan
  // of projections and filters over the read (no join, no aggregate): test/engine/sql-read-order.test.ts
  // checks the plan of every SQL reader's stage
  const stage = stageSql(source, fields);
  try {
    await db.run(`CREATE OR REPLACE TABLE sr_stage AS\n${stage.sql}`);
  } catch (err) {
    if (process.env.TOKENOMICS_DEBUG_SQL) console.error(err);
    await scan.catch(() => undefined);
    return 'fallback';
  }
  const { lines, plain } = await scan;
  const [shape] = await db.query(`SELECT count(*) AS n, count(*) FILTER (WHERE kind = 'record') AS records FROM sr_stage`);
  const rows = lines - (source.firstLine - 1);
  // the header and one line per row: no quoted line break, no empty line
  if (!plain || Number(shape.n) !== rows) return 'fallback';
  const records = Number(shape.records);
  // the rows SQL did not read, judged a chunk at a time: a file of millions of rejected rows is never held whole
  const others = `SELECT rowid + ${source.firstLine} AS line, ${stage.raw} FROM sr_stage WHERE kind <> 'record' ORDER BY rowid`;
  const judged =
    records < rows
      ? await judge((visit) => db.eachRows(others, visit))
      : { counts: { read: 0, counted: 0, skipped: {}, rejected: {} }, issues: [], issuesLeftOut: 0 };
  if (judged === 'fallback') return 'fallback';
  const copies = await readStageInPlace(db, 'generic', {
    file,
    firstLine: source.firstLine,
    span: lines,
    columns: {
      ...stage.constants,
      id: stage.staged.includes('id_text') ? `COALESCE(s.id_text, ${lit(`${file}:`)} || s.line)` : `${lit(`${file}:`)} || s.line`,
    },
    stageColumns: stage.staged,
  });
  judged.counts.read = rows;
  judged.counts.counted = records;
  // (copies: the cross-file check marks a row of a mapped id repeated in another file `duplicate`)
  return { format: GENERIC_NAME, counts: judged.counts, issues: judged.issues, issuesLeftOut: judged.issuesLeftOut, copies };
}

/**
 * Where the rows of a generic file come from: `from` yields one text column `c<i>` per column (CSV)
 * or mapped path (JSONL) `i` of `fields.index`, and, when `exact` names it, a boolean column that is
 * false for a row SQL cannot read exactly; the first row is on line `firstLine`.
 */
export interface GenericSource {
  from: string;
  firstLine: number;
  exact?: string;
}

/** A generic file's rows as SQL to stage (stageSql). */
export interface GenericStage {
  /** The rows in read order: `kind` 'record' (read exactly) or 'other' (the TypeScript converter decides), `raw` (the others' mapped fields as text), then the `staged` usage columns. */
  sql: string;
  /** The usage columns no mapped field gives: the same SQL (no column in it) for every row, so not staged (`id_text`: none, the id is the file:line). */
  constants: Record<string, string>;
  staged: string[];
  /** A select list of the staged `raw` as the columns `raw<i>` of the file's column `i` (judgeCsvRows). */
  raw: string;
}

/** Staged text that takes one of a few values is an ENUM (one byte a row). */
// ('duplicate': set by the cross-file check, engine/cross-file.ts, after the file is read)
const KINDS = `ENUM('record', 'other', 'duplicate')`;

/** The rows as SQL (GenericStage). */
export function stageSql(source: GenericSource, fields: { mapping: ColumnMapping; index: Map<string, number> }): GenericStage {
  const { mapping, index } = fields;
  const col = (i: number) => `c${i}`;
  const used = [...new Set(index.values())].sort((a, b) => a - b);
  const has = (f: string) => index.has(f);
  // t_<field>: the trimmed text ('' when empty); n_<field>: a count's value
  const t = (f: string) => (has(f) ? `"t_${f}"` : `''`);
  const n = (f: string) => (has(f) ? `"n_${f}"` : 'NULL');
  const s = (f: string) => (has(f) ? `NULLIF(${t(f)}, '')` : 'NULL::VARCHAR');
  const numbered = [...COUNT_FIELDS, ...COUNTED_CHARGES.map((d) => d.key), 'requests', 'turn'].filter(has);
  // one pattern per row finds a field with a space at an edge (few rows have one): only then is each field trimmed
  const joined = `concat_ws(chr(31), ${used.map(col).join(', ')})`;
  const edged = `regexp_matches(${joined}, '(^|\\x{1f})${SPACE_CLASS}|${SPACE_CLASS}(\\x{1f}|$)')`;
  const trimmed = [...index.keys()].map((f) => {
    const c = col(index.get(f)!);
    return `CASE WHEN edged THEN ${jsTrim(c)} ELSE COALESCE(${c}, '') END AS "t_${f}"`;
  });
  const cr = `COALESCE(${n('cacheRead')}, 0)`;
  const w1 = `COALESCE(${n('cacheWrite1h')}, 0)`;
  const w5 = has('cacheWrite') ? `COALESCE(${n('cacheWrite')} - ${w1}, ${n('cacheWrite5m')}, 0)` : `COALESCE(${n('cacheWrite5m')}, 0)`;
  const input = has('prompt') ? `COALESCE(${n('prompt')}, 0) - i_cr - i_w5 - i_w1` : `COALESCE(${n('input')}, 0)`;
  const missing = COUNT_FIELDS.filter(has).map((f) => `${n(f)} IS NULL`);
  const tier = t('serviceTier');
  const outcome = t('outcome');
  const tagFields = Object.keys(mapping).filter((f) => f.startsWith('tag.'));
  const tagOver = (name: string, base: string) => (has(`tag.${name}`) ? `COALESCE(${s(`tag.${name}`)}, ${base})` : base);
  const otherTags = tagFields.filter((f) => !Object.hasOwn(TAG_COLUMNS, f.slice(4)));
  const tagsJson =
    otherTags.length === 0
      ? 'NULL::VARCHAR'
      : `CASE WHEN ${otherTags.map((f) => `${s(f)} IS NULL`).join(' AND ')} THEN NULL ELSE '{' || concat_ws(',', ${otherTags
          .map((f) => `CASE WHEN ${s(f)} IS NOT NULL THEN ${lit(`${JSON.stringify(f.slice(4))}:`)} || to_json(${s(f)})::VARCHAR END`)
          .join(', ')}) || '}' END`;
  const record = [
    ...(source.exact ? [source.exact] : []),
    // one pattern over the counts joined (a comma inside a count adds a field: no match), each count alone only when it fails
    ...(numbered.length > 0
      ? [
          `CASE WHEN regexp_full_match(concat_ws(',', ${numbered.map(t).join(', ')}), '[0-9]{0,15}(,[0-9]{0,15}){${numbered.length - 1}}') THEN true ELSE ${numbered.map((f) => countOk(t(f))).join(' AND ')} END`,
        ]
      : []),
    missing.length > 0 ? `NOT (${missing.join(' AND ')})` : 'false',
    'i_w5 >= 0',
    'i_in >= 0',
    'i_re <= i_out',
    `(${t('timestamp')} = '' OR i_time IS NOT NULL)`,
    `(${tier} = '' OR (regexp_full_match(${tier}, '[A-Za-z_]+') AND ${oneOf(`lower(${tier})`, TIERS)}))`,
    `(${n('requests')} IS NULL OR ${n('requests')} >= 1)`,
    `(${n('turn')} IS NULL OR ${n('turn')} BETWEEN 1 AND 2147483647)`,
    `(${outcome} = '' OR (regexp_full_match(${outcome}, '[A-Za-z0-9]+') AND ${oneOf(`lower(${outcome})`, OUTCOME_WORDS)}))`,
  ];
  const anyOf = (...names: string[]) => names.some(has);
  // each usage column the rows give: its SQL, and whether it varies (a field it reads is mapped);
  // one that does not is a constant of the view (constant SQL: no staged name in it), not staged
  const columns: Array<[name: string, sql: string, varies: boolean]> = [
    ['id_text', s('id'), has('id')],
    ['model', `COALESCE(${s('model')}, ${lit(NO_MODEL)})`, has('model')],
    ['provider', s('provider'), has('provider')],
    [
      'service_tier',
      `CASE WHEN ${tier} = '' THEN NULL WHEN lower(${tier}) IN ('default', 'on_demand') THEN 'standard' ELSE lower(${tier}) END`,
      has('serviceTier'),
    ],
    ['time_ms', has('timestamp') ? 'i_time' : 'NULL::BIGINT', has('timestamp')],
    ['input_tokens', anyOf('prompt', 'input') ? 'i_in' : '0', anyOf('prompt', 'input')],
    ['cache_read_tokens', has('cacheRead') ? 'i_cr' : '0', has('cacheRead')],
    ['cache_write_5m_tokens', anyOf('cacheWrite', 'cacheWrite5m') ? 'i_w5' : '0', anyOf('cacheWrite', 'cacheWrite5m')],
    ['cache_write_1h_tokens', has('cacheWrite1h') ? 'i_w1' : '0', has('cacheWrite1h')],
    ['output_tokens', has('output') ? 'i_out' : '0', has('output')],
    ['reasoning_tokens', has('reasoning') ? 'i_re' : '0', has('reasoning')],
    ['requests', `COALESCE(${n('requests')}, 1)`, has('requests')],
    ...COUNTED_CHARGES.map((d): [string, string, boolean] => [d.column, `COALESCE(${n(d.key)}, 0)`, has(d.key)]),
    ['conversation_id', s('conversation'), has('conversation')],
    ['turn', `TRY_CAST(${n('turn')} AS INTEGER)`, has('turn')],
    ['feature', tagOver('feature', s('feature')), anyOf('feature', 'tag.feature')],
    ['customer', tagOver('customer', s('customer')), anyOf('customer', 'tag.customer')],
    ['user_id', tagOver('user', s('user')), anyOf('user', 'tag.user')],
    [
      'outcome',
      tagOver('outcome', `CASE WHEN ${oneOf(`lower(${outcome})`, SUCCESS_WORDS)} THEN 'success' WHEN ${outcome} <> '' THEN 'failure' END`),
      anyOf('outcome', 'tag.outcome'),
    ],
    ['prompt', s('tag.prompt'), has('tag.prompt')],
    ['tags', tagsJson, otherTags.length > 0],
  ];
  const staged = columns.filter(([, , varies]) => varies);
  const sql = `WITH rows AS (
  SELECT *, ${edged} AS edged FROM ${source.from}
), src AS (
  SELECT ${used.map(col).join(', ')}, ${source.exact ? `${source.exact}, ` : ''}${trimmed.join(', ')}
  FROM rows
), valued AS (
  SELECT *, ${numbered.map((f) => `TRY_CAST(${t(f)} AS BIGINT) AS "n_${f}"`).join(', ') || '1 AS n_none'}
  FROM src
), computed AS (
  SELECT *, ${cr} AS i_cr, ${w1} AS i_w1, ${w5} AS i_w5, COALESCE(${n('output')}, 0) AS i_out, COALESCE(${n('reasoning')}, 0) AS i_re,
    ${has('timestamp') ? timeMsSql(t('timestamp')) : 'NULL::BIGINT'} AS i_time
  FROM valued
), inputs AS (
  SELECT *, ${input} AS i_in FROM computed
), classified AS (
  SELECT *, CASE WHEN ${record.join(' AND ')} THEN 'record' ELSE 'other' END AS kind FROM inputs
)
SELECT CAST(kind AS ${KINDS}) AS kind,
  -- the raw text of a row SQL did not read (the TypeScript converter's input), one list: a column each was most of the stage's memory
  CASE WHEN kind <> 'record' THEN [${used.map(col).join(', ')}] END AS raw,
  ${staged.map(([name, sql]) => `${sql} AS ${name}`).join(',\n  ')}
FROM classified`;
  return {
    sql,
    constants: Object.fromEntries(columns.filter(([, , varies]) => !varies).map(([name, sql]) => [name, sql])),
    staged: staged.map(([name]) => name),
    raw: used.map((i, k) => `raw[${k + 1}] AS raw${i}`).join(', '),
  };
}
