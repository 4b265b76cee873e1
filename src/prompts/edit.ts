/**
 * Text edits that compression findings propose, applied only to text that is not load-bearing
 * (see load-bearing.ts): whitespace normalisation, filler-phrase removal, sentence removal.
 */
import { segmentText } from './load-bearing.js';
import type { Prompt } from './types.js';

/** Apply `fn` to the non-load-bearing text of one part (all parts when `part` is undefined). */
export function editPrompt(
  prompt: Prompt,
  part: string | undefined,
  fn: (text: string, at: { part: string; message: number; segment: number }) => string,
): Prompt {
  return {
    ...prompt,
    parts: prompt.parts.map((p) => {
      if ((part !== undefined && p.name !== part) || p.loadBearing) return p;
      const messages = p.messages.map((m, mi) => {
        const segs = segmentText(m.content);
        const content = segs.map((s, si) => (s.loadBearing ? s.text : fn(s.text, { part: p.name, message: mi, segment: si }))).join('');
        return content === m.content ? m : { ...m, content };
      });
      return { ...p, messages };
    }),
  };
}

/** Trailing spaces, runs of spaces inside lines, and more than one blank line in a row. */
export function normalizeWhitespace(text: string): string {
  return text
    .replace(/[ \t]+(?=\r?\n|$)/g, '')
    .replace(/(?<=\S)[ \t]{2,}(?=\S)/g, ' ')
    .replace(/\n{3,}/g, '\n\n');
}

export interface Filler {
  phrase: string;
  replacement: string;
}

/** Phrases that carry no instruction; replacements keep the sentence grammatical. */
export const FILLERS: readonly Filler[] = [
  { phrase: 'please note that', replacement: '' },
  { phrase: 'it is important to note that', replacement: '' },
  { phrase: 'it should be noted that', replacement: '' },
  { phrase: 'it is important that you', replacement: '' },
  { phrase: 'it is important to', replacement: '' },
  { phrase: 'it is very important to', replacement: '' },
  { phrase: 'in order to', replacement: 'to' },
  { phrase: 'make sure to', replacement: '' },
  { phrase: 'make sure that you', replacement: '' },
  { phrase: 'please be sure to', replacement: '' },
  { phrase: 'be sure to', replacement: '' },
  { phrase: 'due to the fact that', replacement: 'because' },
  { phrase: 'in the event that', replacement: 'if' },
  { phrase: 'at this point in time', replacement: 'now' },
  { phrase: 'for the purpose of', replacement: 'for' },
  { phrase: 'feel free to', replacement: '' },
];

function fillerRegex(f: Filler): RegExp {
  return new RegExp(`\\b${f.phrase.replace(/ /g, '\\s+')}\\b[ \\t]*`, 'gi');
}

export function countFiller(text: string, f: Filler): number {
  return (text.match(fillerRegex(f)) ?? []).length;
}

/** Remove (or shorten) a filler phrase; a capitalised phrase capitalises what follows it. */
export function removeFiller(text: string, f: Filler): string {
  const re = fillerRegex(f);
  let out = '';
  let last = 0;
  for (const m of text.matchAll(re)) {
    out += text.slice(last, m.index);
    const capital = /^[A-Z]/.test(m[0]);
    let rest = f.replacement ? `${f.replacement} ` : '';
    last = m.index + m[0].length;
    if (capital) {
      if (rest) rest = rest[0].toUpperCase() + rest.slice(1);
      else if (last < text.length) {
        out += text[last].toUpperCase();
        last++;
      }
    }
    out += rest;
  }
  return out + text.slice(last);
}

const BULLET = /^[ \t]*(?:[-*•]|\d+[.)])[ \t]+/;

/** Sentences of a line (bullet markers dropped), for duplicate detection. */
export function sentencesOf(line: string): string[] {
  const body = line.replace(BULLET, '').trim();
  if (!body) return [];
  return body
    .split(/(?<=[.!?])\s+(?=[A-Z0-9"'(*])/)
    .map((s) => s.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
}

/** Worth reporting as a duplicate: a real instruction, not a label or a placeholder. */
export function isInstruction(sentence: string): boolean {
  return sentence.length >= 24 && sentence.split(' ').length >= 4 && !sentence.includes('{{');
}

/**
 * Remove occurrences of `sentence` from `text`, except the first `keep` of them; a line left
 * with nothing but a bullet marker is dropped.
 */
export function removeSentence(text: string, sentence: string, keep: number): string {
  const words = sentence.split(' ').map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const re = new RegExp(`${words.join('\\s+')}[ \\t]*`, 'g');
  let seen = 0;
  const lines = text.split(/(?<=\n)/);
  const out: string[] = [];
  for (const line of lines) {
    const edited = line.replace(re, (m) => (seen++ < keep ? m : ''));
    if (edited !== line && edited.replace(BULLET, '').trim() === '') continue;
    out.push(edited);
  }
  return out.join('');
}
