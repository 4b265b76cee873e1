/**
 * Read one decoded byte stream: decide its shape from the first bytes (JSONL, a whole JSON document, or
 * CSV), and feed values/rows to a handler. File-level problems (empty, binary, too large) are reported
 * through the handler; byte-level failures (I/O, gzip) surface as ReadError from the chunk iterator.
 */
import { readCsv, sniffDelimiter, type CsvSink } from './csv.js';
import { JsonArraySplitter } from './json-array.js';
import { DEFAULT_MAX_LINE_BYTES, JsonLineSplitter, type LineSink } from './lines.js';
import type { Severity } from '../../core/issues.js';
import { prepend } from './source.js';

export type FileShape = 'empty' | 'binary' | 'jsonl' | 'json' | 'csv' | 'too-large';

export interface ReadHandler extends LineSink, CsvSink {
  /** A whole-file JSON document (top-level array or object). */
  document(doc: unknown): void;
  fileIssue(severity: Severity, code: string, message: string, hint?: string): void;
  /** True once the handler wants no more input (e.g. the format was not recognised). */
  readonly stopped: boolean;
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
  if (head.subarray(0, BINARY_SCAN_BYTES).includes(0)) {
    await iterator.return?.();
    handler.fileIssue(
      'error',
      'binary-file',
      'not a text file (contains NUL bytes)',
      'expected JSONL, JSON or CSV (optionally gzipped); UTF-16 files must be re-encoded as UTF-8',
    );
    return 'binary';
  }
  const rest = prepend(head, iterator);
  const shape = decideShape(head);
  if (shape === 'csv') {
    const firstLine = head.toString('utf8', 0, lineEnd(head));
    await readCsv(rest, sniffDelimiter(firstLine) ?? ',', handler, () => handler.stopped);
    return 'csv';
  }
  if (shape === 'json') return readDocument(rest, handler, limits);
  await readJsonLines(rest, handler, limits.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
  return 'jsonl';
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

function lineEnd(buf: Buffer): number {
  const nl = buf.indexOf(10);
  return nl === -1 ? buf.length : nl;
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
  const firstLine = head.toString('utf8', 0, end);
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
    if (size > maxBytes) {
      handler.fileIssue(
        'error',
        'document-too-large',
        `JSON document is larger than ${maxBytes} bytes`,
        "convert it to JSONL first, e.g. jq -c '.[]' file.json > file.jsonl",
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

/**
 * A large top-level array, element by element (see json-array.ts): memory stays at one element
 * whatever the file size. Elements are numbered as in a whole-document read.
 */
async function readArrayStream(head: Buffer[], rest: AsyncIterator<Buffer>, handler: ReadHandler, limits: ReadLimits): Promise<FileShape> {
  const splitter = new JsonArraySplitter(handler, limits.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
  for (const part of head) splitter.push(part);
  head.length = 0;
  while (!handler.stopped) {
    const next = await rest.next();
    if (next.done) break;
    splitter.push(next.value);
  }
  if (handler.stopped) {
    await rest.return?.();
    return 'json';
  }
  const end = splitter.end();
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

/** A lone `[`/`{` first line means a broken document; otherwise read it as JSONL with a bad first line. */
function documentParseFailed(buf: Buffer, text: string, err: Error, handler: ReadHandler, limits: ReadLimits): FileShape {
  const firstLine = text.slice(0, Math.max(0, text.indexOf('\n'))).trim();
  if (firstLine === '[' || firstLine === '{' || !text.includes('\n') || text.trimStart().startsWith('[')) {
    handler.fileIssue(
      'error',
      'invalid-json',
      `invalid JSON document: ${err.message}`,
      'check the file is complete (a truncated download or copy cuts the closing bracket)',
    );
    return 'json';
  }
  const splitter = new JsonLineSplitter(handler, limits.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
  splitter.push(buf);
  splitter.end();
  return 'jsonl';
}
