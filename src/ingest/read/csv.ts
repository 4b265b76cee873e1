/**
 * CSV reading with csv-parse in arrays mode. To keep the per-row cost at csv-parse's own, chunks are fed
 * to the parser's push API directly (no object-mode stream in between); the row's line number is
 * csv-parse's line counter when the row completes.
 */
import { isUtf8 } from 'node:buffer';
import { Parser } from 'csv-parse';

export interface CsvSink {
  /** The header row. Return false to stop reading the file. */
  header(columns: string[], line: number): boolean;
  row(row: string[], line: number): void;
  bad(code: string, message: string, line: number, hint?: string): void;
}

interface ParserApi {
  parse(buf: Buffer | undefined, end: boolean, push: (record: string[]) => void, close: () => void): Error | undefined;
}
interface ParserInternals {
  api: ParserApi;
  info: { lines: number };
}

/** Delimiter of a header line: the most frequent of `,` `\t` `;` `|`, or undefined when none occurs. */
export function sniffDelimiter(headerLine: string): string | undefined {
  let best: string | undefined;
  let bestCount = 0;
  for (const d of [',', '\t', ';', '|']) {
    const count = headerLine.split(d).length - 1;
    if (count > bestCount) {
      best = d;
      bestCount = count;
    }
  }
  return best;
}

export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

/** Stream CSV chunks into `sink`. Throws CsvSyntaxError on a syntax error csv-parse cannot recover from. */
export async function readCsv(chunks: AsyncIterable<Buffer>, delimiter: string, sink: CsvSink, isStopped: () => boolean): Promise<void> {
  const parser = new Parser({ delimiter, relax_column_count: true, relax_quotes: true, bom: true, skip_empty_lines: true }) as unknown as ParserInternals;
  let headerSeen = false;
  let checkUtf8 = false;
  let stop = false;
  const push = (record: string[]): void => {
    if (stop) return;
    const line = parser.info.lines;
    if (checkUtf8 && record.some((f) => f.includes('\uFFFD'))) {
      sink.bad('invalid-utf8', 'row is not valid UTF-8', line, 're-encode the file as UTF-8 (e.g. iconv -f latin1 -t utf-8)');
      return;
    }
    if (headerSeen) sink.row(record, line);
    else {
      headerSeen = true;
      if (!sink.header(record, line)) stop = true;
    }
  };
  const close = (): void => {};
  for await (const chunk of chunks) {
    if (!checkUtf8 && !isUtf8(chunk)) checkUtf8 = true;
    const err = parser.api.parse(chunk, false, push, close);
    if (err) throw new CsvSyntaxError(err.message, parser.info.lines);
    if (stop || isStopped()) return;
  }
  const err = parser.api.parse(undefined, true, push, close);
  if (err) throw new CsvSyntaxError(err.message, parser.info.lines);
}
