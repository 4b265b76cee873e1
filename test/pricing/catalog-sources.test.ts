/**
 * The bundled catalog cites the providers' pages (or the public page or repository a fact came from)
 * directly. Labels of an internal source list ("S24", "S7 (...)") and section numbers of an internal
 * reference document ("S2.2") mean nothing to a user and must not appear in `source:`, `note:` or comments.
 */
import { describe, expect, it } from 'vitest';
import { isScalar, parseDocument, visit } from 'yaml';
import { readBundledSources } from '../../src/pricing/load.js';

/**
 * "S7", "S24", "S2.2": a capital S and a number standing alone. Model ids are lower case ("gpt-5",
 * "claude-sonnet-4-5"); Amazon S3 (the storage service) is text, not a label.
 */
const LABEL = /\b(?<!(?:Amazon|AWS) )S\d+(?:\.\d+)?\b(?! buckets?\b)/g;
/** The internal reference document itself, by name. */
const INTERNAL_DOC = /PRICING-FACTS/gi;

/** Every `source:` and `note:` string (at any depth) and every comment of one catalog file, with where it is. */
function citingTexts(name: string, text: string): { where: string; text: string }[] {
  const doc = parseDocument(text);
  // a file that does not parse would hide its text from the checks below
  expect(
    doc.errors.map((e) => e.message),
    name,
  ).toEqual([]);
  const out: { where: string; text: string }[] = [];
  const add = (where: string, t: string | null | undefined) => {
    if (t) out.push({ where, text: t });
  };
  add(`${name}: comment`, doc.commentBefore);
  add(`${name}: comment`, doc.comment);
  visit(doc, {
    Node(_key, node) {
      add(`${name}: comment`, node.commentBefore);
      add(`${name}: comment`, node.comment);
    },
    Pair(_key, pair) {
      if (isScalar(pair.key) && (pair.key.value === 'source' || pair.key.value === 'note') && isScalar(pair.value)) {
        const line = text.slice(0, pair.value.range?.[0] ?? 0).split('\n').length;
        add(`${name}:${line}: ${pair.key.value}`, String(pair.value.value));
      }
    },
  });
  return out;
}

describe('bundled catalog citations', () => {
  const files = readBundledSources();

  it('reads source, note and comment text from every catalog file', () => {
    expect(files.length).toBeGreaterThanOrEqual(7);
    for (const { name, text } of files) {
      const texts = citingTexts(name, text);
      expect(
        texts.some((t) => t.where.endsWith('comment')),
        name,
      ).toBe(true);
      expect(
        texts.some((t) => t.where.endsWith('source')),
        name,
      ).toBe(true);
    }
  });

  it('cites no internal source label or section number', () => {
    const found: string[] = [];
    for (const { name, text } of files) {
      for (const t of citingTexts(name, text)) {
        for (const re of [LABEL, INTERNAL_DOC]) {
          for (const m of t.text.matchAll(re)) {
            found.push(`${t.where}: "${m[0]}" in ...${t.text.slice(Math.max(0, m.index - 30), m.index + 30)}...`);
          }
        }
      }
    }
    expect(found).toEqual([]);
  });

  it('flags labels but not model names or prices', () => {
    const flagged = (s: string) => [...s.matchAll(LABEL)].length > 0;
    for (const s of ['S24 (platform.claude.com)', 'S7, S56', '(S2.2)', 'S53)', 'per S11', 'S43']) expect(flagged(s), s).toBe(true);
    for (const s of [
      'claude-sonnet-4-5',
      'gpt-5.5 $0.25',
      'Sonnet 4.5',
      'us.anthropic.claude-3-7-sonnet',
      'AWS S3 logs',
      'Amazon S3',
      'an S3 bucket',
      '$0.075 per 1M',
      'prices/providers/x_ai.yml',
    ]) {
      expect(flagged(s), s).toBe(false);
    }
  });
});
