/**
 * SQL readers: DuckDB reads high-volume formats itself (`read_json`, `read_parquet`, gzip
 * included) straight into the usage table, with the TypeScript readers' bucket semantics, skips and
 * dedupe. The engine offers each input file here first (`loadWithSql`); a file no SQL reader takes,
 * or one with a record the SQL cannot read exactly as the TypeScript reader does, answers
 * 'fallback' and is read by the TypeScript reader, which places every rejection at file:line.
 * Parquet has no TypeScript reader: it is read here only (parquet.ts). Generic CSV: csv.ts. LiteLLM
 * spend logs (CSV and JSONL): litellm.ts. Generic JSONL with a mapping: generic-jsonl.ts.
 */
import { stat } from 'node:fs/promises';
import { detectCsv, detectJson, DETECT_VALUES, forcedFormat } from '../../ingest/detect.js';
import { GENERIC_NAME } from '../../ingest/formats/generic.js';
import { LITELLM_NAME } from '../../ingest/formats/litellm.js';
import type { IngestOptions } from '../../ingest/types.js';
import { isParquetName } from '../../ingest/inputs.js';
import type { UsageDb } from '../duckdb.js';
import { loadGenericCsv } from './csv.js';
import { csvHead } from './csv-scan.js';
import { loadGenericJsonl } from './generic-jsonl.js';
import { loadLiteLLMCsv, loadLiteLLMJsonl } from './litellm.js';
import { readAsPattern, textBytes, type SqlLoad } from './load.js';
import { loadClaudeCode } from './claude-code.js';
import { loadOpenAI } from './openai.js';
import { loadParquet } from './parquet.js';
import { firstValues } from './scan.js';

export type { SqlLoad } from './load.js';

const JSONL = /\.(jsonl|ndjson)(\.gz)?$/i;
const CSV = /\.(csv|tsv)(\.gz)?$/i;

/**
 * The text below which the command reads a file by the TypeScript readers (EngineEnv.sqlFromBytes):
 * an SQL read costs some 15-30 ms a file in statements, and its rows stay a view of their own that
 * every report query unions. A directory of 5,000 two-line files took 80 s (765 MB) that way, 4 s
 * by the TypeScript readers; those read about a megabyte in that time.
 */
export const SQL_FROM_BYTES = 1 << 20;

/** Whether `file` is too small for an SQL read to pay (its text under `fromBytes`; Parquet: never, it has no TypeScript reader). */
export async function smallForSql(file: string, fromBytes: number): Promise<boolean> {
  if (fromBytes <= 0 || isParquetName(file)) return false;
  return (await textBytes(file)) < fromBytes;
}

/** Clears the staging tables of the last file. */
async function dropStage(db: UsageDb): Promise<void> {
  await db.run('DROP TABLE IF EXISTS sr_stage; DROP TABLE IF EXISTS sr_dupes; DROP TABLE IF EXISTS sr_models');
  await db.dropCompressedStaging();
}

/**
 * Reads one input file with an SQL reader into the usage table, or answers 'fallback' (nothing
 * was inserted) for the TypeScript reader to read it.
 */
export async function loadWithSql(db: UsageDb, file: string, options: IngestOptions): Promise<SqlLoad | 'fallback'> {
  // text kept for simulation, and attribution paths from the config, are the TypeScript reader's
  if (isParquetName(file)) return loadParquet(db, file, options.columns).finally(() => dropStage(db));
  if (options.keepText || options.attribution) return 'fallback';
  // a named pipe (or a device) can be read once: a look at its head here would take lines the
  // TypeScript reader never sees, and its second open would wait for a writer that has gone
  if (!(await regularFile(file))) return 'fallback';
  // DuckDB's readers take a name as a glob pattern (a[1].jsonl reads a1.jsonl) and ~ as the home folder
  if (readAsPattern(file)) return 'fallback';
  if (CSV.test(file)) return loadCsv(db, file, options).finally(() => dropStage(db));
  if (!JSONL.test(file)) return 'fallback';
  // a --map reads the generic format (forcedFormat), as the TypeScript reader does
  let forced: string | undefined;
  try {
    forced = forcedFormat(options)?.name;
  } catch {
    return 'fallback'; // an unknown --input-format: the TypeScript reader says so
  }
  if (forced === GENERIC_NAME && options.columns) return loadGenericJsonl(db, file, options.columns).finally(() => dropStage(db));
  if (forced !== undefined && !JSONL_READERS.has(forced)) return 'fallback';
  const head = await firstValues(file, DETECT_VALUES).catch(() => undefined);
  if (!head || head.length === 0) return 'fallback';
  const read = JSONL_READERS.get(forced ?? detectJson(head)?.name ?? '');
  if (!read) return 'fallback';
  try {
    return await read(db, file);
  } finally {
    await dropStage(db);
  }
}

/** Whether `file` is a regular file (a link followed): a pipe, socket or device is read once, by the TypeScript reader. */
async function regularFile(file: string): Promise<boolean> {
  return stat(file).then(
    (info) => info.isFile(),
    () => false,
  );
}

/** JSONL formats read by SQL, by the TypeScript reader's name. */
const JSONL_READERS = new Map<string, (db: UsageDb, file: string) => Promise<SqlLoad | 'fallback'>>([
  ['openai', loadOpenAI],
  [LITELLM_NAME, loadLiteLLMJsonl],
]);

/** A CSV file by the format its header is detected (or forced) as: generic or LiteLLM. */
async function loadCsv(db: UsageDb, file: string, options: IngestOptions): Promise<SqlLoad | 'fallback'> {
  const head = await csvHead(file).catch(() => undefined);
  if (!head) return 'fallback';
  const forced = forcedFormat(options);
  const adapter = forced ? forced.csv : detectCsv(head.columns);
  if (adapter?.name === GENERIC_NAME) return loadGenericCsv(db, file, head, options);
  if (adapter?.name === LITELLM_NAME) return loadLiteLLMCsv(db, file, head, options);
  return 'fallback';
}

/**
 * Reads all input files at once with an SQL reader (Claude Code transcripts: their dedupe spans
 * files), or answers 'fallback' (nothing was inserted) for them to be read file by file. Taken only
 * when every file is JSONL that the TypeScript detection reads as Claude Code.
 */
export async function loadAllWithSql(db: UsageDb, files: readonly string[], options: IngestOptions): Promise<SqlLoad | 'fallback'> {
  // a forced format or a --map reads through the TypeScript reader's forced path
  if (files.length === 0 || options.keepText || options.attribution || options.inputFormat !== undefined || options.columns)
    return 'fallback';
  if (!files.every((f) => JSONL.test(f))) return 'fallback';
  // a named pipe can be read once (loadWithSql): not even its head is looked at here
  for (const f of files) if (!(await regularFile(f))) return 'fallback';
  // the first file decides whether to try (the reader checks every file's head while DuckDB reads)
  const head = await firstValues(files[0], DETECT_VALUES).catch(() => undefined);
  if (!head || head.length === 0 || detectJson(head)?.name !== 'claude-code') return 'fallback';
  try {
    return await loadClaudeCode(db, files);
  } finally {
    await dropStage(db);
  }
}
