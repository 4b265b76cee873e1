/**
 * Prefix-cache replay needs the token ids of every distinct prompt segment (segments.ts). Those
 * are encoded here up front, across threads (tokenize/parallel.ts), and served to the levers from
 * a map; anything not encoded here (another encoding, a routed model's tokenizer) falls back to
 * encoding on demand, with the same ids either way.
 *
 * Complexity: O(distinct segment characters) work, split over the available cores.
 */
import type { Pricer } from '../pricing/cost.js';
import { encode, encodeParallel, type EncodingName } from '../tokenize/index.js';
import type { UsageRecord } from '../usage/record.js';
import type { Scenario } from './scenario.js';

export type Encode = (text: string, encoding: EncodingName) => ArrayLike<number>;

/** Segment texts of a record as segments.ts sees them (message contents, else the prompt). */
function textsOf(r: UsageRecord): string[] {
  const t = r.text;
  if (t?.messages && t.messages.length > 0) return t.messages.map((m) => m.content);
  if (t?.prompt !== undefined && t.prompt !== '') return [t.prompt];
  return [];
}

export async function pretokenize(records: readonly UsageRecord[], scenarios: readonly Scenario[], pricer: Pricer): Promise<Encode> {
  const replays = scenarios.some((s) => s.levers.some((l) => l.kind === 'prefixCache' && l.params.mode !== 'parametric'));
  if (!replays) return encode;
  const byEncoding = new Map<EncodingName, Set<string>>();
  for (const r of records) {
    if (r.timeMs === undefined || r.requests > 1) continue;
    const entry = pricer.resolve(r.model)?.entry;
    if (!entry?.cache) continue;
    const encoding = entry.tokenizer?.encoding ?? 'o200k_base';
    let texts = byEncoding.get(encoding);
    if (!texts) byEncoding.set(encoding, (texts = new Set()));
    for (const t of textsOf(r)) texts.add(t);
  }
  const known = new Map<EncodingName, Map<string, Uint32Array>>();
  for (const [encoding, set] of byEncoding) {
    const texts = [...set];
    const ids = await encodeParallel(texts, encoding);
    known.set(encoding, new Map(texts.map((t, i) => [t, ids[i]])));
  }
  return (text, encoding) => known.get(encoding)?.get(text) ?? encode(text, encoding);
}
