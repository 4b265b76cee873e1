/**
 * The one escaping of untrusted text (src/core/untrusted.ts): what is shown as an escape in a
 * terminal or markdown, and as a \u escape in JSON text. Expected strings written by hand.
 */
import { describe, expect, it } from 'vitest';
import { inert, inertMarkdown, jsonInert } from '../../src/core/untrusted.js';
import { displayWidth, wrapText } from '../../src/report/table.js';

describe('inert', () => {
  it('shows controls, newlines and bidi overrides as escapes', () => {
    expect(inert('a\nb\u001b[2J\u009b\u202ec')).toBe('a\\nb\\x1b[2J\\x9b\\u202ec');
  });

  it('shows invisible characters as escapes: zero-width space/joiner, word joiner, soft hyphen, tag characters', () => {
    expect(inert('ac\u200bme')).toBe('ac\\u200bme');
    expect(inert('a\u200db\u2060c\u00add')).toBe('a\\u200db\\u2060c\\xadd');
    expect(inert('x\u{e0041}y')).toBe('x\\u{e0041}y');
    expect(inert('v\ufe0f')).toBe('v\\ufe0f');
  });

  it('keeps a zero-width (non-)joiner inside a word of a script that writes with it, escapes it elsewhere', () => {
    // Persian "mi-khaham" (I want): ZWNJ between the prefix and the verb, part of the spelling
    expect(inert('\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645')).toBe('\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645');
    // Devanagari ksha with ZWJ (half form)
    expect(inert('\u0915\u094d\u200d\u0937')).toBe('\u0915\u094d\u200d\u0937');
    // between Latin letters, at an end, beside a digit or an emoji: it only hides a difference
    expect(inert('ac\u200cme')).toBe('ac\\u200cme');
    expect(inert('\u0645\u200c')).toBe('\u0645\\u200c');
    expect(inert('\u06451\u200c2')).toBe('\u06451\\u200c2');
    expect(inert('\u{1f468}\u200d\u{1f469}')).toBe('\u{1f468}\\u200d\u{1f469}');
  });

  it('shows spaces drawn like a plain space as escapes (no-break, narrow no-break, en, em), not the ideographic one', () => {
    expect(inert('acme\u00a0')).toBe('acme\\xa0');
    expect(inert('a\u202fb\u2002c\u2003d')).toBe('a\\u202fb\\u2002c\\u2003d');
    expect(inert('模型\u3000名前')).toBe('模型\u3000名前');
    expect(jsonInert(JSON.stringify('acme\u00a0'))).toBe('"acme\\u00a0"');
  });

  it('shows the bidi marks LRM, RLM and ALM as escapes', () => {
    expect(inert('a\u200eb\u200fc\u061cd')).toBe('a\\u200eb\\u200fc\\u061cd');
  });

  it('a workflow command a CI log would run shows its first character escaped: ::name where a line can start; ##[ anywhere', () => {
    // GitHub Actions runs a line that starts (after indentation) with ::warning::x or ::add-mask x, and ##[error] anywhere in a line
    expect(inert('::warning::forged')).toBe('\\x3a:warning::forged');
    expect(inert('a ::add-mask secret')).toBe('a \\x3a:add-mask secret');
    expect(inert('\u3000::stop-commands')).toBe('\u3000\\x3a:stop-commands');
    expect(inert('x ##[error]legacy')).toBe('x \\x23#[error]legacy');
    // a :: inside a word (wrapping starts lines after a space) or before no name stays: a fine-tune, a Bedrock ARN, C++, IPv6
    for (const s of ['ft:gpt-4o-mini-2024-07-18:org::abc', 'arn:aws:bedrock:us-east-1::foundation-model/x', 'ns::Type<T>', '::1'])
      expect(inert(s)).toBe(s);
    expect(jsonInert(JSON.stringify('a ##[error]x'))).toBe('"a \\u0023#[error]x"');
    expect(JSON.parse(jsonInert(JSON.stringify('a ##[error]x')))).toBe('a ##[error]x');
  });

  it('a word cut to fit a line never leaves :: at the start of the next line', () => {
    for (const word of ['ft:gpt-4o:org::error::x', 'abcd:::error::x', 'xy::add-mask::z'])
      for (let width = 2; width <= word.length; width++) {
        const lines = wrapText(word, width);
        expect(lines.join(''), `${word} at ${width}`).toBe(word);
        for (const l of lines) expect(l.startsWith('::'), `${word} at ${width}: ${lines.join(' | ')}`).toBe(false);
      }
  });

  it('shows a lone surrogate as an escape, and never cuts a pair in half at the cap', () => {
    expect(inert('a\ud800b')).toBe('a\\ud800b');
    // 5 characters max: 'abc' and the pair of U+1F600 would be cut after its first half
    expect(inert('abc\u{1f600}def', 5)).toBe('abc…');
    expect(inert('ab\u{1f600}def', 5)).toBe('ab\u{1f600}…');
  });

  it('leaves printable text as it is (accents, CJK, emoji)', () => {
    expect(inert('café 模型 \u{1f600}')).toBe('café 模型 \u{1f600}');
  });

  it('the escaped text has the width a terminal draws: each escape one column per character', () => {
    for (const s of ['a\u2060b', 'a\u061cb', 'a\u{e0041}b']) expect(displayWidth(inert(s))).toBe(inert(s).length);
    expect(displayWidth(inert('a\u2060b'))).toBe(8);
    expect(displayWidth(inert('a\u{e0041}b'))).toBe(11);
  });
});

describe('jsonInert', () => {
  it('writes C1 controls, bidi marks and invisible characters as \\u escapes, tag characters as surrogate pairs', () => {
    const json = JSON.stringify({ k: 'a\u200eb\u200fc\u061cd\u200be\u2060f\u00adg\u{e0041}h\u009bi\u202ej' }, null, 2);
    const out = jsonInert(json);
    expect(out).toBe('{\n  "k": "a\\u200eb\\u200fc\\u061cd\\u200be\\u2060f\\u00adg\\udb40\\udc41h\\u009bi\\u202ej"\n}');
    expect(JSON.parse(out)).toEqual(JSON.parse(json));
  });

  it('leaves the line breaks of indented JSON and printable text alone', () => {
    const json = JSON.stringify({ a: ['café', '模型'] }, null, 2);
    expect(jsonInert(json)).toBe(json);
  });
});

describe('inertMarkdown', () => {
  it('escapes & so a character reference in a name is shown as written, not decoded into a bidi override or a tag', () => {
    // markdown decodes &#x202e; to U+202E (right-to-left override) and &lt;b&gt; to <b>: a backslash before & keeps them text
    expect(inertMarkdown('&#x202e;gpj.exe')).toBe('\\&\\#x202e;gpj.exe');
    expect(inertMarkdown('&lt;b&gt; & co')).toBe('\\&lt;b\\&gt; \\& co');
    // the raw character itself is already an escape
    expect(inertMarkdown('\u202egpj')).toBe('\\\\u202egpj');
  });

  it('neutralises GitHub mentions, issue references and URL links with a zero-width space, keeping the text readable', () => {
    // &#8203; is U+200B, drawn as nothing: `@someone` reads the same but mentions (notifies) no one
    expect(inertMarkdown('@someone')).toBe('@&#8203;someone');
    expect(inertMarkdown('cc @org/team')).toBe('cc @&#8203;org/team');
    // an issue reference, `#` escaped for markdown as before: `\#&#8203;123`
    expect(inertMarkdown('fixes #123')).toBe('fixes \\#&#8203;123');
    expect(inertMarkdown('owner/repo#7')).toBe('owner/repo\\#&#8203;7');
    expect(inertMarkdown('see GH-26')).toBe('see GH-&#8203;26');
    expect(inertMarkdown('https://github.com/o/r/issues/1')).toBe('https:&#8203;//github.com/o/r/issues/1');
    expect(inertMarkdown('www.example.com')).toBe('www&#8203;.example.com');
    // not a mention or a reference: an e-mail address, a Vertex model version, a heading-like # word
    expect(inertMarkdown('ops@example.com')).toBe('ops@example.com');
    expect(inertMarkdown('claude-3-5-sonnet@20240620')).toBe('claude-3-5-sonnet@20240620');
    expect(inertMarkdown('#general')).toBe('\\#general');
  });

  it('escapes ~ so a name written ~~acme~~ is not drawn struck through (GitHub strikethrough)', () => {
    expect(inertMarkdown('~~acme~~')).toBe('\\~\\~acme\\~\\~');
  });
});
