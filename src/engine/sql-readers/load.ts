/**
 * The shared end of every SQL reader: a staged table `sr_stage` (one row per line or record, its
 * `kind` being 'record' or a skip reason) becomes rows of the usage table, numbered after the rows
 * already there (`seq` is arrival order: the line, so a skipped line leaves a gap in the numbers), and the counts
 * the run reports (read = counted + skipped + rejected; a rejected row has kind `rejected:CODE`).
 */
import { open, stat } from 'node:fs/promises';
import type { FileRead } from '../../ingest/index.js';
import type { IngestCounts } from '../../ingest/types.js';
import { NO_MODEL } from '../../usage/record.js';
import { USAGE_COLUMNS } from '../../usage/table.js';
import { COUNTED_CHARGES } from '../../usage/dimensions.js';
import { duckdb } from '../dialect.js';
import type { UsageDb } from '../duckdb.js';
import { ZERO_CANDIDATES } from '../price-map.js';

/** A file an SQL reader read: its format (as the TypeScript reader names it), counts, and rejected rows at file:row (Parquet only: the JSONL readers fall back instead). */
export interface SqlLoad extends FileRead {
  /** The view of the file's rows, read in place (Parquet: none when the file could not be read). */
  view?: string;
  /** Where a record of the view can be skipped as a copy of another file's (engine/cross-file.ts): readers of formats with request ids. */
  copies?: InPlaceCopies;
}

/** The rows of a file read in place, as the cross-file check marks a copy `duplicate` (engine/cross-file.ts). */
export interface InPlaceCopies {
  /** The view of the file's records (usage columns). */
  view: string;
  /** Its staged table, whose `kind` the view reads only 'record' of. */
  table: string;
  /** The line of the staged table's first row (a row's line is its rowid + firstLine). */
  firstLine: number;
}

/** Column defaults of a row no reader column fills (an unset UsageRecord field). */
const DEFAULTS: Readonly<Record<string, string>> = {
  requests: '1',
  estimated: 'false',
  cache_write_1h_tokens: '0',
  // per-call charges (web searches, ...): none unless a reader stages them
  ...Object.fromEntries(COUNTED_CHARGES.map((d) => [d.column, '0'])),
};

export interface StagedInsert {
  file: string;
  /** The staged rows (default sr_stage). */
  from?: string;
  /** Joins of the staged rows `s` (e.g. the model map). */
  join?: string;
  /** SQL per usage column; columns absent here are read from `s` when `stageColumns` has them. */
  columns: Record<string, string>;
  /** Staged columns named like usage columns (default: every name the OpenAI stage has). */
  stageColumns?: readonly string[];
  /** SQL for a staged row's line (default `s.line`). */
  line?: string;
  /** Rows the file had (lines, or rows of a table): `seq` of the next file starts after them (default: the rows inserted). */
  span?: number;
}

const OPENAI_STAGE = [
  'time_ms',
  'service_tier',
  'fast',
  'input_tokens',
  'cache_read_tokens',
  'cache_write_5m_tokens',
  'output_tokens',
  'reasoning_tokens',
  'outcome',
];

/**
 * The staged records as rows of the usage table: every usage column in order, typed as the table
 * types it (`seq` numbered after the rows already there). `where` filters the staged rows (default:
 * the records; '' when every staged row is one).
 */
export function stagedSelect(db: UsageDb, spec: StagedInsert, where = "s.kind = 'record'"): string {
  const stage = new Set(spec.stageColumns ?? OPENAI_STAGE);
  const base = db.rows;
  const line = spec.line ?? 's.line';
  const values = USAGE_COLUMNS.map(({ name, type }) => {
    const value = (): string => {
      // arrival order without a sort: the line, after the rows already there (skipped lines leave gaps)
      if (name === 'seq') return `${base} + ${line} - 1`;
      if (name === 'source_file') return spec.columns.source_file ?? duckdb.literal(spec.file);
      if (name === 'source_line') return spec.columns.source_line ?? line;
      if (Object.hasOwn(spec.columns, name)) return spec.columns[name];
      if (stage.has(name)) return `s.${name}`;
      return DEFAULTS[name] ?? 'NULL';
    };
    return `CAST(${value()} AS ${type}) AS ${name}`;
  });
  return `SELECT ${values.join(', ')}
FROM ${spec.from ?? 'sr_stage'} s ${spec.join ?? ''}${where ? `\nWHERE ${where}` : ''}`;
}

/** The ZERO_CANDIDATES a staged select (`spec`) writes as a constant 0 (`estimated`: false): neither staged nor given by the reader. */
export function constantZeros(spec: Pick<StagedInsert, 'stageColumns' | 'columns'>): string[] {
  const stage = new Set(spec.stageColumns ?? OPENAI_STAGE);
  return ZERO_CANDIDATES.filter(
    (c) => !stage.has(c) && !Object.hasOwn(spec.columns, c) && (DEFAULTS[c] === '0' || (c === 'estimated' && DEFAULTS[c] === 'false')),
  );
}

/**
 * Reads the staged table `sr_stage` in place (no second copy of its rows): renamed
 * `usage_<reader>_<n>_lines`, its records become the usage columns through the view
 * `usage_<reader>_<n>` (stagedSelect; a row's line, `s.line`, is its rowid after `firstLine` - 1:
 * the stage keeps read order), added to the usage table with the facts of one grouped pass over it
 * (UsageDb.factsOf). `span`: the lines the file had.
 */
export async function readStageInPlace(
  db: UsageDb,
  reader: string,
  spec: Pick<StagedInsert, 'file' | 'columns' | 'stageColumns'> & { firstLine: number; span: number },
): Promise<InPlaceCopies> {
  const name = `usage_${reader}_${db.inPlaceViews}`;
  await db.run(`ALTER TABLE sr_stage RENAME TO ${name}_lines`);
  const from = `(SELECT rowid + ${spec.firstLine} AS line, * FROM ${name}_lines)`;
  await db.run(`CREATE OR REPLACE VIEW ${name} AS\n${stagedSelect(db, { ...spec, from })}`);
  db.addInPlace(name, spec.span, await db.factsOf(name));
  return { view: name, table: `${name}_lines`, firstLine: spec.firstLine };
}

/**
 * `sr_dupes`: the later copies of each request a staged file holds twice (same id, model and time, the key the
 * TypeScript readers' dedupe takes: adapters/openai.ts dedupeKey, formats/litellm.ts): the rowid of each later copy
 * and its distance in rows from the first, for the reader to mark `duplicate` when every distance is within the
 * TypeScript reader's window (else the file falls back). Keys are grouped by their 64-bit hash first: a hash table of
 * numbers, not of every id's text (at 1 GB the text one was the peak of memory); only keys whose hash repeats are
 * compared as text. NOT MATERIALIZED: read twice, the CTE was a copy of every id.
 */
export const repeatedRequestsSql = (stage: string, id: string, model: string): string => `CREATE OR REPLACE TABLE sr_dupes AS
WITH ids AS NOT MATERIALIZED (SELECT rowid AS r, ${id}, ${model}, time_ms, hash(${id}, ${model}, time_ms) AS h
  FROM ${stage} WHERE kind = 'record' AND ${id} IS NOT NULL),
repeated AS (SELECT h FROM ids GROUP BY h HAVING count(*) > 1),
copies AS (SELECT r, r - min(r) OVER (PARTITION BY ${id}, ${model}, time_ms) AS gap FROM ids WHERE h IN (SELECT h FROM repeated))
SELECT r, gap FROM copies WHERE gap > 0`;

export { readAsPattern } from '../dialect.js';

/**
 * Whether text starts with U+FEFF: DuckDB's Node client decodes each string it hands back with a
 * TextDecoder, which drops a leading byte-order mark, so such a model id read back no longer matches
 * itself in the model map (its rows were lost or doubled): the file is the TypeScript reader's.
 */
export const BOM_FIRST = (col: string) => `starts_with(${col}, chr(65279))`;

/** Inserts the staged records; advances `db.rows` past them (`spec.span`) and answers how many rows it inserted. */
export async function insertStaged(db: UsageDb, spec: StagedInsert): Promise<number> {
  const [row] = await db.query(`INSERT INTO usage (${USAGE_COLUMNS.map((c) => c.name).join(', ')})\n${stagedSelect(db, spec)}`);
  const inserted = Number(Object.values(row ?? {})[0] ?? 0);
  db.rows += spec.span ?? inserted;
  return inserted;
}

/** The run's counts for the staged file: every staged row is counted or skipped by its kind. */
export async function sqlCounts(db: UsageDb, read: number): Promise<IngestCounts> {
  const rows = await db.query(`SELECT kind, count(*) AS n FROM sr_stage GROUP BY kind ORDER BY kind`);
  return countsOf(read, new Map(rows.map((r) => [String(r.kind), Number(r.n)])));
}

/**
 * The run's counts from the number of staged rows of each kind, in the order of `kinds` (the
 * order of `ORDER BY kind`: an ENUM's order, or a text's); a kind with no row is left out.
 */
export function countsOf(read: number, kinds: ReadonlyMap<string, number>): IngestCounts {
  const counts: IngestCounts = { read, counted: 0, skipped: {}, rejected: {} };
  for (const [kind, n] of kinds) {
    if (n === 0) continue;
    if (kind === 'record') counts.counted = n;
    else if (kind.startsWith('rejected:')) counts.rejected[kind.slice(9)] = n;
    else counts.skipped[kind] = n;
  }
  return counts;
}

/**
 * `sr_models`: each distinct raw model id of the staged records (`from`, kind 'record'; or given,
 * distinct) with the model it is counted under (blank or missing: NO_MODEL) and, when `providerOf` is given, its
 * provider. Model ids resolve in TypeScript on the distinct ids, as the TypeScript readers do per line.
 */
export async function loadModelMap(
  db: UsageDb,
  from: ReadonlyArray<string | null>,
  providerOf?: (model: string) => string,
): Promise<Array<{ raw: string | null; model: string; provider?: string }>>;
export async function loadModelMap(
  db: UsageDb,
  from: string,
  providerOf?: (model: string) => string,
): Promise<Array<{ raw: string | null; model: string; provider?: string }> | undefined>;
export async function loadModelMap(
  db: UsageDb,
  from: string | ReadonlyArray<string | null>,
  providerOf?: (model: string) => string,
): Promise<Array<{ raw: string | null; model: string; provider?: string }> | undefined> {
  let raws: ReadonlyArray<string | null>;
  if (typeof from !== 'string') raws = from;
  else {
    const rows = await db.query(`SELECT DISTINCT model_raw, ${BOM_FIRST('model_raw')} AS bom FROM ${from} WHERE kind = 'record'`);
    if (rows.some((r) => r.bom === true)) return undefined;
    raws = rows.map((r) => (r.model_raw === null ? null : String(r.model_raw)));
  }
  const columns = [
    { name: 'model_raw', type: 'VARCHAR' as const },
    { name: 'model', type: 'VARCHAR' as const },
    ...(providerOf ? [{ name: 'provider', type: 'VARCHAR' as const }] : []),
  ];
  const models = raws.map((raw) => {
    const model = raw === null || raw.trim() === '' ? NO_MODEL : raw;
    return { raw, model, provider: providerOf?.(model) };
  });
  await db.loadTable(
    'sr_models',
    columns,
    models.map(({ raw, model, provider }) => (provider === undefined ? [raw, model] : [raw, model, provider])),
  );
  return models;
}

/**
 * The bytes of text a file holds (0 when it cannot be read: the read then says why): a gzip file's
 * from its trailer (the size of its last member's text modulo 2^32), taken as no bound at all when
 * that is less than the file itself (text over 4 GiB, or several members).
 */
export async function textBytes(file: string): Promise<number> {
  try {
    const { size } = await stat(file);
    if (!file.endsWith('.gz') || size < 18) return size;
    const handle = await open(file);
    try {
      const trailer = Buffer.alloc(4);
      await handle.read(trailer, 0, 4, size - 4);
      const text = trailer.readUInt32LE(0);
      return text >= size ? text : Number.POSITIVE_INFINITY;
    } finally {
      await handle.close();
    }
  } catch {
    return 0;
  }
}
