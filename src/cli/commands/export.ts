/**
 * `tokenomics export FILE [inputs...]`: normalized, priced usage rows as Parquet, CSV or JSONL
 * (format from the extension or --file-format), or FOCUS rows with --focus. Rows are staged in
 * embedded DuckDB as they are read and written with its COPY (Parquet with DECIMAL costs), then
 * the file is moved into place, so a failed export never leaves half a file.
 */
import type { Command } from 'commander';
import { UserError } from '../../core/issues.js';
import { listFormats } from '../../ingest/index.js';
import type { Runner } from '../main.js';

export interface ExportOptions {
  fileFormat?: string;
  focus?: boolean;
  inputFormat?: string;
  map?: string;
  memoryLimit?: string;
}

const FORMATS = ['parquet', 'csv', 'jsonl'] as const;
type FileFormat = (typeof FORMATS)[number];

export function fileFormatOf(file: string, given: string | undefined): FileFormat {
  if (given !== undefined) {
    const f = given.toLowerCase();
    if (!(FORMATS as readonly string[]).includes(f))
      throw new UserError(
        `--file-format "${given}" is not one of ${FORMATS.join(', ')}`,
        `e.g. --file-format csv, or drop it and name the file .parquet, .csv or .jsonl`,
      );
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

/**
 * The rows go to the FILE argument, nowhere else: `-` is not standard output (it would be a file
 * named `-` in the current directory), and `-o` would be ignored while the rows went to FILE.
 */
function refuseOutputs(file: string, output: string | undefined): void {
  if (file === '-')
    throw new UserError(
      'export writes a file, not standard output: "-" would be a file named -',
      'name the file, e.g. tokenomics export usage.csv LOGS (then cat usage.csv)',
    );
  if (output !== undefined)
    throw new UserError(
      `-o/--output does not apply to export: the rows go to its first argument (${file})`,
      `drop -o, or give its file first: tokenomics export ${output} LOGS`,
    );
}

export function registerExport(program: Command, run: Runner): void {
  program
    .command('export')
    .description('write normalized, priced usage rows (one per request) as Parquet, CSV or JSONL; --focus for FOCUS cost and usage rows')
    .argument('<file>', 'output file (.parquet, .csv, .jsonl)')
    .argument('<inputs...>', 'log files, directories, glob patterns, .gz files, or - for stdin')
    .option('--file-format <format>', `file format instead of the extension's (${FORMATS.join(', ')})`)
    .option(
      '--focus',
      'FOCUS columns: one charge row per request and token bucket or priced per-call charge (BilledCost, ConsumedQuantity in Tokens, …)',
    )
    .option(
      '--input-format <name>',
      `force a log format (${listFormats()
        .map((f) => f.name)
        .join(', ')})`,
    )
    .option('--map <spec>', 'column mapping for generic CSV/JSONL, e.g. model=llm_model,input=tokens_in,output=tokens_out')
    .option(
      '--memory-limit <size>',
      'memory the SQL engine may use for the staged rows before it spills to a temporary directory (e.g. 512MB, 2GB; default: a quarter of RAM, at most 400 MiB)',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ tokenomics export usage.parquet fixtures/demo
  $ tokenomics export usage.csv fixtures/demo
  $ tokenomics export focus.parquet fixtures/demo --focus

Costs are exact decimals (USD, 15 places) from the catalog's billed prices;
unpriced requests have no cost (and no FOCUS row), never $0. What-if results
are never exported as FOCUS rows.`,
    )
    .action(
      run(async (ctx, cmd) => {
        const file = cmd.processedArgs[0] as string;
        refuseOutputs(file, cmd.optsWithGlobals<{ output?: string }>().output);
        return (await import('./export-run.js')).exportUsage(ctx, file, cmd.processedArgs[1] as string[], cmd.opts<ExportOptions>());
      }),
    );
}
