/**
 * The JSONL line scan (src/engine/sql-readers/scan.ts) looks for needles through short anchors, a
 * chunk at a time: whatever the chunk size (down to one byte, so that every needle falls across a
 * chunk boundary somewhere), it must answer what the whole text says, computed here independently
 * with String.includes and a split on newlines.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LENIENT_JSON_BYTES, LENIENT_JSON_NEEDLES, scanLines, type Needle } from '../../src/engine/sql-readers/scan.js';

const tmp = mkdtempSync(join(tmpdir(), 'tokenomics-scan-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let fileNo = 0;

function write(text: string): string {
  const file = join(tmp, `f${++fileNo}.jsonl`);
  writeFileSync(file, text);
  return file;
}

/** Every character of `s` as a \\u escape. */
const escapeAll = (s: string) => [...s].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');

/** As the OpenAI reader looks for them (sql-readers/openai.ts): the three tool call item types share one anchor. */
const CALLS = ['web_search_call', 'file_search_call', 'code_interpreter_call'];
const NEEDLES: Needle[] = [
  { needle: '"service_tier"', anchor: 'v', value: 'null' },
  ...CALLS.map((c) => ({ needle: `"${c}"`, anchor: '_call"' })),
];
const WORDS = [
  '"service_tier":null',
  '"service_tier": null',
  '"service_tier" :\tnull',
  '"service_tier"\r:  null',
  '"web_search_call"',
  '"\\u0073ervice_tier":null',
  '"service_ti\\u0065r" : null',
  '"web_search_c\\u0061ll"',
  '"file_search_call"',
  '"code_interpreter_call"',
  '"c\\u006fde_interpreter_call"',
];
/** The key with a null value, whatever the blanks (space, tab, CR) around its colon. */
const NULL_TIER = /"service_tier"[ \t\r]*:[ \t\r]*null/;

/** Every JSON string of `text` (read from the start: a quote inside a string is escaped), decoded, with the text after it. */
function* jsonStrings(text: string): Generator<{ value: string; after: string }> {
  for (const m of text.matchAll(/"(?:[^"\\\n]|\\.)*"/g)) {
    let value: unknown;
    try {
      value = JSON.parse(m[0]);
    } catch {
      continue;
    }
    if (typeof value === 'string') yield { value, after: text.slice(m.index + m[0].length) };
  }
}

function expected(text: string) {
  const parts = text.split('\n');
  if (parts[parts.length - 1] === '') parts.pop();
  // a needle spelled with escapes is the same string: every string is decoded and compared
  const found = [...jsonStrings(text)].some(
    ({ value, after }) => CALLS.includes(value) || (value === 'service_tier' && /^[ \t\r]*:[ \t\r]*null/.test(after)),
  );
  // a vertical tab or form feed among the blanks after a line's last value (DuckDB takes the line, JSON.parse does not)
  const badEnd = parts.some((l) => /[\v\f][ \t\r\v\f]*$/.test(l) && /}[ \t\r\v\f]*$/.test(l));
  const plain =
    parts.every((l) => l.startsWith('{')) && !CALLS.some((c) => text.includes(`"${c}"`)) && !NULL_TIER.test(text) && !found && !badEnd;
  return { lines: parts.length, plain };
}

const texts: Record<string, string> = {
  'no needle': '{"service_tier":"flex","a":null}\n{"type":"web_search","b":"nul"}\n',
  'service tier null': '{"id":"x","service_tier":null}\n{"a":1}\n',
  'service tier null, spaced': '{"a":1}\n{"service_tier": null,"b":2}\n',
  'service tier null, blanks before the colon': '{"a":1}\n{"service_tier" :\t null,"b":2}\n',
  'service tier a string, spaced': '{"service_tier" : "null","b":null}\n{"service_tier"\t:\t"flex"}\n',
  'service tier key at the end of the file': '{"a":1}\n{"service_tier" :',
  'service tier value cut at the end of the file': '{"a":1}\n{"service_tier": nul',
  'keys near the service tier': '{"v":"vv","xservice_tier":null,"service_tier_2":null,"service_tie":null,"c":"\\"service_tier\\":null"}\n',
  'web search call': '{"output":[{"type":"message"},{"type":"web_search_call"}]}\n',
  'file search call': '{"output":[{"type":"file_search_call","status":"completed"},{"type":"message"}]}\n',
  'code interpreter call': '{"a":1}\n{"output":[{"type":"code_interpreter_call","container_id":"cntr_1"}]}\n',
  'the shared anchor without a needle': '{"type":"function_call","x":"search_call","y":"le_search_call","z":"interpreter_call"}\n',
  'code interpreter call spelled with an escape': '{"output":[{"type":"code_interpreter_c\\u0061ll"}]}\n',
  'near misses': '{"service_tier":nul,"x":"web_search_cal","y":"eb_search_call","z":"service_tier:null"}\n',
  'anchors without their needles': '{"a":"ull ull web_s web_search","b":null}\n{"c":"web_search_call_2"}\n',
  'needle at the very start of a line': '{"a":1}\n{"service_tier":null}',
  'a line not an object': '{"a":1}\n[2]\n',
  'service tier key spelled with an escape, null': '{"a":1}\n{"\\u0073ervice_tier":null}\n',
  'service tier key spelled with escapes, spaced null': '{"servic\\u0065_ti\\u0065r" :  null,"b":2}\n',
  'service tier key spelled with an escape, a string': '{"\\u0073ervice_tier":"flex","a":null}\n',
  'every character escaped': `{"${escapeAll('service_tier')}":null}\n`,
  'web search call spelled with an escape': '{"output":[{"type":"web_search_c\\u0061ll"}]}\n',
  'an escaped backslash before u is no escape': '{"a":"\\\\u0073ervice_tier","b":null,"service_tier":"flex"}\n',
  'escapes in text beside the keys': '{"content":"\\u003cb\\u003e \\"service_tier\\": null","service_tier":"flex"}\n{"x":"\\u0041"}\n',
  'an escape in a long string': `{"a":"${'service_tier'.repeat(20)}\\u0041","service_tier":"priority"}\n`,
  'an escape in a string holding an escaped quote': '{"a":"\\"\\u0073ervice_tier","b":null}\n',
  'a form feed after a closing brace': '{"a":1}\n{"b":2}\f\n{"c":3}\n',
  'a vertical tab and a CR after a closing brace': '{"a":1}  \v \r\n{"b":2}\r\n',
  'a form feed at the end of the file': '{"a":1}\n{"b":2}\f',
  'CRLF line ends, blanks after the brace': '{"a":1}\r\n{"b":2} \t\r\n{"c":3}',
};

/** Each text, scanned at every chunk size from one byte to past its length, is plain as `want` says of the whole text. */
async function plainAtEveryChunkSize(
  texts: readonly string[],
  want: (text: string) => boolean,
  scan: (file: string, chunk: number) => Promise<{ plain: boolean }>,
): Promise<void> {
  for (const text of texts) {
    const file = write(text);
    for (let chunk = 1; chunk <= text.length + 1; chunk++)
      expect((await scan(file, chunk)).plain, `${JSON.stringify(text)} in chunks of ${chunk}`).toBe(want(text));
  }
}

describe('scanLines', () => {
  for (const [name, text] of Object.entries(texts))
    it(`${name}: the same answer at every chunk size`, async () => {
      const file = write(text);
      const want = expected(text);
      for (const chunk of [1, 2, 3, 5, 7, 16, 64, 1 << 20]) {
        const got = await scanLines(file, NEEDLES, undefined, chunk);
        // a scan that is not plain may stop early: its line count is not read
        expect(got.plain, `chunk ${chunk}`).toBe(want.plain);
        if (want.plain) expect(got.lines, `chunk ${chunk}`).toBe(want.lines);
      }
    });

  it('blanks past 64 around the colon: a null tier is never missed (a string one may be taken for one)', async () => {
    const blanks = ' '.repeat(70);
    for (const chunk of [1, 7, 64, 100, 1 << 20]) {
      const near = await scanLines(write(`{"service_tier"${blanks}:${blanks}null}\n`), NEEDLES, undefined, chunk);
      expect(near.plain, `chunk ${chunk}`).toBe(false);
      const tight = await scanLines(write(`{"service_tier"${blanks.slice(40)}:${blanks.slice(40)}"flex"}\n`), NEEDLES, undefined, chunk);
      expect(tight.plain, `chunk ${chunk}`).toBe(true);
    }
  });

  it('a needle spelled with escapes only is found wherever its string starts against a chunk boundary', async () => {
    // (the string as long as the longest escaped needle, its quote at a chunk's first byte or where a
    // chunk's search leaves it to the next; the null tier with blanks up to 64 around its colon)
    const traps = [
      `"${escapeAll('web_search_call')}"`,
      `"${escapeAll('code_interpreter_call')}"`,
      `"${escapeAll('service_tier')}"${' '.repeat(32)}:${' '.repeat(32)}null`,
      `"\\u0073ervice_tier"${' '.repeat(64)}:${' '.repeat(64)}null`,
    ];
    for (const trap of traps)
      for (const chunk of [91, 100, 142, 200]) {
        const files = Array.from({ length: 2 * chunk }, (_, pad) => write(`{"p":"${'x'.repeat(pad)}",${trap}}\n`));
        for (const [pad, file] of files.entries()) {
          const got = await scanLines(file, NEEDLES, undefined, chunk);
          expect(got.plain, `${trap.slice(0, 20)}, pad ${pad}, chunk ${chunk}`).toBe(false);
        }
      }
  });

  it('NaN and Infinity as bare values, not inside ids or words: the same answer at every chunk size as over the whole text', async () => {
    // the oracle: the pattern the Claude Code reader runs in SQL (claude-code.ts), over the whole text
    const bare = /[:,[][ \t\r]*[-+]?[ \t\r]*(NaN|Infinity)(?![A-Za-z0-9_])/;
    const texts = [
      '{"id":"chatcmpl-B9MHDbslfkBeNaNl4beb09","a":1}\n',
      '{"id":"xNaN","b":"NaN","c":"Infinity"}\n',
      '{"code":"!Number.isNaN(n) && n < Infinity"}\n',
      '{"a":1,"b":NaN}\n',
      '{"a":1,"b": -Infinity}\n',
      '{"a":[1, NaN, 2]}\n',
      '{"a":[NaN]}\n',
      '{"a":"x","b":NaNx}\n',
      '{"a":1,"b" :\t+ Infinity }\n',
    ];
    await plainAtEveryChunkSize(
      texts,
      (text) => !bare.test(text),
      (file, chunk) => scanLines(file, LENIENT_JSON_NEEDLES, undefined, chunk),
    );
  });

  it('a text denser in escapes than one per 32 bytes is not plain (the TypeScript reader reads it faster than the scan could)', async () => {
    const tokens = Array.from({ length: 400 }, () => '"\\u00e9"').join(',');
    const dense = write(`{"a":1}\n${Array.from({ length: 200 }, () => `{"logprobs":[${tokens}]}`).join('\n')}\n`);
    expect((await scanLines(dense, NEEDLES)).plain).toBe(false);
    // text in another script written with escapes is passed over by the search for \u00 alone: plain
    const cjk = Array.from({ length: 400 }, () => '"\\u4f60"').join(',');
    const other = write(`{"a":1}\n${Array.from({ length: 200 }, () => `{"logprobs":[${cjk}]}`).join('\n')}\n`);
    expect((await scanLines(other, NEEDLES)).plain).toBe(true);
  });

  it('escaped JSON inside a string (\\\\u003c: no escape of its own) does not count against the escapes a text may hold', async () => {
    // a tool call's arguments: JSON text holding HTML escapes, written into a string (each backslash escaped)
    const args = `{\\"html\\":\\"${'\\\\u003cb\\\\u003e'.repeat(800)}\\"}`;
    const file = write(`{"a":1}\n{"tool_calls":[{"function":{"name":"render","arguments":"${args}"}}]}\n`);
    expect((await scanLines(file, NEEDLES)).plain).toBe(true);
  });

  it('a needle that is not ASCII is found spelled with escapes of any character', async () => {
    const needles: Needle[] = [{ needle: '"t\u00f6k\u4f60"', anchor: 'k' }];
    for (const spelled of ['t\\u00f6k\\u4f60', '\\u0074\\u00f6\\u006b\\u4f60', 't\u00f6k\\u4F60'])
      for (const chunk of [3, 7, 64, 1 << 20]) {
        const got = await scanLines(write(`{"a":1}\n{"p":"x","${spelled}":1}\n`), needles, undefined, chunk);
        expect(got.plain, `${spelled} in chunks of ${chunk}`).toBe(false);
      }
    expect((await scanLines(write('{"a":1}\n{"p":"x","t\\u00f6k":1}\n'), needles)).plain).toBe(true);
  });

  it('LENIENT_JSON_BYTES does not backtrack over a long run of blanks after a colon (linear, not the square of the run)', async () => {
    // 300,000 blanks: the pattern with two optional blank runs around an optional sign tried every split of the
    // run at each try (~80 s here); linear, this is milliseconds (the test's timeout is the bound)
    const file = write(`{"a":${' '.repeat(300_000)}1}\n`);
    expect((await scanLines(file, [], LENIENT_JSON_BYTES)).plain).toBe(true);
  });

  it('LENIENT_JSON_BYTES: a word followed by a long run of blanks across a chunk boundary is plain (nothing left to carry)', async () => {
    for (const word of ['true', 'null', 'nan'])
      for (const chunk of [100, 1000]) {
        const text = `{"a":${word}${' '.repeat(5000)}}\n`;
        expect((await scanLines(write(text), [], LENIENT_JSON_BYTES, chunk)).plain, `${word} in chunks of ${chunk}`).toBe(
          !LENIENT_JSON_BYTES.test(text),
        );
      }
  });

  it('LENIENT_JSON_BYTES: the same answer at every chunk size as over the whole text', async () => {
    const texts = [
      '{"a":"xxxxxxx","b":NaN}\n',
      '{"a":"xxxxxxx","b":-inf}\n',
      '{"a":1,"b":[1, \t -Infinity]}\n',
      '{"a":1,"b":[1,2 , ]}\n',
      '{"a":1,"b":{"c":2,\r}}\n',
      '{"a":1,"b":INF}\n',
      '{"a":1}\f\n',
      `{"a":${' '.repeat(40)}nan}\n`,
      '{"model":"gpt-4.1-nano","info":"inference","x":"banana"}\n{"n":1}\n',
      '{"a":"inf","b":"nan"}\n',
      '{"tags":["team:infra","user:nancy"],"note":"level: INFO","m":"LLM inference, information"}\n',
      '{"a":1,"b":infinity}\n',
      '{"a":1,"b":[Inf]}\n',
      '{"a":1,"b":nan_x}\n',
      '{"a":[ + nan ]}\n',
    ];
    await plainAtEveryChunkSize(
      texts,
      (text) => !LENIENT_JSON_BYTES.test(text),
      (file, chunk) => scanLines(file, [], LENIENT_JSON_BYTES, chunk),
    );
  });

  it('every needle found wherever it falls across a chunk boundary', async () => {
    for (const word of WORDS) {
      const text = `{"pad":"${'x'.repeat(13)}",${word}}\n`;
      for (const chunk of [2, 3, 4, 5, 6, 7, 8, 9, 11, 13]) {
        const got = await scanLines(write(text), NEEDLES, undefined, chunk);
        expect(got.plain, `${word} in chunks of ${chunk}`).toBe(false);
      }
    }
  });
});
