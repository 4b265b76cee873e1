/**
 * The export itself (export.ts registers the command): rows staged in embedded DuckDB as they are
 * read, written with its COPY, then moved into place. Loaded only when `export` runs, so `--help`
 * never loads DuckDB.
 */
import { chmodSync, createReadStream, createWriteStream, mkdtempSync, renameSync, statSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { checkCreatable, describeWriteError, syncDir, writePlan, type WritePlan } from '../../core/atomic-write.js';
import { BIGINT, BOOLEAN, DuckDBDataChunk, INTEGER, VARCHAR, type DuckDBType } from '@duckdb/node-api';
import { UserError } from '../../core/issues.js';
import { removeTemporary, temporary } from '../../core/temporaries.js';
import { engineFailure, UsageDb } from '../../engine/duckdb.js';
import { EngineError } from '../../engine/errors.js';
import { FOCUS_COLUMNS, focusRows, PLAIN_COLUMNS, plainRow, type ExportColumn } from '../../engine/export-rows.js';
import { runPipeline } from '../../pipeline/stream.js';
import { reasonTotal } from '../../ingest/types.js';
import { cardWarningsOf } from '../../aggregate/view.js';
import { formatInt } from '../../report/cells.js';
import { pricingWarningText } from '../../report/usage-sections.js';
import { fileWarnings, ingestWarnings, nothingReadError } from '../../report/ingest-warnings.js';
import { inert } from '../../core/untrusted.js';
import type { CellValue, SqlType } from '../../usage/table.js';
import type { CommandContext } from '../context.js';
import { fileFormatOf, type ExportOptions } from './export.js';

const TYPES: Record<SqlType, DuckDBType> = { BIGINT, INTEGER, VARCHAR, BOOLEAN };
const CHUNK = 2048;

/** Appends rows to a staging table a chunk at a time. */
class Stage {
  private rows: CellValue[][] = [];
  count = 0;
  constructor(
    private readonly append: (chunk: DuckDBDataChunk) => void,
    private readonly columns: ExportColumn[],
  ) {}
  add(rows: CellValue[][]): void {
    for (const r of rows) {
      this.rows.push(r);
      this.count++;
      if (this.rows.length >= CHUNK) this.flush();
    }
  }
  flush(): void {
    if (this.rows.length === 0) return;
    const chunk = DuckDBDataChunk.create(
      this.columns.map((c) => TYPES[c.type]),
      this.rows.length,
    );
    chunk.setColumns(
      this.columns.map((c, i) => this.rows.map((r) => (r[i] !== null && c.type === 'BIGINT' ? BigInt(r[i] as number) : r[i]))) as never,
    );
    this.append(chunk);
    this.rows = [];
  }
}

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

const WRITE_HINT = 'check the path and its permissions, or write elsewhere';

/** An engine or system error's message without the engine's wrapping ("query failed: IO Error: ..."). */
const errorText = (err: unknown): string => String((err as Error)?.message ?? err).replace(/^.*?IO Error: /s, '');

export async function exportUsage(ctx: CommandContext, file: string, inputs: string[], opts: ExportOptions): Promise<number> {
  const format = fileFormatOf(file, opts.fileFormat);
  if (!statSync(dirname(file) || '.', { throwIfNoEntry: false })?.isDirectory())
    throw new UserError(`cannot write ${file}: its directory does not exist`, 'create the directory first, or write elsewhere');
  // as every file tokenomics writes: a symbolic link written through, a FIFO or device written as it is, an
  // existing file's mode kept (core/atomic-write.ts); DuckDB writes the rows to a temporary file first
  let plan: WritePlan;
  try {
    plan = writePlan(file);
    // a place that takes no new file (a read-only or pseudo file system) is said now, not after reading every log
    if (!('direct' in plan)) checkCreatable(plan.tmp);
  } catch (err) {
    throw new UserError(`cannot write ${file}: ${describeWriteError(err)}`, WRITE_HINT);
  }
  const columns = opts.focus ? FOCUS_COLUMNS : PLAIN_COLUMNS;
  // DuckDB spills the staged rows to a temporary directory of its own beyond the memory limit
  // (default: a quarter of RAM, at most 400 MiB), as report does; removed afterwards
  const tempDirectory = temporary(mkdtempSync(join(ctx.io.env.TMPDIR || tmpdir(), 'tokenomics-duckdb-')));
  let db: UsageDb;
  try {
    db = await UsageDb.open({ memoryLimit: opts.memoryLimit, tempDirectory });
  } catch (err) {
    removeTemporary(tempDirectory);
    throw err;
  }
  // a FIFO or device: the rows go to a file of the temporary directory, then are copied to it
  const tmp = temporary('direct' in plan ? join(tempDirectory, `export.${format}`) : plan.tmp);
  try {
    await db.run(`CREATE TABLE export_rows (${columns.map((c) => `"${c.name}" ${c.type}`).join(', ')})`);
    const appender = await db.connection.createAppender('export_rows');
    const stage = new Stage((chunk) => {
      try {
        appender.appendDataChunk(chunk);
      } catch (err) {
        // (out of memory under a small --memory-limit: an engine error with its hint, not an internal one)
        throw engineFailure('cannot stage the rows to export', err);
      }
    }, columns);
    const nowMs = ctx.io.now();
    let seq = 0;
    let unpriced = 0;
    let undated = 0;
    const cardWarnings = new Map<string, number>();
    const result = await runPipeline(ctx, inputs, { keepText: false, inputFormat: opts.inputFormat, map: opts.map }, (r, card) => {
      if (!card) unpriced++;
      else for (const w of card.warnings) cardWarnings.set(w, (cardWarnings.get(w) ?? 0) + r.requests);
      if (opts.focus) {
        if (card && r.timeMs === undefined) undated++;
        if (card) stage.add(focusRows(r, card, nowMs));
      } else stage.add([plainRow(r, card, seq)]);
      seq++;
    });
    stage.flush();
    try {
      appender.closeSync();
    } catch (err) {
      throw engineFailure('cannot stage the rows to export', err);
    }
    // nothing read and a file error says why: no empty file is written (exit 2)
    const nothingRead = nothingReadError(result.ingest.counts, result.ingest.issues, ctx.strict);
    if (nothingRead) throw nothingRead;
    const select = columns.map((c) => `${c.out ? c.out(`"${c.name}"`, format) : `"${c.name}"`} AS "${c.name}"`).join(', ');
    const how = format === 'parquet' ? 'FORMAT PARQUET' : format === 'csv' ? 'FORMAT CSV, HEADER' : 'FORMAT JSON';
    try {
      await db.run(`COPY (SELECT ${select} FROM export_rows) TO ${sqlString(tmp)} (${how})`);
      if ('direct' in plan) await pipeline(createReadStream(tmp), createWriteStream(plan.direct));
      else {
        chmodSync(tmp, plan.mode & ~process.umask());
        renameSync(tmp, plan.target);
        syncDir(dirname(plan.target));
      }
    } catch (err) {
      const why = (err as NodeJS.ErrnoException).code ? describeWriteError(err) : errorText(err);
      // the engine's own hint where it has one (out of memory: raise --memory-limit), not one about the path
      throw new UserError(`cannot write ${file}: ${why}`, err instanceof EngineError && err.hint ? err.hint : WRITE_HINT);
    }
    const c = result.ingest.counts;
    // counted + skipped + rejected = read, each said
    const skipped = reasonTotal(c.skipped);
    const rejected = reasonTotal(c.rejected);
    const others = [skipped ? `${formatInt(skipped)} skipped` : '', rejected ? `${formatInt(rejected)} rejected` : '']
      .filter(Boolean)
      .join(', ');
    ctx.info(
      `wrote ${formatInt(stage.count)} ${opts.focus ? 'FOCUS charge rows' : 'rows'} to ${inert(file, 500)} (${format}; ${formatInt(c.counted)} records of ${formatInt(c.read)} read${others ? `; ${others}` : ''})`,
    );
    // the costs written used these fallbacks, as a report on the same logs says
    for (const [w, requests] of cardWarningsOf(cardWarnings)) ctx.warn(pricingWarningText(w, requests));
    if (unpriced)
      ctx.warn(
        `${formatInt(unpriced)} record${unpriced === 1 ? '' : 's'} of unpriced models ${opts.focus ? 'left out (a FOCUS charge needs a cost)' : 'exported with no cost (not $0)'}`,
      );
    if (undated)
      ctx.warn(
        `${formatInt(undated)} record${undated === 1 ? '' : 's'} without a time charged in the hour of this run (a FOCUS charge needs a charge period; priced at today's prices too)`,
      );
    for (const w of ingestWarnings(c, result.ingest.issues)) ctx.warn(w.message);
    for (const w of fileWarnings(result.ingest.issues)) ctx.warn(w);
    return 0;
  } finally {
    removeTemporary(tmp);
    db.close();
    removeTemporary(tempDirectory);
  }
}
