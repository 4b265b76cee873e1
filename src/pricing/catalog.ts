/**
 * The catalog: compiled entries plus an exact-match index. Resolution never guesses by
 * substring: an id matches an entry's id or alias exactly (after stripping provider prefixes
 * and Bedrock region prefixes), or a dated snapshot of it when the entry allows snapshots.
 */
import { UserError } from '../core/issues.js';
import { closest, editDistance } from '../core/validate.js';
import type { ModelEntry, PricePeriod } from './model.js';
import { ratio } from './money.js';

export type MatchKind = 'id' | 'alias' | 'snapshot' | 'user-alias';

export interface Resolution {
  entry: ModelEntry;
  matchedBy: MatchKind;
  /** The key that matched after normalisation. */
  matchedKey: string;
  /** Bedrock inference profile scope from the id: `global.`, a geo prefix (`us.`...), or none (in-region). */
  bedrockScope?: 'global' | 'geo' | 'in-region';
}

const PROVIDER_PREFIXES = [
  'openrouter/',
  'openai/',
  'anthropic/',
  'google/',
  'gemini/',
  'vertex_ai/',
  'vertex_ai_beta/',
  'vertex/',
  'bedrock/converse/',
  'bedrock/',
  'azure/',
  'azure_ai/',
  'mistral/',
  'mistralai/',
  'deepseek/',
  'xai/',
  'x-ai/',
  'models/',
  'publishers/google/models/',
  'publishers/anthropic/models/',
];
const VERTEX_PATH = /^projects\/[^/]+\/locations\/[^/]+\/publishers\/[^/]+\/models\//;
const BEDROCK_ARN = /^arn:aws[a-z-]*:bedrock:[^:]*:[^:]*:(?:inference-profile|foundation-model)\//;
const BEDROCK_SCOPE = /^(us-gov|us|eu|apac|au|jp|ca|global)\.(?=[a-z0-9-]+\.)/;
// Dated snapshot names only. A `-latest` / `@latest` name is a moving alias: it has pointed at different
// snapshots (and prices) over time, so it resolves only where the catalog lists it, as an alias of a model whose
// every version had one price or as an entry of its own whose periods follow the moves (docs/pricing.md, Model ids).
const SNAPSHOT_SUFFIXES = [/-\d{4}-\d{2}-\d{2}$/, /-\d{8}$/, /@\d{8}$/, /@\d{3}$/];

export interface NormalizedId {
  key: string;
  bedrockScope?: 'global' | 'geo' | 'in-region';
}

export function normalizeModelId(raw: string): NormalizedId {
  let s = raw.trim().toLowerCase();
  s = s.replace(BEDROCK_ARN, '');
  s = s.replace(VERTEX_PATH, '');
  for (let changed = true; changed; ) {
    changed = false;
    for (const p of PROVIDER_PREFIXES) {
      if (s.startsWith(p)) {
        s = s.slice(p.length);
        changed = true;
      }
    }
  }
  // OpenRouter names Claude models with a dotted version (`anthropic/claude-sonnet-4.5`, `claude-3.5-sonnet`)
  // where Anthropic's own ids use a hyphen; Anthropic ids never contain a dot, so the spelling maps exactly.
  if (s.startsWith('claude-')) s = s.replace(/(\d)\.(\d)/g, '$1-$2');
  const scope = BEDROCK_SCOPE.exec(s);
  if (scope) return { key: s.slice(scope[0].length), bedrockScope: scope[1] === 'global' ? 'global' : 'geo' };
  return { key: s };
}

/** A key (id or alias) of entry `entry` that entry `owner` had (indexes into `Catalog.entries`). */
export interface KeyClash {
  entry: number;
  key: string;
  kind: 'id' | 'alias';
  /** The alias's index in the entry's `aliases`. */
  alias?: number;
  owner: number;
  ownerKind: MatchKind;
}

export class Catalog {
  readonly entries: ModelEntry[];
  private readonly index = new Map<string, { entry: ModelEntry; kind: MatchKind }>();
  private readonly userAliases = new Map<string, string>();
  /** modelAliases keys as written in the config, by their lower-cased key. */
  private readonly aliasKeys = new Map<string, string>();
  private readonly aliasClashes: { key: string; message: string; hint: string }[] = [];
  /**
   * Ids and aliases of an entry that were already another entry's key (by index in `entries`), other
   * than an override of an id by the same id: the later entry took the key alone. The loader decides
   * which are errors (see load.ts).
   */
  readonly keyClashes: KeyClash[] = [];
  private readonly cache = new Map<string, Resolution | null>();
  /** User alias keys some resolved id used (for the "modelAliases that matched nothing" warning). */
  private readonly aliasesUsed = new Set<string>();

  constructor(entries: ModelEntry[], userAliases: Record<string, string> = {}) {
    this.entries = entries;
    // Later entries (user files) override earlier ones (the bundled catalog) key by key.
    // An override of an entry's id takes over that entry's aliases too (logs carry snapshot ids).
    // An entry whose id is only another entry's alias (a snapshot) takes that key alone: it must not
    // take over the other model's id and its other snapshots.
    const at = new Map<ModelEntry, number>(entries.map((e, i) => [e, i]));
    entries.forEach((e, i) => {
      const idKey = normalizeModelId(e.id).key;
      const previous = this.index.get(idKey);
      if (previous && previous.entry !== e) {
        if (previous.kind === 'id') {
          for (const [k, v] of this.index) if (v.entry === previous.entry) this.index.set(k, { entry: e, kind: v.kind });
        } else this.keyClashes.push({ entry: i, key: e.id, kind: 'id', owner: at.get(previous.entry) ?? -1, ownerKind: previous.kind });
      }
      this.index.set(idKey, { entry: e, kind: 'id' });
      e.aliases.forEach((a, k) => {
        const key = normalizeModelId(a).key;
        const owner = this.index.get(key);
        if (owner && owner.entry !== e)
          this.keyClashes.push({ entry: i, key: a, alias: k, kind: 'alias', owner: at.get(owner.entry) ?? -1, ownerKind: owner.kind });
        this.index.set(key, { entry: e, kind: 'alias' });
      });
    });
    for (const [from, to] of Object.entries(userAliases)) {
      const key = from.trim().toLowerCase();
      const before = this.userAliases.get(key);
      if (before !== undefined && before.trim().toLowerCase() !== to.trim().toLowerCase())
        this.aliasClashes.push({
          key: from,
          message: `"${this.aliasKeys.get(key)}" and "${from}" are the same id (matched without case) mapped onto "${before}" and "${to}"`,
          hint: 'keep one of them',
        });
      this.userAliases.set(key, to);
      if (!this.aliasKeys.has(key)) this.aliasKeys.set(key, from);
    }
  }

  /** modelAliases keys as written in the config. */
  userAliasKeys(): string[] {
    return [...this.aliasKeys.values()];
  }

  /** modelAliases keys that no id resolved so far matched (as written in the config, lower-cased). */
  unusedAliases(): string[] {
    return [...this.userAliases.keys()].filter((k) => !this.aliasesUsed.has(k));
  }

  /** Resolve a model id as logged. Results are memoised per raw id. */
  resolve(raw: string): Resolution | undefined {
    const hit = this.cache.get(raw);
    if (hit !== undefined) return hit ?? undefined;
    const res = this.resolveUncached(raw);
    this.cache.set(raw, res ?? null);
    return res;
  }

  /**
   * The id a `modelAliases` chain from `raw` ends at (raw itself when no alias names it), every alias
   * on the way, and whether the chain comes back to an id it passed (a cycle: no end).
   */
  private followAliases(raw: string): { id: string; via: string[]; cycle: boolean } {
    const via: string[] = [];
    let id = raw;
    for (;;) {
      const key = id.trim().toLowerCase();
      const target = this.userAliases.get(key);
      if (target === undefined) return { id, via, cycle: false };
      if (via.includes(key)) return { id, via, cycle: true };
      via.push(key);
      id = target;
      // `gpt-4o: gpt-4o` maps an id onto itself: it ends there, as if it were not written
      if (target.trim().toLowerCase() === key) return { id, via, cycle: false };
    }
  }

  /**
   * `modelAliases` that price nothing: a chain that comes back to itself (`a: b`, `b: a`), or one that
   * ends at an id the catalog does not know, or one id given twice (in other case) with two targets. Each
   * with the alias key as written in the config.
   */
  aliasProblems(): { key: string; message: string; hint: string }[] {
    const out = [...this.aliasClashes];
    for (const [key, written] of this.aliasKeys) {
      const { id, via, cycle } = this.followAliases(key);
      const chain = [...via, id].map((k) => `"${k}"`).join(' -> ');
      if (cycle)
        out.push({
          key: written,
          message: `the aliases form a cycle: ${chain}`,
          hint: 'map each logged id onto a catalog id (or a price file entry)',
        });
      else if (!this.resolveDirect(id)) {
        const near = this.suggest(id);
        out.push({
          key: written,
          message: `${via.length > 1 ? `${chain}: ` : ''}"${id}" is not in the pricing catalog`,
          hint: `${near.length ? `closest known ids: ${near.join(', ')}; or ` : ''}add its price with --prices FILE or a prices: section`,
        });
      }
    }
    return out;
  }

  private resolveUncached(raw: string): Resolution | undefined {
    const { id, via, cycle } = this.followAliases(raw);
    for (const k of via) this.aliasesUsed.add(k);
    if (via.length === 0) return this.resolveDirect(raw);
    if (cycle) return undefined;
    const r = this.resolveDirect(id);
    return r ? { ...r, matchedBy: 'user-alias' } : undefined;
  }

  /** An id by the catalog's own ids, aliases and snapshots (no `modelAliases`). */
  private resolveDirect(raw: string): Resolution | undefined {
    const { key, bedrockScope } = normalizeModelId(raw);
    const scope = bedrockScope ?? (key.includes('.') && /^[a-z]+\.[a-z]/.test(key) ? 'in-region' : undefined);
    const direct = this.index.get(key);
    if (direct) return { entry: direct.entry, matchedBy: direct.kind, matchedKey: key, bedrockScope: scope };
    for (const suffix of SNAPSHOT_SUFFIXES) {
      if (!suffix.test(key)) continue;
      const base = key.replace(suffix, '');
      const found = this.index.get(base);
      if (found?.entry.snapshots) return { entry: found.entry, matchedBy: 'snapshot', matchedKey: base, bedrockScope: scope };
    }
    return undefined;
  }

  /** Closest known ids, for "did you mean" hints. */
  suggest(raw: string, count = 3): string[] {
    const { key } = normalizeModelId(raw);
    const ids = [...this.index.keys()];
    const scored = ids.map((id) => ({ id, d: editDistance(key, id) })).sort((a, b) => a.d - b.d || a.id.localeCompare(b.id));
    const out: string[] = [];
    for (const s of scored) {
      if (out.length >= count) break;
      if (s.d <= Math.max(4, Math.floor(key.length / 2))) out.push(s.id);
    }
    if (out.length === 0) {
      // a further id only when it shares at least half the key ("zzzqqq" is 6 edits from gpt-4o: no suggestion)
      const c = closest(key, ids, Math.min(8, Math.floor(key.length / 2)));
      if (c) out.push(c);
    }
    return out;
  }

  /** Entries still reachable by their own id (not shadowed by a later override). */
  effectiveEntries(): ModelEntry[] {
    return this.entries.filter((e) => this.index.get(normalizeModelId(e.id).key)?.entry === e);
  }
}

/**
 * Why `entry` has no price at `timeMs`, or undefined when it has one. A record dated before the
 * first known period is unpriced (an earlier price may have existed), unless that period is marked
 * `sinceLaunch` or has no start date. See docs/pricing.md, "Effective dates".
 */
export function noPriceReason(entry: ModelEntry, timeMs: number): string | undefined {
  const first = entry.periods[0];
  if (first.sinceLaunch || !(timeMs < first.fromMs)) return undefined;
  return `no known price before ${first.from}`;
}

/**
 * Why records of `model` went unpriced: not in the catalog, or dated before its first known price.
 * The second is the only way a catalogued model goes unpriced, so the model alone decides the text.
 */
export function unpricedReason(catalog: Catalog, model: string): string {
  const res = catalog.resolve(model);
  return (res && noPriceReason(res.entry, -Infinity)) ?? 'not in the pricing catalog';
}

/**
 * Unpriced-model counts for the report's warning, each catalogued model labelled with its reason
 * ("deepseek-chat (no known price before 2025-09-29)"); models not in the catalog keep their id
 * (the warning itself says they need prices).
 */
export function labelUnpriced(counts: ReadonlyMap<string, number>, catalog: Catalog): Map<string, number> {
  const out = new Map<string, number>();
  for (const [model, n] of counts) {
    const key = catalog.resolve(model) ? `${model} (${unpricedReason(catalog, model)})` : model;
    out.set(key, (out.get(key) ?? 0) + n);
  }
  return out;
}

/**
 * The price period in force at `timeMs` (the last period whose start is not after it); before the
 * first period this is the first period: callers check `noPriceReason` first, or use
 * `pricedPeriodAt`, which does.
 */
export function periodAt(entry: ModelEntry, timeMs: number): { period: PricePeriod; index: number } {
  let index = 0;
  for (let i = 1; i < entry.periods.length; i++) if (entry.periods[i].fromMs <= timeMs) index = i;
  return { period: entry.periods[index], index };
}

/**
 * The price period in force at `timeMs`, or undefined before the entry's first known price (see
 * `noPriceReason`): the one rule for every priced answer, logged records and hypothetical usage alike.
 */
export function pricedPeriodAt(entry: ModelEntry, timeMs: number): { period: PricePeriod; index: number } | undefined {
  return noPriceReason(entry, timeMs) === undefined ? periodAt(entry, timeMs) : undefined;
}

/**
 * The error (exit 2) for hypothetical usage (an estimate, a check, a what-if) priced at a date before
 * the model's first known price: it is unpriced, never priced at a later period. `where` is a
 * file:line to put in front.
 */
export function noPriceError(entry: ModelEntry, timeMs: number, where?: string): UserError {
  const first = entry.periods[0];
  const day = new Date(timeMs).toISOString().slice(0, 10);
  return new UserError(
    `${where ? `${where}: ` : ''}${entry.id} has no price on ${day}: its first known price is from ${first.from}`,
    `price at a date from ${first.from} on (--at DATE), or add the earlier price with --prices FILE`,
  );
}

/** Apply a provider-wide or model discount from a user file to existing entries. */
export function withDiscount(entry: ModelEntry, discount: number): ModelEntry {
  const off = ratio(discount);
  return { ...entry, discount: { factor: { num: off.den - off.num, den: off.den }, discountText: `${+(discount * 100).toFixed(6)}%` } };
}
