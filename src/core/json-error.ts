/**
 * Where a JSON document that JSON.parse refused goes wrong, as a line and column. Node 20's messages
 * give a character offset at best ("... in JSON at position 8123456") and often none ("Unexpected
 * token '}', ..."[}" is not valid JSON"): in a 16 MB price map neither leads anyone to the fault.
 * The scan below follows the JSON grammar (RFC 8259) without building values and stops at the first
 * character that cannot continue a document; JSON.parse stays the parser.
 */

export interface JsonErrorPlace {
  /** 1-based line (lines end at LF) and column (UTF-16 units) of the first character that is wrong. */
  line: number;
  column: number;
  /** The document ends before it is complete (a cut download or copy), not wrong in the middle. */
  atEnd: boolean;
}

const OBJECT = 1;
const ARRAY = 2;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES = '"\\/bfnrt';

/** Offset of the first character that cannot continue a JSON document; undefined when the text is valid JSON. */
export function jsonErrorOffset(text: string): number | undefined {
  const n = text.length;
  const stack: number[] = [];
  let i = 0;
  const ws = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
      else break;
    }
  };
  /** At a quote: past the string, or false with i at the bad character. */
  const string = (): boolean => {
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return true;
      }
      if (c < 0x20) return false;
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return false;
          i += 6;
        } else if (e !== undefined && ESCAPES.includes(e)) i += 2;
        else return false;
        continue;
      }
      i++;
    }
    return false;
  };
  let state: 'value' | 'key' | 'after' = 'value';
  for (;;) {
    ws();
    if (state === 'value') {
      if (i >= n) return i;
      const c = text[i];
      if (c === '{' || c === '[') {
        i++;
        ws();
        if (text[i] === (c === '{' ? '}' : ']')) {
          i++;
          state = 'after';
        } else {
          stack.push(c === '{' ? OBJECT : ARRAY);
          state = c === '{' ? 'key' : 'value';
        }
        continue;
      }
      if (c === '"') {
        if (!string()) return i;
      } else if (text.startsWith('true', i)) i += 4;
      else if (text.startsWith('false', i)) i += 5;
      else if (text.startsWith('null', i)) i += 4;
      else {
        NUMBER.lastIndex = i;
        if (!NUMBER.test(text)) return i;
        i = NUMBER.lastIndex;
      }
      state = 'after';
    } else if (state === 'key') {
      if (text[i] !== '"' || !string()) return i;
      ws();
      if (text[i] !== ':') return i;
      i++;
      state = 'value';
    } else {
      const top = stack.at(-1);
      if (top === undefined) return i < n ? i : undefined;
      const c = text[i];
      if (c === ',') {
        i++;
        state = top === OBJECT ? 'key' : 'value';
      } else if (c === (top === OBJECT ? '}' : ']')) {
        i++;
        stack.pop();
      } else return i;
    }
  }
}

/** Line and column of the first fault in `text`, a document JSON.parse refused; undefined if the scan finds none. */
export function jsonErrorPlace(text: string): JsonErrorPlace | undefined {
  const at = jsonErrorOffset(text);
  if (at === undefined) return undefined;
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: at - start + 1, atEnd: at >= text.length };
}

/** JSON.parse's message without the offset it may carry (the line and column say where). */
export function jsonErrorMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message
    .replace(/ (?:in JSON )?at position \d+(?: \(line \d+ column \d+\))?/, '')
    .replace(/ \(line \d+ column \d+\)/, '')
    .trim();
}

/** "LINE:COLUMN" of the fault, for a `file:line:column: message` error (as YAML syntax errors are given); "" if unknown. */
export function jsonErrorWhere(text: string): string {
  const p = jsonErrorPlace(text);
  return p ? `:${p.line}:${p.column}` : '';
}
