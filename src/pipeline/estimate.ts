/**
 * The tokenize stage: records that carry text but no counts get estimated counts, using the
 * model's encoding from the catalog (o200k_base when the model is unknown) and, for models
 * without a public tokenizer, the catalog's factor. Each distinct message is counted once
 * (content-addressed cache), so re-sent history costs nothing to re-count.
 */
import type { Catalog } from '../pricing/catalog.js';
import { TokenCounter, type EncodingName } from '../tokenize/index.js';
import type { UsageRecord } from '../usage/record.js';

export interface EstimateStats {
  records: number;
  /** Records estimated with an encoding that is not the model's own tokenizer. */
  approximate: number;
}

export class CountEstimator {
  readonly stats: EstimateStats = { records: 0, approximate: 0 };
  private readonly counter = new TokenCounter();

  constructor(private readonly catalog: Catalog) {}

  /** Fill the buckets of a record whose counts are missing. */
  fill(r: UsageRecord): void {
    if (!r.countsMissing) return;
    const entry = this.catalog.resolve(r.model)?.entry;
    const encoding: EncodingName = entry?.tokenizer?.encoding ?? 'o200k_base';
    const exact = entry?.tokenizer?.exact ?? false;
    const factor = entry?.tokenizer?.factor ?? 1;
    const text = r.text ?? {};
    let input = 0;
    if (text.messages && text.messages.length > 0) input = this.counter.countChat(text.messages, encoding);
    else if (text.prompt) input = this.counter.count(text.prompt, encoding);
    const output = text.completion ? this.counter.count(text.completion, encoding) : 0;
    r.inputTokens = Math.round(input * factor);
    r.outputTokens = Math.round(output * factor);
    r.cacheReadTokens = 0;
    r.cacheWrite5mTokens = 0;
    r.cacheWrite1hTokens = 0;
    r.reasoningTokens = 0;
    r.tokenSource = 'estimated';
    r.countsMissing = false;
    this.stats.records += 1;
    if (!exact) this.stats.approximate += 1;
  }
}
