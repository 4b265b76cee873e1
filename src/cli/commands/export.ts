/**
 * `tokenomics export FILE [inputs...]`: normalized, priced usage rows as Parquet, CSV or JSONL
 * (format from the extension or --file-format), or FOCUS rows with --focus. Rows are staged in
 * embedded DuckDB as they are read and written with its COPY (Parquet with DECIMAL costs), then
 * the file is moved into place, so a failed export never leaves half a file.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { BIGINT, BOOLEAN, DuckDBDataChunk, INTEGER, VARCHAR, type DuckDBType } from '@duckdb/node-api';
import type { Command } from 'commander';
import { UserError } from '../../core/issues.js';
import { UsageDb } from '../../engine/duckdb.js';
import { FOCUS_COLUMNS, focusRows, PLAIN_COLUMNS, plainRow, type ExportColumn } from '../../engine/export-rows.js';
import { listFormats } from '../../ingest/index.js';
import { runPipeline } from '../../pipeline/stream.js';
import { formatInt } from '../../report/cells.js';
import type { CellValue, SqlType } from '../../usage/table.js';
import type { CommandContext } from '../context.js';
import type { Runner } from '../main.js';

interface ExportOptions {
  fileFormat?: string;
  focus?: boolean;
  inputFormat?: string;
  map?: string;
}

const FORMATS = ['parquet', 'csv', 'jsonl'] as const;
type FileFormat = (typeof FORMATS)[number];

export function fileFormatOf(file: string, given: string | undefined): FileFormat {
  if (given !== undefined) {
    const f = given.toLowerCase();
    if (!(FORMATS as readonly string[]).includes(f)) throw new UserError(`--file-format "${given}" is not one of ${FORMATS.join(', ')}`);
    return f as FileFormat;
  }
  const ext = /\.(parquet|csv|jsonl|ndjson)$/i.exec(file)?.[1].toLowerCase();
  if (!ext)
    throw new UserError(
      `cannot tell the file format of "${file}" from its extension`,
      'name it .parquet, .csv or .jsonl, or give --file-format',
    );
  return ext === 'ndjson' ? 'jsonl' : (ext as FileFormat);
}

export function registerExport(program: Command, run: Runner): void {
  program
    .command('export')
    .description('write normalized, priced usage rows (one per request) as Parquet, CSV or JSONL; --focus for FOCUS cost and usage rows')
    .argument('<file>', 'output file (.parquet, .csv, .jsonl)')
    .argument('<inputs...>', 'log files, directories, glob patterns, .gz files, or - for stdin')
    .option('--file-format <format>', `file format instead of the extension's (${FORMATS.join(', ')})`)
    .option('--focus', 'FOCUS columns: one charge row per request and token bucket (BilledCost, ConsumedQuantity in Tokens, …)')
    .option(
      '--input-format <name>',
      `force a log format (${listFormats()
        .map((f) => f.name)
        .join(', ')})`,
    )
    .option('--map <spec>', 'column mapping for generic CSV/JSONL, e.g. model=llm_model,input=tokens_in,output=tokens_out')
    .addHelpText(
      'after',
      `
Examples:
  $ tokenomics export usage.parquet logs/
  $ tokenomics export usage.csv fixtures/demo
  $ tokenomics export focus.parquet logs/ --focus

Costs are exact decimals (USD, 15 places) from the catalog's billed prices; unpriced requests have
no cost (and no FOCUS row), never $0. What-if results are never exported as FOCUS rows.`,
    )
    .action(
      run((ctx, cmd) => exportUsage(ctx, cmd.processedArgs[0] as string, cmd.processedArgs[1] as string[], cmd.opts<ExportOptions>())),
    );
}

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

async function exportUsage(ctx: CommandContext, file: string, inputs: string[], opts: ExportOptions): Promise<number> {
  const format = fileFormatOf(file, opts.fileFormat);
  if (!existsSync(dirname(file) || '.'))
    throw new UserError(`cannot write ${file}: its directory does not exist`, 'create the directory first, or write elsewhere');
  const columns = opts.focus ? FOCUS_COLUMNS : PLAIN_COLUMNS;
  const db = await UsageDb.open();
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    await db.run(`CREATE TABLE export_rows (${columns.map((c) => `"${c.name}" ${c.type}`).join(', ')})`);
    const appender = await db.connection.createAppender('export_rows');
    const stage = new Stage((chunk) => appender.appendDataChunk(chunk), columns);
    const nowMs = ctx.io.now();
    let seq = 0;
    let unpriced = 0;
    const result = await runPipeline(ctx, inputs, { keepText: false, inputFormat: opts.inputFormat, map: opts.map }, (r, card) => {
      if (!card) unpriced++;
      if (opts.focus) {
        if (card) stage.add(focusRows(r, card, nowMs));
      } else stage.add([plainRow(r, card, seq)]);
      seq++;
    });
    stage.flush();
    appender.closeSync();
    const select = columns.map((c) => `${c.out ? c.out(`"${c.name}"`) : `"${c.name}"`} AS "${c.name}"`).join(', ');
    const how = format === 'parquet' ? 'FORMAT PARQUET' : format === 'csv' ? 'FORMAT CSV, HEADER' : 'FORMAT JSON';
    await db.run(`COPY (SELECT ${select} FROM export_rows) TO ${sqlString(tmp)} (${how})`);
    renameSync(tmp, file);
    const c = result.ingest.counts;
    ctx.info(
      `wrote ${formatInt(stage.count)} ${opts.focus ? 'FOCUS charge rows' : 'rows'} to ${file} (${format}; ${formatInt(c.counted)} records of ${formatInt(c.read)} read)`,
    );
    if (unpriced)
      ctx.warn(
        `${formatInt(unpriced)} record${unpriced === 1 ? '' : 's'} of unpriced models ${opts.focus ? 'left out (a FOCUS charge needs a cost)' : 'exported with no cost (not $0)'}`,
      );
    const rejected = Object.values(c.rejected).reduce((n, v) => n + v, 0);
    const first = result.ingest.issues.find((i) => i.severity === 'error');
    if (rejected)
      ctx.warn(
        `${formatInt(rejected)} record${rejected === 1 ? '' : 's'} rejected as invalid${first?.file ? `; first at ${first.file}${first.line ? `:${first.line}` : ''}: ${first.message}` : ''}; --strict makes this an error`,
      );
    return 0;
  } finally {
    rmSync(tmp, { force: true });
    db.close();
  }
}
