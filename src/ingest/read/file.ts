/**
 * Read one decoded byte stream: decide its shape from the first bytes (JSONL, a whole JSON document, or
 * CSV), and feed values/rows to a handler. File-level problems (empty, binary, too large) are reported
 * through the handler; byte-level failures (I/O, gzip) surface as ReadError from the chunk iterator.
 */
import { isUtf8 } from 'node:buffer';
import { readCsv, sniffDelimiter, type CsvSink } from './csv.js';
import { type ArrayEnd, JsonArraySplitter } from './json-array.js';
import { DEFAULT_MAX_LINE_BYTES, JsonLineSplitter, type LineSink } from './lines.js';
import type { Severity } from '../../core/issues.js';
import { prepend } from './source.js';
import { jsonErrorMessage, jsonErrorPlace } from '../../core/json-error.js';

export type FileShape = 'empty' | 'binary' | 'jsonl' | 'json' | 'csv' | 'too-large';

export interface ReadHandler extends LineSink, CsvSink {
  /** A whole-file JSON document (top-level array or object). */
  document(doc: unknown): void;
  fileIssue(severity: Severity, code: string, message: string, hint?: string): void;
  /** True once the handler wants no more input (e.g. the format was not recognised). */
  readonly stopped: boolean;
  /**
   * A large page object read record by record: whether its first records read better each inside a
   * one-record copy of the page (`{...envelope, [key]: [record]}`) or bare. Default: inside the page.
   */
  pageForm?(envelope: Record<string, unknown>, key: string, sample: readonly unknown[]): 'page' | 'record';
}

export interface ReadLimits {
  maxLineBytes?: number;
  /** A top-level array larger than this is read element by element (tests lower it). */
  streamArrayBytes?: number;
  maxDocumentBytes?: number;
  /** Said instead of "empty file" when the source is empty (stdin: what it really is, e.g. /dev/null). */
  emptyNote?: string;
}

/** Whole-document JSON is parsed as one string; V8 strings top out just above 512 MiB. */
export const DEFAULT_MAX_DOCUMENT_BYTES = 512 * 1024 * 1024 - 1024;

const HEAD_BYTES = 1024 * 1024;
/** From this size a top-level JSON array is streamed: below it a whole parse is faster and the same. */
export const STREAM_ARRAY_MIN_BYTES = 8 * 1024 * 1024;
const BINARY_SCAN_BYTES = 64 * 1024;

export async function readDecoded(chunks: AsyncIterable<Buffer>, handler: ReadHandler, limits: ReadLimits = {}): Promise<FileShape> {
  const iterator = chunks[Symbol.asyncIterator]();
  const head = await readHead(iterator);
  if (head.length === 0) {
    if (limits.emptyNote)
      handler.fileIssue(
        'warning',
        'empty-input',
        limits.emptyNote,
        'did the command before | fail? --strict makes an empty standard input an error',
      );
    else handler.fileIssue('info', 'empty-file', 'empty file');
    return 'empty';
  }
  const nul = head.subarray(0, BINARY_SCAN_BYTES).indexOf(0);
  if (nul !== -1 && !jsonlBeforeNul(head, nul)) {
    await iterator.return?.();
    const [message, hint] = binaryVerdict(head, nul);
    handler.fileIssue('error', 'binary-file', message, hint);
    return 'binary';
  }
  const rest = prepend(head, iterator);
  const shape = decideShape(head);
  if (shape === 'csv') {
    await readCsv(rest, sniffDelimiter(firstTextLine(head)) ?? ',', handler, () => handler.stopped);
    return 'csv';
  }
  if (shape === 'json') return readDocument(rest, handler, limits);
  await readJsonLines(rest, handler, limits.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
  return 'jsonl';
}

/**
 * Whether a head with a NUL byte at `nul` is a JSONL log with a corrupt line (a crash or a disk fault
 * leaves NUL bytes in a log being written) rather than binary content: its first line, before the
 * NUL, is a JSON object. Such a file is read, and each line holding a NUL is rejected at file:line
 * (lines.ts), as one further on always was. Parquet, UTF-16 and compressed files start otherwise
 * (binaryVerdict names them), and so does binary content.
 */
function jsonlBeforeNul(head: Buffer, nul: number): boolean {
  const end = head.indexOf(10);
  if (end === -1 || end > nul) return false;
  const first = head.subarray(0, end > 0 && head[end - 1] === 13 ? end - 1 : end);
  if (first[0] !== 0x7b || !isUtf8(first)) return false;
  try {
    const value: unknown = JSON.parse(first.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/** Compressed formats other than gzip, by their magic numbers (only gzip is read compressed). */
const COMPRESSED: ReadonlyArray<[string, number[], string]> = [
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd], 'zstd -dc'],
  ['bzip2', [0x42, 0x5a, 0x68], 'bzip2 -dc'],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], 'xz -dc'],
  ['zip', [0x50, 0x4b, 0x03, 0x04], 'unzip -p'],
];

/**
 * Why a head with a NUL byte (at `nul`) is not read, and what to do: a Parquet file, UTF-16 text, a
 * compressed file of another kind than gzip, or else binary content, named by the NUL's byte offset
 * and line (a stray NUL in a text log is found with that).
 */
function binaryVerdict(head: Buffer, nul: number): [string, string] {
  // Parquet (its magic number first) is read by its name: the reader is chosen by the .parquet extension
  if (head.subarray(0, 4).toString('latin1') === 'PAR1')
    return [
      'not a text file (a Parquet file, by its first bytes)',
      'name it with the .parquet extension: Parquet files are read by that name',
    ];
  // iconv reads the byte order mark under UTF-16 (without one it would take big-endian)
  const utf16 = (from: string) => `re-encode it as UTF-8 (iconv -f ${from} -t UTF-8 FILE > FILE.utf8), or save it as UTF-8`;
  // FF FE / FE FF: a byte order mark; else ASCII text in UTF-16 has a NUL in every other byte
  if (head[0] === 0xff && head[1] === 0xfe) return ['not UTF-8: UTF-16 LE text (byte order mark FF FE)', utf16('UTF-16')];
  if (head[0] === 0xfe && head[1] === 0xff) return ['not UTF-8: UTF-16 BE text (byte order mark FE FF)', utf16('UTF-16')];
  if (head.length >= 4 && head[1] === 0 && head[3] === 0 && head[0] !== 0 && head[2] !== 0)
    return ['not UTF-8: UTF-16 LE text, by its bytes', utf16('UTF-16LE')];
  if (head.length >= 4 && head[0] === 0 && head[2] === 0 && head[1] !== 0 && head[3] !== 0)
    return ['not UTF-8: UTF-16 BE text, by its bytes', utf16('UTF-16BE')];
  for (const [name, magic, command] of COMPRESSED)
    if (magic.every((b, i) => head[i] === b))
      return [
        `not a text file: ${name}-compressed, by its first bytes`,
        `decompress it first (${command} FILE > FILE.out; or pipe it in: ${command} FILE | tokenomics ... -); only gzip (.gz) is read compressed`,
      ];
  let line = 1;
  for (let i = head.indexOf(10); i !== -1 && i < nul; i = head.indexOf(10, i + 1)) line++;
  return [
    `not a text file: NUL byte at offset ${nul} (line ${line})`,
    "expected JSONL, JSON or CSV (optionally gzipped); a NUL byte in the first 64 KiB refuses the file as binary unless its first line is a JSON object (a JSONL log, whose lines with a NUL are rejected one by one; to drop them: tr -d '\\000' < FILE > FILE.txt)",
  ];
}

/** Collect chunks until the first line is complete or HEAD_BYTES are in; strip a UTF-8 BOM. */
async function readHead(iterator: AsyncIterator<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for (;;) {
    const next = await iterator.next();
    if (next.done) break;
    parts.push(next.value);
    size += next.value.length;
    if (size >= HEAD_BYTES || next.value.includes(10)) break;
  }
  let head = parts.length === 1 ? parts[0] : Buffer.concat(parts, size);
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) head = head.subarray(3);
  return head;
}

function lineEnd(buf: Buffer, from = 0): number {
  const nl = buf.indexOf(10, from);
  return nl === -1 ? buf.length : nl;
}

/** The first line of `head` with more than blanks on it (blank lines before a CSV header are skipped, as the CSV reader skips them). */
function firstTextLine(head: Buffer): string {
  let start = 0;
  for (;;) {
    const end = lineEnd(head, start);
    const line = head.toString('utf8', start, end);
    if (line.trim() !== '' || end >= head.length) return line;
    start = end + 1;
  }
}

function firstNonSpace(buf: Buffer): number {
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return c;
  }
  return -1;
}

/**
 * `[` starts a document. `{` starts JSONL when the first line parses on its own, else a (pretty-printed)
 * document. Anything else is CSV when the first line has a delimiter, else JSONL (lines are then rejected
 * one by one).
 */
export function decideShape(head: Buffer): 'jsonl' | 'json' | 'csv' {
  const c = firstNonSpace(head);
  if (c === 0x5b) return 'json';
  const end = lineEnd(head);
  if (c === 0x7b) {
    if (end === head.length) return 'jsonl';
    try {
      JSON.parse(head.toString('utf8', 0, end));
      return 'jsonl';
    } catch {
      return 'json';
    }
  }
  const firstLine = firstTextLine(head);
  return sniffDelimiter(firstLine) !== undefined && !/^\s*["']?[[{]/.test(firstLine) ? 'csv' : 'jsonl';
}

async function readJsonLines(chunks: AsyncIterable<Buffer>, handler: ReadHandler, maxLineBytes: number): Promise<void> {
  const splitter = new JsonLineSplitter(handler, maxLineBytes);
  for await (const chunk of chunks) {
    splitter.push(chunk);
    if (handler.stopped) return;
  }
  splitter.end();
}

async function readDocument(chunks: AsyncIterable<Buffer>, handler: ReadHandler, limits: ReadLimits): Promise<FileShape> {
  const maxBytes = limits.maxDocumentBytes ?? DEFAULT_MAX_DOCUMENT_BYTES;
  const streamFrom = limits.streamArrayBytes ?? STREAM_ARRAY_MIN_BYTES;
  const parts: Buffer[] = [];
  let size = 0;
  const iterator = chunks[Symbol.asyncIterator]();
  for (;;) {
    const next = await iterator.next();
    if (next.done) break;
    const chunk = next.value;
    size += chunk.length;
    if (size > streamFrom && firstNonSpace(parts[0] ?? chunk) === 0x5b) {
      parts.push(chunk);
      return readArrayStream(parts, iterator, handler, limits);
    }
    if (size > streamFrom && firstNonSpace(parts[0] ?? chunk) === 0x7b) {
      const head = Buffer.concat([...parts, chunk]);
      const page = pageArray(head);
      if (page) {
        parts.length = 0; // the head holds a copy
        return readPageStream(head, page, iterator, handler, limits);
      }
    }
    if (size > maxBytes) {
      const isObject = firstNonSpace(parts[0] ?? chunk) === 0x7b;
      handler.fileIssue(
        'error',
        'document-too-large',
        `JSON document is larger than ${maxBytes} bytes${isObject ? ' and has no array of records near its start to read one by one' : ''}`,
        isObject
          ? "convert it to JSONL first, one record per line, e.g. jq -c '.data[]' file.json > file.jsonl (name the key that holds the records)"
          : "convert it to JSONL first, e.g. jq -c '.[]' file.json > file.jsonl",
      );
      return 'too-large';
    }
    parts.push(chunk);
  }
  const buf = Buffer.concat(parts, size);
  const text = buf.toString('utf8');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return documentParseFailed(buf, text, err as Error, handler, limits);
  }
  handler.document(doc);
  return 'json';
}

/** Feeds the head and the rest of the input to the array reader; undefined when the handler stopped early. */
async function feedArray(
  splitter: JsonArraySplitter,
  head: Buffer[],
  rest: AsyncIterator<Buffer>,
  handler: ReadHandler,
): Promise<ArrayEnd | undefined> {
  for (const part of head.splice(0)) splitter.push(part); // the head is released as it is read
  while (!handler.stopped) {
    const next = await rest.next();
    if (next.done) break;
    splitter.push(next.value);
  }
  if (!handler.stopped) return splitter.end();
  await rest.return?.();
  return undefined;
}

/**
 * A large top-level array, element by element (see json-array.ts): memory stays at one element
 * whatever the file size. Elements are numbered as in a whole-document read.
 */
async function readArrayStream(head: Buffer[], rest: AsyncIterator<Buffer>, handler: ReadHandler, limits: ReadLimits): Promise<FileShape> {
  const splitter = new JsonArraySplitter(handler, limits.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
  const end = await feedArray(splitter, head, rest, handler);
  if (!end) return 'json';
  if (!end.complete)
    handler.fileIssue(
      'error',
      'invalid-json',
      `JSON array ends early (no closing bracket): the ${end.elements} elements before the cut were read`,
      'the file was cut off while being written or copied',
    );
  else if (end.trailing)
    handler.fileIssue(
      'error',
      'invalid-json',
      'data after the closing bracket of the JSON array was not read',
      'a file holds one JSON document, or one JSON value per line (JSONL)',
    );
  return 'json';
}

/** Records of a streamed page that decide whether they are read inside the page or bare (as format detection samples). */
const PAGE_SAMPLE = 8;

/** Where a large object's array of records starts: `{"object": "page", "data": [` -> the fields before it and the key. */
interface PageArray {
  /** The object's fields before the array, and the array's key with an empty array (the page each record goes back into). */
  envelope: Record<string, unknown>;
  key: string;
  /** Offset of the array's `[` in the head. */
  at: number;
}

/**
 * The first array that is a field of the top-level object, within the head: API pages and exports keep
 * their records there (`{"data": [...]}`, `{"resourceSpans": [...]}`). Fields before it may be anything
 * (they are parsed with the array emptied); fields after it are not read.
 */
export function pageArray(head: Buffer): PageArray | undefined {
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (let i = 0; i < head.length; i++) {
    const c = head[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === 0x5c) escaped = true;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b && depth === 1) {
      let envelope: unknown;
      try {
        envelope = JSON.parse(`${head.toString('utf8', 0, i)}[]}`);
      } catch {
        return undefined;
      }
      if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) return undefined;
      const keys = Object.keys(envelope);
      const key = keys[keys.length - 1];
      const last = (envelope as Record<string, unknown>)[key];
      return Array.isArray(last) && last.length === 0 ? { envelope: envelope as Record<string, unknown>, key, at: i } : undefined;
    } else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return undefined;
}

/**
 * A large object whose records are one array field (an API page, an OTLP export): the array is read
 * element by element (json-array.ts), and each element goes to the handler back inside a one-record
 * copy of its page, so every format unwraps it as it unwraps the whole page. Records are numbered by
 * their place in the array, as in a whole-document read.
 */
async function readPageStream(
  head: Buffer,
  page: PageArray,
  rest: AsyncIterator<Buffer>,
  handler: ReadHandler,
  limits: ReadLimits,
): Promise<FileShape> {
  // the first records decide the form (a page cut before its trailing fields, e.g. Langfuse's `meta`, may no longer read as one)
  let form: 'page' | 'record' | undefined;
  const pending: [unknown, number][] = [];
  const send = (v: unknown, index: number) => handler.value(form === 'record' ? v : { ...page.envelope, [page.key]: [v] }, index);
  const decide = () => {
    form =
      handler.pageForm?.(
        page.envelope,
        page.key,
        pending.map(([v]) => v),
      ) ?? 'page';
    for (const [v, index] of pending.splice(0)) send(v, index);
  };
  const sink: LineSink = {
    value: (v, index) => {
      if (form) return send(v, index);
      pending.push([v, index]);
      if (pending.length >= PAGE_SAMPLE) decide();
    },
    bad: (code, message, index, hint) => handler.bad(code, message, index, hint),
  };
  const splitter = new JsonArraySplitter(sink, limits.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
  const end = await feedArray(splitter, [head.subarray(page.at)], rest, handler);
  if (!end) return 'json';
  if (!form) decide();
  if (!end.complete)
    handler.fileIssue(
      'error',
      'invalid-json',
      `the "${page.key}" array ends early (no closing bracket): the ${end.elements} records before the cut were read`,
      'the file was cut off while being written or copied',
    );
  return 'json';
}

/** A lone `[`/`{` first line means a broken document; otherwise read it as JSONL with a bad first line. */
function documentParseFailed(buf: Buffer, text: string, err: Error, handler: ReadHandler, limits: ReadLimits): FileShape {
  const firstLine = text.slice(0, Math.max(0, text.indexOf('\n'))).trim();
  if (firstLine === '[' || firstLine === '{' || !text.includes('\n') || text.trimStart().startsWith('[')) {
    // where it goes wrong: the offset JSON.parse may name leads nowhere in a large file; a fault in the
    // middle (a stray or missing comma) is no truncated copy
    const p = jsonErrorPlace(text);
    handler.fileIssue(
      'error',
      'invalid-json',
      `invalid JSON document${p ? ` at line ${p.line}, column ${p.column}` : ''}: ${jsonErrorMessage(err)}`,
      p && !p.atEnd
        ? 'fix the JSON there (a missing or extra comma, bracket or quote)'
        : 'check the file is complete (a truncated download or copy cuts the closing bracket)',
    );
    return 'json';
  }
  const splitter = new JsonLineSplitter(handler, limits.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
  splitter.push(buf);
  splitter.end();
  return 'jsonl';
}
