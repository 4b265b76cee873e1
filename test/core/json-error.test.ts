import { describe, expect, it } from 'vitest';
import { jsonErrorMessage, jsonErrorOffset, jsonErrorPlace } from '../../src/core/json-error.js';

describe('jsonErrorPlace: where a refused JSON document goes wrong', () => {
  it('names the line and column of the first wrong character', () => {
    // line 1 `{`, line 2 `  "a": 1,,`: columns 1-2 spaces, 3-5 "a", 6 :, 7 space, 8 1, 9 comma, 10 the second comma
    expect(jsonErrorPlace('{\n  "a": 1,,\n}\n')).toEqual({ line: 2, column: 10, atEnd: false });
    // a trailing comma before `}`: line 3 `  "b": 2,` then line 4 `}` at column 1 (a key was expected)
    expect(jsonErrorPlace('{\n  "a": 1,\n  "b": 2,\n}')).toEqual({ line: 4, column: 1, atEnd: false });
    // a missing comma between array elements: line 3 column 3 is the second `{`
    expect(jsonErrorPlace('[\n  {"x": 1}\n  {"x": 2}\n]')).toEqual({ line: 3, column: 3, atEnd: false });
    // a cut document: the fault is past the last character (line 2 is `"a": [1, 2`, 10 characters)
    expect(jsonErrorPlace('{\n"a": [1, 2')).toEqual({ line: 2, column: 11, atEnd: true });
    // a second value after the first: line 2 column 1
    expect(jsonErrorPlace('{"a":1}\n{"a":2}\n')).toEqual({ line: 2, column: 1, atEnd: false });
    expect(jsonErrorPlace('')).toEqual({ line: 1, column: 1, atEnd: true });
  });

  it('finds no fault in valid JSON, and agrees with JSON.parse on mutated documents (fixed seed)', () => {
    const valid = [
      '{"a": [1, -2.5e+3, true, false, null, "x\\u00e9\\n"], "b": {"c": {}}, "d": []}',
      '[]',
      ' "s" ',
      '0',
      '{"k": "v\\"q\\\\"}',
    ];
    for (const v of valid) expect(jsonErrorOffset(v)).toBeUndefined();
    const alphabet = ['{', '}', '[', ']', ',', ':', '"', '\\', '1', '-', '.', 'e', ' ', '\n', 't', 'n', '0', 'x', '\u0001'];
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    let disagreements = 0;
    for (let k = 0; k < 4000; k++) {
      const base = valid[rand(valid.length)];
      const at = rand(base.length + 1);
      const op = rand(3);
      const ch = alphabet[rand(alphabet.length)];
      const text =
        op === 0 ? base.slice(0, at) + ch + base.slice(at) : op === 1 ? base.slice(0, at) + base.slice(at + 1) : base.slice(0, at);
      let parsed = true;
      try {
        JSON.parse(text);
      } catch {
        parsed = false;
      }
      if (parsed !== (jsonErrorOffset(text) === undefined)) disagreements++;
    }
    expect(disagreements).toBe(0);
  });

  it('drops the offset from the message (the line and column replace it)', () => {
    expect(jsonErrorMessage(new SyntaxError('Expected double-quoted property name in JSON at position 83'))).toBe(
      'Expected double-quoted property name',
    );
    expect(jsonErrorMessage(new SyntaxError('Unexpected non-whitespace character after JSON at position 567'))).toBe(
      'Unexpected non-whitespace character after JSON',
    );
    expect(jsonErrorMessage(new SyntaxError('Unexpected end of JSON input'))).toBe('Unexpected end of JSON input');
  });
});
