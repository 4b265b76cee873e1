/**
 * Prompt text as token segments, for the text-driven levers (prefix cache replay, compression,
 * routing). A segment is one chat message (`role` line + content) or the whole rendered prompt.
 *
 * Segments are tokenized once per distinct text (a memo keyed by the text; system prompts repeat
 * across thousands of requests), so a request holds references to shared token arrays, never a
 * flattened copy. A segment is *static* when its exact text occurs in at least two conversations
 * of the log (a request outside a conversation counts as its own): system prompts, few-shot
 * examples, shared documents. Everything else is *dynamic*: the new user message, retrieved
 * context, and a conversation's own history (repeated on every turn, but only for that user).
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
  /** Tokens in the leading run of static parts (where an explicit breakpoint would go). */
  staticPrefix: number;
  /** Whether reordering changed the order. */
  reordered: boolean;
}

/** Segment texts of a record (message contents), or undefined when it carries no prompt text. */
export function segmentTexts(r: SimRequest): string[] | undefined {
  const t = r.record.text;
  if (t?.messages && t.messages.length > 0) return t.messages.map((m) => m.content);
  if (t?.prompt !== undefined && t.prompt !== '') return [t.prompt];
  return undefined;
}

/** Index of the first assistant message: history starts there and is never reordered. */
function historyStart(r: SimRequest, n: number): number {
  const i = r.record.text?.messages?.findIndex((m) => m.role === 'assistant') ?? -1;
  return i < 0 ? n : i;
}

/**
 * Per segment text, in how many distinct conversations it occurs (capped at 2: all that matters).
 * Logged requests only, so volume replicas do not make a user's text look shared.
 */
export function segmentFrequencies(requests: readonly SimRequest[]): Map<string, number> {
  const freq = new Map<string, number>();
  const firstIn = new Map<string, string>();
  for (const r of requests) {
    if (r.origin !== 'log') continue;
    const ctx = r.record.conversationId !== undefined ? `c:${r.record.conversationId}` : `r:${r.record.id}`;
    for (const s of segmentTexts(r) ?? []) {
      const n = freq.get(s);
      if (n === undefined) {
        freq.set(s, 1);
        firstIn.set(s, ctx);
      } else if (n === 1 && firstIn.get(s) !== ctx) {
        freq.set(s, 2);
        firstIn.delete(s);
      }
    }
  }
  return freq;
}

export class SegmentTokenizer {
  private readonly memo = new Map<string, ArrayLike<number>>();
  constructor(
    private readonly env: SimEnv,
    private readonly encoding: EncodingName,
    private readonly freq: Map<string, number>,
  ) {}

  tokens(text: string): ArrayLike<number> {
    let t = this.memo.get(text);
    if (t === undefined) {
      t = Uint32Array.from(this.env.encode!(text, this.encoding));
      this.memo.set(text, t);
    }
    return t;
  }

  /**
   * The request's segments. With `reorder`, the static segments of the prompt template (the
   * messages before the first assistant message) move in front of its dynamic ones, order kept
   * within each class; conversation history keeps its order (moving it would break the prefix
   * the previous turn cached).
   */
  segments(r: SimRequest, reorder: boolean): Segments | undefined {
    const texts = segmentTexts(r);
    if (!texts || !this.env.encode) return undefined;
    let items = texts.map((s) => ({ parts: this.tokens(s), isStatic: (this.freq.get(s) ?? 0) >= 2 }));
    let reordered = false;
    if (reorder) {
      const h = historyStart(r, items.length);
      const head = items.slice(0, h);
      const next = [...head.filter((x) => x.isStatic), ...head.filter((x) => !x.isStatic), ...items.slice(h)];
      reordered = next.some((x, i) => x !== items[i]);
      items = next;
    }
    let tokens = 0;
    let staticPrefix = 0;
    let leading = true;
    for (const x of items) {
      tokens += x.parts.length;
      leading &&= x.isStatic;
      if (leading) staticPrefix += x.parts.length;
    }
    return { parts: items.map((x) => x.parts), staticPart: items.map((x) => x.isStatic), tokens, staticPrefix, reordered };
  }
}

/** Tokens in static segments (a prefix of a reordered prompt, or anywhere in the original). */
export function staticTokens(s: Segments): number {
  let n = 0;
  for (let i = 0; i < s.parts.length; i++) if (s.staticPart[i]) n += s.parts[i].length;
  return n;
}
