/**
 * images: stop re-sending images kept in conversation history. An image attached at one turn is
 * re-billed on every later turn while it stays in the history. With `keepTurns: K`, an image is
 * sent on the turn that introduced it and the K turns after (K = 0: drop after first use).
 * Per turn, new images = imageCount(t) - imageCount(t - 1) (history keeps earlier images); images
 * dropped = imageCount(t) - images introduced in the last K + 1 turns. Tokens per image come from
 * the catalog (`images.typicalTokens`; the log has no dimensions) unless `tokensPerImage` is given.
 * Removed tokens come off the cached prefix first.
 *
 * Parameters: keepTurns (required), tokensPerImage.
 *
 * Worked example (test/simulate/levers.test.ts): one image at turn 1, another at turn 3,
 * imageCount 1, 1, 2, 2 over 4 turns; keepTurns 0; 1,590 tokens per image: turn 2 drops 1,
 * turn 3 drops 1, turn 4 drops 2 -> 4 x 1,590 = 6,360 tokens; at $1/MTok $0.00636 saved.
 * With keepTurns 1: 0, 0, 1, 1 dropped.
 *
 * Complexity: O(n log n).
 */
import { int, opt, type Field } from '../../core/validate.js';
import { fitCacheMinimum } from './cache-rules.js';
import { removePromptTokens, withEdit, type Lever, type LeverContext, type LeverOutcome, type SimRequest } from '../types.js';

export interface ImagesParams {
  keepTurns: number;
  tokensPerImage?: number;
}

export const imagesFields: Record<string, Field> = { keepTurns: { rule: int(), required: true }, tokensPerImage: opt(int(1)) };

/**
 * Images dropped per turn for a conversation's image counts (in turn order). `since[t]`: the turn
 * (index) from which turn t still sends its history, when a summary (summarize) replaced the turns
 * before it: the images attached there were folded into the summary and are not re-sent anyway
 * (the template, turn 1, stays).
 */
export function droppedPerTurn(counts: number[], keepTurns: number, since?: readonly number[]): number[] {
  const fresh: number[] = [];
  return counts.map((c, t) => {
    fresh.push(Math.max(0, c - (t > 0 ? counts[t - 1] : 0)));
    const from = since?.[t] ?? 0;
    let folded = 0;
    for (let s = 1; s < from; s++) folded += fresh[s];
    let kept = 0;
    for (let s = Math.max(0, t - keepTurns); s <= t; s++) if (s === 0 || s >= from) kept += fresh[s];
    return Math.max(0, c - folded - kept);
  });
}

/** Per turn (in order), the index of the latest turn at or before it that first sends a summary (0: none). */
function summarisedSince(turns: readonly SimRequest[]): number[] {
  let from = 0;
  return turns.map((r, t) => {
    if (r.edits?.some((e) => e.kind === 'summary' && e.template !== undefined)) from = t;
    return from;
  });
}

function applyImages(requests: readonly SimRequest[], p: ImagesParams, ctx: LeverContext): LeverOutcome {
  const convs = new Map<string, number[]>();
  requests.forEach((r, i) => {
    if (r.dropped || r.origin === 'added' || r.conversation === undefined || r.record.turn === undefined || !ctx.inScope(r)) return;
    const key = `${r.conversation}#${r.replica}`;
    convs.set(key, [...(convs.get(key) ?? []), i]);
  });
  const out = requests.slice();
  let images = 0;
  let tokens = 0;
  const noRule = new Set<string>();
  const perImage = new Set<string>();
  for (const list of convs.values()) {
    list.sort((a, b) => requests[a].record.turn! - requests[b].record.turn! || a - b);
    const dropped = droppedPerTurn(
      list.map((i) => requests[i].record.imageCount ?? 0),
      p.keepTurns,
      summarisedSince(list.map((i) => requests[i])),
    );
    list.forEach((i, t) => {
      if (dropped[t] === 0) return;
      const entry = ctx.resolve(requests[i].model)?.entry;
      const each = p.tokensPerImage ?? entry?.images?.typicalTokens;
      if (each === undefined) return void noRule.add(requests[i].model);
      perImage.add(`${entry?.id ?? requests[i].model} ${each}`);
      images += dropped[t] * requests[i].weight;
      tokens += dropped[t] * each * requests[i].weight;
      const cut = dropped[t] * each;
      out[i] = fitCacheMinimum(withEdit(removePromptTokens(requests[i], cut), { kind: 'remove', tokens: cut }), entry?.cache?.minTokens);
    });
  }
  const notes = [...noRule].map((m) => `${m}: no image token rule in the catalog; give tokensPerImage`);
  if (images === 0) notes.push('no images re-sent in conversation history were found (records need imageCount, conversationId and turn)');
  return {
    requests: out,
    assumptions: [
      ['images kept', `${p.keepTurns} turn(s) after the one that attached them`],
      [
        'tokens per image',
        p.tokensPerImage !== undefined
          ? `${p.tokensPerImage} (given)`
          : `catalog typicalTokens (logs carry no dimensions): ${[...perImage].join(', ') || 'n/a'}`,
      ],
    ],
    notes,
    metrics: [
      ['images no longer re-sent', String(Math.round(images))],
      ['image tokens removed', String(Math.round(tokens))],
    ],
    json: { images, tokens },
  };
}

export const imagesLever: Lever<ImagesParams> = {
  kind: 'images',
  parse: (raw) => ({ keepTurns: raw.keepTurns as number, tokensPerImage: raw.tokensPerImage as number | undefined }),
  apply: applyImages,
};
