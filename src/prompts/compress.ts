/**
 * Compression opportunities, each measured by re-tokenizing the edited prompt (never guessed):
 * whitespace and formatting waste, sentences repeated within a prompt, filler phrases; plus
 * instructions repeated across prompt files (listed, with no per-call saving). Load-bearing
 * text is never edited; load-bearing parts are listed so a reader knows what was left alone.
 */
import { segmentText } from './load-bearing.js';
import { countFiller, editPrompt, FILLERS, isInstruction, normalizeWhitespace, removeFiller, removeSentence, sentencesOf } from './edit.js';
import type { Prompt } from './types.js';

export type FindingKind = 'whitespace' | 'duplicate' | 'filler' | 'shared-across-files';

export interface Finding {
  kind: FindingKind;
  /** Part(s) the finding is about. */
  where: string;
  detail: string;
  /** The edited prompt; undefined when nothing per call would change (shared-across-files). */
  edited?: Prompt;
  /** Tokens of the text in question, for shared-across-files. */
  tokens?: number;
}

export interface Occurrence {
  part: string;
  message: number;
  segment: number;
  loadBearing: boolean;
}

/** Every instruction sentence of a prompt, by its normalised text, in request order. */
export function sentenceIndex(prompt: Prompt): Map<string, Occurrence[]> {
  const index = new Map<string, Occurrence[]>();
  for (const part of prompt.parts) {
    part.messages.forEach((m, mi) => {
      segmentText(m.content).forEach((seg, si) => {
        for (const line of seg.text.split('\n')) {
          for (const s of sentencesOf(line)) {
            if (!isInstruction(s)) continue;
            const list = index.get(s) ?? [];
            list.push({ part: part.name, message: mi, segment: si, loadBearing: part.loadBearing || seg.loadBearing });
            index.set(s, list);
          }
        }
      });
    });
  }
  return index;
}

function whitespaceFindings(prompt: Prompt): Finding[] {
  const out: Finding[] = [];
  for (const part of prompt.parts) {
    if (part.loadBearing || part.messages.length === 0) continue;
    const edited = editPrompt(prompt, part.name, normalizeWhitespace);
    if (edited.parts.some((p, i) => p !== prompt.parts[i]))
      out.push({ kind: 'whitespace', where: part.name, detail: 'trailing spaces, runs of spaces, repeated blank lines', edited });
  }
  return out;
}

function fillerFindings(prompt: Prompt): Finding[] {
  const out: Finding[] = [];
  for (const part of prompt.parts) {
    if (part.loadBearing) continue;
    for (const f of FILLERS) {
      let n = 0;
      editPrompt(prompt, part.name, (t) => ((n += countFiller(t, f)), t));
      if (n === 0) continue;
      const edited = editPrompt(prompt, part.name, (t) => removeFiller(t, f));
      out.push({ kind: 'filler', where: part.name, detail: `"${f.phrase}" x${n}${f.replacement ? ` -> "${f.replacement}"` : ''}`, edited });
    }
  }
  return out;
}

function duplicateFindings(prompt: Prompt): Finding[] {
  const out: Finding[] = [];
  for (const [sentence, occ] of sentenceIndex(prompt)) {
    if (occ.length < 2) continue;
    const removable = occ.filter((o) => !o.loadBearing);
    const anyLoadBearing = removable.length < occ.length;
    const keepAt = anyLoadBearing ? undefined : occ[0];
    if (removable.length - (keepAt ? 1 : 0) <= 0) continue;
    const same = (o: { part: string; message: number; segment: number }) =>
      !!keepAt && o.part === keepAt.part && o.message === keepAt.message && o.segment === keepAt.segment;
    const edited = editPrompt(prompt, undefined, (t, at) => removeSentence(t, sentence, same(at) ? 1 : 0));
    const parts = [...new Set(occ.map((o) => o.part))].join(', ');
    out.push({ kind: 'duplicate', where: parts, detail: `"${clip(sentence)}" x${occ.length}`, edited });
  }
  return out;
}

export function clip(s: string, max = 60): string {
  return s.length > max ? s.slice(0, max - 3) + '...' : s;
}

/** Findings within one prompt, in a stable order: whitespace, duplicates, fillers. */
export function promptFindings(prompt: Prompt): Finding[] {
  return [...whitespaceFindings(prompt), ...duplicateFindings(prompt), ...fillerFindings(prompt)];
}

/** Instructions that appear in more than one prompt file: `sentence -> prompt ids` (sorted). */
export function sharedAcrossFiles(prompts: readonly Prompt[]): Map<string, string[]> {
  const seen = new Map<string, Set<string>>();
  for (const p of prompts) {
    for (const s of sentenceIndex(p).keys()) {
      const ids = seen.get(s) ?? new Set<string>();
      ids.add(p.id);
      seen.set(s, ids);
    }
  }
  const out = new Map<string, string[]>();
  for (const [s, ids] of [...seen].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) if (ids.size > 1) out.set(s, [...ids].sort());
  return out;
}

/** Parts and headed sections left alone because they are load-bearing. */
export function loadBearingList(prompt: Prompt): string[] {
  const out: string[] = [];
  for (const part of prompt.parts) {
    if (part.loadBearing) {
      out.push(part.name);
      continue;
    }
    for (const m of part.messages)
      for (const s of segmentText(m.content))
        if (s.loadBearing && s.heading && !out.includes(`${part.name}: "${s.heading}"`)) out.push(`${part.name}: "${s.heading}"`);
  }
  return out;
}
