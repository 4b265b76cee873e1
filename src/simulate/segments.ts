/**
 * Prompt text as token segments, for the text-driven levers (prefix cache replay, compression,
 * routing). A segment is one chat message (`role` line + content) or the whole rendered prompt.
 *
 * Segments are tokenized once per distinct text (a memo keyed by the text; system prompts repeat
 * across thousands of requests), so a request holds references to shared token arrays, never a
 * flattened copy. A segment is *static* when its exact text occurs in at least two requests of the
 * log (system prompts, few-shot examples, shared documents, earlier conversation turns) and
 * *dynamic* otherwise (the new user message, retrieved context).
 *
 * Complexity: O(total characters) to tokenize the distinct segments, O(segments) per request after.
 */
import type { EncodingName } from '../tokenize/encodings.js';
import type { SimEnv, SimRequest } from './types.js';

export interface Segments {
  parts: ArrayLike<number>[];
  /** Per part: true when its text repeats elsewhere in the log. */
  staticPart: boolean[];
  tokens: number;
}

/** Segment texts of a record, or undefined when it carries no prompt text. */
export function segmentTexts(r: SimRequest): string[] | undefined {
  const t = r.record.text;
  if (t?.messages && t.messages.length > 0) return t.messages.map((m) => `${m.role}\n${m.content}`);
  if (t?.prompt !== undefined && t.prompt !== '') return [t.prompt];
  return undefined;
}

/** Text occurrence counts across all requests (by distinct record, so replicas do not count). */
export function segmentFrequencies(requests: readonly SimRequest[]): Map<string, number> {
  const freq = new Map<string, number>();
  const seen = new Set<string>();
  for (const r of requests) {
    if (seen.has(r.record.id)) continue;
    seen.add(r.record.id);
    for (const s of segmentTexts(r) ?? []) freq.set(s, (freq.get(s) ?? 0) + 1);
  }
  return freq;
}

export class SegmentTokenizer {
  private readonly memo = new Map<string, ArrayLike<number>>();
  constructor(private readonly env: SimEnv, private readonly encoding: EncodingName, private readonly freq: Map<string, number>) {}

  tokens(text: string): ArrayLike<number> {
    let t = this.memo.get(text);
    if (t === undefined) {
      t = Uint32Array.from(this.env.encode!(text, this.encoding));
      this.memo.set(text, t);
    }
    return t;
  }

  /** The request's segments; with `reorder`, static segments first (order kept within each class). */
  segments(r: SimRequest, reorder: boolean): Segments | undefined {
    const texts = segmentTexts(r);
    if (!texts || !this.env.encode) return undefined;
    let items = texts.map((s) => ({ parts: this.tokens(s), isStatic: (this.freq.get(s) ?? 0) >= 2 }));
    if (reorder) items = [...items.filter((x) => x.isStatic), ...items.filter((x) => !x.isStatic)];
    let tokens = 0;
    for (const x of items) tokens += x.parts.length;
    return { parts: items.map((x) => x.parts), staticPart: items.map((x) => x.isStatic), tokens };
  }
}

/** Tokens in static segments (a prefix of a reordered prompt, or anywhere in the original). */
export function staticTokens(s: Segments): number {
  let n = 0;
  for (let i = 0; i < s.parts.length; i++) if (s.staticPart[i]) n += s.parts[i].length;
  return n;
}
